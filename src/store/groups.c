/**
 * @file groups.c  Ring (hunt) groups and their members.
 *
 * SQL written once for both backends (store_run, backend.h).  A group's
 * extension is NULL in the table when it has none, so that several
 * groups without one do not clash on (tenant_id, extension).  Members
 * carry the tenant in both keys: a group can only hold users of its own
 * tenant, whatever the code above does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

#define GROUP_COLS "id, tenant_id, name, COALESCE(extension, ''), " \
	"strategy, member_timeout_s, group_timeout_s, fallback, rr_cursor"

static void group_read(const char *const *c, struct store_group *g)
{
	memset(g, 0, sizeof(*g));
	g->id = store_col_int(c[0]);
	g->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(g->name, c[2]);
	STORE_COL_TEXT(g->extension, c[3]);
	STORE_COL_TEXT(g->strategy, c[4]);
	g->member_timeout_s = (int)store_col_int(c[5]);
	g->group_timeout_s = (int)store_col_int(c[6]);
	STORE_COL_TEXT(g->fallback, c[7]);
	g->rr_cursor = (int)store_col_int(c[8]);
}

static int group_one(int n, const char *const *c, void *arg)
{
	if (n < 9)
		return EIO;
	group_read(c, arg);
	return 0;
}

struct group_walk {
	store_group_h *h;
	void *arg;
};

static int group_each(int n, const char *const *c, void *arg)
{
	struct group_walk *w = arg;
	struct store_group g;

	if (n < 9)
		return EIO;
	group_read(c, &g);
	return w->h(&g, w->arg);
}

static bool group_ok(const struct store_group *g)
{
	return g && g->name[0] && g->strategy[0] &&
	       g->member_timeout_s >= 0 && g->group_timeout_s >= 0;
}

int store_group_create(struct store *st, int64_t tenant_id,
		       struct store_group *g)
{
	int err;

	if (!group_ok(g))
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(g->name),
		STORE_TEXT(g->extension), STORE_TEXT(g->strategy),
		STORE_NUM(g->member_timeout_s), STORE_NUM(g->group_timeout_s),
		STORE_TEXT(g->fallback), STORE_NUM((int64_t)time(NULL)),
	};
	err = store_run_insert(st, "INSERT INTO ring_groups (tenant_id, name, "
		"extension, strategy, member_timeout_s, group_timeout_s, "
		"fallback, created_at) VALUES ($1, $2, NULLIF($3, ''), $4, $5, "
		"$6, $7, $8) RETURNING id", a, STORE_NARGS(a), &g->id);
	if (!err) {
		g->tenant_id = tenant_id;
		g->rr_cursor = 0;
	}
	return err;
}

int store_group_get(struct store *st, int64_t tenant_id, int64_t id,
		    struct store_group *g)
{
	if (!g)
		return EINVAL;
	return store_get_scoped(st, "SELECT " GROUP_COLS " FROM ring_groups "
		"WHERE tenant_id = $1 AND id = $2", tenant_id, id, group_one, g);
}

int store_group_find_extension(struct store *st, int64_t tenant_id,
			       const char *extension, struct store_group *g)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_TEXT(extension)};

	if (!g || !extension)
		return EINVAL;
	if (tenant_id <= 0 || !extension[0])
		return ENOENT;
	return store_run_one(st, "SELECT " GROUP_COLS " FROM ring_groups "
		"WHERE tenant_id = $1 AND extension = $2", a, 2, group_one, g);
}

int store_group_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_group_h *h, void *arg)
{
	struct group_walk w = {h, arg};

	if (!h || limit <= 0)
		return EINVAL;
	return store_page_scoped(st, "SELECT " GROUP_COLS " FROM ring_groups "
		"WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		tenant_id, after_id, limit, group_each, &w);
}

int store_group_update(struct store *st, int64_t tenant_id,
		       const struct store_group *g)
{
	if (!group_ok(g))
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(g->id), STORE_TEXT(g->name),
		STORE_TEXT(g->extension), STORE_TEXT(g->strategy),
		STORE_NUM(g->member_timeout_s), STORE_NUM(g->group_timeout_s),
		STORE_TEXT(g->fallback),
	};
	return store_run_change(st, "UPDATE ring_groups SET name = $3, "
		"extension = NULLIF($4, ''), strategy = $5, "
		"member_timeout_s = $6, group_timeout_s = $7, fallback = $8 "
		"WHERE tenant_id = $1 AND id = $2", a,
		STORE_NARGS(a));
}

int store_group_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "ring_groups", tenant_id, id);
}

int store_group_set_cursor(struct store *st, int64_t tenant_id,
			   int64_t group_id, int position)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(group_id),
				      STORE_NUM(position)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_change(st, "UPDATE ring_groups SET rr_cursor = $3 WHERE "
			  "tenant_id = $1 AND id = $2", a, 3);
}

/* ---- members ---------------------------------------------------------- */

