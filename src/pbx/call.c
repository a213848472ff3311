/**
 * @file call.c  A call: one inbound leg, its outbound branches, one relay.
 */
#include <re.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cdr/cdr.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/random.h"
#include "core/theap.h"
#include "core/metrics.h"
#include "media/dsp/emodel.h"
#include "media/dsp/tone.h"
#include "media/media.h"
#include "pbx/app.h"
#include "pbx/dialplan.h"
#include "pbx/apprompt.h"
#include "pbx/call.h"
#include "pbx/callpriv.h"
#include "pbx/forward.h"
#include "pbx/groups.h"
#include "pbx/legsdp.h"
#include "pbx/priv.h"
#include "pbx/recording.h"
#include "pbx/recpolicy.h"
#include "pbx/trunks.h"

enum { TRUNK_SILENCE_MS = 4000 };   /* no answer at all: next trunk */

/* the caller is talking to someone: a callee, or one of our services */
static bool answered(const struct call *c)
{
	return c->winner || c->app_answered || c->a_up;
}

/* ---- who is in the call (BLF, presence) -------------------------------- */

static void want_party(struct call *c, int64_t user_id, bool caller,
		       enum pbx_party st, enum pbx_party *want)
{
	size_t i;

	if (!user_id)
		return;
	for (i = 0; i < c->partyc; i++)
		if (c->parties[i].user_id == user_id)
			break;
	if (i == c->partyc) {
		if (c->partyc == CALL_MAX_PARTIES)
			return;   /* a bigger group than a BLF can follow */
		c->parties[i].user_id = user_id;
		c->parties[i].st = PBX_PARTY_IDLE;
		c->parties[i].caller = caller;
		want[i] = PBX_PARTY_IDLE;
		c->partyc++;
	}
	if (st > want[i])
		want[i] = st;
}

/*
 * Works out where each user of the call stands now (the caller, every
 * user whose phone a branch rings, the winner) and tells what changed:
 * called after anything that starts, answers or ends branches.
 */
void call_parties_update(struct call *c)
{
	enum pbx_party want[CALL_MAX_PARTIES] = {PBX_PARTY_IDLE};
	const struct pbx_events *ev = &c->p->d.ev;

	if (!ev->party || !c->cdr)
		return;
	if (!c->ended && c->a) {
		/* the caller, or the party left after a transfer or park */
		want_party(c, c->a->t.user_id, c->a->in, answered(c)
			   ? PBX_PARTY_TALKING : PBX_PARTY_RINGING, want);
		for (struct le *le = list_head(&c->outs); le; le = le->next) {
			const struct leg *l = le->data;

			if (!l->closed)
				want_party(c, l->t.user_id, false,
					   l == c->winner ? PBX_PARTY_TALKING
							  : PBX_PARTY_RINGING,
					   want);
		}
	}
	for (size_t i = 0; i < c->partyc; i++) {
		if (c->parties[i].st == want[i])
			continue;
		c->parties[i].st = want[i];
		ev->party(ev->arg, c->o.tenant_id, c->parties[i].user_id,
			  c->cdr->uuid, want[i], c->parties[i].caller,
			  c->parties[i].caller ? c->r.callee : c->o.caller);
	}
}

int64_t call_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint16_t call_q850(uint16_t scode)
{
	switch (scode) {
	case 200: return 16;
	case 403: return 21;
	case 404: case 604: return 1;
	case 408: return 102;
	case 410: return 22;
	case 480: return 18;
	case 484: return 28;
	case 486: case 600: return 17;
	case 487: return 16;
	case 488: case 606: return 65;
	case 500: return 41;
	case 502: return 38;
	case 503: return 34;
	case 504: return 102;
	default:  return scode >= 500 ? 38 : 31;
	}
}

static const char *q850_text(uint16_t cause)
{
	switch (cause) {
	case 1:   return "Unallocated number";
	case 16:  return "Normal call clearing";
	case 17:  return "User busy";
	case 18:  return "No user responding";
	case 19:  return "No answer from user";
	case 20:  return "Subscriber absent";
	case 21:  return "Call rejected";
	case 25:  return "Exchange routing error";
	case 34:  return "No circuit available";
	case 38:  return "Network out of order";
	case 65:  return "Bearer capability not implemented";
	case 102: return "Recovery on timer expiry";
	default:  return "Unspecified";
	}
}

/* ---- media ------------------------------------------------------------ */

static void sa_to_ss(struct sockaddr_storage *ss, const struct sa *a)
{
	memset(ss, 0, sizeof(*ss));
	if (sa_isset(a, SA_ADDR))
		memcpy(ss, &a->u, a->len);
}

static void ss_to_sa(struct sa *a, const struct sockaddr_storage *ss)
{
	sa_init(a, AF_UNSPEC);
	(void)sa_set_sa(a, (const struct sockaddr *)ss);
}

/* point the relay side of `leg` at what its peer said in SDP */
static void relay_peer(struct call *c, struct leg *leg, const struct sa *sig)
{
	struct media_codec mc;
	struct media_peer mp;
	struct sa rtp, rtcp;
	bool mux = false;

	memset(&mp, 0, sizeof(mp));
	if (!c->relay || !legsdp_remote(leg->sdp, &rtp, &rtcp, &mux))
		return;
	sa_to_ss(&mp.rtp, &rtp);
	sa_to_ss(&mp.rtcp, sa_isset(&rtcp, SA_ALL) ? &rtcp : &rtp);
	if (!sa_isset(&rtcp, SA_ALL) && !mux) {
		struct sa r2 = rtp;
		sa_set_port(&r2, (uint16_t)(sa_port(&rtp) + 1));
		sa_to_ss(&mp.rtcp, &r2);
	}
	sa_to_ss(&mp.sig, sig);
	mp.rtcp_mux = mux;
	mp.send = legsdp_peer_dir(leg->sdp) != SDP_INACTIVE;
	(void)media_relay_set_peer(c->relay, leg->side,
				   &mp);
	/* once agreed, the relay knows each side's codec and bridges two
	   different ones */
	if (legsdp_agreed(leg->sdp, &mc))
		(void)media_relay_set_codec(c->relay,
					    leg->side,
					    &mc);
}

/* ---- the end of a call -------------------------------------------------- */

static void fill_leg(struct cdr_leg *cl, const struct leg *leg)
{
	cl->dir = leg->in ? CDR_LEG_IN : CDR_LEG_OUT;
	str_ncpy(cl->peer, leg->t.peer, sizeof(cl->peer));
	cl->device_id = leg->t.device_id;
	cl->trunk_id = leg->trunk ? leg->trunk->cfg.id : 0;
	str_ncpy(cl->sip_call_id, leg->callid, sizeof(cl->sip_call_id));
	cl->start_ms = leg->start_ms;
	cl->answer_ms = leg->answer_ms;
	cl->end_ms = leg->end_ms;
	cl->status = leg->status;
	cl->rtt_ms = cl->peer_loss_pct = -1.0;   /* until measured */
	if (leg->sdp)
		legsdp_codec(leg->sdp, cl->codec, sizeof(cl->codec));
}

/*
 * The E-model's estimate of how the leg's audio sounded when it reached
 * us: its codec, the packets lost on the way (sequence numbers), a
 * playout buffer of twice the measured jitter (what an adaptive buffer
 * settles at), and half the round trip RTCP measured to the peer.
 */
static double leg_mos(const struct cdr_leg *cl)
{
	struct emodel_leg el = {0};
	struct emodel_result res;
	char name[32];
	uint64_t expected = cl->rtp_rx_packets + cl->rtp_lost;

	if (!cl->rtp_rx_packets)
		return 0.0;
	str_ncpy(name, cl->codec, sizeof(name));
	name[strcspn(name, "/")] = '\0';
	if (emodel_codec_by_name(name, &el.codec))
		return 0.0;   /* a codec the model does not know */
	el.loss_pct = 100.0 * (double)cl->rtp_lost / (double)expected;
	el.jitter_buf_ms = cl->jitter_ms * 2.0 < 20.0 ? 20.0
						     : cl->jitter_ms * 2.0;
	el.rtt_ms = cl->rtt_ms > 0 ? cl->rtt_ms : 0.0;
	emodel_estimate(&el, &res);
	return res.mos;
}

/* what the leg's peer sent us and what we sent it */
static void put_rtp(struct cdr_leg *cl, const struct media_side_stats *s)
{
	cl->rtp_rx_packets = s->rx_packets;
	cl->rtp_tx_packets = s->tx_packets;
	cl->rtp_rx_bytes = s->rx_bytes;
	cl->rtp_tx_bytes = s->tx_bytes;
	cl->rtp_lost = s->lost;
	cl->jitter_ms = s->jitter_ms;
	cl->rtt_ms = s->rtt_ms;
	cl->peer_loss_pct = s->rtcp_loss_pct;
	cl->mos = leg_mos(cl);
	if (cl->mos > 0) {
		metrics_inc(M_CALL_LEGS_SCORED);
		metrics_add(M_CALL_MOS_X100_SUM,
			    (uint64_t)(cl->mos * 100.0 + 0.5));
		if (cl->mos < 3.6)
			metrics_inc(M_CALL_LEGS_POOR);
	}
}

/* the CDR waits for the relay's last counters */
struct cdr_job {
	struct store_writer *w;
	struct cdr *cdr;
	int8_t sides[CDR_MAX_LEGS];   /**< each leg's relay side, -1 none */
};

static void cdr_done(const struct media_stats *st, void *arg)
{
	struct cdr_job *job = arg;
	struct cdr *cdr = job->cdr;
	struct store_writer *w = job->w;

	/* legs were filled at the end of the call; add the relay figures
	   of the side each answered leg had (parties that took turns on a
	   side, after a transfer, share its figures) */
	for (size_t i = 0; st && i < cdr->legc; i++) {
		if (job->sides[i] < 0)
			continue;
		put_rtp(&cdr->legs[i], &st->side[job->sides[i]]);
	}
	free(job);
	cdr_finish(cdr);
	if (cdr_submit(w, cdr))
		log_warn("pbx/call", "CDR %s lost: writer refused it",
			 cdr->uuid);
}

