/**
 * @file recording.h  Whether a call may, must or must not be recorded.
 *
 * A tenant sets a policy (never, on_demand, always) and whether both
 * parties hear that the call is recorded; a user may be given a policy
 * of their own by an admin, or inherit the tenant's.  A call has two
 * parties and records if either must be recorded: "always" wins over
 * "never" (a recorded line, a trading desk, keeps its obligation even
 * when it calls someone who would not be recorded), "never" wins over
 * "on_demand".  The call layer asks when a call is answered (always:
 * start recording) and when someone asks to start (never: refused).
 */
#ifndef CENTREX_FEATURES_RECORDING_H
#define CENTREX_FEATURES_RECORDING_H

#include <stdbool.h>
#include <stdint.h>
#include "store/store.h"

enum rec_policy { REC_NEVER = 0, REC_ON_DEMAND, REC_ALWAYS };

/* the word of a policy as stored and in the API: "never", ... */
const char *features_rec_policy_name(enum rec_policy p);
/* a tenant's word ("never", "on_demand", "always") as a policy; false
   for anything else, *out untouched */
bool features_rec_policy_parse(const char *word, enum rec_policy *out);
/* a user's word: the tenant's three, or "inherit" */
bool features_user_recording_ok(const char *word);

/* the policy a call's party lives under: the user's own unless
   "inherit", else the tenant's; user_id 0 (an outside party): the
   tenant's.  *announce (may be NULL) is the tenant's.  0, ENOENT for no
   such tenant or no such user in it, or the store's error; a word the
   store holds that is none of the above reads as on_demand. */
int features_recording_policy(struct store *st, int64_t tenant_id,
			      int64_t user_id, enum rec_policy *out,
			      bool *announce);

/* a call's: ALWAYS if either party is ALWAYS; else NEVER if either is
   NEVER; else ON_DEMAND */
enum rec_policy features_call_recording(enum rec_policy a, enum rec_policy b);

#endif
