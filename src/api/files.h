/**
 * @file files.h  Media files under media.data_dir, for the API handlers:
 * safe relative paths, writing a file whole (temp file, then rename) and
 * answering with a file.
 */
#ifndef CENTREX_API_FILES_H
#define CENTREX_API_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/api.h"

/* segments of [A-Za-z0-9_-] (1 to 64 each) joined by '/', no more than
   max_segments: a name that cannot leave its directory */
bool files_name_ok(const char *name, unsigned max_segments);
/* relative, no "." or ".." segment, no empty segment */
bool files_relpath_ok(const char *path);
/* <data_dir>/<rel> into out; false when it does not fit */
bool files_path(char *out, size_t size, const char *data_dir,
		const char *rel);
/* Removes the files of the directory rel under data_dir, then the
   directory (one level: what a user's voicemail box holds); a directory
   that does not exist is fine.  0 or errno. */
int  files_remove_dir(const char *data_dir, const char *rel);
/* mkdir -p (0750) of dir and everything above it */
int  files_mkdirs(const char *dir);
/* path's directories created, then the bytes written to a temp file in
   the same directory and renamed over path: readers see the old file or
   the new one, never half of one.  0 or an errno. */
int  files_replace(const char *path, const void *data, size_t len);
/* answer with the file (404 if missing, 503 otherwise), as ctype; the
   download name goes into Content-Disposition */
void files_answer(struct api_resp *resp, const char *path, const char *ctype,
		  const char *download_name);

#endif
