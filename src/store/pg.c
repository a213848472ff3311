/**
 * @file pg.c  PostgreSQL backend (libpq), behind the same functions as the
 * embedded SQLite one.
 *
 * The URL (postgresql://... or postgres://...) goes to libpq whole, so
 * every libpq URL parameter works (sslmode, connect_timeout, ...).  Most
 * queries are written once for both backends in the object files of
 * store/ and reach this one through run(); what stays here is the
 * schema version, the batched registration writes, the audit log and
 * call records.  Parameters are always bound ($1..) and sent as text,
 * and results are read as text, which keeps the code free of type
 * OIDs.  Errors map to the same errno values as sqlite.c:
 * any integrity violation (class 23) is EEXIST, lock and serialisation
 * conflicts are EBUSY.
 *
 * Result sets are fetched whole before the callbacks run, so a callback may
 * query the same connection (dir_load lists devices inside the tenant
 * walk), as with SQLite.
 *
 * The write path of registrations (binding_apply) uses two statements
 * prepared once per connection and sends a batch in libpq pipeline mode,
 * a few hundred rows per round trip, inside one explicit transaction.
 * Because a failed statement aborts a PostgreSQL transaction (SQLite just
 * reports it), the upsert inserts only when the device still exists,
 * instead of relying on the foreign key failing for that row.
 *
 * If the server goes away, the next call outside a transaction reconnects;
 * inside one, calls fail until the caller rolls back.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "store/backend.h"

enum {
	MAX_PARAMS = 32,
	PIPE_ROWS = 256,    /**< binding rows per pipeline round trip */
};

struct pg_db {
	PGconn *conn;
	char *url;            /**< owned, to reconnect */
	bool prepared;        /**< binding statements exist on conn */
	bool in_tx;           /**< last known: inside a transaction */
	char sqlstate[6];     /**< of the last failure, "" if none */
	char err[512];        /**< message of the last failure */
};

/* bound values, as text; NULL is SQL NULL */
struct params {
	int n;
	const char *v[MAX_PARAMS];
	char num[MAX_PARAMS][24];
};

static void p_text(struct params *p, const char *s)
{
	assert(p->n < MAX_PARAMS);
	p->v[p->n++] = s;
}

/* empty strings are stored as NULL where the column is optional */
static void p_opt(struct params *p, const char *s)
{
	p_text(p, (s && s[0]) ? s : NULL);
}

static void p_int(struct params *p, int64_t x)
{
	assert(p->n < MAX_PARAMS);
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, x);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

/* 0 = none (NULL) for optional references */
static void p_ref(struct params *p, int64_t id)
{
	if (id > 0)
		p_int(p, id);
	else
		p_text(p, NULL);
}

static int64_t get_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* NULL reads as "", as in sqlite.c */
static void get_text(const PGresult *r, int row, int col, char *dst,
		     size_t size)
{
	snprintf(dst, size, "%s", PQgetvalue(r, row, col));
}

/* libpq's messages end in a newline and may span lines: make them one */
static void set_err(struct pg_db *d, const char *msg)
{
	size_t n;

	snprintf(d->err, sizeof(d->err), "%s", msg ? msg : "unknown error");
	for (char *c = d->err; *c; c++) {
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	}
	n = strlen(d->err);
	while (n && d->err[n - 1] == ' ')
		d->err[--n] = '\0';
}

static bool conn_ok(const struct pg_db *d)
{
	return d->conn && PQstatus(d->conn) == CONNECTION_OK;
}

/* the connection itself failed (no SQLSTATE); retrying may work */
static int conn_fail(struct pg_db *d)
{
	d->sqlstate[0] = '\0';
	set_err(d, d->conn ? PQerrorMessage(d->conn) : "not connected");
	if (conn_ok(d)) {
		log_debug("store", "postgresql: %s", d->err);
		return EIO;
	}
	return EBUSY;
}

