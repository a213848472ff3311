/**
 * @file res_groups.c  /api/v1/tenants/{tenant_id}/groups: ring (hunt)
 * groups and their members.
 *
 * A group has a name, an extension (optional: shared with users, so one
 * extension means one thing in the tenant, and never a park slot), a
 * strategy, timeouts and a fallback destination checked like a forward
 * (features/features.h).  Members are users of the tenant, kept at
 * /groups/{g}/members/{user_id}: POST on the list adds one, PUT on the
 * member adds or places one, PATCH logs them in or out.  A member may
 * read their own membership and log themself in or out; the rest is the
 * tenant admin's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "features/features.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/resource.h"
#include "api/roles.h"

static const struct str_rule name_rule = {1, 63, NULL};
static const struct str_rule ext_rule = {0, 8, "0123456789"};
static const struct str_rule strategy_rule = {4, 15,
	"abcdefghijklmnopqrstuvwxyz_"};
static const struct str_rule dest_rule = {0, 16, "+0123456789"};

static const char *const strategies[] = {"ring_all", "sequential",
	"round_robin", "longest_idle", NULL};
static const char *const group_fields[] = {"name", "extension", "strategy",
	"member_timeout_s", "group_timeout_s", "fallback", NULL};

enum { MEMBER_POSITION_MAX = 999 };

static json_t *group_json(const void *obj)
{
	const struct store_group *g = obj;
	json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:i, s:s}", "id",
			      (json_int_t)g->id, "name", g->name, "strategy",
			      g->strategy, "member_timeout_s",
			      g->member_timeout_s, "group_timeout_s",
			      g->group_timeout_s, "fallback", g->fallback);
	json_object_set_new(o, "extension", g->extension[0]
			    ? json_string(g->extension) : json_null());
	return o;
}

static bool known_strategy(const char *s)
{
	for (size_t i = 0; strategies[i]; i++) {
		if (!strcmp(s, strategies[i]))
			return true;
	}
	return false;
}

/* the extension is free: no user, no other group, no park slot */
static bool extension_free(struct api_ctx *ctx, int64_t tid,
			   const struct store_group *g,
			   struct api_resp *resp)
{
	struct store_tenant_features tf;
	int64_t uid = 0, gid = 0;
	long slot;

	if (!g->extension[0])
		return true;
	if (strlen(g->extension) < 2) {
		api_problem(resp, 400, "extension", "extension must be 2 to 8 "
			    "digits");
		return false;
	}
	if (!store_extension_owner(ctx->st, tid, g->extension, &uid, &gid) &&
	    (uid || gid != g->id)) {
		api_problem(resp, 409, "extension", "extension %s already "
			    "belongs to %s %lld", g->extension,
			    uid ? "user" : "group",
			    (long long)(uid ? uid : gid));
		return false;
	}
	slot = strtol(g->extension, NULL, 10);
	if (g->extension[0] != '0' &&
	    !store_tenant_features_get(ctx->st, tid, &tf) &&
	    slot >= tf.park_first && slot < (long)tf.park_first + tf.park_count) {
		api_problem(resp, 409, "extension", "extension %s is a park "
			    "slot of this tenant", g->extension);
		return false;
	}
	return true;
}

static bool read_group(struct api_ctx *ctx, int64_t tid, json_t *o,
		       void *obj, bool create, struct api_resp *resp)
{
	struct store_group *g = obj;
	struct features_problem pr = {0};

	if (!api_get_str(o, "name", create, &name_rule, g->name,
			 sizeof(g->name), resp) ||
	    !api_get_str(o, "extension", false, &ext_rule, g->extension,
			 sizeof(g->extension), resp) ||
	    !api_get_str(o, "strategy", false, &strategy_rule, g->strategy,
			 sizeof(g->strategy), resp) ||
	    !api_get_int(o, "member_timeout_s", false, 5, 300,
			 &g->member_timeout_s, resp) ||
	    !api_get_int(o, "group_timeout_s", false, 5, 3600,
			 &g->group_timeout_s, resp) ||
	    !api_get_str(o, "fallback", false, &dest_rule, g->fallback,
			 sizeof(g->fallback), resp))
		return false;
	if (json_is_null(json_object_get(o, "extension")))
		g->extension[0] = '\0';
	if (json_is_null(json_object_get(o, "fallback")))
		g->fallback[0] = '\0';
	if (!known_strategy(g->strategy)) {
		api_problem(resp, 400, "strategy", "strategy must be ring_all, "
			    "sequential, round_robin or longest_idle");
		return false;
	}
	if (!extension_free(ctx, tid, g, resp))
		return false;
	if (features_dest_check(ctx->st, tid, "fallback", g->fallback,
				g->extension, &pr)) {
		features_problem_answer(resp, &pr);
		return false;
	}
	return true;
}

