/**
 * @file park.h  Call park: in a call, *6 parks the other party in a free
 * slot of the tenant's range (store_tenant_features park_*); the parker
 * hears the slot's number and leaves, the parked party hears music on
 * hold.  Dialling the slot from any phone of the tenant takes the call
 * (take.c); after the tenant's park timeout the call rings the parker
 * again, and ends (no answer, Q.850 19) if they do not take it.
 */
#ifndef CENTREX_PBX_PARK_H
#define CENTREX_PBX_PARK_H

#include <stdbool.h>
#include <stdint.h>

struct pbx;
struct call;
struct leg;

/* d is one of the tenant's park slots, as dialled */
bool park_is_slot(struct pbx *p, int64_t tenant_id, const char *d);
/* park the party on the other side of `parker` (an answered call);
   ENOSPC: every slot is taken */
int  park_call(struct call *c, struct leg *parker);
/* the call parked in slot of the tenant, or NULL */
struct call *park_find(struct pbx *p, int64_t tenant_id, int slot);
/* the call leaves its slot (taken, timed out, ended) */
void park_release(struct call *c);

#endif