static void leg_unlink(struct leg *leg)
{
	hash_unlink(&leg->he);
	leg->early = mem_deref(leg->early);
}

static void leg_destructor(void *arg)
{
	struct leg *leg = arg;

	list_unlink(&leg->le);
	leg_unlink(leg);
	leg->sess = mem_deref(leg->sess);
	leg->sdp = mem_deref(leg->sdp);
	trunk_release(leg->trunk);
}

/*
 * The call lets go of a leg.  Its session goes now (BYE or CANCEL as
 * due); the leg itself may outlive the call while a request of ours on
 * it is pending, so it forgets its call.
 */
static void leg_detach(struct leg *leg)
{
	if (!leg)
		return;
	leg->call = NULL;
	list_unlink(&leg->le);
	leg_unlink(leg);
	leg->sess = mem_deref(leg->sess);
	trunk_release(leg->trunk);
	leg->trunk = NULL;
	mem_deref(leg);
}

static void call_destructor(void *arg)
{
	struct call *c = arg;
	struct theap *th = c->p->d.theap;

	theap_cancel(th, &c->t_ring);
	theap_cancel(th, &c->t_max);
	theap_cancel(th, &c->t_refresh);
	theap_cancel(th, &c->t_trunk);
	theap_cancel(th, &c->t_step);
	theap_cancel(th, &c->t_park);
	app_stop(c->app);
	c->app = NULL;
	list_unlink(&c->le);
	hash_unlink(&c->he);
	while (list_head(&c->outs))
		leg_detach(list_head(&c->outs)->data);
	leg_detach(c->a);
	c->a = NULL;
	if (c->relay)
		media_relay_close(c->relay, NULL, NULL);
	mem_deref((void *)c->invite);
	free(c->cdr);
	if (c->o.trunk)
		trunk_release(c->o.trunk);
	if (c->p->count)
		c->p->count--;
	pbx_tenant_release(c->p, c->o.tenant_id);
}

/*
 * Finish the call: tell whoever is still connected, fill the CDR and let
 * the relay's final counters complete it.  `scode` is what the caller is
 * told when it has not been answered yet (0 when it has already been).
 */
void call_end(struct call *c, enum cdr_party by, uint16_t scode,
		     const char *reason, uint16_t cause,
		     enum cdr_disposition disp)
{
	struct cdr *cdr = c->cdr;
	int64_t t = call_now_ms();
	int8_t sides[CDR_MAX_LEGS];
	char hdr[160];

	if (c->ended)
		return;
	c->ended = true;
	call_parties_update(c);   /* everybody is out of it */

	if (!cause)
		cause = scode ? call_q850(scode) : 16;
	(void)re_snprintf(hdr, sizeof(hdr),
			  "Reason: Q.850;cause=%u;text=\"%s\"\r\n", cause,
			  q850_text(cause));

	/* the caller, if not answered yet */
	if (scode && c->a && c->a->sess && !answered(c) && c->a->in)
		(void)sipsess_reject(c->a->sess, scode, reason,
				     "%sContent-Length: 0\r\n\r\n", hdr);
	else if (scode && c->invite)
		(void)sip_treplyf(NULL, NULL, c->p->d.sip, c->invite, false,
				  scode, reason, "%sContent-Length: 0\r\n\r\n",
				  hdr);

	/* close headers ride on the BYE each established leg gets */
	if (c->a && c->a->sess)
		(void)sipsess_set_close_headers(c->a->sess, "%s", hdr);
	for (struct le *le = list_head(&c->outs); le; le = le->next) {
		struct leg *leg = le->data;
		if (leg->sess)
			(void)sipsess_set_close_headers(leg->sess, "%s", hdr);
		if (!leg->end_ms)
			leg->end_ms = t;
	}
	if (c->a && !c->a->end_ms)
		c->a->end_ms = t;

	cdr->end_ms = t;
	cdr->hangup_by = by;
	cdr->q850_cause = cause;
	cdr->disposition = answered(c) ? CDR_ANSWERED : disp;
	cdr->sip_status = answered(c) ? 200 : scode;
	incall_call_ended(c);
	if (c->r.hopc && !cdr->forwarded_by[0]) {
		str_ncpy(cdr->forwarded_by, c->r.hops[0].ext,
			 sizeof(cdr->forwarded_by));
		str_ncpy(cdr->forward_reason,
			 forward_reason_name(c->r.hops[0].why),
			 sizeof(cdr->forward_reason));
	}
	if (c->app_answered) {
		cdr->answer_ms = c->a->answer_ms;
		legsdp_codec(c->a->sdp, cdr->codec, sizeof(cdr->codec));
	}
	if (c->winner) {
		cdr->answer_ms = c->winner->answer_ms;
		legsdp_codec(c->winner->sdp, cdr->codec, sizeof(cdr->codec));
		if (c->winner->trunk)
			cdr->trunk_id = c->winner->trunk->cfg.id;
	}
	/* after a transfer or park, the call was answered when the party
	   still in it was */
	if (c->a_up && c->a && c->a->answer_ms)
		cdr->answer_ms = c->a->answer_ms;
	if (c->a) {
		if (c->a->in)
			c->a->status = cdr->sip_status;
		sides[cdr->legc] = (int8_t)c->a->side;
		fill_leg(&cdr->legs[cdr->legc++], c->a);
	}
	for (struct le *le = list_head(&c->outs); le; le = le->next) {
		struct leg *leg = le->data;
		if (cdr->legc >= CDR_MAX_LEGS)
			break;
		sides[cdr->legc] = leg->answer_ms ? (int8_t)leg->side : -1;
		fill_leg(&cdr->legs[cdr->legc++], leg);
	}

	tlog_info("pbx/call", c->slug, "call %s %s -> %s ended: %s, %s by "
		  "%s, cause %u", cdr->uuid, cdr->caller, cdr->callee,
		  cdr_disposition_name(cdr->disposition),
		  answered(c) ? "answered" : "not answered",
		  cdr_party_name(by), cause);

	/* the CDR now belongs to the relay's close callback */
	c->cdr = NULL;
	struct cdr_job *job = malloc(sizeof(*job));
	if (!job) {
		free(cdr);
	}
	else {
		job->w = c->p->d.writer;
		job->cdr = cdr;
		memcpy(job->sides, sides, sizeof(job->sides));
		/* shutting down: the relay's counters would come too late */
		if (c->relay && c->p->stopping) {
			media_relay_close(c->relay, NULL, NULL);
			cdr_done(NULL, job);
		}
		else if (c->relay)
			media_relay_close(c->relay, cdr_done, job);
		else
			cdr_done(NULL, job);
	}
	c->relay = NULL;
	mem_deref(c);
}

/* ---- outbound branches --------------------------------------------------- */

static void leg_close_h(int err, const struct sip_msg *msg, void *arg);
static int  leg_offer_h(struct mbuf **descp, const struct sip_msg *msg,
			void *arg);
static int  leg_answer_h(const struct sip_msg *msg, void *arg);
static void leg_estab_h(const struct sip_msg *msg, void *arg);
static void leg_info_h(struct sip *sip, const struct sip_msg *msg,
		       void *arg);
static void leg_refer_h(struct sip *sip, const struct sip_msg *msg,
			void *arg);
static void out_progress_h(const struct sip_msg *msg, void *arg);
static int  start_trunk_branch(struct call *c);
static int  start_twin_branch(struct call *c);
static bool next_member(struct call *c);
static bool call_divert(struct call *c, enum divert_reason why);
static void leg_dtmf_mode(struct call *c, struct leg *leg, int64_t device_id);
static void dtmf_to(struct call *c, struct leg *to, char digit,
		    bool via_info);

/* the leg's offer/answer, with our relay address of its side */
static int leg_sdp_alloc(struct call *c, struct leg *leg)
{
	bool a = leg->side == MEDIA_A;

	return legsdp_alloc(&leg->sdp, a ? &c->ra_rtp : &c->rb_rtp,
			    a ? &c->ra_rtcp : &c->rb_rtcp);
}

/* What we send a phone that called us and that we answer ourselves (a
   service, a pickup): our answer to its offer, or our own offer when its
   INVITE had none. */
static int local_desc(struct leg *leg, struct mbuf **descp)
{
	return leg->late ? legsdp_offer_ours(leg->sdp, descp)
			 : legsdp_answer_local(leg->sdp, descp);
}

/* The offer of an INVITE that came to us, if it has one (a late offer
   is made by us, in the 200). */
static int take_offer(struct leg *leg, const struct sip_msg *invite)
{
	if (!mbuf_get_left(invite->mb)) {
		leg->late = true;
		return 0;
	}
	return legsdp_decode(leg->sdp, invite->mb, true);
}

static void register_leg(struct call *c, struct leg *leg)
{
	const char *id = sip_dialog_callid(sipsess_dialog(leg->sess));

	str_ncpy(leg->callid, id ? id : "", sizeof(leg->callid));
	hash_append(c->p->legs, hash_joaat_str(leg->callid), &leg->he, leg);
}

/* the domain our requests to a carrier name */
static const char *dom_of(const struct trunk *trunk)
{
	return trunk->cfg.from_domain[0] ? trunk->cfg.from_domain
					 : trunk->cfg.proxy;
}

static int start_branch(struct call *c, const struct call_target *t,
			struct trunk *trunk)
{
	struct pbx *p = c->p;
	struct leg *leg;
	struct mbuf *offer = NULL;
	char from_uri[300], from_name[80], hdrs[2560];
	const char *routev[1];
	uint32_t routec = 0;
	int err;

	leg = mem_zalloc(sizeof(*leg), leg_destructor);
	if (!leg)
		return ENOMEM;
	leg->call = c;
	leg->t = *t;
	leg->trunk = trunk;
	leg->side = c->branch_side;
	leg->start_ms = call_now_ms();
	list_append(&c->outs, &leg->le, leg);

	err = leg_sdp_alloc(c, leg);
	if (!err)
		leg_dtmf_mode(c, leg, t->device_id);
	if (!err)
		err = legsdp_offer_from(leg->sdp, c->a ? c->a->sdp : NULL,
					&offer);
	if (err)
		goto out;

