/**
 * @file tts.c  espeak-ng on a worker thread, results home through mqueue.
 *
 * Threads and ownership:
 *
 *   signalling thread                     worker thread
 *   prompt_tts(): request queued  ──────▶ disk cache, or espeak-ng,
 *                                          convert, write cache file
 *   deliver(): cache, done_cb  ◀── mqueue ─┘
 *
 * A request lives on the signalling thread's `live` list from
 * prompt_tts() to its delivery; the worker only fills its result fields
 * and never touches the library.  Cancelling only clears the callback
 * (plus a flag the worker reads to skip work not yet begun), so the
 * request is always freed by the signalling thread, in deliver() or in
 * tts_free().
 *
 * espeak-ng is started with posix_spawnp: the text is one argv entry
 * after "--", never seen by a shell nor taken for an option.  It writes
 * to a temporary file that is converted, written to the cache under a
 * temporary name and renamed, so a crash never leaves half a file under
 * the final name.  The daemon must not ignore SIGCHLD (waitpid needs it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <re.h>
#include <sodium.h>
#include "core/log.h"
#include "media/audio.h"
#include "media/prompt/priv.h"
#include "media/prompt/tts.h"
#include "media/prompt/wav.h"

extern char **environ;

enum {
	LANG_MAX = 16,
	KEY_HEX = 32,                 /**< 16-byte BLAKE2b digest in hex */
	RENDER_TIMEOUT_MS = 20000,
	FILE_MAX_BYTES = 32 << 20,
};

struct prompt_tts_req {
	struct prompt_tts_req *next, *prev;   /**< live list (signalling) */
	struct prompt_tts_req *qnext;          /**< worker queue (mutex) */
	prompt_tts_h *done;
	void *arg;
	atomic_bool cancelled;
	char lang[LANG_MAX];
	char key[KEY_HEX + 1];
	char *text;
	struct prompt *hit;                    /**< ref: memory cache hit */
	/* filled by the worker */
	int err;
	int16_t *pcm;
	size_t n;
	bool rendered, from_disk;
};

struct tts {
	struct prompt_lib *lib;               /**< borrowed: owner */
	struct mqueue *mq;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct prompt_tts_req *qhead, *qtail;  /**< under mu */
	bool stop;                             /**< under mu */
	struct prompt_tts_req *live;
	char dir[512];                         /**< <data_dir>/tts */
};

static void req_free(struct prompt_tts_req *r)
{
	prompt_unref(r->hit);
	free(r->pcm);
	free(r->text);
	free(r);
}

/* ---- worker thread -------------------------------------------------- */

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat sb;
	FILE *f = fopen(path, "rb");
	int err = 0;

	if (!f)
		return errno;
	if (fstat(fileno(f), &sb) || sb.st_size <= 0 ||
	    sb.st_size > FILE_MAX_BYTES) {
		fclose(f);
		return EIO;
	}
	*buf = malloc((size_t)sb.st_size);
	if (!*buf)
		err = ENOMEM;
	else if (fread(*buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size)
		err = EIO;
	fclose(f);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	*len = (size_t)sb.st_size;
	return err;
}

static int load_wav(const char *path, int16_t **pcm, size_t *n)
{
	const char *why = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = read_file(path, &buf, &len);

	if (err)
		return err;
	err = wav_to_audio(buf, len, 0, pcm, n, &why);
	if (err)
		log_warn("prompt", "tts: %s: %s", path, why);
	free(buf);
	return err;
}

static int spawn_wait(pid_t pid)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int status, waited;

	for (waited = 0; waited < RENDER_TIMEOUT_MS; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) && !WEXITSTATUS(status) ?
				0 : EPROTO;
		if (r < 0 && errno != EINTR)
			return errno;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return ETIMEDOUT;
}

