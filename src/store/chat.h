/**
 * @file chat.h  Chat messages in the store (migration 10).
 *
 * Kept apart from store.h because only chat/ and the API's message
 * resource use it.  Every message is a row, delivered or not: the rows
 * are the history, and delivered_ms = 0 marks those still owed to the
 * recipient.  Tenant id first, as everywhere in the store.
 */
#ifndef CENTREX_STORE_CHAT_H
#define CENTREX_STORE_CHAT_H

#include <stdint.h>

struct store;

struct store_chat {
	int64_t id;
	int64_t tenant_id;
	int64_t from_user_id;
	int64_t to_user_id;
	char content_type[64];       /**< text/plain, application/json */
	const char *body;            /**< borrowed: UTF-8 without NUL; in a
					  callback valid until it returns */
	int64_t created_ms;          /**< unix milliseconds, UTC */
	int64_t delivered_ms;        /**< 0 = not delivered yet */
};

typedef int (store_chat_h)(const struct store_chat *m, void *arg);
typedef int (store_chat_user_h)(int64_t tenant_id, int64_t user_id,
				int64_t pending, void *arg);

/* sets m->id; ENOENT when either user is not one of the tenant's */
int  store_chat_add(struct store *st, int64_t tenant_id,
		    struct store_chat *m);
/* the first delivery wins; ENOENT: no such undelivered message */
int  store_chat_delivered(struct store *st, int64_t tenant_id, int64_t id,
			  int64_t at_ms);
/* the messages still owed to a user, oldest first */
int  store_chat_pending(struct store *st, int64_t tenant_id,
			int64_t to_user_id, int limit, store_chat_h *h,
			void *arg);
/* every user, in every tenant, who is owed messages, with how many
   (loaded at start) */
int  store_chat_pending_users_all(struct store *st, store_chat_user_h *h,
				  void *arg);
/* history: messages created in [from_ms, to_ms) that user_id sent or
   received (user_id 0: the whole tenant's), in id order after after_id */
int  store_chat_list(struct store *st, int64_t tenant_id, int64_t user_id,
		     int64_t from_ms, int64_t to_ms, int64_t after_id,
		     int limit, store_chat_h *h, void *arg);

#endif
