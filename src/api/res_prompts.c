/**
 * @file res_prompts.c  /api/v1/tenants/{tenant_id}/prompts: a tenant's
 * own recorded announcements.
 *
 * An upload is the WAV file itself as the body (audio/wav), named by the
 * query: ?name=welcome&language=fr (language defaults to the tenant's).
 * It is checked and converted once, here, to the engine's format (16 kHz
 * mono PCM16, media/audio.h) and kept as
 *   <media.data_dir>/prompts/<tenant_id>/<language>/<name>.wav
 * written to a temp file and renamed, so the prompt library never reads
 * half a file; the row (store_prompt_put) follows.  The same name and
 * language again replaces both.  Limits: PROMPT_MAX_S seconds of audio,
 * API_PROMPT_MAX_BYTES of upload (the route's own body cap, above the
 * server's http.max_body_bytes).
 *
 * The decoding runs on the signalling thread: a 10 MB file takes tens
 * of milliseconds to resample.  Uploads are rare and admin-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/conf.h"
#include "media/audio.h"
#include "media/prompt/wav.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/files.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/live.h"
#include "api/resource.h"
#include "api/upload.h"

enum {
	PROMPT_MAX_S = 300,
	PROMPT_NAME_SEGMENTS = 4,
	PROMPT_NAME_MAX = 120,
};

static json_t *prompt_json(const void *obj)
{
	const struct store_prompt *p = obj;

	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}",
			 "id", (json_int_t)p->id, "name", p->name,
			 "language", p->language,
			 "duration_ms", (json_int_t)p->duration_ms,
			 "bytes", (json_int_t)p->bytes,
			 "created_at", (json_int_t)p->created_at);
}

/* prompts/<tenant>/<language>/<name>.wav, relative to the data dir */
static bool prompt_file(char *out, size_t size, const struct api_ctx *ctx,
			int64_t tid, const char *lang, const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "prompts/%lld/%s/%s.wav", (long long)tid,
		 lang, name);
	return files_path(out, size, ctx->conf->media_data_dir, rel);
}

/* ISO 639-1 shape: two lowercase letters */
static bool language_ok(const char *s)
{
	return s && strlen(s) == 2 && s[0] >= 'a' && s[0] <= 'z' &&
	       s[1] >= 'a' && s[1] <= 'z';
}

API_RES_LIST_FN(prompt, struct store_prompt, store_prompt_list, prompt_json)

/* reads only: an upload and a delete also mind the file */
static int prompt_store(struct store *st, enum api_res_op op, int64_t tid,
			void *obj)
{
	struct store_prompt *p = obj;

	return op == API_RES_GET ? store_prompt_get(st, tid, p->id, p) : EINVAL;
}

static const struct api_resource prompt_res = {
	.collection = "prompts",
	.size = sizeof(struct store_prompt),
	.id_off = offsetof(struct store_prompt, id),
	.to_json = prompt_json,
	.store = prompt_store,
	.list = prompt_list,
};

void prompts_list(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	api_res_list(&prompt_res, ctx, req, resp);
}

void prompts_get(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	api_res_get(&prompt_res, ctx, req, resp);
}

void prompts_audio(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct store_prompt p;
	char path[600], dl[200];
	int64_t tid;

	if (!api_res_load(&prompt_res, ctx, req, resp, &tid, &p))
		return;
	if (!prompt_file(path, sizeof(path), ctx, tid, p.language, p.name)) {
		api_problem(resp, 503, NULL, "the prompt's path is too long");
		return;
	}
	snprintf(dl, sizeof(dl), "%s-%s.wav", p.name, p.language);
	for (char *c = dl; *c; c++) {
		if (*c == '/')
			*c = '_';
	}
	files_answer(resp, path, "audio/wav", dl);
}

