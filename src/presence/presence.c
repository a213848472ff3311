/**
 * @file presence.c  SUBSCRIBE/NOTIFY for dialog, presence, message-summary.
 *
 * libre's event layer (sipevent) keeps each subscription's dialog: it
 * answers refreshes and unsubscribes (in-dialog SUBSCRIBE, which the
 * front door passes on to it), times subscriptions out and sends the
 * final NOTIFY (Subscription-State: terminated).  What it does not do,
 * this file does before accepting a new one: authenticate the watcher
 * (407, sip/auth.h), find the resource in the watcher's own tenant
 * (404 otherwise), bound the expiry (423) and the subscriptions per
 * device (403).  State lives in table.c; bodies come from body.c.
 *
 * A subscription that ends (expiry, unsubscribe, a failed NOTIFY) is
 * unlinked at once and freed from a zero timer: libre is still inside
 * its own code when it tells us.
 */
#include <string.h>
#include "core/log.h"
#include "ctl/ctl.h"
#include "dir/directory.h"
#include "presence/body.h"
#include "presence/presence.h"
#include "presence/reach.h"
#include "presence/table.h"
#include "sip/auth.h"
#include "sip/location.h"
#include "store/store.h"

enum {
	SWEEP_MS = 15000,          /**< bindings that expired: closed */
	BODY_MAX = 8192,
	PUBLISH_MIN_S = 60,
	PUBLISH_MAX_S = 3600,
};

#define ALLOW_EVENTS "dialog, presence, message-summary"

struct presence {
	struct presence_deps d;
	struct sipevent_sock *sock;
	struct pres_table *tab;
	struct list subs;          /**< struct psub, owned */
	struct list dead;          /**< struct psub ended, freed by reap */
	struct tmr reap_tmr;
	struct tmr sweep_tmr;
};

struct psub {
	struct le le;              /**< in subs or dead */
	struct pres_sub link;      /**< in the table */
	struct presence *ps;       /**< borrowed: owner */
	struct sipnot *not;        /**< owned */
	uint32_t version;          /**< dialog-info version of the next */
	char entity[160];          /**< sip:resource@domain */
	char slug[64];             /**< the tenant's, for logs */
};

static const struct {
	const char *name;
	const char *ctype;
} packages[PRES_EV_COUNT] = {
	[PRES_EV_DIALOG] = {"dialog", PRES_CT_DIALOG},
	[PRES_EV_PRESENCE] = {"presence", PRES_CT_PIDF},
	[PRES_EV_MWI] = {"message-summary", PRES_CT_MWI},
};

static int64_t now_ms(void)
{
	return (int64_t)tmr_jiffies();
}

/* ---- what a watcher sees -------------------------------------------- */

static bool user_online(struct presence *ps, const struct pres_user *u)
{
	return reach_bindings(ps->d.dir, ps->d.loc, u->tenant_id, u->user_id,
			      NULL, NULL) > 0;
}

static enum pres_activity user_activity(struct presence *ps,
					const struct pres_user *u)
{
	struct store_user_features f;

	if (pres_user_blf(u) == PRES_BLF_BUSY)
		return PRES_ON_PHONE;
	if (!store_user_features_get(ps->d.st, u->tenant_id, u->user_id, &f) &&
	    f.dnd)
		return PRES_BUSY;
	if (u->away_until_ms > now_ms())
		return PRES_AWAY;
	return PRES_AVAILABLE;
}

/* the body for one subscription; -1 when it cannot be made */
static int make_body(struct psub *s, char *buf, size_t size)
{
	struct pres_user *u = s->link.user;
	struct pres_dialog_view dv[PRES_MAX_DIALOGS];

	switch (s->link.ev) {
	case PRES_EV_DIALOG:
		for (size_t i = 0; i < u->ndialogs; i++)
			dv[i] = (struct pres_dialog_view){
				u->dialogs[i].id, u->dialogs[i].st,
				u->dialogs[i].initiator, u->dialogs[i].remote};
		return pres_body_dialog(buf, size, s->entity, s->version++,
					dv, u->ndialogs);
	case PRES_EV_PRESENCE:
		return pres_body_pidf(buf, size, s->entity,
				      user_online(s->ps, u),
				      user_activity(s->ps, u));
	case PRES_EV_MWI:
		return pres_body_mwi(buf, size, s->entity, u->mwi_new,
				     u->mwi_old);
	default:
		return -1;
	}
}

