/**
 * @file calls.h  The calls in progress as the rest of the daemon sees
 * them (the API): listing them, recording one.  Plain C, without libre,
 * so that jansson users can include it; call.c implements it.
 */
#ifndef CENTREX_PBX_CALLS_H
#define CENTREX_PBX_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include "media/media.h"

struct pbx;

/* A call in progress, as the API lists it. */
struct call_info {
	char uuid[37];                /**< its CDR's */
	char caller[128], callee[128];
	char context[16];
	const char *state;            /**< "ringing", "talking" */
	int64_t start_ms, answer_ms;  /**< unix ms; answer 0 = not yet */
	int64_t recording_id;         /**< 0 = not recording */
	bool recording_paused;
};

typedef void (call_info_h)(const struct call_info *ci, void *arg);
/* every call of the tenant, in no particular order */
void call_foreach(struct pbx *p, int64_t tenant_id, call_info_h *h,
		  void *arg);

enum call_rec_action {
	CALL_REC_START, CALL_REC_PAUSE, CALL_REC_RESUME, CALL_REC_STOP,
};

/* Record a call of the tenant, by its uuid.  ENOENT: no such call (or
   another tenant's); EBUSY: not answered yet; EALREADY: start while
   recording, or pause/resume/stop with no recording; ENOSYS: this
   daemon records nothing.  *idp gets the recording's id. */
int  call_record(struct pbx *p, int64_t tenant_id, const char *uuid,
		 enum call_rec_action action, enum media_rec_mode mode, int64_t *idp);

#endif
