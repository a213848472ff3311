/**
 * @file pbx.c  The call layer: where a SIP INVITE becomes a call.
 */
#include <re.h>
#include <string.h>
#include "core/conf.h"
#include "core/log.h"
#include "dir/directory.h"
#include "pbx/call.h"
#include "pbx/dialplan.h"
#include "pbx/pbx.h"
#include "pbx/priv.h"
#include "pbx/trunks.h"
#include "sip/auth.h"
#include "store/store.h"

static void destructor(void *arg)
{
	struct pbx *p = arg;

	p->stopping = true;
	call_end_all(p);
	p->sock = mem_deref(p->sock);
	p->trunks = mem_deref(p->trunks);
	hash_flush(p->calls);
	p->calls = mem_deref(p->calls);
	hash_flush(p->per_tenant);
	p->per_tenant = mem_deref(p->per_tenant);
	p->legs = mem_deref(p->legs);
	/* the calls are gone, and each took its room reference with it */
	p->rooms = mem_deref(p->rooms);
}

/* extensions we can honour when a caller requires them */
static bool supported(const struct pl *opt)
{
	return !pl_strcasecmp(opt, "timer");
}

struct require_ctx {
	char unsupported[128];
};

static bool check_require(const struct sip_hdr *hdr, const struct sip_msg *msg,
			  void *arg)
{
	struct require_ctx *rc = arg;
	struct pl v = hdr->val, tok;
	(void)msg;

	while (!re_regex(v.p, v.l, "[^, \t]+", &tok)) {
		if (!supported(&tok) && strlen(rc->unsupported) + tok.l + 3 <
		    sizeof(rc->unsupported))
			(void)re_snprintf(rc->unsupported +
					  strlen(rc->unsupported),
					  sizeof(rc->unsupported) -
					  strlen(rc->unsupported), "%s%r",
					  rc->unsupported[0] ? ", " : "", &tok);
		pl_advance(&v, (size_t)(tok.p + tok.l - v.p));
	}
	return false;
}

static void origin_init(struct call_origin *o, const struct dir_tenant *tn)
{
	memset(o, 0, sizeof(*o));
	o->tenant_id = tn->id;
	o->tenant_slug = tn->slug;
	o->domain = tn->domain;
}

static void from_trunk(struct pbx *p, const struct sip_msg *msg,
		       struct trunk *t)
{
	struct dir_tenant *tn = dir_tenant_by_id(p->d.dir, t->cfg.tenant_id);
	struct call_origin o;
	struct call_route r;
	const struct pl *did;

	if (!tn) {
		(void)sip_treply(NULL, p->d.sip, msg, 404, "Not Found");
		return;
	}
	if (!trunk_acquire(t)) {
		tlog_info("pbx", tn->slug, "trunk %s: channel limit, call "
			  "from %J refused", t->cfg.name, &msg->src);
		(void)sip_treplyf(NULL, NULL, p->d.sip, msg, false, 503,
				  "Channel Limit Reached",
				  "Retry-After: 10\r\n"
				  "Reason: Q.850;cause=34\r\n"
				  "Content-Length: 0\r\n\r\n");
		return;
	}
	origin_init(&o, tn);
	o.trunk = t;
	(void)pl_strcpy(&msg->from.uri.user, o.caller, sizeof(o.caller));
	(void)pl_strcpy(&msg->from.dname, o.caller_name,
			sizeof(o.caller_name));
	str_ncpy(o.peer, t->cfg.name, sizeof(o.peer));
	o.diversions = sip_msg_xhdr_count(msg, "Diversion");

	/* a registration trunk: the carrier calls our contact, the DID is
	   in To */
	did = (msg->uri.user.l > 6 &&
	       !memcmp(msg->uri.user.p, "trunk-", 6)) ? &msg->to.uri.user
						      : &msg->uri.user;
	dialplan_from_trunk(p, &o, did, &r);
	(void)call_start(p, msg, &o, &r);
}

static void from_device(struct pbx *p, const struct sip_msg *msg)
{
	struct dir_tenant *tn = NULL, *other;
	struct dir_device *dev;
	struct store_user u;
	struct call_origin o;
	struct call_route r;

	dev = sipauth_check(p->d.auth, msg, &msg->from.uri.host, &tn);
	if (!dev)
		return;

	/* never across tenants: another tenant's domain is not reachable
	   from here, and must look like any unknown number */
	other = dir_tenant_by_domain(p->d.dir, &msg->uri.host);
	if (other && other != tn) {
		tlog_info("pbx", tn->slug, "%s called into tenant %s: "
			  "refused", dev->username, other->slug);
		(void)sip_treplyf(NULL, NULL, p->d.sip, msg, false, 404,
				  "Not Found", "Reason: Q.850;cause=1\r\n"
				  "Content-Length: 0\r\n\r\n");
		return;
	}

	origin_init(&o, tn);
	o.device_id = dev->id;
	o.user_id = dev->user_id;
	(void)re_snprintf(o.peer, sizeof(o.peer), "%s@%s", dev->username,
			  tn->domain);
	str_ncpy(o.caller, dev->username, sizeof(o.caller));
	o.diversions = sip_msg_xhdr_count(msg, "Diversion");
	if (!store_user_get(p->d.st, tn->id, dev->user_id, &u)) {
		o.site_id = u.site_id;
		if (u.extension[0])
			str_ncpy(o.caller, u.extension, sizeof(o.caller));
		str_ncpy(o.caller_name, u.name, sizeof(o.caller_name));
	}
	dialplan_from_device(p, &o, &msg->uri.user, &r);
	(void)call_start(p, msg, &o, &r);
}

