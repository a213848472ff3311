/**
 * @file test_store.c  The store, on whichever backend the environment names:
 * migrations, tenant scoping, bindings.
 *
 * CENTREX_TEST_STORE_URL picks the database (tools/test.sh runs this once
 * as is, on SQLite, and once on a private PostgreSQL from tools/pg.sh).
 * Unset, each test gets a fresh SQLite file.  A PostgreSQL database is
 * emptied before each test (schema public dropped and re-created), so
 * never point this at a database you care about.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/store.h"
#include "store/writer.h"
#include "support.h"

struct fixture {
	char dir[256];           /**< SQLite only: "" otherwise */
	char url[512];
	struct store *st;
	int64_t acme, globex, acme_user;
};

static const char *env_url(void)
{
	const char *u = getenv("CENTREX_TEST_STORE_URL");
	return u && u[0] ? u : NULL;
}

static bool is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) ||
	       !strncmp(url, "postgres://", 11);
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* a direct libpq connection to the test database, for what the store
 * does not offer (emptying it, ending a session) */
static void pg_exec(const char *url, const char *sql)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);  /* the cascade is chatty */
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void fresh_database(struct fixture *f)
{
	const char *url = env_url();

	if (url) {
		snprintf(f->url, sizeof(f->url), "%s", url);
		if (is_pg(url))
			pg_exec(url, "DROP SCHEMA public CASCADE;"
				"CREATE SCHEMA public");
		else if (!strncmp(url, "sqlite:", 7)) {
			char path[600];
			static const char *const sfx[] = {"", "-wal", "-shm"};
			for (int i = 0; i < 3; i++) {
				snprintf(path, sizeof(path), "%s%s", url + 7,
					 sfx[i]);
				(void)remove(path);
			}
		}
		return;
	}
	support_tmpdir(f->dir, sizeof(f->dir));
	snprintf(f->url, sizeof(f->url), "sqlite:%s/c.db", f->dir);
}

static int setup(void **state)
{
	static struct fixture f;
	struct store_tenant t = {0};
	struct store_user u = {0};
	char err[256];
	int version = 0;

	memset(&f, 0, sizeof(f));
	fresh_database(&f);
	assert_int_equal(store_open(&f.st, f.url, err, sizeof(err)), 0);
	assert_int_equal(store_migrate(f.st, &version), 0);
	assert_true(version >= 1);

	snprintf(t.slug, sizeof(t.slug), "acme");
	snprintf(t.name, sizeof(t.name), "Acme");
	snprintf(t.sip_domain, sizeof(t.sip_domain), "acme.example");
	assert_int_equal(store_tenant_create(f.st, &t), 0);
	f.acme = t.id;
	snprintf(t.slug, sizeof(t.slug), "globex");
	snprintf(t.sip_domain, sizeof(t.sip_domain), "globex.example");
	assert_int_equal(store_tenant_create(f.st, &t), 0);
	f.globex = t.id;

	snprintf(u.name, sizeof(u.name), "Alice");
	snprintf(u.extension, sizeof(u.extension), "1001");
	assert_int_equal(store_user_create(f.st, f.acme, &u), 0);
	f.acme_user = u.id;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	if (f->dir[0])
		support_rmdir(f->dir);
	return 0;
}

static void test_migrate_is_idempotent(void **state)
{
	struct fixture *f = *state;
	int v1 = 0, v2 = 0;

	assert_int_equal(store_version(f->st, &v1), 0);
	assert_int_equal(store_migrate(f->st, &v2), 0);
	assert_int_equal(v1, v2);
}

static void test_unique_domain_and_extension(void **state)
{
	struct fixture *f = *state;
	struct store_tenant t = {0};
	struct store_user u = {0};

	snprintf(t.slug, sizeof(t.slug), "acme2");
	snprintf(t.sip_domain, sizeof(t.sip_domain), "acme.example");
	assert_int_equal(store_tenant_create(f->st, &t), EEXIST);

	snprintf(u.name, sizeof(u.name), "Bob");
	snprintf(u.extension, sizeof(u.extension), "1001");
	assert_int_equal(store_user_create(f->st, f->acme, &u), EEXIST);
	/* the same extension in another tenant is fine */
	assert_int_equal(store_user_create(f->st, f->globex, &u), 0);
}

