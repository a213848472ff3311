/**
 * @file resource.c  The five verbs of a plain tenant resource, once
 * (resource.h).
 *
 * The store struct lives on the heap for the length of a request: its
 * size is the resource's, and some are several kilobytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/audit.h"
#include "api/ctx.h"
#include "api/json.h"
#include "api/resource.h"

static int64_t *id_of(const struct api_resource *r, void *obj)
{
	return (int64_t *)((char *)obj + r->id_off);
}

static void *obj_new(const struct api_resource *r, struct api_resp *resp)
{
	void *obj = calloc(1, r->size);

	if (!obj)
		api_problem(resp, 503, NULL, "out of memory");
	return obj;
}

void api_res_list(const struct api_resource *r, struct api_ctx *ctx,
		  struct api_req *req, struct api_resp *resp)
{
	int64_t tid, after;
	json_t *items;
	int limit;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	int err = r->list(ctx->st, tid, after, limit, items);
	api_list_done(resp, err, items, limit);
}

bool api_res_load(const struct api_resource *r, struct api_ctx *ctx,
		  const struct api_req *req, struct api_resp *resp,
		  int64_t *tid, void *obj)
{
	int64_t id;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &id, resp))
		return false;
	*id_of(r, obj) = id;
	err = r->store(ctx->st, API_RES_GET, *tid, obj);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void api_res_done(struct api_ctx *ctx, const struct api_req *req,
		  struct api_resp *resp, const char *collection,
		  int64_t tid, int64_t id, const char *action, json_t *before,
		  json_t *after)
{
	char res[64], loc[128];

	snprintf(res, sizeof(res), "%s/%lld", collection, (long long)id);
	audit_record(ctx, req, tid, action, res, before, after);
	if (!after) {
		resp->status = 204;
	} else if (!strcmp(action, "create")) {
		snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/%s/%lld",
			 (long long)tid, collection, (long long)id);
		api_json_etag(resp, 201, after);
		api_resp_header(resp, "Location", loc);
	} else {
		api_json_etag(resp, 200, after);
	}
}

void api_res_cannot(struct api_resp *resp, enum api_res_op op, int err,
		    const char *what)
{
	static const char *const verbs[] = {
		[API_RES_GET] = "read", [API_RES_CREATE] = "create",
		[API_RES_UPDATE] = "update", [API_RES_DELETE] = "delete",
	};

	api_problem(resp, op == API_RES_CREATE && err == ENOENT ? 404 : 503,
		    NULL, "cannot %s the %s", verbs[op], what);
}

static void failed(const struct api_resource *r, struct api_ctx *ctx,
		   int64_t tid, enum api_res_op op, void *obj, int err,
		   struct api_resp *resp)
{
	if (r->failed)
		r->failed(ctx, tid, op, obj, err, resp);
	else
		api_store_error(resp, err);
}

void api_res_create(const struct api_resource *r, struct api_ctx *ctx,
		    struct api_req *req, struct api_resp *resp)
{
	void *obj = NULL;
	json_t *o;
	int64_t tid;
	bool ok;
	int err;

	if (!api_path_id(req, 0, &tid, resp) || !(obj = obj_new(r, resp)))
		return;
	if ((r->init && !r->init(ctx, tid, obj, resp)) ||
	    !(o = api_body(req, resp, r->create_fields)))
		goto out;
	ok = r->read(ctx, tid, o, obj, true, resp);
	json_decref(o);
	if (!ok)
		goto out;
	err = r->store(ctx->st, API_RES_CREATE, tid, obj);
	if (err) {
		failed(r, ctx, tid, API_RES_CREATE, obj, err, resp);
		goto out;
	}
	api_res_done(ctx, req, resp, r->collection, tid, *id_of(r, obj),
		     "create", NULL, r->to_json(obj));
out:
	free(obj);
}

void api_res_get(const struct api_resource *r, struct api_ctx *ctx,
		 struct api_req *req, struct api_resp *resp)
{
	void *obj = obj_new(r, resp);
	int64_t tid;

	if (obj && api_res_load(r, ctx, req, resp, &tid, obj))
		api_json_etag(resp, 200, r->to_json(obj));
	free(obj);
}

void api_res_update(const struct api_resource *r, struct api_ctx *ctx,
		    struct api_req *req, struct api_resp *resp)
{
	void *obj = obj_new(r, resp);
	json_t *o, *before = NULL;
	int64_t tid;
	bool ok;
	int err;

	if (!obj || !api_res_load(r, ctx, req, resp, &tid, obj))
		goto out;
	before = r->to_json(obj);
	if (!api_if_match(req, resp, before) ||
	    !(o = api_body(req, resp, r->update_fields)))
		goto out;
	ok = r->read(ctx, tid, o, obj, false, resp);
	json_decref(o);
	if (!ok)
		goto out;
	err = r->store(ctx->st, API_RES_UPDATE, tid, obj);
	if (err) {
		failed(r, ctx, tid, API_RES_UPDATE, obj, err, resp);
		goto out;
	}
	api_res_done(ctx, req, resp, r->collection, tid, *id_of(r, obj),
		     "update", before, r->to_json(obj));
out:
	json_decref(before);
	free(obj);
}

void api_res_delete(const struct api_resource *r, struct api_ctx *ctx,
		    struct api_req *req, struct api_resp *resp)
{
	void *obj = obj_new(r, resp);
	json_t *before = NULL;
	int64_t tid;
	int err;

	if (!obj || !api_res_load(r, ctx, req, resp, &tid, obj))
		goto out;
	before = r->to_json(obj);
	if (!api_if_match(req, resp, before))
		goto out;
	err = r->store(ctx->st, API_RES_DELETE, tid, obj);
	if (err) {
		failed(r, ctx, tid, API_RES_DELETE, obj, err, resp);
		goto out;
	}
	api_res_done(ctx, req, resp, r->collection, tid, *id_of(r, obj),
		     "delete", before, NULL);
out:
	json_decref(before);
	free(obj);
}