void prompts_delete(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_prompt p;
	char path[600];
	json_t *before;
	int64_t tid;
	int err;

	if (!api_res_load(&prompt_res, ctx, req, resp, &tid, &p))
		return;
	before = prompt_json(&p);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	if (prompt_file(path, sizeof(path), ctx, tid, p.language, p.name) &&
	    unlink(path) && errno != ENOENT) {
		json_decref(before);
		api_problem(resp, 503, NULL, "cannot remove the prompt's file");
		return;
	}
	err = store_prompt_delete(ctx->st, tid, p.id);
	if (err) {
		json_decref(before);
		api_store_error(resp, err);
		return;
	}
	api_res_done(ctx, req, resp, "prompts", tid, p.id, "delete", before,
		     NULL);
	json_decref(before);
	live_prompt_changed(ctx, tid, p.language, p.name, true);
}

/* ---- upload ------------------------------------------------------------- */

/* name and language from the query, checked; language defaults to the
   tenant's */
static bool upload_names(struct api_ctx *ctx, struct api_req *req,
			 struct api_resp *resp, int64_t tid,
			 struct store_prompt *p)
{
	const char *name = api_req_query(req, "name");
	const char *lang = api_req_query(req, "language");
	struct store_tenant t;
	int err;

	if (!name || !name[0]) {
		api_problem(resp, 400, "name", "name is required (?name=, "
			    "e.g. welcome or queue/position)");
		return false;
	}
	if (strlen(name) > PROMPT_NAME_MAX ||
	    !files_name_ok(name, PROMPT_NAME_SEGMENTS)) {
		api_problem(resp, 400, "name", "name must be up to %d "
			    "segments of letters, digits, _ and - separated "
			    "by /, at most %d characters",
			    PROMPT_NAME_SEGMENTS, PROMPT_NAME_MAX);
		return false;
	}
	if (!lang) {
		err = store_tenant_get(ctx->st, tid, &t);
		if (err) {
			api_store_error(resp, err);
			return false;
		}
		lang = t.language[0] ? t.language : "en";
	}
	if (!language_ok(lang)) {
		api_problem(resp, 400, "language", "language must be an ISO "
			    "639-1 code: two lowercase letters, like en or "
			    "fr");
		return false;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->language, sizeof(p->language), "%s", lang);
	return true;
}

/* decode and convert; false after writing the problem */
static bool convert(const struct api_req *req, struct api_resp *resp,
		    uint8_t **wavp, size_t *lenp, int64_t *duration_ms)
{
	const char *why;
	int err = api_wav_convert(req, PROMPT_MAX_S, wavp, lenp, duration_ms,
				  &why);
	bool big = err == E2BIG || err == EFBIG || err == ERANGE;

	if (err == ENOMEM)
		api_problem(resp, 503, NULL, "out of memory");
	else if (err == ENODATA)
		api_problem(resp, 400, "body", "the file holds no audio");
	else if (err)
		api_problem(resp, big ? 413 : 400, "body", "%s",
			    why ? why : "not a WAV file we can read");
	return !err;
}

void prompts_upload(struct api_ctx *ctx, struct api_req *req,
		    struct api_resp *resp)
{
	struct store_prompt p = {0};
	char path[600];
	uint8_t *wav = NULL;
	size_t len = 0;
	int64_t tid;
	int err;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	if (!api_wav_request_ok(req, resp) ||
	    !upload_names(ctx, req, resp, tid, &p) ||
	    !convert(req, resp, &wav, &len, &p.duration_ms))
		return;
	p.bytes = (int64_t)len;
	if (!prompt_file(path, sizeof(path), ctx, tid, p.language, p.name)) {
		free(wav);
		api_problem(resp, 400, "name", "name is too long");
		return;
	}
	err = files_replace(path, wav, len);
	free(wav);
	if (err) {
		api_problem(resp, 503, NULL, "cannot store the file: %s",
			    strerror(err));
		return;
	}
	err = store_prompt_put(ctx->st, tid, &p);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	live_prompt_changed(ctx, tid, p.language, p.name, false);
	api_res_done(ctx, req, resp, "prompts", tid, p.id, "create", NULL,
		     prompt_json(&p));
}
