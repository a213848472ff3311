/**
 * @file test_conf.c  The settings table: defaults, bounds, file errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/conf.h"
#include "support.h"

static void test_defaults_are_valid(void **state)
{
	struct conf c;
	char err[256];
	(void)state;

	conf_defaults(&c);
	assert_string_equal(c.sip_listen,
			    "udp:127.0.0.1:5060,tcp:127.0.0.1:5060");
	assert_string_equal(c.http_listen, "127.0.0.1:8080");
	assert_string_equal(c.media_rtp_ports, "20000-29999");
	assert_int_equal(c.registrar_min_expires, 60);
	/* every default must pass its own key's checks */
	for (size_t i = 0; i < conf_table_len; i++)
		assert_int_equal(conf_set(&c, conf_table[i].name,
					  conf_table[i].def, err, sizeof(err)),
				 0);
}

static void test_required_keys_exist(void **state)
{
	static const char *keys[] = {"sip.listen", "http.listen",
				     "store.url", "media.rtp_ports",
				     "log.level"};
	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_non_null(conf_find(keys[i]));
}

static void test_set_rejects_bad_values(void **state)
{
	struct conf c;
	char err[256];
	(void)state;

	conf_defaults(&c);
	assert_int_equal(conf_set(&c, "no.such.key", "1", err, sizeof(err)),
			 ENOENT);
	assert_non_null(strstr(err, "no.such.key"));
	assert_int_equal(conf_set(&c, "registrar.min_expires", "0", err,
				  sizeof(err)), ERANGE);
	assert_int_equal(conf_set(&c, "registrar.min_expires", "12x", err,
				  sizeof(err)), EINVAL);
	assert_int_equal(conf_set(&c, "log.level", "loud", err, sizeof(err)),
			 EINVAL);
	assert_int_equal(conf_set(&c, "media.rtp_ports", "30000-20000", err,
				  sizeof(err)), EINVAL);
	assert_int_equal(conf_set(&c, "sip.listen", "sctp:1.2.3.4:5060", err,
				  sizeof(err)), EINVAL);
	assert_int_equal(conf_set(&c, "store.url", "mysql://x", err,
				  sizeof(err)), EINVAL);
	assert_int_equal(conf_set(&c, "log.capture_stderr", "maybe", err,
				  sizeof(err)), EINVAL);
	/* a refused value leaves the old one in place */
	assert_int_equal(c.registrar_min_expires, 60);
	assert_int_equal(conf_set(&c, "log.capture_stderr", "no", err,
				  sizeof(err)), 0);
	assert_false(c.log_capture_stderr);
}

static void test_file_errors_name_the_line(void **state)
{
	char dir[256], path[300], err[512];
	struct conf c;
	FILE *f;
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# comment\n\nlog.level = debug  # trailing\n"
		   "registrar.max_expires = 7200\nsip.lsten = x\n");
	fclose(f);

	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, path, err, sizeof(err)), ENOENT);
	assert_non_null(strstr(err, ":5:"));
	assert_non_null(strstr(err, "sip.lsten"));
	/* lines before the error were applied */
	assert_string_equal(c.log_level, "debug");
	assert_int_equal(c.registrar_max_expires, 7200);
	support_rmdir(dir);
}

static void test_sample_lists_every_key(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	struct conf c;
	FILE *f;
	(void)state;

	conf_defaults(&c);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	conf_print(f, &c, true);
	fclose(f);
	for (size_t i = 0; i < conf_table_len; i++) {
		char line[600];
		snprintf(line, sizeof(line), "\n%s = %s\n", conf_table[i].name,
			 conf_table[i].def);
		assert_non_null(strstr(buf, line));
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_valid),
		cmocka_unit_test(test_required_keys_exist),
		cmocka_unit_test(test_set_rejects_bad_values),
		cmocka_unit_test(test_file_errors_name_the_line),
		cmocka_unit_test(test_sample_lists_every_key),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
