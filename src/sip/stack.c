/**
 * @file stack.c  The SIP front door.
 */
#include <re.h>
#include <string.h>
#include <sys/socket.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/strutil.h"
#include "sip/ban.h"
#include "sip/options.h"
#include "sip/overload.h"
#include "sip/registrar.h"
#include "sip/stack.h"
#include "sip/validate.h"

struct sipstack {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	const struct conf *conf;         /**< borrowed */
	struct ban_table *bans;          /**< borrowed */
	struct registrar *reg;           /**< borrowed */
	sipstack_call_h *callh;          /**< the call layer, above us */
	void *call_arg;
	sipstack_req_h *evh;             /**< presence, above us */
	void *ev_arg;
	sipstack_req_h *msgh;            /**< chat, above us */
	void *msg_arg;
	sipstack_register_h *regh;       /**< after a REGISTER */
	void *reg_arg;
	struct overload ov;
};

static void destructor(void *arg)
{
	struct sipstack *ss = arg;

	ss->lsnr = mem_deref(ss->lsnr);
	if (ss->sip)
		sip_close(ss->sip, true);
	ss->sip = mem_deref(ss->sip);
}

/* refuse new work while the receive queue stays full */
static void shed(struct sipstack *ss, const struct sip_msg *msg)
{
	metrics_inc(M_SIP_SHED_503);
	(void)sip_replyf(ss->sip, msg, 503, "Service Unavailable",
			 "Retry-After: %u\r\n"
			 "Content-Length: 0\r\n\r\n",
			 5 + (rand_u16() % 10));
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct sipstack *ss = arg;
	const char *reason = NULL;
	uint16_t scode = 0;

	metrics_inc(M_SIP_RX_REQUESTS);

	if (ban_check(ss->bans, &msg->src)) {
		metrics_inc(M_SIP_BANNED_DROPS);
		return true;
	}

	switch (sip_validate(msg, (size_t)ss->conf->sip_max_message_bytes,
			     &scode, &reason)) {
	case SIPV_OK:
		break;
	case SIPV_DROP:
		metrics_inc(M_SIP_MALFORMED);
		log_debug("sip", "dropped unanswerable message from %J",
			  &msg->src);
		return true;
	case SIPV_REPLY:
		metrics_inc(scode == 513 ? M_SIP_OVERSIZE : M_SIP_MALFORMED);
		log_debug("sip", "%r from %J refused: %u %s", &msg->met,
			  &msg->src, scode, reason);
		(void)sip_reply(ss->sip, msg, scode, reason);
		return true;
	}

	overload_sample(&ss->ov, msg);

	if (!pl_strcmp(&msg->met, "REGISTER")) {
		/* overloaded: finish challenges in progress, refuse new ones */
		if (overload_shed(&ss->ov) &&
		    !sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION)) {
			shed(ss, msg);
			return true;
		}
		registrar_handle(ss->reg, msg);
		/* a challenge changes nothing: only answers with credentials
		   may have moved bindings */
		if (ss->regh && sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION))
			ss->regh(msg, ss->reg_arg);
	}
	else if (!pl_strcmp(&msg->met, "OPTIONS")) {
		options_handle(ss->sip, msg);
	}
	else if (ss->callh && (!pl_strcmp(&msg->met, "INVITE") ||
				!pl_strcmp(&msg->met, "ACK") ||
				!pl_strcmp(&msg->met, "BYE") ||
				!pl_strcmp(&msg->met, "INFO") ||
				!pl_strcmp(&msg->met, "REFER"))) {
		/* a new call while overloaded: refuse it before any work */
		if (!pl_strcmp(&msg->met, "INVITE") && !pl_isset(&msg->to.tag) &&
		    overload_shed(&ss->ov)) {
			shed(ss, msg);
			return true;
		}
		/* libre's session layer, listening after us, takes these */
		return false;
	}
	else if (ss->evh && (!pl_strcmp(&msg->met, "SUBSCRIBE") ||
			      !pl_strcmp(&msg->met, "NOTIFY") ||
			      !pl_strcmp(&msg->met, "PUBLISH"))) {
		/* a new subscription is work: not while overloaded */
		if (!pl_strcmp(&msg->met, "SUBSCRIBE") &&
		    !pl_isset(&msg->to.tag) && overload_shed(&ss->ov) &&
		    !sip_msg_hdr(msg, SIP_HDR_PROXY_AUTHORIZATION)) {
			shed(ss, msg);
			return true;
		}
		return ss->evh(msg, ss->ev_arg);
	}
	else if (ss->msgh && !pl_strcmp(&msg->met, "MESSAGE")) {
		if (overload_shed(&ss->ov) &&
		    !sip_msg_hdr(msg, SIP_HDR_PROXY_AUTHORIZATION)) {
			shed(ss, msg);
			return true;
		}
		(void)ss->msgh(msg, ss->msg_arg);
	}
	else if (ss->callh && ss->callh(msg, ss->call_arg)) {
		/* UPDATE, PRACK, CANCEL of the call layer */
	}
	else if (!pl_strcmp(&msg->met, "ACK")) {
		/* an ACK nobody waits for */
	}
	else {
		(void)sip_replyf(ss->sip, msg, 501, "Not Implemented",
				 "Allow: " SIP_ALLOW "\r\n"
				 "Content-Length: 0\r\n\r\n");
	}
	return true;
}

