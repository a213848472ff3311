/**
 * @file forward.h  A user's features at call time: forwards, DND, call
 * waiting, twinning.
 *
 * The dialplan asks forward_user() how to ring a user; the call asks
 * forward_next() where to go when the party it rang was busy or did not
 * answer.  Both fill a struct call_route the call then starts:
 *
 *   forward_user(u):
 *     forward_always set          ─► the target (a hop "unconditional")
 *     DND                         ─► forward_busy, else 486
 *     in a call, call waiting off ─► forward_busy, else 486
 *     no device registered        ─► the mobile if twinning, else
 *                                    forward_unreachable, else 480
 *     else its devices ring; with forward_noanswer for
 *     forward_noanswer_s (ring_ms), with the mobile (twinning) at once or
 *     after twinning_delay_s
 *
 *   a target is an extension (a user: forward_user again; a ring group:
 *   groups.h) or an E.164 number, which leaves through the tenant's
 *   outbound route only if the tenant's policy still allows it now
 *   (features_destination_allowed); a refused number or a target that
 *   has gone since the forward was set is skipped (logged) and the user
 *   is treated as if they had no forward.
 *
 * Each forward is a hop in r->hops, which becomes the Diversion (RFC
 * 5806) and History-Info (RFC 7044) headers of the INVITEs that follow.
 * A call forwarded CALL_MAX_HOPS times (the Diversion entries it came in
 * with count), or back to a user or group it has already left, stops
 * there: 482 Loop Detected for an unconditional forward, else what the
 * user would give without a forward (486 busy, 480 no answer).
 */
#ifndef CENTREX_PBX_FORWARD_H
#define CENTREX_PBX_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pbx/call.h"

struct pbx;

/* ring user_id of o's tenant as their features say; r keeps its hops */
void forward_user(struct pbx *p, const struct call_origin *o,
		  int64_t user_id, struct call_route *r);

/* The party r rang (r->callee_user_id, or the group r->group_id) did not
   take the call for `why`: r becomes its forward (a group's fallback)
   and true; false when it has none to follow, and the call gives the
   caller the plain answer (forward_refusal). */
bool forward_next(struct pbx *p, const struct call_origin *o,
		  enum divert_reason why, struct call_route *r);

/* r is about to ring someone else: what it said about the party rung
   goes (targets, trunks, group, twinning), what the call went through
   (hops, what was dialled) stays */
void forward_route_reset(struct call_route *r);

/* the plain answer for why: 486 busy, 480 no answer / absent */
void forward_refusal(struct call_route *r, enum divert_reason why);

/* Diversion and History-Info header lines for an INVITE of r, naming
   parties at domain; "" when the call was not forwarded.  to_trunk: the
   forwarders' E.164 numbers where they have one (a carrier knows those,
   not our extensions). */
void forward_headers(const struct call_route *r, const char *domain,
		     bool to_trunk, char *buf, size_t size);

/* Diversion reason token (RFC 5806) */
const char *forward_reason_name(enum divert_reason why);

#endif
