/**
 * @file test_features.c  User features, the tenant's forward policy and
 * park settings, ring groups and their members, in the store; and the
 * checks of features/features.h on top (loops, unknown extensions,
 * blocked numbers), on whichever backend the environment names.
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
#include "store/store.h"
#include "support.h"

/* The shared fixture (acme's alice 1001 and bob 1002, globex's gus
   2001) and two more users of acme: carol 1003 and dave 1004.  Alice
   and carol have mobile numbers, carol's a premium-rate one. */
static int64_t carol, dave;

static int setup(void **state)
{
	struct support_store *f;

	support_store_setup(state);
	f = *state;
	support_store_mobile(f->st, f->acme, f->alice, "+33612345678");
	carol = support_store_user(f->st, f->acme, "1003");
	support_store_mobile(f->st, f->acme, carol, "+33899123456");
	dave = support_store_user(f->st, f->acme, "1004");
	return 0;
}

/* ---- the store -------------------------------------------------------- */

static void test_user_features_rows(void **state)
{
	struct support_store *f = *state;
	struct store_user_features uf, got;

	/* never written: the defaults, for an existing user only */
	assert_int_equal(store_user_features_get(f->st, f->acme, f->alice,
						 &got), 0);
	assert_int_equal(got.user_id, f->alice);
	assert_int_equal(got.tenant_id, f->acme);
	assert_int_equal(got.forward_noanswer_s, 20);
	assert_true(got.call_waiting);
	assert_false(got.dnd);
	assert_string_equal(got.twinning, "off");
	assert_int_equal(got.twinning_delay_s, 10);
	assert_string_equal(got.forward_always, "");
	assert_int_equal(store_user_features_get(f->st, f->globex, f->alice,
						 &got), ENOENT);
	assert_int_equal(store_user_features_get(f->st, f->acme, 999999, &got),
			 ENOENT);

	store_user_features_default(&uf);
	uf.user_id = f->alice;
	snprintf(uf.forward_always, sizeof(uf.forward_always), "1002");
	snprintf(uf.forward_busy, sizeof(uf.forward_busy), "+33145671234");
	snprintf(uf.forward_noanswer, sizeof(uf.forward_noanswer), "1003");
	snprintf(uf.forward_unreachable, sizeof(uf.forward_unreachable),
		 "+442071234567");
	uf.forward_noanswer_s = 35;
	uf.dnd = true;
	uf.call_waiting = false;
	snprintf(uf.twinning, sizeof(uf.twinning), "sequential");
	uf.twinning_delay_s = 0;
	snprintf(uf.pickup_group, sizeof(uf.pickup_group), "sales");
	assert_int_equal(store_user_features_put(f->st, f->acme, &uf), 0);
	assert_int_equal(store_user_features_get(f->st, f->acme, f->alice,
						 &got), 0);
	uf.tenant_id = f->acme;
	assert_memory_equal(&uf, &got, sizeof(uf));

	/* again: replaced, not doubled */
	uf.dnd = false;
	assert_int_equal(store_user_features_put(f->st, f->acme, &uf), 0);
	assert_int_equal(store_user_features_get(f->st, f->acme, f->alice,
						 &got), 0);
	assert_false(got.dnd);

	/* another tenant's user cannot be written through acme, nor acme's
	   through globex */
	uf.user_id = f->gus;
	assert_int_equal(store_user_features_put(f->st, f->acme, &uf), ENOENT);
	uf.user_id = f->alice;
	assert_int_equal(store_user_features_put(f->st, f->globex, &uf),
			 ENOENT);

	/* the row goes with its user */
	assert_int_equal(store_user_delete(f->st, f->acme, f->alice), 0);
	assert_int_equal(store_user_features_get(f->st, f->acme, f->alice,
						 &got), ENOENT);
}

static int count_user(const struct store_user *u, void *arg)
{
	int64_t *ids = arg;

	ids[ids[0] + 1] = u->id;
	ids[0]++;
	return 0;
}

