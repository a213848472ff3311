/**
 * @file res_users.c  /api/v1/tenants/{tenant_id}/users
 *
 * People: name, email (their login), role, site, extension, language,
 * fixed and mobile numbers.  A tenant admin manages them all; a user may
 * read their own record and change their own name, language and
 * password, nothing else.  A password is hashed (argon2id) on the auth
 * worker thread, so requests that set one answer when it is done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/strutil.h"
#include "store/store.h"
#include "api/audit.h"
#include "api/authworker.h"
#include "api/files.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/live.h"
#include "api/roles.h"
#include "api/sessions.h"

static const struct str_rule name_rule = {1, 127, NULL};
static const struct str_rule email_rule = {3, 254,
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	".!#$%&'*+/=?^_`{|}~@-"};
static const struct str_rule role_rule = {4, 23,
	"abcdefghijklmnopqrstuvwxyz_"};
static const struct str_rule ext_rule = {2, 8, "0123456789"};
static const struct str_rule lang_rule = {0, 2, "abcdefghijklmnopqrstuvwxyz"};
static const struct str_rule e164_rule = {0, 16, "+0123456789"};
static const struct str_rule pw_rule = {8, 128, NULL};

static const char *const admin_fields[] = {"name", "email", "role",
	"site_id", "extension", "language", "fixed_number", "mobile_number",
	"password", NULL};
static const char *const self_fields[] = {"name", "language", "password",
	NULL};

static json_t *user_json(const struct store_user *u)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}",
			      "id", (json_int_t)u->id, "name", u->name,
			      "role", u->role, "language", u->language,
			      "can_log_in", u->password_hash[0] != '\0');
#define OPT(k, v) json_object_set_new(o, k, (v)[0] ? json_string(v) \
							 : json_null())
	OPT("email", u->email);
	OPT("extension", u->extension);
	OPT("fixed_number", u->fixed_number);
	OPT("mobile_number", u->mobile_number);
#undef OPT
	json_object_set_new(o, "site_id", u->site_id
			    ? json_integer(u->site_id) : json_null());
	return o;
}

static bool e164(const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return true;
	if (n < 8 || s[0] != '+' || s[1] == '0')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/*
 * An email is a login, and logins are platform-wide: no other user (of
 * any tenant) and no operator may have it, or one tenant could lock
 * another's account out by taking its address.  The refusal does not say
 * where the address is used.
 */
static bool email_free(struct api_ctx *ctx, const struct store_user *u)
{
	struct store_operator op;
	struct store_user other;
	int matches = 0;

	if (!store_operator_find_email_all(ctx->st, u->email, &op))
		return false;
	if (store_user_find_email_all(ctx->st, u->email, &other, &matches))
		return true;
	return matches == 1 && other.id == u->id &&
	       other.tenant_id == u->tenant_id;
}

/* fields present in o into u; password (if any) into pw */
static bool read_user(struct api_ctx *ctx, json_t *o, struct store_user *u,
		      bool create, char *pw, size_t pwsz,
		      struct api_resp *resp)
{
	struct store_site site;
	const char *at;

	if (!api_get_str(o, "name", create, &name_rule, u->name,
			 sizeof(u->name), resp) ||
	    !api_get_str(o, "email", false, &email_rule, u->email,
			 sizeof(u->email), resp) ||
	    !api_get_str(o, "role", false, &role_rule, u->role,
			 sizeof(u->role), resp) ||
	    !api_get_id(o, "site_id", false, &u->site_id, resp) ||
	    !api_get_str(o, "extension", false, &ext_rule, u->extension,
			 sizeof(u->extension), resp) ||
	    !api_get_str(o, "language", false, &lang_rule, u->language,
			 sizeof(u->language), resp) ||
	    !api_get_str(o, "fixed_number", false, &e164_rule,
			 u->fixed_number, sizeof(u->fixed_number), resp) ||
	    !api_get_str(o, "mobile_number", false, &e164_rule,
			 u->mobile_number, sizeof(u->mobile_number), resp) ||
	    !api_get_str(o, "password", false, &pw_rule, pw, pwsz, resp))
		return false;

