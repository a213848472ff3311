/**
 * @file store.c  Backend selection, migrations, and forwarding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "cdr/cdr.h"
#include "store/backend.h"

struct store {
	const struct store_backend *be;
	void *db;
};

static const struct store_backend *backends[] = {
	&store_backend_sqlite,
	&store_backend_pg,
	&store_backend_pg_alias,
};

int store_open(struct store **stp, const char *url, char *errbuf,
	       size_t errsz)
{
	const struct store_backend *be = NULL;
	struct store *st;
	int err;

	if (!stp || !url)
		return EINVAL;

	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i]->scheme);
		if (!strncmp(url, backends[i]->scheme, n)) {
			be = backends[i];
			url += n;
			break;
		}
	}
	if (!be) {
		snprintf(errbuf, errsz, "store.url: no backend for '%s' "
			 "(use sqlite:PATH or postgresql://...)", url);
		return ENOTSUP;
	}

	st = calloc(1, sizeof(*st));
	if (!st)
		return ENOMEM;
	st->be = be;
	err = be->open(&st->db, url, errbuf, errsz);
	if (err) {
		free(st);
		return err;
	}
	*stp = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	st->be->close(st->db);
	free(st);
}

const char *store_errmsg(struct store *st)
{
	return st ? st->be->errmsg(st->db) : "no store";
}

int store_begin(struct store *st)
{
	return st->be->exec(st->db, "BEGIN");
}

int store_commit(struct store *st)
{
	return st->be->exec(st->db, "COMMIT");
}

int store_rollback(struct store *st)
{
	return st->be->exec(st->db, "ROLLBACK");
}

int store_version(struct store *st, int *versionp)
{
	return st->be->version(st->db, versionp);
}

/* "%ID%" -> the backend's primary key column DDL */
static char *expand(const char *sql, const char *id)
{
	size_t n = 0, idl = strlen(id);
	const char *p;
	char *out, *o;

	for (p = sql; (p = strstr(p, "%ID%")); p += 4)
		n++;
	out = malloc(strlen(sql) + n * idl + 1);
	if (!out)
		return NULL;
	for (o = out; *sql;) {
		if (!strncmp(sql, "%ID%", 4)) {
			memcpy(o, id, idl);
			o += idl;
			sql += 4;
		}
		else {
			*o++ = *sql++;
		}
	}
	*o = '\0';
	return out;
}

int store_migrate(struct store *st, int *versionp)
{
	int version = 0, err;

	err = st->be->version(st->db, &version);
	if (err)
		return err;

	for (size_t i = 0; i < store_migrations_len; i++) {
		const struct store_migration *m = &store_migrations[i];
		char *sql;

		if (m->version <= version)
			continue;
		sql = expand(m->sql, st->be->id_column);
		if (!sql)
			return ENOMEM;
		err = store_begin(st);
		if (!err)
			err = st->be->exec(st->db, sql);
		if (!err)
			err = st->be->set_version(st->db, m->version);
		if (!err)
			err = store_commit(st);
		free(sql);
		if (err) {
			log_error("store", "migration %d (%s) failed: %s",
				  m->version, m->what, store_errmsg(st));
			(void)store_rollback(st);
			return err;
		}
		log_info("store", "migrated schema to version %d: %s",
			 m->version, m->what);
		version = m->version;
	}
	if (versionp)
		*versionp = version;
	return 0;
}

int store_run(struct store *st, const char *sql,
	      const struct store_arg *args, int nargs, store_cols_h *row,
	      void *arg, int64_t *changesp)
{
	if (!st || !sql || nargs < 0 || nargs > STORE_RUN_MAX_ARGS)
		return EINVAL;
	return st->be->run(st->db, sql, args, nargs, row, arg, changesp);
}

int store_tx_begin(struct store *st, bool *outer)
{
	return st->be->tx_begin(st->db, outer);
}

int store_tx_end(struct store *st, bool outer, int err)
{
	return st->be->tx_end(st->db, outer, err);
}

const char *store_sql_strpos(struct store *st)
{
	return st->be->strpos;
}

struct one_row {
	store_cols_h *row;
	void *arg;
	bool seen;
};

static int first_row(int n, const char *const *cols, void *arg)
{
	struct one_row *o = arg;

	if (o->seen)
		return 0;
	o->seen = true;
	return o->row(n, cols, o->arg);
}

int store_run_one(struct store *st, const char *sql,
		  const struct store_arg *args, int nargs, store_cols_h *row,
		  void *arg)
{
	struct one_row o = {row, arg, false};
	int err;

	if (!row)
		return EINVAL;
	err = store_run(st, sql, args, nargs, first_row, &o, NULL);
	return err ? err : o.seen ? 0 : ENOENT;
}

int store_run_change(struct store *st, const char *sql,
		     const struct store_arg *args, int nargs)
{
	int64_t changes = 0;
	int err = store_run(st, sql, args, nargs, NULL, NULL, &changes);

	return err ? err : changes ? 0 : ENOENT;
}

static int id_row(int n, const char *const *cols, void *arg)
{
	*(int64_t *)arg = n > 0 ? store_col_int(cols[0]) : 0;
	return 0;
}

int store_run_insert(struct store *st, const char *sql,
		     const struct store_arg *args, int nargs, int64_t *idp)
{
	int64_t id = 0;
	int err = store_run_one(st, sql, args, nargs, id_row, &id);

	if (!err && idp)
		*idp = id;
	return err;
}

