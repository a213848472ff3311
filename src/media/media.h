/**
 * @file media.h  The media engine as the signalling thread sees it.
 *
 * A relay joins two endpoints: side A faces the caller, side B the callee.
 * Each endpoint is a pair of UDP sockets (RTP on an even port, RTCP on the
 * next one) taken from media.rtp_ports and bound on media.address.
 * Packets that arrive on A's sockets leave from B's sockets towards B's
 * peer, and the reverse.
 *
 * Threads: the sockets and the per-packet work belong to one media thread
 * (relays are spread over media.threads threads).  The signalling thread
 * holds a handle and talks to the owning thread by messages only; nothing
 * here blocks on the media thread and no libre object crosses threads.
 *
 * Latching (symmetric RTP): the peer address from SDP is where we send
 * until the peer's first packet shows its real source.  A source is
 * learnt only if its IP address is the SDP address or the address the
 * peer's signalling came from; packets from any other address are dropped
 * and counted (no media hijack by a third party).
 */
#ifndef CENTREX_MEDIA_MEDIA_H
#define CENTREX_MEDIA_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct media_engine;
struct media_relay;

enum media_side { MEDIA_A = 0, MEDIA_B = 1 };

/* Where a side's peer said (SDP) and where its signalling came from. */
struct media_peer {
	struct sockaddr_storage rtp;      /**< SDP c=/m= address; family 0 = none yet */
	struct sockaddr_storage rtcp;     /**< SDP a=rtcp or rtp port + 1 */
	struct sockaddr_storage sig;      /**< source of the peer's SIP (port ignored) */
	bool rtcp_mux;                    /**< peer multiplexes RTCP on the RTP port */
	bool send;                        /**< forward packets to this side (false while on hold inactive) */
};

/* Counters of one side, as received from its peer. */
struct media_side_stats {
	uint64_t rx_packets, rx_bytes;    /**< RTP received from this side's peer */
	uint64_t tx_packets, tx_bytes;    /**< RTP sent to this side's peer */
	uint64_t rtcp_packets;            /**< RTCP received from this side's peer */
	uint64_t dropped_foreign;         /**< from an address that is not the peer */
	uint64_t dropped_other;           /**< malformed, not RTP/RTCP, no peer yet */
	uint32_t lost;                    /**< expected - received, from sequence numbers */
	double   jitter_ms;               /**< RFC 3550 interarrival jitter of what we received */
	double   rtcp_loss_pct;           /**< loss the peer reported in RTCP (of what we sent), -1 = none */
	double   rtcp_jitter_ms;          /**< jitter the peer reported in RTCP, -1 = none */
	bool     latched;
	struct sockaddr_storage latched_addr;
	uint8_t  last_pt;                 /**< payload type last received */
};

struct media_stats {
	struct media_side_stats side[2];
};

/* Called on the signalling thread. */
typedef void (media_stats_h)(const struct media_stats *st, void *arg);

/* Start media.threads threads over the port range; addr is the local
   address to bind and advertise. */
int  media_start(struct media_engine **mep, const char *addr,
		 unsigned port_lo, unsigned port_hi, unsigned threads);
/* Joins the threads and closes every socket.  Relays already closed get
   their close callbacks, from inside this call; relays still open are
   freed silently (their handles become invalid), and pending
   media_relay_stats answers are dropped.  Never call it from a
   media_stats_h. */
void media_stop(struct media_engine *me);
/* relays alive and ports free (for --status) */
unsigned media_relay_count(const struct media_engine *me);
unsigned media_ports_free(const struct media_engine *me);

/* A new relay with both sides' sockets bound (ENOSPC: no free ports). */
int  media_relay_alloc(struct media_engine *me, struct media_relay **rp);
/* Our address for a side: what goes into that side's SDP. */
void media_relay_local(const struct media_relay *r, enum media_side side,
		       struct sockaddr_storage *rtp,
		       struct sockaddr_storage *rtcp);
/* Set or change (re-INVITE) where a side's peer is. */
int  media_relay_set_peer(struct media_relay *r, enum media_side side,
			  const struct media_peer *peer);
/* The RTP clock (Hz) of a dynamic payload type that a side's peer sends,
   from its SDP rtpmap; jitter figures assume 8000 Hz without it. */
int  media_relay_set_clock(struct media_relay *r, enum media_side side,
			   uint8_t pt, uint32_t rate);
/* Ask for the counters; h runs later on the signalling thread (unless the
   relay is closed first). */
int  media_relay_stats(struct media_relay *r, media_stats_h *h, void *arg);
/* Close: the sockets are released and h (may be NULL) gets the final
   counters on the signalling thread; the handle is gone after this call. */
void media_relay_close(struct media_relay *r, media_stats_h *h, void *arg);

#endif
