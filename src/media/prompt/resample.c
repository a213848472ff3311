/**
 * @file resample.c  Offline sample-rate conversion for prompts.
 *
 * A windowed-sinc interpolator: each output sample is the input
 * convolved with a Kaiser-windowed sinc centred on the output instant.
 * When going down in rate the sinc is stretched so that its cut-off sits
 * below the new Nyquist frequency (no aliasing); going up it sits below
 * the old one (no images).  The kernel is tabulated once per call and
 * read with linear interpolation between table points.  When the rate
 * ratio has few phases (8000 to 16000 has 2, 44100 to 16000 has 160)
 * each phase's taps are computed once and the work is a dot product.
 *
 * This runs once per file on the signalling thread (or the TTS worker),
 * never per packet, so it favours quality over speed: 24 zero crossings
 * each side, about 80 dB of stop-band rejection.  Output instants are
 * computed with integer arithmetic, so lengths are exact and there is no
 * drift over a ten-minute track.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "media/prompt/wav.h"

enum {
	ZEROS = 24,        /**< zero crossings each side of the centre */
	STEPS = 256,       /**< table points per zero crossing */
	MAX_PHASES = 4096, /**< largest polyphase bank (phases) */
};

static const double kaiser_beta = 8.0;
/* cut-off as a fraction of the lower Nyquist frequency: leaves room for
   the transition band so that the stop band starts at Nyquist */
static const double rolloff = 0.92;

/* zeroth-order modified Bessel function, by its power series */
static double bessel_i0(double x)
{
	double sum = 1.0, term = 1.0;
	int k;

	for (k = 1; k < 50; k++) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
		if (term < sum * 1e-12)
			break;
	}
	return sum;
}

/* kernel at u zero crossings from the centre, 0 <= u <= ZEROS */
static double kernel(double u)
{
	double r = u / ZEROS, s;

	s = u == 0.0 ? 1.0 : sin(M_PI * u) / (M_PI * u);
	return s * bessel_i0(kaiser_beta * sqrt(1.0 - r * r)) /
		bessel_i0(kaiser_beta);
}

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* kernel weight at d input samples from the output instant */
static double weight(const double *tbl, double fc, double d)
{
	double u = fabs(d) * fc * STEPS, w;
	size_t j = (size_t)u;

	if (j >= ZEROS * STEPS)
		return 0.0;
	w = tbl[j] + (tbl[j + 1] - tbl[j]) * (u - (double)j);
	return w * fc;
}

static int16_t clip(double v)
{
	return (int16_t)(v > 32767.0 ? 32767 : v < -32768.0 ? -32768 :
			 lrint(v));
}

/*
 * Output sample i sits at input instant i * in / out = base + phase / L
 * (L = out / gcd).  There are only L distinct phases, so their taps are
 * computed once (a polyphase filter bank); each output is then a plain
 * dot product over `taps` inputs starting at base - half + 1.
 */
static void polyphase(const int16_t *in, size_t n, unsigned in_rate,
		      unsigned out_rate, const double *tbl, double fc,
		      float *bank, size_t taps, int16_t *o, size_t m)
{
	unsigned g = gcd(in_rate, out_rate), L = out_rate / g, M = in_rate / g;
	long first = 1 - (long)(taps / 2);
	size_t i, k;
	unsigned ph;

	for (ph = 0; ph < L; ph++) {
		for (k = 0; k < taps; k++)
			bank[ph * taps + k] = (float)weight(tbl, fc,
				(double)ph / L - (double)(first + (long)k));
	}
	for (i = 0; i < m; i++) {
		uint64_t num = (uint64_t)i * M;
		long base = (long)(num / L) + first;
		const float *h = bank + (num % L) * taps;
		float acc = 0.0f;

		if (base >= 0 && base + (long)taps <= (long)n) {
			const int16_t *x = in + base;
			for (k = 0; k < taps; k++)
				acc += h[k] * x[k];
		}
		else {
			for (k = 0; k < taps; k++) {
				long j = base + (long)k;
				if (j >= 0 && j < (long)n)
					acc += h[k] * in[j];
			}
		}
		o[i] = clip(acc);
	}
}

/* For rates whose ratio has too many phases to tabulate: each output
   computes its weights from the interpolated kernel table. */
static void direct(const int16_t *in, size_t n, unsigned in_rate,
		   unsigned out_rate, const double *tbl, double fc,
		   double half, int16_t *o, size_t m)
{
	size_t i;

	for (i = 0; i < m; i++) {
		uint64_t num = (uint64_t)i * in_rate;
		double t = (double)(num / out_rate) +
			(double)(num % out_rate) / out_rate;
		long lo = (long)ceil(t - half), hi = (long)floor(t + half), k;
		double acc = 0.0;

		if (lo < 0)
			lo = 0;
		if (hi > (long)n - 1)
			hi = (long)n - 1;
		for (k = lo; k <= hi; k++)
			acc += weight(tbl, fc, t - (double)k) * in[k];
		o[i] = clip(acc);
	}
}

int wav_resample(const int16_t *in, size_t n, unsigned in_rate,
		 unsigned out_rate, int16_t **out, size_t *out_n)
{
	double fc, half, *tbl;
	float *bank = NULL;
	size_t i, m, taps;
	unsigned L;
	int16_t *o;

	if (!in_rate || !out_rate || !out || !out_n)
		return EINVAL;
	m = (size_t)(((uint64_t)n * out_rate + in_rate / 2) / in_rate);
	o = malloc((m ? m : 1) * sizeof(*o));
	if (!o)
		return ENOMEM;
	if (in_rate == out_rate) {
		if (n)
			memcpy(o, in, n * sizeof(*o));
		*out = o;
		*out_n = n;
		return 0;
	}

	tbl = malloc((ZEROS * STEPS + 2) * sizeof(*tbl));
	if (!tbl) {
		free(o);
		return ENOMEM;
	}
	for (i = 0; i <= ZEROS * STEPS; i++)
		tbl[i] = kernel((double)i / STEPS);
	tbl[ZEROS * STEPS + 1] = 0.0;

	/* fc: cut-off relative to the input Nyquist frequency; half: the
	   kernel's half width in input samples */
	fc = rolloff * (out_rate < in_rate ? (double)out_rate / in_rate : 1.0);
	half = ZEROS / fc;
	taps = 2 * (size_t)ceil(half);
	L = out_rate / gcd(in_rate, out_rate);
	if (L <= MAX_PHASES)
		bank = malloc((size_t)L * taps * sizeof(*bank));
	if (bank)
		polyphase(in, n, in_rate, out_rate, tbl, fc, bank, taps, o, m);
	else
		direct(in, n, in_rate, out_rate, tbl, fc, half, o, m);
	free(bank);
	free(tbl);
	*out = o;
	*out_n = m;
	return 0;
}
