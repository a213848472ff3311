/**
 * @file res_tenants.c  /api/v1/tenants: client organisations.
 *
 * The operator creates, changes and deletes tenants; a tenant's own
 * staff can read their tenant.  Changing the SIP domain changes the
 * digest realm, so every device of the tenant needs a new password.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "dir/directory.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/live.h"
#include "api/sessions.h"

static const struct str_rule slug_rule = {1, 63,
	"abcdefghijklmnopqrstuvwxyz0123456789-"};
static const struct str_rule name_rule = {1, 127, NULL};
static const struct str_rule domain_rule = {1, 253,
	"abcdefghijklmnopqrstuvwxyz0123456789.-"};
static const struct str_rule algs_rule = {0, 31, "MDSHA0123456789-,"};
/* ISO 639-1 shape; whether prompts exist in it is not our concern here:
   missing ones fall back to the system prompts */
static const struct str_rule lang_rule = {2, 2, "abcdefghijklmnopqrstuvwxyz"};

static json_t *tenant_json(const struct store_tenant *t)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:i}",
			 "id", (json_int_t)t->id, "slug", t->slug,
			 "name", t->name, "sip_domain", t->sip_domain,
			 "digest_algorithms", t->digest_algorithms,
			 "max_users", t->max_users, "max_calls", t->max_calls,
			 "language", t->language[0] ? t->language : "en",
			 "recording_retention_days",
			 t->recording_retention_days);
}

static int add_tenant(const struct store_tenant *t, void *arg)
{
	json_array_append_new(arg, tenant_json(t));
	return 0;
}

void tenants_list(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	json_t *items;
	int limit;
	int64_t after;

	if (!api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	int err = store_tenant_list_all(ctx->st, after, limit, add_tenant,
		items);
	api_list_done(resp, err, items, limit);
}

/* validate the fields present in o into t; required only on create */
static bool read_tenant(json_t *o, struct store_tenant *t, bool create,
			struct api_resp *resp)
{
	enum dir_alg a[DIR_ALG_MAX];
	size_t ac;

	if (!api_get_str(o, "slug", create, &slug_rule, t->slug,
			 sizeof(t->slug), resp) ||
	    !api_get_str(o, "name", create, &name_rule, t->name,
			 sizeof(t->name), resp) ||
	    !api_get_str(o, "sip_domain", create, &domain_rule, t->sip_domain,
			 sizeof(t->sip_domain), resp) ||
	    !api_get_str(o, "digest_algorithms", false, &algs_rule,
			 t->digest_algorithms, sizeof(t->digest_algorithms),
			 resp) ||
	    !api_get_int(o, "max_users", false, 0, 1000000, &t->max_users,
			 resp) ||
	    !api_get_int(o, "max_calls", false, 0, 1000000, &t->max_calls,
			 resp) ||
	    !api_get_str(o, "language", false, &lang_rule, t->language,
			 sizeof(t->language), resp) ||
	    !api_get_int(o, "recording_retention_days", false, 0, 36500,
			 &t->recording_retention_days, resp))
		return false;
	if (t->digest_algorithms[0] &&
	    dir_parse_algs(a, &ac, t->digest_algorithms)) {
		api_problem(resp, 400, "digest_algorithms", "digest_algorithms "
			    "is a comma list of SHA-256 and MD5, preferred "
			    "first");
		return false;
	}
	if (t->sip_domain[0] == '.' || t->sip_domain[0] == '-' ||
	    strstr(t->sip_domain, "..")) {
		api_problem(resp, 400, "sip_domain", "sip_domain must be a "
			    "host name");
		return false;
	}
	return true;
}

/* EEXIST from the store: say which unique field collided */
static void conflict(struct api_ctx *ctx, const struct store_tenant *t,
		     struct api_resp *resp)
{
	struct store_tenant other;

	if (!store_tenant_find_domain_all(ctx->st, t->sip_domain, &other) &&
	    other.id != t->id)
		api_problem(resp, 409, "sip_domain", "sip_domain %s already "
			    "belongs to tenant %lld", t->sip_domain,
			    (long long)other.id);
	else
		api_problem(resp, 409, "slug", "slug %s is already taken",
			    t->slug);
}

void tenants_create(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	static const char *const fields[] = {"slug", "name", "sip_domain",
		"digest_algorithms", "max_users", "max_calls", "language",
		"recording_retention_days", NULL};
	struct store_tenant t = {0};
	char loc[64], res[32];
	json_t *o, *after;
	int err;

	o = api_body(req, resp, fields);
	if (!o)
		return;
	if (!read_tenant(o, &t, true, resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);

	err = store_tenant_create(ctx->st, &t);
	if (err == EEXIST) {
		conflict(ctx, &t, resp);
		return;
	}
	if (err || live_tenant_put(ctx, &t)) {
		api_problem(resp, 503, NULL, "store unavailable");
		return;
	}
	after = tenant_json(&t);
	snprintf(res, sizeof(res), "tenants/%lld", (long long)t.id);
	audit_record(ctx, req, t.id, "create", res, NULL, after);
	snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld", (long long)t.id);
	api_json_etag(resp, 201, after);
	api_resp_header(resp, "Location", loc);
}

static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, struct store_tenant *t)
{
	int64_t id;
	int err;

	if (!api_path_id(req, 0, &id, resp))
		return false;
	err = store_tenant_get(ctx->st, id, t);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void tenants_get(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	struct store_tenant t;

	if (load(ctx, req, resp, &t))
		api_json_etag(resp, 200, tenant_json(&t));
}

/* the tenant of the path and its representation, when If-Match (if
   given) names it; false once the problem is written */
static bool load_matching(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp, struct store_tenant *t,
			  json_t **beforep)
{
	if (!load(ctx, req, resp, t))
		return false;
	*beforep = tenant_json(t);
	if (!api_if_match(req, resp, *beforep)) {
		json_decref(*beforep);
		return false;
	}
	return true;
}

void tenants_update(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	static const char *const fields[] = {"slug", "name", "sip_domain",
		"digest_algorithms", "max_users", "max_calls", "language",
		"recording_retention_days", NULL};
	struct store_tenant t;
	char res[32];
	json_t *o, *before, *after;
	int err;

	if (!load_matching(ctx, req, resp, &t, &before))
		return;
	o = api_body(req, resp, fields);
	if (!o || !read_tenant(o, &t, false, resp)) {
		json_decref(o);
		json_decref(before);
		return;
	}
	json_decref(o);

	err = store_tenant_update(ctx->st, t.id, &t);
	if (err == EEXIST) {
		json_decref(before);
		conflict(ctx, &t, resp);
		return;
	}
	if (err || live_tenant_put(ctx, &t)) {
		json_decref(before);
		api_problem(resp, err == ENOENT ? 404 : 503, NULL,
			    "cannot update the tenant");
		return;
	}
	after = tenant_json(&t);
	snprintf(res, sizeof(res), "tenants/%lld", (long long)t.id);
	audit_record(ctx, req, t.id, "update", res, before, after);
	json_decref(before);
	api_json_etag(resp, 200, after);
}

void tenants_delete(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_tenant t;
	char res[32];
	json_t *before;

	if (!load_matching(ctx, req, resp, &t, &before))
		return;
	json_decref(before);
	if (store_tenant_delete(ctx->st, t.id)) {
		api_problem(resp, 503, NULL, "cannot delete the tenant");
		return;
	}
	live_tenant_removed(ctx, t.id);
	before = tenant_json(&t);
	snprintf(res, sizeof(res), "tenants/%lld", (long long)t.id);
	audit_record(ctx, req, 0, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