	hdrs[0] = '\0';
	if (trunk) {
		/* the carrier sees the tenant's number, asserted */
		const char *dom = dom_of(trunk);
		(void)re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%s",
				  c->r.caller_id, dom);
		(void)re_snprintf(from_name, sizeof(from_name), "%s",
				  c->r.caller_id);
		(void)re_snprintf(hdrs, sizeof(hdrs),
				  "P-Asserted-Identity: <sip:%s@%s>\r\n",
				  c->r.caller_id, dom);
	}
	else {
		(void)re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%s",
				  c->o.caller, c->o.domain);
		(void)re_snprintf(from_name, sizeof(from_name), "%s",
				  c->o.caller_name[0] ? c->o.caller_name
						      : c->o.caller);
	}
	/* a forwarded call says who forwarded it, and why */
	forward_headers(&c->r, trunk ? dom_of(trunk) : c->o.domain,
			trunk != NULL, hdrs + strlen(hdrs),
			sizeof(hdrs) - strlen(hdrs));
	if (t->route[0]) {
		routev[0] = t->route;
		routec = 1;
	}

	err = sipsess_connect(&leg->sess, p->sock, t->uri, from_name,
			      from_uri, p->contact_user, routev, routec,
			      "application/sdp", offer,
			      trunk ? trunk_auth : NULL, trunk, false,
			      leg_offer_h, leg_answer_h, out_progress_h,
			      leg_estab_h, leg_info_h, leg_refer_h, leg_close_h,
			      leg,
			      "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
			      "UPDATE, INFO, REFER\r\n"
			      "Supported: 100rel, timer\r\n%s",
			      hdrs);
	if (err)
		goto out;
	register_leg(c, leg);

 out:
	mem_deref(offer);
	if (err) {
		tlog_warn("pbx/call", c->slug, "cannot call %s: %m", t->uri,
			  err);
		leg->trunk = NULL;   /* the caller releases it */
		mem_deref(leg);
	}
	return err;
}

static bool branches_alive(const struct call *c)
{
	for (struct le *le = list_head(&c->outs); le; le = le->next) {
		const struct leg *leg = le->data;
		if (!leg->closed)
			return true;
	}
	return false;
}

/* which failure tells the caller the most (RFC 3261 16.7, simplified:
   busy beats everything, then the lowest class) */
static void remember_failure(struct call *c, uint16_t scode,
			     const struct pl *reason)
{
	bool better;

	if (scode == 487)
		return;
	if (scode == 486 || scode == 600)
		better = true;
	else if (c->best_scode == 486 || c->best_scode == 600)
		better = false;
	else
		better = !c->best_scode || scode / 100 < c->best_scode / 100 ||
			 (c->best_scode >= 500 && scode < 500);
	if (!better)
		return;
	c->best_scode = scode;
	if (reason)
		(void)pl_strcpy(reason, c->best_reason, sizeof(c->best_reason));
	else
		str_ncpy(c->best_reason, "Failure", sizeof(c->best_reason));
}

static enum cdr_disposition disposition_for(uint16_t scode)
{
	switch (scode) {
	case 486: case 600: return CDR_BUSY;
	case 408: case 480: return CDR_NO_ANSWER;
	default:            return CDR_FAILED;
	}
}

/* every branch has failed: next trunk, the mobile, the next member of
   a group, the busy forward, or tell the caller */
static void branches_exhausted(struct call *c)
{
	uint16_t sc = c->best_scode ? c->best_scode : 480;
	bool busy = sc == 486 || sc == 600;

	if (c->r.kind == ROUTE_TRUNKS && (sc >= 500 || sc == 408) &&
	    c->next_trunk < c->r.trunkc) {
		if (!start_trunk_branch(c))
			return;
		if (c->ended)
			return;
	}
	if (c->r.kind == ROUTE_TARGETS) {
		/* the desk phones gave up before the mobile's turn */
		if (c->r.twin_number[0] && !c->twin_started) {
			theap_cancel(c->p->d.theap, &c->t_step);
			if (!start_twin_branch(c))
				return;
		}
		if (c->r.hunting && next_member(c))
			return;
		/* busy: the user's busy forward; a group: its fallback */
		if ((busy || c->r.group_id) &&
		    call_divert(c, busy ? DIVERT_BUSY : DIVERT_NOANSWER))
			return;
	}
	if (sc >= 500 && c->r.kind == ROUTE_TRUNKS)
		sc = 503;
	call_end(c, CDR_PARTY_CALLEE, sc, c->best_reason[0] ? c->best_reason
			  : "Temporarily Unavailable", 0, disposition_for(sc));
}

static void trunk_silence(void *arg)
{
	struct call *c = arg;

	/* the current trunk branch said nothing at all: give up on it */
	for (struct le *le = list_head(&c->outs); le; le = le->next) {
		struct leg *leg = le->data;
		if (!leg->closed && leg->trunk && !leg->replied) {
			tlog_info("pbx/call", c->slug, "trunk %s silent, "
				  "next", leg->trunk->cfg.name);
			leg->closed = true;
			leg->status = 408;
			leg->end_ms = call_now_ms();
			leg_unlink(leg);
			leg->sess = mem_deref(leg->sess);   /* CANCEL */
			remember_failure(c, 408, NULL);
		}
	}
	if (!branches_alive(c))
		branches_exhausted(c);
}

/* one branch to number on trunk id; 0 when it started */
static int trunk_branch(struct call *c, int64_t trunk_id, const char *number,
			int64_t user_id)
{
	struct trunk *t = trunkset_get(c->p->trunks, c->o.tenant_id, trunk_id);
	struct call_target tg;

	if (!t)
		return ENOENT;
	if (!trunk_acquire(t)) {
		tlog_info("pbx/call", c->slug, "trunk %s full or disabled",
			  t->cfg.name);
		remember_failure(c, 503, NULL);
		return EBUSY;
	}
	memset(&tg, 0, sizeof(tg));
	if (trunk_uri(t, number, tg.uri, sizeof(tg.uri))) {
		trunk_release(t);
		return EINVAL;
	}
	/* a user's mobile shows as number@trunk in the CDR's legs */
	if (user_id)
		(void)re_snprintf(tg.peer, sizeof(tg.peer), "%s@%s", number,
				  t->cfg.name);
	else
		str_ncpy(tg.peer, t->cfg.name, sizeof(tg.peer));
	tg.user_id = user_id;
	tg.sig = t->proxy;
	if (start_branch(c, &tg, t)) {
		trunk_release(t);
		return EIO;
	}
	return 0;
}

static int start_trunk_branch(struct call *c)
{
	while (c->next_trunk < c->r.trunkc) {
		if (trunk_branch(c, c->r.trunk_ids[c->next_trunk++],
				 c->r.target[0] ? c->r.target : c->r.callee,
				 0))
			continue;
		theap_start(c->p->d.theap, &c->t_trunk, TRUNK_SILENCE_MS,
			    trunk_silence, c);
		return 0;
	}
	return ENOENT;
}

/* twinning: the user's mobile, through the first trunk that takes it */
static int start_twin_branch(struct call *c)
{
	c->twin_started = true;
	for (size_t i = 0; i < c->r.twin_trunkc; i++) {
		if (trunk_branch(c, c->r.twin_trunk_ids[i], c->r.twin_number,
				 c->r.callee_user_id))
			continue;
		tlog_info("pbx/call", c->slug, "call %s: twinning, the mobile "
			  "%s rings", c->cdr->uuid, c->r.twin_number);
		return 0;
	}
	return ENOENT;
}

/* the caller's side exists once there is something to tell it */
static int accept_a(struct call *c, uint16_t scode, const char *reason,
		    struct mbuf *desc)
{
	struct leg *a = c->a;
	int err;

	if (a->sess)
		return sipsess_progress(a->sess, scode, reason, desc,
					"Allow: INVITE, ACK, BYE, CANCEL, "
					"OPTIONS, UPDATE, INFO, REFER\r\n");
	err = sipsess_accept(&a->sess, c->p->sock, c->invite, scode, reason,
			     c->p->contact_user, "application/sdp", desc,
			     NULL, NULL, false, leg_offer_h, leg_answer_h,
			     leg_estab_h, leg_info_h, leg_refer_h, leg_close_h, a,
			     "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
			     "UPDATE, INFO, REFER\r\n");
	if (err)
		return err;
	register_leg(c, a);
	/* retransmissions and CANCEL now meet libre's transaction */
	c->invite = mem_deref((void *)c->invite);
	return 0;
}

struct leg *call_other(struct leg *leg)
{
	struct call *c = leg->call;
	return leg == c->a ? c->winner : c->a;
}

/* a reliable provisional response must be acknowledged (RFC 3262) */
static void prack(struct leg *leg, const struct sip_msg *msg)
{
	const struct sip_hdr *rseq = sip_msg_hdr(msg, SIP_HDR_RSEQ);
	struct call *c = leg->call;
	int err;

	if (!rseq || !sip_msg_hdr_has_value(msg, SIP_HDR_REQUIRE, "100rel"))
		return;
	if (!leg->early) {
		err = sip_dialog_fork(&leg->early, sipsess_dialog(leg->sess),
				      msg);
		if (err) {
			tlog_warn("pbx/call", c->slug, "no early dialog for "
				  "PRACK: %m", err);
			return;
		}
	}
	err = sip_drequestf(NULL, c->p->d.sip, true, "PRACK", leg->early, 0,
			    NULL, NULL, NULL, NULL,
			    "RAck: %r %u INVITE\r\n"
			    "Content-Length: 0\r\n\r\n",
			    &rseq->val, msg->cseq.num);
	if (err)
		tlog_warn("pbx/call", c->slug, "PRACK: %m", err);
}