static void test_pickup_group(void **state)
{
	struct support_store *f = *state;
	struct store_user_features uf;
	int64_t ids[8] = {0};

	store_user_features_default(&uf);
	snprintf(uf.pickup_group, sizeof(uf.pickup_group), "desk");
	uf.user_id = f->bob;
	assert_int_equal(store_user_features_put(f->st, f->acme, &uf), 0);
	uf.user_id = f->alice;
	assert_int_equal(store_user_features_put(f->st, f->acme, &uf), 0);
	uf.user_id = f->gus;
	assert_int_equal(store_user_features_put(f->st, f->globex, &uf), 0);

	assert_int_equal(store_pickup_group_users(f->st, f->acme, "desk",
						  count_user, ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], f->alice);
	assert_int_equal(ids[2], f->bob);
	memset(ids, 0, sizeof(ids));
	assert_int_equal(store_pickup_group_users(f->st, f->acme, "",
						  count_user, ids), 0);
	assert_int_equal(ids[0], 0);
}

static void test_tenant_features_rows(void **state)
{
	struct support_store *f = *state;
	struct store_tenant_features tf, got;

	assert_int_equal(store_tenant_features_get(f->st, f->acme, &got), 0);
	assert_true(got.forward_external);
	assert_string_equal(got.allowed_prefixes, "");
	assert_non_null(strstr(got.blocked_prefixes, "+1900"));
	assert_int_equal(got.park_first, 700);
	assert_int_equal(got.park_count, 10);
	assert_int_equal(got.park_timeout_s, 60);
	assert_int_equal(store_tenant_features_get(f->st, 999999, &got),
			 ENOENT);

	store_tenant_features_default(&tf);
	tf.tenant_id = f->acme;
	tf.forward_external = false;
	snprintf(tf.allowed_prefixes, sizeof(tf.allowed_prefixes), "+33,+44");
	snprintf(tf.blocked_prefixes, sizeof(tf.blocked_prefixes), "+3389");
	tf.park_first = 800;
	tf.park_count = 5;
	tf.park_timeout_s = 90;
	assert_int_equal(store_tenant_features_put(f->st, f->acme, &tf), 0);
	assert_int_equal(store_tenant_features_get(f->st, f->acme, &got), 0);
	assert_memory_equal(&tf, &got, sizeof(tf));
	/* globex still has the defaults */
	assert_int_equal(store_tenant_features_get(f->st, f->globex, &got), 0);
	assert_int_equal(got.park_first, 700);
	assert_int_equal(store_tenant_features_put(f->st, 999999, &tf), ENOENT);
}

static struct store_group group_of(const char *name, const char *ext,
				   const char *strategy)
{
	struct store_group g;

	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "%s", name);
	snprintf(g.extension, sizeof(g.extension), "%s", ext);
	snprintf(g.strategy, sizeof(g.strategy), "%s", strategy);
	g.member_timeout_s = 15;
	g.group_timeout_s = 60;
	return g;
}

static int add_group(const struct store_group *g, void *arg)
{
	int64_t *ids = arg;

	ids[ids[0] + 1] = g->id;
	ids[0]++;
	return 0;
}

