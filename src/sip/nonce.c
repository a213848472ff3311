/**
 * @file nonce.c  Stateless, authenticated digest nonces.
 */
#include <sodium.h>
#include <string.h>
#include <sys/time.h>
#include "core/strutil.h"
#include "sip/nonce.h"

void nonce_init(struct nonce_ctx *nc)
{
	struct timeval tv;

	randombytes_buf(nc->key, sizeof(nc->key));
	gettimeofday(&tv, NULL);
	nc->counter = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static void mac(const struct nonce_ctx *nc, uint8_t out[8], uint32_t ts,
		uint64_t id, const char *realm)
{
	crypto_generichash_state s;
	uint8_t buf[12];

	memcpy(buf, &ts, 4);
	memcpy(buf + 4, &id, 8);
	crypto_generichash_init(&s, nc->key, sizeof(nc->key), 8);
	crypto_generichash_update(&s, buf, sizeof(buf));
	crypto_generichash_update(&s, (const uint8_t *)realm, strlen(realm));
	crypto_generichash_final(&s, out, 8);
}

void nonce_make(struct nonce_ctx *nc, char out[NONCE_LEN + 1],
		const char *realm, uint64_t now_s)
{
	uint32_t ts = (uint32_t)now_s;
	uint64_t id = ++nc->counter;
	uint8_t m[8];

	mac(nc, m, ts, id, realm);
	snprintf(out, NONCE_LEN + 1, "%08x%016llx", ts, (unsigned long long)id);
	hex_encode(out + 24, NONCE_LEN + 1 - 24, m, sizeof(m));
}

int nonce_check(const struct nonce_ctx *nc, const struct pl *nonce,
		const char *realm, uint64_t now_s, uint32_t ttl_s,
		uint64_t *idp)
{
	uint8_t want[8], got[8], tsb[4], idb[8];
	uint32_t ts;
	uint64_t id;

	if (!nonce || nonce->l != NONCE_LEN)
		return EBADMSG;
	if (hex_decode(tsb, 4, nonce->p, 8) ||
	    hex_decode(idb, 8, nonce->p + 8, 16) ||
	    hex_decode(got, 8, nonce->p + 24, 16))
		return EBADMSG;
	ts = (uint32_t)tsb[0] << 24 | (uint32_t)tsb[1] << 16 |
	     (uint32_t)tsb[2] << 8 | tsb[3];
	id = 0;
	for (int i = 0; i < 8; i++)
		id = id << 8 | idb[i];

	mac(nc, want, ts, id, realm);
	if (sodium_memcmp(want, got, sizeof(got)))
		return EBADMSG;
	if ((uint64_t)ts > now_s + 5)
		return EBADMSG;
	if (now_s - ts > ttl_s)
		return ESTALE;
	if (idp)
		*idp = id;
	return 0;
}
