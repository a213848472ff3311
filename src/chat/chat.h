/**
 * @file chat.h  Instant messages between users of a tenant (RFC 3428).
 *
 * A phone sends MESSAGE to a colleague's extension; we authenticate it
 * like a call (407), keep the message (the history), answer 202 and,
 * acting for the sender, send our own MESSAGE to every registered
 * binding of the recipient.  The first 2xx marks it delivered.  A
 * recipient with no binding, or whose phones all fail, is owed it: the
 * next REGISTER of one of their devices brings the owed messages, oldest
 * first, one at a time.
 *
 * Bodies: text/plain or application/json, valid UTF-8 without NUL, at
 * most CHAT_MAX_BODY_BYTES (413 above, 415 for another type).  A user
 * of another tenant, or no user, answers 404.  At most
 * CHAT_MAX_OWED messages wait for one recipient (480 past that), so a
 * sender cannot fill the store for an absent colleague.
 *
 * Signalling thread only; the store writes are single-row statements on
 * its connection.
 */
#ifndef CENTREX_CHAT_CHAT_H
#define CENTREX_CHAT_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sip;
struct sip_msg;
struct directory;
struct location;
struct store;
struct sipauth;
struct chat;

enum {
	CHAT_MAX_BODY_BYTES = 16384,
	CHAT_MAX_OWED = 500,
};

struct chat_deps {
	struct sip *sip;                  /**< borrowed */
	struct directory *dir;            /**< borrowed */
	struct location *loc;             /**< borrowed */
	struct store *st;                 /**< borrowed: signalling thread's */
	struct sipauth *auth;             /**< borrowed */
};

/* loads who is owed messages from the store */
int  chat_alloc(struct chat **cp, const struct chat_deps *d);
/* MESSAGE from the front door: always taken */
bool chat_request(struct chat *c, const struct sip_msg *msg);
/* a REGISTER of this device was handled: deliver what its user is owed */
void chat_device_seen(struct chat *c, int64_t tenant_id, int64_t device_id);

/*
 * Send as from_user (the API): the same checks, storage and delivery
 * as a MESSAGE.  Returns a SIP-like status: 202 accepted, 400 bad body,
 * 404 no such recipient in the tenant, 413 too large, 415 type, 480
 * too many owed, 500 store failure; *idp gets the message id on 202.
 */
unsigned chat_send(struct chat *c, int64_t tenant_id, int64_t from_user_id,
		   int64_t to_user_id, const char *ctype, const char *body,
		   size_t len, int64_t *idp);

#endif
