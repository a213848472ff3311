/**
 * @file test_store.c  The store, on whichever backend the environment names:
 * migrations, tenant scoping, bindings, trunks and routes, call records
 * (also through the writer thread).
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
#include <time.h>
#include "cdr/cdr.h"
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

/* ---- calls: trunks, routes, records ---- */

static struct store_trunk make_trunk(const char *name, const char *kind)
{
	struct store_trunk t = {.register_expires = 600, .enabled = true};

	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.kind, sizeof(t.kind), "%s", kind);
	snprintf(t.proxy, sizeof(t.proxy), "sip.carrier.example:5060");
	snprintf(t.transport, sizeof(t.transport), "udp");
	if (!strcmp(kind, "register")) {
		snprintf(t.username, sizeof(t.username), "0145671234");
		snprintf(t.password, sizeof(t.password), "s3cret'\"");
	}
	else {
		snprintf(t.inbound_addrs, sizeof(t.inbound_addrs),
			 "192.0.2.0/24,2001:db8::1");
	}
	return t;
}

static int collect_trunk(const struct store_trunk *t, void *arg)
{
	struct ids *ids = arg;
	if (ids->n < 8)
		ids->v[ids->n++] = t->id;
	return 0;
}

static void test_trunks(void **state)
{
	struct fixture *f = *state;
	struct store_trunk a = make_trunk("orange", "register");
	struct store_trunk b = make_trunk("x'); DROP TABLE trunks;--", "ip");
	struct store_trunk g = make_trunk("orange", "ip"), got;
	struct ids ids = {0};

	assert_int_equal(store_trunk_create(f->st, f->acme, &a), 0);
	assert_int_equal(store_trunk_create(f->st, f->acme, &b), 0);
	/* the same name in another tenant is another trunk */
	assert_int_equal(store_trunk_create(f->st, f->globex, &g), 0);
	got = make_trunk("orange", "ip");
	assert_int_equal(store_trunk_create(f->st, f->acme, &got), EEXIST);

	assert_int_equal(store_trunk_get(f->st, f->acme, a.id, &got), 0);
	assert_int_equal(got.tenant_id, f->acme);
	assert_string_equal(got.kind, "register");
	assert_string_equal(got.password, "s3cret'\"");
	assert_string_equal(got.username, "0145671234");
	assert_int_equal(got.register_expires, 600);
	assert_true(got.enabled);
	assert_int_equal(store_trunk_get(f->st, f->acme, b.id, &got), 0);
	assert_string_equal(got.name, "x'); DROP TABLE trunks;--");
	assert_string_equal(got.inbound_addrs, "192.0.2.0/24,2001:db8::1");
	assert_int_equal(store_trunk_get(f->st, f->globex, a.id, &got),
			 ENOENT);

	assert_int_equal(store_trunk_list(f->st, f->acme, 0, 10,
					  collect_trunk, &ids), 0);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.v[0], a.id);
	ids.n = 0;
	assert_int_equal(store_trunk_list(f->st, f->acme, a.id, 10,
					  collect_trunk, &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], b.id);
	ids.n = 0;
	assert_int_equal(store_trunk_foreach(f->st, f->globex, collect_trunk,
					     &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], g.id);
	ids.n = 0;
	assert_int_equal(store_trunk_foreach_all(f->st, collect_trunk, &ids),
			 0);
	assert_int_equal(ids.n, 3);

	a.max_channels = 30;
	a.enabled = false;
	snprintf(a.transport, sizeof(a.transport), "tcp");
	assert_int_equal(store_trunk_update(f->st, f->acme, &a), 0);
	assert_int_equal(store_trunk_get(f->st, f->acme, a.id, &got), 0);
	assert_int_equal(got.max_channels, 30);
	assert_false(got.enabled);
	assert_string_equal(got.transport, "tcp");
	/* not through another tenant, and not onto a name in use */
	assert_int_equal(store_trunk_update(f->st, f->globex, &a), ENOENT);
	snprintf(a.name, sizeof(a.name), "%s", b.name);
	assert_int_equal(store_trunk_update(f->st, f->acme, &a), EEXIST);

	assert_int_equal(store_trunk_delete(f->st, f->globex, a.id), ENOENT);
	assert_int_equal(store_trunk_delete(f->st, f->acme, a.id), 0);
	assert_int_equal(store_trunk_delete(f->st, f->acme, a.id), ENOENT);
}

