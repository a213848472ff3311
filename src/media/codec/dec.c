/**
 * @file dec.c  Receiving: jitter buffer, decoders, concealment and
 * resampling to AUDIO_RATE.
 *
 * Packets wait in the jitter buffer (jbuf.c) as received payload; they
 * are decoded only when their turn comes, on the 20 ms tick, into a small
 * queue of 16 kHz samples from which each tick takes one frame.  Packets
 * of 10 to 120 ms therefore all fit the same tick.
 *
 * Each time the queue runs short, one step decides what comes next:
 *
 *   - the next packet is here: decode it (the part of it whose time has
 *     already been concealed is decoded too, to keep the decoder's state,
 *     and thrown away);
 *   - a gap in RTP time without a gap in sequence, or before a marker
 *     (the start of a talk spurt): silence, not counted as a loss;
 *   - a gap in sequence while the delay is under its target: it may be
 *     jitter, so wait, playing concealment without moving the playout
 *     cursor; this is how the delay grows;
 *   - a gap in sequence at or above the target: a loss, concealed (Opus
 *     first tries the in-band FEC of the next packet) and counted;
 *   - nothing buffered: conceal as for a loss, and after JBUF_STOP_US
 *     without any packet the stream has stopped (get() returns false).
 *
 * The delay shrinks, when it is 30 ms over its target, by 10 to 20 ms
 * at most every 200 ms, spliced where the audio repeats itself;
 * after a burst that leaves it over 260 ms the oldest packets are simply
 * skipped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <opus.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
#include <spandsp/plc.h>
#include "media/codec/codec.h"
#include "media/codec/jbuf.h"
#include "media/codec/resample.h"

enum {
	PKT_MAX16 = AUDIO_RATE / 1000 * 120,    /**< longest packet: 120 ms */
	QUEUE_LEN = 2 * AUDIO_FRAME + PKT_MAX16,
	NB_BYTES_MAX = 960,                     /**< G.711/G.722: 120 ms */
	OPUS_BYTES_MAX = 1500,                  /**< an Ethernet MTU */
	OPUS_STEP16 = AUDIO_RATE / 400,         /**< 2.5 ms: Opus's PLC unit */
	SHRINK_OVER_US = 30000,
	SHRINK_TICKS = 10,
	SKIP_OVER_US = JBUF_DELAY_MAX_US + 60000,
	SPLICE = AUDIO_RATE / 200,              /**< 5 ms cross-fade */
};

struct media_dec {
	enum codec_id id;
	struct jbuf jb;
	int16_t queue[QUEUE_LEN];       /**< decoded, waiting to be played */
	unsigned queued;
	struct media_resample up;       /**< G.711 8 kHz -> 16 kHz */
	plc_state_t plc;                /**< G.711 (at 8 kHz) and G.722 */
	g722_decode_state_t *g722;      /**< owned */
	OpusDecoder *opus;              /**< owned */
	bool concealing;                /**< this tick holds concealed audio */
	unsigned since_shrink;          /**< ticks */
	int64_t delay_us;               /**< at the last tick */
	uint64_t frames, concealed;
};

/* RTP clock units <-> samples at AUDIO_RATE */
static int64_t to16(const struct media_dec *d, int64_t units)
{
	return d->id == CODEC_OPUS ? units / 3 : units * 2;
}

static int64_t from16(const struct media_dec *d, int64_t n)
{
	return d->id == CODEC_OPUS ? n * 3 : n / 2;
}

static int64_t queued_us(const struct media_dec *d)
{
	return (int64_t)d->queued * 1000000 / AUDIO_RATE;
}

static void codec_reset(struct media_dec *d)
{
	d->queued = 0;
	media_resample_reset(&d->up);
	plc_init(&d->plc);
	if (d->g722)
		g722_decode_init(d->g722, 64000, 0);
	if (d->opus)
		opus_decoder_ctl(d->opus, OPUS_RESET_STATE);
}

struct media_dec *media_dec_alloc(enum codec_id id, const char *fmtp)
{
	struct media_dec *d;
	size_t bytes = NB_BYTES_MAX;
	int err;

	(void)fmtp;     /* nothing in a sender's fmtp changes decoding */
	if (id <= CODEC_NONE || id > CODEC_OPUS)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->id = id;
	if (id == CODEC_G722) {
		d->g722 = g722_decode_init(NULL, 64000, 0);
		if (!d->g722)
			goto fail;
	}
	if (id == CODEC_OPUS) {
		/* decodes any Opus packet, mono or stereo, narrow- to
		   fullband, straight to 16 kHz mono */
		d->opus = opus_decoder_create(AUDIO_RATE, 1, &err);
		if (!d->opus)
			goto fail;
		bytes = OPUS_BYTES_MAX;
	}
	if (jbuf_init(&d->jb, codec_rtp_clock(id), bytes))
		goto fail;
	codec_reset(d);
	return d;

