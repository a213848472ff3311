/**
 * @file auth.c  Digest authentication of requests from our devices.
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
#include "sip/ban.h"
#include "sip/digest.h"
#include "sip/nonce.h"

struct sipauth {
	struct sip *sip;                 /**< borrowed */
	const struct conf *conf;         /**< borrowed */
	struct directory *dir;           /**< borrowed */
	struct ban_table *bans;          /**< borrowed */
	struct nonce_ctx nonces;
	enum dir_alg default_algs[DIR_ALG_MAX];
	size_t default_algc;
	uint8_t dummy_ha1[32];           /**< for unknown users */
};

static void destructor(void *arg)
{
	struct sipauth *a = arg;
	sodium_memzero(&a->nonces, sizeof(a->nonces));
}

int sipauth_reconfigure(struct sipauth *a)
{
	return dir_parse_algs(a->default_algs, &a->default_algc,
			      a->conf->auth_default_algorithms);
}

int sipauth_alloc(struct sipauth **ap, struct sip *sip,
		  const struct conf *conf, struct directory *dir,
		  struct ban_table *bans)
{
	struct sipauth *a;
	int err;

	if (!ap || !sip || !conf || !dir || !bans)
		return EINVAL;
	a = mem_zalloc(sizeof(*a), destructor);
	if (!a)
		return ENOMEM;
	a->sip = sip;
	a->conf = conf;
	a->dir = dir;
	a->bans = bans;
	nonce_init(&a->nonces);
	randombytes_buf(a->dummy_ha1, sizeof(a->dummy_ha1));
	err = sipauth_reconfigure(a);
	if (err) {
		mem_deref(a);
		return err;
	}
	*ap = a;
	return 0;
}

int sipauth_realm(char *dst, size_t size, const struct pl *host)
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

/* One request being authenticated. */
struct auth_ctx {
	struct sipauth *a;
	const struct sip_msg *msg;
	bool proxy;                      /**< 407/Proxy-*, not 401/WWW- */
	struct dir_tenant *tenant;       /**< NULL: unknown domain */
	char realm[256];
	const enum dir_alg *algs;
	size_t algc;
	struct digest_cred cred;
	struct dir_device *dev;
	uint64_t nonce_id;
	uint32_t nc;
};

struct chall_print {
	const struct auth_ctx *c;
	const char *nonce;
	bool stale;
};

static int print_challenges(struct re_printf *pf, void *arg)
{
	const struct chall_print *cp = arg;
	int err = 0;

	for (size_t i = 0; i < cp->c->algc; i++) {
		err |= re_hprintf(pf, "%s: Digest realm=\"%s\", "
				  "nonce=\"%s\", algorithm=%s, qop=\"auth\"%s\r\n",
				  cp->c->proxy ? "Proxy-Authenticate"
					       : "WWW-Authenticate",
				  cp->c->realm, cp->nonce,
				  dir_alg_name(cp->c->algs[i]),
				  cp->stale ? ", stale=true" : "");
	}
	return err;
}

static void challenge(struct auth_ctx *c, bool stale)
{
	char nonce[NONCE_LEN + 1];
	struct chall_print cp = {c, nonce, stale};

	nonce_make(&c->a->nonces, nonce, c->realm, (uint64_t)time(NULL));
	metrics_inc(stale ? M_REG_STALE : M_REG_CHALLENGED);
	if (c->proxy)
		(void)sip_replyf(c->a->sip, c->msg, 407,
				 "Proxy Authentication Required",
				 "%HContent-Length: 0\r\n\r\n",
				 print_challenges, &cp);
	else
		(void)sip_replyf(c->a->sip, c->msg, 401, "Unauthorized",
				 "%HContent-Length: 0\r\n\r\n",
				 print_challenges, &cp);
}

static void forbid(struct auth_ctx *c)
{
	metrics_inc(M_REG_AUTH_FAILED);
	ban_failure(c->a->bans, &c->msg->src);
	tlog_debug("sip/auth", c->tenant ? c->tenant->slug : NULL,
		   "%r: authentication failed for '%r' at %s from %J",
		   &c->msg->met, &c->cred.username, c->realm, &c->msg->src);
	(void)sip_reply(c->a->sip, c->msg, 403, "Forbidden");
}

static bool cred_for_realm(const struct sip_hdr *hdr,
			   const struct sip_msg *msg, void *arg)
{
	struct auth_ctx *c = arg;
	struct digest_cred cred;
	(void)msg;

	if (digest_cred_parse(&cred, &hdr->val))
		return false;
	if (pl_strcasecmp(&cred.realm, c->realm))
		return false;
	c->cred = cred;
	return true;
}

static bool alg_offered(const struct auth_ctx *c, enum dir_alg alg)
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

static bool authenticate(struct auth_ctx *c)
{
	const struct sip_msg *msg = c->msg;
	enum dir_alg alg;
	const uint8_t *ha1;
	bool ok;
	int err;

	if (!sip_msg_hdr_apply(msg, true, c->proxy
			       ? SIP_HDR_PROXY_AUTHORIZATION
			       : SIP_HDR_AUTHORIZATION, cred_for_realm, c)) {
		challenge(c, false);
		return false;
	}

	err = nonce_check(&c->a->nonces, &c->cred.nonce, c->realm,
			  (uint64_t)time(NULL),
			  (uint32_t)c->a->conf->auth_nonce_ttl_s, &c->nonce_id);
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
		c->dev = dir_device_find(c->a->dir, c->tenant,
					 &c->cred.username);
	if (c->dev)
		ha1 = alg == DIR_ALG_SHA256 ? c->dev->ha1_sha256
					    : c->dev->ha1_md5;
	else
		ha1 = c->a->dummy_ha1;

	ok = digest_verify(&c->cred, alg, ha1, &msg->met);
	if (!ok || !c->dev) {
		forbid(c);
		return false;
	}
	/*
	 * The digest-uri is not compared with the Request-URI: clients fill
	 * it differently (SIPp sends the server address), and replay is
	 * already prevented by the nonce id and count checks below.
	 */

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

struct dir_device *sipauth_check(struct sipauth *a, const struct sip_msg *msg,
				 const struct pl *host,
				 struct dir_tenant **tenantp)
{
	struct auth_ctx c = {.a = a, .msg = msg};

	c.proxy = pl_strcmp(&msg->met, "REGISTER") != 0;
	if (sipauth_realm(c.realm, sizeof(c.realm), host)) {
		(void)sip_reply(a->sip, msg, 400, "Bad Domain");
		return NULL;
	}
	c.tenant = dir_tenant_by_domain(a->dir, host);
	if (tenantp)
		*tenantp = c.tenant;
	if (c.tenant) {
		c.algs = c.tenant->algs;
		c.algc = c.tenant->algc;
	}
	else {
		c.algs = a->default_algs;
		c.algc = a->default_algc;
	}
	return authenticate(&c) ? c.dev : NULL;
}
