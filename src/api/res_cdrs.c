/**
 * @file res_cdrs.c  /api/v1/tenants/{tenant_id}/cdrs: call detail records.
 *
 * Read only: records are written by the store writer thread as calls
 * end (cdr/cdr.h); nothing in the API creates, edits or deletes one.
 *
 * ?from= and ?to= bound the start of the calls, [from, to), each as
 * ISO 8601 UTC (2026-11-22T10:00:00Z, optionally with a fraction) or as
 * unix milliseconds; calls come oldest first.
 *
 * format=json (the default) pages like every list (limit, cursor) and
 * gives each record with its legs; times both as ISO 8601 with
 * milliseconds and as raw milliseconds.  format=csv gives the whole
 * range at once (up to CSV_MAX_ROWS records, else 422: ask for a shorter
 * range) in the column order of Asterisk's cdr-csv, so that billing
 * tools that read Asterisk read this; limit and cursor do not apply.
 *
 * Tenant admins (and the operator) see every call of the tenant; other
 * users see the calls they made or received (roles.c: PERM_CDR_READ).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cdr/cdr.h"
#include "store/store.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/roles.h"

enum {
	CSV_PAGE = 500,          /**< records per store query */
	CSV_MAX_ROWS = 100000,   /**< records per CSV answer */
};

/* ---- times -------------------------------------------------------------- */

/* Asterisk's "2026-11-22 10:00:00" (here UTC); "" for 0 */
static void csv_time(char *out, size_t size, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || !gmtime_r(&secs, &tm)) {
		snprintf(out, size, "%s", "");
		return;
	}
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *ref_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* the store keeps clean text; json_string() refuses anything else, so a
   record is never lost to one bad byte */
static json_t *text(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_string("?");
}

static void set_time(json_t *o, const char *name, int64_t ms)
{
	char iso[64], key[24];

	api_iso_ms(iso, sizeof(iso), ms);
	json_object_set_new(o, name, ms > 0 ? json_string(iso) : json_null());
	snprintf(key, sizeof(key), "%s_ms", name);
	json_object_set_new(o, key, ms > 0 ? json_integer(ms) : json_null());
}

static json_t *leg_json(const struct cdr_leg *l)
{
	json_t *o = json_object();

	json_object_set_new(o, "dir", json_string(l->dir == CDR_LEG_OUT
						  ? "out" : "in"));
	json_object_set_new(o, "peer", text(l->peer));
	json_object_set_new(o, "device_id", ref_or_null(l->device_id));
	json_object_set_new(o, "trunk_id", ref_or_null(l->trunk_id));
	json_object_set_new(o, "sip_call_id", text(l->sip_call_id));
	set_time(o, "start", l->start_ms);
	set_time(o, "answer", l->answer_ms);
	set_time(o, "end", l->end_ms);
	json_object_set_new(o, "status", json_integer(l->status));
	json_object_set_new(o, "codec", text(l->codec));
	json_object_set_new(o, "rtp", json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:f}",
		"rx_packets", (json_int_t)l->rtp_rx_packets,
		"tx_packets", (json_int_t)l->rtp_tx_packets,
		"rx_bytes", (json_int_t)l->rtp_rx_bytes,
		"tx_bytes", (json_int_t)l->rtp_tx_bytes,
		"lost", (json_int_t)l->rtp_lost,
		"jitter_ms", l->jitter_ms));
	json_object_set_new(o, "quality", json_pack(
		"{s:o, s:o, s:o}",
		"mos", l->mos > 0 ? json_real(l->mos) : json_null(),
		"rtt_ms", l->rtt_ms >= 0 ? json_real(l->rtt_ms) : json_null(),
		"peer_loss_pct", l->peer_loss_pct >= 0
		? json_real(l->peer_loss_pct) : json_null()));
	return o;
}