	/* null clears an optional field */
	if (json_is_null(json_object_get(o, "extension")))
		u->extension[0] = '\0';
	if (json_is_null(json_object_get(o, "email")))
		u->email[0] = '\0';
	if (json_is_null(json_object_get(o, "fixed_number")))
		u->fixed_number[0] = '\0';
	if (json_is_null(json_object_get(o, "mobile_number")))
		u->mobile_number[0] = '\0';
	if (json_is_null(json_object_get(o, "language")))
		u->language[0] = '\0';

	at = strchr(u->email, '@');
	if (u->email[0] && (!at || at == u->email || !at[1] ||
			    strchr(at + 1, '@'))) {
		api_problem(resp, 400, "email", "email must look like "
			    "name@example.com");
		return false;
	}
	if (roles_parse(u->role) == ROLE_NONE) {
		api_problem(resp, 400, "role", "role must be user, agent, "
			    "supervisor or tenant_admin");
		return false;
	}
	if (!e164(u->fixed_number) || !e164(u->mobile_number)) {
		api_problem(resp, 400, e164(u->fixed_number) ? "mobile_number"
			    : "fixed_number", "numbers are E.164: + then 7 to "
			    "15 digits, e.g. +33145671234");
		return false;
	}
	if (u->site_id &&
	    store_site_get(ctx->st, u->tenant_id, u->site_id, &site)) {
		api_problem(resp, 400, "site_id", "site_id %lld is not a site "
			    "of this tenant", (long long)u->site_id);
		return false;
	}
	if ((pw[0] || u->password_hash[0]) && !u->email[0]) {
		api_problem(resp, 400, "email", "a user who can log in needs "
			    "an email");
		return false;
	}
	if (u->email[0] && !email_free(ctx, u)) {
		api_problem(resp, 409, "email", "email %s cannot be used: "
			    "another account logs in with it", u->email);
		return false;
	}
	return true;
}

static int add_user(const struct store_user *u, void *arg)
{
	json_array_append_new(arg, user_json(u));
	return 0;
}

/* ?role=&site_id=&extension=&q=&sort=; false after writing the problem */
static bool read_filter(const struct api_req *req, struct api_resp *resp,
			struct store_user_filter *f)
{
	static const struct {
		const char *name;
		enum store_user_sort sort;
		bool desc;
	} sorts[] = {
		{"id", USER_SORT_ID, false}, {"-id", USER_SORT_ID, true},
		{"name", USER_SORT_NAME, false}, {"-name", USER_SORT_NAME, true},
		{"extension", USER_SORT_EXTENSION, false},
		{"-extension", USER_SORT_EXTENSION, true},
	};
	const char *role = api_req_query(req, "role");
	const char *site = api_req_query(req, "site_id");
	const char *ext = api_req_query(req, "extension");
	const char *q = api_req_query(req, "q");
	const char *sort = api_req_query(req, "sort");

	memset(f, 0, sizeof(*f));
	if (role && roles_parse(role) == ROLE_NONE) {
		api_problem(resp, 400, "role", "role must be user, agent, "
			    "supervisor or tenant_admin");
		return false;
	}
	f->role = role;
	if (site) {
		char *end;
		long long v = strtoll(site, &end, 10);
		if (*end || v <= 0 || strlen(site) > 18) {
			api_problem(resp, 400, "site_id", "site_id must be a "
				    "positive integer id");
			return false;
		}
		f->site_id = v;
	}
	if (ext && (strlen(ext) < 1 || strlen(ext) > 8 ||
		    strspn(ext, "0123456789") != strlen(ext))) {
		api_problem(resp, 400, "extension", "extension must be 1 to 8 "
			    "digits");
		return false;
	}
	f->extension = ext;
	if (q) {
		size_t n = strlen(q);
		bool ok = n >= 1 && n <= 64;
		for (size_t i = 0; ok && i < n; i++)
			ok = (unsigned char)q[i] >= 0x20;
		if (!ok) {
			api_problem(resp, 400, "q", "q must be 1 to 64 printable "
				    "characters");
			return false;
		}
	}
	f->q = q;
	if (sort) {
		size_t i;
		for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
			if (!strcmp(sort, sorts[i].name))
				break;
		}
		if (i == sizeof(sorts) / sizeof(sorts[0])) {
			api_problem(resp, 400, "sort", "sort must be id, name or "
				    "extension, with - for descending");
			return false;
		}
		f->sort = sorts[i].sort;
		f->desc = sorts[i].desc;
	}
	return true;
}

