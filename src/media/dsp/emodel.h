/**
 * @file emodel.h  Call quality of one leg: ITU-T G.107 E-model R factor
 * and MOS, on the narrowband scale (R at most 93.2, MOS at most 4.5).
 *
 * Inputs are what the RTP statistics give: codec, packet loss (random, or
 * bursty through BurstR), round-trip time, and the jitter buffer depth.
 * The simplified E-model used by network planners:
 *
 *   R   = 93.2 - Idd(Ta) - Ie,eff
 *   Ta  = RTT / 2 + jitter buffer + codec delay (frame + look-ahead)
 *   Idd = 0 if Ta <= 100 ms, else
 *         25 ((1 + X^6)^(1/6) - 3 (1 + (X/3)^6)^(1/6) + 2),
 *         X = log2(Ta / 100)                                  (G.107 7.3)
 *   Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl)       (G.107 7.4)
 *   MOS = 1 + 0.035 R + R (R - 60) (100 - R) 7e-6, clamped to 1..4.5
 *
 * 93.2 is R with every other G.107 parameter at its default (echo well
 * cancelled, quiet rooms).  Codec values (Ie, Bpl) are in emodel.c with
 * their sources.
 */
#ifndef CENTREX_MEDIA_DSP_EMODEL_H
#define CENTREX_MEDIA_DSP_EMODEL_H

enum emodel_codec {
	EMODEL_G711,        /**< PCMU/PCMA with packet loss concealment */
	EMODEL_G711_NOPLC,  /**< PCMU/PCMA, lost packets played as silence */
	EMODEL_G722,
	EMODEL_OPUS,
	EMODEL_G729,
	EMODEL_CODEC_COUNT
};

/** One leg as measured. */
struct emodel_leg {
	enum emodel_codec codec;
	double loss_pct;        /**< packets lost, 0..100 */
	double burst_r;         /**< BurstR: 1 = random loss; 0 taken as 1 */
	double rtt_ms;          /**< round trip (RTCP); half counts */
	double jitter_buf_ms;   /**< playout delay of the jitter buffer */
};

struct emodel_result {
	double delay_ms;        /**< Ta, one-way mouth to ear */
	double r;               /**< transmission rating */
	double mos;             /**< 1.0..4.5 */
};

/**
 * Codec of an SDP encoding name: "PCMU", "PCMA" (with PLC), "G722",
 * "opus", "G729" (case-insensitive).
 * @return 0, or ENOENT (then @p codec is left alone).
 */
int emodel_codec_by_name(const char *name, enum emodel_codec *codec);

/** MOS (1.0..4.5) of a rating @p r (G.107 annex B). */
double emodel_mos(double r);

/** Estimate R and MOS of @p leg. */
void emodel_estimate(const struct emodel_leg *leg, struct emodel_result *res);

#endif
