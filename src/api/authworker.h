/**
 * @file authworker.h  Password hashing off the signalling thread.
 *
 * argon2id is slow by design (about 0.1 s and 64 MB per hash with the
 * interactive limits); done on the signalling thread it would stall SIP.
 * One worker thread takes jobs (verify a password against a hash, or
 * hash a new password) and the result comes back to the signalling
 * thread through a libre message queue.
 */
#ifndef CENTREX_API_AUTHWORKER_H
#define CENTREX_API_AUTHWORKER_H

#include <stdbool.h>

struct authworker;

/* verify: ok = password matches; hash: ok = hash made (in `hash`) */
typedef void (authworker_h)(bool ok, const char *hash, void *arg);

int  authworker_alloc(struct authworker **awp);
void authworker_free(struct authworker *aw);
int  authworker_verify(struct authworker *aw, const char *hash,
		       const char *password, authworker_h *h, void *arg);
int  authworker_hash(struct authworker *aw, const char *password,
		     authworker_h *h, void *arg);

#endif
