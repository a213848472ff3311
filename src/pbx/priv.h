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
	unsigned count;
	bool stopping;
	char contact_user[32];        /**< Contact user of our legs */
};

#endif
