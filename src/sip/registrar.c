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
#include "sip/ban.h"
#include "sip/digest.h"
#include "sip/location.h"
#include "sip/nonce.h"
#include "sip/registrar.h"

enum { MAX_CONTACTS_PER_REQUEST = 32, MAX_CONTACT_URI = 511 };

struct registrar {
	struct sip *sip;                 /**< borrowed */
	const struct conf *conf;         /**< borrowed */
	struct directory *dir;           /**< borrowed */
	struct location *loc;            /**< borrowed */
	struct ban_table *bans;          /**< borrowed */
	struct nonce_ctx nonces;
	enum dir_alg default_algs[DIR_ALG_MAX];
	size_t default_algc;
	uint8_t dummy_ha1[32];           /**< for unknown users */
};

static void destructor(void *arg)
{
	struct registrar *r = arg;
	sodium_memzero(&r->nonces, sizeof(r->nonces));
}

int registrar_reconfigure(struct registrar *r)
{
	return dir_parse_algs(r->default_algs, &r->default_algc,
			      r->conf->auth_default_algorithms);
}

int registrar_alloc(struct registrar **rp, struct sip *sip,
		    const struct conf *conf, struct directory *dir,
		    struct location *loc, struct ban_table *bans)
{
	struct registrar *r;
	int err;

	if (!rp || !sip || !conf || !dir || !loc || !bans)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), destructor);
	if (!r)
		return ENOMEM;
	r->sip = sip;
	r->conf = conf;
	r->dir = dir;
	r->loc = loc;
	r->bans = bans;
	nonce_init(&r->nonces);
	randombytes_buf(r->dummy_ha1, sizeof(r->dummy_ha1));
	err = registrar_reconfigure(r);
	if (err) {
		mem_deref(r);
		return err;
	}
	*rp = r;
	return 0;
}

/* What one REGISTER is about: the realm and what it offers. */
struct reg_ctx {
	struct registrar *r;
	const struct sip_msg *msg;
	struct dir_tenant *tenant;       /**< NULL: unknown domain */
	char realm[256];
	const enum dir_alg *algs;
	size_t algc;
	struct digest_cred cred;
	struct dir_device *dev;
	uint64_t nonce_id;
	uint32_t nc;
};

/* realms are echoed inside a quoted string: host characters only */
static int realm_from_host(char *dst, size_t size, const struct pl *host)
{
	if (!host->l || host->l >= size)
		return EINVAL;
	for (size_t i = 0; i < host->l; i++) {
		char c = host->p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == ':' || c == '_'))
			return EINVAL;
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	dst[host->l] = '\0';
	return 0;
}

struct chall_print {
	const struct reg_ctx *c;
	const char *nonce;
	bool stale;
};

static int print_challenges(struct re_printf *pf, void *arg)
{
	const struct chall_print *cp = arg;
	int err = 0;

	for (size_t i = 0; i < cp->c->algc; i++) {
		err |= re_hprintf(pf, "WWW-Authenticate: Digest realm=\"%s\", "
				  "nonce=\"%s\", algorithm=%s, qop=\"auth\"%s\r\n",
				  cp->c->realm, cp->nonce,
				  dir_alg_name(cp->c->algs[i]),
				  cp->stale ? ", stale=true" : "");
	}
	return err;
}

static void challenge(struct reg_ctx *c, bool stale)
{
	char nonce[NONCE_LEN + 1];
	struct chall_print cp = {c, nonce, stale};

	nonce_make(&c->r->nonces, nonce, c->realm, (uint64_t)time(NULL));
	metrics_inc(stale ? M_REG_STALE : M_REG_CHALLENGED);
	(void)sip_replyf(c->r->sip, c->msg, 401, "Unauthorized",
			 "%HContent-Length: 0\r\n\r\n", print_challenges, &cp);
}

static void forbid(struct reg_ctx *c, bool count_failure)
{
	if (count_failure) {
		metrics_inc(M_REG_AUTH_FAILED);
		ban_failure(c->r->bans, &c->msg->src);
		tlog_debug("sip/registrar", c->tenant ? c->tenant->slug : NULL,
			   "authentication failed for '%r' at %s from %J",
			   &c->cred.username, c->realm, &c->msg->src);
	}
	(void)sip_reply(c->r->sip, c->msg, 403, "Forbidden");
}

static void bad_request(struct reg_ctx *c, const char *reason)
{
	metrics_inc(M_SIP_MALFORMED);
	tlog_debug("sip/registrar", c->tenant ? c->tenant->slug : NULL,
		   "REGISTER from %J refused: %s", &c->msg->src, reason);
	(void)sip_reply(c->r->sip, c->msg, 400, reason);
}

