/**
 * @file res_numbers.c  /api/v1/tenants/{tenant_id}/numbers: DIDs.
 *
 * The operator assigns an E.164 number to a tenant (and takes it back);
 * the tenant's admin decides where calls to it go.  A number belongs to
 * one tenant of the platform at most; a clash answers 409 without
 * saying which tenant holds it.  Targets today: none, a user or a ring
 * group of the tenant; queues, IVRs and voicemail join as they are built.
 *
 * A range (POST .../number_ranges {"first": "+33123450000", "count":
 * 100}) is assigned all at once or not at all: one transaction, and the
 * first clash answers 409 naming the number, with nothing assigned.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/resource.h"
#include "api/roles.h"

static const struct str_rule e164_rule = {8, 16, "+0123456789"};
static const struct str_rule type_rule = {4, 15, "abcdefghijklmnopqrstuvwxyz_"};
static const struct str_rule label_rule = {0, 127, NULL};

static json_t *number_json(const void *obj)
{
	const struct store_number *n = obj;
	json_t *o = json_pack("{s:I, s:s, s:s, s:{s:s}}", "id",
			      (json_int_t)n->id, "e164", n->e164,
			      "label", n->label, "target", "type",
			      n->target_type);
	if (n->target_id)
		json_object_set_new(json_object_get(o, "target"), "id",
				    json_integer(n->target_id));
	return o;
}

static bool e164_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 8 || n > 16 || s[0] != '+' || s[1] == '0')
		return false;
	return strspn(s + 1, "0123456789") == n - 1;
}

/* "target": {"type": "user", "id": 17} | {"type": "none"} */
static bool read_target(struct api_ctx *ctx, json_t *o, int64_t tid,
			struct store_number *n, struct api_resp *resp)
{
	static const char *const allowed[] = {"type", "id", NULL};
	json_t *t = json_object_get(o, "target");
	const char *key;
	json_t *v;

	if (!t)
		return true;
	if (!json_is_object(t)) {
		api_problem(resp, 400, "target", "target must be an object "
			    "{\"type\": ..., \"id\": ...}");
		return false;
	}
	json_object_foreach(t, key, v) {
		bool known = false;
		for (size_t i = 0; allowed[i]; i++)
			known |= !strcmp(key, allowed[i]);
		if (!known) {
			api_problem(resp, 400, "target", "unknown field "
				    "target.%.32s", key);
			return false;
		}
	}
	if (!api_get_str_as(t, "type", "target.type", true, &type_rule,
			    n->target_type, sizeof(n->target_type), resp))
		return false;
	n->target_id = 0;
	if (!strcmp(n->target_type, "none"))
		return true;
	if (strcmp(n->target_type, "user") && strcmp(n->target_type, "group")) {
		api_problem(resp, 400, "target.type", "target.type must be none, "
			    "user or group");
		return false;
	}
	if (!api_get_id_as(t, "id", "target.id", true, &n->target_id, resp))
		return false;
	if (!strcmp(n->target_type, "group")) {
		struct store_group g;

		if (store_group_get(ctx->st, tid, n->target_id, &g)) {
			api_problem(resp, 400, "target.id", "group %lld is not "
				    "a group of this tenant",
				    (long long)n->target_id);
			return false;
		}
		return true;
	}
	struct store_user u;
	if (store_user_get(ctx->st, tid, n->target_id, &u)) {
		api_problem(resp, 400, "target.id", "user %lld is not a user "
			    "of this tenant", (long long)n->target_id);
		return false;
	}
	return true;
}

enum { RANGE_MAX = 10000 };

/* The body of a new number (field e164) or range (field first, and
   count): the number, label and target, checked; false once the
   problem is written. */
static bool read_new_body(struct api_ctx *ctx, json_t *o, int64_t tid,
			  const char *field, char *e164, size_t size,
			  int *count, struct store_number *n,
			  struct api_resp *resp)
{
	bool ok;

	ok = api_get_str(o, field, true, &e164_rule, e164, size, resp) &&
	     (!count ||
	      api_get_int(o, "count", true, 1, RANGE_MAX, count, resp)) &&
	     api_get_str(o, "label", false, &label_rule, n->label,
			 sizeof(n->label), resp) &&
	     read_target(ctx, o, tid, n, resp);
	if (ok && !e164_ok(e164)) {
		api_problem(resp, 400, field, "%s is + then 7 to 15 digits, "
			    "e.g. +33145671234", field);
		ok = false;
	}
	return ok;
}

/* a new number: as read_new_body; a change: where it goes and its label
   (the number itself never changes) */
