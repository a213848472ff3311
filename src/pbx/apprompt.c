/**
 * @file apprompt.c  From the prompt library to clips on a relay.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "media/prompt/prompt.h"
#include "pbx/apprompt.h"
#include "pbx/priv.h"
#include "store/store.h"

enum { MAX_CLIPS = 24 };

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

int apprompt_greeting(struct pbx *p, struct media_relay *r,
		      const struct call_origin *o, uint32_t play_id)
{
	struct media_clip clips[MAX_CLIPS];
	size_t n = 0;
	char lang[8], name[32];

	if (!p->d.prompts)
		return ENOENT;
	language(p, o, lang, sizeof(lang));
	add(clips, &n, prompt_get(p->d.prompts, (uint64_t)o->tenant_id, lang,
				  "hello-world"));
	if (!n)
		return ENOENT;
	for (const char *c = o->caller; *c && n < MAX_CLIPS; c++) {
		if (*c < '0' || *c > '9')
			continue;
		snprintf(name, sizeof(name), "digits/%c", *c);
		add(clips, &n, prompt_get(p->d.prompts,
					  (uint64_t)o->tenant_id, lang, name));
	}
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
