/**
 * @file writer.c  The recording writer thread and the rings that feed it.
 *
 * Each recording has one single-producer single-consumer ring of
 * samples: the media thread of the call moves `head`, the writer thread
 * moves `tail`, each reading the other's with acquire ordering, so
 * neither ever takes a lock on the audio path.  A write that does not
 * fit whole is dropped whole (and counted): a partial frame would shift
 * the channels of everything after it.
 *
 * rec_open() takes the writer's mutex only to queue the new recording;
 * the writer opens the file itself, since open() and mkdir() may wait on
 * the disk.  rec_close() sets `closing` after the last write; the writer
 * drains what is left, patches the WAV sizes and sends the result home
 * through libre's mqueue.  Results not yet delivered when the writer
 * stops are kept on a list and delivered by recwriter_stop() itself.
 *
 * The writer wakes every WAKE_MS (and at once for an open or a close):
 * a ring of ring_ms therefore rides out a disk stall of ring_ms minus
 * WAKE_MS.  No fsync: a crash loses at most what the kernel had not
 * written, and the header of an unfinished file says 0 bytes (players
 * then read to the end of the file).
 */
#include <re.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "media/audio.h"
#include "media/prompt/wav.h"
#include "record/record.h"
#include "store/store.h"

enum {
	WAKE_MS = 20,
	WAV_HDR = 44,
	SWEEP_FIRST_S = 60,             /**< after start */
	SWEEP_EVERY_S = 24 * 3600,
	SWEEP_BATCH = 100,              /**< rows between two drains */
};

struct rec_file {
	struct rec_file *next;          /**< in the writer's lists */
	struct recwriter *w;            /**< borrowed */
	int16_t *ring;                  /**< owned, cap samples */
	size_t cap;                     /**< samples, whole frames */
	_Atomic size_t head;            /**< samples ever written: producer */
	_Atomic size_t tail;            /**< samples ever drained: writer */
	_Atomic bool closing;
	_Atomic uint64_t dropped;       /**< frames */
	unsigned channels;
	char *path;                     /**< owned */
	int fd;                         /**< -1 until open, or on failure */
	int err;
	uint64_t frames;                /**< in the file */
	rec_done_h *done;
	void *arg;
};

/** A result on its way to the signalling thread. */
struct rec_msg {
	struct rec_msg *prev, *next;    /**< in recwriter.inflight */
	rec_done_h *h;
	void *arg;
	struct rec_result res;
};

struct recwriter {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rec_file *incoming;      /**< opened, not yet seen: mu */
	struct rec_file *files;         /**< writer thread only */
	struct rec_msg *inflight;       /**< pushed, not delivered: mu */
	bool quit;                      /**< mu */
	bool wake;                      /**< mu */
	_Atomic bool paused;
	struct mqueue *mq;
	unsigned ring_ms;
	char *store_url, *data_dir;     /**< owned */
	int retention_days;
	struct store *sweep_st;         /**< writer thread, while sweeping */
	bool sweeping;                  /**< writer thread */
	unsigned swept;
	int64_t sweep_now_ms;
};

/* ---- the media thread's side ------------------------------------------ */

