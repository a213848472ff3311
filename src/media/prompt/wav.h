/**
 * @file wav.h  RIFF/WAVE files in memory: check, decode, write a header.
 *
 * Files come from customers (uploads), from Debian packages and from
 * espeak-ng.  Whatever they hold, the engine plays AUDIO_RATE mono int16,
 * so a file is checked once, decoded, downmixed and resampled once, at
 * load time.  Accepted: 8-bit unsigned and 16-bit signed PCM, A-law
 * (format 6), mu-law (format 7), and WAVE_FORMAT_EXTENSIBLE carrying one
 * of those; mono or stereo; 8000 to 48000 Hz.  Chunks may come in any
 * order; odd-sized chunks are padded.  A size that points past the end of
 * the buffer is refused rather than trusted.
 *
 * Error sentences are written for a customer (the REST API shows them
 * as-is): they say what is wrong with the file, not where in our code.
 */
#ifndef CENTREX_MEDIA_PROMPT_WAV_H
#define CENTREX_MEDIA_PROMPT_WAV_H

#include <stddef.h>
#include <stdint.h>

enum wav_enc { WAV_PCM8, WAV_PCM16, WAV_ALAW, WAV_ULAW };

/* What wav_parse() found; data points into the caller's buffer. */
struct wav_info {
	enum wav_enc enc;
	unsigned rate;            /**< Hz */
	unsigned channels;        /**< 1 or 2 */
	unsigned block;           /**< bytes per frame (all channels) */
	const uint8_t *data;      /**< borrowed: first audio byte */
	size_t frames;            /**< whole frames in data */
};

/* Checks the container and format.  Returns 0, or EINVAL (damaged file),
   ENOTSUP (valid but unsupported) with *err set.  An *err sentence lives
   until the next call on the same thread. */
int wav_parse(const uint8_t *buf, size_t len, struct wav_info *wi,
	      const char **err);

/* Decodes any supported WAV to AUDIO_RATE mono int16 (malloc'd *pcm, *n samples). max_seconds 0 = no limit. Returns 0, or an errno-like code with *err set to a sentence for the user. */
int wav_to_audio(const uint8_t *buf, size_t len, unsigned max_seconds, int16_t **pcm, size_t *n, const char **err);

/* A 44-byte PCM16 header for `data_bytes` of audio at rate/channels (for writers that patch the sizes at the end). */
void wav_header(uint8_t hdr[44], unsigned rate, unsigned channels, uint32_t data_bytes);

/* Offline windowed-sinc resampler (prompts, once per file): n samples at
   in_rate to a malloc'd *out of *out_n samples at out_rate.  0 or ENOMEM. */
int wav_resample(const int16_t *in, size_t n, unsigned in_rate,
		 unsigned out_rate, int16_t **out, size_t *out_n);

#endif