static struct store_route make_route(const char *name, const char *prefix,
				     int64_t t1, int64_t t2)
{
	struct store_route r = {0};

	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.prefix, sizeof(r.prefix), "%s", prefix);
	r.trunk_ids[r.trunkc++] = t1;
	if (t2)
		r.trunk_ids[r.trunkc++] = t2;
	return r;
}

static int collect_route(const struct store_route *r, void *arg)
{
	struct ids *ids = arg;
	if (ids->n < 8)
		ids->v[ids->n++] = r->id;
	return 0;
}

static void test_routes(void **state)
{
	struct fixture *f = *state;
	struct store_trunk t1 = make_trunk("t1", "ip");
	struct store_trunk t2 = make_trunk("t2", "register");
	struct store_trunk g1 = make_trunk("g1", "ip");
	struct store_route all, fr, paris, got;
	struct store_trunk tt;
	struct ids ids = {0};
	int64_t n = 0;

	assert_int_equal(store_trunk_create(f->st, f->acme, &t1), 0);
	assert_int_equal(store_trunk_create(f->st, f->acme, &t2), 0);
	assert_int_equal(store_trunk_create(f->st, f->globex, &g1), 0);

	all = make_route("everything", "+", t1.id, 0);
	fr = make_route("France", "+33", t2.id, t1.id);
	paris = make_route("Paris", "+331", t1.id, 0);
	assert_int_equal(store_route_create(f->st, f->acme, &fr), 0);
	assert_int_equal(store_route_create(f->st, f->acme, &all), 0);
	assert_int_equal(store_route_create(f->st, f->acme, &paris), 0);

	assert_int_equal(store_route_get(f->st, f->acme, fr.id, &got), 0);
	assert_string_equal(got.prefix, "+33");
	assert_int_equal(got.trunkc, 2);
	assert_int_equal(got.trunk_ids[0], t2.id);   /* in the given order */
	assert_int_equal(got.trunk_ids[1], t1.id);
	assert_int_equal(store_route_get(f->st, f->globex, fr.id, &got),
			 ENOENT);

	/* another tenant's trunk, a name or a prefix in use: refused, and
	   nothing of the refused route stays */
	got = make_route("Spain", "+34", t1.id, g1.id);
	assert_int_equal(store_route_create(f->st, f->acme, &got), EEXIST);
	got = make_route("France", "+34", t1.id, 0);
	assert_int_equal(store_route_create(f->st, f->acme, &got), EEXIST);
	got = make_route("France again", "+33", t1.id, 0);
	assert_int_equal(store_route_create(f->st, f->acme, &got), EEXIST);
	got = make_route("no trunks", "+44", t1.id, 0);
	got.trunkc = 0;
	assert_int_equal(store_route_create(f->st, f->acme, &got), EINVAL);
	assert_int_equal(store_route_list(f->st, f->acme, 0, 10,
					  collect_route, &ids), 0);
	assert_int_equal(ids.n, 3);
	assert_int_equal(ids.v[0], fr.id);   /* id order */
	ids.n = 0;
	assert_int_equal(store_route_list(f->st, f->acme, fr.id, 1,
					  collect_route, &ids), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], all.id);

	/* the order calls try them in: longest prefix first */
	ids.n = 0;
	assert_int_equal(store_route_foreach(f->st, f->acme, collect_route,
					     &ids), 0);
	assert_int_equal(ids.n, 3);
	assert_int_equal(ids.v[0], paris.id);
	assert_int_equal(ids.v[1], fr.id);
	assert_int_equal(ids.v[2], all.id);

	/* a trunk in use cannot go; the lowest route naming it is found */
	assert_int_equal(store_route_find_trunk(f->st, f->acme, t2.id, &got),
			 0);
	assert_int_equal(got.id, fr.id);
	assert_int_equal(store_route_find_trunk(f->st, f->globex, t2.id,
						&got), ENOENT);
	assert_int_equal(store_trunk_delete(f->st, f->acme, t2.id), EEXIST);
	assert_int_equal(store_trunk_get(f->st, f->acme, t2.id, &tt), 0);

	/* an update replaces the trunk list whole */
	fr.trunk_ids[0] = t1.id;
	fr.trunkc = 1;
	snprintf(fr.name, sizeof(fr.name), "France (t1)");
	assert_int_equal(store_route_update(f->st, f->acme, &fr), 0);
	assert_int_equal(store_route_get(f->st, f->acme, fr.id, &got), 0);
	assert_string_equal(got.name, "France (t1)");
	assert_int_equal(got.trunkc, 1);
	assert_int_equal(got.trunk_ids[0], t1.id);
	assert_int_equal(store_route_find_trunk(f->st, f->acme, t2.id, &got),
			 ENOENT);
	assert_int_equal(store_trunk_delete(f->st, f->acme, t2.id), 0);
	/* an update naming another tenant's trunk changes nothing */
	fr.trunk_ids[0] = g1.id;
	assert_int_equal(store_route_update(f->st, f->acme, &fr), EEXIST);
	assert_int_equal(store_route_get(f->st, f->acme, fr.id, &got), 0);
	assert_int_equal(got.trunk_ids[0], t1.id);
	assert_int_equal(store_route_update(f->st, f->globex, &got), ENOENT);

	assert_int_equal(store_route_delete(f->st, f->acme, paris.id), 0);
	assert_int_equal(store_route_delete(f->st, f->acme, paris.id), ENOENT);

	/* deleting the tenant takes its trunks and routes with it */
	assert_int_equal(store_tenant_delete(f->st, f->acme), 0);
	assert_int_equal(store_route_get(f->st, f->acme, fr.id, &got), ENOENT);
	assert_int_equal(store_trunk_get(f->st, f->acme, t1.id, &tt), ENOENT);
	assert_int_equal(store_count_tenants_all(f->st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_trunk_get(f->st, f->globex, g1.id, &tt), 0);
}

