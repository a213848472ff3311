/*
 * mediacost.c: the media pieces that no relay drives yet, measured on
 * their own in this process (see mediaload.c for the relay steps).
 *
 * mix: CPU time of one conference mixer tick (dsp/mixer.h, every party
 * talking to all) at 3, 5, 10 and 20 parties, and of one 20 ms frame
 * through each codec's encoder (media_enc_frame) and decoder
 * (media_dec_put + media_dec_get: jitter buffer, decoder, resampling),
 * so that a conference party's cost is mix + decode + encode of its
 * codec.  Thread CPU time (CLOCK_THREAD_CPUTIME_ID), each figure run
 * for at least -t / 10 seconds of CPU.
 *
 * record: N recordings (record/record.h) fed like media threads feed
 * them: every 20 ms one frame of 320 samples (x -C channels) into each
 * ring, from this thread, paced on the monotonic clock, for -W + -t
 * seconds.  Then every recording is closed, the writer stopped, and its
 * results summed: frames in the files, frames dropped to full rings,
 * errors, bytes.  The writer thread's CPU is read over the -t window;
 * syncfs() afterwards says how long the disk took to take what the page
 * cache held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "media/audio.h"
#include "media/codec/codec.h"
#include "media/dsp/mixer.h"
#include "record/record.h"
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

/* ---- recording writer ---------------------------------------------------- */

struct recdone {
	struct rec_result r;
	bool done;
};

static void rec_done(const struct rec_result *res, void *arg)
{
	struct recdone *d = arg;

	d->r = *res;
	d->done = true;
}

int ml_record(const struct ml_opts *o)
{
	struct recwriter_conf conf = {.data_dir = o->dir};
	struct recwriter *w = NULL;
	struct rec_file **files;
	struct recdone *res;
	int16_t *pcm, *loop;
	size_t n, loop_frames = 50, fsz = (size_t)AUDIO_FRAME * o->channels;
	uint64_t t0, w0, w1, due, lag = 0, k = 0, full = 0, c0 = 0, c1 = 0;
	uint64_t frames = 0, dropped = 0, bytes = 0, done = 0, errs = 0;
	uint64_t f0 = 0, f1 = 0, t_close, t_sync;
	unsigned ch = o->channels;
	int tid = 0, err, dfd;
	bool in_window = false;

	if (!o->n || !o->dir || (ch != 1 && ch != 2))
		ml_fail("record: -n, -d and -C 1|2 are needed");
	files = calloc(o->n, sizeof(*files));
	res = calloc(o->n, sizeof(*res));
	pcm = ml_audio(o->speech, 60, &n);
	loop = malloc(loop_frames * fsz * sizeof(*loop));
	if (!files || !res || !loop)
		ml_die("calloc");
	/* 1 s of what the media thread hands over: the speech, and in two
	   channels the other leg half a second further on */
	for (size_t i = 0; i < loop_frames * AUDIO_FRAME; i++)
		for (unsigned c = 0; c < ch; c++)
			loop[i * ch + c] = pcm[(i + c * AUDIO_RATE / 2) % n];

	err = recwriter_start(&w, &conf);
	if (err)
		ml_fail("recwriter_start: %s", strerror(err));
	tid = ml_find_thread("centrexd-rec");
	if (!tid)
		ml_fail("no writer thread named centrexd-rec");
	for (unsigned i = 0; i < o->n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/rec-%05u.wav", o->dir, i);
		files[i] = rec_open(w, path, ch);
		if (!files[i])
			ml_fail("rec_open %u: no memory", i);
	}

	t0 = ml_now_ns() + 50000000ull;
	w0 = t0 + (uint64_t)(o->warm_s * 1e9);
	w1 = w0 + (uint64_t)(o->window_s * 1e9);
	for (due = t0; due < w1; due = t0 + ++k * FRAME_NS) {
		const int16_t *frame = loop + (k % loop_frames) * fsz;
		uint64_t now;

		ml_sleep_until(due);
		now = ml_now_ns();
		if (now - due > lag)
			lag = now - due;
		if (due >= w0 && !in_window) {
			in_window = true;
			c0 = ml_cpu_ns(tid);
			f0 = ml_cpu_ns(0);
		}
		for (unsigned i = 0; i < o->n; i++)
			if (rec_write(files[i], frame, AUDIO_FRAME) == ENOSPC)
				full++;
	}
	c1 = ml_cpu_ns(tid);
	f1 = ml_cpu_ns(0);

	t_close = ml_now_ns();
	for (unsigned i = 0; i < o->n; i++)
		rec_close(files[i], rec_done, &res[i]);
	recwriter_stop(w);
	t_close = ml_now_ns() - t_close;
	for (unsigned i = 0; i < o->n; i++) {
		done += res[i].done;
		frames += res[i].r.frames;
		dropped += res[i].r.dropped_frames;
		bytes += res[i].r.bytes;
		errs += res[i].r.err != 0;
	}
	t_sync = ml_now_ns();
	dfd = open(o->dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)syncfs(dfd);
		close(dfd);
	}
	t_sync = ml_now_ns() - t_sync;
	for (unsigned i = 0; i < o->n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/rec-%05u.wav", o->dir, i);
		(void)unlink(path);
	}

	printf("mode=record\nn=%u\nchannels=%u\nwindow_s=%.3f\n", o->n, ch,
	       o->window_s);
	printf("ticks=%llu\nexpected_frames=%llu\nframes=%llu\n",
	       (unsigned long long)k,
	       (unsigned long long)(k * AUDIO_FRAME * o->n),
	       (unsigned long long)frames);
	printf("dropped_frames=%llu\nfull_writes=%llu\nresults=%llu\n"
	       "errors=%llu\n", (unsigned long long)dropped,
	       (unsigned long long)full, (unsigned long long)done,
	       (unsigned long long)errs);
	printf("bytes=%llu\ndisk_bytes_per_s=%.0f\n",
	       (unsigned long long)bytes,
	       (double)bytes / ((double)k * FRAME_NS / 1e9));
	printf("writer_cpu_pct=%.1f\nfeeder_cpu_pct=%.1f\n",
	       100 * (double)(c1 - c0) / 1e9 / o->window_s,
	       100 * (double)((f1 - f0) - (c1 - c0)) / 1e9 / o->window_s);
	printf("lag_max_ms=%.1f\nclose_s=%.3f\nsync_s=%.3f\n",
	       (double)lag / 1e6, (double)t_close / 1e9,
	       (double)t_sync / 1e9);
	free(files);
	free(res);
	free(pcm);
	free(loop);
	return 0;
}
