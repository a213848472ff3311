/**
 * @file test_dsp_dtmf.c  DTMF end to end: our 16 kHz generator into
 * spandsp's detector (through our decimator), talk-off on speech-like
 * noise and on dial tones, RFC 4733 reception with loss and
 * retransmissions, the sender's packet sequence, and the IVR collector.
 *
 * test_goertzel_clash_guard_spandsp_detects_123A_hash is the guard that
 * DESIGN.md asks for: librem and spandsp both export goertzel_*, and if
 * the wrong one were bound in the linked binary spandsp's detector would
 * silently stop finding digits.
 */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <spandsp.h>
#include "media/dsp/dtmf.h"
#include "media/dsp/tone.h"
#include "support.h"

struct heard {
	char s[64];
	size_t n;
};

static void on_digit(char digit, void *arg)
{
	struct heard *h = arg;

	if (h->n + 1 < sizeof(h->s))
		h->s[h->n++] = digit;
}

/* Send @p digits through our generator and spandsp; what was heard. */
static void round_trip(const char *digits, unsigned on_ms, unsigned off_ms,
		       struct heard *h)
{
	struct dtmf_gen g;
	struct dtmf_det d;
	int16_t f[AUDIO_FRAME];

	memset(h, 0, sizeof(*h));
	dtmf_gen_start(&g, on_ms, off_ms);
	assert_int_equal(dtmf_gen_put(&g, digits), 0);
	assert_int_equal(dtmf_det_start(&d, on_digit, h), 0);
	while (dtmf_gen_frame(&g, f))
		dtmf_det_frame(&d, f);
	for (int i = 0; i < 10; i++) {      /* 200 ms of silence after */
		assert_false(dtmf_gen_frame(&g, f));
		dtmf_det_frame(&d, f);
	}
	assert_int_equal(d.count, h->n);
	dtmf_det_stop(&d);
	dtmf_det_stop(&d);                  /* twice is harmless */
}

static void test_goertzel_clash_guard_spandsp_detects_123A_hash(void **st)
{
	goertzel_descriptor_t desc, other;
	goertzel_state_t gs, go;
	int16_t tone8k[160];
	struct heard h;
	Dl_info info;
	(void)st;

	/* 1. the real path: generate, decimate, spandsp detects */
	round_trip("123A#", 0, 0, &h);
	assert_string_equal(h.s, "123A#");

	/* 2. the symbols this process bound are spandsp's */
	assert_true(dladdr((void *)goertzel_init, &info) && info.dli_fname);
	assert_non_null(strstr(info.dli_fname, "spandsp"));
	assert_true(dladdr((void *)goertzel_result, &info) && info.dli_fname);
	assert_non_null(strstr(info.dli_fname, "spandsp"));

	/* 3. and they behave as spandsp's: with spandsp's signature, a
	   1 kHz tone at 8 kHz gives a large result at 1 kHz and almost
	   nothing at 1.4 kHz (librem's goertzel_init takes a frequency and
	   a rate instead, and would leave this state meaningless) */
	for (int i = 0; i < 160; i++)
		tone8k[i] = (int16_t)lrint(10000.0 *
					   sin(2.0 * M_PI * 1000.0 * i / 8000));
	make_goertzel_descriptor(&desc, 1000.0f, 160);
	make_goertzel_descriptor(&other, 1400.0f, 160);
	assert_ptr_equal(goertzel_init(&gs, &desc), &gs);
	assert_ptr_equal(goertzel_init(&go, &other), &go);
	assert_int_equal(goertzel_update(&gs, tone8k, 160), 160);
	assert_int_equal(goertzel_update(&go, tone8k, 160), 160);
	{
		double on = goertzel_result(&gs), off = goertzel_result(&go);

		assert_true(on > 0);
		assert_true(off >= 0);
		assert_true(on > 1000.0 * off);
	}
}

static void test_all_digits_in_band(void **state)
{
	struct heard h;
	(void)state;

	round_trip("0123456789*#ABCD", 0, 0, &h);
	assert_string_equal(h.s, "0123456789*#ABCD");
	/* lower case accepted; a repeated digit is two presses */
	round_trip("55a", 0, 0, &h);
	assert_string_equal(h.s, "55A");
	/* short fast digits: 50 ms on, 50 ms off, still found */
	round_trip("9D0", 50, 50, &h);
	assert_string_equal(h.s, "9D0");
}

