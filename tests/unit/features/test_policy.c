/**
 * @file test_policy.c  The forward policy: which outside numbers pass,
 * which prefix decides, the shipped premium-rate defaults, and the
 * shape of the prefix lists.
 */
#include <stdio.h>
#include <string.h>
#include "features/policy.h"
#include "support.h"

static struct store_tenant_features with(const char *allowed,
					 const char *blocked)
{
	struct store_tenant_features t;

	store_tenant_features_default(&t);
	snprintf(t.allowed_prefixes, sizeof(t.allowed_prefixes), "%s",
		 allowed);
	snprintf(t.blocked_prefixes, sizeof(t.blocked_prefixes), "%s",
		 blocked);
	return t;
}

static void test_defaults_block_premium(void **state)
{
	struct store_tenant_features t;
	char why[160];

	(void)state;
	store_tenant_features_default(&t);
	/* ordinary numbers pass: Paris, a French mobile, London, New York */
	assert_true(features_destination_allowed(&t, "+33145671234"));
	assert_true(features_destination_allowed(&t, "+33612345678"));
	assert_true(features_destination_allowed(&t, "+442071234567"));
	assert_true(features_destination_allowed(&t, "+12125551234"));
	/* premium rate and satellite do not */
	assert_false(features_destination_allowed(&t, "+33899123456"));
	assert_false(features_destination_allowed(&t, "+449012345678"));
	assert_false(features_destination_allowed(&t, "+19005551234"));
	assert_false(features_destination_allowed(&t, "+881612345678"));
	assert_false(features_destination_allowed(&t, "+4990012345678"));
	assert_int_equal(features_destination_check(&t, "+33899123456", why,
						    sizeof(why)),
			 FEATURES_DEST_BLOCKED);
	assert_non_null(strstr(why, "+3389"));
}

static void test_not_e164(void **state)
{
	struct store_tenant_features t = with("", "");

	(void)state;
	assert_int_equal(features_destination_check(&t, "0145671234", NULL, 0),
			 FEATURES_DEST_NOT_E164);
	assert_int_equal(features_destination_check(&t, "+0145671234", NULL,
						    0),
			 FEATURES_DEST_NOT_E164);
	assert_int_equal(features_destination_check(&t, "+331", NULL, 0),
			 FEATURES_DEST_NOT_E164);
	assert_int_equal(features_destination_check(&t, "+3314567123a", NULL,
						    0),
			 FEATURES_DEST_NOT_E164);
	assert_int_equal(features_destination_check(&t, "+1234567890123456",
						    NULL, 0),
			 FEATURES_DEST_NOT_E164);
	assert_int_equal(features_destination_check(&t, NULL, NULL, 0),
			 FEATURES_DEST_NOT_E164);
}

static void test_longest_prefix_decides(void **state)
{
	/* France only, but not its premium range, except one number block
	   the tenant trusts */
	struct store_tenant_features t = with("+33,+338991", "+3389");

	(void)state;
	assert_true(features_destination_allowed(&t, "+33145671234"));
	assert_int_equal(features_destination_check(&t, "+33899000000", NULL,
						    0),
			 FEATURES_DEST_BLOCKED);
	assert_true(features_destination_allowed(&t, "+33899123456"));
	assert_int_equal(features_destination_check(&t, "+442071234567",
						    NULL, 0),
			 FEATURES_DEST_NOT_ALLOWED);
	/* the same prefix in both lists: blocked */
	t = with("+44", "+44");
	assert_int_equal(features_destination_check(&t, "+442071234567",
						    NULL, 0),
			 FEATURES_DEST_BLOCKED);
}

static void test_no_external(void **state)
{
	struct store_tenant_features t = with("", "");
	char why[160];

	(void)state;
	t.forward_external = false;
	assert_int_equal(features_destination_check(&t, "+33145671234", why,
						    sizeof(why)),
			 FEATURES_DEST_NO_EXTERNAL);
	assert_non_null(strstr(why, "outside"));
	assert_false(features_destination_allowed(NULL, "+33145671234"));
}

static void test_prefix_lists(void **state)
{
	char bad[32], list[2000];
	struct store_tenant_features t;

	(void)state;
	store_tenant_features_default(&t);
	assert_true(features_prefix_list_ok(t.blocked_prefixes, bad,
					    sizeof(bad)));
	assert_true(features_prefix_list_ok("", bad, sizeof(bad)));
	assert_true(features_prefix_list_ok("+1", bad, sizeof(bad)));
	assert_false(features_prefix_list_ok("+33,", bad, sizeof(bad)));
	assert_false(features_prefix_list_ok("+33,,+44", bad, sizeof(bad)));
	assert_false(features_prefix_list_ok("33", bad, sizeof(bad)));
	assert_string_equal(bad, "33");
	assert_false(features_prefix_list_ok("+44 9", bad, sizeof(bad)));
	assert_false(features_prefix_list_ok("+", bad, sizeof(bad)));
	assert_false(features_prefix_list_ok("+1234567890123456", bad,
					     sizeof(bad)));
	assert_false(features_prefix_list_ok(NULL, bad, sizeof(bad)));
	/* at most FEATURES_PREFIX_MAX entries */
	list[0] = '\0';
	for (int i = 0; i < FEATURES_PREFIX_MAX; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s+%d", i ? "," : "", 100 + i);
	assert_true(features_prefix_list_ok(list, bad, sizeof(bad)));
	strcat(list, ",+999");
	assert_false(features_prefix_list_ok(list, bad, sizeof(bad)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_block_premium),
		cmocka_unit_test(test_not_e164),
		cmocka_unit_test(test_longest_prefix_decides),
		cmocka_unit_test(test_no_external),
		cmocka_unit_test(test_prefix_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
