/**
 * @file files.c  Media files under media.data_dir for the API handlers.
 *
 * Names that reach a path come from customers (a prompt's name) or from
 * the store (a recording's file); both are checked here so that none can
 * climb out of the data directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/files.h"
#include "api/json.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool files_name_ok(const char *name, unsigned max_segments)
{
	unsigned segs = 1;
	size_t seg = 0;

	if (!name || !name[0])
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '/') {
			if (!seg || ++segs > max_segments)
				return false;
			seg = 0;
		}
		else if (!name_char(*p) || ++seg > 64) {
			return false;
		}
	}
	return seg > 0;
}

bool files_relpath_ok(const char *path)
{
	const char *s = path;

	if (!path || !path[0] || path[0] == '/')
		return false;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (!n || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (!e)
			break;
		s = e + 1;
		if (!*s)
			return false;
	}
	return true;
}

bool files_path(char *out, size_t size, const char *data_dir,
		const char *rel)
{
	int n = snprintf(out, size, "%s/%s", data_dir, rel);
	return n > 0 && (size_t)n < size;
}

int files_remove_dir(const char *data_dir, const char *rel)
{
	char dir[1024], path[1400];
	struct dirent *de;
	int err = 0;
	DIR *d;

	if (!files_relpath_ok(rel) || !files_path(dir, sizeof(dir), data_dir,
						  rel))
		return EINVAL;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = errno;
	}
	closedir(d);
	if (!err && rmdir(dir) && errno != ENOENT)
		err = errno;
	return err;
}

int files_mkdirs(const char *dir)
{
	char p[1024];
	size_t n = strlen(dir);

	if (n >= sizeof(p))
		return ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0750) && errno != EEXIST)
			return errno;
		*s = c;
		if (!c)
			return 0;
	}
}

static int write_all(int fd, const uint8_t *b, size_t len)
{
	while (len) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

int files_replace(const char *path, const void *data, size_t len)
{
	char dir[1024], tmp[1100];
	char *slash;
	int fd, err;

	if (strlen(path) >= sizeof(dir))
		return ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		err = files_mkdirs(dir);
		if (err)
			return err;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return errno;
	err = write_all(fd, data, len);
	if (!err && fchmod(fd, 0640))
		err = errno;
	if (!err && fsync(fd))
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	return err;
}

void files_answer(struct api_resp *resp, const char *path, const char *ctype,
		  const char *download_name)
{
	char disp[300];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		bool missing = fd < 0 && errno == ENOENT;
		if (fd >= 0)
			close(fd);
		if (missing)
			api_problem(resp, 404, NULL, "the file is missing");
		else
			api_problem(resp, 503, NULL, "cannot read the file");
		return;
	}
	api_resp_file(resp, 200, ctype, fd, (uint64_t)sb.st_size);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"",
		 download_name);
	api_resp_header(resp, "Content-Disposition", disp);
}
