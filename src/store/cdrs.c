/**
 * @file cdrs.c  Call detail records and their legs.
 *
 * SQL written once for both backends (store_run, backend.h).  A record
 * and its legs are written in one transaction (or a savepoint of the
 * caller's); a record already there (same tenant and uuid) is left as it
 * is.  Quality figures are kept as scaled integers (cdr.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cdr/cdr.h"
#include "store/backend.h"

static int legs_put(struct store *st, int64_t cdr_id, const struct cdr *c)
{
	int err = 0;

	for (size_t i = 0; !err && i < c->legc; i++) {
		const struct cdr_leg *l = &c->legs[i];
		const struct store_arg a[] = {
			STORE_NUM(cdr_id), STORE_NUM((int64_t)i),
			STORE_TEXT(l->dir == CDR_LEG_OUT ? "out" : "in"),
			STORE_TEXT(l->peer), STORE_NUM(l->device_id),
			STORE_NUM(l->trunk_id), STORE_TEXT(l->sip_call_id),
			STORE_NUM(l->start_ms), STORE_NUM(l->answer_ms),
			STORE_NUM(l->end_ms), STORE_NUM(l->status),
			STORE_TEXT(l->codec),
			STORE_NUM((int64_t)l->rtp_rx_packets),
			STORE_NUM((int64_t)l->rtp_tx_packets),
			STORE_NUM((int64_t)l->rtp_rx_bytes),
			STORE_NUM((int64_t)l->rtp_tx_bytes),
			STORE_NUM(l->rtp_lost),
			STORE_NUM((int64_t)(l->jitter_ms * 1000.0)),
			STORE_NUM(cdr_quality_int(l->rtt_ms, 1000.0)),
			STORE_NUM(cdr_quality_int(l->peer_loss_pct, 10000.0)),
			STORE_NUM((int64_t)(l->mos * 100.0 + 0.5)),
		};
		err = store_run(st, "INSERT INTO cdr_legs (cdr_id, position, "
			"dir, peer, device_id, trunk_id, sip_call_id, start_ms, "
			"answer_ms, end_ms, status, codec, rtp_rx_packets, "
			"rtp_tx_packets, rtp_rx_bytes, rtp_tx_bytes, rtp_lost, "
			"jitter_us, rtt_us, peer_loss_ppm, mos_x100) VALUES ($1, "
			"$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
			"$15, $16, $17, $18, $19, $20, $21)", a, STORE_NARGS(a),
			NULL, NULL, NULL);
	}
	return err;
}

/* the record as store.c cleaned it */
int store_cdr_write(struct store *st, const struct cdr *c)
{
	const struct store_arg a[] = {
		STORE_NUM(c->tenant_id), STORE_TEXT(c->uuid),
		STORE_NUM(c->site_id), STORE_NUM(c->trunk_id),
		STORE_NUM(c->caller_user_id), STORE_NUM(c->callee_user_id),
		STORE_TEXT(c->caller), STORE_TEXT(c->caller_name),
		STORE_TEXT(c->dialled), STORE_TEXT(c->callee),
		STORE_TEXT(c->context), STORE_NUM(c->start_ms),
		STORE_NUM(c->answer_ms), STORE_NUM(c->end_ms),
		STORE_NUM(c->duration_s), STORE_NUM(c->billsec),
		STORE_TEXT(store_cdr_disposition_word(c->disposition)),
		STORE_NUM(c->sip_status), STORE_NUM(c->q850_cause),
		STORE_TEXT(store_cdr_party_word(c->hangup_by)),
		STORE_TEXT(c->codec), STORE_TEXT(c->forwarded_by),
		STORE_TEXT(c->forward_reason), STORE_TEXT(c->feature),
		STORE_TEXT(c->feature_by),
	};
	int64_t id = 0;
	bool outer;
	int err = store_tx_begin(st, &outer);

	if (!err)
		err = store_run_insert(st, "INSERT INTO cdrs (tenant_id, uuid, "
			"site_id, trunk_id, caller_user_id, callee_user_id, "
			"caller, caller_name, dialled, callee, context, start_ms, "
			"answer_ms, end_ms, duration_s, billsec, disposition, "
			"sip_status, q850_cause, hangup_by, codec, forwarded_by, "
			"forward_reason, feature, feature_by) VALUES ($1, $2, $3, "
			"$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
			" $17, $18, $19, $20, $21, $22, $23, $24, $25) ON CONFLICT"
			" (tenant_id, uuid) DO NOTHING RETURNING id", a,
			STORE_NARGS(a), &id);
	if (err == ENOENT)
		err = 0;        /* written before: nothing to add */
	if (!err && id)
		err = legs_put(st, id, c);
	return store_tx_end(st, outer, err);
}