static void notify_one(struct psub *s)
{
	char *buf = mem_alloc(BODY_MAX, NULL);
	struct mbuf *mb = NULL;
	int n, err = ENOMEM;

	if (!buf)
		goto out;
	n = make_body(s, buf, BODY_MAX);
	if (n < 0) {
		err = EOVERFLOW;
		goto out;
	}
	mb = mbuf_alloc((size_t)n);
	if (!mb)
		goto out;
	err = mbuf_write_mem(mb, (uint8_t *)buf, (size_t)n);
	mb->pos = 0;
	if (!err)
		err = sipevent_notify(s->not, mb, SIPEVENT_ACTIVE, 0, 0);
 out:
	if (err)
		tlog_debug("presence", s->slug, "NOTIFY %s of %s: %m",
			   packages[s->link.ev].name, s->entity, err);
	mem_deref(mb);
	mem_deref(buf);
}

/* every watcher of u for package ev (PRES_EV_COUNT: all but MWI) */
static void notify_watchers(struct pres_user *u, enum pres_event ev)
{
	for (struct le *le = list_head(&u->subs); le; le = le->next) {
		struct pres_sub *l = le->data;

		if (l->ev == ev || (ev == PRES_EV_COUNT && l->ev != PRES_EV_MWI))
			notify_one(l->owner);
	}
}

/* ---- subscriptions -------------------------------------------------- */

static void psub_destructor(void *arg)
{
	struct psub *s = arg;

	list_unlink(&s->le);
	if (s->link.user)
		pres_table_sub_remove(s->ps->tab, &s->link);
	/* a live subscription ends with a terminated NOTIFY (libre) */
	s->not = mem_deref(s->not);
}

static void reap(void *arg)
{
	struct presence *ps = arg;

	list_flush(&ps->dead);
}

static void sub_closed(int err, const struct sip_msg *msg, void *arg)
{
	struct psub *s = arg;
	struct presence *ps = s->ps;
	(void)msg;

	tlog_debug("presence", s->slug, "%s of %s ended: %m",
		   packages[s->link.ev].name, s->entity, err);
	pres_table_sub_remove(ps->tab, &s->link);
	list_unlink(&s->le);
	list_append(&ps->dead, &s->le, s);
	tmr_start(&ps->reap_tmr, 0, reap, ps);
}

static void reply_423(struct presence *ps, const struct sip_msg *msg)
{
	(void)sip_replyf(ps->d.sip, msg, 423, "Interval Too Brief",
			 "Min-Expires: %u\r\nContent-Length: 0\r\n\r\n",
			 PRESENCE_MIN_EXPIRES_S);
}

static enum pres_event event_of(const struct pl *name)
{
	for (int i = 0; i < PRES_EV_COUNT; i++) {
		if (!pl_strcasecmp(name, packages[i].name))
			return (enum pres_event)i;
	}
	return PRES_EV_COUNT;
}