static void test_groups(void **state)
{
	struct support_store *f = *state;
	struct store_group g = group_of("Sales", "600", "ring_all"), got;
	struct store_group h = group_of("Support", "", "sequential");
	struct store_group k = group_of("Other", "", "round_robin");
	struct store_user u = {0};
	int64_t ids[8] = {0}, uid, gid;

	snprintf(g.fallback, sizeof(g.fallback), "+33145671234");
	assert_int_equal(store_group_create(f->st, f->acme, &g), 0);
	assert_true(g.id > 0);
	/* groups without an extension do not clash with each other */
	assert_int_equal(store_group_create(f->st, f->acme, &h), 0);
	assert_int_equal(store_group_create(f->st, f->acme, &k), 0);
	assert_int_equal(store_group_get(f->st, f->acme, g.id, &got), 0);
	assert_memory_equal(&g, &got, sizeof(g));
	assert_int_equal(store_group_get(f->st, f->globex, g.id, &got), ENOENT);
	assert_int_equal(store_group_find_extension(f->st, f->acme, "600",
						    &got), 0);
	assert_int_equal(got.id, g.id);
	assert_int_equal(store_group_find_extension(f->st, f->globex, "600",
						    &got), ENOENT);
	assert_int_equal(store_group_find_extension(f->st, f->acme, "",
						    &got), ENOENT);

	/* a name or extension once per tenant; users and groups share the
	   extensions */
	got = group_of("Sales", "601", "ring_all");
	assert_int_equal(store_group_create(f->st, f->acme, &got), EEXIST);
	got = group_of("Sales 2", "600", "ring_all");
	assert_int_equal(store_group_create(f->st, f->acme, &got), EEXIST);
	got = group_of("Sales", "600", "ring_all");
	assert_int_equal(store_group_create(f->st, f->globex, &got), 0);
	snprintf(u.name, sizeof(u.name), "Clash");
	snprintf(u.role, sizeof(u.role), "user");
	snprintf(u.extension, sizeof(u.extension), "600");
	assert_int_equal(store_user_create(f->st, f->acme, &u), EEXIST);
	assert_int_equal(store_user_get(f->st, f->acme, f->bob, &u), 0);
	snprintf(u.extension, sizeof(u.extension), "600");
	assert_int_equal(store_user_update(f->st, f->acme, &u), EEXIST);
	assert_int_equal(store_extension_owner(f->st, f->acme, "600", &uid,
					       &gid), 0);
	assert_true(uid == 0 && gid == g.id);
	assert_int_equal(store_extension_owner(f->st, f->acme, "1002", &uid,
					       &gid), 0);
	assert_true(uid == f->bob && gid == 0);
	assert_int_equal(store_extension_owner(f->st, f->acme, "1999", &uid,
					       &gid), ENOENT);

	assert_int_equal(store_group_list(f->st, f->acme, 0, 2, add_group,
					  ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], g.id);
	assert_int_equal(ids[2], h.id);
	assert_int_equal(store_group_list(f->st, f->acme, h.id, 50, add_group,
					  ids), 0);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[3], k.id);

	/* change, cursor, delete */
	snprintf(h.extension, sizeof(h.extension), "601");
	snprintf(h.strategy, sizeof(h.strategy), "longest_idle");
	h.group_timeout_s = 30;
	assert_int_equal(store_group_update(f->st, f->acme, &h), 0);
	assert_int_equal(store_group_set_cursor(f->st, f->acme, h.id, 3), 0);
	assert_int_equal(store_group_get(f->st, f->acme, h.id, &got), 0);
	h.rr_cursor = 3;
	assert_memory_equal(&h, &got, sizeof(h));
	assert_int_equal(store_group_update(f->st, f->globex, &h), ENOENT);
	snprintf(h.extension, sizeof(h.extension), "600");
	assert_int_equal(store_group_update(f->st, f->acme, &h), EEXIST);
	assert_int_equal(store_group_delete(f->st, f->globex, h.id), ENOENT);
	assert_int_equal(store_group_delete(f->st, f->acme, h.id), 0);
	assert_int_equal(store_group_get(f->st, f->acme, h.id, &got), ENOENT);
	assert_int_equal(store_group_delete(f->st, f->acme, h.id), ENOENT);
}

struct members {
	int n;
	struct store_group_member m[8];
};

static int add_member(const struct store_group_member *m, void *arg)
{
	struct members *ms = arg;

	if (ms->n < 8)
		ms->m[ms->n++] = *m;
	return 0;
}

static void put_member(struct support_store *f, int64_t tid, int64_t gid,
		       int64_t uid, int position, bool in, int want)
{
	struct store_group_member m = {0};

	m.group_id = gid;
	m.user_id = uid;
	m.position = position;
	m.logged_in = in;
	assert_int_equal(store_group_member_put(f->st, tid, &m), want);
}