static void test_generator_queue(void **state)
{
	struct dtmf_gen g;
	char many[DTMF_GEN_QUEUE + 2];
	(void)state;

	dtmf_gen_start(&g, 0, 0);
	assert_int_equal(dtmf_gen_put(&g, "12x"), EINVAL);
	assert_int_equal(g.len, 0);
	memset(many, '1', sizeof(many) - 1);
	many[sizeof(many) - 1] = 0;
	assert_int_equal(dtmf_gen_put(&g, many), ENOSPC);
	many[DTMF_GEN_QUEUE] = 0;
	assert_int_equal(dtmf_gen_put(&g, many), 0);
	assert_int_equal(dtmf_gen_put(&g, "2"), ENOSPC);
}

/* Run @p frames of @p fill into a detector: how many digits it found. */
static unsigned detect_on(void (*fill)(int16_t *, unsigned), unsigned frames)
{
	struct heard h = {0};
	struct dtmf_det d;
	int16_t f[AUDIO_FRAME];

	assert_int_equal(dtmf_det_start(&d, on_digit, &h), 0);
	for (unsigned i = 0; i < frames; i++) {
		fill(f, i);
		dtmf_det_frame(&d, f);
	}
	dtmf_det_stop(&d);
	return (unsigned)h.n;
}

/* Speech-like: a voiced source (pitch gliding 90-260 Hz, rich in
   harmonics) through two moving resonances, syllables at about 4 Hz,
   with breath noise; loud (peaks near -6 dBFS).  Deterministic. */
static void speechish(int16_t *f, unsigned frame)
{
	static double ph, y1a, y2a, y1b, y2b;
	static uint32_t rnd = 12345;

	for (unsigned i = 0; i < AUDIO_FRAME; i++) {
		double t = (frame * AUDIO_FRAME + i) / (double)AUDIO_RATE;
		double f0 = 175 + 85 * sin(2 * M_PI * 0.7 * t) *
			    sin(2 * M_PI * 0.23 * t);
		double fa = 500 + 300 * sin(2 * M_PI * 1.3 * t);
		double fb = 1500 + 700 * sin(2 * M_PI * 0.9 * t + 1);
		double env = 0.5 + 0.5 * sin(2 * M_PI * 4.1 * t);
		double src, ra, rb, noise;

		ph += f0 / AUDIO_RATE;
		if (ph >= 1)
			ph -= 1;
		src = 1.0 - 2.0 * ph;               /* sawtooth */
		rnd = rnd * 1103515245u + 12345u;
		noise = ((rnd >> 16) & 0x7fff) / 16384.0 - 1.0;
		src += 0.3 * noise;
		/* two resonators, r = 0.97 */
		ra = 2 * 0.97 * cos(2 * M_PI * fa / AUDIO_RATE) * y1a -
		     0.9409 * y2a + src;
		y2a = y1a;
		y1a = ra;
		rb = 2 * 0.97 * cos(2 * M_PI * fb / AUDIO_RATE) * y1b -
		     0.9409 * y2b + src;
		y2b = y1b;
		y1b = rb;
		f[i] = (int16_t)lrint(env * (300 * ra + 200 * rb));
	}
}

static struct tone_gen tg;

static void dialtone(int16_t *f, unsigned frame)
{
	(void)frame;
	tone_gen_frame(&tg, f);
}

