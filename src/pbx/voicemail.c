/**
 * @file voicemail.c  Leaving a message, and the mailbox menu by phone.
 *
 * One state machine for both: each state plays a playlist (apprompt.h)
 * and says what its end leads to; digits either feed a collection (a
 * PIN) or are menu keys, and a key pressed during a prompt cuts it
 * short.  The keys are the usual ones of voicemail systems, so that the
 * recorded instructions fit: 4 previous, 5 repeat, 6 next, 7 delete,
 * 9 save, 0 mailbox options, * help, # exit; in the options, 1, 2 and 3
 * record the unavailable, busy and name greetings and 5 changes the PIN.
 *
 * Recordings (messages and greetings) are written to a ".part" file by
 * the recording writer; its done callback, which may come after the
 * call has gone, renames the file and writes the row, so a caller who
 * hangs up while speaking still leaves a message.
 */
#include <re.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/random.h"
#include "core/theap.h"
#include "features/vmpin.h"
#include "media/dsp/dtmf.h"
#include "pbx/apprompt.h"
#include "pbx/priv.h"
#include "pbx/voicemail.h"
#include "record/record.h"
#include "store/store.h"

enum {
	MIN_MESSAGE_MS = 1000,       /* shorter: a hang-up, not a message */
	SILENCE_END_MS = 5000,       /* a message ends after this quiet */
	GREETING_SILENCE_MS = 3000,
	GREETING_MAX_S = 60,
	SILENCE_DBOV = -45,
	PIN_TRIES = 3,
	LIST_MAX = 100,
	TICK_MS = 250,
};

enum state {
	S_GREETING,      /* deposit: the box owner's greeting, then beep */
	S_RECORDING,     /* a message or a greeting is being recorded */
	S_SAVED,         /* "saved": then bye (deposit) or options (menu) */
	S_BYE,           /* the last prompt: then hang up */
	S_PIN,           /* menu: the PIN is asked for */
	S_INTRO,         /* "you have N new messages" */
	S_MESSAGE,       /* a message is played */
	S_AFTER,         /* waiting for a key after a message */
	S_OPTIONS,       /* mailbox options */
	S_GREET_ASK,     /* "record your greeting after the tone" */
	S_PIN_NEW,
	S_PIN_AGAIN,
};

enum greeting { GREET_UNAVAILABLE, GREET_BUSY, GREET_NAME };

static const char *const greeting_name[] = {"unavailable", "busy", "name"};

/* What a recording needs when it ends, maybe after the call: owned by
   the recording writer's done callback from rec_open on. */
struct vm_rec {
	struct store *st;
	void (*changed)(void *arg, int64_t tenant_id, int64_t user_id);
	void (*left)(void *arg, const struct store_vm_message *m);
	void *changed_arg;
	char data_dir[256];
	char rel[256];               /* final file, relative to data_dir */
	bool message;
	enum greeting kind;
	struct store_vm_message m;   /* message: everything but the sizes */
};

struct vm {
	struct pbx *p;
	struct media_relay *r;
	struct call_origin o;        /* borrowed strings: the call outlives us */
	void (*hangup)(void *arg);
	void (*redirect)(void *arg, const char *dest);
	void *hangup_arg;
	char callback[128];          /* the number '3' calls back */
	bool menu;
	enum state st;
	uint32_t play_id;            /* of the prompt whose end we wait for */
	struct theap_entry t;        /* recording limit, or collection tick */
	struct theap_entry t_done;   /* an empty playlist "ends" on it */

	int64_t box_user;
	struct store_vm_box box;
	char box_ext[32];
	char call_uuid[37];
	bool recording;

	struct dtmf_collect col;
	bool collecting;
	int tries;
	char pin1[DTMF_COLLECT_MAX + 1];