static void test_find_extension_and_e164(void **state)
{
	struct fixture *f = *state;
	struct store_number n = {0}, got;
	struct store_user u;

	assert_int_equal(store_user_find_extension(f->st, f->acme, "1001",
						   &u), 0);
	assert_int_equal(u.id, f->acme_user);
	assert_int_equal(store_user_find_extension(f->st, f->globex, "1001",
						   &u), ENOENT);
	assert_int_equal(store_user_find_extension(f->st, f->acme, "", &u),
			 ENOENT);

	snprintf(n.e164, sizeof(n.e164), "+33145671234");
	snprintf(n.target_type, sizeof(n.target_type), "user");
	n.target_id = f->acme_user;
	assert_int_equal(store_number_create(f->st, f->acme, &n), 0);
	assert_int_equal(store_number_find_e164_all(f->st, "+33145671234",
						    &got), 0);
	assert_int_equal(got.tenant_id, f->acme);
	assert_int_equal(got.target_id, f->acme_user);
	assert_int_equal(store_number_find_e164_all(f->st, "+33145671235",
						    &got), ENOENT);
}

/* a record of a call at start_ms, lasting secs, with two legs */
static struct cdr *make_cdr(int64_t tenant, const char *uuid,
			    int64_t start_ms, int secs)
{
	struct cdr *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->tenant_id = tenant;
	snprintf(c->uuid, sizeof(c->uuid), "%s", uuid);
	snprintf(c->caller, sizeof(c->caller), "1001");
	snprintf(c->caller_name, sizeof(c->caller_name), "Alice \"A\"");
	snprintf(c->dialled, sizeof(c->dialled), "0145671234");
	snprintf(c->callee, sizeof(c->callee), "+33145671234");
	snprintf(c->context, sizeof(c->context), "outbound");
	snprintf(c->codec, sizeof(c->codec), "PCMU/8000");
	c->start_ms = start_ms;
	c->answer_ms = start_ms + 2500;
	c->end_ms = start_ms + 2500 + secs * 1000 + 1;
	c->disposition = CDR_ANSWERED;
	c->sip_status = 200;
	c->q850_cause = 16;
	c->hangup_by = CDR_PARTY_CALLEE;
	c->legc = 2;
	c->legs[0].dir = CDR_LEG_IN;
	snprintf(c->legs[0].peer, sizeof(c->legs[0].peer),
		 "alice-desk@acme.example");
	c->legs[0].device_id = 7;
	c->legs[1].dir = CDR_LEG_OUT;
	snprintf(c->legs[1].peer, sizeof(c->legs[1].peer), "orange");
	c->legs[1].trunk_id = 3;
	c->legs[1].status = 200;
	c->legs[1].rtp_rx_bytes = 5000000000ULL;   /* above 32 bits */
	c->legs[1].rtp_lost = 12;
	c->legs[1].jitter_ms = 2.5;
	for (int i = 0; i < 2; i++) {
		snprintf(c->legs[i].sip_call_id,
			 sizeof(c->legs[i].sip_call_id), "%s-%d", uuid, i);
		c->legs[i].start_ms = c->start_ms;
		c->legs[i].answer_ms = c->answer_ms;
		c->legs[i].end_ms = c->end_ms;
		snprintf(c->legs[i].codec, sizeof(c->legs[i].codec),
			 "PCMU/8000");
	}
	cdr_finish(c);
	return c;
}

