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

extern const struct api_route api_routes[];
extern const size_t api_routes_len;

void router_dispatch(struct api_req *req, struct api_resp *resp, void *arg);

#endif
