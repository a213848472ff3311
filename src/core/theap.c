/**
 * @file theap.c  Timer heap driven by a single libre timer.
 *
 * The array is 1-based so that idx 0 can mean "not queued".
 */
#include <re.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "core/theap.h"

struct theap {
	struct theap_entry **v;   /**< v[1..n] */
	size_t n, cap;
	struct tmr tmr;           /**< armed for v[1] */
	bool running;             /**< inside theap_run: arm at the end */
};

uint64_t theap_now(void)
{
	return tmr_jiffies();
}

static void destructor(void *arg)
{
	struct theap *th = arg;

	tmr_cancel(&th->tmr);
	for (size_t i = 1; i <= th->n; i++)
		th->v[i]->idx = 0;
	free(th->v);
}

int theap_alloc(struct theap **thp)
{
	struct theap *th;

	if (!thp)
		return EINVAL;
	th = mem_zalloc(sizeof(*th), destructor);
	if (!th)
		return ENOMEM;
	tmr_init(&th->tmr);
	*thp = th;
	return 0;
}

static void place(struct theap *th, size_t i, struct theap_entry *e)
{
	th->v[i] = e;
	e->idx = i;
}

static void sift_up(struct theap *th, size_t i)
{
	struct theap_entry *e = th->v[i];

	while (i > 1 && th->v[i / 2]->deadline_ms > e->deadline_ms) {
		place(th, i, th->v[i / 2]);
		i /= 2;
	}
	place(th, i, e);
}

static void sift_down(struct theap *th, size_t i)
{
	struct theap_entry *e = th->v[i];

	for (;;) {
		size_t c = 2 * i;
		if (c > th->n)
			break;
		if (c + 1 <= th->n &&
		    th->v[c + 1]->deadline_ms < th->v[c]->deadline_ms)
			c++;
		if (th->v[c]->deadline_ms >= e->deadline_ms)
			break;
		place(th, i, th->v[c]);
		i = c;
	}
	place(th, i, e);
}

static void tmr_handler(void *arg)
{
	struct theap *th = arg;
	theap_run(th, theap_now());
}

static void arm(struct theap *th)
{
	uint64_t now;

	if (th->running)
		return;
	if (!th->n) {
		tmr_cancel(&th->tmr);
		return;
	}
	now = theap_now();
	if (tmr_isrunning(&th->tmr) &&
	    tmr_get_expire(&th->tmr) + now <= th->v[1]->deadline_ms + 1)
		return;  /* already armed early enough */
	tmr_start(&th->tmr, th->v[1]->deadline_ms > now ?
		  th->v[1]->deadline_ms - now : 0, tmr_handler, th);
}

static void remove_at(struct theap *th, size_t i)
{
	struct theap_entry *last = th->v[th->n--];

	th->v[i]->idx = 0;
	if (i <= th->n) {
		place(th, i, last);
		sift_down(th, i);
		sift_up(th, last->idx);
	}
}

void theap_start(struct theap *th, struct theap_entry *e, uint64_t delay_ms,
		 theap_h *h, void *arg)
{
	if (!th || !e || !h)
		return;

	if (e->idx)
		remove_at(th, e->idx);

	if (th->n + 1 >= th->cap) {
		size_t cap = th->cap ? th->cap * 2 : 64;
		void *v = realloc(th->v, cap * sizeof(*th->v));
		if (!v)
			return;  /* out of memory: the entry stays idle */
		th->v = v;
		th->cap = cap;
	}
	e->deadline_ms = theap_now() + delay_ms;
	e->h = h;
	e->arg = arg;
	th->n++;
	place(th, th->n, e);
	sift_up(th, th->n);
	arm(th);
}

void theap_cancel(struct theap *th, struct theap_entry *e)
{
	if (!th || !e || !e->idx)
		return;
	assert(th->v[e->idx] == e);
	remove_at(th, e->idx);
	arm(th);
}

bool theap_pending(const struct theap_entry *e)
{
	return e && e->idx != 0;
}

size_t theap_count(const struct theap *th)
{
	return th ? th->n : 0;
}

/* Fire every entry due at now_ms; handlers may start or cancel entries. */
void theap_run(struct theap *th, uint64_t now_ms)
{
	th->running = true;
	while (th->n && th->v[1]->deadline_ms <= now_ms) {
		struct theap_entry *e = th->v[1];
		remove_at(th, 1);
		e->h(e->arg);
	}
	th->running = false;
	arm(th);
}
