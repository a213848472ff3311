/**
 * @file registrar.c  REGISTER handling.
 */
#include <re.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/metrics.h"
#include "dir/directory.h"
#include "sip/auth.h"
#include "sip/location.h"
#include "sip/registrar.h"

enum { MAX_CONTACTS_PER_REQUEST = 32, MAX_CONTACT_URI = 511 };

struct registrar {
	struct sip *sip;                 /**< borrowed */
	const struct conf *conf;         /**< borrowed */
	struct location *loc;            /**< borrowed */
	struct sipauth *auth;            /**< borrowed */
};

int registrar_alloc(struct registrar **rp, struct sip *sip,
		    const struct conf *conf, struct location *loc,
		    struct sipauth *auth)
{
	struct registrar *r;

	if (!rp || !sip || !conf || !loc || !auth)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), NULL);
	if (!r)
		return ENOMEM;
	r->sip = sip;
	r->conf = conf;
	r->loc = loc;
	r->auth = auth;
	*rp = r;
	return 0;
}

/* What one REGISTER is about. */
struct reg_ctx {
	struct registrar *r;
	const struct sip_msg *msg;
	struct dir_tenant *tenant;
	struct dir_device *dev;
};

static void bad_request(struct reg_ctx *c, const char *reason)
{
	metrics_inc(M_SIP_MALFORMED);
	tlog_debug("sip/registrar", c->tenant ? c->tenant->slug : NULL,
		   "REGISTER from %J refused: %s", &c->msg->src, reason);
	(void)sip_reply(c->r->sip, c->msg, 400, reason);
}

struct contact {
	struct pl uri;
	uint32_t expires;
	uint16_t q;
};

struct contacts {
	struct reg_ctx *c;
	struct contact v[MAX_CONTACTS_PER_REQUEST];
	size_t n;
	bool star;
	const char *error;       /**< 400 reason */
	bool too_brief;
};

/* delta-seconds of any length, saturating instead of wrapping */
static int parse_expires(const struct pl *pl, uint32_t *v)
{
	uint64_t n = 0;

	if (!pl->l)
		return EINVAL;
	for (size_t i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return EINVAL;
		if (n < UINT32_MAX)
			n = n * 10 + (uint64_t)(pl->p[i] - '0');
	}
	*v = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	return 0;
}

/* "0", "1", "0.5", "0.125", "1.000" -> milli */
static int parse_q(const struct pl *pl, uint16_t *q)
{
	uint32_t v = 0, scale = 1000;
	size_t i = 0;

	if (!pl->l || pl->l > 5 || (pl->p[0] != '0' && pl->p[0] != '1'))
		return EINVAL;
	v = (uint32_t)(pl->p[0] - '0') * 1000;
	i = 1;
	if (i < pl->l) {
		if (pl->p[i++] != '.')
			return EINVAL;
		for (; i < pl->l; i++) {
			if (pl->p[i] < '0' || pl->p[i] > '9')
				return EINVAL;
			scale /= 10;
			v += (uint32_t)(pl->p[i] - '0') * scale;
		}
	}
	if (v > 1000)
		return EINVAL;
	*q = (uint16_t)v;
	return 0;
}

static bool collect_contact(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct contacts *cs = arg;
	const struct conf *conf = cs->c->r->conf;
	struct sip_addr addr;
	struct contact *ct;
	struct pl v;

	if (!pl_strcmp(&hdr->val, "*")) {
		cs->star = true;
		return false;
	}
	if (cs->n >= MAX_CONTACTS_PER_REQUEST) {
		cs->error = "Too Many Contacts";
		return true;
	}
	if (sip_addr_decode(&addr, &hdr->val) || !pl_isset(&addr.auri) ||
	    addr.auri.l > MAX_CONTACT_URI ||
	    (pl_strcasecmp(&addr.uri.scheme, "sip") &&
	     pl_strcasecmp(&addr.uri.scheme, "sips")) ||
	    !pl_isset(&addr.uri.host)) {
		cs->error = "Bad Contact";
		return true;
	}
	ct = &cs->v[cs->n++];
	ct->uri = addr.auri;

	if (!msg_param_decode(&addr.params, "expires", &v)) {
		if (parse_expires(&v, &ct->expires)) {
			cs->error = "Bad Contact Expires";
			return true;
		}
	}
	else if (pl_isset(&msg->expires)) {
		if (parse_expires(&msg->expires, &ct->expires)) {
			cs->error = "Bad Expires";
			return true;
		}
	}
	else {
		ct->expires = (uint32_t)conf->registrar_default_expires;
	}

	if (ct->expires && ct->expires < (uint32_t)conf->registrar_min_expires)
		cs->too_brief = true;
	if (ct->expires > (uint32_t)conf->registrar_max_expires)
		ct->expires = (uint32_t)conf->registrar_max_expires;

	ct->q = 1000;
	if (!msg_param_decode(&addr.params, "q", &v) && parse_q(&v, &ct->q)) {
		cs->error = "Bad Contact q";
		return true;
	}
	return false;
}