static void wake(struct recwriter *w)
{
	pthread_mutex_lock(&w->mu);
	w->wake = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

struct rec_file *rec_open(struct recwriter *w, const char *path,
			  unsigned channels)
{
	struct rec_file *f;

	if (!w || !path || !path[0] || channels < 1 || channels > 2)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->w = w;
	f->fd = -1;
	f->channels = channels;
	f->cap = (size_t)w->ring_ms * (AUDIO_RATE / 1000) * channels;
	f->ring = malloc(f->cap * sizeof(*f->ring));
	f->path = strdup(path);
	if (!f->ring || !f->path) {
		free(f->ring);
		free(f->path);
		free(f);
		return NULL;
	}
	pthread_mutex_lock(&w->mu);
	f->next = w->incoming;
	w->incoming = f;
	w->wake = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return f;
}

int rec_write(struct rec_file *f, const int16_t *frames,
	      size_t samples_per_channel)
{
	size_t n, head, tail, at, first;

	if (!f || !frames || atomic_load_explicit(&f->closing,
						  memory_order_relaxed))
		return EINVAL;
	n = samples_per_channel * f->channels;
	head = atomic_load_explicit(&f->head, memory_order_relaxed);
	tail = atomic_load_explicit(&f->tail, memory_order_acquire);
	if (n > f->cap - (head - tail)) {
		atomic_fetch_add_explicit(&f->dropped, samples_per_channel,
					  memory_order_relaxed);
		return ENOSPC;
	}
	at = head % f->cap;
	first = n < f->cap - at ? n : f->cap - at;
	memcpy(f->ring + at, frames, first * sizeof(*frames));
	memcpy(f->ring, frames + first, (n - first) * sizeof(*frames));
	atomic_store_explicit(&f->head, head + n, memory_order_release);
	return 0;
}

void rec_close(struct rec_file *f, rec_done_h *done, void *arg)
{
	if (!f)
		return;
	f->done = done;
	f->arg = arg;
	atomic_store_explicit(&f->closing, true, memory_order_release);
	wake(f->w);
}

/* ---- the writer thread's side ----------------------------------------- */

/* mkdir -p of the directories above path */
static int make_parents(const char *path)
{
	char *p = strdup(path);
	int err = 0;

	if (!p)
		return ENOMEM;
	for (char *s = strchr(p + 1, '/'); s && !err; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0750) && errno != EEXIST)
			err = errno;
		*s = '/';
	}
	free(p);
	return err;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *b = buf;

	while (len) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static void file_open(struct rec_file *f)
{
	uint8_t hdr[WAV_HDR];

	f->err = make_parents(f->path);
	if (!f->err) {
		f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0640);
		if (f->fd < 0)
			f->err = errno;
	}
	if (!f->err) {
		wav_header(hdr, AUDIO_RATE, f->channels, 0);
		f->err = write_all(f->fd, hdr, sizeof(hdr));
	}
	if (f->err)
		log_warn("record", "cannot write %s: %s", f->path,
			 strerror(f->err));
}

/* a WAV holds at most 4 GiB of data */
static uint64_t max_frames(const struct rec_file *f)
{
	return (UINT32_MAX - WAV_HDR) / (2u * f->channels);
}

/* everything in the ring to the file (or nowhere, after an error) */
static void drain(struct rec_file *f)
{
	size_t tail = atomic_load_explicit(&f->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&f->head, memory_order_acquire);

	while (tail != head) {
		size_t at = tail % f->cap;
		size_t n = head - tail < f->cap - at ? head - tail
						     : f->cap - at;
		uint64_t nf = n / f->channels;

		if (!f->err && f->frames + nf > max_frames(f))
			f->err = EFBIG;
		if (!f->err)
			f->err = write_all(f->fd, f->ring + at,
					   n * sizeof(*f->ring));
		if (!f->err)
			f->frames += nf;
		else
			atomic_fetch_add_explicit(&f->dropped, nf,
						  memory_order_relaxed);
		tail += n;
	}
	atomic_store_explicit(&f->tail, tail, memory_order_release);
}

static void deliver(struct rec_msg *m)
{
	if (m->h)
		m->h(&m->res, m->arg);
	free(m);
}

/* header patched, file closed, result sent home; f is freed */
static void finish(struct recwriter *w, struct rec_file *f)
{
	struct rec_msg *m = calloc(1, sizeof(*m));
	uint8_t hdr[WAV_HDR];
	uint64_t data = f->frames * 2u * f->channels;

	if (f->fd >= 0) {
		wav_header(hdr, AUDIO_RATE, f->channels, (uint32_t)data);
		if (pwrite(f->fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr)
		    && !f->err)
			f->err = errno ? errno : EIO;
		if (close(f->fd) && !f->err)
			f->err = errno;
	}
	if (m) {
		m->h = f->done;
		m->arg = f->arg;
		m->res.frames = f->frames;
		m->res.bytes = f->fd >= 0 ? WAV_HDR + data : 0;
		m->res.duration_ms = (int64_t)(f->frames * 1000 / AUDIO_RATE);
		m->res.dropped_frames = atomic_load(&f->dropped);
		m->res.err = f->err;
		pthread_mutex_lock(&w->mu);
		m->next = w->inflight;
		if (m->next)
			m->next->prev = m;
		w->inflight = m;
		pthread_mutex_unlock(&w->mu);
		/* a failed push leaves it on the list for recwriter_stop() */
		(void)mqueue_push(w->mq, 0, m);
	}
	free(f->ring);
	free(f->path);
	free(f);
}

static void unlink_msg(struct recwriter *w, struct rec_msg *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		w->inflight = m->next;
	if (m->next)
		m->next->prev = m->prev;
}

