/**
 * @file priv.h  Inside the prompt library: shared by its files only.
 */
#ifndef CENTREX_MEDIA_PROMPT_PRIV_H
#define CENTREX_MEDIA_PROMPT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "media/prompt/prompt.h"

enum {
	PROMPT_NAME_MAX = 128,    /**< bytes of a prompt or class name */
	PTABLE_BUCKETS = 1024,
};

/* One entry of a prompt table, found by (tenant, key); key is
   "<lang>/<name>" for prompts, "moh/<class>/<file>" for music. */
struct pentry {
	struct pentry *hnext;          /**< hash chain */
	struct pentry *newer, *older;  /**< LRU order (bounded tables) */
	uint64_t tenant;
	struct prompt *p;              /**< ref */
	char key[];
};

/* A hash table of prompts; `bounded` ones evict the least recently
   used entries beyond max_count / max_bytes. */
struct ptable {
	struct pentry *bucket[PTABLE_BUCKETS];
	struct pentry *newest, *oldest;
	bool bounded;
	size_t max_count, max_bytes;
	size_t count, bytes;
	uint64_t evictions;
};

struct prompt *ptable_get(struct ptable *t, uint64_t tenant, const char *key);
int  ptable_put(struct ptable *t, uint64_t tenant, const char *key,
		struct prompt *p);
int  ptable_remove(struct ptable *t, uint64_t tenant, const char *key);
void ptable_clear(struct ptable *t);
size_t prompt_bytes(const struct prompt *p);

/* The names of one voice folder, sorted for bsearch. */
struct plang {
	char lang[3];
	char *dir;                 /**< sounds_dir/voice */
	char **names;
	size_t n;
};

/* A music class: the system ones come from the MOH folder (file names
   only until first use), a tenant's from the API layer (prompts). */
struct moh_class {
	struct moh_class *next;
	uint64_t tenant;               /**< 0: system */
	char *name;
	char *dir;                     /**< system: folder of the files */
	char **files;                  /**< system: file names, sorted */
	struct prompt **tracks;        /**< tenant: refs */
	size_t n;
};

struct tts;
struct moh_loader;

struct prompt_lib {
	struct plang *langs;
	size_t nlangs;
	const char **lang_names;
	struct ptable cache;           /**< system prompts, MOH tracks, TTS */
	struct ptable tenant;          /**< uploaded prompts, never evicted */
	struct moh_class *moh;
	char *data_dir;
	char *tts_program;
	struct tts *tts;               /**< started on first prompt_tts() */
	struct moh_loader *loader;     /**< converting MOH in the background */
	struct prompt_stats st;
};

/* index.c */
int  plib_index(struct prompt_lib *lib, const char *sounds_dir);
void plib_index_free(struct prompt_lib *lib);
const struct plang *plib_lang(const struct prompt_lib *lib, const char *lang);
bool plib_lang_norm(char out[3], const char *lang);
bool plib_name_ok(const char *name);
int  plib_sorted_names(const char *dir, const char *prefix, unsigned depth,
		       char ***names, size_t *n);
void plib_names_free(char **names, size_t n);

/* Reads and converts a WAV file of the sound sets, or NULL. */
struct prompt *plib_load_file(struct prompt_lib *lib, const char *path,
			      const char *name);
/* The same from any thread (no statistics); *errp (may be NULL) gets
   why not. */
struct prompt *plib_read_file(const char *path, const char *name,
			      const char **errp);

/* moh.c */
int  plib_moh_index(struct prompt_lib *lib, const char *moh_dir);
void plib_moh_free(struct prompt_lib *lib);
/* a system track the loader converted: kept in its class (takes p) */
void plib_moh_track_loaded(struct prompt_lib *lib, const char *cls,
			   size_t idx, struct prompt *p);

/* mohload.c */
int  plib_moh_preload(struct prompt_lib *lib);
bool plib_moh_loading(const struct prompt_lib *lib);
void plib_moh_loader_free(struct prompt_lib *lib);

/* tts.c */
void tts_free(struct tts *tts);

#endif
