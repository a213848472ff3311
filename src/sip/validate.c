/**
 * @file validate.c  Validation pass over decoded SIP messages.
 */
#include <re.h>
#include <string.h>
#include "sip/validate.h"

static bool is_token(const struct pl *pl)
{
	static const char extra[] = "-.!%*_+`'~";

	if (!pl->l)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		char c = pl->p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr(extra, c)))
			return false;
	}
	return true;
}

static bool is_digits(const struct pl *pl, size_t maxlen)
{
	if (!pl->l || pl->l > maxlen)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
	}
	return true;
}

/* libre reads the CSeq number with a wrapping conversion: check the text */
static bool cseq_number_ok(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CSEQ);
	uint64_t n = 0;
	size_t i = 0;

	if (!h)
		return false;
	while (i < h->val.l && (h->val.p[i] == ' ' || h->val.p[i] == '\t'))
		i++;
	size_t start = i;
	while (i < h->val.l && h->val.p[i] >= '0' && h->val.p[i] <= '9') {
		n = n * 10 + (uint64_t)(h->val.p[i] - '0');
		if (++i - start > 10)
			return false;
	}
	return i > start && n <= 0x7fffffffu && i < h->val.l &&
	       (h->val.p[i] == ' ' || h->val.p[i] == '\t');
}

static enum sipv_verdict bad(uint16_t *scodep, const char **reasonp,
			     uint16_t scode, const char *reason)
{
	*scodep = scode;
	*reasonp = reason;
	return SIPV_REPLY;
}

enum sipv_verdict sip_validate(const struct sip_msg *msg, size_t max_bytes,
			       uint16_t *scodep, const char **reasonp)
{
	size_t body;

	if (!msg || !msg->mb)
		return SIPV_DROP;

	/* without a usable Via there is nowhere to send an answer */
	if (!pl_isset(&msg->via.sentby) || !pl_isset(&msg->via.branch) ||
	    !sa_isset(&msg->via.addr, SA_ADDR))
		return SIPV_DROP;

	if (!msg->req)
		return SIPV_OK;  /* responses are checked by their consumers */

	if (msg->mb->end > max_bytes)
		return bad(scodep, reasonp, 513, "Message Too Large");

	if (!is_token(&msg->met))
		return bad(scodep, reasonp, 400, "Bad Request Method");

	if (pl_strcasecmp(&msg->uri.scheme, "sip") &&
	    pl_strcasecmp(&msg->uri.scheme, "sips"))
		return bad(scodep, reasonp, 416, "Unsupported URI Scheme");
	if (!pl_isset(&msg->uri.host))
		return bad(scodep, reasonp, 400, "Bad Request-URI");

	if (!pl_isset(&msg->to.auri) || !pl_isset(&msg->to.uri.host))
		return bad(scodep, reasonp, 400, "Missing or Bad To");
	if (!pl_isset(&msg->from.auri) || !pl_isset(&msg->from.uri.host))
		return bad(scodep, reasonp, 400, "Missing or Bad From");
	if (!pl_isset(&msg->callid) || msg->callid.l > 255)
		return bad(scodep, reasonp, 400, "Missing or Bad Call-ID");

	if (!pl_isset(&msg->cseq.met) || pl_cmp(&msg->cseq.met, &msg->met))
		return bad(scodep, reasonp, 400, "CSeq Method Mismatch");
	if (!cseq_number_ok(msg))
		return bad(scodep, reasonp, 400, "Bad CSeq Number");

	if (!is_digits(&msg->maxfwd, 3) || pl_u32(&msg->maxfwd) > 255)
		return bad(scodep, reasonp, 400, "Missing or Bad Max-Forwards");

	if (sip_msg_hdr_count(msg, SIP_HDR_TO) != 1 ||
	    sip_msg_hdr_count(msg, SIP_HDR_FROM) != 1 ||
	    sip_msg_hdr_count(msg, SIP_HDR_CALL_ID) != 1 ||
	    sip_msg_hdr_count(msg, SIP_HDR_CSEQ) != 1)
		return bad(scodep, reasonp, 400, "Duplicate Header");

	body = mbuf_get_left(msg->mb);
	if (pl_isset(&msg->clen)) {
		if (!is_digits(&msg->clen, 9))
			return bad(scodep, reasonp, 400, "Bad Content-Length");
		if (pl_u32(&msg->clen) > body)
			return bad(scodep, reasonp, 400,
				   "Content-Length Beyond Message");
	}
	else if (msg->tp != SIP_TRANSP_UDP) {
		return bad(scodep, reasonp, 400, "Missing Content-Length");
	}

	return SIPV_OK;
}
