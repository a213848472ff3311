/*
 * mediarec.c: recordings under load, for mediaload.
 *
 * record (with mediaload.c): N relays carrying PCMU both ways, each
 * recorded by the engine itself (media_relay_record, MEDIA_REC_MIXED
 * with -C 1, MEDIA_REC_SPLIT with -C 2) into a file of -d.  The relay
 * checks are mediaload.c's; here: every recording's done callback came
 * (run on this, the signalling thread, through libre's loop), none
 * failed, none lost a frame to a full ring (rec_result.dropped_frames),
 * and each holds at least the time its phones were sending, less
 * REC_SLACK_MS (the relay's first frames wait in its jitter buffer).
 *
 * writer: the writer thread alone.  N recordings (record/record.h) fed
 * as media threads feed them: every 20 ms one frame of 320 samples (x
 * -C channels) into each ring, from this thread, paced on the monotonic
 * clock, for -W + -t seconds.  Then every recording is closed, the
 * writer stopped, and its results summed: frames in the files, frames
 * dropped to full rings, errors, bytes.  The writer thread's CPU is read
 * over the -t window; syncfs() afterwards says how long the disk took
 * to take what the page cache held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "media/audio.h"
#include "media/media.h"
#include "record/record.h"
#include "mediaload.h"

#define FRAME_NS     20000000ull
#define REC_SLACK_MS 100

struct recdone {
	struct rec_result r;
	bool done;
};

/* what the done callbacks brought, summed */
struct recsum {
	uint64_t done, frames, dropped, bytes, errs;
};

static unsigned done_left;

static void rec_done(const struct rec_result *res, void *arg)
{
	struct recdone *d = arg;

	d->r = *res;
	d->done = true;
	if (done_left)
		done_left--;
}

static void rec_path(char *buf, size_t size, const char *dir, unsigned i)
{
	snprintf(buf, size, "%s/rec-%05u.wav", dir, i);
}

static struct recsum rec_sum(const struct recdone *res, unsigned n)
{
	struct recsum s = {0};

	for (unsigned i = 0; i < n; i++) {
		s.done += res[i].done;
		s.frames += res[i].r.frames;
		s.dropped += res[i].r.dropped_frames;
		s.bytes += res[i].r.bytes;
		s.errs += res[i].r.err != 0;
	}
	return s;
}

static void rec_unlink(const char *dir, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char path[4096];

		rec_path(path, sizeof(path), dir, i);
		(void)unlink(path);
	}
}

/* ---- recordings of relays ------------------------------------------------ */

static struct {
	const struct ml_opts *o;
	struct recwriter *w;
	struct recdone *res;
	int64_t *sent_ms;           /**< per relay: how long its phones sent */
	uint64_t t_attach;
} rl;

int ml_rec_start(const struct ml_opts *o)
{
	struct recwriter_conf conf = {.data_dir = o->dir};
	int err, tid;

	if (!o->dir || (o->channels != 1 && o->channels != 2))
		ml_fail("record: -d and -C 1|2 are needed");
	rl.o = o;
	rl.res = calloc(o->n, sizeof(*rl.res));
	rl.sent_ms = calloc(o->n, sizeof(*rl.sent_ms));
	if (!rl.res || !rl.sent_ms)
		ml_die("calloc");
	err = recwriter_start(&rl.w, &conf);
	if (err)
		ml_fail("recwriter_start: %s", strerror(err));
	tid = ml_find_thread("centrexd-rec");
	if (!tid)
		ml_fail("no writer thread named centrexd-rec");
	return tid;
}

void ml_rec_attach(struct media_relay *r, unsigned i)
{
	char path[4096];
	struct rec_file *f;
	int err;

	rec_path(path, sizeof(path), rl.o->dir, i);
	f = rec_open(rl.w, path, rl.o->channels);
	if (!f)
		ml_fail("rec_open %u: no memory", i);
	err = media_relay_record(r, f, rl.o->channels == 2 ? MEDIA_REC_SPLIT
							   : MEDIA_REC_MIXED,
				 rec_done, &rl.res[i]);
	if (err)
		ml_fail("relay %u: media_relay_record: %s", i, strerror(err));
	done_left++;
}

