/**
 * @file cdr.c  Call detail records: names, durations, hand-over.
 *
 * A record is assembled by the call layer on the signalling thread and
 * handed over whole when the call ends.  From there the store writer
 * thread owns it (store/writer.h): plain malloc'd memory, so the move
 * across threads is a pointer and a mutex, and the signalling thread
 * never waits for the database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include "cdr/cdr.h"
#include "core/random.h"
#include "store/writer.h"

const char *cdr_disposition_name(enum cdr_disposition d)
{
	switch (d) {
	case CDR_ANSWERED:  return "answered";
	case CDR_BUSY:      return "busy";
	case CDR_NO_ANSWER: return "no_answer";
	case CDR_FAILED:    return "failed";
	case CDR_CANCELLED: return "cancelled";
	}
	return "failed";
}

const char *cdr_party_name(enum cdr_party p)
{
	switch (p) {
	case CDR_PARTY_NONE:   return "none";
	case CDR_PARTY_CALLER: return "caller";
	case CDR_PARTY_CALLEE: return "callee";
	case CDR_PARTY_SYSTEM: return "system";
	}
	return "none";
}

/* whole seconds from a to b, a started second counting as one (what a
   carrier bills); 0 when either end is missing or b is not after a */
static int64_t seconds_up(int64_t a_ms, int64_t b_ms)
{
	if (a_ms <= 0 || b_ms <= a_ms)
		return 0;
	return (b_ms - a_ms + 999) / 1000;
}

void cdr_finish(struct cdr *c)
{
	if (!c)
		return;
	c->duration_s = seconds_up(c->start_ms, c->end_ms);
	c->billsec = c->answer_ms > 0 ? seconds_up(c->answer_ms, c->end_ms)
				      : 0;
}

/* Durations are worked out here again from the timestamps, so what is
   stored always agrees with them. */
int cdr_submit(struct store_writer *w, struct cdr *c)
{
	if (!c)
		return EINVAL;
	if (!w || c->tenant_id <= 0 || c->legc > CDR_MAX_LEGS) {
		free(c);
		return EINVAL;
	}
	if (!c->uuid[0])
		random_uuid(c->uuid);
	cdr_finish(c);
	return store_writer_submit_cdr(w, c);
}
