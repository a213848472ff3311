/**
 * @file dialplan.c  Where a call goes.
 */
#include <re.h>
#include <string.h>
#include "core/log.h"
#include "dir/directory.h"
#include "pbx/app.h"
#include "pbx/dialplan.h"
#include "pbx/e164.h"
#include "pbx/forward.h"
#include "pbx/groups.h"
#include "pbx/park.h"
#include "pbx/priv.h"
#include "pbx/trunks.h"
#include "sip/location.h"
#include "store/store.h"

void dialplan_reject(struct call_route *r, uint16_t scode, const char *reason,
		     uint16_t cause, enum cdr_disposition disp)
{
	r->kind = ROUTE_REJECT;
	r->scode = scode;
	r->reason = reason;
	r->q850 = cause;
	r->disp = disp;
}

/* ---- ringing a user --------------------------------------------------- */

struct ring_ctx {
	struct pbx *p;
	int64_t user_id;
	struct call_route *r;
};

/* a loose route when the phone sits behind a NAT (its REGISTER came from
   elsewhere than its Contact says) */
static void target_route(struct call_target *t, const struct loc_binding *b)
{
	struct pl pl;
	struct uri uri;
	struct sa ca;

	pl_set_str(&pl, b->contact);
	if (!uri_decode(&uri, &pl) &&
	    !sa_set(&ca, &uri.host, uri.port ? uri.port : 5060) &&
	    sa_cmp(&ca, &b->src, SA_ALL))
		return;
	(void)re_snprintf(t->route, sizeof(t->route),
			  "sip:%J;transport=%s;lr", &b->src,
			  sip_transp_name(b->tp));
}

static void add_bindings(struct dir_device *dev, void *arg)
{
	struct ring_ctx *rc = arg;
	const struct loc_aor *aor;

	if (dev->user_id != rc->user_id)
		return;
	aor = location_find(rc->p->d.loc, dev->tenant->id, dev->id);
	if (!aor)
		return;
	for (struct le *le = list_head(&aor->bindings); le; le = le->next) {
		const struct loc_binding *b = le->data;
		struct call_target *t;

		if (rc->r->targetc >= CALL_MAX_TARGETS)
			return;
		t = &rc->r->targets[rc->r->targetc++];
		memset(t, 0, sizeof(*t));
		str_ncpy(t->uri, b->contact, sizeof(t->uri));
		(void)re_snprintf(t->peer, sizeof(t->peer), "%s@%s",
				  dev->username, dev->tenant->domain);
		t->device_id = dev->id;
		t->user_id = dev->user_id;
		t->sig = b->src;
		target_route(t, b);
	}
}

size_t dialplan_user_targets(struct pbx *p, int64_t tenant_id,
			     int64_t user_id, struct call_route *r)
{
	struct ring_ctx rc = {p, user_id, r};
	size_t before = r->targetc;

	dir_user_devices(p->d.dir, tenant_id, user_id, add_bindings, &rc);
	return r->targetc - before;
}

/* a DID's target; false when it is not one of this tenant's */
static bool route_number(struct pbx *p, const struct call_origin *o,
			 const struct store_number *n, struct call_route *r)
{
	if (n->tenant_id != o->tenant_id)
		return false;
	if (!strcmp(n->target_type, "user") && n->target_id) {
		forward_user(p, o, n->target_id, r);
		return true;
	}
	if (!strcmp(n->target_type, "group") && n->target_id) {
		groups_route_id(p, o, n->target_id, r);
		return true;
	}
	/* a number of ours that leads nowhere yet */
	dialplan_reject(r, 480, "Temporarily Unavailable", 1, CDR_FAILED);
	return true;
}

/* ---- leaving on a trunk ---------------------------------------------------- */

struct route_pick {
	struct store_route best;
	size_t best_len;
	bool found;
	const char *number;
};

static int pick_route(const struct store_route *rt, void *arg)
{
	struct route_pick *rp = arg;
	size_t l = strlen(rt->prefix);

	if (strncmp(rp->number, rt->prefix, l) ||
	    (rp->found && l <= rp->best_len))
		return 0;
	rp->best = *rt;
	rp->best_len = l;
	rp->found = true;
	return 0;
}

static int first_number(const struct store_number *n, void *arg)
{
	char *out = arg;

	if (!out[0])
		str_ncpy(out, n->e164, 20);
	return 0;
}

uint16_t dialplan_trunks(struct pbx *p, int64_t tenant_id, const char *number,
			 int64_t *ids, size_t *n)
{
	struct route_pick rp = {.number = number};

	*n = 0;
	if (store_route_foreach(p->d.st, tenant_id, pick_route, &rp) ||
	    !rp.found)
		return 404;
	for (size_t i = 0; i < rp.best.trunkc; i++) {
		if (trunkset_get(p->trunks, tenant_id,
				 rp.best.trunk_ids[i]) &&
		    *n < CALL_MAX_TRUNKS)
			ids[(*n)++] = rp.best.trunk_ids[i];
	}
	return *n ? 0 : 503;
}

