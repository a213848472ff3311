/**
 * @file webhooks.h  A tenant's webhook subscriptions (migration 15).
 *
 * Kept apart from store.h because only cti/ (which delivers) and the
 * API's webhook resource use it.  The secret is kept as given to the
 * tenant: it is the key of the HMAC that signs each delivery, so it must
 * be readable by the daemon (unlike a token, which only needs a hash).
 * Tenant id first, as everywhere in the store.
 */
#ifndef CENTREX_STORE_WEBHOOKS_H
#define CENTREX_STORE_WEBHOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct store;

enum {
	STORE_WEBHOOK_URL_MAX = 511,     /**< bytes of a URL */
	STORE_WEBHOOKS_PER_TENANT = 20,  /**< a tenant's subscriptions */
};

struct store_webhook {
	int64_t id;
	int64_t tenant_id;
	char url[STORE_WEBHOOK_URL_MAX + 1];  /**< http:// or https:// */
	char secret[80];             /**< HMAC key, "whsec_" + 64 hex */
	char events[256];            /**< event types, comma-separated:
					  "voicemail.message" */
	bool enabled;
	int64_t created_ms;          /**< unix milliseconds, UTC */
};

typedef int (store_webhook_h)(const struct store_webhook *w, void *arg);

/* sets w->id and w->tenant_id; ENOENT: no such tenant */
int  store_webhook_create(struct store *st, int64_t tenant_id,
			  struct store_webhook *w);
int  store_webhook_get(struct store *st, int64_t tenant_id, int64_t id,
		       struct store_webhook *w);
/* rows with id > after_id, in id order, at most limit */
int  store_webhook_list(struct store *st, int64_t tenant_id,
			int64_t after_id, int limit, store_webhook_h *h,
			void *arg);
/* url, secret, events and enabled of row w->id */
int  store_webhook_update(struct store *st, int64_t tenant_id,
			  const struct store_webhook *w);
int  store_webhook_delete(struct store *st, int64_t tenant_id, int64_t id);
int  store_webhook_count(struct store *st, int64_t tenant_id,
			 int64_t *countp);
/* true when the comma-separated list names the event type */
bool store_webhook_wants(const struct store_webhook *w, const char *type);

#endif
