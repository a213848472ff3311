/**
 * @file live.c  Applying configuration changes to the running daemon.
 */
#include <re.h>
#include <string.h>
#include "core/conf.h"
#include "core/log.h"
#include "dir/directory.h"
#include "sip/location.h"
#include "store/store.h"
#include "api/ctx.h"
#include "api/live.h"
#include "api/sessions.h"

int live_tenant_put(struct api_ctx *ctx, const struct store_tenant *t)
{
	return dir_tenant_put(ctx->dir, t->id, t->slug, t->sip_domain,
			      t->digest_algorithms[0]
			      ? t->digest_algorithms
			      : ctx->conf->auth_default_algorithms);
}

static void unbind(struct dir_device *dev, void *arg)
{
	struct api_ctx *ctx = arg;
	location_remove_all(ctx->loc, dev->tenant->id, dev->id);
}

void live_tenant_removed(struct api_ctx *ctx, int64_t tenant_id)
{
	dir_device_foreach(ctx->dir, tenant_id, unbind, ctx);
	dir_tenant_remove(ctx->dir, tenant_id);
	sessions_remove_tenant(ctx->sessions, tenant_id);
}

int live_device_put(struct api_ctx *ctx, const struct store_device *d)
{
	struct dir_device *old = dir_device_by_id(ctx->dir, d->tenant_id,
						  d->id);

	/* a device renamed: its bindings were registered under the old name */
	if (old && strcmp(old->username, d->sip_username))
		location_remove_all(ctx->loc, d->tenant_id, d->id);
	return dir_device_put(ctx->dir, d->tenant_id, d->id, d->user_id,
			      d->sip_username, d->ha1_md5, d->ha1_sha256);
}

void live_device_removed(struct api_ctx *ctx, int64_t tenant_id,
			 int64_t device_id)
{
	location_remove_all(ctx->loc, tenant_id, device_id);
	dir_device_remove(ctx->dir, tenant_id, device_id);
}

struct user_devs {
	int64_t user_id;
	int64_t ids[256];
	size_t n;
};

static void collect(struct dir_device *dev, void *arg)
{
	struct user_devs *u = arg;
	if (dev->user_id == u->user_id && u->n < 256)
		u->ids[u->n++] = dev->id;
}

void live_user_removed(struct api_ctx *ctx, int64_t tenant_id,
		       int64_t user_id)
{
	struct user_devs u = {.user_id = user_id};

	dir_device_foreach(ctx->dir, tenant_id, collect, &u);
	for (size_t i = 0; i < u.n; i++)
		live_device_removed(ctx, tenant_id, u.ids[i]);
	sessions_remove_account(ctx->sessions, tenant_id, user_id);
}

void live_trunks_changed(struct api_ctx *ctx, int64_t tenant_id)
{
	if (ctx->trunks_changed)
		ctx->trunks_changed(ctx->trunks_arg, tenant_id);
}

void live_prompt_changed(struct api_ctx *ctx, int64_t tenant_id,
			 const char *lang, const char *name, bool removed)
{
	if (ctx->prompts_changed)
		ctx->prompts_changed(tenant_id, lang, name, removed,
				     ctx->prompts_arg);
}
