/**
 * @file apprompt.h  Prompts for the services: from the prompt library to
 * clips on a relay (kept apart so app.c needs no prompt internals).
 */
#ifndef CENTREX_PBX_APPROMPT_H
#define CENTREX_PBX_APPROMPT_H

#include <stdint.h>
#include "media/media.h"
#include "pbx/call.h"

struct pbx;

/* *44: a greeting, then the caller's extension digit by digit, in the
   tenant's language; PLAY_DONE with play_id when it has been heard. */
int apprompt_greeting(struct pbx *p, struct media_relay *r,
		      const struct call_origin *o, uint32_t play_id);
/* Music on hold of the tenant's class (its own, else the system's) to
   side of r, looping until the side is given something else to hear.
   ENOENT: no music at all. */
int apprompt_moh(struct pbx *p, struct media_relay *r, enum media_side side,
		 int64_t tenant_id, const char *class_name);

#endif
