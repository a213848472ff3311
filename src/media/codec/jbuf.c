/**
 * @file jbuf.c  Jitter buffer: storing packets, measuring jitter, and
 * deciding when a stream starts again (see jbuf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "media/codec/jbuf.h"

enum {
	WINDOW_US = 4000000,         /**< jitter memory: 4 to 8 s */
	SPREAD_CAP_US = 1000000,
	MAX_MISORDER = 100,          /**< packets back: late, not a restart */
	MAX_DROPOUT = 3000,          /**< packets ahead: a long loss, not a restart */
	JUMP_US = 1000000,           /**< a timestamp this far off restarts */
};

static int64_t ts_us(const struct jbuf *jb, int64_t ts)
{
	return ts * 1000000 / (int64_t)jb->clock;
}

static struct jbuf_pkt *slot_of(struct jbuf *jb, int64_t seq)
{
	return &jb->slot[(uint64_t)seq & (JBUF_SLOTS - 1)];
}

int jbuf_init(struct jbuf *jb, uint32_t clock, size_t slot_bytes)
{
	memset(jb, 0, sizeof(*jb));
	jb->arena = calloc(JBUF_SLOTS, slot_bytes);
	if (!jb->arena)
		return ENOMEM;
	for (unsigned i = 0; i < JBUF_SLOTS; i++)
		jb->slot[i].data = jb->arena + i * slot_bytes;
	jb->slot_bytes = slot_bytes;
	jb->clock = clock;
	return 0;
}

void jbuf_release(struct jbuf *jb)
{
	free(jb->arena);
	jb->arena = NULL;
}

void jbuf_flush(struct jbuf *jb)
{
	for (unsigned i = 0; i < JBUF_SLOTS; i++)
		jb->slot[i].used = false;
}

/* Account the arrival of a packet of RTP time ts (see jbuf.h). */
static void timing(struct jbuf *jb, int64_t ts, uint64_t now_us)
{
	int64_t rel = (int64_t)now_us - ts_us(jb, ts);
	int64_t spread;

	if (now_us - jb->win_start_us >= WINDOW_US) {
		jb->min_prev = jb->min_cur;
		jb->peak_prev = jb->peak_cur;
		jb->min_cur = rel;
		jb->peak_cur = 0;
		jb->win_start_us = now_us;
	}
	if (rel < jb->min_cur)
		jb->min_cur = rel;
	spread = rel - (jb->min_cur < jb->min_prev ? jb->min_cur : jb->min_prev);
	if (spread > SPREAD_CAP_US)
		spread = SPREAD_CAP_US;
	if (spread > jb->peak_cur)
		jb->peak_cur = spread;
}

/* A new stream begins with this packet: what was buffered is dropped,
   the delay baseline starts again, the jitter peaks are kept (the path
   is most likely the same). */
static void restart(struct jbuf *jb, uint16_t seq, uint32_t ts,
		    uint32_t ssrc, uint64_t now_us)
{
	if (jb->started)
		jb->resyncs++;
	jb->started = true;
	jbuf_flush(jb);
	jb->state = JBUF_FILL;
	jb->ssrc = ssrc;
	jb->next_seq = seq;
	jb->next_ts = ts;
	jb->bad_pending = false;
	jb->min_cur = jb->min_prev = (int64_t)now_us - ts_us(jb, ts);
	jb->peak_prev = jb->peak_cur > jb->peak_prev ? jb->peak_cur : jb->peak_prev;
	jb->peak_cur = 0;
	jb->win_start_us = now_us;
}

/* The sender restarted its sequence or its clock? */
static bool is_jump(struct jbuf *jb, uint16_t seq, int64_t dseq, int64_t dts_us)
{
	if (dts_us > JUMP_US || dts_us < -JUMP_US)
		return true;
	if (dseq >= -MAX_MISORDER && dseq <= MAX_DROPOUT) {
		jb->bad_pending = false;
		return false;
	}
	/* two packets in sequence out there confirm it (RFC 3550 A.1):
	   a lone stray packet does not throw the stream away */
	if (jb->bad_pending && seq == jb->bad_seq)
		return true;
	jb->bad_pending = true;
	jb->bad_seq = (uint16_t)(seq + 1);
	return false;
}

/* Make room for seq: drop the oldest packets so that the slots cover
   seq.  The playout jumps to the oldest packet left. */