struct seen {
	int64_t ids[16];
	char uuids[16][40];
	size_t n;
	struct cdr first;
};

static int collect_cdr(int64_t id, const struct cdr *c, void *arg)
{
	struct seen *s = arg;

	if (s->n == 0)
		s->first = *c;
	if (s->n < 16) {
		s->ids[s->n] = id;
		snprintf(s->uuids[s->n], sizeof(s->uuids[0]), "%s", c->uuid);
		s->n++;
	}
	return 0;
}

static void test_cdr_insert_and_list(void **state)
{
	struct fixture *f = *state;
	const int64_t t0 = 1795000000000LL;   /* 2026-11-18 */
	struct seen s = {0};
	int64_t gid;
	struct cdr *c;

	c = make_cdr(f->acme, "call-a", t0, 61);
	c->caller_user_id = f->acme_user;
	assert_int_equal(store_cdr_insert(f->st, c), 0);
	/* the same call written again (a retry): still one record */
	assert_int_equal(store_cdr_insert(f->st, c), 0);
	free(c);
	c = make_cdr(f->acme, "call-b", t0 + 60000, 5);
	c->legc = 0;
	c->disposition = CDR_BUSY;
	c->answer_ms = 0;
	cdr_finish(c);
	assert_int_equal(store_cdr_insert(f->st, c), 0);
	free(c);
	c = make_cdr(f->acme, "call-c", t0 + 120000, 5);
	c->callee_user_id = f->acme_user;
	/* bytes from a peer that are not text */
	snprintf(c->caller_name, sizeof(c->caller_name), "Bad\xff\xfe\r\nName");
	assert_int_equal(store_cdr_insert(f->st, c), 0);
	free(c);
	c = make_cdr(f->globex, "call-a", t0 + 10, 5);  /* same uuid: other
							    tenant, other call */
	assert_int_equal(store_cdr_insert(f->st, c), 0);
	c->tenant_id = 0;
	assert_int_equal(store_cdr_insert(f->st, c), EINVAL);
	c->tenant_id = f->acme;
	c->uuid[0] = '\0';
	assert_int_equal(store_cdr_insert(f->st, c), EINVAL);
	free(c);

	assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX, 0, 50,
					collect_cdr, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.uuids[0], "call-a");
	assert_string_equal(s.uuids[1], "call-b");
	assert_string_equal(s.uuids[2], "call-c");
	/* every field came back, legs in order */
	assert_int_equal(s.first.tenant_id, f->acme);
	assert_int_equal(s.first.caller_user_id, f->acme_user);
	assert_string_equal(s.first.caller_name, "Alice \"A\"");
	assert_string_equal(s.first.context, "outbound");
	assert_int_equal(s.first.start_ms, t0);
	assert_int_equal(s.first.answer_ms, t0 + 2500);
	assert_int_equal(s.first.duration_s, 64);
	assert_int_equal(s.first.billsec, 62);
	assert_int_equal(s.first.disposition, CDR_ANSWERED);
	assert_int_equal(s.first.hangup_by, CDR_PARTY_CALLEE);
	assert_int_equal(s.first.sip_status, 200);
	assert_int_equal(s.first.q850_cause, 16);
	assert_int_equal(s.first.legc, 2);
	assert_int_equal(s.first.legs[0].dir, CDR_LEG_IN);
	assert_int_equal(s.first.legs[0].device_id, 7);
	assert_string_equal(s.first.legs[0].sip_call_id, "call-a-0");
	assert_int_equal(s.first.legs[1].dir, CDR_LEG_OUT);
	assert_string_equal(s.first.legs[1].peer, "orange");
	assert_int_equal(s.first.legs[1].trunk_id, 3);
	assert_true(s.first.legs[1].rtp_rx_bytes == 5000000000ULL);
	assert_int_equal(s.first.legs[1].rtp_lost, 12);
	assert_true(s.first.legs[1].jitter_ms > 2.49 &&
		    s.first.legs[1].jitter_ms < 2.51);

	/* [from, to): the start of a call decides */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->acme, t0 + 60000,
					t0 + 120000, 0, 50, collect_cdr, &s),
			 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.uuids[0], "call-b");
	assert_int_equal(s.first.legc, 0);
	assert_int_equal(s.first.billsec, 0);
	assert_int_equal(s.first.disposition, CDR_BUSY);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->acme, t0 + 60001,
					INT64_MAX, 0, 50, collect_cdr, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.uuids[0], "call-c");
	/* the stored name is plain text: bad bytes and controls as '?' */
	assert_string_equal(s.first.caller_name, "Bad????Name");

	/* pages: after the first record, one at a time */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX, 0, 1,
					collect_cdr, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX,
					s.ids[0], 1, collect_cdr, &s), 0);
	assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX,
					s.ids[1], 5, collect_cdr, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.uuids[1], "call-b");
	assert_string_equal(s.uuids[2], "call-c");

	/* a user sees the calls they made or received */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list_user(f->st, f->acme, f->acme_user, 0,
					     INT64_MAX, 0, 50, collect_cdr,
					     &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.uuids[0], "call-a");
	assert_string_equal(s.uuids[1], "call-c");

	/* the other tenant's records, and its cursor, stay its own */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->globex, 0, INT64_MAX, 0, 50,
					collect_cdr, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.first.start_ms, t0 + 10);
	gid = s.ids[0];
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX, gid, 50,
					collect_cdr, &s), 0);
	assert_int_equal(s.n, 0);

	/* and go with their tenant */
	assert_int_equal(store_tenant_delete(f->st, f->globex), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->globex, 0, INT64_MAX, 0, 50,
					collect_cdr, &s), 0);
	assert_int_equal(s.n, 0);
}

