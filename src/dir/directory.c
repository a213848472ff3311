/**
 * @file directory.c  In-memory directory of tenants and SIP devices.
 *
 * Three hash tables: tenants by domain, tenants by id, devices by
 * (tenant id, username) and by (tenant id, device id).  Entries are libre
 * mem objects owned by the directory; the hash elements live inside a
 * private wrapper so the public structs stay plain.
 */
#include <re.h>
#include <string.h>
#include "core/log.h"
#include "core/strutil.h"
#include "dir/directory.h"
#include "store/store.h"

struct tenant_ent {
	struct le le_dom;
	struct le le_id;
	struct dir_tenant t;
};

struct device_ent {
	struct le le_name;
	struct le le_id;
	struct le le_user;           /**< devices_by_user: who to ring */
	struct dir_device d;
};

struct directory {
	struct hash *tenants_by_domain;
	struct hash *tenants_by_id;
	struct hash *devices_by_name;
	struct hash *devices_by_id;
	struct hash *devices_by_user;
	size_t ntenants;
};

static void tenant_destructor(void *arg)
{
	struct tenant_ent *e = arg;

	hash_unlink(&e->le_dom);
	hash_unlink(&e->le_id);
	mem_deref(e->t.slug);
	mem_deref(e->t.domain);
}

static void device_destructor(void *arg)
{
	struct device_ent *e = arg;

	hash_unlink(&e->le_name);
	hash_unlink(&e->le_id);
	hash_unlink(&e->le_user);
	mem_deref(e->d.username);
}

/* free every entry; each destructor unlinks itself from its buckets */
static void drain(struct hash *h)
{
	for (uint32_t i = 0; h && i < hash_bsize(h); i++) {
		struct list *l = hash_list(h, i);
		while (l && l->head)
			mem_deref(l->head->data);
	}
}

static void dir_destructor(void *arg)
{
	struct directory *d = arg;

	/* devices first: they point at tenants */
	drain(d->devices_by_id);
	drain(d->tenants_by_id);
	mem_deref(d->devices_by_name);
	mem_deref(d->devices_by_id);
	mem_deref(d->devices_by_user);
	mem_deref(d->tenants_by_domain);
	mem_deref(d->tenants_by_id);
}

int dir_alloc(struct directory **dp)
{
	struct directory *d;
	int err;

	if (!dp)
		return EINVAL;
	d = mem_zalloc(sizeof(*d), dir_destructor);
	if (!d)
		return ENOMEM;
	err  = hash_alloc(&d->tenants_by_domain, 256);
	err |= hash_alloc(&d->tenants_by_id, 256);
	err |= hash_alloc(&d->devices_by_name, 65536);
	err |= hash_alloc(&d->devices_by_id, 65536);
	err |= hash_alloc(&d->devices_by_user, 65536);
	if (err) {
		mem_deref(d);
		return ENOMEM;
	}
	*dp = d;
	return 0;
}

static uint32_t id_key(int64_t tenant_id, int64_t id)
{
	uint64_t k = (uint64_t)tenant_id * 0x9e3779b97f4a7c15ULL ^ (uint64_t)id;
	return (uint32_t)(k ^ (k >> 32));
}

static uint32_t name_key(int64_t tenant_id, const char *s, size_t n)
{
	return hash_joaat((const uint8_t *)s, n) ^ id_key(tenant_id, 0);
}

const char *dir_alg_name(enum dir_alg alg)
{
	return alg == DIR_ALG_SHA256 ? "SHA-256" : "MD5";
}

int dir_parse_algs(enum dir_alg *algs, size_t *algc, const char *s)
{
	struct pl rest, tok;
	size_t n = 0;

	pl_set_str(&rest, s);
	while (rest.l && n < DIR_ALG_MAX) {
		struct pl sep;
		if (re_regex(rest.p, rest.l, "[ ]*[^, ]+[ ]*[,]*", NULL, &tok,
			     NULL, &sep))
			break;
		if (!pl_strcasecmp(&tok, "MD5"))
			algs[n++] = DIR_ALG_MD5;
		else if (!pl_strcasecmp(&tok, "SHA-256"))
			algs[n++] = DIR_ALG_SHA256;
		else
			return EINVAL;
		pl_advance(&rest, (ssize_t)(sep.p + sep.l - rest.p));
	}
	if (!n)
		return EINVAL;
	*algc = n;
	return 0;
}