	int64_t ids[LIST_MAX];
	size_t nids, cur;
	int newc, oldc;
	enum greeting greet;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void box_dir(const struct vm *v, char *buf, size_t size)
{
	(void)re_snprintf(buf, size, "voicemail/%lld/%lld",
			  (long long)v->o.tenant_id, (long long)v->box_user);
}

/* ---- prompts ------------------------------------------------------------ */

/* Nothing could be played (no prompts installed): the machine moves on
   as if it had been, from the timer heap rather than from inside the
   code that asked, which may be about to use v. */
static void empty_done(void *arg)
{
	struct vm *v = arg;
	struct media_event ev = {.type = MEDIA_EV_PLAY_DONE, .side = MEDIA_A,
				 .play_id = v->play_id};

	if (vm_media_event(v, &ev) == APP_HANG_UP)
		v->hangup(v->hangup_arg);   /* frees v */
}

/* Plays pl; its end moves the machine on from state st. */
static void play(struct vm *v, struct playlist *pl, enum state st)
{
	v->st = st;
	v->play_id++;
	if (playlist_play(pl, v->r, MEDIA_A, v->play_id))
		theap_start(v->p->d.theap, &v->t_done, 1, empty_done, v);
}

static void say(struct vm *v, enum state st, const char *const *names)
{
	struct playlist pl;

	playlist_init(&pl, v->p, &v->o, NULL);
	for (; *names; names++)
		playlist_name(&pl, *names);
	play(v, &pl, st);
}

static void bye(struct vm *v, const char *first)
{
	const char *names[] = {first ? first : "vm-goodbye",
			       first ? "vm-goodbye" : NULL, NULL};
	say(v, S_BYE, names);
}

/* ---- recordings --------------------------------------------------------- */

static void rec_done(const struct rec_result *res, void *arg)
{
	struct vm_rec *x = arg;
	char part[600], final[600];

	(void)re_snprintf(final, sizeof(final), "%s/%s", x->data_dir, x->rel);
	(void)re_snprintf(part, sizeof(part), "%s.part", final);
	if (res->err || res->duration_ms < MIN_MESSAGE_MS ||
	    rename(part, final)) {
		(void)unlink(part);
		free(x);
		return;
	}
	if (x->message) {
		x->m.duration_ms = res->duration_ms;
		x->m.bytes = (int64_t)res->bytes;
		if (store_vm_message_create(x->st, x->m.tenant_id, &x->m)) {
			log_warn("pbx/vm", "a message for user %lld could not "
				 "be saved", (long long)x->m.user_id);
			(void)unlink(final);
		}
		else {
			log_info("pbx/vm", "message %s for user %lld, %lld ms",
				 x->m.uuid, (long long)x->m.user_id,
				 (long long)x->m.duration_ms);
			if (x->left)
				x->left(x->changed_arg, &x->m);
		}
	}
	else {
		struct store_vm_box b;

		if (!store_vm_box_get(x->st, x->m.tenant_id, x->m.user_id,
				      &b)) {
			if (x->kind == GREET_UNAVAILABLE)
				b.has_greeting_unavailable = true;
			else if (x->kind == GREET_BUSY)
				b.has_greeting_busy = true;
			else
				b.has_greeting_name = true;
			(void)store_vm_box_put(x->st, x->m.tenant_id, &b);
		}
	}
	if (x->changed)
		x->changed(x->changed_arg, x->m.tenant_id, x->m.user_id);
	free(x);
}

static void rec_limit(void *arg);

/* Records what the caller says into rel (relative to the data folder),
   until '#', silence or max_s: a message named uuid, or (uuid NULL) the
   greeting v->greet. */
static int rec_start(struct vm *v, const char *rel, const char *uuid,
		     unsigned max_s, unsigned silence_ms)
{
	struct vm_rec *x;
	struct rec_file *f;
	char path[600];
	int err;

	if (!v->p->d.recorder)
		return ENOSYS;
	x = calloc(1, sizeof(*x));
	if (!x)
		return ENOMEM;
	x->st = v->p->d.st;
	x->changed = v->p->d.ev.vm_changed;
	x->left = v->p->d.ev.vm_message;
	x->changed_arg = v->p->d.ev.arg;
	str_ncpy(x->data_dir, v->p->d.conf->media_data_dir,
		 sizeof(x->data_dir));
	str_ncpy(x->rel, rel, sizeof(x->rel));
	x->message = uuid != NULL;
	x->kind = v->greet;
	x->m.tenant_id = v->o.tenant_id;
	x->m.user_id = v->box_user;
	if (uuid) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		str_ncpy(x->m.uuid, uuid, sizeof(x->m.uuid));
		str_ncpy(x->m.caller, v->o.caller, sizeof(x->m.caller));
		str_ncpy(x->m.caller_name, v->o.caller_name,
			 sizeof(x->m.caller_name));
		str_ncpy(x->m.call_uuid, v->call_uuid,
			 sizeof(x->m.call_uuid));
		str_ncpy(x->m.file, rel, sizeof(x->m.file));
		x->m.created_ms = (int64_t)ts.tv_sec * 1000 +
				  ts.tv_nsec / 1000000;
	}
	(void)re_snprintf(path, sizeof(path), "%s/%s.part", x->data_dir, rel);
	f = rec_open(v->p->d.recorder, path, 1);
	if (!f) {
		free(x);
		return ENOMEM;
	}
	/* from here on x belongs to rec_done */
	err = media_relay_record(v->r, f, MEDIA_REC_A, rec_done, x);
	if (err)
		return err;
	(void)media_relay_detect_silence(v->r, MEDIA_A, silence_ms,
					 SILENCE_DBOV);
	theap_start(v->p->d.theap, &v->t, (uint64_t)max_s * 1000, rec_limit,
		    v);
	v->recording = true;
	v->st = S_RECORDING;
	return 0;
}

