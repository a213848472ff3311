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

/* The store suites' fixture: a fresh, migrated store (the PostgreSQL
   database CENTREX_TEST_STORE_URL names, emptied first; else SQLite in a
   new temporary folder) with two tenants and three users. */
struct store;
struct support_store {
	char dir[256];               /**< "" on PostgreSQL */
	struct store *st;
	int64_t acme, globex;        /**< tenants */
	int64_t alice, bob;          /**< acme's 1001 and 1002 */
	int64_t gus;                 /**< globex's 2001 */
};

void support_store_up(struct support_store *f);
void support_store_down(struct support_store *f);
/* The same as a cmocka group's per-test setup and teardown: *state is a
   struct support_store, one for the whole program. */
int  support_store_setup(void **state);
int  support_store_teardown(void **state);
int64_t support_store_tenant(struct store *st, const char *slug);
int64_t support_store_user(struct store *st, int64_t tenant_id,
			   const char *ext);
/* Gives an existing user a mobile number (E.164), for the suites that
   forward or twin calls to mobiles. */
void support_store_mobile(struct store *st, int64_t tenant_id,
			  int64_t user_id, const char *e164);

#endif
