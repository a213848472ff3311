/**
 * @file tmrheap.h  libre's timers on a heap.
 *
 * libre 1.1.0 keeps each thread's timers in a sorted list and inserts by
 * walking it from the latest deadline back.  A SIP transaction lingers for
 * 32 s after it completes, so at a few hundred calls a second tens of
 * thousands of such timers sit at the tail of the list, and every short
 * timer (a 500 ms retransmission, started several times per call) walks
 * past all of them: the profile of a call load showed half the signalling
 * thread inside libre's tmr_start.
 *
 * libre calls its tmr_*() functions through the PLT, so centrexd defines
 * them here and the dynamic linker binds libre (and everything else) to
 * ours: a binary min-heap per thread, ordered by deadline then by start
 * order (libre's order for equal deadlines), the heap position kept in the
 * timer's own list element, which nothing but the timer code touches.
 * Start, cancel and expiry are O(log n).  tmr_jiffies() stays libre's.
 *
 * tmrheap_init() must be called once at start, before any timer runs; it
 * also makes sure the linker keeps these definitions in the executable.
 */
#ifndef CENTREX_CORE_TMRHEAP_H
#define CENTREX_CORE_TMRHEAP_H

#include <stddef.h>

void   tmrheap_init(void);
/* timers pending on the calling thread */
size_t tmrheap_count(void);

#endif
