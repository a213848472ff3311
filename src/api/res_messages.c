/**
 * @file res_messages.c  Chat history: /tenants/{t}/users/{u}/messages and
 * /tenants/{t}/messages.
 *
 * Read only: messages are written by chat/ as phones send SIP MESSAGE.
 * A user's list holds what they sent and received; the tenant's, every
 * message of the tenant.  Both page like the CDRs (oldest first, limit
 * and cursor), bounded by ?from= ?to= on the time a message arrived.
 *
 * Who: a user reads their own list, a tenant admin (or the operator)
 * any list of the tenant (PERM_MESSAGE_READ); supervisors do not read
 * their colleagues' messages.  Another user's list, for a user, and
 * another tenant's, for anyone, do not exist (404).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/chat.h"
#include "store/store.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

struct msg_run {
	json_t *items;
	int64_t uid;             /**< whose list: direction; 0 = none */
};

static void set_time(json_t *o, const char *name, int64_t ms)
{
	char iso[40], key[24];

	api_iso_ms(iso, sizeof(iso), ms);
	json_object_set_new(o, name, ms > 0 ? json_string(iso) : json_null());
	snprintf(key, sizeof(key), "%s_ms", name);
	json_object_set_new(o, key, ms > 0 ? json_integer(ms) : json_null());
}

static int add_msg(const struct store_chat *m, void *arg)
{
	struct msg_run *r = arg;
	json_t *o = json_object(), *body = json_string(m->body);

	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "from_user_id", json_integer(m->from_user_id));
	json_object_set_new(o, "to_user_id", json_integer(m->to_user_id));
	if (r->uid)
		json_object_set_new(o, "direction", json_string(
			m->to_user_id == r->uid ? "in" : "out"));
	json_object_set_new(o, "content_type", json_string(m->content_type));
	/* the store keeps valid UTF-8; "?" should that ever not hold */
	json_object_set_new(o, "body", body ? body : json_string("?"));
	set_time(o, "created", m->created_ms);
	set_time(o, "delivered", m->delivered_ms);
	json_array_append_new(r->items, o);
	return 0;
}

static void list(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t tid, int64_t uid)
{
	struct msg_run r = {.uid = uid};
	int64_t from = 0, to = INT64_MAX, after;
	int limit;

	if (!api_query_time(req, "from", &from, resp) ||
	    !api_query_time(req, "to", &to, resp))
		return;
	if (to < from) {
		api_problem(resp, 400, "to", "to must not be before from");
		return;
	}
	if (!api_page(req, resp, &limit, &after))
		return;
	r.items = json_array();
	api_list_done(resp, store_chat_list(ctx->st, tid, uid, from, to,
					    after, limit, add_msg, &r),
		      r.items, limit);
}

void messages_list_user(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp)
{
	struct store_user u;
	int64_t tid, uid;
	int err;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !api_path_id(req, 1, &uid, resp))
		return;
	err = store_user_get(ctx->st, tid, uid, &u);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	list(ctx, req, resp, tid, uid);
}

void messages_list_tenant(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp)
{
	int64_t tid;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	list(ctx, req, resp, tid, 0);
}