static void subscribe(struct presence *ps, const struct sip_msg *msg)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);
	struct sipevent_event se;
	struct dir_tenant *tn = NULL;
	struct dir_device *dev;
	struct pres_user *u;
	struct pres_dev *pd;
	enum pres_event ev;
	struct psub *s;
	int64_t uid = 0;
	char user[64];
	int err;

	if (!hdr || sipevent_event_decode(&se, &hdr->val) ||
	    (ev = event_of(&se.event)) == PRES_EV_COUNT) {
		(void)sip_replyf(ps->d.sip, msg, 489, "Bad Event",
				 "Allow-Events: " ALLOW_EVENTS "\r\n"
				 "Content-Length: 0\r\n\r\n");
		return;
	}
	dev = sipauth_check(ps->d.auth, msg, &msg->from.uri.host, &tn);
	if (!dev)
		return;          /* challenged or refused */
	if (pl_isset(&msg->expires) && pl_u32(&msg->expires) > 0 &&
	    pl_u32(&msg->expires) < PRESENCE_MIN_EXPIRES_S) {
		reply_423(ps, msg);
		return;
	}
	if (reach_resolve(ps->d.dir, ps->d.st, tn, &msg->uri, &uid)) {
		(void)sip_reply(ps->d.sip, msg, 404, "Not Found");
		return;
	}
	/* a lamp is about one's own mailbox */
	if (ev == PRES_EV_MWI && uid != dev->user_id) {
		(void)sip_reply(ps->d.sip, msg, 403, "Forbidden");
		return;
	}
	pd = pres_table_dev(ps->tab, dev->id, true);
	u = pres_table_user(ps->tab, tn->id, uid, true);
	s = mem_zalloc(sizeof(*s), psub_destructor);
	if (!pd || !u || !s) {
		(void)sip_reply(ps->d.sip, msg, 500, "Server Error");
		err = ENOMEM;
		goto out;
	}
	s->ps = ps;
	(void)pl_strcpy(&msg->uri.user, user, sizeof(user));
	(void)re_snprintf(s->entity, sizeof(s->entity), "sip:%s@%s", user,
			  tn->domain);
	str_ncpy(s->slug, tn->slug, sizeof(s->slug));
	err = pres_table_sub_add(ps->tab, &s->link, u, pd, ev,
				 PRESENCE_MAX_SUBS_PER_DEVICE, s);
	if (err == EMLINK) {
		tlog_debug("presence", tn->slug, "device %s holds %u "
			   "subscriptions: refused", dev->username,
			   PRESENCE_MAX_SUBS_PER_DEVICE);
		(void)sip_reply(ps->d.sip, msg, 403, "Too Many Subscriptions");
		goto out;
	}
	if (err)
		goto out;
	err = sipevent_accept(&s->not, ps->sock, msg, NULL, &se, 200, "OK",
			      PRESENCE_MIN_EXPIRES_S, PRESENCE_DFL_EXPIRES_S,
			      PRESENCE_MAX_EXPIRES_S, "presence",
			      packages[ev].ctype, NULL, NULL, false,
			      sub_closed, s, NULL);
	if (err) {
		(void)sip_reply(ps->d.sip, msg, 500, "Server Error");
		goto out;
	}
	list_append(&ps->subs, &s->le, s);
	tlog_debug("presence", tn->slug, "%s watches %s (%s)", dev->username,
		   s->entity, packages[ev].name);
	notify_one(s);
	s = NULL;

 out:
	mem_deref(s);        /* unlinks it from the table */
	if (u)
		pres_table_tidy_user(ps->tab, u);
	if (pd)
		pres_table_tidy_dev(ps->tab, pd);
}

/* ---- PUBLISH: a softphone says its user is away -------------------- */

