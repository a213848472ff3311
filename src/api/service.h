/**
 * @file service.h  The REST API as one object for main.c.
 *
 * Owns the HTTP server, the sessions, the auth worker thread and the
 * login limits; borrows the store connection, directory and location of
 * the signalling thread.
 */
#ifndef CENTREX_API_SERVICE_H
#define CENTREX_API_SERVICE_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct store;
struct directory;
struct location;
struct api_service;

int  api_service_alloc(struct api_service **asp, const struct conf *conf,
		       struct store *st, struct directory *dir,
		       struct location *loc, char *errbuf, size_t errsz);
void api_service_free(struct api_service *as);
/* who to tell when trunks change through the API (the call layer) */
void api_service_set_trunks_hook(struct api_service *as,
				 void (*h)(void *arg, int64_t tenant_id),
				 void *arg);

#endif
