/**
 * @file emodel.c  The E-model (ITU-T G.107) and its codec table.
 *
 * Ie (equipment impairment) and Bpl (packet-loss robustness):
 * - G.711 with PLC: Ie 0, Bpl 25.1; without PLC: Bpl 4.3 (ITU-T G.113
 *   Appendix I, random loss, G.711 Appendix I concealment).
 * - G.729(A): Ie 11, Bpl 19.0 (G.113 Appendix I, with VAD/PLC).
 * - G.722 at 64 kbit/s: G.113 rates it only on the wideband scale, where
 *   it sits below wideband G.711-equivalent quality; on the narrowband
 *   scale it is at least as good as G.711, so Ie 0.  Its Appendix III/IV
 *   concealment is taken as a little weaker than G.711's: Bpl 20 (our
 *   choice, conservative).
 * - Opus (wideband, 20 ms, built-in concealment): no G.113 narrowband
 *   figures; Ie 0 and Bpl 25, like G.711 with PLC (our choice: Opus's
 *   concealment is at least as good and its clean quality better).
 * Codec delay = one 20 ms frame plus the encoder's look-ahead (G.711 0,
 * G.722 1.5 ms, Opus 6.5 ms, G.729 5 ms).
 */
#include <errno.h>
#include <math.h>
#include <strings.h>
#include "media/dsp/emodel.h"

#define EMODEL_R0 93.2

static const struct {
	double ie, bpl, delay_ms;
} codecs[EMODEL_CODEC_COUNT] = {
	[EMODEL_G711]       = {0.0, 25.1, 20.0},
	[EMODEL_G711_NOPLC] = {0.0, 4.3, 20.0},
	[EMODEL_G722]       = {0.0, 20.0, 21.5},
	[EMODEL_OPUS]       = {0.0, 25.0, 26.5},
	[EMODEL_G729]       = {11.0, 19.0, 25.0},
};

int emodel_codec_by_name(const char *name, enum emodel_codec *codec)
{
	static const struct {
		const char *name;
		enum emodel_codec codec;
	} names[] = {
		{"PCMU", EMODEL_G711}, {"PCMA", EMODEL_G711},
		{"G722", EMODEL_G722}, {"opus", EMODEL_OPUS},
		{"G729", EMODEL_G729},
	};

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(name, names[i].name)) {
			*codec = names[i].codec;
			return 0;
		}
	return ENOENT;
}

double emodel_mos(double r)
{
	double mos;

	if (r <= 0.0)
		return 1.0;
	if (r >= 100.0)
		return 4.5;
	mos = 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
	return mos < 1.0 ? 1.0 : mos > 4.5 ? 4.5 : mos;
}

/* Impairment by absolute delay alone (G.107 Idd); echo is assumed
   cancelled, so the talker-echo terms stay at their default values. */
static double emodel_idd(double ta_ms)
{
	double x;

	if (ta_ms <= 100.0)
		return 0.0;
	x = log2(ta_ms / 100.0);
	return 25.0 * (pow(1.0 + pow(x, 6.0), 1.0 / 6.0) -
		       3.0 * pow(1.0 + pow(x / 3.0, 6.0), 1.0 / 6.0) + 2.0);
}

void emodel_estimate(const struct emodel_leg *leg, struct emodel_result *res)
{
	enum emodel_codec c = (unsigned)leg->codec < EMODEL_CODEC_COUNT ?
			      leg->codec : EMODEL_G711;
	double ppl = leg->loss_pct, burst = leg->burst_r, ie_eff;

	if (!(ppl >= 0.0))             /* also catches NaN */
		ppl = 0.0;
	if (ppl > 100.0)
		ppl = 100.0;
	if (!(burst >= 1.0))
		burst = 1.0;

	ie_eff = codecs[c].ie + (95.0 - codecs[c].ie) * ppl /
		 (ppl / burst + codecs[c].bpl);

	res->delay_ms = (leg->rtt_ms > 0.0 ? leg->rtt_ms / 2.0 : 0.0) +
			(leg->jitter_buf_ms > 0.0 ? leg->jitter_buf_ms : 0.0) +
			codecs[c].delay_ms;
	res->r = EMODEL_R0 - emodel_idd(res->delay_ms) - ie_eff;
	res->mos = emodel_mos(res->r);
}
