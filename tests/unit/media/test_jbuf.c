/**
 * @file test_jbuf.c  The receive path (jitter buffer, decoder,
 * concealment) against a simulated network.
 *
 * A sender encodes a continuous 1030 Hz tone (20 ms is 20.6 cycles, so a
 * packet played out of order or twice breaks the sine and shows) into
 * packets of some ptime; the network delays, reorders, loses or
 * duplicates them; the receiver ticks every 20 ms.  Each played frame is
 * measured against the best-fitting sine: what a listener would hear as
 * clean tone, a click or silence.
 */
#include <stdint.h>
#include <string.h>
#include "media/codec/codec.h"
#include "support.h"
#include "test_codec_signal.c"

enum {
	MAX_PKTS = 2000,
	MAX_TICKS = 1000,
	TONE_AMP = 8000,
	T0_US = 1000000,
};
static const double TONE_HZ = 1030;

struct net_pkt {
	uint64_t at_us;         /**< arrival */
	uint16_t seq;
	uint32_t ts, ssrc;
	bool marker, lost;
	uint8_t data[480];
	size_t len;
};

struct sender {
	enum codec_id id;
	struct media_enc *enc;
	struct sig_osc osc;
	uint8_t pend[1600];     /**< encoded, not yet sent */
	size_t npend;
	uint16_t seq;
	uint32_t ts, ssrc;
	uint64_t t_us;          /**< capture time of the next packet */
};

/* One run: what each tick played. */
struct run {
	unsigned ticks;
	bool played[MAX_TICKS];
	double snr[MAX_TICKS], rms[MAX_TICKS];
	struct media_dec_stats st[MAX_TICKS];
};

static struct net_pkt pkts[MAX_PKTS];
static unsigned npkts;
static struct run run;

static void sender_init(struct sender *s, enum codec_id id, uint16_t seq,
			uint32_t ts, uint32_t ssrc)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->enc = media_enc_alloc(id, NULL);
	assert_non_null(s->enc);
	s->seq = seq;
	s->ts = ts;
	s->ssrc = ssrc;
	s->t_us = T0_US;
}

/* The next packet of ptime_ms, arriving lag_us after its last sample
   was captured.  Sample codecs are cut from a continuous byte stream
   (8 bytes a millisecond), Opus sends one 20 ms frame a packet. */
static struct net_pkt *sender_next(struct sender *s, unsigned ptime_ms,
				   uint64_t lag_us)
{
	struct net_pkt *p = &pkts[npkts++];
	size_t want = s->id == CODEC_OPUS ? 1 : ptime_ms * 8;

	assert_true(npkts <= MAX_PKTS);
	memset(p, 0, sizeof(*p));
	while (s->npend < want) {
		int16_t in[AUDIO_FRAME];
		int n;

		sig_sine(&s->osc, in, AUDIO_FRAME, TONE_HZ, TONE_AMP, AUDIO_RATE);
		n = media_enc_frame(s->enc, in, s->pend + s->npend,
				    sizeof(s->pend) - s->npend);
		assert_true(n > 0);
		s->npend += (size_t)n;
	}
	if (s->id == CODEC_OPUS)
		want = s->npend;
	memcpy(p->data, s->pend, want);
	p->len = want;
	s->npend -= want;
	memmove(s->pend, s->pend + want, s->npend);

	p->seq = s->seq++;
	p->ts = s->ts;
	p->ssrc = s->ssrc;
	s->ts += s->id == CODEC_OPUS ? 960 : ptime_ms * 8;
	s->t_us += ptime_ms * 1000;
	p->at_us = s->t_us + lag_us;
	return p;
}

static void sender_stream(struct sender *s, unsigned n, unsigned ptime_ms,
			  uint64_t lag_us)
{
	for (unsigned i = 0; i < n; i++)
		sender_next(s, ptime_ms, lag_us);
}

/* Deliver pkts by arrival time to a fresh decoder ticking every 20 ms,
   for the given number of ticks. */
