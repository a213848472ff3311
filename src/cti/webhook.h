/**
 * @file webhook.h  Signed webhooks: a tenant's events POSTed to the URLs
 * it subscribed, with retries.
 *
 * An event becomes one envelope,
 *
 *   {"id": uuid, "type": "voicemail.message",
 *    "timestamp": "2026-11-22T18:30:00.123Z", "tenant_id": 1,
 *    "data": {...}}
 *
 * POSTed to every enabled subscription of the tenant that lists the
 * type, with the headers
 *
 *   X-Centrex-Webhook-Id: <the envelope's id>
 *   X-Centrex-Event: <the type>
 *   X-Centrex-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 *
 * where the HMAC's key is the subscription's secret and its message is
 * "<t>.<body>".  The id is the same on every attempt, so a receiver
 * drops a repeat it already took.
 *
 * One delivery per (event, subscription), each a small state machine
 * driven by libre timers on the signalling thread:
 *
 *   queued --attempt--> in flight --2xx--> delivered (freed)
 *      ^                    |
 *      |    other status, timeout, refused
 *      |                    v
 *      +--backoff timer-- failed ----attempts spent--> given up (freed)
 *
 * Backoff doubles from first_retry_ms up to max_retry_ms.  Each tenant
 * has at most queue_max deliveries waiting or in flight: past it new
 * ones are dropped and counted, so a dead receiver cannot grow memory.
 * Each attempt reads the subscription again: one deleted or switched
 * off meanwhile gets no more attempts, a changed URL or secret is used.
 * Waiting deliveries are not kept across a restart.
 *
 * This header is plain C (no re.h, no jansson.h) so that both API
 * handlers and main.c may include it.
 */
#ifndef CENTREX_CTI_WEBHOOK_H
#define CENTREX_CTI_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf;
struct store;
struct store_vm_message;
struct ctl;
struct webhooks;

/** Event types a subscription may list. */
#define WEBHOOK_EV_VOICEMAIL_MESSAGE "voicemail.message"

struct webhook_conf {
	unsigned max_attempts;       /**< attempts per delivery, >= 1 */
	unsigned first_retry_ms;     /**< wait after the first failure */
	unsigned max_retry_ms;       /**< the backoff stops doubling here */
	unsigned timeout_ms;         /**< for one attempt, connect to answer */
	unsigned queue_max;          /**< deliveries per tenant not done */
};

/** Counters since start (the control command "webhooks").  delivered,
    retries, given_up and the queue-full part of dropped are also the
    process metrics webhook_* (core/metrics.h). */
struct webhook_stats {
	uint64_t events;             /**< events some subscription wanted */
	uint64_t queued;             /**< deliveries created */
	uint64_t attempts;           /**< POSTs started */
	uint64_t delivered;          /**< answered 2xx */
	uint64_t retries;            /**< failed attempts that will be tried
					  again */
	uint64_t given_up;           /**< failed max_attempts times */
	uint64_t dropped;            /**< queue full, or the subscription
					  went away before its turn */
	uint64_t pending;            /**< now: waiting or in flight */
};

/* max_attempts 10, retries after 1, 2, 4 ... 256 s (some 8.5 minutes in
   all), 10 s per attempt, 1000 deliveries per tenant: the defaults of
   the webhook.* keys too */
void webhook_conf_default(struct webhook_conf *c);
/* the daemon's webhook.* keys (core/conf.h) */
void webhook_conf_from(struct webhook_conf *c, const struct conf *dc);

/* st: the signalling thread's store connection (borrowed) */
int  webhooks_alloc(struct webhooks **whp, struct store *st,
		    const struct webhook_conf *conf);
/* new settings (SIGHUP): each delivery uses them from its next timer
   on; EINVAL, and the old ones kept, for a zero count or timeout */
int  webhooks_configure(struct webhooks *wh, const struct webhook_conf *conf);
/* waiting deliveries are dropped (and logged); NULL is fine */
void webhooks_free(struct webhooks *wh);

/* An event of the tenant: data_json is the "data" object as JSON text
   (made by us: it is put in the envelope as it is).  *queuedp (may be
   NULL) gets the number of deliveries queued, 0 when nobody wants it. */
int  webhooks_emit(struct webhooks *wh, int64_t tenant_id, const char *type,
		   const char *data_json, unsigned *queuedp);
void webhooks_stats(const struct webhooks *wh, struct webhook_stats *s);
/* the control command "webhooks": the counters */
int  webhooks_register_ctl(struct webhooks *wh, struct ctl *ctl);

/* A message was left in a voicemail box: emits voicemail.message with
   the box owner, the message and the box's counts (vmevent.c). */
void webhooks_voicemail_message(struct webhooks *wh,
				const struct store_vm_message *m);

/* Is url one we deliver to?  NULL when it is, else why not, for the
   API's answer: http:// or https://, a host (a name or an IPv4
   address), an optional port, no user:password part, no fragment, no
   spaces or control characters, at most STORE_WEBHOOK_URL_MAX bytes. */
const char *webhook_url_problem(const char *url);

/* HMAC-SHA256 of "<t>.<body>" keyed with secret, as 64 hex digits */
void webhook_sign(char out[65], const char *secret, int64_t t,
		  const char *body, size_t body_len);

#endif
