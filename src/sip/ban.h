/**
 * @file ban.h  Brute-force guard: ban source addresses that keep failing.
 *
 * Failed authentications are counted per source IP address (the port is
 * ignored: a scanner changes ports).  Past `failures` within `window_s`
 * the address is banned for `ban_s`: its packets are dropped unanswered,
 * which costs us least and tells the scanner nothing.  Bans and unbans are
 * logged once each; the list is visible through the control socket.
 */
#ifndef CENTREX_SIP_BAN_H
#define CENTREX_SIP_BAN_H

#include <stdbool.h>
#include <stdint.h>

struct sa;
struct theap;
struct ban_table;

struct ban_info {
	const struct sa *addr;
	uint32_t failures;
	uint64_t remaining_ms;   /**< 0 when not banned */
};

typedef void (ban_h)(const struct ban_info *bi, void *arg);

int  ban_alloc(struct ban_table **btp, struct theap *th);
void ban_configure(struct ban_table *bt, uint32_t failures,
		   uint32_t window_s, uint32_t ban_s);
bool ban_check(struct ban_table *bt, const struct sa *src);
void ban_failure(struct ban_table *bt, const struct sa *src);
void ban_foreach(struct ban_table *bt, bool banned_only, ban_h *h,
		 void *arg);
size_t ban_count(struct ban_table *bt);

#endif