static int map_sqlstate(const char *s)
{
	if (!strncmp(s, "23", 2))
		return EEXIST;          /* integrity constraint violation */
	if (!strcmp(s, "40001") || !strcmp(s, "40P01") ||
	    !strcmp(s, "55P03") || !strcmp(s, "55006") ||
	    !strcmp(s, "53300") || !strncmp(s, "57P0", 4) ||
	    !strncmp(s, "08", 2))
		return EBUSY;           /* conflicts, shutdowns, connections */
	if (!strcmp(s, "53200"))
		return ENOMEM;
	return EIO;
}

/* a failed result: remember why and map it */
static int result_fail(struct pg_db *d, const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	char msg[512];
	int err;

	if (!state || !primary)
		return conn_fail(d);

	snprintf(d->sqlstate, sizeof(d->sqlstate), "%s", state);
	snprintf(msg, sizeof(msg), "%s%s%s", primary, detail ? ": " : "",
		 detail ? detail : "");
	set_err(d, msg);
	err = map_sqlstate(state);
	if (err == EIO)
		log_debug("store", "postgresql: %s (%s)", d->err, state);
	return err;
}

static void note_tx(struct pg_db *d)
{
	if (conn_ok(d))
		d->in_tx = PQtransactionStatus(d->conn) != PQTRANS_IDLE;
}

/* check a result and free it unless the caller wants it */
static int finish(struct pg_db *d, PGresult *r, PGresult **resp)
{
	int err = 0;

	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	default:
		err = r ? result_fail(d, r) : conn_fail(d);
		break;
	}
	note_tx(d);
	if (!err && resp)
		*resp = r;
	else
		PQclear(r);
	return err;
}

/* NOTICEs ("relation already exists, skipping") are for debugging only;
 * libpq would print them on stderr */
static void notice(void *arg, const char *msg)
{
	char line[512];
	size_t n;

	(void)arg;
	if (!log_enabled(LOGL_DEBUG))
		return;
	snprintf(line, sizeof(line), "%s", msg);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = '\0';
	log_debug("store", "postgresql: %s", line);
}

static PGconn *connect_url(const char *url)
{
	/* defaults first: anything in the URL overrides them */
	static const char *const keys[] = {
		"connect_timeout", "client_encoding",
		"fallback_application_name", "dbname", NULL,
	};
	const char *vals[] = {"10", "UTF8", "centrexd", url, NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);

	if (c && PQstatus(c) == CONNECTION_OK)
		PQsetNoticeProcessor(c, notice, NULL);
	return c;
}

/* before each call: a lost connection is reopened, unless a transaction
 * was open on it (the caller must learn it is gone: rollback first) */
static int ready(struct pg_db *d)
{
	if (conn_ok(d))
		return 0;
	if (d->in_tx) {
		d->sqlstate[0] = '\0';
		set_err(d, "connection to PostgreSQL lost inside a "
			"transaction");
		return EIO;
	}
	PQfinish(d->conn);
	d->prepared = false;
	d->conn = connect_url(d->url);
	if (!conn_ok(d))
		return conn_fail(d);
	log_notice("store", "reconnected to PostgreSQL");
	return 0;
}

/* one statement with parameters; *resp (if given) gets the result */
static int query(struct pg_db *d, const char *sql, const struct params *p,
		 PGresult **resp)
{
	int err = ready(d);
	if (err)
		return err;
	return finish(d, PQexecParams(d->conn, sql, p ? p->n : 0, NULL,
				      p ? p->v : NULL, NULL, NULL, 0), resp);
}

/* a page of a tenant's rows: $1 tenant, $2 the last id seen, $3 the
   page size */
static int query_page(struct pg_db *d, int64_t tenant_id, int64_t after_id,
		      int limit, const char *sql, PGresult **resp)
{
	struct params q = {0};

	p_int(&q, tenant_id);
	p_int(&q, after_id);
	p_int(&q, limit);
	return query(d, sql, &q, resp);
}

static const char *be_errmsg(void *p)
{
	struct pg_db *d = p;
	return d->err[0] ? d->err : "not an error";
}

