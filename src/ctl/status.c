/**
 * @file status.c  registrations, bans, metrics, status.
 *
 * Output is for people first (aligned columns) and stays easy to parse:
 * one record per line, fields separated by blanks, no field contains a
 * blank.
 */
#include <re.h>
#include "core/metrics.h"
#include "ctl/ctl.h"
#include "ctl/status.h"
#include "media/media.h"
#include "pbx/pbx.h"
#include "dir/directory.h"
#include "sip/ban.h"
#include "sip/location.h"

struct reg_print {
	struct re_printf *pf;
	struct directory *dir;
	const struct dir_tenant *only;   /**< filter, NULL = all */
	int err;
};

static void print_aor(const struct loc_aor *aor, void *arg)
{
	struct reg_print *rp = arg;
	const struct dir_device *dev;
	const char *tslug = "?", *user = "?";

	if (rp->only && rp->only->id != aor->tenant_id)
		return;
	dev = dir_device_by_id(rp->dir, aor->tenant_id, aor->device_id);
	if (dev) {
		tslug = dev->tenant->slug;
		user = dev->username;
	}
	for (struct le *le = aor->bindings.head; le; le = le->next) {
		const struct loc_binding *b = le->data;
		char src[64];
		re_snprintf(src, sizeof(src), "%J", &b->src);
		rp->err |= re_hprintf(rp->pf, "%-10s %-8s %-5s %-22s %5us %s\n",
				      tslug, user, sip_transp_name(b->tp),
				      src, loc_binding_remaining_s(b),
				      b->contact);
	}
}

struct slug_find {
	const struct pl *slug;
	const struct dir_tenant *t;
};

static void match_slug(struct dir_tenant *t, void *arg)
{
	struct slug_find *f = arg;
	if (!pl_strcmp(f->slug, t->slug))
		f->t = t;
}

/* registrations [TENANT-SLUG] */
static int cmd_registrations(struct re_printf *pf, const struct pl *args,
			     void *arg)
{
	struct status_src *src = arg;
	struct reg_print rp = {.pf = pf, .dir = src->dir};

	if (pl_isset(args)) {
		struct slug_find f = {args, NULL};
		dir_tenant_foreach(src->dir, match_slug, &f);
		if (!f.t)
			return re_hprintf(pf, "error: no tenant '%r'\n", args);
		rp.only = f.t;
	}
	rp.err = re_hprintf(pf, "%-10s %-8s %-5s %-22s %6s %s\n", "tenant",
			    "user", "tp", "source", "expiry", "contact");
	location_foreach(src->loc, print_aor, &rp);
	return rp.err;
}

struct count_ctx {
	struct re_printf *pf;
	struct location *loc;
	int err;
};

struct per_tenant {
	int64_t id;
	size_t devices, contacts;
};

static void count_aor(const struct loc_aor *aor, void *arg)
{
	struct per_tenant *pt = arg;

	if (aor->tenant_id != pt->id)
		return;
	pt->devices++;
	pt->contacts += list_count(&aor->bindings);
}

static void tenant_line(struct dir_tenant *t, void *arg)
{
	struct count_ctx *c = arg;
	struct per_tenant pt = {.id = t->id};

	location_foreach(c->loc, count_aor, &pt);
	c->err |= re_hprintf(c->pf, "%-10s %-24s %8zu %10zu %8zu\n", t->slug,
			     t->domain, t->ndevices, pt.devices, pt.contacts);
}

static void ban_line(const struct ban_info *bi, void *arg)
{
	struct count_ctx *c = arg;

	char addr[64];
	re_snprintf(addr, sizeof(addr), "%j", bi->addr);
	c->err |= re_hprintf(c->pf, "%-40s %8u %8llus\n", addr,
			     bi->failures,
			     (unsigned long long)(bi->remaining_ms / 1000));
}

static int cmd_bans(struct re_printf *pf, const struct pl *args, void *arg)
{
	struct status_src *src = arg;
	struct count_ctx c = {.pf = pf};
	(void)args;

	c.err = re_hprintf(pf, "%-40s %8s %9s\n", "address", "failures",
			   "remaining");
	ban_foreach(src->bans, true, ban_line, &c);
	return c.err;
}

static int cmd_metrics(struct re_printf *pf, const struct pl *args,
		       void *arg)
{
	int err = 0;
	(void)args;
	(void)arg;

	for (int m = 0; m < M_COUNT; m++)
		err |= re_hprintf(pf, "%-24s %llu\n",
				  metrics_name((enum metric)m),
				  (unsigned long long)metrics_get((enum metric)m));
	return err;
}

static int cmd_status(struct re_printf *pf, const struct pl *args, void *arg)
{
	struct status_src *src = arg;
	struct count_ctx c = {.pf = pf, .loc = src->loc};
	(void)args;

	c.err = re_hprintf(pf, "centrexd %s: %zu bindings, %zu tenants, "
			   "%zu tracked addresses\n\n", CENTREX_VERSION,
			   location_count(src->loc),
			   dir_tenant_count(src->dir), ban_count(src->bans));
	if (src->pbx && src->media)
		c.err |= re_hprintf(pf, "calls: %u in progress, %u media "
				    "relays, %u RTP ports free\n\n",
				    pbx_call_count(src->pbx),
				    media_relay_count(src->media),
				    media_ports_free(src->media));
	c.err |= re_hprintf(pf, "%-10s %-24s %8s %10s %8s\n", "tenant",
			    "domain", "devices", "registered", "contacts");
	dir_tenant_foreach(src->dir, tenant_line, &c);
	c.err |= re_hprintf(pf, "\nbanned addresses:\n");
	c.err |= cmd_bans(pf, args, arg);
	return c.err;
}

int status_register(struct ctl *ctl, struct status_src *src)
{
	int err = 0;

	err |= ctl_register(ctl, "status", "registrations per tenant and bans",
			    cmd_status, src);
	err |= ctl_register(ctl, "registrations",
			    "every binding: tenant user transport source "
			    "expiry contact", cmd_registrations, src);
	err |= ctl_register(ctl, "bans", "banned source addresses", cmd_bans,
			    src);
	err |= ctl_register(ctl, "metrics", "counters", cmd_metrics, NULL);
	return err;
}
