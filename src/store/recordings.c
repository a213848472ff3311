/**
 * @file recordings.c  Call recordings: one row per file, from the start
 * of the recording (state "recording") to its end ("done", "failed"),
 * until the tenant's retention has passed.
 *
 * SQL written once for both backends (store_run, backend.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/backend.h"

#define REC_COLS "r.id, r.tenant_id, r.uuid, r.call_uuid, r.file, " \
	"r.channels, r.mode, r.legs, r.start_ms, r.duration_ms, r.bytes, " \
	"r.state, r.created_at"

static void recording_read(const char *const *c, struct store_recording *r)
{
	memset(r, 0, sizeof(*r));
	r->id = store_col_int(c[0]);
	r->tenant_id = store_col_int(c[1]);
	STORE_COL_TEXT(r->uuid, c[2]);
	STORE_COL_TEXT(r->call_uuid, c[3]);
	STORE_COL_TEXT(r->file, c[4]);
	r->channels = (int)store_col_int(c[5]);
	STORE_COL_TEXT(r->mode, c[6]);
	STORE_COL_TEXT(r->legs, c[7]);
	r->start_ms = store_col_int(c[8]);
	r->duration_ms = store_col_int(c[9]);
	r->bytes = store_col_int(c[10]);
	STORE_COL_TEXT(r->state, c[11]);
	r->created_at = store_col_int(c[12]);
}

STORE_ROW_HANDLERS(recording, struct store_recording, store_recording_h, 13,
		   recording_read)

static bool one_of(const char *w, const char *const *words)
{
	for (; *words; words++) {
		if (!strcmp(w, *words))
			return true;
	}
	return false;
}

static const char *const rec_modes[] = {"mixed", "split", NULL};
static const char *const rec_legs[] = {"both", "caller", "callee", NULL};
static const char *const rec_states[] = {"recording", "done", "failed",
					 NULL};

int store_recording_create(struct store *st, int64_t tenant_id,
			   struct store_recording *r)
{
	if (!r || !r->uuid[0] || !r->file[0] || r->channels < 1 ||
	    r->channels > 2 || !one_of(r->mode, rec_modes) ||
	    !one_of(r->legs, rec_legs) ||
	    (r->state[0] && !one_of(r->state, rec_states)))
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	r->tenant_id = tenant_id;
	r->created_at = (int64_t)time(NULL);
	if (!r->state[0])
		snprintf(r->state, sizeof(r->state), "recording");
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_TEXT(r->uuid),
		STORE_TEXT(r->call_uuid), STORE_TEXT(r->file),
		STORE_NUM(r->channels), STORE_TEXT(r->mode),
		STORE_TEXT(r->legs), STORE_NUM(r->start_ms),
		STORE_NUM(r->duration_ms), STORE_NUM(r->bytes),
		STORE_TEXT(r->state), STORE_NUM(r->created_at),
	};
	return store_run_insert(st, "INSERT INTO recordings (tenant_id, uuid, "
		"call_uuid, file, channels, mode, legs, start_ms, duration_ms, "
		"bytes, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
		"$8, $9, $10, $11, $12) RETURNING id", a, STORE_NARGS(a),
		&r->id);
}

int store_recording_finish(struct store *st, int64_t tenant_id, int64_t id,
			   const char *state, int64_t duration_ms,
			   int64_t bytes)
{
	const struct store_arg a[] = {
		STORE_TEXT(state), STORE_NUM(duration_ms), STORE_NUM(bytes),
		STORE_NUM(tenant_id), STORE_NUM(id),
	};

	if (!state || !one_of(state, rec_states) || duration_ms < 0 ||
	    bytes < 0)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return store_run_change(st, "UPDATE recordings SET state = $1, "
		"duration_ms = $2, bytes = $3 WHERE tenant_id = $4 AND id = $5",
		a, STORE_NARGS(a));
}

int store_recording_get(struct store *st, int64_t tenant_id, int64_t id,
			struct store_recording *r)
{
	if (!r)
		return EINVAL;
	return store_get_scoped(st, "SELECT " REC_COLS " FROM recordings r "
		"WHERE r.tenant_id = $1 AND r.id = $2", tenant_id, id,
		recording_one, r);
}

/* a user's own: the CDR of the call names them as caller or callee; the
   page goes on after the recording after_id, in start order */
int store_recording_list(struct store *st, int64_t tenant_id,
			 const struct store_recording_filter *f,
			 int64_t after_id, int limit, store_recording_h *h,
			 void *arg)
{
	static const struct store_recording_filter any;
	struct store_walk w = STORE_WALK(h, arg);

	if (!h || limit <= 0 || after_id < 0)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	if (!f)
		f = &any;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id),
		STORE_TEXT(f->call_uuid ? f->call_uuid : ""),
		STORE_NUM(f->from_ms), STORE_NUM(f->to_ms),
		STORE_NUM(f->user_id), STORE_NUM(after_id), STORE_NUM(limit),
	};
	return store_run(st, "SELECT " REC_COLS " FROM recordings r WHERE "
		"r.tenant_id = CAST($1 AS BIGINT) AND "
		"(CAST($2 AS TEXT) = '' OR r.call_uuid = CAST($2 AS TEXT)) AND "
		"r.start_ms >= CAST($3 AS BIGINT) AND "
		"(CAST($4 AS BIGINT) = 0 OR r.start_ms < CAST($4 AS BIGINT)) "
		"AND (CAST($5 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM cdrs c "
		"WHERE c.tenant_id = CAST($1 AS BIGINT) AND "
		"c.uuid = r.call_uuid AND "
		"(c.caller_user_id = CAST($5 AS BIGINT) OR "
		"c.callee_user_id = CAST($5 AS BIGINT)))) AND "
		"(CAST($6 AS BIGINT) = 0 OR (r.start_ms, r.id) > "
		"(SELECT start_ms, id FROM recordings WHERE "
		"tenant_id = CAST($1 AS BIGINT) AND id = CAST($6 AS BIGINT))) "
		"ORDER BY r.start_ms, r.id LIMIT CAST($7 AS BIGINT)", a,
		STORE_NARGS(a), recording_each, &w, NULL);
}

int store_recording_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "recordings", tenant_id, id);
}

/* each tenant keeps its recordings for its own number of days, or
   default_days when it set none */
int store_recording_expired_all(struct store *st, int64_t now_ms,
				int default_days, int limit,
				store_recording_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const struct store_arg a[] = {STORE_NUM(now_ms),
				      STORE_NUM(default_days),
				      STORE_NUM(limit)};

	if (!h || limit <= 0 || default_days < 1)
		return EINVAL;
	return store_run(st, "SELECT " REC_COLS " FROM recordings r JOIN "
		"tenants t ON t.id = r.tenant_id WHERE r.start_ms < "
		"CAST($1 AS BIGINT) - 86400000 * (CASE WHEN "
		"t.recording_retention_days > 0 THEN t.recording_retention_days "
		"ELSE CAST($2 AS BIGINT) END) ORDER BY r.start_ms, r.id "
		"LIMIT CAST($3 AS BIGINT)", a, 3, recording_each, &w, NULL);
}
