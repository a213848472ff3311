/**
 * @file trunks.h  Carrier trunks as the running call layer sees them.
 *
 * Loaded from the store at start and again for a tenant whenever the API
 * changes its trunks.  A trunk:
 *  - recognises the carrier's inbound calls: an "ip" trunk by the source
 *    address (its list of addresses and networks), a "register" trunk by
 *    its proxy's address;
 *  - registers us to the carrier ("register" kind) and keeps it up;
 *  - answers the carrier's digest challenges on our outbound calls;
 *  - counts the calls it carries against its channel limit.
 */
#ifndef CENTREX_PBX_TRUNKS_H
#define CENTREX_PBX_TRUNKS_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "store/store.h"

struct trunkset;

struct trunk {
	struct le le;                 /**< in trunkset */
	struct store_trunk cfg;
	struct sa proxy;              /**< resolved proxy address */
	enum sip_transp tp;
	struct sipreg *reg;           /**< "register" kind */
	unsigned active;              /**< calls in progress on it */
	bool gone;                    /**< removed while calls hold it */
	unsigned refs;                /**< calls holding a pointer */
	struct trunkset *set;         /**< borrowed */
};

int  trunkset_alloc(struct trunkset **tsp, struct sip *sip,
		    struct store *st);
/* (re)load one tenant's trunks; tenant_id 0 = every tenant */
int  trunkset_load(struct trunkset *ts, int64_t tenant_id);
/* the trunk an inbound request comes from, NULL = none */
struct trunk *trunkset_by_source(struct trunkset *ts, const struct sa *src);
struct trunk *trunkset_get(struct trunkset *ts, int64_t tenant_id,
			   int64_t id);
size_t trunkset_count(const struct trunkset *ts);

/* a call starts using the trunk: false when it is at its channel limit */
bool trunk_acquire(struct trunk *t);
void trunk_release(struct trunk *t);
/* the SIP URI a number is called at on this trunk */
int  trunk_uri(const struct trunk *t, const char *number, char *buf,
	       size_t size);
/* libre auth handler answering the carrier's challenges */
int  trunk_auth(char **user, char **pass, const char *realm, void *arg);

#endif
