/**
 * @file mohload.c  Converting the system's music on hold in the
 * background, once, at start.
 *
 * The MOH folder holds minutes of 8 kHz music; converting it to the
 * engine's 16 kHz takes about a second of CPU (several under the
 * sanitizers), which the signalling thread must not spend when the
 * first caller is put on hold.  So a worker converts every system
 * track after start, and the tracks it hands back (through a list
 * guarded by a mutex, with an mqueue to wake the signalling thread)
 * are kept in their class for good: music on hold is always in use,
 * it is not a cache entry to evict.  Until a class has a track, asking
 * for it finds nothing and the caller does without music.
 */
#include <re.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "media/prompt/priv.h"

/* One track to convert, and then converted. */
struct job {
	struct job *next;
	char cls[PROMPT_NAME_MAX];
	size_t idx;
	char path[512];
	char key[PROMPT_NAME_MAX * 2 + 8];
	struct prompt *p;              /**< the result, or NULL */
};

struct moh_loader {
	struct prompt_lib *lib;        /**< borrowed: the owner */
	pthread_t thread;
	struct mqueue *mq;
	pthread_mutex_t mu;
	struct job *todo;              /**< the worker's (read only there) */
	struct job *done;              /**< guarded by mu */
	atomic_bool stop;
	bool started;
};

static void job_list_free(struct job *j)
{
	while (j) {
		struct job *next = j->next;

		prompt_unref(j->p);
		free(j);
		j = next;
	}
}

/* On the signalling thread: the converted tracks join their classes. */
static void deliver(int id, void *data, void *arg)
{
	struct moh_loader *ml = arg;
	struct job *j;
	(void)id;
	(void)data;

	pthread_mutex_lock(&ml->mu);
	j = ml->done;
	ml->done = NULL;
	pthread_mutex_unlock(&ml->mu);
	while (j) {
		struct job *next = j->next;

		if (j->p)
			plib_moh_track_loaded(ml->lib, j->cls, j->idx, j->p);
		else
			ml->lib->st.load_errors++;
		free(j);
		j = next;
	}
}

static void *worker(void *arg)
{
	struct moh_loader *ml = arg;

	for (struct job *j = ml->todo; j; j = ml->todo) {
		if (atomic_load(&ml->stop))
			break;
		ml->todo = j->next;
		j->p = plib_read_file(j->path, j->key, NULL);
		if (!j->p)
			log_warn("prompt", "music on hold: cannot read %s",
				 j->path);
		pthread_mutex_lock(&ml->mu);
		j->next = ml->done;
		ml->done = j;
		pthread_mutex_unlock(&ml->mu);
		(void)mqueue_push(ml->mq, 0, NULL);
	}
	return NULL;
}

static int add_job(struct moh_loader *ml, const struct moh_class *c,
		   size_t i)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return ENOMEM;
	snprintf(j->cls, sizeof(j->cls), "%s", c->name);
	j->idx = i;
	snprintf(j->path, sizeof(j->path), "%s/%s.wav", c->dir, c->files[i]);
	snprintf(j->key, sizeof(j->key), "moh/%s/%s", c->name, c->files[i]);
	j->next = ml->todo;
	ml->todo = j;
	return 0;
}

int plib_moh_preload(struct prompt_lib *lib)
{
	struct moh_loader *ml;
	int err = 0;

	if (lib->loader)
		return EALREADY;
	ml = calloc(1, sizeof(*ml));
	if (!ml)
		return ENOMEM;
	ml->lib = lib;
	pthread_mutex_init(&ml->mu, NULL);
	/* the jobs are listed here, before the worker starts: it never
	   reads the class list, which the API may change meanwhile */
	for (const struct moh_class *c = lib->moh; c && !err; c = c->next) {
		if (c->tenant || !c->files)
			continue;
		for (size_t i = c->n; i-- > 0 && !err;)
			err = add_job(ml, c, i);
	}
	if (!err)
		err = mqueue_alloc(&ml->mq, deliver, ml);
	if (!err)
		err = pthread_create(&ml->thread, NULL, worker, ml);
	if (err) {
		job_list_free(ml->todo);
		mem_deref(ml->mq);
		pthread_mutex_destroy(&ml->mu);
		free(ml);
		return err;
	}
	ml->started = true;
	lib->loader = ml;
	return 0;
}

bool plib_moh_loading(const struct prompt_lib *lib)
{
	return lib->loader != NULL;
}

void plib_moh_loader_free(struct prompt_lib *lib)
{
	struct moh_loader *ml = lib->loader;

	if (!ml)
		return;
	atomic_store(&ml->stop, true);
	if (ml->started)
		pthread_join(ml->thread, NULL);
	/* what was converted but not delivered, and what was never begun */
	job_list_free(ml->done);
	job_list_free(ml->todo);
	mem_deref(ml->mq);
	pthread_mutex_destroy(&ml->mu);
	free(ml);
	lib->loader = NULL;
}
