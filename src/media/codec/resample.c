/**
 * @file resample.c  The half-band FIR of resample.h, in both directions.
 *
 * The filter h (DC gain 1, centre tap 1/2, zero at every other even
 * offset) was designed as a windowed sinc: h[k] = sin(pi k/2) / (pi k)
 * times a Kaiser window of beta 6.5 over k = -27..27.  Only its odd taps
 * are stored, one side of the symmetry, as Q15 of 2 h[k] (the gain the
 * up-sampler needs after inserting zeros); the first tap was nudged by
 * one unit so the odd taps sum to exactly 1/2 and a constant passes
 * unchanged.
 */
#include <string.h>
#include "media/codec/resample.h"

enum {
	HALF = 27,                  /**< centre of the 55-tap filter */
	NODD = (HALF + 1) / 2,      /**< odd taps on one side: 14 */
	UP_LEN = HALF + 1,          /**< 8 kHz samples the up-sampler sees */
	DOWN_LEN = RESAMPLE_TAPS,   /**< 16 kHz samples the down-sampler sees */
};

/* 2 h[2i+1] in Q15, i = 0..13 */
static const int32_t hb[NODD] = {
	20776, -6701, 3763, -2430, 1648, -1132, 770,
	-513, 329, -200, 114, -58, 25, -7,
};

static int16_t sat16(int64_t v)
{
	if (v > INT16_MAX)
		return INT16_MAX;
	if (v < INT16_MIN)
		return INT16_MIN;
	return (int16_t)v;
}

/* Append x to the doubled delay line of length len and return the
   window of its last len samples, oldest first. */
static const int16_t *push(struct media_resample *r, unsigned len, int16_t x)
{
	r->hist[r->pos] = x;
	r->hist[r->pos + len] = x;
	if (++r->pos == len)
		r->pos = 0;
	return &r->hist[r->pos];
}

void media_resample_reset(struct media_resample *r)
{
	memset(r, 0, sizeof(*r));
}

size_t media_resample_up(struct media_resample *r, int16_t *out,
			 const int16_t *in, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const int16_t *w = push(r, UP_LEN, in[k]);
		/* 64 bits: a worst-case input reaches 2.5e9 */
		int64_t acc = 1 << 14;

		/* the new sample between w[13] and w[14]: odd taps only */
		for (unsigned i = 0; i < NODD; i++)
			acc += (int64_t)hb[i] * (w[14 + i] + w[13 - i]);
		out[2 * k] = sat16(acc >> 15);
		/* the original sample: the centre tap alone */
		out[2 * k + 1] = w[14];
	}
	return 2 * n;
}

size_t media_resample_down(struct media_resample *r, int16_t *out,
			   const int16_t *in, size_t n)
{
	size_t o = 0;

	for (size_t k = 0; k < n; k++) {
		const int16_t *w = push(r, DOWN_LEN, in[k]);
		int64_t acc;

		r->phase ^= 1;
		if (r->phase)
			continue;       /* decimate: every second sample */
		acc = (int64_t)w[HALF] * 32768 + (1 << 15);
		for (unsigned i = 0; i < NODD; i++)
			acc += (int64_t)hb[i] * (w[HALF + 1 + 2 * i] +
						 w[HALF - 1 - 2 * i]);
		out[o++] = sat16(acc >> 16);
	}
	return o;
}
