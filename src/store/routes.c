/**
 * @file routes.c  A tenant's outbound routes: a prefix of E.164 numbers
 * and the 1 to 4 trunks that carry them, first first.
 *
 * SQL written once for both backends (store_run, backend.h).  A route
 * and its trunks are written in one transaction (or a savepoint of the
 * caller's).  Routes are read joined with their trunks, one row per
 * trunk in position order, the rows of a route next to each other, and
 * folded back into one struct store_route per route.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

/* columns: r.id, r.tenant_id, r.name, r.prefix, rt.trunk_id */
#define ROUTE_SELECT "SELECT r.id, r.tenant_id, r.name, r.prefix, " \
	"rt.trunk_id FROM "
#define ROUTE_JOIN " LEFT JOIN route_trunks rt ON rt.route_id = r.id "

struct route_fold {
	struct store_route r;      /**< the route being read, id 0: none */
	store_route_h *h;
	void *arg;
};

static int route_row(int n, const char *const *c, void *arg)
{
	struct route_fold *f = arg;
	int64_t id, trunk;
	int err;

	if (n < 5)
		return EIO;
	id = store_col_int(c[0]);
	if (id != f->r.id) {
		if (f->r.id && (err = f->h(&f->r, f->arg)))
			return err;
		memset(&f->r, 0, sizeof(f->r));
		f->r.id = id;
		f->r.tenant_id = store_col_int(c[1]);
		STORE_COL_TEXT(f->r.name, c[2]);
		STORE_COL_TEXT(f->r.prefix, c[3]);
	}
	trunk = store_col_int(c[4]);    /* "" (NULL): a route without any */
	if (trunk > 0 &&
	    f->r.trunkc < sizeof(f->r.trunk_ids) / sizeof(f->r.trunk_ids[0]))
		f->r.trunk_ids[f->r.trunkc++] = trunk;
	return 0;
}

static int route_walk(struct store *st, const char *sql,
		      const struct store_arg *a, int nargs, store_route_h *h,
		      void *arg)
{
	struct route_fold f = {.h = h, .arg = arg};
	int err = store_run(st, sql, a, nargs, route_row, &f, NULL);

	return !err && f.r.id ? h(&f.r, arg) : err;
}

static int copy_route(const struct store_route *r, void *arg)
{
	*(struct store_route *)arg = *r;
	return 0;
}

static bool route_ok(const struct store_route *r)
{
	if (!r || !r->name[0] || r->prefix[0] != '+' || r->trunkc < 1 ||
	    r->trunkc > sizeof(r->trunk_ids) / sizeof(r->trunk_ids[0]))
		return false;
	for (size_t i = 0; i < r->trunkc; i++) {
		if (r->trunk_ids[i] <= 0)
			return false;
	}
	return true;
}

int store_route_get(struct store *st, int64_t tenant_id, int64_t id,
		    struct store_route *r)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};
	int err;

	if (!r)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	r->id = 0;
	err = route_walk(st, ROUTE_SELECT "routes r" ROUTE_JOIN "WHERE "
		"r.tenant_id = $1 AND r.id = $2 ORDER BY rt.position", a, 2,
		copy_route, r);
	return err ? err : r->id ? 0 : ENOENT;
}

int store_route_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_route_h *h, void *arg)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(after_id),
				      STORE_NUM(limit)};

	if (!h || limit <= 0)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return route_walk(st, ROUTE_SELECT "(SELECT id, tenant_id, name, "
		"prefix FROM routes WHERE tenant_id = $1 AND id > $2 ORDER BY "
		"id LIMIT $3) r" ROUTE_JOIN "ORDER BY r.id, rt.position", a, 3,
		h, arg);
}

/* longest prefix first: the order the call layer tries them in */
int store_route_foreach(struct store *st, int64_t tenant_id,
			store_route_h *h, void *arg)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (!h)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return route_walk(st, ROUTE_SELECT "routes r" ROUTE_JOIN "WHERE "
		"r.tenant_id = $1 ORDER BY length(r.prefix) DESC, r.prefix, "
		"r.id, rt.position", a, 1, h, arg);
}

static int id_row(int n, const char *const *c, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(c[0]) : 0;
	return 0;
}

/* the first route that uses the trunk; ENOENT when none does */
int store_route_find_trunk(struct store *st, int64_t tenant_id,
			   int64_t trunk_id, struct store_route *r)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_NUM(trunk_id)};
	int64_t id = 0;
	int err;

	if (!r)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	err = store_run_one(st, "SELECT COALESCE(MIN(route_id), 0) FROM "
		"route_trunks WHERE tenant_id = $1 AND trunk_id = $2", a, 2,
		id_row, &id);
	if (err)
		return err;
	return id ? store_route_get(st, tenant_id, id, r) : ENOENT;
}

static int route_trunks_put(struct store *st, int64_t tenant_id,
			    const struct store_route *r)
{
	int err = 0;

	for (size_t i = 0; !err && i < r->trunkc; i++) {
		const struct store_arg a[] = {
			STORE_NUM(tenant_id), STORE_NUM(r->id),
			STORE_NUM((int64_t)i), STORE_NUM(r->trunk_ids[i]),
		};
		err = store_run(st, "INSERT INTO route_trunks (tenant_id, "
			"route_id, position, trunk_id) VALUES ($1, $2, $3, $4)",
			a, 4, NULL, NULL, NULL);
	}
	return err;
}

/* EINVAL for a route that may not be stored, ENOENT for no tenant */
static int route_writable(int64_t tenant_id, const struct store_route *r)
{
	if (!route_ok(r))
		return EINVAL;
	return tenant_id > 0 ? 0 : ENOENT;
}

int store_route_create(struct store *st, int64_t tenant_id,
		       struct store_route *r)
{
	bool outer;
	int err = route_writable(tenant_id, r);

	if (err)
		return err;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(r->name), STORE_TEXT(r->prefix),
		STORE_NUM((int64_t)time(NULL)),
	};
	err = store_tx_begin(st, &outer);
	if (!err)
		err = store_run_insert(st, "INSERT INTO routes (tenant_id, name,"
			" prefix, created_at) VALUES ($1, $2, $3, $4) "
			"RETURNING id", a, 4, &r->id);
	if (!err)
		err = route_trunks_put(st, tenant_id, r);
	r->tenant_id = tenant_id;
	return store_tx_end(st, outer, err);
}

int store_route_update(struct store *st, int64_t tenant_id,
		       const struct store_route *r)
{
	bool outer;
	int err = route_writable(tenant_id, r);

	if (err)
		return err;
	const struct store_arg a[] = {
		STORE_TEXT(r->name), STORE_TEXT(r->prefix),
		STORE_NUM(tenant_id), STORE_NUM(r->id),
	};
	err = store_tx_begin(st, &outer);
	if (!err)
		err = store_run_change(st, "UPDATE routes SET name = $1, "
			"prefix = $2 WHERE tenant_id = $3 AND id = $4", a, 4);
	if (!err)
		err = store_run(st, "DELETE FROM route_trunks WHERE "
			"tenant_id = $1 AND route_id = $2", a + 2, 2, NULL,
			NULL, NULL);
	if (!err)
		err = route_trunks_put(st, tenant_id, r);
	return store_tx_end(st, outer, err);
}

int store_route_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "routes", tenant_id, id);
}
