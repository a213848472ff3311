/**
 * @file res_devices.c  /api/v1/tenants/{tenant_id}/users/{user_id}/devices
 *
 * A device is one set of SIP credentials of a user (desk phone,
 * softphone, browser).  The password is never stored: the HA1 digests
 * for MD5 and SHA-256 are, with the tenant's SIP domain as realm.  Every
 * change is applied to the running registrar at once (live.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "provision/credentials.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/live.h"

static const struct str_rule user_rule = {1, 63,
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+"};
static const struct str_rule pw_rule = {8, 64, NULL};
static const char *const fields[] = {"sip_username", "password",
				     "dtmf_mode", NULL};

static json_t *device_json(const struct store_device *d)
{
	return json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)d->id,
			 "user_id", (json_int_t)d->user_id,
			 "sip_username", d->sip_username,
			 "dtmf_mode", store_device_dtmf_mode(d));
}

/* how the phone takes DTMF: events, tones in the audio, or SIP INFO */
static bool get_dtmf_mode(json_t *o, struct store_device *d,
			  struct api_resp *resp)
{
	static const struct str_rule rule = {1, 11, "abcdefghijklmnopqrstuvwxyz0123456789"};
	char mode[12] = "";

	if (!api_get_str(o, "dtmf_mode", false, &rule, mode, sizeof(mode),
			 resp))
		return false;
	if (!mode[0])
		return true;
	if (strcmp(mode, "rfc4733") && strcmp(mode, "inband") &&
	    strcmp(mode, "info")) {
		api_problem(resp, 422, "dtmf_mode", "'%s' is not rfc4733, "
			    "inband or info", mode);
		return false;
	}
	snprintf(d->dtmf_mode, sizeof(d->dtmf_mode), "%s", mode);
	return true;
}

static int add_device(const struct store_device *d, void *arg)
{
	json_array_append_new(arg, device_json(d));
	return 0;
}

/* the path's user must exist in the path's tenant */
static bool path_user(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp, int64_t *tid, int64_t *uid)
{
	struct store_user u;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, uid, resp))
		return false;
	if (store_user_get(ctx->st, *tid, *uid, &u)) {
		api_problem(resp, 404, NULL, "no such resource");
		return false;
	}
	return true;
}

void devices_list(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	int64_t tid, uid, after;
	json_t *items;
	int limit;

	if (!path_user(ctx, req, resp, &tid, &uid) ||
	    !api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	int err = store_device_list(ctx->st, tid, uid, after, limit,
		add_device, items);
	api_list_done(resp, err, items, limit);
}

static bool set_password(struct api_ctx *ctx, int64_t tid,
			 struct store_device *d, const char *pw,
			 struct api_resp *resp)
{
	struct store_tenant t;

	if (store_tenant_get(ctx->st, tid, &t) ||
	    cred_sip_ha1(d->ha1_md5, d->ha1_sha256, d->sip_username,
			 t.sip_domain, pw)) {
		api_problem(resp, 503, NULL, "cannot compute credentials");
		return false;
	}
	return true;
}

static void saved(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp, int64_t tid, struct store_device *d,
		  const char *action, json_t *before, bool pw_changed)
{
	char res[64], loc[128];
	json_t *after = device_json(d), *logged;

	logged = json_deep_copy(after);
	if (pw_changed)
		json_object_set_new(logged, "password",
				    json_string("(changed)"));
	snprintf(res, sizeof(res), "devices/%lld", (long long)d->id);
	audit_record(ctx, req, tid, action, res, before, logged);
	json_decref(logged);
	api_json_etag(resp, before ? 200 : 201, after);
	if (!before) {
		snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/users/%lld/"
			 "devices/%lld", (long long)tid,
			 (long long)d->user_id, (long long)d->id);
		api_resp_header(resp, "Location", loc);
	}
}

/* after the store call of a create or update: the directory learns the
   device, or the problem is written (false) */
static bool stored(struct api_ctx *ctx, struct api_resp *resp, int err,
		   const struct store_device *d, const char *verb)
{
	if (err == EEXIST) {
		api_problem(resp, 409, "sip_username", "sip_username %s is "
			    "already used in this tenant", d->sip_username);
		return false;
	}
	if (err || live_device_put(ctx, d)) {
		api_problem(resp, 503, NULL, "cannot %s the device", verb);
		return false;
	}
	return true;
}