/* '#', silence or the limit: the recording is kept; "saved". */
static void rec_end(struct vm *v)
{
	static const char *const saved[] = {"vm-msgsaved", NULL};

	if (!v->recording)
		return;
	v->recording = false;
	theap_cancel(v->p->d.theap, &v->t);
	(void)media_relay_detect_silence(v->r, MEDIA_A, 0, SILENCE_DBOV);
	(void)media_relay_record_stop(v->r);
	say(v, S_SAVED, saved);
}

static void rec_limit(void *arg)
{
	rec_end(arg);
}

/* ---- leaving a message -------------------------------------------------- */

static void greeting(struct vm *v, enum vm_reason why)
{
	struct playlist pl;
	char path[600], dir[128];
	bool own = why == VM_BUSY ? v->box.has_greeting_busy
				  : v->box.has_greeting_unavailable;

	playlist_init(&pl, v->p, &v->o, NULL);
	box_dir(v, dir, sizeof(dir));
	(void)re_snprintf(path, sizeof(path), "%s/%s/greeting-%s.wav",
			  v->p->d.conf->media_data_dir, dir,
			  greeting_name[why == VM_BUSY ? GREET_BUSY
						       : GREET_UNAVAILABLE]);
	if (!own || !playlist_file(&pl, path)) {
		/* "the person at extension 1 0 0 2", or their name */
		(void)re_snprintf(path, sizeof(path), "%s/%s/greeting-name.wav",
				  v->p->d.conf->media_data_dir, dir);
		if (!v->box.has_greeting_name || !playlist_file(&pl, path)) {
			playlist_name(&pl, "vm-theperson");
			playlist_digits(&pl, v->box_ext);
		}
		playlist_name(&pl, why == VM_BUSY ? "vm-isonphone"
						  : "vm-isunavail");
	}
	playlist_name(&pl, "vm-intro");
	playlist_name(&pl, "beep");
	play(v, &pl, S_GREETING);
}

static struct vm *vm_new(struct pbx *p, struct media_relay *r,
			 const struct call_origin *o,
			 void (*hangup)(void *arg), void *arg)
{
	struct vm *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->p = p;
	v->r = r;
	v->o = *o;
	v->hangup = hangup;
	v->hangup_arg = arg;
	return v;
}

