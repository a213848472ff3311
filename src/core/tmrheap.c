/**
 * @file tmrheap.c  libre's timers on a heap (see tmrheap.h).
 */
#include <re.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/tmrheap.h"

/*
 * Where a timer keeps its bookkeeping: libre's struct tmr has a list
 * element that only the timer code uses.  le.prev holds the heap slot
 * plus one (0: not queued), le.next the start sequence number.
 */
#define SLOT(t)     ((size_t)(uintptr_t)(t)->le.prev)
#define SET_SLOT(t, i) ((t)->le.prev = (struct le *)(uintptr_t)(i))
#define SEQ(t)      ((uint64_t)(uintptr_t)(t)->le.next)

struct heap {
	struct tmr **v;
	size_t n, cap;
	uint64_t seq;
};

static _Thread_local struct heap H;

static bool earlier(const struct tmr *a, const struct tmr *b)
{
	return a->jfs < b->jfs || (a->jfs == b->jfs && SEQ(a) < SEQ(b));
}

static void place(size_t i, struct tmr *t)
{
	H.v[i] = t;
	SET_SLOT(t, i + 1);
}

static void sift_up(size_t i)
{
	struct tmr *t = H.v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!earlier(t, H.v[parent]))
			break;
		place(i, H.v[parent]);
		i = parent;
	}
	place(i, t);
}

static void sift_down(size_t i)
{
	struct tmr *t = H.v[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct tmr *best = t;

		if (l < H.n && earlier(H.v[l], best)) {
			m = l;
			best = H.v[l];
		}
		if (r < H.n && earlier(H.v[r], best))
			m = r;
		if (m == i)
			break;
		place(i, H.v[m]);
		i = m;
	}
	place(i, t);
}

static void heap_remove(struct tmr *t)
{
	size_t i = SLOT(t);
	struct tmr *last;

	if (!i || i > H.n || H.v[i - 1] != t)
		return;
	i--;
	SET_SLOT(t, 0);
	last = H.v[--H.n];
	if (i == H.n)
		return;
	place(i, last);
	if (i > 0 && earlier(last, H.v[(i - 1) / 2]))
		sift_up(i);
	else
		sift_down(i);
}

static bool heap_push(struct tmr *t)
{
	if (H.n == H.cap) {
		size_t cap = H.cap ? H.cap * 2 : 1024;
		struct tmr **v = realloc(H.v, cap * sizeof(*v));
		if (!v)
			return false;
		H.v = v;
		H.cap = cap;
	}
	t->le.next = (struct le *)(uintptr_t)++H.seq;
	H.v[H.n] = t;
	sift_up(H.n++);
	return true;
}

void tmr_init(struct tmr *tmr)
{
	if (tmr)
		memset(tmr, 0, sizeof(*tmr));
}

void tmr_start(struct tmr *tmr, uint64_t delay, tmr_h *th, void *arg)
{
	if (!tmr)
		return;
	if (tmr->th || SLOT(tmr))
		heap_remove(tmr);
	tmr->th = th;
	tmr->arg = arg;
	if (!th)
		return;
	tmr->jfs = tmr_jiffies() + delay;
	if (!heap_push(tmr))
		tmr->th = NULL;    /* out of memory: the timer cannot run */
}

void tmr_cancel(struct tmr *tmr)
{
	tmr_start(tmr, 0, NULL, NULL);
}

uint64_t tmr_get_expire(const struct tmr *tmr)
{
	uint64_t now;

	if (!tmr || !tmr->th)
		return 0;
	now = tmr_jiffies();
	return tmr->jfs > now ? tmr->jfs - now : 0;
}

/* the loop passes its list; each thread's heap stands in for it */
void tmr_poll(struct list *tmrl)
{
	const uint64_t now = tmr_jiffies();
	(void)tmrl;

	while (H.n && H.v[0]->jfs <= now) {
		struct tmr *t = H.v[0];
		tmr_h *th = t->th;
		void *arg = t->arg;

		heap_remove(t);
		t->th = NULL;
		if (th)
			th(arg);
	}
}

uint64_t tmr_next_timeout(struct list *tmrl)
{
	const uint64_t now = tmr_jiffies();
	(void)tmrl;

	if (!H.n)
		return 0;
	return H.v[0]->jfs <= now ? 1 : H.v[0]->jfs - now;
}

int tmr_status(struct re_printf *pf, void *unused)
{
	(void)unused;
	return re_hprintf(pf, "timers: %zu (heap)\n", H.n);
}

void tmr_debug(void)
{
	(void)re_printf("timers: %zu (heap)\n", H.n);
}

size_t tmrheap_count(void)
{
	return H.n;
}

void tmrheap_init(void)
{
	/* nothing to set up: the heap grows on first use; being called is
	   what keeps this file in the executable */
	H.seq = 0;
}
