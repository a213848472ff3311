/**
 * @file test_sqlite.c  SQLite store: migrations, tenant scoping, bindings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/store.h"
#include "store/writer.h"
#include "support.h"

struct fixture {
	char dir[256];
	char url[320];
	struct store *st;
	int64_t acme, globex, acme_user;
};

static int setup(void **state)
{
	static struct fixture f;
	struct store_tenant t = {0};
	struct store_user u = {0};
	char err[256];
	int version = 0;

	memset(&f, 0, sizeof(f));
	support_tmpdir(f.dir, sizeof(f.dir));
	snprintf(f.url, sizeof(f.url), "sqlite:%s/c.db", f.dir);
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
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
