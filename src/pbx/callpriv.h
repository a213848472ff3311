/**
 * @file callpriv.h  A call's insides, for the files of the call layer that
 * change a call in progress: transfer, pickup, park, three-way calling
 * (transfer.c, pickup.c, park.c, incall.c).  call.c owns these objects;
 * the others only use the functions below to move legs about.
 *
 * Legs and sides.  The relay has two sides; each leg of the call sits on
 * one of them.  c->a is the party the call is kept for (at first the
 * caller, whose INVITE we answered); c->winner the party on the other
 * side once someone answered.  After a transfer or a park the party that
 * stays may be the one we called: it becomes c->a, whatever side it
 * sits on, and new branches ring on the other side (branch_side).
 *
 *   talking ─(one party leaves: call_drop_leg)─► one party, a_up
 *      ├─ call_redirect: branches ring on the free side ─► win ─► talking
 *      └─ call_adopt: a new phone's INVITE takes the free side ─► talking
 */
#ifndef CENTREX_PBX_CALLPRIV_H
#define CENTREX_PBX_CALLPRIV_H

#include <re.h>
#include "core/theap.h"
#include "media/media.h"
#include "pbx/call.h"
#include "pbx/pbx.h"

struct app;
struct cdr;
struct pbx;

/* How a leg's phone takes DTMF (its device's dtmf_mode; trunks and
   unknown devices: RFC 4733). */
enum leg_dtmf { LEG_DTMF_RFC4733 = 0, LEG_DTMF_INBAND, LEG_DTMF_INFO };

enum { INCALL_CODE_MAX = 24 };

struct leg {
	struct le le;                 /**< call->outs */
	struct le he;                 /**< pbx->legs, by Call-ID */
	struct call *call;            /**< borrowed: owner */
	struct sipsess *sess;
	struct legsdp *sdp;
	struct sip_dialog *early;     /**< early dialog for PRACK */
	struct call_target t;
	struct trunk *trunk;          /**< acquired, released at close */
	char callid[128];
	int64_t start_ms, answer_ms, end_ms;
	uint16_t status;
	enum media_side side;         /**< where its media is on the relay */
	bool in;                      /**< its INVITE came to us (UAS) */
	bool late;                    /**< ... with no offer: we offer in
					   our 200, it answers in its ACK */
	bool replied;                 /**< any response (trunk silence) */
	bool closed;
	enum leg_dtmf dtmf;           /**< how its phone takes digits */
	char code[INCALL_CODE_MAX];   /**< in-call code being typed (incall.c) */
	uint64_t code_ms;             /**< when its last digit came */
};

enum { CALL_MAX_PARTIES = 18 };

struct call {
	struct le le;                 /**< pbx->all */
	struct le he;                 /**< pbx->calls, by inbound Call-ID */
	struct pbx *p;                /**< borrowed */
	const struct sip_msg *invite; /**< held until the inbound leg exists */
	struct leg *a;
	struct list outs;
	struct leg *winner;
	struct app *app;              /**< a service answered by us, or NULL */
	struct media_relay *relay;
	struct sa ra_rtp, ra_rtcp, rb_rtp, rb_rtcp;
	struct call_origin o;
	struct call_route r;
	size_t next_trunk;
	struct theap_entry t_ring, t_max, t_refresh, t_trunk;
	struct theap_entry t_step;    /**< the mobile's turn (sequential
					   twinning), the next group member */
	struct cdr *cdr;
	char slug[64];
	char a_callid[128];
	uint16_t best_scode;          /**< most telling failure so far */
	char best_reason[64];
	bool ended;
	bool twin_started;            /**< the mobile was called */
	bool app_answered;            /**< the app answered the caller */
	bool a_up;                    /**< c->a's session is answered: later
					   branches do not answer it again */
	enum media_side branch_side;  /**< where new branches go */
	int64_t rec_id;               /**< recording in progress, 0 = none */
	struct {
		int64_t user_id;
		enum pbx_party st;
		bool caller;
	} parties[CALL_MAX_PARTIES];  /**< as last told (pbx_events.party) */
	size_t partyc;
	struct leg *held_by;          /**< the side that put the call on hold */
	bool rec_paused;

