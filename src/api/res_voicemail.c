/**
 * @file res_voicemail.c  A user's voicemail:
 *
 *   /tenants/{t}/users/{u}/voicemail                   the box: PIN (write
 *                                                      only), limits,
 *                                                      greetings held,
 *                                                      new/old counts
 *   .../voicemail/greetings/{kind}                     unavailable, busy,
 *                                                      name: WAV in, out
 *   .../voicemail/messages[/{message_id}[/audio]]      what callers left
 *
 * Who: the user themself and the tenant's admins (PERM_USER_WRITE, for
 * reads too: a supervisor has no business in a colleague's messages);
 * another user's box, like another tenant's, is 404.  Messages are made
 * by calls (the call layer's deposit), never here: the API lists them,
 * streams their audio, marks them heard and deletes them, and tells the
 * call layer (ctx->vm_changed) so that the phones' message-waiting lamp
 * follows.
 *
 * Files, under media.data_dir (store.h): voicemail/<t>/<u>/<uuid>.wav
 * for a message, voicemail/<t>/<u>/greeting-<kind>.wav for a greeting.
 * An uploaded greeting is checked and converted once, here, to the
 * engine's 16 kHz mono PCM16 (like prompts, res_prompts.c), written
 * whole (temp file and rename) before the box's flag says it is there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/conf.h"
#include "features/vmpin.h"
#include "media/audio.h"
#include "media/prompt/wav.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/files.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/router.h"
#include "api/upload.h"

enum { GREETING_MAX_S = 60 };

static const char *const box_fields[] = {"enabled", "pin",
					 "max_message_s", "max_messages",
					 NULL};
static const char *const message_fields[] = {"heard", NULL};

/* the box as the API shows it: never the PIN, whether one is set */
static json_t *box_json(const struct store_vm_box *b, int new_count,
			int old_count)
{
	json_t *o = json_pack("{s:I, s:b, s:b, s:i, s:i, s:b, s:b, s:b, s:i, "
			      "s:i}", "user_id", (json_int_t)b->user_id,
			      "enabled", b->enabled,
			      "pin_set", b->pin_hash[0] != '\0',
			      "max_message_s", b->max_message_s,
			      "max_messages", b->max_messages,
			      "has_greeting_unavailable",
			      b->has_greeting_unavailable,
			      "has_greeting_busy", b->has_greeting_busy,
			      "has_greeting_name", b->has_greeting_name,
			      "new_messages", new_count,
			      "old_messages", old_count);
	return o ? o : json_object();
}

static json_t *message_json(const struct store_vm_message *m)
{
	char created[40];
	json_t *o;

	api_iso_ms(created, sizeof(created), m->created_ms);
	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, "
		      "s:b}", "id", (json_int_t)m->id,
		      "user_id", (json_int_t)m->user_id, "uuid", m->uuid,
		      "caller", m->caller, "caller_name", m->caller_name,
		      "call_uuid", m->call_uuid, "created", created,
		      "created_ms", (json_int_t)m->created_ms,
		      "duration_ms", (json_int_t)m->duration_ms,
		      "bytes", (json_int_t)m->bytes, "heard", m->heard);
	return o ? o : json_object();
}

/* the call layer relights (or darkens) the user's lamp */
static void changed(struct api_ctx *ctx, int64_t tid, int64_t uid)
{
	if (ctx->vm_changed)
		ctx->vm_changed(tid, uid, ctx->vm_arg);
}

/* the tenant and user of the path, the user's box and counts */
static bool load_box(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp, int64_t *tid,
		     struct store_vm_box *b, int *new_count, int *old_count)
{
	int64_t uid;
	int err;

	if (!api_path_id(req, 0, tid, resp) || !api_path_id(req, 1, &uid, resp))
		return false;
	err = store_vm_box_get(ctx->st, *tid, uid, b);
	if (!err)
		err = store_vm_counts(ctx->st, *tid, uid, new_count, old_count);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void voicemail_get(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct store_vm_box b;
	int64_t tid;
	int n, o;

	if (load_box(ctx, req, resp, &tid, &b, &n, &o))
		api_json_etag(resp, 200, box_json(&b, n, o));
}

/* "pin": 4 to 8 digits as a string, or null to clear it (the phone
   menu then asks for a new one) */
static bool read_pin(json_t *body, struct store_vm_box *b,
		     struct api_resp *resp)
{
	json_t *v = json_object_get(body, "pin");
	int err;

