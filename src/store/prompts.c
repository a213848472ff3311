/**
 * @file prompts.c  A tenant's recorded prompts, one row per name and
 * language; the WAV files themselves live under media.data_dir.
 *
 * SQL written once for both backends (store_run, backend.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

#define PROMPT_COLS "id, tenant_id, name, language, duration_ms, bytes, " \
	"created_at"

static void prompt_read(const char *const *c, struct store_prompt *p)
{
	memset(p, 0, sizeof(*p));
	p->id = store_col_int(c[0]);
	p->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(p->name, c[2]);
	STORE_COL_TEXT(p->language, c[3]);
	p->duration_ms = store_col_int(c[4]);
	p->bytes = store_col_int(c[5]);
	p->created_at = store_col_int(c[6]);
}

STORE_ROW_HANDLERS(prompt, struct store_prompt, store_prompt_h, 7,
		   prompt_read)

static bool prompt_ok(const struct store_prompt *p)
{
	return p && p->name[0] && p->language[0] && p->duration_ms >= 0 &&
	       p->bytes >= 0;
}

/* an upsert keeps the row's id: RETURNING gives it either way */
int store_prompt_put(struct store *st, int64_t tenant_id,
		     struct store_prompt *p)
{
	if (!prompt_ok(p))
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	p->tenant_id = tenant_id;
	p->created_at = (int64_t)time(NULL);
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(p->name),
		STORE_TEXT(p->language), STORE_NUM(p->duration_ms),
		STORE_NUM(p->bytes), STORE_NUM(p->created_at),
	};
	return store_run_insert(st, "INSERT INTO prompts (tenant_id, name, "
		"language, duration_ms, bytes, created_at) VALUES ($1, $2, $3, "
		"$4, $5, $6) ON CONFLICT (tenant_id, name, language) DO UPDATE "
		"SET duration_ms = excluded.duration_ms, bytes = "
		"excluded.bytes, created_at = excluded.created_at RETURNING id",
		a, STORE_NARGS(a), &p->id);
}

int store_prompt_get(struct store *st, int64_t tenant_id, int64_t id,
		     struct store_prompt *p)
{
	if (!p)
		return EINVAL;
	return store_get_scoped(st, "SELECT " PROMPT_COLS " FROM prompts "
		"WHERE tenant_id = $1 AND id = $2", tenant_id, id, prompt_one,
		p);
}

int store_prompt_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_prompt_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	if (!h || limit <= 0)
		return EINVAL;
	return store_page_scoped(st, "SELECT " PROMPT_COLS " FROM prompts "
		"WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		tenant_id, after_id, limit, prompt_each, &w);
}

int store_prompt_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "prompts", tenant_id, id);
}

int store_prompt_foreach_all(struct store *st, store_prompt_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	if (!h)
		return EINVAL;
	return store_run(st, "SELECT " PROMPT_COLS " FROM prompts "
		"ORDER BY tenant_id, id", NULL, 0, prompt_each, &w, NULL);
}
