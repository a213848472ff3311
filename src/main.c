/**
 * @file main.c  centrexd: arguments, configuration, start-up, run, stop.
 *
 * Start-up order (shutdown runs it backwards):
 *   config -> log -> libre -> store (migrate, demo) -> directory ->
 *   store writer thread -> timer heap -> location (load bindings) ->
 *   bans -> SIP stack + registrar -> webhooks -> calls -> presence, chat ->
 *   API -> control socket -> signals -> ready
 * (webhooks stop right after the API: events of calls ending at shutdown
 * are not sent)
 *
 * Signals arrive through a signalfd read by the main loop, so handlers
 * run as ordinary loop callbacks: SIGTERM/SIGINT stop gracefully (bindings
 * flushed to the store), SIGHUP reloads the keys marked reloadable.
 */
#include <re.h>
#include <errno.h>
#include <glob.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "core/conf.h"
#include "core/log.h"
#include "core/random.h"
#include "core/tmrheap.h"
#include "core/sdnotify.h"
#include "core/theap.h"
#include "api/service.h"
#include "ctl/ctl.h"
#include "ctl/status.h"
#include "dir/directory.h"
#include "provision/demo.h"
#include "provision/import.h"
#include "sip/ban.h"
#include "sip/location.h"
#include "record/record.h"
#include "media/media.h"
#include "media/prompt/prompt.h"
#include "media/prompt/wav.h"
#include "pbx/pbx.h"
#include "chat/chat.h"
#include "cti/webhook.h"
#include "presence/presence.h"
#include "sip/auth.h"
#include "sip/registrar.h"
#include "sip/stack.h"
#include "store/store.h"
#include "store/writer.h"

enum { MAX_OVERRIDES = 64 };

struct daemon {
	struct conf conf;
	const char *conf_path;
	const char *overrides[MAX_OVERRIDES];
	size_t noverrides;
	bool demo;
	bool init_only;
	const char *import_path;

	struct store *store;             /**< signalling thread's connection */
	struct store_writer *writer;
	struct directory *dir;
	struct theap *theap;
	struct location *loc;
	struct ban_table *bans;
	struct sipstack *sip;
	struct registrar *reg;
	struct sipauth *auth;
	struct media_engine *media;
	struct prompt_lib *prompts;   /**< sound sets, uploads, MOH, speech */
	struct recwriter *recorder;   /**< call recordings to disk */
	struct pbx *pbx;
	struct presence *presence;    /**< BLF, buddy lists, lamps */
	struct chat *chat;            /**< SIP MESSAGE */
	struct webhooks *webhooks;    /**< tenants' signed event POSTs */
	struct ctl *ctl;
	struct api_service *api;
	struct status_src status;
	struct tmr flush_tmr;
	int sigfd;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: centrexd [options]\n"
		"  -c FILE          configuration file (see etc/centrex.conf)\n"
		"  -o KEY=VALUE     override a configuration key (repeatable)\n"
		"  --demo           seed an empty store with the demo tenants\n"
		"  --import FILE    add devices from CSV lines domain,username,"
		"password\n"
		"  --init-only      migrate, seed and import, then exit\n"
		"  --print-config   print the effective configuration and exit\n"
		"  --sample-config  print the documented sample file and exit\n"
		"  --check-config   validate the configuration and exit\n"
		"  --status         ask the running daemon for its status\n"
		"  --ctl COMMAND    send a control command to the running daemon\n"
		"  --version        print the version\n"
		"  -h, --help       this help\n");
}

