/**
 * @file test_writer.c  The recording writer: files written from several
 * media threads at once come out as valid WAVs holding exactly what was
 * written; a stalled disk drops and counts audio instead of blocking the
 * writer of it; the close callback arrives on the loop's thread with the
 * right length; retention removes old files and rows only.
 */
#include <re.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "media/audio.h"
#include "record/record.h"
#include "store/store.h"
#include "support.h"

enum { FILES_PER_THREAD = 6, CHUNKS = 150 };   /* 3 s each */

struct done {
	struct rec_result res;
	bool called;
	pthread_t thread;
	int *count;
};

static void done_h(const struct rec_result *res, void *arg)
{
	struct done *d = arg;

	d->res = *res;
	d->called = true;
	d->thread = pthread_self();
	if (d->count)
		(*d->count)++;
}

static struct {
	struct tmr tmr;
	int *count;
	int want;
	uint64_t deadline;
} lp;

static void poll_tmr(void *arg)
{
	(void)arg;
	if (*lp.count >= lp.want || tmr_jiffies() >= lp.deadline)
		re_cancel();
	else
		tmr_start(&lp.tmr, 2, poll_tmr, NULL);
}

/* runs the libre loop until *count reaches want, or ms have passed */
static void run_until(int *count, int want, unsigned ms)
{
	lp.count = count;
	lp.want = want;
	lp.deadline = tmr_jiffies() + ms;
	tmr_start(&lp.tmr, 0, poll_tmr, NULL);
	re_main(NULL);
	tmr_cancel(&lp.tmr);
}

/* the sample a file holds at frame i, channel c */
static int16_t sample(unsigned file, size_t i, unsigned c)
{
	return (int16_t)((file * 7919u + i * 31u + c * 10007u) & 0xffff);
}

/* the WAV's header is right for ch channels of 16 kHz PCM16, and its
   data is exactly frames frames of sample(file, ...) */
static void check_wav(const char *path, unsigned file, unsigned ch,
		      size_t frames)
{
	FILE *fp = fopen(path, "rb");
	uint8_t h[44];
	int16_t s;
	long size;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	assert_int_equal(size, 44 + (long)(frames * 2 * ch));
	assert_int_equal(fread(h, 1, 44, fp), 44);
	assert_memory_equal(h, "RIFF", 4);
	assert_memory_equal(h + 8, "WAVEfmt ", 8);
	assert_int_equal(h[20] | h[21] << 8, 1);                 /* PCM */
	assert_int_equal(h[22] | h[23] << 8, ch);
	assert_int_equal(h[24] | h[25] << 8 | h[26] << 16, AUDIO_RATE);
	assert_int_equal(h[34] | h[35] << 8, 16);
	assert_memory_equal(h + 36, "data", 4);
	assert_int_equal((uint32_t)(h[40] | h[41] << 8 | h[42] << 16 |
				    (uint32_t)h[43] << 24), frames * 2 * ch);
	assert_int_equal((uint32_t)(h[4] | h[5] << 8 | h[6] << 16 |
				    (uint32_t)h[7] << 24), size - 8);
	for (size_t i = 0; i < frames; i++) {
		for (unsigned c = 0; c < ch; c++) {
			assert_int_equal(fread(&s, 2, 1, fp), 1);
			if (s != sample(file, i, c))
				fail_msg("%s: frame %zu channel %u differs",
					 path, i, c);
		}
	}
	fclose(fp);
}

struct producer {
	struct recwriter *w;
	const char *dir;
	unsigned first;           /**< number of its first file */
	struct done done[FILES_PER_THREAD];
	int *count;
	char paths[FILES_PER_THREAD][300];
	int failed_writes;
};

/* a media thread: opens its files and feeds them 20 ms at a time */
static void *produce(void *arg)
{
	struct producer *p = arg;
	struct rec_file *f[FILES_PER_THREAD];
	int16_t buf[AUDIO_FRAME * 2];

	for (unsigned k = 0; k < FILES_PER_THREAD; k++) {
		snprintf(p->paths[k], sizeof(p->paths[k]), "%s/t%u/sub/%u.wav",
			 p->dir, p->first, p->first + k);
		f[k] = rec_open(p->w, p->paths[k], 1 + k % 2);
		assert_non_null(f[k]);
	}
	for (size_t chunk = 0; chunk < CHUNKS; chunk++) {
		for (unsigned k = 0; k < FILES_PER_THREAD; k++) {
			unsigned ch = 1 + k % 2;
			for (size_t i = 0; i < AUDIO_FRAME; i++)
				for (unsigned c = 0; c < ch; c++)
					buf[i * ch + c] = sample(
						p->first + k,
						chunk * AUDIO_FRAME + i, c);
			if (rec_write(f[k], buf, AUDIO_FRAME))
				p->failed_writes++;
		}
		usleep(1000);
	}
	for (unsigned k = 0; k < FILES_PER_THREAD; k++)
		rec_close(f[k], done_h, &p->done[k]);
	return NULL;
}

