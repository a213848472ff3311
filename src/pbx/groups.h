/**
 * @file groups.h  Ring (hunt) groups at call time.
 *
 * A call to a group's extension (or a number pointing at a group) rings
 * its logged-in members (store_group_member_ready), skipping those on
 * DND and those already in a call with call waiting off:
 *
 *   ring_all      every member's devices at once
 *   sequential    one member at a time, member_timeout_s each, in
 *                 hunting order (position)
 *   round_robin   the same, starting after the member offered last (the
 *                 group's cursor, moved at each offer)
 *   longest_idle  the same, the member whose last answered group call is
 *                 oldest first (store_group_member_answered on answer)
 *
 * A hunting group goes once through its members.  After group_timeout_s
 * (r->ring_ms), or once nobody is left to ring, the call goes to the
 * group's fallback (a forward of the group, forward.h), else the caller
 * hears 486 when every member was busy and 480 otherwise.
 */
#ifndef CENTREX_PBX_GROUPS_H
#define CENTREX_PBX_GROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include "pbx/call.h"

struct pbx;
struct store_group;

/* a call to group g: r rings its first member(s), or goes on to the
   fallback, or refuses */
void groups_route(struct pbx *p, const struct call_origin *o,
		  const struct store_group *g, struct call_route *r);
/* the same by id (480 when the group has gone) */
void groups_route_id(struct pbx *p, const struct call_origin *o,
		     int64_t group_id, struct call_route *r);
/* hunting: r->targets become the next member's devices; false when no
   member is left */
bool groups_next(struct pbx *p, const struct call_origin *o,
		 struct call_route *r);
/* a member answered a call of r's group (longest_idle orders by it) */
void groups_answered(struct pbx *p, const struct call_origin *o,
		     const struct call_route *r, int64_t user_id);

#endif
