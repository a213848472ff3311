/**
 * @file priv.h  What engine.c (signalling thread) and thread.c (media
 * threads) share: the messages between them and the thread interface.
 *
 * Messages are plain malloc'd structs: libre's reference counts are not
 * thread-safe, so no libre object ever crosses.  A request travels to a
 * media thread and, for stats and close, the same block comes back as the
 * reply, so a round trip costs one allocation.
 */
#ifndef CENTREX_MEDIA_PRIV_H
#define CENTREX_MEDIA_PRIV_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "media/media.h"

/* A socket address of either family, without sockaddr_storage's 128
   bytes: a relay keeps ten of them. */
union media_sa {
	struct sockaddr     sa;
	struct sockaddr_in  in;
	struct sockaddr_in6 in6;
};

/* A peer's addresses as the media thread wants them: already in the
   family of our sockets (IPv4 peers of an IPv6 socket are v4-mapped). */
struct media_peer_addrs {
	union media_sa rtp;       /**< family 0: nowhere to send yet */
	union media_sa rtcp;
	union media_sa sig;       /**< family 0: unknown */
	bool known;               /**< some address of the peer is known */
	bool rtcp_mux;
	bool send;
};

enum media_msg_type {
	MEDIA_MSG_ADD,        /**< take a relay's sockets (relay) */
	MEDIA_MSG_PEER,       /**< set a side's peer */
	MEDIA_MSG_CLOCK,      /**< RTP clock of a dynamic payload type */
	MEDIA_MSG_STATS,      /**< there: read counters; back: deliver them */
	MEDIA_MSG_CLOSE,      /**< there: close sockets; back: free ports */
	MEDIA_MSG_STOP,       /**< the thread ends its loop */
	/* audio work (proc.c) */
	MEDIA_MSG_CODEC,      /**< a side's agreed codec */
	MEDIA_MSG_HEAR,       /**< what a side's peer hears */
	MEDIA_MSG_PLAY,       /**< clips to a side */
	MEDIA_MSG_TONE,       /**< a tone to a side */
	MEDIA_MSG_INBAND,     /**< in-band DTMF detection on or off */
	MEDIA_MSG_DTMF,       /**< digits to send to a side */
	MEDIA_MSG_SILENCE,    /**< silence detection on a side */
	MEDIA_MSG_EVENT,      /**< back only: something happened */
	/* moving a relay to another thread (a conference) */
	MEDIA_MSG_MOVE,       /**< there: let go of it; back: adopt it */
	MEDIA_MSG_ADOPT,      /**< the new thread takes it */
	/* recording (proc.c) */
	MEDIA_MSG_REC_START,
	MEDIA_MSG_REC_PAUSE,
	MEDIA_MSG_REC_STOP,
	/* conferences (mixing.c) */
	MEDIA_MSG_CONF_NEW,   /**< the thread takes a conference */
	MEDIA_MSG_CONF_JOIN,
	MEDIA_MSG_CONF_LEAVE,
	MEDIA_MSG_CONF_MUTE,
	MEDIA_MSG_CONF_FREE,
};

struct media_rrelay;     /* a relay as its media thread sees it */
struct media_rconf;      /* a conference as its media thread sees it */

struct media_msg {
	struct media_msg *next;
	enum media_msg_type type;
	struct media_rrelay *rr;      /**< the thread's relay */
	struct media_relay *handle;   /**< signalling side; opaque over there */
	enum media_side side;
	union {
		struct media_peer_addrs peer;
		struct {
			uint8_t pt;
			uint32_t rate;
		} clock;
		struct {
			media_stats_h *h;
			void *arg;
		} cb;
		struct media_codec codec;
		enum media_hear hear;
		struct {
			struct media_clip *clips;   /**< malloc'd, n of them */
			size_t n;
			uint32_t id;
			bool loop;
		} play;
		struct {
			char country[3];
			int kind;
		} tone;
		bool on;
		char digits[32];
		struct media_event ev;
		struct {
			struct rec_file *f;
			enum media_rec_mode mode;
			rec_done_h *done;
			void *arg;
		} rec;
		struct {
			unsigned ms;
			int level_dbov;
		} silence;
		struct {
			struct media_rconf *rc;   /**< CONF_NEW only */
			uint32_t id;              /**< the others: which one */
			bool muted;
		} conf;
	} u;
	struct media_stats stats;     /**< filled by the media thread */
};

/* Where a media thread posts its replies (the engine, on the signalling
   thread's side).  Thread-safe. */
typedef void (media_reply_h)(struct media_msg *m, void *arg);

struct media_thread;

int  media_thread_start(struct media_thread **mtp, unsigned idx,
			media_reply_h *reply, void *arg);
/* Ends and joins the thread.  Orders still queued are carried out, so
   stats and close get their answers (the engine discards them), then
   every socket the thread holds is closed. */
void media_thread_stop(struct media_thread *mt);
/* Queues m (ownership passes to the thread). */
void media_thread_send(struct media_thread *mt, struct media_msg *m);

/* A relay for a media thread: four bound sockets (RTP, RTCP of A, then
   of B).  The thread owns them from MEDIA_MSG_ADD on. */
struct media_rrelay *media_rrelay_alloc(const int fds[4],
					struct media_relay *handle);
/* Frees a relay that is on no thread (never reached one, or was moving
   when the engine stopped), closing the sockets and ending its audio
   work. */
void media_rrelay_free(struct media_rrelay *rr);
/* Frees an order that will never be carried out, releasing what it
   carries (clips, a recording). */
void media_msg_discard(struct media_msg *m);

/* Conferences are named by id in orders, never by pointer: an order
   that waited for a moving relay may arrive after its conference was
   freed, and must then find nothing rather than freed memory. */
struct media_rconf *media_rconf_alloc(uint32_t id);
void media_rconf_free(struct media_rconf *rc);

#endif
