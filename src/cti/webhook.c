/**
 * @file webhook.c  Webhook deliveries on the signalling thread (see the
 * state machine in webhook.h).
 *
 * libre's HTTP client does the POST.  Its own timeouts are long (30 s to
 * connect, 60 s to answer) and it keeps the body of an answer in memory,
 * so each attempt has our timer, which drops the request when it fires,
 * and a data handler that throws the answer's body away: a receiver
 * cannot make us wait or hold its bytes.  Deliveries sit in a hash by
 * tenant, which is how the per-tenant bound is counted.
 *
 * Known limit: libre 1.1.0's client does not verify the certificate of
 * an https:// receiver.  The signature still lets the receiver check
 * that we sent the event; the event itself may be read by whoever can
 * stand in for the receiver.
 */
#include <re.h>
#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/random.h"
#include "core/strutil.h"
#include "ctl/ctl.h"
#include "cti/priv.h"
#include "cti/webhook.h"
#include "store/webhooks.h"

enum {
	HASH_BUCKETS = 64,
	TYPE_MAX = 47,
};

struct webhooks {
	struct store *st;            /**< borrowed: signalling thread's */
	struct webhook_conf conf;
	struct dnsc *dnsc;           /**< owned */
	struct http_cli *cli;        /**< owned */
	struct hash *pending;        /**< struct delivery, key: tenant id */
	struct webhook_stats stats;
};

struct delivery {
	struct le he;                /**< in webhooks.pending */
	struct webhooks *wh;         /**< borrowed: owner */
	int64_t tenant_id;
	int64_t webhook_id;
	char event_id[37];
	char type[TYPE_MAX + 1];
	char *body;                  /**< ref: the envelope, shared */
	unsigned attempts;           /**< made so far */
	struct tmr tmr;              /**< next attempt, or this one's end */
	struct http_req *req;        /**< the attempt in flight, or NULL */
};

void webhook_conf_default(struct webhook_conf *c)
{
	c->max_attempts = 10;
	c->first_retry_ms = 1000;
	c->max_retry_ms = 256000;
	c->timeout_ms = 10000;
	c->queue_max = 1000;
}

void webhook_conf_from(struct webhook_conf *c, const struct conf *dc)
{
	/* the table's bounds (core/conf.c) keep these positive */
	c->max_attempts = (unsigned)dc->webhook_max_attempts;
	c->first_retry_ms = (unsigned)dc->webhook_first_retry_ms;
	c->max_retry_ms = (unsigned)dc->webhook_max_retry_ms;
	c->timeout_ms = (unsigned)dc->webhook_timeout_ms;
	c->queue_max = (unsigned)dc->webhook_queue_max;
}

static bool conf_ok(const struct webhook_conf *c)
{
	return c && c->max_attempts && c->queue_max && c->timeout_ms;
}

void webhook_sign(char out[65], const char *secret, int64_t t,
		  const char *body, size_t body_len)
{
	crypto_auth_hmacsha256_state s;
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];
	int n = re_snprintf(ts, sizeof(ts), "%lld.", (long long)t);

	crypto_auth_hmacsha256_init(&s, (const uint8_t *)secret,
				    strlen(secret));
	crypto_auth_hmacsha256_update(&s, (const uint8_t *)ts,
				      n > 0 ? (size_t)n : 0);
	crypto_auth_hmacsha256_update(&s, (const uint8_t *)body, body_len);
	crypto_auth_hmacsha256_final(&s, mac);
	hex_encode(out, 65, mac, sizeof(mac));
}

/* ---- one delivery -------------------------------------------------------- */

static void delivery_destructor(void *arg)
{
	struct delivery *d = arg;

	tmr_cancel(&d->tmr);
	d->req = mem_deref(d->req);    /* no answer handler runs after */
	if (d->he.list)
		d->wh->stats.pending--;
	hash_unlink(&d->he);
	d->body = mem_deref(d->body);
}

static void attempt(void *arg);