	if (!v)
		return true;
	if (json_is_null(v)) {
		b->pin_hash[0] = '\0';
		return true;
	}
	if (!json_is_string(v)) {
		api_problem(resp, 400, "pin", "pin must be a string of %d to "
			    "%d digits, or null to clear it",
			    VM_PIN_MIN_DIGITS, VM_PIN_MAX_DIGITS);
		return false;
	}
	err = vm_pin_hash(json_string_value(v), b->pin_hash,
			  sizeof(b->pin_hash));
	if (err == EINVAL) {
		api_problem(resp, 422, "pin", "pin must be %d to %d digits "
			    "(0-9), nothing else", VM_PIN_MIN_DIGITS,
			    VM_PIN_MAX_DIGITS);
		return false;
	}
	if (err) {
		api_problem(resp, 503, NULL, "cannot keep the PIN");
		return false;
	}
	return true;
}

void voicemail_update(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp)
{
	struct store_vm_box b, before;
	json_t *o, *bj, *aj;
	char res[64];
	int64_t tid;
	int n, old, err;

	if (!load_box(ctx, req, resp, &tid, &b, &n, &old))
		return;
	before = b;
	bj = box_json(&before, n, old);
	if (!api_if_match(req, resp, bj) ||
	    !(o = api_body(req, resp, box_fields))) {
		json_decref(bj);
		return;
	}
	if (!api_get_int(o, "max_message_s", false, STORE_VM_MESSAGE_S_MIN,
			 STORE_VM_MESSAGE_S_MAX, &b.max_message_s, resp) ||
	    !api_get_int(o, "max_messages", false, STORE_VM_MESSAGES_MIN,
			 STORE_VM_MESSAGES_MAX, &b.max_messages, resp) ||
	    !api_get_bool(o, "enabled", &b.enabled, resp) ||
	    !read_pin(o, &b, resp)) {
		json_decref(o);
		json_decref(bj);
		return;
	}
	json_decref(o);
	err = store_vm_box_put(ctx->st, tid, &b);
	if (err) {
		json_decref(bj);
		api_store_error(resp, err);
		return;
	}
	aj = box_json(&b, n, old);
	/* a new PIN shows in the log as a change, never as its hash */
	if (strcmp(before.pin_hash, b.pin_hash) && b.pin_hash[0])
		json_object_set_new(aj, "pin", json_string("(changed)"));
	snprintf(res, sizeof(res), "users/%lld/voicemail",
		 (long long)b.user_id);
	audit_record(ctx, req, tid, "update", res, bj, aj);
	json_object_del(aj, "pin");
	json_decref(bj);
	api_json_etag(resp, 200, aj);
}

/* ---- greetings ---------------------------------------------------------- */

static const char *const kinds[] = {"unavailable", "busy", "name"};

/* the box's flag for a greeting kind (NULL: no such kind) */
static bool *greeting_flag(struct store_vm_box *b, const char *kind)
{
	bool *const flags[] = {&b->has_greeting_unavailable,
			       &b->has_greeting_busy, &b->has_greeting_name};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (kind && !strcmp(kind, kinds[i]))
			return flags[i];
	}
	return NULL;
}

struct greeting_req {
	int64_t tid;
	struct store_vm_box box;
	int new_count, old_count;
	const char *kind;
	bool *flag;                  /**< into box */
	char path[600];
	char res[96];                /**< for the audit log */
};

/* the box of the path and the greeting it names; 404 for a kind that
   is not one of the three */
static bool load_greeting(struct api_ctx *ctx, struct api_req *req,
			  struct api_resp *resp, struct greeting_req *g)
{
	char rel[128];

	if (!load_box(ctx, req, resp, &g->tid, &g->box, &g->new_count,
		      &g->old_count))
		return false;
	g->kind = req->nparams > 2 ? req->params[2] : NULL;
	g->flag = greeting_flag(&g->box, g->kind);
	if (!g->flag) {
		api_problem(resp, 404, NULL, "no such greeting: the kinds are "
			    "unavailable, busy and name");
		return false;
	}
	snprintf(rel, sizeof(rel), "voicemail/%lld/%lld/greeting-%s.wav",
		 (long long)g->tid, (long long)g->box.user_id, g->kind);
	if (!files_path(g->path, sizeof(g->path), ctx->conf->media_data_dir,
			rel)) {
		api_problem(resp, 503, NULL, "the greeting's path is too long");
		return false;
	}
	snprintf(g->res, sizeof(g->res), "users/%lld/voicemail/greetings/%s",
		 (long long)g->box.user_id, g->kind);
	return true;
}

