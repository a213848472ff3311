/**
 * @file resample.h  Streaming 8 kHz <-> 16 kHz conversion.
 *
 * Narrowband codecs (G.711) and narrowband detectors (DTMF) meet the
 * engine's 16 kHz audio here.  Both directions use one linear-phase
 * half-band FIR (55 taps, Kaiser window): flat to 3.4 kHz (0.01 dB),
 * at least 60 dB down from 4.6 kHz, so that 16k -> 8k does not fold
 * 4-8 kHz back into the voice band and 8k -> 16k leaves no image above
 * 4 kHz.  In a half-band filter every other tap is zero, which halves the
 * work: each output sample costs 14 multiplies.
 *
 * The state is a plain struct so that it lives inside its owner (no
 * allocation); one state serves one direction of one stream, and the
 * blocks passed to it may have any length.  The delay is 27 samples at
 * 16 kHz (1.7 ms) in either direction.
 */
#ifndef CENTREX_MEDIA_CODEC_RESAMPLE_H
#define CENTREX_MEDIA_CODEC_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

enum {
	RESAMPLE_TAPS = 55,          /**< filter length at 16 kHz */
};

struct media_resample {
	int16_t hist[2 * RESAMPLE_TAPS];  /**< last TAPS samples at 16 kHz, twice */
	unsigned pos;                     /**< where the next sample goes */
	unsigned phase;                   /**< 16k -> 8k: odd input pending */
};

/* Forget the past (a new stream): the state is then all silence. */
void   media_resample_reset(struct media_resample *r);
/* 8 kHz -> 16 kHz: n samples in, 2n out; returns 2n. */
size_t media_resample_up(struct media_resample *r, int16_t *out,
			 const int16_t *in, size_t n);
/* 16 kHz -> 8 kHz: n samples in, returns how many came out (n / 2 for
   even blocks; an odd block leaves its last sample for the next call). */
size_t media_resample_down(struct media_resample *r, int16_t *out,
			   const int16_t *in, size_t n);

#endif