static void out_progress_h(const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	struct mbuf *desc = NULL;
	int err;

	leg->replied = true;
	if (leg->trunk && msg->scode > 100)
		theap_cancel(c->p->d.theap, &c->t_trunk);
	if (msg->scode <= 100)
		return;

	prack(leg, msg);

	/* a transfer or park ringing someone: the party waiting hears
	   ringback (or this branch's early media); nothing to tell it */
	if (c->a_up) {
		if (mbuf_get_left(msg->mb) &&
		    !legsdp_decode(leg->sdp, msg->mb, false)) {
			relay_peer(c, leg, &msg->src);
			(void)media_relay_hear(c->relay, c->a->side,
					       MEDIA_HEAR_PEER);
		}
		return;
	}

	/* early media: this branch's answer is what the caller hears (not a
	   caller that made no offer: an unreliable 18x cannot carry ours) */
	if (mbuf_get_left(msg->mb) && !legsdp_decode(leg->sdp, msg->mb,
						      false) &&
	    !c->a->late) {
		relay_peer(c, leg, &msg->src);
		err = legsdp_answer_from(c->a->sdp, leg->sdp, &desc);
		if (!err)
			relay_peer(c, c->a, &c->a->t.sig);
		if (!err)
			(void)accept_a(c, 183, "Session Progress", desc);
		mem_deref(desc);
		return;
	}
	else if (mbuf_get_left(msg->mb))
		relay_peer(c, leg, &msg->src);
	if (msg->scode == 180 || msg->scode == 183)
		(void)accept_a(c, 180, "Ringing", NULL);
}

static int leg_answer_h(const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	int err;

	/* a 2xx with no body repeats the answer of a reliable 18x; an ACK
	   with none, to our offer, leaves the call without media */
	if (!mbuf_get_left(msg->mb)) {
		struct media_codec mc;

		return leg->late && !legsdp_agreed(leg->sdp, &mc) ? EPROTO : 0;
	}
	err = legsdp_decode(leg->sdp, msg->mb, false);
	if (err) {
		tlog_info("pbx/call", c->slug, "unusable answer from %s: %m",
			  leg->t.peer, err);
		return err;
	}
	relay_peer(c, leg, leg->in ? &leg->t.sig : &msg->src);
	return 0;
}

/* Every branch still ringing except `keep` is cancelled. */
static void cancel_branches(struct call *c, const struct leg *keep,
			    int64_t at)
{
	struct le *le = list_head(&c->outs);

	while (le) {
		struct leg *l = le->data;
		le = le->next;
		if (l == keep || l->closed)
			continue;
		l->end_ms = at;
		l->status = 487;
		l->closed = true;
		leg_unlink(l);
		l->sess = mem_deref(l->sess);   /* CANCEL */
	}
}

/* The first branch to answer wins; the others are cancelled. */
static void win(struct call *c, struct leg *leg)
{
	struct mbuf *desc = NULL;
	int err;

	c->winner = leg;
	leg->answer_ms = call_now_ms();
	leg->status = 200;
	theap_cancel(c->p->d.theap, &c->t_ring);
	theap_cancel(c->p->d.theap, &c->t_trunk);
	theap_cancel(c->p->d.theap, &c->t_step);
	cancel_branches(c, leg, leg->answer_ms);
	/* a group member (or the user's mobile) answered */
	if (leg->t.user_id) {
		c->r.callee_user_id = leg->t.user_id;
		groups_answered(c->p, &c->o, &c->r, leg->t.user_id);
	}

	if (c->a_up) {
		/* a transfer or park's new party: the one waiting was
		   answered long ago, it now hears the newcomer (the relay
		   bridges their codecs if they differ), and its phone shows
		   who that is */
		err = 0;
		(void)media_relay_hear(c->relay, c->a->side, MEDIA_HEAR_PEER);
		(void)media_relay_hear(c->relay, leg->side, MEDIA_HEAR_PEER);
		call_tell_connected(c, c->a, c, leg);
	}
	else if (c->a->late) {
		/* our offer, led by the codec this branch chose: the caller's
		   answer (in its ACK) then needs no transcoding if it can */
		err = legsdp_offer_from(c->a->sdp, leg->sdp, &desc);
	}
	else {
		err = legsdp_answer_from(c->a->sdp, leg->sdp, &desc);
	}
	if (!err && !c->a_up) {
		relay_peer(c, c->a, &c->a->t.sig);
		if (!c->a->sess)
			err = accept_a(c, 200, "OK", desc);
		else
			err = sipsess_answer(c->a->sess, 200, "OK", desc,
					     "Allow: INVITE, ACK, BYE, CANCEL, "
					     "OPTIONS, UPDATE, INFO, REFER\r\n");
	}
	mem_deref(desc);
	if (err) {
		tlog_warn("pbx/call", c->slug, "cannot answer the caller: %m",
			  err);
		call_end(c, CDR_PARTY_SYSTEM, err == EPROTO ? 488 : 500,
			 err == EPROTO ? "Not Acceptable Here"
				       : "Server Internal Error",
			 0, CDR_FAILED);
		return;
	}
	if (!c->a_up) {
		c->a->answer_ms = leg->answer_ms;
		/* the recording policy: "always" records from the answer */
		if (!c->rec_id)
			c->rec_id = recpolicy_answered(c->p, &c->o,
						       c->r.callee_user_id,
						       c->cdr->uuid, c->relay);
	}
	c->a_up = true;
	c->cdr->callee_user_id = c->r.callee_user_id;
	call_parties_update(c);
}

static void leg_estab_h(const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	(void)msg;

	if (leg->in)
		return;               /* an INVITE we answered: its ACK */
	if (c->winner) {
		/* a second branch answered late: it loses */
		leg->closed = true;
		leg_unlink(leg);
		leg->sess = mem_deref(leg->sess);
		return;
	}
	win(c, leg);
}

static void leg_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	uint16_t scode = msg ? msg->scode : 0;

	leg->closed = true;
	leg->end_ms = call_now_ms();
	leg_unlink(leg);

	/* the parker hung up before hearing the slot: the call stays */
	if (leg == c->parker) {
		park_announced(c);
		return;
	}
	if (leg == c->a) {
		/* the caller: CANCEL before the answer, BYE after */
		if (!answered(c)) {
			leg->status = 487;
			call_end(c, CDR_PARTY_CALLER, 0, NULL, 16,
				 CDR_CANCELLED);
		}
		else {
			call_end(c, CDR_PARTY_CALLER, 0, NULL, 16,
				 CDR_ANSWERED);
		}
		return;
	}

	if (leg == c->winner) {
		call_end(c, err == ETIMEDOUT ? CDR_PARTY_SYSTEM
					     : CDR_PARTY_CALLEE, 0, NULL,
			 err == ETIMEDOUT ? 102 : 16, CDR_ANSWERED);
		return;
	}

	/* a branch failed before any answer */
	leg->status = scode ? scode : (err == ETIMEDOUT ? 408 : 500);
	if (!c->winner) {
		remember_failure(c, leg->status, msg ? &msg->reason : NULL);
		if (!branches_alive(c)) {
			branches_exhausted(c);
			return;   /* the call may be gone */
		}
		call_parties_update(c);
	}
}

/* ---- mid-call offers ------------------------------------------------------ */

/*
 * Hold: a phone that puts the call on hold (sendonly or inactive) is
 * answered as usual, and the other party hears the tenant's music on
 * hold instead of silence; resuming (sendrecv again) gives it back the
 * holder's voice.  The other party's phone is not told: for it the call
 * goes on, with music.  True when that is what happened, so the offer is
 * not passed on.  Without music (no MOH files), the hold is passed on to
 * the other party's phone as before.
 */
static bool hold_music(struct call *c, struct leg *leg, struct leg *o)
{
	enum sdp_dir dir = legsdp_peer_dir(leg->sdp);
	bool hold = dir == SDP_SENDONLY || dir == SDP_INACTIVE;
	enum media_side os = o->side;

	if (hold && !c->held_by) {
		if (apprompt_moh(c->p, c->relay, os, c->o.tenant_id, NULL))
			return false;
		c->held_by = leg;
		tlog_info("pbx/call", c->slug, "call %s: on hold, music to "
			  "the %s", c->cdr->uuid, o == c->a ? "caller"
							  : "callee");
		return true;
	}
	if (c->held_by != leg)
		return false;
	if (!hold) {
		(void)media_relay_hear(c->relay, os, MEDIA_HEAR_PEER);
		c->held_by = NULL;
		tlog_info("pbx/call", c->slug, "call %s: resumed",
			  c->cdr->uuid);
	}
	return true;   /* still on hold, or resumed: nothing to pass on */
}

/*
 * A re-INVITE (hold, resume, new address) from one side: answer it at
 * once from what the other side agreed last, and pass the new offer on
 * so the other side learns about the hold.
 */
static int leg_offer_h(struct mbuf **descp, const struct sip_msg *msg,
		       void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;
	struct leg *o = call_other(leg);
	struct mbuf *offer = NULL;
	int err;

	/* a re-INVITE with no offer (a session refresh, some phones): our
	   session as it stands, answered in the ACK (leg_answer_h) */
	if (!mbuf_get_left(msg->mb))
		return legsdp_reoffer(leg->sdp, descp);
	if (c->app_answered) {
		/* our own service: we are the far end */
		err = legsdp_decode(leg->sdp, msg->mb, true);
		if (!err)
			err = legsdp_answer_local(leg->sdp, descp);
		if (!err)
			relay_peer(c, leg, &leg->t.sig);
		return err;
	}
	if (!o || !o->sess)
		return EPROTO;
	err = legsdp_decode(leg->sdp, msg->mb, true);
	if (err)
		return err;
	err = legsdp_answer_from(leg->sdp, o->sdp, descp);
	if (err)
		return err;
	relay_peer(c, leg, leg->in ? &leg->t.sig : &msg->src);
	if (hold_music(c, leg, o))
		return 0;

	if (!legsdp_offer_from(o->sdp, leg->sdp, &offer))
		(void)sipsess_modify(o->sess, offer);
	mem_deref(offer);
	return 0;
}

