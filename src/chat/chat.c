/**
 * @file chat.c  SIP MESSAGE between users of a tenant, stored and relayed.
 *
 * One message, as it travels:
 *
 *   MESSAGE ─► type, size ─► digest auth (407) ─► recipient in the
 *   sender's tenant (404) ─► row in the store ─► 202 ─► our MESSAGE to
 *   each binding of the recipient ─► first 2xx: delivered_ms set
 *                               └─► none: the recipient is owed it
 *
 * Who is owed what is kept in memory as a count per recipient (loaded
 * from the store at start), so that a REGISTER costs one hash lookup
 * unless its user is owed something.
 */
#include <re.h>
#include <string.h>
#include <time.h>
#include "chat/chat.h"
#include "core/log.h"
#include "dir/directory.h"
#include "presence/reach.h"
#include "sip/auth.h"
#include "sip/location.h"
#include "store/chat.h"
#include "store/store.h"

enum {
	OWED_HT = 1024,
	MAX_TARGETS = 16,
};

struct chat {
	struct chat_deps d;
	struct hash *owed;          /**< struct owed, owned */
	struct list dlvs;           /**< struct dlv in flight, owned */
};

/* a recipient with undelivered messages */
struct owed {
	struct le he;
	int64_t tenant_id;
	int64_t user_id;
	uint32_t count;             /**< undelivered in the store */
	bool busy;                  /**< one of them on its way */
};

/* one message on its way to every binding of its recipient */
struct dlv {
	struct le le;               /**< in chat.dlvs */
	struct chat *c;             /**< borrowed: owner */
	int64_t tenant_id;
	int64_t to_user_id;
	int64_t id;
	bool owed;                  /**< from the owed ones (counted) */
	bool ok;                    /**< a binding took it */
	unsigned outstanding;
	struct sip_request *reqs[MAX_TARGETS];   /**< owned while pending */
	/* what each binding gets */
	const struct store_chat *m; /**< borrowed: during the send only */
	char from[200], to[120], slug[64];
};

static int64_t utc_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- who is owed ---------------------------------------------------- */

static bool owed_cmp(struct le *le, void *arg)
{
	const struct owed *o = le->data;
	const int64_t *k = arg;

	return o->tenant_id == k[0] && o->user_id == k[1];
}

static void owed_destructor(void *arg)
{
	struct owed *o = arg;

	hash_unlink(&o->he);
}

static struct owed *owed_get(struct chat *c, int64_t tenant_id,
			     int64_t user_id, bool create)
{
	int64_t k[2] = {tenant_id, user_id};
	struct owed *o;

	o = list_ledata(hash_lookup(c->owed, reach_user_hash(tenant_id, user_id),
				    owed_cmp, k));
	if (o || !create)
		return o;
	o = mem_zalloc(sizeof(*o), owed_destructor);
	if (!o)
		return NULL;
	o->tenant_id = tenant_id;
	o->user_id = user_id;
	hash_append(c->owed, reach_user_hash(tenant_id, user_id), &o->he, o);
	return o;
}

static int owed_load(int64_t tenant_id, int64_t user_id, int64_t n,
		     void *arg)
{
	struct owed *o = owed_get(arg, tenant_id, user_id, true);

	if (!o)
		return ENOMEM;
	o->count = (uint32_t)n;
	return 0;
}

/* ---- delivery ------------------------------------------------------- */

static void dlv_destructor(void *arg)
{
	struct dlv *dv = arg;

	list_unlink(&dv->le);
	for (size_t i = 0; i < MAX_TARGETS; i++)
		dv->reqs[i] = mem_deref(dv->reqs[i]);   /* cancels */
}

static void kick(struct chat *c, struct owed *o);

static void dlv_done(struct dlv *dv)
{
	struct chat *c = dv->c;
	struct owed *o = owed_get(c, dv->tenant_id, dv->to_user_id, false);
	int err = 0;

	if (dv->ok) {
		err = store_chat_delivered(c->d.st, dv->tenant_id, dv->id,
					   utc_ms());
		tlog_debug("chat", dv->slug, "message %lld delivered to %s%s",
			   (long long)dv->id, dv->to,
			   dv->owed ? " (was waiting)" : "");
	}
	if (dv->ok && !err) {
		if (dv->owed && o && o->count)
			o->count--;
	}
	else if (!dv->owed) {
		o = owed_get(c, dv->tenant_id, dv->to_user_id, true);
		if (o)
			o->count++;
	}
	if (dv->owed && o)
		o->busy = false;
	/* the next waiting one, while the phone takes them */
	if (o && dv->owed && dv->ok && !err && o->count)
		kick(c, o);
	else if (o && !o->count && !o->busy)
		mem_deref(o);
	mem_deref(dv);
}