static void test_device_needs_user_of_same_tenant(void **state)
{
	struct fixture *f = *state;
	struct store_device d = {0};

	snprintf(d.sip_username, sizeof(d.sip_username), "1001");
	snprintf(d.ha1_md5, sizeof(d.ha1_md5), "%032d", 0);
	snprintf(d.ha1_sha256, sizeof(d.ha1_sha256), "%064d", 0);
	d.user_id = f->acme_user;
	/* acme's user, claimed by globex: refused as if it did not exist */
	assert_int_equal(store_device_create(f->st, f->globex, &d), ENOENT);
	assert_int_equal(store_device_create(f->st, f->acme, &d), 0);
	assert_true(d.id > 0);
}

static void test_find_domain(void **state)
{
	struct fixture *f = *state;
	struct store_tenant t;

	assert_int_equal(store_tenant_find_domain_all(f->st, "GLOBEX.example",
						      &t), 0);
	assert_int_equal(t.id, f->globex);
	assert_int_equal(store_tenant_find_domain_all(f->st, "nope.example",
						      &t), ENOENT);
}

static int count_binding(const struct store_binding *b, void *arg)
{
	size_t *n = arg;
	assert_string_equal(b->call_id, "cid-1");
	(*n)++;
	return 0;
}

static void test_bindings_upsert_delete_via_writer(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w = NULL;
	struct store_device d = {0};
	struct store_binding *v;
	char err[256];
	size_t n = 0;

	snprintf(d.sip_username, sizeof(d.sip_username), "alice-desk");
	snprintf(d.ha1_md5, sizeof(d.ha1_md5), "%032d", 0);
	snprintf(d.ha1_sha256, sizeof(d.ha1_sha256), "%064d", 0);
	d.user_id = f->acme_user;
	assert_int_equal(store_device_create(f->st, f->acme, &d), 0);

	assert_int_equal(store_writer_start(&w, f->url, err, sizeof(err)), 0);
	v = calloc(3, sizeof(*v));
	for (int i = 0; i < 3; i++) {
		v[i].tenant_id = f->acme;
		v[i].device_id = d.id;
		snprintf(v[i].contact, sizeof(v[i].contact),
			 "sip:alice@10.0.0.%d", i % 2);
		snprintf(v[i].call_id, sizeof(v[i].call_id), "cid-1");
		v[i].expires_at = 4000000000LL;
		v[i].cseq = (uint32_t)i;
	}
	v[2].remove = true;   /* the 3rd row deletes the first contact */
	assert_int_equal(store_writer_submit(w, v, 3), 0);
	store_writer_stop(w);  /* writes everything before returning */

	assert_int_equal(store_binding_foreach_all(f->st, count_binding, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_binding_purge_expired_all(f->st, 4000000001LL),
			 0);
	n = 0;
	assert_int_equal(store_binding_foreach_all(f->st, count_binding, &n),
			 0);
	assert_int_equal(n, 0);
}

static void test_bad_url(void **state)
{
	struct store *st = NULL;
	char err[256];
	(void)state;

	assert_int_equal(store_open(&st, "oracle://x", err, sizeof(err)),
			 ENOTSUP);
	assert_non_null(strstr(err, "store.url"));
	assert_int_not_equal(store_open(&st, "sqlite:/nonexistent/dir/c.db",
					err, sizeof(err)), 0);
	/* nothing listens on port 1: refused at once, and said so */
	err[0] = '\0';
	assert_int_not_equal(store_open(&st, "postgresql://nobody@127.0.0.1:1/"
					"x?connect_timeout=2", err,
					sizeof(err)), 0);
	assert_non_null(strstr(err, "store.url"));
	assert_null(strstr(err, "nobody@"));  /* the URL may hold secrets */
}

static struct store_device add_device(struct fixture *f, const char *name)
{
	struct store_device d = {0};

	snprintf(d.sip_username, sizeof(d.sip_username), "%s", name);
	snprintf(d.ha1_md5, sizeof(d.ha1_md5), "%032d", 0);
	snprintf(d.ha1_sha256, sizeof(d.ha1_sha256), "%064d", 0);
	d.user_id = f->acme_user;
	assert_int_equal(store_device_create(f->st, f->acme, &d), 0);
	return d;
}

static int count_any(const struct store_binding *b, void *arg)
{
	(void)b;
	(*(size_t *)arg)++;
	return 0;
}

/* a change for a device deleted meanwhile is dropped, not the batch */
static void test_binding_for_missing_device_skipped(void **state)
{
	struct fixture *f = *state;
	struct store_device d = add_device(f, "alice-desk");
	struct store_binding v[3] = {{0}};
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		v[i].tenant_id = f->acme;
		v[i].device_id = d.id;
		snprintf(v[i].contact, sizeof(v[i].contact),
			 "sip:alice@10.0.0.%d", i);
		snprintf(v[i].call_id, sizeof(v[i].call_id), "cid-%d", i);
		snprintf(v[i].transport, sizeof(v[i].transport), "udp");
		v[i].expires_at = 4000000000LL;
		v[i].q_milli = 1000;
		v[i].cseq = 4000000000U;   /* above INT32_MAX */
	}
	v[1].device_id = d.id + 1000;  /* no such device */
	assert_int_equal(store_binding_apply(f->st, v, 3), 0);
	assert_int_equal(store_binding_foreach_all(f->st, count_any, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_binding_apply(f->st, v, 0), 0);
}

static int check_cseq(const struct store_binding *b, void *arg)
{
	(void)arg;
	assert_int_equal(b->cseq, 4000000000U);
	assert_int_equal(b->q_milli, 1000);
	assert_string_equal(b->transport, "udp");
	return 0;
}

/* more rows than one round trip of the PostgreSQL pipeline carries */
static void test_binding_large_batch(void **state)
{
	struct fixture *f = *state;
	struct store_device d = add_device(f, "alice-desk");
	const size_t rows = 1000;
	struct store_binding *v = calloc(rows, sizeof(*v));
	size_t n = 0;

	assert_non_null(v);
	for (size_t i = 0; i < rows; i++) {
		v[i].tenant_id = f->acme;
		v[i].device_id = d.id;
		/* every 10th row removes the row before it */
		snprintf(v[i].contact, sizeof(v[i].contact),
			 "sip:alice@10.0.%zu.%zu", (i - (i % 10 == 9)) / 256,
			 (i - (i % 10 == 9)) % 256);
		v[i].remove = i % 10 == 9;
		snprintf(v[i].call_id, sizeof(v[i].call_id), "c'\"\\%zu", i);
		snprintf(v[i].transport, sizeof(v[i].transport), "udp");
		v[i].expires_at = 4000000000LL;
		v[i].q_milli = 1000;
		v[i].cseq = 4000000000U;
	}
	assert_int_equal(store_binding_apply(f->st, v, rows), 0);
	assert_int_equal(store_binding_foreach_all(f->st, check_cseq, NULL), 0);
	assert_int_equal(store_binding_foreach_all(f->st, count_any, &n), 0);
	assert_int_equal(n, rows - 2 * (rows / 10));
	free(v);
}

static int check_ua(const struct store_binding *b, void *arg)
{
	(void)arg;
	/* SQLite keeps the bytes; PostgreSQL stores text, hence the '?' */
	assert_true(!strcmp(b->user_agent, "ua \xff\xc3") ||
		    !strcmp(b->user_agent, "ua ??"));
	assert_true(!strcmp(b->call_id, "\xe2\x82\xac-\xe2\x82") ||
		    !strcmp(b->call_id, "\xe2\x82\xac-??"));
	return 0;
}

/* peers send bytes, not always UTF-8: the batch must still be written,
 * and the contact found again to delete it */
static void test_binding_not_utf8(void **state)
{
	struct fixture *f = *state;
	struct store_device d = add_device(f, "alice-desk");
	struct store_binding v[3] = {{0}};
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		v[i].tenant_id = f->acme;
		v[i].device_id = d.id;
		snprintf(v[i].contact, sizeof(v[i].contact),
			 "sip:\xc0\xaf@10.0.0.%d", i % 2);
		snprintf(v[i].call_id, sizeof(v[i].call_id),
			 "\xe2\x82\xac-\xe2\x82");
		snprintf(v[i].user_agent, sizeof(v[i].user_agent),
			 "ua \xff\xc3");
		v[i].expires_at = 4000000000LL;
	}
	v[2].remove = true;   /* deletes the first contact */
	assert_int_equal(store_binding_apply(f->st, v, 3), 0);
	assert_int_equal(store_binding_foreach_all(f->st, check_ua, NULL), 0);
	assert_int_equal(store_binding_foreach_all(f->st, count_any, &n), 0);
	assert_int_equal(n, 1);
}

