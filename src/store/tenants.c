/**
 * @file tenants.c  Tenants (the customers of the platform) and the
 * platform's operators.
 *
 * SQL written once for both backends (store_run, backend.h).  A SIP
 * domain is kept in lowercase and compared so; an operator's email is
 * compared without case.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

#define TENANT_COLS "id, slug, name, sip_domain, digest_algorithms, " \
	"max_users, max_calls, language, recording_retention_days"

static void tenant_read(const char *const *c, struct store_tenant *t)
{
	memset(t, 0, sizeof(*t));
	t->id = store_col_int(c[0]);
	STORE_COL_TEXT(t->slug, c[1]);
	STORE_COL_TEXT(t->name, c[2]);
	STORE_COL_TEXT(t->sip_domain, c[3]);
	STORE_COL_TEXT(t->digest_algorithms, c[4]);
	t->max_users = (int)store_col_int(c[5]);
	t->max_calls = (int)store_col_int(c[6]);
	STORE_COL_TEXT(t->language, c[7]);
	t->recording_retention_days = (int)store_col_int(c[8]);
}

STORE_ROW_HANDLERS(tenant, struct store_tenant, store_tenant_h, 9,
		   tenant_read)

static int count_row(int n, const char *const *c, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(c[0]) : 0;
	return 0;
}

int store_count_tenants_all(struct store *st, int64_t *countp)
{
	return store_run_one(st, "SELECT COUNT(*) FROM tenants", NULL, 0,
			     count_row, countp);
}

/* $1..$8: the settable columns; language "" is "en" */
#define TENANT_ARGS(t)                                                 \
	STORE_TEXT((t)->slug), STORE_TEXT((t)->name),                  \
	STORE_TEXT((t)->sip_domain), STORE_TEXT((t)->digest_algorithms), \
	STORE_NUM((t)->max_users), STORE_NUM((t)->max_calls),          \
	STORE_TEXT((t)->language[0] ? (t)->language : "en"),           \
	STORE_NUM((t)->recording_retention_days)

int store_tenant_create(struct store *st, struct store_tenant *t)
{
	if (!t || !t->slug[0] || !t->sip_domain[0])
		return EINVAL;
	const struct store_arg a[] = {TENANT_ARGS(t),
				      STORE_NUM((int64_t)time(NULL))};
	return store_run_insert(st, "INSERT INTO tenants (slug, name, "
		"sip_domain, digest_algorithms, max_users, max_calls, language,"
		" recording_retention_days, created_at) VALUES ($1, $2, $3, $4,"
		" $5, $6, $7, $8, $9) RETURNING id", a, STORE_NARGS(a), &t->id);
}

int store_tenant_get(struct store *st, int64_t tenant_id,
		     struct store_tenant *t)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (tenant_id <= 0 || !t)
		return tenant_id <= 0 ? ENOENT : EINVAL;
	return store_run_one(st, "SELECT " TENANT_COLS " FROM tenants "
		"WHERE id = $1", a, 1, tenant_one, t);
}

int store_tenant_list_all(struct store *st, int64_t after_id, int limit,
			  store_tenant_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const struct store_arg a[] = {STORE_NUM(after_id), STORE_NUM(limit)};

	return store_run(st, "SELECT " TENANT_COLS " FROM tenants WHERE "
		"id > $1 ORDER BY id LIMIT $2", a, 2, tenant_each, &w, NULL);
}

int store_tenant_foreach_all(struct store *st, store_tenant_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	return store_run(st, "SELECT " TENANT_COLS " FROM tenants ORDER BY id",
			 NULL, 0, tenant_each, &w, NULL);
}

/* ENOENT when no tenant has that SIP domain (compared case-insensitively) */
int store_tenant_find_domain_all(struct store *st, const char *domain,
				 struct store_tenant *t)
{
	const struct store_arg a[] = {STORE_TEXT(domain)};

	if (!domain || !t)
		return EINVAL;
	return store_run_one(st, "SELECT " TENANT_COLS " FROM tenants "
		"WHERE sip_domain = lower($1)", a, 1, tenant_one, t);
}

int store_tenant_update(struct store *st, int64_t tenant_id,
			const struct store_tenant *t)
{
	if (tenant_id <= 0 || !t)
		return EINVAL;
	const struct store_arg a[] = {TENANT_ARGS(t), STORE_NUM(tenant_id)};
	return store_run_change(st, "UPDATE tenants SET slug = $1, name = $2, "
		"sip_domain = $3, digest_algorithms = $4, max_users = $5, "
		"max_calls = $6, language = $7, recording_retention_days = $8 "
		"WHERE id = $9", a, STORE_NARGS(a));
}

int store_tenant_delete(struct store *st, int64_t tenant_id)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_change(st, "DELETE FROM tenants WHERE id = $1", a, 1);
}

/* ---- operators -------------------------------------------------------- */

static void operator_read(const char *const *c, struct store_operator *o)
{
	memset(o, 0, sizeof(*o));
	o->id = store_col_int(c[0]);
	STORE_COL_TEXT(o->email, c[1]);
	STORE_COL_TEXT(o->name, c[2]);
	STORE_COL_TEXT(o->password_hash, c[3]);
}

static int operator_one(int n, const char *const *c, void *arg)
{
	if (n < 4)
		return EIO;
	operator_read(c, arg);
	return 0;
}

int store_operator_create(struct store *st, const char *email,
			  const char *name, const char *password_hash,
			  int64_t *idp)
{
	const struct store_arg a[] = {
		STORE_TEXT(email), STORE_TEXT(name), STORE_TEXT(password_hash),
		STORE_NUM((int64_t)time(NULL)),
	};

	if (!email || !name || !password_hash)
		return EINVAL;
	return store_run_insert(st, "INSERT INTO operators (email, name, "
		"password_hash, created_at) VALUES ($1, $2, $3, $4) "
		"RETURNING id", a, STORE_NARGS(a), idp);
}

int store_operator_find_email_all(struct store *st, const char *email,
				  struct store_operator *o)
{
	const struct store_arg a[] = {STORE_TEXT(email)};

	if (!email || !o)
		return EINVAL;
	return store_run_one(st, "SELECT id, email, name, password_hash FROM "
		"operators WHERE lower(email) = lower($1)", a, 1, operator_one,
		o);
}
