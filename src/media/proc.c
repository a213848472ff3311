/** @file proc.c  Audio work on a relay: transcoding, playing, tones, echo,
 * DTMF, on the media thread's 20 ms frame clock.
 *
 * A relay gets a proc when the signalling thread first asks for audio
 * work.  From then on every side has an agreed codec and a "hears": what
 * its peer is sent.  Packets still pass untouched between the sides while
 * both hear each other in the same codec; decoding happens only for a
 * side whose audio someone needs (the other side in another codec, an
 * echo, a DTMF detector), and encoding only for a side that hears
 * something we make.  A relay is on the thread's active list, walked by
 * the frame clock, only while there is such work, so plain calls cost
 * nothing per frame.
 *
 * Each phone sees one stream from us, whatever it hears.  RFC 3550 would
 * let a prompt be a new source, but phones' jitter buffers keep the last
 * sequence number across a change of SSRC (baresip 1.0 does) and drop a
 * new source whose numbers happen to be behind as "too late": half the
 * time a prompt played in a call would be lost whole.  So the frames we
 * make continue the SSRC, sequence and timestamps of what the phone was
 * relayed before, and once we have made any, the packets relayed to it
 * afterwards are renumbered to continue ours (restamp).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "media/codec/codec.h"
#include "media/dsp/dtmf.h"
#include "media/dsp/tone.h"
#include "media/relay.h"
#include "record/record.h"

enum { RTP_HDR = 12, OUT_MAX = 1500 };

struct pside {
	struct media_codec codec;       /**< agreed; id NONE = not set */
	struct media_dec *dec;          /**< owned, made on first need */
	struct media_enc *enc;
	enum media_hear hear;

	struct media_clip *clips;       /**< owned array, MEDIA_HEAR_CLIPS */
	size_t nclips, ci, pos;
	uint32_t play_id;
	bool loop;

	struct tone_gen tone;
	struct media_rconf *conf;       /**< MEDIA_HEAR_CONF: whose member */

	/* the stream we send to this side's peer: next seq and ts; started
	   once we have made a frame for it */
	uint32_t ssrc, ts;
	uint16_t seq;
	bool started;
	bool resync;                    /**< the next relayed packet re-bases */
	bool resync_ours;               /**< our next frame follows relayed */
	uint16_t seq_off;               /**< relayed packets: added to seq */
	uint32_t ts_off;                /**< ... and to the timestamp */
	uint32_t relayed_ssrc;          /**< the source those offsets are for */
	uint64_t last_us;               /**< when we last sent it a packet */

	/* this side's audio in the current frame */
	int16_t in[AUDIO_FRAME];
	bool have_in;
	bool inband;

	/* silence detection on this side's audio (0: off) */
	unsigned sil_ms, sil_run_ms;
	uint64_t sil_level;             /**< sum of squares of a quiet frame */
	bool sil_told;

	/* DTMF from this side's peer, and to it */
	struct rfc4733_rx ev_rx;
	struct dtmf_det *det;           /**< owned, while inband */
	struct rfc4733_tx ev_tx;
	struct dtmf_gen *gen;           /**< owned, in-band sending */
	char digits[32];                /**< waiting to be sent */
	unsigned ndigits;
	unsigned gap;                   /**< frames of pause between digits */
};

/* A recording of the relay: what the two peers send. */
struct prec {
	struct rec_file *f;             /**< owned; NULL: none */
	enum media_rec_mode mode;
	rec_done_h *done;
	void *arg;
	bool paused;
};

struct media_proc {
	struct pside s[2];
	struct prec rec;
	bool active;                    /**< on the thread's active list */
};

static bool recorded(const struct media_proc *pr, unsigned si)
{
	if (!pr->rec.f)
		return false;
	switch (pr->rec.mode) {
	case MEDIA_REC_A:
		return si == MEDIA_A;
	case MEDIA_REC_B:
		return si == MEDIA_B;
	default:
		return true;
	}
}

static bool transcoding(const struct media_proc *pr)
{
	const struct media_codec *a = &pr->s[0].codec, *b = &pr->s[1].codec;

	if (a->id == MEDIA_CODEC_NONE || b->id == MEDIA_CODEC_NONE)
		return false;   /* unknown on one side: pass what comes */
	return a->id != b->id || a->pt != b->pt;
}

