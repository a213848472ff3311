/**
 * @file fuzz_wav.c  libFuzzer target: customer-uploaded WAV files through
 * wav_to_audio().
 *
 * The first byte picks the length limit (0 = none, else 1..255 s) so the
 * limit check meets odd sizes too.  Any input must either be refused
 * with a sentence or give exactly the samples its frames call for.  Saved
 * inputs live in tests/fuzz/corpus/wav.
 */
#include <stdint.h>
#include <stdlib.h>

/* compiled in so that the fuzz build instruments the parser (see
   fuzz_rtp.c) */
#include "media/prompt/wav.c"
#include "media/prompt/resample.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *err = NULL;
	struct wav_info wi;
	int16_t *pcm = NULL;
	size_t n = 0;

	if (!size)
		return 0;
	if (wav_to_audio(data + 1, size - 1, data[0], &pcm, &n, &err)) {
		if (!err || !*err || pcm)
			abort();
		return 0;
	}
	if (wav_parse(data + 1, size - 1, &wi, &err))
		abort();
	if (wi.data < data + 1 ||
	    wi.data + wi.frames * wi.block > data + size ||
	    n != (wi.frames * AUDIO_RATE + wi.rate / 2) / wi.rate)
		abort();
	free(pcm);
	return 0;
}
