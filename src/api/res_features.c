/**
 * @file res_features.c  A user's call features and the tenant's settings
 * for them.
 *
 *   /tenants/{t}/users/{u}/features   forwards, DND, call waiting,
 *                                     twinning, pickup group
 *   /tenants/{t}/forward_policy       which outside numbers forwards
 *                                     may reach
 *   /tenants/{t}/park                 park slots and timeout
 *   /tenants/{t}/recording_policy     never, on_demand or always, and
 *                                     whether parties hear it announced
 *
 * A user reads and changes their own features (all but the pickup
 * group and the recording policy, which the admin sets: a user must
 * not escape a recording the company owes, nor be recorded on their
 * own say when the company may not); the checks are those of
 * features/features.h, shared with the phone's feature codes, so the
 * answer to a forward nobody could follow names the field: 400 for a
 * malformed value, 422 for an extension nobody has or an outside number
 * the policy refuses, 409 for a forward to oneself or into a loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "features/features.h"
#include "features/policy.h"
#include "features/recording.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

static const struct str_rule dest_rule = {0, 16, "+0123456789"};
static const struct str_rule twin_rule = {2, 15, "abcdefghijklmnopqrstuvwxyz"};
static const struct str_rule pickup_rule = {0, 31,
	"abcdefghijklmnopqrstuvwxyz0123456789_-"};
static const struct str_rule rec_rule = {1, 11, "abcdefghijklmnopqrstuvwxyz_"};

static const char *const admin_fields[] = {"forward_always", "forward_busy",
	"forward_noanswer", "forward_unreachable", "forward_noanswer_s",
	"dnd", "call_waiting", "twinning", "twinning_delay_s", "pickup_group",
	"recording", NULL};
/* the same but the pickup group and the recording policy: who may pick
   up whose calls, and who is recorded, are the admin's choice */
static const char *const self_fields[] = {"forward_always", "forward_busy",
	"forward_noanswer", "forward_unreachable", "forward_noanswer_s",
	"dnd", "call_waiting", "twinning", "twinning_delay_s", NULL};

static json_t *features_json(const struct store_user_features *f)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:b, s:b, s:s, s:i, "
			 "s:s, s:s}", "user_id", (json_int_t)f->user_id,
			 "forward_always", f->forward_always,
			 "forward_busy", f->forward_busy,
			 "forward_noanswer", f->forward_noanswer,
			 "forward_unreachable", f->forward_unreachable,
			 "forward_noanswer_s", f->forward_noanswer_s,
			 "dnd", f->dnd, "call_waiting", f->call_waiting,
			 "twinning", f->twinning,
			 "twinning_delay_s", f->twinning_delay_s,
			 "pickup_group", f->pickup_group,
			 "recording", f->recording);
}

/* a destination field: a string, or null for none */
static bool get_dest(json_t *o, const char *field, char *dst, size_t size,
		     struct api_resp *resp)
{
	if (json_is_null(json_object_get(o, field))) {
		dst[0] = '\0';
		return true;
	}
	return api_get_str(o, field, false, &dest_rule, dst, size, resp);
}

static bool read_features(json_t *o, struct store_user_features *f,
			  struct api_resp *resp)
{
	return get_dest(o, "forward_always", f->forward_always,
			sizeof(f->forward_always), resp) &&
	       get_dest(o, "forward_busy", f->forward_busy,
			sizeof(f->forward_busy), resp) &&
	       get_dest(o, "forward_noanswer", f->forward_noanswer,
			sizeof(f->forward_noanswer), resp) &&
	       get_dest(o, "forward_unreachable", f->forward_unreachable,
			sizeof(f->forward_unreachable), resp) &&
	       api_get_int(o, "forward_noanswer_s", false,
			   FEATURES_NOANSWER_MIN_S, FEATURES_NOANSWER_MAX_S,
			   &f->forward_noanswer_s, resp) &&
	       api_get_bool(o, "dnd", &f->dnd, resp) &&
	       api_get_bool(o, "call_waiting", &f->call_waiting, resp) &&
	       api_get_str(o, "twinning", false, &twin_rule, f->twinning,
			   sizeof(f->twinning), resp) &&
	       api_get_int(o, "twinning_delay_s", false, 0,
			   FEATURES_TWIN_DELAY_MAX_S, &f->twinning_delay_s,
			   resp) &&
	       api_get_str(o, "pickup_group", false, &pickup_rule,
			   f->pickup_group, sizeof(f->pickup_group), resp) &&
	       api_get_str(o, "recording", false, &rec_rule, f->recording,
			   sizeof(f->recording), resp);
}

