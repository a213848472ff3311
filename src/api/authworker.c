/**
 * @file authworker.c  Password hashing thread.
 *
 * Jobs are malloc'd (never libre objects: reference counts are not
 * thread-safe); the password copy is wiped as soon as it is used.
 */
#include <re.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "api/authworker.h"

struct job {
	struct job *next;
	bool verify;
	char hash[crypto_pwhash_STRBYTES];
	char password[256];
	bool ok;
	authworker_h *h;
	void *arg;
};

struct authworker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, **tail;
	bool stopping;
	struct mqueue *mq;
};

/* a known hash to verify against when the account does not exist, so
   that "no such account" takes as long as "wrong password" */
static char dummy_hash[crypto_pwhash_STRBYTES];

static void run_job(struct job *j)
{
	const char *hash = j->hash[0] ? j->hash : dummy_hash;
	size_t n = strlen(j->password);

	if (j->verify) {
		j->ok = 0 == crypto_pwhash_str_verify(hash, j->password, n) &&
			j->hash[0];
	}
	else {
		j->ok = 0 == crypto_pwhash_str(j->hash, j->password, n,
				crypto_pwhash_OPSLIMIT_INTERACTIVE,
				crypto_pwhash_MEMLIMIT_INTERACTIVE);
	}
	sodium_memzero(j->password, sizeof(j->password));
}

static void *thread_main(void *arg)
{
	struct authworker *aw = arg;

	pthread_setname_np(pthread_self(), "centrexd-auth");
	if (!dummy_hash[0] &&
	    crypto_pwhash_str(dummy_hash, "no account here", 15,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		dummy_hash[0] = '\0';   /* then a verify simply fails */
	pthread_mutex_lock(&aw->mu);
	for (;;) {
		struct job *j;

		while (!aw->head && !aw->stopping)
			pthread_cond_wait(&aw->cv, &aw->mu);
		if (aw->stopping)
			break;
		j = aw->head;
		aw->head = j->next;
		if (!aw->head)
			aw->tail = &aw->head;
		pthread_mutex_unlock(&aw->mu);

		run_job(j);
		if (mqueue_push(aw->mq, 0, j))
			free(j);   /* the loop is gone: nobody to tell */

		pthread_mutex_lock(&aw->mu);
	}
	pthread_mutex_unlock(&aw->mu);
	return NULL;
}

/* on the signalling thread */
static void mq_handler(int id, void *data, void *arg)
{
	struct job *j = data;
	(void)id;
	(void)arg;

	j->h(j->ok, j->verify ? NULL : j->hash, j->arg);
	sodium_memzero(j, sizeof(*j));
	free(j);
}

int authworker_alloc(struct authworker **awp)
{
	struct authworker *aw = calloc(1, sizeof(*aw));
	sigset_t all, old;
	int err;

	if (!aw)
		return ENOMEM;
	pthread_mutex_init(&aw->mu, NULL);
	pthread_cond_init(&aw->cv, NULL);
	aw->tail = &aw->head;
	err = mqueue_alloc(&aw->mq, mq_handler, aw);
	if (err) {
		free(aw);
		return err;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&aw->thread, NULL, thread_main, aw);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		mem_deref(aw->mq);
		free(aw);
		return err;
	}
	*awp = aw;
	return 0;
}

void authworker_free(struct authworker *aw)
{
	if (!aw)
		return;
	pthread_mutex_lock(&aw->mu);
	aw->stopping = true;
	pthread_cond_signal(&aw->cv);
	pthread_mutex_unlock(&aw->mu);
	pthread_join(aw->thread, NULL);
	while (aw->head) {
		struct job *j = aw->head;
		aw->head = j->next;
		free(j);
	}
	/* jobs already pushed to the queue are freed with it */
	mem_deref(aw->mq);
	free(aw);
}

static int submit(struct authworker *aw, struct job *j)
{
	pthread_mutex_lock(&aw->mu);
	*aw->tail = j;
	aw->tail = &j->next;
	pthread_cond_signal(&aw->cv);
	pthread_mutex_unlock(&aw->mu);
	return 0;
}

int authworker_verify(struct authworker *aw, const char *hash,
		      const char *password, authworker_h *h, void *arg)
{
	struct job *j;

	if (!aw || !password || !h || strlen(password) >= sizeof(j->password))
		return EINVAL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return ENOMEM;
	j->verify = true;
	if (hash)
		str_ncpy(j->hash, hash, sizeof(j->hash));
	strcpy(j->password, password);
	j->h = h;
	j->arg = arg;
	return submit(aw, j);
}

int authworker_hash(struct authworker *aw, const char *password,
		    authworker_h *h, void *arg)
{
	struct job *j;

	if (!aw || !password || !h || strlen(password) >= sizeof(j->password))
		return EINVAL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return ENOMEM;
	strcpy(j->password, password);
	j->h = h;
	j->arg = arg;
	return submit(aw, j);
}