static void test_rollback(void **state)
{
	struct fixture *f = *state;
	struct store_tenant t = {0};
	int64_t n = 0;

	snprintf(t.slug, sizeof(t.slug), "initech");
	snprintf(t.sip_domain, sizeof(t.sip_domain), "initech.example");
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_tenant_create(f->st, &t), 0);
	assert_int_equal(store_rollback(f->st), 0);
	assert_int_equal(store_count_tenants_all(f->st, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_tenant_find_domain_all(f->st,
						      "initech.example", &t),
			 ENOENT);
}

struct ids {
	int64_t v[8];
	size_t n;
};

static int collect_user(const struct store_user *u, void *arg)
{
	struct ids *ids = arg;
	ids->v[ids->n++] = u->id;
	return 0;
}

static int collect_device(const struct store_device *d, void *arg)
{
	struct ids *ids = arg;
	ids->v[ids->n++] = d->id;
	return 0;
}

static int check_audit(const struct store_audit *a, void *arg)
{
	struct ids *ids = arg;
	if (ids->n == 0) {
		assert_null(a->before_json);
		assert_string_equal(a->after_json, "{\"name\":\"Bob\"}");
	}
	ids->v[ids->n++] = a->tenant_id;
	return 0;
}

/* the API's get/list/update/delete, on either backend */
static void test_api_resources(void **state)
{
	struct fixture *f = *state;
	struct store_user u = {0}, got;
	struct store_site s = {0}, gs;
	struct store_device d;
	struct store_audit a = {0};
	struct ids ids = {0};
	int matches = 0;

	snprintf(s.name, sizeof(s.name), "Paris");
	snprintf(s.country, sizeof(s.country), "FR");
	snprintf(s.time_zone, sizeof(s.time_zone), "Europe/Paris");
	assert_int_equal(store_site_create(f->st, f->acme, &s), 0);
	assert_int_equal(store_site_get(f->st, f->acme, s.id, &gs), 0);
	assert_string_equal(gs.language, "en");
	assert_int_equal(gs.ext_length, 4);
	assert_int_equal(store_site_get(f->st, f->globex, s.id, &gs), ENOENT);

	snprintf(u.name, sizeof(u.name), "Bob");
	snprintf(u.email, sizeof(u.email), "Bob@Acme.example");
	u.site_id = s.id;
	assert_int_equal(store_user_create(f->st, f->acme, &u), 0);
	assert_int_equal(store_user_find_email_all(f->st, "bob@acme.EXAMPLE",
						   &got, &matches), 0);
	assert_int_equal(matches, 1);
	assert_int_equal(got.id, u.id);
	assert_int_equal(got.site_id, s.id);
	assert_string_equal(got.extension, "");

	/* deleting the site leaves the user without one */
	assert_int_equal(store_site_delete(f->st, f->acme, s.id), 0);
	assert_int_equal(store_site_delete(f->st, f->acme, s.id), ENOENT);
	assert_int_equal(store_user_get(f->st, f->acme, u.id, &got), 0);
	assert_int_equal(got.site_id, 0);

	snprintf(got.extension, sizeof(got.extension), "1001");
	assert_int_equal(store_user_update(f->st, f->acme, &got), EEXIST);
	snprintf(got.extension, sizeof(got.extension), "1002");
	assert_int_equal(store_user_update(f->st, f->acme, &got), 0);
	assert_int_equal(store_user_update(f->st, f->globex, &got), ENOENT);

	assert_int_equal(store_user_list(f->st, f->acme, 0, 10, collect_user,
					 &ids), 0);
	assert_int_equal(ids.n, 2);
	ids.n = 0;
	assert_int_equal(store_user_list(f->st, f->acme, f->acme_user, 10,
					 collect_user, &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], u.id);

	d = add_device(f, "alice-desk");
	(void)add_device(f, "alice-mobile");
	ids.n = 0;
	assert_int_equal(store_device_list(f->st, f->acme, 0, 0, 10,
					   collect_device, &ids), 0);
	assert_int_equal(ids.n, 2);
	ids.n = 0;
	assert_int_equal(store_device_list(f->st, f->acme, u.id, 0, 10,
					   collect_device, &ids), 0);
	assert_int_equal(ids.n, 0);
	ids.n = 0;
	assert_int_equal(store_device_list(f->st, f->acme, f->acme_user, 0, 1,
					   collect_device, &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], d.id);

	/* deleting the user takes its devices */
	assert_int_equal(store_user_delete(f->st, f->acme, f->acme_user), 0);
	assert_int_equal(store_device_get(f->st, f->acme, d.id, &d), ENOENT);

	a.at_ms = 1700000000000LL;
	snprintf(a.actor, sizeof(a.actor), "admin@acme.example");
	snprintf(a.remote, sizeof(a.remote), "127.0.0.1");
	snprintf(a.action, sizeof(a.action), "create");
	snprintf(a.resource, sizeof(a.resource), "users/%lld",
		 (long long)u.id);
	a.after_json = "{\"name\":\"Bob\"}";
	assert_int_equal(store_audit_add(f->st, f->acme, &a), 0);
	a.after_json = NULL;
	assert_int_equal(store_audit_add(f->st, 0, &a), 0);
	ids.n = 0;
	assert_int_equal(store_audit_list(f->st, 0, 0, 10, check_audit, &ids),
			 0);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.v[0], f->acme);
	assert_int_equal(ids.v[1], 0);
	ids.n = 0;
	assert_int_equal(store_audit_list(f->st, f->acme, 0, 10, check_audit,
					  &ids), 0);
	assert_int_equal(ids.n, 1);
}

