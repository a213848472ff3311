/**
 * @file take.c  A phone takes over a call there is, by dialling:
 *
 *   *8          the oldest call ringing for someone of the caller's
 *               pickup group (store_user_features pickup_group)
 *   **<ext>     the oldest call ringing for that extension's user
 *   a park slot the call parked there (park.h)
 *   *11         the caller's own call that is up on their mobile
 *               (twinning): the desk phone takes it, the mobile leaves
 *
 * The new INVITE becomes a leg of that call (call_adopt): a ringing call
 * stops ringing and its caller is answered; the call keeps its record,
 * which says what happened (feature, feature_by).  Nothing to take: the
 * caller is told it was refused, as for a wrong feature code.
 */
#include <re.h>
#include <stdlib.h>
#include <string.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "pbx/callpriv.h"
#include "pbx/park.h"
#include "pbx/priv.h"
#include "store/store.h"

enum { GROUP_MAX = 256 };

struct members {
	int64_t ids[GROUP_MAX];
	size_t n;
};

static int member_h(const struct store_user *u, void *arg)
{
	struct members *m = arg;

	if (m->n < GROUP_MAX)
		m->ids[m->n++] = u->id;
	return 0;
}

static bool in_set(const struct members *m, int64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == id)
			return true;
	return false;
}

/* the oldest unanswered call of the tenant ringing a phone of one of
   `m`'s users, not the picker's own */
static struct call *ringing_for(struct pbx *p, int64_t tenant_id,
				const struct members *m, int64_t picker)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		struct call *c = le->data;

		if (c->ended || c->o.tenant_id != tenant_id || c->winner ||
		    c->a_up || c->app || !c->a || c->o.user_id == picker)
			continue;
		for (struct le *l = list_head(&c->outs); l; l = l->next) {
			const struct leg *leg = l->data;

			if (!leg->closed && leg->t.user_id &&
			    leg->t.user_id != picker &&
			    in_set(m, leg->t.user_id))
				return c;
		}
	}
	return NULL;
}

/* the picker's group, or the user of the extension */
static bool whom(struct pbx *p, const struct call_origin *o,
		 const char *dialled, struct members *m)
{
	struct store_user_features uf;
	struct store_user u;

	m->n = 0;
	if (!strcmp(dialled, "*8")) {
		if (!o->user_id || store_user_features_get(p->d.st, o->tenant_id,
							    o->user_id, &uf) ||
		    !uf.pickup_group[0])
			return false;
		(void)store_pickup_group_users(p->d.st, o->tenant_id,
					       uf.pickup_group, member_h, m);
		return m->n > 0;
	}
	if (store_user_find_extension(p->d.st, o->tenant_id, dialled + 2, &u))
		return false;
	m->ids[m->n++] = u.id;
	return true;
}

/* the caller's call answered on their mobile (a trunk leg of theirs) */
static struct call *on_the_mobile(struct pbx *p, const struct call_origin *o)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		struct call *c = le->data;

		if (!c->ended && c->o.tenant_id == o->tenant_id &&
		    c->winner && c->winner->trunk && o->user_id &&
		    c->winner->t.user_id == o->user_id)
			return c;
	}
	return NULL;
}

static void mark(struct call *c, const char *feature,
		 const struct call_origin *o)
{
	str_ncpy(c->cdr->feature, feature, sizeof(c->cdr->feature));
	str_ncpy(c->cdr->feature_by, o->caller, sizeof(c->cdr->feature_by));
}

bool take_invite(struct pbx *p, const struct sip_msg *invite,
		 const struct call_origin *o)
{
	char dialled[40];
	struct members *m = NULL;
	struct leg *replace = NULL;
	struct call *c = NULL;
	const char *what = NULL;

	if (pl_strcpy(&invite->uri.user, dialled, sizeof(dialled)))
		return false;
	if (!strcmp(dialled, "*11")) {
		c = on_the_mobile(p, o);
		if (c)
			replace = c->winner;
		what = "mobile_to_desk";
	}
	else if (!strncmp(dialled, "*8", 2) || !strncmp(dialled, "**", 2)) {
		m = malloc(sizeof(*m));
		if (m && whom(p, o, dialled, m))
			c = ringing_for(p, o->tenant_id, m, o->user_id);
		free(m);
		what = "pickup";
	}
	else if (park_is_slot(p, o->tenant_id, dialled)) {
		c = park_find(p, o->tenant_id, atoi(dialled));
		if (c) {
			park_release(c);
			if (c->parker)
				park_announced(c);
		}
		what = "park";
	}
	if (!c) {
		tlog_info("pbx/take", o->tenant_slug, "%s dialled %s: no call "
			  "to take", o->caller, dialled);
		return false;
	}
	tlog_info("pbx/take", o->tenant_slug, "%s dialled %s: takes call %s "
		  "(%s)", o->caller, dialled, c->cdr->uuid, what);
	/* a park keeps the parker as who did it; the taker is the callee */
	if (strcmp(what, "park"))
		mark(c, what, o);
	if (call_adopt(c, invite, o, replace)) {
		tlog_warn("pbx/take", o->tenant_slug, "%s could not take call "
			  "%s", o->caller, c->cdr->uuid);
		return false;
	}
	return true;
}