int vm_deposit_start(struct vm **vp, struct pbx *p, struct media_relay *r,
		     const struct call_origin *o, int64_t box_user_id,
		     enum vm_reason why, const char *call_uuid,
		     void (*hangup)(void *arg), void *arg)
{
	struct store_user u;
	struct vm *v;
	int n_new = 0, n_old = 0;

	if (store_user_get(p->d.st, o->tenant_id, box_user_id, &u))
		return ENOENT;
	v = vm_new(p, r, o, hangup, arg);
	if (!v)
		return ENOMEM;
	v->box_user = box_user_id;
	str_ncpy(v->box_ext, u.extension, sizeof(v->box_ext));
	str_ncpy(v->call_uuid, call_uuid ? call_uuid : "",
		 sizeof(v->call_uuid));
	(void)store_vm_box_get(p->d.st, o->tenant_id, box_user_id, &v->box);
	(void)media_relay_detect_inband(r, MEDIA_A, true);
	*vp = v;
	(void)store_vm_counts(p->d.st, o->tenant_id, box_user_id, &n_new,
			      &n_old);
	if (n_new + n_old >= v->box.max_messages)
		bye(v, "vm-mailboxfull");
	else
		greeting(v, why);
	return 0;
}

/* ---- the mailbox menu ----------------------------------------------------- */

static void collect_tick(void *arg);

/* Digits from now on fill a collection (a PIN); the prompt may still be
   playing. */
static void collect(struct vm *v)
{
	struct dtmf_collect_cfg cfg = {
		.max_digits = 8, .first_ms = 10000, .inter_ms = 5000,
		.term = "#",
	};

	(void)dtmf_collect_start(&v->col, &cfg, mono_ms());
	v->collecting = true;
	theap_start(v->p->d.theap, &v->t, TICK_MS, collect_tick, v);
}

static void ask_pin(struct vm *v, enum state st, const char *prompt)
{
	const char *names[] = {prompt, NULL};

	say(v, st, names);
	collect(v);
}

static int add_id(const struct store_vm_message *m, void *arg)
{
	struct vm *v = arg;

	if (v->nids < LIST_MAX)
		v->ids[v->nids++] = m->id;
	return 0;
}

/* New messages first, then the old ones, oldest first in each. */
static void load_lists(struct vm *v)
{
	v->nids = v->cur = 0;
	v->newc = v->oldc = 0;
	(void)store_vm_message_list(v->p->d.st, v->o.tenant_id, v->box_user,
				    STORE_VM_NEW, 0, LIST_MAX, add_id, v);
	v->newc = (int)v->nids;
	(void)store_vm_message_list(v->p->d.st, v->o.tenant_id, v->box_user,
				    STORE_VM_OLD, 0, LIST_MAX, add_id, v);
	v->oldc = (int)v->nids - v->newc;
}

static void intro(struct vm *v)
{
	struct playlist pl;

	load_lists(v);
	playlist_init(&pl, v->p, &v->o, NULL);
	playlist_name(&pl, "vm-youhave");
	if (!v->nids) {
		playlist_name(&pl, "vm-no");
		playlist_name(&pl, "vm-messages");
		playlist_name(&pl, "vm-options");
		play(v, &pl, S_OPTIONS);
		return;
	}
	if (v->newc) {
		playlist_number(&pl, v->newc);
		playlist_name(&pl, "vm-INBOX");
	}
	if (v->newc && v->oldc)
		playlist_name(&pl, "vm-and");
	if (v->oldc) {
		playlist_number(&pl, v->oldc);
		playlist_name(&pl, "vm-Old");
	}
	playlist_name(&pl, v->nids == 1 ? "vm-message" : "vm-messages");
	play(v, &pl, S_INTRO);
}

static bool dialable(const char *s)
{
	return *s && strspn(s, "+0123456789") == strlen(s);
}

