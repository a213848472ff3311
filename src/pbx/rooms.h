/**
 * @file rooms.h  Meet-me conference rooms of a tenant (*47 and a number).
 */
#ifndef CENTREX_PBX_ROOMS_H
#define CENTREX_PBX_ROOMS_H

#include <stdint.h>
#include "media/media.h"

struct pbx;
struct room;

enum { ROOM_NAME_MAX = 8 };

/* Puts side of relay r in the tenant's room "name" (made if empty).
   ENOSPC: the room is full.  *rmp is the caller's reference. */
int  rooms_join(struct pbx *p, int64_t tenant_id, const char *name,
		struct media_relay *r, enum media_side side,
		struct room **rmp);
/* Takes the side out (before its relay closes) and lets go of rm. */
void rooms_leave(struct room *rm, struct media_relay *r,
		 enum media_side side);
unsigned rooms_count(const struct room *rm);

#endif
