/**
 * @file reach.c  Requests from the platform to a user's phones.
 */
#include <string.h>
#include "dir/directory.h"
#include "presence/reach.h"
#include "sip/location.h"
#include "store/store.h"

int reach_resolve(struct directory *dir, struct store *st,
		  const struct dir_tenant *t, const struct uri *ruri,
		  int64_t *user_id)
{
	const struct dir_tenant *other;
	const struct dir_device *dev;
	struct store_user u;
	char ext[32];

	if (!dir || !st || !t || !ruri || !user_id)
		return EINVAL;
	other = dir_tenant_by_domain(dir, &ruri->host);
	if (other && other != t)
		return ENOENT;
	if (!pl_isset(&ruri->user) || ruri->user.l >= sizeof(ext))
		return ENOENT;
	(void)pl_strcpy(&ruri->user, ext, sizeof(ext));
	if (!store_user_find_extension(st, t->id, ext, &u)) {
		*user_id = u.id;
		return 0;
	}
	dev = dir_device_find(dir, t, &ruri->user);
	if (!dev || dev->user_id <= 0)
		return ENOENT;
	*user_id = dev->user_id;
	return 0;
}

uint32_t reach_user_hash(int64_t tenant_id, int64_t user_id)
{
	int64_t k[2] = {tenant_id, user_id};
	return hash_joaat((const uint8_t *)k, sizeof(k));
}

struct walk {
	struct location *loc;
	int64_t user_id;
	reach_binding_h *h;
	void *arg;
	size_t n;
};

static void device_bindings(struct dir_device *dev, void *arg)
{
	struct walk *w = arg;
	const struct loc_aor *aor;

	if (dev->user_id != w->user_id)
		return;
	aor = location_find(w->loc, dev->tenant->id, dev->id);
	if (!aor)
		return;
	for (struct le *le = list_head(&aor->bindings); le; le = le->next) {
		w->n++;
		if (w->h)
			w->h(dev, le->data, w->arg);
	}
}

size_t reach_bindings(struct directory *dir, struct location *loc,
		      int64_t tenant_id, int64_t user_id, reach_binding_h *h,
		      void *arg)
{
	struct walk w = {loc, user_id, h, arg, 0};

	if (!dir || !loc)
		return 0;
	dir_user_devices(dir, tenant_id, user_id, device_bindings, &w);
	return w.n;
}

static int contact_h(enum sip_transp tp, const struct sa *src,
		     const struct sa *dst, struct mbuf *mb, void *arg)
{
	(void)dst;
	(void)arg;
	return mbuf_printf(mb, "Contact: <sip:centrex@%J;transport=%s>\r\n",
			   src, sip_transp_name(tp));
}

int reach_send(struct sip *sip, struct sip_request **reqp, const char *met,
	       const struct loc_binding *b, bool contact, sip_resp_h *resph,
	       void *arg, const char *fmt, ...)
{
	char route_s[128];
	struct uri route;
	struct mbuf *mb;
	struct pl pl;
	va_list ap;
	int err;

	if (!sip || !met || !b || !b->contact || !fmt)
		return EINVAL;
	/* always towards where the REGISTER came from: the Contact may be
	   an address behind a NAT */
	if (re_snprintf(route_s, sizeof(route_s), "sip:%J;transport=%s;lr",
			&b->src, sip_transp_name(b->tp)) < 0)
		return EINVAL;
	pl_set_str(&pl, route_s);
	err = uri_decode(&route, &pl);
	if (err)
		return err;

	mb = mbuf_alloc(1024);
	if (!mb)
		return ENOMEM;
	va_start(ap, fmt);
	err = mbuf_printf(mb, "Max-Forwards: 70\r\n");
	err |= mbuf_vprintf(mb, fmt, ap);
	va_end(ap);
	if (err)
		goto out;
	mb->pos = 0;
	err = sip_request(reqp, sip, true, met, -1, b->contact, -1, &route, mb,
			  (size_t)arg, contact ? contact_h : NULL, resph, arg);
 out:
	mem_deref(mb);
	return err;
}
