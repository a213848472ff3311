/**
 * @file recording.c  Recording a call: the row, the file, the relay tap.
 *
 * The row is written first, in state "recording", so that the recording
 * exists (and is linked to its call's CDR by the call's uuid) from its
 * first second; the file is opened by the writer thread and filled by
 * the relay's media thread; when the recording stops, or the call ends,
 * the writer's done callback (signalling thread) completes the row with
 * the length and size, or marks it failed.
 *
 * Files live under media.data_dir as recordings/<tenant>/<day>/<uuid>.wav,
 * so that a tenant's recordings can be found, moved or purged together.
 */
#include <re.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/random.h"
#include "pbx/priv.h"
#include "pbx/recording.h"
#include "record/record.h"
#include "store/store.h"

struct rec_ctx {
	struct store *st;            /**< borrowed: the signalling thread's */
	int64_t tenant_id;
	int64_t id;
};

static void rec_done(const struct rec_result *res, void *arg)
{
	struct rec_ctx *x = arg;
	const char *state = res->err ? "failed" : "done";

	if (store_recording_finish(x->st, x->tenant_id, x->id, state,
				   res->duration_ms, (int64_t)res->bytes))
		log_warn("pbx/rec", "recording %lld: cannot record its end",
			 (long long)x->id);
	if (res->dropped_frames)
		log_warn("pbx/rec", "recording %lld: %llu frames lost to a "
			 "slow disk", (long long)x->id,
			 (unsigned long long)res->dropped_frames);
	free(x);
}

static const char *mode_name(enum media_rec_mode m)
{
	switch (m) {
	case MEDIA_REC_SPLIT: return "split";
	case MEDIA_REC_A:     return "caller";
	case MEDIA_REC_B:     return "callee";
	default:              return "mixed";
	}
}

int recording_start(struct pbx *p, int64_t tenant_id, const char *call_uuid,
		    struct media_relay *r, enum media_rec_mode mode,
		    int64_t *idp)
{
	struct store_recording row;
	struct rec_ctx *x;
	struct rec_file *f;
	char path[512], day[16];
	struct timespec ts;
	struct tm tm;
	int err;

	if (!p->d.recorder)
		return ENOSYS;
	memset(&row, 0, sizeof(row));
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	random_uuid(row.uuid);
	str_ncpy(row.call_uuid, call_uuid, sizeof(row.call_uuid));
	(void)re_snprintf(row.file, sizeof(row.file),
			  "recordings/%lld/%s/%s.wav", (long long)tenant_id,
			  day, row.uuid);
	row.channels = mode == MEDIA_REC_SPLIT ? 2 : 1;
	str_ncpy(row.mode, mode == MEDIA_REC_SPLIT ? "split" : "mixed",
		 sizeof(row.mode));
	str_ncpy(row.legs, mode == MEDIA_REC_A ? "caller"
		 : mode == MEDIA_REC_B ? "callee" : "both", sizeof(row.legs));
	row.start_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	str_ncpy(row.state, "recording", sizeof(row.state));
	err = store_recording_create(p->d.st, tenant_id, &row);
	if (err)
		return err;

	x = calloc(1, sizeof(*x));
	(void)re_snprintf(path, sizeof(path), "%s/%s",
			  p->d.conf->media_data_dir, row.file);
	f = x ? rec_open(p->d.recorder, path, (unsigned)row.channels) : NULL;
	if (!f) {
		free(x);
		(void)store_recording_finish(p->d.st, tenant_id, row.id,
					     "failed", 0, 0);
		return ENOMEM;
	}
	x->st = p->d.st;
	x->tenant_id = tenant_id;
	x->id = row.id;
	/* from here on the relay owns f, and x goes with rec_done */
	err = media_relay_record(r, f, mode, rec_done, x);
	if (err)
		return err;
	log_info("pbx/rec", "call %s: recording %s (%s) to %s", call_uuid,
		 row.uuid, mode_name(mode), row.file);
	*idp = row.id;
	return 0;
}
