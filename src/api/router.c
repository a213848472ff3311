/**
 * @file router.c  Matching, authentication, permission, dispatch.
 *
 * In order: find the route (404, or 405 with Allow when only the method is
 * wrong); identify the caller (session cookie, checked CSRF token on any
 * change); check the permission for the tenant and user named by the
 * path (404 across tenants); call the handler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sodium.h>
#include <time.h>
#include "core/strutil.h"
#include "store/store.h"
#include "api/ctx.h"
#include "api/json.h"
#include "api/router.h"
#include "api/sessions.h"

/* pattern segments "{x}" capture; returns true on a full match */
static bool match(const char *pattern, const char *path, struct api_req *req)
{
	static char store[API_MAX_PARAMS][40];   /* ids, and uuids (36) */
	size_t n = 0;

	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *pe = strchr(pattern, '}');
			const char *se = strchr(path, '/');
			size_t len = se ? (size_t)(se - path) : strlen(path);
			if (!pe || n >= API_MAX_PARAMS || !len ||
			    len >= sizeof(store[0]))
				return false;
			memcpy(store[n], path, len);
			store[n][len] = '\0';
			req->params[n] = store[n];
			n++;
			pattern = pe + 1;
			path += len;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	if (*pattern || *path)
		return false;
	req->nparams = n;
	return true;
}

size_t router_max_body(const char *method, const char *path)
{
	struct api_req scratch;

	for (size_t i = 0; i < api_body_caps_len; i++) {
		memset(&scratch, 0, sizeof(scratch));
		if (!strcmp(api_body_caps[i].method, method) &&
		    match(api_body_caps[i].pattern, path, &scratch))
			return api_body_caps[i].max_body;
	}
	return 0;
}

static bool path_id(const struct api_req *req, int idx, int64_t *id)
{
	char *end;
	long long v;

	*id = 0;
	if (idx < 0)
		return true;
	if ((size_t)idx >= req->nparams || !req->params[idx][0])
		return false;
	for (const char *p = req->params[idx]; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
	}
	v = strtoll(req->params[idx], &end, 10);
	if (*end || v <= 0)
		return false;
	*id = v;
	return true;
}

/* "Bearer cx_<id>_<64 hex>": valid, unexpired, unrevoked, same secret */
static bool bearer(struct api_ctx *ctx, struct api_req *req, const char *h)
{
	uint8_t digest[crypto_hash_sha256_BYTES];
	char want[65];
	struct store_token t;
	const char *sec;
	char *end;
	long long id;

	if (strncmp(h, "Bearer cx_", 10))
		return false;
	id = strtoll(h + 10, &end, 10);
	if (id <= 0 || *end != '_')
		return false;
	sec = end + 1;
	if (strlen(sec) != 64 || store_token_get_all(ctx->st, id, &t))
		return false;
	crypto_hash_sha256(digest, (const uint8_t *)sec, 64);
	hex_encode(want, sizeof(want), digest, sizeof(digest));
	if (sodium_memcmp(want, t.secret_sha256, 64) || t.revoked_at ||
	    (t.expires_at && t.expires_at <= (int64_t)time(NULL)))
		return false;

	memset(&req->who, 0, sizeof(req->who));
	req->who.role = t.tenant_id ? roles_parse(t.role) : ROLE_OPERATOR;
	req->who.tenant_id = t.tenant_id;
	req->who.token_id = t.id;
	snprintf(req->who.name, sizeof(req->who.name), "token %lld (%.100s)",
		 id, t.name);
	return req->who.role != ROLE_NONE;
}

static void identify(struct api_ctx *ctx, struct api_req *req)
{
	const char *auth = api_req_header(req, "Authorization");
	const struct api_principal *p;

	if (auth) {
		req->authenticated = bearer(ctx, req, auth);
		return;   /* a bad token is no login, whatever the cookie */
	}
	p = sessions_find(ctx->sessions,
			  api_req_cookie(req, "centrex_session"));
	if (p) {
		req->who = *p;
		req->authenticated = true;
	}
}

static bool safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

void router_dispatch(struct api_req *req, struct api_resp *resp, void *arg)
{
	struct api_ctx *ctx = arg;
	const struct api_route *rt = NULL;
	char allow[64] = "";
	int64_t tid = 0, uid = 0;
	unsigned st;

	for (size_t i = 0; i < api_routes_len; i++) {
		if (!match(api_routes[i].pattern, req->path, req))
			continue;
		if (!strcmp(api_routes[i].method, req->method)) {
			rt = &api_routes[i];
			break;
		}
		if (strlen(allow) + 8 < sizeof(allow)) {
			if (allow[0])
				strcat(allow, ", ");
			strcat(allow, api_routes[i].method);
		}
	}
	if (!rt) {
		if (allow[0]) {
			api_problem(resp, 405, NULL, "%s is not allowed here",
				    req->method);
			api_resp_header(resp, "Allow", allow);
		}
		else {
			api_problem(resp, 404, NULL, "no such resource");
		}
		return;
	}
	/* match() leaves params pointing at its buffers: keep them */
	match(rt->pattern, req->path, req);

	identify(ctx, req);
	if (req->authenticated && req->who.via_cookie &&
	    !safe_method(req->method)) {
		const char *csrf = api_req_header(req, "X-CSRF-Token");
		if (!csrf || strcmp(csrf, req->who.csrf)) {
			api_problem(resp, 403, "X-CSRF-Token", "a change made "
				    "with a session cookie needs the "
				    "X-CSRF-Token header given at login");
			return;
		}
	}

	if (!path_id(req, rt->tenant_param, &tid) ||
	    !path_id(req, rt->user_param, &uid)) {
		api_problem(resp, 404, NULL, "no such resource");
		return;
	}
	st = roles_check(req, rt->perm, tid, uid);
	/* the operator reaches every tenant: the tenant must exist */
	if (!st && tid && req->who.role == ROLE_OPERATOR) {
		struct store_tenant t;
		if (store_tenant_get(ctx->st, tid, &t) == ENOENT)
			st = 404;
	}
	if (st == 401) {
		api_problem(resp, 401, NULL, "log in first (POST "
			    "/api/v1/auth/login)");
		api_resp_header(resp, "WWW-Authenticate",
				"Cookie realm=\"centrex\"");
		return;
	}
	if (st == 404) {
		api_problem(resp, 404, NULL, "no such resource");
		return;
	}
	if (st) {
		api_problem(resp, st, NULL, "your role (%s) may not do this",
			    roles_name(req->who.role));
		return;
	}
	rt->h(ctx, req, resp);
}
