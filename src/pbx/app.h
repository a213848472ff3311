/**
 * @file app.h  Services the platform answers itself, in every tenant.
 *
 *   *43  echo test: what the caller says comes back to it
 *   *44  prompt test: a greeting and the caller's own extension, spoken
 *        in the tenant's language, then the call ends
 *   *45  DTMF test: digits typed (RFC 4733, in band or SIP INFO) are
 *        collected until '#' and sent back as DTMF, then the call ends
 *   *47N meet-me conference room N (1 to 6 digits) of the tenant: every
 *        caller in the room hears all the others (rooms.c)
 *   *97  voicemail: the caller's own mailbox (voicemail.h); calls the
 *        mailbox owner does not take reach it as APP_VOICEMAIL
 *
 * The call (call.c) does the SIP side: it answers the caller with one of
 * the caller's own codecs and hands the relay's caller side to the app,
 * which then only talks to the media engine.  Voicemail and IVR flows
 * will be apps too.
 */
#ifndef CENTREX_PBX_APP_H
#define CENTREX_PBX_APP_H

#include <stdbool.h>
#include "media/media.h"
#include "pbx/call.h"

struct pbx;
struct app;

enum app_next { APP_GO_ON, APP_HANG_UP };

/* The app a dialled code asks for; arg gets what follows a prefix code
   (the room of *47N). */
enum call_app app_by_code(const char *dialled, char *arg, size_t argsize);
const char *app_name(enum call_app app);

/* Starts rt->app (its argument rt->app_arg; for voicemail, the box of
   rt->callee_user_id, the message linked to call_uuid) on side A of
   relay r (the caller, answered already); hangup(arg) is how the app
   ends the call on its own, redirect(arg, dest) how it hands the
   caller on to dest (voicemail's call back). */
int  app_start(struct app **ap, struct pbx *p, const struct call_route *rt,
	       const char *call_uuid, struct media_relay *r,
	       const struct call_origin *o,
	       void (*hangup)(void *arg),
	       void (*redirect)(void *arg, const char *dest),
	       void *hangup_arg);
/* A media event of the call's relay. */
enum app_next app_media_event(struct app *a, const struct media_event *ev);
/* A digit the caller sent by SIP INFO. */
enum app_next app_digit(struct app *a, char digit);
/* Ends the app (call over); NULL is fine. */
void app_stop(struct app *a);

#endif
