/**
 * @file prompt.c  Prompt objects and the library's lookups.
 *
 * struct prompt is shared between threads, so it does not use libre's
 * mem_alloc (whose reference counts are not atomic): plain malloc and a
 * C11 atomic count.  The decrement is a release and the free follows an
 * acquire fence, so every thread's reads of the samples happen before
 * the memory is freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "media/audio.h"
#include "media/prompt/priv.h"

static const char default_sounds[] = "/usr/share/asterisk/sounds";
static const char default_moh[] = "/usr/share/asterisk/moh";

enum {
	DEFAULT_MAX_COUNT = 512,
	DEFAULT_MAX_BYTES = 64 << 20,
};

int prompt_alloc(struct prompt **pp, const char *name, int16_t *pcm,
		 size_t n)
{
	struct prompt *p;
	size_t len;

	if (!pp || !name || !pcm) {
		free(pcm);
		return EINVAL;
	}
	len = strlen(name) + 1;
	p = malloc(sizeof(*p) + len);
	if (!p) {
		free(pcm);
		return ENOMEM;
	}
	memcpy((char *)(p + 1), name, len);
	atomic_init(&p->refs, 1);
	p->pcm = pcm;
	p->n = n;
	p->name = (const char *)(p + 1);
	*pp = p;
	return 0;
}

struct prompt *prompt_ref(struct prompt *p)
{
	if (p)
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}

struct prompt *prompt_unref(struct prompt *p)
{
	if (p && atomic_fetch_sub_explicit(&p->refs, 1,
					   memory_order_release) == 1) {
		atomic_thread_fence(memory_order_acquire);
		free((void *)p->pcm);
		free(p);
	}
	return NULL;
}

unsigned prompt_ms(const struct prompt *p)
{
	return p ? (unsigned)(p->n * 1000 / AUDIO_RATE) : 0;
}

int prompt_lib_alloc(struct prompt_lib **libp, const struct prompt_conf *cf)
{
	struct prompt_lib *lib;
	int err;

	if (!libp || !cf)
		return EINVAL;
	lib = calloc(1, sizeof(*lib));
	if (!lib)
		return ENOMEM;
	lib->cache.bounded = true;
	lib->cache.max_count = cf->cache_max_count ? cf->cache_max_count :
		DEFAULT_MAX_COUNT;
	lib->cache.max_bytes = cf->cache_max_bytes ? cf->cache_max_bytes :
		DEFAULT_MAX_BYTES;
	lib->tts_program = strdup(cf->tts_program ? cf->tts_program :
				  "espeak-ng");
	lib->data_dir = cf->data_dir ? strdup(cf->data_dir) : NULL;
	if (!lib->tts_program || (cf->data_dir && !lib->data_dir)) {
		err = ENOMEM;
		goto out;
	}
	err = plib_index(lib, cf->sounds_dir ? cf->sounds_dir :
			 default_sounds);
	if (!err)
		err = plib_moh_index(lib, cf->moh_dir ? cf->moh_dir :
				     default_moh);
 out:
	if (err)
		lib = prompt_lib_free(lib);
	*libp = lib;
	return err;
}

struct prompt_lib *prompt_lib_free(struct prompt_lib *lib)
{
	if (!lib)
		return NULL;
	/* the worker first: it may still deliver into the cache */
	tts_free(lib->tts);
	ptable_clear(&lib->cache);
	ptable_clear(&lib->tenant);
	plib_moh_loader_free(lib);   /* first: it delivers into the classes */
	plib_moh_free(lib);
	plib_index_free(lib);
	free(lib->data_dir);
	free(lib->tts_program);
	free(lib);
	return NULL;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(*(const char *const *)key, *(char *const *)elem);
}

bool prompt_exists(const struct prompt_lib *lib, const char *lang,
		   const char *name)
{
	const struct plang *pl;
	char l[3];

	if (!lib || !name || !plib_lang_norm(l, lang))
		return false;
	pl = plib_lang(lib, l);
	return pl && pl->n &&
		bsearch(&name, pl->names, pl->n, sizeof(*pl->names), cmp_name);
}