/* defaults, then the file, then -o overrides: the same on start and HUP */
static int load_conf(struct daemon *d, struct conf *c)
{
	char err[512];

	conf_defaults(c);
	if (d->conf_path && conf_load_file(c, d->conf_path, err, sizeof(err))) {
		fprintf(stderr, "centrexd: %s\n", err);
		return EINVAL;
	}
	for (size_t i = 0; i < d->noverrides; i++) {
		char key[128];
		const char *eq = strchr(d->overrides[i], '=');
		if (!eq || (size_t)(eq - d->overrides[i]) >= sizeof(key)) {
			fprintf(stderr, "centrexd: -o %s: expected KEY=VALUE\n",
				d->overrides[i]);
			return EINVAL;
		}
		memcpy(key, d->overrides[i], (size_t)(eq - d->overrides[i]));
		key[eq - d->overrides[i]] = '\0';
		if (conf_set(c, key, eq + 1, err, sizeof(err))) {
			fprintf(stderr, "centrexd: -o: %s\n", err);
			return EINVAL;
		}
	}
	return 0;
}

static void apply_log_conf(const struct conf *c)
{
	enum log_level lvl = LOGL_INFO;

	(void)log_level_parse(&lvl, c->log_level);
	log_set_level(lvl);
	log_set_format(!strcmp(c->log_format, "json") ? LOG_FMT_JSON
						       : LOG_FMT_TEXT);
}

static void apply_runtime_conf(struct daemon *d)
{
	apply_log_conf(&d->conf);
	ban_configure(d->bans, (uint32_t)d->conf.security_ban_failures,
		      (uint32_t)d->conf.security_ban_window_s,
		      (uint32_t)d->conf.security_ban_time_s);
	if (d->auth)
		(void)sipauth_reconfigure(d->auth);
	if (d->webhooks) {
		struct webhook_conf whc;

		webhook_conf_from(&whc, &d->conf);
		(void)webhooks_configure(d->webhooks, &whc);
	}
}

static void reload(struct daemon *d)
{
	struct conf fresh;
	char a[512], b[512];

	if (load_conf(d, &fresh)) {
		log_warn("main", "reload: configuration invalid, keeping the "
			 "running one");
		return;
	}
	for (size_t i = 0; i < conf_table_len; i++) {
		const struct conf_key *k = &conf_table[i];
		char *dst = (char *)&d->conf + k->off;

		conf_value_str(&d->conf, k, a, sizeof(a));
		conf_value_str(&fresh, k, b, sizeof(b));
		if (!strcmp(a, b))
			continue;
		if (!k->reloadable) {
			log_warn("main", "reload: %s changed; it takes effect "
				 "after a restart", k->name);
			continue;
		}
		memcpy(dst, (char *)&fresh + k->off, k->size);
		log_notice("main", "reload: %s = %s", k->name, b);
	}
	apply_runtime_conf(d);
}

static void signal_readable(int flags, void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;
	(void)flags;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			log_notice("main", "SIGHUP: reloading configuration");
			reload(d);
			break;
		case SIGTERM:
		case SIGINT:
			log_notice("main", "signal %u: stopping", si.ssi_signo);
			(void)sdnotify("STOPPING=1");
			re_cancel();
			break;
		default:
			break;
		}
	}
}

static void flush_timer(void *arg)
{
	struct daemon *d = arg;

	location_flush(d->loc);
	tmr_start(&d->flush_tmr, (uint64_t)d->conf.store_flush_ms,
		  flush_timer, d);
}

static int cmd_reload(struct re_printf *pf, const struct pl *args, void *arg)
{
	(void)args;
	reload(arg);
	return re_hprintf(pf, "reloaded\n");
}

static bool call_request(const struct sip_msg *msg, void *arg)
{
	return pbx_request(arg, msg);
}

static bool event_request(const struct sip_msg *msg, void *arg)
{
	return presence_request(arg, msg);
}

static bool message_request(const struct sip_msg *msg, void *arg)
{
	return chat_request(arg, msg);
}

/* after a REGISTER with credentials: the device is the To user of the
   To domain (the registrar allows no other) */
static void registered(const struct sip_msg *msg, void *arg)
{
	struct daemon *d = arg;
	struct dir_tenant *t = dir_tenant_by_domain(d->dir, &msg->to.uri.host);
	struct dir_device *dev = t ? dir_device_find(d->dir, t,
						     &msg->to.uri.user) : NULL;

	if (!dev)
		return;
	presence_device_seen(d->presence, t->id, dev->id);
	chat_device_seen(d->chat, t->id, dev->id);
}

