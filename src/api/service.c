/**
 * @file service.c  The REST API as one object.
 */
#include <re.h>
#include <stdlib.h>
#include "core/conf.h"
#include "api/authworker.h"
#include "api/ctx.h"
#include "api/http.h"
#include "api/ratelimit.h"
#include "api/router.h"
#include "api/service.h"
#include "api/sessions.h"

struct api_service {
	struct api_ctx ctx;
	struct http *http;
};

void api_service_free(struct api_service *as)
{
	if (!as)
		return;
	as->http = mem_deref(as->http);   /* no more requests */
	authworker_free(as->ctx.aw);
	sessions_free(as->ctx.sessions);
	ratelimit_free(as->ctx.login_limits);
	free(as);
}

int api_service_alloc(struct api_service **asp, const struct conf *conf,
		      struct store *st, struct directory *dir,
		      struct location *loc, char *errbuf, size_t errsz)
{
	struct api_service *as;
	int err;

	as = calloc(1, sizeof(*as));
	if (!as)
		return ENOMEM;
	as->ctx.conf = conf;
	as->ctx.st = st;
	as->ctx.dir = dir;
	as->ctx.loc = loc;

	err = sessions_alloc(&as->ctx.sessions,
			     (uint32_t)conf->api_session_idle_s);
	if (!err)
		err = ratelimit_alloc(&as->ctx.login_limits,
				      (uint32_t)conf->api_login_failures,
				      (uint32_t)conf->api_login_window_s);
	if (!err)
		err = authworker_alloc(&as->ctx.aw);
	if (err) {
		snprintf(errbuf, errsz, "api: cannot start");
		goto out;
	}
	err = http_alloc(&as->http, conf->http_listen,
			 (size_t)conf->http_max_body_bytes, router_dispatch,
			 &as->ctx, errbuf, errsz);
	if (!err)
		http_set_body_limit(as->http, router_max_body);
 out:
	if (err)
		api_service_free(as);
	else
		*asp = as;
	return err;
}

void api_service_set_trunks_hook(struct api_service *as,
				 void (*h)(void *arg, int64_t tenant_id),
				 void *arg)
{
	if (!as)
		return;
	as->ctx.trunks_changed = h;
	as->ctx.trunks_arg = arg;
}

void api_service_set_prompts_hook(struct api_service *as,
				  void (*h)(int64_t tenant_id,
					    const char *lang,
					    const char *name, bool removed,
					    void *arg),
				  void *arg)
{
	if (!as)
		return;
	as->ctx.prompts_changed = h;
	as->ctx.prompts_arg = arg;
}

void api_service_set_vm_hook(struct api_service *as,
			     void (*h)(int64_t tenant_id, int64_t user_id,
				       void *arg),
			     void *arg)
{
	if (!as)
		return;
	as->ctx.vm_changed = h;
	as->ctx.vm_arg = arg;
}

void api_service_set_pbx(struct api_service *as, struct pbx *p)
{
	if (as)
		as->ctx.pbx = p;
}

void api_service_set_features_hook(struct api_service *as,
				   void (*h)(int64_t tenant_id,
					     int64_t user_id, void *arg),
				   void *arg)
{
	if (!as)
		return;
	as->ctx.features_changed = h;
	as->ctx.features_arg = arg;
}
