/**
 * @file dtmf.c  In-band DTMF: detection through spandsp at 8 kHz, and
 * generation at 16 kHz.
 *
 * The decimator is a half-band FIR (Blackman-windowed sinc, 47 taps):
 * every other coefficient is zero and outputs are computed only at the
 * even samples kept, so one 20 ms frame costs 160 x 13 multiply-adds
 * with the symmetric taps folded.  Its 23-sample delay (1.4 ms) does not
 * matter to detection.
 */
#include <errno.h>
#include <string.h>
#include <spandsp.h>
#include "media/dsp/dtmf.h"

/* Half-band taps h[1], h[3], ... h[23]; h[0] is 1/2 and the filter is
   symmetric (h[-k] = h[k]).  Response: 0 dB to 3 kHz, -0.24 dB at
   3.4 kHz, -6 dB at 4 kHz, -31 dB at 4.6 kHz, below -77 dB from 5 kHz,
   so nothing above 5 kHz folds onto the 697-1633 Hz DTMF band. */
static const float hb_odd[12] = {
	0.315883798f, -0.099016832f, 0.052465979f, -0.030992063f,
	0.018581654f, -0.010847626f, 0.005996360f, -0.003052238f,
	0.001371807f, -0.000495819f, 0.000104511f, 0.0f,
};

enum { HB_HALF = 23 };    /* taps each side of the centre */

static const uint16_t low_hz[4] = {697, 770, 852, 941};
static const uint16_t high_hz[4] = {1209, 1336, 1477, 1633};
static const char keypad[] = "123A456B789C*0#D";

static void det_digits(void *arg, const char *digits, int len)
{
	struct dtmf_det *d = arg;

	for (int i = 0; i < len; i++) {
		d->last = digits[i];
		d->count++;
		if (d->digit_h)
			d->digit_h(digits[i], d->arg);
	}
}

int dtmf_det_start(struct dtmf_det *d, dtmf_digit_h *digit_h, void *arg)
{
	memset(d, 0, sizeof(*d));
	d->digit_h = digit_h;
	d->arg = arg;
	d->rx = dtmf_rx_init(NULL, det_digits, d);
	return d->rx ? 0 : ENOMEM;
}

void dtmf_det_frame(struct dtmf_det *d, const int16_t in[AUDIO_FRAME])
{
	float x[DTMF_HB_HIST + AUDIO_FRAME];
	int16_t y[AUDIO_FRAME / 2];

	memcpy(x, d->hist, sizeof(d->hist));
	for (unsigned i = 0; i < AUDIO_FRAME; i++)
		x[DTMF_HB_HIST + i] = in[i];

	for (unsigned m = 0; m < AUDIO_FRAME / 2; m++) {
		const float *c = &x[2 * m + HB_HALF];
		float v = 0.5f * c[0];

		for (unsigned k = 0; k < 12; k++)
			v += hb_odd[k] * (c[-(int)(2 * k + 1)] + c[2 * k + 1]);
		y[m] = dsp_sat16((int32_t)lrintf(v));
	}
	memcpy(d->hist, &x[AUDIO_FRAME], sizeof(d->hist));

	if (d->rx)
		dtmf_rx(d->rx, y, AUDIO_FRAME / 2);
}

void dtmf_det_stop(struct dtmf_det *d)
{
	if (d->rx)
		dtmf_rx_free(d->rx);
	d->rx = NULL;
}

void dtmf_gen_start(struct dtmf_gen *g, unsigned on_ms, unsigned off_ms)
{
	memset(g, 0, sizeof(*g));
	g->on = (on_ms ? on_ms : DTMF_GEN_ON_MS) * (AUDIO_RATE / 1000);
	g->off = (off_ms ? off_ms : DTMF_GEN_OFF_MS) * (AUDIO_RATE / 1000);
	g->amp[0] = dsp_dbm0_amp(DTMF_GEN_LOW_DBM0);
	g->amp[1] = dsp_dbm0_amp(DTMF_GEN_HIGH_DBM0);
}

int dtmf_gen_put(struct dtmf_gen *g, const char *digits)
{
	size_t n = strlen(digits);

	for (size_t i = 0; i < n; i++)
		if (dtmf_event_of(digits[i]) < 0)
			return EINVAL;
	if (n > DTMF_GEN_QUEUE - g->len)
		return ENOSPC;
	for (size_t i = 0; i < n; i++) {
		char c = digits[i];

		if (c >= 'a' && c <= 'd')
			c = (char)(c - 'a' + 'A');
		g->queue[(g->head + g->len++) % DTMF_GEN_QUEUE] = c;
	}
	return 0;
}

/* Take the next queued digit and tune the two oscillators to it. */
static void gen_next(struct dtmf_gen *g)
{
	unsigned k = (unsigned)(strchr(keypad, g->queue[g->head]) - keypad);

	g->head = (g->head + 1) % DTMF_GEN_QUEUE;
	g->len--;
	dsp_osc_set(&g->osc[0], low_hz[k / 4]);
	dsp_osc_set(&g->osc[1], high_hz[k % 4]);
	g->pos = 0;
	g->busy = true;
}

bool dtmf_gen_frame(struct dtmf_gen *g, int16_t out[AUDIO_FRAME])
{
	uint32_t i = 0;

	while (i < AUDIO_FRAME) {
		uint32_t n;

		if (!g->busy) {
			if (!g->len) {
				memset(out + i, 0, (AUDIO_FRAME - i) *
				       sizeof(*out));
				break;
			}
			gen_next(g);
		}
		if (g->pos < g->on) {
			n = g->on - g->pos;
			if (n > AUDIO_FRAME - i)
				n = AUDIO_FRAME - i;
			dsp_burst(g->osc, g->amp, 2, out + i, n, g->pos,
				  g->on);
		}
		else {
			n = g->on + g->off - g->pos;
			if (n > AUDIO_FRAME - i)
				n = AUDIO_FRAME - i;
			memset(out + i, 0, n * sizeof(*out));
		}
		i += n;
		g->pos += n;
		if (g->pos >= g->on + g->off)
			g->busy = false;
	}
	dsp_osc_renorm(&g->osc[0]);
	dsp_osc_renorm(&g->osc[1]);
	return g->busy || g->len;
}