static void info_resp(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

/* The digit of an INFO application/dtmf-relay ("Signal=5") or
   application/dtmf ("5") body; 0 if it is not one. */
static char info_digit(const struct sip_hdr *ct, const struct mbuf *mb)
{
	struct pl body, sig;

	pl_set_mbuf(&body, mb);
	if (!pl_strcasecmp(&ct->val, "application/dtmf-relay")) {
		if (re_regex(body.p, body.l, "Signal=[ \t]*[0-9*#A-Da-d]",
			     NULL, &sig))
			return 0;
	}
	else if (!pl_strcasecmp(&ct->val, "application/dtmf")) {
		if (re_regex(body.p, body.l, "[0-9*#A-Da-d]", &sig))
			return 0;
	}
	else {
		return 0;
	}
	return (char)toupper((unsigned char)sig.p[0]);
}

/* INFO (DTMF from phones that send it so) is passed to the other side */
static void leg_info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct leg *o = call_other(leg);
	const struct sip_hdr *ct = sip_msg_hdr(msg, SIP_HDR_CONTENT_TYPE);
	char ctype[128];
	struct mbuf *body;

	(void)sip_reply(sip, msg, 200, "OK");
	if (leg->call->app && ct && leg == leg->call->a) {
		char d = info_digit(ct, msg->mb);
		if (d)
			(void)app_digit(leg->call->app, d);
		return;
	}
	if (ct && leg->call->winner && (leg == leg->call->a ||
					leg == leg->call->winner)) {
		char d = info_digit(ct, msg->mb);

		if (d && incall_digit(leg->call, leg, d))
			return;
	}
	/* a digit by INFO for a phone that takes events or tones */
	if (o && ct && o->dtmf != LEG_DTMF_INFO && leg->call->winner) {
		char d = info_digit(ct, msg->mb);

		if (d) {
			dtmf_to(leg->call, o, d, true);
			return;
		}
	}
	if (!o || !o->sess || !ct || !mbuf_get_left(msg->mb) ||
	    pl_strcpy(&ct->val, ctype, sizeof(ctype)))
		return;
	body = mbuf_alloc(mbuf_get_left(msg->mb));
	if (!body)
		return;
	(void)mbuf_write_mem(body, mbuf_buf(msg->mb), mbuf_get_left(msg->mb));
	body->pos = 0;
	(void)sipsess_info(o->sess, ctype, body, info_resp, NULL);
	mem_deref(body);
}

/* ---- timers ------------------------------------------------------------- */

static void ring_timeout(void *arg)
{
	struct call *c = arg;

	tlog_info("pbx/call", c->slug, "call %s: no answer", c->cdr->uuid);
	if (call_divert(c, DIVERT_NOANSWER))
		return;
	call_end(c, CDR_PARTY_SYSTEM, 480, "Temporarily Unavailable", 19,
		 CDR_NO_ANSWER);
}

/* the mobile's turn, or the next group member's */
static void step_timeout(void *arg)
{
	struct call *c = arg;

	if (c->r.twin_number[0] && !c->twin_started) {
		if (start_twin_branch(c))
			tlog_info("pbx/call", c->slug, "call %s: the mobile "
				  "cannot be called", c->cdr->uuid);
		return;
	}
	if (!c->r.hunting)
		return;
	cancel_branches(c, NULL, call_now_ms());
	if (next_member(c))
		return;
	if (call_divert(c, DIVERT_NOANSWER))
		return;
	call_end(c, CDR_PARTY_SYSTEM, 480, "Temporarily Unavailable", 19,
		 CDR_NO_ANSWER);
}

/* start r's branches and its timers; on failure the call has ended */
static int start_app(struct call *c);

static int ring(struct call *c)
{
	struct theap *th = c->p->d.theap;
	size_t started = 0;

	theap_cancel(th, &c->t_ring);
	theap_cancel(th, &c->t_step);
	theap_cancel(th, &c->t_trunk);
	c->best_scode = 0;
	c->best_reason[0] = '\0';
	c->twin_started = false;
	c->next_trunk = 0;

	switch (c->r.kind) {
	case ROUTE_REJECT:
		call_end(c, CDR_PARTY_SYSTEM, c->r.scode, c->r.reason,
			 c->r.q850, c->r.disp);
		return ENOENT;
	case ROUTE_APP:
		/* a forward led to one of our services: voicemail */
		return start_app(c);
	case ROUTE_TRUNKS:
		if (start_trunk_branch(c)) {
			call_end(c, CDR_PARTY_SYSTEM, 503,
				 "Service Unavailable", 34, CDR_FAILED);
			return EBUSY;
		}
		break;
	default:
		for (size_t i = 0; i < c->r.targetc; i++) {
			if (!start_branch(c, &c->r.targets[i], NULL))
				started++;
		}
		if (c->r.twin_number[0] && (!started || !c->r.twin_delay_ms)) {
			if (!start_twin_branch(c))
				started++;
		}
		else if (c->r.twin_number[0]) {
			theap_start(th, &c->t_step,
				    (uint64_t)c->r.twin_delay_ms, step_timeout,
				    c);
		}
		else if (c->r.hunting) {
			theap_start(th, &c->t_step, (uint64_t)c->r.member_ms,
				    step_timeout, c);
		}
		if (!started) {
			call_end(c, CDR_PARTY_SYSTEM, 480,
				 "Temporarily Unavailable", 20, CDR_FAILED);
			return EIO;
		}
		break;
	}
	theap_start(th, &c->t_ring, c->r.ring_ms
		    ? (uint64_t)c->r.ring_ms
		    : (uint64_t)c->p->d.conf->call_ring_timeout_s * 1000,
		    ring_timeout, c);
	call_parties_update(c);
	return 0;
}

/* A hunting group's next member with a device; false when none is left.
   The group's timeout keeps running. */
static bool next_member(struct call *c)
{
	while (groups_next(c->p, &c->o, &c->r)) {
		size_t started = 0;

		for (size_t i = 0; i < c->r.targetc; i++) {
			if (!start_branch(c, &c->r.targets[i], NULL))
				started++;
		}
		if (started) {
			theap_start(c->p->d.theap, &c->t_step,
				    (uint64_t)c->r.member_ms, step_timeout, c);
			call_parties_update(c);
			return true;
		}
	}
	return false;
}

/*
 * The party rung did not take the call: on to its forward (a group's
 * fallback), whose branches start at once.  False when it has none, and
 * the caller is still to be told; true when the call went on (or ended:
 * do not touch it then).
 */
static bool call_divert(struct call *c, enum divert_reason why)
{
	/* nothing of the old party rings on, and they no longer count as
	   in this call */
	cancel_branches(c, NULL, call_now_ms());
	if (!forward_next(c->p, &c->o, why, &c->r))
		return false;
	(void)ring(c);
	return true;
}

static void max_duration(void *arg)
{
	struct call *c = arg;

	tlog_info("pbx/call", c->slug, "call %s: maximum duration reached",
		  c->cdr->uuid);
	call_end(c, CDR_PARTY_SYSTEM, 0, NULL, 102, CDR_ANSWERED);
}

static void refresh_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c;

	/* RFC 4028: only a timeout, 408 or 481 says the session is gone */
	if (!err && msg->scode != 408 && msg->scode != 481)
		goto out;
	c = leg->call;
	if (c && !c->ended) {
		tlog_info("pbx/call", c->slug, "call %s: %s did not answer "
			  "the session refresh", c->cdr->uuid,
			  leg == c->a ? "the caller" : "the callee");
		call_end(c, CDR_PARTY_SYSTEM, 0, NULL, 102, CDR_ANSWERED);
	}
 out:
	mem_deref(leg);
}

static void refresh_leg(struct call *c, struct leg *leg)
{
	struct sip_dialog *dlg;

	if (!leg || !leg->sess || leg->closed)
		return;
	dlg = sipsess_dialog(leg->sess);
	if (!dlg || !sip_dialog_established(dlg))
		return;
	/* the request keeps the leg (not the call) alive until answered */
	if (sip_drequestf(NULL, c->p->d.sip, true, "UPDATE", dlg, 0, NULL,
			  NULL, refresh_resp, mem_ref(leg),
			  "Content-Length: 0\r\n\r\n"))
		mem_deref(leg);
}

static void session_refresh(void *arg)
{
	struct call *c = arg;

	if (!answered(c))
		return;
	refresh_leg(c, c->a);
	refresh_leg(c, c->winner);
	theap_start(c->p->d.theap, &c->t_refresh,
		    (uint64_t)c->p->d.conf->call_session_refresh_s * 1000,
		    session_refresh, c);
}

/* ---- in-dialog requests libre's session layer leaves to us -------------- */

static bool leg_cmp(struct le *le, void *arg)
{
	const struct leg *leg = le->data;
	const struct sip_msg *msg = arg;

	return leg->sess && sip_dialog_cmp(sipsess_dialog(leg->sess), msg);
}

static void handle_update(struct leg *leg, const struct sip_msg *msg)
{
	struct call *c = leg->call;
	struct pbx *p = c->p;
	struct leg *o = call_other(leg);
	struct mbuf *desc = NULL, *offer = NULL;
	int err;

	if (!mbuf_get_left(msg->mb)) {
		/* a session refresh: we are alive */
		(void)sip_treplyf(NULL, NULL, p->d.sip, msg, false, 200, "OK",
				  "Content-Length: 0\r\n\r\n");
		return;
	}
	if (!o || !o->sdp) {
		(void)sip_treply(NULL, p->d.sip, msg, 491, "Request Pending");
		return;
	}
	err = legsdp_decode(leg->sdp, msg->mb, true);
	if (!err)
		err = legsdp_answer_from(leg->sdp, o->sdp, &desc);
	if (err) {
		(void)sip_treply(NULL, p->d.sip, msg, 488,
				 "Not Acceptable Here");
		return;
	}
	relay_peer(c, leg, leg->in ? &leg->t.sig : &msg->src);
	(void)sip_treplyf(NULL, NULL, p->d.sip, msg, false, 200, "OK",
			  "Content-Type: application/sdp\r\n"
			  "Content-Length: %zu\r\n\r\n%b",
			  mbuf_get_left(desc), mbuf_buf(desc),
			  mbuf_get_left(desc));
	mem_deref(desc);
	if (o->sess && c->winner &&
	    !legsdp_offer_from(o->sdp, leg->sdp, &offer))
		(void)sipsess_modify(o->sess, offer);
	mem_deref(offer);
}

