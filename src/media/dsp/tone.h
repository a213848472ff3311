/**
 * @file tone.h  Call-progress tones, generated: dial, ringback, busy,
 * congestion (reorder) and call waiting, per country.
 *
 * Each country's tones come from a constant table (tone.c) with the
 * frequencies, level and cadence of ITU-T E.180 (and its supplement, the
 * national figures operators publish): FR, GB, US/CA (NANP), DE, BE, CH,
 * NL, ES, IT, AT, IE, PT, LU.  Any other country gets the CEPT/ITU default
 * (425 Hz; ringback 1 s on 4 s off; busy 0.5/0.5; congestion 0.25/0.25).
 *
 * A generator is a small value (no allocation): start it from a plan, then
 * ask it for one 20 ms frame per media tick.  The sine phase carries over
 * from frame to frame and the cadence is counted in samples, so a 1.5 s
 * burst is exactly 24,000 samples whatever the frame boundaries.  Each
 * burst rises and falls over 1 ms so that cadence edges do not click.
 *
 * Cost: about 6 multiplies per sample and frequency while sounding,
 * nothing but a memset while silent.
 */
#ifndef CENTREX_MEDIA_DSP_TONE_H
#define CENTREX_MEDIA_DSP_TONE_H

#include <stdint.h>
#include "media/audio.h"
#include "media/dsp/osc.h"

enum tone_kind {
	TONE_DIAL,
	TONE_RINGBACK,
	TONE_BUSY,
	TONE_CONGESTION,        /**< "reorder" in NANP, "number unobtainable" */
	TONE_CALL_WAITING,
	TONE_KIND_COUNT
};

enum {
	TONE_MAX_FREQS = 2,
	TONE_MAX_BURSTS = 4,    /**< on/off pairs in one cadence cycle */
};

/** One burst of a cadence: sounding for on_ms, then silent for off_ms. */
struct tone_burst {
	uint16_t on_ms;
	uint16_t off_ms;
};

/** A tone of one country.  Tables are constant; plans live forever. */
struct tone_plan {
	char country[3];                     /**< ISO 3166 alpha-2, "" = default */
	enum tone_kind kind;
	uint16_t freq_hz[TONE_MAX_FREQS];    /**< second 0 for a single tone */
	int8_t level_dbm0;                   /**< level of EACH frequency */
	uint8_t bursts;                      /**< 0 = continuous */
	struct tone_burst cadence[TONE_MAX_BURSTS];  /**< repeats for ever */
};

/** Generator state: a plain value, no allocation, no release. */
struct tone_gen {
	const struct tone_plan *plan;        /**< borrowed: constant table */
	struct dsp_osc osc[TONE_MAX_FREQS];
	double amp[TONE_MAX_FREQS];          /**< peak of each sine */
	unsigned nfreq;
	uint32_t pos;       /**< sample within the cadence cycle */
	uint32_t cycle;     /**< samples in one cycle; 0 = continuous */
};

/**
 * The plan for @p country_iso2 (case-insensitive; "CA" shares "US") and
 * @p kind.  An unknown, empty or NULL country gives the ITU/CEPT default.
 * @return the plan, or NULL only if @p kind is out of range.
 */
const struct tone_plan *tone_plan(const char *country_iso2,
				  enum tone_kind kind);

/** Name of a tone kind ("ringback"), for logs. */
const char *tone_kind_name(enum tone_kind kind);

/**
 * Start @p g on @p plan from the beginning of its cadence (first burst
 * sounding).  Named _start, not _init: spandsp exports tone_gen_init() and
 * a second definition would take over its calls (see DESIGN.md on
 * goertzel_*).  A NULL @p plan gives silence.
 */
void tone_gen_start(struct tone_gen *g, const struct tone_plan *plan);

/** Write the next 20 ms of the tone into @p out. */
void tone_gen_frame(struct tone_gen *g, int16_t out[AUDIO_FRAME]);

#endif
