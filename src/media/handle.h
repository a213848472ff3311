/**
 * @file handle.h  The engine's side of relays and conferences (private to
 * media/: engine.c and conference.c, both on the signalling thread).
 */
#ifndef CENTREX_MEDIA_HANDLE_H
#define CENTREX_MEDIA_HANDLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "media/priv.h"

enum { MAX_THREADS = 64, MAX_CLOCK_HZ = 1000000 };

struct media_relay {
	struct media_relay *prev, *next;  /**< the engine's list */
	struct media_engine *me;          /**< borrowed: owner */
	struct media_rrelay *rr;          /**< the thread's; never read here */
	unsigned thread;
	uint32_t pair[2];                 /**< port pair of each side */
	bool closing;
	media_event_h *ev_h;              /**< where events go */
	void *ev_arg;
	struct media_msg bye;             /**< the close order: cannot fail */
	bool moving;                      /**< to thread, not there yet */
	struct media_msg *held, **held_tail;  /**< orders waiting for it */
};

struct media_engine {
	struct media_thread **thr;        /**< owned */
	unsigned *load;                   /**< relays per thread */
	unsigned nthr;
	union media_sa addr;              /**< port 0 */
	unsigned port0;                   /**< first even port */
	uint32_t npairs;
	uint32_t *freeq;                  /**< ring of free pair numbers */
	uint32_t fhead, fcount;
	unsigned nrelays;                 /**< allocated and not closed */
	struct media_relay *handles;      /**< owned, closing ones included */

	int evfd;                         /**< answers are waiting */
	bool listening;
	bool stopping;                    /**< threads gone: no more orders */
	pthread_mutex_t mu;
	struct media_msg *rhead, **rtail; /**< answers, guarded by mu */
};

/* A new order about side of r; NULL with *errp set if it cannot be. */
struct media_msg *order_new(struct media_relay *r, enum media_side side,
			    enum media_msg_type type, int *errp);
/* Sends m to r's thread, or keeps it until r has arrived there. */
int  order_send(struct media_relay *r, struct media_msg *m);
/* Moves r to thread "to" (nothing if it is there or going there). */
int  relay_move(struct media_relay *r, unsigned to);
unsigned least_loaded(const struct media_engine *me);

#endif
