/**
 * @file location.c  Bindings in memory, expiry, write-behind to the store.
 */
#include <re.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/metrics.h"
#include "store/store.h"
#include "store/writer.h"
#include "sip/location.h"

struct location {
	struct hash *aors;               /**< struct loc_aor, owned */
	struct theap *th;                /**< borrowed */
	struct store_writer *writer;     /**< borrowed; NULL = no persistence */
	struct store_binding *pending;   /**< changes not yet handed over */
	size_t npending, cap;
	size_t nbindings;
	uint64_t seq;
};

static uint32_t aor_key(int64_t tenant_id, int64_t device_id)
{
	uint64_t k = (uint64_t)tenant_id * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)device_id;
	return (uint32_t)(k ^ (k >> 32));
}

static void binding_destructor(void *arg)
{
	struct loc_binding *b = arg;

	theap_cancel(b->aor->loc->th, &b->te);
	list_unlink(&b->le);
	b->aor->loc->nbindings--;
	mem_deref(b->contact);
	mem_deref(b->call_id);
	mem_deref(b->user_agent);
}

static void aor_destructor(void *arg)
{
	struct loc_aor *aor = arg;

	list_flush(&aor->bindings);
	hash_unlink(&aor->le);
}

static void location_destructor(void *arg)
{
	struct location *loc = arg;

	hash_flush(loc->aors);
	mem_deref(loc->aors);
	free(loc->pending);
}

int location_alloc(struct location **locp, struct theap *th,
		   struct store_writer *writer)
{
	struct location *loc;
	int err;

	if (!locp || !th)
		return EINVAL;
	loc = mem_zalloc(sizeof(*loc), location_destructor);
	if (!loc)
		return ENOMEM;
	loc->th = th;
	loc->writer = writer;
	err = hash_alloc(&loc->aors, 65536);
	if (err) {
		mem_deref(loc);
		return err;
	}
	*locp = loc;
	return 0;
}

static void queue_change(struct location *loc, const struct loc_binding *b,
			 bool remove)
{
	struct store_binding *r;

	if (!loc->writer)
		return;
	if (loc->npending == loc->cap) {
		size_t cap = loc->cap ? loc->cap * 2 : 1024;
		void *v = realloc(loc->pending, cap * sizeof(*loc->pending));
		if (!v) {
			metrics_inc(M_STORE_ERRORS);
			return;
		}
		loc->pending = v;
		loc->cap = cap;
	}
	r = &loc->pending[loc->npending++];
	memset(r, 0, sizeof(*r));
	r->tenant_id = b->aor->tenant_id;
	r->device_id = b->aor->device_id;
	r->remove = remove;
	str_ncpy(r->contact, b->contact, sizeof(r->contact));
	if (remove)
		return;
	r->expires_at = b->expires_at;
	r->q_milli = b->q_milli;
	r->cseq = b->cseq;
	str_ncpy(r->call_id, b->call_id, sizeof(r->call_id));
	str_ncpy(r->transport, sip_transp_name(b->tp), sizeof(r->transport));
	re_snprintf(r->source, sizeof(r->source), "%J", &b->src);
	str_ncpy(r->user_agent, b->user_agent ? b->user_agent : "",
		 sizeof(r->user_agent));
}

/* Hand the queued changes to the writer thread (ownership moves). */
void location_flush(struct location *loc)
{
	if (!loc || !loc->npending || !loc->writer)
		return;
	if (store_writer_submit(loc->writer, loc->pending, loc->npending))
		metrics_inc(M_STORE_ERRORS);
	loc->pending = NULL;
	loc->npending = loc->cap = 0;
}

size_t location_pending(const struct location *loc)
{
	return loc ? loc->npending + store_writer_backlog(loc->writer) : 0;
}

size_t location_count(const struct location *loc)
{
	return loc ? loc->nbindings : 0;
}