static json_t *cdr_json(int64_t id, const struct cdr *c)
{
	json_t *o = json_object(), *legs = json_array();

	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "uuid", text(c->uuid));
	json_object_set_new(o, "context", text(c->context));
	json_object_set_new(o, "caller", text(c->caller));
	json_object_set_new(o, "caller_name", text(c->caller_name));
	json_object_set_new(o, "dialled", text(c->dialled));
	json_object_set_new(o, "callee", text(c->callee));
	json_object_set_new(o, "caller_user_id",
			    ref_or_null(c->caller_user_id));
	json_object_set_new(o, "callee_user_id",
			    ref_or_null(c->callee_user_id));
	json_object_set_new(o, "site_id", ref_or_null(c->site_id));
	json_object_set_new(o, "trunk_id", ref_or_null(c->trunk_id));
	set_time(o, "start", c->start_ms);
	set_time(o, "answer", c->answer_ms);
	set_time(o, "end", c->end_ms);
	json_object_set_new(o, "duration_s", json_integer(c->duration_s));
	json_object_set_new(o, "billsec", json_integer(c->billsec));
	json_object_set_new(o, "disposition",
			    json_string(cdr_disposition_name(c->disposition)));
	json_object_set_new(o, "sip_status", json_integer(c->sip_status));
	json_object_set_new(o, "q850_cause", json_integer(c->q850_cause));
	json_object_set_new(o, "hangup_by",
			    json_string(cdr_party_name(c->hangup_by)));
	json_object_set_new(o, "codec", text(c->codec));
	json_object_set_new(o, "forwarded_by", c->forwarded_by[0]
			    ? text(c->forwarded_by) : json_null());
	json_object_set_new(o, "forward_reason", c->forward_reason[0]
			    ? text(c->forward_reason) : json_null());
	json_object_set_new(o, "feature", c->feature[0]
			    ? text(c->feature) : json_null());
	json_object_set_new(o, "feature_by", c->feature_by[0]
			    ? text(c->feature_by) : json_null());
	for (size_t i = 0; i < c->legc && i < CDR_MAX_LEGS; i++)
		json_array_append_new(legs, leg_json(&c->legs[i]));
	json_object_set_new(o, "legs", legs);
	return o;
}

struct json_run {
	struct api_ctx *ctx;
	int64_t tid;
	json_t *items;
};

static int add_rec_id(const struct store_recording *r, void *arg)
{
	json_array_append_new(arg, json_integer(r->id));
	return 0;
}

/* each record with the ids of its call's recordings (one indexed query
   per record: a page is at most 200) */
static int add_cdr(int64_t id, const struct cdr *c, void *arg)
{
	struct json_run *j = arg;
	struct store_recording_filter f = {.call_uuid = c->uuid};
	json_t *o = cdr_json(id, c), *recs = json_array();
	int err;

	err = store_recording_list(j->ctx->st, j->tid, &f, 0, 100,
				   add_rec_id, recs);
	json_object_set_new(o, "recordings", recs);
	json_array_append_new(j->items, o);
	return err;
}

/* ---- CSV ---------------------------------------------------------------- */

