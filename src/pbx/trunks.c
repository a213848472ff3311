/**
 * @file trunks.c  Carrier trunks as the running call layer sees them.
 */
#include <re.h>
#include <string.h>
#include "core/log.h"
#include "pbx/trunks.h"
#include "store/store.h"

struct trunkset {
	struct list trunks;           /**< struct trunk */
	struct sip *sip;              /**< borrowed */
	struct store *st;             /**< borrowed */
};

static void trunk_destructor(void *arg)
{
	struct trunk *t = arg;

	list_unlink(&t->le);
	t->reg = mem_deref(t->reg);
}

static void set_destructor(void *arg)
{
	struct trunkset *ts = arg;
	list_flush(&ts->trunks);
}

int trunkset_alloc(struct trunkset **tsp, struct sip *sip, struct store *st)
{
	struct trunkset *ts = mem_zalloc(sizeof(*ts), set_destructor);

	if (!ts)
		return ENOMEM;
	ts->sip = sip;
	ts->st = st;
	*tsp = ts;
	return 0;
}

/* "host[:port]" as written in the trunk; an address is required here
   (DNS for trunk hosts comes with a resolver of our own) */
static int parse_proxy(struct trunk *t)
{
	struct pl pl;

	t->tp = !strcmp(t->cfg.transport, "tcp") ? SIP_TRANSP_TCP
						 : SIP_TRANSP_UDP;
	pl_set_str(&pl, t->cfg.proxy);
	if (!sa_decode(&t->proxy, pl.p, pl.l))
		return 0;
	if (!sa_set(&t->proxy, &pl, 5060))
		return 0;
	return EINVAL;
}

int trunk_auth(char **user, char **pass, const char *realm, void *arg)
{
	const struct trunk *t = arg;
	int err;
	(void)realm;

	if (!t->cfg.username[0])
		return EAUTH;
	err = str_dup(user, t->cfg.username);
	err |= str_dup(pass, t->cfg.password);
	return err;
}

static void reg_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct trunk *t = arg;

	if (err)
		tlog_warn("pbx/trunk", NULL, "trunk %s: registration: %m",
			  t->cfg.name, err);
	else if (msg->scode >= 300)
		tlog_warn("pbx/trunk", NULL, "trunk %s: registration "
			  "refused: %u %r", t->cfg.name, msg->scode,
			  &msg->reason);
	else if (msg->scode >= 200)
		tlog_info("pbx/trunk", NULL, "trunk %s: registered",
			  t->cfg.name);
}

static int start_registration(struct trunkset *ts, struct trunk *t)
{
	char reg_uri[300], aor[400], cuser[64];
	const char *dom = t->cfg.from_domain[0] ? t->cfg.from_domain
						: t->cfg.proxy;

	(void)re_snprintf(reg_uri, sizeof(reg_uri), "sip:%s;transport=%s",
			  t->cfg.proxy, sip_transp_name(t->tp));
	(void)re_snprintf(aor, sizeof(aor), "sip:%s@%s", t->cfg.username,
			  dom);
	/* calls the carrier sends to this contact belong to this trunk */
	(void)re_snprintf(cuser, sizeof(cuser), "trunk-%lld",
			  (long long)t->cfg.id);
	return sipreg_register(&t->reg, ts->sip, reg_uri, aor, NULL, aor,
			       (uint32_t)(t->cfg.register_expires > 0
					  ? t->cfg.register_expires : 600),
			       cuser, NULL, 0, 0, trunk_auth, t, false,
			       reg_resp, t, NULL, NULL);
}

struct load_ctx {
	struct trunkset *ts;
	int64_t tenant_id;
};

static int load_one(const struct store_trunk *cfg, void *arg)
{
	struct load_ctx *lc = arg;
	struct trunk *t;

	if (lc->tenant_id && cfg->tenant_id != lc->tenant_id)
		return 0;
	t = mem_zalloc(sizeof(*t), trunk_destructor);
	if (!t)
		return ENOMEM;
	t->cfg = *cfg;
	t->set = lc->ts;
	if (parse_proxy(t)) {
		tlog_warn("pbx/trunk", NULL, "trunk %s: proxy '%s' is not "
			  "an address; trunk unused", cfg->name, cfg->proxy);
		mem_deref(t);
		return 0;
	}
	list_append(&lc->ts->trunks, &t->le, t);
	if (cfg->enabled && !strcmp(cfg->kind, "register") &&
	    start_registration(lc->ts, t))
		tlog_warn("pbx/trunk", NULL, "trunk %s: cannot register",
			  cfg->name);
	return 0;
}

