/*
 * mediacost.c: the mixer and the codecs timed on their own, without the
 * network (mediaload.c has them on relays, in conferences and transcoded
 * calls).
 *
 * mix: CPU time of one conference mixer tick (dsp/mixer.h, every party
 * talking to all) at 3, 5, 10 and 20 parties, and of one 20 ms frame
 * through each codec's encoder (media_enc_frame) and decoder
 * (media_dec_put + media_dec_get: jitter buffer, decoder, resampling),
 * so that a conference party's cost is mix + decode + encode of its
 * codec.  Thread CPU time (CLOCK_THREAD_CPUTIME_ID), each figure run
 * for at least -t / 10 seconds of CPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "media/audio.h"
#include "media/codec/codec.h"
#include "media/dsp/mixer.h"
#include "mediaload.h"

#define FRAME_NS 20000000ull
#define ENC_MAX  1500
#define FRAMES   500               /* 10 s of audio per codec pass */

static double thread_cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* frame f of the audio, wrapping */
static void frame_at(const int16_t *pcm, size_t n, size_t f, int16_t *out)
{
	for (size_t i = 0; i < AUDIO_FRAME; i++)
		out[i] = pcm[(f * AUDIO_FRAME + i) % n];
}

static void mix_cost(const int16_t *pcm, size_t n, double budget_s)
{
	static const int sizes[] = {3, 5, 10, 20};
	static int16_t in[MIXER_MAX][AUDIO_FRAME], out[MIXER_MAX][AUDIO_FRAME];

	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		const int16_t *ip[MIXER_MAX] = {0};
		int16_t *op[MIXER_MAX] = {0};
		struct mixer m;
		double c0, c1;
		uint64_t ticks = 0;
		int p = sizes[k];

		mixer_init(&m);
		for (int i = 0; i < p; i++) {
			if (mixer_join(&m) != i)
				ml_fail("mixer_join: party %d refused", i);
			/* each party says something else */
			frame_at(pcm, n, (size_t)i * 37, in[i]);
			ip[i] = in[i];
			op[i] = out[i];
		}
		c0 = thread_cpu_s();
		do {
			for (int r = 0; r < 1000; r++)
				mixer_mix(&m, ip, op);
			ticks += 1000;
			c1 = thread_cpu_s();
		} while (c1 - c0 < budget_s);
		printf("mix_p%d_us_frame=%.3f\nmix_p%d_us_party=%.3f\n", p,
		       1e6 * (c1 - c0) / (double)ticks, p,
		       1e6 * (c1 - c0) / (double)ticks / p);
	}
}

static void codec_cost(enum codec_id id, const int16_t *pcm, size_t n,
		       double budget_s)
{
	static uint8_t pay[FRAMES][ENC_MAX];
	static int len[FRAMES];
	struct media_enc *enc = media_enc_alloc(id, NULL);
	struct media_dec *dec = media_dec_alloc(id, NULL);
	struct media_dec_stats st;
	const char *name = codec_name(id);
	uint64_t frames = 0, played = 0, now_us = 1000000;
	uint32_t ts = 0, step = codec_frame_ts(id);
	uint16_t seq = 0;
	double enc_s = 0, dec_s = 0, c0;
	int16_t frame[AUDIO_FRAME];

	if (!enc || !dec)
		ml_fail("%s: no encoder or decoder", name);
	do {
		/* encode a pass, then decode it as a steady stream */
		for (size_t f = 0; f < FRAMES; f++) {
			frame_at(pcm, n, f, frame);
			c0 = thread_cpu_s();
			len[f] = media_enc_frame(enc, frame, pay[f], ENC_MAX);
			enc_s += thread_cpu_s() - c0;
			if (len[f] <= 0)
				ml_fail("%s: encoder failed", name);
		}
		c0 = thread_cpu_s();
		for (size_t f = 0; f < FRAMES; f++) {
			media_dec_put(dec, seq++, ts, 0x1234, f == 0 && !frames,
				      pay[f], (size_t)len[f], now_us);
			ts += step;
			played += media_dec_get(dec, frame, now_us);
			now_us += FRAME_NS / 1000;
		}
		dec_s += thread_cpu_s() - c0;
		frames += FRAMES;
	} while (enc_s + dec_s < budget_s);
	media_dec_stats(dec, &st);
	printf("codec_%s_enc_us=%.2f\ncodec_%s_dec_us=%.2f\n"
	       "codec_%s_frames=%llu\ncodec_%s_played=%llu\n"
	       "codec_%s_concealed=%llu\n",
	       name, 1e6 * enc_s / (double)frames,
	       name, 1e6 * dec_s / (double)frames,
	       name, (unsigned long long)frames,
	       name, (unsigned long long)played,
	       name, (unsigned long long)st.concealed);
	media_enc_free(enc);
	media_dec_free(dec);
}

int ml_mix(const struct ml_opts *o)
{
	size_t n;
	int16_t *pcm = ml_audio(o->speech, 60, &n);
	double budget = o->window_s / 10;

	printf("mode=mix\n");
	mix_cost(pcm, n, budget);
	codec_cost(CODEC_PCMU, pcm, n, budget);
	codec_cost(CODEC_PCMA, pcm, n, budget);
	codec_cost(CODEC_G722, pcm, n, budget);
	codec_cost(CODEC_OPUS, pcm, n, budget);
	free(pcm);
	return 0;
}
