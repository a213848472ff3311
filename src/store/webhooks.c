/**
 * @file webhooks.c  Webhook subscriptions: SQL written once for both
 * backends (store_run, backend.h).
 *
 * The INSERT selects its row from tenants, so a subscription for a
 * tenant that does not exist inserts nothing and reads as ENOENT.  The
 * event types are one comma-separated text: a tenant has a handful of
 * subscriptions, and cti/ reads them all to pick those that want an
 * event, so nothing needs to search inside the list in SQL.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/backend.h"
#include "store/webhooks.h"

#define WEBHOOK_COLS "id, tenant_id, url, secret, events, enabled, " \
	"created_ms"
enum { WEBHOOK_NCOLS = 7 };

static void webhook_read(const char *const *c, struct store_webhook *w)
{
	memset(w, 0, sizeof(*w));
	w->id = store_col_int(c[0]);
	w->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(w->url, c[2]);
	STORE_COL_TEXT(w->secret, c[3]);
	STORE_COL_TEXT(w->events, c[4]);
	w->enabled = store_col_int(c[5]) != 0;
	w->created_ms = store_col_int(c[6]);
}

static int webhook_one(int n, const char *const *c, void *arg)
{
	if (n < WEBHOOK_NCOLS)
		return EIO;
	webhook_read(c, arg);
	return 0;
}

struct webhook_walk {
	store_webhook_h *h;
	void *arg;
};

static int webhook_each(int n, const char *const *c, void *arg)
{
	struct webhook_walk *w = arg;
	struct store_webhook row;

	if (n < WEBHOOK_NCOLS)
		return EIO;
	webhook_read(c, &row);
	return w->h(&row, w->arg);
}

static int id_row(int n, const char *const *c, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(c[0]) : 0;
	return 0;
}

static bool webhook_ok(const struct store_webhook *w)
{
	return w && w->url[0] && w->secret[0] &&
	       memchr(w->url, '\0', sizeof(w->url)) &&
	       memchr(w->secret, '\0', sizeof(w->secret)) &&
	       memchr(w->events, '\0', sizeof(w->events));
}

int store_webhook_create(struct store *st, int64_t tenant_id,
			 struct store_webhook *w)
{
	int64_t id = 0;
	int err;

	if (!webhook_ok(w) || w->created_ms < 0)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(w->url), STORE_TEXT(w->secret),
		STORE_TEXT(w->events), STORE_NUM(w->enabled),
		STORE_NUM(w->created_ms),
	};
	err = store_run_one(st, "INSERT INTO webhooks (tenant_id, url, "
		"secret, events, enabled, created_ms) "
		"SELECT id, CAST($2 AS TEXT), CAST($3 AS TEXT), "
		"CAST($4 AS TEXT), CAST($5 AS INTEGER), CAST($6 AS BIGINT) "
		"FROM tenants WHERE id = $1 RETURNING id",
		a, (int)(sizeof(a) / sizeof(a[0])), id_row, &id);
	if (!err) {
		w->id = id;
		w->tenant_id = tenant_id;
	}
	return err;
}

int store_webhook_get(struct store *st, int64_t tenant_id, int64_t id,
		      struct store_webhook *w)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};

	if (!w)
		return EINVAL;
	if (tenant_id <= 0 || id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT " WEBHOOK_COLS " FROM webhooks "
		"WHERE tenant_id = $1 AND id = $2", a, 2, webhook_one, w);
}

int store_webhook_list(struct store *st, int64_t tenant_id,
		       int64_t after_id, int limit, store_webhook_h *h,
		       void *arg)
{
	struct webhook_walk w = {h, arg};
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_NUM(after_id), STORE_NUM(limit)};

	if (!h || limit <= 0 || after_id < 0)
		return EINVAL;
	if (tenant_id <= 0)
		return 0;
	return store_run(st, "SELECT " WEBHOOK_COLS " FROM webhooks "
		"WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
		a, 3, webhook_each, &w, NULL);
}

int store_webhook_update(struct store *st, int64_t tenant_id,
			 const struct store_webhook *w)
{
	if (!webhook_ok(w))
		return EINVAL;
	if (tenant_id <= 0 || w->id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(w->id), STORE_TEXT(w->url),
		STORE_TEXT(w->secret), STORE_TEXT(w->events),
		STORE_NUM(w->enabled),
	};
	return store_run_change(st, "UPDATE webhooks SET url = $3, "
		"secret = $4, events = $5, enabled = $6 "
		"WHERE tenant_id = $1 AND id = $2",
		a, (int)(sizeof(a) / sizeof(a[0])));
}

int store_webhook_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};

	if (tenant_id <= 0 || id <= 0)
		return ENOENT;
	return store_run_change(st, "DELETE FROM webhooks "
		"WHERE tenant_id = $1 AND id = $2", a, 2);
}

int store_webhook_count(struct store *st, int64_t tenant_id, int64_t *countp)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (!countp)
		return EINVAL;
	*countp = 0;
	return store_run_one(st, "SELECT COUNT(*) FROM webhooks "
		"WHERE tenant_id = $1", a, 1, id_row, countp);
}

bool store_webhook_wants(const struct store_webhook *w, const char *type)
{
	size_t n = type ? strlen(type) : 0;
	const char *p;

	if (!w || !n)
		return false;
	for (p = w->events; *p; ) {
		size_t len = strcspn(p, ",");

		if (len == n && !memcmp(p, type, n))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}
