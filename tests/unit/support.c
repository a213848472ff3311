/**
 * @file support.c  Shared set-up for the cmocka unit tests.
 *
 * libre is initialised per group; the log goes to stderr at warn so
 * failing tests show what the code complained about.
 */
#include <re.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "support.h"

int support_setup(void **state)
{
	(void)state;
	log_set_level(LOGL_WARN);
	if (sodium_init() < 0)
		return -1;
	return libre_init();
}

int support_teardown(void **state)
{
	(void)state;
	libre_close();
	return 0;
}

void support_tmpdir(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");
	snprintf(buf, size, "%s/centrex-unit-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(buf));
}

void support_rmdir(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct {
	struct tmr tmr;
	bool *flag;
	uint64_t deadline;
} lp;

static void poll_tmr(void *arg)
{
	(void)arg;
	if ((lp.flag && *lp.flag) || tmr_jiffies() >= lp.deadline)
		re_cancel();
	else
		tmr_start(&lp.tmr, 1, poll_tmr, NULL);
}

void support_run_until(bool *flag, unsigned ms)
{
	lp.flag = flag;
	lp.deadline = tmr_jiffies() + ms;
	tmr_start(&lp.tmr, 0, poll_tmr, NULL);
	re_main(NULL);
	tmr_cancel(&lp.tmr);
}