/* what features.h found wrong, as the API answers it (res_groups.c too) */
void features_problem_answer(struct api_resp *resp,
			     const struct features_problem *pr)
{
	static const unsigned status[] = {
		[FEATURES_OK] = 500, [FEATURES_BAD] = 400,
		[FEATURES_UNKNOWN] = 422, [FEATURES_REFUSED] = 422,
		[FEATURES_LOOP] = 409, [FEATURES_STORE] = 503,
	};
	unsigned s = (unsigned)pr->status < sizeof(status) / sizeof(status[0])
		? status[pr->status] : 500;

	/* no field: the user (or tenant) itself is not there */
	if (pr->status == FEATURES_UNKNOWN && !pr->field[0])
		s = 404;
	api_problem(resp, s, pr->field[0] ? pr->field : NULL, "%s",
		    pr->detail);
}

static bool load_features(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp, int64_t *tid,
			  struct store_user_features *f)
{
	int64_t uid;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &uid, resp))
		return false;
	err = store_user_features_get(ctx->st, *tid, uid, f);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void features_get(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_user_features f;
	int64_t tid;

	if (load_features(ctx, req, resp, &tid, &f))
		api_json_etag(resp, 200, features_json(&f));
}

void features_update(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp)
{
	bool admin = req->who.role >= ROLE_TENANT_ADMIN;
	struct store_user_features f, before;
	struct features_problem pr = {0};
	json_t *o, *bj, *aj;
	char res[64];
	int64_t tid;

	if (!load_features(ctx, req, resp, &tid, &f))
		return;
	before = f;
	bj = features_json(&before);
	if (!api_if_match(req, resp, bj) ||
	    !(o = api_body(req, resp, admin ? admin_fields : self_fields))) {
		json_decref(bj);
		return;
	}
	if (!read_features(o, &f, resp)) {
		json_decref(o);
		json_decref(bj);
		return;
	}
	json_decref(o);
	if (features_user_save(ctx->st, tid, &before, &f, &pr)) {
		features_problem_answer(resp, &pr);
		json_decref(bj);
		return;
	}
	aj = features_json(&f);
	snprintf(res, sizeof(res), "users/%lld/features", (long long)f.user_id);
	audit_record(ctx, req, tid, "update", res, bj, aj);
	json_decref(bj);
	if (ctx->features_changed)
		ctx->features_changed(tid, f.user_id, ctx->features_arg);
	api_json_etag(resp, 200, aj);
}

/* ---- the tenant's forward policy, park and recording settings --------- */

/* "+33,+44" as ["+33", "+44"] */
static json_t *prefix_array(const char *csv)
{
	json_t *a = json_array();

	while (*csv) {
		size_t len = strcspn(csv, ",");
		json_array_append_new(a, json_stringn(csv, len));
		csv += len;
		if (*csv == ',')
			csv++;
	}
	return a;
}

static json_t *policy_json(const struct store_tenant_features *t)
{
	return json_pack("{s:b, s:o, s:o}", "forward_external",
			 t->forward_external, "allowed_prefixes",
			 prefix_array(t->allowed_prefixes), "blocked_prefixes",
			 prefix_array(t->blocked_prefixes));
}

