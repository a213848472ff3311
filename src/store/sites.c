/**
 * @file sites.c  A tenant's sites (offices): country, time zone,
 * language, extension length and outside-line digit.
 *
 * SQL written once for both backends (store_run, backend.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/backend.h"

#define SITE_COLS "id, tenant_id, name, country, time_zone, language, " \
	"ext_length, outside_prefix"

static void site_read(const char *const *c, struct store_site *s)
{
	memset(s, 0, sizeof(*s));
	s->id = store_col_int(c[0]);
	s->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(s->name, c[2]);
	STORE_COL_TEXT(s->country, c[3]);
	STORE_COL_TEXT(s->time_zone, c[4]);
	STORE_COL_TEXT(s->language, c[5]);
	s->ext_length = (int)store_col_int(c[6]);
	STORE_COL_TEXT(s->outside_prefix, c[7]);
}

STORE_ROW_HANDLERS(site, struct store_site, store_site_h, 8, site_read)

int store_site_create(struct store *st, int64_t tenant_id,
		      struct store_site *s)
{
	int err;

	if (tenant_id <= 0 || !s)
		return EINVAL;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(s->name),
		STORE_TEXT(s->country), STORE_TEXT(s->time_zone),
		STORE_TEXT(s->language[0] ? s->language : "en"),
		STORE_NUM(s->ext_length ? s->ext_length : 4),
		STORE_TEXT(s->outside_prefix),
	};
	err = store_run_insert(st, "INSERT INTO sites (tenant_id, name, "
		"country, time_zone, language, ext_length, outside_prefix) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", a,
		STORE_NARGS(a), &s->id);
	if (!err)
		s->tenant_id = tenant_id;
	return err;
}

int store_site_get(struct store *st, int64_t tenant_id, int64_t id,
		   struct store_site *s)
{
	return store_get_scoped(st, "SELECT " SITE_COLS " FROM sites "
		"WHERE tenant_id = $1 AND id = $2",
		tenant_id, id, site_one, s);
}

int store_site_list(struct store *st, int64_t tenant_id, int64_t after_id,
		    int limit, store_site_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);

	return store_page_scoped(st, "SELECT " SITE_COLS " FROM sites WHERE "
		"tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		tenant_id, after_id, limit, site_each, &w);
}

int store_site_update(struct store *st, int64_t tenant_id,
		      const struct store_site *s)
{
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_TEXT(s->name), STORE_TEXT(s->country),
		STORE_TEXT(s->time_zone), STORE_TEXT(s->language),
		STORE_NUM(s->ext_length), STORE_TEXT(s->outside_prefix),
		STORE_NUM(tenant_id), STORE_NUM(s->id),
	};
	return store_run_change(st, "UPDATE sites SET name = $1, country = $2,"
		" time_zone = $3, language = $4, ext_length = $5, "
		"outside_prefix = $6 WHERE tenant_id = $7 AND id = $8", a,
		STORE_NARGS(a));
}

int store_site_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "sites", tenant_id, id);
}