static void play_message(struct vm *v)
{
	struct store_vm_message m;
	struct playlist pl;
	char path[600];

	if (v->cur >= v->nids ||
	    store_vm_message_get(v->p->d.st, v->o.tenant_id, v->ids[v->cur],
				 &m)) {
		static const char *const none[] = {"vm-nomore", NULL};
		say(v, S_AFTER, none);
		return;
	}
	playlist_init(&pl, v->p, &v->o, NULL);
	playlist_name(&pl, "vm-message");
	playlist_number(&pl, (long)v->cur + 1);
	if (dialable(m.caller)) {
		playlist_name(&pl, "vm-from-phonenumber");
		playlist_digits(&pl, m.caller[0] == '+' ? m.caller + 1
							: m.caller);
	}
	else {
		playlist_name(&pl, "vm-unknown-caller");
	}
	/* the day it was left (in UTC: the time of day is not said, as it
	   would need the box owner's time zone) */
	{
		time_t at = (time_t)(m.created_ms / 1000);
		struct tm tm;

		if (gmtime_r(&at, &tm)) {
			playlist_name(&pl, "vm-received");
			playlist_date(&pl, tm.tm_wday, tm.tm_mday, tm.tm_mon);
		}
	}
	(void)re_snprintf(path, sizeof(path), "%s/%s",
			  v->p->d.conf->media_data_dir, m.file);
	if (!playlist_file(&pl, path))
		log_warn("pbx/vm", "message %lld: %s cannot be read",
			 (long long)m.id, m.file);
	play(v, &pl, S_MESSAGE);
}

static void tell_changed(struct vm *v)
{
	if (v->p->d.ev.vm_changed)
		v->p->d.ev.vm_changed(v->p->d.ev.arg, v->o.tenant_id,
				      v->box_user);
}

static void delete_message(struct vm *v)
{
	static const char *const deleted[] = {"vm-deleted", NULL};
	struct store_vm_message m;
	char path[600];

	if (v->cur >= v->nids)
		return;
	if (!store_vm_message_get(v->p->d.st, v->o.tenant_id,
				  v->ids[v->cur], &m) &&
	    !store_vm_message_delete(v->p->d.st, v->o.tenant_id, m.id)) {
		(void)re_snprintf(path, sizeof(path), "%s/%s",
				  v->p->d.conf->media_data_dir, m.file);
		(void)unlink(path);
		tell_changed(v);
	}
	memmove(&v->ids[v->cur], &v->ids[v->cur + 1],
		(v->nids - v->cur - 1) * sizeof(v->ids[0]));
	v->nids--;
	say(v, S_AFTER, deleted);
}

static void mark_heard(struct vm *v)
{
	struct store_vm_message m;

	if (v->cur < v->nids &&
	    !store_vm_message_get(v->p->d.st, v->o.tenant_id, v->ids[v->cur],
				  &m) && !m.heard &&
	    !store_vm_message_set_heard(v->p->d.st, v->o.tenant_id, m.id,
					true))
		tell_changed(v);
}

/* From the timer heap: the redirect ends the menu, and v with it. */
static void call_back_now(void *arg)
{
	struct vm *v = arg;

	v->redirect(v->hangup_arg, v->callback);
}

/* '3': call the current message's caller back, if it left a number */
static void call_back(struct vm *v)
{
	static const char *const nonumber[] = {"vm-nonumber", NULL};
	struct store_vm_message m;

	if (!v->redirect || v->cur >= v->nids ||
	    store_vm_message_get(v->p->d.st, v->o.tenant_id, v->ids[v->cur],
				 &m) || !dialable(m.caller)) {
		say(v, S_AFTER, nonumber);
		return;
	}
	str_ncpy(v->callback, m.caller, sizeof(v->callback));
	tlog_info("pbx/vm", v->o.tenant_slug, "%s calls back %s",
		  v->o.caller, v->callback);
	theap_start(v->p->d.theap, &v->t_done, 1, call_back_now, v);
}

static void options(struct vm *v)
{
	static const char *const opts[] = {"vm-options", NULL};

	say(v, S_OPTIONS, opts);
}

