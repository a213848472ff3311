/**
 * @file test_dsp_tone.c  Call-progress tones as a listener would check
 * them: the right frequencies (measured with a Goertzel filter written
 * here), the right cadence to within one frame, a sane level, no clipping,
 * and no phase jumps at frame boundaries.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "media/dsp/tone.h"
#include "support.h"

enum { SECONDS_MAX = 16, NSAMP = AUDIO_RATE * SECONDS_MAX };

static int16_t sig[NSAMP];

/* Render @p seconds of a plan into sig; returns the sample count. */
static size_t render(const struct tone_plan *p, unsigned seconds)
{
	struct tone_gen g;
	size_t n = (size_t)seconds * AUDIO_RATE;

	assert_true(n <= NSAMP);
	tone_gen_start(&g, p);
	for (size_t i = 0; i < n; i += AUDIO_FRAME)
		tone_gen_frame(&g, &sig[i]);
	return n;
}

/* Power of @p x at @p f (Goertzel), normalised so that a sine of peak A
   gives about A^2 / 4 whatever the length. */
static double goertzel(const int16_t *x, size_t n, double f)
{
	double k = 2.0 * cos(2.0 * M_PI * f / AUDIO_RATE);
	double s1 = 0, s2 = 0;

	for (size_t i = 0; i < n; i++) {
		double s0 = x[i] + k * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - k * s1 * s2) / ((double)n * n);
}

/* Level of @p x in dBm0 (A-law reference: full-scale sine +3.14). */
static double level_dbm0(const int16_t *x, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return 10.0 * log10(e / n * 2.0 / (32767.0 * 32767.0)) + 3.14;
}

/* The strongest frequency between 250 and 2000 Hz, in 1 Hz steps, with
   the one found before it excluded by @p not_near (0: none). */
static double peak_hz(const int16_t *x, size_t n, double not_near)
{
	double best = 0, best_f = 0;

	for (double f = 250; f <= 2000; f += 1) {
		double p;

		if (not_near && fabs(f - not_near) < 25)
			continue;
		p = goertzel(x, n, f);
		if (p > best) {
			best = p;
			best_f = f;
		}
	}
	return best_f;
}

/* Check the frequencies of a plan on its first burst (at most 400 ms):
   the one or two strongest components within 3 Hz of @p f1 and @p f2,
   and they carry 98 % of the power (nothing else of note). */
static void check_freqs(const char *cc, enum tone_kind kind, unsigned f1,
			unsigned f2)
{
	const struct tone_plan *p = tone_plan(cc, kind);
	size_t win = AUDIO_RATE * 2 / 5;      /* 400 ms */
	double a, b = 0, ms = 0, pw;

	assert_non_null(p);
	if (p->bursts && p->cadence[0].on_ms < 400)
		win = (size_t)p->cadence[0].on_ms * (AUDIO_RATE / 1000);
	render(p, 1);
	for (size_t i = 0; i < win; i++)
		ms += (double)sig[i] * sig[i] / (double)win;

	a = peak_hz(sig, win, 0);
	if (f2) {
		b = peak_hz(sig, win, a);
		if (a > b) {
			double t = a;

			a = b;
			b = t;
		}
		assert_true(fabs(b - f2) <= 3);
		/* the two components at the same level, within 1 dB */
		assert_true(fabs(10 * log10(goertzel(sig, win, f1) /
					    goertzel(sig, win, f2))) < 1.0);
	}
	if (fabs(a - f1) > 3)
		fail_msg("%s %s: %.0f Hz, want %u", cc ? cc : "-",
			 tone_kind_name(kind), a, f1);
	/* a sine of peak A has mean square A^2 / 2 and Goertzel A^2 / 4 */
	pw = 2 * goertzel(sig, win, a) + (f2 ? 2 * goertzel(sig, win, b) : 0);
	assert_true(pw / ms > 0.98 && pw / ms < 1.02);
}

static void test_frequencies(void **state)
{
	(void)state;
	check_freqs("FR", TONE_RINGBACK, 440, 0);
	check_freqs("FR", TONE_BUSY, 440, 0);
	check_freqs("fr", TONE_DIAL, 440, 0);
	check_freqs("GB", TONE_RINGBACK, 400, 450);
	check_freqs("GB", TONE_DIAL, 350, 440);
	check_freqs("GB", TONE_BUSY, 400, 0);
	check_freqs("US", TONE_RINGBACK, 440, 480);
	check_freqs("CA", TONE_RINGBACK, 440, 480);
	check_freqs("US", TONE_BUSY, 480, 620);
	check_freqs("US", TONE_CONGESTION, 480, 620);
	check_freqs("US", TONE_DIAL, 350, 440);
	check_freqs("DE", TONE_RINGBACK, 425, 0);
	check_freqs("AT", TONE_DIAL, 420, 0);
	check_freqs("BE", TONE_CALL_WAITING, 1400, 0);
	/* unknown and missing countries: the ITU 425 Hz */
	check_freqs("ZZ", TONE_RINGBACK, 425, 0);
	check_freqs(NULL, TONE_BUSY, 425, 0);
	assert_null(tone_plan("FR", TONE_KIND_COUNT));
	{
		struct tone_gen g;
		int16_t f[AUDIO_FRAME];

		tone_gen_start(&g, NULL);
		tone_gen_frame(&g, f);
		for (int i = 0; i < AUDIO_FRAME; i++)
			assert_int_equal(f[i], 0);
	}
	assert_string_equal(tone_kind_name(TONE_RINGBACK), "ringback");
}

