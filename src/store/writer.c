/**
 * @file writer.c  Store writer thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include "core/log.h"
#include "core/metrics.h"
#include "store/writer.h"

struct batch {
	struct batch *next;
	struct store_binding *v;
	size_t n;
};

struct store_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, **tail;   /**< FIFO, guarded by mu */
	size_t backlog;               /**< rows queued or being written */
	bool stopping;
	struct store *st;             /**< owned by the thread */
};

static void batch_free(struct batch *b)
{
	free(b->v);
	free(b);
}

static void write_batch(struct store_writer *w, struct batch *b)
{
	int err = 0;

	/* a busy database is retried; anything else is counted and dropped */
	for (int attempt = 0; attempt < 5; attempt++) {
		err = store_binding_apply(w->st, b->v, b->n);
		if (err != EBUSY)
			break;
		nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
	}
	if (err) {
		metrics_inc(M_STORE_ERRORS);
		log_error("store", "writing %zu registration changes failed: "
			  "%s", b->n, store_errmsg(w->st));
	}
	else {
		metrics_add(M_STORE_WRITES, b->n);
	}
}

static void *thread_main(void *arg)
{
	struct store_writer *w = arg;

	pthread_setname_np(pthread_self(), "centrexd-store");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct batch *b;

		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head && w->stopping)
			break;

		b = w->head;
		w->head = b->next;
		if (!w->head)
			w->tail = &w->head;
		pthread_mutex_unlock(&w->mu);

		write_batch(w, b);

		pthread_mutex_lock(&w->mu);
		w->backlog -= b->n;
		batch_free(b);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int store_writer_start(struct store_writer **wp, const char *url,
		       char *errbuf, size_t errsz)
{
	struct store_writer *w;
	sigset_t all, old;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->tail = &w->head;

	err = store_open(&w->st, url, errbuf, errsz);
	if (err)
		goto out;

	/* signals are for the signalling thread only */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&w->thread, NULL, thread_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

 out:
	if (err) {
		store_close(w->st);
		free(w);
		return err;
	}
	*wp = w;
	return 0;
}

int store_writer_submit(struct store_writer *w, struct store_binding *v,
			size_t n)
{
	struct batch *b;

	if (!w || !v || !n) {
		free(v);
		return EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		free(v);
		return ENOMEM;
	}
	b->v = v;
	b->n = n;

	pthread_mutex_lock(&w->mu);
	*w->tail = b;
	w->tail = &b->next;
	w->backlog += n;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

size_t store_writer_backlog(struct store_writer *w)
{
	size_t n;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	n = w->backlog;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/* Writes everything queued, then joins the thread. */
void store_writer_stop(struct store_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);

	while (w->head) {
		struct batch *b = w->head;
		w->head = b->next;
		batch_free(b);
	}
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
