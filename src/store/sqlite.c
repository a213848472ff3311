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
#include <string.h>
#include <time.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "store/backend.h"

struct sqlite_db {
	sqlite3 *db;
	sqlite3_stmt *bind_upsert;
	sqlite3_stmt *bind_delete;
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

/* ---- call detail records ---------------------------------------------- */

static int cdr_legs_put(struct sqlite_db *s, int64_t cdr_id,
			const struct cdr *c)
{
	sqlite3_stmt *st = NULL;
	int err;

	if (!c->legc)
		return 0;
	err = prepare(s, &st, "INSERT INTO cdr_legs (cdr_id, position, dir, "
		      "peer, device_id, trunk_id, sip_call_id, start_ms, "
		      "answer_ms, end_ms, status, codec, rtp_rx_packets, "
		      "rtp_tx_packets, rtp_rx_bytes, rtp_tx_bytes, rtp_lost, "
		      "jitter_us, rtt_us, peer_loss_ppm, mos_x100) VALUES (?, "
		      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		      "?)");
	for (size_t i = 0; !err && i < c->legc; i++) {
		const struct cdr_leg *l = &c->legs[i];

		sqlite3_bind_int64(st, 1, cdr_id);
		sqlite3_bind_int(st, 2, (int)i);
		bind_text(st, 3, l->dir == CDR_LEG_OUT ? "out" : "in");
		bind_text(st, 4, l->peer);
		sqlite3_bind_int64(st, 5, l->device_id);
		sqlite3_bind_int64(st, 6, l->trunk_id);
		bind_text(st, 7, l->sip_call_id);
		sqlite3_bind_int64(st, 8, l->start_ms);
		sqlite3_bind_int64(st, 9, l->answer_ms);
		sqlite3_bind_int64(st, 10, l->end_ms);
		sqlite3_bind_int(st, 11, l->status);
		bind_text(st, 12, l->codec);
		sqlite3_bind_int64(st, 13, (int64_t)l->rtp_rx_packets);
		sqlite3_bind_int64(st, 14, (int64_t)l->rtp_tx_packets);
		sqlite3_bind_int64(st, 15, (int64_t)l->rtp_rx_bytes);
		sqlite3_bind_int64(st, 16, (int64_t)l->rtp_tx_bytes);
		sqlite3_bind_int64(st, 17, l->rtp_lost);
		sqlite3_bind_int64(st, 18, (int64_t)(l->jitter_ms * 1000.0));
		sqlite3_bind_int64(st, 19, cdr_quality_int(l->rtt_ms, 1000.0));
		sqlite3_bind_int64(st, 20,
				   cdr_quality_int(l->peer_loss_pct, 10000.0));
		sqlite3_bind_int64(st, 21, (int64_t)(l->mos * 100.0 + 0.5));
		err = map_rc(s->db, sqlite3_step(st));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return err;
}

/* a record already there (same tenant and uuid) is left as it is */
static int be_cdr_insert(void *p, const struct cdr *c)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	bool outer;
	int err = tx_begin(s, &outer);

	if (!err)
		err = prepare(s, &st, "INSERT INTO cdrs (tenant_id, uuid, "
			      "site_id, trunk_id, caller_user_id, "
			      "callee_user_id, caller, caller_name, dialled, "
			      "callee, context, start_ms, answer_ms, end_ms, "
			      "duration_s, billsec, disposition, sip_status, "
			      "q850_cause, hangup_by, codec, forwarded_by, "
			      "forward_reason, feature, feature_by) VALUES (?, "
			      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			      "?, ?, ?, ?, ?, ?, ?, ?) "
			      "ON CONFLICT (tenant_id, uuid) DO NOTHING");
	if (!err) {
		sqlite3_bind_int64(st, 1, c->tenant_id);
		bind_text(st, 2, c->uuid);
		sqlite3_bind_int64(st, 3, c->site_id);
		sqlite3_bind_int64(st, 4, c->trunk_id);
		sqlite3_bind_int64(st, 5, c->caller_user_id);
		sqlite3_bind_int64(st, 6, c->callee_user_id);
		bind_text(st, 7, c->caller);
		bind_text(st, 8, c->caller_name);
		bind_text(st, 9, c->dialled);
		bind_text(st, 10, c->callee);
		bind_text(st, 11, c->context);
		sqlite3_bind_int64(st, 12, c->start_ms);
		sqlite3_bind_int64(st, 13, c->answer_ms);
		sqlite3_bind_int64(st, 14, c->end_ms);
		sqlite3_bind_int64(st, 15, c->duration_s);
		sqlite3_bind_int64(st, 16, c->billsec);
		bind_text(st, 17, store_cdr_disposition_word(c->disposition));
		sqlite3_bind_int(st, 18, c->sip_status);
		sqlite3_bind_int(st, 19, c->q850_cause);
		bind_text(st, 20, store_cdr_party_word(c->hangup_by));
		bind_text(st, 21, c->codec);
		bind_text(st, 22, c->forwarded_by);
		bind_text(st, 23, c->forward_reason);
		bind_text(st, 24, c->feature);
		bind_text(st, 25, c->feature_by);
		err = insert(s, st, &id);
		if (!err && sqlite3_changes(s->db) == 0)
			id = 0;         /* written before: nothing to add */
	}
	if (!err && id)
		err = cdr_legs_put(s, id, c);
	return tx_end(s, outer, err);
}

/*
 * One page of records joined with their legs (one row per leg, the rows
 * of a record together, in leg order), folded back into struct cdr.
 * The page is chosen in the subquery, so LIMIT counts records, not legs.
 */
#define CDR_COLS "c.id, c.tenant_id, c.uuid, c.site_id, c.trunk_id, " \
	"c.caller_user_id, c.callee_user_id, c.caller, c.caller_name, " \
	"c.dialled, c.callee, c.context, c.start_ms, c.answer_ms, c.end_ms, " \
	"c.duration_s, c.billsec, c.disposition, c.sip_status, " \
	"c.q850_cause, c.hangup_by, c.codec, c.forwarded_by, " \
	"c.forward_reason, c.feature, c.feature_by"
#define LEG_COLS "l.position, l.dir, l.peer, l.device_id, l.trunk_id, " \
	"l.sip_call_id, l.start_ms, l.answer_ms, l.end_ms, l.status, " \
	"l.codec, l.rtp_rx_packets, l.rtp_tx_packets, l.rtp_rx_bytes, " \
	"l.rtp_tx_bytes, l.rtp_lost, l.jitter_us, l.rtt_us, " \
	"l.peer_loss_ppm, l.mos_x100"
enum { CDR_NCOLS = 26 };

static void cdr_row(sqlite3_stmt *st, struct cdr *c)
{
	char word[16];

	memset(c, 0, sizeof(*c));
	c->tenant_id = sqlite3_column_int64(st, 1);
	col_text(st, 2, c->uuid, sizeof(c->uuid));
	c->site_id = sqlite3_column_int64(st, 3);
	c->trunk_id = sqlite3_column_int64(st, 4);
	c->caller_user_id = sqlite3_column_int64(st, 5);
	c->callee_user_id = sqlite3_column_int64(st, 6);
	col_text(st, 7, c->caller, sizeof(c->caller));
	col_text(st, 8, c->caller_name, sizeof(c->caller_name));
	col_text(st, 9, c->dialled, sizeof(c->dialled));
	col_text(st, 10, c->callee, sizeof(c->callee));
	col_text(st, 11, c->context, sizeof(c->context));
	c->start_ms = sqlite3_column_int64(st, 12);
	c->answer_ms = sqlite3_column_int64(st, 13);
	c->end_ms = sqlite3_column_int64(st, 14);
	c->duration_s = sqlite3_column_int64(st, 15);
	c->billsec = sqlite3_column_int64(st, 16);
	col_text(st, 17, word, sizeof(word));
	c->disposition = store_cdr_disposition_parse(word);
	c->sip_status = (uint16_t)sqlite3_column_int(st, 18);
	c->q850_cause = (uint16_t)sqlite3_column_int(st, 19);
	col_text(st, 20, word, sizeof(word));
	c->hangup_by = store_cdr_party_parse(word);
	col_text(st, 21, c->codec, sizeof(c->codec));
	col_text(st, 22, c->forwarded_by, sizeof(c->forwarded_by));
	col_text(st, 23, c->forward_reason, sizeof(c->forward_reason));
	col_text(st, 24, c->feature, sizeof(c->feature));
	col_text(st, 25, c->feature_by, sizeof(c->feature_by));
}

static void leg_row(sqlite3_stmt *st, struct cdr_leg *l)
{
	const int b = CDR_NCOLS;
	char dir[8];

	col_text(st, b + 1, dir, sizeof(dir));
	l->dir = strcmp(dir, "out") ? CDR_LEG_IN : CDR_LEG_OUT;
	col_text(st, b + 2, l->peer, sizeof(l->peer));
	l->device_id = sqlite3_column_int64(st, b + 3);
	l->trunk_id = sqlite3_column_int64(st, b + 4);
	col_text(st, b + 5, l->sip_call_id, sizeof(l->sip_call_id));
	l->start_ms = sqlite3_column_int64(st, b + 6);
	l->answer_ms = sqlite3_column_int64(st, b + 7);
	l->end_ms = sqlite3_column_int64(st, b + 8);
	l->status = (uint16_t)sqlite3_column_int(st, b + 9);
	col_text(st, b + 10, l->codec, sizeof(l->codec));
	l->rtp_rx_packets = (uint64_t)sqlite3_column_int64(st, b + 11);
	l->rtp_tx_packets = (uint64_t)sqlite3_column_int64(st, b + 12);
	l->rtp_rx_bytes = (uint64_t)sqlite3_column_int64(st, b + 13);
	l->rtp_tx_bytes = (uint64_t)sqlite3_column_int64(st, b + 14);
	l->rtp_lost = (uint32_t)sqlite3_column_int64(st, b + 15);
	l->jitter_ms = (double)sqlite3_column_int64(st, b + 16) / 1000.0;
	l->rtt_ms = cdr_quality_double(sqlite3_column_int64(st, b + 17),
				       1000.0);
	l->peer_loss_pct = cdr_quality_double(sqlite3_column_int64(st, b + 18),
					      10000.0);
	l->mos = (double)sqlite3_column_int64(st, b + 19) / 100.0;
}

static int be_cdr_list(void *p, int64_t tenant_id, int64_t user_id,
		       int64_t from_ms, int64_t to_ms, int64_t after_id,
		       int limit, store_cdr_h *h, void *arg)
{
	struct sqlite_db *s = p;
	sqlite3_stmt *st = NULL;
	struct cdr *c;
	int64_t cur = 0;
	int err, rc;

	c = malloc(sizeof(*c));
	if (!c)
		return ENOMEM;
	err = prepare(s, &st, "SELECT " CDR_COLS ", " LEG_COLS " FROM "
		      "(SELECT * FROM cdrs WHERE tenant_id = ?1 AND "
		      "start_ms >= ?2 AND start_ms < ?3 AND (?4 = 0 OR "
		      "caller_user_id = ?4 OR callee_user_id = ?4) AND "
		      "(?5 = 0 OR (start_ms, id) > (SELECT start_ms, id FROM "
		      "cdrs WHERE tenant_id = ?1 AND id = ?5)) "
		      "ORDER BY start_ms, id LIMIT ?6) c "
		      "LEFT JOIN cdr_legs l ON l.cdr_id = c.id "
		      "ORDER BY c.start_ms, c.id, l.position");
	if (err) {
		free(c);
		return err;
	}
	sqlite3_bind_int64(st, 1, tenant_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	sqlite3_bind_int64(st, 4, user_id);
	sqlite3_bind_int64(st, 5, after_id);
	sqlite3_bind_int(st, 6, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (id != cur) {
			if (cur && (err = h(cur, c, arg)))
				break;
			cur = id;
			cdr_row(st, c);
		}
		if (sqlite3_column_type(st, CDR_NCOLS) != SQLITE_NULL &&
		    c->legc < CDR_MAX_LEGS)
			leg_row(st, &c->legs[c->legc++]);
	}
	if (!err)
		err = map_rc(s->db, rc);
	if (!err && cur)
		err = h(cur, c, arg);
	sqlite3_finalize(st);
	free(c);
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

static int be_run(void *p, const char *sql, const struct store_arg *args,
		  int nargs, store_cols_h *row, void *arg, int64_t *changesp)
{
	struct sqlite_db *s = p;
	const char *cols[STORE_RUN_MAX_ARGS * 2];
	sqlite3_stmt *st = NULL;
	int err, rc, n;

	err = prepare(s, &st, sql);
	if (err)
		return err;
	bind_args(st, args, nargs);
	n = sqlite3_column_count(st);
	if (n > (int)(sizeof(cols) / sizeof(cols[0]))) {
		sqlite3_finalize(st);
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
	sqlite3_finalize(st);
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
	.cdr_insert = be_cdr_insert,
	.cdr_list = be_cdr_list,
	.binding_foreach_all = be_binding_foreach_all,
	.binding_apply = be_binding_apply,
	.binding_purge_expired_all = be_binding_purge_expired_all,
	.run = be_run,
};