bool dialplan_caller_id(struct pbx *p, int64_t tenant_id,
			const struct store_user *u, char *out)
{
	/* the carrier sees the user's own number, else the tenant's first */
	out[0] = '\0';
	if (u && u->fixed_number[0])
		str_ncpy(out, u->fixed_number, 20);
	else
		(void)store_number_list(p->d.st, tenant_id, 0, 1,
					first_number, out);
	return out[0] != '\0';
}

void dialplan_out(struct pbx *p, int64_t tenant_id, const struct store_user *u,
		  struct call_route *r)
{
	uint16_t sc = dialplan_trunks(p, tenant_id,
				      r->target[0] ? r->target : r->callee,
				      r->trunk_ids, &r->trunkc);

	if (sc == 404) {
		dialplan_reject(r, 404, "No Route", 3, CDR_FAILED);
		return;
	}
	if (sc) {
		dialplan_reject(r, 503, "No Trunk Available", 34, CDR_FAILED);
		return;
	}
	if (!dialplan_caller_id(p, tenant_id, u, r->caller_id)) {
		dialplan_reject(r, 403, "No Caller Number", 21, CDR_FAILED);
		return;
	}
	r->kind = ROUTE_TRUNKS;
}

int dialplan_normalise(struct pbx *p, const struct call_origin *o,
		       const char *d, char *out, size_t size)
{
	struct store_user u;
	struct store_site site;
	size_t pl_len;

	memset(&site, 0, sizeof(site));
	if (!store_user_get(p->d.st, o->tenant_id, o->user_id, &u) &&
	    u.site_id)
		(void)store_site_get(p->d.st, o->tenant_id, u.site_id, &site);
	/* the site's outside-line digit in front of the number comes
	   first: in Paris with "0", "00145671234" is 0 then 01 45 67 12 34,
	   not the international 00 then +1 45671234 */
	pl_len = strlen(site.outside_prefix);
	if (pl_len && !strncmp(d, site.outside_prefix, pl_len) &&
	    !e164_normalise(site.country, d + pl_len, out, size))
		return 0;
	/* else the number as dialled, with no outside-line digit */
	return e164_normalise(site.country, d, out, size) ? ENOENT : 0;
}

void dialplan_from_device(struct pbx *p, const struct call_origin *o,
			  const struct pl *dialled, struct call_route *r)
{
	struct store_user u;
	struct store_number n;
	int64_t uid = 0, gid = 0;
	char d[64];
	bool have_user;

	memset(r, 0, sizeof(*r));
	r->context = "internal";
	if (pl_strcpy(dialled, d, sizeof(d)) || !d[0]) {
		dialplan_reject(r, 404, "Not Found", 1, CDR_FAILED);
		return;
	}
	str_ncpy(r->dialled, d, sizeof(r->dialled));
	str_ncpy(r->callee, d, sizeof(r->callee));

	/* a service code every tenant has */
	r->app = app_by_code(d, r->app_arg, sizeof(r->app_arg));
	if (r->app != APP_NONE) {
		r->kind = ROUTE_APP;
		r->context = "service";
		return;
	}

	/* a park slot: whoever dials it takes the call parked there */
	if (park_is_slot(p, o->tenant_id, d)) {
		r->kind = ROUTE_APP;
		r->app = APP_TAKE;
		r->context = "service";
		str_ncpy(r->app_arg, d, sizeof(r->app_arg));
		return;
	}

	/* an extension of the tenant: a user's or a ring group's */
	if (!store_extension_owner(p->d.st, o->tenant_id, d, &uid, &gid)) {
		if (uid)
			forward_user(p, o, uid, r);
		else
			groups_route_id(p, o, gid, r);
		return;
	}

	/* a telephone number, read by the rules of the caller's site */
	if (dialplan_normalise(p, o, d, r->callee, sizeof(r->callee))) {
		str_ncpy(r->callee, d, sizeof(r->callee));
		dialplan_reject(r, 404, "Not Found", 1, CDR_FAILED);
		return;
	}

	/* one of our own numbers: straight to its target */
	if (!store_number_find_e164_all(p->d.st, r->callee, &n) &&
	    route_number(p, o, &n, r))
		return;

	have_user = !store_user_get(p->d.st, o->tenant_id, o->user_id, &u);
	dialplan_out(p, o->tenant_id, have_user ? &u : NULL, r);
	if (r->kind == ROUTE_TRUNKS)
		r->context = "outbound";
}

void dialplan_from_trunk(struct pbx *p, const struct call_origin *o,
			 const struct pl *did, struct call_route *r)
{
	struct store_number n;
	char d[64];

	memset(r, 0, sizeof(*r));
	r->context = "inbound";
	if (pl_strcpy(did, d + 1, sizeof(d) - 1) || !d[1]) {
		dialplan_reject(r, 404, "Not Found", 1, CDR_FAILED);
		return;
	}
	str_ncpy(r->dialled, d + 1, sizeof(r->dialled));
	/* carriers send E.164 with or without its "+" */
	d[0] = '+';
	str_ncpy(r->callee, d[1] == '+' ? d + 1 : d, sizeof(r->callee));
	if (!e164_valid(r->callee) ||
	    store_number_find_e164_all(p->d.st, r->callee, &n) ||
	    !route_number(p, o, &n, r)) {
		dialplan_reject(r, 404, "Not Found", 1, CDR_FAILED);
		return;
	}
}