static void publish(struct presence *ps, const struct sip_msg *msg)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);
	const struct sip_hdr *etag;
	struct sipevent_event se;
	struct dir_tenant *tn = NULL;
	struct dir_device *dev;
	struct pres_user *u;
	uint32_t expires = PUBLISH_MAX_S;
	struct pl body;
	bool away;

	if (!hdr || sipevent_event_decode(&se, &hdr->val) ||
	    event_of(&se.event) != PRES_EV_PRESENCE) {
		(void)sip_replyf(ps->d.sip, msg, 489, "Bad Event",
				 "Allow-Events: presence\r\n"
				 "Content-Length: 0\r\n\r\n");
		return;
	}
	dev = sipauth_check(ps->d.auth, msg, &msg->from.uri.host, &tn);
	if (!dev)
		return;
	if (pl_isset(&msg->expires))
		expires = pl_u32(&msg->expires);
	if (expires > 0 && expires < PUBLISH_MIN_S) {
		reply_423(ps, msg);
		return;
	}
	if (expires > PUBLISH_MAX_S)
		expires = PUBLISH_MAX_S;
	etag = sip_msg_hdr(msg, SIP_HDR_SIP_IF_MATCH);
	/* RFC 4480 words a phone uses for "not at my desk"; a refresh
	   without a body keeps what was said */
	pl_set_mbuf(&body, msg->mb);
	away = !re_regex(body.p, body.l, "<[^:>]*:*away") ||
	       !re_regex(body.p, body.l, "<basic>closed</basic>");
	u = pres_table_user(ps->tab, tn->id, dev->user_id, true);
	if (u && (body.l || !expires)) {
		int64_t until = away && expires ? now_ms() +
			(int64_t)expires * 1000 : 0;
		bool changed = (u->away_until_ms != 0) != (until != 0);

		u->away_until_ms = until;
		if (changed)
			notify_watchers(u, PRES_EV_PRESENCE);
		pres_table_tidy_user(ps->tab, u);
	}
	(void)sip_replyf(ps->d.sip, msg, 200, "OK",
			 "SIP-ETag: %r\r\nExpires: %u\r\n"
			 "Content-Length: 0\r\n\r\n",
			 etag ? &etag->val : &(struct pl)PL("centrex"),
			 expires);
}

bool presence_request(struct presence *ps, const struct sip_msg *msg)
{
	if (!ps || !msg)
		return false;
	if (!pl_strcmp(&msg->met, "SUBSCRIBE")) {
		if (pl_isset(&msg->to.tag))
			return false;    /* refresh: libre's event layer */
		subscribe(ps, msg);
		return true;
	}
	if (!pl_strcmp(&msg->met, "PUBLISH")) {
		publish(ps, msg);
		return true;
	}
	return false;
}

/* ---- state from the rest of the daemon ------------------------------ */

void presence_call_state(struct presence *ps, int64_t tenant_id,
			 int64_t user_id, const char *dialog_id,
			 enum presence_dialog_state st, bool initiator,
			 const char *remote_identity)
{
	struct pres_user *u;

	if (!ps || !dialog_id)
		return;
	/* nobody watching and nothing to forget: nothing to keep either */
	u = pres_table_user(ps->tab, tenant_id, user_id,
			    st != PRESENCE_DIALOG_TERMINATED);
	if (!u)
		return;
	if (pres_user_dialog_set(u, dialog_id, st, initiator,
				 remote_identity)) {
		log_debug("presence", "user %lld of tenant %lld: %s",
			  (long long)user_id, (long long)tenant_id,
			  pres_blf_name(pres_user_blf(u)));
		notify_watchers(u, PRES_EV_COUNT);
	}
	pres_table_tidy_user(ps->tab, u);
}

struct mwi_out {
	struct presence *ps;
	struct pres_user *u;
	const char *domain;
};

/* one device of the user, not subscribed: an unsolicited NOTIFY */
static void mwi_unsolicited(const struct dir_device *dev,
			    const struct loc_binding *b, void *arg)
{
	struct mwi_out *o = arg;
	struct pres_dev *pd = pres_table_dev(o->ps->tab, dev->id, true);
	char body[256], account[160];
	int n, err;

	if (!pd)
		return;
	if (pd->nmwi) {
		pres_table_tidy_dev(o->ps->tab, pd);
		return;
	}
	(void)re_snprintf(account, sizeof(account), "sip:%s@%s",
			  dev->username, o->domain);
	n = pres_body_mwi(body, sizeof(body), account, o->u->mwi_new,
			  o->u->mwi_old);
	if (n < 0)
		return;
	err = reach_send(o->ps->d.sip, NULL, "NOTIFY", b, true, NULL, NULL,
			 "To: <%s>\r\n"
			 "From: <%s>;tag=%016llx\r\n"
			 "Call-ID: %016llx@centrex\r\n"
			 "CSeq: 1 NOTIFY\r\n"
			 "Event: message-summary\r\n"
			 "Subscription-State: active\r\n"
			 "Content-Type: " PRES_CT_MWI "\r\n"
			 "Content-Length: %d\r\n\r\n%s",
			 account, account, rand_u64(), rand_u64(), n, body);
	if (err)
		log_debug("presence", "unsolicited NOTIFY to %s: %m",
			  b->contact, err);
	pd->mwi_seq_shown = o->u->mwi_seq;
}

