/**
 * @file priv.h  Shared by the files of cti/ only (plain C: the JSON
 * files include it as well as the libre ones).
 */
#ifndef CENTREX_CTI_PRIV_H
#define CENTREX_CTI_PRIV_H

#include <stddef.h>
#include <stdint.h>

struct webhooks;
struct store;

/* the store connection the webhooks were given (borrowed) */
struct store *webhooks_store(const struct webhooks *wh);
/* "2026-11-22T18:30:00.123Z" for unix milliseconds, UTC */
void cti_iso_ms(char *out, size_t size, int64_t ms);

#endif
