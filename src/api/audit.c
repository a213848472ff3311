/**
 * @file audit.c  Recording every change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"

static char *dump(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

void audit_record(struct api_ctx *ctx, const struct api_req *req,
		  int64_t tenant_id, const char *action, const char *resource,
		  json_t *before, json_t *after)
{
	struct store_audit a = {0};
	struct timespec ts;

	/* an update that changed nothing is not a change */
	if (before && after && json_equal(before, after))
		return;

	clock_gettime(CLOCK_REALTIME, &ts);
	a.at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	snprintf(a.actor, sizeof(a.actor), "%.127s", req->who.name);
	snprintf(a.remote, sizeof(a.remote), "%s", req->remote);
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.resource, sizeof(a.resource), "%s", resource);
	a.before_json = dump(before);
	a.after_json = dump(after);
	if (store_audit_add(ctx->st, tenant_id, &a))
		log_error("api", "audit record for %s %s not written: %s",
			  action, resource, store_errmsg(ctx->st));
	free(a.before_json);
	free(a.after_json);
}