 fail:
	media_dec_free(d);
	return NULL;
}

void media_dec_free(struct media_dec *d)
{
	if (!d)
		return;
	jbuf_release(&d->jb);
	if (d->g722)
		g722_decode_free(d->g722);
	if (d->opus)
		opus_decoder_destroy(d->opus);
	free(d);
}

void media_dec_put(struct media_dec *d, uint16_t seq, uint32_t ts,
		   uint32_t ssrc, bool marker, const uint8_t *payload,
		   size_t len, uint64_t now_us)
{
	int dur = (int)len;

	if (!d)
		return;
	if (d->id == CODEC_OPUS) {
		dur = len ? opus_packet_get_nb_samples(payload, (opus_int32)len,
						       48000) : 0;
		if (dur > 48 * 120)
			dur = 0;
	}
	if (dur <= 0 || (!payload && len)) {
		d->jb.dropped++;
		return;
	}
	if (jbuf_put(&d->jb, seq, ts, ssrc, marker, payload, len,
		     (uint32_t)dur, now_us) == JBUF_RESYNC)
		codec_reset(d);
}

static void append(struct media_dec *d, const int16_t *s, unsigned n)
{
	memcpy(d->queue + d->queued, s, n * sizeof(*s));
	d->queued += n;
}

/* Decode a packet into out at 16 kHz; returns samples, or -1. */
static int decode(struct media_dec *d, const struct jbuf_pkt *p,
		  int16_t out[PKT_MAX16])
{
	int16_t nb[PKT_MAX16 / 2];

	switch (d->id) {

	case CODEC_PCMU:
	case CODEC_PCMA:
		for (unsigned i = 0; i < p->len; i++)
			nb[i] = d->id == CODEC_PCMU ? ulaw_to_linear(p->data[i])
						    : alaw_to_linear(p->data[i]);
		plc_rx(&d->plc, nb, p->len);
		return (int)media_resample_up(&d->up, out, nb, p->len);

	case CODEC_G722:
		{
			int n = g722_decode(d->g722, out, p->data, p->len);

			plc_rx(&d->plc, out, n);
			return n;
		}

	case CODEC_OPUS:
		return opus_decode(d->opus, p->data, p->len, out, PKT_MAX16, 0);

	default:
		return -1;
	}
}

/* spandsp's plc_fillin() first puts its circular history in order with
   memcpy() between overlapping ranges, which is undefined (and caught by
   the address sanitizer).  Doing the same with memmove() beforehand
   leaves it nothing to do: plc_state_t is public, and a history whose
   write position is 0 is already in order. */
static void plc_order(plc_state_t *s)
{
	int16_t tmp[PLC_HISTORY_LEN];
	size_t head = (size_t)s->buf_ptr;

	if (head == 0 || head >= PLC_HISTORY_LEN)
		return;
	memcpy(tmp, s->history, head * sizeof(tmp[0]));
	memmove(s->history, s->history + head,
		(PLC_HISTORY_LEN - head) * sizeof(tmp[0]));
	memcpy(s->history + PLC_HISTORY_LEN - head, tmp,
	       head * sizeof(tmp[0]));
	s->buf_ptr = 0;
}

/* n samples of concealment (n <= PKT_MAX16; Opus rounds it down to
   2.5 ms), or of silence.  Returns the samples appended. */
static unsigned conceal(struct media_dec *d, unsigned n, bool silence)
{
	int16_t out[PKT_MAX16], nb[PKT_MAX16 / 2];
	int got;

	if (silence) {
		memset(out, 0, n * sizeof(out[0]));
		memset(nb, 0, sizeof(nb));
	}
	switch (d->id) {

	case CODEC_PCMU:
	case CODEC_PCMA:
		n = (n + 1) / 2;
		if (silence) {
			plc_rx(&d->plc, nb, (int)n);
		} else {
			plc_order(&d->plc);
			plc_fillin(&d->plc, nb, (int)n);
		}
		n = (unsigned)media_resample_up(&d->up, out, nb, n);
		break;

	case CODEC_G722:
		if (silence) {
			plc_rx(&d->plc, out, (int)n);
		} else {
			plc_order(&d->plc);
			plc_fillin(&d->plc, out, (int)n);
		}
		break;

	case CODEC_OPUS:
		n -= n % OPUS_STEP16;
		if (!n || silence)
			break;
		got = opus_decode(d->opus, NULL, 0, out, (int)n, 0);
		if (got != (int)n)
			memset(out, 0, n * sizeof(out[0]));
		break;

	default:
		break;
	}
	append(d, out, n);
	if (!silence)
		d->concealing = true;
	return n;
}

