/**
 * @file res_sites.c  /api/v1/tenants/{tenant_id}/sites
 *
 * A site is where people work: its country decides how dialled numbers
 * become E.164, its time zone drives schedules, its language the prompts,
 * its numbering plan what is an extension.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"

static const struct str_rule name_rule = {1, 127, NULL};
static const struct str_rule country_rule = {2, 2,
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"};
static const struct str_rule tz_rule = {3, 63,
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-"};
static const struct str_rule lang_rule = {2, 2, "abcdefghijklmnopqrstuvwxyz"};
static const struct str_rule prefix_rule = {0, 3, "0123456789"};

static json_t *site_json(const struct store_site *s)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:i, s:s}",
			 "id", (json_int_t)s->id, "name", s->name,
			 "country", s->country, "time_zone", s->time_zone,
			 "language", s->language[0] ? s->language : NULL,
			 "extension_length", s->ext_length,
			 "outside_prefix", s->outside_prefix);
}

/* an IANA zone the system knows: a file under /usr/share/zoneinfo */
static bool known_zone(const char *tz)
{
	char path[128];
	struct stat st;

	if (strstr(tz, "..") || tz[0] == '/')
		return false;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool read_site(json_t *o, struct store_site *s, bool create,
		      struct api_resp *resp)
{
	if (!api_get_str(o, "name", create, &name_rule, s->name,
			 sizeof(s->name), resp) ||
	    !api_get_str(o, "country", create, &country_rule, s->country,
			 sizeof(s->country), resp) ||
	    !api_get_str(o, "time_zone", create, &tz_rule, s->time_zone,
			 sizeof(s->time_zone), resp) ||
	    !api_get_str(o, "language", false, &lang_rule, s->language,
			 sizeof(s->language), resp) ||
	    !api_get_int(o, "extension_length", false, 2, 8, &s->ext_length,
			 resp) ||
	    !api_get_str(o, "outside_prefix", false, &prefix_rule,
			 s->outside_prefix, sizeof(s->outside_prefix), resp))
		return false;
	/* null: the tenant's language */
	if (json_is_null(json_object_get(o, "language")))
		s->language[0] = '\0';
	if (!known_zone(s->time_zone)) {
		api_problem(resp, 400, "time_zone", "time_zone %s is not an "
			    "IANA time zone (e.g. Europe/Paris)", s->time_zone);
		return false;
	}
	return true;
}

static int add_site(const struct store_site *s, void *arg)
{
	json_array_append_new(arg, site_json(s));
	return 0;
}

void sites_list(struct api_ctx *ctx, struct api_req *req,
		struct api_resp *resp)
{
	int64_t tid, after;
	json_t *items;
	int limit;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	int err = store_site_list(ctx->st, tid, after, limit, add_site, items);
	api_list_done(resp, err, items, limit);
}

static const char *const site_fields[] = {"name", "country", "time_zone",
	"language", "extension_length", "outside_prefix", NULL};

void sites_create(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_site s = {.ext_length = 4};
	char res[64], loc[96];
	json_t *o, *after;
	int64_t tid;
	int err;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	snprintf(s.language, sizeof(s.language), "en");
	snprintf(s.outside_prefix, sizeof(s.outside_prefix), "0");
	o = api_body(req, resp, site_fields);
	if (!o)
		return;
	if (!read_site(o, &s, true, resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);
	err = store_site_create(ctx->st, tid, &s);
	if (err == EEXIST) {
		api_problem(resp, 409, "name", "a site named %s already exists",
			    s.name);
		return;
	}
	if (err) {
		api_problem(resp, err == ENOENT ? 404 : 503, NULL,
			    "cannot create the site");
		return;
	}
	after = site_json(&s);
	snprintf(res, sizeof(res), "sites/%lld", (long long)s.id);
	audit_record(ctx, req, tid, "create", res, NULL, after);
	snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/sites/%lld",
		 (long long)tid, (long long)s.id);
	api_json_etag(resp, 201, after);
	api_resp_header(resp, "Location", loc);
}

static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t *tid, struct store_site *s)
{
	int64_t id;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &id, resp))
		return false;
	err = store_site_get(ctx->st, *tid, id, s);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void sites_get(struct api_ctx *ctx, struct api_req *req,
	       struct api_resp *resp)
{
	struct store_site s;
	int64_t tid;

	if (load(ctx, req, resp, &tid, &s))
		api_json_etag(resp, 200, site_json(&s));
}

void sites_update(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_site s;
	json_t *o, *before, *after;
	char res[64];
	int64_t tid;
	int err;

	if (!load(ctx, req, resp, &tid, &s))
		return;
	before = site_json(&s);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	o = api_body(req, resp, site_fields);
	if (!o || !read_site(o, &s, false, resp)) {
		json_decref(o);
		json_decref(before);
		return;
	}
	json_decref(o);
	err = store_site_update(ctx->st, tid, &s);
	if (err) {
		json_decref(before);
		if (err == EEXIST)
			api_problem(resp, 409, "name", "a site named %s "
				    "already exists", s.name);
		else
			api_problem(resp, 503, NULL, "cannot update the site");
		return;
	}
	after = site_json(&s);
	snprintf(res, sizeof(res), "sites/%lld", (long long)s.id);
	audit_record(ctx, req, tid, "update", res, before, after);
	json_decref(before);
	api_json_etag(resp, 200, after);
}

void sites_delete(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_site s;
	json_t *before;
	char res[64];
	int64_t tid;

	if (!load(ctx, req, resp, &tid, &s))
		return;
	before = site_json(&s);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	json_decref(before);
	if (store_site_delete(ctx->st, tid, s.id)) {
		api_problem(resp, 503, NULL, "cannot delete the site");
		return;
	}
	before = site_json(&s);
	snprintf(res, sizeof(res), "sites/%lld", (long long)s.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
