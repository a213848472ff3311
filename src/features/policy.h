/**
 * @file policy.h  Which outside numbers a tenant's users may forward to.
 *
 * Pure logic over a tenant's struct store_tenant_features (no store
 * calls): the API checks a forward target with it when it is set, and
 * the call layer checks again when a call is about to leave, since the
 * policy may have changed in between.  See docs/features.md.
 *
 * The rule: the longest prefix that matches the number decides, among
 * the allowed and the blocked ones (a tie goes to blocked); when
 * nothing matches, the number passes if the allowed list is empty,
 * else it is refused.  With forward_external off, no outside number
 * passes.
 */
#ifndef CENTREX_FEATURES_POLICY_H
#define CENTREX_FEATURES_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "store/store.h"

enum features_dest {
	FEATURES_DEST_OK = 0,
	FEATURES_DEST_NOT_E164,      /**< not "+" and 7 to 15 digits */
	FEATURES_DEST_NO_EXTERNAL,   /**< the tenant forwards inside only */
	FEATURES_DEST_BLOCKED,       /**< a blocked prefix matched */
	FEATURES_DEST_NOT_ALLOWED,   /**< no allowed prefix matched */
};

enum { FEATURES_PREFIX_MAX = 64 };   /**< prefixes in one list */

/* "+" then 7 to 15 digits, not starting with 0 */
bool features_e164_ok(const char *s);

/* the verdict on number; why (may be NULL) gets a sentence for a user,
   naming the prefix that decided */
enum features_dest features_destination_check(
	const struct store_tenant_features *tenant, const char *number,
	char *why, size_t whysz);

/* the same, as yes or no */
bool features_destination_allowed(const struct store_tenant_features *tenant,
				  const char *number);

/* a comma-separated prefix list as stored: each "+" then 1 to 15
   digits, at most FEATURES_PREFIX_MAX; false with the first bad entry
   in bad (may be NULL) */
bool features_prefix_list_ok(const char *csv, char *bad, size_t badsz);

#endif