static int render(const char *program, const struct prompt_tts_req *r,
		  const char *out)
{
	char *argv[] = {(char *)program, "-v", (char *)r->lang, "-w",
		(char *)out, "--", r->text, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	err = posix_spawn_file_actions_init(&fa);
	if (err)
		return err;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return err;
	return spawn_wait(pid);
}

static int save(const char *path, const int16_t *pcm, size_t n)
{
	char tmp[620];
	uint8_t hdr[44];
	FILE *f;
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.part", path);
	f = fopen(tmp, "wb");
	if (!f)
		return errno;
	wav_header(hdr, AUDIO_RATE, 1, (uint32_t)(n * sizeof(*pcm)));
	/* our samples are host order, WAV is little-endian: the platforms
	   we build for are little-endian */
	if (fwrite(hdr, 1, sizeof(hdr), f) != sizeof(hdr) ||
	    fwrite(pcm, sizeof(*pcm), n, f) != n)
		err = EIO;
	if (fclose(f) && !err)
		err = EIO;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	return err;
}

static void work(struct tts *tts, const char *program,
		 struct prompt_tts_req *r)
{
	char path[600], raw[600];

	snprintf(path, sizeof(path), "%s/%s.wav", tts->dir, r->key);
	if (!load_wav(path, &r->pcm, &r->n)) {
		r->from_disk = true;
		return;
	}
	snprintf(raw, sizeof(raw), "%s/%s.espeak.wav", tts->dir, r->key);
	r->rendered = true;
	r->err = render(program, r, raw);
	if (!r->err)
		r->err = load_wav(raw, &r->pcm, &r->n);
	unlink(raw);
	if (!r->err && save(path, r->pcm, r->n))
		log_warn("prompt", "tts: cannot write %s", path);
}

static void *worker(void *arg)
{
	struct tts *tts = arg;
	const char *program = tts->lib->tts_program;  /* set before start */

	pthread_mutex_lock(&tts->mu);
	for (;;) {
		struct prompt_tts_req *r;

		while (!tts->stop && !tts->qhead)
			pthread_cond_wait(&tts->cv, &tts->mu);
		if (tts->stop)
			break;
		r = tts->qhead;
		tts->qhead = r->qnext;
		if (!tts->qhead)
			tts->qtail = NULL;
		pthread_mutex_unlock(&tts->mu);

		if (atomic_load(&r->cancelled))
			r->err = ECANCELED;
		else
			work(tts, program, r);
		if (mqueue_push(tts->mq, 0, r))
			log_warn("prompt", "tts: result lost (mqueue)");

		pthread_mutex_lock(&tts->mu);
	}
	pthread_mutex_unlock(&tts->mu);
	return NULL;
}

/* ---- signalling thread ---------------------------------------------- */

static void live_unlink(struct tts *tts, struct prompt_tts_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		tts->live = r->next;
	if (r->next)
		r->next->prev = r->prev;
}

static void deliver(int id, void *data, void *arg)
{
	struct prompt_lib *lib = ((struct tts *)arg)->lib;
	struct prompt_tts_req *r = data;
	struct prompt *p = prompt_ref(r->hit);
	char name[LANG_MAX + KEY_HEX + 8];
	(void)id;

	live_unlink(lib->tts, r);
	snprintf(name, sizeof(name), "tts/%s/%s", r->lang, r->key);
	lib->st.tts_disk_hits += r->from_disk;
	lib->st.tts_renders += r->rendered;
	if (!p && !r->err) {
		r->err = prompt_alloc(&p, name, r->pcm, r->n);
		r->pcm = NULL;
		if (!r->err)
			ptable_put(&lib->cache, 0, name, p);
	}
	if (r->err && r->err != ECANCELED)
		lib->st.tts_errors++;
	if (r->done)
		r->done(r->err, r->err ? NULL : p, r->arg);
	prompt_unref(p);
	req_free(r);
}

static int tts_start(struct prompt_lib *lib)
{
	struct tts *tts;
	int err;

	if (!lib->data_dir)
		return EINVAL;
	tts = calloc(1, sizeof(*tts));
	if (!tts)
		return ENOMEM;
	tts->lib = lib;
	snprintf(tts->dir, sizeof(tts->dir), "%s/tts", lib->data_dir);
	if (mkdir(tts->dir, 0750) && errno != EEXIST) {
		err = errno;
		log_warn("prompt", "tts: cannot create %s: %m", tts->dir);
		free(tts);
		return err;
	}
	err = mqueue_alloc(&tts->mq, deliver, tts);
	if (err) {
		free(tts);
		return err;
	}
	pthread_mutex_init(&tts->mu, NULL);
	pthread_cond_init(&tts->cv, NULL);
	err = pthread_create(&tts->thread, NULL, worker, tts);
	if (err) {
		mem_deref(tts->mq);
		pthread_mutex_destroy(&tts->mu);
		pthread_cond_destroy(&tts->cv);
		free(tts);
		return err;
	}
	lib->tts = tts;
	return 0;
}

void tts_free(struct tts *tts)
{
	if (!tts)
		return;
	pthread_mutex_lock(&tts->mu);
	tts->stop = true;
	pthread_cond_signal(&tts->cv);
	pthread_mutex_unlock(&tts->mu);
	pthread_join(tts->thread, NULL);
	/* queued, in the mqueue or not yet started: dropped silently */
	mem_deref(tts->mq);
	while (tts->live) {
		struct prompt_tts_req *r = tts->live;

		tts->live = r->next;
		req_free(r);
	}
	pthread_mutex_destroy(&tts->mu);
	pthread_cond_destroy(&tts->cv);
	free(tts);
}

static bool text_ok(const char *text)
{
	size_t len = text ? strlen(text) : 0, i;

	if (!len || len > TTS_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static void make_key(struct prompt_tts_req *r)
{
	unsigned char h[KEY_HEX / 2];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)r->lang,
				  strlen(r->lang) + 1);
	crypto_generichash_update(&st, (const uint8_t *)r->text,
				  strlen(r->text));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(r->key, sizeof(r->key), h, sizeof(h));
}

int prompt_tts(struct prompt_lib *lib, const char *lang, const char *text,
	       prompt_tts_h *done_cb, void *arg,
	       struct prompt_tts_req **reqp)
{
	char name[LANG_MAX + KEY_HEX + 8];
	struct prompt_tts_req *r;
	struct tts *tts;
	int err;

	if (!lib || !done_cb || !text_ok(text))
		return EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	/* the language alone names the voice, as for recorded sets: "fr",
	   "fr_CA" and "fr-FR" share one rendering */
	if (!plib_lang_norm(r->lang, lang)) {
		free(r);
		return EINVAL;
	}
	r->text = strdup(text);
	if (!r->text) {
		req_free(r);
		return ENOMEM;
	}
	if (!lib->tts) {
		err = tts_start(lib);
		if (err) {
			req_free(r);
			return err;
		}
	}
	tts = lib->tts;
	r->done = done_cb;
	r->arg = arg;
	make_key(r);
	lib->st.tts_requests++;

	/* in memory: still answered through the mqueue, so that done_cb
	   never runs inside this call */
	snprintf(name, sizeof(name), "tts/%s/%s", r->lang, r->key);
	r->hit = ptable_get(&lib->cache, 0, name);
	if (r->hit) {
		lib->st.hits++;
		err = mqueue_push(tts->mq, 0, r);
		if (err) {
			req_free(r);
			return err;
		}
	}
	else {
		pthread_mutex_lock(&tts->mu);
		if (tts->qtail)
			tts->qtail->qnext = r;
		else
			tts->qhead = r;
		tts->qtail = r;
		pthread_cond_signal(&tts->cv);
		pthread_mutex_unlock(&tts->mu);
	}
	r->next = tts->live;
	if (r->next)
		r->next->prev = r;
	tts->live = r;
	if (reqp)
		*reqp = r;
	return 0;
}

void prompt_tts_cancel(struct prompt_tts_req *req)
{
	if (!req)
		return;
	req->done = NULL;
	atomic_store(&req->cancelled, true);
}