/* plain SQL, possibly several statements (migrations); no parameters */
static int be_exec(void *p, const char *sql)
{
	struct pg_db *d = p;
	int err;

	/* the server rolled back when the connection dropped */
	if (!conn_ok(d) && d->in_tx && !strcasecmp(sql, "ROLLBACK")) {
		d->in_tx = false;
		return 0;
	}
	err = ready(d);
	if (err)
		return err;
	return finish(d, PQexec(d->conn, sql), NULL);
}

static void be_close(void *p)
{
	struct pg_db *d = p;

	if (!d)
		return;
	PQfinish(d->conn);
	free(d->url);
	free(d);
}

/* arg is the URL without its scheme; both schemes mean the same to libpq */
static int be_open(void **dbp, const char *arg, char *errbuf, size_t errsz)
{
	static const char scheme[] = "postgresql://";
	struct pg_db *d;

	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->url = malloc(sizeof(scheme) + strlen(arg));
	if (!d->url) {
		free(d);
		return ENOMEM;
	}
	memcpy(d->url, scheme, sizeof(scheme) - 1);
	strcpy(d->url + sizeof(scheme) - 1, arg);

	d->conn = connect_url(d->url);
	if (!conn_ok(d)) {
		/* not the URL: it may hold a password */
		(void)conn_fail(d);
		snprintf(errbuf, errsz, "store.url: cannot connect to "
			 "PostgreSQL: %s", d->err);
		be_close(d);
		return EIO;
	}
	*dbp = d;
	return 0;
}

static int be_version(void *p, int *versionp)
{
	struct pg_db *d = p;
	PGresult *r = NULL;
	int err;

	err = be_exec(d, "CREATE TABLE IF NOT EXISTS schema_version "
		      "(version INTEGER NOT NULL)");
	if (!err)
		err = query(d, "SELECT COALESCE(MAX(version), 0) "
			    "FROM schema_version", NULL, &r);
	if (err)
		return err;
	*versionp = (int)get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int be_set_version(void *p, int version)
{
	struct params q = {0};

	p_int(&q, version);
	return query(p, "INSERT INTO schema_version (version) VALUES ($1)",
		     &q, NULL);
}

/* ---- audit log -------------------------------------------------------- */

typedef void (row_fn)(const PGresult *r, int i, void *out);

/* tenant_id 0: an operator-level entry (NULL tenant) */
static int be_audit_add(void *p, int64_t tenant_id,
			const struct store_audit *a)
{
	struct params q = {0};

	p_ref(&q, tenant_id);
	p_int(&q, a->at_ms);
	p_text(&q, a->actor);
	p_text(&q, a->remote);
	p_text(&q, a->action);
	p_text(&q, a->resource);
	p_opt(&q, a->before_json);
	p_opt(&q, a->after_json);
	return query(p, "INSERT INTO audit_log (tenant_id, at_ms, actor, "
		     "remote, action, resource, before_json, after_json) "
		     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &q, NULL);
}

/* NULL stays NULL; ENOMEM leaves NULL too, as sqlite.c's strdup does */
static char *get_dup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL
					: strdup(PQgetvalue(r, row, col));
}

/* tenant_id 0: every tenant's and the operator's entries */
static int be_audit_list(void *p, int64_t tenant_id, int64_t after_id,
			 int limit, store_audit_h *h, void *arg)
{
	PGresult *r = NULL;
	int err = query_page(p, tenant_id, after_id, limit,
		"SELECT id, COALESCE(tenant_id, 0), at_ms, actor, "
		"remote, action, resource, before_json, after_json "
		"FROM audit_log WHERE ($1::bigint = 0 OR tenant_id = $1) "
		"AND id > $2 ORDER BY id LIMIT $3", &r);
	for (int i = 0; !err && i < PQntuples(r); i++) {
		struct store_audit a = {
			.id = get_int(r, i, 0),
			.tenant_id = get_int(r, i, 1),
			.at_ms = get_int(r, i, 2),
		};
		get_text(r, i, 3, a.actor, sizeof(a.actor));
		get_text(r, i, 4, a.remote, sizeof(a.remote));
		get_text(r, i, 5, a.action, sizeof(a.action));
		get_text(r, i, 6, a.resource, sizeof(a.resource));
		a.before_json = get_dup(r, i, 7);
		a.after_json = get_dup(r, i, 8);
		err = h(&a, arg);
		free(a.before_json);
		free(a.after_json);
	}
	PQclear(r);
	return err;
}

