/**
 * @file forward.c  A user's features at call time (see forward.h).
 */
#include <re.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "features/policy.h"
#include "pbx/dialplan.h"
#include "pbx/forward.h"
#include "pbx/groups.h"
#include "pbx/priv.h"
#include "store/store.h"

const char *forward_reason_name(enum divert_reason why)
{
	switch (why) {
	case DIVERT_ALWAYS:      return "unconditional";
	case DIVERT_BUSY:        return "user-busy";
	case DIVERT_DND:         return "do-not-disturb";
	case DIVERT_NOANSWER:    return "no-answer";
	case DIVERT_UNREACHABLE: return "unavailable";
	}
	return "unknown";
}

/* the History-Info cause of a retargeting (RFC 4458 values) */
static unsigned hi_cause(enum divert_reason why)
{
	switch (why) {
	case DIVERT_ALWAYS:      return 302;
	case DIVERT_BUSY:
	case DIVERT_DND:         return 486;
	case DIVERT_NOANSWER:    return 408;
	case DIVERT_UNREACHABLE: return 503;
	}
	return 404;
}

/* a fresh destination: everything about the party rung goes, what the
   call has been through (hops, what was dialled) stays */
void forward_route_reset(struct call_route *r)
{
	r->kind = ROUTE_REJECT;
	r->targetc = 0;
	r->trunkc = 0;
	r->caller_id[0] = '\0';
	r->callee_user_id = 0;
	r->ring_ms = 0;
	r->twin_number[0] = '\0';
	r->twin_delay_ms = 0;
	r->twin_trunkc = 0;
	r->group_id = 0;
	r->hunting = false;
	r->round_robin = false;
	r->member_ms = 0;
	r->memberc = 0;
	r->member_next = 0;
}

void forward_refusal(struct call_route *r, enum divert_reason why)
{
	switch (why) {
	case DIVERT_BUSY:
	case DIVERT_DND:
		dialplan_reject(r, 486, "Busy Here", 17, CDR_BUSY);
		break;
	case DIVERT_NOANSWER:
		dialplan_reject(r, 480, "Temporarily Unavailable", 19,
				CDR_NO_ANSWER);
		break;
	default:
		dialplan_reject(r, 480, "Temporarily Unavailable", 20,
				CDR_FAILED);
		break;
	}
}

/* a forward that would go round in circles, or on for too long */
static void loop_end(const struct call_origin *o, struct call_route *r,
		     enum divert_reason why)
{
	tlog_info("pbx/forward", o->tenant_slug, "call from %s to %s: "
		  "forwarding stops after %zu forwards (a loop, or too "
		  "many)", o->caller, r->dialled, r->hopc + o->diversions);
	if (why == DIVERT_ALWAYS)
		dialplan_reject(r, 482, "Loop Detected", 25, CDR_FAILED);
	else
		forward_refusal(r, why);
}

static bool visited(const struct call_route *r, int64_t user_id,
		    int64_t group_id)
{
	for (size_t i = 0; i < r->hopc; i++) {
		if ((user_id && r->hops[i].user_id == user_id) ||
		    (group_id && r->hops[i].group_id == group_id))
			return true;
	}
	return false;
}

/* the party r rings now, as the forwarder of a new hop */
static void hop_of(struct pbx *p, const struct call_origin *o,
		   const struct call_route *r, enum divert_reason why,
		   struct call_hop *h)
{
	struct store_group g;
	struct store_user u;

	memset(h, 0, sizeof(*h));
	h->why = why;
	if (r->group_id) {
		h->group_id = r->group_id;
		if (!store_group_get(p->d.st, o->tenant_id, r->group_id, &g))
			str_ncpy(h->ext, g.extension, sizeof(h->ext));
		return;
	}
	h->user_id = r->callee_user_id;
	if (!store_user_get(p->d.st, o->tenant_id, r->callee_user_id, &u)) {
		str_ncpy(h->ext, u.extension, sizeof(h->ext));
		str_ncpy(h->number, u.fixed_number, sizeof(h->number));
	}
}

/* an E.164 number of the tenant's own: the user or group it rings */
static bool own_number(struct pbx *p, const struct call_origin *o,
		       const char *dest, int64_t *uid, int64_t *gid)
{
	struct store_number n;

	if (store_number_find_e164_all(p->d.st, dest, &n) ||
	    n.tenant_id != o->tenant_id || !n.target_id)
		return false;
	if (!strcmp(n.target_type, "user"))
		*uid = n.target_id;
	else if (!strcmp(n.target_type, "group"))
		*gid = n.target_id;
	return *uid || *gid;
}

