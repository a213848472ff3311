/**
 * @file import.h  Bulk import of SIP devices from a CSV file.
 *
 * One line per device: `domain,username,password`.  A domain not yet in
 * the store becomes a new tenant (slug = the domain with dots as dashes,
 * digest algorithms = the daemon default); each line adds a user and its
 * device.  The whole file is one transaction: a bad line stops the import
 * with its line number and nothing is written.
 */
#ifndef CENTREX_PROVISION_IMPORT_H
#define CENTREX_PROVISION_IMPORT_H

#include <stddef.h>

struct store;

int import_devices(struct store *st, const char *path, size_t *countp,
		   char *errbuf, size_t errsz);

#endif
