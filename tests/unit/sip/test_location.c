/**
 * @file test_location.c  Bindings: set, refresh, remove, evict, expire.
 */
#include <re.h>
#include <string.h>
#include "core/theap.h"
#include "sip/location.h"
#include "support.h"

static struct loc_update upd(const char *contact, uint32_t expires,
			     const struct sa *src)
{
	struct loc_update u = {0};
	pl_set_str(&u.contact, contact);
	pl_set_str(&u.call_id, "call-1");
	u.expires_s = expires;
	u.q_milli = 1000;
	u.cseq = 1;
	u.src = src;
	u.tp = SIP_TRANSP_UDP;
	return u;
}

static void test_set_refresh_remove(void **state)
{
	struct theap *th = NULL;
	struct location *loc = NULL;
	struct sa src;
	struct loc_update u;
	struct loc_aor *aor;
	(void)state;

	sa_set_str(&src, "127.0.0.1", 5070);
	assert_int_equal(theap_alloc(&th), 0);
	assert_int_equal(location_alloc(&loc, th, NULL), 0);

	u = upd("sip:a@10.0.0.1", 60, &src);
	assert_int_equal(location_set(loc, 1, 7, &u, 10), 0);
	u = upd("sip:a@10.0.0.2", 60, &src);
	assert_int_equal(location_set(loc, 1, 7, &u, 10), 0);
	assert_int_equal(location_count(loc), 2);

	/* same contact again: refreshed, not duplicated */
	u = upd("sip:a@10.0.0.1", 120, &src);
	u.cseq = 2;
	assert_int_equal(location_set(loc, 1, 7, &u, 10), 0);
	assert_int_equal(location_count(loc), 2);

	/* another tenant's device with the same id is someone else */
	assert_null(location_find(loc, 2, 7));
	aor = location_find(loc, 1, 7);
	assert_non_null(aor);
	assert_int_equal(list_count(&aor->bindings), 2);

	u = upd("sip:a@10.0.0.2", 0, &src);
	assert_int_equal(location_set(loc, 1, 7, &u, 10), 0);
	assert_int_equal(location_count(loc), 1);

	location_remove_all(loc, 1, 7);
	assert_int_equal(location_count(loc), 0);
	assert_null(location_find(loc, 1, 7));
	assert_int_equal(theap_count(th), 0);

	mem_deref(loc);
	mem_deref(th);
}

static void test_evicts_oldest_past_max(void **state)
{
	struct theap *th = NULL;
	struct location *loc = NULL;
	struct sa src;
	char c[64];
	(void)state;

	sa_set_str(&src, "127.0.0.1", 5070);
	assert_int_equal(theap_alloc(&th), 0);
	assert_int_equal(location_alloc(&loc, th, NULL), 0);
	for (int i = 0; i < 5; i++) {
		struct loc_update u;
		snprintf(c, sizeof(c), "sip:a@10.0.0.%d", i);
		u = upd(c, 60, &src);
		assert_int_equal(location_set(loc, 1, 7, &u, 3), 0);
	}
	assert_int_equal(location_count(loc), 3);
	struct pl first = PL("sip:a@10.0.0.0"), last = PL("sip:a@10.0.0.4");
	assert_null(location_binding_find(location_find(loc, 1, 7), &first));
	assert_non_null(location_binding_find(location_find(loc, 1, 7), &last));
	mem_deref(loc);
	mem_deref(th);
}

static void test_expiry(void **state)
{
	struct theap *th = NULL;
	struct location *loc = NULL;
	struct sa src;
	struct loc_update u;
	(void)state;

	sa_set_str(&src, "127.0.0.1", 5070);
	assert_int_equal(theap_alloc(&th), 0);
	assert_int_equal(location_alloc(&loc, th, NULL), 0);
	u = upd("sip:a@10.0.0.1", 30, &src);
	assert_int_equal(location_set(loc, 1, 7, &u, 10), 0);
	u = upd("sip:b@10.0.0.1", 90, &src);
	assert_int_equal(location_set(loc, 1, 8, &u, 10), 0);

	theap_run(th, theap_now() + 31 * 1000);
	assert_null(location_find(loc, 1, 7));
	assert_non_null(location_find(loc, 1, 8));
	theap_run(th, theap_now() + 91 * 1000);
	assert_int_equal(location_count(loc), 0);
	mem_deref(loc);
	mem_deref(th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_refresh_remove),
		cmocka_unit_test(test_evicts_oldest_past_max),
		cmocka_unit_test(test_expiry),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
