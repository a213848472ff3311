/**
 * @file digest.c  Digest response computation and verification.
 *
 *   HA2      = H(method ":" digest-uri)
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)  (qop)
 *            = H(HA1 ":" nonce ":" HA2)                            (none)
 * where H is MD5 or SHA-256 and every value is lower-case hex.
 */
#include <sodium.h>
#include <string.h>
#include "core/strutil.h"
#include "sip/digest.h"

int digest_alg_from_pl(enum dir_alg *algp, const struct pl *name)
{
	if (!pl_isset(name) || !pl_strcasecmp(name, "MD5")) {
		*algp = DIR_ALG_MD5;
		return 0;
	}
	if (!pl_strcasecmp(name, "SHA-256")) {
		*algp = DIR_ALG_SHA256;
		return 0;
	}
	return ENOTSUP;
}

struct hctx {
	enum dir_alg alg;
	crypto_hash_sha256_state sha;
	uint8_t buf[1024];   /* MD5 input collected here: libre has no stream */
	size_t len;
	bool overflow;
};

static void h_init(struct hctx *h, enum dir_alg alg)
{
	h->alg = alg;
	h->len = 0;
	h->overflow = false;
	if (alg == DIR_ALG_SHA256)
		crypto_hash_sha256_init(&h->sha);
}

static void h_update(struct hctx *h, const void *p, size_t n)
{
	if (h->alg == DIR_ALG_SHA256) {
		crypto_hash_sha256_update(&h->sha, p, n);
		return;
	}
	if (h->len + n > sizeof(h->buf)) {
		h->overflow = true;
		return;
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
}

static void h_pl(struct hctx *h, const struct pl *pl)
{
	h_update(h, pl->p, pl->l);
}

static void h_colon(struct hctx *h)
{
	h_update(h, ":", 1);
}

/* hex digest into out; returns its length, 0 on overflow */
static size_t h_final(struct hctx *h, char *out, size_t size)
{
	uint8_t d[32];

	if (h->alg == DIR_ALG_SHA256) {
		crypto_hash_sha256_final(&h->sha, d);
		return hex_encode(out, size, d, 32);
	}
	if (h->overflow)
		return 0;
	md5(h->buf, h->len, d);
	return hex_encode(out, size, d, 16);
}

int digest_response(char *hex, size_t size, enum dir_alg alg,
		    const uint8_t *ha1, const struct pl *method,
		    const struct digest_cred *c)
{
	char ha1x[65], ha2x[65];
	size_t ha1l, ha2l;
	struct hctx h;

	if (size < 65)
		return EINVAL;
	ha1l = hex_encode(ha1x, sizeof(ha1x), ha1, alg == DIR_ALG_SHA256 ? 32
			  : 16);

	h_init(&h, alg);
	h_pl(&h, method);
	h_colon(&h);
	h_pl(&h, &c->uri);
	ha2l = h_final(&h, ha2x, sizeof(ha2x));
	if (!ha2l)
		return EOVERFLOW;

	h_init(&h, alg);
	h_update(&h, ha1x, ha1l);
	h_colon(&h);
	h_pl(&h, &c->nonce);
	h_colon(&h);
	if (pl_isset(&c->qop)) {
		h_pl(&h, &c->nc);
		h_colon(&h);
		h_pl(&h, &c->cnonce);
		h_colon(&h);
		h_pl(&h, &c->qop);
		h_colon(&h);
	}
	h_update(&h, ha2x, ha2l);
	return h_final(&h, hex, size) ? 0 : EOVERFLOW;
}

bool digest_verify(const struct digest_cred *c, enum dir_alg alg,
		   const uint8_t *ha1, const struct pl *method)
{
	char want[65];
	char got[65];
	size_t n;

	if (digest_response(want, sizeof(want), alg, ha1, method, c))
		return false;
	n = strlen(want);
	if (c->response.l != n)
		return false;
	/* responses are hex: compare case-insensitively, in constant time */
	for (size_t i = 0; i < n; i++) {
		char ch = c->response.p[i];
		got[i] = (ch >= 'A' && ch <= 'F') ? (char)(ch + 32) : ch;
	}
	return 0 == sodium_memcmp(want, got, n);
}