/* records with the same start: the cursor still walks each once */
static void test_cdr_pages_same_start(void **state)
{
	struct fixture *f = *state;
	const int64_t t0 = 1795000000000LL;
	struct seen s = {0};
	int64_t after = 0;

	for (int i = 0; i < 5; i++) {
		char uuid[16];
		struct cdr *c;

		snprintf(uuid, sizeof(uuid), "same-%d", i);
		c = make_cdr(f->acme, uuid, i == 2 ? t0 - 1000 : t0, 1);
		assert_int_equal(store_cdr_insert(f->st, c), 0);
		free(c);
	}
	for (int page = 0; page < 10; page++) {
		size_t before = s.n;
		assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX,
						after, 2, collect_cdr, &s), 0);
		if (s.n == before)
			break;
		after = s.ids[s.n - 1];
	}
	/* the earliest first, then the ties in the order they were written */
	assert_int_equal(s.n, 5);
	assert_string_equal(s.uuids[0], "same-2");
	assert_string_equal(s.uuids[1], "same-0");
	assert_string_equal(s.uuids[2], "same-1");
	assert_string_equal(s.uuids[3], "same-3");
	assert_string_equal(s.uuids[4], "same-4");
}

static void test_cdr_finish_rounds_up(void **state)
{
	struct cdr c = {0};
	(void)state;

	c.start_ms = 1000;
	c.answer_ms = 3000;
	c.end_ms = 3001;
	cdr_finish(&c);
	assert_int_equal(c.duration_s, 3);     /* 2.001 s */
	assert_int_equal(c.billsec, 1);        /* 0.001 s */
	c.end_ms = 5000;
	cdr_finish(&c);
	assert_int_equal(c.duration_s, 4);
	assert_int_equal(c.billsec, 2);
	c.answer_ms = 0;                       /* never answered */
	cdr_finish(&c);
	assert_int_equal(c.duration_s, 4);
	assert_int_equal(c.billsec, 0);
	c.end_ms = 1000;                       /* ended as it began */
	cdr_finish(&c);
	assert_int_equal(c.duration_s, 0);
	assert_string_equal(cdr_disposition_name(CDR_NO_ANSWER), "no_answer");
	assert_string_equal(cdr_party_name(CDR_PARTY_SYSTEM), "system");
}

/* cdr_submit() hands the record to the writer thread, which commits it
 * at once (well before store.flush_ms would matter) and writes whatever
 * is still queued when it stops */