/* in-band digits queued or sounding ("busy" alone is false until the
   first frame of the first digit) */
static bool gen_pending(const struct pside *s)
{
	return s->gen && (s->gen->busy || s->gen->len);
}

/* Digits going in band to a peer that did not agree telephone-event:
   while they last, the peer hears the other side decoded with the tones
   added, not the other side's packets as they are. */
static bool inband_pending(const struct pside *s)
{
	return s->codec.dtmf_pt < 0 && gen_pending(s);
}

/* Does anybody need side si's audio decoded? */
static bool needs_audio(const struct media_proc *pr, unsigned si)
{
	const struct pside *s = &pr->s[si], *o = &pr->s[si ^ 1];

	if (s->codec.id == MEDIA_CODEC_NONE)
		return false;
	return s->hear == MEDIA_HEAR_ECHO || s->inband || s->conf || s->sil_ms ||
	       recorded(pr, si) ||
	       (o->hear == MEDIA_HEAR_PEER &&
		(transcoding(pr) || inband_pending(o)));
}

static bool dtmf_sending(const struct pside *s)
{
	return s->ndigits || s->ev_tx.active || s->gap ||
	       gen_pending(s);
}

/* Do we make what side si's peer hears? */
static bool makes_audio(const struct media_proc *pr, unsigned si)
{
	const struct pside *s = &pr->s[si];

	if (s->codec.id == MEDIA_CODEC_NONE)
		return false;
	return s->hear != MEDIA_HEAR_PEER || transcoding(pr) ||
	       dtmf_sending(s);
}

static void active_unlink(struct media_thread *mt, struct media_rrelay *rr)
{
	if (rr->act_prev)
		rr->act_prev->act_next = rr->act_next;
	else
		mt->active = rr->act_next;
	if (rr->act_next)
		rr->act_next->act_prev = rr->act_prev;
	rr->act_prev = rr->act_next = NULL;
	rr->proc->active = false;
}

static void update_active(struct media_thread *mt, struct media_rrelay *rr)
{
	struct media_proc *pr = rr->proc;
	bool want = needs_audio(pr, 0) || needs_audio(pr, 1) ||
		    makes_audio(pr, 0) || makes_audio(pr, 1);

	if (want == pr->active)
		return;
	pr->active = want;
	if (want) {
		rr->act_prev = NULL;
		rr->act_next = mt->active;
		if (rr->act_next)
			rr->act_next->act_prev = rr;
		mt->active = rr;
		return;
	}
	active_unlink(mt, rr);
}

bool proc_pass(const struct media_rrelay *rr, unsigned si)
{
	const struct media_proc *pr = rr->proc;

	return pr->s[si ^ 1].hear == MEDIA_HEAR_PEER && !transcoding(pr) &&
	       !inband_pending(&pr->s[si ^ 1]);
}

uint32_t proc_sent_ssrc(const struct media_rrelay *rr, unsigned si,
			uint32_t relayed)
{
	const struct pside *s = &rr->proc->s[si];

	return s->started ? s->ssrc : relayed;
}

static void digit_event(struct media_thread *mt, struct media_rrelay *rr,
			unsigned si, char d, enum media_dtmf_via via)
{
	struct media_event ev = {
		.type = MEDIA_EV_DTMF,
		.side = (enum media_side)si,
		.digit = d,
		.via = via,
	};
	thread_event(mt, rr, &ev);
}

struct det_ctx {
	struct media_thread *mt;
	struct media_rrelay *rr;
	unsigned si;
};