/* the wait before attempt n+1, after n failed: doubling, capped */
static uint64_t backoff_ms(const struct webhook_conf *c, unsigned n)
{
	uint64_t ms = c->first_retry_ms;

	while (--n && ms < c->max_retry_ms)
		ms *= 2;
	return ms < c->max_retry_ms ? ms : c->max_retry_ms;
}

static void failed(struct delivery *d, const char *why)
{
	struct webhooks *wh = d->wh;

	tmr_cancel(&d->tmr);
	d->req = mem_deref(d->req);
	if (d->attempts >= wh->conf.max_attempts) {
		wh->stats.given_up++;
		metrics_inc(M_WEBHOOK_GIVEN_UP);
		log_notice("cti/webhook", "tenant %lld webhook %lld: event %s "
			   "given up after %u attempts (%s)",
			   (long long)d->tenant_id, (long long)d->webhook_id,
			   d->event_id, d->attempts, why);
		mem_deref(d);
		return;
	}
	wh->stats.retries++;
	metrics_inc(M_WEBHOOK_RETRIED);
	log_debug("cti/webhook", "tenant %lld webhook %lld: event %s attempt "
		  "%u failed (%s)", (long long)d->tenant_id,
		  (long long)d->webhook_id, d->event_id, d->attempts, why);
	tmr_start(&d->tmr, backoff_ms(&wh->conf, d->attempts), attempt, d);
}

static void timed_out(void *arg)
{
	failed(arg, "no answer in time");
}

/* the answer's body is not wanted: read and forgotten */
static int discard_body(const uint8_t *buf, size_t size,
			const struct http_msg *msg, void *arg)
{
	(void)buf;
	(void)size;
	(void)msg;
	(void)arg;
	return 0;
}

/* libre has already cleared d->req and frees the request after this */
static void answered(int err, const struct http_msg *msg, void *arg)
{
	struct delivery *d = arg;
	char why[48];

	if (!err && msg && msg->scode >= 200 && msg->scode <= 299) {
		d->wh->stats.delivered++;
		metrics_inc(M_WEBHOOK_DELIVERED);
		log_debug("cti/webhook", "tenant %lld webhook %lld: event %s "
			  "delivered (%u)", (long long)d->tenant_id,
			  (long long)d->webhook_id, d->event_id, msg->scode);
		mem_deref(d);
		return;
	}
	if (err)
		(void)re_snprintf(why, sizeof(why), "%m", err);
	else
		(void)re_snprintf(why, sizeof(why), "status %u",
				  msg ? msg->scode : 0);
	failed(d, why);
}

static void attempt(void *arg)
{
	struct delivery *d = arg;
	struct webhooks *wh = d->wh;
	struct store_webhook w;
	const char *host;
	char sig[65], uri[STORE_WEBHOOK_URL_MAX + 2];
	int64_t t = (int64_t)time(NULL);
	int err;

	/* the subscription as it is now: gone or off means no more tries */
	if (store_webhook_get(wh->st, d->tenant_id, d->webhook_id, &w) ||
	    !w.enabled || !store_webhook_wants(&w, d->type) ||
	    webhook_url_problem(w.url)) {
		wh->stats.dropped++;
		mem_deref(d);
		return;
	}
	/* libre's client wants a path: "http://host" is "http://host/" */
	host = strstr(w.url, "://") + 3;
	(void)re_snprintf(uri, sizeof(uri), "%s%s", w.url,
			  strchr(host, '/') ? "" : "/");
	webhook_sign(sig, w.secret, t, d->body, strlen(d->body));
	sodium_memzero(w.secret, sizeof(w.secret));
	d->attempts++;
	wh->stats.attempts++;
	err = http_request(&d->req, wh->cli, "POST", uri, answered,
			   discard_body, d,
			   "Content-Type: application/json\r\n"
			   "User-Agent: centrexd/" CENTREX_VERSION "\r\n"
			   "X-Centrex-Webhook-Id: %s\r\n"
			   "X-Centrex-Event: %s\r\n"
			   "X-Centrex-Signature: t=%lld,v1=%s\r\n"
			   "Content-Length: %zu\r\n"
			   "\r\n"
			   "%s",
			   d->event_id, d->type, (long long)t, sig,
			   strlen(d->body), d->body);
	if (err) {
		char why[48];

		(void)re_snprintf(why, sizeof(why), "%m", err);
		failed(d, why);
		return;
	}
	tmr_start(&d->tmr, wh->conf.timeout_ms, timed_out, d);
}

