/**
 * @file trunks.c  A tenant's SIP trunks to carriers (registration,
 * credentials, the addresses calls may come from, channel limit).
 *
 * SQL written once for both backends (store_run, backend.h).  A trunk
 * that a route still uses cannot go: the deferred key of route_trunks
 * refuses the delete (EEXIST).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

#define TRUNK_COLS "id, tenant_id, name, kind, proxy, transport, " \
	"username, password, from_domain, inbound_addrs, max_channels, " \
	"register_expires, enabled"

static void trunk_read(const char *const *c, struct store_trunk *t)
{
	memset(t, 0, sizeof(*t));
	t->id = store_col_int(c[0]);
	t->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(t->name, c[2]);
	STORE_COL_TEXT(t->kind, c[3]);
	STORE_COL_TEXT(t->proxy, c[4]);
	STORE_COL_TEXT(t->transport, c[5]);
	STORE_COL_TEXT(t->username, c[6]);
	STORE_COL_TEXT(t->password, c[7]);
	STORE_COL_TEXT(t->from_domain, c[8]);
	STORE_COL_TEXT(t->inbound_addrs, c[9]);
	t->max_channels = (int)store_col_int(c[10]);
	t->register_expires = (int)store_col_int(c[11]);
	t->enabled = store_col_int(c[12]) != 0;
}

STORE_ROW_HANDLERS(trunk, struct store_trunk, store_trunk_h, 13, trunk_read)

static bool trunk_ok(const struct store_trunk *t)
{
	return t && t->name[0] && t->kind[0] && t->proxy[0];
}

/* $1..$11: the settable columns, in TRUNK_COLS order; $12 tenant, $13
   created_at or id */
#define TRUNK_ARGS(t, tenant_id, last)                                \
	STORE_TEXT((t)->name), STORE_TEXT((t)->kind),                 \
	STORE_TEXT((t)->proxy),                                       \
	STORE_TEXT((t)->transport[0] ? (t)->transport : "udp"),       \
	STORE_TEXT((t)->username), STORE_TEXT((t)->password),         \
	STORE_TEXT((t)->from_domain), STORE_TEXT((t)->inbound_addrs), \
	STORE_NUM((t)->max_channels), STORE_NUM((t)->register_expires), \
	STORE_NUM((t)->enabled ? 1 : 0), STORE_NUM(tenant_id),        \
	STORE_NUM(last)

int store_trunk_create(struct store *st, int64_t tenant_id,
		       struct store_trunk *t)
{
	int err;

	if (!trunk_ok(t))
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		TRUNK_ARGS(t, tenant_id, (int64_t)time(NULL)),
	};
	err = store_run_insert(st, "INSERT INTO trunks (name, kind, proxy, "
		"transport, username, password, from_domain, inbound_addrs, "
		"max_channels, register_expires, enabled, tenant_id, "
		"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
		"$11, $12, $13) RETURNING id", a, STORE_NARGS(a), &t->id);
	if (!err)
		t->tenant_id = tenant_id;
	return err;
}

int store_trunk_get(struct store *st, int64_t tenant_id, int64_t id,
		    struct store_trunk *t)
{
	if (!t)
		return EINVAL;
	return store_get_scoped(st, "SELECT " TRUNK_COLS " FROM trunks WHERE "
		"tenant_id = $1 AND id = $2",
		tenant_id, id, trunk_one, t);
}

int store_trunk_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_trunk_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	if (!h || limit <= 0)
		return EINVAL;
	return store_page_scoped(st, "SELECT " TRUNK_COLS " FROM trunks WHERE "
		"tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		tenant_id, after_id, limit, trunk_each, &w);
}

int store_trunk_update(struct store *st, int64_t tenant_id,
		       const struct store_trunk *t)
{
	if (!trunk_ok(t))
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {TRUNK_ARGS(t, tenant_id, t->id)};
	return store_run_change(st, "UPDATE trunks SET name = $1, kind = $2, "
		"proxy = $3, transport = $4, username = $5, password = $6, "
		"from_domain = $7, inbound_addrs = $8, max_channels = $9, "
		"register_expires = $10, enabled = $11 WHERE tenant_id = $12 "
		"AND id = $13", a, STORE_NARGS(a));
}

int store_trunk_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "trunks", tenant_id, id);
}

/* tenant_id 0: every tenant's trunks */
static int trunk_walk(struct store *st, int64_t tenant_id,
		      store_trunk_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (!h)
		return EINVAL;
	return store_run(st, "SELECT " TRUNK_COLS " FROM trunks WHERE "
		"(CAST($1 AS BIGINT) = 0 OR tenant_id = $1) "
		"ORDER BY tenant_id, id", a, 1, trunk_each, &w, NULL);
}

int store_trunk_foreach(struct store *st, int64_t tenant_id,
			store_trunk_h *h, void *arg)
{
	if (h && tenant_id <= 0)
		return ENOENT;
	return trunk_walk(st, tenant_id, h, arg);
}

int store_trunk_foreach_all(struct store *st, store_trunk_h *h, void *arg)
{
	return trunk_walk(st, 0, h, arg);
}