/* ---- registrations ---------------------------------------------------- */

static int be_binding_foreach_all(void *p, store_binding_h *h, void *arg)
{
	PGresult *r = NULL;
	int err = query(p, "SELECT tenant_id, device_id, contact, expires_at,"
			" q_milli, call_id, cseq, transport, source, user_agent"
			" FROM registrations ORDER BY tenant_id, device_id",
			NULL, &r);

	for (int i = 0; !err && i < PQntuples(r); i++) {
		struct store_binding b = {
			.tenant_id = get_int(r, i, 0),
			.device_id = get_int(r, i, 1),
			.expires_at = get_int(r, i, 3),
			.q_milli = (int)get_int(r, i, 4),
			.cseq = (uint32_t)get_int(r, i, 6),
		};
		get_text(r, i, 2, b.contact, sizeof(b.contact));
		get_text(r, i, 5, b.call_id, sizeof(b.call_id));
		get_text(r, i, 7, b.transport, sizeof(b.transport));
		get_text(r, i, 8, b.source, sizeof(b.source));
		get_text(r, i, 9, b.user_agent, sizeof(b.user_agent));
		err = h(&b, arg);
	}
	PQclear(r);
	return err;
}

#define BIND_UPSERT "centrex_bind_upsert"
#define BIND_DELETE "centrex_bind_delete"

/* Only for a device of that tenant that still exists: where SQLite skips
 * the row the foreign key refuses, here the whole transaction would fail.
 * The casts give the SELECT's output columns their types. */
static int prepare_bindings(struct pg_db *d)
{
	int err;

	if (d->prepared)
		return 0;
	err = finish(d, PQprepare(d->conn, BIND_UPSERT,
		"INSERT INTO registrations (tenant_id, device_id, contact,"
		" expires_at, q_milli, call_id, cseq, transport, source,"
		" user_agent) "
		"SELECT $1::bigint, $2::bigint, $3::text, $4::bigint,"
		" $5::integer, $6::text, $7::bigint, $8::text, $9::text,"
		" $10::text "
		"WHERE EXISTS (SELECT 1 FROM devices"
		" WHERE tenant_id = $1::bigint AND id = $2::bigint) "
		"ON CONFLICT (tenant_id, device_id, contact) DO "
		"UPDATE SET expires_at = excluded.expires_at,"
		" q_milli = excluded.q_milli,"
		" call_id = excluded.call_id,"
		" cseq = excluded.cseq,"
		" transport = excluded.transport,"
		" source = excluded.source,"
		" user_agent = excluded.user_agent", 10, NULL), NULL);
	if (!err)
		err = finish(d, PQprepare(d->conn, BIND_DELETE,
			"DELETE FROM registrations WHERE tenant_id = $1"
			" AND device_id = $2 AND contact = $3", 3, NULL), NULL);
	if (!err)
		d->prepared = true;
	return err;
}

/* Registration fields come from SIP peers as bytes (and the registrar cuts
 * User-Agent at a byte count); PostgreSQL refuses text that is not UTF-8,
 * which would fail the whole batch.  Such bytes become '?', the same way
 * for the upsert and the delete of a contact. */