static void record_greeting(struct vm *v, enum greeting g)
{
	static const char *const ask[][3] = {
		{"vm-rec-unv", "beep", NULL},
		{"vm-rec-busy", "beep", NULL},
		{"vm-rec-name", "beep", NULL},
	};

	v->greet = g;
	say(v, S_GREET_ASK, ask[g]);
}

/* A key of the menu (not a PIN digit). */
static enum app_next menu_key(struct vm *v, char d)
{
	static const char *const help[] = {"vm-msginstruct", NULL};

	/* '#' leaves from anywhere in the menu */
	if (d == '#' && v->st != S_PIN && v->st != S_BYE) {
		bye(v, NULL);
		return APP_GO_ON;
	}
	switch (v->st) {
	case S_INTRO:
	case S_MESSAGE:
	case S_AFTER:
		switch (d) {
		case '4':
			if (v->cur)
				v->cur--;
			play_message(v);
			break;
		case '5':
			play_message(v);
			break;
		case '6':
			if (v->cur < v->nids)
				v->cur++;
			play_message(v);
			break;
		case '7':
			delete_message(v);
			break;
		case '9': {
			static const char *const saved[] = {"vm-saved", NULL};
			mark_heard(v);
			if (v->cur < v->nids)
				v->cur++;
			say(v, S_AFTER, saved);
			break;
		}
		case '0':
			options(v);
			break;
		case '3':
			call_back(v);
			break;
		case '*':
			say(v, S_AFTER, help);
			break;
		default:
			break;
		}
		break;
	case S_OPTIONS:
		/* 1, 2, 3: the unavailable, busy and name greetings */
		if (d >= '1' && d <= '3')
			record_greeting(v, (enum greeting)(d - '1'));
		else if (d == '5')
			ask_pin(v, S_PIN_NEW, "vm-newpassword");
		else if (d == '*')
			intro(v);
		break;
	default:
		break;
	}
	return APP_GO_ON;
}

static void pin_collected(struct vm *v)
{
	const char *got = v->col.digits;
	char hash[sizeof(v->box.pin_hash)];

	switch (v->st) {
	case S_PIN:
		if (vm_pin_check(v->box.pin_hash, got)) {
			intro(v);
			return;
		}
		if (++v->tries >= PIN_TRIES) {
			bye(v, "vm-incorrect");
			return;
		}
		ask_pin(v, S_PIN, "vm-incorrect");
		return;
	case S_PIN_NEW:
		if (vm_pin_hash(got, hash, sizeof(hash))) {
			ask_pin(v, S_PIN_NEW, "vm-invalidpassword");
			return;
		}
		str_ncpy(v->pin1, got, sizeof(v->pin1));
		ask_pin(v, S_PIN_AGAIN, "vm-reenterpassword");
		return;
	case S_PIN_AGAIN:
		if (strcmp(v->pin1, got) ||
		    vm_pin_hash(got, hash, sizeof(hash))) {
			static const char *const no[] = {"vm-mismatch",
							 "vm-options", NULL};
			say(v, S_OPTIONS, no);
			return;
		}
		str_ncpy(v->box.pin_hash, hash, sizeof(v->box.pin_hash));
		(void)store_vm_box_put(v->p->d.st, v->o.tenant_id, &v->box);
		{
			static const char *const ok[] = {"vm-passchanged",
							 "vm-options", NULL};
			say(v, S_OPTIONS, ok);
		}
		return;
	default:
		return;
	}
}

static void collect_end(struct vm *v)
{
	v->collecting = false;
	theap_cancel(v->p->d.theap, &v->t);
	if (v->col.reason == DTMF_COLLECT_NOINPUT && v->st == S_PIN) {
		bye(v, NULL);
		return;
	}
	/* the prompt may still be playing: it is cut short */
	(void)media_relay_hear(v->r, MEDIA_A, MEDIA_HEAR_SILENCE);
	pin_collected(v);
}

static void collect_tick(void *arg)
{
	struct vm *v = arg;

	if (dtmf_collect_tick(&v->col, mono_ms()) != DTMF_COLLECT_RUNNING) {
		collect_end(v);
		return;
	}
	theap_start(v->p->d.theap, &v->t, TICK_MS, collect_tick, v);
}