#define MEMBER_SELECT "SELECT m.tenant_id, m.group_id, m.user_id, " \
	"m.position, m.logged_in, m.last_answer_ms, " \
	"COALESCE(u.extension, ''), u.name FROM ring_group_members m " \
	"JOIN users u ON u.id = m.user_id "
#define MEMBER_ORDER " ORDER BY m.position, m.user_id"

static void member_read(const char *const *c, struct store_group_member *m)
{
	memset(m, 0, sizeof(*m));
	m->tenant_id = store_col_int(c[0]);
	m->group_id = store_col_int(c[1]);
	m->user_id = store_col_int(c[2]);
	m->position = (int)store_col_int(c[3]);
	m->logged_in = store_col_int(c[4]) != 0;
	m->last_answer_ms = store_col_int(c[5]);
	STORE_COL_TEXT(m->extension, c[6]);
	STORE_COL_TEXT(m->name, c[7]);
}

static int member_one(int n, const char *const *c, void *arg)
{
	if (n < 8)
		return EIO;
	member_read(c, arg);
	return 0;
}

struct member_walk {
	store_member_h *h;
	void *arg;
};

static int member_each(int n, const char *const *c, void *arg)
{
	struct member_walk *w = arg;
	struct store_group_member m;

	if (n < 8)
		return EIO;
	member_read(c, &m);
	return w->h(&m, w->arg);
}

int store_group_member_put(struct store *st, int64_t tenant_id,
			   struct store_group_member *m)
{
	int err;

	if (!m || m->position < 0)
		return EINVAL;
	if (tenant_id <= 0 || m->group_id <= 0 || m->user_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(m->group_id),
		STORE_NUM(m->user_id), STORE_NUM(m->position),
		STORE_NUM(m->logged_in),
	};
	/* nothing to insert when the group or the user is not the
	   tenant's: ENOENT rather than a key violation */
	err = store_run_change(st, "INSERT INTO ring_group_members ("
		"tenant_id, group_id, user_id, position, logged_in) "
		"SELECT g.tenant_id, g.id, u.id, CAST($4 AS INTEGER), "
		"CAST($5 AS INTEGER) FROM ring_groups g JOIN users u ON "
		"u.tenant_id = g.tenant_id WHERE g.tenant_id = $1 AND "
		"g.id = $2 AND u.id = $3 "
		"ON CONFLICT (group_id, user_id) DO UPDATE SET "
		"position = excluded.position, logged_in = excluded.logged_in",
		a, STORE_NARGS(a));
	if (!err)
		m->tenant_id = tenant_id;
	return err;
}

int store_group_member_get(struct store *st, int64_t tenant_id,
			   int64_t group_id, int64_t user_id,
			   struct store_group_member *m)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(group_id),
				      STORE_NUM(user_id)};

	if (!m)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return store_run_one(st, MEMBER_SELECT "WHERE m.tenant_id = $1 AND "
		"m.group_id = $2 AND m.user_id = $3", a, 3, member_one, m);
}

int store_group_member_delete(struct store *st, int64_t tenant_id,
			      int64_t group_id, int64_t user_id)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(group_id),
				      STORE_NUM(user_id)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_change(st, "DELETE FROM ring_group_members WHERE "
		"tenant_id = $1 AND group_id = $2 AND user_id = $3", a, 3);
}

static int member_walk(struct store *st, int64_t tenant_id,
		       int64_t group_id, bool ready_only, store_member_h *h,
		       void *arg)
{
	struct member_walk w = {h, arg};
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(group_id)};

	if (!h)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return store_run(st, ready_only
		? MEMBER_SELECT "WHERE m.tenant_id = $1 AND m.group_id = $2 "
		  "AND m.logged_in = 1" MEMBER_ORDER
		: MEMBER_SELECT "WHERE m.tenant_id = $1 AND m.group_id = $2"
		  MEMBER_ORDER, a, 2, member_each, &w, NULL);
}

int store_group_member_list(struct store *st, int64_t tenant_id,
			    int64_t group_id, store_member_h *h, void *arg)
{
	return member_walk(st, tenant_id, group_id, false, h, arg);
}

int store_group_member_ready(struct store *st, int64_t tenant_id,
			     int64_t group_id, store_member_h *h, void *arg)
{
	return member_walk(st, tenant_id, group_id, true, h, arg);
}

int store_group_member_answered(struct store *st, int64_t tenant_id,
				int64_t group_id, int64_t user_id,
				int64_t at_ms)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(group_id),
				      STORE_NUM(user_id), STORE_NUM(at_ms)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_change(st, "UPDATE ring_group_members SET "
		"last_answer_ms = $4 WHERE tenant_id = $1 AND group_id = $2 "
		"AND user_id = $3", a, 4);
}

int store_group_member_login(struct store *st, int64_t tenant_id,
			     int64_t group_id, int64_t user_id,
			     bool logged_in)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(group_id),
				      STORE_NUM(user_id), STORE_NUM(logged_in)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_change(st, "UPDATE ring_group_members SET logged_in = $4 "
		"WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3",
		a, 4);
}
