/**
 * @file writer.c  Store writer thread.
 *
 * Two queues, both guarded by one mutex and drained by the one thread:
 * batches of registration changes, which the signalling thread hands
 * over every store.flush_ms, and call detail records, handed over one by
 * one as calls end.  A record wakes the thread at once and goes before
 * any batch waiting: a call that ended is in the database within a
 * transaction's time, so killing the daemon right after (even with
 * SIGKILL) loses no call.  On stop, both queues are written out before
 * the thread ends.
 *
 * A busy database is retried a few times; a record that still cannot be
 * written is logged (at error level: tenant, users, trunk, times) so
 * that the loss is seen and can be billed by hand, and dropped: the
 * thread must not stall the registrations behind it.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include "cdr/cdr.h"
#include "core/log.h"
#include "core/metrics.h"
#include "store/writer.h"

enum { WRITE_ATTEMPTS = 5, RETRY_PAUSE_MS = 50 };

struct batch {
	struct batch *next;
	struct store_binding *v;
	size_t n;
};

struct cdr_item {
	struct cdr_item *next;
	struct cdr *c;                /**< owned */
};

struct store_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, **tail;   /**< FIFO, guarded by mu */
	size_t backlog;               /**< rows queued or being written */
	struct cdr_item *cdr_head, **cdr_tail;  /**< FIFO, guarded by mu */
	size_t cdr_backlog;           /**< records queued or being written */
	bool stopping;
	struct store *st;             /**< owned by the thread */
};

static void batch_free(struct batch *b)
{
	free(b->v);
	free(b);
}

static void cdr_item_free(struct cdr_item *it)
{
	free(it->c);
	free(it);
}

static void pause_retry(void)
{
	nanosleep(&(struct timespec){0, RETRY_PAUSE_MS * 1000 * 1000}, NULL);
}

static void write_batch(struct store_writer *w, struct batch *b)
{
	int err = 0;

	/* a busy database is retried; anything else is counted and dropped */
	for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
		err = store_binding_apply(w->st, b->v, b->n);
		if (err != EBUSY)
			break;
		pause_retry();
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

static void write_cdr(struct store_writer *w, const struct cdr *c)
{
	int err = 0;

	for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
		err = store_cdr_insert(w->st, c);
		if (err != EBUSY)
			break;
		pause_retry();
	}
	if (!err) {
		metrics_inc(M_STORE_WRITES);
		return;
	}
	metrics_inc(M_STORE_ERRORS);
	/* EEXIST: the tenant was deleted while the call went on.  Only our
	   own values go to the log: the texts came from SIP peers. */
	log_error("store", "CDR not written (%s): tenant=%" PRId64
		  " caller_user=%" PRId64 " callee_user=%" PRId64
		  " trunk=%" PRId64 " start_ms=%" PRId64 " answer_ms=%" PRId64
		  " end_ms=%" PRId64 " billsec=%" PRId64 " disposition=%d",
		  err == EEXIST ? "its tenant is gone" : store_errmsg(w->st),
		  c->tenant_id, c->caller_user_id, c->callee_user_id,
		  c->trunk_id, c->start_ms, c->answer_ms, c->end_ms,
		  c->billsec, (int)c->disposition);
}

static void *thread_main(void *arg)
{
	struct store_writer *w = arg;

	pthread_setname_np(pthread_self(), "centrexd-store");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct cdr_item *it;
		struct batch *b;

		while (!w->head && !w->cdr_head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);

		/* records first: each is a finished call waiting to be safe */
		it = w->cdr_head;
		if (it) {
			w->cdr_head = it->next;
			if (!w->cdr_head)
				w->cdr_tail = &w->cdr_head;
			pthread_mutex_unlock(&w->mu);

			write_cdr(w, it->c);

			pthread_mutex_lock(&w->mu);
			w->cdr_backlog--;
			cdr_item_free(it);
			continue;
		}

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
	w->cdr_tail = &w->cdr_head;

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

int store_writer_submit_cdr(struct store_writer *w, struct cdr *c)
{
	struct cdr_item *it;

	if (!w || !c) {
		free(c);
		return EINVAL;
	}
	it = calloc(1, sizeof(*it));
	if (!it) {
		free(c);
		return ENOMEM;
	}
	it->c = c;

	pthread_mutex_lock(&w->mu);
	*w->cdr_tail = it;
	w->cdr_tail = &it->next;
	w->cdr_backlog++;
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

size_t store_writer_cdr_backlog(struct store_writer *w)
{
	size_t n;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	n = w->cdr_backlog;
	pthread_mutex_unlock(&w->mu);
	return n;
}

/* Writes everything queued (records, then batches), then joins. */
void store_writer_stop(struct store_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);

	/* the thread leaves both queues empty; this is for safety only */
	while (w->head) {
		struct batch *b = w->head;
		w->head = b->next;
		batch_free(b);
	}
	while (w->cdr_head) {
		struct cdr_item *it = w->cdr_head;
		w->cdr_head = it->next;
		cdr_item_free(it);
	}
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
