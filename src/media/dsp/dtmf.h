/**
 * @file dtmf.h  DTMF: in-band detection and generation, RFC 4733
 * telephone-events, and the digit collector of IVR menus.
 *
 * In-band detection is spandsp's dtmf_rx, which works at 8 kHz: each
 * 16 kHz frame is low-passed by a 47-tap half-band filter (flat to
 * 3.4 kHz, -31 dB at 4.6 kHz, below -77 dB from 5 kHz) and decimated by
 * two first.  The spandsp receiver is allocated once when the detector
 * starts; nothing is allocated per frame.
 *
 * RFC 4733: a receiver turns event packets into one digit per key press
 * (the first packet seen of an event reports it; retransmissions, updates
 * and the three end packets share its RTP timestamp and are absorbed), and
 * a sender tells, tick by tick, what to put on the wire.
 *
 * Sources: dtmf.c (in-band), rfc4733.c, dtmf_collect.c.
 */
#ifndef CENTREX_MEDIA_DSP_DTMF_H
#define CENTREX_MEDIA_DSP_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "media/audio.h"
#include "media/dsp/osc.h"

/** The sixteen digits, in RFC 4733 event order (0-9, *, #, A-D). */
#define DTMF_DIGITS "0123456789*#ABCD"

/** RFC 4733 event code of @p digit (case-insensitive), or -1. */
int dtmf_event_of(char digit);

/** Digit of RFC 4733 event @p event, or 0 if it is not a DTMF event. */
char dtmf_digit_of(unsigned event);

/* ---------------------------------------------------------------- */
/* In-band detection (spandsp)                                       */

/** Called from dtmf_det_frame() once per detected digit. */
typedef void (dtmf_digit_h)(char digit, void *arg);

enum { DTMF_HB_HIST = 46 };    /**< input samples the half-band keeps */

struct dtmf_rx_state_s;

struct dtmf_det {
	struct dtmf_rx_state_s *rx;  /**< owned: spandsp receiver */
	float hist[DTMF_HB_HIST];    /**< last input samples, for the filter */
	dtmf_digit_h *digit_h;       /**< may be NULL */
	void *arg;
	char last;                   /**< last digit detected, 0 if none */
	uint32_t count;              /**< digits detected so far */
};

/**
 * Start a detector (allocates spandsp's receiver once, about 0.5 KB).
 * @return 0 or ENOMEM.
 */
int dtmf_det_start(struct dtmf_det *d, dtmf_digit_h *digit_h, void *arg);

/** Feed one 16 kHz frame; digits go to the handler as they are found. */
void dtmf_det_frame(struct dtmf_det *d, const int16_t in[AUDIO_FRAME]);

/** Release what dtmf_det_start() allocated; safe on a zeroed detector. */
void dtmf_det_stop(struct dtmf_det *d);

/* ---------------------------------------------------------------- */
/* In-band generation at 16 kHz                                      */

enum {
	DTMF_GEN_QUEUE = 32,         /**< digits waiting to be sent */
	DTMF_GEN_ON_MS = 100,        /**< default tone length */
	DTMF_GEN_OFF_MS = 50,        /**< default gap after each digit */
};

/** Levels: low group -9 dBm0, high group -7 dBm0 (2 dB of twist, as
 *  Q.23 asks of telephones); the sum peaks near 18,300. */
#define DTMF_GEN_LOW_DBM0  -9
#define DTMF_GEN_HIGH_DBM0 -7

struct dtmf_gen {
	char queue[DTMF_GEN_QUEUE];
	unsigned head, len;          /**< ring of digits to send */
	uint32_t on, off;            /**< tone and gap, in samples */
	uint32_t pos;                /**< sample within the current digit */
	bool busy;                   /**< a digit is being sent */
	struct dsp_osc osc[2];
	double amp[2];
};

/** Start an idle generator; 0 for @p on_ms or @p off_ms picks the
 *  default (100 ms / 50 ms). */
void dtmf_gen_start(struct dtmf_gen *g, unsigned on_ms, unsigned off_ms);

/**
 * Queue @p digits (from DTMF_DIGITS, case-insensitive).
 * @return 0, EINVAL on a character that is not a digit (nothing queued),
 *         ENOSPC if the queue cannot hold them all (nothing queued).
 */
int dtmf_gen_put(struct dtmf_gen *g, const char *digits);

/**
 * Write the next 20 ms: tones, gaps, then silence once the queue is empty.
 * @return true while there is something left to send.
 */
bool dtmf_gen_frame(struct dtmf_gen *g, int16_t out[AUDIO_FRAME]);

/* ---------------------------------------------------------------- */
/* RFC 4733 telephone-event                                          */

/** One telephone-event payload (RFC 4733 section 2.3). */
struct rfc4733_event {
	uint8_t event;      /**< 0-15 DTMF, others (flash, fax tones) too */
	bool end;           /**< E bit */
	uint8_t volume;     /**< 0-63, in -dBm0 */
	uint16_t duration;  /**< in RTP timestamp units, since the event's
			         timestamp */
};

/** Parse the first event of a payload.  @return 0 or EBADMSG (< 4 bytes). */
int rfc4733_parse(const uint8_t *p, size_t n, struct rfc4733_event *ev);

/** Write @p ev as 4 payload bytes. */
void rfc4733_encode(uint8_t p[4], const struct rfc4733_event *ev);

