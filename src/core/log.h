/**
 * @file log.h  One log family for the whole daemon.
 *
 * Every line carries a level, a module tag ("sip/registrar") and, where
 * known, the tenant it concerns.  Formatting goes through libre's printf
 * so %r (struct pl), %j/%J (addresses) and %m (errno) work everywhere.
 *
 * Peer input that is malformed is logged at debug and counted in metrics;
 * never at warn or error, or a flood of bad packets becomes a log flood.
 */
#ifndef CENTREX_CORE_LOG_H
#define CENTREX_CORE_LOG_H

#include <stdbool.h>

enum log_level {
	LOGL_DEBUG = 0,
	LOGL_INFO,
	LOGL_NOTICE,
	LOGL_WARN,
	LOGL_ERROR,
};

enum log_format {
	LOG_FMT_TEXT = 0,
	LOG_FMT_JSON,
};

int  log_init(int fd);
void log_close(void);
void log_set_level(enum log_level level);
void log_set_format(enum log_format fmt);
int  log_level_parse(enum log_level *levelp, const char *name);
const char *log_level_name(enum log_level level);
bool log_enabled(enum log_level level);
int  log_capture_stderr(void);

void log_msg(enum log_level level, const char *mod, const char *tenant,
	     const char *fmt, ...);

#define log_debug(mod, ...)                                           \
	do {                                                          \
		if (log_enabled(LOGL_DEBUG))                          \
			log_msg(LOGL_DEBUG, (mod), NULL, __VA_ARGS__); \
	} while (0)
#define log_info(mod, ...)   log_msg(LOGL_INFO, (mod), NULL, __VA_ARGS__)
#define log_notice(mod, ...) log_msg(LOGL_NOTICE, (mod), NULL, __VA_ARGS__)
#define log_warn(mod, ...)   log_msg(LOGL_WARN, (mod), NULL, __VA_ARGS__)
#define log_error(mod, ...)  log_msg(LOGL_ERROR, (mod), NULL, __VA_ARGS__)

/* the same, with the tenant the line concerns */
#define tlog_debug(mod, tn, ...)                                      \
	do {                                                          \
		if (log_enabled(LOGL_DEBUG))                          \
			log_msg(LOGL_DEBUG, (mod), (tn), __VA_ARGS__); \
	} while (0)
#define tlog_info(mod, tn, ...) log_msg(LOGL_INFO, (mod), (tn), __VA_ARGS__)
#define tlog_notice(mod, tn, ...) \
	log_msg(LOGL_NOTICE, (mod), (tn), __VA_ARGS__)
#define tlog_warn(mod, tn, ...) log_msg(LOGL_WARN, (mod), (tn), __VA_ARGS__)

#endif
