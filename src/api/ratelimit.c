/**
 * @file ratelimit.c  Failure counting by key, bounded.
 *
 * 4096 slots addressed by a keyed hash of the key; a collision simply
 * shares a slot (erring towards limiting), and a slot whose window has
 * passed starts afresh.
 */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/ratelimit.h"

enum { SLOTS = 4096 };

struct slot {
	uint64_t tag;
	uint32_t failures;
	time_t window_start;
};

struct ratelimit {
	struct slot v[SLOTS];
	uint8_t key[crypto_shorthash_KEYBYTES];
	uint32_t max, window_s;
};

int ratelimit_alloc(struct ratelimit **rlp, uint32_t max_failures,
		    uint32_t window_s)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));
	if (!rl)
		return ENOMEM;
	crypto_shorthash_keygen(rl->key);
	rl->max = max_failures;
	rl->window_s = window_s;
	*rlp = rl;
	return 0;
}

void ratelimit_free(struct ratelimit *rl)
{
	free(rl);
}

static struct slot *slot_of(struct ratelimit *rl, const char *key,
			    uint64_t *tag)
{
	uint8_t h[crypto_shorthash_BYTES];

	crypto_shorthash(h, (const uint8_t *)key, strlen(key), rl->key);
	memcpy(tag, h, sizeof(*tag));
	return &rl->v[*tag % SLOTS];
}

bool ratelimit_blocked(struct ratelimit *rl, const char *key,
		       uint32_t *retry_after_s)
{
	uint64_t tag;
	struct slot *s = slot_of(rl, key, &tag);
	time_t now = time(NULL);

	if (s->tag != tag || now - s->window_start >= (time_t)rl->window_s)
		return false;
	if (s->failures < rl->max)
		return false;
	if (retry_after_s)
		*retry_after_s = (uint32_t)(rl->window_s -
					    (uint32_t)(now - s->window_start));
	return true;
}

void ratelimit_failure(struct ratelimit *rl, const char *key)
{
	uint64_t tag;
	struct slot *s = slot_of(rl, key, &tag);
	time_t now = time(NULL);

	if (s->tag != tag || now - s->window_start >= (time_t)rl->window_s) {
		s->tag = tag;
		s->failures = 0;
		s->window_start = now;
	}
	s->failures++;
}

void ratelimit_success(struct ratelimit *rl, const char *key)
{
	uint64_t tag;
	struct slot *s = slot_of(rl, key, &tag);

	if (s->tag == tag)
		memset(s, 0, sizeof(*s));
}