static void inband_digit(char d, void *arg)
{
	struct det_ctx *x = arg;

	digit_event(x->mt, x->rr, x->si, d, MEDIA_DTMF_INBAND);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* A packet relayed to the phone of side oi after we made frames for it:
   it continues our stream (see the top of the file).  The offsets are
   set on the first packet after our frames, or when the relayed source
   changes; a pause since our last packet shows as a timestamp gap. */
static void restamp(struct media_thread *mt, struct pside *o,
		    const struct media_rtp *h, uint8_t *p)
{
	uint32_t clock = codec_rtp_clock((enum codec_id)o->codec.id);
	uint16_t seq;
	uint32_t ts;
	bool audio = h->pt == o->codec.pt;

	if (o->resync || h->ssrc != o->relayed_ssrc) {
		uint64_t gap_us = mt->now_us - o->last_us;
		uint32_t ts_next = o->ts;

		if (o->last_us && gap_us > 20000 && gap_us < 60000000u)
			ts_next += (uint32_t)((gap_us - 20000) * clock /
					      1000000u);
		o->seq_off = (uint16_t)(o->seq - h->seq);
		o->ts_off = ts_next - h->ts;
		o->relayed_ssrc = h->ssrc;
		o->resync = false;
		p[1] |= 0x80;           /* a new talkspurt for its buffer */
	}
	o->resync_ours = true;
	seq = (uint16_t)(h->seq + o->seq_off);
	ts = h->ts + o->ts_off;
	put_be16(p + 2, seq);
	put_be32(p + 4, ts);
	put_be32(p + 8, o->ssrc);
	if ((int16_t)(uint16_t)(seq + 1 - o->seq) > 0)
		o->seq = (uint16_t)(seq + 1);
	if (audio && (int32_t)(ts + codec_frame_ts((enum codec_id)o->codec.id) -
			       o->ts) > 0)
		o->ts = ts + codec_frame_ts((enum codec_id)o->codec.id);
	o->last_us = mt->now_us;
}

static bool rx_event(struct media_thread *mt, struct media_rrelay *rr,
		     unsigned si, const struct media_rtp *h, const uint8_t *p,
		     size_t len)
{
	struct media_proc *pr = rr->proc;
	struct pside *s = &pr->s[si], *o = &pr->s[si ^ 1];
	char d = rfc4733_rx_packet(&s->ev_rx, h->ts, p + h->hdr_len,
				   len - h->hdr_len);

	if (d)
		digit_event(mt, rr, si, d, MEDIA_DTMF_RFC4733);
	return o->codec.id != MEDIA_CODEC_NONE && o->codec.dtmf_pt < 0;
}

bool proc_rx(struct media_thread *mt, struct media_rrelay *rr, unsigned si,
	     const struct media_rtp *h, const uint8_t *p, size_t len)
{
	struct media_proc *pr = rr->proc;
	struct pside *s = &pr->s[si], *o = &pr->s[si ^ 1];
	bool event, held = false;

	if (len <= h->hdr_len)
		return false;
	event = s->codec.dtmf_pt >= 0 && h->pt == s->codec.dtmf_pt;
	if (event)
		held = rx_event(mt, rr, si, h, p, len);
	/* a packet that will pass, to a phone we have made frames for: the
	   datagram is in the thread's own receive buffer, ours to rewrite */
	if (!held && o->started && proc_pass(rr, si))
		restamp(mt, o, h, (uint8_t *)(uintptr_t)p);
	if (event || h->pt != s->codec.pt || !needs_audio(pr, si))
		return held;
	if (!s->dec) {
		s->dec = media_dec_alloc((enum codec_id)s->codec.id,
					 s->codec.fmtp);
		if (!s->dec)
			return false;
	}
	media_dec_put(s->dec, h->seq, h->ts, h->ssrc, h->marker,
		      p + h->hdr_len, len - h->hdr_len, mt->now_us);
	return false;
}

/* Ends a running play; the player's clips go back to their owner. */
static void play_end(struct media_thread *mt, struct media_rrelay *rr,
		     unsigned si, bool interrupted)
{
	struct pside *s = &rr->proc->s[si];

	if (!s->clips)
		return;
	for (size_t i = 0; i < s->nclips; i++)
		if (s->clips[i].release)
			s->clips[i].release(s->clips[i].arg);
	free(s->clips);
	s->clips = NULL;
	s->nclips = 0;
	if (mt) {
		struct media_event ev = {
			.type = MEDIA_EV_PLAY_DONE,
			.side = (enum media_side)si,
			.play_id = s->play_id,
			.interrupted = interrupted,
		};
		thread_event(mt, rr, &ev);
	}
}

/* The next frame of the clips; at the end, silence and PLAY_DONE. */
static void play_frame(struct media_thread *mt, struct media_rrelay *rr,
		       unsigned si, int16_t *out)
{
	struct pside *s = &rr->proc->s[si];
	size_t have = 0;

	while (have < AUDIO_FRAME && s->clips) {
		const struct media_clip *c = &s->clips[s->ci];
		size_t take = c->n - s->pos;

		if (take > AUDIO_FRAME - have)
			take = AUDIO_FRAME - have;
		memcpy(out + have, c->pcm + s->pos, take * sizeof(*out));
		have += take;
		s->pos += take;
		if (s->pos < c->n)
			continue;
		s->pos = 0;
		if (++s->ci < s->nclips)
			continue;
		s->ci = 0;
		if (!s->loop) {
			play_end(mt, rr, si, false);
			s->hear = MEDIA_HEAR_SILENCE;
		}
		else if (!have && !take) {
			break;   /* clips of no samples at all: no spin */
		}
	}
	memset(out + have, 0, (AUDIO_FRAME - have) * sizeof(*out));
}

/*
 * Digits to a peer that agreed telephone-event go as RFC 4733 events in
 * place of audio packets: one digit at a time, 100 ms each with 60 ms of
 * audio between them.  True when pkt got an event (header included).
 */
static bool dtmf_event_frame(struct pside *s, uint8_t *pkt)
{
	struct rfc4733_pkt ev;

	if (s->codec.dtmf_pt < 0)
		return false;
	if (!s->ev_tx.active && s->gap) {
		s->gap--;
		return false;
	}
	if (!s->ev_tx.active && s->ndigits) {
		rfc4733_tx_init(&s->ev_tx, codec_rtp_clock(
					(enum codec_id)s->codec.id));
		(void)rfc4733_tx_start(&s->ev_tx, s->digits[0], 100, s->ts);
		memmove(s->digits, s->digits + 1, s->ndigits);
		s->ndigits--;
	}
	if (!rfc4733_tx_tick(&s->ev_tx, &ev))
		return false;
	if (!s->ev_tx.active)
		s->gap = 3;
	pkt[0] = 0x80;
	pkt[1] = (uint8_t)((uint8_t)s->codec.dtmf_pt | (ev.marker ? 0x80 : 0));
	put_be32(pkt + 4, ev.ts);
	memcpy(pkt + RTP_HDR, ev.payload, 4);
	return true;
}

/* Our first frame for side si's phone: it continues what the phone was
   relayed from the other side, if anything, else a stream of its own. */
static void continue_relayed(const struct media_rrelay *rr, unsigned si)
{
	struct pside *s = &rr->proc->s[si];
	const struct media_rx *rx = &rr->side[si ^ 1].rx;

	if (rx->started) {
		s->ssrc = rx->ssrc;
		s->seq = (uint16_t)(rx->max_seq + 1);
		s->ts = rx->ts + codec_frame_ts((enum codec_id)s->codec.id);
	}
	else {
		s->ssrc = arc4random();
		s->seq = (uint16_t)arc4random();
		s->ts = arc4random();
	}
}

/* Encodes one frame for side si's peer and sends it. */
static void send_frame(struct media_thread *mt, struct media_rrelay *rr,
		       unsigned si, const int16_t *frame)
{
	struct pside *s = &rr->proc->s[si];
	uint8_t pkt[OUT_MAX];
	int n;

	if (!s->enc) {
		s->enc = media_enc_alloc((enum codec_id)s->codec.id,
					 s->codec.fmtp);
		if (!s->enc)
			return;
	}
	if (!s->started)
		continue_relayed(rr, si);
	if (dtmf_event_frame(s, pkt)) {
		n = 4;
	}
	else {
		n = media_enc_frame(s->enc, frame, pkt + RTP_HDR,
				    sizeof(pkt) - RTP_HDR);
		if (n <= 0)
			return;
		pkt[0] = 0x80;
		pkt[1] = (uint8_t)(s->codec.pt |
				   (s->started && !s->resync_ours ? 0 : 0x80));
		put_be32(pkt + 4, s->ts);
	}
	put_be16(pkt + 2, s->seq++);
	put_be32(pkt + 8, s->ssrc);
	s->ts += codec_frame_ts((enum codec_id)s->codec.id);
	s->started = true;
	s->resync = true;
	s->resync_ours = false;
	s->last_us = mt->now_us;
	thread_send(mt, rr, si, 0, pkt, RTP_HDR + (size_t)n);
}

static int16_t sat16(int32_t v)
{
	return (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN
							       : v);
}

/* One frame into the recording: silence for a side that sent nothing,
   so that both parties stay in step with the call's time. */
static void rec_frame(struct media_proc *pr)
{
	static const int16_t zero[AUDIO_FRAME];
	const int16_t *a = pr->s[0].have_in ? pr->s[0].in : zero;
	const int16_t *b = pr->s[1].have_in ? pr->s[1].in : zero;
	int16_t buf[2 * AUDIO_FRAME];

	switch (pr->rec.mode) {
	case MEDIA_REC_MIXED:
		for (unsigned i = 0; i < AUDIO_FRAME; i++)
			buf[i] = sat16((int32_t)a[i] + b[i]);
		(void)rec_write(pr->rec.f, buf, AUDIO_FRAME);
		break;
	case MEDIA_REC_SPLIT:
		for (unsigned i = 0; i < AUDIO_FRAME; i++) {
			buf[2 * i] = a[i];
			buf[2 * i + 1] = b[i];
		}
		(void)rec_write(pr->rec.f, buf, AUDIO_FRAME);
		break;
	case MEDIA_REC_A:
		(void)rec_write(pr->rec.f, a, AUDIO_FRAME);
		break;
	case MEDIA_REC_B:
		(void)rec_write(pr->rec.f, b, AUDIO_FRAME);
		break;
	}
}

static void rec_end(struct media_proc *pr)
{
	if (!pr->rec.f)
		return;
	rec_close(pr->rec.f, pr->rec.done, pr->rec.arg);
	memset(&pr->rec, 0, sizeof(pr->rec));
}

/* Counts quiet frames of side si; tells once per quiet stretch. */
static void silence_frame(struct media_thread *mt, struct media_rrelay *rr,
			  unsigned si)
{
	struct pside *s = &rr->proc->s[si];
	uint64_t e = 0;

	if (s->have_in)
		for (unsigned i = 0; i < AUDIO_FRAME; i++)
			e += (uint64_t)((int32_t)s->in[i] * s->in[i]);
	if (e > s->sil_level) {
		s->sil_run_ms = 0;
		s->sil_told = false;
		return;
	}
	s->sil_run_ms += AUDIO_FRAME_MS;
	if (s->sil_run_ms >= s->sil_ms && !s->sil_told) {
		struct media_event ev = {
			.type = MEDIA_EV_SILENCE,
			.side = (enum media_side)si,
		};
		s->sil_told = true;
		thread_event(mt, rr, &ev);
	}
}

void proc_tick(struct media_thread *mt, struct media_rrelay *rr)
{
	struct media_proc *pr = rr->proc;
	int16_t out[AUDIO_FRAME];
	bool tc = transcoding(pr);

	for (unsigned si = 0; si < 2; si++) {
		struct pside *s = &pr->s[si];

		s->have_in = false;
		if (needs_audio(pr, si) && s->dec)
			s->have_in = media_dec_get(s->dec, s->in, mt->now_us);
		if (s->have_in && s->det) {
			struct det_ctx x = {mt, rr, si};

			s->det->arg = &x;
			dtmf_det_frame(s->det, s->in);
			s->det->arg = NULL;
		}
		if (s->sil_ms)
			silence_frame(mt, rr, si);
	}

	for (unsigned si = 0; si < 2; si++) {
		struct pside *s = &pr->s[si], *o = &pr->s[si ^ 1];
		const int16_t *frame = out;

		if (!makes_audio(pr, si))
			continue;
		switch (s->hear) {
		case MEDIA_HEAR_PEER:
			if ((tc || inband_pending(s)) && o->have_in) {
				frame = o->in;
				break;
			}
			/* digits still go to a relayed peer */
			if (!dtmf_sending(s))
				continue;
			memset(out, 0, sizeof(out));
			break;
		case MEDIA_HEAR_SILENCE:
			memset(out, 0, sizeof(out));
			break;
		case MEDIA_HEAR_CLIPS:
			play_frame(mt, rr, si, out);
			break;
		case MEDIA_HEAR_TONE:
			tone_gen_frame(&s->tone, out);
			break;
		case MEDIA_HEAR_ECHO:
			if (!s->have_in)
				continue;
			frame = s->in;
			break;
		case MEDIA_HEAR_CONF:
			continue;   /* the mixer sends, after every relay */
		}
		proc_output(mt, rr, si, frame);
	}
	if (pr->rec.f && !pr->rec.paused)
		rec_frame(pr);
	/* a play that ended may have left nothing to do */
	update_active(mt, rr);
}

void proc_output(struct media_thread *mt, struct media_rrelay *rr,
		 unsigned si, const int16_t *frame)
{
	struct pside *s = &rr->proc->s[si];
	int16_t out[AUDIO_FRAME];

	if (s->codec.dtmf_pt < 0 && gen_pending(s)) {
		/* no telephone-event agreed: the digits in band */
		memcpy(out, frame, sizeof(out));
		(void)dtmf_gen_frame(s->gen, out);
		frame = out;
	}
	send_frame(mt, rr, si, frame);
}

const int16_t *proc_input(const struct media_rrelay *rr, unsigned si)
{
	const struct pside *s = &rr->proc->s[si];

	return s->have_in ? s->in : NULL;
}

static struct media_proc *proc_get(struct media_rrelay *rr)
{
	if (!rr->proc)
		rr->proc = calloc(1, sizeof(*rr->proc));
	return rr->proc;
}

static void set_codec(struct pside *s, const struct media_codec *c)
{
	if (c->id != s->codec.id || strcmp(c->fmtp, s->codec.fmtp)) {
		media_dec_free(s->dec);
		media_enc_free(s->enc);
		s->dec = NULL;
		s->enc = NULL;
	}
	if (c->pt != s->codec.pt)
		s->started = false;   /* a new stream for a new format */
	s->codec = *c;
}

bool proc_order(struct media_thread *mt, struct media_msg *m)
{
	struct media_rrelay *rr = m->rr;
	unsigned si = m->side;
	struct media_proc *pr;
	struct pside *s;

	switch (m->type) {
	case MEDIA_MSG_CODEC:
	case MEDIA_MSG_HEAR:
	case MEDIA_MSG_PLAY:
	case MEDIA_MSG_TONE:
	case MEDIA_MSG_INBAND:
	case MEDIA_MSG_DTMF:
	case MEDIA_MSG_REC_START:
	case MEDIA_MSG_REC_PAUSE:
	case MEDIA_MSG_REC_STOP:
	case MEDIA_MSG_SILENCE:
		break;
	default:
		return false;
	}

	pr = proc_get(rr);
	if (!pr) {
		log_warn("media", "no memory for audio work on a relay");
		media_msg_discard(m);
		return true;
	}
	s = &pr->s[si];
	/* anything else to hear takes the side out of its conference */
	if (s->conf && (m->type == MEDIA_MSG_HEAR || m->type == MEDIA_MSG_PLAY ||
			m->type == MEDIA_MSG_TONE)) {
		mixing_gone(mt, s->conf, rr, si);
		s->conf = NULL;
	}

	switch (m->type) {
	case MEDIA_MSG_CODEC:
		set_codec(s, &m->u.codec);
		break;
	case MEDIA_MSG_HEAR:
		play_end(mt, rr, si, true);
		s->hear = m->u.hear;
		break;
	case MEDIA_MSG_PLAY:
		play_end(mt, rr, si, true);
		s->clips = m->u.play.clips;
		s->nclips = m->u.play.n;
		s->ci = s->pos = 0;
		s->loop = m->u.play.loop;
		s->play_id = m->u.play.id;
		s->hear = MEDIA_HEAR_CLIPS;
		break;
	case MEDIA_MSG_TONE:
		play_end(mt, rr, si, true);
		tone_gen_start(&s->tone, tone_plan(m->u.tone.country,
					(enum tone_kind)m->u.tone.kind));
		s->hear = MEDIA_HEAR_TONE;
		break;
	case MEDIA_MSG_INBAND:
		s->inband = m->u.on;
		if (m->u.on && !s->det) {
			s->det = calloc(1, sizeof(*s->det));
			if (s->det &&
			    dtmf_det_start(s->det, inband_digit, NULL)) {
				free(s->det);
				s->det = NULL;
			}
		}
		else if (!m->u.on && s->det) {
			dtmf_det_stop(s->det);
			free(s->det);
			s->det = NULL;
		}
		break;
	case MEDIA_MSG_REC_START:
		rec_end(pr);
		pr->rec.f = m->u.rec.f;
		pr->rec.mode = m->u.rec.mode;
		pr->rec.done = m->u.rec.done;
		pr->rec.arg = m->u.rec.arg;
		break;
	case MEDIA_MSG_REC_PAUSE:
		pr->rec.paused = m->u.on;
		break;
	case MEDIA_MSG_SILENCE: {
		/* the energy of a full-scale sine frame is N * 32767^2 / 2;
		   level_dbov is relative to that */
		double full = (double)AUDIO_FRAME * 32767.0 * 32767.0 / 2.0;

		s->sil_ms = m->u.silence.ms;
		s->sil_level = (uint64_t)(full * pow(10.0,
					m->u.silence.level_dbov / 10.0));
		s->sil_run_ms = 0;
		s->sil_told = false;
		break;
	}
	case MEDIA_MSG_REC_STOP:
		rec_end(pr);
		break;
	case MEDIA_MSG_DTMF:
		if (s->codec.dtmf_pt >= 0) {
			size_t n = strlen(m->u.digits);

			if (n > sizeof(s->digits) - s->ndigits)
				n = sizeof(s->digits) - s->ndigits;
			memcpy(s->digits + s->ndigits, m->u.digits, n);
			s->ndigits += (unsigned)n;
			break;
		}
		if (!s->gen) {
			s->gen = calloc(1, sizeof(*s->gen));
			if (s->gen)
				dtmf_gen_start(s->gen, DTMF_GEN_ON_MS,
					       DTMF_GEN_OFF_MS);
		}
		if (s->gen)
			(void)dtmf_gen_put(s->gen, m->u.digits);
		break;
	default:
		break;
	}
	update_active(mt, rr);
	free(m);
	return true;
}

void proc_free(struct media_thread *mt, struct media_rrelay *rr)
{
	struct media_proc *pr = rr->proc;

	for (unsigned si = 0; si < 2; si++) {
		if (pr->s[si].conf && mt)
			mixing_gone(mt, pr->s[si].conf, rr, si);
		pr->s[si].conf = NULL;
	}
	rec_end(pr);
	if (pr->active) {
		pr->s[0].hear = pr->s[1].hear = MEDIA_HEAR_PEER;
		pr->s[0].inband = pr->s[1].inband = false;
		pr->s[0].codec.id = pr->s[1].codec.id = MEDIA_CODEC_NONE;
		update_active(mt, rr);
	}
	for (unsigned si = 0; si < 2; si++) {
		/* no event: the handle is closing */
		play_end(NULL, rr, si, true);
		media_dec_free(pr->s[si].dec);
		media_enc_free(pr->s[si].enc);
		if (pr->s[si].det)
			dtmf_det_stop(pr->s[si].det);
		free(pr->s[si].det);
		free(pr->s[si].gen);
	}
	free(pr);
	rr->proc = NULL;
}

bool proc_conf_join(struct media_thread *mt, struct media_rrelay *rr,
		    unsigned si, struct media_rconf *rc)
{
	struct media_proc *pr = proc_get(rr);
	struct pside *s;

	if (!pr)
		return false;
	s = &pr->s[si];
	play_end(mt, rr, si, true);
	if (s->conf && s->conf != rc)
		mixing_gone(mt, s->conf, rr, si);
	s->conf = rc;
	s->hear = MEDIA_HEAR_CONF;
	update_active(mt, rr);
	return true;
}

void proc_conf_left(struct media_thread *mt, struct media_rrelay *rr,
		    unsigned si)
{
	struct pside *s = &rr->proc->s[si];

	s->conf = NULL;
	s->hear = MEDIA_HEAR_SILENCE;
	update_active(mt, rr);
}

void proc_detach(struct media_thread *mt, struct media_rrelay *rr)
{
	struct media_proc *pr = rr->proc;

	if (!pr)
		return;
	for (unsigned si = 0; si < 2; si++) {
		if (!pr->s[si].conf)
			continue;
		mixing_gone(mt, pr->s[si].conf, rr, si);
		pr->s[si].conf = NULL;
		pr->s[si].hear = MEDIA_HEAR_SILENCE;
	}
	if (pr->active)
		active_unlink(mt, rr);
}

void proc_attach(struct media_thread *mt, struct media_rrelay *rr)
{
	if (rr->proc)
		update_active(mt, rr);
}
