/**
 * @file res_webhooks.c  A tenant's webhook subscriptions:
 *
 *   /tenants/{t}/webhooks[/{webhook_id}]
 *
 * Tenant admins only (reads too: a subscription says where the tenant's
 * events go).  Another tenant's subscription is 404, like anything of
 * another tenant.  The secret that signs deliveries is made here, 32
 * random bytes, and shown once: in the answer to the POST that creates
 * the subscription, and in the answer to a PATCH that asks for a new one
 * ("rotate_secret": true).  It is never shown again nor written to the
 * audit log.  The URL is checked by cti/ (webhook_url_problem), so that
 * one we could never POST to is refused now (422 naming url) rather
 * than given up on later.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/strutil.h"
#include "cti/webhook.h"
#include "store/store.h"
#include "store/webhooks.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/json.h"
#include "api/router.h"

api_handler_h webhooks_list, webhooks_create, webhooks_get, webhooks_update,
	webhooks_delete;

static const struct str_rule url_rule = {1, STORE_WEBHOOK_URL_MAX, NULL};

/* what a subscription may listen to */
static const char *const event_types[] = {
	WEBHOOK_EV_VOICEMAIL_MESSAGE,
	NULL,
};

/* the types the subscription lists, in our order */
static json_t *events_json(const struct store_webhook *w)
{
	json_t *a = json_array();

	for (const char *const *t = event_types; *t; t++) {
		if (store_webhook_wants(w, *t))
			json_array_append_new(a, json_string(*t));
	}
	return a;
}

static json_t *webhook_json(const struct store_webhook *w)
{
	char created[40];

	api_iso_ms(created, sizeof(created), w->created_ms);
	return json_pack("{s:I, s:I, s:s, s:o, s:b, s:s}",
			 "id", (json_int_t)w->id,
			 "tenant_id", (json_int_t)w->tenant_id,
			 "url", w->url, "events", events_json(w),
			 "enabled", w->enabled, "created_at", created);
}

static bool known_event(const char *type)
{
	for (const char *const *t = event_types; *t; t++) {
		if (!strcmp(*t, type))
			return true;
	}
	return false;
}

/* "events": a non-empty array of known types, each once */
static bool read_events(json_t *o, char *dst, size_t size,
			struct api_resp *resp)
{
	json_t *a = json_object_get(o, "events"), *v;
	size_t i, used = 0;

	if (!a)
		return true;
	if (!json_is_array(a) || !json_array_size(a)) {
		api_problem(resp, 422, "events", "events must be a non-empty "
			    "array of event types (voicemail.message)");
		return false;
	}
	dst[0] = '\0';
	json_array_foreach(a, i, v) {
		const char *t = json_string_value(v);
		struct store_webhook probe;

		if (!t || !known_event(t)) {
			api_problem(resp, 422, "events", "events[%zu] is not "
				    "an event type we send (voicemail.message)",
				    i);
			return false;
		}
		snprintf(probe.events, sizeof(probe.events), "%s", dst);
		if (store_webhook_wants(&probe, t))
			continue;
		used += (size_t)snprintf(dst + used, size - used, "%s%s",
					 used ? "," : "", t);
		if (used >= size) {
			api_problem(resp, 422, "events", "too many events");
			return false;
		}
	}
	return true;
}

static bool read_url(json_t *o, bool required, char *dst, size_t size,
		     struct api_resp *resp)
{
	const char *why;

	if (!api_get_str(o, "url", required, &url_rule, dst, size, resp))
		return false;
	why = webhook_url_problem(dst);
	if (why) {
		api_problem(resp, 422, "url", "%s", why);
		return false;
	}
	return true;
}