static bool aor_cmp(struct le *le, void *arg)
{
	const struct loc_aor *aor = le->data;
	const int64_t *k = arg;
	return aor->tenant_id == k[0] && aor->device_id == k[1];
}

struct loc_aor *location_find(struct location *loc, int64_t tenant_id,
			      int64_t device_id)
{
	int64_t k[2] = {tenant_id, device_id};
	struct le *le;

	if (!loc)
		return NULL;
	le = hash_lookup(loc->aors, aor_key(tenant_id, device_id), aor_cmp, k);
	return le ? le->data : NULL;
}

static struct loc_aor *aor_get(struct location *loc, int64_t tenant_id,
			       int64_t device_id)
{
	struct loc_aor *aor = location_find(loc, tenant_id, device_id);

	if (aor)
		return aor;
	aor = mem_zalloc(sizeof(*aor), aor_destructor);
	if (!aor)
		return NULL;
	aor->tenant_id = tenant_id;
	aor->device_id = device_id;
	aor->loc = loc;
	hash_append(loc->aors, aor_key(tenant_id, device_id), &aor->le, aor);
	return aor;
}

static void aor_release_if_empty(struct loc_aor *aor)
{
	if (!aor->bindings.head)
		mem_deref(aor);
}

struct loc_binding *location_binding_find(const struct loc_aor *aor,
					  const struct pl *contact)
{
	if (!aor)
		return NULL;
	for (struct le *le = aor->bindings.head; le; le = le->next) {
		struct loc_binding *b = le->data;
		if (0 == pl_strcmp(contact, b->contact))
			return b;
	}
	return NULL;
}

static void binding_expired(void *arg)
{
	struct loc_binding *b = arg;
	struct loc_aor *aor = b->aor;

	metrics_inc(M_REG_EXPIRED);
	log_debug("sip/location", "binding %s of device %lld expired",
		  b->contact, (long long)aor->device_id);
	queue_change(aor->loc, b, true);
	mem_deref(b);
	aor_release_if_empty(aor);
}

static void binding_remove(struct location *loc, struct loc_binding *b)
{
	struct loc_aor *aor = b->aor;

	queue_change(loc, b, true);
	mem_deref(b);
	aor_release_if_empty(aor);
}

static int pl_restrdup(char **dst, const struct pl *pl)
{
	char *s = NULL;
	int err;

	if (*dst && 0 == pl_strcmp(pl, *dst))
		return 0;
	err = pl_strdup(&s, pl);
	if (err)
		return err;
	mem_deref(*dst);
	*dst = s;
	return 0;
}

static struct loc_binding *oldest(const struct loc_aor *aor)
{
	struct loc_binding *o = NULL;

	for (struct le *le = aor->bindings.head; le; le = le->next) {
		struct loc_binding *b = le->data;
		if (!o || b->created_seq < o->created_seq)
			o = b;
	}
	return o;
}

/*
 * Create, refresh or (expires 0) remove one binding.  The registrar has
 * already checked the Call-ID/CSeq ordering rules.
 */
int location_set(struct location *loc, int64_t tenant_id, int64_t device_id,
		 const struct loc_update *u, uint32_t max_contacts)
{
	struct loc_aor *aor;
	struct loc_binding *b;
	int err = 0;

	if (!loc || !u || !pl_isset(&u->contact))
		return EINVAL;

	aor = location_find(loc, tenant_id, device_id);
	b = location_binding_find(aor, &u->contact);

	if (!u->expires_s) {
		if (b)
			binding_remove(loc, b);
		return 0;
	}

	if (!b) {
		aor = aor_get(loc, tenant_id, device_id);
		if (!aor)
			return ENOMEM;
		if (list_count(&aor->bindings) >= max_contacts) {
			struct loc_binding *o = oldest(aor);
			log_debug("sip/location", "device %lld: replacing "
				  "oldest binding %s", (long long)device_id,
				  o->contact);
			queue_change(loc, o, true);
			mem_deref(o);
		}
		b = mem_zalloc(sizeof(*b), binding_destructor);
		if (!b) {
			aor_release_if_empty(aor);
			return ENOMEM;
		}
		b->aor = aor;
		b->created_seq = ++loc->seq;
		list_append(&aor->bindings, &b->le, b);
		loc->nbindings++;
		err = pl_strdup(&b->contact, &u->contact);
	}

	err |= pl_restrdup(&b->call_id, &u->call_id);
	if (pl_isset(&u->user_agent))
		err |= pl_restrdup(&b->user_agent, &u->user_agent);
	if (err) {
		binding_remove(loc, b);
		return ENOMEM;
	}
	b->src = *u->src;
	b->tp = u->tp;
	b->cseq = u->cseq;
	b->q_milli = u->q_milli;
	b->expires_at = (int64_t)time(NULL) + u->expires_s;
	theap_start(loc->th, &b->te, (uint64_t)u->expires_s * 1000,
		    binding_expired, b);
	queue_change(loc, b, false);
	return 0;
}

