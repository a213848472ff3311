/**
 * @file conf.c  Daemon settings: the table, file parser, overrides.
 *
 * File format: `key = value` per line, `#` starts a comment.  Unknown keys
 * and out-of-bounds values are errors naming the key and the line, never
 * silently ignored: a typo in a config file should stop the start, not
 * leave a default in place.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/strutil.h"

#define S(field) offsetof(struct conf, field), sizeof(((struct conf *)0)->field)

static int check_log_level(const char *v)
{
	enum log_level l;
	return log_level_parse(&l, v);
}

static int check_log_format(const char *v)
{
	return (!strcmp(v, "text") || !strcmp(v, "json")) ? 0 : EINVAL;
}

static int check_rtp_ports(const char *v)
{
	unsigned lo, hi;
	return conf_port_range(v, &lo, &hi);
}

static int check_store_url(const char *v)
{
	if (!strncmp(v, "sqlite:", 7) && v[7])
		return 0;
	if (!strncmp(v, "postgresql://", 13) || !strncmp(v, "postgres://", 11))
		return 0;
	return EINVAL;
}

static int check_listen_list(const char *v)
{
	/* "udp:ADDR:PORT,tcp:ADDR:PORT"; addresses are parsed when bound */
	char buf[512];
	char *save = NULL, *tok;

	if (strlen(v) >= sizeof(buf))
		return EINVAL;
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = str_trim(tok);
		if (strncmp(tok, "udp:", 4) && strncmp(tok, "tcp:", 4))
			return EINVAL;
		if (!strrchr(tok + 4, ':'))
			return EINVAL;
	}
	return 0;
}

static int check_algorithms(const char *v)
{
	char buf[32];
	char *save = NULL, *tok;
	int n = 0;

	if (strlen(v) >= sizeof(buf))
		return EINVAL;
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), n++) {
		tok = str_trim(tok);
		if (strcasecmp(tok, "MD5") && strcasecmp(tok, "SHA-256"))
			return EINVAL;
	}
	return n ? 0 : EINVAL;
}

