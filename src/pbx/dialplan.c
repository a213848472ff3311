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
#include "pbx/priv.h"
#include "pbx/trunks.h"
#include "sip/location.h"
#include "store/store.h"

static void reject(struct call_route *r, uint16_t scode, const char *reason,
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
		t->sig = b->src;
		target_route(t, b);
	}
}

static void ring_user(struct pbx *p, int64_t tenant_id, int64_t user_id,
		      struct call_route *r)
{
	struct ring_ctx rc = {p, user_id, r};

	r->callee_user_id = user_id;
	r->targetc = 0;
	dir_user_devices(p->d.dir, tenant_id, user_id, add_bindings, &rc);
	if (!r->targetc) {
		reject(r, 480, "Temporarily Unavailable", 20, CDR_FAILED);
		return;
	}
	r->kind = ROUTE_TARGETS;
}

/* a DID's target; false when it is not one of this tenant's */
static bool route_number(struct pbx *p, int64_t tenant_id,
			 const struct store_number *n, struct call_route *r)
{
	if (n->tenant_id != tenant_id)
		return false;
	if (!strcmp(n->target_type, "user") && n->target_id) {
		ring_user(p, tenant_id, n->target_id, r);
		return true;
	}
	/* a number of ours that leads nowhere yet */
	reject(r, 480, "Temporarily Unavailable", 1, CDR_FAILED);
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

static void route_out(struct pbx *p, const struct call_origin *o,
		      const struct store_user *u, struct call_route *r)
{
	struct route_pick rp = {.number = r->callee};

	if (store_route_foreach(p->d.st, o->tenant_id, pick_route, &rp) ||
	    !rp.found) {
		reject(r, 404, "No Route", 3, CDR_FAILED);
		return;
	}
	r->trunkc = 0;
	for (size_t i = 0; i < rp.best.trunkc; i++) {
		if (trunkset_get(p->trunks, o->tenant_id,
				 rp.best.trunk_ids[i]) &&
		    r->trunkc < CALL_MAX_TRUNKS)
			r->trunk_ids[r->trunkc++] = rp.best.trunk_ids[i];
	}
	if (!r->trunkc) {
		reject(r, 503, "No Trunk Available", 34, CDR_FAILED);
		return;
	}

	/* the carrier sees the user's own number, else the tenant's first */
	r->caller_id[0] = '\0';
	if (u && u->fixed_number[0])
		str_ncpy(r->caller_id, u->fixed_number, sizeof(r->caller_id));
	else
		(void)store_number_list(p->d.st, o->tenant_id, 0, 1,
					first_number, r->caller_id);
	if (!r->caller_id[0]) {
		reject(r, 403, "No Caller Number", 21, CDR_FAILED);
		return;
	}
	r->kind = ROUTE_TRUNKS;
	r->context = "outbound";
}

void dialplan_from_device(struct pbx *p, const struct call_origin *o,
			  const struct pl *dialled, struct call_route *r)
{
	struct store_user u, callee;
	struct store_site site;
	struct store_number n;
	char d[64];
	bool have_user;

	memset(r, 0, sizeof(*r));
	r->context = "internal";
	if (pl_strcpy(dialled, d, sizeof(d)) || !d[0]) {
		reject(r, 404, "Not Found", 1, CDR_FAILED);
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

	/* an extension of the tenant */
	if (!store_user_find_extension(p->d.st, o->tenant_id, d, &callee)) {
		ring_user(p, o->tenant_id, callee.id, r);
		return;
	}

	/* a telephone number, read by the rules of the caller's site */
	have_user = !store_user_get(p->d.st, o->tenant_id, o->user_id, &u);
	memset(&site, 0, sizeof(site));
	if (have_user && u.site_id)
		(void)store_site_get(p->d.st, o->tenant_id, u.site_id, &site);
	if (e164_normalise(site.country, d, r->callee, sizeof(r->callee))) {
		/* the site's outside-line digit in front of the number */
		size_t pl_len = strlen(site.outside_prefix);
		if (!pl_len || strncmp(d, site.outside_prefix, pl_len) ||
		    e164_normalise(site.country, d + pl_len, r->callee,
				   sizeof(r->callee))) {
			str_ncpy(r->callee, d, sizeof(r->callee));
			reject(r, 404, "Not Found", 1, CDR_FAILED);
			return;
		}
	}

	/* one of our own numbers: straight to its target */
	if (!store_number_find_e164_all(p->d.st, r->callee, &n) &&
	    route_number(p, o->tenant_id, &n, r))
		return;

	route_out(p, o, have_user ? &u : NULL, r);
}

void dialplan_from_trunk(struct pbx *p, const struct call_origin *o,
			 const struct pl *did, struct call_route *r)
{
	struct store_number n;
	char d[64];

	memset(r, 0, sizeof(*r));
	r->context = "inbound";
	if (pl_strcpy(did, d + 1, sizeof(d) - 1) || !d[1]) {
		reject(r, 404, "Not Found", 1, CDR_FAILED);
		return;
	}
	str_ncpy(r->dialled, d + 1, sizeof(r->dialled));
	/* carriers send E.164 with or without its "+" */
	d[0] = '+';
	str_ncpy(r->callee, d[1] == '+' ? d + 1 : d, sizeof(r->callee));
	if (!e164_valid(r->callee) ||
	    store_number_find_e164_all(p->d.st, r->callee, &n) ||
	    !route_number(p, o->tenant_id, &n, r)) {
		reject(r, 404, "Not Found", 1, CDR_FAILED);
		return;
	}
}
