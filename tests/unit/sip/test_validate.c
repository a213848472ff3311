/**
 * @file test_validate.c  The validation pass over decoded requests.
 */
#include <re.h>
#include <string.h>
#include "sip/validate.h"
#include "support.h"

static const char good[] =
	"REGISTER sip:acme.example SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
	"From: <sip:1001@acme.example>;tag=a\r\n"
	"To: <sip:1001@acme.example>\r\n"
	"Call-ID: c1\r\n"
	"CSeq: 1 REGISTER\r\n"
	"Max-Forwards: 70\r\n"
	"Content-Length: 0\r\n\r\n";

/* good[] with header `name` replaced by `line` ("" drops it) */
static void variant(char *out, size_t size, const char *name,
		    const char *line)
{
	const char *p = strstr(good, name);
	const char *e = strstr(p, "\r\n") + 2;

	snprintf(out, size, "%.*s%s%s", (int)(p - good), good, line, e);
}

static enum sipv_verdict check(const char *raw, size_t max,
			       uint16_t *scode)
{
	struct mbuf *mb = mbuf_alloc(strlen(raw));
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	enum sipv_verdict v;

	mbuf_write_str(mb, raw);
	mb->pos = 0;
	if (sip_msg_decode(&msg, mb)) {
		mem_deref(mb);
		return SIPV_DROP;
	}
	msg->tp = SIP_TRANSP_UDP;
	*scode = 0;
	v = sip_validate(msg, max, scode, &reason);
	if (v == SIPV_REPLY)
		assert_non_null(reason);
	mem_deref(msg);
	mem_deref(mb);
	return v;
}

static void test_good_request_passes(void **state)
{
	uint16_t sc;
	(void)state;
	assert_int_equal(check(good, 8192, &sc), SIPV_OK);
}

static void test_missing_essentials_get_400(void **state)
{
	static const char *hdrs[] = {"Call-ID:", "From:", "To:", "CSeq:",
				     "Max-Forwards:"};
	char buf[1024];
	uint16_t sc;
	(void)state;

	for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		variant(buf, sizeof(buf), hdrs[i], "");
		assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);
		assert_int_equal(sc, 400);
	}
}

static void test_inconsistent_fields(void **state)
{
	char buf[1024];
	uint16_t sc;
	(void)state;

	variant(buf, sizeof(buf), "CSeq:", "CSeq: 1 INVITE\r\n");
	assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);
	assert_int_equal(sc, 400);

	variant(buf, sizeof(buf), "Content-Length:", "Content-Length: 900\r\n");
	assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);
	assert_int_equal(sc, 400);

	variant(buf, sizeof(buf), "Max-Forwards:", "Max-Forwards: lots\r\n");
	assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);
	assert_int_equal(sc, 400);

	variant(buf, sizeof(buf), "CSeq:", "CSeq: 4294967295 REGISTER\r\n");
	assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);

	/* two To headers */
	variant(buf, sizeof(buf), "To:", "To: <sip:a@b>\r\nTo: <sip:c@d>\r\n");
	assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);
	assert_int_equal(sc, 400);
}

static void test_scheme_and_size(void **state)
{
	char buf[1024];
	uint16_t sc;
	(void)state;

	snprintf(buf, sizeof(buf), "REGISTER tel:+331234 SIP/2.0\r\n%s",
		 strstr(good, "Via:"));
	assert_int_equal(check(buf, 8192, &sc), SIPV_REPLY);
	assert_int_equal(sc, 416);

	assert_int_equal(check(good, 100, &sc), SIPV_REPLY);
	assert_int_equal(sc, 513);
}

static void test_no_via_is_dropped(void **state)
{
	char buf[1024];
	uint16_t sc;
	(void)state;

	variant(buf, sizeof(buf), "Via:", "");
	assert_int_equal(check(buf, 8192, &sc), SIPV_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_request_passes),
		cmocka_unit_test(test_missing_essentials_get_400),
		cmocka_unit_test(test_inconsistent_fields),
		cmocka_unit_test(test_scheme_and_size),
		cmocka_unit_test(test_no_via_is_dropped),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