bool call_in_dialog(struct pbx *p, const struct sip_msg *msg)
{
	struct leg *leg = list_ledata(hash_lookup(p->legs,
						  hash_joaat_pl(&msg->callid),
						  leg_cmp, (void *)msg));

	if (!leg || leg->call->ended) {
		(void)sip_reply(p->d.sip, msg, 481,
				"Call/Transaction Does Not Exist");
		return true;
	}
	if (!sip_dialog_rseq_valid(sipsess_dialog(leg->sess), msg)) {
		(void)sip_reply(p->d.sip, msg, 500, "Server Internal Error");
		return true;
	}
	if (!pl_strcmp(&msg->met, "UPDATE"))
		handle_update(leg, msg);
	else
		(void)sip_reply(p->d.sip, msg, 481,
				"Call/Transaction Does Not Exist");
	return true;
}

/* ---- start ---------------------------------------------------------------- */

static bool invite_cmp(struct le *le, void *arg)
{
	const struct call *c = le->data;
	const struct sip_msg *msg = arg;

	return c->invite && !pl_strcmp(&msg->callid, c->a_callid) &&
	       !pl_cmp(&msg->from.tag, &c->invite->from.tag) &&
	       msg->cseq.num == c->invite->cseq.num;
}

static struct call *find_pending(struct pbx *p, const struct sip_msg *msg)
{
	return list_ledata(hash_lookup(p->calls, hash_joaat_pl(&msg->callid),
				       invite_cmp, (void *)msg));
}

bool call_is_retransmission(struct pbx *p, const struct sip_msg *msg)
{
	struct call *c = find_pending(p, msg);

	if (!c)
		return false;
	if (!pl_strcmp(&msg->met, "CANCEL")) {
		(void)sip_reply(p->d.sip, msg, 200, "OK");
		call_end(c, CDR_PARTY_CALLER, 487, "Request Terminated", 16,
			 CDR_CANCELLED);
		return true;
	}
	if (!c->a->sess)
		(void)sip_reply(p->d.sip, msg, 100, "Trying");
	return true;
}

static void reject_new(struct pbx *p, const struct sip_msg *msg,
		       uint16_t scode, const char *reason, uint16_t cause)
{
	(void)sip_treplyf(NULL, NULL, p->d.sip, msg, false, scode, reason,
			  "Reason: Q.850;cause=%u;text=\"%s\"\r\n"
			  "Content-Length: 0\r\n\r\n", cause,
			  q850_text(cause));
}

static void fill_cdr(struct call *c, const struct call_origin *o,
		     const struct call_route *r)
{
	struct cdr *cdr = c->cdr;

	random_uuid(cdr->uuid);
	cdr->tenant_id = o->tenant_id;
	cdr->site_id = o->site_id;
	cdr->caller_user_id = o->user_id;
	str_ncpy(cdr->caller, o->caller, sizeof(cdr->caller));
	str_ncpy(cdr->caller_name, o->caller_name, sizeof(cdr->caller_name));
	str_ncpy(cdr->dialled, r->dialled, sizeof(cdr->dialled));
	str_ncpy(cdr->callee, r->callee, sizeof(cdr->callee));
	str_ncpy(cdr->context, r->context ? r->context : "internal",
		 sizeof(cdr->context));
	cdr->start_ms = c->a->start_ms;
	if (o->trunk)
		cdr->trunk_id = o->trunk->cfg.id;
}

/* A call refused before it had legs still gets its CDR. */
static void cdr_for_refusal(struct pbx *p, const struct sip_msg *msg,
			    const struct call_origin *o,
			    const struct call_route *r, uint16_t scode,
			    uint16_t cause, enum cdr_disposition disp)
{
	struct cdr *cdr = calloc(1, sizeof(*cdr));
	struct cdr_leg *l;

	if (!cdr)
		return;
	random_uuid(cdr->uuid);
	cdr->tenant_id = o->tenant_id;
	cdr->site_id = o->site_id;
	cdr->caller_user_id = o->user_id;
	if (o->trunk)
		cdr->trunk_id = o->trunk->cfg.id;
	str_ncpy(cdr->caller, o->caller, sizeof(cdr->caller));
	str_ncpy(cdr->caller_name, o->caller_name, sizeof(cdr->caller_name));
	str_ncpy(cdr->dialled, r->dialled, sizeof(cdr->dialled));
	str_ncpy(cdr->callee, r->callee, sizeof(cdr->callee));
	str_ncpy(cdr->context, r->context ? r->context : "internal",
		 sizeof(cdr->context));
	cdr->start_ms = cdr->end_ms = call_now_ms();
	cdr->disposition = disp;
	cdr->sip_status = scode;
	cdr->q850_cause = cause;
	cdr->hangup_by = CDR_PARTY_SYSTEM;
	l = &cdr->legs[cdr->legc++];
	l->dir = CDR_LEG_IN;
	str_ncpy(l->peer, o->peer, sizeof(l->peer));
	l->device_id = o->device_id;
	(void)pl_strcpy(&msg->callid, l->sip_call_id, sizeof(l->sip_call_id));
	l->start_ms = l->end_ms = cdr->start_ms;
	l->status = scode;
	cdr_finish(cdr);
	if (cdr_submit(p->d.writer, cdr))
		log_warn("pbx/call", "CDR %s lost: writer refused it",
			 cdr->uuid);
}

/* Is the offer usable at all?  Checked before routing, so a broken offer
   is told as such whatever number it calls. */
static int offer_check(const struct sip_msg *msg)
{
	struct legsdp *l = NULL;
	struct sa none, rtp, rtcp;
	bool mux;
	int err;

	sa_init(&none, AF_INET);
	err = legsdp_alloc(&l, &none, &none);
	if (!err)
		err = legsdp_decode(l, msg->mb, true);
	/* a first offer must say where to send (no 0.0.0.0, no junk) */
	if (!err && !legsdp_remote(l, &rtp, &rtcp, &mux))
		err = EBADMSG;
	mem_deref(l);
	return err;
}

static void start_timers(struct call *c)
{
	struct pbx *p = c->p;

	theap_start(p->d.theap, &c->t_max,
		    (uint64_t)p->d.conf->call_max_duration_s * 1000,
		    max_duration, c);
	theap_start(p->d.theap, &c->t_refresh,
		    (uint64_t)p->d.conf->call_session_refresh_s * 1000,
		    session_refresh, c);
}

/* ---- services we answer ourselves (app.h) ------------------------------- */

static void app_hangup(void *arg)
{
	struct call *c = arg;

	call_end(c, CDR_PARTY_CALLEE, 0, NULL, 16, CDR_ANSWERED);
}

/*
 * A service hands its caller on (voicemail's call back): the service
 * stops, and the caller, answered already, hears ringback while dest
 * rings as if the caller had dialled it.  A destination that leads
 * nowhere ends the call.
 */
static void app_redirect(void *arg, const char *dest)
{
	struct call *c = arg;
	struct call_route r;
	char to[128];
	struct pl pl;

	if (c->ended)
		return;
	/* dest may live in the service, which goes now */
	str_ncpy(to, dest, sizeof(to));
	dest = to;
	app_stop(c->app);
	c->app = NULL;
	pl_set_str(&pl, dest);
	dialplan_from_device(c->p, &c->o, &pl, &r);
	if (r.kind != ROUTE_TARGETS && r.kind != ROUTE_TRUNKS) {
		tlog_info("pbx/call", c->slug, "call %s: %s leads nowhere",
			  c->cdr->uuid, dest);
		call_end(c, CDR_PARTY_SYSTEM, 0, NULL, 16, CDR_ANSWERED);
		return;
	}
	tlog_info("pbx/call", c->slug, "call %s: on to %s", c->cdr->uuid,
		  dest);
	c->a_up = true;   /* answered by the service: ring the other side */
	if (call_redirect(c, &r))
		call_end(c, CDR_PARTY_SYSTEM, 0, NULL, 16, CDR_ANSWERED);
}

/* ---- DTMF between two phones that take it differently ------------------ */

static void leg_dtmf_mode(struct call *c, struct leg *leg, int64_t device_id)
{
	struct store_device d;

	leg->dtmf = LEG_DTMF_RFC4733;
	if (device_id &&
	    !store_device_get(c->p->d.st, c->o.tenant_id, device_id, &d)) {
		const char *m = store_device_dtmf_mode(&d);

		if (!strcmp(m, "inband"))
			leg->dtmf = LEG_DTMF_INBAND;
		else if (!strcmp(m, "info"))
			leg->dtmf = LEG_DTMF_INFO;
	}
	/* a phone that takes no events is never offered them */
	legsdp_set_events(leg->sdp, leg->dtmf == LEG_DTMF_RFC4733);
}

/*
 * A digit from one side's phone, for the other side's: the relay passed
 * it on as it came when the other phone agreed RFC 4733 events; else it
 * held it back, and it goes as SIP INFO (dtmf-relay) or as tones in the
 * audio, as that phone takes digits.  Also for a digit that came by INFO.
 */
static void dtmf_to(struct call *c, struct leg *to, char digit, bool via_info)
{
	struct media_codec mc;
	bool events = legsdp_agreed(to->sdp, &mc) && mc.dtmf_pt >= 0;
	char body[48], d[2] = {digit, '\0'};
	struct mbuf *mb;

	if (!to->sess || to->closed)
		return;
	if (to->dtmf == LEG_DTMF_INFO) {
		if (!via_info && events)
			return;   /* the events went through untouched */
		(void)re_snprintf(body, sizeof(body),
				  "Signal=%c\r\nDuration=160\r\n", digit);
		mb = mbuf_alloc(sizeof(body));
		if (!mb)
			return;
		(void)mbuf_write_str(mb, body);
		mb->pos = 0;
		(void)sipsess_info(to->sess, "application/dtmf-relay", mb,
				   info_resp, NULL);
		mem_deref(mb);
		return;
	}
	if (!via_info && events)
		return;           /* relayed as they came */
	/* RFC 4733 when agreed (a digit that came by INFO), else in band */
	(void)media_relay_send_dtmf(c->relay, to->side, d);
}

