/**
 * @file test_webhooks.c  Webhook subscriptions in the store: each
 * tenant sees and changes only its own, they go with their tenant, and
 * the event list is matched whole words; on whichever backend the
 * environment names (CENTREX_TEST_STORE_URL; unset: SQLite).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/store.h"
#include "store/webhooks.h"
#include "support.h"

static int64_t add(struct support_store *f, int64_t tid, const char *url,
		   const char *events, bool enabled)
{
	struct store_webhook w = {0};

	snprintf(w.url, sizeof(w.url), "%s", url);
	snprintf(w.secret, sizeof(w.secret), "whsec_%s", url + 7);
	snprintf(w.events, sizeof(w.events), "%s", events);
	w.enabled = enabled;
	w.created_ms = 1700000000123;
	assert_int_equal(store_webhook_create(f->st, tid, &w), 0);
	assert_true(w.id > 0);
	assert_int_equal(w.tenant_id, tid);
	return w.id;
}

struct seen {
	int n;
	int64_t ids[8];
};

static int collect(const struct store_webhook *w, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->ids[s->n] = w->id;
	s->n++;
	return 0;
}

static void test_create_get_list(void **state)
{
	struct support_store *f = *state;
	struct store_webhook w;
	struct seen s = {0};
	int64_t a, b, g, n = 0;

	a = add(f, f->acme, "http://127.0.0.1:9000/a", "voicemail.message",
		true);
	b = add(f, f->acme, "https://crm.example/hook", "", false);
	g = add(f, f->globex, "http://127.0.0.1:9000/g", "voicemail.message",
		true);

	assert_int_equal(store_webhook_get(f->st, f->acme, a, &w), 0);
	assert_string_equal(w.url, "http://127.0.0.1:9000/a");
	assert_string_equal(w.secret, "whsec_127.0.0.1:9000/a");
	assert_string_equal(w.events, "voicemail.message");
	assert_true(w.enabled);
	assert_int_equal(w.created_ms, 1700000000123);
	assert_int_equal(w.tenant_id, f->acme);

	/* another tenant's id reads as not there */
	assert_int_equal(store_webhook_get(f->st, f->acme, g, &w), ENOENT);
	assert_int_equal(store_webhook_get(f->st, f->globex, a, &w), ENOENT);

	assert_int_equal(store_webhook_list(f->st, f->acme, 0, 50, collect,
					    &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], a);
	assert_int_equal(s.ids[1], b);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_webhook_list(f->st, f->acme, a, 50, collect,
					    &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], b);

	assert_int_equal(store_webhook_count(f->st, f->acme, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_webhook_count(f->st, f->globex, &n), 0);
	assert_int_equal(n, 1);
}

static void test_update_delete_isolated(void **state)
{
	struct support_store *f = *state;
	struct store_webhook w;
	int64_t a, g;

	a = add(f, f->acme, "http://127.0.0.1:9000/a", "voicemail.message",
		true);
	g = add(f, f->globex, "http://127.0.0.1:9000/g", "voicemail.message",
		true);

	assert_int_equal(store_webhook_get(f->st, f->acme, a, &w), 0);
	snprintf(w.url, sizeof(w.url), "http://127.0.0.1:9001/b");
	w.enabled = false;
	assert_int_equal(store_webhook_update(f->st, f->acme, &w), 0);
	/* the same row through another tenant: not there */
	assert_int_equal(store_webhook_update(f->st, f->globex, &w), ENOENT);
	assert_int_equal(store_webhook_delete(f->st, f->globex, a), ENOENT);
	assert_int_equal(store_webhook_get(f->st, f->acme, a, &w), 0);
	assert_string_equal(w.url, "http://127.0.0.1:9001/b");
	assert_false(w.enabled);

	assert_int_equal(store_webhook_delete(f->st, f->acme, a), 0);
	assert_int_equal(store_webhook_delete(f->st, f->acme, a), ENOENT);
	assert_int_equal(store_webhook_get(f->st, f->globex, g, &w), 0);

	/* a tenant that does not exist gets none */
	snprintf(w.url, sizeof(w.url), "http://127.0.0.1:9000/x");
	assert_int_equal(store_webhook_create(f->st, 999999, &w), ENOENT);
	/* nor without a URL or a secret */
	w.url[0] = '\0';
	assert_int_equal(store_webhook_create(f->st, f->acme, &w), EINVAL);

	/* the tenant's deletion takes its webhooks */
	assert_int_equal(store_tenant_delete(f->st, f->globex), 0);
	assert_int_equal(store_webhook_get(f->st, f->globex, g, &w), ENOENT);
}

static void test_wants_whole_words(void **state)
{
	struct store_webhook w = {0};

	(void)state;
	snprintf(w.events, sizeof(w.events), "voicemail.message,call.ended");
	assert_true(store_webhook_wants(&w, "voicemail.message"));
	assert_true(store_webhook_wants(&w, "call.ended"));
	assert_false(store_webhook_wants(&w, "voicemail"));
	assert_false(store_webhook_wants(&w, "call.end"));
	assert_false(store_webhook_wants(&w, ""));
	w.events[0] = '\0';
	assert_false(store_webhook_wants(&w, "voicemail.message"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, \
	support_store_setup, support_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_get_list),
		T(test_update_delete_isolated),
		cmocka_unit_test(test_wants_whole_words),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
