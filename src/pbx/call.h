/**
 * @file call.h  A call: one inbound leg, its outbound branches, one relay.
 *
 * The call owns its legs (libre sessions), its media relay and its CDR;
 * the pbx owns the calls.  Life of a call:
 *
 *   INVITE in ─► call_start: relay, offer decoded, branches forked
 *      each branch: INVITE out ─► 18x relayed (early media) ─► 2xx wins,
 *      the others are cancelled ─► 200 to the caller ─► talking
 *   either side's BYE, the caller's CANCEL, every branch failing, the
 *   ring timeout, a failed session refresh or the maximum duration
 *      ─► call_end: the other side is told, the relay closed, the CDR
 *         completed with the relay's counters and handed to the writer.
 *
 * A branch to a carrier that fails with 5xx or does not answer moves on
 * to the next trunk of the route.
 */
#ifndef CENTREX_PBX_CALL_H
#define CENTREX_PBX_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>
#include "cdr/cdr.h"
#include "pbx/calls.h"

struct pbx;
struct trunk;

enum { CALL_MAX_TARGETS = 16, CALL_MAX_TRUNKS = 4, CALL_MAX_HOPS = 8,
       CALL_MAX_MEMBERS = 32 };

/* One place to ring. */
struct call_target {
	char uri[512];                /**< Request-URI */
	char route[192];              /**< "" or a loose route to reach it */
	char peer[128];               /**< for the CDR */
	int64_t device_id;
	int64_t user_id;              /**< whose device it is, 0 = nobody's */
	struct sa sig;                /**< where its signalling goes */
};

/* Why a call left the party it was ringing for another (forward.h). */
enum divert_reason {
	DIVERT_ALWAYS = 1,            /**< forward_always */
	DIVERT_BUSY,                  /**< busy, or call waiting off */
	DIVERT_DND,                   /**< do not disturb: forward_busy */
	DIVERT_NOANSWER,              /**< forward_noanswer, group timeout */
	DIVERT_UNREACHABLE,           /**< nothing of the user registered */
};

/* One forward on the call's way: who sent it on, and why. */
struct call_hop {
	char ext[32];                 /**< the forwarding extension */
	char number[20];              /**< its E.164 number, "" = none */
	int64_t user_id;              /**< a user forwarded ... */
	int64_t group_id;             /**< ... or a ring group (fallback) */
	enum divert_reason why;
};

/* A ring group member in hunting order (groups.h). */
struct call_member {
	int64_t user_id;
	int position;
};

/* Who calls. */
struct call_origin {
	int64_t tenant_id;
	const char *tenant_slug;
	const char *domain;
	int64_t device_id;            /**< 0: from a trunk */
	int64_t user_id;
	int64_t site_id;
	struct trunk *trunk;          /**< inbound trunk, or NULL */
	char caller[128];             /**< extension or E.164 */
	char caller_name[64];
	char peer[128];               /**< for the CDR */
	unsigned diversions;          /**< Diversion entries of the INVITE:
					   forwards before it reached us */
};

enum route_kind { ROUTE_REJECT = 0, ROUTE_TARGETS, ROUTE_TRUNKS, ROUTE_APP };

/* Services the platform answers itself (app.h). */
enum call_app {
	APP_NONE = 0,
	APP_ECHO,                     /**< *43: what you say comes back */
	APP_PROMPT_TEST,              /**< *44: a prompt is played */
	APP_DTMF_TEST,                /**< *45: digits typed are sent back */
	APP_CONFERENCE,               /**< *47N: meet-me room N */
	APP_FEATURE,                  /**< *72, *78 ...: a feature code
					   (featurecodes.h) */
	APP_VOICEMAIL,                /**< a message for callee_user_id */
	APP_VOICEMAIL_MENU,           /**< *97: the caller's own mailbox */
	APP_TAKE,                     /**< *8, **ext, a park slot, *11: the
					   caller takes over a call there
					   is (take.c); app_arg: dialled */
};

/* Where the dialplan sends it. */
struct call_route {
	enum route_kind kind;
	/* ROUTE_REJECT */
	uint16_t scode;
	const char *reason;
	uint16_t q850;
	enum cdr_disposition disp;
	/* ROUTE_TARGETS */
	struct call_target targets[CALL_MAX_TARGETS];
	size_t targetc;
	int64_t callee_user_id;
	/* ROUTE_TRUNKS: first trunk first (ids: trunks may be reloaded
	   while the call rings) */
	int64_t trunk_ids[CALL_MAX_TRUNKS];
	size_t trunkc;
	char caller_id[20];           /**< E.164 presented to the carrier */
	/* ROUTE_APP */
	enum call_app app;
	char app_arg[40];             /**< the room of *47N, a feature code */
	bool vm_busy;                 /**< APP_VOICEMAIL: the busy greeting */
	/* all */
	char dialled[128];
	char callee[128];             /**< normalised, as the CDR keeps it */
	const char *context;          /**< internal, inbound, outbound */

	/* forwarding (forward.h): the party rung now (the number a trunk is
	   asked for), "" = callee; the forwards so far, oldest first */
	char target[128];
	struct call_hop hops[CALL_MAX_HOPS];
	size_t hopc;
	int ring_ms;                  /**< this party rings so long (its
					   no-answer forward, a group's
					   timeout); 0 = call.ring_timeout_s */
	/* twinning: the user's mobile through a trunk, with the desk */
	char twin_number[20];         /**< "" = none */
	int twin_delay_ms;            /**< 0 = at once */
	int64_t twin_trunk_ids[CALL_MAX_TRUNKS];
	size_t twin_trunkc;
	/* a ring group (groups.h) */
	int64_t group_id;             /**< 0 = not a group */
	bool hunting;                 /**< one member at a time */
	bool round_robin;             /**< the group remembers who was
					   offered last */
	int member_ms;                /**< each member rings so long */
	struct call_member members[CALL_MAX_MEMBERS];
	size_t memberc, member_next;
};

/* Takes the INVITE (not yet answered) and the trunk channel o->trunk
   holds, if any.  Always answers it, one way or another; returns 0 when
   a call object exists. */
int  call_start(struct pbx *p, const struct sip_msg *invite,
		const struct call_origin *o, const struct call_route *r);
/* a retransmitted INVITE of a call still being set up */
bool call_is_retransmission(struct pbx *p, const struct sip_msg *msg);
/* UPDATE / PRACK on one of our legs */
bool call_in_dialog(struct pbx *p, const struct sip_msg *msg);
void call_end_all(struct pbx *p);

/* the user takes part in a call in progress (calling, ringing or
   talking): call waiting off makes them busy */
bool call_user_busy(struct pbx *p, int64_t tenant_id, int64_t user_id);

/* Q.850 cause for a SIP status (RFC 3398) */
uint16_t call_q850(uint16_t scode);

#endif
