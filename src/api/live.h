/**
 * @file live.h  Applying configuration changes to the running daemon.
 *
 * The API writes the store first, then calls these so SIP sees the change
 * at once: a new device can register, a changed password stops the old
 * one, a deleted user's or tenant's bindings go away.  Plain C so handler
 * files (which use jansson) can call it; the work happens in live.c.
 */
#ifndef CENTREX_API_LIVE_H
#define CENTREX_API_LIVE_H

#include <stdbool.h>
#include <stdint.h>

struct api_ctx;
struct store_tenant;
struct store_device;

int  live_tenant_put(struct api_ctx *ctx, const struct store_tenant *t);
void live_tenant_removed(struct api_ctx *ctx, int64_t tenant_id);
int  live_device_put(struct api_ctx *ctx, const struct store_device *d);
void live_device_removed(struct api_ctx *ctx, int64_t tenant_id,
			 int64_t device_id);
void live_user_removed(struct api_ctx *ctx, int64_t tenant_id,
		       int64_t user_id);

/* trunks of the tenant were created, changed or deleted: the call layer
   reloads them (registrations, inbound addresses, channel limits) */
void live_trunks_changed(struct api_ctx *ctx, int64_t tenant_id);

/* a prompt was uploaded (again) or deleted: the prompt library reloads
   that one file */
void live_prompt_changed(struct api_ctx *ctx, int64_t tenant_id,
			 const char *lang, const char *name, bool removed);

#endif