/* ---- events ---------------------------------------------------------------- */

static unsigned tenant_pending(const struct webhooks *wh, int64_t tenant_id)
{
	unsigned n = 0;
	struct le *le;

	LIST_FOREACH(hash_list(wh->pending, (uint32_t)tenant_id), le) {
		const struct delivery *d = le->data;

		n += d->tenant_id == tenant_id;
	}
	return n;
}

struct wanted {
	const char *type;
	int64_t ids[STORE_WEBHOOKS_PER_TENANT];
	size_t n;
};

static int want(const struct store_webhook *w, void *arg)
{
	struct wanted *x = arg;

	if (w->enabled && store_webhook_wants(w, x->type) &&
	    x->n < STORE_WEBHOOKS_PER_TENANT)
		x->ids[x->n++] = w->id;
	return 0;
}

static bool type_ok(const char *type)
{
	size_t n = type ? strlen(type) : 0;

	return n && n <= TYPE_MAX &&
	       strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789._") == n;
}

void cti_iso_ms(char *out, size_t size, int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	char day[24];

	if (!gmtime_r(&s, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		day[0] = '\0';
	(void)re_snprintf(out, size, "%s.%03dZ", day, (int)(ms % 1000));
}

static int queue(struct webhooks *wh, int64_t tenant_id, int64_t webhook_id,
		 const char *type, const char *event_id, char *body)
{
	struct delivery *d;

	if (tenant_pending(wh, tenant_id) >= wh->conf.queue_max) {
		wh->stats.dropped++;
		metrics_inc(M_WEBHOOK_DROPPED_QUEUE_FULL);
		log_debug("cti/webhook", "tenant %lld: queue full, event %s "
			  "not sent to webhook %lld", (long long)tenant_id,
			  event_id, (long long)webhook_id);
		return ENOSPC;
	}
	d = mem_zalloc(sizeof(*d), delivery_destructor);
	if (!d)
		return ENOMEM;
	d->wh = wh;
	d->tenant_id = tenant_id;
	d->webhook_id = webhook_id;
	str_ncpy(d->event_id, event_id, sizeof(d->event_id));
	str_ncpy(d->type, type, sizeof(d->type));
	d->body = mem_ref(body);
	tmr_init(&d->tmr);
	hash_append(wh->pending, (uint32_t)tenant_id, &d->he, d);
	wh->stats.pending++;
	wh->stats.queued++;
	/* not from inside the emitter's own callback: from the loop */
	tmr_start(&d->tmr, 0, attempt, d);
	return 0;
}

int webhooks_emit(struct webhooks *wh, int64_t tenant_id, const char *type,
		  const char *data_json, unsigned *queuedp)
{
	struct wanted x = {.type = type};
	struct timespec ts;
	char id[37], when[40], *body = NULL;
	unsigned n = 0;
	int err;

	if (queuedp)
		*queuedp = 0;
	if (!wh || tenant_id <= 0 || !type_ok(type) || !data_json ||
	    data_json[0] != '{')
		return EINVAL;
	err = store_webhook_list(wh->st, tenant_id, 0,
				 STORE_WEBHOOKS_PER_TENANT, want, &x);
	if (err) {
		log_warn("cti/webhook", "tenant %lld: cannot read its webhooks "
			 "(%m): event %s not sent", (long long)tenant_id, err,
			 type);
		return err;
	}
	if (!x.n)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	random_uuid(id);
	cti_iso_ms(when, sizeof(when), (int64_t)ts.tv_sec * 1000 +
	       ts.tv_nsec / 1000000);
	/* type is [a-z0-9._] and data is JSON made by us: no escaping */
	err = re_sdprintf(&body, "{\"id\":\"%s\",\"type\":\"%s\","
			  "\"timestamp\":\"%s\",\"tenant_id\":%lld,"
			  "\"data\":%s}", id, type, when, (long long)tenant_id,
			  data_json);
	if (err)
		return err;
	wh->stats.events++;
	for (size_t i = 0; i < x.n; i++)
		n += !queue(wh, tenant_id, x.ids[i], type, id, body);
	mem_deref(body);
	if (queuedp)
		*queuedp = n;
	return 0;
}

struct store *webhooks_store(const struct webhooks *wh)
{
	return wh ? wh->st : NULL;
}

void webhooks_stats(const struct webhooks *wh, struct webhook_stats *s)
{
	if (wh && s)
		*s = wh->stats;
}

static int cmd_webhooks(struct re_printf *pf, const struct pl *args,
			void *arg)
{
	const struct webhook_stats *s = &((struct webhooks *)arg)->stats;

	(void)args;
	return re_hprintf(pf, "events %llu\nqueued %llu\nattempts %llu\n"
			  "delivered %llu\nretries %llu\ngiven_up %llu\n"
			  "dropped %llu\npending %llu\n",
			  (unsigned long long)s->events,
			  (unsigned long long)s->queued,
			  (unsigned long long)s->attempts,
			  (unsigned long long)s->delivered,
			  (unsigned long long)s->retries,
			  (unsigned long long)s->given_up,
			  (unsigned long long)s->dropped,
			  (unsigned long long)s->pending);
}

int webhooks_register_ctl(struct webhooks *wh, struct ctl *ctl)
{
	if (!wh || !ctl)
		return EINVAL;
	return ctl_register(ctl, "webhooks", "webhook deliveries: counters "
			    "since start", cmd_webhooks, wh);
}

/* ---- life ------------------------------------------------------------------ */

static void webhooks_destructor(void *arg)
{
	struct webhooks *wh = arg;

	if (wh->stats.pending)
		log_notice("cti/webhook", "%llu deliveries dropped at stop",
			   (unsigned long long)wh->stats.pending);
	/* deliveries first: their requests belong to the client */
	hash_flush(wh->pending);
	wh->pending = mem_deref(wh->pending);
	wh->cli = mem_deref(wh->cli);
	wh->dnsc = mem_deref(wh->dnsc);
}

int webhooks_alloc(struct webhooks **whp, struct store *st,
		   const struct webhook_conf *conf)
{
	struct sa ns[4];
	uint32_t nsn = (uint32_t)(sizeof(ns) / sizeof(ns[0]));
	char domain[128] = "";
	struct webhooks *wh;
	int err;

	if (!whp || !st || !conf_ok(conf))
		return EINVAL;
	wh = mem_zalloc(sizeof(*wh), webhooks_destructor);
	if (!wh)
		return ENOMEM;
	wh->st = st;
	wh->conf = *conf;
	/* no resolver configured: names fail (and retry), addresses work */
	if (dns_srv_get(domain, sizeof(domain), ns, &nsn))
		nsn = 0;
	err = hash_alloc(&wh->pending, HASH_BUCKETS);
	if (!err)
		err = dnsc_alloc(&wh->dnsc, NULL, ns, nsn);
	if (!err)
		err = http_client_alloc(&wh->cli, wh->dnsc);
	if (err) {
		mem_deref(wh);
		return err;
	}
	*whp = wh;
	return 0;
}

int webhooks_configure(struct webhooks *wh, const struct webhook_conf *conf)
{
	if (!wh || !conf_ok(conf))
		return EINVAL;
	wh->conf = *conf;
	return 0;
}

void webhooks_free(struct webhooks *wh)
{
	mem_deref(wh);
}
