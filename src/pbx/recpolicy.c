/**
 * @file recpolicy.c  The recording policy at call time (recpolicy.h).
 */
#include <re.h>
#include <errno.h>
#include "core/log.h"
#include "features/recording.h"
#include "pbx/apprompt.h"
#include "pbx/priv.h"
#include "pbx/recording.h"
#include "pbx/recpolicy.h"
#include "store/store.h"

enum rec_policy recpolicy_of(struct pbx *p, int64_t tenant_id,
			     int64_t caller_user, int64_t callee_user,
			     bool *announce)
{
	enum rec_policy a = REC_ON_DEMAND, b = REC_ON_DEMAND;
	bool ann_a = false, ann_b = false;

	/* an unknown party (a store error) counts as the tenant's default:
	   a call is never refused for want of its policy */
	if (features_recording_policy(p->d.st, tenant_id, caller_user, &a,
				      &ann_a))
		a = REC_ON_DEMAND;
	if (features_recording_policy(p->d.st, tenant_id, callee_user, &b,
				      &ann_b))
		b = REC_ON_DEMAND;
	if (announce)
		*announce = ann_a || ann_b;
	return features_call_recording(a, b);
}

/* "This call is recorded": the tenant's own prompt if it uploaded one,
   else the nearest of the shipped sets, to both parties. */
static void announce_to(struct pbx *p, const struct call_origin *o,
			struct media_relay *r, enum media_side side)
{
	struct playlist pl;

	playlist_init(&pl, p, o, NULL);
	playlist_name(&pl, "call-recorded");
	if (!pl.n)
		playlist_name(&pl, "conf-now-recording");
	(void)playlist_play(&pl, r, side, RECPOLICY_ANNOUNCE_ID);
}

int64_t recpolicy_answered(struct pbx *p, const struct call_origin *o,
			   int64_t callee_user, const char *call_uuid,
			   struct media_relay *r)
{
	bool announce = false;
	int64_t id = 0;
	int err;

	if (recpolicy_of(p, o->tenant_id, o->user_id, callee_user,
			 &announce) != REC_ALWAYS)
		return 0;
	err = recording_start(p, o->tenant_id, call_uuid, r, MEDIA_REC_MIXED,
			      &id);
	if (err) {
		log_warn("pbx/rec", "call %s: the policy says record, but the "
			 "recording could not start: %m", call_uuid, err);
		return 0;
	}
	if (announce) {
		announce_to(p, o, r, MEDIA_A);
		announce_to(p, o, r, MEDIA_B);
	}
	return id;
}

bool recpolicy_event(struct media_relay *r, const struct media_event *ev)
{
	if (ev->type != MEDIA_EV_PLAY_DONE ||
	    ev->play_id != RECPOLICY_ANNOUNCE_ID)
		return false;
	/* the notice is over: back to the other party */
	(void)media_relay_hear(r, ev->side, MEDIA_HEAR_PEER);
	return true;
}
