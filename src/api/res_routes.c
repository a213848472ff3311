/**
 * @file res_routes.c  /api/v1/tenants/{tenant_id}/routes: outbound routes.
 *
 * A route sends the E.164 numbers that start with its prefix out on its
 * trunks, the first trunk first and the others if it fails.  The call
 * layer tries a tenant's routes longest prefix first, so "+33" wins over
 * "+" for a French number; a prefix and a name are each used once in a
 * tenant.
 *
 * A route names 1 to 4 trunks, all of its own tenant.  An id that is not
 * one of the tenant's trunks is refused with 422 naming the element
 * (trunks[0]), in the same words whether the trunk does not exist or
 * belongs to another tenant: ids reveal nothing across tenants.  The
 * store holds the same rule in its foreign keys.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/store.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/resource.h"

enum { MAX_TRUNKS = 4 };

static const struct str_rule name_rule = {1, 63, NULL};
static const struct str_rule prefix_rule = {1, 16, "+0123456789"};

static const char *const fields[] = {"name", "prefix", "trunks", NULL};

static json_t *route_json(const void *obj)
{
	const struct store_route *r = obj;
	json_t *o = json_pack("{s:I, s:s, s:s, s:[]}", "id", (json_int_t)r->id,
			      "name", r->name, "prefix", r->prefix, "trunks");
	json_t *a = json_object_get(o, "trunks");

	for (size_t i = 0; i < r->trunkc; i++)
		json_array_append_new(a, json_integer(r->trunk_ids[i]));
	return o;
}

/* "+" then up to 15 digits: "+" alone matches every number */
static bool prefix_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 16 && s[0] == '+' &&
	       strspn(s + 1, "0123456789") == n - 1;
}

static bool read_trunks(struct api_ctx *ctx, json_t *o, int64_t tid,
			struct store_route *r, struct api_resp *resp)
{
	json_t *v = json_object_get(o, "trunks"), *e;
	struct store_route n = *r;
	size_t i;

	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v) || json_array_size(v) < 1 ||
	    json_array_size(v) > MAX_TRUNKS) {
		api_problem(resp, 400, "trunks", "trunks must be an array of "
			    "1 to %d trunk ids, the first tried first",
			    MAX_TRUNKS);
		return false;
	}
	n.trunkc = 0;
	json_array_foreach(v, i, e) {
		struct store_trunk t;
		char field[40];
		int64_t id;
		int err;

		snprintf(field, sizeof(field), "trunks[%zu]", i);
		if (!json_is_integer(e) || json_integer_value(e) <= 0) {
			api_problem(resp, 400, field, "%s must be a positive "
				    "integer id", field);
			return false;
		}
		id = json_integer_value(e);
		for (size_t k = 0; k < n.trunkc; k++) {
			if (n.trunk_ids[k] == id) {
				api_problem(resp, 400, field, "%s repeats "
					    "trunk %lld", field, (long long)id);
				return false;
			}
		}
		err = store_trunk_get(ctx->st, tid, id, &t);
		memset(t.password, 0, sizeof(t.password));
		if (err == ENOENT) {
			api_problem(resp, 422, field, "%s: there is no "
				    "trunk %lld in this tenant", field,
				    (long long)id);
			return false;
		}
		if (err) {
			api_store_error(resp, err);
			return false;
		}
		n.trunk_ids[n.trunkc++] = id;
	}
	*r = n;
	return true;
}

static bool read_route(struct api_ctx *ctx, int64_t tid, json_t *o,
		       void *obj, bool create, struct api_resp *resp)
{
	struct store_route *r = obj;

	if (!api_get_str(o, "name", create, &name_rule, r->name,
			 sizeof(r->name), resp) ||
	    !api_get_str(o, "prefix", create, &prefix_rule, r->prefix,
			 sizeof(r->prefix), resp))
		return false;
	if (!prefix_ok(r->prefix)) {
		api_problem(resp, 400, "prefix", "prefix must be + then 0 to "
			    "15 digits, e.g. +33 (+ alone: every number)");
		return false;
	}
	if (create && (!json_object_get(o, "trunks") ||
		       json_is_null(json_object_get(o, "trunks")))) {
		api_problem(resp, 400, "trunks", "trunks is required");
		return false;
	}
	return read_trunks(ctx, o, tid, r, resp);
}

struct clash {
	const struct store_route *r;
	const char *field;
};

static int find_clash(const struct store_route *o, void *arg)
{
	struct clash *c = arg;

	if (o->id == c->r->id)
		return 0;
	if (!strcmp(o->name, c->r->name))
		c->field = "name";
	else if (!strcmp(o->prefix, c->r->prefix))
		c->field = "prefix";
	return c->field ? 1 : 0;
}

/* EEXIST from the store: say which field another route holds */
static void conflict(struct api_ctx *ctx, int64_t tid,
		     const struct store_route *r, struct api_resp *resp)
{
	struct clash c = {r, NULL};

	(void)store_route_foreach(ctx->st, tid, find_clash, &c);
	if (c.field && !strcmp(c.field, "prefix"))
		api_problem(resp, 409, "prefix", "another route already has "
			    "prefix %s", r->prefix);
	else if (c.field)
		api_problem(resp, 409, "name", "a route named %s already "
			    "exists", r->name);
	else
		api_problem(resp, 409, "trunks", "a trunk of the route is "
			    "gone: read the trunks again");
}

API_RES_LIST_FN(route, struct store_route, store_route_list, route_json)

API_RES_STORE_FN(route, struct store_route, store_route_get,
		 store_route_create, store_route_update,
		 store_route_delete)

static void route_failed(struct api_ctx *ctx, int64_t tid, enum api_res_op op,
			 void *obj, int err, struct api_resp *resp)
{
	struct store_route *r = obj;

	if (err == EEXIST && op == API_RES_CREATE)
		r->id = 0;   /* no route of its own to skip in the clash */
	if (err == EEXIST && op != API_RES_DELETE)
		conflict(ctx, tid, r, resp);
	else if (op == API_RES_CREATE)
		api_res_cannot(resp, op, err, "route");
	else
		api_store_error(resp, err);
}

static const struct api_resource route_res = {
	.collection = "routes",
	.size = sizeof(struct store_route),
	.id_off = offsetof(struct store_route, id),
	.create_fields = fields,
	.update_fields = fields,
	.to_json = route_json,
	.read = read_route,
	.store = route_store,
	.list = route_list,
	.failed = route_failed,
};

API_RES_HANDLERS(routes, route_res)
