/** @file conference.c  Conferences as the signalling thread sees them.
 *
 * A conference lives on one media thread, chosen when it is made; the
 * members' relays are moved there as they join (handle.h: relay_move),
 * since a mix may only read audio that its own thread decoded.  The
 * handle counts members, so that a full conference is refused here, at
 * once, rather than found full on the media thread.
 */
#include <errno.h>
#include <stdlib.h>
#include "media/handle.h"

enum { MAX_MEMBERS = MEDIA_CONF_MAX };

struct media_conf {
	struct media_engine *me;
	uint32_t id;                      /**< the thread's name for it */
	unsigned thread;
	struct media_msg *bye;            /**< the free order: cannot fail */
	struct {
		const struct media_relay *r;
		enum media_side side;
	} m[MAX_MEMBERS];
	unsigned n;
};

/* An order about member (r, side), after whatever r still waits for. */
static int conf_send(struct media_conf *c, enum media_msg_type type,
		     struct media_relay *r, enum media_side side, bool muted)
{
	struct media_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return ENOMEM;
	m->type = type;
	m->rr = r->rr;
	m->handle = r;
	m->side = side;
	m->u.conf.id = c->id;
	m->u.conf.muted = muted;
	return order_send(r, m);
}

int media_conf_alloc(struct media_engine *me, struct media_conf **cp)
{
	static uint32_t next_id;
	struct media_conf *c;
	struct media_msg *m;

	if (!me || !cp)
		return EINVAL;
	if (me->stopping)
		return ESHUTDOWN;
	c = calloc(1, sizeof(*c));
	m = calloc(1, sizeof(*m));
	if (c)
		c->bye = calloc(1, sizeof(*c->bye));
	if (m)
		m->u.conf.rc = media_rconf_alloc(++next_id);
	if (!c || !m || !c->bye || !m->u.conf.rc) {
		if (m)
			media_rconf_free(m->u.conf.rc);
		free(m);
		if (c)
			free(c->bye);
		free(c);
		return ENOMEM;
	}
	c->me = me;
	c->id = next_id;
	c->thread = least_loaded(me);
	m->type = MEDIA_MSG_CONF_NEW;
	media_thread_send(me->thr[c->thread], m);
	*cp = c;
	return 0;
}

static int find(const struct media_conf *c, const struct media_relay *r,
		enum media_side side)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->m[i].r == r && c->m[i].side == side)
			return (int)i;
	return -1;
}

static bool usable(const struct media_conf *c, const struct media_relay *r,
		   enum media_side side)
{
	return c && r && !r->closing && r->me == c->me && !c->me->stopping &&
	       (side == MEDIA_A || side == MEDIA_B);
}

int media_conf_join(struct media_conf *c, struct media_relay *r,
		    enum media_side side)
{
	int err;

	if (!usable(c, r, side))
		return EINVAL;
	if (find(c, r, side) >= 0)
		return EALREADY;
	if (c->n >= MAX_MEMBERS)
		return ENOSPC;
	err = relay_move(r, c->thread);
	if (err)
		return err;
	err = conf_send(c, MEDIA_MSG_CONF_JOIN, r, side, false);
	if (err)
		return err;
	c->m[c->n].r = r;
	c->m[c->n].side = side;
	c->n++;
	return 0;
}

int media_conf_leave(struct media_conf *c, struct media_relay *r,
		     enum media_side side)
{
	int i;

	if (!c || !r)
		return EINVAL;
	i = find(c, r, side);
	if (i < 0)
		return ENOENT;
	c->m[i] = c->m[--c->n];
	/* a closing relay leaves on its own, on the media thread */
	if (r->closing || c->me->stopping)
		return 0;
	return conf_send(c, MEDIA_MSG_CONF_LEAVE, r, side, false);
}

int media_conf_mute(struct media_conf *c, struct media_relay *r,
		    enum media_side side, bool muted)
{
	if (!usable(c, r, side))
		return EINVAL;
	if (find(c, r, side) < 0)
		return ENOENT;
	return conf_send(c, MEDIA_MSG_CONF_MUTE, r, side, muted);
}

unsigned media_conf_count(const struct media_conf *c)
{
	return c ? c->n : 0;
}

void media_conf_free(struct media_conf *c)
{
	if (!c)
		return;
	/* once the threads are gone, the conference went with its thread */
	if (c->me->stopping) {
		free(c->bye);
	}
	else {
		c->bye->type = MEDIA_MSG_CONF_FREE;
		c->bye->u.conf.id = c->id;
		media_thread_send(c->me->thr[c->thread], c->bye);
	}
	free(c);
}
