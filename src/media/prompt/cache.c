/**
 * @file cache.c  Prompt tables: hash by (tenant, key), optional LRU bound.
 *
 * An entry holds one reference of its prompt.  Eviction only drops that
 * reference: a player still holding the prompt keeps it alive, and the
 * next lookup loads a fresh copy (the bound is on what the cache holds,
 * not on what is playing).  The newest entry is never evicted by its own
 * insertion, so one prompt larger than the byte bound still plays.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "media/prompt/priv.h"

static unsigned hash(uint64_t tenant, const char *key)
{
	uint64_t h = 1469598103934665603ull ^ tenant;

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 1099511628211ull;
	return (unsigned)(h ^ h >> 32) % PTABLE_BUCKETS;
}

static struct pentry **find(struct ptable *t, uint64_t tenant,
			    const char *key)
{
	struct pentry **pp = &t->bucket[hash(tenant, key)];

	for (; *pp; pp = &(*pp)->hnext) {
		if ((*pp)->tenant == tenant && !strcmp((*pp)->key, key))
			break;
	}
	return pp;
}

static void lru_unlink(struct ptable *t, struct pentry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct ptable *t, struct pentry *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest)
		t->newest->newer = e;
	t->newest = e;
	if (!t->oldest)
		t->oldest = e;
}

size_t prompt_bytes(const struct prompt *p)
{
	return sizeof(*p) + p->n * sizeof(p->pcm[0]);
}

/* unlinks *pp (from its chain and the LRU) and frees it */
static void drop(struct ptable *t, struct pentry **pp)
{
	struct pentry *e = *pp;

	*pp = e->hnext;
	lru_unlink(t, e);
	t->count--;
	t->bytes -= prompt_bytes(e->p);
	prompt_unref(e->p);
	free(e);
}

struct prompt *ptable_get(struct ptable *t, uint64_t tenant, const char *key)
{
	struct pentry *e = *find(t, tenant, key);

	if (!e)
		return NULL;
	if (t->bounded) {
		lru_unlink(t, e);
		lru_push(t, e);
	}
	return prompt_ref(e->p);
}

static void evict(struct ptable *t)
{
	while (t->count > 1 && (t->count > t->max_count ||
				t->bytes > t->max_bytes)) {
		struct pentry *old = t->oldest;

		drop(t, find(t, old->tenant, old->key));
		t->evictions++;
	}
}

int ptable_put(struct ptable *t, uint64_t tenant, const char *key,
	       struct prompt *p)
{
	struct pentry **pp = find(t, tenant, key), *e;
	size_t klen = strlen(key) + 1;

	e = malloc(sizeof(*e) + klen);
	if (!e)
		return ENOMEM;
	if (*pp)
		drop(t, pp);
	memset(e, 0, sizeof(*e));
	e->tenant = tenant;
	e->p = prompt_ref(p);
	memcpy(e->key, key, klen);
	pp = &t->bucket[hash(tenant, key)];
	e->hnext = *pp;
	*pp = e;
	lru_push(t, e);
	t->count++;
	t->bytes += prompt_bytes(p);
	if (t->bounded)
		evict(t);
	return 0;
}

int ptable_remove(struct ptable *t, uint64_t tenant, const char *key)
{
	struct pentry **pp = find(t, tenant, key);

	if (!*pp)
		return ENOENT;
	drop(t, pp);
	return 0;
}

void ptable_clear(struct ptable *t)
{
	while (t->oldest) {
		struct pentry *old = t->oldest;

		drop(t, find(t, old->tenant, old->key));
	}
}
