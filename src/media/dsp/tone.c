/**
 * @file tone.c  Call-progress tone plans and their generator.
 *
 * The table gives each country's tones as E.180 describes them: the
 * frequencies (two for the dual tones of NANP and the British Isles), the
 * level of each component, and the cadence as on/off pairs that repeat.
 * Levels: NANP uses the "precise tone plan" figures (dial -13, ringback
 * -19, busy and reorder -24 dBm0 per frequency); single European tones are
 * sent at -13 dBm0 and British dual tones at -19 dBm0 per frequency, both
 * inside the ranges E.180 lists.  Two sines at L dBm0 each sum to L + 3 dB,
 * and at -13 dBm0 each the peak is 2 x 5,080, far from clipping.
 *
 * Call waiting repeats with a long silence: the media tick keeps playing
 * it under the call until the feature stops it.
 */
#include <string.h>
#include <strings.h>
#include "media/dsp/tone.h"

#define S(f)  {f, 0}

static const struct tone_plan plans[] = {
	/* ITU-T / CEPT default: used for any country not listed */
	{"", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"", TONE_RINGBACK,     S(425), -13, 1, {{1000, 4000}}},
	{"", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"", TONE_CONGESTION,   S(425), -13, 1, {{250, 250}}},
	{"", TONE_CALL_WAITING, S(425), -13, 2, {{200, 200}, {200, 4400}}},

	{"FR", TONE_DIAL,         S(440), -13, 0, {{0, 0}}},
	{"FR", TONE_RINGBACK,     S(440), -13, 1, {{1500, 3500}}},
	{"FR", TONE_BUSY,         S(440), -13, 1, {{500, 500}}},
	{"FR", TONE_CONGESTION,   S(440), -13, 1, {{250, 250}}},
	{"FR", TONE_CALL_WAITING, S(440), -13, 1, {{300, 10000}}},

	{"GB", TONE_DIAL,         {350, 440}, -19, 0, {{0, 0}}},
	{"GB", TONE_RINGBACK,     {400, 450}, -19, 2, {{400, 200}, {400, 2000}}},
	{"GB", TONE_BUSY,         S(400), -13, 1, {{375, 375}}},
	{"GB", TONE_CONGESTION,   S(400), -13, 2, {{400, 350}, {225, 525}}},
	{"GB", TONE_CALL_WAITING, S(400), -13, 1, {{100, 4000}}},

	{"US", TONE_DIAL,         {350, 440}, -13, 0, {{0, 0}}},
	{"US", TONE_RINGBACK,     {440, 480}, -19, 1, {{2000, 4000}}},
	{"US", TONE_BUSY,         {480, 620}, -24, 1, {{500, 500}}},
	{"US", TONE_CONGESTION,   {480, 620}, -24, 1, {{250, 250}}},
	{"US", TONE_CALL_WAITING, S(440), -13, 1, {{300, 9700}}},

	{"DE", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"DE", TONE_RINGBACK,     S(425), -13, 1, {{1000, 4000}}},
	{"DE", TONE_BUSY,         S(425), -13, 1, {{480, 480}}},
	{"DE", TONE_CONGESTION,   S(425), -13, 1, {{240, 240}}},
	{"DE", TONE_CALL_WAITING, S(425), -13, 2, {{200, 200}, {200, 5000}}},

	{"BE", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"BE", TONE_RINGBACK,     S(425), -13, 1, {{1000, 3000}}},
	{"BE", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"BE", TONE_CONGESTION,   S(425), -13, 1, {{167, 167}}},
	{"BE", TONE_CALL_WAITING, S(1400), -13, 2, {{175, 175}, {175, 3500}}},

	{"CH", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"CH", TONE_RINGBACK,     S(425), -13, 1, {{1000, 4000}}},
	{"CH", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"CH", TONE_CONGESTION,   S(425), -13, 1, {{200, 200}}},
	{"CH", TONE_CALL_WAITING, S(425), -13, 2, {{200, 200}, {200, 4000}}},

	{"NL", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"NL", TONE_RINGBACK,     S(425), -13, 1, {{1000, 4000}}},
	{"NL", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"NL", TONE_CONGESTION,   S(425), -13, 1, {{250, 250}}},
	{"NL", TONE_CALL_WAITING, S(425), -13, 1, {{500, 9500}}},

	{"ES", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"ES", TONE_RINGBACK,     S(425), -13, 1, {{1500, 3000}}},
	{"ES", TONE_BUSY,         S(425), -13, 1, {{200, 200}}},
	{"ES", TONE_CONGESTION,   S(425), -13, 3,
	 {{200, 200}, {200, 200}, {200, 600}}},
	{"ES", TONE_CALL_WAITING, S(425), -13, 2, {{175, 175}, {175, 3500}}},

	{"IT", TONE_DIAL,         S(425), -13, 2, {{200, 200}, {600, 1000}}},
	{"IT", TONE_RINGBACK,     S(425), -13, 1, {{1000, 4000}}},
	{"IT", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"IT", TONE_CONGESTION,   S(425), -13, 1, {{200, 200}}},
	{"IT", TONE_CALL_WAITING, S(425), -13, 3,
	 {{400, 100}, {250, 100}, {150, 14000}}},

	{"AT", TONE_DIAL,         S(420), -13, 0, {{0, 0}}},
	{"AT", TONE_RINGBACK,     S(420), -13, 1, {{1000, 5000}}},
	{"AT", TONE_BUSY,         S(420), -13, 1, {{400, 400}}},
	{"AT", TONE_CONGESTION,   S(420), -13, 1, {{200, 200}}},
	{"AT", TONE_CALL_WAITING, S(420), -13, 1, {{40, 1950}}},

	{"IE", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"IE", TONE_RINGBACK,     {400, 450}, -19, 2, {{400, 200}, {400, 2000}}},
	{"IE", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"IE", TONE_CONGESTION,   S(400), -13, 2, {{400, 350}, {225, 525}}},
	{"IE", TONE_CALL_WAITING, S(425), -13, 2, {{180, 200}, {200, 4500}}},

	{"PT", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"PT", TONE_RINGBACK,     S(425), -13, 1, {{1000, 5000}}},
	{"PT", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"PT", TONE_CONGESTION,   S(425), -13, 1, {{200, 200}}},
	{"PT", TONE_CALL_WAITING, S(425), -13, 2, {{200, 200}, {200, 5000}}},

	{"LU", TONE_DIAL,         S(425), -13, 0, {{0, 0}}},
	{"LU", TONE_RINGBACK,     S(425), -13, 1, {{1000, 4000}}},
	{"LU", TONE_BUSY,         S(425), -13, 1, {{500, 500}}},
	{"LU", TONE_CONGESTION,   S(425), -13, 1, {{250, 250}}},
	{"LU", TONE_CALL_WAITING, S(425), -13, 2, {{200, 200}, {200, 5000}}},
};

