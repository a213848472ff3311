/**
 * @file test_table.c  The presence table: the per-device cap, records
 * that live exactly as long as something needs them, and a user's calls
 * folded into idle / ringing / busy.
 */
#include <re.h>
#include <string.h>
#include "presence/table.h"
#include "support.h"

static void test_cap_and_lifetime(void **state)
{
	struct pres_table *t = NULL;
	struct pres_sub subs[4], extra;
	struct pres_user *u;
	struct pres_dev *d;
	(void)state;

	assert_int_equal(pres_table_alloc(&t), 0);
	assert_null(pres_table_user(t, 1, 10, false));
	u = pres_table_user(t, 1, 10, true);
	d = pres_table_dev(t, 100, true);
	assert_non_null(u);
	assert_ptr_equal(pres_table_user(t, 1, 10, false), u);
	/* the same user id in another tenant is another record */
	assert_null(pres_table_user(t, 2, 10, false));

	for (int i = 0; i < 4; i++)
		assert_int_equal(pres_table_sub_add(t, &subs[i], u, d,
						    i == 3 ? PRES_EV_MWI
							   : PRES_EV_DIALOG,
						    4, &subs[i]), 0);
	assert_int_equal(pres_table_sub_add(t, &extra, u, d, PRES_EV_DIALOG, 4,
					    NULL), EMLINK);
	assert_int_equal(pres_table_sub_count(t), 4);
	assert_int_equal(u->nwatch[PRES_EV_DIALOG], 3);
	assert_int_equal(d->nmwi, 1);

	/* one freed: room for one more */
	pres_table_sub_remove(t, &subs[0]);
	assert_int_equal(pres_table_sub_add(t, &extra, u, d, PRES_EV_PRESENCE,
					    4, NULL), 0);
	pres_table_sub_remove(t, &extra);
	for (int i = 1; i < 4; i++)
		pres_table_sub_remove(t, &subs[i]);
	assert_int_equal(pres_table_sub_count(t), 0);
	/* nothing needs them any more: both gone */
	assert_null(pres_table_user(t, 1, 10, false));
	assert_null(pres_table_dev(t, 100, false));
	mem_deref(t);
}

static void test_user_kept_by_calls_and_lamp(void **state)
{
	struct pres_table *t = NULL;
	struct pres_user *u;
	struct pres_dev *d;
	(void)state;

	assert_int_equal(pres_table_alloc(&t), 0);
	u = pres_table_user(t, 1, 10, true);
	assert_true(pres_user_dialog_set(u, "c1", PRESENCE_DIALOG_EARLY, false,
					 "sip:1001@acme.example"));
	pres_table_tidy_user(t, u);
	assert_ptr_equal(pres_table_user(t, 1, 10, false), u);
	assert_true(pres_user_dialog_set(u, "c1", PRESENCE_DIALOG_TERMINATED,
					 false, NULL));
	u->mwi_known = true;
	u->mwi_new = 1;
	pres_table_tidy_user(t, u);
	assert_ptr_equal(pres_table_user(t, 1, 10, false), u);
	u->mwi_new = 0;
	pres_table_tidy_user(t, u);
	assert_null(pres_table_user(t, 1, 10, false));

	/* a device shown a lamp is remembered (not shown it twice) */
	d = pres_table_dev(t, 7, true);
	d->mwi_seq_shown = 3;
	pres_table_tidy_dev(t, d);
	assert_ptr_equal(pres_table_dev(t, 7, false), d);
	mem_deref(t);
}

static void test_blf_states(void **state)
{
	struct pres_table *t = NULL;
	struct pres_user *u;
	char id[16];
	(void)state;

	assert_int_equal(pres_table_alloc(&t), 0);
	u = pres_table_user(t, 1, 10, true);
	assert_int_equal(pres_user_blf(u), PRES_BLF_IDLE);

	assert_true(pres_user_dialog_set(u, "in", PRESENCE_DIALOG_EARLY, false,
					 "sip:1001@acme.example"));
	assert_int_equal(pres_user_blf(u), PRES_BLF_RINGING);
	/* the same again changes nothing a watcher sees */
	assert_false(pres_user_dialog_set(u, "in", PRESENCE_DIALOG_EARLY,
					  false, "sip:1001@acme.example"));
	assert_true(pres_user_dialog_set(u, "in", PRESENCE_DIALOG_CONFIRMED,
					 false, "sip:1001@acme.example"));
	assert_int_equal(pres_user_blf(u), PRES_BLF_BUSY);
	assert_string_equal(pres_blf_name(pres_user_blf(u)), "busy");
	assert_true(pres_user_dialog_set(u, "in", PRESENCE_DIALOG_TERMINATED,
					 false, NULL));
	assert_int_equal(pres_user_blf(u), PRES_BLF_IDLE);
	assert_false(pres_user_dialog_set(u, "in", PRESENCE_DIALOG_TERMINATED,
					  false, NULL));

	/* calling out shows busy while the far end rings */
	assert_true(pres_user_dialog_set(u, "out", PRESENCE_DIALOG_EARLY, true,
					 "+33145671234"));
	assert_int_equal(pres_user_blf(u), PRES_BLF_BUSY);
	assert_true(pres_user_dialog_set(u, "out", PRESENCE_DIALOG_TERMINATED,
					 true, NULL));

	/* at most PRES_MAX_DIALOGS calls are shown; the rest are ignored,
	   and ending one keeps the others in order */
	for (int i = 0; i < PRES_MAX_DIALOGS + 2; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		assert_int_equal(pres_user_dialog_set(u, id,
						      PRESENCE_DIALOG_EARLY,
						      false, NULL),
				 i < PRES_MAX_DIALOGS);
	}
	assert_int_equal(u->ndialogs, PRES_MAX_DIALOGS);
	assert_true(pres_user_dialog_set(u, "c0", PRESENCE_DIALOG_TERMINATED,
					 false, NULL));
	assert_string_equal(u->dialogs[0].id, "c1");
	assert_int_equal(u->ndialogs, PRES_MAX_DIALOGS - 1);
	mem_deref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_and_lifetime),
		cmocka_unit_test(test_user_kept_by_calls_and_lamp),
		cmocka_unit_test(test_blf_states),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
