/**
 * @file test_webhook.c  Webhook deliveries against a real HTTP receiver
 * on loopback (libre's server, in this process's loop): what arrives,
 * that its signature verifies with the secret, retries with the same id,
 * giving up, timeouts, refused connections, the per-tenant bound, and
 * that only the tenant's enabled subscriptions to the type are called.
 * Backoffs and timeouts are shortened through webhook_conf.
 */
#include <re.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "core/random.h"
#include "cti/webhook.h"
#include "store/store.h"
#include "store/webhooks.h"
#include "support.h"

enum { RX_MAX = 8 };

struct rx {
	struct http_sock *sock;
	uint16_t port;
	uint16_t codes[RX_MAX];      /* answers in turn; then the last */
	size_t ncodes;
	unsigned n;
	char ids[RX_MAX][40];
	char sigs[RX_MAX][128];
	char events[RX_MAX][40];
	char bodies[RX_MAX][1024];
	char paths[RX_MAX][64];
};

static void rx_request(struct http_conn *conn, const struct http_msg *msg,
		       void *arg)
{
	struct rx *rx = arg;
	const struct http_hdr *h;
	unsigned i = rx->n < RX_MAX ? rx->n : RX_MAX - 1;
	uint16_t code = rx->codes[rx->n < rx->ncodes ? rx->n
						     : rx->ncodes - 1];

	h = http_msg_xhdr(msg, "X-Centrex-Webhook-Id");
	(void)re_snprintf(rx->ids[i], sizeof(rx->ids[i]), "%r",
			  h ? &h->val : &pl_null);
	h = http_msg_xhdr(msg, "X-Centrex-Signature");
	(void)re_snprintf(rx->sigs[i], sizeof(rx->sigs[i]), "%r",
			  h ? &h->val : &pl_null);
	h = http_msg_xhdr(msg, "X-Centrex-Event");
	(void)re_snprintf(rx->events[i], sizeof(rx->events[i]), "%r",
			  h ? &h->val : &pl_null);
	(void)re_snprintf(rx->paths[i], sizeof(rx->paths[i]), "%r",
			  &msg->path);
	(void)re_snprintf(rx->bodies[i], sizeof(rx->bodies[i]), "%b",
			  mbuf_buf(msg->mb), mbuf_get_left(msg->mb));
	rx->n++;
	(void)http_reply(conn, code, code < 300 ? "OK" : "Nope",
			 "Content-Length: 4\r\n\r\nthx\n");
}

static void rx_start(struct rx *rx, const uint16_t *codes, size_t n)
{
	struct sa local;

	memset(rx, 0, sizeof(*rx));
	memcpy(rx->codes, codes, n * sizeof(codes[0]));
	rx->ncodes = n;
	assert_int_equal(sa_set_str(&local, "127.0.0.1", 0), 0);
	assert_int_equal(http_listen(&rx->sock, &local, rx_request, rx), 0);
	assert_int_equal(tcp_sock_local_get(http_sock_tcp(rx->sock), &local),
			 0);
	rx->port = sa_port(&local);
}

struct fix {
	struct support_store s;
	struct webhooks *wh;
	struct webhook_conf conf;
	struct rx rx;
};

static int setup(void **state)
{
	static struct fix f;

	memset(&f, 0, sizeof(f));
	support_store_up(&f.s);
	webhook_conf_default(&f.conf);
	f.conf.first_retry_ms = 10;
	f.conf.max_retry_ms = 40;
	f.conf.max_attempts = 3;
	f.conf.timeout_ms = 2000;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	webhooks_free(f->wh);
	f->rx.sock = mem_deref(f->rx.sock);
	support_store_down(&f->s);
	return 0;
}

static void start(struct fix *f)
{
	assert_int_equal(webhooks_alloc(&f->wh, f->s.st, &f->conf), 0);
}

