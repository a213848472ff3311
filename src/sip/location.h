/**
 * @file location.h  Location service: where each device can be reached.
 *
 * A device (one set of SIP credentials) has zero or more bindings, one per
 * contact URI it registered.  Bindings live in memory on the signalling
 * thread; each has one timer-heap entry for its expiry.  Every change is
 * also queued as a store_binding row and handed to the store writer every
 * store.flush_ms, so the bindings survive a restart without the
 * signalling thread ever waiting for the disk.
 *
 * The location knows nothing about SIP messages: the registrar decides,
 * the location keeps.
 */
#ifndef CENTREX_SIP_LOCATION_H
#define CENTREX_SIP_LOCATION_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "core/theap.h"

struct store;
struct store_writer;
struct location;
struct loc_aor;

struct loc_binding {
	struct le le;                 /**< in loc_aor.bindings */
	struct theap_entry te;        /**< expiry */
	struct loc_aor *aor;          /**< borrowed: owner */
	char *contact;                /**< contact URI as registered */
	struct sa src;                /**< where the REGISTER came from */
	enum sip_transp tp;
	int64_t expires_at;           /**< unix seconds */
	uint16_t q_milli;
	char *call_id;
	uint32_t cseq;
	char *user_agent;
	uint64_t created_seq;         /**< order of creation, for eviction */
};

struct loc_aor {
	struct le le;                 /**< in location hash */
	int64_t tenant_id;
	int64_t device_id;
	struct list bindings;         /**< struct loc_binding, owned */
	struct location *loc;         /**< borrowed: owner */
};

/* A binding as the registrar wants it set. */
struct loc_update {
	struct pl contact;
	uint32_t expires_s;           /**< 0 = remove */
	uint16_t q_milli;
	struct pl call_id;
	uint32_t cseq;
	const struct sa *src;
	enum sip_transp tp;
	struct pl user_agent;
};

int  location_alloc(struct location **locp, struct theap *th,
		    struct store_writer *writer);
int  location_load(struct location *loc, struct store *st);
struct loc_aor *location_find(struct location *loc, int64_t tenant_id,
			      int64_t device_id);
struct loc_binding *location_binding_find(const struct loc_aor *aor,
					  const struct pl *contact);
int  location_set(struct location *loc, int64_t tenant_id,
		  int64_t device_id, const struct loc_update *u,
		  uint32_t max_contacts);
void location_remove_all(struct location *loc, int64_t tenant_id,
			 int64_t device_id);
void location_flush(struct location *loc);
size_t location_pending(const struct location *loc);
size_t location_count(const struct location *loc);

typedef void (location_aor_h)(const struct loc_aor *aor, void *arg);
void location_foreach(const struct location *loc, location_aor_h *h,
		      void *arg);
uint32_t loc_binding_remaining_s(const struct loc_binding *b);

#endif
