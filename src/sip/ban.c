/**
 * @file ban.c  Per-address failure counting and bans.
 *
 * An entry lives while it counts failures (until its window closes) or
 * while the ban lasts; its one timer-heap entry is moved accordingly.
 * The table is bounded: past MAX_ENTRIES tracked addresses, new failures
 * from unknown addresses are not tracked (a spoofed-source flood must not
 * grow memory without bound).
 */
#include <re.h>
#include "core/log.h"
#include "core/metrics.h"
#include "core/theap.h"
#include "sip/ban.h"

enum { MAX_ENTRIES = 100000 };

struct ban_entry {
	struct le le;
	struct theap_entry te;
	struct ban_table *bt;        /**< borrowed: owner */
	struct sa addr;              /**< port zeroed */
	uint32_t failures;
	bool banned;
};

struct ban_table {
	struct hash *ht;
	struct theap *th;            /**< borrowed */
	size_t n;
	uint32_t failures, window_s, ban_s;
};

static void entry_destructor(void *arg)
{
	struct ban_entry *e = arg;

	theap_cancel(e->bt->th, &e->te);
	hash_unlink(&e->le);
	e->bt->n--;
}

static void table_destructor(void *arg)
{
	struct ban_table *bt = arg;

	hash_flush(bt->ht);   /* derefs every entry */
	mem_deref(bt->ht);
}

int ban_alloc(struct ban_table **btp, struct theap *th)
{
	struct ban_table *bt;
	int err;

	if (!btp || !th)
		return EINVAL;
	bt = mem_zalloc(sizeof(*bt), table_destructor);
	if (!bt)
		return ENOMEM;
	bt->th = th;
	bt->failures = 10;
	bt->window_s = 60;
	bt->ban_s = 600;
	err = hash_alloc(&bt->ht, 4096);
	if (err) {
		mem_deref(bt);
		return err;
	}
	*btp = bt;
	return 0;
}

void ban_configure(struct ban_table *bt, uint32_t failures,
		   uint32_t window_s, uint32_t ban_s)
{
	if (!bt)
		return;
	bt->failures = failures ? failures : 1;
	bt->window_s = window_s;
	bt->ban_s = ban_s;
}

static bool addr_cmp(struct le *le, void *arg)
{
	const struct ban_entry *e = le->data;
	return sa_cmp(&e->addr, arg, SA_ADDR);
}

static struct ban_entry *lookup(struct ban_table *bt, const struct sa *a)
{
	struct le *le = hash_lookup(bt->ht, sa_hash(a, SA_ADDR), addr_cmp,
				    (void *)a);
	return le ? le->data : NULL;
}

static void expire(void *arg)
{
	struct ban_entry *e = arg;

	if (e->banned)
		log_notice("sip/ban", "unbanned %j after %u s", &e->addr,
			   e->bt->ban_s);
	mem_deref(e);
}

bool ban_check(struct ban_table *bt, const struct sa *src)
{
	struct ban_entry *e;

	if (!bt || !bt->n)
		return false;
	e = lookup(bt, src);
	return e && e->banned;
}

void ban_failure(struct ban_table *bt, const struct sa *src)
{
	struct ban_entry *e;

	if (!bt || !src)
		return;

	e = lookup(bt, src);
	if (!e) {
		if (bt->n >= MAX_ENTRIES)
			return;
		e = mem_zalloc(sizeof(*e), entry_destructor);
		if (!e)
			return;
		e->bt = bt;
		e->addr = *src;
		sa_set_port(&e->addr, 0);
		hash_append(bt->ht, sa_hash(&e->addr, SA_ADDR), &e->le, e);
		bt->n++;
		theap_start(bt->th, &e->te, (uint64_t)bt->window_s * 1000,
			    expire, e);
	}
	if (e->banned)
		return;

	if (++e->failures >= bt->failures) {
		e->banned = true;
		metrics_inc(M_BANS);
		log_warn("sip/ban", "banned %j for %u s after %u failed "
			 "authentications", &e->addr, bt->ban_s, e->failures);
		theap_start(bt->th, &e->te, (uint64_t)bt->ban_s * 1000,
			    expire, e);
	}
}

struct each {
	bool banned_only;
	ban_h *h;
	void *arg;
	uint64_t now;
};

static bool each_entry(struct le *le, void *arg)
{
	const struct ban_entry *e = le->data;
	struct each *c = arg;
	struct ban_info bi = {.addr = &e->addr, .failures = e->failures};

	if (c->banned_only && !e->banned)
		return false;
	if (e->banned && e->te.deadline_ms > c->now)
		bi.remaining_ms = e->te.deadline_ms - c->now;
	c->h(&bi, c->arg);
	return false;
}

void ban_foreach(struct ban_table *bt, bool banned_only, ban_h *h, void *arg)
{
	struct each c = {banned_only, h, arg, theap_now()};
	if (bt && h)
		(void)hash_apply(bt->ht, each_entry, &c);
}

size_t ban_count(struct ban_table *bt)
{
	return bt ? bt->n : 0;
}
