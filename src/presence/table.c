/**
 * @file table.c  Presence state: watched users, their calls, watchers.
 */
#include <string.h>
#include "presence/reach.h"
#include "presence/table.h"

enum { USERS_HT = 4096, DEVS_HT = 4096 };

struct pres_table {
	struct hash *users;              /**< struct pres_user, owned */
	struct hash *devs;               /**< struct pres_dev, owned */
	uint32_t nsubs;
};

static void table_destructor(void *arg)
{
	struct pres_table *t = arg;

	hash_flush(t->users);
	hash_flush(t->devs);
	t->users = mem_deref(t->users);
	t->devs = mem_deref(t->devs);
}

int pres_table_alloc(struct pres_table **tp)
{
	struct pres_table *t;
	int err;

	if (!tp)
		return EINVAL;
	t = mem_zalloc(sizeof(*t), table_destructor);
	if (!t)
		return ENOMEM;
	err = hash_alloc(&t->users, USERS_HT);
	if (!err)
		err = hash_alloc(&t->devs, DEVS_HT);
	if (err)
		mem_deref(t);
	else
		*tp = t;
	return err;
}

struct user_key {
	int64_t tenant_id, user_id;
};

static bool user_cmp(struct le *le, void *arg)
{
	const struct pres_user *u = le->data;
	const struct user_key *k = arg;

	return u->tenant_id == k->tenant_id && u->user_id == k->user_id;
}

static void user_destructor(void *arg)
{
	struct pres_user *u = arg;

	hash_unlink(&u->he);
}

struct pres_user *pres_table_user(struct pres_table *t, int64_t tenant_id,
				  int64_t user_id, bool create)
{
	struct user_key k = {tenant_id, user_id};
	struct pres_user *u;

	if (!t)
		return NULL;
	u = list_ledata(hash_lookup(t->users, reach_user_hash(tenant_id, user_id),
				    user_cmp, &k));
	if (u || !create)
		return u;
	u = mem_zalloc(sizeof(*u), user_destructor);
	if (!u)
		return NULL;
	u->tenant_id = tenant_id;
	u->user_id = user_id;
	hash_append(t->users, reach_user_hash(tenant_id, user_id), &u->he, u);
	return u;
}

static bool dev_cmp(struct le *le, void *arg)
{
	const struct pres_dev *d = le->data;

	return d->device_id == *(const int64_t *)arg;
}

static void dev_destructor(void *arg)
{
	struct pres_dev *d = arg;

	hash_unlink(&d->he);
}

struct pres_dev *pres_table_dev(struct pres_table *t, int64_t device_id,
				bool create)
{
	struct pres_dev *d;

	if (!t)
		return NULL;
	d = list_ledata(hash_lookup(t->devs, reach_user_hash(device_id, 0), dev_cmp,
				    &device_id));
	if (d || !create)
		return d;
	d = mem_zalloc(sizeof(*d), dev_destructor);
	if (!d)
		return NULL;
	d->device_id = device_id;
	hash_append(t->devs, reach_user_hash(device_id, 0), &d->he, d);
	return d;
}

void pres_table_tidy_user(struct pres_table *t, struct pres_user *u)
{
	(void)t;
	if (!u || !list_isempty(&u->subs) || u->ndialogs ||
	    (u->mwi_known && (u->mwi_new || u->mwi_old)) || u->away_until_ms)
		return;
	mem_deref(u);
}

void pres_table_tidy_dev(struct pres_table *t, struct pres_dev *d)
{
	(void)t;
	/* a device shown a lamp stays, so it is not shown it again */
	if (!d || d->nsubs || d->mwi_seq_shown)
		return;
	mem_deref(d);
}

int pres_table_sub_add(struct pres_table *t, struct pres_sub *s,
		       struct pres_user *u, struct pres_dev *d,
		       enum pres_event ev, uint32_t max_per_dev, void *owner)
{
	if (!t || !s || !u || !d || ev >= PRES_EV_COUNT)
		return EINVAL;
	if (d->nsubs >= max_per_dev)
		return EMLINK;
	memset(s, 0, sizeof(*s));
	s->user = u;
	s->dev = d;
	s->ev = ev;
	s->owner = owner;
	list_append(&u->subs, &s->le, s);
	u->nwatch[ev]++;
	d->nsubs++;
	if (ev == PRES_EV_MWI)
		d->nmwi++;
	t->nsubs++;
	return 0;
}

void pres_table_sub_remove(struct pres_table *t, struct pres_sub *s)
{
	struct pres_user *u;
	struct pres_dev *d;

	if (!t || !s || !s->user)
		return;
	u = s->user;
	d = s->dev;
	list_unlink(&s->le);
	u->nwatch[s->ev]--;
	d->nsubs--;
	if (s->ev == PRES_EV_MWI)
		d->nmwi--;
	t->nsubs--;
	s->user = NULL;
	s->dev = NULL;
	pres_table_tidy_user(t, u);
	pres_table_tidy_dev(t, d);
}

uint32_t pres_table_sub_count(const struct pres_table *t)
{
	return t ? t->nsubs : 0;
}

bool pres_user_dialog_set(struct pres_user *u, const char *id,
			  enum presence_dialog_state st, bool initiator,
			  const char *remote)
{
	struct pres_dialog *dl = NULL;
	size_t i;

	if (!u || !id || !id[0])
		return false;
	for (i = 0; i < u->ndialogs; i++) {
		if (!strncmp(u->dialogs[i].id, id, sizeof(dl->id) - 1)) {
			dl = &u->dialogs[i];
			break;
		}
	}
	if (st == PRESENCE_DIALOG_TERMINATED) {
		if (!dl)
			return false;
		/* keep the order of the others: phones show the first */
		memmove(dl, dl + 1, (u->ndialogs - i - 1) * sizeof(*dl));
		u->ndialogs--;
		return true;
	}
	if (!dl) {
		if (u->ndialogs == PRES_MAX_DIALOGS)
			return false;
		dl = &u->dialogs[u->ndialogs++];
		memset(dl, 0, sizeof(*dl));
		snprintf(dl->id, sizeof(dl->id), "%s", id);
	}
	else if (dl->st == st && dl->initiator == initiator &&
		 !strcmp(dl->remote, remote ? remote : "")) {
		return false;
	}
	dl->st = st;
	dl->initiator = initiator;
	snprintf(dl->remote, sizeof(dl->remote), "%s", remote ? remote : "");
	return true;
}

enum pres_blf pres_user_blf(const struct pres_user *u)
{
	bool ringing = false;

	if (!u)
		return PRES_BLF_IDLE;
	for (size_t i = 0; i < u->ndialogs; i++) {
		const struct pres_dialog *dl = &u->dialogs[i];

		if (dl->st == PRESENCE_DIALOG_CONFIRMED || dl->initiator)
			return PRES_BLF_BUSY;
		ringing = true;
	}
	return ringing ? PRES_BLF_RINGING : PRES_BLF_IDLE;
}

const char *pres_blf_name(enum pres_blf b)
{
	switch (b) {
	case PRES_BLF_RINGING: return "ringing";
	case PRES_BLF_BUSY:    return "busy";
	default:               return "idle";
	}
}

struct walk {
	pres_user_h *h;
	void *arg;
};

static bool walk_one(struct le *le, void *arg)
{
	struct walk *w = arg;

	w->h(le->data, w->arg);
	return false;
}

void pres_table_foreach_user(struct pres_table *t, pres_user_h *h, void *arg)
{
	struct walk w = {h, arg};

	if (t && h)
		(void)hash_apply(t->users, walk_one, &w);
}