/* on the signalling thread */
static void mq_handler(int id, void *data, void *arg)
{
	struct recwriter *w = arg;
	struct rec_msg *m = data;
	(void)id;

	pthread_mutex_lock(&w->mu);
	unlink_msg(w, m);
	pthread_mutex_unlock(&w->mu);
	deliver(m);
}

/* one pass over the files; all: finish every file, closing or not */
static void pass(struct recwriter *w, bool all)
{
	struct rec_file **pp = &w->files;

	while (*pp) {
		struct rec_file *f = *pp;
		bool closing = all || atomic_load_explicit(
			&f->closing, memory_order_acquire);

		drain(f);
		if (closing) {
			*pp = f->next;
			finish(w, f);
		}
		else {
			pp = &f->next;
		}
	}
}

static int64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* one batch of the retention sweep; the store connection lives for the
   sweep only */
static void sweep_step(struct recwriter *w)
{
	unsigned n = 0;
	char err[256];
	int e;

	if (!w->sweep_st) {
		if (store_open(&w->sweep_st, w->store_url, err, sizeof(err))) {
			log_warn("record", "retention sweep: %s", err);
			w->sweep_st = NULL;
			w->sweeping = false;
			return;
		}
		w->swept = 0;
		w->sweep_now_ms = (int64_t)time(NULL) * 1000;
	}
	e = rec_sweep(w->sweep_st, w->data_dir, w->retention_days,
		      w->sweep_now_ms, SWEEP_BATCH, &n);
	w->swept += n;
	if (!e && n == SWEEP_BATCH)
		return;
	if (w->swept)
		log_info("record", "retention: removed %u recordings older "
			 "than their keep-time", w->swept);
	store_close(w->sweep_st);
	w->sweep_st = NULL;
	w->sweeping = false;
}

static void *run(void *arg)
{
	struct recwriter *w = arg;
	int64_t next_sweep = now_s() + SWEEP_FIRST_S;
	bool quit = false;

	pthread_setname_np(pthread_self(), "centrexd-rec");
	while (!quit) {
		struct rec_file *in;
		struct timespec until;

		pthread_mutex_lock(&w->mu);
		if (!w->wake && !w->quit) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += WAKE_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			(void)pthread_cond_timedwait(&w->cv, &w->mu, &until);
		}
		w->wake = false;
		quit = w->quit;
		in = w->incoming;
		w->incoming = NULL;
		pthread_mutex_unlock(&w->mu);

		while (in) {
			struct rec_file *f = in;
			in = in->next;
			file_open(f);
			f->next = w->files;
			w->files = f;
		}
		if (quit || !atomic_load(&w->paused))
			pass(w, quit);
		if (w->store_url && !quit && now_s() >= next_sweep) {
			w->sweeping = true;
			next_sweep = now_s() + SWEEP_EVERY_S;
		}
		if (w->sweeping && !quit)
			sweep_step(w);
	}
	return NULL;
}

/* ---- the signalling thread's side ------------------------------------- */

static void free_writer(struct recwriter *w)
{
	mem_deref(w->mq);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->store_url);
	free(w->data_dir);
	free(w);
}

int recwriter_start(struct recwriter **wp, const struct recwriter_conf *c)
{
	struct recwriter *w;
	int err;

	if (!wp || !c)
		return EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->ring_ms = c->ring_ms ? c->ring_ms : 2000;
	w->retention_days = c->retention_days > 0 ? c->retention_days : 90;
	w->data_dir = strdup(c->data_dir ? c->data_dir : ".");
	if (c->store_url)
		w->store_url = strdup(c->store_url);
	err = !w->data_dir || (c->store_url && !w->store_url) ? ENOMEM : 0;
	if (!err)
		err = mqueue_alloc(&w->mq, mq_handler, w);
	if (!err)
		err = pthread_create(&w->thread, NULL, run, w);
	if (err) {
		free_writer(w);
		return err;
	}
	*wp = w;
	return 0;
}

void recwriter_stop(struct recwriter *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	store_close(w->sweep_st);

	/* no handler runs after this: what is left is delivered here */
	w->mq = mem_deref(w->mq);
	while (w->inflight) {
		struct rec_msg *m = w->inflight;
		unlink_msg(w, m);
		deliver(m);
	}
	free_writer(w);
}

void recwriter_test_pause(struct recwriter *w, bool paused)
{
	if (w)
		atomic_store(&w->paused, paused);
}