API_RES_LIST_FN(group, struct store_group, store_group_list, group_json)

/* a group of a tenant that exists, with the defaults of a new one */
static bool group_init(struct api_ctx *ctx, int64_t tid, void *obj,
		       struct api_resp *resp)
{
	struct store_group *g = obj;
	struct store_tenant t;

	if (store_tenant_get(ctx->st, tid, &t)) {
		api_problem(resp, 404, NULL, "no such resource");
		return false;
	}
	snprintf(g->strategy, sizeof(g->strategy), "ring_all");
	g->member_timeout_s = 20;
	g->group_timeout_s = 60;
	return true;
}

API_RES_STORE_FN(group, struct store_group, store_group_get,
		 store_group_create, store_group_update,
		 store_group_delete)

/* EEXIST from the store: a name (or, in a race, an extension) taken */
static void group_failed(struct api_ctx *ctx, int64_t tid,
			 enum api_res_op op, void *obj, int err,
			 struct api_resp *resp)
{
	const struct store_group *g = obj;

	(void)ctx;
	(void)tid;
	if (op == API_RES_DELETE)
		api_problem(resp, 503, NULL, "cannot delete the group");
	else if (err == EEXIST)
		api_problem(resp, 409, "name", "a group named '%s' or with "
			    "extension %s already exists", g->name,
			    g->extension[0] ? g->extension : "(none)");
	else
		api_store_error(resp, err);
}

static const struct api_resource group_res = {
	.collection = "groups",
	.size = sizeof(struct store_group),
	.id_off = offsetof(struct store_group, id),
	.create_fields = group_fields,
	.update_fields = group_fields,
	.to_json = group_json,
	.init = group_init,
	.read = read_group,
	.store = group_store,
	.list = group_list,
	.failed = group_failed,
};

API_RES_HANDLERS(groups, group_res)

/* ---- members ---------------------------------------------------------- */

static json_t *member_json(const struct store_group_member *m)
{
	json_t *o = json_pack("{s:I, s:s, s:i, s:b}", "user_id",
			      (json_int_t)m->user_id, "name", m->name,
			      "position", m->position, "logged_in",
			      m->logged_in);
	json_object_set_new(o, "extension", m->extension[0]
			    ? json_string(m->extension) : json_null());
	json_object_set_new(o, "last_answered_ms", m->last_answer_ms
			    ? json_integer(m->last_answer_ms) : json_null());
	return o;
}

static int add_member(const struct store_group_member *m, void *arg)
{
	json_array_append_new(arg, member_json(m));
	return 0;
}

/* the whole list in hunting order: a group is small, one page */
void members_list(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_group g;
	json_t *items;
	int64_t tid;
	int err;

	if (!api_res_load(&group_res, ctx, req, resp, &tid, &g))
		return;
	items = json_array();
	err = store_group_member_list(ctx->st, tid, g.id, add_member, items);
	if (err) {
		json_decref(items);
		api_store_error(resp, err);
		return;
	}
	api_json(resp, 200, json_pack("{s:o, s:n}", "items", items,
				      "next_cursor"));
}

/* the last position + 1: a member added without one goes last */
static int next_position(const struct store_group_member *m, void *arg)
{
	int *pos = arg;

	if (m->position >= *pos)
		*pos = m->position < MEMBER_POSITION_MAX ? m->position + 1
							 : MEMBER_POSITION_MAX;
	return 0;
}

static bool read_member(json_t *o, struct store_group_member *m,
			struct api_resp *resp)
{
	json_t *v = json_object_get(o, "logged_in");

	if (!api_get_int(o, "position", false, 0, MEMBER_POSITION_MAX,
			 &m->position, resp))
		return false;
	if (v && !json_is_boolean(v)) {
		api_problem(resp, 400, "logged_in", "logged_in must be true or "
			    "false");
		return false;
	}
	if (v)
		m->logged_in = json_is_true(v);
	return true;
}

/* write m (new or changed), audit, answer with the stored member */
static void member_save(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp, int64_t tid,
			struct store_group_member *m, json_t *before,
			unsigned status)
{
	char res[80], loc[128];
	json_t *after;
	int err;

	err = store_group_member_put(ctx->st, tid, m);
	if (!err)
		err = store_group_member_get(ctx->st, tid, m->group_id,
					     m->user_id, m);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	after = member_json(m);
	snprintf(res, sizeof(res), "groups/%lld/members/%lld",
		 (long long)m->group_id, (long long)m->user_id);
	audit_record(ctx, req, tid, before ? "update" : "create", res, before,
		     after);
	api_json_etag(resp, status, after);
	if (status == 201) {
		snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/%s",
			 (long long)tid, res);
		api_resp_header(resp, "Location", loc);
	}
}