static void mwi_push(struct presence *ps, struct pres_user *u)
{
	struct dir_tenant *t = dir_tenant_by_id(ps->d.dir, u->tenant_id);
	struct mwi_out o = {ps, u, t ? t->domain : ""};

	if (!t)
		return;
	(void)reach_bindings(ps->d.dir, ps->d.loc, u->tenant_id, u->user_id,
			     mwi_unsolicited, &o);
}

int presence_mwi_set(struct presence *ps, int64_t tenant_id, int64_t user_id,
		     unsigned new_msgs, unsigned old_msgs)
{
	struct pres_user *u;

	if (!ps || tenant_id <= 0 || user_id <= 0)
		return EINVAL;
	u = pres_table_user(ps->tab, tenant_id, user_id, true);
	if (!u)
		return ENOMEM;
	if (!u->mwi_known || u->mwi_new != new_msgs ||
	    u->mwi_old != old_msgs) {
		u->mwi_known = true;
		u->mwi_new = new_msgs;
		u->mwi_old = old_msgs;
		u->mwi_seq++;
		notify_watchers(u, PRES_EV_MWI);
		mwi_push(ps, u);
	}
	pres_table_tidy_user(ps->tab, u);
	return 0;
}

/* presence watchers learn open/closed when it changed */
static void check_online(struct presence *ps, struct pres_user *u)
{
	bool open;

	if (!u->nwatch[PRES_EV_PRESENCE])
		return;
	open = user_online(ps, u);
	if (u->open_known && u->open == open)
		return;
	u->open_known = true;
	u->open = open;
	notify_watchers(u, PRES_EV_PRESENCE);
}

static uint64_t newest_binding(struct presence *ps, int64_t tenant_id,
			       int64_t device_id)
{
	const struct loc_aor *aor = location_find(ps->d.loc, tenant_id,
						  device_id);
	uint64_t seq = 0;

	for (struct le *le = aor ? list_head(&aor->bindings) : NULL; le;
	     le = le->next) {
		const struct loc_binding *b = le->data;
		if (b->created_seq > seq)
			seq = b->created_seq;
	}
	return seq;
}

void presence_device_seen(struct presence *ps, int64_t tenant_id,
			  int64_t device_id)
{
	struct dir_device *dev;
	struct pres_user *u;
	struct pres_dev *pd;
	uint64_t seq;

	if (!ps)
		return;
	dev = dir_device_by_id(ps->d.dir, tenant_id, device_id);
	if (!dev)
		return;
	u = pres_table_user(ps->tab, tenant_id, dev->user_id, false);
	if (!u)
		return;
	check_online(ps, u);
	/* a new binding (a phone that came back) is shown a waiting lamp */
	seq = newest_binding(ps, tenant_id, device_id);
	pd = pres_table_dev(ps->tab, device_id, false);
	if (u->mwi_known && u->mwi_new && seq &&
	    (!pd || (!pd->nmwi && pd->binding_seq < seq))) {
		pd = pres_table_dev(ps->tab, device_id, true);
		if (pd)
			pd->binding_seq = seq;
		mwi_push(ps, u);
	}
	else if (pd) {
		pd->binding_seq = seq;
	}
}

void presence_user_changed(struct presence *ps, int64_t tenant_id,
			   int64_t user_id)
{
	struct pres_user *u = pres_table_user(ps ? ps->tab : NULL, tenant_id,
					      user_id, false);

	if (u)
		notify_watchers(u, PRES_EV_PRESENCE);
}

uint32_t presence_subscription_count(const struct presence *ps)
{
	return ps ? pres_table_sub_count(ps->tab) : 0;
}

