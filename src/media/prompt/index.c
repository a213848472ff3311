/**
 * @file index.c  The sound sets' names, read once at start.
 *
 * One folder per voice under the sounds folder; its first two letters are
 * the language ("fr_CA_f_June" is French).  If two voices share a
 * language, the first in name order is used.  Only names are kept (a few
 * kilobytes per language); audio is read on first use.  Because a prompt
 * is only ever opened if its name is in this index, names from callers
 * can never reach a path outside the sound sets.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/log.h"
#include "media/prompt/priv.h"
#include "media/prompt/wav.h"

enum { MAX_FILE_BYTES = 64 << 20 };

bool plib_lang_norm(char out[3], const char *lang)
{
	if (!lang || !isalpha((unsigned char)lang[0]) ||
	    !isalpha((unsigned char)lang[1]) ||
	    (lang[2] && lang[2] != '_' && lang[2] != '-'))
		return false;
	out[0] = (char)tolower((unsigned char)lang[0]);
	out[1] = (char)tolower((unsigned char)lang[1]);
	out[2] = '\0';
	return true;
}

bool plib_name_ok(const char *name)
{
	const char *c;

	if (!name || !*name || *name == '/' || strlen(name) >= PROMPT_NAME_MAX ||
	    strstr(name, ".."))
		return false;
	for (c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("_-./", *c))
			return false;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void plib_names_free(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

static int add_name(char ***names, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		char **v = realloc(*names, c * sizeof(*v));

		if (!v)
			return ENOMEM;
		*names = v;
		*cap = c;
	}
	(*names)[*n] = strdup(s);
	if (!(*names)[*n])
		return ENOMEM;
	(*n)++;
	return 0;
}

/* *.wav under dir (and its sub-folders down to `depth`), without the
   extension, prefixed by their sub-folder: "digits/3". */
static int scan(const char *dir, const char *prefix, unsigned depth,
		char ***names, size_t *n, size_t *cap)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno;
	while (!err && (de = readdir(d))) {
		char path[512], name[PROMPT_NAME_MAX];
		size_t len = strlen(de->d_name);
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode) && depth) {
			if ((size_t)snprintf(name, sizeof(name), "%s%s/", prefix,
					     de->d_name) < sizeof(name))
				err = scan(path, name, depth - 1, names, n, cap);
			continue;
		}
		if (!S_ISREG(sb.st_mode) || len < 5 ||
		    strcmp(de->d_name + len - 4, ".wav"))
			continue;
		if ((size_t)snprintf(name, sizeof(name), "%s%.*s", prefix,
				     (int)(len - 4), de->d_name) >= sizeof(name) ||
		    !plib_name_ok(name))
			continue;
		err = add_name(names, n, cap, name);
	}
	closedir(d);
	return err;
}

int plib_sorted_names(const char *dir, const char *prefix, unsigned depth,
		      char ***names, size_t *n)
{
	size_t cap = 0;
	int err;

	*names = NULL;
	*n = 0;
	err = scan(dir, prefix, depth, names, n, &cap);
	if (err) {
		plib_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		return err;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

static int cmp_lang(const void *a, const void *b)
{
	return strcmp(((const struct plang *)a)->lang,
		      ((const struct plang *)b)->lang);
}

int plib_index(struct prompt_lib *lib, const char *sounds_dir)
{
	char **voices;
	size_t nv, i;
	int err;

	/* voice folders, in name order, are the "names" of depth 0 dirs */
	DIR *d = opendir(sounds_dir);
	struct dirent *de;
	size_t cap = 0;

	if (!d) {
		log_warn("prompt", "no sound sets in %s: %m", sounds_dir);
		return 0;
	}
	voices = NULL;
	nv = 0;
	err = 0;
	while (!err && (de = readdir(d))) {
		char l[3];

		if (de->d_type != DT_DIR && de->d_type != DT_LNK &&
		    de->d_type != DT_UNKNOWN)
			continue;
		if (de->d_name[0] != '.' && strlen(de->d_name) >= 2 &&
		    plib_lang_norm(l, (char[3]){de->d_name[0], de->d_name[1], 0}))
			err = add_name(&voices, &nv, &cap, de->d_name);
	}
	closedir(d);
	if (err)
		goto out;
	if (nv)
		qsort(voices, nv, sizeof(*voices), cmp_str);

	lib->langs = calloc(nv ? nv : 1, sizeof(*lib->langs));
	lib->lang_names = calloc(nv ? nv : 1, sizeof(*lib->lang_names));
	if (!lib->langs || !lib->lang_names) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < nv; i++) {
		struct plang *pl = &lib->langs[lib->nlangs];
		char dir[512];

		plib_lang_norm(pl->lang, (char[3]){voices[i][0], voices[i][1], 0});
		if (plib_lang(lib, pl->lang))
			continue;              /* an earlier voice has it */
		snprintf(dir, sizeof(dir), "%s/%s", sounds_dir, voices[i]);
		pl->dir = strdup(dir);
		if (!pl->dir) {
			err = ENOMEM;
			goto out;
		}
		err = plib_sorted_names(dir, "", 2, &pl->names, &pl->n);
		if (err) {
			free(pl->dir);
			goto out;
		}
		lib->st.index_names += pl->n;
		lib->nlangs++;
	}
	qsort(lib->langs, lib->nlangs, sizeof(*lib->langs), cmp_lang);
	for (i = 0; i < lib->nlangs; i++)
		lib->lang_names[i] = lib->langs[i].lang;
 out:
	plib_names_free(voices, nv);
	return err;
}

void plib_index_free(struct prompt_lib *lib)
{
	size_t i;

	for (i = 0; i < lib->nlangs; i++) {
		plib_names_free(lib->langs[i].names, lib->langs[i].n);
		free(lib->langs[i].dir);
	}
	free(lib->langs);
	free(lib->lang_names);
	lib->langs = NULL;
	lib->lang_names = NULL;
	lib->nlangs = 0;
}

const struct plang *plib_lang(const struct prompt_lib *lib, const char *lang)
{
	size_t i;

	/* a handful of languages: a walk is as fast as a search */
	for (i = 0; i < lib->nlangs; i++) {
		if (!strcmp(lib->langs[i].lang, lang))
			return &lib->langs[i];
	}
	return NULL;
}

struct prompt *plib_load_file(struct prompt_lib *lib, const char *path,
			      const char *name)
{
	const char *err = NULL;
	struct prompt *p;

	lib->st.loads++;
	p = plib_read_file(path, name, &err);
	if (!p) {
		lib->st.load_errors++;
		log_warn("prompt", "cannot load %s: %s", path,
			 err ? err : "read error");
	}
	return p;
}

struct prompt *plib_read_file(const char *path, const char *name,
			      const char **errp)
{
	struct prompt *p = NULL;
	const char *err = NULL;
	uint8_t *buf = NULL;
	int16_t *pcm;
	struct stat sb;
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &sb) || sb.st_size <= 0 ||
	    sb.st_size > MAX_FILE_BYTES)
		goto fail;
	buf = malloc((size_t)sb.st_size);
	if (!buf || fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size)
		goto fail;
	if (wav_to_audio(buf, (size_t)sb.st_size, 0, &pcm, &n, &err))
		goto fail;
	if (prompt_alloc(&p, name, pcm, n))
		goto fail;
	free(buf);
	fclose(f);
	return p;
 fail:
	if (errp)
		*errp = err;
	free(buf);
	if (f)
		fclose(f);
	return NULL;
}
