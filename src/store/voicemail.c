/**
 * @file voicemail.c  Voicemail boxes and messages.
 *
 * SQL written once for both backends (store_run, backend.h).  A box row
 * exists only once a user (or their admin) changed something: until then
 * the box reads as store_vm_box_default(), so users created before this
 * table need nothing.  Every statement names the tenant, and the tables'
 * keys carry it too, so a message can only belong to a user of its own
 * tenant whatever the caller passes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/backend.h"

void store_vm_box_default(struct store_vm_box *b)
{
	memset(b, 0, sizeof(*b));
	b->max_message_s = 120;
	b->max_messages = 100;
}

#define BOX_COLS "b.pin_hash, b.max_message_s, b.max_messages, " \
	"b.greeting_unavailable, b.greeting_busy, b.greeting_name, " \
	"b.email_notify, b.enabled"

/* cols: u.id, u.tenant_id, "1" when the row exists, then BOX_COLS */
static int box_row(int n, const char *const *c, void *arg)
{
	struct store_vm_box *b = arg;

	store_vm_box_default(b);
	b->user_id = store_col_int(c[0]);
	b->tenant_id = store_col_int(c[1]);
	if (n < 11 || strcmp(c[2], "1"))
		return 0;
	STORE_COL_TEXT(b->pin_hash, c[3]);
	b->max_message_s = (int)store_col_int(c[4]);
	b->max_messages = (int)store_col_int(c[5]);
	b->has_greeting_unavailable = store_col_int(c[6]) != 0;
	b->has_greeting_busy = store_col_int(c[7]) != 0;
	b->has_greeting_name = store_col_int(c[8]) != 0;
	b->email_notify = store_col_int(c[9]) != 0;
	b->enabled = store_col_int(c[10]) != 0;
	return 0;
}

int store_vm_box_get(struct store *st, int64_t tenant_id, int64_t user_id,
		     struct store_vm_box *b)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(user_id)};

	if (!b)
		return EINVAL;
	if (tenant_id <= 0 || user_id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT u.id, u.tenant_id, CASE WHEN "
		"b.user_id IS NULL THEN 0 ELSE 1 END, " BOX_COLS " FROM users u "
		"LEFT JOIN voicemail_boxes b ON b.user_id = u.id "
		"WHERE u.tenant_id = $1 AND u.id = $2", a, 2, box_row, b);
}

int store_vm_box_put(struct store *st, int64_t tenant_id,
		     const struct store_vm_box *b)
{
	if (!b || b->max_message_s < STORE_VM_MESSAGE_S_MIN ||
	    b->max_message_s > STORE_VM_MESSAGE_S_MAX ||
	    b->max_messages < STORE_VM_MESSAGES_MIN ||
	    b->max_messages > STORE_VM_MESSAGES_MAX ||
	    !memchr(b->pin_hash, '\0', sizeof(b->pin_hash)))
		return EINVAL;
	if (tenant_id <= 0 || b->user_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(b->user_id),
		STORE_TEXT(b->pin_hash), STORE_NUM(b->max_message_s),
		STORE_NUM(b->max_messages),
		STORE_NUM(b->has_greeting_unavailable),
		STORE_NUM(b->has_greeting_busy),
		STORE_NUM(b->has_greeting_name), STORE_NUM(b->email_notify),
		STORE_NUM(b->enabled),
	};
	/* the SELECT finds nothing for a user of another tenant */
	return store_run_change(st, "INSERT INTO voicemail_boxes (tenant_id, "
		"user_id, pin_hash, max_message_s, max_messages, "
		"greeting_unavailable, greeting_busy, greeting_name, "
		"email_notify, enabled) "
		"SELECT tenant_id, id, CAST($3 AS TEXT), CAST($4 AS INTEGER), "
		"CAST($5 AS INTEGER), CAST($6 AS INTEGER), CAST($7 AS INTEGER), "
		"CAST($8 AS INTEGER), CAST($9 AS INTEGER), "
		"CAST($10 AS INTEGER) FROM users "
		"WHERE tenant_id = $1 AND id = $2 "
		"ON CONFLICT (user_id) DO UPDATE SET "
		"pin_hash = excluded.pin_hash, "
		"max_message_s = excluded.max_message_s, "
		"max_messages = excluded.max_messages, "
		"greeting_unavailable = excluded.greeting_unavailable, "
		"greeting_busy = excluded.greeting_busy, "
		"greeting_name = excluded.greeting_name, "
		"email_notify = excluded.email_notify, "
		"enabled = excluded.enabled",
		a, (int)(sizeof(a) / sizeof(a[0])));
}

