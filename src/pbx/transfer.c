/**
 * @file transfer.c  Transfers, through the B2BUA.
 *
 * Blind (a REFER to a number, or *2<number># typed in the call): the
 * transferor's leg leaves and the party it talked to (the transferee)
 * keeps its leg and the relay; it hears ringback while the number rings
 * on the side the transferor left, then talks to whoever answers.  A
 * transferee that only ever sees our relay needs no re-INVITE: the
 * relay bridges codecs if the new party's differ.  The transferor gets
 * 202, then NOTIFY sipfrag 100 and 200 once the number rings, or the
 * failure (404 ...) and it keeps its call.
 *
 * Attended (REFER with Replaces naming the transferor's other call):
 * the transferee of this call and the other party of that call are
 * joined (incall.c's join: the two relays meet in a conference), and
 * the transferor leaves both.
 *
 * The call's record says "transfer" and who did it.
 */
#include <re.h>
#include <string.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "pbx/callpriv.h"
#include "pbx/dialplan.h"
#include "pbx/priv.h"
#include "pbx/transfer.h"

int transfer_blind(struct call *c, struct leg *transferor, const char *dest,
		   bool notify)
{
	struct call_origin o;
	struct call_route *r;
	struct pl d;
	int err;

	/* the number as the transferor would dial it, with their rights */
	call_party_origin(c, transferor, &o);
	r = mem_zalloc(sizeof(*r), NULL);
	if (!r)
		return ENOMEM;
	pl_set_str(&d, dest);
	dialplan_from_device(c->p, &o, &d, r);
	if (r->kind != ROUTE_TARGETS && r->kind != ROUTE_TRUNKS) {
		uint16_t sc = r->kind == ROUTE_REJECT ? r->scode : 488;

		tlog_info("pbx/transfer", c->slug, "call %s: %s cannot "
			  "transfer to %s (%u)", c->cdr->uuid, o.caller, dest,
			  sc);
		if (notify)
			call_notify_refer(c, transferor, sc,
					  r->kind == ROUTE_REJECT && r->reason
					  ? r->reason : "Not Acceptable Here",
					  true);
		mem_deref(r);
		return ENOENT;
	}
	tlog_info("pbx/transfer", c->slug, "call %s: %s transfers %s to %s",
		  c->cdr->uuid, o.caller, call_other(transferor)->t.peer, dest);
	str_ncpy(c->cdr->feature, "transfer", sizeof(c->cdr->feature));
	str_ncpy(c->cdr->feature_by, o.caller, sizeof(c->cdr->feature_by));
	if (notify)
		call_notify_refer(c, transferor, 200, "OK", true);
	call_drop_leg(c, transferor);
	err = call_redirect(c, r);   /* on failure the call has ended */
	mem_deref(r);
	return err;
}

/* the Call-ID of a Replaces URI header ("<callid>;to-tag=...") */
static bool replaces_callid(const struct pl *headers, char *out, size_t size)
{
	struct pl v;
	char esc[256];
	struct pl pesc;
	int n;

	if (re_regex(headers->p, headers->l, "Replaces=[^&]+", &v))
		return false;
	/* it comes %-escaped in the URI */
	n = re_snprintf(esc, sizeof(esc), "%H", uri_header_unescape, &v);
	if (n <= 0)
		return false;
	pl_set_str(&pesc, esc);
	if (re_regex(pesc.p, pesc.l, "[^;]+", &v))
		return false;
	return !pl_strcpy(&v, out, size);
}

void transfer_refer(struct call *c, struct leg *leg, const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	struct sip *sip = c->p->d.sip;
	struct sip_addr addr;
	char dest[64], callid[200];

	if (!h || sip_addr_decode(&addr, &h->val) ||
	    pl_strcpy(&addr.uri.user, dest, sizeof(dest)) || !dest[0]) {
		(void)sip_reply(sip, msg, 400, "Bad Refer-To");
		return;
	}
	(void)sip_reply(sip, msg, 202, "Accepted");
	call_notify_refer(c, leg, 100, "Trying", false);
	if (pl_isset(&addr.uri.headers) &&
	    replaces_callid(&addr.uri.headers, callid, sizeof(callid))) {
		struct pl cid;

		pl_set_str(&cid, callid);
		if (transfer_attended(c, leg, &cid))
			call_notify_refer(c, leg, 481,
					  "Call Does Not Exist", true);
		return;
	}
	(void)transfer_blind(c, leg, dest, true);
}

int transfer_attended(struct call *c, struct leg *transferor,
		      const struct pl *other_callid)
{
	struct leg *other_leg = NULL;
	struct call *c2 = call_by_callid(c->p, c->o.tenant_id, other_callid,
					 &other_leg);
	struct call_origin o;

	/* the other call must be the transferor's own, and talking */
	if (!c2 || c2 == c || !c2->winner || !other_leg ||
	    !transferor->t.user_id ||
	    other_leg->t.user_id != transferor->t.user_id)
		return ENOENT;
	call_party_origin(c, transferor, &o);
	tlog_info("pbx/transfer", c->slug, "call %s: %s joins %s and %s",
		  c->cdr->uuid, o.caller, call_other(transferor)->t.peer,
		  call_other(other_leg)->t.peer);
	str_ncpy(c->cdr->feature, "transfer", sizeof(c->cdr->feature));
	str_ncpy(c->cdr->feature_by, o.caller, sizeof(c->cdr->feature_by));
	str_ncpy(c2->cdr->feature, "transfer", sizeof(c2->cdr->feature));
	str_ncpy(c2->cdr->feature_by, o.caller, sizeof(c2->cdr->feature_by));
	if (incall_join(c, c2, transferor, other_leg))
		return EIO;
	call_notify_refer(c, transferor, 200, "OK", true);
	/* each phone shows the party it now talks to */
	call_tell_connected(c, call_other(transferor), c2,
			    call_other(other_leg));
	call_tell_connected(c2, call_other(other_leg), c,
			    call_other(transferor));
	call_drop_leg(c, transferor);
	call_drop_leg(c2, other_leg);
	return 0;
}