/*
 * Sorted by name or extension, a cursor is "ID:HEX" with the sort key of
 * the last row in hex: the next page starts after it even if that row
 * has been deleted meanwhile.
 */
static bool read_sorted_cursor(const struct api_req *req,
			       struct api_resp *resp, int64_t *after,
			       char *key, size_t keysz)
{
	const char *c = api_req_query(req, "cursor");
	const char *colon;
	char *end;
	long long id;
	size_t hexlen;

	*after = 0;
	key[0] = '\0';
	if (!c)
		return true;
	colon = strchr(c, ':');
	id = strtoll(c, &end, 10);
	hexlen = colon ? strlen(colon + 1) : 0;
	if (!colon || end != colon || id <= 0 || hexlen % 2 ||
	    hexlen / 2 >= keysz ||
	    hex_decode((uint8_t *)key, hexlen / 2, colon + 1, hexlen)) {
		api_problem(resp, 400, "cursor", "cursor is not one this API "
			    "gave out");
		return false;
	}
	key[hexlen / 2] = '\0';
	*after = id;
	return true;
}

void users_list(struct api_ctx *ctx, struct api_req *req,
		struct api_resp *resp)
{
	struct store_user_filter f;
	char key[160], cursor[360];
	int64_t tid, after;
	json_t *items, *last;
	int limit;

	if (!api_path_id(req, 0, &tid, resp) ||
	    !read_filter(req, resp, &f) || !api_limit(req, resp, &limit))
		return;
	if (f.sort == USER_SORT_ID) {
		if (!api_page(req, resp, &limit, &after))
			return;
	}
	else {
		if (!read_sorted_cursor(req, resp, &after, key, sizeof(key)))
			return;
		f.after_key = key;
	}
	items = json_array();
	if (store_user_search(ctx->st, tid, &f, after, limit, add_user,
			      items)) {
		json_decref(items);
		api_problem(resp, 503, NULL, "store unavailable");
		return;
	}
	last = json_array_get(items, json_array_size(items) - 1);
	if (f.sort == USER_SORT_ID || !last ||
	    (int)json_array_size(items) < limit) {
		api_list(resp, items, limit, api_last_id(items));
		return;
	}
	/* sorted: next_cursor = "ID:hex(sort key)" */
	{
		const char *k = json_string_value(json_object_get(last,
			f.sort == USER_SORT_NAME ? "name" : "extension"));
		size_t n = snprintf(cursor, sizeof(cursor), "%lld:",
				    (long long)api_last_id(items));
		json_t *o = json_object();

		hex_encode(cursor + n, sizeof(cursor) - n,
			   (const uint8_t *)(k ? k : ""), k ? strlen(k) : 0);
		json_object_set_new(o, "items", items);
		json_object_set_new(o, "next_cursor", json_string(cursor));
		api_json(resp, 200, o);
	}
}

/* A write waiting for its password hash. */
struct user_write {
	struct api_ctx *ctx;
	struct api_req req_copy;       /* who, remote: for the audit */
	struct api_pending *pending;
	struct store_user u;
	json_t *before;                /* NULL on create */
	bool create;
	char old_role[24];
	char old_email[256];
};

