/**
 * @file priv.h  What the files of the call layer share among themselves.
 */
#ifndef CENTREX_PBX_PRIV_H
#define CENTREX_PBX_PRIV_H

#include <re.h>
#include "pbx/pbx.h"

struct trunkset;

struct pbx {
	struct pbx_deps d;
	struct sipsess_sock *sock;
	struct trunkset *trunks;
	struct hash *calls;           /**< by inbound Call-ID: retransmits */
	struct hash *legs;            /**< by leg Call-ID: in-dialog requests */
	struct list all;              /**< every call */
	struct hash *per_tenant;      /**< struct tenant_calls, by tenant */
	struct hash *rooms;           /**< conference rooms in use (rooms.c) */
	unsigned count;
	bool stopping;
	char contact_user[32];        /**< Contact user of our legs */
};

/* calls in progress for one tenant, against its max_calls */
bool pbx_tenant_take(struct pbx *p, int64_t tenant_id);
void pbx_tenant_release(struct pbx *p, int64_t tenant_id);

#endif