/* an outside number, if the tenant's policy lets forwards reach it now */
static bool outside_allowed(struct pbx *p, const struct call_origin *o,
			    const char *dest)
{
	struct store_tenant_features tf;
	char why[200];

	if (store_tenant_features_get(p->d.st, o->tenant_id, &tf))
		store_tenant_features_default(&tf);
	if (features_destination_check(&tf, dest, why, sizeof(why)) ==
	    FEATURES_DEST_OK)
		return true;
	tlog_info("pbx/forward", o->tenant_slug, "forward to %s skipped: %s",
		  dest, why);
	return false;
}

/*
 * Send the call on from the party r rings now to dest.  False when dest
 * cannot be followed (none, gone, refused by the policy): r is as it was.
 */
static bool divert(struct pbx *p, const struct call_origin *o,
		   enum divert_reason why, const char *dest,
		   struct call_route *r)
{
	struct call_hop h;
	struct store_user fw;
	int64_t uid = 0, gid = 0;

	if (!dest || !dest[0])
		return false;
	if (store_extension_owner(p->d.st, o->tenant_id, dest, &uid, &gid) &&
	    !own_number(p, o, dest, &uid, &gid)) {
		if (dest[0] != '+') {
			tlog_info("pbx/forward", o->tenant_slug, "forward to "
				  "%s skipped: no such extension any more",
				  dest);
			return false;
		}
		if (!outside_allowed(p, o, dest))
			return false;
	}

	hop_of(p, o, r, why, &h);
	if (r->hopc >= CALL_MAX_HOPS ||
	    r->hopc + o->diversions >= CALL_MAX_HOPS) {
		loop_end(o, r, why);
		return true;
	}
	r->hops[r->hopc++] = h;
	tlog_info("pbx/forward", o->tenant_slug, "call from %s: %s forwards "
		  "to %s (%s)", o->caller, h.ext, dest,
		  forward_reason_name(why));
	if (visited(r, uid, gid)) {
		loop_end(o, r, why);
		return true;
	}
	str_ncpy(r->target, dest, sizeof(r->target));
	if (uid) {
		forward_user(p, o, uid, r);
		return true;
	}
	if (gid) {
		groups_route_id(p, o, gid, r);
		return true;
	}
	forward_route_reset(r);
	dialplan_out(p, o->tenant_id,
		     h.user_id && !store_user_get(p->d.st, o->tenant_id,
						  h.user_id, &fw) ? &fw : NULL,
		     r);
	return true;
}

/* twinning: the user's mobile rings with (or after) their devices */
static void twin(struct pbx *p, const struct call_origin *o,
		 const struct store_user_features *f, struct call_route *r)
{
	struct store_user u;

	if (!strcmp(f->twinning, "off") || !f->twinning[0] ||
	    store_user_get(p->d.st, o->tenant_id, r->callee_user_id, &u) ||
	    !u.mobile_number[0])
		return;
	if (!outside_allowed(p, o, u.mobile_number))
		return;
	if (dialplan_trunks(p, o->tenant_id, u.mobile_number,
			    r->twin_trunk_ids, &r->twin_trunkc) ||
	    !dialplan_caller_id(p, o->tenant_id, &u, r->caller_id)) {
		tlog_info("pbx/forward", o->tenant_slug, "twinning of %s: no "
			  "way out to %s", u.extension, u.mobile_number);
		r->twin_trunkc = 0;
		return;
	}
	str_ncpy(r->twin_number, u.mobile_number, sizeof(r->twin_number));
	r->twin_delay_ms = !strcmp(f->twinning, "sequential")
			   ? f->twinning_delay_s * 1000 : 0;
}

/*
 * No forward takes it: the user's voicemail, when they switched it on.
 * The caller is answered by the mailbox with the busy greeting (busy,
 * DND) or the unavailable one (no answer, unreachable).
 */
static bool to_voicemail(struct pbx *p, const struct call_origin *o,
			 enum divert_reason why, struct call_route *r)
{
	struct store_vm_box b;
	int64_t uid = r->callee_user_id;

	if (!uid || r->group_id ||
	    store_vm_box_get(p->d.st, o->tenant_id, uid, &b) || !b.enabled)
		return false;
	forward_route_reset(r);
	r->callee_user_id = uid;
	r->kind = ROUTE_APP;
	r->app = APP_VOICEMAIL;
	r->vm_busy = why == DIVERT_BUSY || why == DIVERT_DND;
	tlog_info("pbx/forward", o->tenant_slug, "call from %s: to the "
		  "voicemail of user %lld (%s)", o->caller, (long long)uid,
		  forward_reason_name(why));
	return true;
}

static bool vm_enabled(struct pbx *p, const struct call_origin *o,
		       int64_t user_id)
{
	struct store_vm_box b;

	return !store_vm_box_get(p->d.st, o->tenant_id, user_id, &b) &&
	       b.enabled;
}

