/**
 * @file relay.h  A relay as its media thread sees it (private to the
 * media threads: thread.c moves packets, proc.c works on audio).
 *
 * A relay without a proc is a plain relay: packets pass between the two
 * sides untouched and nothing runs on the frame clock.  A proc is added
 * the first time the signalling thread asks for audio work on the relay
 * (a codec to decode, something to play, DTMF to detect, a recording);
 * from then on the relay is also on the thread's list of active relays,
 * which the 20 ms frame clock walks.
 */
#ifndef CENTREX_MEDIA_RELAY_H
#define CENTREX_MEDIA_RELAY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include "media/audio.h"
#include "media/priv.h"
#include "media/rtp.h"

enum {
	BATCH = 32,             /* datagrams per recvmmsg */
	PKT_MAX = 2048,         /* larger than any MTU we will meet */
	EVENTS = 256,
	SLOTS = BATCH,          /* datagrams of one recvmmsg (epoll only) */
	MEDIA_TICK_US = 500,    /* longest pause of a lightly loaded thread */
	RELATCH_SILENCE_MS = 2000,
	RING_BUFS = 1024,       /* io_uring: receive buffers of a thread */
	RING_BATCH = 512,       /* io_uring: completions taken at once */
	RING_GATHER = 128,      /* io_uring: a lightly loaded thread waits
				   for this many, at most MEDIA_TICK_US */
	RING_FILE_GROUPS = 4096, /* io_uring: relays with registered sockets
				    (four each) on one thread */
	CLOCKS = 4,             /* dynamic payload types with a known clock */
	DEFAULT_CLOCK = 8000,
};

enum { END_RTP = 0, END_RTCP = 1 };

/* One of a side's two sockets and the peer address it talks to. */
struct end {
	union media_sa sdp;       /**< from SDP; only used if sdp_ok */
	union media_sa latched;   /**< the peer's real source, once seen */
	uint64_t last_rx_ms;      /**< last accepted packet */
	int fd;
	bool sdp_ok;              /**< sdp is somewhere we can send to */
	bool is_latched;
};

/* One side of a relay: its sockets, its peer and what came from it. */
struct side {
	struct end end[2];
	union media_sa sig;
	struct media_rx rx;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, rtcp_packets;
	uint64_t dropped_foreign, dropped_other;
	float rtcp_loss_pct, rtcp_jitter_ms;   /**< -1: no report yet */
	float rtt_ms;                          /**< -1: not measured yet */
	uint32_t sr_mid;          /**< last SR relayed to this peer (NTP middle) */
	uint64_t sr_at_us;        /**< when */
	struct {
		uint32_t rate;
		uint8_t pt;
	} clk[CLOCKS];
	uint8_t clk_next;
	uint8_t last_pt;
	bool known, mux, send;
};

struct media_rrelay {
	struct media_rrelay *prev, *next;  /**< the thread's list */
	struct media_relay *handle;        /**< opaque token for replies */
	struct side side[2];
	struct media_proc *proc;           /**< owned; NULL: a plain relay */
	struct media_rrelay *act_prev, *act_next;  /**< the active list */
	struct media_msg *parked;          /**< io_uring: the CLOSE or MOVE
					      answered once armed is 0 */
	int fgroup;                        /**< io_uring: its sockets are
					      registered files 4 fgroup ...
					      4 fgroup + 3; -1: not */
	uint8_t armed;                     /**< io_uring: receives in flight */
	bool dead;                         /**< closed, freed after the turn */
	bool away;                         /**< moved off this thread this turn */
};

struct io_uring;
struct io_uring_buf_ring;
struct io_uring_cqe;

struct media_thread {
	pthread_t tid;
	unsigned idx;
	int epfd;
	int evfd;                          /**< orders are waiting */
	pthread_mutex_t mu;
	struct media_msg *head, **tail;    /**< orders, guarded by mu */
	media_reply_h *reply;
	void *reply_arg;
	struct media_rrelay *relays;       /**< owned */
	struct media_rrelay *dead;         /**< owned, closed this turn */
	struct media_rrelay *active;       /**< relays with a proc, for the tick */
	struct media_rconf *confs;         /**< owned: conferences mixed here */
	struct media_msg *leaving;         /**< relays moved away this turn
					      (their MOVE orders), handed
					      back at the end of the turn */
	int tfd;                           /**< the 20 ms frame clock */
	bool stopping;
	struct media_msg stop;             /**< so that stopping cannot fail */
	uint64_t now_us, now_ms;           /**< taken once per turn */

	/* the datagrams of a turn, reused by every socket of this thread */
	uint8_t (*buf)[PKT_MAX];           /**< SLOTS of them */
	struct mmsghdr rx[SLOTS];
	struct iovec rx_iov[SLOTS];
	union media_sa src[SLOTS];
	struct mmsghdr tx[SLOTS];          /**< to send, in order */
	struct iovec tx_iov[SLOTS];
	struct side *tx_side[SLOTS];       /**< counts what was sent */
	int tx_fd[SLOTS];
	bool tx_rtp[SLOTS];
	unsigned ntx;

