/**
 * @file router.h  Routes: method + path pattern -> permission -> handler.
 *
 * The table in routes.c is the single description of the API: the
 * router dispatches from it and openapi.c generates the OpenAPI document
 * from it, so the two cannot drift apart.
 */
#ifndef CENTREX_API_ROUTER_H
#define CENTREX_API_ROUTER_H

#include "api/api.h"
#include "api/roles.h"

struct api_ctx;

enum { API_PROMPT_MAX_BYTES = 10 * 1024 * 1024 };   /**< upload cap */

typedef void (api_handler_h)(struct api_ctx *ctx, struct api_req *req,
			     struct api_resp *resp);

struct api_route {
	const char *method;
	const char *pattern;       /**< "/api/v1/tenants/{tenant_id}/..." */
	enum api_perm perm;
	int tenant_param;          /**< index of {tenant_id}, -1 = none */
	int user_param;            /**< index of {user_id}, -1 = none */
	api_handler_h *h;
	const char *summary;
	const char *tag;
	const char *body;          /**< request schema name, NULL = none */
	const char *result;        /**< response schema name, NULL = none */
};

/** A route whose body may exceed http.max_body_bytes (an upload). */
struct api_body_cap {
	const char *method;
	const char *pattern;
	size_t max_body;           /**< bytes */
};

extern const struct api_route api_routes[];
extern const size_t api_routes_len;
extern const struct api_body_cap api_body_caps[];
extern const size_t api_body_caps_len;

void router_dispatch(struct api_req *req, struct api_resp *resp, void *arg);
/* the body cap of the route a request goes to (0: the server's) */
size_t router_max_body(const char *method, const char *path);

#endif
