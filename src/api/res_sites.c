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
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/resource.h"

static const struct str_rule name_rule = {1, 127, NULL};
static const struct str_rule country_rule = {2, 2,
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"};
static const struct str_rule tz_rule = {3, 63,
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-"};
static const struct str_rule lang_rule = {2, 2, "abcdefghijklmnopqrstuvwxyz"};
static const struct str_rule prefix_rule = {0, 3, "0123456789"};

static json_t *site_json(const void *obj)
{
	const struct store_site *s = obj;

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

static bool read_site(struct api_ctx *ctx, int64_t tid, json_t *o,
		      void *obj, bool create, struct api_resp *resp)
{
	struct store_site *s = obj;

	(void)ctx;
	(void)tid;
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

static const char *const site_fields[] = {"name", "country", "time_zone",
	"language", "extension_length", "outside_prefix", NULL};

static bool site_init(struct api_ctx *ctx, int64_t tid, void *obj,
		      struct api_resp *resp)
{
	struct store_site *s = obj;

	(void)ctx;
	(void)tid;
	(void)resp;
	s->ext_length = 4;
	snprintf(s->language, sizeof(s->language), "en");
	snprintf(s->outside_prefix, sizeof(s->outside_prefix), "0");
	return true;
}

API_RES_STORE_FN(site, struct store_site, store_site_get,
		 store_site_create, store_site_update,
		 store_site_delete)

API_RES_LIST_FN(site, struct store_site, store_site_list, site_json)

static void site_failed(struct api_ctx *ctx, int64_t tid, enum api_res_op op,
			void *obj, int err, struct api_resp *resp)
{
	const struct store_site *s = obj;

	(void)ctx;
	(void)tid;
	if (err == EEXIST && op != API_RES_DELETE)
		api_problem(resp, 409, "name", "a site named %s already exists",
			    s->name);
	else
		api_res_cannot(resp, op, err, "site");
}

static const struct api_resource site_res = {
	.collection = "sites",
	.size = sizeof(struct store_site),
	.id_off = offsetof(struct store_site, id),
	.create_fields = site_fields,
	.update_fields = site_fields,
	.to_json = site_json,
	.init = site_init,
	.read = read_site,
	.store = site_store,
	.list = site_list,
	.failed = site_failed,
};

API_RES_HANDLERS(sites, site_res)
