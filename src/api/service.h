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

struct conf;
struct store;
struct directory;
struct location;
struct api_service;

int  api_service_alloc(struct api_service **asp, const struct conf *conf,
		       struct store *st, struct directory *dir,
		       struct location *loc, char *errbuf, size_t errsz);
void api_service_free(struct api_service *as);

#endif
