/**
 * @file features.h  A user's call features, checked in one place.
 *
 * The REST API (PATCH .../users/{id}/features) and the call layer's
 * feature codes (*72, *73, *78, ...: docs/features.md) both change
 * features through these functions, so a phone cannot set what the API
 * would refuse: a forward to a missing extension, to oneself, into a
 * loop of always-forwards, or to an outside number the tenant's policy
 * blocks (policy.h).
 *
 * Each function returns FEATURES_OK (0) or what was wrong, with the
 * field at fault and a sentence for the user in *pr (pr may be NULL).
 */
#ifndef CENTREX_FEATURES_FEATURES_H
#define CENTREX_FEATURES_FEATURES_H

#include <stdbool.h>
#include <stdint.h>
#include "store/store.h"

enum features_status {
	FEATURES_OK = 0,
	FEATURES_BAD,          /**< a malformed value (API: 400) */
	FEATURES_UNKNOWN,      /**< no such extension or user (API: 422;
				    404 for the user itself) */
	FEATURES_REFUSED,      /**< the tenant's policy refuses the outside
				    number, or twinning without a mobile
				    (API: 422) */
	FEATURES_LOOP,         /**< to oneself or back through always-
				    forwards (API: 409) */
	FEATURES_STORE,        /**< the store failed (API: 503) */
};

struct features_problem {
	enum features_status status;
	char field[32];        /**< "forward_always", ... ; "" = none */
	char detail[256];
};

/** Which forward a feature code sets. */
enum features_forward {
	FEATURES_FWD_ALWAYS = 0,
	FEATURES_FWD_BUSY,
	FEATURES_FWD_NOANSWER,
	FEATURES_FWD_UNREACHABLE,
};

enum {
	FEATURES_NOANSWER_MIN_S = 5,
	FEATURES_NOANSWER_MAX_S = 120,
	FEATURES_TWIN_DELAY_MAX_S = 60,
	FEATURES_CHAIN_MAX = 10,    /**< always-forwards followed at most */
};

/* f (f->user_id names the user): ranges and words always; the
   destinations (existence, loops, the tenant's policy) and twinning
   where they differ from before, or all of them when before is NULL:
   a forward set long ago whose target has gone since does not block
   switching DND */
enum features_status features_user_check(struct store *st, int64_t tenant_id,
					 const struct store_user_features *before,
					 const struct store_user_features *f,
					 struct features_problem *pr);
/* check, then store */
enum features_status features_user_save(struct store *st, int64_t tenant_id,
					const struct store_user_features *before,
					const struct store_user_features *f,
					struct features_problem *pr);

/* for feature codes: set one forward (dest "" clears it; dest is an
   extension of the tenant or an E.164 number, already normalised by
   the caller), or switch DND or call waiting */
enum features_status features_forward_set(struct store *st,
					  int64_t tenant_id, int64_t user_id,
					  enum features_forward which,
					  const char *dest,
					  struct features_problem *pr);
enum features_status features_dnd_set(struct store *st, int64_t tenant_id,
				      int64_t user_id, bool on,
				      struct features_problem *pr);
enum features_status features_call_waiting_set(struct store *st,
					       int64_t tenant_id,
					       int64_t user_id, bool on,
					       struct features_problem *pr);

/* a destination's shape: "" none, an extension (2 to 8 digits) or E.164;
   false for anything else */
bool features_dest_syntax_ok(const char *dest);

/* one destination for a field of the tenant (a forward, a group's
   fallback): its shape, the extension exists and is not own_extension
   (may be ""), the tenant's policy passes an outside number; no loop
   check */
enum features_status features_dest_check(struct store *st, int64_t tenant_id,
					 const char *field, const char *dest,
					 const char *own_extension,
					 struct features_problem *pr);

/* the field name of a forward ("forward_always", ...) */
const char *features_forward_name(enum features_forward which);

#endif