/* after the call layer: libre's event layer must listen after its
   session layer, which leaves SUBSCRIBE and NOTIFY alone */
/* lamps of the messages left before this start */
static int lamp_on(int64_t tenant_id, int64_t user_id, int n_new, int n_old,
		   void *arg)
{
	struct daemon *d = arg;

	(void)presence_mwi_set(d->presence, tenant_id, user_id,
			       (unsigned)n_new, (unsigned)n_old);
	return 0;
}

static int start_presence_chat(struct daemon *d, char *err, size_t errsz)
{
	int e;

	e = presence_alloc(&d->presence, &(struct presence_deps){
		.conf = &d->conf, .sip = sipstack_sip(d->sip), .dir = d->dir,
		.loc = d->loc, .st = d->store, .auth = d->auth,
	});
	if (!e)
		e = chat_alloc(&d->chat, &(struct chat_deps){
			.sip = sipstack_sip(d->sip), .dir = d->dir,
			.loc = d->loc, .st = d->store, .auth = d->auth,
		});
	if (e) {
		snprintf(err, errsz, "presence and chat: cannot start: %s",
			 strerror(e));
		return e;
	}
	if (store_vm_counts_all(d->store, lamp_on, d))
		log_warn("main", "message waiting: cannot read the mailboxes");
	sipstack_set_event_handler(d->sip, event_request, d->presence);
	sipstack_set_message_handler(d->sip, message_request, d->chat);
	sipstack_set_register_observer(d->sip, registered, d);
	return 0;
}

/* media.address, or the address of the first SIP listener */
static int media_address(const struct conf *c, char *buf, size_t size)
{
	const char *s = c->sip_listen;
	struct sa a;
	size_t l;

	if (c->media_address[0]) {
		str_ncpy(buf, c->media_address, size);
		return 0;
	}
	s = strchr(s, ':');
	if (!s)
		return EINVAL;
	s++;
	l = strcspn(s, ",");
	if (sa_decode(&a, s, l))
		return EINVAL;
	return re_snprintf(buf, size, "%j", &a) < 0 ? EINVAL : 0;
}

/* An uploaded prompt (already converted by the API) into the library. */
static void prompt_load(struct daemon *d, int64_t tid, const char *lang,
			const char *name)
{
	char path[1024];
	const char *why = NULL;
	uint8_t *buf = NULL;
	int16_t *pcm = NULL;
	size_t len = 0, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/prompts/%lld/%s/%s.wav",
		 d->conf.media_data_dir, (long long)tid, lang, name);
	f = fopen(path, "rb");
	if (f && !fseek(f, 0, SEEK_END) && (len = (size_t)ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(len)) &&
	    fread(buf, 1, len, f) == len &&
	    !wav_to_audio(buf, len, 0, &pcm, &n, &why))
		(void)prompt_lib_put(d->prompts, (uint64_t)tid, lang, name,
				     pcm, n);
	else
		log_warn("main", "prompt %s: cannot load: %s", path,
			 why ? why : strerror(errno));
	if (f)
		fclose(f);
	free(buf);
}

static void prompt_changed(int64_t tid, const char *lang, const char *name,
			   bool removed, void *arg)
{
	struct daemon *d = arg;

	if (!d->prompts)
		return;
	if (removed)
		(void)prompt_lib_remove(d->prompts, (uint64_t)tid, lang, name);
	else
		prompt_load(d, tid, lang, name);
}

/* Uploaded prompts live in <data_dir>/prompts/<tenant>/<lang>/<name>.wav
   (names may hold one '/': "queue/position"); put them back at start. */
