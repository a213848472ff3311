/**
 * @file digest_parse.h  Parser for Authorization: Digest ... (RFC 7616).
 *
 * libre's parser ignores `algorithm`, which RFC 8760 needs, so we parse
 * the credentials ourselves.  Values are slices into the message; quoted
 * values are returned without their quotes (escapes are kept as sent and
 * compared literally).
 */
#ifndef CENTREX_SIP_DIGEST_PARSE_H
#define CENTREX_SIP_DIGEST_PARSE_H

#include <re.h>

struct digest_cred {
	struct pl username;
	struct pl realm;
	struct pl nonce;
	struct pl uri;
	struct pl response;
	struct pl algorithm;
	struct pl cnonce;
	struct pl nc;
	struct pl qop;
	struct pl opaque;
};

int digest_cred_parse(struct digest_cred *c, const struct pl *hval);

#endif