static int64_t subscribe(struct fix *f, int64_t tid, const char *path,
			 uint16_t port, const char *events, bool enabled)
{
	struct store_webhook w = {0};

	snprintf(w.url, sizeof(w.url), "http://127.0.0.1:%u%s", port, path);
	snprintf(w.secret, sizeof(w.secret), "whsec_test_%s", path);
	snprintf(w.events, sizeof(w.events), "%s", events);
	w.enabled = enabled;
	w.created_ms = 1;
	assert_int_equal(store_webhook_create(f->s.st, tid, &w), 0);
	return w.id;
}

static unsigned emit(struct fix *f, int64_t tid)
{
	unsigned n = 99;

	assert_int_equal(webhooks_emit(f->wh, tid, "voicemail.message",
				       "{\"message_id\":7}", &n), 0);
	return n;
}

/* runs the loop until nothing is pending any more (or ms passed) */
static struct webhook_stats settle(struct fix *f, unsigned ms)
{
	struct webhook_stats s;
	uint64_t end = tmr_jiffies() + ms;

	do {
		support_run_until(NULL, 5);
		webhooks_stats(f->wh, &s);
	} while (s.pending && tmr_jiffies() < end);
	return s;
}

/* one receiver answering codes in turn, one acme subscription at path,
   one event: what the counters say once it is settled */
static struct webhook_stats one_event(struct fix *f, const uint16_t *codes,
				      size_t n, const char *path)
{
	rx_start(&f->rx, codes, n);
	start(f);
	subscribe(f, f->s.acme, path, f->rx.port, "voicemail.message", true);
	assert_int_equal(emit(f, f->s.acme), 1);
	return settle(f, 3000);
}

