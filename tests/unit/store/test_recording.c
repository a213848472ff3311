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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "features/features.h"
#include "features/recording.h"
#include "store/store.h"
#include "support.h"

/* the shared fixture's tenants and users, by index */
enum { ACME, GLOBEX };
enum { ALICE, BOB, GUS };

static int64_t tenant_of(const struct support_store *f, int which)
{
	return which == ACME ? f->acme : f->globex;
}

static int64_t user_of(const struct support_store *f, int which)
{
	return which == ALICE ? f->alice : which == BOB ? f->bob : f->gus;
}

static void get_tenant(struct support_store *f, int which,
		       struct store_tenant_features *t)
{
	assert_int_equal(store_tenant_features_get(f->st, tenant_of(f, which),
						   t), 0);
}

static void get_user(struct support_store *f, int tenant, int which,
		     struct store_user_features *u)
{
	assert_int_equal(store_user_features_get(f->st, tenant_of(f, tenant),
						 user_of(f, which), u), 0);
}

static void set_tenant(struct support_store *f, int which, const char *policy,
		       bool announce)
{
	struct store_tenant_features t;

	get_tenant(f, which, &t);
	snprintf(t.recording_policy, sizeof(t.recording_policy), "%s", policy);
	t.recording_announce = announce;
	assert_int_equal(store_tenant_features_put(f->st, tenant_of(f, which),
						   &t), 0);
}

static void set_user(struct support_store *f, int tenant, int which,
		     const char *rec)
{
	struct store_user_features u;

	get_user(f, tenant, which, &u);
	snprintf(u.recording, sizeof(u.recording), "%s", rec);
	assert_int_equal(store_user_features_put(f->st, tenant_of(f, tenant),
						 &u), 0);
}

/* the tenant's row holds policy and announce */
static void expect_tenant(struct support_store *f, int which,
			  const char *policy, bool announce)
{
	struct store_tenant_features t;

	get_tenant(f, which, &t);
	assert_string_equal(t.recording_policy, policy);
	assert_int_equal(t.recording_announce, announce);
}

static void expect_user(struct support_store *f, int tenant, int which,
			const char *rec)
{
	struct store_user_features u;

	get_user(f, tenant, which, &u);
	assert_string_equal(u.recording, rec);
}

/* the party's policy and announcement, which must be found */
static enum rec_policy party(struct support_store *f, int tenant, int64_t uid,
			     bool *announce)
{
	enum rec_policy p = (enum rec_policy)-1;

	assert_int_equal(features_recording_policy(f->st, tenant_of(f, tenant),
						   uid, &p, announce), 0);
	return p;
}

/* ---- the store -------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct support_store *f = *state;
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
	struct support_store *f = *state;
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
	assert_int_equal(store_tenant_features_put(f->st, f->acme,
						   &t), 0);
	u.dnd = true;
	assert_int_equal(store_user_features_put(f->st, f->acme, &u),
			 0);
	expect_tenant(f, ACME, "always", true);
	expect_user(f, ACME, BOB, "never");
	set_tenant(f, ACME, "never", false);
	expect_tenant(f, ACME, "never", false);
	get_tenant(f, ACME, &t);
	assert_int_equal(t.park_count, 20);

	/* an empty word is refused, as an empty twinning is */
	t.recording_policy[0] = '\0';
	assert_int_equal(store_tenant_features_put(f->st, f->acme,
						   &t), EINVAL);
	u.recording[0] = '\0';
	assert_int_equal(store_user_features_put(f->st, f->acme, &u),
			 EINVAL);
}

/* ---- features/recording.h ---------------------------------------------- */

static void test_party_policy(void **state)
{
	struct support_store *f = *state;
	enum rec_policy p;
	bool announce = true;

	/* nothing set: on demand, no announcement, inside or outside */
	assert_int_equal(party(f, ACME, f->alice, &announce),
			 REC_ON_DEMAND);
	assert_false(announce);
	assert_int_equal(party(f, ACME, 0, NULL), REC_ON_DEMAND);

	/* inherit follows the tenant; a user's own policy wins */
	set_tenant(f, ACME, "always", true);
	set_user(f, ACME, BOB, "never");
	assert_int_equal(party(f, ACME, f->alice, &announce),
			 REC_ALWAYS);
	assert_true(announce);
	assert_int_equal(party(f, ACME, f->bob, &announce), REC_NEVER);
	assert_true(announce);
	assert_int_equal(party(f, ACME, 0, &announce), REC_ALWAYS);
	set_user(f, ACME, BOB, "on_demand");
	assert_int_equal(party(f, ACME, f->bob, NULL), REC_ON_DEMAND);
	set_user(f, ACME, BOB, "inherit");
	assert_int_equal(party(f, ACME, f->bob, NULL), REC_ALWAYS);

	/* the other tenant keeps its own */
	assert_int_equal(party(f, GLOBEX, f->gus, &announce),
			 REC_ON_DEMAND);
	assert_false(announce);

	/* no such tenant, or a user of another tenant */
	assert_int_equal(features_recording_policy(f->st, 999999, 0, &p, NULL),
			 ENOENT);
	assert_int_equal(features_recording_policy(f->st, f->globex,
						   f->alice, &p, NULL),
			 ENOENT);
	assert_int_equal(features_recording_policy(f->st, f->acme, 0,
						   NULL, NULL), EINVAL);
}

static void test_user_word_checked(void **state)
{
	struct support_store *f = *state;
	struct store_user_features u;
	struct features_problem pr = {0};

	assert_int_equal(store_user_features_get(f->st, f->acme,
						 f->alice, &u), 0);
	snprintf(u.recording, sizeof(u.recording), "sometimes");
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &u,
					    &pr), FEATURES_BAD);
	assert_string_equal(pr.field, "recording");
	snprintf(u.recording, sizeof(u.recording), "always");
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &u,
					    &pr), FEATURES_OK);
	assert_int_equal(party(f, ACME, f->alice, NULL), REC_ALWAYS);
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, support_store_setup, \
						support_store_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_rows_kept),
		T(test_party_policy),
		T(test_user_word_checked),
		cmocka_unit_test(test_call_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
