/**
 * @file dialplan.h  Where a call goes.
 *
 * Tenant data, not a script: from one of our devices, an extension of the
 * tenant rings that user's registered devices; anything else is read as
 * a telephone number by the rules of the caller's site (e164.h): a DID of
 * the tenant rings its target directly, any other number leaves on the
 * trunks of the tenant's outbound route with the longest matching prefix.
 * From a carrier, the DID called must belong to the trunk's tenant.
 *
 * Reads the store on each call, so an API change (a number moved to
 * another user) acts on the next call.
 */
#ifndef CENTREX_PBX_DIALPLAN_H
#define CENTREX_PBX_DIALPLAN_H

#include "pbx/call.h"

struct pbx;
struct pl;
struct store_user;

/* from one of our devices: o is filled by the caller */
void dialplan_from_device(struct pbx *p, const struct call_origin *o,
			  const struct pl *dialled, struct call_route *r);
/* from a carrier: the DID it called */
void dialplan_from_trunk(struct pbx *p, const struct call_origin *o,
			 const struct pl *did, struct call_route *r);

/* ---- for the other route stages (forward.c, groups.c, feature codes) -- */

void dialplan_reject(struct call_route *r, uint16_t scode, const char *reason,
		     uint16_t cause, enum cdr_disposition disp);
/* appends the registered devices of a user to r->targets; how many */
size_t dialplan_user_targets(struct pbx *p, int64_t tenant_id,
			     int64_t user_id, struct call_route *r);
/* the trunks of the outbound route for an E.164 number, into ids (up to
   CALL_MAX_TRUNKS); 0, 404 (no route) or 503 (no trunk of it usable) */
uint16_t dialplan_trunks(struct pbx *p, int64_t tenant_id, const char *number,
			 int64_t *ids, size_t *n);
/* the number a carrier is shown for u (may be NULL): theirs, else the
   tenant's first; out holds 20; false when there is none */
bool dialplan_caller_id(struct pbx *p, int64_t tenant_id,
			const struct store_user *u, char *out);
/* r->callee (E.164) leaves on its trunks, u's number shown (ROUTE_TRUNKS),
   or a refusal */
void dialplan_out(struct pbx *p, int64_t tenant_id, const struct store_user *u,
		  struct call_route *r);
/* a number as o's user dials it, to E.164 by their site's rules; ENOENT
   when it is none */
int  dialplan_normalise(struct pbx *p, const struct call_origin *o,
			const char *d, char *out, size_t size);

#endif