static void dlv_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct dlv *dv = arg;

	if (!err && msg && msg->scode < 200)
		return;
	if (!err && msg && msg->scode < 300)
		dv->ok = true;
	if (--dv->outstanding == 0)
		dlv_done(dv);
}

static void dlv_binding(const struct dir_device *dev,
			const struct loc_binding *b, void *arg)
{
	struct dlv *dv = arg;
	size_t i;
	int err;
	(void)dev;

	for (i = 0; i < MAX_TARGETS && dv->reqs[i]; i++)
		;
	if (i == MAX_TARGETS)
		return;
	err = reach_send(dv->c->d.sip, &dv->reqs[i], "MESSAGE", b, false,
			 dlv_resp, dv,
			 "To: <%s>\r\n"
			 "From: %s;tag=%016llx\r\n"
			 "Call-ID: %016llx@centrex\r\n"
			 "CSeq: 1 MESSAGE\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 dv->to, dv->from, rand_u64(), rand_u64(),
			 dv->m->content_type, strlen(dv->m->body),
			 dv->m->body);
	if (err)
		tlog_debug("chat", dv->slug, "MESSAGE to %s: %m", b->contact,
			   err);
	else
		dv->outstanding++;
}

/* a display name inside quotes: no quote, backslash or line break */
static void display_name(char *dst, size_t size, const char *name)
{
	size_t o = 0;

	for (; *name && o + 1 < size; name++)
		dst[o++] = strchr("\"\\\r\n", *name) ? '\'' : *name;
	dst[o] = '\0';
}

/* "sip:ext@domain" of a user */
static void user_uri(const struct dir_tenant *t, const struct store_user *u,
		     char *dst, size_t size)
{
	(void)re_snprintf(dst, size, "sip:%s@%s",
			  u->extension[0] ? u->extension : "unknown",
			  t->domain);
}

/* send m to every binding of its recipient; false when none was tried
   (the caller counts it as owed) */
static bool deliver(struct chat *c, const struct store_chat *m, bool owed)
{
	const struct dir_tenant *t = dir_tenant_by_id(c->d.dir, m->tenant_id);
	struct store_user from, to;
	char uri[160], name[130];
	struct dlv *dv;

	if (!t || store_user_get(c->d.st, m->tenant_id, m->from_user_id,
				 &from) ||
	    store_user_get(c->d.st, m->tenant_id, m->to_user_id, &to))
		return false;
	dv = mem_zalloc(sizeof(*dv), dlv_destructor);
	if (!dv)
		return false;
	dv->c = c;
	dv->tenant_id = m->tenant_id;
	dv->to_user_id = m->to_user_id;
	dv->id = m->id;
	dv->owed = owed;
	dv->m = m;
	str_ncpy(dv->slug, t->slug, sizeof(dv->slug));
	user_uri(t, &from, uri, sizeof(uri));
	display_name(name, sizeof(name), from.name);
	(void)re_snprintf(dv->from, sizeof(dv->from), "\"%s\" <%s>", name,
			  uri);
	user_uri(t, &to, dv->to, sizeof(dv->to));
	(void)reach_bindings(c->d.dir, c->d.loc, m->tenant_id, m->to_user_id,
			     dlv_binding, dv);
	dv->m = NULL;
	if (!dv->outstanding) {
		mem_deref(dv);
		return false;
	}
	list_append(&c->dlvs, &dv->le, dv);
	return true;
}

struct kick_ctx {
	struct chat *c;
	bool sent;
};

static int kick_one(const struct store_chat *m, void *arg)
{
	struct kick_ctx *k = arg;

	k->sent = deliver(k->c, m, true);
	return 0;
}

/* the oldest message owed to o, if one of its phones is there */
static void kick(struct chat *c, struct owed *o)
{
	struct kick_ctx k = {c, false};

	if (o->busy || !o->count)
		return;
	o->busy = true;
	if (store_chat_pending(c->d.st, o->tenant_id, o->user_id, 1, kick_one,
			       &k) || !k.sent)
		o->busy = false;
}

void chat_device_seen(struct chat *c, int64_t tenant_id, int64_t device_id)
{
	const struct dir_device *dev;
	struct owed *o;

	if (!c)
		return;
	dev = dir_device_by_id(c->d.dir, tenant_id, device_id);
	if (!dev)
		return;
	o = owed_get(c, tenant_id, dev->user_id, false);
	if (o)
		kick(c, o);
}

/* ---- accepting a message -------------------------------------------- */

