/**
 * @file prompt.h  Prompts and music on hold, ready to play.
 *
 * A struct prompt is finished audio in the engine format (AUDIO_RATE mono
 * int16) with a name.  It never changes after creation, so media threads
 * read it without locks; its reference count is atomic, so a player on a
 * media thread may drop the last reference and free it.
 *
 * A struct prompt_lib belongs to the signalling thread.  At start it only
 * indexes the file names of the sound sets (one folder per voice, e.g.
 * en_US_f_Allison, whose first two letters are the language).  A prompt
 * is read and converted on first use, then kept in a cache bounded in
 * count and bytes (least recently used first out).  A prompt evicted
 * while a player holds it lives on through that player's reference.
 *
 * Lookup order of prompt_get(lib, tenant, lang, name):
 *   1. the tenant's uploaded prompt of that name in that language,
 *   2. the system set of that language,
 *   3. the tenant's uploaded prompt in English,
 *   4. the system English set;
 * NULL if none has it.  Names are relative to a voice folder without
 * ".wav": "digits/3", "queue-thankyou".
 *
 * Tenant prompts and tenant music classes are given by the API layer
 * (which keeps the uploaded files) and stay in memory until removed;
 * they are not subject to the cache bounds.
 */
#ifndef CENTREX_MEDIA_PROMPT_PROMPT_H
#define CENTREX_MEDIA_PROMPT_PROMPT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prompt {
	atomic_uint refs;        /**< prompt_ref() / prompt_unref() only */
	const int16_t *pcm;      /**< n samples, AUDIO_RATE mono, read-only */
	size_t n;                /**< samples */
	const char *name;        /**< "digits/3", "moh/default/x", "tts/fr/<hash>" */
};

/* A new prompt holding one reference; takes ownership of the malloc'd
   pcm (freed here on failure too).  0, EINVAL or ENOMEM. */
int  prompt_alloc(struct prompt **pp, const char *name, int16_t *pcm,
		  size_t n);
/* Any thread.  prompt_ref(NULL) and prompt_unref(NULL) do nothing;
   prompt_unref returns NULL so that `p = prompt_unref(p);` clears. */
struct prompt *prompt_ref(struct prompt *p);
struct prompt *prompt_unref(struct prompt *p);
/* duration in milliseconds */
unsigned prompt_ms(const struct prompt *p);

/* ---- the library (signalling thread only) ---------------------------- */

struct prompt_lib;

struct prompt_conf {
	const char *sounds_dir;    /**< NULL: /usr/share/asterisk/sounds */
	const char *moh_dir;       /**< NULL: /usr/share/asterisk/moh */
	const char *data_dir;      /**< TTS cache in <data_dir>/tts; NULL: no TTS */
	unsigned cache_max_count;  /**< 0: 512 prompts */
	size_t cache_max_bytes;    /**< 0: 64 MiB of samples */
	const char *tts_program;   /**< NULL: "espeak-ng" (searched in PATH) */
};

/* Indexes the sound sets (names only).  A missing sounds or MOH folder
   is not an error: that part is simply empty. */
int  prompt_lib_alloc(struct prompt_lib **libp, const struct prompt_conf *cf);
/* Drops every reference the library holds and stops the TTS worker;
   prompts still held elsewhere stay valid.  Returns NULL. */
struct prompt_lib *prompt_lib_free(struct prompt_lib *lib);

/* A new reference, or NULL (see the lookup order above).  lang: "fr",
   "fr_CA", "fr-FR" all mean French. */
struct prompt *prompt_get(struct prompt_lib *lib, uint64_t tenant_id,
			  const char *lang, const char *name);
/* Whether the system set of lang has name (index only, no loading). */
bool prompt_exists(const struct prompt_lib *lib, const char *lang,
		   const char *name);
/* Languages indexed, e.g. "en", "fr"; *n of them. */
const char *const *prompt_langs(const struct prompt_lib *lib, size_t *n);

/* A tenant's uploaded prompt (pcm in the engine format, malloc'd; owned
   by the library from here on, even on error).  Replaces one of the same
   name and language.  0, EINVAL or ENOMEM. */
int  prompt_lib_put(struct prompt_lib *lib, uint64_t tenant_id,
		    const char *lang, const char *name, int16_t *pcm,
		    size_t n);
/* 0, or ENOENT */
int  prompt_lib_remove(struct prompt_lib *lib, uint64_t tenant_id,
		       const char *lang, const char *name);

/* ---- music on hold --------------------------------------------------- */

/* Tracks of a class, in play order; each one a reference. */
struct prompt_list {
	struct prompt **v;
	size_t n;
};

void prompt_list_release(struct prompt_list *l);

/* The tracks of a class: the tenant's own class of that name if it has
   one, else the system class ("default": every WAV file of the MOH
   folder, in name order, loaded on first use).  0, ENOENT (no such
   class, or no track could be read) or ENOMEM. */
int  prompt_moh(struct prompt_lib *lib, uint64_t tenant_id,
		const char *class_name, struct prompt_list *out);
/* Converts the system classes' tracks on a worker thread, from now on,
   so that the first hold costs the signalling thread nothing; until a
   track is ready, prompt_moh() leaves it out (ENOENT when none is). */
int  prompt_moh_preload(struct prompt_lib *lib);
/* Defines (or replaces) a tenant's class.  The library takes one
   reference of each tracks[i] (the caller keeps its own).  n = 0
   removes the class.  0, EINVAL or ENOMEM. */
int  prompt_lib_moh_put(struct prompt_lib *lib, uint64_t tenant_id,
			const char *class_name, struct prompt *const *tracks,
			size_t n);

/* ---- statistics ------------------------------------------------------ */

struct prompt_stats {
	size_t cache_count, cache_bytes;     /**< system prompts, MOH, TTS in memory */
	size_t tenant_count, tenant_bytes;   /**< uploaded prompts and MOH classes */
	uint64_t hits, misses, loads, load_errors, evictions;
	uint64_t tts_requests, tts_disk_hits, tts_renders, tts_errors;
	size_t index_names;                  /**< names indexed over all languages */
};

void prompt_lib_stats(const struct prompt_lib *lib, struct prompt_stats *st);

#endif