static void test_no_talk_off(void **state)
{
	struct dtmf_det d;
	int16_t f[AUDIO_FRAME];
	int peak = 0;
	(void)state;

	/* the noise is loud enough that a careless detector would fire */
	for (unsigned i = 0; i < 50; i++) {
		speechish(f, i);
		for (unsigned k = 0; k < AUDIO_FRAME; k++)
			if (abs(f[k]) > peak)
				peak = abs(f[k]);
	}
	assert_true(peak > 4000);
	assert_int_equal(detect_on(speechish, 1500), 0);     /* 30 s */

	tone_gen_start(&tg, tone_plan("FR", TONE_DIAL));      /* 440 Hz */
	assert_int_equal(detect_on(dialtone, 500), 0);
	tone_gen_start(&tg, tone_plan("US", TONE_DIAL));      /* 350+440 */
	assert_int_equal(detect_on(dialtone, 500), 0);
	tone_gen_start(&tg, tone_plan("GB", TONE_RINGBACK));  /* 400+450 */
	assert_int_equal(detect_on(dialtone, 500), 0);

	/* and the detector still works after all that */
	assert_int_equal(dtmf_det_start(&d, NULL, NULL), 0);
	dtmf_det_stop(&d);
}

/* ---------------------------------------------------------------- */

static size_t put_ev(uint8_t *p, unsigned event, bool end, unsigned dur)
{
	struct rfc4733_event ev = {(uint8_t)event, end, 10, (uint16_t)dur};

	rfc4733_encode(p, &ev);
	return 4;
}

/* Feed one press as a sender would (start, updates every 160, three
   ends), skipping the packets whose bit is set in @p lost; returns the
   digits the receiver reported. */
static void press(struct rfc4733_rx *rx, char digit, uint32_t ts,
		  unsigned updates, uint32_t lost, char *heard, size_t *nh)
{
	uint8_t p[4];
	unsigned k = 0;

	for (unsigned u = 0; u <= updates + 2; u++, k++) {
		bool end = u >= updates;
		unsigned dur = (end ? updates : u + 1) * 160;
		char c;

		if (lost >> k & 1)
			continue;
		put_ev(p, (unsigned)dtmf_event_of(digit), end, dur);
		c = rfc4733_rx_packet(rx, ts, p, 4);
		if (c)
			heard[(*nh)++] = c;
	}
}

static void test_rfc4733_payload(void **state)
{
	static const uint8_t wire[4] = {11, 0x8a, 0x03, 0x20};
	struct rfc4733_event ev;
	uint8_t back[4];
	(void)state;

	assert_int_equal(rfc4733_parse(wire, 4, &ev), 0);
	assert_int_equal(ev.event, 11);                     /* '#' */
	assert_true(ev.end);
	assert_int_equal(ev.volume, 10);
	assert_int_equal(ev.duration, 800);
	rfc4733_encode(back, &ev);
	assert_memory_equal(back, wire, 4);
	assert_int_equal(rfc4733_parse(wire, 3, &ev), EBADMSG);
	assert_int_equal(rfc4733_parse(NULL, 4, &ev), EBADMSG);
	assert_int_equal(dtmf_digit_of(11), '#');
	assert_int_equal(dtmf_digit_of(16), 0);
	assert_int_equal(dtmf_event_of('*'), 10);
	assert_int_equal(dtmf_event_of('d'), 15);
	assert_int_equal(dtmf_event_of('x'), -1);
	assert_int_equal(dtmf_event_of(0), -1);
}