/* a growing text buffer; after a failed allocation it only says so */
struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* one field, always quoted, quotes doubled (RFC 4180) */
static void csv_field(struct sbuf *b, const char *s, bool last)
{
	sb_put(b, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		sb_put(b, s, (size_t)(q - s) + 1);
		sb_put(b, "\"", 1);
	}
	sb_put(b, s, strlen(s));
	sb_put(b, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

static void csv_fieldf(struct sbuf *b, bool last, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void csv_fieldf(struct sbuf *b, bool last, const char *fmt, ...)
{
	char v[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	csv_field(b, v, last);
}

static const char *const csv_header[] = {
	"accountcode", "src", "dst", "dcontext", "clid", "channel",
	"dstchannel", "lastapp", "lastdata", "start", "answer", "end",
	"duration", "billsec", "disposition", "amaflags", "uniqueid",
	"userfield",
};

/* Asterisk's words for how a call ended */
static const char *csv_disposition(enum cdr_disposition d)
{
	switch (d) {
	case CDR_ANSWERED:  return "ANSWERED";
	case CDR_BUSY:      return "BUSY";
	case CDR_NO_ANSWER: return "NO ANSWER";
	case CDR_CANCELLED: return "CANCELLED";
	case CDR_FAILED:    break;
	}
	return "FAILED";
}

/* the peer of the first leg in that direction */
static const char *first_peer(const struct cdr *c, enum cdr_leg_dir dir)
{
	for (size_t i = 0; i < c->legc && i < CDR_MAX_LEGS; i++) {
		if (c->legs[i].dir == dir)
			return c->legs[i].peer;
	}
	return "";
}

struct csv_run {
	struct sbuf *b;
	const char *account;     /**< the tenant's slug */
	size_t rows;             /**< written so far */
	size_t page;             /**< seen in this page */
	int64_t last_id;
};

static int add_csv(int64_t id, const struct cdr *c, void *arg)
{
	struct csv_run *r = arg;
	char start[32], answer[32], end[32];
	struct sbuf *b = r->b;

	if (r->rows >= CSV_MAX_ROWS)
		return E2BIG;
	r->rows++;
	r->page++;
	r->last_id = id;
	csv_time(start, sizeof(start), c->start_ms);
	csv_time(answer, sizeof(answer), c->answer_ms);
	csv_time(end, sizeof(end), c->end_ms);

	csv_field(b, r->account, false);
	csv_field(b, c->caller, false);
	csv_field(b, c->callee[0] ? c->callee : c->dialled, false);
	csv_field(b, c->context, false);
	csv_fieldf(b, false, "\"%s\" <%s>", c->caller_name, c->caller);
	csv_field(b, first_peer(c, CDR_LEG_IN), false);
	csv_field(b, first_peer(c, CDR_LEG_OUT), false);
	csv_field(b, "Dial", false);
	csv_field(b, c->dialled, false);
	csv_field(b, start, false);
	csv_field(b, answer, false);
	csv_field(b, end, false);
	csv_fieldf(b, false, "%lld", (long long)c->duration_s);
	csv_fieldf(b, false, "%lld", (long long)c->billsec);
	csv_field(b, csv_disposition(c->disposition), false);
	csv_field(b, "DOCUMENTATION", false);
	csv_field(b, c->uuid, false);
	csv_fieldf(b, true, "status=%u;q850=%u;hangup=%s;codec=%s",
		   (unsigned)c->sip_status, (unsigned)c->q850_cause,
		   cdr_party_name(c->hangup_by), c->codec);
	return b->oom ? ENOMEM : 0;
}

/* ---- the handler -------------------------------------------------------- */

struct range {
	int64_t tid, uid;        /**< uid 0: every call of the tenant */
	int64_t from, to;
};

static int list(struct api_ctx *ctx, const struct range *g, int64_t after,
		int limit, store_cdr_h *h, void *arg)
{
	if (g->uid)
		return store_cdr_list_user(ctx->st, g->tid, g->uid, g->from,
					   g->to, after, limit, h, arg);
	return store_cdr_list(ctx->st, g->tid, g->from, g->to, after, limit,
			      h, arg);
}

static void answer_csv(struct api_ctx *ctx, const struct range *g,
		       struct api_resp *resp)
{
	struct sbuf b = {0};
	struct store_tenant t;
	struct csv_run r = {.b = &b};
	char disp[128];
	int64_t after = 0;
	int err;

	err = store_tenant_get(ctx->st, g->tid, &t);
	if (err) {
		api_store_error(resp, err);
		return;
	}
	r.account = t.slug;
	for (size_t i = 0; i < sizeof(csv_header) / sizeof(csv_header[0]);
	     i++)
		csv_field(&b, csv_header[i],
			  i + 1 == sizeof(csv_header) / sizeof(csv_header[0]));
	do {
		r.page = 0;
		err = list(ctx, g, after, CSV_PAGE, add_csv, &r);
		after = r.last_id;
	} while (!err && r.page == CSV_PAGE);

	if (!err && b.oom)
		err = ENOMEM;
	if (err) {
		free(b.p);
		if (err == E2BIG)
			api_problem(resp, 422, "to", "more than %d calls "
				    "in this range: export it in parts (an "
				    "earlier to)", CSV_MAX_ROWS);
		else
			api_problem(resp, 503, NULL, "cannot read the call "
				    "records");
		return;
	}
	free(resp->body);
	resp->body = b.p;
	resp->len = b.n;
	resp->status = 200;
	resp->ctype = "text/csv; charset=utf-8";
	snprintf(disp, sizeof(disp), "attachment; filename=\"cdr-%s.csv\"",
		 t.slug);
	api_resp_header(resp, "Content-Disposition", disp);
}

void cdrs_list(struct api_ctx *ctx, struct api_req *req,
	       struct api_resp *resp)
{
	struct range g = {.from = 0, .to = INT64_MAX};
	const char *fmt = api_req_query(req, "format");
	bool csv = fmt && !strcmp(fmt, "csv");
	struct json_run j = {.ctx = ctx};
	int64_t after;
	int limit;

	if (!api_path_id(req, 0, &g.tid, resp))
		return;
	if (fmt && !csv && strcmp(fmt, "json")) {
		api_problem(resp, 400, "format", "format must be json or csv");
		return;
	}
	if (!api_query_time(req, "from", &g.from, resp) ||
	    !api_query_time(req, "to", &g.to, resp))
		return;
	if (g.to < g.from) {
		api_problem(resp, 400, "to", "to must not be before from");
		return;
	}
	if (roles_own_only(req, PERM_CDR_READ)) {
		/* a token of a tenant is nobody's: no calls of its own */
		if (req->who.user_id <= 0) {
			api_problem(resp, 403, NULL, "your role (%s) sees only "
				    "its own calls, and this is no user's "
				    "login", roles_name(req->who.role));
			return;
		}
		g.uid = req->who.user_id;
	}
	if (csv) {
		answer_csv(ctx, &g, resp);
		return;
	}
	if (!api_page(req, resp, &limit, &after))
		return;
	j.tid = g.tid;
	j.items = json_array();
	api_list_done(resp, list(ctx, &g, after, limit, add_cdr, &j),
		      j.items, limit);
}
