/**
 * @file nonce.h  Stateless, authenticated digest nonces.
 *
 * A nonce is 40 hex digits: issue time (32 bits, seconds), a 64-bit
 * counter, and a 64-bit keyed BLAKE2b MAC over both and the realm.  The
 * server keeps no table of outstanding nonces: it can tell a nonce it
 * issued, for which realm, and how old it is.  The counter doubles as the
 * nonce's id for replay protection (see dir_replay): it starts from the
 * wall clock in microseconds, so ids keep rising across restarts.
 */
#ifndef CENTREX_SIP_NONCE_H
#define CENTREX_SIP_NONCE_H

#include <stdint.h>
#include <re.h>

#define NONCE_LEN 40

struct nonce_ctx {
	uint8_t key[32];
	uint64_t counter;
};

void nonce_init(struct nonce_ctx *nc);
void nonce_make(struct nonce_ctx *nc, char out[NONCE_LEN + 1],
		const char *realm, uint64_t now_s);
/* 0, ESTALE (too old), or EBADMSG (not ours / other realm) */
int  nonce_check(const struct nonce_ctx *nc, const struct pl *nonce,
		 const char *realm, uint64_t now_s, uint32_t ttl_s,
		 uint64_t *idp);

#endif
