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
#include "api/roles.h"

static const struct str_rule e164_rule = {8, 16, "+0123456789"};
static const struct str_rule type_rule = {4, 15, "abcdefghijklmnopqrstuvwxyz_"};
static const struct str_rule label_rule = {0, 127, NULL};

static json_t *number_json(const struct store_number *n)
{
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

static int add_number(const struct store_number *n, void *arg)
{
	json_array_append_new(arg, number_json(n));
	return 0;
}

void numbers_list(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	int64_t tid, after;
	json_t *items;
	int limit;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	int err = store_number_list(ctx->st, tid, after, limit, add_number,
		items);
	api_list_done(resp, err, items, limit);
}

enum { RANGE_MAX = 10000 };

/* The body of a new number (field e164) or range (field first, and
   count): the number, label and target, checked; false once the
   problem is written. */
static bool read_new(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp, int64_t tid,
		     const char *const *fields, const char *field,
		     char *e164, size_t size, int *count,
		     struct store_number *n)
{
	json_t *o = api_body(req, resp, fields);
	bool ok;

	if (!o)
		return false;
	snprintf(n->target_type, sizeof(n->target_type), "none");
	ok = api_get_str(o, field, true, &e164_rule, e164, size, resp) &&
	     (!count ||
	      api_get_int(o, "count", true, 1, RANGE_MAX, count, resp)) &&
	     api_get_str(o, "label", false, &label_rule, n->label,
			 sizeof(n->label), resp) &&
	     read_target(ctx, o, tid, n, resp);
	json_decref(o);
	if (ok && !e164_ok(e164)) {
		api_problem(resp, 400, field, "%s is + then 7 to 15 digits, "
			    "e.g. +33145671234", field);
		ok = false;
	}
	return ok;
}

void numbers_create(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	static const char *const fields[] = {"e164", "label", "target", NULL};
	struct store_number n = {0};
	char res[48], loc[96];
	json_t *after;
	int64_t tid;
	int err;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	if (!read_new(ctx, req, resp, tid, fields, "e164", n.e164,
		      sizeof(n.e164), NULL, &n))
		return;
	err = store_number_create(ctx->st, tid, &n);
	if (err == EEXIST) {
		api_problem(resp, 409, "e164", "%s is already assigned", n.e164);
		return;
	}
	if (err) {
		api_problem(resp, err == ENOENT ? 404 : 503, NULL,
			    "cannot assign the number");
		return;
	}
	after = number_json(&n);
	snprintf(res, sizeof(res), "numbers/%lld", (long long)n.id);
	audit_record(ctx, req, tid, "create", res, NULL, after);
	snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/numbers/%lld",
		 (long long)tid, (long long)n.id);
	api_json_etag(resp, 201, after);
	api_resp_header(resp, "Location", loc);
}

static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t *tid, struct store_number *n)
{
	int64_t id;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &id, resp))
		return false;
	err = store_number_get(ctx->st, *tid, id, n);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void numbers_get(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	struct store_number n;
	int64_t tid;

	if (load(ctx, req, resp, &tid, &n))
		api_json_etag(resp, 200, number_json(&n));
}

/* where it goes and its label; the number itself never changes */
void numbers_update(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	static const char *const fields[] = {"label", "target", NULL};
	struct store_number n;
	json_t *o, *before, *after;
	char res[48];
	int64_t tid;

	if (!load(ctx, req, resp, &tid, &n))
		return;
	before = number_json(&n);
	if (!api_if_match(req, resp, before) ||
	    !(o = api_body(req, resp, fields))) {
		json_decref(before);
		return;
	}
	if (!api_get_str(o, "label", false, &label_rule, n.label,
			 sizeof(n.label), resp) ||
	    !read_target(ctx, o, tid, &n, resp)) {
		json_decref(o);
		json_decref(before);
		return;
	}
	json_decref(o);
	if (store_number_update(ctx->st, tid, &n)) {
		json_decref(before);
		api_problem(resp, 503, NULL, "cannot update the number");
		return;
	}
	after = number_json(&n);
	snprintf(res, sizeof(res), "numbers/%lld", (long long)n.id);
	audit_record(ctx, req, tid, "update", res, before, after);
	json_decref(before);
	api_json_etag(resp, 200, after);
}

void numbers_delete(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_number n;
	json_t *before;
	char res[48];
	int64_t tid;

	if (!load(ctx, req, resp, &tid, &n))
		return;
	before = number_json(&n);
	if (!api_if_match(req, resp, before) ||
	    store_number_delete(ctx->st, tid, n.id)) {
		if (!resp->status)
			api_problem(resp, 503, NULL, "cannot release the number");
		json_decref(before);
		return;
	}
	snprintf(res, sizeof(res), "numbers/%lld", (long long)n.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}

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
	json_t *after;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	if (!read_new(ctx, req, resp, tid, fields, "first", first,
		      sizeof(first), &count, &n))
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
