/**
 * @file moh.c  Music on hold classes.
 *
 * System classes come from the MOH folder: "default" is every WAV file at
 * its top, and each sub-folder is a class of that name.  At start only
 * the file names are read; a class's tracks are converted when it is
 * first asked for and then live in the prompt cache like any prompt
 * (an evicted track is read again on the next request).
 *
 * A tenant class is a list of prompts given by the API layer (which
 * decoded the uploads with wav_to_audio); it hides a system class of the
 * same name for that tenant only.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "media/prompt/priv.h"

static void class_free(struct moh_class *c)
{
	size_t i;

	if (c->tracks) {
		for (i = 0; i < c->n; i++)
			prompt_unref(c->tracks[i]);
		free(c->tracks);
	}
	if (c->files)
		plib_names_free(c->files, c->n);
	free(c->name);
	free(c->dir);
	free(c);
}

static struct moh_class **class_find(struct prompt_lib *lib, uint64_t tenant,
				     const char *name)
{
	struct moh_class **cp;

	for (cp = &lib->moh; *cp; cp = &(*cp)->next) {
		if ((*cp)->tenant == tenant && !strcmp((*cp)->name, name))
			break;
	}
	return cp;
}

static int system_class(struct prompt_lib *lib, const char *name,
			const char *dir)
{
	struct moh_class *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return ENOMEM;
	c->name = strdup(name);
	c->dir = strdup(dir);
	if (!c->name || !c->dir) {
		class_free(c);
		return ENOMEM;
	}
	err = plib_sorted_names(dir, "", 0, &c->files, &c->n);
	if (err || !c->n) {
		class_free(c);
		return err == ENOMEM ? ENOMEM : 0;
	}
	c->next = lib->moh;
	lib->moh = c;
	return 0;
}

int plib_moh_index(struct prompt_lib *lib, const char *moh_dir)
{
	struct dirent *de;
	DIR *d;
	int err;

	err = system_class(lib, "default", moh_dir);
	if (err)
		return err;
	d = opendir(moh_dir);
	if (!d) {
		log_warn("prompt", "no music on hold in %s: %m", moh_dir);
		return 0;
	}
	while (!err && (de = readdir(d))) {
		char path[512];

		if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
		    !strcmp(de->d_name, "default") || !plib_name_ok(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", moh_dir, de->d_name);
		err = system_class(lib, de->d_name, path);
	}
	closedir(d);
	return err;
}

void plib_moh_free(struct prompt_lib *lib)
{
	while (lib->moh) {
		struct moh_class *c = lib->moh;

		lib->moh = c->next;
		class_free(c);
	}
}

void prompt_list_release(struct prompt_list *l)
{
	if (!l)
		return;
	while (l->n)
		prompt_unref(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

/* a system track from the cache, or read now */
static struct prompt *system_track(struct prompt_lib *lib,
				   const struct moh_class *c, size_t i)
{
	char key[PROMPT_NAME_MAX * 2 + 8], path[512];
	struct prompt *p;

	snprintf(key, sizeof(key), "moh/%s/%s", c->name, c->files[i]);
	p = ptable_get(&lib->cache, 0, key);
	if (p) {
		lib->st.hits++;
		return p;
	}
	lib->st.misses++;
	snprintf(path, sizeof(path), "%s/%s.wav", c->dir, c->files[i]);
	p = plib_load_file(lib, path, key);
	if (p && ptable_put(&lib->cache, 0, key, p))
		log_warn("prompt", "%s not cached: out of memory", key);
	return p;
}

int prompt_moh(struct prompt_lib *lib, uint64_t tenant_id,
	       const char *class_name, struct prompt_list *out)
{
	const struct moh_class *c = NULL;
	size_t i;

	if (!lib || !out || !class_name)
		return EINVAL;
	out->v = NULL;
	out->n = 0;
	if (tenant_id)
		c = *class_find(lib, tenant_id, class_name);
	if (!c)
		c = *class_find(lib, 0, class_name);
	if (!c)
		return ENOENT;
	out->v = calloc(c->n, sizeof(*out->v));
	if (!out->v)
		return ENOMEM;
	for (i = 0; i < c->n; i++) {
		struct prompt *p;

		/* tracks being converted in the background are not read
		   here: the signalling thread does not wait for them */
		if (c->tracks || plib_moh_loading(lib))
			p = c->tracks ? prompt_ref(c->tracks[i]) : NULL;
		else
			p = system_track(lib, c, i);
		if (p)
			out->v[out->n++] = p;
	}
	if (!out->n) {
		prompt_list_release(out);
		return ENOENT;
	}
	return 0;
}

int prompt_lib_moh_put(struct prompt_lib *lib, uint64_t tenant_id,
		       const char *class_name, struct prompt *const *tracks,
		       size_t n)
{
	struct moh_class **cp, *c;
	size_t i;

	if (!lib || !tenant_id || !plib_name_ok(class_name) ||
	    strchr(class_name, '/') || (n && !tracks))
		return EINVAL;
	for (i = 0; i < n; i++) {
		if (!tracks[i])
			return EINVAL;
	}
	cp = class_find(lib, tenant_id, class_name);
	if (*cp) {
		c = *cp;
		*cp = c->next;
		class_free(c);
	}
	if (!n)
		return 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->tenant = tenant_id;
	c->name = strdup(class_name);
	c->tracks = calloc(n, sizeof(*c->tracks));
	if (!c->name || !c->tracks) {
		class_free(c);
		return ENOMEM;
	}
	for (i = 0; i < n; i++)
		c->tracks[c->n++] = prompt_ref(tracks[i]);
	c->next = lib->moh;
	lib->moh = c;
	return 0;
}

void plib_moh_track_loaded(struct prompt_lib *lib, const char *cls,
			   size_t idx, struct prompt *p)
{
	struct moh_class *c = *class_find(lib, 0, cls);

	if (!c || idx >= c->n) {
		prompt_unref(p);
		return;
	}
	if (!c->tracks)
		c->tracks = calloc(c->n, sizeof(*c->tracks));
	if (!c->tracks || c->tracks[idx]) {
		prompt_unref(p);
		return;
	}
	c->tracks[idx] = p;
	lib->st.loads++;
}

int prompt_moh_preload(struct prompt_lib *lib)
{
	return lib ? plib_moh_preload(lib) : EINVAL;
}