void greetings_get(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct greeting_req g;
	char dl[48];

	if (!load_greeting(ctx, req, resp, &g))
		return;
	if (!*g.flag) {
		api_problem(resp, 404, NULL, "no %s greeting: the default one "
			    "is played", g.kind);
		return;
	}
	snprintf(dl, sizeof(dl), "greeting-%s.wav", g.kind);
	files_answer(resp, g.path, "audio/wav", dl);
}

void greetings_delete(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp)
{
	struct greeting_req g;
	json_t *before;
	int err;

	if (!load_greeting(ctx, req, resp, &g))
		return;
	if (!*g.flag) {
		api_problem(resp, 404, NULL, "no %s greeting", g.kind);
		return;
	}
	if (unlink(g.path) && errno != ENOENT) {
		api_problem(resp, 503, NULL, "cannot remove the greeting's "
			    "file");
		return;
	}
	*g.flag = false;
	err = store_vm_box_put(ctx->st, g.tid, &g.box);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	before = json_pack("{s:s}", "kind", g.kind);
	audit_record(ctx, req, g.tid, "delete", g.res, before, NULL);
	json_decref(before);
	resp->status = 204;
}

/* The body decoded to the engine's format and laid out as a WAV file
 * (malloc'd *wavp of *lenp bytes); false after writing the problem:
 * 400 for what is no WAV file, 422 for one we cannot use (too long, an
 * encoding we do not read, no audio in it). */
static bool greeting_audio(const struct api_req *req, struct api_resp *resp,
			   uint8_t **wavp, size_t *lenp, int64_t *duration_ms)
{
	const char *why;
	int err = api_wav_convert(req, GREETING_MAX_S, wavp, lenp,
				  duration_ms, &why);
	bool unusable = err == EFBIG || err == ENOTSUP || err == ENODATA;

	if (err == ENOMEM)
		api_problem(resp, 503, NULL, "out of memory");
	else if (err)
		api_problem(resp, unusable ? 422 : 400, "body", "%s",
			    err == ENODATA ? "the file holds no audio" :
			    why ? why : "not a WAV file we can read");
	return !err;
}

void greetings_put(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct greeting_req g;
	uint8_t *wav = NULL;
	int64_t duration_ms = 0;
	size_t len = 0;
	json_t *after;
	bool had;
	int err;

	if (!load_greeting(ctx, req, resp, &g))
		return;
	if (!api_wav_request_ok(req, resp) ||
	    !greeting_audio(req, resp, &wav, &len, &duration_ms))
		return;
	err = files_replace(g.path, wav, len);
	free(wav);
	if (err) {
		api_problem(resp, 503, NULL, "cannot store the file: %s",
			    strerror(err));
		return;
	}
	had = *g.flag;
	*g.flag = true;
	err = had ? 0 : store_vm_box_put(ctx->st, g.tid, &g.box);
	if (err) {
		(void)unlink(g.path);
		api_store_error(resp, err);
		return;
	}
	after = json_pack("{s:s, s:I, s:I}", "kind", g.kind,
			  "duration_ms", (json_int_t)duration_ms,
			  "bytes", (json_int_t)len);
	audit_record(ctx, req, g.tid, had ? "update" : "create", g.res, NULL,
		     after);
	api_json(resp, 200, after);
}

/* ---- messages ----------------------------------------------------------- */

static int add_message(const struct store_vm_message *m, void *arg)
{
	json_array_append_new(arg, message_json(m));
	return 0;
}

void vm_messages_list(struct api_ctx *ctx, struct api_req *req,
		      struct api_resp *resp)
{
	const char *folder = api_req_query(req, "folder");
	int64_t tid, uid, after;
	int f = STORE_VM_ALL, limit, err;
	json_t *items;

	if (!api_path_id(req, 0, &tid, resp) || !api_path_id(req, 1, &uid, resp))
		return;
	if (folder && !strcmp(folder, "new")) {
		f = STORE_VM_NEW;
	}
	else if (folder && !strcmp(folder, "old")) {
		f = STORE_VM_OLD;
	}
	else if (folder) {
		api_problem(resp, 400, "folder", "folder must be new (not "
			    "heard yet) or old (heard); leave it out for "
			    "both");
		return;
	}
	if (!api_page(req, resp, &limit, &after))
		return;
	/* a user that is not there is 404, not an empty list */
	err = store_vm_counts(ctx->st, tid, uid, NULL, NULL);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	items = json_array();
	api_list_done(resp, store_vm_message_list(ctx->st, tid, uid, f, after,
						  limit, add_message, items),
		      items, limit);
}

