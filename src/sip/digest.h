/**
 * @file digest.h  Digest authentication, server side (RFC 3261, 7616, 8760).
 *
 * libre 1.1.0 can only verify MD5; this computes MD5 and SHA-256 responses
 * from the stored HA1 and compares them in constant time.
 */
#ifndef CENTREX_SIP_DIGEST_H
#define CENTREX_SIP_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <re.h>
#include "dir/directory.h"
#include "sip/digest_parse.h"

int  digest_alg_from_pl(enum dir_alg *algp, const struct pl *name);
bool digest_verify(const struct digest_cred *c, enum dir_alg alg,
		   const uint8_t *ha1, const struct pl *method);
int  digest_response(char *hex, size_t size, enum dir_alg alg,
		     const uint8_t *ha1, const struct pl *method,
		     const struct digest_cred *c);

#endif
