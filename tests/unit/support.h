/**
 * @file support.h  Shared set-up for the cmocka unit tests.
 */
#ifndef CENTREX_TEST_SUPPORT_H
#define CENTREX_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

int  support_setup(void **state);
int  support_teardown(void **state);
void support_tmpdir(char *buf, size_t size);
void support_rmdir(const char *dir);
/* Runs the libre loop until *flag (may be NULL) is true or ms passed:
   how a test waits for what comes back to the signalling thread. */
void support_run_until(bool *flag, unsigned ms);

#endif
