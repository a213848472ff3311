/**
 * @file recpolicy.h  The recording policy at call time.
 *
 * A call lives under the policy of its two parties (features/recording.h:
 * "always" wins, then "never"; an outside party has the tenant's):
 *   always     recorded from the answer, both parties told first when the
 *              tenant asks for a notice;
 *   on demand  recorded when asked (the API, or *1 during the call);
 *   never      not recorded, whoever asks.
 */
#ifndef CENTREX_PBX_RECPOLICY_H
#define CENTREX_PBX_RECPOLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "features/recording.h"
#include "media/media.h"
#include "pbx/call.h"

struct pbx;

enum { RECPOLICY_ANNOUNCE_ID = 0x52454331 };   /* the notice's play id */

enum rec_policy recpolicy_of(struct pbx *p, int64_t tenant_id,
			     int64_t caller_user, int64_t callee_user,
			     bool *announce);
/* The call was answered: records it when the policy says always (and
   plays the notice); the recording's id, or 0. */
int64_t recpolicy_answered(struct pbx *p, const struct call_origin *o,
			   int64_t callee_user, const char *call_uuid,
			   struct media_relay *r);
/* A media event of the call that is the notice's end (true: taken). */
bool recpolicy_event(struct media_relay *r, const struct media_event *ev);

#endif
