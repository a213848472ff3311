/**
 * @file ctx.h  What every API handler can reach.
 *
 * Borrowed pointers to the daemon's subsystems, all owned by main.c and
 * living on the signalling thread.  Plain C: included by handler files
 * that use jansson.
 */
#ifndef CENTREX_API_CTX_H
#define CENTREX_API_CTX_H

#include <stdbool.h>
#include <stdint.h>

struct conf;
struct store;
struct directory;
struct location;
struct sessions;
struct authworker;
struct ratelimit;
struct pbx;

struct api_ctx {
	const struct conf *conf;         /**< borrowed */
	struct store *st;                /**< borrowed: signalling thread's */
	struct directory *dir;           /**< borrowed */
	struct location *loc;            /**< borrowed */
	struct sessions *sessions;       /**< owned by api_service */
	struct authworker *aw;           /**< owned by api_service */
	struct ratelimit *login_limits;  /**< owned by api_service */
	/* call layer hook: trunks changed (set by main.c; may be NULL) */
	void (*trunks_changed)(void *arg, int64_t tenant_id);
	void *trunks_arg;
	/* prompt library hook: a prompt was uploaded or removed (may be
	   NULL) */
	void (*prompts_changed)(int64_t tenant_id, const char *lang,
				const char *name, bool removed, void *arg);
	void *prompts_arg;
	/* voicemail hook: a message of the user was marked heard or
	   unheard, or deleted (the message-waiting lamp; may be NULL) */
	void (*vm_changed)(int64_t tenant_id, int64_t user_id, void *arg);
	void *vm_arg;
	/* features hook: a user's features (DND ...) changed; presence
	   follows (may be NULL) */
	void (*features_changed)(int64_t tenant_id, int64_t user_id,
				 void *arg);
	void *features_arg;
	/* the call layer, for live calls (may be NULL: none) */
	struct pbx *pbx;
};

#endif
