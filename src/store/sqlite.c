/**
 * @file sqlite.c  SQLite backend (the embedded default).
 *
 * WAL journal so the signalling thread's reads never wait for the writer
 * thread; synchronous=NORMAL, which in WAL mode keeps every committed
 * transaction across a process crash (kill -9) and loses at most the last
 * ones on power loss.  Statements used on hot paths are prepared once per
 * connection.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "store/backend.h"

/* Statements of store_run, kept prepared: parsing the SQL again for
   every call's lookups cost more than the lookups themselves (about half
   the signalling thread at a thousand calls a second).  Entries are found
   by a hash of the text and checked against it in full, so SQL built in
   a buffer is as welcome as a constant. */
enum { STMT_CACHE = 256 };

struct cached_stmt {
	sqlite3_stmt *st;
	uint32_t hash;
	bool busy;                      /**< stepping: a nested run of the
					   same SQL prepares its own */
};

struct sqlite_db {
	sqlite3 *db;
	sqlite3_stmt *bind_upsert;
	sqlite3_stmt *bind_delete;
	struct cached_stmt cache[STMT_CACHE];
};

static int map_rc(sqlite3 *db, int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_CONSTRAINT:
		return EEXIST;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	default:
		log_debug("store", "sqlite: %s", sqlite3_errmsg(db));
		return EIO;
	}
}

static const char *be_errmsg(void *p)
{
	struct sqlite_db *s = p;
	return sqlite3_errmsg(s->db);
}

static int be_exec(void *p, const char *sql)
{
	struct sqlite_db *s = p;
	return map_rc(s->db, sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

static void be_close(void *p)
{
	struct sqlite_db *s = p;

	if (!s)
		return;
	sqlite3_finalize(s->bind_upsert);
	sqlite3_finalize(s->bind_delete);
	for (size_t i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

static int be_open(void **dbp, const char *path, char *errbuf, size_t errsz)
{
	struct sqlite_db *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;

	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errsz, "store.url: cannot open '%s': %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		be_close(s);
		return EIO;
	}
	sqlite3_busy_timeout(s->db, 5000);
	rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=NORMAL;"
			  "PRAGMA foreign_keys=ON;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errsz, "store.url: '%s': %s", path,
			 sqlite3_errmsg(s->db));
		be_close(s);
		return EIO;
	}
	*dbp = s;
	return 0;
}

static int prepare(struct sqlite_db *s, sqlite3_stmt **stp, const char *sql)
{
	return map_rc(s->db, sqlite3_prepare_v2(s->db, sql, -1, stp, NULL));
}

static int be_version(void *p, int *versionp)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int err;

	err = be_exec(s, "CREATE TABLE IF NOT EXISTS schema_version "
		      "(version INTEGER NOT NULL)");
	if (err)
		return err;
	err = prepare(s, &st, "SELECT COALESCE(MAX(version), 0) "
		      "FROM schema_version");
	if (err)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		*versionp = sqlite3_column_int(st, 0);
	else
		err = map_rc(s->db, sqlite3_errcode(s->db));
	sqlite3_finalize(st);
	return err;
}

static int be_set_version(void *p, int version)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int err;

	err = prepare(s, &st, "INSERT INTO schema_version (version) VALUES (?)");
	if (err)
		return err;
	sqlite3_bind_int(st, 1, version);
	err = map_rc(s->db, sqlite3_step(st));
	sqlite3_finalize(st);
	return err;
}

/* run a prepared insert and return the new row id */
static int insert(struct sqlite_db *s, sqlite3_stmt *st, int64_t *idp)
{
	int err = map_rc(s->db, sqlite3_step(st));
	if (!err && idp)
		*idp = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return err;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* empty strings are stored as NULL where the column is optional */
static void bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	snprintf(dst, size, "%s", v ? (const char *)v : "");
}

static int be_binding_foreach_all(void *p, store_binding_h *h, void *arg)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int err, rc;

	err = prepare(s, &st, "SELECT tenant_id, device_id, contact, expires_at,"
		      " q_milli, call_id, cseq, transport, source, user_agent "
		      "FROM registrations ORDER BY tenant_id, device_id");
	if (err)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_binding b = {
			.tenant_id = sqlite3_column_int64(st, 0),
			.device_id = sqlite3_column_int64(st, 1),
			.expires_at = sqlite3_column_int64(st, 3),
			.q_milli = sqlite3_column_int(st, 4),
			.cseq = (uint32_t)sqlite3_column_int64(st, 6),
		};
		col_text(st, 2, b.contact, sizeof(b.contact));
		col_text(st, 5, b.call_id, sizeof(b.call_id));
		col_text(st, 7, b.transport, sizeof(b.transport));
		col_text(st, 8, b.source, sizeof(b.source));
		col_text(st, 9, b.user_agent, sizeof(b.user_agent));
		err = h(&b, arg);
		if (err)
			break;
	}
	if (!err)
		err = map_rc(s->db, rc);
	sqlite3_finalize(st);
	return err;
}