/* Silence at sample i: 2 ms of exact zeros from there (or to the end).
   A sounding sine rounds to 0 only at isolated samples. */
static bool silent_at(size_t i, size_t n)
{
	for (size_t k = i; k < n && k < i + 32; k++)
		if (sig[k])
			return false;
	return true;
}

/* Measure the cadence of sig: lengths (in samples) of alternating runs of
   sound and silence. */
static size_t cadence(size_t n, uint32_t *len, size_t max)
{
	size_t runs = 0, i = 0;

	while (i < n && runs < max) {
		size_t start = i;
		bool quiet = silent_at(i, n);

		while (i < n && silent_at(i, n) == quiet)
			i++;
		len[runs++] = (uint32_t)(i - start);
	}
	return runs;
}

/* The rendered tone must start sounding and then follow @p ms (on, off,
   on, off, ...) to within one frame, for @p seconds. */
static void check_cadence(const char *cc, enum tone_kind kind,
			  const unsigned *ms, size_t nms, unsigned seconds)
{
	uint32_t len[64];
	size_t n = render(tone_plan(cc, kind), seconds);
	size_t runs = cadence(n, len, 64);

	/* every complete run (not the last, which the end cuts) */
	assert_true(runs >= nms + 1);
	for (size_t r = 0; r + 1 < runs; r++) {
		long want = (long)ms[r % nms] * (AUDIO_RATE / 1000);

		if (r + 2 == runs && len[r + 1] < 32)
			break;          /* the end cut this one: a few zeros */

		if (labs((long)len[r] - want) > AUDIO_FRAME)
			fail_msg("%s %s run %zu: %u samples, want %ld", cc,
				 tone_kind_name(kind), r, len[r], want);
	}
}

static void test_cadences(void **state)
{
	static const unsigned fr_ring[] = {1500, 3500};
	static const unsigned gb_ring[] = {400, 200, 400, 2000};
	static const unsigned us_ring[] = {2000, 4000};
	static const unsigned fr_busy[] = {500, 500};
	static const unsigned gb_busy[] = {375, 375};
	static const unsigned us_busy[] = {500, 500};
	static const unsigned us_reorder[] = {250, 250};
	static const unsigned gb_cong[] = {400, 350, 225, 525};
	static const unsigned it_dial[] = {200, 200, 600, 1000};
	(void)state;

	check_cadence("FR", TONE_RINGBACK, fr_ring, 2, 12);
	check_cadence("GB", TONE_RINGBACK, gb_ring, 4, 9);
	check_cadence("US", TONE_RINGBACK, us_ring, 2, 14);
	check_cadence("FR", TONE_BUSY, fr_busy, 2, 4);
	check_cadence("GB", TONE_BUSY, gb_busy, 2, 4);
	check_cadence("US", TONE_BUSY, us_busy, 2, 4);
	check_cadence("US", TONE_CONGESTION, us_reorder, 2, 3);
	check_cadence("GB", TONE_CONGESTION, gb_cong, 4, 5);
	check_cadence("IT", TONE_DIAL, it_dial, 4, 6);
}

/* Continuous dial tone is one unbroken sine: after the 1 ms rise every
   sample matches A sin(w (n + 1)) to within rounding, for 10 s, across
   500 frame boundaries.  A phase reset or jump anywhere would break it. */
static void test_phase_continuous(void **state)
{
	const struct tone_plan *p = tone_plan("FR", TONE_DIAL);
	double a = 32767.0 * pow(10.0, (p->level_dbm0 - 3.14) / 20.0);
	double w = 2.0 * M_PI * 440 / AUDIO_RATE;
	size_t n = render(p, 10);
	(void)state;

	for (size_t i = 32; i < n; i++)
		if (fabs(sig[i] - a * sin(w * (double)(i + 1))) > 2.0)
			fail_msg("sample %zu: %d, want %.1f", i, sig[i],
				 a * sin(w * (double)(i + 1)));
}

/* Levels: NANP ringback 440+480 at -19 dBm0 each is -16 dBm0 in all;
   every plan of every country stays between -24 and -9 dBm0 while
   sounding and never reaches full scale. */
static void test_levels(void **state)
{
	static const char *const cc[] = {"", "FR", "GB", "US", "CA", "DE",
		"BE", "CH", "NL", "ES", "IT", "AT", "IE", "PT", "LU"};
	const struct tone_plan *p = tone_plan("US", TONE_RINGBACK);
	double l;
	(void)state;

	render(p, 2);
	l = level_dbm0(sig + AUDIO_RATE / 10, AUDIO_RATE);
	assert_true(l > -16.5 && l < -15.5);

	for (size_t c = 0; c < sizeof(cc) / sizeof(cc[0]); c++)
		for (int k = 0; k < TONE_KIND_COUNT; k++) {
			size_t on, n;
			int peak = 0;

			p = tone_plan(cc[c], (enum tone_kind)k);
			assert_non_null(p);
			if (cc[c][0] && strcasecmp(cc[c], "CA"))
				assert_string_equal(p->country, cc[c]);
			n = render(p, 6);
			for (size_t i = 0; i < n; i++)
				if (abs(sig[i]) > peak)
					peak = abs(sig[i]);
			assert_true(peak < 32000);
			/* level over the steady part of the first burst */
			on = p->bursts ? p->cadence[0].on_ms * 16u : 16000u;
			l = level_dbm0(sig + 32, on - 64);
			assert_true(l > -24.5 && l < -9.0);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frequencies),
		cmocka_unit_test(test_cadences),
		cmocka_unit_test(test_phase_continuous),
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