static void prompts_reload(struct daemon *d)
{
	char root[512], dir[1024];
	glob_t g;

	snprintf(root, sizeof(root), "%s/prompts", d->conf.media_data_dir);
	for (int depth = 0; depth < 2; depth++) {
		snprintf(dir, sizeof(dir), "%s/*/*/%s*.wav", root,
			 depth ? "*/" : "");
		if (glob(dir, 0, NULL, &g))
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char lang[16], name[256];
			long long tid;
			const char *rel = g.gl_pathv[i] + strlen(root) + 1;

			if (sscanf(rel, "%lld/%15[^/]/%255s", &tid, lang,
				   name) != 3 || strlen(name) < 5)
				continue;
			name[strlen(name) - 4] = '\0';   /* ".wav" */
			prompt_load(d, tid, lang, name);
		}
		globfree(&g);
	}
}

/* ---- what the call layer tells, and who follows it ---------------------- */

static void on_party(void *arg, int64_t tenant_id, int64_t user_id,
		     const char *call_uuid, enum pbx_party st, bool caller,
		     const char *remote)
{
	struct daemon *d = arg;
	enum presence_dialog_state ps =
		st == PBX_PARTY_TALKING ? PRESENCE_DIALOG_CONFIRMED
		: st == PBX_PARTY_RINGING ? PRESENCE_DIALOG_EARLY
		: PRESENCE_DIALOG_TERMINATED;

	/* presence goes first at shutdown: calls still ending tell no one */
	if (d->presence)
		presence_call_state(d->presence, tenant_id, user_id,
				    call_uuid, ps, caller, remote);
}

static void on_vm_changed(void *arg, int64_t tenant_id, int64_t user_id)
{
	struct daemon *d = arg;
	int n_new = 0, n_old = 0;

	if (d->presence &&
	    !store_vm_counts(d->store, tenant_id, user_id, &n_new, &n_old))
		(void)presence_mwi_set(d->presence, tenant_id, user_id,
				       (unsigned)n_new, (unsigned)n_old);
}

static void on_features_changed(void *arg, int64_t tenant_id,
				int64_t user_id)
{
	struct daemon *d = arg;

	if (d->presence)
		presence_user_changed(d->presence, tenant_id, user_id);
}

static void on_vm_message(void *arg, const struct store_vm_message *m)
{
	struct daemon *d = arg;

	if (d->webhooks)
		webhooks_voicemail_message(d->webhooks, m);
}

/* the API's hooks name their argument last */
static void api_vm_changed(int64_t tenant_id, int64_t user_id, void *arg)
{
	on_vm_changed(arg, tenant_id, user_id);
}

static void api_features_changed(int64_t tenant_id, int64_t user_id,
				 void *arg)
{
	on_features_changed(arg, tenant_id, user_id);
}

static int start_calls(struct daemon *d, char *err, size_t errsz)
{
	struct pbx_deps deps;
	unsigned lo = 0, hi = 0;
	char addr[64];
	int e;

	if (media_address(&d->conf, addr, sizeof(addr))) {
		snprintf(err, errsz, "media.address: cannot tell which "
			 "address to use");
		return EINVAL;
	}
	(void)conf_port_range(d->conf.media_rtp_ports, &lo, &hi);
	/* only indexes the sound sets: prompts load on first use */
	e = prompt_lib_alloc(&d->prompts, &(struct prompt_conf){
		.sounds_dir = d->conf.media_sounds_dir,
		.moh_dir = d->conf.media_moh_dir,
		.data_dir = d->conf.media_data_dir,
	});
	if (e)
		log_warn("main", "prompts: %s; services will be silent",
			 strerror(e));
	else {
		prompts_reload(d);
		/* music on hold is converted while the daemon starts */
		e = prompt_moh_preload(d->prompts);
		if (e)
			log_warn("main", "music on hold: cannot convert it in "
				 "the background: %s", strerror(e));
	}
	e = recwriter_start(&d->recorder, &(struct recwriter_conf){
		.store_url = d->conf.store_url,
		.data_dir = d->conf.media_data_dir,
		.retention_days = d->conf.record_retention_days,
	});
	if (e)
		log_warn("main", "recordings: cannot start the writer: %s; "
			 "calls will not be recorded", strerror(e));
	e = media_start(&d->media, addr, lo, hi,
			(unsigned)d->conf.media_threads);
	if (e) {
		snprintf(err, errsz, "media: cannot start on %s ports %u-%u: "
			 "%s", addr, lo, hi, strerror(e));
		return e;
	}
	deps = (struct pbx_deps){
		.conf = &d->conf, .sip = sipstack_sip(d->sip), .dir = d->dir,
		.loc = d->loc, .st = d->store, .writer = d->writer,
		.auth = d->auth, .media = d->media, .theap = d->theap,
		.prompts = d->prompts, .recorder = d->recorder,
		.ev = {on_party, on_vm_changed, on_features_changed,
		       on_vm_message, d},
	};
	e = pbx_alloc(&d->pbx, &deps);
	if (e) {
		snprintf(err, errsz, "calls: cannot start: %s", strerror(e));
		return e;
	}
	sipstack_set_call_handler(d->sip, call_request, d->pbx);
	log_info("main", "media on %s, ports %u-%u, %d threads", addr, lo, hi,
		 d->conf.media_threads);
	return 0;
}