static bool read_number(struct api_ctx *ctx, int64_t tid, json_t *o,
			void *obj, bool create, struct api_resp *resp)
{
	struct store_number *n = obj;

	if (create)
		return read_new_body(ctx, o, tid, "e164", n->e164,
				     sizeof(n->e164), NULL, n, resp);
	return api_get_str(o, "label", false, &label_rule, n->label,
			   sizeof(n->label), resp) &&
	       read_target(ctx, o, tid, n, resp);
}

static void number_defaults(struct store_number *n)
{
	snprintf(n->target_type, sizeof(n->target_type), "none");
}

static bool number_init(struct api_ctx *ctx, int64_t tid, void *obj,
			struct api_resp *resp)
{
	(void)ctx;
	(void)tid;
	(void)resp;
	number_defaults(obj);
	return true;
}

API_RES_LIST_FN(number, struct store_number, store_number_list, number_json)

API_RES_STORE_FN(number, struct store_number, store_number_get,
		 store_number_create, store_number_update,
		 store_number_delete)

static void number_failed(struct api_ctx *ctx, int64_t tid,
			  enum api_res_op op, void *obj, int err,
			  struct api_resp *resp)
{
	const struct store_number *n = obj;

	(void)ctx;
	(void)tid;
	if (op == API_RES_CREATE && err == EEXIST)
		api_problem(resp, 409, "e164", "%s is already assigned",
			    n->e164);
	else if (op == API_RES_CREATE)
		api_problem(resp, err == ENOENT ? 404 : 503, NULL,
			    "cannot assign the number");
	else
		api_problem(resp, 503, NULL, "cannot %s the number",
			    op == API_RES_UPDATE ? "update" : "release");
}

static const char *const create_fields[] = {"e164", "label", "target",
					    NULL};
static const char *const update_fields[] = {"label", "target", NULL};

static const struct api_resource number_res = {
	.collection = "numbers",
	.size = sizeof(struct store_number),
	.id_off = offsetof(struct store_number, id),
	.create_fields = create_fields,
	.update_fields = update_fields,
	.to_json = number_json,
	.init = number_init,
	.read = read_number,
	.store = number_store,
	.list = number_list,
	.failed = number_failed,
};

API_RES_HANDLERS(numbers, number_res)

/* The next number of a range: the digits counted up by one; false when
   that would need one more digit (the end of the numbering block). */
static bool e164_next(char *s)
{
	for (size_t i = strlen(s); i-- > 1;) {
		if (s[i] < '9') {
			s[i]++;
			return true;
		}
		s[i] = '0';
	}
	return false;
}

void numbers_range_create(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp)
{
	static const char *const fields[] = {"first", "count", "label",
					     "target", NULL};
	struct store_number n = {0};
	char first[20], res[64];
	int64_t tid;
	int count, made = 0, err = 0;
	json_t *o, *after;
	bool ok;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !(o = api_body(req, resp, fields)))
		return;
	number_defaults(&n);
	ok = read_new_body(ctx, o, tid, "first", first, sizeof(first), &count,
			   &n, resp);
	json_decref(o);
	if (!ok)
		return;
	snprintf(n.e164, sizeof(n.e164), "%s", first);
	if (store_begin(ctx->st)) {
		api_problem(resp, 503, NULL, "cannot assign the numbers");
		return;
	}
	for (; made < count; made++) {
		if (made && !e164_next(n.e164)) {
			err = ERANGE;
			break;
		}
		n.id = 0;
		err = store_number_create(ctx->st, tid, &n);
		if (err)
			break;
	}
	if (err) {
		(void)store_rollback(ctx->st);
		if (err == EEXIST)
			api_problem(resp, 409, "first", "%s is already "
				    "assigned: no number of the range was",
				    n.e164);
		else if (err == ERANGE)
			api_problem(resp, 422, "count", "the range runs past "
				    "the last number with as many digits as "
				    "%s", first);
		else
			api_problem(resp, err == ENOENT ? 404 : 503, NULL,
				    "cannot assign the numbers");
		return;
	}
	if (store_commit(ctx->st)) {
		(void)store_rollback(ctx->st);
		api_problem(resp, 503, NULL, "cannot assign the numbers");
		return;
	}
	after = json_pack("{s:s, s:s, s:i, s:s, s:{s:s}}", "first", first,
			  "last", n.e164, "count", count, "label", n.label,
			  "target", "type", n.target_type);
	if (n.target_id)
		json_object_set_new(json_object_get(after, "target"), "id",
				    json_integer(n.target_id));
	snprintf(res, sizeof(res), "numbers/range/%s", first);
	audit_record(ctx, req, tid, "create", res, NULL, after);
	api_json(resp, 201, after);
}
