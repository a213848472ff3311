/**
 * @file audio.h  The one audio format inside the media engine.
 *
 * Whatever a leg's codec, audio that we decode, generate, mix, detect in
 * or record is 16 kHz mono signed 16-bit linear PCM in frames of 20 ms.
 * One format means one mixer, one recorder and one prompt cache; 16 kHz
 * keeps wideband callers (G.722, Opus) wideband, and narrowband audio is
 * resampled once at the edge (codec/) or once at load (prompt/).
 */
#ifndef CENTREX_MEDIA_AUDIO_H
#define CENTREX_MEDIA_AUDIO_H

#include <stdint.h>

enum {
	AUDIO_RATE = 16000,                       /**< samples per second */
	AUDIO_FRAME_MS = 20,
	AUDIO_FRAME = AUDIO_RATE / 1000 * AUDIO_FRAME_MS,  /**< 320 samples */
};

#endif
