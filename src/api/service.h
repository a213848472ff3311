/**
 * @file service.h  The REST API as one object for main.c.
 *
 * Owns the HTTP server, the sessions, the auth worker thread and the
 * login limits; borrows the store connection, directory and location of
 * the signalling thread.
 */
#ifndef CENTREX_API_SERVICE_H
#define CENTREX_API_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf;
struct store;
struct directory;
struct location;
struct api_service;
struct pbx;

int  api_service_alloc(struct api_service **asp, const struct conf *conf,
		       struct store *st, struct directory *dir,
		       struct location *loc, char *errbuf, size_t errsz);
void api_service_free(struct api_service *as);
/* who to tell when trunks change through the API (the call layer) */
void api_service_set_trunks_hook(struct api_service *as,
				 void (*h)(void *arg, int64_t tenant_id),
				 void *arg);
/* who to tell when a tenant's prompt is uploaded (again) or deleted
   through the API (the prompt library); called on the signalling
   thread after the file and the row are in place, or gone */
void api_service_set_prompts_hook(struct api_service *as,
				  void (*h)(int64_t tenant_id,
					    const char *lang,
					    const char *name, bool removed,
					    void *arg),
				  void *arg);

/* who to tell when a user's voicemail messages change through the API
   (marked heard or unheard, deleted): the call layer, which updates the
   phones' message-waiting lamp; called on the signalling thread after
   the store has the change */
void api_service_set_vm_hook(struct api_service *as,
			     void (*h)(int64_t tenant_id, int64_t user_id,
				       void *arg),
			     void *arg);

/* who to tell when a user's features change through the API (DND shows
   in presence); on the signalling thread, after the store has them */
void api_service_set_features_hook(struct api_service *as,
				   void (*h)(int64_t tenant_id,
					     int64_t user_id, void *arg),
				   void *arg);

/* the call layer whose calls the API lists and records (may be NULL) */
void api_service_set_pbx(struct api_service *as, struct pbx *p);

#endif