/* busy, DND: forward_busy, else voicemail, else the caller hears busy */
static void busy(struct pbx *p, const struct call_origin *o,
		 enum divert_reason why, const struct store_user_features *f,
		 struct call_route *r)
{
	if (!divert(p, o, why, f->forward_busy, r) &&
	    !to_voicemail(p, o, why, r))
		forward_refusal(r, why);
}

void forward_user(struct pbx *p, const struct call_origin *o,
		  int64_t user_id, struct call_route *r)
{
	struct store_user_features f;

	forward_route_reset(r);
	r->callee_user_id = user_id;
	if (store_user_features_get(p->d.st, o->tenant_id, user_id, &f))
		store_user_features_default(&f);

	if (divert(p, o, DIVERT_ALWAYS, f.forward_always, r))
		return;
	if (f.dnd) {
		busy(p, o, DIVERT_DND, &f, r);
		return;
	}
	if (!f.call_waiting && call_user_busy(p, o->tenant_id, user_id)) {
		busy(p, o, DIVERT_BUSY, &f, r);
		return;
	}

	(void)dialplan_user_targets(p, o->tenant_id, user_id, r);
	twin(p, o, &f, r);
	if (!r->targetc && !r->twin_number[0]) {
		if (!divert(p, o, DIVERT_UNREACHABLE, f.forward_unreachable,
			    r) &&
		    !to_voicemail(p, o, DIVERT_UNREACHABLE, r))
			forward_refusal(r, DIVERT_UNREACHABLE);
		return;
	}
	if (!r->targetc)
		r->twin_delay_ms = 0;   /* only the mobile can answer */
	r->kind = ROUTE_TARGETS;
	/* the no-answer forward, or voicemail, after the user's own time */
	if (f.forward_noanswer[0] || vm_enabled(p, o, user_id))
		r->ring_ms = f.forward_noanswer_s * 1000;
}

bool forward_next(struct pbx *p, const struct call_origin *o,
		  enum divert_reason why, struct call_route *r)
{
	struct store_user_features f;
	struct store_group g;

	if (r->group_id) {
		if (store_group_get(p->d.st, o->tenant_id, r->group_id, &g))
			return false;
		return divert(p, o, why, g.fallback, r);
	}
	if (!r->callee_user_id ||
	    store_user_features_get(p->d.st, o->tenant_id, r->callee_user_id,
				    &f))
		return false;
	switch (why) {
	case DIVERT_BUSY:
	case DIVERT_DND:
		return divert(p, o, why, f.forward_busy, r) ||
		       to_voicemail(p, o, why, r);
	case DIVERT_NOANSWER:
		return divert(p, o, why, f.forward_noanswer, r) ||
		       to_voicemail(p, o, why, r);
	case DIVERT_UNREACHABLE:
		return divert(p, o, why, f.forward_unreachable, r) ||
		       to_voicemail(p, o, why, r);
	default:
		return false;
	}
}

/* ---- Diversion (RFC 5806) and History-Info (RFC 7044) ------------------- */

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= size)
		return;
	va_start(ap, fmt);
	(void)re_vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static const char *hop_user(const struct call_hop *h, bool to_trunk)
{
	return to_trunk && h->number[0] ? h->number : h->ext;
}

/* "1", "1.1", "1.1.1": each retargeting one level below the last */
static void hi_index(char *buf, size_t size, size_t level)
{
	size_t n = 0;

	buf[n++] = '1';
	for (size_t i = 0; i < level && n + 2 < size; i++) {
		buf[n++] = '.';
		buf[n++] = '1';
	}
	buf[n] = '\0';
}

void forward_headers(const struct call_route *r, const char *domain,
		     bool to_trunk, char *buf, size_t size)
{
	char idx[2 * CALL_MAX_HOPS + 4], mp[sizeof(idx)];

	buf[0] = '\0';
	if (!r->hopc)
		return;
	/* the most recent forward first */
	for (size_t i = r->hopc; i-- > 0;)
		append(buf, size, "Diversion: <sip:%s@%s>;reason=%s;"
		       "counter=1\r\n", hop_user(&r->hops[i], to_trunk),
		       domain, forward_reason_name(r->hops[i].why));

	/* who was called first, then each target the call was sent on to,
	   with why (cause) and from which entry (mp) */
	append(buf, size, "History-Info: <sip:%s@%s>;index=1\r\n",
	       hop_user(&r->hops[0], to_trunk), domain);
	for (size_t i = 1; i <= r->hopc; i++) {
		const char *target = i < r->hopc
				     ? hop_user(&r->hops[i], to_trunk)
				     : r->target[0] ? r->target : r->callee;
		hi_index(idx, sizeof(idx), i);
		hi_index(mp, sizeof(mp), i - 1);
		append(buf, size, "History-Info: <sip:%s@%s;cause=%u>;"
		       "index=%s;mp=%s\r\n", target, domain,
		       hi_cause(r->hops[i - 1].why), idx, mp);
	}
}