static json_t *park_json(const struct store_tenant_features *t)
{
	return json_pack("{s:i, s:i, s:i}", "first_slot", t->park_first,
			 "slots", t->park_count, "timeout_s",
			 t->park_timeout_s);
}

/* an array of prefixes (or null for none) into csv */
static bool get_prefixes(json_t *o, const char *field, char *csv,
			 size_t size, struct api_resp *resp)
{
	json_t *a = json_object_get(o, field), *v;
	char bad[24];
	size_t i, n = 0;

	if (!a)
		return true;
	csv[0] = '\0';
	if (json_is_null(a))
		return true;
	if (!json_is_array(a) || json_array_size(a) > FEATURES_PREFIX_MAX) {
		api_problem(resp, 400, field, "%s must be an array of at most "
			    "%d prefixes", field, FEATURES_PREFIX_MAX);
		return false;
	}
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		size_t len = s ? strlen(s) : 0;

		if (!s || len < 2 || len > 16 || s[0] != '+' ||
		    strspn(s + 1, "0123456789") != len - 1 ||
		    n + len + 2 > size) {
			api_problem(resp, 400, field, "%s[%zu] must be + then "
				    "1 to 15 digits, e.g. \"+3389\"", field, i);
			return false;
		}
		n += snprintf(csv + n, size - n, "%s%s", n ? "," : "", s);
	}
	if (!features_prefix_list_ok(csv, bad, sizeof(bad))) {
		api_problem(resp, 400, field, "%s: %s is not a prefix", field,
			    bad);
		return false;
	}
	return true;
}

static bool load_tenant(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp, int64_t *tid,
			struct store_tenant_features *t)
{
	int err;

	if (!api_path_id(req, 0, tid, resp))
		return false;
	err = store_tenant_features_get(ctx->st, *tid, t);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

/* the resource of one of the two views of tenant_features */
struct tenant_view {
	const char *name;                 /**< for the audit: "park" */
	json_t *(*json)(const struct store_tenant_features *t);
	const char *const *fields;
	bool (*read)(struct api_ctx *ctx, int64_t tid, json_t *o,
		     struct store_tenant_features *t, struct api_resp *resp);
};

static void tenant_view_get(struct api_ctx *ctx, struct api_req *req,
			    struct api_resp *resp,
			    const struct tenant_view *v)
{
	struct store_tenant_features t;
	int64_t tid;

	if (load_tenant(ctx, req, resp, &tid, &t))
		api_json_etag(resp, 200, v->json(&t));
}

static void tenant_view_update(struct api_ctx *ctx, struct api_req *req,
			       struct api_resp *resp,
			       const struct tenant_view *v)
{
	struct store_tenant_features t;
	json_t *o, *bj, *aj;
	int64_t tid;
	int err;

	if (!load_tenant(ctx, req, resp, &tid, &t))
		return;
	bj = v->json(&t);
	if (!api_if_match(req, resp, bj) ||
	    !(o = api_body(req, resp, v->fields))) {
		json_decref(bj);
		return;
	}
	if (!v->read(ctx, tid, o, &t, resp)) {
		json_decref(o);
		json_decref(bj);
		return;
	}
	json_decref(o);
	err = store_tenant_features_put(ctx->st, tid, &t);
	if (err) {
		json_decref(bj);
		api_store_error(resp, err);
		return;
	}
	aj = v->json(&t);
	audit_record(ctx, req, tid, "update", v->name, bj, aj);
	json_decref(bj);
	api_json_etag(resp, 200, aj);
}

static bool read_policy(struct api_ctx *ctx, int64_t tid, json_t *o,
			struct store_tenant_features *t,
			struct api_resp *resp)
{
	(void)ctx;
	(void)tid;
	return api_get_bool(o, "forward_external", &t->forward_external, resp) &&
	       get_prefixes(o, "allowed_prefixes", t->allowed_prefixes,
			    sizeof(t->allowed_prefixes), resp) &&
	       get_prefixes(o, "blocked_prefixes", t->blocked_prefixes,
			    sizeof(t->blocked_prefixes), resp);
}

/* park slots are dialled: none may be an extension of a user or group */
static bool read_park(struct api_ctx *ctx, int64_t tid, json_t *o,
		      struct store_tenant_features *t, struct api_resp *resp)
{
	char ext[16];
	int64_t uid, gid;

