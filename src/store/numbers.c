/**
 * @file numbers.c  A tenant's public numbers (E.164) and where each
 * leads: a user, a ring group, a voicemail box, ... or nowhere.
 *
 * SQL written once for both backends (store_run, backend.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

#define NUMBER_COLS "id, tenant_id, e164, target_type, target_id, label"

static void number_read(const char *const *c, struct store_number *n)
{
	memset(n, 0, sizeof(*n));
	n->id = store_col_int(c[0]);
	n->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(n->e164, c[2]);
	STORE_COL_TEXT(n->target_type, c[3]);
	n->target_id = store_col_int(c[4]);
	STORE_COL_TEXT(n->label, c[5]);
}

STORE_ROW_HANDLERS(number, struct store_number, store_number_h, 6,
		   number_read)

int store_number_create(struct store *st, int64_t tenant_id,
			struct store_number *n)
{
	int err;

	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(n->e164),
		STORE_TEXT(n->target_type), STORE_NUM(n->target_id),
		STORE_TEXT(n->label), STORE_NUM((int64_t)time(NULL)),
	};
	err = store_run_insert(st, "INSERT INTO numbers (tenant_id, e164, "
		"target_type, target_id, label, created_at) VALUES ($1, $2, "
		"$3, $4, $5, $6) RETURNING id", a, STORE_NARGS(a), &n->id);
	if (!err)
		n->tenant_id = tenant_id;
	return err;
}

int store_number_get(struct store *st, int64_t tenant_id, int64_t id,
		     struct store_number *n)
{
	return store_get_scoped(st, "SELECT " NUMBER_COLS " FROM numbers "
		"WHERE tenant_id = $1 AND id = $2",
		tenant_id, id, number_one, n);
}

int store_number_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_number_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	return store_page_scoped(st, "SELECT " NUMBER_COLS " FROM numbers WHERE "
		"tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		tenant_id, after_id, limit, number_each, &w);
}

int store_number_update(struct store *st, int64_t tenant_id,
			const struct store_number *n)
{
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_TEXT(n->target_type), STORE_NUM(n->target_id),
		STORE_TEXT(n->label), STORE_NUM(tenant_id), STORE_NUM(n->id),
	};
	return store_run_change(st, "UPDATE numbers SET target_type = $1, "
		"target_id = $2, label = $3 WHERE tenant_id = $4 AND id = $5",
		a, STORE_NARGS(a));
}

int store_number_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "numbers", tenant_id, id);
}

/* numbers that led to a user or group being deleted lead nowhere now */
int store_number_untarget(struct store *st, int64_t tenant_id,
			  const char *target_type, int64_t target_id)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_TEXT(target_type),
				      STORE_NUM(target_id)};

	if (!target_type)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return store_run(st, "UPDATE numbers SET target_type = 'none', "
		"target_id = 0 WHERE tenant_id = $1 AND target_type = $2 AND "
		"target_id = $3", a, 3, NULL, NULL, NULL);
}

/* ENOENT when no tenant has the number */
int store_number_find_e164_all(struct store *st, const char *e164,
			       struct store_number *n)
{
	const struct store_arg a[] = {STORE_TEXT(e164)};

	if (!e164 || !n)
		return EINVAL;
	if (!e164[0])
		return ENOENT;
	return store_run_one(st, "SELECT " NUMBER_COLS " FROM numbers "
		"WHERE e164 = $1", a, 1, number_one, n);
}