static int start(struct daemon *d)
{
	struct webhook_conf whc;
	char err[512] = "";
	sigset_t sigs;
	int e, version = 0;

	e = store_open(&d->store, d->conf.store_url, err, sizeof(err));
	if (e)
		goto fail;
	e = store_migrate(d->store, &version);
	if (e) {
		snprintf(err, sizeof(err), "store: migration failed");
		goto fail;
	}
	if (d->demo) {
		e = demo_seed(d->store);
		if (e) {
			snprintf(err, sizeof(err), "demo: seeding failed");
			goto fail;
		}
	}

	if (d->import_path) {
		size_t n = 0;
		e = import_devices(d->store, d->import_path, &n, err,
				   sizeof(err));
		if (e)
			goto fail;
		log_info("main", "imported %zu devices from %s", n,
			 d->import_path);
	}
	if (d->init_only)
		return 0;

	e = dir_alloc(&d->dir);
	if (!e)
		e = dir_load(d->dir, d->store, d->conf.auth_default_algorithms);
	if (e) {
		snprintf(err, sizeof(err), "directory: load failed: %s",
			 store_errmsg(d->store));
		goto fail;
	}

	/* block signals before the writer thread starts: it inherits the mask */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	e = store_writer_start(&d->writer, d->conf.store_url, err, sizeof(err));
	if (e)
		goto fail;

	e = theap_alloc(&d->theap);
	if (!e)
		e = location_alloc(&d->loc, d->theap, d->writer);
	if (!e)
		e = location_load(d->loc, d->store);
	if (e) {
		snprintf(err, sizeof(err), "location: cannot load bindings");
		goto fail;
	}

	e = ban_alloc(&d->bans, d->theap);
	if (e)
		goto fail;

	e = sipstack_start(&d->sip, &d->conf, d->bans, err, sizeof(err));
	if (e)
		goto fail;
	e = sipauth_alloc(&d->auth, sipstack_sip(d->sip), &d->conf, d->dir,
			  d->bans);
	if (!e)
		e = registrar_alloc(&d->reg, sipstack_sip(d->sip), &d->conf,
				    d->loc, d->auth);
	if (e) {
		snprintf(err, sizeof(err), "registrar: cannot start");
		goto fail;
	}
	sipstack_set_registrar(d->sip, d->reg);
	apply_runtime_conf(d);

	webhook_conf_from(&whc, &d->conf);
	e = webhooks_alloc(&d->webhooks, d->store, &whc);
	if (e)
		goto fail;
	e = start_calls(d, err, sizeof(err));
	if (e)
		goto fail;
	e = start_presence_chat(d, err, sizeof(err));
	if (e)
		goto fail;

	e = api_service_alloc(&d->api, &d->conf, d->store, d->dir, d->loc,
			      err, sizeof(err));
	if (e)
		goto fail;
	api_service_set_trunks_hook(d->api, pbx_trunks_changed, d->pbx);
	api_service_set_prompts_hook(d->api, prompt_changed, d);
	api_service_set_pbx(d->api, d->pbx);
	api_service_set_vm_hook(d->api, api_vm_changed, d);
	api_service_set_features_hook(d->api, api_features_changed, d);

	e = ctl_alloc(&d->ctl, d->conf.ctl_socket, err, sizeof(err));
	if (e)
		goto fail;
	d->status = (struct status_src){d->dir, d->loc, d->bans, d->pbx,
					d->media};
	e = status_register(d->ctl, &d->status);
	e |= ctl_register(d->ctl, "reload", "reload the configuration file",
			  cmd_reload, d);
	e |= presence_register_ctl(d->presence, d->ctl);
	e |= webhooks_register_ctl(d->webhooks, d->ctl);
	if (e)
		goto fail;

	d->sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0 || fd_listen(d->sigfd, FD_READ, signal_readable, d)) {
		e = errno ? errno : EIO;
		snprintf(err, sizeof(err), "signals: %s", strerror(e));
		goto fail;
	}

	tmr_init(&d->flush_tmr);
	tmr_start(&d->flush_tmr, (uint64_t)d->conf.store_flush_ms,
		  flush_timer, d);
	return 0;

 fail:
	fprintf(stderr, "centrexd: %s\n", err[0] ? err : strerror(e));
	log_error("main", "start failed: %s", err[0] ? err : strerror(e));
	return e ? e : EINVAL;
}

