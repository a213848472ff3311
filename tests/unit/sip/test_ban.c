/**
 * @file test_ban.c  Failure counting per address, bans, expiry.
 */
#include <re.h>
#include "core/theap.h"
#include "sip/ban.h"
#include "support.h"

static void count_banned(const struct ban_info *bi, void *arg)
{
	size_t *n = arg;
	assert_true(bi->remaining_ms > 0);
	(*n)++;
}

static void test_ban_after_threshold_then_unban(void **state)
{
	struct theap *th = NULL;
	struct ban_table *bt = NULL;
	struct sa a, a_other_port, b;
	size_t n = 0;
	(void)state;

	sa_set_str(&a, "127.0.0.5", 5060);
	sa_set_str(&a_other_port, "127.0.0.5", 40000);
	sa_set_str(&b, "127.0.0.6", 5060);
	assert_int_equal(theap_alloc(&th), 0);
	assert_int_equal(ban_alloc(&bt, th), 0);
	ban_configure(bt, 3, 60, 10);

	ban_failure(bt, &a);
	ban_failure(bt, &a_other_port);   /* the port does not matter */
	assert_false(ban_check(bt, &a));
	ban_failure(bt, &a);
	assert_true(ban_check(bt, &a));
	assert_true(ban_check(bt, &a_other_port));
	assert_false(ban_check(bt, &b));

	ban_foreach(bt, true, count_banned, &n);
	assert_int_equal(n, 1);

	theap_run(th, theap_now() + 11 * 1000);
	assert_false(ban_check(bt, &a));
	assert_int_equal(ban_count(bt), 0);
	mem_deref(bt);
	mem_deref(th);
}

static void test_failures_forgotten_after_window(void **state)
{
	struct theap *th = NULL;
	struct ban_table *bt = NULL;
	struct sa a;
	(void)state;

	sa_set_str(&a, "::1", 5060);
	assert_int_equal(theap_alloc(&th), 0);
	assert_int_equal(ban_alloc(&bt, th), 0);
	ban_configure(bt, 2, 5, 10);
	ban_failure(bt, &a);
	theap_run(th, theap_now() + 6 * 1000);
	ban_failure(bt, &a);
	assert_false(ban_check(bt, &a));
	mem_deref(bt);
	mem_deref(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ban_after_threshold_then_unban),
		cmocka_unit_test(test_failures_forgotten_after_window),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
