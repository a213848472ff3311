/**
 * @file app.c  The service codes: echo, prompt and DTMF tests.
 */
#include <re.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/theap.h"
#include "media/dsp/dtmf.h"
#include "pbx/app.h"
#include "pbx/apprompt.h"
#include "pbx/featurecodes.h"
#include "pbx/priv.h"
#include "pbx/rooms.h"
#include "pbx/voicemail.h"

enum {
	DTMF_FIRST_MS = 15000,        /* the caller reads the digits off */
	DTMF_INTER_MS = 5000,
	DTMF_BACK_MS = 200,           /* per digit sent back, with its gap */
	DTMF_TAIL_MS = 1500,          /* then hang up */
	SILENT_DONE_MS = 1000,        /* a feature code with no prompts */
	CONFIRM_AFTER_MS = 700,       /* the phone's audio is up by then, so
					 a short prompt is heard whole */
	CONFIRM_TAIL_MS = 400,
	PLAY_GREETING = 1,
	PLAY_CONFIRM = 2,
};

struct app {
	struct pbx *p;                /**< borrowed */
	struct media_relay *r;        /**< borrowed: the call's */
	enum call_app kind;
	struct dtmf_collect col;
	struct theap_entry t;
	void (*hangup)(void *arg);
	void *hangup_arg;
	bool collecting;
	struct room *room;            /**< APP_CONFERENCE: a reference */
	struct vm *vm;                /**< APP_VOICEMAIL*: owned */
	const struct call_origin *o;  /**< borrowed: the call's */
	const char *names[FEATURECODE_PROMPTS];  /**< APP_FEATURE: to say */
	size_t namec;
};

static const struct {
	const char *code;
	enum call_app app;
	const char *name;
} codes[] = {
	{"*43", APP_ECHO, "echo test"},
	{"*44", APP_PROMPT_TEST, "prompt test"},
	{"*45", APP_DTMF_TEST, "DTMF test"},
	{"*47", APP_CONFERENCE, "conference"},   /* and the room */
	{"*97", APP_VOICEMAIL_MENU, "voicemail menu"},
	{"", APP_VOICEMAIL, "voicemail"},        /* forward.c sends calls */
	{"", APP_FEATURE, "feature code"},       /* featurecodes.h */
	{"*8", APP_TAKE, "pickup"},              /* take.c */
	{"*11", APP_TAKE, "take from the mobile"},
};

enum call_app app_by_code(const char *dialled, char *arg, size_t argsize)
{
	size_t n;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].app != APP_CONFERENCE &&
		    codes[i].app != APP_TAKE && codes[i].code[0] &&
		    !strcmp(dialled, codes[i].code))
			return codes[i].app;
	n = strlen(dialled);
	/* *8, *11, **<extension>: taking a call over; the arg says which */
	if (n < argsize && (!strcmp(dialled, "*8") || !strcmp(dialled, "*11") ||
			    (n >= 3 && n <= 10 && !strncmp(dialled, "**", 2) &&
			     strspn(dialled + 2, "0123456789") == n - 2))) {
		memcpy(arg, dialled, n + 1);
		return APP_TAKE;
	}
	/* *72 and a number, *78 ...: the code and its number are the arg */
	if (n < argsize && featurecode_match(dialled)) {
		memcpy(arg, dialled, n + 1);
		return APP_FEATURE;
	}
	/* *47 and a room number of 1 to 6 digits */
	if (n >= 4 && n <= 9 && !strncmp(dialled, "*47", 3) &&
	    strspn(dialled + 3, "0123456789") == n - 3 && n - 3 < argsize) {
		memcpy(arg, dialled + 3, n - 2);
		return APP_CONFERENCE;
	}
	return APP_NONE;
}

const char *app_name(enum call_app app)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].app == app)
			return codes[i].name;
	return "none";
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void end_now(void *arg)
{
	struct app *a = arg;

	a->hangup(a->hangup_arg);
}

/* The collection ended: the digits go back, then the call ends. */
static void dtmf_done(struct app *a)
{
	const char *digits = a->col.digits;

	a->collecting = false;
	theap_cancel(a->p->d.theap, &a->t);
	log_info("pbx/app", "DTMF test collected \"%s\" (%s)", digits,
		 dtmf_collect_reason_name(a->col.reason));
	if (*digits)
		(void)media_relay_send_dtmf(a->r, MEDIA_A, digits);
	theap_start(a->p->d.theap, &a->t,
		    DTMF_TAIL_MS + DTMF_BACK_MS * strlen(digits), end_now, a);
}