/* bindings expire without a REGISTER, and "away" runs out */
static void sweep_user(struct pres_user *u, void *arg)
{
	struct presence *ps = arg;

	if (u->away_until_ms && u->away_until_ms <= now_ms()) {
		u->away_until_ms = 0;
		notify_watchers(u, PRES_EV_PRESENCE);
		if (u->open_known)
			u->open = user_online(ps, u);
	}
	else {
		check_online(ps, u);
	}
	pres_table_tidy_user(ps->tab, u);
}

static void sweep(void *arg)
{
	struct presence *ps = arg;

	pres_table_foreach_user(ps->tab, sweep_user, ps);
	tmr_start(&ps->sweep_tmr, SWEEP_MS, sweep, ps);
}

/* ---- control: mwi <tenant slug> <extension> <new> <old> ------------ */

struct slug_find {
	struct pl slug;
	struct dir_tenant *t;
};

static void match_slug(struct dir_tenant *t, void *arg)
{
	struct slug_find *f = arg;

	if (!pl_strcmp(&f->slug, t->slug))
		f->t = t;
}

static int cmd_mwi(struct re_printf *pf, const struct pl *args, void *arg)
{
	struct presence *ps = arg;
	struct slug_find f = {PL_INIT, NULL};
	struct pl ext, pn, po;
	struct store_user u;
	char e[32];
	int err;

	if (!args || re_regex(args->p, args->l, "[^ ]+ [^ ]+ [0-9]+ [0-9]+",
			      &f.slug, &ext, &pn, &po) || ext.l >= sizeof(e))
		return re_hprintf(pf, "error: usage: mwi TENANT EXTENSION NEW "
				  "OLD\n");
	dir_tenant_foreach(ps->d.dir, match_slug, &f);
	(void)pl_strcpy(&ext, e, sizeof(e));
	if (!f.t || store_user_find_extension(ps->d.st, f.t->id, e, &u))
		return re_hprintf(pf, "error: no extension %r in '%r'\n", &ext,
				  &f.slug);
	err = presence_mwi_set(ps, f.t->id, u.id, pl_u32(&pn), pl_u32(&po));
	if (err)
		return re_hprintf(pf, "error: %m\n", err);
	return re_hprintf(pf, "mwi %s %s: %u new, %u old\n", f.t->slug, e,
			  pl_u32(&pn), pl_u32(&po));
}

int presence_register_ctl(struct presence *ps, struct ctl *ctl)
{
	if (!ps || !ctl)
		return EINVAL;
	return ctl_register(ctl, "mwi", "set a user's message waiting lamp: "
			    "mwi TENANT EXTENSION NEW OLD", cmd_mwi, ps);
}

/* ---- life ----------------------------------------------------------- */

static void destructor(void *arg)
{
	struct presence *ps = arg;

	tmr_cancel(&ps->sweep_tmr);
	tmr_cancel(&ps->reap_tmr);
	/* each ends with a terminated NOTIFY, sent by libre */
	list_flush(&ps->subs);
	list_flush(&ps->dead);
	ps->sock = mem_deref(ps->sock);
	ps->tab = mem_deref(ps->tab);
}

int presence_alloc(struct presence **psp, const struct presence_deps *d)
{
	struct presence *ps;
	int err;

	if (!psp || !d || !d->sip || !d->dir || !d->loc || !d->st || !d->auth)
		return EINVAL;
	ps = mem_zalloc(sizeof(*ps), destructor);
	if (!ps)
		return ENOMEM;
	ps->d = *d;
	tmr_init(&ps->reap_tmr);
	tmr_init(&ps->sweep_tmr);
	err = pres_table_alloc(&ps->tab);
	if (!err)
		err = sipevent_listen(&ps->sock, d->sip, 4096, 16, NULL, NULL);
	if (err) {
		mem_deref(ps);
		return err;
	}
	tmr_start(&ps->sweep_tmr, SWEEP_MS, sweep, ps);
	*psp = ps;
	return 0;
}