/* the receiver's check, written apart from webhook_sign() */
static bool signature_ok(const char *header, const char *secret,
			 const char *body)
{
	long long t;
	char v1[65], want[65], msg[1200];
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state s;

	if (sscanf(header, "t=%lld,v1=%64s", &t, v1) != 2)
		return false;
	snprintf(msg, sizeof(msg), "%lld.%s", t, body);
	crypto_auth_hmacsha256_init(&s, (const uint8_t *)secret,
				    strlen(secret));
	crypto_auth_hmacsha256_update(&s, (const uint8_t *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&s, mac);
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(want + 2 * i, 3, "%02x", mac[i]);
	return !strcmp(want, v1);
}

static void test_delivered_and_signed(void **state)
{
	static const uint16_t ok[] = {200};
	struct fix *f = *state;
	struct webhook_stats s;
	char sig[65];

	s = one_event(f, ok, 1, "/hook");
	assert_int_equal(f->rx.n, 1);
	assert_int_equal(s.delivered, 1);
	assert_int_equal(s.attempts, 1);
	assert_int_equal(s.pending, 0);
	assert_string_equal(f->rx.paths[0], "/hook");
	assert_string_equal(f->rx.events[0], "voicemail.message");
	assert_int_equal(strlen(f->rx.ids[0]), 36);
	/* the envelope: id as in the header, type, tenant, data as given */
	assert_non_null(strstr(f->rx.bodies[0], f->rx.ids[0]));
	assert_non_null(strstr(f->rx.bodies[0],
			       "\"type\":\"voicemail.message\""));
	assert_non_null(strstr(f->rx.bodies[0], "\"data\":{\"message_id\":7}"));
	{
		char tenant[48];

		snprintf(tenant, sizeof(tenant), "\"tenant_id\":%lld,",
			 (long long)f->s.acme);
		assert_non_null(strstr(f->rx.bodies[0], tenant));
	}
	assert_non_null(strstr(f->rx.bodies[0], "\"timestamp\":\"20"));
	assert_true(signature_ok(f->rx.sigs[0], "whsec_test_/hook",
				 f->rx.bodies[0]));
	assert_false(signature_ok(f->rx.sigs[0], "whsec_test_/other",
				  f->rx.bodies[0]));
	/* and webhook_sign() agrees with the receiver's check */
	webhook_sign(sig, "k", 12, "{}", 2);
	assert_true(signature_ok("t=12,v1=", "k", "{}") == false);
	{
		char hdr[100];

		snprintf(hdr, sizeof(hdr), "t=12,v1=%s", sig);
		assert_true(signature_ok(hdr, "k", "{}"));
	}
}

static void test_retried_with_the_same_id(void **state)
{
	static const uint16_t flaky[] = {500, 500, 200};
	struct fix *f = *state;
	struct webhook_stats s;

	s = one_event(f, flaky, 3, "/flaky");
	assert_int_equal(f->rx.n, 3);
	assert_string_equal(f->rx.ids[0], f->rx.ids[1]);
	assert_string_equal(f->rx.ids[1], f->rx.ids[2]);
	assert_string_equal(f->rx.bodies[0], f->rx.bodies[2]);
	assert_int_equal(s.retries, 2);
	assert_int_equal(s.delivered, 1);
	assert_int_equal(s.given_up, 0);
}

static void test_given_up(void **state)
{
	static const uint16_t down[] = {503};
	struct fix *f = *state;
	struct webhook_stats s;

	s = one_event(f, down, 1, "/down");
	assert_int_equal(f->rx.n, 3);      /* max_attempts */
	assert_int_equal(s.given_up, 1);
	assert_int_equal(s.delivered, 0);
	assert_int_equal(s.pending, 0);
}

static void test_refused_and_redirect_fail(void **state)
{
	static const uint16_t moved[] = {301};
	struct fix *f = *state;
	struct webhook_stats s;
	struct sa local;
	struct tcp_sock *ts = NULL;
	uint16_t closed;

	/* a port nobody listens on: bound, then let go */
	assert_int_equal(sa_set_str(&local, "127.0.0.1", 0), 0);
	assert_int_equal(tcp_listen(&ts, &local, NULL, NULL), 0);
	assert_int_equal(tcp_sock_local_get(ts, &local), 0);
	closed = sa_port(&local);
	ts = mem_deref(ts);

	rx_start(&f->rx, moved, 1);
	start(f);
	subscribe(f, f->s.acme, "/gone", closed, "voicemail.message", true);
	subscribe(f, f->s.acme, "/moved", f->rx.port, "voicemail.message",
		  true);
	assert_int_equal(emit(f, f->s.acme), 2);
	s = settle(f, 5000);
	assert_int_equal(s.given_up, 2);   /* a redirect is not followed */
	assert_int_equal(f->rx.n, 3);
	assert_int_equal(s.attempts, 6);
}

struct mute {
	struct tcp_sock *ts;
	struct tcp_conn *tc[4];
	unsigned n;
};

/* accepts and never says a word */
static void mute_conn(const struct sa *peer, void *arg)
{
	struct mute *m = arg;

	(void)peer;
	if (m->n < 4)
		(void)tcp_accept(&m->tc[m->n++], m->ts, NULL, NULL, NULL, m);
	else
		tcp_reject(m->ts);
}

static void test_timeout(void **state)
{
	struct fix *f = *state;
	struct webhook_stats s;
	struct mute m = {0};
	struct sa local;

	assert_int_equal(sa_set_str(&local, "127.0.0.1", 0), 0);
	assert_int_equal(tcp_listen(&m.ts, &local, mute_conn, &m), 0);
	assert_int_equal(tcp_sock_local_get(m.ts, &local), 0);
	f->conf.timeout_ms = 100;
	f->conf.max_attempts = 2;
	start(f);
	subscribe(f, f->s.acme, "/mute", sa_port(&local), "voicemail.message",
		  true);
	assert_int_equal(emit(f, f->s.acme), 1);
	s = settle(f, 5000);
	assert_int_equal(s.given_up, 1);
	assert_int_equal(s.attempts, 2);
	assert_int_equal(m.n, 2);
	for (unsigned i = 0; i < m.n; i++)
		mem_deref(m.tc[i]);
	mem_deref(m.ts);
}

/* answers with what is not HTTP, or with a body far too large, then
   hangs up: each is a failed attempt, nothing more */
struct liar {
	struct tcp_sock *ts;
	struct tcp_conn *tc[4];
	unsigned n;
	bool huge;
};

static void liar_estab(void *arg)
{
	struct liar *l = arg;
	struct tcp_conn *tc = l->tc[l->n - 1];
	struct mbuf *mb = mbuf_alloc(1024);

	if (l->huge) {
		(void)mbuf_printf(mb, "HTTP/1.1 200 OK\r\nContent-Length: "
				  "999999999999\r\nX-Pad: ");
		for (int i = 0; i < 2000; i++)
			(void)mbuf_write_str(mb, "0123456789abcdef");
		(void)mbuf_write_str(mb, "\r\n\r\n");
	}
	else {
		(void)mbuf_write_str(mb, "SIP/2.0 200 OK\r\n\x01\xff\r\n\r\n");
	}
	mb->pos = 0;
	(void)tcp_send(tc, mb);
	mem_deref(mb);
}

static void liar_conn(const struct sa *peer, void *arg)
{
	struct liar *l = arg;

	(void)peer;
	if (l->n < 4 && !tcp_accept(&l->tc[l->n], l->ts, NULL, NULL, NULL,
				    l)) {
		l->n++;
		liar_estab(l);
	}
	else {
		tcp_reject(l->ts);
	}
}

static void test_garbage_answers(void **state)
{
	struct fix *f = *state;
	struct webhook_stats s;
	struct liar l[2];
	struct sa local;

	memset(l, 0, sizeof(l));
	l[1].huge = true;
	f->conf.max_attempts = 2;
	f->conf.timeout_ms = 500;
	start(f);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sa_set_str(&local, "127.0.0.1", 0), 0);
		assert_int_equal(tcp_listen(&l[i].ts, &local, liar_conn, &l[i]),
				 0);
		assert_int_equal(tcp_sock_local_get(l[i].ts, &local), 0);
		subscribe(f, f->s.acme, i ? "/huge" : "/liar", sa_port(&local),
			  "voicemail.message", true);
	}
	assert_int_equal(emit(f, f->s.acme), 2);
	s = settle(f, 5000);
	assert_int_equal(s.given_up, 2);
	assert_int_equal(s.delivered, 0);
	assert_int_equal(s.pending, 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(l[i].n, 2);
		for (unsigned k = 0; k < l[i].n; k++)
			mem_deref(l[i].tc[k]);
		mem_deref(l[i].ts);
	}
}