int dir_tenant_add(struct directory *d, int64_t id, const char *slug,
		   const char *domain, const char *algs,
		   struct dir_tenant **tp)
{
	struct tenant_ent *e;
	int err;

	e = mem_zalloc(sizeof(*e), tenant_destructor);
	if (!e)
		return ENOMEM;
	e->t.id = id;
	err  = str_dup(&e->t.slug, slug);
	err |= str_dup(&e->t.domain, domain);
	if (err)
		goto out;
	str_lower(e->t.domain);
	err = dir_parse_algs(e->t.algs, &e->t.algc, algs);
	if (err)
		goto out;

	hash_append(d->tenants_by_domain, hash_joaat_str_ci(e->t.domain),
		    &e->le_dom, e);
	hash_append(d->tenants_by_id, id_key(id, 0), &e->le_id, e);
	d->ntenants++;
	if (tp)
		*tp = &e->t;
 out:
	if (err)
		mem_deref(e);
	return err;
}

int dir_device_add(struct directory *d, struct dir_tenant *t, int64_t id,
		   int64_t user_id, const char *username,
		   const char *ha1_md5_hex, const char *ha1_sha256_hex)
{
	struct device_ent *e;
	int err;

	e = mem_zalloc(sizeof(*e), device_destructor);
	if (!e)
		return ENOMEM;
	e->d.id = id;
	e->d.user_id = user_id;
	e->d.tenant = t;
	err = str_dup(&e->d.username, username);
	if (!err)
		err = hex_decode(e->d.ha1_md5, sizeof(e->d.ha1_md5),
				 ha1_md5_hex, strlen(ha1_md5_hex));
	if (!err)
		err = hex_decode(e->d.ha1_sha256, sizeof(e->d.ha1_sha256),
				 ha1_sha256_hex, strlen(ha1_sha256_hex));
	if (err) {
		mem_deref(e);
		return err;
	}
	hash_append(d->devices_by_name,
		    name_key(t->id, username, strlen(username)),
		    &e->le_name, e);
	hash_append(d->devices_by_id, id_key(t->id, id), &e->le_id, e);
	hash_append(d->devices_by_user, id_key(t->id, user_id), &e->le_user,
		    e);
	t->ndevices++;
	return 0;
}

struct load_ctx {
	struct directory *d;
	struct store *st;
	const char *default_algs;
	struct dir_tenant *t;
	int err;
};

static int load_device(const struct store_device *sd, void *arg)
{
	struct load_ctx *c = arg;
	int err = dir_device_add(c->d, c->t, sd->id, sd->user_id,
				 sd->sip_username, sd->ha1_md5, sd->ha1_sha256);
	if (err)
		tlog_warn("dir", c->t->slug, "device %lld (%s) skipped: "
			  "bad credentials record", (long long)sd->id,
			  sd->sip_username);
	return 0;
}

static int load_tenant(const struct store_tenant *st, void *arg)
{
	struct load_ctx *c = arg;
	const char *algs = st->digest_algorithms[0] ? st->digest_algorithms
						     : c->default_algs;
	int err;

	err = dir_tenant_add(c->d, st->id, st->slug, st->sip_domain, algs,
			     &c->t);
	if (err) {
		log_warn("dir", "tenant %s skipped: %m", st->slug, err);
		return 0;
	}
	return store_device_foreach(c->st, st->id, load_device, c);
}

int dir_load(struct directory *d, struct store *st, const char *default_algs)
{
	struct load_ctx c = {.d = d, .st = st, .default_algs = default_algs};

	if (!d || !st || !default_algs)
		return EINVAL;
	return store_tenant_foreach_all(st, load_tenant, &c);
}