/* ---- PostgreSQL only ---- */

static void test_pg_alias_scheme(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char url[512], err[256];
	int64_t n = 0;

	if (!is_pg(f->url))
		skip();
	snprintf(url, sizeof(url), "postgres://%s", strstr(f->url, "//") + 2);
	assert_int_equal(store_open(&st, url, err, sizeof(err)), 0);
	assert_int_equal(store_count_tenants_all(st, &n), 0);
	assert_int_equal(n, 2);
	store_close(st);
}

/* a row PostgreSQL refuses (a CHECK added for the test) in the second
 * round trip of the pipeline: nothing of the batch stays, and the
 * connection still works */
static void test_pg_failed_batch_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct store_device d = add_device(f, "alice-desk");
	const size_t rows = 600;
	struct store_binding *v = calloc(rows, sizeof(*v));
	size_t n = 0;

	if (!is_pg(f->url)) {
		free(v);
		skip();
	}
	assert_non_null(v);
	for (size_t i = 0; i < rows; i++) {
		v[i].tenant_id = f->acme;
		v[i].device_id = d.id;
		snprintf(v[i].contact, sizeof(v[i].contact), "sip:a@h%zu", i);
		v[i].expires_at = 4000000000LL;
	}
	pg_exec(f->url, "ALTER TABLE registrations ADD CONSTRAINT no_bad_ua "
		"CHECK (user_agent <> 'bad')");
	snprintf(v[300].user_agent, sizeof(v[300].user_agent), "bad");
	assert_int_equal(store_binding_apply(f->st, v, rows), EEXIST);
	assert_non_null(strstr(store_errmsg(f->st), "no_bad_ua"));
	assert_int_equal(store_binding_foreach_all(f->st, count_any, &n), 0);
	assert_int_equal(n, 0);

	v[300].user_agent[0] = '\0';
	assert_int_equal(store_binding_apply(f->st, v, rows), 0);
	assert_int_equal(store_binding_foreach_all(f->st, count_any, &n), 0);
	assert_int_equal(n, rows);
	free(v);
}

