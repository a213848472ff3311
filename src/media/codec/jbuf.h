/**
 * @file jbuf.h  The packet store and timing of a jitter buffer (private
 * to media/codec/; dec.c decodes what it hands out).
 *
 * Packets are kept in JBUF_SLOTS slots indexed by extended sequence
 * number, each with a copy of its payload in one arena allocated up
 * front.  Playout follows two cursors: next_seq, the next packet in
 * sending order, and next_ts, the RTP time of the next sample to play.
 * Both are 64-bit "extended" values so that wraps of the 16-bit sequence
 * and the 32-bit timestamp are just arithmetic.
 *
 * Delay.  For each packet, rel = arrival time - RTP time.  Its minimum
 * over the last two windows of 4 s is the fastest path through the
 * network; the spread above that minimum is the jitter, and its peak over
 * the same windows sets the target delay: peak + 20 ms, between 20 and
 * 200 ms.  The delay actually added is the time between a sample's
 * earliest possible arrival and its playout:
 *     delay = now + queued audio - RTP time of next_ts - min rel.
 * Sliding windows follow clock drift and route changes both ways.
 *
 * States:
 *
 *     IDLE --first packet / after a pause--> FILL --delay >= target--> PLAY
 *       ^                                                                 |
 *       +------ nothing buffered and nothing received for 300 ms ---------+
 *     any state --new SSRC, seq or timestamp jump--> FILL (a "resync")
 */
#ifndef CENTREX_MEDIA_CODEC_JBUF_H
#define CENTREX_MEDIA_CODEC_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	JBUF_SLOTS = 32,             /**< packets held: 320 ms of 10 ms packets */
	JBUF_DELAY_MIN_US = 20000,
	JBUF_DELAY_MAX_US = 200000,
	JBUF_STOP_US = 300000,       /**< silence after which a stream has stopped */
};

enum jbuf_state { JBUF_IDLE = 0, JBUF_FILL, JBUF_PLAY };

struct jbuf_pkt {
	int64_t seq;         /**< extended */
	int64_t ts;          /**< extended, RTP clock units */
	uint32_t dur;        /**< RTP clock units */
	uint16_t len;        /**< payload bytes */
	bool marker;
	bool used;
	uint8_t *data;       /**< borrowed: slot of the arena */
};

/* What media_dec_put must know of a put. */
enum jbuf_put {
	JBUF_STORED = 0,
	JBUF_RESYNC,         /**< stored as the first of a new stream */
	JBUF_REFUSED,        /**< late, duplicate or out of range: counted */
};

struct jbuf {
	struct jbuf_pkt slot[JBUF_SLOTS];
	uint8_t *arena;              /**< owned: JBUF_SLOTS * slot_bytes */
	size_t slot_bytes;
	uint32_t clock;              /**< RTP clock (Hz) */
	enum jbuf_state state;
	bool started;                /**< a stream was seen before */
	uint32_t ssrc;
	int64_t next_seq, next_ts;   /**< playout cursors, extended */
	uint16_t bad_seq;            /**< seq that would confirm a seq jump */
	bool bad_pending;
	uint64_t last_arrival_us;
	/* timing windows, µs */
	uint64_t win_start_us;
	int64_t min_cur, min_prev;   /**< min of rel this and last window */
	int64_t peak_cur, peak_prev; /**< max spread this and last window */
	/* counters */
	uint64_t late, dropped, resyncs;
};

/* slot_bytes: the largest payload kept.  Returns ENOMEM or 0. */
int  jbuf_init(struct jbuf *jb, uint32_t clock, size_t slot_bytes);
void jbuf_release(struct jbuf *jb);

/* Store one packet of dur RTP clock units. */
enum jbuf_put jbuf_put(struct jbuf *jb, uint16_t seq, uint32_t ts,
		       uint32_t ssrc, bool marker, const uint8_t *payload,
		       size_t len, uint32_t dur, uint64_t now_us);

/* The first stored packet at or after next_seq, or NULL. */
struct jbuf_pkt *jbuf_head(struct jbuf *jb);
/* Forget a packet handed out by jbuf_head(); next_seq moves past it. */
void jbuf_pop(struct jbuf *jb, struct jbuf_pkt *p);
/* Forget every packet (the stream is over). */
void jbuf_flush(struct jbuf *jb);

/* µs: the target delay, and the delay now with queued_us of audio
   already decoded and waiting. */
int64_t jbuf_target_us(const struct jbuf *jb);
int64_t jbuf_delay_us(const struct jbuf *jb, uint64_t now_us,
		      int64_t queued_us);
int64_t jbuf_jitter_us(const struct jbuf *jb);
/* Move the delay baseline so that the delay now (nothing queued) is
   delay_us. */
void jbuf_rebase(struct jbuf *jb, uint64_t now_us, int64_t delay_us);

#endif