int store_get_scoped(struct store *st, const char *sql, int64_t tenant_id,
		     int64_t id, store_cols_h *row, void *arg)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run_one(st, sql, a, 2, row, arg);
}

int store_page_scoped(struct store *st, const char *sql, int64_t tenant_id,
		      int64_t after_id, int limit, store_cols_h *row,
		      void *arg)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(after_id),
				      STORE_NUM(limit)};

	if (tenant_id <= 0)
		return ENOENT;
	return store_run(st, sql, a, 3, row, arg, NULL);
}

int store_delete_scoped(struct store *st, const char *table,
			int64_t tenant_id, int64_t id)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(id)};
	char sql[128];

	if (tenant_id <= 0)
		return ENOENT;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE tenant_id = $1 AND "
		 "id = $2", table);
	return store_run_change(st, sql, a, 2);
}

int64_t store_col_int(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

int store_audit_add(struct store *st, int64_t tenant_id,
		    const struct store_audit *a)
{
	if (!a)
		return EINVAL;
	return st->be->audit_add(st->db, tenant_id, a);
}

int store_audit_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_audit_h *h, void *arg)
{
	return st->be->audit_list(st->db, tenant_id, after_id, limit, h, arg);
}

int store_binding_foreach_all(struct store *st, store_binding_h *h,
			      void *arg)
{
	return st->be->binding_foreach_all(st->db, h, arg);
}

int store_binding_apply(struct store *st, const struct store_binding *v,
			size_t n)
{
	return st->be->binding_apply(st->db, v, n);
}

int store_binding_purge_expired_all(struct store *st, int64_t now)
{
	return st->be->binding_purge_expired_all(st->db, now);
}

/* ---- calls: users by extension, numbers, trunks, routes, CDRs --------- */

/* Kept as words in the tables, in the order of the enums of cdr.h. */
static const char *const disposition_words[] = {
	"answered", "busy", "no_answer", "failed", "cancelled",
};
static const char *const party_words[] = {
	"none", "caller", "callee", "system",
};

#define N_WORDS(a) (int)(sizeof(a) / sizeof((a)[0]))

static const char *word_of(const char *const *words, int n, int v)
{
	return v >= 0 && v < n ? words[v] : words[0];
}

static int word_parse(const char *const *words, int n, const char *w)
{
	for (int i = 0; w && i < n; i++) {
		if (!strcmp(words[i], w))
			return i;
	}
	return 0;
}

const char *store_cdr_disposition_word(int d)
{
	return word_of(disposition_words, N_WORDS(disposition_words), d);
}

int store_cdr_disposition_parse(const char *word)
{
	return word_parse(disposition_words, N_WORDS(disposition_words), word);
}

const char *store_cdr_party_word(int p)
{
	return word_of(party_words, N_WORDS(party_words), p);
}

int store_cdr_party_parse(const char *word)
{
	return word_parse(party_words, N_WORDS(party_words), word);
}

size_t store_utf8_seq(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;          /* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;          /* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;          /* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;          /* above U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	}
	return n;
}

/* In place: each byte that does not start a valid UTF-8 sequence, and
 * each control character, becomes '?'.  The text never grows. */
static void clean_text(char *s, size_t size)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0, n;

	s[size - 1] = '\0';
	while (p[i]) {
		n = store_utf8_seq(p + i);
		if (!n || p[i] < 0x20 || p[i] == 0x7f) {
			p[i++] = '?';
			continue;
		}
		i += n;
	}
}

#define CLEAN(field) clean_text((field), sizeof(field))

/* Call records carry what SIP peers sent (caller names, Call-IDs): the
 * copy stored is plain, valid text, whichever backend keeps it, so that
 * every reader (JSON, CSV, PostgreSQL's text type) can take it. */
int store_cdr_insert(struct store *st, const struct cdr *c)
{
	struct cdr *v;
	int err;

	if (!c || c->tenant_id <= 0 || !c->uuid[0] || c->legc > CDR_MAX_LEGS)
		return EINVAL;
	v = malloc(sizeof(*v));
	if (!v)
		return ENOMEM;
	*v = *c;
	CLEAN(v->uuid);
	CLEAN(v->caller);
	CLEAN(v->caller_name);
	CLEAN(v->dialled);
	CLEAN(v->callee);
	CLEAN(v->context);
	CLEAN(v->codec);
	for (size_t i = 0; i < v->legc; i++) {
		CLEAN(v->legs[i].peer);
		CLEAN(v->legs[i].sip_call_id);
		CLEAN(v->legs[i].codec);
	}
	err = store_cdr_write(st, v);
	free(v);
	return err;
}

int store_cdr_list(struct store *st, int64_t tenant_id, int64_t from_ms,
		   int64_t to_ms, int64_t after_id, int limit,
		   store_cdr_h *h, void *arg)
{
	if (!h || limit <= 0 || after_id < 0)
		return EINVAL;
	return store_cdr_page(st, tenant_id, 0, from_ms, to_ms, after_id,
			      limit, h, arg);
}

int store_cdr_list_user(struct store *st, int64_t tenant_id,
			int64_t user_id, int64_t from_ms, int64_t to_ms,
			int64_t after_id, int limit, store_cdr_h *h,
			void *arg)
{
	if (!h || limit <= 0 || after_id < 0 || user_id <= 0)
		return EINVAL;
	return store_cdr_page(st, tenant_id, user_id, from_ms, to_ms,
			      after_id, limit, h, arg);
}

