/**
 * @file res_recordings.c  /api/v1/tenants/{tenant_id}/recordings: call
 * recordings.
 *
 * The call layer creates the rows and the recording writer the files
 * (record/record.h); here they are listed, read, downloaded and deleted.
 * Lists page like the CDRs (oldest first, limit and cursor), narrowed by
 * ?call_uuid= (the CDR's uuid) and ?from= ?to= on the start.
 *
 * Who: tenant admins (and the operator) every recording of the tenant;
 * other users of the tenant only those of calls their CDR names them in
 * (as caller or callee; PERM_CDR_READ), so a recording whose CDR is not
 * written yet is the admins' alone.  Deleting is for tenant admins.
 * Another user's recording, like another tenant's, does not exist (404).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/conf.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/files.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

static json_t *recording_json(const struct store_recording *r)
{
	char start[40];
	json_t *o;

	api_iso_ms(start, sizeof(start), r->start_ms);
	o = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:I, s:I, "
		      "s:s, s:I}",
		      "id", (json_int_t)r->id, "uuid", r->uuid,
		      "call_uuid", r->call_uuid, "channels", r->channels,
		      "mode", r->mode, "legs", r->legs, "start", start,
		      "start_ms", (json_int_t)r->start_ms,
		      "duration_ms", (json_int_t)r->duration_ms,
		      "bytes", (json_int_t)r->bytes, "state", r->state,
		      "created_at", (json_int_t)r->created_at);
	return o ? o : json_object();
}

static int add_recording(const struct store_recording *r, void *arg)
{
	json_array_append_new(arg, recording_json(r));
	return 0;
}

/* 0: every recording; else only the caller's own calls' (403 written
   when the caller is no user at all, -1 returned) */
static int64_t own_user(const struct api_req *req, struct api_resp *resp)
{
	if (!roles_own_only(req, PERM_CDR_READ))
		return 0;
	if (req->who.user_id <= 0) {
		api_problem(resp, 403, NULL, "your role (%s) sees only its own "
			    "calls' recordings, and this is no user's login",
			    roles_name(req->who.role));
		return -1;
	}
	return req->who.user_id;
}

static bool uuid_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 36)
		return false;
	for (; *s; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '-'))
			return false;
	}
	return true;
}

void recordings_list(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp)
{
	struct store_recording_filter f = {0};
	int64_t tid, after, to = 0;
	json_t *items;
	int limit;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	f.call_uuid = api_req_query(req, "call_uuid");
	if (f.call_uuid && !uuid_ok(f.call_uuid)) {
		api_problem(resp, 400, "call_uuid", "call_uuid must be the uuid "
			    "of a call record (letters, digits and -, at most "
			    "36)");
		return;
	}
	if (!api_query_time(req, "from", &f.from_ms, resp) ||
	    !api_query_time(req, "to", &to, resp))
		return;
	if (api_req_query(req, "to") && to < f.from_ms) {
		api_problem(resp, 400, "to", "to must not be before from");
		return;
	}
	f.to_ms = api_req_query(req, "to") ? (to > 0 ? to : 1) : 0;
	f.user_id = own_user(req, resp);
	if (f.user_id < 0 || !api_page(req, resp, &limit, &after))
		return;
	items = json_array();
	api_list_done(resp, store_recording_list(ctx->st, tid, &f, after,
						 limit, add_recording, items),
		      items, limit);
}

static int found(const struct store_recording *r, void *arg)
{
	(void)r;
	*(bool *)arg = true;
	return 0;
}

/* the recording of the path, if the caller may see it */
static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, int64_t *tid,
		 struct store_recording *r)
{
	struct store_recording_filter f = {0};
	bool mine = false;
	int64_t id;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &id, resp))
		return false;
	f.user_id = own_user(req, resp);
	if (f.user_id < 0)
		return false;
	err = store_recording_get(ctx->st, *tid, id, r);
	if (!err && f.user_id) {
		/* one of the user's calls: the list narrowed to that call */
		f.call_uuid = r->call_uuid;
		err = r->call_uuid[0] ? store_recording_list(
			ctx->st, *tid, &f, 0, 1000, found, &mine) : 0;
		if (!err && !mine)
			err = ENOENT;
	}
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void recordings_get(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_recording r;
	int64_t tid;

	if (load(ctx, req, resp, &tid, &r))
		api_json_etag(resp, 200, recording_json(&r));
}

void recordings_audio(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp)
{
	struct store_recording r;
	char path[600], dl[64];
	int64_t tid;

	if (!load(ctx, req, resp, &tid, &r))
		return;
	if (!strcmp(r.state, "recording")) {
		api_problem(resp, 409, NULL, "the call is still being "
			    "recorded");
		return;
	}
	if (!files_relpath_ok(r.file) ||
	    !files_path(path, sizeof(path), ctx->conf->media_data_dir,
			r.file)) {
		api_problem(resp, 404, NULL, "the file is missing");
		return;
	}
	snprintf(dl, sizeof(dl), "recording-%s.wav", r.uuid);
	files_answer(resp, path, "audio/wav", dl);
}

void recordings_delete(struct api_ctx *ctx, struct api_req *req,
		       struct api_resp *resp)
{
	struct store_recording r;
	char path[600], res[48];
	json_t *before;
	int64_t tid;
	int err;

	if (!load(ctx, req, resp, &tid, &r))
		return;
	before = recording_json(&r);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	if (files_relpath_ok(r.file) &&
	    files_path(path, sizeof(path), ctx->conf->media_data_dir,
		       r.file) && unlink(path) && errno != ENOENT) {
		json_decref(before);
		api_problem(resp, 503, NULL, "cannot remove the file");
		return;
	}
	err = store_recording_delete(ctx->st, tid, r.id);
	if (err) {
		json_decref(before);
		api_store_error(resp, err);
		return;
	}
	snprintf(res, sizeof(res), "recordings/%lld", (long long)r.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
