/**
 * @file users.c  A tenant's users: who they are, how they log in, their
 * extension and numbers.
 *
 * SQL written once for both backends (store_run, backend.h).  Optional
 * texts (email, extension, password hash, numbers) are NULL in the table
 * when empty, so that the unique keys leave them alone; they read back
 * as "".  An extension is one thing of the tenant: a user's or a ring
 * group's (the table keeps users unique among themselves, this file the
 * rest).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/backend.h"

#define USER_COLS "id, tenant_id, COALESCE(site_id, 0), name, " \
	"COALESCE(email, ''), role, COALESCE(extension, ''), " \
	"COALESCE(password_hash, ''), language, COALESCE(fixed_number, ''), " \
	"COALESCE(mobile_number, '')"

static void user_read(const char *const *c, struct store_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = store_col_int(c[0]);
	u->tenant_id = store_col_int(c[1]);
	u->site_id = store_col_int(c[2]);
	STORE_COL_TEXT(u->name, c[3]);
	STORE_COL_TEXT(u->email, c[4]);
	STORE_COL_TEXT(u->role, c[5]);
	STORE_COL_TEXT(u->extension, c[6]);
	STORE_COL_TEXT(u->password_hash, c[7]);
	STORE_COL_TEXT(u->language, c[8]);
	STORE_COL_TEXT(u->fixed_number, c[9]);
	STORE_COL_TEXT(u->mobile_number, c[10]);
}

STORE_ROW_HANDLERS(user, struct store_user, store_user_h, 11, user_read)

static bool group_has_extension(struct store *st, int64_t tenant_id,
				const char *extension)
{
	struct store_group g;

	return extension[0] &&
	       !store_group_find_extension(st, tenant_id, extension, &g);
}

/* $1..$9: the settable columns, in the order of the UPDATE below */
#define USER_ARGS(u, role)                                             \
	STORE_NUM((u)->site_id), STORE_TEXT((u)->name),                \
	STORE_TEXT((u)->email), STORE_TEXT(role),                      \
	STORE_TEXT((u)->extension), STORE_TEXT((u)->password_hash),    \
	STORE_TEXT((u)->language), STORE_TEXT((u)->fixed_number),      \
	STORE_TEXT((u)->mobile_number)

int store_user_create(struct store *st, int64_t tenant_id,
		      struct store_user *u)
{
	int err;

	if (tenant_id <= 0 || !u)
		return EINVAL;
	if (group_has_extension(st, tenant_id, u->extension))
		return EEXIST;
	const struct store_arg a[] = {
		USER_ARGS(u, u->role[0] ? u->role : "user"),
		STORE_NUM(tenant_id),
	};
	err = store_run_insert(st, "INSERT INTO users (site_id, name, email, "
		"role, extension, password_hash, language, fixed_number, "
		"mobile_number, tenant_id) VALUES (NULLIF(CAST($1 AS BIGINT), "
		"0), $2, NULLIF($3, ''), $4, NULLIF($5, ''), NULLIF($6, ''), $7,"
		" NULLIF($8, ''), NULLIF($9, ''), $10) RETURNING id", a,
		STORE_NARGS(a), &u->id);
	if (!err)
		u->tenant_id = tenant_id;
	return err;
}

int store_user_get(struct store *st, int64_t tenant_id, int64_t id,
		   struct store_user *u)
{
	return store_get_scoped(st, "SELECT " USER_COLS " FROM users "
		"WHERE tenant_id = $1 AND id = $2", tenant_id, id, user_one, u);
}

int store_user_list(struct store *st, int64_t tenant_id, int64_t after_id,
		    int limit, store_user_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	return store_page_scoped(st, "SELECT " USER_COLS " FROM users WHERE "
		"tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3", tenant_id,
		after_id, limit, user_each, &w);
}

int store_user_update(struct store *st, int64_t tenant_id,
		      const struct store_user *u)
{
	if (u && tenant_id > 0 &&
	    group_has_extension(st, tenant_id, u->extension))
		return EEXIST;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		USER_ARGS(u, u->role), STORE_NUM(tenant_id), STORE_NUM(u->id),
	};
	return store_run_change(st, "UPDATE users SET site_id = "
		"NULLIF(CAST($1 AS BIGINT), 0), name = $2, email = "
		"NULLIF($3, ''), role = $4, extension = NULLIF($5, ''), "
		"password_hash = NULLIF($6, ''), language = $7, fixed_number = "
		"NULLIF($8, ''), mobile_number = NULLIF($9, '') WHERE "
		"tenant_id = $10 AND id = $11", a, STORE_NARGS(a));
}

int store_user_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "users", tenant_id, id);
}

/* the ORDER BY key of a sort, from a fixed list (never from input) */
static const char *sort_key(enum store_user_sort sort)
{
	switch (sort) {
	case USER_SORT_NAME:      return "name";
	case USER_SORT_EXTENSION: return "COALESCE(extension, '')";
	default:                  return "id";
	}
}