static bool tenant_dom_cmp(struct le *le, void *arg)
{
	const struct tenant_ent *e = le->data;
	const struct pl *dom = arg;
	return 0 == pl_strcasecmp(dom, e->t.domain);
}

struct dir_tenant *dir_tenant_by_domain(const struct directory *d,
					const struct pl *domain)
{
	struct le *le;

	if (!d || !pl_isset(domain))
		return NULL;
	le = hash_lookup(d->tenants_by_domain, hash_joaat_pl_ci(domain),
			 tenant_dom_cmp, (void *)domain);
	return le ? &((struct tenant_ent *)le->data)->t : NULL;
}

static bool tenant_id_cmp(struct le *le, void *arg)
{
	const struct tenant_ent *e = le->data;
	return e->t.id == *(const int64_t *)arg;
}

struct dir_tenant *dir_tenant_by_id(const struct directory *d, int64_t id)
{
	struct le *le;

	if (!d)
		return NULL;
	le = hash_lookup(d->tenants_by_id, id_key(id, 0), tenant_id_cmp, &id);
	return le ? &((struct tenant_ent *)le->data)->t : NULL;
}

struct name_cmp {
	const struct dir_tenant *t;
	const struct pl *name;
};

static bool device_name_cmp(struct le *le, void *arg)
{
	const struct device_ent *e = le->data;
	const struct name_cmp *c = arg;
	return e->d.tenant == c->t && 0 == pl_strcmp(c->name, e->d.username);
}

struct dir_device *dir_device_find(const struct directory *d,
				   const struct dir_tenant *t,
				   const struct pl *username)
{
	struct name_cmp c = {t, username};
	struct le *le;

	if (!d || !t || !pl_isset(username))
		return NULL;
	le = hash_lookup(d->devices_by_name,
			 name_key(t->id, username->p, username->l),
			 device_name_cmp, &c);
	return le ? &((struct device_ent *)le->data)->d : NULL;
}

struct id_cmp {
	int64_t tenant_id, id;
};

static bool device_id_cmp(struct le *le, void *arg)
{
	const struct device_ent *e = le->data;
	const struct id_cmp *c = arg;
	return e->d.id == c->id && e->d.tenant->id == c->tenant_id;
}

struct dir_device *dir_device_by_id(const struct directory *d,
				    int64_t tenant_id, int64_t id)
{
	struct id_cmp c = {tenant_id, id};
	struct le *le;

	if (!d)
		return NULL;
	le = hash_lookup(d->devices_by_id, id_key(tenant_id, id),
			 device_id_cmp, &c);
	return le ? &((struct device_ent *)le->data)->d : NULL;
}

struct each_ctx {
	dir_tenant_h *h;
	void *arg;
};

static bool each_tenant(struct le *le, void *arg)
{
	struct each_ctx *c = arg;
	c->h(&((struct tenant_ent *)le->data)->t, c->arg);
	return false;
}

void dir_tenant_foreach(const struct directory *d, dir_tenant_h *h,
			void *arg)
{
	struct each_ctx c = {h, arg};
	if (d && h)
		(void)hash_apply(d->tenants_by_id, each_tenant, &c);
}

size_t dir_tenant_count(const struct directory *d)
{
	return d ? d->ntenants : 0;
}

/* ---- live changes ------------------------------------------------------ */

static struct device_ent *device_ent_of(struct dir_device *dev)
{
	return (struct device_ent *)(void *)((char *)dev -
					     offsetof(struct device_ent, d));
}

static struct tenant_ent *tenant_ent_of(struct dir_tenant *t)
{
	return (struct tenant_ent *)(void *)((char *)t -
					     offsetof(struct tenant_ent, t));
}

void dir_device_remove(struct directory *d, int64_t tenant_id, int64_t id)
{
	struct dir_device *dev = dir_device_by_id(d, tenant_id, id);

	if (!dev)
		return;
	dev->tenant->ndevices--;
	mem_deref(device_ent_of(dev));
}