static void test_concurrent_files_are_exact(void **state)
{
	struct recwriter_conf c = {.ring_ms = 4000};
	static struct producer p[2];
	struct recwriter *w = NULL;
	pthread_t th[2];
	char dir[256];
	int count = 0;
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	assert_int_equal(recwriter_start(&w, &c), 0);
	for (int i = 0; i < 2; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].w = w;
		p[i].dir = dir;
		p[i].first = 100u * (unsigned)(i + 1);
		for (int k = 0; k < FILES_PER_THREAD; k++)
			p[i].done[k].count = &count;
		assert_int_equal(pthread_create(&th[i], NULL, produce, &p[i]),
				 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	run_until(&count, 2 * FILES_PER_THREAD, 10000);
	assert_int_equal(count, 2 * FILES_PER_THREAD);

	for (int i = 0; i < 2; i++) {
		assert_int_equal(p[i].failed_writes, 0);
		for (unsigned k = 0; k < FILES_PER_THREAD; k++) {
			const struct rec_result *r = &p[i].done[k].res;
			unsigned ch = 1 + k % 2;

			assert_true(pthread_equal(p[i].done[k].thread,
						  pthread_self()));
			assert_int_equal(r->err, 0);
			assert_int_equal(r->dropped_frames, 0);
			assert_int_equal(r->frames, CHUNKS * AUDIO_FRAME);
			assert_int_equal(r->duration_ms, CHUNKS * 20);
			assert_int_equal(r->bytes,
					 44 + CHUNKS * AUDIO_FRAME * 2 * ch);
			check_wav(p[i].paths[k], p[i].first + k, ch,
				  CHUNKS * AUDIO_FRAME);
		}
	}
	recwriter_stop(w);
	support_rmdir(dir);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_stalled_disk_drops_and_counts(void **state)
{
	struct recwriter_conf c = {.ring_ms = 100};   /* 5 frames of 20 ms */
	struct recwriter *w = NULL;
	int16_t buf[AUDIO_FRAME];
	struct done d = {0};
	struct rec_file *f;
	char dir[256], path[300];
	double worst = 0;
	int count = 0, dropped = 0;
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/stall.wav", dir);
	assert_int_equal(recwriter_start(&w, &c), 0);
	recwriter_test_pause(w, true);
	f = rec_open(w, path, 1);
	assert_non_null(f);
	for (size_t chunk = 0; chunk < 20; chunk++) {
		double t0;

		for (size_t i = 0; i < AUDIO_FRAME; i++)
			buf[i] = sample(1, chunk * AUDIO_FRAME + i, 0);
		t0 = now_ms();
		if (rec_write(f, buf, AUDIO_FRAME) == ENOSPC)
			dropped++;
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
	}
	/* the first 100 ms fit, the rest is refused at once */
	assert_int_equal(dropped, 15);
	assert_true(worst < 5.0);
	recwriter_test_pause(w, false);
	d.count = &count;
	rec_close(f, done_h, &d);
	run_until(&count, 1, 5000);
	assert_true(d.called);
	assert_int_equal(d.res.err, 0);
	assert_int_equal(d.res.frames, 5 * AUDIO_FRAME);
	assert_int_equal(d.res.dropped_frames, 15 * AUDIO_FRAME);
	assert_int_equal(d.res.duration_ms, 100);
	check_wav(path, 1, 1, 5 * AUDIO_FRAME);
	recwriter_stop(w);
	support_rmdir(dir);
}

static void test_unwritable_path_reports_error(void **state)
{
	struct recwriter_conf c = {0};
	struct recwriter *w = NULL;
	int16_t buf[AUDIO_FRAME] = {0};
	struct done d = {0};
	struct rec_file *f;
	int count = 0;
	(void)state;

	assert_int_equal(recwriter_start(&w, &c), 0);
	assert_null(rec_open(w, "/tmp/x.wav", 3));
	f = rec_open(w, "/dev/null/cannot/x.wav", 1);
	assert_non_null(f);
	assert_int_equal(rec_write(f, buf, AUDIO_FRAME), 0);
	d.count = &count;
	rec_close(f, done_h, &d);
	run_until(&count, 1, 5000);
	assert_true(d.called);
	assert_int_not_equal(d.res.err, 0);
	assert_int_equal(d.res.frames, 0);
	assert_int_equal(d.res.bytes, 0);
	recwriter_stop(w);
}

static void test_stop_finishes_open_files(void **state)
{
	struct recwriter_conf c = {0};
	struct recwriter *w = NULL;
	int16_t buf[AUDIO_FRAME];
	struct done d = {0};
	struct rec_file *f;
	char dir[256], path[300];
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/open.wav", dir);
	assert_int_equal(recwriter_start(&w, &c), 0);
	f = rec_open(w, path, 1);
	for (size_t i = 0; i < AUDIO_FRAME; i++)
		buf[i] = sample(2, i, 0);
	assert_int_equal(rec_write(f, buf, AUDIO_FRAME), 0);
	rec_close(f, done_h, &d);
	/* stopped before the loop ran: the callback comes from stop */
	recwriter_stop(w);
	assert_true(d.called);
	assert_int_equal(d.res.duration_ms, 20);
	check_wav(path, 2, 1, AUDIO_FRAME);
	support_rmdir(dir);
}

static void touch(const char *dir, const char *file)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
}

static bool exists(const char *dir, const char *file)
{
	char path[600];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return stat(path, &sb) == 0;
}

static int64_t add(struct store *st, int64_t tenant, const char *uuid,
		   int64_t start_ms)
{
	struct store_recording r = {.channels = 1, .start_ms = start_ms};

	snprintf(r.uuid, sizeof(r.uuid), "%s", uuid);
	snprintf(r.file, sizeof(r.file), "%s.wav", uuid);
	snprintf(r.mode, sizeof(r.mode), "mixed");
	snprintf(r.legs, sizeof(r.legs), "both");
	assert_int_equal(store_recording_create(st, tenant, &r), 0);
	return r.id;
}

static void test_sweep_removes_expired(void **state)
{
	const int64_t day = 86400000LL, now = 1795000000000LL;
	struct store_tenant t = {.recording_retention_days = 7};
	struct store_recording r;
	struct store *st = NULL;
	char dir[256], url[300], err[128];
	unsigned removed = 0;
	int64_t keep, old;
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(url, sizeof(url), "sqlite:%s/c.db", dir);
	assert_int_equal(store_open(&st, url, err, sizeof(err)), 0);
	assert_int_equal(store_migrate(st, NULL), 0);
	snprintf(t.slug, sizeof(t.slug), "acme");
	snprintf(t.sip_domain, sizeof(t.sip_domain), "acme.example");
	assert_int_equal(store_tenant_create(st, &t), 0);

	keep = add(st, t.id, "keep", now - 6 * day);
	old = add(st, t.id, "old", now - 8 * day);
	(void)add(st, t.id, "gone", now - 9 * day);  /* file already gone */
	touch(dir, "keep.wav");
	touch(dir, "old.wav");

	/* a batch of one, then the rest */
	assert_int_equal(rec_sweep(st, dir, 90, now, 1, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(rec_sweep(st, dir, 90, now, 0, &removed), 0);
	assert_int_equal(removed, 1);
	assert_true(exists(dir, "keep.wav"));
	assert_false(exists(dir, "old.wav"));
	assert_int_equal(store_recording_get(st, t.id, keep, &r), 0);
	assert_int_equal(store_recording_get(st, t.id, old, &r), ENOENT);
	/* nothing left to do */
	assert_int_equal(rec_sweep(st, dir, 90, now, 0, &removed), 0);
	assert_int_equal(removed, 0);
	store_close(st);
	support_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_files_are_exact),
		cmocka_unit_test(test_stalled_disk_drops_and_counts),
		cmocka_unit_test(test_unwritable_path_reports_error),
		cmocka_unit_test(test_stop_finishes_open_files),
		cmocka_unit_test(test_sweep_removes_expired),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
