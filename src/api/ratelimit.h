/**
 * @file ratelimit.h  Failure counting by key (account, source address).
 *
 * A fixed-size table: memory stays bounded whatever an attacker sends.
 */
#ifndef CENTREX_API_RATELIMIT_H
#define CENTREX_API_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

int  ratelimit_alloc(struct ratelimit **rlp, uint32_t max_failures,
		     uint32_t window_s);
void ratelimit_free(struct ratelimit *rl);
bool ratelimit_blocked(struct ratelimit *rl, const char *key,
		       uint32_t *retry_after_s);
void ratelimit_failure(struct ratelimit *rl, const char *key);
void ratelimit_success(struct ratelimit *rl, const char *key);

#endif