static bool cred_for_realm(const struct sip_hdr *hdr,
			   const struct sip_msg *msg, void *arg)
{
	struct reg_ctx *c = arg;
	struct digest_cred cred;
	(void)msg;

	if (digest_cred_parse(&cred, &hdr->val))
		return false;
	if (pl_strcasecmp(&cred.realm, c->realm))
		return false;
	c->cred = cred;
	return true;
}

static bool alg_offered(const struct reg_ctx *c, enum dir_alg alg)
{
	for (size_t i = 0; i < c->algc; i++) {
		if (c->algs[i] == alg)
			return true;
	}
	return false;
}

/*
 * What makes a request a retransmission of the one already accepted: the
 * same bytes from the same address.  Anything less would let a copied
 * Authorization header carry other contacts, or move a binding's NAT
 * path to another source.
 */
static uint64_t request_key(const struct sip_msg *msg)
{
	uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a, 64 bit */
	const uint8_t *p = msg->mb->buf;

	for (size_t i = 0; i < msg->mb->end; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h ^ ((uint64_t)sa_hash(&msg->src, SA_ALL) << 1);
}

/*
 * Steps 1-4 of the flow in registrar.h.  Returns true when the request is
 * authenticated as c->dev; otherwise it has been answered.
 */
static bool authenticate(struct reg_ctx *c)
{
	const struct sip_msg *msg = c->msg;
	enum dir_alg alg;
	const uint8_t *ha1;
	bool ok;
	int err;

	if (!sip_msg_hdr_apply(msg, true, SIP_HDR_AUTHORIZATION,
			       cred_for_realm, c)) {
		challenge(c, false);
		return false;
	}

	err = nonce_check(&c->r->nonces, &c->cred.nonce, c->realm,
			  (uint64_t)time(NULL),
			  (uint32_t)c->r->conf->auth_nonce_ttl_s, &c->nonce_id);
	if (err) {
		challenge(c, err == ESTALE);
		return false;
	}
	if (digest_alg_from_pl(&alg, &c->cred.algorithm) ||
	    !alg_offered(c, alg) ||
	    (pl_isset(&c->cred.qop) && pl_strcasecmp(&c->cred.qop, "auth"))) {
		challenge(c, false);
		return false;
	}

	if (c->tenant)
		c->dev = dir_device_find(c->r->dir, c->tenant,
					 &c->cred.username);
	if (c->dev)
		ha1 = alg == DIR_ALG_SHA256 ? c->dev->ha1_sha256
					    : c->dev->ha1_md5;
	else
		ha1 = c->r->dummy_ha1;

	ok = digest_verify(&c->cred, alg, ha1, &msg->met);
	if (!ok || !c->dev) {
		forbid(c, true);
		return false;
	}
	/*
	 * The digest-uri is not compared with the Request-URI: clients fill
	 * it differently (SIPp sends the server address), and replay is
	 * already prevented by the nonce id and count checks below.
	 */
	/* a device registers its own address of record only */
	if (pl_cmp(&c->cred.username, &msg->to.uri.user)) {
		tlog_debug("sip/registrar", c->tenant->slug, "device %s tried "
			   "to register '%r'", c->dev->username,
			   &msg->to.uri.user);
		forbid(c, false);
		return false;
	}

	/* replay: a newer nonce, a higher count, or a retransmission */
	c->nc = pl_isset(&c->cred.nc) ? pl_x32(&c->cred.nc) : 0;
	struct dir_replay *rp = &c->dev->replay;
	uint64_t key = request_key(msg);
	if (c->nonce_id > rp->nonce_id ||
	    (c->nonce_id == rp->nonce_id && c->nc > rp->nc)) {
		rp->nonce_id = c->nonce_id;
		rp->nc = c->nc;
		rp->req_key = key;
	}
	else if (!(c->nonce_id == rp->nonce_id && c->nc == rp->nc &&
		   key == rp->req_key)) {
		challenge(c, true);
		return false;
	}
	return true;
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

	if (realm_from_host(c.realm, sizeof(c.realm), &msg->to.uri.host)) {
		bad_request(&c, "Bad To Host");
		return;
	}

	if (location_pending(r->loc) > (size_t)r->conf->sip_max_pending) {
		metrics_inc(M_SIP_SHED_503);
		(void)sip_replyf(r->sip, msg, 503, "Service Unavailable",
				 "Retry-After: 5\r\nContent-Length: 0\r\n\r\n");
		return;
	}

	c.tenant = dir_tenant_by_domain(r->dir, &msg->to.uri.host);
	if (c.tenant) {
		c.algs = c.tenant->algs;
		c.algc = c.tenant->algc;
	}
	else {
		c.algs = r->default_algs;
		c.algc = r->default_algc;
	}

	if (!authenticate(&c))
		return;

	update_bindings(&c);
}