static void play(enum codec_id id, unsigned ticks)
{
	struct media_dec *d = media_dec_alloc(id, NULL);
	static unsigned order[MAX_PKTS];
	unsigned next = 0;

	assert_non_null(d);
	assert_true(ticks <= MAX_TICKS);
	/* stable insertion sort by arrival */
	for (unsigned i = 0; i < npkts; i++) {
		unsigned j = i;

		while (j && pkts[order[j - 1]].at_us > pkts[i].at_us) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	memset(&run, 0, sizeof(run));
	run.ticks = ticks;
	for (unsigned k = 0; k < ticks; k++) {
		uint64_t now = T0_US + 10000 + 20000ull * k;
		int16_t out[AUDIO_FRAME];

		for (; next < npkts && pkts[order[next]].at_us <= now; next++) {
			struct net_pkt *p = &pkts[order[next]];

			if (!p->lost)
				media_dec_put(d, p->seq, p->ts, p->ssrc,
					      p->marker, p->data, p->len,
					      p->at_us);
		}
		run.played[k] = media_dec_get(d, out, now);
		sig_fit(out, AUDIO_FRAME, TONE_HZ, AUDIO_RATE, &run.snr[k]);
		run.rms[k] = sig_rms(out, AUDIO_FRAME);
		media_dec_stats(d, &run.st[k]);
	}
	media_dec_free(d);
}

static unsigned first_played(void)
{
	for (unsigned k = 0; k < run.ticks; k++)
		if (run.played[k])
			return k;
	fail_msg("nothing played");
	return 0;
}

/* Every tick of [from, to) played clean tone. */
static void assert_clean(unsigned from, unsigned to, double min_snr)
{
	for (unsigned k = from; k < to; k++) {
		if (!run.played[k] || run.snr[k] < min_snr)
			fail_msg("tick %u: played %d, SNR %.1f dB", k,
				 run.played[k], run.snr[k]);
	}
}

static void reset(void)
{
	npkts = 0;
}

/* The common case: n packets of 20 ms, 1 ms on the way. */
static void stream(struct sender *s, enum codec_id id, unsigned n)
{
	reset();
	sender_init(s, id, 0, 0, 7);
	sender_stream(s, n, 20, 1000);
}

static void test_in_order(void **state)
{
	struct sender s;
	unsigned k0;
	(void)state;

	stream(&s, CODEC_PCMU, 100);
	play(CODEC_PCMU, 100);
	k0 = first_played();
	assert_true(k0 <= 2);
	/* from the second frame on (the first holds the filter's start),
	   continuous tone with nothing concealed */
	assert_clean(k0 + 1, 100, 25);
	assert_int_equal(run.st[99].concealed, 0);
	assert_int_equal(run.st[99].late, 0);
	assert_int_equal(run.st[99].dropped, 0);
	assert_int_equal(run.st[99].resyncs, 0);
	assert_int_equal(run.st[99].frames, 100 - k0);
	assert_true(run.st[99].delay_ms >= 15 && run.st[99].delay_ms <= 60);
	media_enc_free(s.enc);
}

/* Jitter of 0..40 ms reorders about one packet in four: after the
   buffer has learnt it, all play in order without concealment. */
static void test_reorder(void **state)
{
	struct sender s;
	uint32_t lcg = 12345;
	unsigned swaps = 0;
	(void)state;

	reset();
	sender_init(&s, CODEC_PCMU, 0, 0, 7);
	for (unsigned i = 0; i < 300; i++) {
		lcg = lcg * 1103515245 + 12345;
		sender_next(&s, 20, (lcg >> 16) % 40000);
		if (i && pkts[i].at_us < pkts[i - 1].at_us)
			swaps++;
	}
	assert_true(swaps > 30);
	play(CODEC_PCMU, 300);
	/* the first second teaches it the jitter */
	assert_clean(50, 300, 25);
	assert_int_equal(run.st[299].concealed, run.st[49].concealed);
	assert_int_equal(run.st[299].late, run.st[49].late);
	assert_true(run.st[299].jitter_ms >= 30 && run.st[299].jitter_ms <= 45);
	assert_true(run.st[299].delay_ms >= 40 && run.st[299].delay_ms <= 100);
	media_enc_free(s.enc);
}

/* 100 packets of id (the encoder told fmtp) with packet lost lost: no
   tick goes silent (every one keeps 1/floor of the tone's level), and
   one or two count as concealed.  Returns the first tick played. */
static unsigned play_loss(enum codec_id id, const char *fmtp, unsigned lost,
			  double floor)
{
	struct sender s;
	unsigned k0;

	reset();
	sender_init(&s, id, 65000, 0, 7);
	media_enc_free(s.enc);
	s.enc = media_enc_alloc(id, fmtp);
	sender_stream(&s, 100, 20, 1000);
	pkts[lost].lost = true;
	play(id, 100);
	k0 = first_played();
	for (unsigned k = k0 + 1; k < 100; k++) {
		assert_true(run.played[k]);
		assert_true(run.rms[k] > TONE_AMP / M_SQRT2 / floor);
	}
	assert_true(run.st[99].concealed >= 1 && run.st[99].concealed <= 2);
	assert_int_equal(run.st[99].late, 0);
	media_enc_free(s.enc);
	return k0;
}

/* The 20 ms gap is concealed with tone-like audio (spandsp's PLC), and
   clean tone comes back right after. */
static void test_loss(void **state)
{
	unsigned k0;
	(void)state;

	k0 = play_loss(CODEC_PCMU, NULL, 50, 4);
	assert_clean(k0 + 1, 49, 25);
	assert_clean(54, 100, 25);
	k0 = play_loss(CODEC_G722, NULL, 50, 4);
	assert_clean(k0 + 1, 49, 25);
	assert_clean(54, 100, 25);
}

/* Opus conceals by itself (its PLC; the in-band FEC path takes over when
   the next packet carries a copy, which SILK adds only for speech). */
static void test_opus_loss(void **state)
{
	unsigned k0;
	(void)state;

	k0 = play_loss(CODEC_OPUS, NULL, 60, 20);
	assert_clean(k0 + 10, 59, 25);
	/* SILK takes a while to converge again on a pure tone (libopus
	   alone does the same), but the tone dominates throughout */
	assert_clean(65, 100, 10);
	play_loss(CODEC_OPUS, "useinbandfec=1", 60, 20);
	assert_clean(65, 100, 10);
}

static void test_duplicates(void **state)
{
	struct sender s;
	unsigned n;
	(void)state;

	stream(&s, CODEC_PCMU, 100);
	n = npkts;
	for (unsigned i = 0; i < n; i++) {
		pkts[npkts] = pkts[i];
		pkts[npkts++].at_us += i == 30 ? 150000 : 3000;
	}
	play(CODEC_PCMU, 100);
	assert_clean(first_played() + 1, 100, 25);
	assert_int_equal(run.st[99].concealed, 0);
	assert_int_equal(run.st[99].dropped + run.st[99].late, 99);
	assert_int_equal(run.st[99].late, 1);   /* the one 150 ms behind */
	media_enc_free(s.enc);
}

static void test_ptime(void **state)
{
	static const unsigned ptimes[] = {10, 30, 60};
	static const enum codec_id ids[] = {CODEC_PCMU, CODEC_G722};
	(void)state;

	for (unsigned c = 0; c < 2; c++) {
		for (unsigned i = 0; i < 3; i++) {
			struct sender s;
			unsigned n = 2000 / ptimes[i];

			reset();
			sender_init(&s, ids[c], 1, 1, 7);
			sender_stream(&s, n, ptimes[i], 1000);
			play(ids[c], 98);
			assert_clean(first_played() + 1, 98, 25);
			assert_int_equal(run.st[97].concealed, 0);
			assert_int_equal(run.st[97].late, 0);
			media_enc_free(s.enc);
		}
	}
}

/* Sequence numbers and timestamps both wrap within the stream. */
static void test_wrap(void **state)
{
	struct sender s;
	(void)state;

	reset();
	sender_init(&s, CODEC_PCMA, 65500, UINT32_MAX - 8000, 7);
	sender_stream(&s, 200, 20, 1000);
	play(CODEC_PCMA, 200);
	assert_clean(first_played() + 1, 200, 25);
	assert_int_equal(run.st[199].concealed, 0);
	assert_int_equal(run.st[199].resyncs, 0);
	assert_int_equal(run.st[199].late + run.st[199].dropped, 0);
	media_enc_free(s.enc);
}

/* A new source (new SSRC, or the same SSRC with its clock jumping, as
   after a re-INVITE to another media server) plays at once. */
static void test_resync(void **state)
{
	struct sender a, b;
	(void)state;

	for (int jump = 0; jump < 2; jump++) {
		reset();
		sender_init(&a, CODEC_PCMU, 500, 80000, 7);
		sender_stream(&a, 100, 20, 1000);
		if (jump) {
			sender_init(&b, CODEC_PCMU, a.seq, a.ts + 8000 * 30, 7);
		} else {
			sender_init(&b, CODEC_PCMU, 40000, 3000000000u, 99);
		}
		b.t_us = a.t_us;
		b.osc = a.osc;
		sender_stream(&b, 100, 20, 1000);
		pkts[100].marker = true;
		play(CODEC_PCMU, 200);
		assert_int_equal(run.st[199].resyncs, 1);
		assert_clean(first_played() + 1, 99, 25);
		/* at most two ticks of silence, then the new stream */
		assert_clean(103, 200, 25);
		assert_int_equal(run.st[199].concealed, 0);
		media_enc_free(a.enc);
		media_enc_free(b.enc);
	}
}

static unsigned max_delay(void)
{
	unsigned maxd = 0;

	for (unsigned k = 0; k < run.ticks; k++)
		if (run.st[k].delay_ms > maxd)
			maxd = run.st[k].delay_ms;
	return maxd;
}

/* The network stalls for 150 ms three times, then delivers what it held
   at once.  The buffer learns to wait (the third stall loses nothing),
   its delay stays under 200 ms, and comes back down once the network
   has been calm for some seconds. */
static void test_burst(void **state)
{
	struct sender s;
	(void)state;

	stream(&s, CODEC_PCMU, 900);
	for (unsigned stall = 50; stall <= 250; stall += 100)
		for (unsigned i = stall; i < stall + 8; i++)
			pkts[i].at_us = pkts[stall + 8].at_us;
	play(CODEC_PCMU, 900);
	print_message("burst: max delay %u ms, at the end %u ms\n",
		      max_delay(), run.st[899].delay_ms);
	assert_true(max_delay() <= 220);
	assert_true(run.st[899].delay_ms <= 60);
	assert_true(run.st[100].late > 0);
	/* no loss in the third stall: the delay had grown enough */
	assert_int_equal(run.st[299].late, run.st[200].late);
	assert_int_equal(run.st[299].concealed, run.st[240].concealed);
	assert_clean(270, 900, 25);
	assert_int_equal(run.st[899].resyncs, 0);
	media_enc_free(s.enc);
}

/* A stall longer than the stop time: the stream restarts with the burst,
   which is skipped down to the target delay instead of played late. */
static void test_long_stall(void **state)
{
	struct sender s;
	(void)state;

	stream(&s, CODEC_PCMU, 300);
	for (unsigned i = 50; i < 75; i++)
		pkts[i].at_us = pkts[75].at_us;
	play(CODEC_PCMU, 300);
	assert_true(max_delay() <= 60);
	assert_int_equal(run.st[299].resyncs, 1);
	assert_true(run.st[299].dropped >= 20);
	assert_true(run.st[299].delay_ms >= 15);
	assert_clean(80, 300, 25);
	media_enc_free(s.enc);
}

/* The stream stops: a few ticks later get() says there is nothing to
   play; the next talk spurt, after a pause, plays again. */
static void test_stop(void **state)
{
	struct sender s;
	unsigned k;
	(void)state;

	stream(&s, CODEC_PCMU, 50);
	s.ts += 8000;                   /* one second of silence */
	s.t_us += 1000000;
	sender_next(&s, 20, 1000)->marker = true;
	sender_stream(&s, 49, 20, 1000);
	play(CODEC_PCMU, 150);
	assert_false(run.played[0]);
	for (k = 50; k < 100 && run.played[k]; k++)
		;
	assert_true(k <= 50 + 20);      /* stopped within 400 ms */
	assert_false(run.played[95]);
	assert_int_equal(run.st[149].resyncs, 1);
	assert_clean(103, 150, 25);
	media_enc_free(s.enc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_ptime),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_resync),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_long_stall),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_opus_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
