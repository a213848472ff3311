/**
 * @file transfer.h  Blind and attended transfer through the B2BUA
 * (transfer.c); callpriv.h's transfer_refer() is the REFER's way in.
 */
#ifndef CENTREX_PBX_TRANSFER_H
#define CENTREX_PBX_TRANSFER_H

#include <stdbool.h>

struct call;
struct leg;
struct pl;

/* The transferor leaves; dest (as the transferor would dial it) rings
   for the party that stays.  notify: tell the transferor by NOTIFY (a
   REFER).  ENOENT: dest cannot be called (the call is as it was); other
   errors: the call has ended. */
int  transfer_blind(struct call *c, struct leg *transferor, const char *dest,
		    bool notify);
/* The transferor's other call (its leg with that Call-ID) and this one
   are joined without it.  ENOENT: no such call of the transferor's. */
int  transfer_attended(struct call *c, struct leg *transferor,
		       const struct pl *other_callid);

#endif
