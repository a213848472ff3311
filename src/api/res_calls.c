/**
 * @file res_calls.c  /api/v1/tenants/{tenant_id}/calls: the calls in
 * progress, and recording one of them.
 *
 * These are live objects of the call layer, not rows: a call is here
 * from its INVITE to its end, named by the uuid its CDR will carry, and
 * gone afterwards (its record is then under /cdrs, its recordings under
 * /recordings?call_uuid=).  Tenant admins and supervisors see and record
 * the tenant's calls; another tenant's call does not exist (404).
 *
 *   POST .../calls/{uuid}/recording {"action": "start", "mode": "split"}
 *
 * start (mode "mixed", the default, or "split": caller left, callee
 * right), pause, resume, stop.  A call not answered yet, a start while
 * recording, or a stop with nothing recorded is a 409 that says which;
 * a start on a call whose recording policy is never is a 403
 * (features/recording.h: the call layer decides from both parties).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pbx/calls.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

/* The tenant of the path, when the caller may see its calls
   (supervisors watch them as admins do) and there are calls here. */
static bool calls_access(struct api_ctx *ctx, const struct api_req *req,
			 struct api_resp *resp, int64_t *tenant_id)
{
	if (!api_path_id(req, 0, tenant_id, resp))
		return false;
	if (req->who.role < ROLE_SUPERVISOR) {
		api_problem(resp, 403, NULL, "only the tenant's admins and "
			    "supervisors see its calls");
		return false;
	}
	if (!ctx->pbx) {
		api_problem(resp, 503, NULL, "this daemon carries no calls");
		return false;
	}
	return true;
}

static json_t *call_json(const struct call_info *ci)
{
	char start[40], answer[40];
	json_t *o;

	api_iso_ms(start, sizeof(start), ci->start_ms);
	api_iso_ms(answer, sizeof(answer), ci->answer_ms);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		      "uuid", ci->uuid, "caller", ci->caller,
		      "callee", ci->callee, "context", ci->context,
		      "state", ci->state, "start", start, "answer", answer);
	if (!o)
		return json_object();
	json_object_set_new(o, "recording", ci->recording_id
		? json_pack("{s:I, s:b}", "id",
			    (json_int_t)ci->recording_id, "paused",
			    ci->recording_paused)
		: json_null());
	return o;
}

static void add_call(const struct call_info *ci, void *arg)
{
	json_array_append_new(arg, call_json(ci));
}

void calls_list(struct api_ctx *ctx, struct api_req *req,
		struct api_resp *resp)
{
	int64_t tenant_id;
	json_t *items;

	if (!calls_access(ctx, req, resp, &tenant_id))
		return;
	items = json_array();
	call_foreach(ctx->pbx, tenant_id, add_call, items);
	api_json(resp, 200, json_pack("{s:o, s:n}", "items", items,
				      "next_cursor"));
}

static const char *const record_fields[] = {"action", "mode", NULL};

static bool parse_action(json_t *body, struct api_resp *resp,
			 enum call_rec_action *a,
			 enum media_rec_mode *mode)
{
	static const struct str_rule word = {1, 16, "abcdefghijklmnopqrstuvwxyz"};
	static const char *const actions[] = {"start", "pause", "resume",
					      "stop"};
	char action[17] = "", m[17] = "mixed";

	if (!api_get_str(body, "action", true, &word, action, sizeof(action),
			 resp) ||
	    !api_get_str(body, "mode", false, &word, m, sizeof(m), resp))
		return false;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (!strcmp(action, actions[i])) {
			*a = (enum call_rec_action)i;
			break;
		}
		if (i + 1 == sizeof(actions) / sizeof(actions[0])) {
			api_problem(resp, 422, "action", "'%s' is not one of "
				    "start, pause, resume, stop", action);
			return false;
		}
	}
	if (!strcmp(m, "mixed")) {
		*mode = MEDIA_REC_MIXED;
	}
	else if (!strcmp(m, "split")) {
		*mode = MEDIA_REC_SPLIT;
	}
	else {
		api_problem(resp, 422, "mode", "'%s' is not mixed or split", m);
		return false;
	}
	return true;
}

static void record_error(struct api_resp *resp, int err,
			 enum call_rec_action a)
{
	switch (err) {
	case ENOENT:
		api_problem(resp, 404, NULL, "no such call in progress");
		break;
	case EBUSY:
		api_problem(resp, 409, "action", "the call is not answered "
			    "yet");
		break;
	case EALREADY:
		api_problem(resp, 409, "action", a == CALL_REC_START
			    ? "the call is being recorded already"
			    : "the call is not being recorded");
		break;
	case EPERM:
		api_problem(resp, 403, "action", "the recording policy of this "
			    "call forbids recording");
		break;
	case ENOSYS:
		api_problem(resp, 503, NULL, "recordings are not available "
			    "on this daemon");
		break;
	default:
		api_problem(resp, 503, NULL, "the recording could not be "
			    "started: %s", strerror(err));
		break;
	}
}

void calls_record(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	static const char *const names[] = {"start", "pause", "resume",
					    "stop"};
	enum call_rec_action a = CALL_REC_START;
	const char *uuid = req->params[1];
	char resource[128];
	enum media_rec_mode mode = MEDIA_REC_MIXED;
	int err;
	int64_t id = 0, tenant_id;
	json_t *body, *out;

	if (!calls_access(ctx, req, resp, &tenant_id))
		return;
	body = api_body(req, resp, record_fields);
	if (!body)
		return;
	if (!parse_action(body, resp, &a, &mode)) {
		json_decref(body);
		return;
	}
	err = call_record(ctx->pbx, tenant_id, uuid, a, mode, &id);
	if (err) {
		record_error(resp, err, a);
		json_decref(body);
		return;
	}
	out = json_pack("{s:s, s:s, s:I}", "call_uuid", uuid, "action",
			names[a], "recording_id", (json_int_t)id);
	snprintf(resource, sizeof(resource), "calls/%.40s/recording", uuid);
	audit_record(ctx, req, tenant_id, "update", resource, NULL, body);
	json_decref(body);
	api_json(resp, 200, out);
}
