/**
 * @file test_voicemail.c  Voicemail boxes and messages in the store, on
 * whichever backend the environment names: defaults for a box never
 * written, limits, messages listed by folder and paged oldest first,
 * marked heard, counted, deleted, and nothing of one tenant reachable
 * through another's id.
 *
 * CENTREX_TEST_STORE_URL as for test_store.c: unset, a fresh SQLite
 * file per test; a postgresql:// URL, that database emptied before each
 * test (never point it at data you care about).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "features/vmpin.h"
#include "store/store.h"
#include "support.h"

/* a message for uid, left at created_ms */
static int64_t leave(struct support_store *f, int64_t tid, int64_t uid,
		     const char *uuid, int64_t created_ms)
{
	struct store_vm_message m = {0};

	m.user_id = uid;
	snprintf(m.uuid, sizeof(m.uuid), "%s", uuid);
	snprintf(m.caller, sizeof(m.caller), "+33145670000");
	snprintf(m.caller_name, sizeof(m.caller_name), "Caller %s", uuid);
	snprintf(m.file, sizeof(m.file), "voicemail/%lld/%lld/%s.wav",
		 (long long)tid, (long long)uid, uuid);
	m.created_ms = created_ms;
	m.duration_ms = 4200;
	m.bytes = 134444;
	assert_int_equal(store_vm_message_create(f->st, tid, &m), 0);
	assert_true(m.id > 0);
	assert_int_equal(m.tenant_id, tid);
	return m.id;
}

struct seen {
	int n;
	int64_t ids[16];
};

static int collect(const struct store_vm_message *m, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ids[s->n] = m->id;
	s->n++;
	return 0;
}

static struct seen list(struct support_store *f, int64_t tid, int64_t uid, int folder,
			int64_t after, int limit)
{
	struct seen s = {0};

	assert_int_equal(store_vm_message_list(f->st, tid, uid, folder, after,
					       limit, collect, &s), 0);
	return s;
}

static void counts_are(struct support_store *f, int64_t tid, int64_t uid, int want_new,
		       int want_old)
{
	int n = -1, o = -1;

	assert_int_equal(store_vm_counts(f->st, tid, uid, &n, &o), 0);
	assert_int_equal(n, want_new);
	assert_int_equal(o, want_old);
}

static void test_box_defaults_and_rows(void **state)
{
	struct support_store *f = *state;
	struct store_vm_box b, got;

	/* never written: the defaults, for an existing user only */
	assert_int_equal(store_vm_box_get(f->st, f->acme, f->alice, &got), 0);
	assert_int_equal(got.tenant_id, f->acme);
	assert_int_equal(got.user_id, f->alice);
	assert_string_equal(got.pin_hash, "");
	assert_int_equal(got.max_message_s, 120);
	assert_int_equal(got.max_messages, 100);
	assert_false(got.has_greeting_unavailable || got.has_greeting_busy ||
		     got.has_greeting_name || got.email_notify);
	assert_int_equal(store_vm_box_get(f->st, f->acme, 999999, &got),
			 ENOENT);
	/* another tenant's user is not there */
	assert_int_equal(store_vm_box_get(f->st, f->globex, f->alice, &got),
			 ENOENT);

	store_vm_box_default(&b);
	b.user_id = f->alice;
	assert_int_equal(vm_pin_hash("2468", b.pin_hash, sizeof(b.pin_hash)),
			 0);
	b.max_message_s = 300;
	b.max_messages = 7;
	b.has_greeting_busy = true;
	b.has_greeting_name = true;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), 0);
	assert_int_equal(store_vm_box_get(f->st, f->acme, f->alice, &got), 0);
	assert_string_equal(got.pin_hash, b.pin_hash);
	assert_true(vm_pin_check(got.pin_hash, "2468"));
	assert_int_equal(got.max_message_s, 300);
	assert_int_equal(got.max_messages, 7);
	assert_false(got.has_greeting_unavailable);
	assert_true(got.has_greeting_busy && got.has_greeting_name);

	/* again: replaced, not added */
	b.pin_hash[0] = '\0';
	b.has_greeting_busy = false;
	b.max_message_s = 10;
	b.max_messages = 1000;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), 0);
	assert_int_equal(store_vm_box_get(f->st, f->acme, f->alice, &got), 0);
	assert_string_equal(got.pin_hash, "");
	assert_false(got.has_greeting_busy);
	assert_int_equal(got.max_message_s, 10);
	assert_int_equal(got.max_messages, 1000);
	/* bob still has the defaults */
	assert_int_equal(store_vm_box_get(f->st, f->acme, f->bob, &got), 0);
	assert_int_equal(got.max_messages, 100);

	/* limits, and a user of another tenant */
	b.max_message_s = 9;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), EINVAL);
	b.max_message_s = 601;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), EINVAL);
	b.max_message_s = 60;
	b.max_messages = 0;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), EINVAL);
	b.max_messages = 1001;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), EINVAL);
	b.max_messages = 5;
	assert_int_equal(store_vm_box_put(f->st, f->globex, &b), ENOENT);
	b.user_id = 999999;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), ENOENT);
	assert_int_equal(store_vm_box_get(f->st, f->acme, f->alice, &got), 0);
	assert_int_equal(got.max_messages, 1000);
}