static void test_bounded_per_tenant(void **state)
{
	static const uint16_t ok[] = {200};
	struct fix *f = *state;
	struct webhook_stats s;

	rx_start(&f->rx, ok, 1);
	/* acme's receiver is dead (port 9: discard, nobody listens in a
	   test) and its retries are far apart: its queue fills */
	f->conf.queue_max = 2;
	f->conf.first_retry_ms = 60000;
	f->conf.max_retry_ms = 60000;
	start(f);
	subscribe(f, f->s.acme, "/dead", 9, "voicemail.message", true);
	subscribe(f, f->s.globex, "/alive", f->rx.port, "voicemail.message",
		  true);
	assert_int_equal(emit(f, f->s.acme), 1);
	assert_int_equal(emit(f, f->s.acme), 1);
	assert_int_equal(emit(f, f->s.acme), 0);
	assert_int_equal(emit(f, f->s.acme), 0);
	/* another tenant is not held back by acme's full queue */
	assert_int_equal(emit(f, f->s.globex), 1);
	support_run_until(NULL, 300);
	webhooks_stats(f->wh, &s);
	assert_int_equal(s.dropped, 2);
	assert_int_equal(s.queued, 3);
	assert_int_equal(s.pending, 2);    /* acme's, waiting to retry */
	assert_int_equal(f->rx.n, 1);
	/* freed with deliveries waiting: nothing leaks (ASan says) */
}

