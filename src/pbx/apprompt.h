/**
 * @file apprompt.h  Prompts for the services: from the prompt library to
 * clips on a relay (kept apart so app.c needs no prompt internals).
 */
#ifndef CENTREX_PBX_APPROMPT_H
#define CENTREX_PBX_APPROMPT_H

#include <stdint.h>
#include "media/media.h"
#include "pbx/call.h"

struct pbx;

enum { PLAYLIST_MAX = 48 };

/*
 * A sequence of prompts to play on a side, built from names of the
 * prompt library (in a language, with the tenant's own uploads first),
 * numbers and digits said in that language, and WAV files (a voicemail
 * message, a greeting).  Whatever cannot be found is left out; a list
 * that ends empty plays nothing (ENOENT).  Not playing it releases it.
 */
struct playlist {
	struct pbx *p;
	int64_t tenant_id;
	char lang[8];
	struct media_clip clips[PLAYLIST_MAX];
	size_t n;
};

/* lang NULL: the caller's (site's, else tenant's, else English) */
void playlist_init(struct playlist *pl, struct pbx *p,
		   const struct call_origin *o, const char *lang);
void playlist_name(struct playlist *pl, const char *name);
void playlist_number(struct playlist *pl, long n);
void playlist_ordinal(struct playlist *pl, long n);
/* a day of the year as people say it: "Sunday November twenty-second",
   "dimanche 22 novembre" */
void playlist_date(struct playlist *pl, int wday, int mday, int mon);
void playlist_digits(struct playlist *pl, const char *digits);
/* a WAV file (any format wav.h reads); false when unreadable */
bool playlist_file(struct playlist *pl, const char *path);
int  playlist_play(struct playlist *pl, struct media_relay *r,
		   enum media_side side, uint32_t play_id);
void playlist_release(struct playlist *pl);

/* *44: a greeting, then the caller's extension digit by digit, in the
   tenant's language; PLAY_DONE with play_id when it has been heard. */
int apprompt_greeting(struct pbx *p, struct media_relay *r,
		      const struct call_origin *o, uint32_t play_id);
/* Prompts by name ("activated", "digits/3") one after the other to the
   caller, in its language; PLAY_DONE with play_id at the end.  ENOENT:
   none of them exists. */
int apprompt_names(struct pbx *p, struct media_relay *r,
		   const struct call_origin *o, const char *const *names,
		   size_t count, uint32_t play_id);
/* Music on hold of the tenant's class (its own, else the system's) to
   side of r, looping until the side is given something else to hear.
   ENOENT: no music at all. */
int apprompt_moh(struct pbx *p, struct media_relay *r, enum media_side side,
		 int64_t tenant_id, const char *class_name);

#endif