static void dtmf_tick(void *arg)
{
	struct app *a = arg;

	if (dtmf_collect_tick(&a->col, mono_ms()) != DTMF_COLLECT_RUNNING) {
		dtmf_done(a);
		return;
	}
	theap_start(a->p->d.theap, &a->t, 250, dtmf_tick, a);
}

/* a feature code's confirmation; with no prompts, a moment's silence */
static void confirm(void *arg)
{
	struct app *a = arg;

	if (apprompt_names(a->p, a->r, a->o, a->names, a->namec,
			   PLAY_CONFIRM))
		theap_start(a->p->d.theap, &a->t, SILENT_DONE_MS, end_now, a);
}

int app_start(struct app **ap, struct pbx *p, const struct call_route *rt,
	      const char *call_uuid, struct media_relay *r,
	      const struct call_origin *o,
	      void (*hangup)(void *arg),
	      void (*redirect)(void *arg, const char *dest),
	      void *hangup_arg)
{
	enum call_app kind = rt->app;
	const char *arg = rt->app_arg;
	struct app *a;
	int err = 0;

	a = calloc(1, sizeof(*a));
	if (!a)
		return ENOMEM;
	a->p = p;
	a->r = r;
	a->kind = kind;
	a->hangup = hangup;
	a->hangup_arg = hangup_arg;
	a->o = o;

	switch (kind) {
	case APP_ECHO:
		err = media_relay_hear(r, MEDIA_A, MEDIA_HEAR_ECHO);
		break;
	case APP_PROMPT_TEST:
		err = apprompt_greeting(p, r, o, PLAY_GREETING);
		break;
	case APP_DTMF_TEST: {
		struct dtmf_collect_cfg cfg = {
			.max_digits = 16,
			.first_ms = DTMF_FIRST_MS,
			.inter_ms = DTMF_INTER_MS,
			.term = "#",
		};
		err = dtmf_collect_start(&a->col, &cfg, mono_ms());
		if (!err)
			err = media_relay_detect_inband(r, MEDIA_A, true);
		if (!err) {
			a->collecting = true;
			theap_start(p->d.theap, &a->t, 250, dtmf_tick, a);
		}
		break;
	}
	case APP_FEATURE:
		/* done at once; the prompts only tell what happened */
		(void)featurecode_run(p, o, arg, a->names, &a->namec);
		theap_start(p->d.theap, &a->t, CONFIRM_AFTER_MS, confirm, a);
		break;
	case APP_VOICEMAIL:
		err = vm_deposit_start(&a->vm, p, r, o, rt->callee_user_id,
				       rt->vm_busy ? VM_BUSY : VM_UNAVAILABLE,
				       call_uuid, hangup, hangup_arg);
		break;
	case APP_VOICEMAIL_MENU:
		err = vm_menu_start(&a->vm, p, r, o, hangup, redirect,
				    hangup_arg);
		break;
	case APP_CONFERENCE:
		err = rooms_join(p, o->tenant_id, arg, r, MEDIA_A, &a->room);
		if (!err)
			log_info("pbx/app", "room %s: %u in it", arg,
				 rooms_count(a->room));
		break;
	default:
		err = EINVAL;
		break;
	}
	if (err) {
		app_stop(a);
		return err;
	}
	*ap = a;
	return 0;
}

enum app_next app_digit(struct app *a, char digit)
{
	if (a && a->vm)
		return vm_digit(a->vm, digit);
	if (!a || !a->collecting)
		return APP_GO_ON;
	if (dtmf_collect_digit(&a->col, digit, mono_ms()) !=
	    DTMF_COLLECT_RUNNING)
		dtmf_done(a);
	return APP_GO_ON;
}

enum app_next app_media_event(struct app *a, const struct media_event *ev)
{
	if (!a || ev->side != MEDIA_A)
		return APP_GO_ON;
	if (a->vm)
		return vm_media_event(a->vm, ev);
	switch (ev->type) {
	case MEDIA_EV_DTMF:
		return app_digit(a, ev->digit);
	case MEDIA_EV_PLAY_DONE:
		/* the prompt test ends with its prompt */
		if (a->kind == APP_PROMPT_TEST && !ev->interrupted)
			return APP_HANG_UP;
		/* a feature code too, once its last words have reached the
		   phone */
		if (a->kind == APP_FEATURE)
			theap_start(a->p->d.theap, &a->t, CONFIRM_TAIL_MS,
				    end_now, a);
		return APP_GO_ON;
	case MEDIA_EV_SILENCE:
		return APP_GO_ON;
	}
	return APP_GO_ON;
}

void app_stop(struct app *a)
{
	if (!a)
		return;
	vm_stop(a->vm);
	theap_cancel(a->p->d.theap, &a->t);
	rooms_leave(a->room, a->r, MEDIA_A);
	free(a);
}