static void media_event(const struct media_event *ev, void *arg)
{
	struct call *c = arg;

	if (c->ended)
		return;
	if (c->app) {
		if (app_media_event(c->app, ev) == APP_HANG_UP)
			app_hangup(c);
		return;
	}
	if (recpolicy_event(c->relay, ev))
		return;   /* the recording notice ended */
	if (ev->type == MEDIA_EV_PLAY_DONE && c->parker &&
	    ev->side == c->parker->side) {
		park_announced(c);
		return;
	}
	if (ev->type == MEDIA_EV_DTMF) {
		struct leg *from = call_leg_on(c, ev->side);

		/* *2, *3, *6 ...: for us, not for the other party */
		if (from && incall_digit(c, from, ev->digit))
			return;
	}
	/* a bridged call: a digit from one phone may need turning into
	   what the other phone takes */
	if (ev->type == MEDIA_EV_DTMF && ev->via == MEDIA_DTMF_RFC4733 &&
	    c->winner) {
		struct leg *to = call_leg_on(c, ev->side == MEDIA_A ? MEDIA_B
								    : MEDIA_A);

		if (to)
			dtmf_to(c, to, ev->digit, false);
	}
}

static int start_app(struct call *c)
{
	struct mbuf *desc = NULL;
	int err;

	err = local_desc(c->a, &desc);
	if (err) {
		tlog_info("pbx/call", c->slug, "%s: no codec of the caller's "
			  "we can play to: %m", app_name(c->r.app), err);
		mem_deref(desc);
		call_end(c, CDR_PARTY_SYSTEM, 488, "Not Acceptable Here", 65,
			 CDR_FAILED);
		return EPROTO;
	}
	relay_peer(c, c->a, &c->a->t.sig);
	media_relay_set_events(c->relay, media_event, c);
	/* a service after ringing someone (voicemail): the caller's session
	   exists already, for the ringing it was told about */
	if (c->a->sess)
		err = sipsess_answer(c->a->sess, 200, "OK", desc,
				     "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
				     "UPDATE, INFO, REFER\r\n");
	else
		err = accept_a(c, 200, "OK", desc);
	mem_deref(desc);
	if (!err)
		err = app_start(&c->app, c->p, &c->r, c->cdr->uuid,
				c->relay, &c->o, app_hangup, app_redirect, c);
	if (err) {
		tlog_warn("pbx/call", c->slug, "%s: %m", app_name(c->r.app),
			  err);
		call_end(c, CDR_PARTY_SYSTEM, 500, "Server Internal Error", 41,
			 CDR_FAILED);
		return err;
	}
	c->app_answered = true;
	c->a->answer_ms = call_now_ms();
	c->a->status = 200;
	start_timers(c);
	call_parties_update(c);
	return 0;
}

int call_start(struct pbx *p, const struct sip_msg *invite,
	       const struct call_origin *o, const struct call_route *r)
{
	struct call *c;
	struct leg *a;
	struct sockaddr_storage s1, s2;
	int err;

	err = mbuf_get_left(invite->mb) ? offer_check(invite) : 0;
	if (err && err != ENOMEM) {
		tlog_info("pbx/call", o->tenant_slug, "INVITE from %J: offer "
			  "refused: %m", &invite->src, err);
		reject_new(p, invite, 488, "Not Acceptable Here", 65);
		cdr_for_refusal(p, invite, o, r, 488, 65, CDR_FAILED);
		trunk_release(o->trunk);
		return EPROTO;
	}

	/* pickup, park retrieval, *11: the INVITE joins a call there is */
	if (r->kind == ROUTE_APP && r->app == APP_TAKE) {
		struct call_route r2;

		if (take_invite(p, invite, o)) {
			trunk_release(o->trunk);
			return 0;
		}
		/* nothing to take: the caller hears that it was refused */
		r2 = *r;
		r2.app = APP_FEATURE;
		return call_start(p, invite, o, &r2);
	}

	if (r->kind == ROUTE_REJECT) {
		reject_new(p, invite, r->scode, r->reason, r->q850);
		cdr_for_refusal(p, invite, o, r, r->scode, r->q850, r->disp);
		trunk_release(o->trunk);
		return ENOENT;
	}

	if (!pbx_tenant_take(p, o->tenant_id)) {
		tlog_info("pbx/call", o->tenant_slug, "call to %s refused: "
			  "the tenant's concurrent call limit is reached",
			  r->callee);
		reject_new(p, invite, 503, "Call Limit Reached", 34);
		cdr_for_refusal(p, invite, o, r, 503, 34, CDR_FAILED);
		trunk_release(o->trunk);
		return EBUSY;
	}

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c) {
		pbx_tenant_release(p, o->tenant_id);
		reject_new(p, invite, 500, "Server Internal Error", 41);
		trunk_release(o->trunk);
		return ENOMEM;
	}
	c->p = p;
	c->o = *o;
	c->r = *r;
	c->branch_side = MEDIA_B;
	c->o.tenant_slug = NULL;
	str_ncpy(c->slug, o->tenant_slug ? o->tenant_slug : "",
		 sizeof(c->slug));
	c->o.tenant_slug = c->slug;
	(void)pl_strcpy(&invite->callid, c->a_callid, sizeof(c->a_callid));
	c->invite = mem_ref((void *)invite);
	list_append(&p->all, &c->le, c);
	hash_append(p->calls, hash_joaat_str(c->a_callid), &c->he, c);
	p->count++;

	c->cdr = calloc(1, sizeof(*c->cdr));
	a = mem_zalloc(sizeof(*a), leg_destructor);
	if (!c->cdr || !a) {
		mem_deref(a);
		err = ENOMEM;
		goto fail;
	}
	c->a = a;
	a->call = c;
	a->in = true;
	a->side = MEDIA_A;
	a->start_ms = call_now_ms();
	a->t.device_id = o->device_id;
	a->t.user_id = o->user_id;
	a->t.sig = invite->src;
	str_ncpy(a->t.peer, o->peer, sizeof(a->t.peer));
	(void)pl_strcpy(&invite->callid, a->callid, sizeof(a->callid));
	fill_cdr(c, o, r);

	err = media_relay_alloc(p->d.media, &c->relay);
	if (err) {
		tlog_warn("pbx/call", c->slug, "no media ports: %m", err);
		call_end(c, CDR_PARTY_SYSTEM, 503, "Service Unavailable", 34,
			 CDR_FAILED);
		return err;
	}
	media_relay_set_events(c->relay, media_event, c);
	media_relay_local(c->relay, MEDIA_A, &s1, &s2);
	ss_to_sa(&c->ra_rtp, &s1);
	ss_to_sa(&c->ra_rtcp, &s2);
	media_relay_local(c->relay, MEDIA_B, &s1, &s2);
	ss_to_sa(&c->rb_rtp, &s1);
	ss_to_sa(&c->rb_rtcp, &s2);

	err = legsdp_alloc(&a->sdp, &c->ra_rtp, &c->ra_rtcp);
	if (!err)
		leg_dtmf_mode(c, a, o->device_id);
	if (err)
		goto fail;
	err = take_offer(a, invite);
	if (err == ENOMEM)
		goto fail;
	if (err) {
		tlog_info("pbx/call", c->slug, "INVITE from %J: offer "
			  "refused: %m", &invite->src, err);
		call_end(c, CDR_PARTY_SYSTEM, 488, "Not Acceptable Here", 65,
			 CDR_FAILED);
		return EPROTO;
	}
	relay_peer(c, a, &invite->src);

	(void)sip_reply(p->d.sip, invite, 100, "Trying");

	if (r->kind == ROUTE_APP)
		return start_app(c);

	err = ring(c);
	if (err)
		return err;
	start_timers(c);
	return 0;

 fail:
	call_end(c, CDR_PARTY_SYSTEM, 500, "Server Internal Error", 41,
		 CDR_FAILED);
	return err;
}

void call_end_all(struct pbx *p)
{
	struct le *le = list_head(&p->all);

	while (le) {
		struct call *c = le->data;
		le = le->next;
		call_end(c, CDR_PARTY_SYSTEM, 503, "Service Unavailable", 41,
			 CDR_FAILED);
	}
}

bool call_user_busy(struct pbx *p, int64_t tenant_id, int64_t user_id)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		const struct call *c = le->data;

		if (c->ended || c->o.tenant_id != tenant_id)
			continue;
		if (c->a && c->a->t.user_id == user_id)
			return true;
		if (c->winner) {
			if (c->winner->t.user_id == user_id)
				return true;
			continue;
		}
		if (!c->app_answered && c->r.callee_user_id == user_id)
			return true;
		for (struct le *l = list_head(&c->outs); l; l = l->next) {
			const struct leg *leg = l->data;
			if (!leg->closed && leg->t.user_id == user_id)
				return true;
		}
	}
	return false;
}

/* ---- the API's view ----------------------------------------------------- */

static struct call *call_by_uuid(struct pbx *p, int64_t tenant_id,
				 const char *uuid)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		struct call *c = le->data;

		if (!c->ended && c->cdr && c->o.tenant_id == tenant_id &&
		    !strcmp(c->cdr->uuid, uuid))
			return c;
	}
	return NULL;
}

void call_foreach(struct pbx *p, int64_t tenant_id, call_info_h *h,
		  void *arg)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		struct call *c = le->data;
		struct call_info ci;

		if (c->ended || !c->cdr || c->o.tenant_id != tenant_id)
			continue;
		memset(&ci, 0, sizeof(ci));
		str_ncpy(ci.uuid, c->cdr->uuid, sizeof(ci.uuid));
		str_ncpy(ci.caller, c->cdr->caller, sizeof(ci.caller));
		str_ncpy(ci.callee, c->cdr->callee, sizeof(ci.callee));
		str_ncpy(ci.context, c->cdr->context, sizeof(ci.context));
		ci.state = answered(c) ? "talking" : "ringing";
		ci.start_ms = c->cdr->start_ms;
		ci.answer_ms = answered(c) ? c->a->answer_ms : 0;
		ci.recording_id = c->rec_id;
		ci.recording_paused = c->rec_paused;
		h(&ci, arg);
	}
}