	/* park (park.c): the slot, 0 = not parked */
	int park_slot;
	int64_t parker_user_id;
	char parker_ext[32];
	struct theap_entry t_park;
	struct leg *parker;           /**< hears the slot, then leaves */

	/* two calls joined in a conference (three-way, attended transfer):
	   both point at the same join, each holds a reference */
	struct calljoin *join;
};

/* ---- call.c, for the feature files ------------------------------------- */

int64_t call_now_ms(void);
void call_end(struct call *c, enum cdr_party by, uint16_t scode,
	      const char *reason, uint16_t cause, enum cdr_disposition disp);
struct leg *call_other(struct leg *leg);
/* c->a or c->winner, whichever sits on side; NULL when none */
struct leg *call_leg_on(struct call *c, enum media_side side);
void call_parties_update(struct call *c);
/* A party of an answered call leaves (BYE), the other stays alone as
   c->a, hearing what it heard (music, silence); new branches will ring
   on the side that left. */
void call_drop_leg(struct call *c, struct leg *gone);
/* A call with one party (after call_drop_leg) rings r's targets or
   trunks on the free side, the party hearing ringback; the first to
   answer talks to it.  The call ends (cause told) when nobody answers.
   EINVAL: r is not something to ring. */
int  call_redirect(struct call *c, const struct call_route *r);
/* A phone's new INVITE takes the free side of c (no party there, or
   `replace`, which leaves): pickup, park retrieval, the desk taking a
   call from the mobile.  With c ringing, its branches stop and the
   caller is answered.  Always answers the INVITE; 0 when joined. */
int  call_adopt(struct call *c, const struct sip_msg *invite,
		const struct call_origin *o, struct leg *replace);
/* the answered call of the tenant one of whose parties' legs has this
   Call-ID (Replaces); *legp gets the leg */
struct call *call_by_callid(struct pbx *p, int64_t tenant_id,
			    const struct pl *callid, struct leg **legp);
/* the origin of a leg's party, as if it dialled: c->o for c->a, else
   its user's device */
void call_party_origin(struct call *c, struct leg *leg,
		       struct call_origin *o);
/* Tells the phone of leg `to` (of call c) who it now talks to, the
   party of leg `who` (of call wc), after a transfer, a pickup or a park:
   an UPDATE with P-Asserted-Identity, as phones show a connected party
   (RFC 3325, RFC 4916).  Legs to carriers are told nothing. */
void call_tell_connected(struct call *c, struct leg *to, struct call *wc,
			 struct leg *who);
/* an in-dialog NOTIFY of the refer package with a sipfrag status line */
void call_notify_refer(struct call *c, struct leg *leg, uint16_t scode,
		       const char *reason, bool final);

/* ---- the feature files, for call.c ------------------------------------- */

/* transfer.c: a REFER on one of our legs (answered by it) */
void transfer_refer(struct call *c, struct leg *leg,
		    const struct sip_msg *msg);
/* incall.c: a digit a party typed in an answered call; true when it
   belongs to an in-call code and must not reach the other party */
bool incall_digit(struct call *c, struct leg *from, char digit);
/* the call ends: park slot and joins let go */
void incall_call_ended(struct call *c);
/* c1 and c2 meet in a conference without out1 (may be NULL: all of c1)
   and out2 (which leaves c2 or is held there) */
int  incall_join(struct call *c1, struct call *c2, struct leg *out1,
		 struct leg *out2);
/* park.c: the parker has heard the slot (its prompt ended), or hung up:
   it leaves the call */
void park_announced(struct call *c);
/* take.c: an INVITE for APP_TAKE (*8, **ext, a park slot, *11) joins
   the call it names; false when there is none (not answered yet) */
bool take_invite(struct pbx *p, const struct sip_msg *invite,
		 const struct call_origin *o);

#endif