void devices_create(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_device d = {0};
	char pw[65] = "";
	int64_t tid, uid;
	json_t *o;
	int err;

	if (!path_user(ctx, req, resp, &tid, &uid))
		return;
	o = api_body(req, resp, fields);
	if (!o)
		return;
	if (!api_get_str(o, "sip_username", true, &user_rule, d.sip_username,
			 sizeof(d.sip_username), resp) ||
	    !api_get_str(o, "password", true, &pw_rule, pw, sizeof(pw),
			 resp) ||
	    !get_dtmf_mode(o, &d, resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);
	d.user_id = uid;
	if (!set_password(ctx, tid, &d, pw, resp))
		return;
	memset(pw, 0, sizeof(pw));
	err = store_device_create(ctx->st, tid, &d);
	if (!stored(ctx, resp, err, &d, "create"))
		return;
	saved(ctx, req, resp, tid, &d, "create", NULL, true);
}

static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t *tid,
		 struct store_device *d)
{
	int64_t uid, id;

	if (!path_user(ctx, req, resp, tid, &uid) ||
	    !api_path_id(req, 2, &id, resp))
		return false;
	if (store_device_get(ctx->st, *tid, id, d) || d->user_id != uid) {
		api_problem(resp, 404, NULL, "no such resource");
		return false;
	}
	return true;
}

/* load, and If-Match (if given) names the device; false once the
   problem is written */
static bool load_matching(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp, int64_t *tid,
			  struct store_device *d)
{
	json_t *current;
	bool ok;

	if (!load(ctx, req, resp, tid, d))
		return false;
	current = device_json(d);
	ok = api_if_match(req, resp, current);
	json_decref(current);
	return ok;
}

void devices_get(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	struct store_device d;
	int64_t tid;

	if (load(ctx, req, resp, &tid, &d))
		api_json_etag(resp, 200, device_json(&d));
}

void devices_update(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_device d;
	char pw[65] = "", old_name[64], old_mode[12];
	json_t *o, *before;
	int64_t tid;
	int err;

	if (!load_matching(ctx, req, resp, &tid, &d))
		return;
	o = api_body(req, resp, fields);
	if (!o)
		return;
	snprintf(old_name, sizeof(old_name), "%s", d.sip_username);
	snprintf(old_mode, sizeof(old_mode), "%s", store_device_dtmf_mode(&d));
	if (!api_get_str(o, "sip_username", false, &user_rule, d.sip_username,
			 sizeof(d.sip_username), resp) ||
	    !api_get_str(o, "password", false, &pw_rule, pw, sizeof(pw),
			 resp) ||
	    !get_dtmf_mode(o, &d, resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);
	/* the HA1 covers the username: a rename needs the password too */
	if (strcmp(old_name, d.sip_username) && !pw[0]) {
		api_problem(resp, 400, "password", "changing sip_username "
			    "needs a new password as well");
		return;
	}
	bool changed = pw[0] || strcmp(old_name, d.sip_username);
	if (pw[0] && !set_password(ctx, tid, &d, pw, resp))
		return;
	memset(pw, 0, sizeof(pw));
	err = store_device_update(ctx->st, tid, &d);
	if (!stored(ctx, resp, err, &d, "update"))
		return;
	before = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)d.id,
			   "user_id", (json_int_t)d.user_id, "sip_username",
			   old_name, "dtmf_mode", old_mode);
	saved(ctx, req, resp, tid, &d, "update", before, changed);
	json_decref(before);
}

void devices_delete(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_device d;
	json_t *before;
	char res[64];
	int64_t tid;

	if (!load_matching(ctx, req, resp, &tid, &d))
		return;
	if (store_device_delete(ctx->st, tid, d.id)) {
		api_problem(resp, 503, NULL, "cannot delete the device");
		return;
	}
	live_device_removed(ctx, tid, d.id);
	before = device_json(&d);
	snprintf(res, sizeof(res), "devices/%lld", (long long)d.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