/*
 * A trunk held by calls in progress is detached, not freed: the calls
 * release it when they end.
 */
static void drop(struct trunk *t)
{
	list_unlink(&t->le);
	t->reg = mem_deref(t->reg);
	if (t->refs)
		t->gone = true;
	else
		mem_deref(t);
}

int trunkset_load(struct trunkset *ts, int64_t tenant_id)
{
	struct load_ctx lc = {ts, tenant_id};
	struct le *le = list_head(&ts->trunks);

	while (le) {
		struct trunk *t = le->data;
		le = le->next;
		if (!tenant_id || t->cfg.tenant_id == tenant_id)
			drop(t);
	}
	return store_trunk_foreach_all(ts->st, load_one, &lc);
}

/* "192.0.2.0/24", "2001:db8::1", "192.0.2.7" */
static bool addr_matches(const char *spec, size_t len, const struct sa *src)
{
	struct pl pl = {spec, len}, ip = pl, bits = PL_INIT;
	struct sa net;
	unsigned n, full;
	const uint8_t *a, *b;

	if (re_regex(spec, len, "[^/]+/[0-9]+", &ip, &bits)) {
		ip = pl;
		bits = pl_null;
	}
	if (sa_set(&net, &ip, 0) || sa_af(&net) != sa_af(src))
		return false;
	full = sa_af(src) == AF_INET ? 32 : 128;
	n = pl_isset(&bits) ? pl_u32(&bits) : full;
	if (n > full)
		return false;
	if (sa_af(src) == AF_INET) {
		a = (const uint8_t *)&src->u.in.sin_addr;
		b = (const uint8_t *)&net.u.in.sin_addr;
	}
	else {
		a = (const uint8_t *)&src->u.in6.sin6_addr;
		b = (const uint8_t *)&net.u.in6.sin6_addr;
	}
	for (unsigned i = 0; i < n / 8; i++) {
		if (a[i] != b[i])
			return false;
	}
	if (n % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - n % 8));
		if ((a[n / 8] & mask) != (b[n / 8] & mask))
			return false;
	}
	return true;
}

static bool list_matches(const char *list, const struct sa *src)
{
	const char *p = list;

	while (*p) {
		size_t l;
		while (*p == ',' || *p == ' ')
			p++;
		l = strcspn(p, ", ");
		if (l && addr_matches(p, l, src))
			return true;
		p += l;
	}
	return false;
}

struct trunk *trunkset_by_source(struct trunkset *ts, const struct sa *src)
{
	for (struct le *le = list_head(&ts->trunks); le; le = le->next) {
		struct trunk *t = le->data;

		if (!t->cfg.enabled)
			continue;
		if (!strcmp(t->cfg.kind, "ip")) {
			if (list_matches(t->cfg.inbound_addrs, src))
				return t;
		}
		else if (sa_cmp(&t->proxy, src, SA_ADDR)) {
			return t;
		}
	}
	return NULL;
}

struct trunk *trunkset_get(struct trunkset *ts, int64_t tenant_id,
			   int64_t id)
{
	for (struct le *le = list_head(&ts->trunks); le; le = le->next) {
		struct trunk *t = le->data;
		if (t->cfg.id == id && t->cfg.tenant_id == tenant_id)
			return t;
	}
	return NULL;
}

size_t trunkset_count(const struct trunkset *ts)
{
	return list_count(&ts->trunks);
}

bool trunk_acquire(struct trunk *t)
{
	if (!t->cfg.enabled || t->gone)
		return false;
	if (t->cfg.max_channels > 0 &&
	    t->active >= (unsigned)t->cfg.max_channels)
		return false;
	t->active++;
	t->refs++;
	return true;
}

void trunk_release(struct trunk *t)
{
	if (!t)
		return;
	if (t->active)
		t->active--;
	if (t->refs)
		t->refs--;
	if (t->gone && !t->refs)
		mem_deref(t);
}

int trunk_uri(const struct trunk *t, const char *number, char *buf,
	      size_t size)
{
	int n = re_snprintf(buf, size, "sip:%s@%s;transport=%s", number,
			    t->cfg.proxy, sip_transp_name(t->tp));
	return (n < 0 || (size_t)n >= size) ? ENOSPC : 0;
}