static void new_secret(struct store_webhook *w)
{
	uint8_t raw[32];
	char hex[65];

	randombytes_buf(raw, sizeof(raw));
	hex_encode(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(w->secret, sizeof(w->secret), "whsec_%s", hex);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(hex, sizeof(hex));
}

/* the answer that shows the secret, once; the audit gets the rest */
static void answer_with_secret(struct api_ctx *ctx, struct api_req *req,
			       struct api_resp *resp, unsigned status,
			       const char *action, json_t *before,
			       struct store_webhook *w)
{
	json_t *after = webhook_json(w);
	char res[48];

	snprintf(res, sizeof(res), "webhooks/%lld", (long long)w->id);
	json_object_set_new(after, "secret", json_string("(changed)"));
	audit_record(ctx, req, w->tenant_id, action, res, before, after);
	json_object_set_new(after, "secret", json_string(w->secret));
	sodium_memzero(w->secret, sizeof(w->secret));
	api_json(resp, status, after);
}

static int add_webhook(const struct store_webhook *w, void *arg)
{
	json_array_append_new(arg, webhook_json(w));
	return 0;
}

void webhooks_list(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	json_t *items;
	int64_t tid, after;
	int limit, err;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	err = store_webhook_list(ctx->st, tid, after, limit, add_webhook,
				 items);
	api_list_done(resp, err, items, limit);
}

void webhooks_create(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp)
{
	static const char *const fields[] = {"url", "events", "enabled",
		NULL};
	struct store_webhook w = {.enabled = true};
	struct timespec ts;
	char loc[96];
	int64_t tid, n = 0;
	json_t *o;
	bool ok;
	int err;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !(o = api_body(req, resp, fields)))
		return;
	snprintf(w.events, sizeof(w.events), "%s", WEBHOOK_EV_VOICEMAIL_MESSAGE);
	ok = read_url(o, true, w.url, sizeof(w.url), resp) &&
	     read_events(o, w.events, sizeof(w.events), resp) &&
	     api_get_bool(o, "enabled", &w.enabled, resp);
	json_decref(o);
	if (!ok)
		return;
	err = store_webhook_count(ctx->st, tid, &n);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	if (n >= STORE_WEBHOOKS_PER_TENANT) {
		api_problem(resp, 409, NULL, "a tenant has at most %d webhooks",
			    STORE_WEBHOOKS_PER_TENANT);
		return;
	}
	new_secret(&w);
	clock_gettime(CLOCK_REALTIME, &ts);
	w.created_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	err = store_webhook_create(ctx->st, tid, &w);
	if (err) {
		sodium_memzero(w.secret, sizeof(w.secret));
		api_store_error(resp, err);
		return;
	}
	answer_with_secret(ctx, req, resp, 201, "create", NULL, &w);
	snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/webhooks/%lld",
		 (long long)tid, (long long)w.id);
	api_resp_header(resp, "Location", loc);
}

static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t *tid, struct store_webhook *w)
{
	int64_t id;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &id, resp))
		return false;
	err = store_webhook_get(ctx->st, *tid, id, w);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void webhooks_get(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_webhook w;
	int64_t tid;

	if (!load(ctx, req, resp, &tid, &w))
		return;
	sodium_memzero(w.secret, sizeof(w.secret));
	api_json_etag(resp, 200, webhook_json(&w));
}

void webhooks_update(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp)
{
	static const char *const fields[] = {"url", "events", "enabled",
		"rotate_secret", NULL};
	struct store_webhook w;
	bool rotate = false, ok;
	json_t *o, *before;
	char res[48];
	int64_t tid;
	int err;

	if (!load(ctx, req, resp, &tid, &w))
		return;
	before = webhook_json(&w);
	if (!api_if_match(req, resp, before) ||
	    !(o = api_body(req, resp, fields))) {
		json_decref(before);
		sodium_memzero(w.secret, sizeof(w.secret));
		return;
	}
	ok = read_url(o, false, w.url, sizeof(w.url), resp) &&
	     read_events(o, w.events, sizeof(w.events), resp) &&
	     api_get_bool(o, "enabled", &w.enabled, resp) &&
	     api_get_bool(o, "rotate_secret", &rotate, resp);
	json_decref(o);
	if (ok && rotate)
		new_secret(&w);
	err = ok ? store_webhook_update(ctx->st, tid, &w) : 0;
	if (!ok || err) {
		if (err)
			api_store_error(resp, err);
		json_decref(before);
		sodium_memzero(w.secret, sizeof(w.secret));
		return;
	}
	if (rotate) {
		answer_with_secret(ctx, req, resp, 200, "update", before, &w);
		json_decref(before);
		return;
	}
	sodium_memzero(w.secret, sizeof(w.secret));
	o = webhook_json(&w);
	snprintf(res, sizeof(res), "webhooks/%lld", (long long)w.id);
	audit_record(ctx, req, tid, "update", res, before, o);
	json_decref(before);
	api_json_etag(resp, 200, o);
}

void webhooks_delete(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp)
{
	struct store_webhook w;
	json_t *before;
	char res[48];
	int64_t tid;
	int err;

	if (!load(ctx, req, resp, &tid, &w))
		return;
	sodium_memzero(w.secret, sizeof(w.secret));
	err = store_webhook_delete(ctx->st, tid, w.id);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	before = webhook_json(&w);
	snprintf(res, sizeof(res), "webhooks/%lld", (long long)w.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
