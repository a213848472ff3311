/**
 * @file res_tokens.c  API tokens for machines (a CRM, a billing system).
 *
 * A token is `cx_<id>_<secret>`: the id finds the row, the 256-bit secret
 * is checked against its stored SHA-256 (a random secret needs no slow
 * hash).  It is shown once, at creation; it carries a role no higher than
 * its creator's, within one tenant (or the operator's own tokens), may
 * expire, and can be revoked.  Requests with a token need no CSRF header.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/strutil.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

static const struct str_rule name_rule = {1, 127, NULL};
static const struct str_rule role_rule = {4, 23, "abcdefghijklmnopqrstuvwxyz_"};

static json_t *token_json(const struct store_token *t)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}",
			      "id", (json_int_t)t->id, "name", t->name,
			      "role", t->role, "created_by", t->created_by,
			      "created_at", (json_int_t)t->created_at,
			      "revoked", t->revoked_at != 0);
	json_object_set_new(o, "expires_at", t->expires_at
			    ? json_integer(t->expires_at) : json_null());
	json_object_set_new(o, "tenant_id", t->tenant_id
			    ? json_integer(t->tenant_id) : json_null());
	return o;
}

static int add_token(const struct store_token *t, void *arg)
{
	json_array_append_new(arg, token_json(t));
	return 0;
}

static void list(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t tid)
{
	json_t *items;
	int64_t after;
	int limit;

	if (!api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	int err = store_token_list(ctx->st, tid, after, limit, add_token,
		items);
	api_list_done(resp, err, items, limit);
}

static void create(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp, int64_t tid)
{
	static const char *const fields[] = {"name", "role", "expires_in_s",
		NULL};
	struct store_token t = {0};
	uint8_t secret[32], digest[crypto_hash_sha256_BYTES];
	char secret_hex[65], token[96], res[48];
	int expires_in = 0;
	enum api_role role;
	json_t *o, *after;

	o = api_body(req, resp, fields);
	if (!o)
		return;
	snprintf(t.role, sizeof(t.role), "%s", tid ? "user" : "operator");
	if (!api_get_str(o, "name", true, &name_rule, t.name, sizeof(t.name),
			 resp) ||
	    !api_get_str(o, "role", false, &role_rule, t.role, sizeof(t.role),
			 resp) ||
	    !api_get_int(o, "expires_in_s", false, 60, 31536000, &expires_in,
			 resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);

	role = tid ? roles_parse(t.role)
		   : (!strcmp(t.role, "operator") ? ROLE_OPERATOR : ROLE_NONE);
	if (role == ROLE_NONE) {
		api_problem(resp, 400, "role", tid ? "role must be user, agent, "
			    "supervisor or tenant_admin" : "operator tokens "
			    "have the role operator");
		return;
	}
	if (role > req->who.role) {
		api_problem(resp, 403, "role", "a token cannot have more rights "
			    "than its creator (%s)", roles_name(req->who.role));
		return;
	}

	randombytes_buf(secret, sizeof(secret));
	hex_encode(secret_hex, sizeof(secret_hex), secret, sizeof(secret));
	crypto_hash_sha256(digest, (const uint8_t *)secret_hex, 64);
	hex_encode(t.secret_sha256, sizeof(t.secret_sha256), digest,
		   sizeof(digest));
	snprintf(t.created_by, sizeof(t.created_by), "%.127s", req->who.name);
	t.created_at = (int64_t)time(NULL);
	t.expires_at = expires_in ? t.created_at + expires_in : 0;

	if (store_token_create(ctx->st, tid, &t)) {
		api_problem(resp, tid ? 404 : 503, NULL, "cannot create the "
			    "token");
		return;
	}
	after = token_json(&t);
	snprintf(res, sizeof(res), "tokens/%lld", (long long)t.id);
	audit_record(ctx, req, tid, "create", res, NULL, after);
	snprintf(token, sizeof(token), "cx_%lld_%s", (long long)t.id,
		 secret_hex);
	json_object_set_new(after, "token", json_string(token));
	api_json(resp, 201, after);
	sodium_memzero(secret_hex, sizeof(secret_hex));
	sodium_memzero(token, sizeof(token));
}

static void revoke(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp, int64_t tid, size_t idx)
{
	struct store_token t;
	char res[48];
	json_t *before;
	int64_t id;

	if (!api_path_id(req, idx, &id, resp))
		return;
	if (store_token_get_all(ctx->st, id, &t) || t.tenant_id != tid ||
	    store_token_revoke(ctx->st, tid, id, (int64_t)time(NULL))) {
		api_problem(resp, 404, NULL, "no such resource");
		return;
	}
	before = token_json(&t);
	snprintf(res, sizeof(res), "tokens/%lld", (long long)id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}

void tokens_list_tenant(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp)
{
	int64_t tid;
	if (api_path_id(req, 0, &tid, resp))
		list(ctx, req, resp, tid);
}

void tokens_create_tenant(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp)
{
	int64_t tid;
	struct store_tenant t;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	if (store_tenant_get(ctx->st, tid, &t)) {
		api_problem(resp, 404, NULL, "no such resource");
		return;
	}
	create(ctx, req, resp, tid);
}

void tokens_revoke_tenant(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp)
{
	int64_t tid;
	if (api_path_id(req, 0, &tid, resp))
		revoke(ctx, req, resp, tid, 1);
}

void tokens_list_op(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	list(ctx, req, resp, 0);
}

void tokens_create_op(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp)
{
	create(ctx, req, resp, 0);
}

void tokens_revoke_op(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp)
{
	revoke(ctx, req, resp, 0, 0);
}