/* the server ends the session: one call fails (EBUSY, worth retrying),
 * the next reconnects; inside a transaction, calls fail until rollback */
static void test_pg_reconnects(void **state)
{
	struct fixture *f = *state;
	struct store_tenant t = {0};
	const char *kill = "SELECT pg_terminate_backend(pid) FROM "
		"pg_stat_activity WHERE datname = current_database() "
		"AND pid <> pg_backend_pid()";
	int64_t n = 0;

	if (!is_pg(f->url))
		skip();
	pg_exec(f->url, kill);
	assert_int_equal(store_count_tenants_all(f->st, &n), EBUSY);
	assert_int_equal(store_count_tenants_all(f->st, &n), 0);
	assert_int_equal(n, 2);

	snprintf(t.slug, sizeof(t.slug), "initech");
	snprintf(t.sip_domain, sizeof(t.sip_domain), "initech.example");
	assert_int_equal(store_begin(f->st), 0);
	pg_exec(f->url, kill);
	assert_int_not_equal(store_tenant_create(f->st, &t), 0);
	assert_int_not_equal(store_count_tenants_all(f->st, &n), 0);
	assert_int_equal(store_rollback(f->st), 0);
	assert_int_equal(store_count_tenants_all(f->st, &n), 0);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_is_idempotent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_domain_and_extension,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_device_needs_user_of_same_tenant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_domain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_bindings_upsert_delete_via_writer, setup, teardown),
		cmocka_unit_test(test_bad_url),
		cmocka_unit_test_setup_teardown(
			test_binding_for_missing_device_skipped, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_binding_large_batch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_binding_not_utf8, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_resources, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pg_alias_scheme, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pg_reconnects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_pg_failed_batch_rolls_back, setup, teardown),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
