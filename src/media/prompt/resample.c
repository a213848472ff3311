/**
 * @file resample.c  Offline sample-rate conversion for prompts.
 *
 * A windowed-sinc interpolator: each output sample is the input
 * convolved with a Kaiser-windowed sinc centred on the output instant.
 * When going down in rate the sinc is stretched so that its cut-off sits
 * below the new Nyquist frequency (no aliasing); going up it sits below
 * the old one (no images).  The kernel is tabulated once per call and
 * read with linear interpolation between table points.
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

int wav_resample(const int16_t *in, size_t n, unsigned in_rate,
		 unsigned out_rate, int16_t **out, size_t *out_n)
{
	double fc, half, *tbl;
	size_t i, m;
	int16_t *o;

	if (!in_rate || !out_rate || !out || !out_n)
		return EINVAL;
	m = (size_t)(((uint64_t)n * out_rate + in_rate / 2) / in_rate);
	o = malloc((m ? m : 1) * sizeof(*o));
	if (!o)
		return ENOMEM;
	if (in_rate == out_rate) {
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

	/* fc: cut-off in cycles per input sample, times 2 (1 = input
	   Nyquist); half: the kernel's half width in input samples */
	fc = rolloff * (out_rate < in_rate ? (double)out_rate / in_rate : 1.0);
	half = ZEROS / fc;

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
		for (k = lo; k <= hi; k++) {
			double u = fabs(t - (double)k) * fc * STEPS;
			size_t j = (size_t)u;
			double w;

			if (j >= ZEROS * STEPS)
				continue;
			w = tbl[j] + (tbl[j + 1] - tbl[j]) * (u - (double)j);
			acc += w * in[k];
		}
		acc *= fc;
		o[i] = (int16_t)(acc > 32767.0 ? 32767 : acc < -32768.0 ?
				 -32768 : lrint(acc));
	}
	free(tbl);
	*out = o;
	*out_n = m;
	return 0;
}