static int print_bindings(struct re_printf *pf, void *arg)
{
	const struct loc_aor *aor = arg;
	int err = 0;

	if (!aor)
		return 0;
	for (struct le *le = aor->bindings.head; le; le = le->next) {
		const struct loc_binding *b = le->data;
		err |= re_hprintf(pf, "Contact: <%s>;expires=%u", b->contact,
				  loc_binding_remaining_s(b));
		if (b->q_milli != 1000)
			err |= re_hprintf(pf, ";q=%u.%03u", b->q_milli / 1000,
					  b->q_milli % 1000);
		err |= re_hprintf(pf, "\r\n");
	}
	return err;
}

/* RFC 3261 10.3 step 7: same Call-ID must bring a higher CSeq */
static int order_check(const struct loc_binding *b, const struct sip_msg *m)
{
	if (!b || pl_strcmp(&m->callid, b->call_id))
		return 0;
	if (m->cseq.num > b->cseq)
		return 0;
	return m->cseq.num == b->cseq ? EALREADY : EPROTO;
}

static void update_bindings(struct reg_ctx *c)
{
	const struct sip_msg *msg = c->msg;
	const struct conf *conf = c->r->conf;
	struct location *loc = c->r->loc;
	struct contacts cs = {.c = c};
	struct loc_aor *aor;
	const struct sip_hdr *ua = sip_msg_hdr(msg, SIP_HDR_USER_AGENT);
	int64_t tid = c->tenant->id, did = c->dev->id;
	int err;

	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, collect_contact,
				&cs);
	if (cs.error) {
		bad_request(c, cs.error);
		return;
	}

	aor = location_find(loc, tid, did);

	if (cs.star) {
		if (cs.n || !pl_isset(&msg->expires) ||
		    pl_strcmp(&msg->expires, "0")) {
			bad_request(c, "Wildcard Contact Needs Expires 0");
			return;
		}
		for (struct le *le = aor ? aor->bindings.head : NULL; le;
		     le = le->next) {
			if (order_check(le->data, msg) == EPROTO) {
				bad_request(c, "Out of Order CSeq");
				return;
			}
		}
		location_remove_all(loc, tid, did);
		metrics_inc(M_REG_UNREGISTERED);
		tlog_debug("sip/registrar", c->tenant->slug,
			   "%s removed all bindings", c->dev->username);
		(void)sip_reply(c->r->sip, msg, 200, "OK");
		return;
	}

	if (cs.too_brief) {
		(void)sip_replyf(c->r->sip, msg, 423, "Interval Too Brief",
				 "Min-Expires: %d\r\nContent-Length: 0\r\n\r\n",
				 conf->registrar_min_expires);
		return;
	}

	/* check every contact before changing any */
	for (size_t i = 0; i < cs.n; i++) {
		if (order_check(location_binding_find(aor, &cs.v[i].uri), msg)
		    == EPROTO) {
			bad_request(c, "Out of Order CSeq");
			return;
		}
	}

	for (size_t i = 0; i < cs.n; i++) {
		struct loc_update u = {
			.contact = cs.v[i].uri,
			.expires_s = cs.v[i].expires,
			.q_milli = cs.v[i].q,
			.call_id = msg->callid,
			.cseq = msg->cseq.num,
			.src = &msg->src,
			.tp = msg->tp,
		};
		if (ua)
			u.user_agent = ua->val;
		if (ua && u.user_agent.l > 127)
			u.user_agent.l = 127;
		if (order_check(location_binding_find(aor, &u.contact), msg))
			continue;  /* a retransmission: already applied */
		err = location_set(loc, tid, did, &u,
				   (uint32_t)conf->registrar_max_contacts);
		if (err) {
			(void)sip_reply(c->r->sip, msg, 500,
					"Server Internal Error");
			return;
		}
		aor = location_find(loc, tid, did);
	}

	metrics_inc(M_REG_OK);
	aor = location_find(loc, tid, did);
	(void)sip_replyf(c->r->sip, msg, 200, "OK",
			 "%HContent-Length: 0\r\n\r\n", print_bindings, aor);
}

void registrar_handle(struct registrar *r, const struct sip_msg *msg)
{
	struct reg_ctx c = {.r = r, .msg = msg};
	char realm[256];

	if (sipauth_realm(realm, sizeof(realm), &msg->to.uri.host)) {
		bad_request(&c, "Bad To Host");
		return;
	}

	if (location_pending(r->loc) > (size_t)r->conf->sip_max_pending) {
		metrics_inc(M_SIP_SHED_503);
		(void)sip_replyf(r->sip, msg, 503, "Service Unavailable",
				 "Retry-After: 5\r\nContent-Length: 0\r\n\r\n");
		return;
	}

	c.dev = sipauth_check(r->auth, msg, &msg->to.uri.host, &c.tenant);
	if (!c.dev)
		return;

	/* a device registers its own address of record only */
	if (pl_strcmp(&msg->to.uri.user, c.dev->username)) {
		tlog_debug("sip/registrar", c.tenant->slug, "device %s tried "
			   "to register '%r'", c.dev->username,
			   &msg->to.uri.user);
		(void)sip_reply(r->sip, msg, 403, "Forbidden");
		return;
	}

	update_bindings(&c);
}