static void test_members(void **state)
{
	struct support_store *f = *state;
	struct store_group g = group_of("Hunt", "650", "longest_idle");
	struct store_group other = group_of("Hunt", "650", "ring_all");
	struct store_group_member m;
	struct members ms = {0};

	assert_int_equal(store_group_create(f->st, f->acme, &g), 0);
	assert_int_equal(store_group_create(f->st, f->globex, &other), 0);
	put_member(f, f->acme, g.id, carol, 2, true, 0);
	put_member(f, f->acme, g.id, f->alice, 1, true, 0);
	put_member(f, f->acme, g.id, f->bob, 1, false, 0);
	/* globex's user in acme's group, or through the wrong tenant */
	put_member(f, f->acme, g.id, f->gus, 1, true, ENOENT);
	put_member(f, f->globex, g.id, f->alice, 1, true, ENOENT);
	put_member(f, f->acme, other.id, f->alice, 1, true, ENOENT);

	/* hunting order: position, then user id */
	assert_int_equal(store_group_member_list(f->st, f->acme, g.id,
						 add_member, &ms), 0);
	assert_int_equal(ms.n, 3);
	assert_int_equal(ms.m[0].user_id, f->alice);
	assert_int_equal(ms.m[1].user_id, f->bob);
	assert_int_equal(ms.m[2].user_id, carol);
	assert_string_equal(ms.m[0].extension, "1001");
	assert_string_equal(ms.m[0].name, "User 1001");
	assert_false(ms.m[1].logged_in);

	/* who rings: the logged-in ones */
	memset(&ms, 0, sizeof(ms));
	assert_int_equal(store_group_member_ready(f->st, f->acme, g.id,
						  add_member, &ms), 0);
	assert_int_equal(ms.n, 2);
	assert_int_equal(ms.m[0].user_id, f->alice);
	assert_int_equal(ms.m[1].user_id, carol);

	/* log in and out, answered, changed position */
	assert_int_equal(store_group_member_login(f->st, f->acme, g.id, f->bob,
						  true), 0);
	assert_int_equal(store_group_member_login(f->st, f->acme, g.id, dave,
						  true), ENOENT);
	assert_int_equal(store_group_member_answered(f->st, f->acme, g.id,
						     f->alice, 1700000000123),
			 0);
	assert_int_equal(store_group_member_answered(f->st, f->globex, g.id,
						     f->alice, 1), ENOENT);
	put_member(f, f->acme, g.id, carol, 0, true, 0);
	memset(&ms, 0, sizeof(ms));
	assert_int_equal(store_group_member_ready(f->st, f->acme, g.id,
						  add_member, &ms), 0);
	assert_int_equal(ms.n, 3);
	assert_int_equal(ms.m[0].user_id, carol);
	assert_int_equal(ms.m[1].user_id, f->alice);
	assert_int_equal(ms.m[1].last_answer_ms, 1700000000123);
	assert_int_equal(ms.m[2].user_id, f->bob);

	assert_int_equal(store_group_member_get(f->st, f->acme, g.id, f->bob,
						&m), 0);
	assert_true(m.logged_in);
	assert_int_equal(m.position, 1);
	assert_int_equal(store_group_member_get(f->st, f->globex, g.id, f->bob,
						&m), ENOENT);
	assert_int_equal(store_group_member_delete(f->st, f->acme, g.id,
						   f->bob), 0);
	assert_int_equal(store_group_member_delete(f->st, f->acme, g.id,
						   f->bob), ENOENT);

	/* members go with their user, and all of them with the group */
	assert_int_equal(store_user_delete(f->st, f->acme, carol), 0);
	memset(&ms, 0, sizeof(ms));
	assert_int_equal(store_group_member_list(f->st, f->acme, g.id,
						 add_member, &ms), 0);
	assert_int_equal(ms.n, 1);
	assert_int_equal(store_group_delete(f->st, f->acme, g.id), 0);
	assert_int_equal(store_group_member_get(f->st, f->acme, g.id, f->alice,
						&m), ENOENT);
	/* and a tenant takes everything with it */
	assert_int_equal(store_tenant_delete(f->st, f->globex), 0);
}

/* ---- the checks of features.h ----------------------------------------- */

static enum features_status set_fwd(struct support_store *f, int64_t uid,
				    enum features_forward which,
				    const char *dest,
				    struct features_problem *pr)
{
	memset(pr, 0, sizeof(*pr));
	return features_forward_set(f->st, f->acme, uid, which, dest, pr);
}