/**
 * Receiver of one RTP stream's events.  Zero it (or rfc4733_rx_reset)
 * before the first packet.
 *
 *   idle --packet, new ts--> in event (digit reported) --end bit--> ended
 *   in event/ended --packet, later new ts--> in event (next digit)
 *
 * A press is known by its RTP timestamp: the first packet that arrives of
 * it reports the digit, whether or not its start packets were lost; its
 * updates and (three) end packets carry the same timestamp and are
 * ignored; if every end packet is lost, the next event's new timestamp
 * ends it.  Packets older than the current event (reordered, late
 * retransmissions) are ignored.  An event longer than 65535 units is sent
 * as segments with new timestamps (section 2.5.1.3): a segment that
 * follows on from an unended event of the same code continues it.
 */
struct rfc4733_rx {
	bool have;          /**< an event has been seen */
	bool ended;         /**< it has seen its end bit */
	uint8_t event;
	uint32_t ts;        /**< its RTP timestamp */
	uint16_t duration;  /**< longest duration seen for it */
};

void rfc4733_rx_reset(struct rfc4733_rx *rx);

/**
 * Feed one telephone-event packet: its RTP timestamp and payload.
 * @return the digit of a new key press, or 0 (nothing new, not DTMF, or
 *         a malformed payload).
 */
char rfc4733_rx_packet(struct rfc4733_rx *rx, uint32_t rtp_ts,
		       const uint8_t *payload, size_t n);

/** What to send on one tick. */
struct rfc4733_pkt {
	uint8_t payload[4];
	bool marker;        /**< RTP marker bit: first packet of an event */
	uint32_t ts;        /**< RTP timestamp: the event's start, always */
};

enum {
	RFC4733_END_COPIES = 3,      /**< the end packet is sent this often */
	RFC4733_VOLUME = 10,         /**< reported level: -10 dBm0 */
	RFC4733_MAX_MS = 8000,       /**< longer requests are cut (one segment
				          even at 8 kHz: 64,000 units) */
};

/**
 * Sender.  The caller keeps its RTP timestamp running at the stream's
 * clock; when a digit starts it passes the current timestamp, and every
 * packet of that event carries it.  Durations grow by one tick (20 ms)
 * per packet; the last packet has the end bit and the full duration and
 * is sent RFC4733_END_COPIES times on consecutive ticks.  Audio packets
 * should not be sent while rfc4733_tx_tick() returns true.
 */
struct rfc4733_tx {
	uint32_t clock_hz;  /**< the stream's RTP clock (8000 for most) */
	uint32_t step;      /**< timestamp units per 20 ms tick */
	uint32_t ts;        /**< the event's start timestamp */
	uint32_t total;     /**< its full duration, in timestamp units */
	uint32_t sent;      /**< duration of the last packet */
	uint8_t event;
	uint8_t ends;       /**< end packets sent */
	bool active;
	bool first;         /**< next packet is the first: marker */
};

/** Set up an idle sender for a stream clocked at @p clock_hz (e.g. 8000). */
void rfc4733_tx_init(struct rfc4733_tx *tx, uint32_t clock_hz);

/**
 * Begin sending @p digit for @p duration_ms (at least one tick, at most
 * RFC4733_MAX_MS) with RTP timestamp @p ts.
 * @return 0, EINVAL (not a digit) or EBUSY (an event is still going).
 */
int rfc4733_tx_start(struct rfc4733_tx *tx, char digit, unsigned duration_ms,
		     uint32_t ts);

/** The packet of this tick.  @return false when there is none to send. */
bool rfc4733_tx_tick(struct rfc4733_tx *tx, struct rfc4733_pkt *pkt);

/* ---------------------------------------------------------------- */
/* Digit collector for IVR menus                                     */

enum { DTMF_COLLECT_MAX = 32, DTMF_COLLECT_TERMS = 8 };

struct dtmf_collect_cfg {
	unsigned max_digits;             /**< 1..DTMF_COLLECT_MAX */
	uint32_t first_ms;               /**< wait for the first digit */
	uint32_t inter_ms;               /**< wait between digits */
	char term[DTMF_COLLECT_TERMS];   /**< terminators, e.g. "#"; may be "" */
};

enum dtmf_collect_reason {
	DTMF_COLLECT_RUNNING,   /**< not done yet */
	DTMF_COLLECT_MAXED,     /**< max_digits collected */
	DTMF_COLLECT_TERM,      /**< a terminator was pressed (not kept) */
	DTMF_COLLECT_TIMEOUT,   /**< digits, then inter_ms of nothing */
	DTMF_COLLECT_NOINPUT,   /**< nothing within first_ms */
};

struct dtmf_collect {
	struct dtmf_collect_cfg cfg;
	char digits[DTMF_COLLECT_MAX + 1];   /**< NUL-terminated */
	unsigned n;
	char term;              /**< terminator that ended it, or 0 */
	uint64_t last_ms;       /**< start, then time of the last digit */
	enum dtmf_collect_reason reason;
};

/** Start collecting at @p now_ms.  @return 0 or EINVAL (bad max_digits). */
int dtmf_collect_start(struct dtmf_collect *c,
		       const struct dtmf_collect_cfg *cfg, uint64_t now_ms);

/** A digit arrived at @p now_ms.  Digits after the end are ignored. */
enum dtmf_collect_reason dtmf_collect_digit(struct dtmf_collect *c,
					    char digit, uint64_t now_ms);

/** Check the timers at @p now_ms (call it each tick). */
enum dtmf_collect_reason dtmf_collect_tick(struct dtmf_collect *c,
					   uint64_t now_ms);

/** Name of a reason ("terminator"), for logs and flow variables. */
const char *dtmf_collect_reason_name(enum dtmf_collect_reason r);

#endif
