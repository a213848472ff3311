/**
 * @file backend.h  What a store backend provides (private to store/).
 *
 * Each backend fills one table of functions; store.c picks the table by
 * the URL scheme and forwards every public call to it.
 */
#ifndef CENTREX_STORE_BACKEND_H
#define CENTREX_STORE_BACKEND_H

#include "store/store.h"

/*
 * The newer tables (user features, ring groups: features.c, groups.c)
 * use SQL that both backends read alike, so each query is written once
 * and handed to the backend's run(): parameters are $1..$n, bound from
 * store_arg values; each result row comes back as text columns (NULL
 * reads as "", numbers as decimal text), which is all those files need.
 */
struct store_arg {
	const char *text;          /**< bound as text unless NULL */
	int64_t num;               /**< bound when text is NULL */
};
#define STORE_TEXT(s) ((struct store_arg){.text = (s)})
#define STORE_NUM(n)  ((struct store_arg){.text = NULL, .num = (n)})
enum { STORE_RUN_MAX_ARGS = 32 };   /* a call record has 25 */

/* one row of run(): ncols texts; non-zero stops the walk and is returned */
typedef int (store_cols_h)(int ncols, const char *const *cols, void *arg);

struct store_backend {
	const char *scheme;       /**< URL prefix, e.g. "sqlite:" */
	const char *id_column;    /**< primary key DDL for migrations */
	const char *strpos;       /**< SQL function: where a text is in
				       another, 0 if not (haystack, needle) */
	int  (*open)(void **dbp, const char *arg, char *errbuf, size_t errsz);
	void (*close)(void *db);
	const char *(*errmsg)(void *db);
	int  (*exec)(void *db, const char *sql);
	int  (*version)(void *db, int *versionp);
	int  (*set_version)(void *db, int version);
	/* work of several statements as one: a transaction of its own when
	   none is open (*outer), else a savepoint in the caller's; tx_end
	   commits or releases it, or rolls it back when err != 0, and
	   returns err or the commit's error */
	int  (*tx_begin)(void *db, bool *outer);
	int  (*tx_end)(void *db, bool outer, int err);

	int  (*audit_add)(void *db, int64_t tenant_id,
			  const struct store_audit *a);
	int  (*audit_list)(void *db, int64_t tenant_id, int64_t after_id,
			   int limit, store_audit_h *h, void *arg);
	int  (*binding_foreach_all)(void *db, store_binding_h *h, void *arg);
	int  (*binding_apply)(void *db, const struct store_binding *v,
			      size_t n);
	int  (*binding_purge_expired_all)(void *db, int64_t now);
	/* one statement of the files that write their SQL once for both
	   backends (store_run below) */
	int  (*run)(void *db, const char *sql, const struct store_arg *args,
		    int nargs, store_cols_h *row, void *arg,
		    int64_t *changesp);
};

extern const struct store_backend store_backend_sqlite;

extern const struct store_backend store_backend_pg;
extern const struct store_backend store_backend_pg_alias;  /* postgres:// */

/* how CDR enums are kept in the store (store.c): as words, so that the
   tables read well in SQL; unknown words read as the first value */
const char *store_cdr_disposition_word(int d);
int  store_cdr_disposition_parse(const char *word);
const char *store_cdr_party_word(int p);
int  store_cdr_party_parse(const char *word);

/* length of the valid UTF-8 sequence at p (RFC 3629), 0 if there is
   none (store.c) */
size_t store_utf8_seq(const unsigned char *p);

/* store.c: a statement through the backend's run(); changesp (may be
   NULL) gets the rows an INSERT, UPDATE or DELETE touched */
int  store_run(struct store *st, const char *sql,
	       const struct store_arg *args, int nargs, store_cols_h *row,
	       void *arg, int64_t *changesp);

/* like store_run, for exactly one row: ENOENT when there is none */
int  store_run_one(struct store *st, const char *sql,
		   const struct store_arg *args, int nargs, store_cols_h *row,
		   void *arg);
