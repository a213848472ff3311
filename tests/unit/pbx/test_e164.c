/**
 * @file test_e164.c  Dialled numbers to E.164 by the caller's country.
 */
#include <errno.h>
#include <string.h>
#include "pbx/e164.h"
#include "support.h"

struct row {
	const char *country, *dialled, *expect;   /* expect NULL: refused */
};

static const struct row rows[] = {
	/* Paris: national, international, "+" forms, the outside digit is
	   the dialplan's business, not this one's */
	{"FR", "0145671234", "+33145671234"},
	{"FR", "01 45 67 12 34", "+33145671234"},
	{"FR", "0033145671234", "+33145671234"},
	{"FR", "+33145671234", "+33145671234"},
	{"FR", "00442079460000", "+442079460000"},
	{"FR", "014567123", NULL},             /* a digit short */
	{"FR", "1003", NULL},                  /* an extension */
	/* Montreal: ten digits, 1 + ten digits, 011 international */
	{"CA", "5145551234", "+15145551234"},
	{"CA", "15145551234", "+15145551234"},
	{"CA", "011331 45 67 12 34", "+33145671234"},
	{"CA", "1003", NULL},
	/* Berlin: variable length */
	{"DE", "03012345678", "+493012345678"},
	{"DE", "004930123456", "+4930123456"},
	/* London */
	{"GB", "02079460000", "+442079460000"},
	/* Italy keeps its leading 0 */
	{"IT", "0612345678", "+390612345678"},
	/* unknown country: only the "+" form */
	{"", "+33145671234", "+33145671234"},
	{"", "0145671234", NULL},
	{"ZZ", "0145671234", NULL},
	/* garbage */
	{"FR", "", NULL},
	{"FR", "+", NULL},
	{"FR", "01456a1234", NULL},
	{"FR", "++33145671234", NULL},
	{"FR", "+0145671234", NULL},
	{"FR", "+331234567890123456", NULL},
	{"FR", "0145671234' OR 1=1", NULL},
};

static void test_table(void **state)
{
	char out[20];
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		int err = e164_normalise(r->country, r->dialled, out,
					 sizeof(out));
		if (r->expect) {
			if (err || strcmp(out, r->expect))
				fail_msg("%s '%s': got %d '%s', want '%s'",
					 r->country, r->dialled, err,
					 err ? "" : out, r->expect);
		}
		else if (!err) {
			fail_msg("%s '%s': got '%s', want a refusal",
				 r->country, r->dialled, out);
		}
	}
}

static void test_small_buffer(void **state)
{
	char out[6];
	(void)state;

	assert_int_equal(e164_normalise("FR", "0145671234", out, sizeof(out)),
			 ENOSPC);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(e164_valid("+33145671234"));
	assert_false(e164_valid("33145671234"));
	assert_false(e164_valid("+1234567"));
	assert_false(e164_valid("+1234567890123456"));
	assert_string_equal(e164_country_code("fr"), "33");
	assert_null(e164_country_code("ZZ"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