/*
 * One page of records joined with their legs (one row per leg, the rows
 * of a record together, in leg order), folded back into struct cdr.
 * The page is chosen in the subquery, so LIMIT counts records, not legs.
 */
#define CDR_COLS "c.id, c.tenant_id, c.uuid, c.site_id, c.trunk_id, " \
	"c.caller_user_id, c.callee_user_id, c.caller, c.caller_name, " \
	"c.dialled, c.callee, c.context, c.start_ms, c.answer_ms, c.end_ms, " \
	"c.duration_s, c.billsec, c.disposition, c.sip_status, " \
	"c.q850_cause, c.hangup_by, c.codec, c.forwarded_by, " \
	"c.forward_reason, c.feature, c.feature_by"
#define LEG_COLS "l.position, l.dir, l.peer, l.device_id, l.trunk_id, " \
	"l.sip_call_id, l.start_ms, l.answer_ms, l.end_ms, l.status, " \
	"l.codec, l.rtp_rx_packets, l.rtp_tx_packets, l.rtp_rx_bytes, " \
	"l.rtp_tx_bytes, l.rtp_lost, l.jitter_us, l.rtt_us, " \
	"l.peer_loss_ppm, l.mos_x100"
enum { CDR_NCOLS = 26, LEG_NCOLS = 20 };

static void cdr_read(const char *const *c, struct cdr *r)
{
	memset(r, 0, sizeof(*r));
	r->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(r->uuid, c[2]);
	r->site_id = store_col_int(c[3]);
	r->trunk_id = store_col_int(c[4]);
	r->caller_user_id = store_col_int(c[5]);
	r->callee_user_id = store_col_int(c[6]);
	STORE_COL_TEXT(r->caller, c[7]);
	STORE_COL_TEXT(r->caller_name, c[8]);
	STORE_COL_TEXT(r->dialled, c[9]);
	STORE_COL_TEXT(r->callee, c[10]);
	STORE_COL_TEXT(r->context, c[11]);
	r->start_ms = store_col_int(c[12]);
	r->answer_ms = store_col_int(c[13]);
	r->end_ms = store_col_int(c[14]);
	r->duration_s = store_col_int(c[15]);
	r->billsec = store_col_int(c[16]);
	r->disposition = store_cdr_disposition_parse(c[17]);
	r->sip_status = (uint16_t)store_col_int(c[18]);
	r->q850_cause = (uint16_t)store_col_int(c[19]);
	r->hangup_by = store_cdr_party_parse(c[20]);
	STORE_COL_TEXT(r->codec, c[21]);
	STORE_COL_TEXT(r->forwarded_by, c[22]);
	STORE_COL_TEXT(r->forward_reason, c[23]);
	STORE_COL_TEXT(r->feature, c[24]);
	STORE_COL_TEXT(r->feature_by, c[25]);
}