const struct tone_plan *tone_plan(const char *country_iso2,
				  enum tone_kind kind)
{
	const struct tone_plan *dflt = NULL;
	const char *c = country_iso2 ? country_iso2 : "";

	if ((unsigned)kind >= TONE_KIND_COUNT)
		return NULL;
	if (!strcasecmp(c, "CA"))       /* one North American plan */
		c = "US";

	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		if (plans[i].kind != kind)
			continue;
		if (!plans[i].country[0])
			dflt = &plans[i];
		else if (!strcasecmp(plans[i].country, c))
			return &plans[i];
	}
	return dflt;
}

const char *tone_kind_name(enum tone_kind kind)
{
	static const char *const names[TONE_KIND_COUNT] = {
		"dial", "ringback", "busy", "congestion", "call-waiting",
	};

	return (unsigned)kind < TONE_KIND_COUNT ? names[kind] : "?";
}

void tone_gen_start(struct tone_gen *g, const struct tone_plan *plan)
{
	memset(g, 0, sizeof(*g));
	g->plan = plan;
	if (!plan)                      /* no plan: silence, never a crash */
		return;
	for (unsigned k = 0; k < TONE_MAX_FREQS && plan->freq_hz[k]; k++) {
		dsp_osc_set(&g->osc[k], plan->freq_hz[k]);
		g->amp[k] = dsp_dbm0_amp(plan->level_dbm0);
		g->nfreq++;
	}
	for (unsigned b = 0; b < plan->bursts; b++)
		g->cycle += (uint32_t)(plan->cadence[b].on_ms +
				       plan->cadence[b].off_ms) *
			    (AUDIO_RATE / 1000);
}

/* Where pos falls in the cycle: the burst's on length, the offset into
   the burst, and whether that offset is in the sounding part. */
static void tone_locate(const struct tone_gen *g, uint32_t *on_len,
			uint32_t *off, uint32_t *burst_len)
{
	const struct tone_plan *p = g->plan;
	uint32_t start = 0;

	for (unsigned b = 0; b < p->bursts; b++) {
		uint32_t on = p->cadence[b].on_ms * (AUDIO_RATE / 1000);
		uint32_t len = on + p->cadence[b].off_ms * (AUDIO_RATE / 1000);

		if (g->pos < start + len) {
			*on_len = on;
			*off = g->pos - start;
			*burst_len = len;
			return;
		}
		start += len;
	}
	/* not reached: pos < cycle, which is the sum of the bursts */
	*on_len = *off = 0;
	*burst_len = g->cycle - g->pos;
}

void tone_gen_frame(struct tone_gen *g, int16_t out[AUDIO_FRAME])
{
	uint32_t i = 0;

	if (!g->cycle) {
		/* continuous: only the first millisecond is shaped */
		dsp_burst(g->osc, g->amp, g->nfreq, out, AUDIO_FRAME, g->pos,
			  0);
		if (g->pos < DSP_RAMP)
			g->pos += AUDIO_FRAME;
		goto out;
	}

	while (i < AUDIO_FRAME) {
		uint32_t on, off, len, n;

		tone_locate(g, &on, &off, &len);
		if (off < on) {
			n = on - off;
			if (n > AUDIO_FRAME - i)
				n = AUDIO_FRAME - i;
			dsp_burst(g->osc, g->amp, g->nfreq, out + i, n, off,
				  on);
		}
		else {
			n = len - off;
			if (n > AUDIO_FRAME - i)
				n = AUDIO_FRAME - i;
			memset(out + i, 0, n * sizeof(*out));
		}
		i += n;
		g->pos += n;
		if (g->pos >= g->cycle)
			g->pos = 0;
	}
 out:
	for (unsigned k = 0; k < g->nfreq; k++)
		dsp_osc_renorm(&g->osc[k]);
}