int vm_menu_start(struct vm **vp, struct pbx *p, struct media_relay *r,
		  const struct call_origin *o, void (*hangup)(void *arg),
		  void (*redirect)(void *arg, const char *dest), void *arg)
{
	struct vm *v = vm_new(p, r, o, hangup, arg);

	if (!v)
		return ENOMEM;
	v->menu = true;
	v->redirect = redirect;
	v->box_user = o->user_id;
	(void)media_relay_detect_inband(r, MEDIA_A, true);
	*vp = v;
	if (!o->user_id ||
	    store_vm_box_get(p->d.st, o->tenant_id, o->user_id, &v->box)) {
		bye(v, "vm-nobox");
		return 0;
	}
	if (v->box.pin_hash[0])
		ask_pin(v, S_PIN, "vm-password");
	else
		intro(v);
	return 0;
}

/* ---- events ------------------------------------------------------------- */

static enum app_next play_done(struct vm *v)
{
	char rel[300], dir[128];

	switch (v->st) {
	case S_GREETING: {
		char uuid[37];

		box_dir(v, dir, sizeof(dir));
		random_uuid(uuid);
		(void)re_snprintf(rel, sizeof(rel), "%s/%s.wav", dir, uuid);
		if (rec_start(v, rel, uuid, (unsigned)v->box.max_message_s,
			      SILENCE_END_MS))
			bye(v, "vm-sorry");
		return APP_GO_ON;
	}
	case S_GREET_ASK:
		box_dir(v, dir, sizeof(dir));
		(void)re_snprintf(rel, sizeof(rel), "%s/greeting-%s.wav", dir,
				  greeting_name[v->greet]);
		if (rec_start(v, rel, NULL, GREETING_MAX_S,
			      GREETING_SILENCE_MS))
			options(v);
		return APP_GO_ON;
	case S_SAVED:
		if (v->menu)
			options(v);
		else
			bye(v, NULL);
		return APP_GO_ON;
	case S_BYE:
		return APP_HANG_UP;
	case S_INTRO:
		play_message(v);
		return APP_GO_ON;
	case S_MESSAGE: {
		static const char *const help[] = {"vm-msginstruct", NULL};

		mark_heard(v);
		say(v, S_AFTER, help);
		return APP_GO_ON;
	}
	default:
		return APP_GO_ON;
	}
}

enum app_next vm_digit(struct vm *v, char d)
{
	if (!v)
		return APP_GO_ON;
	if (v->collecting) {
		if (dtmf_collect_digit(&v->col, d, mono_ms()) !=
		    DTMF_COLLECT_RUNNING)
			collect_end(v);
		return APP_GO_ON;
	}
	if (v->st == S_RECORDING) {
		if (d == '#')
			rec_end(v);
		return APP_GO_ON;
	}
	if (!v->menu)
		return APP_GO_ON;
	/* a key cuts the prompt short */
	(void)media_relay_hear(v->r, MEDIA_A, MEDIA_HEAR_SILENCE);
	return menu_key(v, d);
}

enum app_next vm_media_event(struct vm *v, const struct media_event *ev)
{
	if (!v || ev->side != MEDIA_A)
		return APP_GO_ON;
	switch (ev->type) {
	case MEDIA_EV_DTMF:
		return vm_digit(v, ev->digit);
	case MEDIA_EV_SILENCE:
		if (v->st == S_RECORDING)
			rec_end(v);
		return APP_GO_ON;
	case MEDIA_EV_PLAY_DONE:
		if (ev->interrupted || ev->play_id != v->play_id)
			return APP_GO_ON;
		return play_done(v);
	}
	return APP_GO_ON;
}

void vm_stop(struct vm *v)
{
	if (!v)
		return;
	/* a recording under way ends with the relay: it is still saved */
	theap_cancel(v->p->d.theap, &v->t);
	theap_cancel(v->p->d.theap, &v->t_done);
	free(v);
}