/* A new INVITE (libre's session layer hands us those without a To tag). */
static void invite_h(const struct sip_msg *msg, void *arg)
{
	struct pbx *p = arg;
	struct require_ctx rc = {""};
	struct trunk *t;

	if (call_is_retransmission(p, msg))
		return;

	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, check_require,
				&rc);
	if (rc.unsupported[0]) {
		(void)sip_treplyf(NULL, NULL, p->d.sip, msg, false, 420,
				  "Bad Extension", "Unsupported: %s\r\n"
				  "Content-Length: 0\r\n\r\n",
				  rc.unsupported);
		return;
	}

	t = trunkset_by_source(p->trunks, &msg->src);
	if (t)
		from_trunk(p, msg, t);
	else
		from_device(p, msg);
}

int pbx_alloc(struct pbx **pp, const struct pbx_deps *deps)
{
	struct pbx *p;
	int err;

	if (!pp || !deps || !deps->sip || !deps->st || !deps->media)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;
	p->d = *deps;
	str_ncpy(p->contact_user, "centrex", sizeof(p->contact_user));
	err = hash_alloc(&p->calls, 8192);
	if (!err)
		err = hash_alloc(&p->legs, 16384);
	if (!err)
		err = hash_alloc(&p->per_tenant, 256);
	if (!err)
		err = hash_alloc(&p->rooms, 64);
	if (!err)
		err = sipsess_listen(&p->sock, p->d.sip, 16384, invite_h, p);
	if (!err)
		err = trunkset_alloc(&p->trunks, p->d.sip, p->d.st);
	if (!err)
		err = trunkset_load(p->trunks, 0);
	if (err) {
		mem_deref(p);
		return err;
	}
	log_info("pbx", "call layer ready, %zu trunks",
		 trunkset_count(p->trunks));
	*pp = p;
	return 0;
}

struct tenant_calls {
	struct le he;
	int64_t tenant_id;
	unsigned n;
};

static bool tc_cmp(struct le *le, void *arg)
{
	const struct tenant_calls *tc = le->data;
	return tc->tenant_id == *(const int64_t *)arg;
}

static struct tenant_calls *tc_find(struct pbx *p, int64_t tenant_id)
{
	return list_ledata(hash_lookup(p->per_tenant,
				       hash_fast((const char *)&tenant_id,
						 sizeof(tenant_id)),
				       tc_cmp, &tenant_id));
}

/*
 * The tenant's contract: at most max_calls at once (0 = no limit).  Read
 * from the store per call, so a changed limit applies to the next one.
 */
bool pbx_tenant_take(struct pbx *p, int64_t tenant_id)
{
	struct tenant_calls *tc = tc_find(p, tenant_id);
	struct store_tenant t;

	if (!store_tenant_get(p->d.st, tenant_id, &t) && t.max_calls > 0 &&
	    tc && tc->n >= (unsigned)t.max_calls)
		return false;
	if (!tc) {
		tc = mem_zalloc(sizeof(*tc), NULL);
		if (!tc)
			return false;
		tc->tenant_id = tenant_id;
		hash_append(p->per_tenant, hash_fast((const char *)&tenant_id,
						     sizeof(tenant_id)),
			    &tc->he, tc);
	}
	tc->n++;
	return true;
}

void pbx_tenant_release(struct pbx *p, int64_t tenant_id)
{
	struct tenant_calls *tc = tc_find(p, tenant_id);

	if (!tc)
		return;
	if (tc->n)
		tc->n--;
	if (!tc->n) {
		hash_unlink(&tc->he);
		mem_deref(tc);
	}
}

bool pbx_request(struct pbx *p, const struct sip_msg *msg)
{
	if (!p)
		return false;
	if (!pl_strcmp(&msg->met, "CANCEL")) {
		if (!call_is_retransmission(p, msg))
			(void)sip_reply(p->d.sip, msg, 481,
					"Call/Transaction Does Not Exist");
		return true;
	}
	if (!pl_strcmp(&msg->met, "UPDATE") || !pl_strcmp(&msg->met, "PRACK"))
		return call_in_dialog(p, msg);
	return false;
}

void pbx_trunks_changed(void *arg, int64_t tenant_id)
{
	struct pbx *p = arg;

	if (p && trunkset_load(p->trunks, tenant_id))
		log_warn("pbx", "trunks of tenant %lld could not be reloaded",
			 (long long)tenant_id);
}

void pbx_hangup_all(struct pbx *p)
{
	if (!p)
		return;
	p->stopping = true;
	call_end_all(p);
}

unsigned pbx_call_count(const struct pbx *p)
{
	return p ? p->count : 0;
}
