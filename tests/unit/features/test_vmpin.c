/**
 * @file test_vmpin.c  Voicemail PINs: which PINs are accepted, the shape
 * of what is stored, that only the right PIN opens it, and that a
 * damaged or empty stored form opens nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "features/vmpin.h"
#include "support.h"

static void test_valid_pins(void **state)
{
	static const char *const good[] = {"0000", "1234", "98765",
					   "12345678"};
	/* the last: "1234" in full-width digits */
	static const char *const bad[] = {"", "123", "123456789", "12a4",
		" 1234", "1234 ", "12-34", "+123",
		"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"};
	char h[128];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(vm_pin_valid(good[i]));
		assert_int_equal(vm_pin_hash(good[i], h, sizeof(h)), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(vm_pin_valid(bad[i]));
		assert_int_equal(vm_pin_hash(bad[i], h, sizeof(h)), EINVAL);
	}
	assert_false(vm_pin_valid(NULL));
	assert_int_equal(vm_pin_hash(NULL, h, sizeof(h)), EINVAL);
	/* one byte short of the hash and its NUL */
	assert_int_equal(vm_pin_hash("1234", h, VM_PIN_HASH_LEN), ENOSPC);
}

static void test_stored_form(void **state)
{
	char a[128], b[128];

	(void)state;
	assert_int_equal(vm_pin_hash("4321", a, sizeof(a)), 0);
	assert_int_equal(strlen(a), VM_PIN_HASH_LEN);
	assert_true(strlen(a) < 100);           /* store_vm_box.pin_hash */
	assert_memory_equal(a, "v1$", 3);
	assert_int_equal(a[3 + 32], '$');
	assert_int_equal(strspn(a + 3, "0123456789abcdef"), 32);
	assert_int_equal(strspn(a + 36, "0123456789abcdef"), 48);
	assert_null(strstr(a, "4321"));
	/* a fresh salt each time: the same PIN twice is two strings */
	assert_int_equal(vm_pin_hash("4321", b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_true(vm_pin_check(a, "4321"));
	assert_true(vm_pin_check(b, "4321"));
}

static void test_check(void **state)
{
	char h[128];

	(void)state;
	assert_int_equal(vm_pin_hash("20250101", h, sizeof(h)), 0);
	assert_true(vm_pin_check(h, "20250101"));
	assert_false(vm_pin_check(h, "20250102"));
	assert_false(vm_pin_check(h, "2025010"));
	assert_false(vm_pin_check(h, "202501011"));
	assert_false(vm_pin_check(h, ""));
	assert_false(vm_pin_check(h, NULL));
	/* no PIN set: nothing opens it */
	assert_false(vm_pin_check("", "1234"));
	assert_false(vm_pin_check(NULL, "1234"));
}

static void test_damaged_hash(void **state)
{
	char h[128], d[128];

	(void)state;
	assert_int_equal(vm_pin_hash("5555", h, sizeof(h)), 0);
	/* a changed hash digit, a changed salt digit, another version,
	   a missing separator, cut short, a trailing byte, not hex */
	snprintf(d, sizeof(d), "%s", h);
	d[VM_PIN_HASH_LEN - 1] = d[VM_PIN_HASH_LEN - 1] == '0' ? '1' : '0';
	assert_false(vm_pin_check(d, "5555"));
	snprintf(d, sizeof(d), "%s", h);
	d[5] = d[5] == '0' ? '1' : '0';
	assert_false(vm_pin_check(d, "5555"));
	snprintf(d, sizeof(d), "%s", h);
	d[1] = '2';
	assert_false(vm_pin_check(d, "5555"));
	snprintf(d, sizeof(d), "%s", h);
	d[35] = 'x';
	assert_false(vm_pin_check(d, "5555"));
	snprintf(d, sizeof(d), "%.*s", VM_PIN_HASH_LEN - 1, h);
	assert_false(vm_pin_check(d, "5555"));
	snprintf(d, sizeof(d), "%s", h);
	strcat(d, "0");
	assert_false(vm_pin_check(d, "5555"));
	snprintf(d, sizeof(d), "%s", h);
	d[40] = 'g';
	assert_false(vm_pin_check(d, "5555"));
	assert_true(vm_pin_check(h, "5555"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_pins),
		cmocka_unit_test(test_stored_form),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_damaged_hash),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