/*
 * Replace a device: new credentials or a new username.  Replay state is
 * kept when the username stays, so a phone mid-registration is not
 * bothered by an unrelated edit.
 */
int dir_device_put(struct directory *d, int64_t tenant_id, int64_t id,
		   int64_t user_id, const char *username,
		   const char *ha1_md5_hex, const char *ha1_sha256_hex)
{
	struct dir_tenant *t = dir_tenant_by_id(d, tenant_id);
	struct dir_device *old = dir_device_by_id(d, tenant_id, id);
	struct dir_replay replay = {0};
	struct pl name;
	int err;

	if (!t)
		return ENOENT;
	if (old && !strcmp(old->username, username))
		replay = old->replay;
	dir_device_remove(d, tenant_id, id);
	err = dir_device_add(d, t, id, user_id, username, ha1_md5_hex,
			     ha1_sha256_hex);
	if (err)
		return err;
	pl_set_str(&name, username);
	dir_device_find(d, t, &name)->replay = replay;
	return 0;
}

struct dev_each {
	int64_t tenant_id;
	dir_device_h *h;
	void *arg;
};

static bool each_device(struct le *le, void *arg)
{
	struct device_ent *e = le->data;
	struct dev_each *c = arg;

	if (e->d.tenant->id == c->tenant_id)
		c->h(&e->d, c->arg);
	return false;
}

void dir_device_foreach(const struct directory *d, int64_t tenant_id,
			dir_device_h *h, void *arg)
{
	struct dev_each c = {tenant_id, h, arg};
	if (d && h)
		(void)hash_apply(d->devices_by_id, each_device, &c);
}

void dir_user_devices(const struct directory *d, int64_t tenant_id,
		      int64_t user_id, dir_device_h *h, void *arg)
{
	struct list *l;

	if (!d || !h)
		return;
	/* one bucket: the user's devices and whoever shares its hash */
	l = hash_list(d->devices_by_user, id_key(tenant_id, user_id));
	for (struct le *le = list_head(l); le; ) {
		struct device_ent *e = le->data;
		le = le->next;
		if (e->d.tenant->id == tenant_id && e->d.user_id == user_id)
			h(&e->d, arg);
	}
}

static bool drop_tenant_device(struct le *le, void *arg)
{
	struct device_ent *e = le->data;
	return e->d.tenant->id == *(const int64_t *)arg;
}

void dir_tenant_remove(struct directory *d, int64_t id)
{
	struct dir_tenant *t = dir_tenant_by_id(d, id);
	struct le *le;

	if (!t)
		return;
	while ((le = hash_apply(d->devices_by_id, drop_tenant_device, &id)))
		mem_deref(le->data);
	d->ntenants--;
	mem_deref(tenant_ent_of(t));
}

/* new tenant, or changed domain / algorithms (devices are kept) */
int dir_tenant_put(struct directory *d, int64_t id, const char *slug,
		   const char *domain, const char *algs)
{
	struct dir_tenant *t = dir_tenant_by_id(d, id);
	struct tenant_ent *e;
	char *nslug = NULL, *ndom = NULL;
	enum dir_alg a[DIR_ALG_MAX];
	size_t ac = 0;
	int err;

	if (!t)
		return dir_tenant_add(d, id, slug, domain, algs, NULL);

	err = dir_parse_algs(a, &ac, algs);
	err |= str_dup(&nslug, slug);
	err |= str_dup(&ndom, domain);
	if (err) {
		mem_deref(nslug);
		mem_deref(ndom);
		return err ? EINVAL : 0;
	}
	str_lower(ndom);
	e = tenant_ent_of(t);
	hash_unlink(&e->le_dom);
	mem_deref(t->slug);
	mem_deref(t->domain);
	t->slug = nslug;
	t->domain = ndom;
	memcpy(t->algs, a, sizeof(a));
	t->algc = ac;
	hash_append(d->tenants_by_domain, hash_joaat_str_ci(t->domain),
		    &e->le_dom, e);
	return 0;
}
