/**
 * @file test_chat.c  Chat messages in the store: only between users of
 * one tenant, owed until delivered once, history paged in order; on
 * whichever backend the environment names (CENTREX_TEST_STORE_URL, as
 * for test_store.c: unset, a fresh SQLite file per test).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/chat.h"
#include "store/store.h"
#include "support.h"

struct seen {
	int n;
	int64_t ids[8];
	char bodies[8][32];
};

static int collect(const struct store_chat *m, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->ids[s->n] = m->id;
		snprintf(s->bodies[s->n], sizeof(s->bodies[0]), "%s", m->body);
	}
	s->n++;
	return 0;
}

static int64_t add(struct support_store *f, int64_t tid, int64_t from, int64_t to,
		   const char *body, int64_t at, int expect)
{
	struct store_chat m = {0};

	m.from_user_id = from;
	m.to_user_id = to;
	snprintf(m.content_type, sizeof(m.content_type), "text/plain");
	m.body = body;
	m.created_ms = at;
	assert_int_equal(store_chat_add(f->st, tid, &m), expect);
	return m.id;
}

static int count_users(int64_t tid, int64_t uid, int64_t n, void *arg)
{
	int64_t *v = arg;

	v[0] = tid;
	v[1] = uid;
	v[2] = n;
	v[3]++;
	return 0;
}

static void test_owed_then_delivered(void **state)
{
	struct support_store *f = *state;
	struct seen s = {0};
	int64_t a, b, users[4] = {0};

	a = add(f, f->acme, f->alice, f->bob, "one", 1000, 0);
	b = add(f, f->acme, f->alice, f->bob, "deux \xc3\xa9t\xc3\xa9", 2000, 0);
	assert_true(a > 0 && b > a);
	/* never across tenants, whatever the ids */
	add(f, f->acme, f->alice, f->gus, "x", 3000, ENOENT);
	add(f, f->globex, f->alice, f->bob, "x", 3000, ENOENT);

	assert_int_equal(store_chat_pending_users_all(f->st, count_users,
						      users), 0);
	assert_int_equal(users[3], 1);
	assert_int_equal(users[0], f->acme);
	assert_int_equal(users[1], f->bob);
	assert_int_equal(users[2], 2);

	assert_int_equal(store_chat_pending(f->st, f->acme, f->bob, 1,
					    collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], a);
	assert_int_equal(store_chat_delivered(f->st, f->acme, a, 5000), 0);
	/* delivered once: a second delivery, or another tenant, is ENOENT */
	assert_int_equal(store_chat_delivered(f->st, f->acme, a, 6000),
			 ENOENT);
	assert_int_equal(store_chat_delivered(f->st, f->globex, b, 6000),
			 ENOENT);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_chat_pending(f->st, f->acme, f->bob, 10,
					    collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.bodies[0], "deux \xc3\xa9t\xc3\xa9");
}

static void test_history(void **state)
{
	struct support_store *f = *state;
	struct seen s = {0};
	int64_t ids[3];

	ids[0] = add(f, f->acme, f->alice, f->bob, "a", 1000, 0);
	ids[1] = add(f, f->acme, f->bob, f->alice, "b", 2000, 0);
	ids[2] = add(f, f->acme, f->bob, f->bob, "c", 3000, 0);

	/* alice: what she sent and received, in order */
	assert_int_equal(store_chat_list(f->st, f->acme, f->alice, 0,
					 INT64_MAX, 0, 50, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], ids[0]);
	assert_int_equal(s.ids[1], ids[1]);
	/* the tenant, a page of 2 then the rest */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_chat_list(f->st, f->acme, 0, 0, INT64_MAX, 0, 2,
					 collect, &s), 0);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_chat_list(f->st, f->acme, 0, 0, INT64_MAX,
					 ids[1], 2, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], ids[2]);
	/* a time range */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_chat_list(f->st, f->acme, 0, 2000, 3000, 0, 50,
					 collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], ids[1]);
	/* another tenant sees nothing */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_chat_list(f->st, f->globex, 0, 0, INT64_MAX, 0,
					 50, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, \
	support_store_setup, support_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_owed_then_delivered),
		T(test_history),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