	if (!api_get_int(o, "first_slot", false, 10, 99999999, &t->park_first,
			 resp) ||
	    !api_get_int(o, "slots", false, 1, 100, &t->park_count, resp) ||
	    !api_get_int(o, "timeout_s", false, 10, 600, &t->park_timeout_s,
			 resp))
		return false;
	if ((long)t->park_first + t->park_count - 1 > 99999999) {
		api_problem(resp, 400, "slots", "the last slot must have at "
			    "most 8 digits");
		return false;
	}
	for (int i = 0; i < t->park_count; i++) {
		snprintf(ext, sizeof(ext), "%d", t->park_first + i);
		if (!store_extension_owner(ctx->st, tid, ext, &uid, &gid)) {
			api_problem(resp, 409, "first_slot", "slot %s is the "
				    "extension of %s %lld", ext, uid ? "user"
				    : "group", (long long)(uid ? uid : gid));
			return false;
		}
	}
	return true;
}

static json_t *recording_json(const struct store_tenant_features *t)
{
	enum rec_policy p = REC_ON_DEMAND;

	/* what the call layer reads: a stored word it does not know is
	   on_demand (recording.h) */
	features_rec_policy_parse(t->recording_policy, &p);
	return json_pack("{s:s, s:b}", "policy", features_rec_policy_name(p),
			 "announce", t->recording_announce);
}

static bool read_recording(struct api_ctx *ctx, int64_t tid, json_t *o,
			   struct store_tenant_features *t,
			   struct api_resp *resp)
{
	enum rec_policy p;

	(void)ctx;
	(void)tid;
	if (!api_get_str(o, "policy", false, &rec_rule, t->recording_policy,
			 sizeof(t->recording_policy), resp) ||
	    !api_get_bool(o, "announce", &t->recording_announce, resp))
		return false;
	if (!features_rec_policy_parse(t->recording_policy, &p)) {
		api_problem(resp, 400, "policy", "policy must be never, "
			    "on_demand or always");
		return false;
	}
	return true;
}

static const char *const policy_fields[] = {"forward_external",
	"allowed_prefixes", "blocked_prefixes", NULL};
static const char *const park_fields[] = {"first_slot", "slots",
	"timeout_s", NULL};
static const char *const recording_fields[] = {"policy", "announce", NULL};

static const struct tenant_view policy_view = {"forward_policy",
	policy_json, policy_fields, read_policy};
static const struct tenant_view park_view = {"park", park_json,
	park_fields, read_park};
static const struct tenant_view recording_view = {"recording_policy",
	recording_json, recording_fields, read_recording};

/* the GET and PATCH handlers of a view, as handlers.h declares them */
#define TENANT_VIEW_HANDLERS(get, update, view)                         \
	void get(struct api_ctx *ctx, struct api_req *req,               \
		 struct api_resp *resp)                                  \
	{                                                                \
		tenant_view_get(ctx, req, resp, &view);                  \
	}                                                                \
	void update(struct api_ctx *ctx, struct api_req *req,            \
		    struct api_resp *resp)                               \
	{                                                                \
		tenant_view_update(ctx, req, resp, &view);               \
	}

TENANT_VIEW_HANDLERS(forward_policy_get, forward_policy_update, policy_view)
TENANT_VIEW_HANDLERS(park_get, park_update, park_view)
TENANT_VIEW_HANDLERS(recording_policy_get, recording_policy_update,
		     recording_view)