/* a new member of g: user_id must be a user of the tenant */
static bool new_member(struct api_ctx *ctx, int64_t tid,
		       const struct store_group *g, int64_t uid,
		       struct store_group_member *m, struct api_resp *resp)
{
	struct store_user u;

	if (store_user_get(ctx->st, tid, uid, &u)) {
		api_problem(resp, 422, "user_id", "user %lld is not a user of "
			    "this tenant", (long long)uid);
		return false;
	}
	memset(m, 0, sizeof(*m));
	m->group_id = g->id;
	m->user_id = uid;
	m->logged_in = true;
	if (store_group_member_list(ctx->st, tid, g->id, next_position,
				    &m->position)) {
		api_problem(resp, 503, NULL, "store unavailable");
		return false;
	}
	return true;
}

void members_create(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	static const char *const fields[] = {"user_id", "position",
					     "logged_in", NULL};
	struct store_group_member m;
	struct store_group g;
	int64_t tid, uid = 0;
	json_t *o;

	if (!api_res_load(&group_res, ctx, req, resp, &tid, &g) ||
	    !(o = api_body(req, resp, fields)))
		return;
	if (!api_get_id(o, "user_id", true, &uid, resp) ||
	    !new_member(ctx, tid, &g, uid, &m, resp) ||
	    !read_member(o, &m, resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);
	{
		struct store_group_member old;
		if (!store_group_member_get(ctx->st, tid, g.id, uid, &old)) {
			api_problem(resp, 409, "user_id", "user %lld is already "
				    "a member of this group", (long long)uid);
			return;
		}
	}
	member_save(ctx, req, resp, tid, &m, NULL, 201);
}

/* the group and the {user_id} of a member path */
static bool member_path(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp, int64_t *tid,
			struct store_group *g, int64_t *uid)
{
	return api_res_load(&group_res, ctx, req, resp, tid, g) &&
	       api_path_id(req, 2, uid, resp);
}

static bool load_member(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp, int64_t *tid,
			struct store_group_member *m)
{
	struct store_group g;
	int64_t uid;
	int err;

	if (!member_path(ctx, req, resp, tid, &g, &uid))
		return false;
	err = store_group_member_get(ctx->st, *tid, g.id, uid, m);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

/* the body of a PUT or PATCH of a member, then save and answer; takes
   before (NULL for a new member) */
static void member_body(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp, int64_t tid,
			struct store_group_member *m, json_t *before,
			const char *const *fields)
{
	json_t *o = api_body(req, resp, fields);

	if (o && read_member(o, m, resp))
		member_save(ctx, req, resp, tid, m, before, 200);
	json_decref(o);
	json_decref(before);
}

/* add the user to the group, or change their place: idempotent */
void members_put(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	static const char *const fields[] = {"position", "logged_in", NULL};
	struct store_group_member m;
	struct store_group g;
	json_t *before = NULL;
	int64_t tid, uid;

	struct store_user u;

	if (!member_path(ctx, req, resp, &tid, &g, &uid))
		return;
	/* the user named by the path, not a field: 404 when not there */
	if (store_user_get(ctx->st, tid, uid, &u)) {
		api_problem(resp, 404, NULL, "no such resource");
		return;
	}
	if (!store_group_member_get(ctx->st, tid, g.id, uid, &m))
		before = member_json(&m);
	else if (!new_member(ctx, tid, &g, uid, &m, resp))
		return;
	member_body(ctx, req, resp, tid, &m, before, fields);
}

void members_get(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	struct store_group_member m;
	int64_t tid;

	if (load_member(ctx, req, resp, &tid, &m))
		api_json_etag(resp, 200, member_json(&m));
}

/* a member logs themself in or out; the admin also moves them */
void members_update(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	static const char *const admin_fields[] = {"position", "logged_in",
						   NULL};
	static const char *const self_fields[] = {"logged_in", NULL};
	bool admin = req->who.role >= ROLE_TENANT_ADMIN;
	struct store_group_member m;
	json_t *before;
	int64_t tid;

	if (!load_member(ctx, req, resp, &tid, &m))
		return;
	before = member_json(&m);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	member_body(ctx, req, resp, tid, &m, before,
		    admin ? admin_fields : self_fields);
}

void members_delete(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_group_member m;
	json_t *before;
	char res[80];
	int64_t tid;

	if (!load_member(ctx, req, resp, &tid, &m))
		return;
	before = member_json(&m);
	if (!api_if_match(req, resp, before) ||
	    store_group_member_delete(ctx->st, tid, m.group_id, m.user_id)) {
		if (!resp->status)
			api_problem(resp, 503, NULL, "cannot remove the member");
		json_decref(before);
		return;
	}
	snprintf(res, sizeof(res), "groups/%lld/members/%lld",
		 (long long)m.group_id, (long long)m.user_id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