/*
 * Filters as "($n = '' OR col = $n)" so one statement shape serves every
 * combination; the sort key comes from sort_key() only, the
 * substring function from the backend.  A page after a sort key goes on
 * after (key, id) of the last row seen.
 */
int store_user_search(struct store *st, int64_t tenant_id,
		      const struct store_user_filter *f, int64_t after_id,
		      int limit, store_user_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const char *key, *cmp, *dir, *pos;
	char sql[1400];

	if (!f || (unsigned)f->sort > USER_SORT_EXTENSION)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	key = sort_key(f->sort);
	cmp = f->desc ? "<" : ">";
	dir = f->desc ? "DESC" : "ASC";
	pos = store_sql_strpos(st);
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(f->role ? f->role : ""),
		STORE_NUM(f->site_id),
		STORE_TEXT(f->extension ? f->extension : ""),
		STORE_TEXT(f->q ? f->q : ""), STORE_NUM(after_id),
		STORE_NUM(limit), STORE_TEXT(f->after_key ? f->after_key : ""),
	};
	snprintf(sql, sizeof(sql), "SELECT " USER_COLS " FROM users WHERE "
		 "tenant_id = CAST($1 AS BIGINT) AND "
		 "(CAST($2 AS TEXT) = '' OR role = $2) AND "
		 "(CAST($3 AS BIGINT) = 0 OR site_id = CAST($3 AS BIGINT)) AND "
		 "(CAST($4 AS TEXT) = '' OR extension = $4) AND "
		 "(CAST($5 AS TEXT) = '' OR %s(lower(name), lower($5)) > 0 OR "
		 "%s(lower(COALESCE(email, '')), lower($5)) > 0) AND "
		 "(CAST($6 AS BIGINT) = 0 OR %s%s%s %s %s) "
		 "ORDER BY %s %s, id %s LIMIT CAST($7 AS BIGINT)", pos, pos,
		 f->sort == USER_SORT_ID ? "" : "(", key,
		 f->sort == USER_SORT_ID ? "" : ", id)", cmp,
		 f->sort == USER_SORT_ID ? "CAST($6 AS BIGINT)"
			: "(CAST($8 AS TEXT), CAST($6 AS BIGINT))", key, dir, dir);
	return store_run(st, sql, a, f->sort == USER_SORT_ID ? 7 : 8,
			 user_each, &w, NULL);
}

static int count_row(int n, const char *const *c, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(c[0]) : 0;
	return 0;
}

int store_user_count(struct store *st, int64_t tenant_id, int64_t *countp)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT COUNT(*) FROM users WHERE "
		"tenant_id = $1", a, 1, count_row, countp);
}

/* another user of the tenant with that extension or email (either may
   be "": not compared) */
int store_user_find_clash(struct store *st, int64_t tenant_id,
			  int64_t exclude_id, const char *extension,
			  const char *email, struct store_user *u)
{
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(exclude_id),
		STORE_TEXT(extension ? extension : ""),
		STORE_TEXT(email ? email : ""),
	};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT " USER_COLS " FROM users WHERE "
		"tenant_id = $1 AND id <> $2 AND (($3 <> '' AND extension = $3) "
		"OR ($4 <> '' AND lower(email) = lower($4))) ORDER BY id "
		"LIMIT 1", a, STORE_NARGS(a), user_one, u);
}

int store_user_find_extension(struct store *st, int64_t tenant_id,
			      const char *extension, struct store_user *u)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_TEXT(extension)};

	if (!extension || !u)
		return EINVAL;
	if (!extension[0] || tenant_id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT " USER_COLS " FROM users "
		"WHERE tenant_id = $1 AND extension = $2", a, 2, user_one, u);
}

struct email_match {
	struct store_user *u;
	int n;
};

static int email_row(int n, const char *const *c, void *arg)
{
	struct email_match *m = arg;

	if (n < 11)
		return EIO;
	if (!m->n++)
		user_read(c, m->u);
	return 0;
}

/* the first user of any tenant with that email; *matchesp: how many
   there are, up to 2 (a login by email needs exactly one) */
int store_user_find_email_all(struct store *st, const char *email,
			      struct store_user *u, int *matchesp)
{
	const struct store_arg a[] = {STORE_TEXT(email)};
	struct email_match m = {u, 0};
	int err;

	if (!email || !u)
		return EINVAL;
	err = store_run(st, "SELECT " USER_COLS " FROM users WHERE "
		"lower(email) = lower($1) ORDER BY id LIMIT 2", a, 1, email_row,
		&m, NULL);
	if (matchesp)
		*matchesp = m.n;
	return err ? err : m.n ? 0 : ENOENT;
}
