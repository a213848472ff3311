/**
 * @file park.c  Call park (park.h).
 *
 *   talking ─*6─► parked: the other party hears music, the parker its
 *   slot's digits, then leaves ─► the slot dialled: talking with whoever
 *   dialled it (take.c) │ the timeout: the parker's phones ring
 *   (call_redirect) ─► answered: talking │ no answer: the call ends
 *
 * A slot is taken while a call of the tenant holds it; the calls are
 * few, so finding a free one walks them.
 */
#include <re.h>
#include <stdlib.h>
#include <string.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "pbx/apprompt.h"
#include "pbx/callpriv.h"
#include "pbx/dialplan.h"
#include "pbx/park.h"
#include "pbx/priv.h"
#include "store/store.h"

enum { PLAY_SLOT = 0x7061726b };   /* the parker's announcement */

/* the slot d names, 0 when it is none of the tenant's */
static int slot_of(struct pbx *p, int64_t tenant_id, const char *d)
{
	struct store_tenant_features f;
	char *end;
	long n;

	if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 8 ||
	    store_tenant_features_get(p->d.st, tenant_id, &f) ||
	    f.park_count <= 0)
		return 0;
	n = strtol(d, &end, 10);
	if (n < f.park_first || n >= (long)f.park_first + f.park_count)
		return 0;
	return (int)n;
}

bool park_is_slot(struct pbx *p, int64_t tenant_id, const char *d)
{
	return slot_of(p, tenant_id, d) != 0;
}

struct call *park_find(struct pbx *p, int64_t tenant_id, int slot)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		struct call *c = le->data;

		if (!c->ended && c->o.tenant_id == tenant_id &&
		    c->park_slot == slot)
			return c;
	}
	return NULL;
}

void park_release(struct call *c)
{
	c->park_slot = 0;
	theap_cancel(c->p->d.theap, &c->t_park);
}

/* Nobody took it: the parker's phones ring; unanswered, the call ends
   as any unanswered call (480, no answer). */
static void park_timeout(void *arg)
{
	struct call *c = arg;
	struct call_route r;
	struct pbx *p = c->p;

	tlog_info("pbx/park", c->slug, "call %s: slot %d timed out, "
		  "ringing %s", c->cdr->uuid, c->park_slot, c->parker_ext);
	park_release(c);
	if (c->parker)
		park_announced(c);
	memset(&r, 0, sizeof(r));
	r.kind = ROUTE_TARGETS;
	r.context = "internal";
	str_ncpy(r.dialled, c->parker_ext, sizeof(r.dialled));
	str_ncpy(r.callee, c->parker_ext, sizeof(r.callee));
	r.callee_user_id = c->parker_user_id;
	if (!c->parker_user_id ||
	    !dialplan_user_targets(p, c->o.tenant_id, c->parker_user_id, &r)) {
		call_end(c, CDR_PARTY_SYSTEM, 0, NULL, 20, CDR_ANSWERED);
		return;
	}
	(void)call_redirect(c, &r);
}

int park_call(struct call *c, struct leg *parker)
{
	struct pbx *p = c->p;
	struct store_tenant_features f;
	struct leg *parked = call_other(parker);
	struct store_user u;
	struct playlist pl;
	struct call_origin o;
	char digits[16];
	int slot = 0;

	if (!parked || c->park_slot || c->parker ||
	    store_tenant_features_get(p->d.st, c->o.tenant_id, &f))
		return EINVAL;
	for (int i = 0; i < f.park_count && !slot; i++)
		if (!park_find(p, c->o.tenant_id, f.park_first + i))
			slot = f.park_first + i;
	if (!slot)
		return ENOSPC;

	c->park_slot = slot;
	c->parker = parker;
	c->parker_user_id = parker->t.user_id;
	c->parker_ext[0] = '\0';
	if (parker->t.user_id &&
	    !store_user_get(p->d.st, c->o.tenant_id, parker->t.user_id, &u))
		str_ncpy(c->parker_ext, u.extension, sizeof(c->parker_ext));
	str_ncpy(c->cdr->feature, "park", sizeof(c->cdr->feature));
	str_ncpy(c->cdr->feature_by, c->parker_ext,
		 sizeof(c->cdr->feature_by));
	tlog_info("pbx/park", c->slug, "call %s: %s parks %s in slot %d",
		  c->cdr->uuid, c->parker_ext, parked->t.peer, slot);

	if (apprompt_moh(p, c->relay, parked->side, c->o.tenant_id, NULL))
		(void)media_relay_hear(c->relay, parked->side,
				       MEDIA_HEAR_SILENCE);
	/* the slot, digit by digit, in the parker's language */
	call_party_origin(c, parker, &o);
	playlist_init(&pl, p, &o, NULL);
	(void)re_snprintf(digits, sizeof(digits), "%d", slot);
	playlist_digits(&pl, digits);
	if (playlist_play(&pl, c->relay, parker->side, PLAY_SLOT))
		park_announced(c);   /* no prompts: it leaves at once */
	theap_start(p->d.theap, &c->t_park, (uint64_t)f.park_timeout_s * 1000,
		    park_timeout, c);
	return 0;
}

void park_announced(struct call *c)
{
	struct leg *parker = c->parker;

	c->parker = NULL;
	if (parker && (parker == c->a || parker == c->winner))
		call_drop_leg(c, parker);
}
