/*
 * mediautil.c: clocks, per-thread CPU time, libre's loop and test audio
 * for mediaload.
 */
#include <re.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "media/audio.h"
#include "media/prompt/wav.h"
#include "mediaload.h"

void ml_die(const char *what)
{
	fprintf(stderr, "mediaload: %s: %s\n", what, strerror(errno));
	exit(1);
}

void ml_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("mediaload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

uint64_t ml_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void ml_sleep_until(uint64_t t_ns)
{
	struct timespec ts = {.tv_sec = (time_t)(t_ns / 1000000000ull),
			      .tv_nsec = (long)(t_ns % 1000000000ull)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* libre's loop, run until a count of answers still due is down to 0:
   the engine's answers (counters, recordings done) come to the
   signalling thread through it */
static struct {
	struct tmr tmr;
	const unsigned *left;
	uint64_t deadline;
} lp;

static void loop_poll(void *arg)
{
	(void)arg;
	if (!*lp.left || tmr_jiffies() >= lp.deadline)
		re_cancel();
	else
		tmr_start(&lp.tmr, 1, loop_poll, NULL);
}

unsigned ml_loop_until(const unsigned *left, unsigned ms)
{
	lp.left = left;
	lp.deadline = tmr_jiffies() + ms;
	tmr_start(&lp.tmr, 0, loop_poll, NULL);
	re_main(NULL);
	tmr_cancel(&lp.tmr);
	return *left;
}

/* fields 14 and 15 of a stat line, after the "(comm)" that may hold
   spaces */
uint64_t ml_cpu_ns(int tid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	if (tid)
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		   "%llu %llu", &ut, &st) != 2)
		return 0;
	return (ut + st) * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
}

static int thread_named(const char *comm)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int tid = 0;

	if (!d)
		return 0;
	while (!tid && (e = readdir(d))) {
		char path[300], name[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
		if (!strcmp(name, comm))
			tid = atoi(e->d_name);
	}
	closedir(d);
	return tid;
}

/* a new thread names itself: give it a second */
/* time thread tid spent runnable but waiting for a CPU, ns
   (/proc/.../schedstat: on CPU, waiting, slices) */
uint64_t ml_wait_ns(int tid)
{
	char path[64];
	unsigned long long run = 0, wait = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &run, &wait) != 2)
		wait = 0;
	fclose(f);
	return wait;
}

int ml_find_thread(const char *comm)
{
	int tid = 0;

	for (int i = 0; i < 100 && !tid; i++) {
		tid = thread_named(comm);
		if (!tid)
			ml_sleep_until(ml_now_ns() + 10000000ull);
	}
	return tid;
}

static int16_t *file_audio(const char *path, unsigned max_s, size_t *np)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;
	int16_t *pcm = NULL;
	const char *why = NULL;
	int err;

	if (!f)
		ml_die(path);
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET))
		ml_fail("%s: cannot size it", path);
	buf = malloc((size_t)len);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		ml_fail("%s: cannot read it", path);
	fclose(f);
	/* wav_to_audio refuses what is longer than its limit: take it all
	   and keep the first max_s seconds */
	err = wav_to_audio(buf, (size_t)len, 0, &pcm, np, &why);
	free(buf);
	if (err || !*np)
		ml_fail("%s: %s", path, why ? why : "no audio");
	if (max_s && *np > (size_t)max_s * AUDIO_RATE)
		*np = (size_t)max_s * AUDIO_RATE;
	return pcm;
}

/* Without a file: three seconds of a vowel-like buzz (120 Hz with its
   formant-ish harmonics) whose loudness moves like syllables, so that
   codecs see something like speech rather than a pure tone. */
int16_t *ml_audio(const char *path, unsigned max_s, size_t *np)
{
	size_t n = 3 * AUDIO_RATE;
	int16_t *pcm;

	if (path)
		return file_audio(path, max_s, np);
	pcm = malloc(n * sizeof(*pcm));
	if (!pcm)
		ml_die("malloc");
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / AUDIO_RATE, v = 0;

		for (int h = 1; h <= 25; h++) {
			double f = 120.0 * h;
			double w = exp(-pow((f - 700) / 300, 2)) +
				   0.5 * exp(-pow((f - 1800) / 400, 2)) + 0.05;

			v += w * sin(2 * M_PI * f * t) / h;
		}
		v *= 0.5 + 0.5 * sin(2 * M_PI * 4 * t);
		pcm[i] = (int16_t)(6000 * v);
	}
	*np = n;
	return pcm;
}

/* G.711 mu-law: bias, find the segment, keep four mantissa bits,
   invert */
uint8_t ml_ulaw(int16_t s)
{
	int v = s, sign = 0, seg = 0;

	if (v < 0) {
		v = -v;
		sign = 0x80;
	}
	if (v > 32635)
		v = 32635;
	v += 0x84;
	for (int m = v >> 7; m > 1 && seg < 7; m >>= 1)
		seg++;
	return (uint8_t)~(sign | seg << 4 | ((v >> (seg + 3)) & 0x0f));
}