/* Opus: recover the one packet lost just before p from the in-band FEC
   that p may carry (without FEC in p, this is Opus's own PLC). */
static bool fec(struct media_dec *d, const struct jbuf_pkt *p, int64_t gap16)
{
	int16_t out[PKT_MAX16];

	if (d->id != CODEC_OPUS || p->seq != d->jb.next_seq + 1 ||
	    gap16 > PKT_MAX16 || gap16 % OPUS_STEP16)
		return false;
	if (opus_decode(d->opus, p->data, p->len, out, (int)gap16, 1) !=
	    (int)gap16)
		return false;
	append(d, out, (unsigned)gap16);
	d->jb.next_ts = p->ts;
	d->jb.next_seq = p->seq;
	d->concealing = true;
	return true;
}

/* The head packet's turn has come: decode it, keep what is not past. */
static void play_packet(struct media_dec *d, struct jbuf_pkt *p)
{
	int16_t out[PKT_MAX16];
	int64_t skip = to16(d, d->jb.next_ts - p->ts);
	int n = decode(d, p, out);

	if (n < 0) {            /* undecodable: as if lost */
		d->jb.dropped++;
		n = (int)conceal(d, (unsigned)(to16(d, p->dur) - skip), false);
		skip = 0;
	} else if (skip < n) {
		append(d, out + skip, (unsigned)(n - skip));
	}
	d->jb.next_ts = p->ts + p->dur;
	jbuf_pop(&d->jb, p);
}

/* Conceal or wait for what is missing before p (NULL: nothing is
   buffered). */
static void gap(struct media_dec *d, unsigned need,
		const struct jbuf_pkt *p, uint64_t now_us)
{
	struct jbuf *jb = &d->jb;
	int64_t gap16 = p ? to16(d, p->ts - jb->next_ts) : -1;
	unsigned n = need > AUDIO_FRAME ? AUDIO_FRAME : need;

	if (d->id == CODEC_OPUS && n < OPUS_STEP16)
		n = OPUS_STEP16;
	if (jbuf_delay_us(jb, now_us, queued_us(d)) < jbuf_target_us(jb)) {
		conceal(d, n, false);   /* wait: the cursor stays */
		return;
	}
	if (gap16 >= 0 && gap16 < n)
		n = (unsigned)gap16;
	n = conceal(d, n, false);
	if (p && (!n || n >= gap16))
		jb->next_ts = p->ts;    /* also when too short to conceal */
	else
		jb->next_ts += from16(d, n);
}

/* Add at least one sample to the queue, or pass one packet.  False when
   the stream has stopped. */
static bool step(struct media_dec *d, unsigned want, uint64_t now_us)
{
	struct jbuf *jb = &d->jb;
	struct jbuf_pkt *p = jbuf_head(jb);
	unsigned need = want - d->queued;
	int64_t gap16;

	if (!p) {
		if (now_us - jb->last_arrival_us > JBUF_STOP_US) {
			jb->state = JBUF_IDLE;
			d->queued = 0;
			return false;
		}
		gap(d, need, NULL, now_us);
		return true;
	}
	if (p->ts + p->dur <= jb->next_ts) {
		jb->late++;             /* its time was concealed already */
		jbuf_pop(jb, p);
		return true;
	}
	if (p->ts <= jb->next_ts) {
		play_packet(d, p);
		return true;
	}
	gap16 = to16(d, p->ts - jb->next_ts);
	if (p->seq == jb->next_seq || p->marker) {
		/* a pause in the sender's audio, not a loss */
		unsigned n = conceal(d, gap16 < need ? (unsigned)gap16 : need,
				     true);

		jb->next_ts = n && n < gap16 ? jb->next_ts + from16(d, n)
					     : p->ts;
		return true;
	}
	if (jbuf_delay_us(jb, now_us, queued_us(d)) >= jbuf_target_us(jb) &&
	    fec(d, p, gap16))
		return true;
	gap(d, need, p, now_us);
	return true;
}

static bool fill(struct media_dec *d, unsigned want, uint64_t now_us)
{
	while (d->queued < want)
		if (!step(d, want, now_us))
			return false;
	return true;
}

/* After a burst the delay may be far over its target: skip the oldest
   packets rather than play them late, down to the target.  If it is
   still far over with nothing left to skip, the baseline itself is wrong
   (one packet stamped far ahead of its time): start it again from here. */
