/**
 * @file support.c  Shared set-up for the cmocka unit tests.
 *
 * libre is initialised per group; the log goes to stderr at warn so
 * failing tests show what the code complained about.
 */
#include <re.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "store/store.h"
#include "support.h"

int support_setup(void **state)
{
	(void)state;
	log_set_level(LOGL_WARN);
	if (sodium_init() < 0)
		return -1;
	return libre_init();
}

int support_teardown(void **state)
{
	(void)state;
	libre_close();
	return 0;
}

void support_tmpdir(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");
	snprintf(buf, size, "%s/centrex-unit-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(buf));
}

void support_rmdir(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct {
	struct tmr tmr;
	bool *flag;
	uint64_t deadline;
} lp;

static void poll_tmr(void *arg)
{
	(void)arg;
	if ((lp.flag && *lp.flag) || tmr_jiffies() >= lp.deadline)
		re_cancel();
	else
		tmr_start(&lp.tmr, 1, poll_tmr, NULL);
}

void support_run_until(bool *flag, unsigned ms)
{
	lp.flag = flag;
	lp.deadline = tmr_jiffies() + ms;
	tmr_start(&lp.tmr, 0, poll_tmr, NULL);
	re_main(NULL);
	tmr_cancel(&lp.tmr);
}

static void empty_pg(const char *url)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	r = PQexec(c, "SET client_min_messages = warning;"
		   "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("emptying the test database: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

int64_t support_store_tenant(struct store *st, const char *slug)
{
	struct store_tenant t = {0};

	snprintf(t.slug, sizeof(t.slug), "%s", slug);
	snprintf(t.name, sizeof(t.name), "%s", slug);
	snprintf(t.sip_domain, sizeof(t.sip_domain), "%s.example", slug);
	assert_int_equal(store_tenant_create(st, &t), 0);
	return t.id;
}

int64_t support_store_user(struct store *st, int64_t tenant_id,
			   const char *ext)
{
	struct store_user u = {0};

	snprintf(u.name, sizeof(u.name), "User %s", ext);
	snprintf(u.role, sizeof(u.role), "user");
	snprintf(u.extension, sizeof(u.extension), "%s", ext);
	assert_int_equal(store_user_create(st, tenant_id, &u), 0);
	return u.id;
}

void support_store_mobile(struct store *st, int64_t tenant_id,
			  int64_t user_id, const char *e164)
{
	struct store_user u;

	assert_int_equal(store_user_get(st, tenant_id, user_id, &u), 0);
	snprintf(u.mobile_number, sizeof(u.mobile_number), "%s", e164);
	assert_int_equal(store_user_update(st, tenant_id, &u), 0);
}

void support_store_up(struct support_store *f)
{
	const char *env = getenv("CENTREX_TEST_STORE_URL");
	char url[600], err[256];

	memset(f, 0, sizeof(*f));
	if (env && env[0] && strncmp(env, "sqlite:", 7)) {
		empty_pg(env);
		snprintf(url, sizeof(url), "%s", env);
	}
	else {
		support_tmpdir(f->dir, sizeof(f->dir));
		snprintf(url, sizeof(url), "sqlite:%s/store.db", f->dir);
	}
	assert_int_equal(store_open(&f->st, url, err, sizeof(err)), 0);
	assert_int_equal(store_migrate(f->st, NULL), 0);
	f->acme = support_store_tenant(f->st, "acme");
	f->globex = support_store_tenant(f->st, "globex");
	f->alice = support_store_user(f->st, f->acme, "1001");
	f->bob = support_store_user(f->st, f->acme, "1002");
	f->gus = support_store_user(f->st, f->globex, "2001");
}

void support_store_down(struct support_store *f)
{
	store_close(f->st);
	if (f->dir[0])
		support_rmdir(f->dir);
}

int support_store_setup(void **state)
{
	static struct support_store f;

	support_store_up(&f);
	*state = &f;
	return 0;
}

int support_store_teardown(void **state)
{
	support_store_down(*state);
	return 0;
}
