/**
 * @file auth.c  Login, logout, who am I.
 *
 * Login looks the email up among operators, then tenant users; the
 * password is verified on the auth worker thread (argon2id), against a
 * dummy hash when there is no such account, so that both cases take as
 * long and answer the same 401.  Failures are limited per account and
 * per source address (429 with Retry-After).  Success sets the session
 * cookie (HttpOnly, SameSite=Strict, Path=/) and returns the CSRF token
 * the browser must send with every change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "store/store.h"
#include "api/authworker.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/ratelimit.h"
#include "api/roles.h"
#include "api/sessions.h"

struct login {
	struct api_ctx *ctx;
	struct api_pending *pending;
	struct api_principal who;
	bool exists;
	char email_key[300];
	char addr_key[80];
};

static json_t *principal_json(const struct api_principal *p)
{
	json_t *o = json_pack("{s:s, s:s}", "role", roles_name(p->role),
			      "name", p->name);
	json_object_set_new(o, "tenant_id", p->tenant_id
			    ? json_integer(p->tenant_id) : json_null());
	json_object_set_new(o, "user_id", p->user_id
			    ? json_integer(p->user_id) : json_null());
	return o;
}

static void login_done(bool ok, const char *hash, void *arg)
{
	struct login *l = arg;
	struct api_resp resp = {0};
	char token[SESSION_TOKEN_LEN + 1], cookie[160];
	(void)hash;

	if (!ok || !l->exists) {
		ratelimit_failure(l->ctx->login_limits, l->email_key);
		ratelimit_failure(l->ctx->login_limits, l->addr_key);
		log_info("api", "failed login for %s from %s",
			 l->email_key + 2, l->addr_key + 2);
		api_problem(&resp, 401, NULL, "wrong email or password");
	}
	else if (sessions_create(l->ctx->sessions, &l->who, token)) {
		api_problem(&resp, 503, NULL, "cannot create a session");
	}
	else {
		json_t *o = principal_json(&l->who);

		ratelimit_success(l->ctx->login_limits, l->email_key);
		json_object_set_new(o, "csrf_token", json_string(l->who.csrf));
		api_json(&resp, 200, o);
		snprintf(cookie, sizeof(cookie), "centrex_session=%s; Path=/; "
			 "HttpOnly; SameSite=Strict", token);
		api_resp_header(&resp, "Set-Cookie", cookie);
		log_info("api", "%s logged in as %s", l->who.name,
			 roles_name(l->who.role));
	}
	api_complete(l->pending, &resp);
	api_resp_reset(&resp);
	free(l);
}

void auth_login(struct api_ctx *ctx, struct api_req *req,
		struct api_resp *resp)
{
	static const char *const fields[] = {"email", "password", NULL};
	static const struct str_rule email_rule = {3, 254, NULL};
	static const struct str_rule pw_rule = {1, 200, NULL};
	char email[256], password[201];
	struct store_operator op;
	struct store_user u;
	const char *hash = NULL;
	struct login *l;
	uint32_t retry = 0;
	json_t *o;
	int matches = 0;

	o = api_body(req, resp, fields);
	if (!o)
		return;
	if (!api_get_str(o, "email", true, &email_rule, email, sizeof(email),
			 resp) ||
	    !api_get_str(o, "password", true, &pw_rule, password,
			 sizeof(password), resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);

	l = calloc(1, sizeof(*l));
	if (!l) {
		api_problem(resp, 503, NULL, "out of memory");
		return;
	}
	l->ctx = ctx;
	for (char *p = email; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(l->email_key, sizeof(l->email_key), "e:%s", email);
	snprintf(l->addr_key, sizeof(l->addr_key), "a:%s", req->remote);

	if (ratelimit_blocked(ctx->login_limits, l->email_key, &retry) ||
	    ratelimit_blocked(ctx->login_limits, l->addr_key, &retry)) {
		char ra[16];
		free(l);
		snprintf(ra, sizeof(ra), "%u", retry ? retry : 1);
		api_problem(resp, 429, NULL, "too many failed logins; try "
			    "again in %u s", retry);
		api_resp_header(resp, "Retry-After", ra);
		return;
	}

	if (!store_operator_find_email_all(ctx->st, email, &op)) {
		l->exists = true;
		l->who.role = ROLE_OPERATOR;
		l->who.operator_id = op.id;
		snprintf(l->who.name, sizeof(l->who.name), "%s", op.email);
		hash = op.password_hash;
	}
	else if (!store_user_find_email_all(ctx->st, email, &u, &matches) &&
		 matches == 1 && u.password_hash[0]) {
		l->exists = true;
		l->who.role = roles_parse(u.role);
		if (l->who.role == ROLE_NONE)
			l->who.role = ROLE_USER;
		l->who.tenant_id = u.tenant_id;
		l->who.user_id = u.id;
		snprintf(l->who.name, sizeof(l->who.name), "%s", u.email);
		hash = u.password_hash;
	}

	l->pending = api_defer(req);
	if (!l->pending ||
	    authworker_verify(ctx->aw, hash, password, login_done, l)) {
		free(l);
		api_problem(resp, 503, NULL, "cannot verify the password now");
	}
	memset(password, 0, sizeof(password));
	memset(&op, 0, sizeof(op));
	memset(&u, 0, sizeof(u));
}

void auth_logout(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	sessions_remove(ctx->sessions, api_req_cookie(req, "centrex_session"));
	api_json(resp, 200, json_pack("{s:b}", "logged_out", 1));
	api_resp_header(resp, "Set-Cookie", "centrex_session=; Path=/; "
			"HttpOnly; SameSite=Strict; Max-Age=0");
}

void auth_me(struct api_ctx *ctx, struct api_req *req,
	     struct api_resp *resp)
{
	(void)ctx;
	api_json(resp, 200, principal_json(&req->who));
}