	/* io_uring: every socket has a standing receive that fills buffers
	   the kernel takes from a ring of them (thread.c) */
	struct io_uring *ring;             /**< owned; NULL: epoll instead */
	struct io_uring_buf_ring *br;      /**< the buffers the kernel fills */
	uint8_t (*rbuf)[PKT_MAX];          /**< RING_BUFS of them */
	struct side *rbuf_side[RING_BUFS]; /**< a buffer being sent: counts */
	uint16_t rbuf_len[RING_BUFS];      /**< and its length */
	uint16_t sent[RING_BUFS];          /**< buffers sent this turn... */
	unsigned nsent;                    /**< ...this many */
	unsigned br_added;                 /**< given back, not yet published */
	unsigned armed;                    /**< receives in flight, all relays */
	bool draining;                     /**< stopping: receives cancelled */
	struct msghdr ms_hdr;              /**< the shape of every receive */
	uint16_t fgroup_free[RING_FILE_GROUPS]; /**< unused file groups... */
	unsigned nfgroup_free;             /**< ...this many */
	struct io_uring_cqe *cqes[RING_BATCH];
};

static inline socklen_t msa_len(const union media_sa *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

static inline bool msa_ip_eq(const union media_sa *a, const union media_sa *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	if (a->sa.sa_family == AF_INET6)
		return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16);
	return false;
}

static inline bool msa_eq(const union media_sa *a, const union media_sa *b)
{
	if (!msa_ip_eq(a, b))
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port == b->in.sin_port;
	return a->in6.sin6_port == b->in6.sin6_port;
}


struct media_proc;

enum {
	TAG_CLOCK = 1,          /* epoll tag of the frame clock (relays are
				   4-aligned pointers, the order eventfd 0) */
	MAX_CATCH_UP = 3,       /* frames made at once by a late thread */
};

static const struct itimerspec frame_clock = {
	{0, AUDIO_FRAME_MS * 1000000L}, {0, AUDIO_FRAME_MS * 1000000L}};

static inline struct media_rrelay *proc_next_active(struct media_rrelay *rr)
{
	return rr->act_next;
}

/* proc.c, called by thread.c on the relay's own media thread */

/* A valid RTP packet came from side si's peer (RTCP never comes here).
   True when it must not be relayed as it is: a DTMF event for a peer
   that did not agree telephone-event (the digit goes up as an event and
   is given to that peer in the form it takes). */
bool proc_rx(struct media_thread *mt, struct media_rrelay *rr, unsigned si,
	     const struct media_rtp *h, const uint8_t *p, size_t len);
/* May side si's packets go to the other side as they are?  False while
   the other side hears something else or the two sides' codecs differ. */
bool proc_pass(const struct media_rrelay *rr, unsigned si);
/* The SSRC side si's phone receives (what its RTCP reports are about):
   ours once we have made frames for it (proc.c keeps one stream per
   phone), else `relayed`, the other side's own. */
uint32_t proc_sent_ssrc(const struct media_rrelay *rr, unsigned si,
			uint32_t relayed);
/* One 20 ms frame of every active relay of the thread. */
void proc_tick(struct media_thread *mt, struct media_rrelay *rr);
/* Orders about audio work; false if m is not one of them.  Replies and
   frees m as needed. */
bool proc_order(struct media_thread *mt, struct media_msg *m);
/* The relay is closing: release what its proc holds. */
void proc_free(struct media_thread *mt, struct media_rrelay *rr);
/* Conferences (mixing.c) and proc.c between them.  A side in a
   conference has its audio decoded each frame (proc_input) and is sent
   what the mixer makes for it (proc_output). */
const int16_t *proc_input(const struct media_rrelay *rr, unsigned si);
void proc_output(struct media_thread *mt, struct media_rrelay *rr,
		 unsigned si, const int16_t *frame);
/* False when the relay has no memory for audio work. */
bool proc_conf_join(struct media_thread *mt, struct media_rrelay *rr,
		    unsigned si, struct media_rconf *rc);
/* The side is out of its conference and hears silence. */
void proc_conf_left(struct media_thread *mt, struct media_rrelay *rr,
		    unsigned si);
/* A relay leaving the thread (moved): out of its conferences and off
   the active list; proc_attach puts it on the new thread's list. */
void proc_detach(struct media_thread *mt, struct media_rrelay *rr);
void proc_attach(struct media_thread *mt, struct media_rrelay *rr);

bool mixing_order(struct media_thread *mt, struct media_msg *m);
/* One frame of every conference of the thread, after the relays'. */
void mixing_tick(struct media_thread *mt);
/* Side si of rr leaves rc without being told (closing, moving). */
void mixing_gone(struct media_thread *mt, struct media_rconf *rc,
		 struct media_rrelay *rr, unsigned si);
/* The thread ends: its conferences go. */
void mixing_stop(struct media_thread *mt);

/* Posts an event to the signalling thread. */
void thread_event(struct media_thread *mt, struct media_rrelay *rr,
		  const struct media_event *ev);
/* Sends one datagram we made ourselves to side si's peer. */
void thread_send(struct media_thread *mt, struct media_rrelay *rr,
		 unsigned si, unsigned ei, const void *p, size_t len);

#endif