/* ---- messages --------------------------------------------------------- */

#define MSG_COLS "id, tenant_id, user_id, uuid, caller, caller_name, " \
	"call_uuid, file, created_ms, duration_ms, bytes, heard"
enum { MSG_NCOLS = 12 };

static void msg_read(const char *const *c, struct store_vm_message *m)
{
	memset(m, 0, sizeof(*m));
	m->id = store_col_int(c[0]);
	m->tenant_id = store_col_int(c[1]);
	m->user_id = store_col_int(c[2]);
	STORE_COL_TEXT(m->uuid, c[3]);
	STORE_COL_TEXT(m->caller, c[4]);
	STORE_COL_TEXT(m->caller_name, c[5]);
	STORE_COL_TEXT(m->call_uuid, c[6]);
	STORE_COL_TEXT(m->file, c[7]);
	m->created_ms = store_col_int(c[8]);
	m->duration_ms = store_col_int(c[9]);
	m->bytes = store_col_int(c[10]);
	m->heard = store_col_int(c[11]) != 0;
}

static int msg_one(int n, const char *const *c, void *arg)
{
	if (n < MSG_NCOLS)
		return EIO;
	msg_read(c, arg);
	return 0;
}

struct msg_walk {
	store_vm_message_h *h;
	void *arg;
};

static int msg_each(int n, const char *const *c, void *arg)
{
	struct msg_walk *w = arg;
	struct store_vm_message m;

	if (n < MSG_NCOLS)
		return EIO;
	msg_read(c, &m);
	return w->h(&m, w->arg);
}

/* the id of INSERT ... RETURNING id */
static int msg_id_row(int n, const char *const *c, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(c[0]) : 0;
	return 0;
}

/* Callers' numbers and names come from SIP peers: what is stored is
 * valid UTF-8 without control characters (PostgreSQL's text refuses
 * the rest, and JSON readers choke on it), each bad byte a '?'. */
static void copy_text(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	while (*s && o + 1 < size) {
		size_t n = store_utf8_seq(s);

		if (!n || *s < 0x20 || *s == 0x7f) {
			dst[o++] = '?';
			s++;
		}
		else if (o + n < size) {
			memcpy(dst + o, s, n);
			o += n;
			s += n;
		}
		else {
			break;       /* never cut a character in two */
		}
	}
	dst[o] = '\0';
}

int store_vm_message_create(struct store *st, int64_t tenant_id,
			    struct store_vm_message *m)
{
	char caller[sizeof(m->caller)], name[sizeof(m->caller_name)];
	int64_t id = 0;
	int err;

	if (!m || !m->uuid[0] || !m->file[0] || m->created_ms < 0 ||
	    m->duration_ms < 0 || m->bytes < 0)
		return EINVAL;
	if (tenant_id <= 0 || m->user_id <= 0)
		return ENOENT;
	copy_text(caller, sizeof(caller), m->caller);
	copy_text(name, sizeof(name), m->caller_name);
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(m->user_id),
		STORE_TEXT(m->uuid), STORE_TEXT(caller), STORE_TEXT(name),
		STORE_TEXT(m->call_uuid), STORE_TEXT(m->file),
		STORE_NUM(m->created_ms), STORE_NUM(m->duration_ms),
		STORE_NUM(m->bytes), STORE_NUM(m->heard),
	};
	err = store_run_one(st, "INSERT INTO voicemail_messages (tenant_id, "
		"user_id, uuid, caller, caller_name, call_uuid, file, "
		"created_ms, duration_ms, bytes, heard) "
		"SELECT tenant_id, id, CAST($3 AS TEXT), CAST($4 AS TEXT), "
		"CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT), "
		"CAST($8 AS BIGINT), CAST($9 AS BIGINT), CAST($10 AS BIGINT), "
		"CAST($11 AS INTEGER) FROM users "
		"WHERE tenant_id = $1 AND id = $2 RETURNING id",
		a, (int)(sizeof(a) / sizeof(a[0])), msg_id_row, &id);
	if (!err) {
		m->id = id;
		m->tenant_id = tenant_id;
	}
	return err;
}

