/**
 * @file test_theap.c  Timer heap: order, cancel, restart, re-entrancy.
 */
#include <re.h>
#include <stdlib.h>
#include "core/theap.h"
#include "support.h"

struct rec {
	struct theap_entry e;
	int id;
	int *log;
	size_t *n;
};

static void fired(void *arg)
{
	struct rec *r = arg;
	r->log[(*r->n)++] = r->id;
}

static void test_fires_in_deadline_order(void **state)
{
	struct theap *th = NULL;
	struct rec r[200];
	int log[200];
	size_t n = 0;
	(void)state;

	assert_int_equal(theap_alloc(&th), 0);
	srand(7);
	for (int i = 0; i < 200; i++) {
		r[i] = (struct rec){.id = i, .log = log, .n = &n};
		theap_start(th, &r[i].e, (uint64_t)(rand() % 100000) + 1000,
			    fired, &r[i]);
	}
	assert_int_equal(theap_count(th), 200);
	theap_run(th, theap_now());     /* nothing due yet */
	assert_int_equal(n, 0);
	theap_run(th, theap_now() + 200000);
	assert_int_equal(n, 200);
	for (size_t i = 1; i < n; i++)
		assert_true(r[log[i - 1]].e.deadline_ms <= r[log[i]].e.deadline_ms);
	assert_int_equal(theap_count(th), 0);
	mem_deref(th);
}

static void test_cancel_and_restart(void **state)
{
	struct theap *th = NULL;
	struct rec a, b, c;
	int log[4];
	size_t n = 0;
	(void)state;

	assert_int_equal(theap_alloc(&th), 0);
	a = (struct rec){.id = 1, .log = log, .n = &n};
	b = (struct rec){.id = 2, .log = log, .n = &n};
	c = (struct rec){.id = 3, .log = log, .n = &n};
	theap_start(th, &a.e, 1000, fired, &a);
	theap_start(th, &b.e, 2000, fired, &b);
	theap_start(th, &c.e, 3000, fired, &c);
	theap_cancel(th, &b.e);
	assert_false(theap_pending(&b.e));
	theap_cancel(th, &b.e);                 /* twice is harmless */
	theap_start(th, &a.e, 5000, fired, &a);  /* moved later */
	assert_int_equal(theap_count(th), 2);
	theap_run(th, theap_now() + 10000);
	assert_int_equal(n, 2);
	assert_int_equal(log[0], 3);
	assert_int_equal(log[1], 1);
	mem_deref(th);
}

static struct theap *g_th;
static struct rec g_next;

static void restart_other(void *arg)
{
	struct rec *r = arg;
	fired(r);
	theap_start(g_th, &g_next.e, 0, fired, &g_next);
}

static void test_handler_may_start_timers(void **state)
{
	struct rec a;
	int log[4];
	size_t n = 0;
	(void)state;

	assert_int_equal(theap_alloc(&g_th), 0);
	a = (struct rec){.id = 1, .log = log, .n = &n};
	g_next = (struct rec){.id = 2, .log = log, .n = &n};
	theap_start(g_th, &a.e, 10, restart_other, &a);
	theap_run(g_th, theap_now() + 100);
	assert_int_equal(n, 2);
	assert_int_equal(log[1], 2);
	g_th = mem_deref(g_th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fires_in_deadline_order),
		cmocka_unit_test(test_cancel_and_restart),
		cmocka_unit_test(test_handler_may_start_timers),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