int call_record(struct pbx *p, int64_t tenant_id, const char *uuid,
		enum call_rec_action action, enum media_rec_mode mode,
		int64_t *idp)
{
	struct call *c = call_by_uuid(p, tenant_id, uuid);
	int err = 0;

	if (!c)
		return ENOENT;
	if (!answered(c) || !c->relay)
		return EBUSY;
	if (action == CALL_REC_START ? c->rec_id != 0 : c->rec_id == 0)
		return EALREADY;
	if (action == CALL_REC_START &&
	    recpolicy_of(p, tenant_id, c->o.user_id, c->r.callee_user_id,
			 NULL) == REC_NEVER)
		return EPERM;
	switch (action) {
	case CALL_REC_START:
		err = recording_start(p, tenant_id, uuid, c->relay, mode,
				      &c->rec_id);
		c->rec_paused = false;
		break;
	case CALL_REC_PAUSE:
	case CALL_REC_RESUME:
		err = media_relay_record_pause(c->relay,
					       action == CALL_REC_PAUSE);
		if (!err)
			c->rec_paused = action == CALL_REC_PAUSE;
		break;
	case CALL_REC_STOP:
		err = media_relay_record_stop(c->relay);
		break;
	}
	if (idp)
		*idp = c->rec_id;
	if (action == CALL_REC_STOP && !err)
		c->rec_id = 0;
	return err;
}

/* ---- changing a call in progress (callpriv.h) ----------------------------- */

struct leg *call_leg_on(struct call *c, enum media_side side)
{
	if (c->a && c->a->side == side)
		return c->a;
	if (c->winner && c->winner->side == side)
		return c->winner;
	return NULL;
}

void call_drop_leg(struct call *c, struct leg *gone)
{
	struct leg *keep = call_other(gone);

	gone->closed = true;
	gone->end_ms = call_now_ms();
	leg_unlink(gone);
	gone->sess = mem_deref(gone->sess);   /* BYE */
	c->held_by = NULL;
	if (gone == c->a && keep) {
		/* the call is kept for the party that stays */
		list_unlink(&keep->le);
		c->a = keep;
		list_append(&c->outs, &gone->le, gone);
	}
	c->winner = NULL;
	c->branch_side = gone->side;
	call_parties_update(c);
}

int call_redirect(struct call *c, const struct call_route *r)
{
	if (r->kind != ROUTE_TARGETS && r->kind != ROUTE_TRUNKS)
		return EINVAL;
	/* the record keeps who forwarded the first party */
	if (c->r.hopc && !c->cdr->forwarded_by[0]) {
		str_ncpy(c->cdr->forwarded_by, c->r.hops[0].ext,
			 sizeof(c->cdr->forwarded_by));
		str_ncpy(c->cdr->forward_reason,
			 forward_reason_name(c->r.hops[0].why),
			 sizeof(c->cdr->forward_reason));
	}
	c->r = *r;
	(void)media_relay_tone(c->relay, c->a->side, "", TONE_RINGBACK);
	return ring(c);
}

int call_adopt(struct call *c, const struct sip_msg *invite,
	       const struct call_origin *o, struct leg *replace)
{
	bool ringing = !answered(c);
	struct mbuf *desc = NULL, *adesc = NULL;
	struct leg *leg;
	int err;

	leg = mem_zalloc(sizeof(*leg), leg_destructor);
	if (!leg)
		return ENOMEM;
	leg->call = c;
	leg->in = true;
	leg->side = replace ? replace->side : c->branch_side;
	leg->start_ms = call_now_ms();
	leg->t.device_id = o->device_id;
	leg->t.user_id = o->user_id;
	leg->t.sig = invite->src;
	str_ncpy(leg->t.peer, o->peer, sizeof(leg->t.peer));
	(void)pl_strcpy(&invite->callid, leg->callid, sizeof(leg->callid));

	err = leg_sdp_alloc(c, leg);
	if (!err)
		leg_dtmf_mode(c, leg, o->device_id);
	if (!err)
		err = take_offer(leg, invite);
	/* each phone is answered with a codec of its own offer; the relay
	   bridges the two when they differ */
	if (!err)
		err = local_desc(leg, &desc);
	if (!err && ringing)
		err = local_desc(c->a, &adesc);
	if (!err)
		err = sipsess_accept(&leg->sess, c->p->sock, invite, 200, "OK",
				     c->p->contact_user, "application/sdp",
				     desc, NULL, NULL, false, leg_offer_h,
				     leg_answer_h, leg_estab_h, leg_info_h,
				     leg_refer_h, leg_close_h, leg,
				     "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
				     "UPDATE, INFO, REFER\r\n");
	mem_deref(desc);
	if (err) {
		mem_deref(adesc);
		mem_deref(leg);
		return err;
	}
	register_leg(c, leg);
	list_append(&c->outs, &leg->le, leg);
	relay_peer(c, leg, &invite->src);
	leg->answer_ms = call_now_ms();
	leg->status = 200;

	if (replace)
		call_drop_leg(c, replace);
	if (ringing) {
		struct theap *th = c->p->d.theap;

		theap_cancel(th, &c->t_ring);
		theap_cancel(th, &c->t_trunk);
		theap_cancel(th, &c->t_step);
		cancel_branches(c, leg, leg->answer_ms);
		relay_peer(c, c->a, &c->a->t.sig);
		err = c->a->sess ? sipsess_answer(c->a->sess, 200, "OK", adesc,
						  "Allow: INVITE, ACK, BYE, "
						  "CANCEL, OPTIONS, UPDATE, "
						  "INFO, REFER\r\n")
				 : accept_a(c, 200, "OK", adesc);
		c->a->answer_ms = leg->answer_ms;
	}
	mem_deref(adesc);
	c->winner = leg;
	c->a_up = true;
	c->r.callee_user_id = o->user_id;
	c->cdr->callee_user_id = o->user_id;
	(void)media_relay_hear(c->relay, c->a->side, MEDIA_HEAR_PEER);
	(void)media_relay_hear(c->relay, leg->side, MEDIA_HEAR_PEER);
	/* a parked or held party now talks to whoever took it (a caller
	   picked up while ringing is only being answered: nothing to tell) */
	if (!err && !ringing)
		call_tell_connected(c, c->a, c, leg);
	call_parties_update(c);
	if (err) {
		call_end(c, CDR_PARTY_SYSTEM, 0, NULL, 41, CDR_FAILED);
		return 0;   /* the new phone was answered, then told */
	}
	return 0;
}

struct call *call_by_callid(struct pbx *p, int64_t tenant_id,
			    const struct pl *callid, struct leg **legp)
{
	for (struct le *le = list_head(&p->all); le; le = le->next) {
		struct call *c = le->data;
		struct leg *l[2];

		if (c->ended || c->o.tenant_id != tenant_id)
			continue;
		l[0] = c->a;
		l[1] = c->winner;
		for (size_t i = 0; i < 2; i++) {
			if (l[i] && !pl_strcmp(callid, l[i]->callid)) {
				*legp = l[i];
				return c;
			}
		}
	}
	return NULL;
}

void call_party_origin(struct call *c, struct leg *leg, struct call_origin *o)
{
	struct store_user u;

	*o = c->o;
	if (leg == c->a && leg->in)
		return;
	o->trunk = NULL;
	o->diversions = 0;
	o->device_id = leg->t.device_id;
	o->user_id = leg->t.user_id;
	o->site_id = 0;
	o->caller_name[0] = '\0';
	str_ncpy(o->peer, leg->t.peer, sizeof(o->peer));
	str_ncpy(o->caller, leg->t.peer, sizeof(o->caller));
	o->caller[strcspn(o->caller, "@")] = '\0';
	if (o->user_id &&
	    !store_user_get(c->p->d.st, o->tenant_id, o->user_id, &u)) {
		o->site_id = u.site_id;
		if (u.extension[0])
			str_ncpy(o->caller, u.extension, sizeof(o->caller));
		str_ncpy(o->caller_name, u.name, sizeof(o->caller_name));
	}
}

static void connected_resp(int err, const struct sip_msg *msg, void *arg)
{
	/* a phone that refuses the UPDATE (405, 501) just shows no name */
	(void)err;
	(void)msg;
	mem_deref(arg);
}

/* a display name fit for a quoted string: no quote, backslash or
   control character */
static void quotable(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		if ((unsigned char)*in >= 0x20 && *in != '"' && *in != '\\' &&
		    *in != 0x7f)
			out[n++] = *in;
	out[n] = '\0';
}

void call_tell_connected(struct call *c, struct leg *to, struct call *wc,
			 struct leg *who)
{
	struct call_origin o;
	struct sip_dialog *dlg;
	char name[64];
	bool phone = to->t.device_id ||
		     (to == c->a && to->in && c->o.device_id);

	if (!phone || to->trunk || !to->sess || to->closed || !who)
		return;
	dlg = sipsess_dialog(to->sess);
	if (!dlg || !sip_dialog_established(dlg))
		return;
	call_party_origin(wc, who, &o);
	quotable(name, sizeof(name), o.caller_name);
	if (sip_drequestf(NULL, c->p->d.sip, true, "UPDATE", dlg, 0, NULL,
			  NULL, connected_resp, mem_ref(to),
			  "P-Asserted-Identity: \"%s\" <sip:%s@%s>\r\n"
			  "Content-Length: 0\r\n\r\n",
			  name, o.caller, c->o.domain))
		mem_deref(to);
}

void call_notify_refer(struct call *c, struct leg *leg, uint16_t scode,
		       const char *reason, bool final)
{
	char frag[80];
	int err;

	if (!leg->sess || leg->closed)
		return;
	(void)re_snprintf(frag, sizeof(frag), "SIP/2.0 %u %s\r\n", scode,
			  reason);
	err = sip_drequestf(NULL, c->p->d.sip, true, "NOTIFY",
			    sipsess_dialog(leg->sess), 0, NULL, NULL, NULL,
			    NULL, "Event: refer\r\n"
			    "Subscription-State: %s\r\n"
			    "Content-Type: message/sipfrag;version=2.0\r\n"
			    "Content-Length: %zu\r\n\r\n%s",
			    final ? "terminated;reason=noresource"
				  : "active;expires=60", strlen(frag), frag);
	if (err)
		tlog_info("pbx/call", c->slug, "NOTIFY to %s: %m", leg->t.peer,
			  err);
}

/* A REFER on a leg: transfer.c decides; only the parties of an answered
   call may transfer it. */
static void leg_refer_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct leg *leg = arg;
	struct call *c = leg->call;

	if (!c || c->ended || !c->winner ||
	    (leg != c->a && leg != c->winner)) {
		(void)sip_reply(sip, msg, 603, "Declined");
		return;
	}
	transfer_refer(c, leg, msg);
}
