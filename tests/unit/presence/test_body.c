/**
 * @file test_body.c  NOTIFY bodies: what a BLF key, a buddy list and a
 * message lamp read, byte for byte where phones are strict.
 */
#include <re.h>
#include <string.h>
#include "presence/body.h"
#include "support.h"

static void test_dialog_idle_ringing_busy(void **state)
{
	char buf[2048];
	struct pres_dialog_view dv[2] = {
		{"call-1", PRESENCE_DIALOG_EARLY, false, "sip:1001@acme.example"},
		{"call-2", PRESENCE_DIALOG_CONFIRMED, true, NULL},
	};
	int n;
	(void)state;

	/* idle: a full document without dialogs */
	n = pres_body_dialog(buf, sizeof(buf), "sip:1002@acme.example", 0,
			     NULL, 0);
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_non_null(strstr(buf, "<dialog-info xmlns=\"urn:ietf:params:"
			       "xml:ns:dialog-info\" version=\"0\" "
			       "state=\"full\" entity=\"sip:1002@acme."
			       "example\">"));
	assert_null(strstr(buf, "<dialog "));
	assert_non_null(strstr(buf, "</dialog-info>"));

	/* ringing, then a second call answered (calling out) */
	n = pres_body_dialog(buf, sizeof(buf), "sip:1002@acme.example", 7,
			     dv, 2);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "version=\"7\""));
	assert_non_null(strstr(buf, "<dialog id=\"call-1\" direction=\""
			       "recipient\">\r\n<state>early</state>\r\n"
			       "<remote><identity>sip:1001@acme.example"
			       "</identity></remote>"));
	assert_non_null(strstr(buf, "<dialog id=\"call-2\" direction=\""
			       "initiator\">\r\n<state>confirmed</state>\r\n"
			       "</dialog>"));
}

static void test_dialog_escapes_and_overflow(void **state)
{
	char buf[4096], small[64];
	struct pres_dialog_view dv = {"a\"b", PRESENCE_DIALOG_EARLY, false,
				      "<sip:x@y>&'"};
	(void)state;

	assert_true(pres_body_dialog(buf, sizeof(buf), "sip:a&b@c", 1, &dv,
				     1) > 0);
	assert_non_null(strstr(buf, "entity=\"sip:a&amp;b@c\""));
	assert_non_null(strstr(buf, "id=\"a&quot;b\""));
	assert_non_null(strstr(buf, "&lt;sip:x@y&gt;&amp;&apos;"));
	/* never a truncated document */
	assert_int_equal(pres_body_dialog(small, sizeof(small), "sip:a@b", 1,
					  &dv, 1), -1);
	assert_int_equal(pres_xml_escape(small, 4, "&"), -1);
	assert_int_equal(pres_xml_escape(small, sizeof(small), "a\nb"), 3);
	assert_string_equal(small, "a b");
}

static void test_pidf(void **state)
{
	char buf[2048];
	(void)state;

	assert_true(pres_body_pidf(buf, sizeof(buf), "sip:1002@acme.example",
				   true, PRES_AVAILABLE) > 0);
	assert_non_null(strstr(buf, "<presence xmlns=\"urn:ietf:params:xml:"
			       "ns:pidf\""));
	assert_non_null(strstr(buf, "entity=\"sip:1002@acme.example\""));
	assert_non_null(strstr(buf, "<basic>open</basic>"));
	assert_null(strstr(buf, "rpid:activities"));

	assert_true(pres_body_pidf(buf, sizeof(buf), "sip:1002@acme.example",
				   true, PRES_ON_PHONE) > 0);
	assert_non_null(strstr(buf, "<rpid:activities><rpid:on-the-phone/>"));
	assert_true(pres_body_pidf(buf, sizeof(buf), "sip:1002@acme.example",
				   true, PRES_BUSY) > 0);
	assert_non_null(strstr(buf, "<rpid:busy/>"));
	assert_true(pres_body_pidf(buf, sizeof(buf), "sip:1002@acme.example",
				   true, PRES_AWAY) > 0);
	assert_non_null(strstr(buf, "<rpid:away/>"));

	/* not registered: closed, whatever else is known */
	assert_true(pres_body_pidf(buf, sizeof(buf), "sip:1002@acme.example",
				   false, PRES_ON_PHONE) > 0);
	assert_non_null(strstr(buf, "<basic>closed</basic>"));
	assert_null(strstr(buf, "rpid:activities"));
	assert_int_equal(pres_body_pidf(buf, 100, "sip:1002@acme.example",
					true, PRES_AVAILABLE), -1);
}

static void test_message_summary(void **state)
{
	char buf[256];
	(void)state;

	assert_int_equal(pres_body_mwi(buf, sizeof(buf),
				       "sip:1002@acme.example", 2, 5),
			 (int)strlen("Messages-Waiting: yes\r\n"
				     "Message-Account: sip:1002@acme.example\r\n"
				     "Voice-Message: 2/5 (0/0)\r\n"));
	assert_string_equal(buf, "Messages-Waiting: yes\r\n"
			    "Message-Account: sip:1002@acme.example\r\n"
			    "Voice-Message: 2/5 (0/0)\r\n");
	assert_true(pres_body_mwi(buf, sizeof(buf), "sip:1002@acme.example",
				  0, 3) > 0);
	assert_non_null(strstr(buf, "Messages-Waiting: no\r\n"));
	assert_non_null(strstr(buf, "Voice-Message: 0/3 (0/0)\r\n"));
	/* a header injection through the account is refused */
	assert_int_equal(pres_body_mwi(buf, sizeof(buf), "sip:a\r\nX: y", 1,
				       0), -1);
	assert_int_equal(pres_body_mwi(buf, 20, "sip:1002@acme.example", 1,
				       0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialog_idle_ringing_busy),
		cmocka_unit_test(test_dialog_escapes_and_overflow),
		cmocka_unit_test(test_pidf),
		cmocka_unit_test(test_message_summary),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
