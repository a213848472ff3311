/**
 * @file osc.h  Private helpers of dsp/: a sine oscillator, levels in dBm0,
 * saturation, and the shaped "on" part of a tone burst.
 *
 * The oscillator is a rotating phasor (four multiplies a sample, no sin()
 * per sample, no table).  Its state carries over from frame to frame, so a
 * tone stays phase continuous across 20 ms frames; rounding would slowly
 * change its magnitude, so the phasor is put back on the unit circle once
 * per frame (dsp_osc_renorm), which costs one square root.
 */
#ifndef CENTREX_MEDIA_DSP_OSC_H
#define CENTREX_MEDIA_DSP_OSC_H

#include <math.h>
#include <stdint.h>
#include "media/audio.h"

/** A full-scale sine (amplitude 32767) is +3.14 dBm0 (G.711 A-law), the
 *  reference spandsp uses too: levels we generate and detect agree. */
#define DSP_DBM0_FULL_SINE 3.14

/** Samples of the linear rise and fall at each end of a burst (1 ms):
 *  without them every cadence edge is an audible click. */
enum { DSP_RAMP = AUDIO_RATE / 1000 };

struct dsp_osc {
	double re, im;       /**< unit phasor; the output is im (a sine) */
	double c, s;         /**< cos and sin of the step per sample */
};

static inline void dsp_osc_set(struct dsp_osc *o, double freq_hz)
{
	double w = 2.0 * M_PI * freq_hz / AUDIO_RATE;

	o->re = 1.0;
	o->im = 0.0;
	o->c = cos(w);
	o->s = sin(w);
}

static inline double dsp_osc_next(struct dsp_osc *o)
{
	double re = o->re * o->c - o->im * o->s;
	double im = o->re * o->s + o->im * o->c;

	o->re = re;
	o->im = im;
	return im;
}

static inline void dsp_osc_renorm(struct dsp_osc *o)
{
	double m = sqrt(o->re * o->re + o->im * o->im);

	if (m > 0.0) {
		o->re /= m;
		o->im /= m;
	}
}

/** Peak amplitude (linear, out of 32767) of a sine at @p dbm0. */
static inline double dsp_dbm0_amp(double dbm0)
{
	return 32767.0 * pow(10.0, (dbm0 - DSP_DBM0_FULL_SINE) / 20.0);
}

static inline int16_t dsp_sat16(int32_t v)
{
	if (v > INT16_MAX)
		return INT16_MAX;
	if (v < INT16_MIN)
		return INT16_MIN;
	return (int16_t)v;
}

/**
 * Write @p n samples of the sounding part of a burst of @p len samples,
 * starting @p off samples into it: the sum of @p nosc oscillators, each
 * at its own amplitude, with a DSP_RAMP rise and fall.  @p len 0 means a
 * burst without end (a continuous tone: only the rise).
 */
static inline void dsp_burst(struct dsp_osc *osc, const double *amp,
			     unsigned nosc, int16_t *out, uint32_t n,
			     uint32_t off, uint32_t len)
{
	for (uint32_t i = 0; i < n; i++, off++) {
		double v = 0.0, g = 1.0;

		for (unsigned k = 0; k < nosc; k++)
			v += amp[k] * dsp_osc_next(&osc[k]);
		if (off < DSP_RAMP)
			g = (off + 1.0) / DSP_RAMP;
		if (len && len - off < DSP_RAMP && (len - off) / (double)DSP_RAMP < g)
			g = (len - off) / (double)DSP_RAMP;
		out[i] = dsp_sat16((int32_t)lrint(v * g));
	}
}

#endif