/* store it, tell SIP, audit, answer */
static void finish(struct user_write *w, struct api_resp *resp,
		   bool pw_changed)
{
	struct api_ctx *ctx = w->ctx;
	char res[64], loc[96];
	json_t *after;
	int err;

	err = w->create ? store_user_create(ctx->st, w->u.tenant_id, &w->u)
			: store_user_update(ctx->st, w->u.tenant_id, &w->u);
	if (err == EEXIST) {
		struct store_user other;
		int64_t owner_user = 0, owner_group = 0;
		bool ext = false;

		/* a ring group may hold the extension */
		if (w->u.extension[0] &&
		    !store_extension_owner(ctx->st, w->u.tenant_id,
					   w->u.extension, &owner_user,
					   &owner_group) && owner_group) {
			api_problem(resp, 409, "extension", "extension %s "
				    "already belongs to ring group %lld",
				    w->u.extension, (long long)owner_group);
			return;
		}
		if (!store_user_find_clash(ctx->st, w->u.tenant_id, w->u.id,
					   w->u.extension, w->u.email, &other))
			ext = w->u.extension[0] &&
			      !strcmp(other.extension, w->u.extension);
		else
			other.id = 0;
		api_problem(resp, 409, ext ? "extension" : "email",
			    "%s %s already belongs to user %lld",
			    ext ? "extension" : "email",
			    ext ? w->u.extension : w->u.email,
			    (long long)other.id);
		return;
	}
	if (err) {
		api_problem(resp, err == ENOENT ? 404 : 503, NULL,
			    "cannot save the user");
		return;
	}
	/* a session carries the role and login it was opened with */
	if (!w->create && (pw_changed || strcmp(w->old_role, w->u.role) ||
			   strcmp(w->old_email, w->u.email)))
		sessions_remove_account(ctx->sessions, w->u.tenant_id,
					w->u.id);
	after = user_json(&w->u);
	snprintf(res, sizeof(res), "users/%lld", (long long)w->u.id);
	{
		json_t *logged = json_deep_copy(after);
		if (pw_changed)
			json_object_set_new(logged, "password",
					    json_string("(changed)"));
		audit_record(ctx, &w->req_copy, w->u.tenant_id,
			     w->create ? "create" : "update", res, w->before,
			     logged);
		json_decref(logged);
	}
	api_json_etag(resp, w->create ? 201 : 200, after);
	if (w->create) {
		snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/users/%lld",
			 (long long)w->u.tenant_id, (long long)w->u.id);
		api_resp_header(resp, "Location", loc);
	}
}

static void free_write(struct user_write *w)
{
	json_decref(w->before);
	free(w);
}

static void hashed(bool ok, const char *hash, void *arg)
{
	struct user_write *w = arg;
	struct api_resp resp = {0};

	if (!ok)
		api_problem(&resp, 503, NULL, "cannot hash the password");
	else {
		snprintf(w->u.password_hash, sizeof(w->u.password_hash), "%s",
			 hash);
		finish(w, &resp, true);
	}
	api_complete(w->pending, &resp);
	api_resp_reset(&resp);
	free_write(w);
}

static void write_user(struct api_ctx *ctx, struct api_req *req,
		       struct api_resp *resp, struct user_write *w,
		       const char *pw)
{
	w->ctx = ctx;
	w->req_copy.who = req->who;
	memcpy(w->req_copy.remote, req->remote, sizeof(req->remote));
	if (!pw[0]) {
		finish(w, resp, false);
		free_write(w);
		return;
	}
	w->pending = api_defer(req);
	if (!w->pending || authworker_hash(ctx->aw, pw, hashed, w)) {
		api_problem(resp, 503, NULL, "cannot hash the password now");
		free_write(w);
	}
}

/* the tenant's contract: max_users (0 = no limit) */
static bool below_limit(struct api_ctx *ctx, int64_t tid,
			struct api_resp *resp)
{
	struct store_tenant t;
	int64_t n = 0;

	if (store_tenant_get(ctx->st, tid, &t)) {
		api_problem(resp, 404, NULL, "no such resource");
		return false;
	}
	if (!t.max_users)
		return true;
	if (store_user_count(ctx->st, tid, &n) || n >= t.max_users) {
		api_problem(resp, 409, "max_users", "the tenant's limit of %d "
			    "users is reached", t.max_users);
		return false;
	}
	return true;
}

