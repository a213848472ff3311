/**
 * @file random.c  libre's rand_*() from a per-thread ChaCha20 keystream.
 *
 * Each thread keys its own stream from randombytes_buf() on first use and
 * refills a 4 KiB buffer by bumping the stream nonce.  Same signatures as
 * libre's re_sys.h.
 */
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "core/random.h"

enum { BUF = 4096 };

struct stream {
	uint8_t key[crypto_stream_chacha20_KEYBYTES];
	uint64_t nonce;
	uint8_t buf[BUF];
	size_t pos;
	bool keyed;
};

static _Thread_local struct stream ts;

static void refill(void)
{
	uint8_t n[crypto_stream_chacha20_NONCEBYTES] = {0};

	if (!ts.keyed) {
		randombytes_buf(ts.key, sizeof(ts.key));
		ts.keyed = true;
	}
	memcpy(n, &ts.nonce, sizeof(ts.nonce) < sizeof(n) ? sizeof(ts.nonce)
							   : sizeof(n));
	ts.nonce++;
	crypto_stream_chacha20(ts.buf, sizeof(ts.buf), n, ts.key);
	ts.pos = 0;
}

void rand_bytes(uint8_t *p, size_t size);
void rand_bytes(uint8_t *p, size_t size)
{
	while (size) {
		size_t n;
		if (!ts.keyed || ts.pos == BUF)
			refill();
		n = BUF - ts.pos < size ? BUF - ts.pos : size;
		memcpy(p, ts.buf + ts.pos, n);
		sodium_memzero(ts.buf + ts.pos, n);   /* never hand out twice */
		ts.pos += n;
		p += n;
		size -= n;
	}
}

void rand_init(void);
void rand_init(void)
{
}

uint32_t rand_u32(void);
uint32_t rand_u32(void)
{
	uint32_t v;
	rand_bytes((uint8_t *)&v, sizeof(v));
	return v;
}

uint16_t rand_u16(void);
uint16_t rand_u16(void)
{
	uint16_t v;
	rand_bytes((uint8_t *)&v, sizeof(v));
	return v;
}

uint64_t rand_u64(void);
uint64_t rand_u64(void)
{
	uint64_t v;
	rand_bytes((uint8_t *)&v, sizeof(v));
	return v;
}

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789";

void rand_str(char *str, size_t size);
void rand_str(char *str, size_t size)
{
	if (!str || !size)
		return;
	for (size_t i = 0; i + 1 < size; i++) {
		uint8_t b;
		/* reject 248..255 so every character is equally likely */
		do
			rand_bytes(&b, 1);
		while (b >= 248);
		str[i] = alnum[b % 62];
	}
	str[size - 1] = '\0';
}

char rand_char(void);
char rand_char(void)
{
	char s[2];
	rand_str(s, sizeof(s));
	return s[0];
}

void random_init(void)
{
	uint8_t probe;
	rand_bytes(&probe, 1);
}

void random_uuid(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	size_t o = 0;

	randombytes_buf(b, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}
