/**
 * @file theap.h  Timer heap: many timers, one libre timer.
 *
 * libre 1.1.0 keeps its timers in a sorted list, so starting one costs
 * O(n); with 100k registrations that is milliseconds per REGISTER.  Every
 * long-lived deadline of the daemon (binding expiry, ban expiry, later
 * call timeouts) lives here instead: a binary min-heap keyed on a
 * monotonic millisecond deadline, with the heap index kept in the entry so
 * that moving or cancelling an entry is O(log n).  One libre timer is
 * armed for the earliest deadline.
 *
 * An entry is embedded in its owner (no allocation); the owner must
 * cancel it before freeing itself.
 */
#ifndef CENTREX_CORE_THEAP_H
#define CENTREX_CORE_THEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct theap;
typedef void (theap_h)(void *arg);

struct theap_entry {
	uint64_t deadline_ms;   /**< monotonic, tmr_jiffies() base */
	size_t idx;             /**< position in the heap, 0 = not queued */
	theap_h *h;
	void *arg;
};

int  theap_alloc(struct theap **thp);
void theap_start(struct theap *th, struct theap_entry *e, uint64_t delay_ms,
		 theap_h *h, void *arg);
void theap_cancel(struct theap *th, struct theap_entry *e);
bool theap_pending(const struct theap_entry *e);
size_t theap_count(const struct theap *th);
void theap_run(struct theap *th, uint64_t now_ms);
uint64_t theap_now(void);

#endif
