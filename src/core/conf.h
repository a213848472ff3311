/**
 * @file conf.h  Daemon settings: one declarative table.
 *
 * Every key the daemon reads is a row of conf_table[] in conf.c: name,
 * type, default, bounds, whether SIGHUP reloads it, and its help text.
 * The sample etc/centrex.conf and `centrexd --print-config` both come from
 * that table, and a test keeps the sample in step with it.
 *
 * Only daemon settings live here.  Everything a tenant edits lives in the
 * store.
 */
#ifndef CENTREX_CORE_CONF_H
#define CENTREX_CORE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct conf {
	char sip_listen[512];
	char sip_server_name[64];
	int  sip_max_message_bytes;
	int  sip_max_pending;
	char http_listen[128];
	int  http_max_body_bytes;
	int  api_session_idle_s;
	int  api_login_failures;
	int  api_login_window_s;
	char store_url[512];
	int  store_flush_ms;
	char media_rtp_ports[32];
	char media_address[64];
	int  media_threads;
	char media_sounds_dir[256];
	char media_moh_dir[256];
	char media_data_dir[256];
	int  record_retention_days;
	int  call_ring_timeout_s;
	int  call_max_duration_s;
	int  call_session_refresh_s;
	char log_level[16];
	char log_format[8];
	bool log_capture_stderr;
	char ctl_socket[256];
	int  registrar_min_expires;
	int  registrar_max_expires;
	int  registrar_default_expires;
	int  registrar_max_contacts;
	int  auth_nonce_ttl_s;
	char auth_default_algorithms[32];
	int  security_ban_failures;
	int  security_ban_window_s;
	int  security_ban_time_s;
	int  webhook_max_attempts;
	int  webhook_first_retry_ms;
	int  webhook_max_retry_ms;
	int  webhook_timeout_ms;
	int  webhook_queue_max;
};

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL };

typedef int (conf_check_h)(const char *value);

struct conf_key {
	const char *name;
	enum conf_type type;
	const char *def;
	long min, max;          /**< CONF_INT bounds; CONF_STR max length */
	bool reloadable;
	const char *help;
	size_t off;
	size_t size;
	conf_check_h *check;
};

extern const struct conf_key conf_table[];
extern const size_t conf_table_len;

void conf_defaults(struct conf *c);
int  conf_set(struct conf *c, const char *key, const char *value,
	      char *errbuf, size_t errsz);
int  conf_load_file(struct conf *c, const char *path, char *errbuf,
		    size_t errsz);
int  conf_print(FILE *f, const struct conf *c, bool sample);
const struct conf_key *conf_find(const char *name);
int  conf_value_str(const struct conf *c, const struct conf_key *k,
		    char *buf, size_t size);

/* "20000-29999" */
int  conf_port_range(const char *s, unsigned *lo, unsigned *hi);

#endif
