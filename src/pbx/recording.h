/**
 * @file recording.h  Starting a call's recording (recording.c).
 */
#ifndef CENTREX_PBX_RECORDING_H
#define CENTREX_PBX_RECORDING_H

#include <stdint.h>
#include "media/media.h"

struct pbx;

/* Writes the row (linked to the call's CDR by call_uuid), opens the file
   and taps relay r.  ENOSYS: the daemon records nothing (no writer). */
int recording_start(struct pbx *p, int64_t tenant_id, const char *call_uuid,
		    struct media_relay *r, enum media_rec_mode mode,
		    int64_t *idp);

#endif
