/**
 * @file sweep.c  Retention: recordings past their tenant's keep-time go,
 * file first, then row.
 *
 * A batch is read whole before anything is deleted (a backend may still
 * be walking its result set in the callback).  A file that cannot be
 * removed keeps its row, so the next sweep tries again; a batch that
 * removes nothing ends the sweep, so such rows cannot loop it forever.
 * A row naming a path outside the data directory is deleted without
 * touching any file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/log.h"
#include "record/record.h"
#include "store/store.h"

enum { BATCH = 100 };

struct batch {
	size_t n;
	struct {
		int64_t tenant_id, id;
		char file[256];
	} v[BATCH];
};

static int collect(const struct store_recording *r, void *arg)
{
	struct batch *b = arg;

	if (b->n >= BATCH)
		return 0;
	b->v[b->n].tenant_id = r->tenant_id;
	b->v[b->n].id = r->id;
	snprintf(b->v[b->n].file, sizeof(b->v[0].file), "%s", r->file);
	b->n++;
	return 0;
}

/* relative, no ".." segment: it stays under the data directory */
static bool inside(const char *file)
{
	const char *s = file;

	if (!file[0] || file[0] == '/')
		return false;
	while (s) {
		if (!strncmp(s, "..", 2) && (s[2] == '/' || !s[2]))
			return false;
		s = strchr(s, '/');
		if (s)
			s++;
	}
	return true;
}

static bool remove_file(const char *data_dir, const char *file)
{
	char path[600];

	if (!inside(file))
		return true;
	snprintf(path, sizeof(path), "%s/%s", data_dir, file);
	if (unlink(path) && errno != ENOENT) {
		log_warn("record", "retention: cannot remove %s: %s", path,
			 strerror(errno));
		return false;
	}
	return true;
}

int rec_sweep(struct store *st, const char *data_dir, int default_days,
	      int64_t now_ms, unsigned max, unsigned *removedp)
{
	struct batch *b;
	unsigned removed = 0, gone;
	int err;

	if (!st || !data_dir)
		return EINVAL;
	b = malloc(sizeof(*b));
	if (!b)
		return ENOMEM;
	do {
		b->n = 0;
		gone = 0;
		err = store_recording_expired_all(st, now_ms, default_days,
			max && max - removed < BATCH ? (int)(max - removed)
						     : BATCH, collect, b);
		for (size_t i = 0; !err && i < b->n; i++) {
			if (!remove_file(data_dir, b->v[i].file))
				continue;
			err = store_recording_delete(st, b->v[i].tenant_id,
						     b->v[i].id);
			if (err == ENOENT)
				err = 0;   /* deleted meanwhile through the API */
			else if (!err)
				gone++;
		}
		removed += gone;
	} while (!err && b->n == BATCH && gone && (!max || removed < max));
	free(b);

	if (err)
		log_warn("record", "retention sweep stopped: %s",
			 store_errmsg(st));
	if (removedp)
		*removedp = removed;
	return err;
}