static void test_messages(void **state)
{
	struct support_store *f = *state;
	struct store_vm_message m = {0}, got;
	int64_t a1, a2, a3, b1;

	/* left out of id order: lists go by created_ms */
	a2 = leave(f, f->acme, f->alice, "uuid-a2", 2000);
	a1 = leave(f, f->acme, f->alice, "uuid-a1", 1000);
	a3 = leave(f, f->acme, f->alice, "uuid-a3", 3000);
	b1 = leave(f, f->acme, f->bob, "uuid-b1", 1500);

	assert_int_equal(store_vm_message_get(f->st, f->acme, a2, &got), 0);
	assert_int_equal(got.id, a2);
	assert_int_equal(got.tenant_id, f->acme);
	assert_int_equal(got.user_id, f->alice);
	assert_string_equal(got.uuid, "uuid-a2");
	assert_string_equal(got.caller, "+33145670000");
	assert_string_equal(got.caller_name, "Caller uuid-a2");
	assert_string_equal(got.call_uuid, "");
	assert_int_equal(got.created_ms, 2000);
	assert_int_equal(got.duration_ms, 4200);
	assert_int_equal(got.bytes, 134444);
	assert_false(got.heard);
	assert_non_null(strstr(got.file, "/uuid-a2.wav"));

	struct seen s = list(f, f->acme, f->alice, STORE_VM_ALL, 0, 50);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], a1);
	assert_int_equal(s.ids[1], a2);
	assert_int_equal(s.ids[2], a3);
	/* pages: after a1, two at a time */
	s = list(f, f->acme, f->alice, STORE_VM_ALL, a1, 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], a2);
	assert_int_equal(s.ids[1], a3);
	s = list(f, f->acme, f->alice, STORE_VM_ALL, a3, 2);
	assert_int_equal(s.n, 0);
	s = list(f, f->acme, f->bob, STORE_VM_ALL, 0, 50);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], b1);
	counts_are(f, f->acme, f->alice, 3, 0);
	counts_are(f, f->acme, f->bob, 1, 0);

	/* heard: moves from new to old, and back */
	assert_int_equal(store_vm_message_set_heard(f->st, f->acme, a2, true),
			 0);
	assert_int_equal(store_vm_message_get(f->st, f->acme, a2, &got), 0);
	assert_true(got.heard);
	s = list(f, f->acme, f->alice, STORE_VM_NEW, 0, 50);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], a1);
	assert_int_equal(s.ids[1], a3);
	s = list(f, f->acme, f->alice, STORE_VM_OLD, 0, 50);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], a2);
	counts_are(f, f->acme, f->alice, 2, 1);
	/* marking twice is no error */
	assert_int_equal(store_vm_message_set_heard(f->st, f->acme, a2, true),
			 0);
	assert_int_equal(store_vm_message_set_heard(f->st, f->acme, a2, false),
			 0);
	counts_are(f, f->acme, f->alice, 3, 0);

	/* the same uuid twice in a tenant */
	m.user_id = f->bob;
	snprintf(m.uuid, sizeof(m.uuid), "uuid-a1");
	snprintf(m.file, sizeof(m.file), "voicemail/x.wav");
	assert_int_equal(store_vm_message_create(f->st, f->acme, &m), EEXIST);
	/* ... is fine in another tenant */
	m.user_id = f->gus;
	assert_int_equal(store_vm_message_create(f->st, f->globex, &m), 0);
	/* missing fields, a user of another tenant */
	m.uuid[0] = '\0';
	assert_int_equal(store_vm_message_create(f->st, f->acme, &m), EINVAL);
	snprintf(m.uuid, sizeof(m.uuid), "uuid-x");
	m.file[0] = '\0';
	assert_int_equal(store_vm_message_create(f->st, f->acme, &m), EINVAL);
	snprintf(m.file, sizeof(m.file), "voicemail/x.wav");
	m.user_id = f->gus;
	assert_int_equal(store_vm_message_create(f->st, f->acme, &m), ENOENT);
	m.user_id = f->alice;
	assert_int_equal(store_vm_message_create(f->st, f->globex, &m), ENOENT);

	/* delete: the row, once */
	assert_int_equal(store_vm_message_delete(f->st, f->acme, a1), 0);
	assert_int_equal(store_vm_message_get(f->st, f->acme, a1, &got),
			 ENOENT);
	assert_int_equal(store_vm_message_delete(f->st, f->acme, a1), ENOENT);
	assert_int_equal(store_vm_message_set_heard(f->st, f->acme, a1, true),
			 ENOENT);
	counts_are(f, f->acme, f->alice, 2, 0);
	s = list(f, f->acme, f->alice, STORE_VM_ALL, 0, 50);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], a2);

	/* bad arguments */
	assert_int_equal(store_vm_message_list(f->st, f->acme, f->alice, 3, 0,
					       50, collect, &s), EINVAL);
	assert_int_equal(store_vm_message_list(f->st, f->acme, f->alice, 0, 0,
					       0, collect, &s), EINVAL);
	assert_int_equal(store_vm_counts(f->st, f->acme, 999999, NULL, NULL),
			 ENOENT);
}