void ml_rec_stop(struct media_relay *r, unsigned i, uint64_t t0_ns)
{
	rl.sent_ms[i] = (int64_t)(ml_now_ns() - t0_ns) / 1000000;
	if (media_relay_record_stop(r))
		ml_fail("relay %u: media_relay_record_stop failed", i);
}

void ml_rec_finish(void)
{
	const struct ml_opts *o = rl.o;
	struct recsum s;
	uint64_t shorter = 0;
	int64_t min_ms = -1, sum_ms = 0;

	if (ml_loop_until(&done_left, 10000))
		fprintf(stderr, "mediaload: %u recordings not done after 10 s\n",
			done_left);
	recwriter_stop(rl.w);
	s = rec_sum(rl.res, o->n);
	for (unsigned i = 0; i < o->n; i++) {
		int64_t ms = rl.res[i].r.duration_ms;

		if (!rl.res[i].done)
			continue;
		if (ms < rl.sent_ms[i] - REC_SLACK_MS)
			shorter++;
		if (min_ms < 0 || ms < min_ms)
			min_ms = ms;
		sum_ms += ms;
	}
	rec_unlink(o->dir, o->n);
	printf("rec_channels=%u\nrec_results=%llu\nrec_errors=%llu\n"
	       "rec_dropped_frames=%llu\nrec_short=%llu\nrec_frames=%llu\n"
	       "rec_bytes=%llu\nrec_min_ms=%lld\nrec_bytes_per_s=%.0f\n",
	       o->channels, (unsigned long long)s.done,
	       (unsigned long long)s.errs, (unsigned long long)s.dropped,
	       (unsigned long long)shorter, (unsigned long long)s.frames,
	       (unsigned long long)s.bytes, (long long)min_ms,
	       sum_ms ? (double)s.bytes * 1000 / (double)sum_ms * s.done : 0);
	free(rl.res);
	free(rl.sent_ms);
}

/* ---- the writer alone ---------------------------------------------------- */

int ml_writer(const struct ml_opts *o)
{
	struct recwriter_conf conf = {.data_dir = o->dir};
	struct recwriter *w = NULL;
	struct rec_file **files;
	struct recdone *res;
	struct recsum s;
	int16_t *pcm, *loop;
	size_t n, loop_frames = 50, fsz = (size_t)AUDIO_FRAME * o->channels;
	uint64_t t0, w0, w1, due, lag = 0, k = 0, full = 0, c0 = 0, c1 = 0;
	uint64_t f0 = 0, f1 = 0, t_close, t_sync;
	unsigned ch = o->channels;
	int tid = 0, err, dfd;
	bool in_window = false;

	if (!o->n || !o->dir || (ch != 1 && ch != 2))
		ml_fail("writer: -n, -d and -C 1|2 are needed");
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

		rec_path(path, sizeof(path), o->dir, i);
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
	s = rec_sum(res, o->n);
	t_sync = ml_now_ns();
	dfd = open(o->dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)syncfs(dfd);
		close(dfd);
	}
	t_sync = ml_now_ns() - t_sync;
	rec_unlink(o->dir, o->n);

	printf("mode=writer\nn=%u\nchannels=%u\nwindow_s=%.3f\n", o->n, ch,
	       o->window_s);
	printf("ticks=%llu\nexpected_frames=%llu\nframes=%llu\n",
	       (unsigned long long)k,
	       (unsigned long long)(k * AUDIO_FRAME * o->n),
	       (unsigned long long)s.frames);
	printf("dropped_frames=%llu\nfull_writes=%llu\nresults=%llu\n"
	       "errors=%llu\n", (unsigned long long)s.dropped,
	       (unsigned long long)full, (unsigned long long)s.done,
	       (unsigned long long)s.errs);
	printf("bytes=%llu\ndisk_bytes_per_s=%.0f\n",
	       (unsigned long long)s.bytes,
	       (double)s.bytes / ((double)k * FRAME_NS / 1e9));
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