static bool utf8_clean(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t b = p[i];
		size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 :
			(b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;

		if (!len || i + len > n || !b || (len == 2 && b < 0xc2))
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		}
		i += len;
	}
	return true;
}

static bool ctype_ok(const char *ctype)
{
	return !strcmp(ctype, "text/plain") ||
	       !strcmp(ctype, "application/json");
}

unsigned chat_send(struct chat *c, int64_t tenant_id, int64_t from_user_id,
		   int64_t to_user_id, const char *ctype, const char *body,
		   size_t len, int64_t *idp)
{
	struct store_chat m;
	struct owed *o;
	char *text;
	int err;

	if (!c || !ctype || !body)
		return 500;
	if (!ctype_ok(ctype))
		return 415;
	if (len > CHAT_MAX_BODY_BYTES)
		return 413;
	if (!len || !utf8_clean((const uint8_t *)body, len))
		return 400;
	o = owed_get(c, tenant_id, to_user_id, false);
	if (o && o->count >= CHAT_MAX_OWED)
		return 480;
	text = mem_alloc(len + 1, NULL);
	if (!text)
		return 500;
	memcpy(text, body, len);
	text[len] = '\0';
	memset(&m, 0, sizeof(m));
	m.from_user_id = from_user_id;
	m.to_user_id = to_user_id;
	str_ncpy(m.content_type, ctype, sizeof(m.content_type));
	m.body = text;
	m.created_ms = utc_ms();
	err = store_chat_add(c->d.st, tenant_id, &m);
	if (err) {
		mem_deref(text);
		return err == ENOENT ? 404 : 500;
	}
	if (idp)
		*idp = m.id;
	if (!deliver(c, &m, false)) {
		o = owed_get(c, tenant_id, to_user_id, true);
		if (o)
			o->count++;
	}
	mem_deref(text);
	return 202;
}

static const char *status_reason(unsigned scode)
{
	switch (scode) {
	case 202: return "Accepted";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 480: return "Temporarily Unavailable";
	default:  return "Server Internal Error";
	}
}

bool chat_request(struct chat *c, const struct sip_msg *msg)
{
	struct dir_tenant *tn = NULL;
	struct dir_device *dev;
	char ctype[64] = "";
	int64_t uid = 0, id = 0;
	unsigned scode;

	if (!c || !msg)
		return false;
	/* cheap refusals before any digest work */
	if (mbuf_get_left(msg->mb) > CHAT_MAX_BODY_BYTES) {
		(void)sip_reply(c->d.sip, msg, 413, status_reason(413));
		return true;
	}
	(void)re_snprintf(ctype, sizeof(ctype), "%r/%r", &msg->ctyp.type,
			  &msg->ctyp.subtype);
	for (char *p = ctype; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (!ctype_ok(ctype)) {
		(void)sip_replyf(c->d.sip, msg, 415, status_reason(415),
				 "Accept: text/plain, application/json\r\n"
				 "Content-Length: 0\r\n\r\n");
		return true;
	}
	dev = sipauth_check(c->d.auth, msg, &msg->from.uri.host, &tn);
	if (!dev)
		return true;
	if (reach_resolve(c->d.dir, c->d.st, tn, &msg->uri, &uid)) {
		(void)sip_reply(c->d.sip, msg, 404, status_reason(404));
		return true;
	}
	scode = chat_send(c, tn->id, dev->user_id, uid, ctype,
			  (const char *)mbuf_buf(msg->mb),
			  mbuf_get_left(msg->mb), &id);
	if (scode == 202)
		tlog_debug("chat", tn->slug, "message %lld from %s", (long long)id,
			   dev->username);
	if (scode == 415)
		(void)sip_replyf(c->d.sip, msg, 415, status_reason(415),
				 "Accept: text/plain, application/json\r\n"
				 "Content-Length: 0\r\n\r\n");
	else
		(void)sip_reply(c->d.sip, msg, (uint16_t)scode,
				status_reason(scode));
	return true;
}

/* ---- life ----------------------------------------------------------- */

static void destructor(void *arg)
{
	struct chat *c = arg;

	list_flush(&c->dlvs);
	hash_flush(c->owed);
	c->owed = mem_deref(c->owed);
}

int chat_alloc(struct chat **cp, const struct chat_deps *d)
{
	struct chat *c;
	int err;

	if (!cp || !d || !d->sip || !d->dir || !d->loc || !d->st || !d->auth)
		return EINVAL;
	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;
	c->d = *d;
	err = hash_alloc(&c->owed, OWED_HT);
	if (!err)
		err = store_chat_pending_users_all(d->st, owed_load, c);
	if (err) {
		mem_deref(c);
		return err;
	}
	*cp = c;
	return 0;
}