static void test_rfc4733_receiver(void **state)
{
	struct rfc4733_rx rx;
	char heard[32] = {0};
	size_t nh = 0;
	uint8_t p[4];
	(void)state;

	rfc4733_rx_reset(&rx);
	/* clean presses, including the same digit twice in a row */
	press(&rx, '1', 1000, 5, 0, heard, &nh);
	press(&rx, '1', 3000, 5, 0, heard, &nh);
	/* first three packets lost */
	press(&rx, '2', 5000, 5, 0x7, heard, &nh);
	/* all three end packets lost, then the next press ends it */
	press(&rx, '3', 7000, 5, 0x7u << 5, heard, &nh);
	press(&rx, '3', 9000, 5, 0, heard, &nh);
	/* only one end packet arrives: still one digit */
	press(&rx, '#', 11000, 5, 0xffu & ~(1u << 6), heard, &nh);
	/* the same digit pressed again, only its ends arriving */
	press(&rx, '#', 13000, 5, 0x1f, heard, &nh);
	assert_string_equal(heard, "11233##");

	/* late retransmissions of an older event are ignored */
	put_ev(p, 3, true, 800);
	assert_int_equal(rfc4733_rx_packet(&rx, 7000, p, 4), 0);
	assert_int_equal(rfc4733_rx_packet(&rx, 11000, p, 4), 0);
	/* malformed and non-DTMF events report nothing */
	assert_int_equal(rfc4733_rx_packet(&rx, 20000, p, 2), 0);
	put_ev(p, 16, false, 160);                           /* flash */
	assert_int_equal(rfc4733_rx_packet(&rx, 20000, p, 4), 0);
	/* timestamps wrap around 2^32 */
	rfc4733_rx_reset(&rx);
	put_ev(p, 7, false, 160);
	assert_int_equal(rfc4733_rx_packet(&rx, 0xfffffff0u, p, 4), '7');
	put_ev(p, 8, false, 160);
	assert_int_equal(rfc4733_rx_packet(&rx, 0x100u, p, 4), '8');
	put_ev(p, 8, true, 320);
	assert_int_equal(rfc4733_rx_packet(&rx, 0x100u, p, 4), 0);
	assert_true(rx.ended);
	assert_int_equal(rx.duration, 320);

	/* a long press sent as two segments (2.5.1.3) is one digit */
	rfc4733_rx_reset(&rx);
	put_ev(p, 5, false, 0xffff);
	assert_int_equal(rfc4733_rx_packet(&rx, 50000, p, 4), '5');
	put_ev(p, 5, false, 160);
	assert_int_equal(rfc4733_rx_packet(&rx, 50000 + 0xffff, p, 4), 0);
	put_ev(p, 5, true, 480);
	assert_int_equal(rfc4733_rx_packet(&rx, 50000 + 0xffff, p, 4), 0);
}

static void test_rfc4733_sender(void **state)
{
	struct rfc4733_tx tx;
	struct rfc4733_pkt pk;
	struct rfc4733_event ev;
	struct rfc4733_rx rx;
	unsigned n = 0, ends = 0, last_dur = 0;
	char got = 0;
	(void)state;

	rfc4733_tx_init(&tx, 8000);
	rfc4733_rx_reset(&rx);
	assert_false(rfc4733_tx_tick(&tx, &pk));
	assert_int_equal(rfc4733_tx_start(&tx, 'x', 100, 0), EINVAL);
	assert_int_equal(rfc4733_tx_start(&tx, '#', 100, 123456), 0);
	assert_int_equal(rfc4733_tx_start(&tx, '1', 100, 0), EBUSY);

	while (rfc4733_tx_tick(&tx, &pk)) {
		char c;

		assert_int_equal(rfc4733_parse(pk.payload, 4, &ev), 0);
		assert_int_equal(pk.ts, 123456);          /* shared */
		assert_int_equal(pk.marker, n == 0);       /* first only */
		assert_int_equal(ev.event, 11);
		assert_int_equal(ev.volume, RFC4733_VOLUME);
		if (ev.end) {
			ends++;
			assert_int_equal(ev.duration, 800);    /* 100 ms */
		}
		else {
			assert_int_equal(ends, 0);             /* ends last */
			assert_int_equal(ev.duration, (n + 1) * 160);
		}
		assert_true(ev.duration >= last_dur);
		last_dur = ev.duration;
		c = rfc4733_rx_packet(&rx, pk.ts, pk.payload, 4);
		if (c) {
			assert_int_equal(got, 0);
			got = c;
		}
		n++;
		assert_true(n < 20);
	}
	/* 160, 320, 480, 640 then 800 with E three times */
	assert_int_equal(n, 7);
	assert_int_equal(ends, RFC4733_END_COPIES);
	assert_int_equal(got, '#');
	/* free again; a wideband clock counts 320 per tick */
	rfc4733_tx_init(&tx, 16000);
	assert_int_equal(rfc4733_tx_start(&tx, 'a', 1, 5), 0);
	assert_true(rfc4733_tx_tick(&tx, &pk));
	assert_int_equal(rfc4733_parse(pk.payload, 4, &ev), 0);
	assert_true(ev.end);                      /* shortest: one tick */
	assert_int_equal(ev.duration, 320);
	assert_int_equal(ev.event, 12);
}

/* ---------------------------------------------------------------- */

