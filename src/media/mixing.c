/** @file mixing.c  Conferences on a media thread.
 *
 * A conference is a mixer (dsp/mixer.h) and the relay sides that joined
 * it, all owned by one media thread: the members' relays were moved to
 * that thread before they joined (engine.c), so a frame of the mix reads
 * and writes only this thread's data.  Each frame, after every relay has
 * decoded its audio (proc_tick), the mixer makes each member's frame and
 * proc_output encodes it for that member's peer in the member's codec.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "media/dsp/mixer.h"
#include "media/relay.h"

struct member {
	struct media_rrelay *rr;        /**< NULL: slot free */
	unsigned si;
};

struct media_rconf {
	struct media_rconf *prev, *next;  /**< the thread's list */
	uint32_t id;
	struct mixer mx;
	struct member m[MIXER_MAX];       /**< by mixer slot */
};

struct media_rconf *media_rconf_alloc(uint32_t id)
{
	struct media_rconf *rc = calloc(1, sizeof(*rc));

	if (rc) {
		rc->id = id;
		mixer_init(&rc->mx);
	}
	return rc;
}

static struct media_rconf *conf_find(const struct media_thread *mt,
				     uint32_t id)
{
	for (struct media_rconf *rc = mt->confs; rc; rc = rc->next)
		if (rc->id == id)
			return rc;
	return NULL;
}

void media_rconf_free(struct media_rconf *rc)
{
	free(rc);
}

static int slot_of(const struct media_rconf *rc,
		   const struct media_rrelay *rr, unsigned si)
{
	for (int i = 0; i < MIXER_MAX; i++)
		if (rc->m[i].rr == rr && rc->m[i].si == si)
			return i;
	return -1;
}

static void join(struct media_thread *mt, struct media_rconf *rc,
		 struct media_rrelay *rr, unsigned si)
{
	int slot;

	if (slot_of(rc, rr, si) >= 0)
		return;
	slot = mixer_join(&rc->mx);
	if (slot < 0) {
		/* the engine counts members: only a bug gets here */
		log_warn("media", "conference %p is full", (void *)rc);
		return;
	}
	if (!proc_conf_join(mt, rr, si, rc)) {
		mixer_leave(&rc->mx, slot);
		return;
	}
	rc->m[slot].rr = rr;
	rc->m[slot].si = si;
}

static void leave_slot(struct media_rconf *rc, int slot)
{
	mixer_leave(&rc->mx, slot);
	rc->m[slot].rr = NULL;
}

void mixing_gone(struct media_thread *mt, struct media_rconf *rc,
		 struct media_rrelay *rr, unsigned si)
{
	int slot = slot_of(rc, rr, si);

	(void)mt;
	if (slot >= 0)
		leave_slot(rc, slot);
}

static void conf_free(struct media_thread *mt, struct media_rconf *rc)
{
	for (int i = 0; i < MIXER_MAX; i++) {
		struct media_rrelay *rr = rc->m[i].rr;

		if (!rr)
			continue;
		leave_slot(rc, i);
		proc_conf_left(mt, rr, rc->m[i].si);
	}
	if (rc->prev)
		rc->prev->next = rc->next;
	else
		mt->confs = rc->next;
	if (rc->next)
		rc->next->prev = rc->prev;
	free(rc);
}

bool mixing_order(struct media_thread *mt, struct media_msg *m)
{
	struct media_rconf *rc;
	int slot;

	switch (m->type) {
	case MEDIA_MSG_CONF_NEW:
	case MEDIA_MSG_CONF_JOIN:
	case MEDIA_MSG_CONF_LEAVE:
	case MEDIA_MSG_CONF_MUTE:
	case MEDIA_MSG_CONF_FREE:
		break;
	default:
		return false;
	}
	rc = m->type == MEDIA_MSG_CONF_NEW ? m->u.conf.rc
					   : conf_find(mt, m->u.conf.id);
	if (!rc) {
		free(m);   /* freed before this order arrived */
		return true;
	}

	switch (m->type) {
	case MEDIA_MSG_CONF_NEW:
		rc->prev = NULL;
		rc->next = mt->confs;
		if (rc->next)
			rc->next->prev = rc;
		mt->confs = rc;
		break;
	case MEDIA_MSG_CONF_JOIN:
		join(mt, rc, m->rr, m->side);
		break;
	case MEDIA_MSG_CONF_LEAVE:
		slot = slot_of(rc, m->rr, m->side);
		if (slot >= 0) {
			leave_slot(rc, slot);
			proc_conf_left(mt, m->rr, m->side);
		}
		break;
	case MEDIA_MSG_CONF_MUTE:
		slot = slot_of(rc, m->rr, m->side);
		if (slot >= 0)
			(void)mixer_set_muted(&rc->mx, slot, m->u.conf.muted);
		break;
	case MEDIA_MSG_CONF_FREE:
		conf_free(mt, rc);
		break;
	default:
		break;
	}
	free(m);
	return true;
}

void mixing_tick(struct media_thread *mt)
{
	int16_t out[MIXER_MAX][AUDIO_FRAME];

	for (struct media_rconf *rc = mt->confs; rc; rc = rc->next) {
		const int16_t *in[MIXER_MAX] = {0};
		int16_t *outp[MIXER_MAX] = {0};
		bool any = false;

		for (int i = 0; i < MIXER_MAX; i++) {
			if (!rc->m[i].rr)
				continue;
			in[i] = proc_input(rc->m[i].rr, rc->m[i].si);
			outp[i] = out[i];
			any = true;
		}
		if (!any)
			continue;
		mixer_mix(&rc->mx, in, outp);
		for (int i = 0; i < MIXER_MAX; i++)
			if (rc->m[i].rr)
				proc_output(mt, rc->m[i].rr, rc->m[i].si,
					    out[i]);
	}
}

void mixing_stop(struct media_thread *mt)
{
	while (mt->confs)
		conf_free(mt, mt->confs);
}
