/**
 * @file chat.c  Chat messages: SQL written once for both backends.
 *
 * The INSERT selects its row from users so that a message between users
 * of different tenants (or unknown ones) inserts nothing and reads as
 * ENOENT, whatever the caller checked before.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/backend.h"
#include "store/chat.h"

#define CHAT_COLS "id, tenant_id, from_user_id, to_user_id, content_type, " \
	"body, created_ms, delivered_ms"

struct chat_walk {
	store_chat_h *h;
	void *arg;
};

static int chat_each(int n, const char *const *c, void *arg)
{
	struct chat_walk *w = arg;
	struct store_chat m;

	if (n < 8)
		return EIO;
	memset(&m, 0, sizeof(m));
	m.id = store_col_int(c[0]);
	m.tenant_id = store_col_int(c[1]);
	m.from_user_id = store_col_int(c[2]);
	m.to_user_id = store_col_int(c[3]);
	STORE_COL_TEXT(m.content_type, c[4]);
	m.body = c[5];
	m.created_ms = store_col_int(c[6]);
	m.delivered_ms = store_col_int(c[7]);
	return w->h(&m, w->arg);
}

static int id_row(int n, const char *const *c, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(c[0]) : 0;
	return 0;
}

int store_chat_add(struct store *st, int64_t tenant_id, struct store_chat *m)
{
	if (!m || !m->body || !m->content_type[0])
		return EINVAL;
	if (tenant_id <= 0 || m->from_user_id <= 0 || m->to_user_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(m->from_user_id),
		STORE_NUM(m->to_user_id), STORE_TEXT(m->content_type),
		STORE_TEXT(m->body), STORE_NUM(m->created_ms),
		STORE_NUM(m->delivered_ms),
	};
	int err = store_run_one(st, "INSERT INTO chat_messages (tenant_id, "
		"from_user_id, to_user_id, content_type, body, created_ms, "
		"delivered_ms) SELECT f.tenant_id, f.id, t.id, "
		"CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS BIGINT), "
		"CAST($7 AS BIGINT) FROM users f JOIN users t "
		"ON t.tenant_id = f.tenant_id AND t.id = $3 "
		"WHERE f.tenant_id = $1 AND f.id = $2 RETURNING id",
		a, (int)(sizeof(a) / sizeof(a[0])), id_row, &m->id);
	if (!err)
		m->tenant_id = tenant_id;
	return err;
}

int store_chat_delivered(struct store *st, int64_t tenant_id, int64_t id,
			 int64_t at_ms)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id),
				      STORE_NUM(at_ms > 0 ? at_ms : 1)};

	return store_run_change(st, "UPDATE chat_messages SET delivered_ms = "
		"$3 WHERE tenant_id = $1 AND id = $2 AND delivered_ms = 0",
		a, 3);
}

int store_chat_pending(struct store *st, int64_t tenant_id,
		       int64_t to_user_id, int limit, store_chat_h *h,
		       void *arg)
{
	struct chat_walk w = {h, arg};
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_NUM(to_user_id),
				      STORE_NUM(limit)};

	if (!h || limit <= 0)
		return EINVAL;
	return store_run(st, "SELECT " CHAT_COLS " FROM chat_messages "
		"WHERE tenant_id = $1 AND to_user_id = $2 AND delivered_ms = 0 "
		"ORDER BY id LIMIT $3", a, 3, chat_each, &w, NULL);
}

struct user_walk {
	store_chat_user_h *h;
	void *arg;
};

static int user_each(int n, const char *const *c, void *arg)
{
	struct user_walk *w = arg;

	if (n < 3)
		return EIO;
	return w->h(store_col_int(c[0]), store_col_int(c[1]),
		    store_col_int(c[2]), w->arg);
}

int store_chat_pending_users_all(struct store *st, store_chat_user_h *h,
				 void *arg)
{
	struct user_walk w = {h, arg};

	if (!h)
		return EINVAL;
	return store_run(st, "SELECT tenant_id, to_user_id, COUNT(*) FROM "
		"chat_messages WHERE delivered_ms = 0 GROUP BY tenant_id, "
		"to_user_id", NULL, 0, user_each, &w, NULL);
}

int store_chat_list(struct store *st, int64_t tenant_id, int64_t user_id,
		    int64_t from_ms, int64_t to_ms, int64_t after_id,
		    int limit, store_chat_h *h, void *arg)
{
	struct chat_walk w = {h, arg};
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(user_id), STORE_NUM(from_ms),
		STORE_NUM(to_ms), STORE_NUM(after_id), STORE_NUM(limit),
	};

	if (!h || limit <= 0)
		return EINVAL;
	return store_run(st, "SELECT " CHAT_COLS " FROM chat_messages "
		"WHERE tenant_id = $1 AND (CAST($2 AS BIGINT) = 0 OR "
		"from_user_id = $2 OR to_user_id = $2) AND created_ms >= $3 "
		"AND created_ms < $4 AND id > $5 ORDER BY id LIMIT $6", a, 6, chat_each, &w, NULL);
}
