/**
 * @file tokens.c  API tokens: a tenant's (tenant_id > 0) or the
 * platform operator's (tenant_id 0, NULL in the table).  Only the
 * SHA-256 of each secret is kept.
 *
 * SQL written once for both backends (store_run, backend.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/backend.h"

#define TOKEN_COLS "id, COALESCE(tenant_id, 0), name, role, " \
	"secret_sha256, created_by, created_at, expires_at, revoked_at"

static void token_read(const char *const *c, struct store_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = store_col_int(c[0]);
	t->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(t->name, c[2]);
	STORE_COL_TEXT(t->role, c[3]);
	STORE_COL_TEXT(t->secret_sha256, c[4]);
	STORE_COL_TEXT(t->created_by, c[5]);
	t->created_at = store_col_int(c[6]);
	t->expires_at = store_col_int(c[7]);
	t->revoked_at = store_col_int(c[8]);
}

STORE_ROW_HANDLERS(token, struct store_token, store_token_h, 9, token_read)

int store_token_create(struct store *st, int64_t tenant_id,
		       struct store_token *t)
{
	int err;

	if (tenant_id < 0 || !t)
		return EINVAL;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(t->name), STORE_TEXT(t->role),
		STORE_TEXT(t->secret_sha256), STORE_TEXT(t->created_by),
		STORE_NUM(t->created_at), STORE_NUM(t->expires_at),
	};
	err = store_run_insert(st, "INSERT INTO api_tokens (tenant_id, name, "
		"role, secret_sha256, created_by, created_at, expires_at) "
		"VALUES (NULLIF(CAST($1 AS BIGINT), 0), $2, $3, $4, $5, $6, $7)"
		" RETURNING id", a, STORE_NARGS(a), &t->id);
	if (!err)
		t->tenant_id = tenant_id;
	return err;
}

int store_token_get_all(struct store *st, int64_t id, struct store_token *t)
{
	const struct store_arg a[] = {STORE_NUM(id)};

	if (id <= 0 || !t)
		return ENOENT;
	return store_run_one(st, "SELECT " TOKEN_COLS " FROM api_tokens "
		"WHERE id = $1", a, 1, token_one, t);
}

int store_token_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_token_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(after_id),
				      STORE_NUM(limit)};

	if (tenant_id < 0)
		return EINVAL;
	return store_run(st, "SELECT " TOKEN_COLS " FROM api_tokens WHERE "
		"COALESCE(tenant_id, 0) = $1 AND id > $2 ORDER BY id LIMIT $3",
		a, 3, token_each, &w, NULL);
}

int store_token_revoke(struct store *st, int64_t tenant_id, int64_t id,
		       int64_t now)
{
	const struct store_arg a[] = {STORE_NUM(now), STORE_NUM(tenant_id),
				      STORE_NUM(id)};

	if (tenant_id < 0)
		return EINVAL;
	return store_run_change(st, "UPDATE api_tokens SET revoked_at = $1 "
		"WHERE COALESCE(tenant_id, 0) = $2 AND id = $3 AND "
		"revoked_at = 0", a, 3);
}