static void test_only_the_tenants_wanting_subscriptions(void **state)
{
	static const uint16_t ok[] = {200};
	struct fix *f = *state;
	struct webhook_stats s;

	rx_start(&f->rx, ok, 1);
	start(f);
	subscribe(f, f->s.acme, "/acme", f->rx.port, "voicemail.message",
		  true);
	subscribe(f, f->s.acme, "/off", f->rx.port, "voicemail.message",
		  false);
	subscribe(f, f->s.acme, "/other", f->rx.port, "call.ended", true);
	subscribe(f, f->s.globex, "/globex", f->rx.port,
		  "voicemail.message", true);
	assert_int_equal(emit(f, f->s.acme), 1);
	s = settle(f, 3000);
	assert_int_equal(s.delivered, 1);
	assert_int_equal(f->rx.n, 1);
	assert_string_equal(f->rx.paths[0], "/acme");
	/* nobody at all */
	assert_int_equal(emit(f, 999999), 0);
}

static void test_deleted_before_its_retry(void **state)
{
	static const uint16_t fail[] = {500};
	struct fix *f = *state;
	struct webhook_stats s;
	int64_t id;

	rx_start(&f->rx, fail, 1);
	f->conf.first_retry_ms = 500;
	f->conf.max_retry_ms = 500;
	start(f);
	id = subscribe(f, f->s.acme, "/soon-gone", f->rx.port,
		       "voicemail.message", true);
	assert_int_equal(emit(f, f->s.acme), 1);
	/* the first attempt's answer, then the row goes before the retry */
	for (unsigned i = 0; i < 600 && !f->rx.n; i++)
		support_run_until(NULL, 5);
	assert_int_equal(f->rx.n, 1);
	assert_int_equal(store_webhook_delete(f->s.st, f->s.acme, id), 0);
	s = settle(f, 3000);
	assert_int_equal(f->rx.n, 1);
	assert_int_equal(s.dropped, 1);
	assert_int_equal(s.pending, 0);
}

static void test_bad_events_refused(void **state)
{
	struct fix *f = *state;

	start(f);
	assert_int_equal(webhooks_emit(f->wh, f->s.acme, "Bad Type", "{}",
				       NULL), EINVAL);
	assert_int_equal(webhooks_emit(f->wh, f->s.acme, "x\r\nHost: y", "{}",
				       NULL), EINVAL);
	assert_int_equal(webhooks_emit(f->wh, f->s.acme, "voicemail.message",
				       "[]", NULL), EINVAL);
	assert_int_equal(webhooks_emit(f->wh, 0, "voicemail.message", "{}",
				       NULL), EINVAL);
}

static void test_urls(void **state)
{
	static const char *const good[] = {
		"http://127.0.0.1:8080/hook", "https://crm.example/x?a=b",
		"http://localhost", "https://a-b.example:443/",
		NULL,
	};
	static const char *const bad[] = {
		"", "ftp://x/", "http://", "http:///x", "http://a b/",
		"http://user:pw@x/", "http://[::1]:80/", "http://x:0/",
		"http://x:65536/", "http://x:80a/", "http://x/#frag",
		"http://x?q=1", "http://x/\r\nHost: y", "HTTP://x/",
		"javascript:alert(1)", "http://x_y/", "http://x/\xc3\xa9",
		NULL,
	};
	char longurl[600];

	(void)state;
	for (const char *const *u = good; *u; u++)
		assert_null(webhook_url_problem(*u));
	for (const char *const *u = bad; *u; u++) {
		if (webhook_url_problem(*u) == NULL)
			fail_msg("accepted %s", *u);
	}
	assert_non_null(webhook_url_problem(NULL));
	memset(longurl, 'a', sizeof(longurl) - 1);
	longurl[sizeof(longurl) - 1] = '\0';
	memcpy(longurl, "http://x/", 9);
	assert_non_null(webhook_url_problem(longurl));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_delivered_and_signed),
		T(test_retried_with_the_same_id),
		T(test_given_up),
		T(test_refused_and_redirect_fail),
		T(test_timeout),
		T(test_garbage_answers),
		T(test_bounded_per_tenant),
		T(test_only_the_tenants_wanting_subscriptions),
		T(test_deleted_before_its_retry),
		T(test_bad_events_refused),
		cmocka_unit_test(test_urls),
	};
#undef T
	random_init();
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