enum { TCP_BACKLOG = 1024 };

/*
 * libre 1.1.0 listens on TCP with a backlog of 5 and keeps the socket to
 * itself: a crowd of phones reconnecting after an outage would see their
 * SYNs dropped.  Find our listening socket by its address and call
 * listen() again, which on Linux only raises the backlog.
 */
static void raise_tcp_backlog(const struct sa *laddr)
{
	for (int fd = 3; fd < 1024; fd++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss), il = sizeof(int);
		int type = 0, acc = 0;
		struct sa a;

		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &il) ||
		    type != SOCK_STREAM)
			continue;
		il = sizeof(int);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &il) ||
		    !acc || getsockname(fd, (struct sockaddr *)&ss, &sl))
			continue;
		if (sa_set_sa(&a, (struct sockaddr *)&ss) ||
		    !sa_cmp(&a, laddr, SA_ALL))
			continue;
		if (listen(fd, TCP_BACKLOG) < 0)
			log_warn("sip", "cannot raise the TCP backlog: %m",
				 errno);
	}
}

/* "udp:127.0.0.1:5060" / "tcp:[::1]:5060" */
static int add_transport(struct sipstack *ss, const char *spec,
			 char *errbuf, size_t errsz)
{
	enum sip_transp tp;
	struct sa laddr;
	int err;

	if (!strncmp(spec, "udp:", 4))
		tp = SIP_TRANSP_UDP;
	else if (!strncmp(spec, "tcp:", 4))
		tp = SIP_TRANSP_TCP;
	else {
		snprintf(errbuf, errsz, "sip.listen: unknown transport in "
			 "'%s'", spec);
		return EINVAL;
	}
	err = sa_decode(&laddr, spec + 4, strlen(spec + 4));
	if (err) {
		snprintf(errbuf, errsz, "sip.listen: bad address in '%s'",
			 spec);
		return err;
	}
	err = sip_transp_add(ss->sip, tp, &laddr);
	if (err) {
		re_snprintf(errbuf, errsz, "sip.listen: cannot listen on "
			    "'%s': %m", spec, err);
		return err;
	}
	if (tp == SIP_TRANSP_TCP)
		raise_tcp_backlog(&laddr);
	log_info("sip", "listening on %s %J", sip_transp_name(tp), &laddr);
	return 0;
}

int sipstack_start(struct sipstack **ssp, const struct conf *conf,
		   struct ban_table *bans, char *errbuf, size_t errsz)
{
	struct sipstack *ss;
	char list[sizeof(conf->sip_listen)];
	char *save = NULL, *tok;
	int err;

	if (!ssp || !conf || !bans)
		return EINVAL;
	ss = mem_zalloc(sizeof(*ss), destructor);
	if (!ss)
		return ENOMEM;
	ss->conf = conf;
	ss->bans = bans;
	overload_init(&ss->ov, (uint32_t)conf->sip_max_message_bytes);

	/* transactions linger 32 s after they complete: at 2,000 calls/s the
	   tables hold a few hundred thousand, so make the hash tables wide */
	err = sip_alloc(&ss->sip, NULL, 65536, 65536, 4096,
			conf->sip_server_name[0] ? conf->sip_server_name : NULL,
			NULL, NULL);
	if (err) {
		snprintf(errbuf, errsz, "sip: cannot start the SIP stack");
		goto out;
	}

	str_ncpy(list, conf->sip_listen, sizeof(list));
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		err = add_transport(ss, str_trim(tok), errbuf, errsz);
		if (err)
			goto out;
	}

	err = sip_listen(&ss->lsnr, ss->sip, true, request_handler, ss);
	if (err)
		snprintf(errbuf, errsz, "sip: cannot add the request listener");

 out:
	if (err)
		mem_deref(ss);
	else
		*ssp = ss;
	return err;
}

struct sip *sipstack_sip(const struct sipstack *ss)
{
	return ss ? ss->sip : NULL;
}

void sipstack_set_registrar(struct sipstack *ss, struct registrar *reg)
{
	if (ss)
		ss->reg = reg;
}

void sipstack_set_call_handler(struct sipstack *ss, sipstack_call_h *h,
				void *arg)
{
	if (!ss)
		return;
	ss->callh = h;
	ss->call_arg = arg;
}

void sipstack_set_event_handler(struct sipstack *ss, sipstack_req_h *h,
				void *arg)
{
	if (!ss)
		return;
	ss->evh = h;
	ss->ev_arg = arg;
}

void sipstack_set_message_handler(struct sipstack *ss, sipstack_req_h *h,
				  void *arg)
{
	if (!ss)
		return;
	ss->msgh = h;
	ss->msg_arg = arg;
}

void sipstack_set_register_observer(struct sipstack *ss,
				    sipstack_register_h *h, void *arg)
{
	if (!ss)
		return;
	ss->regh = h;
	ss->reg_arg = arg;
}

void sipstack_close(struct sipstack *ss)
{
	if (ss && ss->sip)
		sip_close(ss->sip, true);
}