static void overflow(struct jbuf *jb, int64_t seq, int64_t ts)
{
	int64_t first = seq - JBUF_SLOTS + 1;
	struct jbuf_pkt *p;

	for (int64_t s = jb->next_seq; s < first; s++) {
		p = slot_of(jb, s);
		if (p->used && p->seq == s) {
			p->used = false;
			jb->dropped++;
		}
	}
	jb->next_seq = first;
	p = jbuf_head(jb);
	jb->next_ts = p ? p->ts : ts;
}

enum jbuf_put jbuf_put(struct jbuf *jb, uint16_t seq, uint32_t ts,
		       uint32_t ssrc, bool marker, const uint8_t *payload,
		       size_t len, uint32_t dur, uint64_t now_us)
{
	enum jbuf_put ret = JBUF_STORED;
	int64_t xseq, xts, dseq;
	struct jbuf_pkt *p;

	if (len > jb->slot_bytes || !dur) {
		jb->dropped++;
		return JBUF_REFUSED;
	}
	jb->last_arrival_us = now_us;
	if (jb->state == JBUF_IDLE || ssrc != jb->ssrc) {
		restart(jb, seq, ts, ssrc, now_us);
		ret = JBUF_RESYNC;
	}

	dseq = (int16_t)(seq - (uint16_t)jb->next_seq);
	xseq = jb->next_seq + dseq;
	xts = jb->next_ts + (int32_t)(ts - (uint32_t)jb->next_ts);
	if (ret != JBUF_RESYNC &&
	    is_jump(jb, seq, dseq, ts_us(jb, xts - jb->next_ts))) {
		restart(jb, seq, ts, ssrc, now_us);
		ret = JBUF_RESYNC;
		xseq = seq;
		xts = ts;
		dseq = 0;
	} else if (jb->bad_pending) {
		jb->dropped++;
		return JBUF_REFUSED;
	}
	timing(jb, xts, now_us);

	if (jb->state == JBUF_FILL && dseq < 0) {
		/* an earlier packet while filling: start from it, if the
		   slots can still hold everything after it */
		for (int64_t s = xseq + JBUF_SLOTS; s < jb->next_seq + JBUF_SLOTS; s++)
			if (slot_of(jb, s)->used && slot_of(jb, s)->seq == s)
				goto late;
		jb->next_seq = xseq;
		jb->next_ts = xts;
	} else if (dseq < 0 || xts + dur <= jb->next_ts) {
		goto late;
	} else if (dseq >= JBUF_SLOTS) {
		overflow(jb, xseq, xts);
	}

	p = slot_of(jb, xseq);
	if (p->used && p->seq == xseq) {
		jb->dropped++;          /* a duplicate */
		return JBUF_REFUSED;
	}
	p->used = true;
	p->seq = xseq;
	p->ts = xts;
	p->dur = dur;
	p->len = (uint16_t)len;
	p->marker = marker;
	if (len)
		memcpy(p->data, payload, len);
	return ret;

 late:
	jb->late++;
	return JBUF_REFUSED;
}

struct jbuf_pkt *jbuf_head(struct jbuf *jb)
{
	for (int64_t s = jb->next_seq; s < jb->next_seq + JBUF_SLOTS; s++) {
		struct jbuf_pkt *p = slot_of(jb, s);

		if (p->used && p->seq == s)
			return p;
	}
	return NULL;
}

void jbuf_pop(struct jbuf *jb, struct jbuf_pkt *p)
{
	p->used = false;
	jb->next_seq = p->seq + 1;
}

int64_t jbuf_jitter_us(const struct jbuf *jb)
{
	return jb->peak_cur > jb->peak_prev ? jb->peak_cur : jb->peak_prev;
}

int64_t jbuf_target_us(const struct jbuf *jb)
{
	int64_t t = jbuf_jitter_us(jb) + JBUF_DELAY_MIN_US;

	return t > JBUF_DELAY_MAX_US ? JBUF_DELAY_MAX_US : t;
}

int64_t jbuf_delay_us(const struct jbuf *jb, uint64_t now_us,
		      int64_t queued_us)
{
	int64_t min = jb->min_cur < jb->min_prev ? jb->min_cur : jb->min_prev;

	return (int64_t)now_us + queued_us - ts_us(jb, jb->next_ts) - min;
}

void jbuf_rebase(struct jbuf *jb, uint64_t now_us, int64_t delay_us)
{
	jb->min_cur = (int64_t)now_us - ts_us(jb, jb->next_ts) - delay_us;
	jb->min_prev = jb->min_cur;
}
