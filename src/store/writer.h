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
void   store_writer_stop(struct store_writer *w);

#endif