/* one transaction for the whole batch; the caller retries a failed batch */
static int be_binding_apply(void *p, const struct store_binding *v, size_t n)
{
	struct sqlite_db *s = p;
	int err;

	if (!s->bind_upsert) {
		err = prepare(s, &s->bind_upsert,
			      "INSERT INTO registrations (tenant_id, device_id,"
			      " contact, expires_at, q_milli, call_id, cseq,"
			      " transport, source, user_agent) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			      "ON CONFLICT (tenant_id, device_id, contact) DO "
			      "UPDATE SET expires_at = excluded.expires_at,"
			      " q_milli = excluded.q_milli,"
			      " call_id = excluded.call_id,"
			      " cseq = excluded.cseq,"
			      " transport = excluded.transport,"
			      " source = excluded.source,"
			      " user_agent = excluded.user_agent");
		if (err)
			return err;
	}
	if (!s->bind_delete) {
		err = prepare(s, &s->bind_delete,
			      "DELETE FROM registrations WHERE tenant_id = ? "
			      "AND device_id = ? AND contact = ?");
		if (err)
			return err;
	}

	err = be_exec(s, "BEGIN");
	if (err)
		return err;

	for (size_t i = 0; i < n && !err; i++) {
		const struct store_binding *b = &v[i];
		sqlite3_stmt *st = b->remove ? s->bind_delete : s->bind_upsert;

		sqlite3_bind_int64(st, 1, b->tenant_id);
		sqlite3_bind_int64(st, 2, b->device_id);
		bind_text(st, 3, b->contact);
		if (!b->remove) {
			sqlite3_bind_int64(st, 4, b->expires_at);
			sqlite3_bind_int(st, 5, b->q_milli);
			bind_text(st, 6, b->call_id);
			sqlite3_bind_int64(st, 7, b->cseq);
			bind_text(st, 8, b->transport);
			bind_text(st, 9, b->source);
			bind_text(st, 10, b->user_agent);
		}
		err = map_rc(s->db, sqlite3_step(st));
		if (err == EEXIST)
			err = 0;  /* the device was deleted meanwhile */
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}

	if (err) {
		(void)be_exec(s, "ROLLBACK");
		return err;
	}
	return be_exec(s, "COMMIT");
}

static int be_binding_purge_expired_all(void *p, int64_t now)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int err = prepare(s, &st, "DELETE FROM registrations "
			  "WHERE expires_at <= ?");
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, now);
	err = map_rc(s->db, sqlite3_step(st));
	sqlite3_finalize(st);
	return err;
}

/* ---- audit log -------------------------------------------------------- */

static int be_audit_add(void *p, int64_t tenant_id,
			const struct store_audit *a)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int err = prepare(s, &st, "INSERT INTO audit_log (tenant_id, at_ms, "
			  "actor, remote, action, resource, before_json, "
			  "after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (err)
		return err;
	if (tenant_id > 0)
		sqlite3_bind_int64(st, 1, tenant_id);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, a->at_ms);
	bind_text(st, 3, a->actor);
	bind_text(st, 4, a->remote);
	bind_text(st, 5, a->action);
	bind_text(st, 6, a->resource);
	bind_opt_text(st, 7, a->before_json);
	bind_opt_text(st, 8, a->after_json);
	return insert(s, st, NULL);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	return v ? strdup((const char *)v) : NULL;
}

static int be_audit_list(void *p, int64_t tenant_id, int64_t after_id,
			 int limit, store_audit_h *h, void *arg)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int err, rc;

	err = prepare(s, &st, "SELECT id, COALESCE(tenant_id, 0), at_ms, "
		      "actor, remote, action, resource, before_json, after_json"
		      " FROM audit_log WHERE (? = 0 OR tenant_id = ?) AND "
		      "id > ? ORDER BY id LIMIT ?");
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int64(st, 2, tenant_id);
	sqlite3_bind_int64(st, 3, after_id);
	sqlite3_bind_int(st, 4, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_audit a = {
			.id = sqlite3_column_int64(st, 0),
			.tenant_id = sqlite3_column_int64(st, 1),
			.at_ms = sqlite3_column_int64(st, 2),
		};
		col_text(st, 3, a.actor, sizeof(a.actor));
		col_text(st, 4, a.remote, sizeof(a.remote));
		col_text(st, 5, a.action, sizeof(a.action));
		col_text(st, 6, a.resource, sizeof(a.resource));
		a.before_json = col_dup(st, 7);
		a.after_json = col_dup(st, 8);
		err = h(&a, arg);
		free(a.before_json);
		free(a.after_json);
		if (err)
			break;
	}
	if (!err)
		err = map_rc(s->db, rc);
	sqlite3_finalize(st);
	return err;
}