/* like store_run, for a write that must touch a row: ENOENT when it
   touched none (no such row, or an INSERT ... SELECT found nothing) */
int  store_run_change(struct store *st, const char *sql,
		      const struct store_arg *args, int nargs);
/* the backend's tx_begin and tx_end */
int  store_tx_begin(struct store *st, bool *outer);
int  store_tx_end(struct store *st, bool outer, int err);
/* the backend's name of the SQL function strpos (backend.strpos) */
const char *store_sql_strpos(struct store *st);
/* like store_run_one, for an INSERT ... RETURNING id: *idp gets the id;
   ENOENT when nothing was inserted (an INSERT ... SELECT found nothing) */
int  store_run_insert(struct store *st, const char *sql,
		      const struct store_arg *args, int nargs, int64_t *idp);
/* the SELECTs of a tenant's object by id ($1 tenant, $2 id; ENOENT
   when there is none) and of a page of them ($1 tenant, $2 the last id
   seen, $3 the page size); a tenant_id <= 0 has nothing (ENOENT) */
int  store_get_scoped(struct store *st, const char *sql, int64_t tenant_id,
		      int64_t id, store_cols_h *row, void *arg);
int  store_page_scoped(struct store *st, const char *sql, int64_t tenant_id,
		       int64_t after_id, int limit, store_cols_h *row,
		       void *arg);
/* DELETE FROM table WHERE tenant_id = $1 AND id = $2 (table: a fixed
   name, never input): ENOENT when there is no such row */
int  store_delete_scoped(struct store *st, const char *table,
			 int64_t tenant_id, int64_t id);
/* columns of a store_run row */
int64_t store_col_int(const char *v);
#define STORE_COL_TEXT(dst, v) snprintf((dst), sizeof(dst), "%s", (v))
#define STORE_NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * The two row handlers of one struct type for store_run: NAME_one reads
 * the first row into the struct TYPE at arg (store_run_one), NAME_each
 * reads each row and hands it to the HANDLER_T in a struct store_walk.
 * READ(cols, TYPE *) fills the struct from NCOLS columns.  A macro
 * because the struct and handler types differ per object (calling one
 * through a cast type would be undefined behaviour).
 */
struct store_walk {
	void (*h)(void);          /**< the object's handler, cast back */
	void *arg;
};
#define STORE_WALK(h, arg) ((struct store_walk){(void (*)(void))(h), (arg)})
#define STORE_ROW_HANDLERS(NAME, TYPE, HANDLER_T, NCOLS, READ)        \
	static int NAME##_one(int n_, const char *const *c_, void *arg_) \
	{                                                             \
		if (n_ < (NCOLS))                                     \
			return EIO;                                   \
		READ(c_, (TYPE *)arg_);                               \
		return 0;                                             \
	}                                                             \
	static int NAME##_each(int n_, const char *const *c_, void *arg_) \
	{                                                             \
		const struct store_walk *w_ = arg_;                   \
		HANDLER_T *h_ = (HANDLER_T *)w_->h;                   \
		TYPE it_;                                             \
		if (n_ < (NCOLS))                                     \
			return EIO;                                   \
		READ(c_, &it_);                                       \
		return h_(&it_, w_->arg);                             \
	}

/* cdrs.c: a record store_cdr_insert has cleaned, and a page of records
   (user_id 0: every call of the tenant) */
int  store_cdr_write(struct store *st, const struct cdr *c);
int  store_cdr_page(struct store *st, int64_t tenant_id, int64_t user_id,
		    int64_t from_ms, int64_t to_ms, int64_t after_id,
		    int limit, store_cdr_h *h, void *arg);

/* migrations.c */
struct store_migration {
	int version;
	const char *what;
	const char *sql;          /**< "%ID%" = backend's id_column */
};
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_len;

#endif
