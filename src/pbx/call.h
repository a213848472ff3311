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

enum { CALL_MAX_TARGETS = 16, CALL_MAX_TRUNKS = 4 };

/* One place to ring. */
struct call_target {
	char uri[512];                /**< Request-URI */
	char route[192];              /**< "" or a loose route to reach it */
	char peer[128];               /**< for the CDR */
	int64_t device_id;
	struct sa sig;                /**< where its signalling goes */
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
};

enum route_kind { ROUTE_REJECT = 0, ROUTE_TARGETS, ROUTE_TRUNKS, ROUTE_APP };

/* Services the platform answers itself (app.h). */
enum call_app {
	APP_NONE = 0,
	APP_ECHO,                     /**< *43: what you say comes back */
	APP_PROMPT_TEST,              /**< *44: a prompt is played */
	APP_DTMF_TEST,                /**< *45: digits typed are sent back */
	APP_CONFERENCE,               /**< *47N: meet-me room N */
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
	char app_arg[8];              /**< the room of *47N */
	/* all */
	char dialled[128];
	char callee[128];             /**< normalised */
	const char *context;          /**< internal, inbound, outbound */
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

/* Q.850 cause for a SIP status (RFC 3398) */
uint16_t call_q850(uint16_t scode);

#endif