static void test_tenants_apart(void **state)
{
	struct support_store *f = *state;
	struct store_vm_message got;
	int64_t a1, g1;

	a1 = leave(f, f->acme, f->alice, "uuid-a1", 1000);
	g1 = leave(f, f->globex, f->gus, "uuid-g1", 1000);

	/* through the other tenant's id nothing is there */
	assert_int_equal(store_vm_message_get(f->st, f->globex, a1, &got),
			 ENOENT);
	assert_int_equal(store_vm_message_set_heard(f->st, f->globex, a1,
						    true), ENOENT);
	assert_int_equal(store_vm_message_delete(f->st, f->globex, a1),
			 ENOENT);
	assert_int_equal(list(f, f->globex, f->alice, STORE_VM_ALL, 0, 50).n,
			 0);
	assert_int_equal(store_vm_counts(f->st, f->globex, f->alice, NULL,
					 NULL), ENOENT);
	/* a cursor naming another tenant's message gives nothing either */
	assert_int_equal(list(f, f->acme, f->alice, STORE_VM_ALL, g1, 50).n, 0);
	assert_int_equal(store_vm_message_get(f->st, f->acme, a1, &got), 0);
	assert_false(got.heard);
	counts_are(f, f->acme, f->alice, 1, 0);
	counts_are(f, f->globex, f->gus, 1, 0);

	/* deleting the user takes their box and messages */
	struct store_vm_box b;
	store_vm_box_default(&b);
	b.user_id = f->alice;
	b.max_messages = 3;
	assert_int_equal(store_vm_box_put(f->st, f->acme, &b), 0);
	assert_int_equal(store_user_delete(f->st, f->acme, f->alice), 0);
	assert_int_equal(store_vm_message_get(f->st, f->acme, a1, &got),
			 ENOENT);
	counts_are(f, f->globex, f->gus, 1, 0);
}

static void test_caller_text_cleaned(void **state)
{
	struct support_store *f = *state;
	struct store_vm_message m = {0}, got;

	m.user_id = f->bob;
	snprintf(m.uuid, sizeof(m.uuid), "uuid-odd");
	snprintf(m.file, sizeof(m.file), "voicemail/odd.wav");
	snprintf(m.call_uuid, sizeof(m.call_uuid), "call-1");
	/* a bad byte, a control character, and good UTF-8 (é) */
	snprintf(m.caller, sizeof(m.caller), "sip:\xff" "1003");
	snprintf(m.caller_name, sizeof(m.caller_name), "Ren\xc3\xa9\x01X");
	m.created_ms = 5;
	m.heard = true;
	assert_int_equal(store_vm_message_create(f->st, f->acme, &m), 0);
	/* what the caller gave is left alone */
	assert_string_equal(m.caller, "sip:\xff" "1003");
	assert_int_equal(store_vm_message_get(f->st, f->acme, m.id, &got), 0);
	assert_string_equal(got.caller, "sip:?1003");
	assert_string_equal(got.caller_name, "Ren\xc3\xa9?X");
	assert_string_equal(got.call_uuid, "call-1");
	assert_true(got.heard);
	counts_are(f, f->acme, f->bob, 0, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, \
	support_store_setup, support_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_box_defaults_and_rows),
		T(test_messages),
		T(test_tenants_apart),
		T(test_caller_text_cleaned),
	};
#undef T
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
