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

/* from one of our devices: o is filled by the caller */
void dialplan_from_device(struct pbx *p, const struct call_origin *o,
			  const struct pl *dialled, struct call_route *r);
/* from a carrier: the DID it called */
void dialplan_from_trunk(struct pbx *p, const struct call_origin *o,
			 const struct pl *did, struct call_route *r);

#endif
