/**
 * @file res_audit.c  Reading the audit log (there is no way to edit it).
 */
#include <errno.h>
#include <stdio.h>
#include "store/store.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"

static json_t *parse_or_null(const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	return j ? j : json_null();
}

static int add_entry(const struct store_audit *a, void *arg)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}",
			      "id", (json_int_t)a->id,
			      "at_ms", (json_int_t)a->at_ms,
			      "actor", a->actor, "remote", a->remote,
			      "action", a->action, "resource", a->resource);
	json_object_set_new(o, "tenant_id", a->tenant_id
			    ? json_integer(a->tenant_id) : json_null());
	json_object_set_new(o, "before", parse_or_null(a->before_json));
	json_object_set_new(o, "after", parse_or_null(a->after_json));
	json_array_append_new(arg, o);
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
	int err = store_audit_list(ctx->st, tid, after, limit, add_entry,
		items);
	api_list_done(resp, err, items, limit);
}

void audit_list_tenant(struct api_ctx *ctx, struct api_req *req,
		       struct api_resp *resp)
{
	int64_t tid;

	if (api_path_id(req, 0, &tid, resp))
		list(ctx, req, resp, tid);
}

void audit_list_all(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	list(ctx, req, resp, 0);
}