/* c: the LEG_COLS of a row */
static void leg_read(const char *const *c, struct cdr_leg *l)
{
	l->dir = strcmp(c[1], "out") ? CDR_LEG_IN : CDR_LEG_OUT;
	STORE_COL_TEXT(l->peer, c[2]);
	l->device_id = store_col_int(c[3]);
	l->trunk_id = store_col_int(c[4]);
	STORE_COL_TEXT(l->sip_call_id, c[5]);
	l->start_ms = store_col_int(c[6]);
	l->answer_ms = store_col_int(c[7]);
	l->end_ms = store_col_int(c[8]);
	l->status = (uint16_t)store_col_int(c[9]);
	STORE_COL_TEXT(l->codec, c[10]);
	l->rtp_rx_packets = (uint64_t)store_col_int(c[11]);
	l->rtp_tx_packets = (uint64_t)store_col_int(c[12]);
	l->rtp_rx_bytes = (uint64_t)store_col_int(c[13]);
	l->rtp_tx_bytes = (uint64_t)store_col_int(c[14]);
	l->rtp_lost = (uint32_t)store_col_int(c[15]);
	l->jitter_ms = (double)store_col_int(c[16]) / 1000.0;
	l->rtt_ms = cdr_quality_double(store_col_int(c[17]), 1000.0);
	l->peer_loss_pct = cdr_quality_double(store_col_int(c[18]), 10000.0);
	l->mos = (double)store_col_int(c[19]) / 100.0;
}

struct cdr_fold {
	struct cdr *c;           /**< the record being read */
	int64_t id;              /**< its id, 0: none yet */
	store_cdr_h *h;
	void *arg;
};

static int cdr_row(int n, const char *const *c, void *arg)
{
	struct cdr_fold *f = arg;
	int64_t id;
	int err;

	if (n < CDR_NCOLS + LEG_NCOLS)
		return EIO;
	id = store_col_int(c[0]);
	if (id != f->id) {
		if (f->id && (err = f->h(f->id, f->c, f->arg)))
			return err;
		f->id = id;
		cdr_read(c, f->c);
	}
	/* a record without legs has one row, its leg columns NULL ("") */
	if (c[CDR_NCOLS][0] && f->c->legc < CDR_MAX_LEGS)
		leg_read(c + CDR_NCOLS, &f->c->legs[f->c->legc++]);
	return 0;
}

/* user_id 0: every call of the tenant */
int store_cdr_page(struct store *st, int64_t tenant_id, int64_t user_id,
		   int64_t from_ms, int64_t to_ms, int64_t after_id, int limit,
		   store_cdr_h *h, void *arg)
{
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(from_ms), STORE_NUM(to_ms),
		STORE_NUM(user_id), STORE_NUM(after_id), STORE_NUM(limit),
	};
	struct cdr_fold f = {.h = h, .arg = arg};
	int err;

	if (tenant_id <= 0)
		return ENOENT;
	f.c = malloc(sizeof(*f.c));
	if (!f.c)
		return ENOMEM;
	err = store_run(st, "SELECT " CDR_COLS ", " LEG_COLS " FROM "
		"(SELECT * FROM cdrs WHERE tenant_id = CAST($1 AS BIGINT) AND "
		"start_ms >= CAST($2 AS BIGINT) AND "
		"start_ms < CAST($3 AS BIGINT) AND (CAST($4 AS BIGINT) = 0 OR "
		"caller_user_id = CAST($4 AS BIGINT) OR "
		"callee_user_id = CAST($4 AS BIGINT)) AND "
		"(CAST($5 AS BIGINT) = 0 OR (start_ms, id) > (SELECT start_ms, "
		"id FROM cdrs WHERE tenant_id = CAST($1 AS BIGINT) AND "
		"id = CAST($5 AS BIGINT))) ORDER BY start_ms, id "
		"LIMIT CAST($6 AS BIGINT)) c "
		"LEFT JOIN cdr_legs l ON l.cdr_id = c.id "
		"ORDER BY c.start_ms, c.id, l.position", a, STORE_NARGS(a),
		cdr_row, &f, NULL);
	if (!err && f.id)
		err = h(f.id, f.c, arg);
	free(f.c);
	return err;
}
