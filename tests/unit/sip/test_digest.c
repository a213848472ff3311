/**
 * @file test_digest.c  Digest parsing, responses (RFC test vectors), nonces.
 */
#include <re.h>
#include <string.h>
#include "core/strutil.h"
#include "provision/credentials.h"
#include "sip/digest.h"
#include "sip/nonce.h"
#include "support.h"

static void parse(struct digest_cred *c, const char *s)
{
	struct pl pl;
	pl_set_str(&pl, s);
	assert_int_equal(digest_cred_parse(c, &pl), 0);
}

static int parse_err(const char *s)
{
	struct digest_cred c;
	struct pl pl;
	pl_set_str(&pl, s);
	return digest_cred_parse(&c, &pl);
}

/* RFC 2617 section 3.5 */
static void test_md5_rfc2617_vector(void **state)
{
	char md5[33], sha[65];
	uint8_t ha1[16];
	struct digest_cred c;
	struct pl met = PL("GET");
	(void)state;

	parse(&c, "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
	      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
	      "uri=\"/dir/index.html\", qop=auth, nc=00000001, "
	      "cnonce=\"0a4f113b\", "
	      "response=\"6629fae49393a05397450978507c4ef1\", "
	      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
	assert_int_equal(cred_sip_ha1(md5, sha, "Mufasa", "testrealm@host.com",
				      "Circle Of Life"), 0);
	assert_int_equal(hex_decode(ha1, 16, md5, 32), 0);
	assert_true(digest_verify(&c, DIR_ALG_MD5, ha1, &met));
	ha1[0] ^= 1;
	assert_false(digest_verify(&c, DIR_ALG_MD5, ha1, &met));
}

/* RFC 7616 section 3.9.1, SHA-256 */
static void test_sha256_rfc7616_vector(void **state)
{
	char md5[33], sha[65];
	uint8_t ha1[32];
	struct digest_cred c;
	struct pl met = PL("GET"), bad = PL("POST");
	(void)state;

	parse(&c, "Digest username=\"Mufasa\", realm=\"http-auth@example.org\","
	      " uri=\"/dir/index.html\", algorithm=SHA-256, "
	      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	      "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\""
	      ", qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf"
	      "4496794697cf8db5856cb6c1\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMk"
	      "PqMAFRtzCUYo5tdS\"");
	assert_int_equal(cred_sip_ha1(md5, sha, "Mufasa",
				      "http-auth@example.org", "Circle of Life"),
			 0);
	assert_int_equal(hex_decode(ha1, 32, sha, 64), 0);
	enum dir_alg alg;
	assert_int_equal(digest_alg_from_pl(&alg, &c.algorithm), 0);
	assert_int_equal(alg, DIR_ALG_SHA256);
	assert_true(digest_verify(&c, DIR_ALG_SHA256, ha1, &met));
	assert_false(digest_verify(&c, DIR_ALG_SHA256, ha1, &bad));
	assert_false(digest_verify(&c, DIR_ALG_MD5, ha1, &met));
}

static void test_parse_rejects_bad_headers(void **state)
{
	struct digest_cred c;
	(void)state;

	assert_int_equal(parse_err("Basic dXNlcjpwYXNz"), EBADMSG);
	assert_int_equal(parse_err("Digest"), EBADMSG);
	/* missing response */
	assert_int_equal(parse_err("Digest username=\"a\", realm=\"r\", "
				   "nonce=\"n\", uri=\"u\""), EBADMSG);
	/* duplicated parameter */
	assert_int_equal(parse_err("Digest username=\"a\", username=\"b\", "
				   "realm=\"r\", nonce=\"n\", uri=\"u\", "
				   "response=\"x\""), EBADMSG);
	/* unterminated quote */
	assert_int_equal(parse_err("Digest username=\"a, realm=\"r\""),
			 EBADMSG);
	/* qop without nc/cnonce */
	assert_int_equal(parse_err("Digest username=\"a\", realm=\"r\", "
				   "nonce=\"n\", uri=\"u\", response=\"x\", "
				   "qop=auth"), EBADMSG);
	/* unknown parameters are ignored, escapes kept as sent */
	parse(&c, "Digest  username=\"a\\\"b\" ,realm=\"r\",nonce=n,uri=\"u\","
	      "response=\"x\",foo=bar");
	assert_int_equal(pl_strcmp(&c.username, "a\\\"b"), 0);
	assert_int_equal(pl_strcmp(&c.nonce, "n"), 0);
	assert_false(pl_isset(&c.qop));
}

static void test_nonce_lifecycle(void **state)
{
	struct nonce_ctx nc;
	char n1[NONCE_LEN + 1], n2[NONCE_LEN + 1];
	struct pl pl;
	uint64_t id1 = 0, id2 = 0;
	(void)state;

	nonce_init(&nc);
	nonce_make(&nc, n1, "acme.example", 1000000);
	nonce_make(&nc, n2, "acme.example", 1000000);
	assert_int_equal(strlen(n1), NONCE_LEN);

	pl_set_str(&pl, n1);
	assert_int_equal(nonce_check(&nc, &pl, "acme.example", 1000010, 300,
				     &id1), 0);
	pl_set_str(&pl, n2);
	assert_int_equal(nonce_check(&nc, &pl, "acme.example", 1000010, 300,
				     &id2), 0);
	assert_true(id2 > id1);

	/* too old: stale; another realm or a changed digit: not ours */
	assert_int_equal(nonce_check(&nc, &pl, "acme.example", 1000301, 300,
				     NULL), ESTALE);
	assert_int_equal(nonce_check(&nc, &pl, "globex.example", 1000010, 300,
				     NULL), EBADMSG);
	n2[10] = n2[10] == '0' ? '1' : '0';
	assert_int_equal(nonce_check(&nc, &pl, "acme.example", 1000010, 300,
				     NULL), EBADMSG);
	pl.l = 12;
	assert_int_equal(nonce_check(&nc, &pl, "acme.example", 1000010, 300,
				     NULL), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md5_rfc2617_vector),
		cmocka_unit_test(test_sha256_rfc7616_vector),
		cmocka_unit_test(test_parse_rejects_bad_headers),
		cmocka_unit_test(test_nonce_lifecycle),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
