/**
 * @file apprompt.c  From the prompt library to clips on a relay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "media/prompt/prompt.h"
#include "media/prompt/say.h"
#include "media/prompt/wav.h"
#include "pbx/apprompt.h"
#include "pbx/priv.h"
#include "store/store.h"

enum { MAX_CLIPS = PLAYLIST_MAX };

/* a clip's release, on the media thread: the prompt is refcounted
   atomically, so the last user anywhere frees it */
static void clip_release(void *arg)
{
	(void)prompt_unref(arg);
}

static void add(struct media_clip *v, size_t *n, struct prompt *pr)
{
	if (!pr)
		return;
	if (*n == MAX_CLIPS) {
		(void)prompt_unref(pr);
		return;
	}
	v[(*n)++] = (struct media_clip){pr->pcm, pr->n, clip_release, pr};
}

/* The caller's language: its site's, else its tenant's, else English. */
static void language(struct pbx *p, const struct call_origin *o, char *buf,
		     size_t size)
{
	struct store_site site;
	struct store_tenant t;

	snprintf(buf, size, "en");
	if (o->site_id && !store_site_get(p->d.st, o->tenant_id, o->site_id,
					  &site) && site.language[0]) {
		snprintf(buf, size, "%s", site.language);
		return;
	}
	if (!store_tenant_get(p->d.st, o->tenant_id, &t) && t.language[0])
		snprintf(buf, size, "%s", t.language);
}

/* ---- playlists -------------------------------------------------------- */

void playlist_init(struct playlist *pl, struct pbx *p,
		   const struct call_origin *o, const char *lang)
{
	memset(pl, 0, sizeof(*pl));
	pl->p = p;
	pl->tenant_id = o->tenant_id;
	if (lang)
		snprintf(pl->lang, sizeof(pl->lang), "%s", lang);
	else
		language(p, o, pl->lang, sizeof(pl->lang));
}

void playlist_name(struct playlist *pl, const char *name)
{
	size_t n = pl->n;

	if (!pl->p->d.prompts || n >= PLAYLIST_MAX)
		return;
	add(pl->clips, &n, prompt_get(pl->p->d.prompts,
				      (uint64_t)pl->tenant_id, pl->lang,
				      name));
	pl->n = n;
}

static void names(struct playlist *pl, const char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		playlist_name(pl, v[i]);
}

void playlist_number(struct playlist *pl, long n)
{
	const char *v[SAY_MAX];

	names(pl, v, say_number(pl->lang, n, SAY_MASCULINE, v, SAY_MAX));
}

void playlist_ordinal(struct playlist *pl, long n)
{
	const char *v[SAY_MAX];

	names(pl, v, say_ordinal(pl->lang, n, SAY_MASCULINE, v, SAY_MAX));
}

void playlist_date(struct playlist *pl, int wday, int mday, int mon)
{
	char name[24];

	snprintf(name, sizeof(name), "digits/day-%d", wday);
	playlist_name(pl, name);
	snprintf(name, sizeof(name), "digits/mon-%d", mon);
	if (!strcmp(pl->lang, "fr")) {
		playlist_number(pl, mday);
		playlist_name(pl, name);
	}
	else {
		playlist_name(pl, name);
		playlist_ordinal(pl, mday);
	}
}

void playlist_digits(struct playlist *pl, const char *digits)
{
	const char *v[SAY_MAX];

	names(pl, v, say_digits(pl->lang, digits, v, SAY_MAX));
}

static void pcm_release(void *arg)
{
	free(arg);
}

bool playlist_file(struct playlist *pl, const char *path)
{
	const char *why = NULL;
	uint8_t *buf = NULL;
	int16_t *pcm = NULL;
	size_t n = 0;
	long size;
	FILE *f;
	bool ok = false;

	if (pl->n >= PLAYLIST_MAX)
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)size)) &&
	    fread(buf, 1, (size_t)size, f) == (size_t)size &&
	    !wav_to_audio(buf, (size_t)size, 0, &pcm, &n, &why) && n) {
		pl->clips[pl->n++] = (struct media_clip){pcm, n, pcm_release,
							 pcm};
		pcm = NULL;
		ok = true;
	}
	fclose(f);
	free(buf);
	free(pcm);
	return ok;
}

int playlist_play(struct playlist *pl, struct media_relay *r,
		  enum media_side side, uint32_t play_id)
{
	size_t n = pl->n;

	pl->n = 0;   /* the clips are the relay's now, played or not */
	if (!n)
		return ENOENT;
	return media_relay_play(r, side, pl->clips, n, false, play_id);
}

void playlist_release(struct playlist *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->clips[i].release)
			pl->clips[i].release(pl->clips[i].arg);
	pl->n = 0;
}

int apprompt_greeting(struct pbx *p, struct media_relay *r,
		      const struct call_origin *o, uint32_t play_id)
{
	struct playlist pl;
	char name[32];

	playlist_init(&pl, p, o, NULL);
	playlist_name(&pl, "hello-world");
	if (!pl.n)
		return ENOENT;
	for (const char *c = o->caller; *c; c++) {
		if (*c < '0' || *c > '9')
			continue;
		snprintf(name, sizeof(name), "digits/%c", *c);
		playlist_name(&pl, name);
	}
	return playlist_play(&pl, r, MEDIA_A, play_id);
}

int apprompt_names(struct pbx *p, struct media_relay *r,
		   const struct call_origin *o, const char *const *names,
		   size_t count, uint32_t play_id)
{
	struct media_clip clips[MAX_CLIPS];
	size_t n = 0;
	char lang[8];

	if (!p->d.prompts)
		return ENOENT;
	language(p, o, lang, sizeof(lang));
	for (size_t i = 0; i < count; i++)
		add(clips, &n, prompt_get(p->d.prompts, (uint64_t)o->tenant_id,
					  lang, names[i]));
	if (!n)
		return ENOENT;
	return media_relay_play(r, MEDIA_A, clips, n, false, play_id);
}

int apprompt_moh(struct pbx *p, struct media_relay *r, enum media_side side,
		 int64_t tenant_id, const char *class_name)
{
	struct media_clip clips[MAX_CLIPS];
	struct prompt_list l = {0};
	size_t n = 0;
	int err;

	if (!p->d.prompts)
		return ENOENT;
	err = prompt_moh(p->d.prompts, (uint64_t)tenant_id,
			 class_name && *class_name ? class_name : "default", &l);
	if (err)
		return err;
	for (size_t i = 0; i < l.n; i++)
		add(clips, &n, prompt_ref(l.v[i]));
	prompt_list_release(&l);
	if (!n)
		return ENOENT;
	return media_relay_play(r, side, clips, n, true, 0);
}