void location_remove_all(struct location *loc, int64_t tenant_id,
			 int64_t device_id)
{
	struct loc_aor *aor = location_find(loc, tenant_id, device_id);

	if (!aor)
		return;
	while (aor->bindings.head) {
		struct loc_binding *b = aor->bindings.head->data;
		queue_change(loc, b, true);
		mem_deref(b);
	}
	mem_deref(aor);
}

uint32_t loc_binding_remaining_s(const struct loc_binding *b)
{
	int64_t now = (int64_t)time(NULL);
	return b->expires_at > now ? (uint32_t)(b->expires_at - now) : 0;
}

struct load_ctx {
	struct location *loc;
	int64_t now;
	size_t loaded, dropped;
};

static int load_binding(const struct store_binding *r, void *arg)
{
	struct load_ctx *c = arg;
	struct loc_update u = {0};
	struct sa src;
	enum sip_transp tp = SIP_TRANSP_UDP;
	struct pl ppl;

	if (r->expires_at <= c->now) {
		c->dropped++;
		return 0;
	}
	if (sa_decode(&src, r->source, strlen(r->source)))
		sa_init(&src, AF_INET);
	for (int t = SIP_TRANSP_UDP; t < SIP_TRANSPC; t++) {
		if (!strcmp(r->transport, sip_transp_name((enum sip_transp)t)))
			tp = (enum sip_transp)t;
	}
	pl_set_str(&u.contact, r->contact);
	pl_set_str(&u.call_id, r->call_id);
	pl_set_str(&ppl, r->user_agent);
	u.user_agent = ppl;
	u.expires_s = (uint32_t)(r->expires_at - c->now);
	u.q_milli = (uint16_t)r->q_milli;
	u.cseq = r->cseq;
	u.src = &src;
	u.tp = tp;

	/* loading must not write back what it just read */
	struct store_writer *w = c->loc->writer;
	c->loc->writer = NULL;
	int err = location_set(c->loc, r->tenant_id, r->device_id, &u,
			       UINT32_MAX);
	c->loc->writer = w;
	if (!err)
		c->loaded++;
	return err;
}

int location_load(struct location *loc, struct store *st)
{
	struct load_ctx c = {.loc = loc, .now = (int64_t)time(NULL)};
	int err;

	err = store_binding_foreach_all(st, load_binding, &c);
	if (err)
		return err;
	if (c.dropped)
		(void)store_binding_purge_expired_all(st, c.now);
	log_info("sip/location", "loaded %zu bindings from the store "
		 "(%zu had expired)", c.loaded, c.dropped);
	return 0;
}

struct each {
	location_aor_h *h;
	void *arg;
};

static bool each_aor(struct le *le, void *arg)
{
	struct each *c = arg;
	c->h(le->data, c->arg);
	return false;
}

void location_foreach(const struct location *loc, location_aor_h *h,
		      void *arg)
{
	struct each c = {h, arg};
	if (loc && h)
		(void)hash_apply(loc->aors, each_aor, &c);
}