static const char *utf8_text(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	for (n = 0; p[n]; n += store_utf8_seq(p + n)) {
		if (!store_utf8_seq(p + n))
			break;
	}
	if (!p[n])
		return s;           /* valid: the usual case */

	while (*p && o + 1 < size) {
		n = store_utf8_seq(p);
		if (!n) {
			buf[o++] = '?';
			p++;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(buf + o, p, n);
		o += n;
		p += n;
	}
	buf[o] = '\0';
	return buf;
}

static int send_binding(struct pg_db *d, const struct store_binding *b)
{
	struct store_binding c;  /* room for cleaned copies of the texts */
	struct params q = {0};

	p_int(&q, b->tenant_id);
	p_int(&q, b->device_id);
	p_text(&q, utf8_text(b->contact, c.contact, sizeof(c.contact)));
	if (b->remove)
		return PQsendQueryPrepared(d->conn, BIND_DELETE, q.n, q.v,
					   NULL, NULL, 0) ? 0 : conn_fail(d);
	p_int(&q, b->expires_at);
	p_int(&q, b->q_milli);
	p_text(&q, utf8_text(b->call_id, c.call_id, sizeof(c.call_id)));
	p_int(&q, b->cseq);
	p_text(&q, utf8_text(b->transport, c.transport, sizeof(c.transport)));
	p_text(&q, utf8_text(b->source, c.source, sizeof(c.source)));
	p_text(&q, utf8_text(b->user_agent, c.user_agent,
			     sizeof(c.user_agent)));
	return PQsendQueryPrepared(d->conn, BIND_UPSERT, q.n, q.v, NULL, NULL,
				   0) ? 0 : conn_fail(d);
}

/* read the results of `sent` pipelined statements and their sync point;
 * after a failure the rest come back as PGRES_PIPELINE_ABORTED */
static int drain(struct pg_db *d, size_t sent)
{
	size_t nulls = 0;
	int err = 0;

	for (;;) {
		PGresult *r = PQgetResult(d->conn);

		if (!r) {
			/* one NULL ends each statement's results */
			if (!conn_ok(d) || ++nulls > sent)
				return err ? err : conn_fail(d);
			continue;
		}
		switch (PQresultStatus(r)) {
		case PGRES_PIPELINE_SYNC:
			PQclear(r);
			return err;
		case PGRES_FATAL_ERROR:
			if (!err)
				err = result_fail(d, r);
			break;
		default:
			break;
		}
		PQclear(r);
	}
}

static int apply_batch(struct pg_db *d, const struct store_binding *v,
		       size_t n)
{
	int err;

	/* BEGIN inside a transaction would only warn, and our COMMIT would
	 * then end the caller's transaction: refuse, as SQLite does */
	if (d->in_tx) {
		d->sqlstate[0] = '\0';
		set_err(d, "binding_apply: a transaction is already open");
		return EIO;
	}
	err = ready(d);
	if (!err)
		err = prepare_bindings(d);
	if (!err)
		err = be_exec(d, "BEGIN");
	if (err)
		return err;

	if (!PQenterPipelineMode(d->conn))
		err = conn_fail(d);
	for (size_t i = 0; !err && i < n; i += PIPE_ROWS) {
		size_t sent = 0, m = n - i < PIPE_ROWS ? n - i : PIPE_ROWS;
		int e;

		while (!err && sent < m) {
			err = send_binding(d, &v[i + sent]);
			if (!err)
				sent++;
		}
		if (!PQpipelineSync(d->conn)) {
			err = err ? err : conn_fail(d);
			break;
		}
		e = drain(d, sent);
		err = err ? err : e;
	}
	if (conn_ok(d))
		(void)PQexitPipelineMode(d->conn);

	if (!err)
		return be_exec(d, "COMMIT");
	/* the first error is the one to report, not the rollback's */
	if (conn_ok(d))
		PQclear(PQexec(d->conn, "ROLLBACK"));
	if (conn_ok(d))
		note_tx(d);
	else
		d->in_tx = false;   /* the server rolled back */
	return err;
}

/* one transaction for the whole batch; the caller retries a failed batch */
static int be_binding_apply(void *p, const struct store_binding *v, size_t n)
{
	struct pg_db *d = p;
	int err;

	if (!n)
		return 0;
	err = apply_batch(d, v, n);
	/* a device deleted after the EXISTS saw it: again, now skipped */
	if (err == EEXIST && !strcmp(d->sqlstate, "23503"))
		err = apply_batch(d, v, n);
	return err;
}

static int be_binding_purge_expired_all(void *p, int64_t now)
{
	struct params q = {0};

	p_int(&q, now);
	return query(p, "DELETE FROM registrations WHERE expires_at <= $1",
		     &q, NULL);
}

/* both URL schemes share every function */
#define PG_BACKEND_FUNCTIONS                                          \
	.id_column = "BIGSERIAL PRIMARY KEY",                        \
	.strpos = "strpos",                                           \
	.tx_begin = tx_begin,                                         \
	.tx_end = tx_end,                                             \
	.open = be_open,                                              \
	.close = be_close,                                            \
	.errmsg = be_errmsg,                                          \
	.exec = be_exec,                                              \
	.version = be_version,                                        \
	.set_version = be_set_version,                                \
	.audit_add = be_audit_add,                                    \
	.audit_list = be_audit_list,                                  \
	.binding_foreach_all = be_binding_foreach_all,                \
	.binding_apply = be_binding_apply,                            \
	.binding_purge_expired_all = be_binding_purge_expired_all,   \
	.run = be_run

/*
 * Work of several statements as one: a transaction of our own when none
 * is open, else a savepoint inside the caller's.  A failed COMMIT (a
 * deferred foreign key) has already ended the transaction on the server;
 * the ROLLBACK after it only warns.
 */
static int tx_begin(void *p, bool *outer)
{
	struct pg_db *d = p;

	*outer = !d->in_tx;
	return be_exec(d, *outer ? "BEGIN" : "SAVEPOINT store_tx");
}

static int tx_end(void *p, bool outer, int err)
{
	struct pg_db *d = p;

	if (!err) {
		err = be_exec(d, outer ? "COMMIT"
				       : "RELEASE SAVEPOINT store_tx");
		if (!err)
			return 0;
	}
	/* the first error is the one to report, not the rollback's */
	if (!conn_ok(d)) {
		if (outer)
			d->in_tx = false;   /* the server rolled back */
		return err;
	}
	if (outer) {
		PQclear(PQexec(d->conn, "ROLLBACK"));
	}
	else {
		PQclear(PQexec(d->conn, "ROLLBACK TO SAVEPOINT store_tx"));
		PQclear(PQexec(d->conn, "RELEASE SAVEPOINT store_tx"));
	}
	note_tx(d);
	return err;
}

/* ---- statements written once for both backends (backend.h) ---------- */

static int be_run(void *p, const char *sql, const struct store_arg *args,
		  int nargs, store_cols_h *row, void *arg, int64_t *changesp)
{
	struct pg_db *d = p;
	const char *cols[STORE_RUN_MAX_ARGS * 2];
	struct params q = {0};
	PGresult *r = NULL;
	int err, n;

	if (nargs > MAX_PARAMS)
		return EINVAL;
	for (int i = 0; i < nargs; i++) {
		if (args[i].text)
			p_text(&q, args[i].text);
		else
			p_int(&q, args[i].num);
	}
	err = query(d, sql, &q, &r);
	if (err)
		return err;
	n = PQnfields(r);
	if (n > (int)(sizeof(cols) / sizeof(cols[0]))) {
		PQclear(r);
		return EINVAL;
	}
	/* the whole result is here: a row handler may query again */
	for (int i = 0; row && !err && i < PQntuples(r); i++) {
		for (int c = 0; c < n; c++)
			cols[c] = PQgetvalue(r, i, c);
		err = row(n, cols, arg);
	}
	if (!err && changesp)
		*changesp = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return err;
}

const struct store_backend store_backend_pg = {
	.scheme = "postgresql://",
	PG_BACKEND_FUNCTIONS,
};

const struct store_backend store_backend_pg_alias = {
	.scheme = "postgres://",
	PG_BACKEND_FUNCTIONS,
};