int store_vm_message_get(struct store *st, int64_t tenant_id, int64_t id,
			 struct store_vm_message *m)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};

	if (!m)
		return EINVAL;
	if (tenant_id <= 0 || id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT " MSG_COLS " FROM voicemail_messages "
		"WHERE tenant_id = $1 AND id = $2", a, 2, msg_one, m);
}

int store_vm_message_list(struct store *st, int64_t tenant_id,
			  int64_t user_id, int folder, int64_t after_id,
			  int limit, store_vm_message_h *h, void *arg)
{
	struct msg_walk w = {h, arg};

	if (!h || limit <= 0 || after_id < 0 || folder < STORE_VM_ALL ||
	    folder > STORE_VM_OLD)
		return EINVAL;
	if (tenant_id <= 0 || user_id <= 0)
		return 0;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(user_id), STORE_NUM(folder),
		STORE_NUM(after_id), STORE_NUM(limit),
	};
	/* the page goes on from the place of the last message seen (gone
	   since: nothing more) */
	return store_run(st, "SELECT " MSG_COLS " FROM voicemail_messages m "
		"WHERE tenant_id = $1 AND user_id = $2 AND "
		"($3 = 0 OR heard = CASE WHEN $3 = 2 THEN 1 ELSE 0 END) AND "
		"($4 = 0 OR (created_ms, id) > (SELECT created_ms, id FROM "
		"voicemail_messages WHERE tenant_id = $1 AND id = $4)) "
		"ORDER BY created_ms, id LIMIT $5", a,
		(int)(sizeof(a) / sizeof(a[0])), msg_each, &w, NULL);
}

int store_vm_message_set_heard(struct store *st, int64_t tenant_id,
			       int64_t id, bool heard)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id),
				      STORE_NUM(heard)};

	if (tenant_id <= 0 || id <= 0)
		return ENOENT;
	return store_run_change(st, "UPDATE voicemail_messages SET heard = $3 "
		"WHERE tenant_id = $1 AND id = $2", a, 3);
}

int store_vm_message_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};

	if (tenant_id <= 0 || id <= 0)
		return ENOENT;
	return store_run_change(st, "DELETE FROM voicemail_messages "
		"WHERE tenant_id = $1 AND id = $2", a, 2);
}

static int counts_row(int n, const char *const *c, void *arg)
{
	int *v = arg;

	if (n < 2)
		return EIO;
	v[0] = (int)store_col_int(c[0]);
	v[1] = (int)store_col_int(c[1]);
	return 0;
}

int store_vm_counts(struct store *st, int64_t tenant_id, int64_t user_id,
		    int *new_count, int *old_count)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(user_id)};
	int v[2] = {0, 0};
	int err;

	if (tenant_id <= 0 || user_id <= 0)
		return ENOENT;
	/* the user row makes an unknown user ENOENT rather than 0 and 0 */
	err = store_run_one(st, "SELECT "
		"COALESCE(SUM(CASE WHEN m.heard = 0 THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN m.heard <> 0 THEN 1 ELSE 0 END), 0) "
		"FROM users u LEFT JOIN voicemail_messages m "
		"ON m.tenant_id = u.tenant_id AND m.user_id = u.id "
		"WHERE u.tenant_id = $1 AND u.id = $2 GROUP BY u.id", a, 2,
		counts_row, v);
	if (err)
		return err;
	if (new_count)
		*new_count = v[0];
	if (old_count)
		*old_count = v[1];
	return 0;
}

struct counts_walk {
	store_vm_counts_h *h;
	void *arg;
};

static int counts_each(int n, const char *const *c, void *arg)
{
	struct counts_walk *w = arg;

	if (n < 4)
		return EIO;
	return w->h(store_col_int(c[0]), store_col_int(c[1]),
		    (int)store_col_int(c[2]), (int)store_col_int(c[3]),
		    w->arg);
}

int store_vm_counts_all(struct store *st, store_vm_counts_h *h, void *arg)
{
	struct counts_walk w = {h, arg};

	if (!h)
		return EINVAL;
	return store_run(st, "SELECT tenant_id, user_id, "
		"SUM(CASE WHEN heard = 0 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN heard <> 0 THEN 1 ELSE 0 END) "
		"FROM voicemail_messages GROUP BY tenant_id, user_id",
		NULL, 0, counts_each, &w, NULL);
}