const char *const *prompt_langs(const struct prompt_lib *lib, size_t *n)
{
	if (n)
		*n = lib ? lib->nlangs : 0;
	return lib ? lib->lang_names : NULL;
}

/* The system set of one language: from the cache, else from its file. */
static struct prompt *system_prompt(struct prompt_lib *lib, const char *lang,
				    const char *name, const char *key)
{
	const struct plang *pl = plib_lang(lib, lang);
	struct prompt *p;
	char path[512];

	if (!pl || !prompt_exists(lib, lang, name))
		return NULL;
	p = ptable_get(&lib->cache, 0, key);
	if (p) {
		lib->st.hits++;
		return p;
	}
	lib->st.misses++;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.wav", pl->dir, name) >=
	    sizeof(path))
		return NULL;
	p = plib_load_file(lib, path, name);
	if (p && ptable_put(&lib->cache, 0, key, p))
		log_warn("prompt", "%s not cached: out of memory", name);
	return p;
}

static bool make_key(char *key, size_t size, const char *lang,
		     const char *name)
{
	return (size_t)snprintf(key, size, "%s/%s", lang, name) < size;
}

struct prompt *prompt_get(struct prompt_lib *lib, uint64_t tenant_id,
			  const char *lang, const char *name)
{
	static const char *const order[] = {NULL, "en"};
	char key[PROMPT_NAME_MAX + 8], l[3];
	struct prompt *p;
	size_t i;

	if (!lib || !plib_name_ok(name))
		return NULL;
	if (!plib_lang_norm(l, lang))
		memcpy(l, "en", 3);
	for (i = 0; i < 2; i++) {
		const char *try = order[i] ? order[i] : l;

		if (i && !strcmp(try, l))
			break;
		if (!make_key(key, sizeof(key), try, name))
			return NULL;
		if (tenant_id) {
			p = ptable_get(&lib->tenant, tenant_id, key);
			if (p)
				return p;
		}
		p = system_prompt(lib, try, name, key);
		if (p)
			return p;
	}
	return NULL;
}

int prompt_lib_put(struct prompt_lib *lib, uint64_t tenant_id,
		   const char *lang, const char *name, int16_t *pcm, size_t n)
{
	char key[PROMPT_NAME_MAX + 8], l[3];
	struct prompt *p;
	int err;

	if (!lib || !tenant_id || !plib_lang_norm(l, lang) ||
	    !plib_name_ok(name) || !n) {
		free(pcm);
		return EINVAL;
	}
	make_key(key, sizeof(key), l, name);
	err = prompt_alloc(&p, name, pcm, n);
	if (err)
		return err;
	err = ptable_put(&lib->tenant, tenant_id, key, p);
	prompt_unref(p);
	return err;
}

int prompt_lib_remove(struct prompt_lib *lib, uint64_t tenant_id,
		      const char *lang, const char *name)
{
	char key[PROMPT_NAME_MAX + 8], l[3];

	if (!lib || !plib_lang_norm(l, lang) || !plib_name_ok(name))
		return ENOENT;
	make_key(key, sizeof(key), l, name);
	return ptable_remove(&lib->tenant, tenant_id, key);
}

void prompt_lib_stats(const struct prompt_lib *lib, struct prompt_stats *st)
{
	const struct moh_class *c;
	size_t i;

	if (!lib || !st)
		return;
	*st = lib->st;
	st->cache_count = lib->cache.count;
	st->cache_bytes = lib->cache.bytes;
	st->evictions = lib->cache.evictions;
	st->tenant_count = lib->tenant.count;
	st->tenant_bytes = lib->tenant.bytes;
	/* a tenant's music shares its tracks' memory with whoever else
	   holds them; counted here as the tenant's */
	for (c = lib->moh; c; c = c->next) {
		for (i = 0; c->tracks && i < c->n; i++) {
			st->tenant_count++;
			st->tenant_bytes += prompt_bytes(c->tracks[i]);
		}
	}
}