static void skip_ahead(struct media_dec *d, uint64_t now_us)
{
	struct jbuf *jb = &d->jb;
	int64_t target = jbuf_target_us(jb);
	struct jbuf_pkt *p;

	d->queued = 0;
	while ((p = jbuf_head(jb))) {
		int64_t end = jb->next_ts;

		jb->next_ts = p->ts + p->dur;
		if (jbuf_delay_us(jb, now_us, 0) < target) {
			jb->next_ts = end;
			break;
		}
		jb->dropped++;
		jbuf_pop(jb, p);
	}
	if (jbuf_delay_us(jb, now_us, 0) > SKIP_OVER_US)
		jbuf_rebase(jb, now_us, target);
}

static void take(struct media_dec *d, int16_t *out, unsigned n)
{
	memcpy(out, d->queue, n * sizeof(*out));
	d->queued -= n;
	memmove(d->queue, d->queue + n, d->queued * sizeof(*out));
}

/* Shrink the delay by one frame's worth or less: out gets AUDIO_FRAME
   samples made of AUDIO_FRAME + n queued ones.  n (10 to 20 ms) is the
   shift at which the audio best matches itself (a whole number of pitch
   periods in voice), and the splice fades over SPLICE samples, so that
   neither a click nor a cancelling phase is heard. */
static void splice(struct media_dec *d, int16_t *out)
{
	const int16_t *q = d->queue;
	unsigned n, best_n = AUDIO_FRAME;
	double best = -1e300;

	for (n = AUDIO_FRAME / 2; n <= AUDIO_FRAME; n++) {
		double c = 0, e = 1;

		for (unsigned i = 0; i < SPLICE; i++) {
			c += (double)q[i] * q[i + n];
			e += (double)q[i + n] * q[i + n];
		}
		if (c / sqrt(e) > best) {
			best = c / sqrt(e);
			best_n = n;
		}
	}
	n = best_n;
	for (unsigned i = 0; i < SPLICE; i++)
		out[i] = (int16_t)((q[i] * (int32_t)(SPLICE - i) +
				    q[i + n] * (int32_t)i) / SPLICE);
	memcpy(out + SPLICE, q + n + SPLICE,
	       (AUDIO_FRAME - SPLICE) * sizeof(*out));
	d->queued -= AUDIO_FRAME + n;
	memmove(d->queue, d->queue + AUDIO_FRAME + n,
		d->queued * sizeof(*out));
}

bool media_dec_get(struct media_dec *d, int16_t out[AUDIO_FRAME],
		   uint64_t now_us)
{
	struct jbuf *jb;
	int64_t target;
	bool shrink;

	memset(out, 0, AUDIO_FRAME * sizeof(*out));
	if (!d)
		return false;
	jb = &d->jb;
	if (jb->state == JBUF_IDLE)
		return false;
	target = jbuf_target_us(jb);
	d->delay_us = jbuf_delay_us(jb, now_us, queued_us(d));
	if (jb->state == JBUF_FILL) {
		if (d->delay_us < target)
			return false;
		jb->state = JBUF_PLAY;
	}

	if (d->delay_us > SKIP_OVER_US) {
		skip_ahead(d, now_us);
		d->delay_us = jbuf_delay_us(jb, now_us, queued_us(d));
	}
	d->since_shrink++;
	shrink = d->delay_us > target + SHRINK_OVER_US &&
		 d->since_shrink >= SHRINK_TICKS;
	d->concealing = false;
	if (!fill(d, shrink ? 2 * AUDIO_FRAME : AUDIO_FRAME, now_us))
		return false;
	if (shrink) {
		splice(d, out);
		d->since_shrink = 0;
	} else {
		take(d, out, AUDIO_FRAME);
	}
	d->delay_us = jbuf_delay_us(jb, now_us, queued_us(d)) +
		      AUDIO_FRAME_MS * 1000;
	d->frames++;
	if (d->concealing)
		d->concealed++;
	return true;
}

void media_dec_stats(const struct media_dec *d, struct media_dec_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!d)
		return;
	st->frames = d->frames;
	st->concealed = d->concealed;
	st->late = d->jb.late;
	st->dropped = d->jb.dropped;
	st->resyncs = d->jb.resyncs;
	st->target_ms = (unsigned)(jbuf_target_us(&d->jb) / 1000);
	st->jitter_ms = (unsigned)(jbuf_jitter_us(&d->jb) / 1000);
	st->delay_ms = d->jb.state == JBUF_PLAY && d->delay_us > 0 ?
		       (unsigned)(d->delay_us / 1000) : st->target_ms;
}