static void test_cdr_via_writer(void **state)
{
	struct fixture *f = *state;
	struct store_writer *w = NULL;
	struct seen s = {0};
	int64_t after;
	char err[256];
	struct cdr *c;

	assert_int_equal(store_writer_start(&w, f->url, err, sizeof(err)), 0);
	c = make_cdr(f->acme, "", 1795000000000LL, 30);   /* no uuid yet */
	c->billsec = 999;                                  /* recomputed */
	assert_int_equal(cdr_submit(w, c), 0);
	for (int i = 0; i < 200 && store_writer_cdr_backlog(w); i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	assert_int_equal(store_writer_cdr_backlog(w), 0);
	assert_int_equal(store_cdr_list(f->st, f->acme, 0, INT64_MAX, 0, 50,
					collect_cdr, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(strlen(s.first.uuid), 36);
	assert_int_equal(s.first.billsec, 31);
	assert_int_equal(s.first.legc, 2);

	/* queued right before the stop: written by it */
	for (int i = 0; i < 20; i++) {
		char uuid[16];
		snprintf(uuid, sizeof(uuid), "late-%d", i);
		assert_int_equal(cdr_submit(w, make_cdr(f->acme, uuid,
					    1795000100000LL + i, 1)), 0);
	}
	/* refused ones are freed, not leaked */
	c = make_cdr(0, "no-tenant", 1795000000000LL, 1);
	assert_int_equal(cdr_submit(w, c), EINVAL);
	assert_int_equal(cdr_submit(NULL, make_cdr(f->acme, "x", 1, 1)),
			 EINVAL);
	store_writer_stop(w);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->acme, 1795000100000LL,
					INT64_MAX, 0, 16, collect_cdr, &s), 0);
	assert_int_equal(s.n, 16);   /* a page of 16, then the other 4 */
	after = s.ids[15];
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_cdr_list(f->st, f->acme, 1795000100000LL,
					INT64_MAX, after, 50, collect_cdr, &s),
			 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.uuids[3], "late-19");
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

/* ---- languages, prompts, recordings ----------------------------------- */

static void test_tenant_language_and_retention(void **state)
{
	struct fixture *f = *state;
	struct store_tenant t;

	/* created without one: English, the daemon's retention */
	assert_int_equal(store_tenant_get(f->st, f->acme, &t), 0);
	assert_string_equal(t.language, "en");
	assert_int_equal(t.recording_retention_days, 0);
	snprintf(t.language, sizeof(t.language), "fr");
	t.recording_retention_days = 30;
	assert_int_equal(store_tenant_update(f->st, f->acme, &t), 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(store_tenant_get(f->st, f->acme, &t), 0);
	assert_string_equal(t.language, "fr");
	assert_int_equal(t.recording_retention_days, 30);
	assert_int_equal(store_tenant_get(f->st, f->globex, &t), 0);
	assert_string_equal(t.language, "en");
}

struct prompts_seen {
	int n;
	struct store_prompt v[8];
};

static int collect_prompt(const struct store_prompt *p, void *arg)
{
	struct prompts_seen *s = arg;
	if (s->n < 8)
		s->v[s->n] = *p;
	s->n++;
	return 0;
}

static void test_prompts(void **state)
{
	struct fixture *f = *state;
	struct store_prompt p = {0}, got;
	struct prompts_seen s = {0};
	int64_t welcome_fr;

	snprintf(p.name, sizeof(p.name), "welcome");
	snprintf(p.language, sizeof(p.language), "fr");
	p.duration_ms = 1500;
	p.bytes = 48044;
	assert_int_equal(store_prompt_put(f->st, f->acme, &p), 0);
	assert_true(p.id > 0);
	welcome_fr = p.id;
	/* the same name in English is another prompt */
	snprintf(p.language, sizeof(p.language), "en");
	assert_int_equal(store_prompt_put(f->st, f->acme, &p), 0);
	assert_true(p.id != welcome_fr);
	/* uploaded again: replaced in place, same id, new figures */
	snprintf(p.language, sizeof(p.language), "fr");
	p.duration_ms = 2000;
	p.bytes = 64044;
	p.id = 0;
	assert_int_equal(store_prompt_put(f->st, f->acme, &p), 0);
	assert_int_equal(p.id, welcome_fr);
	assert_int_equal(store_prompt_get(f->st, f->acme, welcome_fr, &got), 0);
	assert_string_equal(got.name, "welcome");
	assert_string_equal(got.language, "fr");
	assert_int_equal(got.duration_ms, 2000);
	assert_int_equal(got.bytes, 64044);
	assert_true(got.created_at > 0);

	/* another tenant's prompt of the same name is its own */
	snprintf(p.name, sizeof(p.name), "queue/position");
	assert_int_equal(store_prompt_put(f->st, f->globex, &p), 0);
	assert_int_equal(store_prompt_get(f->st, f->globex, welcome_fr, &got),
			 ENOENT);

	assert_int_equal(store_prompt_list(f->st, f->acme, 0, 50,
					   collect_prompt, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].id, welcome_fr);
	s.n = 0;
	assert_int_equal(store_prompt_list(f->st, f->acme, welcome_fr, 50,
					   collect_prompt, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].language, "en");
	s.n = 0;
	assert_int_equal(store_prompt_foreach_all(f->st, collect_prompt, &s),
			 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.v[2].tenant_id, f->globex);
	assert_string_equal(s.v[2].name, "queue/position");

	assert_int_equal(store_prompt_delete(f->st, f->globex, welcome_fr),
			 ENOENT);
	assert_int_equal(store_prompt_delete(f->st, f->acme, welcome_fr), 0);
	assert_int_equal(store_prompt_get(f->st, f->acme, welcome_fr, &got),
			 ENOENT);
	p.name[0] = '\0';
	assert_int_equal(store_prompt_put(f->st, f->acme, &p), EINVAL);
}

struct recs_seen {
	int n;
	struct store_recording v[8];
};

static int collect_rec(const struct store_recording *r, void *arg)
{
	struct recs_seen *s = arg;
	if (s->n < 8)
		s->v[s->n] = *r;
	s->n++;
	return 0;
}

static int64_t add_rec(struct fixture *f, int64_t tenant, const char *uuid,
		       const char *call, int64_t start_ms)
{
	struct store_recording r = {0};

	snprintf(r.uuid, sizeof(r.uuid), "%s", uuid);
	snprintf(r.call_uuid, sizeof(r.call_uuid), "%s", call);
	snprintf(r.file, sizeof(r.file), "recordings/%s.wav", uuid);
	snprintf(r.mode, sizeof(r.mode), "mixed");
	snprintf(r.legs, sizeof(r.legs), "both");
	r.channels = 1;
	r.start_ms = start_ms;
	assert_int_equal(store_recording_create(f->st, tenant, &r), 0);
	assert_string_equal(r.state, "recording");
	return r.id;
}

static void test_recordings(void **state)
{
	struct fixture *f = *state;
	const int64_t t0 = 1795000000000LL;
	struct store_recording_filter flt = {0};
	struct store_recording r = {0};
	struct recs_seen s = {0};
	int64_t a, b, c, g;
	struct cdr *cdr;

	a = add_rec(f, f->acme, "rec-a", "call-1", t0);
	b = add_rec(f, f->acme, "rec-b", "call-2", t0 + 1000);
	c = add_rec(f, f->acme, "rec-c", "call-2", t0 + 1000);  /* same start */
	g = add_rec(f, f->globex, "rec-a", "call-1", t0);      /* own uuids */

	assert_int_equal(store_recording_finish(f->st, f->acme, a, "done",
						61020, 1952684), 0);
	assert_int_equal(store_recording_finish(f->st, f->globex, a, "done",
						1, 1), ENOENT);
	assert_int_equal(store_recording_finish(f->st, f->acme, a, "lost",
						1, 1), EINVAL);
	assert_int_equal(store_recording_get(f->st, f->acme, a, &r), 0);
	assert_string_equal(r.state, "done");
	assert_int_equal(r.duration_ms, 61020);
	assert_int_equal(r.bytes, 1952684);
	assert_string_equal(r.call_uuid, "call-1");
	assert_string_equal(r.file, "recordings/rec-a.wav");
	assert_int_equal(store_recording_get(f->st, f->acme, g, &r), ENOENT);

	/* a uuid is unique within the tenant */
	memset(&r, 0, sizeof(r));
	snprintf(r.uuid, sizeof(r.uuid), "rec-a");
	snprintf(r.file, sizeof(r.file), "x.wav");
	snprintf(r.mode, sizeof(r.mode), "split");
	snprintf(r.legs, sizeof(r.legs), "caller");
	r.channels = 2;
	assert_int_equal(store_recording_create(f->st, f->acme, &r), EEXIST);
	r.channels = 3;
	assert_int_equal(store_recording_create(f->st, f->acme, &r), EINVAL);

	/* pages of two in (start, id) order go on after the last one seen */
	assert_int_equal(store_recording_list(f->st, f->acme, NULL, 0, 2,
					      collect_rec, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].id, a);
	assert_int_equal(s.v[1].id, b);
	s.n = 0;
	assert_int_equal(store_recording_list(f->st, f->acme, NULL, b, 2,
					      collect_rec, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].id, c);

	/* by call, by time */
	s.n = 0;
	flt.call_uuid = "call-2";
	assert_int_equal(store_recording_list(f->st, f->acme, &flt, 0, 50,
					      collect_rec, &s), 0);
	assert_int_equal(s.n, 2);
	s.n = 0;
	flt.call_uuid = NULL;
	flt.from_ms = t0 + 1;
	flt.to_ms = t0 + 1000;
	assert_int_equal(store_recording_list(f->st, f->acme, &flt, 0, 50,
					      collect_rec, &s), 0);
	assert_int_equal(s.n, 0);
	flt.to_ms = t0 + 1001;
	assert_int_equal(store_recording_list(f->st, f->acme, &flt, 0, 50,
					      collect_rec, &s), 0);
	assert_int_equal(s.n, 2);

	/* a user sees the recordings of the calls their CDR names them in */
	cdr = make_cdr(f->acme, "call-2", t0 + 1000, 5);
	cdr->callee_user_id = f->acme_user;
	assert_int_equal(store_cdr_insert(f->st, cdr), 0);
	free(cdr);
	memset(&flt, 0, sizeof(flt));
	flt.user_id = f->acme_user;
	s.n = 0;
	assert_int_equal(store_recording_list(f->st, f->acme, &flt, 0, 50,
					      collect_rec, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].id, b);
	assert_int_equal(s.v[1].id, c);

	assert_int_equal(store_recording_delete(f->st, f->globex, b), ENOENT);
	assert_int_equal(store_recording_delete(f->st, f->acme, b), 0);
	assert_int_equal(store_recording_get(f->st, f->acme, b, &r), ENOENT);
}

static void test_recordings_expire_by_tenant_retention(void **state)
{
	struct fixture *f = *state;
	const int64_t day = 86400000LL, now = 1795000000000LL;
	struct store_tenant t;
	struct recs_seen s = {0};
	int64_t old_acme, mid_acme, mid_globex;

	/* acme keeps 10 days, globex the daemon's (30 here) */
	assert_int_equal(store_tenant_get(f->st, f->acme, &t), 0);
	t.recording_retention_days = 10;
	assert_int_equal(store_tenant_update(f->st, f->acme, &t), 0);

	old_acme = add_rec(f, f->acme, "old", "", now - 40 * day);
	mid_acme = add_rec(f, f->acme, "mid", "", now - 20 * day);
	(void)add_rec(f, f->acme, "new", "", now - 5 * day);
	mid_globex = add_rec(f, f->globex, "mid", "", now - 20 * day);
	(void)mid_globex;

	assert_int_equal(store_recording_expired_all(f->st, now, 30, 50,
						     collect_rec, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].id, old_acme);
	assert_int_equal(s.v[1].id, mid_acme);
	/* at most limit at a time */
	s.n = 0;
	assert_int_equal(store_recording_expired_all(f->st, now, 30, 1,
						     collect_rec, &s), 0);
	assert_int_equal(s.n, 1);
	/* with a shorter default, globex's goes too */
	s.n = 0;
	assert_int_equal(store_recording_expired_all(f->st, now, 15, 50,
						     collect_rec, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(store_recording_expired_all(f->st, now, 0, 50,
						     collect_rec, &s), EINVAL);
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
		cmocka_unit_test_setup_teardown(test_trunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_extension_and_e164,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdr_insert_and_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cdr_pages_same_start,
						setup, teardown),
		cmocka_unit_test(test_cdr_finish_rounds_up),
		cmocka_unit_test_setup_teardown(test_cdr_via_writer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_tenant_language_and_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prompts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recordings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_recordings_expire_by_tenant_retention, setup,
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