static void stop(struct daemon *d)
{
	tmr_cancel(&d->flush_tmr);
	if (d->sigfd > 0) {
		fd_close(d->sigfd);
		close(d->sigfd);
	}
	d->ctl = mem_deref(d->ctl);
	api_service_free(d->api);            /* no more API requests */
	d->api = NULL;
	webhooks_free(d->webhooks);          /* events from here on: none */
	d->webhooks = NULL;
	sipstack_set_event_handler(d->sip, NULL, NULL);
	sipstack_set_message_handler(d->sip, NULL, NULL);
	sipstack_set_register_observer(d->sip, NULL, NULL);
	d->chat = mem_deref(d->chat);        /* messages on their way: kept */
	d->presence = mem_deref(d->presence);   /* final NOTIFYs */
	pbx_hangup_all(d->pbx);              /* BYE to all, CDRs queued */
	d->pbx = mem_deref(d->pbx);
	d->sip = mem_deref(d->sip);          /* no more SIP requests */
	media_stop(d->media);
	/* after the media threads: relays closed their recordings, whose
	   rows are completed now */
	recwriter_stop(d->recorder);
	d->recorder = NULL;
	/* after the media threads: players held prompt references */
	d->prompts = prompt_lib_free(d->prompts);
	d->media = NULL;
	d->reg = mem_deref(d->reg);
	d->auth = mem_deref(d->auth);
	location_flush(d->loc);              /* last changes to the writer */
	store_writer_stop(d->writer);        /* writes them, joins */
	d->writer = NULL;
	d->bans = mem_deref(d->bans);
	d->loc = mem_deref(d->loc);
	d->theap = mem_deref(d->theap);
	d->dir = mem_deref(d->dir);
	store_close(d->store);
	d->store = NULL;
}