/* the message of the path, if it is in the box of the path's user */
static bool load_message(struct api_ctx *ctx, struct api_req *req,
			 struct api_resp *resp, int64_t *tid,
			 struct store_vm_message *m)
{
	int64_t uid, id;
	int err;

	if (!api_path_id(req, 0, tid, resp) ||
	    !api_path_id(req, 1, &uid, resp) || !api_path_id(req, 2, &id, resp))
		return false;
	err = store_vm_message_get(ctx->st, *tid, id, m);
	if (!err && m->user_id != uid)
		err = ENOENT;
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void vm_messages_get(struct api_ctx *ctx, struct api_req *req,
		     struct api_resp *resp)
{
	struct store_vm_message m;
	int64_t tid;

	if (load_message(ctx, req, resp, &tid, &m))
		api_json_etag(resp, 200, message_json(&m));
}

static bool message_path(const struct api_ctx *ctx,
			 const struct store_vm_message *m, char *out,
			 size_t size)
{
	return files_relpath_ok(m->file) &&
	       files_path(out, size, ctx->conf->media_data_dir, m->file);
}

void vm_messages_audio(struct api_ctx *ctx, struct api_req *req,
		       struct api_resp *resp)
{
	struct store_vm_message m;
	char path[600], dl[64];
	int64_t tid;

	if (!load_message(ctx, req, resp, &tid, &m))
		return;
	if (!message_path(ctx, &m, path, sizeof(path))) {
		api_problem(resp, 404, NULL, "the file is missing");
		return;
	}
	snprintf(dl, sizeof(dl), "voicemail-%s.wav", m.uuid);
	files_answer(resp, path, "audio/wav", dl);
}

void vm_messages_update(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp)
{
	struct store_vm_message m;
	json_t *o, *v, *bj, *aj;
	char res[80];
	bool heard;
	int64_t tid;
	int err;

	if (!load_message(ctx, req, resp, &tid, &m))
		return;
	bj = message_json(&m);
	if (!api_if_match(req, resp, bj) ||
	    !(o = api_body(req, resp, message_fields))) {
		json_decref(bj);
		return;
	}
	v = json_object_get(o, "heard");
	if (v && !json_is_boolean(v)) {
		json_decref(o);
		json_decref(bj);
		api_problem(resp, 400, "heard", "heard must be true or false");
		return;
	}
	heard = v ? json_is_true(v) : m.heard;
	json_decref(o);
	if (heard != m.heard) {
		err = store_vm_message_set_heard(ctx->st, tid, m.id, heard);
		if (err) {
			json_decref(bj);
			api_store_error(resp, err);
			return;
		}
		m.heard = heard;
		aj = message_json(&m);
		snprintf(res, sizeof(res), "users/%lld/voicemail/messages/%lld",
			 (long long)m.user_id, (long long)m.id);
		audit_record(ctx, req, tid, "update", res, bj, aj);
		changed(ctx, tid, m.user_id);
	}
	else {
		aj = message_json(&m);
	}
	json_decref(bj);
	api_json_etag(resp, 200, aj);
}

void vm_messages_delete(struct api_ctx *ctx, struct api_req *req,
			struct api_resp *resp)
{
	struct store_vm_message m;
	char path[600], res[80];
	json_t *before;
	int64_t tid;
	int err;

	if (!load_message(ctx, req, resp, &tid, &m))
		return;
	before = message_json(&m);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	if (message_path(ctx, &m, path, sizeof(path)) && unlink(path) &&
	    errno != ENOENT) {
		json_decref(before);
		api_problem(resp, 503, NULL, "cannot remove the message's file");
		return;
	}
	err = store_vm_message_delete(ctx->st, tid, m.id);
	if (err) {
		json_decref(before);
		api_store_error(resp, err);
		return;
	}
	snprintf(res, sizeof(res), "users/%lld/voicemail/messages/%lld",
		 (long long)m.user_id, (long long)m.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	changed(ctx, tid, m.user_id);
	resp->status = 204;
}
