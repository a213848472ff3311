/**
 * @file log.c  Log lines to one file descriptor (stderr of the daemon).
 *
 * Each line is formatted into a stack buffer and written with one write(),
 * so lines from the store writer thread never interleave with the
 * signalling thread's.  The level is an atomic so SIGHUP can change it
 * while the writer thread logs.
 *
 * libre writes its own complaints (undecodable packets among them) to
 * stderr.  log_capture_stderr() turns fd 2 into a pipe read by the main
 * loop, so that chatter becomes debug lines with a counter instead of an
 * unbounded stream a peer can trigger at will.
 */
#include <re.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "core/metrics.h"

static struct {
	int fd;
	_Atomic int level;
	_Atomic int format;
	int pipe_rd;
	char partial[512];
	size_t partial_len;
} lg = { .fd = 2, .level = LOGL_INFO, .pipe_rd = -1 };

static void stderr_readable(int flags, void *arg);

static const char *level_names[] = {"debug", "info", "notice", "warn",
				    "error"};

int log_init(int fd)
{
	lg.fd = fd;
	return 0;
}

/* gives fd 2 back to the real stderr: reports at exit must be seen */
void log_close(void)
{
	if (lg.pipe_rd < 0)
		return;
	stderr_readable(0, NULL);       /* what libre said last */
	fd_close(lg.pipe_rd);
	close(lg.pipe_rd);
	lg.pipe_rd = -1;
	(void)dup2(lg.fd, 2);
}

void log_set_level(enum log_level level)
{
	atomic_store(&lg.level, (int)level);
}

void log_set_format(enum log_format fmt)
{
	atomic_store(&lg.format, (int)fmt);
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level >= ARRAY_SIZE(level_names))
		return "?";
	return level_names[level];
}

int log_level_parse(enum log_level *levelp, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (0 == str_casecmp(name, level_names[i])) {
			*levelp = (enum log_level)i;
			return 0;
		}
	}
	return EINVAL;
}

bool log_enabled(enum log_level level)
{
	return (int)level >= atomic_load(&lg.level);
}

/* JSON string body: escape quotes, backslashes and control characters */
static size_t json_escape(char *dst, size_t size, const char *src, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 7 < size; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		}
		else if (c < 0x20) {
			o += (size_t)snprintf(dst + o, size - o, "\\u%04x", c);
		}
		else {
			dst[o++] = (char)c;
		}
	}
	return o;
}

static size_t timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return (size_t)snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
				tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				tm.tm_hour, tm.tm_min, tm.tm_sec,
				ts.tv_nsec / 1000000);
}

void log_msg(enum log_level level, const char *mod, const char *tenant,
	     const char *fmt, ...)
{
	char text[1024], line[2048], ts[64];
	va_list ap;
	int n;

	if (!log_enabled(level))
		return;

	va_start(ap, fmt);
	n = re_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = (int)str_len(text);
	if ((size_t)n >= sizeof(text))
		n = sizeof(text) - 1;

	timestamp(ts, sizeof(ts));

	if (atomic_load(&lg.format) == LOG_FMT_JSON) {
		char esc[2048];
		size_t en = json_escape(esc, sizeof(esc), text, (size_t)n);
		n = snprintf(line, sizeof(line),
			     "{\"ts\":\"%s\",\"level\":\"%s\",\"mod\":\"%s\""
			     "%s%s%s,\"msg\":\"%.*s\"}\n",
			     ts, log_level_name(level), mod,
			     tenant ? ",\"tenant\":\"" : "",
			     tenant ? tenant : "", tenant ? "\"" : "",
			     (int)en, esc);
	}
	else {
		n = snprintf(line, sizeof(line), "%s %-6s %s%s%s%s %.*s\n",
			     ts, log_level_name(level), mod,
			     tenant ? " [" : "", tenant ? tenant : "",
			     tenant ? "]" : "", n, text);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void)!write(lg.fd, line, (size_t)n);
}

static void stderr_flush_line(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (!n)
		return;
	metrics_inc(M_LIBRARY_COMPLAINTS);
	log_debug("libre", "%b", s, n);
}

static void stderr_readable(int flags, void *arg)
{
	char buf[4096];
	ssize_t n;
	(void)flags;
	(void)arg;

	while ((n = read(lg.pipe_rd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];
			if (lg.partial_len < sizeof(lg.partial))
				lg.partial[lg.partial_len++] = c;
			if (c == '\n' || lg.partial_len == sizeof(lg.partial)) {
				stderr_flush_line(lg.partial, lg.partial_len);
				lg.partial_len = 0;
			}
		}
	}
}

/*
 * Keep our own log on a duplicate of the original stderr, and make fd 2 a
 * pipe we read in the main loop.
 */
int log_capture_stderr(void)
{
	int p[2], logfd, err;

	logfd = dup(lg.fd);
	if (logfd < 0)
		return errno;
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
		err = errno;
		close(logfd);
		return err;
	}
	if (dup2(p[1], 2) < 0) {
		err = errno;
		close(p[0]);
		close(p[1]);
		close(logfd);
		return err;
	}
	close(p[1]);
	(void)fcntl(logfd, F_SETFD, FD_CLOEXEC);
	lg.fd = logfd;
	lg.pipe_rd = p[0];

	return fd_listen(p[0], FD_READ, stderr_readable, NULL);
}
