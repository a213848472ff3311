/**
 * @file sessions.h  Browser sessions: random token -> principal.
 *
 * Kept in memory on the signalling thread (a restart logs everyone out;
 * a multi-node platform will keep them in the store).  Each session has
 * a CSRF token the browser must echo in X-CSRF-Token on every change.
 * Sessions end on logout, after idle_s without use, and when the account
 * behind them changes password or is deleted.
 */
#ifndef CENTREX_API_SESSIONS_H
#define CENTREX_API_SESSIONS_H

#include <stdint.h>
#include "api/api.h"

enum { SESSION_TOKEN_LEN = 64 };

struct sessions;

int  sessions_alloc(struct sessions **sp, uint32_t idle_s);
int  sessions_create(struct sessions *s, struct api_principal *p,
		     char token[SESSION_TOKEN_LEN + 1]);
const struct api_principal *sessions_find(struct sessions *s,
					  const char *token);
void sessions_remove(struct sessions *s, const char *token);
void sessions_remove_account(struct sessions *s, int64_t tenant_id,
			     int64_t user_id);
void sessions_remove_tenant(struct sessions *s, int64_t tenant_id);
void sessions_free(struct sessions *s);

#endif
