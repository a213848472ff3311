/**
 * @file writer.h  Store writer thread: write-behind of registration changes.
 *
 * The signalling thread never waits for the disk.  It hands batches of
 * binding changes to this thread, which owns its own store connection and
 * writes each batch in one transaction.  Batches are plain malloc'd arrays
 * whose ownership moves with the hand-over (libre's reference counts are
 * not thread-safe, so no libre object crosses threads).
 *
 * The backlog (rows not yet written) is what the registrar looks at to
 * shed load with 503 before the queue grows without bound.
 *
 * Call detail records travel the same way, one malloc'd struct cdr each
 * (cdr_submit() in cdr/cdr.h is the way in), but are written as soon as
 * they arrive, ahead of any batch, and do not count in the backlog: a
 * finished call is never shed.
 */
#ifndef CENTREX_STORE_WRITER_H
#define CENTREX_STORE_WRITER_H

#include <stddef.h>
#include "store/store.h"

struct store_writer;

int    store_writer_start(struct store_writer **wp, const char *url,
			  char *errbuf, size_t errsz);
int    store_writer_submit(struct store_writer *w, struct store_binding *v,
			   size_t n);
size_t store_writer_backlog(struct store_writer *w);
/* takes c (malloc'd) in every case, freeing it on failure */
struct cdr;
int    store_writer_submit_cdr(struct store_writer *w, struct cdr *c);
/* records handed over and not yet written */
size_t store_writer_cdr_backlog(struct store_writer *w);
void   store_writer_stop(struct store_writer *w);

#endif