static void test_forward_checks(void **state)
{
	struct support_store *f = *state;
	struct features_problem pr;
	struct store_user_features got;
	struct store_group g = group_of("Desk", "660", "ring_all");

	assert_int_equal(store_group_create(f->st, f->acme, &g), 0);
	/* inside: a user, a group; outside: an ordinary number */
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_ALWAYS, "1002",
				 &pr), FEATURES_OK);
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_BUSY, "660", &pr),
			 FEATURES_OK);
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_NOANSWER,
				 "+33145671234", &pr), FEATURES_OK);
	assert_int_equal(store_user_features_get(f->st, f->acme, f->alice,
						 &got), 0);
	assert_string_equal(got.forward_always, "1002");
	assert_string_equal(got.forward_busy, "660");
	assert_string_equal(got.forward_noanswer, "+33145671234");

	/* oneself; an extension nobody has; another tenant's extension */
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_ALWAYS, "1001",
				 &pr), FEATURES_LOOP);
	assert_string_equal(pr.field, "forward_always");
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_UNREACHABLE,
				 "1999", &pr), FEATURES_UNKNOWN);
	assert_string_equal(pr.field, "forward_unreachable");
	assert_non_null(strstr(pr.detail, "1999"));
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_ALWAYS, "2001",
				 &pr), FEATURES_UNKNOWN);
	/* not a destination at all */
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_ALWAYS, "12ab",
				 &pr), FEATURES_BAD);
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_ALWAYS, "0612345678",
				 &pr), FEATURES_BAD);

	/* premium rate, with the default policy */
	assert_int_equal(set_fwd(f, f->bob, FEATURES_FWD_ALWAYS,
				 "+33899123456", &pr), FEATURES_REFUSED);
	assert_string_equal(pr.field, "forward_always");
	assert_non_null(strstr(pr.detail, "+3389"));

	/* bob -> alice while alice -> bob: refused; through carol too */
	assert_int_equal(set_fwd(f, f->bob, FEATURES_FWD_ALWAYS, "1001", &pr),
			 FEATURES_LOOP);
	assert_string_equal(pr.field, "forward_always");
	assert_int_equal(set_fwd(f, f->alice, FEATURES_FWD_ALWAYS, "1003",
				 &pr), FEATURES_OK);
	assert_int_equal(set_fwd(f, carol, FEATURES_FWD_ALWAYS, "1002",
				 &pr), FEATURES_OK);
	assert_int_equal(set_fwd(f, f->bob, FEATURES_FWD_ALWAYS, "1001", &pr),
			 FEATURES_LOOP);
	/* a busy forward into an always-chain that comes back: refused too */
	assert_int_equal(set_fwd(f, f->bob, FEATURES_FWD_BUSY, "1003", &pr),
			 FEATURES_LOOP);
	assert_string_equal(pr.field, "forward_busy");
	/* break the chain: now it is fine */
	assert_int_equal(set_fwd(f, carol, FEATURES_FWD_ALWAYS, "", &pr),
			 FEATURES_OK);
	assert_int_equal(set_fwd(f, f->bob, FEATURES_FWD_ALWAYS, "1001", &pr),
			 FEATURES_OK);

	/* a stale forward does not block switching DND */
	assert_int_equal(store_user_features_get(f->st, f->acme, dave,
						 &got), 0);
	snprintf(got.forward_busy, sizeof(got.forward_busy), "1888");
	assert_int_equal(store_user_features_put(f->st, f->acme, &got), 0);
	assert_int_equal(features_dnd_set(f->st, f->acme, dave, true, &pr),
			 FEATURES_OK);
	assert_int_equal(features_call_waiting_set(f->st, f->acme, dave,
						   false, &pr), FEATURES_OK);
	assert_int_equal(store_user_features_get(f->st, f->acme, dave,
						 &got), 0);
	assert_true(got.dnd);
	assert_false(got.call_waiting);
	/* another tenant's user through acme */
	assert_int_equal(features_dnd_set(f->st, f->acme, f->gus, true, &pr),
			 FEATURES_UNKNOWN);
}

static void test_feature_ranges_and_twinning(void **state)
{
	struct support_store *f = *state;
	struct features_problem pr = {0};
	struct store_user_features uf;

	store_user_features_default(&uf);
	uf.user_id = f->alice;
	uf.forward_noanswer_s = 4;
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_BAD);
	assert_string_equal(pr.field, "forward_noanswer_s");
	uf.forward_noanswer_s = 120;
	uf.twinning_delay_s = 61;
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_BAD);
	assert_string_equal(pr.field, "twinning_delay_s");
	uf.twinning_delay_s = 60;
	snprintf(uf.twinning, sizeof(uf.twinning), "both");
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_BAD);
	assert_string_equal(pr.field, "twinning");
	snprintf(uf.twinning, sizeof(uf.twinning), "simultaneous");
	snprintf(uf.pickup_group, sizeof(uf.pickup_group), "Sales Team");
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_BAD);
	assert_string_equal(pr.field, "pickup_group");
	snprintf(uf.pickup_group, sizeof(uf.pickup_group), "sales-1");
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_OK);

	/* twinning needs a mobile, and one the policy allows */
	uf.user_id = f->bob;
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_REFUSED);
	assert_string_equal(pr.field, "twinning");
	uf.user_id = carol;
	assert_int_equal(features_user_save(f->st, f->acme, NULL, &uf, &pr),
			 FEATURES_REFUSED);
	assert_non_null(strstr(pr.detail, "+33899123456"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, \
						support_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_user_features_rows),
		T(test_pickup_group),
		T(test_tenant_features_rows),
		T(test_groups),
		T(test_members),
		T(test_forward_checks),
		T(test_feature_ranges_and_twinning),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
