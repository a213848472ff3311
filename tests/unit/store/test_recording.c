/**
 * @file test_recording.c  The recording policy: tenants' and users'
 * settings in the store (defaults for rows never written, kept apart
 * per tenant, untouched by writes of the other features) and the
 * policy of a call's party and of the call (features/recording.h).
 *
 * CENTREX_TEST_STORE_URL as for test_store.c: unset, a fresh SQLite
 * file per test; a postgresql:// URL, that database emptied before each
 * test (never point it at data you care about).
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "features/features.h"
#include "features/recording.h"
#include "store/store.h"
#include "support.h"

struct rfx {
	char dir[256];
	struct store *st;
	int64_t tenant[2];     /* acme, globex */
	int64_t user[3];       /* acme 1001, acme 1002, globex 2001 */
};

enum { ACME, GLOBEX };
enum { ALICE, BOB, GUS };

static int setup(void **state)
{
	static struct rfx f;
	static const char *const slugs[] = {"acme", "globex"};
	static const struct { int tenant; const char *ext; } users[] = {
		{ACME, "1001"}, {ACME, "1002"}, {GLOBEX, "2001"},
	};
	const char *env = getenv("CENTREX_TEST_STORE_URL");
	char url[600], err[256];

	memset(&f, 0, sizeof(f));
	if (env && env[0] && strncmp(env, "sqlite:", 7)) {
		PGconn *c = PQconnectdb(env);
		PGresult *r = PQexec(c, "SET client_min_messages = warning;"
			"DROP SCHEMA public CASCADE; CREATE SCHEMA public");

		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("emptying the test database: %s",
				 PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		snprintf(url, sizeof(url), "%s", env);
	}
	else {
		support_tmpdir(f.dir, sizeof(f.dir));
		snprintf(url, sizeof(url), "sqlite:%s/rec.db", f.dir);
	}
	assert_int_equal(store_open(&f.st, url, err, sizeof(err)), 0);
	assert_int_equal(store_migrate(f.st, NULL), 0);
	for (int i = 0; i < 2; i++) {
		struct store_tenant t = {0};

		snprintf(t.slug, sizeof(t.slug), "%s", slugs[i]);
		snprintf(t.name, sizeof(t.name), "%s", slugs[i]);
		snprintf(t.sip_domain, sizeof(t.sip_domain), "%s.example",
			 slugs[i]);
		assert_int_equal(store_tenant_create(f.st, &t), 0);
		f.tenant[i] = t.id;
	}
	for (int i = 0; i < 3; i++) {
		struct store_user u = {0};

		snprintf(u.name, sizeof(u.name), "User %s", users[i].ext);
		snprintf(u.role, sizeof(u.role), "user");
		snprintf(u.extension, sizeof(u.extension), "%s", users[i].ext);
		assert_int_equal(store_user_create(f.st,
			f.tenant[users[i].tenant], &u), 0);
		f.user[i] = u.id;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct rfx *f = *state;

	store_close(f->st);
	if (f->dir[0])
		support_rmdir(f->dir);
	return 0;
}

static void get_tenant(struct rfx *f, int which,
		       struct store_tenant_features *t)
{
	assert_int_equal(store_tenant_features_get(f->st, f->tenant[which], t),
			 0);
}

static void get_user(struct rfx *f, int tenant, int which,
		     struct store_user_features *u)
{
	assert_int_equal(store_user_features_get(f->st, f->tenant[tenant],
						 f->user[which], u), 0);
}

static void set_tenant(struct rfx *f, int which, const char *policy,
		       bool announce)
{
	struct store_tenant_features t;

	get_tenant(f, which, &t);
	snprintf(t.recording_policy, sizeof(t.recording_policy), "%s", policy);
	t.recording_announce = announce;
	assert_int_equal(store_tenant_features_put(f->st, f->tenant[which],
						   &t), 0);
}

static void set_user(struct rfx *f, int tenant, int which, const char *rec)
{
	struct store_user_features u;

	get_user(f, tenant, which, &u);
	snprintf(u.recording, sizeof(u.recording), "%s", rec);
	assert_int_equal(store_user_features_put(f->st, f->tenant[tenant],
						 &u), 0);
}

/* the tenant's row holds policy and announce */
static void expect_tenant(struct rfx *f, int which, const char *policy,
			  bool announce)
{
	struct store_tenant_features t;

	get_tenant(f, which, &t);
	assert_string_equal(t.recording_policy, policy);
	assert_int_equal(t.recording_announce, announce);
}

static void expect_user(struct rfx *f, int tenant, int which,
			const char *rec)
{
	struct store_user_features u;

	get_user(f, tenant, which, &u);
	assert_string_equal(u.recording, rec);
}

/* the party's policy and announcement, which must be found */
static enum rec_policy party(struct rfx *f, int tenant, int64_t uid,
			     bool *announce)
{
	enum rec_policy p = (enum rec_policy)-1;

	assert_int_equal(features_recording_policy(f->st, f->tenant[tenant],
						   uid, &p, announce), 0);
	return p;
}

/* ---- the store -------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct rfx *f = *state;
	struct store_tenant_features t;
	struct store_user_features u;

	store_tenant_features_default(&t);
	assert_string_equal(t.recording_policy, "on_demand");
	assert_false(t.recording_announce);
	store_user_features_default(&u);
	assert_string_equal(u.recording, "inherit");

	/* rows never written read as the defaults */
	expect_tenant(f, ACME, "on_demand", false);
	expect_user(f, ACME, ALICE, "inherit");
}

static void test_rows_kept(void **state)
{
	struct rfx *f = *state;
	struct store_tenant_features t;
	struct store_user_features u;

	set_tenant(f, ACME, "always", true);
	set_user(f, ACME, BOB, "never");
	expect_tenant(f, ACME, "always", true);
	expect_user(f, ACME, BOB, "never");
	/* the other settings of the rows are still the defaults */
	get_tenant(f, ACME, &t);
	assert_int_equal(t.park_first, 700);
	assert_true(t.forward_external);
	get_user(f, ACME, BOB, &u);
	assert_true(u.call_waiting);

	/* the other tenant and user are not touched */
	expect_tenant(f, GLOBEX, "on_demand", false);
	expect_user(f, ACME, ALICE, "inherit");

	/* changing another setting keeps the policy; and it changes back */
	t.park_count = 20;
	assert_int_equal(store_tenant_features_put(f->st, f->tenant[ACME],
						   &t), 0);
	u.dnd = true;
	assert_int_equal(store_user_features_put(f->st, f->tenant[ACME], &u),
			 0);
	expect_tenant(f, ACME, "always", true);
	expect_user(f, ACME, BOB, "never");
	set_tenant(f, ACME, "never", false);
	expect_tenant(f, ACME, "never", false);
	get_tenant(f, ACME, &t);
	assert_int_equal(t.park_count, 20);

	/* an empty word is refused, as an empty twinning is */
	t.recording_policy[0] = '\0';
	assert_int_equal(store_tenant_features_put(f->st, f->tenant[ACME],
						   &t), EINVAL);
	u.recording[0] = '\0';
	assert_int_equal(store_user_features_put(f->st, f->tenant[ACME], &u),
			 EINVAL);
}

/* ---- features/recording.h ---------------------------------------------- */

static void test_party_policy(void **state)
{
	struct rfx *f = *state;
	enum rec_policy p;
	bool announce = true;

	/* nothing set: on demand, no announcement, inside or outside */
	assert_int_equal(party(f, ACME, f->user[ALICE], &announce),
			 REC_ON_DEMAND);
	assert_false(announce);
	assert_int_equal(party(f, ACME, 0, NULL), REC_ON_DEMAND);

	/* inherit follows the tenant; a user's own policy wins */
	set_tenant(f, ACME, "always", true);
	set_user(f, ACME, BOB, "never");
	assert_int_equal(party(f, ACME, f->user[ALICE], &announce),
			 REC_ALWAYS);
	assert_true(announce);
	assert_int_equal(party(f, ACME, f->user[BOB], &announce), REC_NEVER);
	assert_true(announce);
	assert_int_equal(party(f, ACME, 0, &announce), REC_ALWAYS);
	set_user(f, ACME, BOB, "on_demand");
	assert_int_equal(party(f, ACME, f->user[BOB], NULL), REC_ON_DEMAND);
	set_user(f, ACME, BOB, "inherit");
	assert_int_equal(party(f, ACME, f->user[BOB], NULL), REC_ALWAYS);

	/* the other tenant keeps its own */
	assert_int_equal(party(f, GLOBEX, f->user[GUS], &announce),
			 REC_ON_DEMAND);
	assert_false(announce);

	/* no such tenant, or a user of another tenant */
	assert_int_equal(features_recording_policy(f->st, 999999, 0, &p, NULL),
			 ENOENT);
	assert_int_equal(features_recording_policy(f->st, f->tenant[GLOBEX],
						   f->user[ALICE], &p, NULL),
			 ENOENT);
	assert_int_equal(features_recording_policy(f->st, f->tenant[ACME], 0,
						   NULL, NULL), EINVAL);
}

static void test_user_word_checked(void **state)
{
	struct rfx *f = *state;
	struct store_user_features u;
	struct features_problem pr = {0};

	assert_int_equal(store_user_features_get(f->st, f->tenant[ACME],
						 f->user[ALICE], &u), 0);
	snprintf(u.recording, sizeof(u.recording), "sometimes");
	assert_int_equal(features_user_save(f->st, f->tenant[ACME], NULL, &u,
					    &pr), FEATURES_BAD);
	assert_string_equal(pr.field, "recording");
	snprintf(u.recording, sizeof(u.recording), "always");
	assert_int_equal(features_user_save(f->st, f->tenant[ACME], NULL, &u,
					    &pr), FEATURES_OK);
	assert_int_equal(party(f, ACME, f->user[ALICE], NULL), REC_ALWAYS);
}

static void test_call_policy(void **state)
{
	static const enum rec_policy all[] = {REC_NEVER, REC_ON_DEMAND,
					      REC_ALWAYS};
	enum rec_policy p;

	(void)state;
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			enum rec_policy a = all[i], b = all[j], want;

			want = a == REC_ALWAYS || b == REC_ALWAYS ? REC_ALWAYS
			     : a == REC_NEVER || b == REC_NEVER ? REC_NEVER
			     : REC_ON_DEMAND;
			assert_int_equal(features_call_recording(a, b), want);
			assert_int_equal(features_call_recording(b, a), want);
		}
	}
	/* the words, both ways */
	for (int i = 0; i < 3; i++) {
		assert_true(features_rec_policy_parse(
			features_rec_policy_name(all[i]), &p));
		assert_int_equal(p, all[i]);
	}
	assert_false(features_rec_policy_parse("inherit", &p));
	assert_false(features_rec_policy_parse("", &p));
	assert_false(features_rec_policy_parse(NULL, &p));
	assert_true(features_user_recording_ok("inherit"));
	assert_true(features_user_recording_ok("on_demand"));
	assert_false(features_user_recording_ok("On_demand"));
	assert_false(features_user_recording_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_party_policy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_user_word_checked, setup,
						teardown),
		cmocka_unit_test(test_call_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