const struct conf_key conf_table[] = {
	{"sip.listen", CONF_STR, "udp:127.0.0.1:5060,tcp:127.0.0.1:5060", 1, 511,
	 false, "SIP listeners, comma separated: udp:ADDR:PORT or tcp:ADDR:PORT "
	 "(IPv6 as udp:[::1]:5060)", S(sip_listen), check_listen_list},
	{"sip.server_name", CONF_STR, "Centrex", 0, 63, false,
	 "Server header value; empty to send none", S(sip_server_name), NULL},
	{"sip.max_message_bytes", CONF_INT, "8192", 1024, 65535, true,
	 "largest SIP message accepted; larger ones are dropped and counted",
	 S(sip_max_message_bytes), NULL},
	{"sip.max_pending", CONF_INT, "50000", 100, 10000000, true,
	 "binding writes waiting for the store before REGISTER is shed with 503",
	 S(sip_max_pending), NULL},
	{"http.listen", CONF_STR, "127.0.0.1:8080", 1, 127, false,
	 "HTTP listener (REST API, portal, WebSocket) ADDR:PORT",
	 S(http_listen), NULL},
	{"http.max_body_bytes", CONF_INT, "65536", 1024, 16777216, true,
	 "largest request body accepted; larger ones get 413",
	 S(http_max_body_bytes), NULL},
	{"api.session_idle_s", CONF_INT, "3600", 60, 604800, false,
	 "a portal session ends after this many seconds without use",
	 S(api_session_idle_s), NULL},
	{"api.login_failures", CONF_INT, "5", 1, 1000, false,
	 "failed logins per account or address before 429",
	 S(api_login_failures), NULL},
	{"api.login_window_s", CONF_INT, "300", 10, 86400, false,
	 "window in which failed logins are counted, in seconds",
	 S(api_login_window_s), NULL},
	{"store.url", CONF_STR, "sqlite:centrex.db", 8, 511, false,
	 "store: sqlite:PATH (embedded) or postgresql://USER@HOST:PORT/DB",
	 S(store_url), check_store_url},
	{"store.flush_ms", CONF_INT, "100", 10, 10000, true,
	 "how often registration changes are written to the store, in ms",
	 S(store_flush_ms), NULL},
	{"media.rtp_ports", CONF_STR, "20000-29999", 3, 31, false,
	 "UDP port range for RTP and RTCP, LOW-HIGH", S(media_rtp_ports),
	 check_rtp_ports},
	{"media.address", CONF_STR, "", 0, 63, false,
	 "address RTP is bound to and advertised in SDP; empty = the address "
	 "of the first sip.listen entry", S(media_address), NULL},
	{"media.threads", CONF_INT, "2", 1, 64, false,
	 "media threads relaying RTP", S(media_threads), NULL},
	{"media.sounds_dir", CONF_STR, "/usr/share/asterisk/sounds", 1, 255,
	 false, "system prompt sets, one folder per language (en_US_f_Allison, "
	 "fr_CA_f_June, ...)", S(media_sounds_dir), NULL},
	{"media.moh_dir", CONF_STR, "/usr/share/asterisk/moh", 1, 255, false,
	 "default music on hold (WAV files)", S(media_moh_dir), NULL},
	{"media.data_dir", CONF_STR, "media", 1, 255, false,
	 "where uploaded prompts, recordings and rendered speech are kept",
	 S(media_data_dir), NULL},
	{"record.retention_days", CONF_INT, "90", 1, 36500, true,
	 "recordings older than this are deleted, unless the tenant sets its "
	 "own retention", S(record_retention_days), NULL},
	{"call.ring_timeout_s", CONF_INT, "60", 1, 600, true,
	 "a callee that does not answer within this is given up (480)",
	 S(call_ring_timeout_s), NULL},
	{"call.max_duration_s", CONF_INT, "14400", 5, 604800, true,
	 "longest a call may last before it is ended", S(call_max_duration_s),
	 NULL},
	{"call.session_refresh_s", CONF_INT, "900", 5, 86400, true,
	 "how often each leg of an answered call is checked alive (UPDATE); "
	 "a leg that fails it ends the call", S(call_session_refresh_s), NULL},
	{"log.level", CONF_STR, "info", 1, 15, true,
	 "debug, info, notice, warn or error", S(log_level), check_log_level},
	{"log.format", CONF_STR, "text", 1, 7, true, "text or json",
	 S(log_format), check_log_format},
	{"log.capture_stderr", CONF_BOOL, "yes", 0, 0, false,
	 "route libraries' stderr chatter into the log at debug level",
	 S(log_capture_stderr), NULL},
	{"ctl.socket", CONF_STR, "centrexd.sock", 1, 107, false,
	 "local control socket (status, reload); a filesystem path",
	 S(ctl_socket), NULL},
	{"registrar.min_expires", CONF_INT, "60", 1, 86400, true,
	 "shortest registration accepted; shorter gets 423 with Min-Expires",
	 S(registrar_min_expires), NULL},
	{"registrar.max_expires", CONF_INT, "3600", 60, 604800, true,
	 "longest registration granted; longer is cut to this",
	 S(registrar_max_expires), NULL},
	{"registrar.default_expires", CONF_INT, "3600", 60, 604800, true,
	 "registration lifetime when the request names none",
	 S(registrar_default_expires), NULL},
	{"registrar.max_contacts", CONF_INT, "10", 1, 100, true,
	 "contacts kept per device; the oldest is replaced past this",
	 S(registrar_max_contacts), NULL},
	{"auth.nonce_ttl_s", CONF_INT, "300", 10, 86400, true,
	 "lifetime of a digest nonce; older ones get stale=true",
	 S(auth_nonce_ttl_s), NULL},
	{"auth.default_algorithms", CONF_STR, "SHA-256,MD5", 3, 31, true,
	 "digest algorithms offered to tenants that set none, preferred first",
	 S(auth_default_algorithms), check_algorithms},
	{"security.ban_failures", CONF_INT, "10", 1, 100000, true,
	 "failed authentications from one address before it is banned",
	 S(security_ban_failures), NULL},
	{"security.ban_window_s", CONF_INT, "60", 1, 86400, true,
	 "window in which those failures are counted, in seconds",
	 S(security_ban_window_s), NULL},
	{"security.ban_time_s", CONF_INT, "600", 1, 604800, true,
	 "how long a banned address is ignored, in seconds",
	 S(security_ban_time_s), NULL},
	/* webhooks (cti/webhook.h): on reload, deliveries already waiting
	   take the new values from their next attempt on */
	{"webhook.max_attempts", CONF_INT, "10", 1, 100, true,
	 "POSTs of one event to one webhook before it is given up",
	 S(webhook_max_attempts), NULL},
	{"webhook.first_retry_ms", CONF_INT, "1000", 10, 3600000, true,
	 "wait after a failed webhook POST, in ms; it doubles after each "
	 "failure", S(webhook_first_retry_ms), NULL},
	{"webhook.max_retry_ms", CONF_INT, "256000", 10, 86400000, true,
	 "the wait between webhook POSTs stops doubling here, in ms",
	 S(webhook_max_retry_ms), NULL},
	{"webhook.timeout_ms", CONF_INT, "10000", 100, 600000, true,
	 "a webhook POST not answered within this has failed, in ms",
	 S(webhook_timeout_ms), NULL},
	{"webhook.queue_max", CONF_INT, "1000", 1, 1000000, true,
	 "webhook deliveries waiting per tenant; events past it are dropped "
	 "and counted", S(webhook_queue_max), NULL},
};

const size_t conf_table_len = sizeof(conf_table) / sizeof(conf_table[0]);

const struct conf_key *conf_find(const char *name)
{
	for (size_t i = 0; i < conf_table_len; i++) {
		if (!strcmp(conf_table[i].name, name))
			return &conf_table[i];
	}
	return NULL;
}

static int parse_bool(const char *v, bool *b)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1")
	    || !strcasecmp(v, "on")) {
		*b = true;
		return 0;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0")
	    || !strcasecmp(v, "off")) {
		*b = false;
		return 0;
	}
	return EINVAL;
}