/*
 * Work of several statements as one: a transaction of our own when none
 * is open, else a savepoint inside the caller's.  A failed commit (a
 * deferred foreign key) leaves SQLite's transaction open: roll it back.
 */
static int tx_begin(void *p, bool *outer)
{
	struct sqlite_db *s = p;

	*outer = sqlite3_get_autocommit(s->db) != 0;
	return be_exec(s, *outer ? "BEGIN" : "SAVEPOINT store_tx");
}

static int tx_end(void *p, bool outer, int err)
{
	struct sqlite_db *s = p;

	if (!err) {
		err = be_exec(s, outer ? "COMMIT" : "RELEASE store_tx");
		if (!err)
			return 0;
	}
	if (outer) {
		if (!sqlite3_get_autocommit(s->db))
			(void)be_exec(s, "ROLLBACK");
	}
	else {
		(void)be_exec(s, "ROLLBACK TO store_tx");
		(void)be_exec(s, "RELEASE store_tx");
	}
	return err;
}

/* ---- statements written once for both backends (backend.h) ---------- */

/* $1..$n are named parameters to SQLite: each is bound by its name, so
   the SQL may use them in any order, or one several times */
static void bind_args(sqlite3_stmt *st, const struct store_arg *args,
		      int nargs)
{
	char name[16];

	for (int i = 0; i < nargs && i < STORE_RUN_MAX_ARGS; i++) {
		int idx;

		snprintf(name, sizeof(name), "$%d", i + 1);
		idx = sqlite3_bind_parameter_index(st, name);
		if (!idx)
			continue;
		if (args[i].text)
			bind_text(st, idx, args[i].text);
		else
			sqlite3_bind_int64(st, idx, args[i].num);
	}
}

static uint32_t sql_hash(const char *sql)
{
	uint32_t h = 2166136261u;       /* FNV-1a */

	for (; *sql; sql++)
		h = (h ^ (uint8_t)*sql) * 16777619u;
	return h;
}

/* The prepared statement for sql: the cached one (reset), or a new one,
   cached when its slot is free to take; *cp is the slot used, or NULL
   for a statement the caller finalizes. */
static int stmt_get(struct sqlite_db *s, const char *sql, sqlite3_stmt **stp,
		    struct cached_stmt **cp)
{
	uint32_t h = sql_hash(sql);
	struct cached_stmt *c = &s->cache[h % STMT_CACHE];
	int err;

	*cp = NULL;
	if (c->st && !c->busy && c->hash == h && !strcmp(sqlite3_sql(c->st),
							  sql)) {
		*stp = c->st;
		c->busy = true;
		*cp = c;
		return 0;
	}
	err = prepare(s, stp, sql);
	if (err || c->busy)
		return err;
	sqlite3_finalize(c->st);        /* another SQL of the same slot */
	c->st = *stp;
	c->hash = h;
	c->busy = true;
	*cp = c;
	return 0;
}

static void stmt_put(sqlite3_stmt *st, struct cached_stmt *c)
{
	if (!c) {
		sqlite3_finalize(st);
		return;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	c->busy = false;
}

static int be_run(void *p, const char *sql, const struct store_arg *args,
		  int nargs, store_cols_h *row, void *arg, int64_t *changesp)
{
	struct sqlite_db *s = p;
	const char *cols[STORE_RUN_MAX_ARGS * 2];
	struct cached_stmt *c;
	sqlite3_stmt *st = NULL;
	int err, rc, n;

	err = stmt_get(s, sql, &st, &c);
	if (err)
		return err;
	bind_args(st, args, nargs);
	n = sqlite3_column_count(st);
	if (n > (int)(sizeof(cols) / sizeof(cols[0]))) {
		stmt_put(st, c);
		return EINVAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			cols[i] = v ? (const char *)v : "";
		}
		if (row && (err = row(n, cols, arg)))
			break;
	}
	if (!err)
		err = map_rc(s->db, rc);
	stmt_put(st, c);
	if (!err && changesp)
		*changesp = sqlite3_changes(s->db);
	return err;
}

const struct store_backend store_backend_sqlite = {
	.scheme = "sqlite:",
	.id_column = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.strpos = "instr",
	.tx_begin = tx_begin,
	.tx_end = tx_end,
	.open = be_open,
	.close = be_close,
	.errmsg = be_errmsg,
	.exec = be_exec,
	.version = be_version,
	.set_version = be_set_version,
	.audit_add = be_audit_add,
	.audit_list = be_audit_list,
	.binding_foreach_all = be_binding_foreach_all,
	.binding_apply = be_binding_apply,
	.binding_purge_expired_all = be_binding_purge_expired_all,
	.run = be_run,
};