/* the body into w (and a new password, wiped after use), then the
   write; takes w and o */
static void read_then_write(struct api_ctx *ctx, struct api_req *req,
			    struct api_resp *resp, struct user_write *w,
			    json_t *o)
{
	char pw[129] = "";
	bool ok = read_user(ctx, o, &w->u, w->create, pw, sizeof(pw), resp);

	json_decref(o);
	if (ok)
		write_user(ctx, req, resp, w, pw);
	else
		free_write(w);
	memset(pw, 0, sizeof(pw));
}

void users_create(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct user_write *w;
	json_t *o;
	int64_t tid;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	o = api_body(req, resp, admin_fields);
	if (!o)
		return;
	w = calloc(1, sizeof(*w));
	if (!w) {
		json_decref(o);
		api_problem(resp, 503, NULL, "out of memory");
		return;
	}
	w->create = true;
	w->u.tenant_id = tid;
	if (!below_limit(ctx, tid, resp)) {
		json_decref(o);
		free_write(w);
		return;
	}
	snprintf(w->u.role, sizeof(w->u.role), "user");
	read_then_write(ctx, req, resp, w, o);
}

static bool load(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp, struct store_user *u)
{
	int64_t tid, id;
	int err;

	if (!api_path_id(req, 0, &tid, resp) || !api_path_id(req, 1, &id, resp))
		return false;
	err = store_user_get(ctx->st, tid, id, u);
	if (err) {
		api_store_error(resp, err);
		return false;
	}
	return true;
}

void users_get(struct api_ctx *ctx, struct api_req *req,
	       struct api_resp *resp)
{
	struct store_user u;

	if (load(ctx, req, resp, &u))
		api_json_etag(resp, 200, user_json(&u));
}

void users_update(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	bool admin = req->who.role >= ROLE_TENANT_ADMIN;
	struct user_write *w;
	json_t *o;

	w = calloc(1, sizeof(*w));
	if (!w) {
		api_problem(resp, 503, NULL, "out of memory");
		return;
	}
	if (!load(ctx, req, resp, &w->u)) {
		free_write(w);
		return;
	}
	w->before = user_json(&w->u);
	if (!api_if_match(req, resp, w->before)) {
		free_write(w);
		return;
	}
	memcpy(w->old_role, w->u.role, sizeof(w->old_role));
	memcpy(w->old_email, w->u.email, sizeof(w->old_email));
	/* users change their own name, language and password only */
	o = api_body(req, resp, admin ? admin_fields : self_fields);
	if (!o) {
		free_write(w);
		return;
	}
	read_then_write(ctx, req, resp, w, o);
}

void users_delete(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp)
{
	struct store_user u;
	json_t *before;
	char res[64];
	int err;

	if (!load(ctx, req, resp, &u))
		return;
	before = user_json(&u);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	json_decref(before);
	/* numbers first: a failure then leaves the user, not a dangling target */
	if (store_number_untarget(ctx->st, u.tenant_id, "user", u.id) ||
	    store_user_delete(ctx->st, u.tenant_id, u.id)) {
		api_problem(resp, 503, NULL, "cannot delete the user");
		return;
	}
	live_user_removed(ctx, u.tenant_id, u.id);
	/* the rows of its voicemail went with the user; the audio too */
	snprintf(res, sizeof(res), "voicemail/%lld/%lld",
		 (long long)u.tenant_id, (long long)u.id);
	err = files_remove_dir(ctx->conf->media_data_dir, res);
	if (err)
		log_warn("api", "user %lld deleted, its voicemail files in "
			 "%s stay: %m", (long long)u.id, res, err);
	before = user_json(&u);
	snprintf(res, sizeof(res), "users/%lld", (long long)u.id);
	audit_record(ctx, req, u.tenant_id, "delete", res, before, NULL);
	json_decref(before);
	resp->status = 204;
}