static void test_collector(void **state)
{
	struct dtmf_collect_cfg cfg = {4, 5000, 3000, "#"};
	struct dtmf_collect c;
	(void)state;

	/* max digits */
	assert_int_equal(dtmf_collect_start(&c, &cfg, 1000), 0);
	assert_int_equal(dtmf_collect_tick(&c, 5999), DTMF_COLLECT_RUNNING);
	assert_int_equal(dtmf_collect_digit(&c, '1', 2000),
			 DTMF_COLLECT_RUNNING);
	dtmf_collect_digit(&c, '2', 2500);
	dtmf_collect_digit(&c, '*', 3000);
	assert_int_equal(dtmf_collect_digit(&c, '4', 3500),
			 DTMF_COLLECT_MAXED);
	assert_string_equal(c.digits, "12*4");
	assert_int_equal(dtmf_collect_digit(&c, '5', 3600),
			 DTMF_COLLECT_MAXED);
	assert_string_equal(c.digits, "12*4");

	/* terminator: not kept */
	dtmf_collect_start(&c, &cfg, 0);
	dtmf_collect_digit(&c, '4', 100);
	assert_int_equal(dtmf_collect_digit(&c, '#', 200), DTMF_COLLECT_TERM);
	assert_string_equal(c.digits, "4");
	assert_int_equal(c.term, '#');
	assert_string_equal(dtmf_collect_reason_name(c.reason), "terminator");

	/* inter-digit timeout, exactly at 3 s after the last digit */
	dtmf_collect_start(&c, &cfg, 0);
	dtmf_collect_digit(&c, '7', 4000);
	assert_int_equal(dtmf_collect_tick(&c, 6999), DTMF_COLLECT_RUNNING);
	assert_int_equal(dtmf_collect_tick(&c, 7000), DTMF_COLLECT_TIMEOUT);
	assert_string_equal(c.digits, "7");

	/* a digit arriving after its deadline does not count */
	dtmf_collect_start(&c, &cfg, 0);
	dtmf_collect_digit(&c, '7', 100);
	assert_int_equal(dtmf_collect_digit(&c, '8', 3200),
			 DTMF_COLLECT_TIMEOUT);
	assert_string_equal(c.digits, "7");

	/* no input */
	dtmf_collect_start(&c, &cfg, 0);
	assert_int_equal(dtmf_collect_tick(&c, 4999), DTMF_COLLECT_RUNNING);
	assert_int_equal(dtmf_collect_tick(&c, 5000), DTMF_COLLECT_NOINPUT);
	assert_int_equal(c.n, 0);
	/* a clock that goes backwards does not end it */
	dtmf_collect_start(&c, &cfg, 10000);
	assert_int_equal(dtmf_collect_tick(&c, 9000), DTMF_COLLECT_RUNNING);

	/* bad settings; no terminator at all is fine */
	cfg.max_digits = 0;
	assert_int_equal(dtmf_collect_start(&c, &cfg, 0), EINVAL);
	cfg.max_digits = DTMF_COLLECT_MAX + 1;
	assert_int_equal(dtmf_collect_start(&c, &cfg, 0), EINVAL);
	cfg.max_digits = 2;
	cfg.term[0] = 0;
	assert_int_equal(dtmf_collect_start(&c, &cfg, 0), 0);
	assert_int_equal(dtmf_collect_digit(&c, '#', 1), DTMF_COLLECT_RUNNING);
	assert_int_equal(dtmf_collect_digit(&c, 'x', 2), DTMF_COLLECT_RUNNING);
	assert_int_equal(dtmf_collect_digit(&c, '0', 3), DTMF_COLLECT_MAXED);
	assert_string_equal(c.digits, "#0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_goertzel_clash_guard_spandsp_detects_123A_hash),
		cmocka_unit_test(test_all_digits_in_band),
		cmocka_unit_test(test_generator_queue),
		cmocka_unit_test(test_no_talk_off),
		cmocka_unit_test(test_rfc4733_payload),
		cmocka_unit_test(test_rfc4733_receiver),
		cmocka_unit_test(test_rfc4733_sender),
		cmocka_unit_test(test_collector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