int conf_set(struct conf *c, const char *key, const char *value,
	     char *errbuf, size_t errsz)
{
	const struct conf_key *k = conf_find(key);
	char *field;

	if (!k) {
		snprintf(errbuf, errsz, "unknown key '%s'", key);
		return ENOENT;
	}
	field = (char *)c + k->off;

	switch (k->type) {

	case CONF_STR: {
		size_t n = strlen(value);
		if ((long)n < k->min || (long)n > k->max || n >= k->size) {
			snprintf(errbuf, errsz, "%s: length %zu outside %ld..%ld",
				 key, n, k->min, k->max);
			return ERANGE;
		}
		if (k->check && k->check(value)) {
			snprintf(errbuf, errsz, "%s: invalid value '%s'", key,
				 value);
			return EINVAL;
		}
		memcpy(field, value, n + 1);
		break;
	}

	case CONF_INT: {
		char *end;
		long v;
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end) {
			snprintf(errbuf, errsz, "%s: '%s' is not an integer",
				 key, value);
			return EINVAL;
		}
		if (v < k->min || v > k->max) {
			snprintf(errbuf, errsz, "%s: %ld outside %ld..%ld", key,
				 v, k->min, k->max);
			return ERANGE;
		}
		*(int *)(void *)field = (int)v;
		break;
	}

	case CONF_BOOL:
		if (parse_bool(value, (bool *)(void *)field)) {
			snprintf(errbuf, errsz, "%s: '%s' is not yes or no",
				 key, value);
			return EINVAL;
		}
		break;
	}

	return 0;
}

void conf_defaults(struct conf *c)
{
	char err[128];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < conf_table_len; i++)
		(void)conf_set(c, conf_table[i].name, conf_table[i].def, err,
			       sizeof(err));
}

int conf_load_file(struct conf *c, const char *path, char *errbuf,
		   size_t errsz)
{
	char line[1024], emsg[256];
	unsigned lineno = 0;
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f) {
		err = errno;
		snprintf(errbuf, errsz, "%s: %s", path, strerror(err));
		return err;
	}

	while (fgets(line, sizeof(line), f)) {
		char *p, *eq, *key, *val;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(errbuf, errsz, "%s:%u: line too long", path,
				 lineno);
			err = EINVAL;
			break;
		}
		p = strchr(line, '#');
		if (p)
			*p = '\0';
		p = str_trim(line);
		if (!*p)
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			snprintf(errbuf, errsz, "%s:%u: expected key = value",
				 path, lineno);
			err = EINVAL;
			break;
		}
		*eq = '\0';
		key = str_trim(p);
		val = str_trim(eq + 1);
		err = conf_set(c, key, val, emsg, sizeof(emsg));
		if (err) {
			snprintf(errbuf, errsz, "%s:%u: %s", path, lineno, emsg);
			break;
		}
	}

	fclose(f);
	return err;
}

int conf_value_str(const struct conf *c, const struct conf_key *k, char *buf,
		   size_t size)
{
	const char *field = (const char *)c + k->off;

	switch (k->type) {
	case CONF_STR:
		return snprintf(buf, size, "%s", field) < 0 ? EINVAL : 0;
	case CONF_INT:
		return snprintf(buf, size, "%d", *(const int *)(const void *)field)
			< 0 ? EINVAL : 0;
	case CONF_BOOL:
		return snprintf(buf, size, "%s",
				*(const bool *)(const void *)field ? "yes" : "no")
			< 0 ? EINVAL : 0;
	}
	return EINVAL;
}

/*
 * The sample file is the table printed with defaults: each key preceded by
 * its help text, bounds and whether SIGHUP reloads it.
 */
int conf_print(FILE *f, const struct conf *c, bool sample)
{
	char val[512];

	if (sample) {
		fprintf(f, "# centrexd configuration\n"
			"#\n"
			"# Generated from the daemon's settings table "
			"(centrexd --print-config).\n"
			"# Format: key = value; '#' starts a comment.  Keys "
			"marked 'reload' take\n"
			"# effect on SIGHUP; the others need a restart.  "
			"Override any key on the\n"
			"# command line with -o key=value.\n");
	}
	for (size_t i = 0; i < conf_table_len; i++) {
		const struct conf_key *k = &conf_table[i];

		conf_value_str(c, k, val, sizeof(val));
		if (sample) {
			fprintf(f, "\n# %s", k->help);
			if (k->type == CONF_INT)
				fprintf(f, " [%ld..%ld]", k->min, k->max);
			fprintf(f, "%s\n", k->reloadable ? " (reload)" : "");
		}
		fprintf(f, "%s = %s\n", k->name, val);
	}
	return 0;
}

int conf_port_range(const char *s, unsigned *lo, unsigned *hi)
{
	char *end;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || end == s || *end != '-')
		return EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (errno || end == s || *end)
		return EINVAL;
	if (a < 1024 || b > 65535 || a >= b)
		return ERANGE;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}