/* the store URL without a password that may be in it */
static void url_for_print(char *dst, size_t size, const char *url)
{
	const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;

	if (at && colon && colon < at)
		snprintf(dst, size, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(dst, size, "%s", url);
}

static void print_ready(const struct daemon *d)
{
	char store[sizeof(d->conf.store_url) + 8];

	url_for_print(store, sizeof(store), d->conf.store_url);
	printf("centrexd %s ready\n"
	       "  SIP      %s\n"
	       "  API      http://%s/api/v1/ (OpenAPI: /api/v1/openapi.json)\n"
	       "  control  %s (centrexd --status)\n"
	       "  store    %s\n",
	       CENTREX_VERSION, d->conf.sip_listen, d->conf.http_listen,
	       d->conf.ctl_socket, store);
	if (d->demo)
		printf("  demo     SIP domains acme.example (users 1001-1010, "
		       "passwords pw1001...) and\n"
		       "           globex.example (users 2001-2005, pw2001...)"
		       "; see README.md\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"demo", no_argument, NULL, 'D'},
		{"import", required_argument, NULL, 'I'},
		{"init-only", no_argument, NULL, 'O'},
		{"print-config", no_argument, NULL, 'P'},
		{"sample-config", no_argument, NULL, 'S'},
		{"check-config", no_argument, NULL, 'C'},
		{"status", no_argument, NULL, 's'},
		{"ctl", required_argument, NULL, 'x'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct daemon d = {.sigfd = -1};
	const char *ctl_cmd = NULL;
	int mode = 0, opt, err;

	while ((opt = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d.conf_path = optarg;
			break;
		case 'o':
			if (d.noverrides == MAX_OVERRIDES) {
				fprintf(stderr, "centrexd: too many -o\n");
				return 2;
			}
			d.overrides[d.noverrides++] = optarg;
			break;
		case 'D':
			d.demo = true;
			break;
		case 'I':
			d.import_path = optarg;
			break;
		case 'O':
			d.init_only = true;
			break;
		case 'P':
		case 'S':
		case 'C':
			mode = opt;
			break;
		case 's':
			mode = 'x';
			ctl_cmd = "status";
			break;
		case 'x':
			mode = 'x';
			ctl_cmd = optarg;
			break;
		case 'V':
			printf("centrexd %s\n", CENTREX_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* --ctl registrations acme: the words after the options belong to
	   the command */
	char ctl_buf[512];
	if (optind < argc) {
		if (mode != 'x') {
			usage(stderr);
			return 2;
		}
		size_t o = (size_t)snprintf(ctl_buf, sizeof(ctl_buf), "%s",
					    ctl_cmd);
		for (int i = optind; i < argc && o < sizeof(ctl_buf); i++)
			o += (size_t)snprintf(ctl_buf + o, sizeof(ctl_buf) - o,
					      " %s", argv[i]);
		ctl_cmd = ctl_buf;
	}

	if (mode == 'S') {
		struct conf def;
		conf_defaults(&def);
		return conf_print(stdout, &def, true);
	}
	if (load_conf(&d, &d.conf))
		return 2;
	if (mode == 'P')
		return conf_print(stdout, &d.conf, false);
	if (mode == 'C') {
		printf("configuration ok\n");
		return 0;
	}
	if (mode == 'x') {
		err = ctl_client(d.conf.ctl_socket, ctl_cmd, stdout);
		if (err == EPROTO)
			return 1;
		if (err) {
			fprintf(stderr, "centrexd: cannot reach the daemon at "
				"%s: %s\n", d.conf.ctl_socket, strerror(err));
			return 1;
		}
		return 0;
	}

	apply_log_conf(&d.conf);
	if (sodium_init() < 0) {
		fprintf(stderr, "centrexd: libsodium failed to start\n");
		return 1;
	}
	random_init();
	tmrheap_init();
	err = libre_init();
	if (err) {
		fprintf(stderr, "centrexd: libre failed to start\n");
		return 1;
	}
	(void)fd_setsize(65536);
	if (d.conf.log_capture_stderr)
		(void)log_capture_stderr();

	err = start(&d);
	if (!err && !d.init_only) {
		log_info("main", "centrexd %s ready", CENTREX_VERSION);
		print_ready(&d);
		(void)sdnotify("READY=1");
		err = re_main(NULL);
		log_info("main", "stopping");
	}
	stop(&d);
	log_close();
	libre_close();
	mem_debug();
	return err ? 1 : 0;
}
