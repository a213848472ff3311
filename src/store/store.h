/**
 * @file store.h  The store: the only place in the daemon that speaks SQL.
 *
 * One function per query.  Functions that touch tenant data take the
 * tenant id first; the few that span tenants (loading caches at start,
 * operator listings) say so in their name (_all).  A backend is chosen by
 * the URL scheme: sqlite:PATH now, postgresql://... next, behind the same
 * functions.
 *
 * A struct store is one connection and belongs to one thread.  The
 * signalling thread uses its own for start-up loads; the writer thread
 * (writer.h) owns another for the write-behind of registrations.
 */
#ifndef CENTREX_STORE_STORE_H
#define CENTREX_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_tenant {
	int64_t id;
	char slug[64];
	char name[128];
	char sip_domain[256];
	char digest_algorithms[32];  /**< "" = daemon default */
	int max_users;               /**< 0 = no limit */
	int max_calls;               /**< 0 = no limit */
	char language[8];            /**< ISO 639-1, "" = "en" on create */
	int recording_retention_days;  /**< 0 = record.retention_days */
};

struct store_site {
	int64_t id;
	int64_t tenant_id;
	char name[128];
	char country[3];             /**< ISO 3166-1 alpha-2 */
	char time_zone[64];          /**< IANA name */
	char language[8];            /**< prompts: "en", "fr" ...;
					  "" = the tenant's */
	int ext_length;              /**< digits of an extension */
	char outside_prefix[4];      /**< digit(s) for an outside line */
};

struct store_user {
	int64_t id;
	int64_t tenant_id;
	int64_t site_id;             /**< 0 = none */
	char name[128];
	char email[256];
	char role[24];               /**< tenant_admin, supervisor, agent, user */
	char extension[32];          /**< "" = none */
	char password_hash[160];     /**< argon2id, "" = cannot log in */
	char language[8];            /**< "" = the site's */
	char fixed_number[20];       /**< E.164 DID, "" = none */
	char mobile_number[20];      /**< E.164, "" = none */
};

struct store_operator {
	int64_t id;
	char email[256];
	char name[128];
	char password_hash[160];
};

/** One change, as the audit log keeps it (JSON texts, secrets masked). */
struct store_audit {
	int64_t id;
	int64_t tenant_id;           /**< 0 = operator level */
	int64_t at_ms;               /**< unix milliseconds, UTC */
	char actor[128];
	char remote[64];
	char action[16];             /**< create, update, delete */
	char resource[128];          /**< "users/17" */
	char *before_json;           /**< malloc'd or NULL */
	char *after_json;            /**< malloc'd or NULL */
};

struct store_device {
	int64_t id;
	int64_t tenant_id;
	int64_t user_id;
	char sip_username[64];
	char ha1_md5[33];            /**< hex MD5(user:realm:password) */
	char ha1_sha256[65];         /**< hex SHA-256(user:realm:password) */
	char dtmf_mode[12];          /**< "rfc4733", "inband", "info";
					  "" = rfc4733 */
};

/* the device's DTMF mode, "" read as the default */
static inline const char *store_device_dtmf_mode(const struct store_device *d)
{
	return d->dtmf_mode[0] ? d->dtmf_mode : "rfc4733";
}

/** A registration binding as persisted (wall-clock expiry). */
struct store_binding {
	int64_t tenant_id;
	int64_t device_id;
	char contact[512];
	int64_t expires_at;          /**< unix seconds */
	int q_milli;                 /**< q-value * 1000 */
	char call_id[128];
	uint32_t cseq;
	char transport[8];           /**< udp, tcp */
	char source[64];             /**< where it came from: "ip:port" */
	char user_agent[128];
	bool remove;                 /**< in a change batch: delete it */
};

/** An API token for machines; only a hash of its secret is kept. */
struct store_token {
	int64_t id;
	int64_t tenant_id;           /**< 0 = operator token */
	char name[128];
	char role[24];
	char secret_sha256[65];      /**< hex */
	char created_by[128];
	int64_t created_at;          /**< unix seconds */
	int64_t expires_at;          /**< unix seconds, 0 = never */
	int64_t revoked_at;          /**< unix seconds, 0 = valid */
};

/** A DID of a tenant and where calls to it go. */
struct store_number {
	int64_t id;
	int64_t tenant_id;
	char e164[20];               /**< "+33145671234", platform-unique */
	char target_type[16];        /**< none, user (more with features) */
	int64_t target_id;           /**< 0 with none */
	char label[128];
};

/** A carrier interconnect of a tenant. */
struct store_trunk {
	int64_t id;
	int64_t tenant_id;
	char name[64];
	char kind[12];               /**< "register" (we register to the
					  carrier) or "ip" (trusted by address) */
	char proxy[256];             /**< where calls go: "host[:port]" */
	char transport[8];           /**< udp, tcp */
	char username[64];           /**< digest user (register, outbound auth) */
	char password[128];          /**< kept as given: we answer challenges;
					  never shown by the API */
	char from_domain[256];       /**< domain in From; "" = proxy host */
	char inbound_addrs[512];     /**< "ip" kind: comma-separated addresses
					  or CIDRs the carrier sends from */
	int max_channels;            /**< concurrent calls, 0 = no limit */
	int register_expires;        /**< seconds, "register" kind */
	bool enabled;
};

/** Outbound route: E.164 numbers starting with prefix go out on these
    trunks, first trunk first; routes are tried longest prefix first. */
struct store_route {
	int64_t id;
	int64_t tenant_id;
	char name[64];
	char prefix[20];             /**< "+33", "+1", "+" = everything */
	int64_t trunk_ids[4];        /**< in order of preference */
	size_t trunkc;
};

typedef int (store_tenant_h)(const struct store_tenant *t, void *arg);
typedef int (store_device_h)(const struct store_device *d, void *arg);
typedef int (store_binding_h)(const struct store_binding *b, void *arg);
typedef int (store_site_h)(const struct store_site *s, void *arg);
typedef int (store_user_h)(const struct store_user *u, void *arg);
typedef int (store_audit_h)(const struct store_audit *a, void *arg);
typedef int (store_token_h)(const struct store_token *t, void *arg);
typedef int (store_number_h)(const struct store_number *n, void *arg);

void store_close(struct store *st);
int  store_open(struct store **stp, const char *url, char *errbuf,
		size_t errsz);
int  store_migrate(struct store *st, int *versionp);
int  store_version(struct store *st, int *versionp);
int  store_begin(struct store *st);
int  store_commit(struct store *st);
int  store_rollback(struct store *st);
const char *store_errmsg(struct store *st);

int  store_count_tenants_all(struct store *st, int64_t *countp);
int  store_operator_create(struct store *st, const char *email,
			   const char *name, const char *password_hash,
			   int64_t *idp);
int  store_tenant_create(struct store *st, struct store_tenant *t);
int  store_tenant_foreach_all(struct store *st, store_tenant_h *h,
			      void *arg);
int  store_tenant_find_domain_all(struct store *st, const char *domain,
				  struct store_tenant *t);
int  store_site_create(struct store *st, int64_t tenant_id,
		       struct store_site *s);
int  store_user_create(struct store *st, int64_t tenant_id,
		       struct store_user *u);
int  store_device_create(struct store *st, int64_t tenant_id,
			 struct store_device *d);
int  store_device_foreach(struct store *st, int64_t tenant_id,
			  store_device_h *h, void *arg);

/* API resources: get/list/update/delete, tenant id first; ENOENT when
   the row does not exist in that tenant.  Lists return rows with id >
   after_id, in id order, at most limit. */
int  store_operator_find_email_all(struct store *st, const char *email,
				   struct store_operator *o);
int  store_user_find_email_all(struct store *st, const char *email,
			       struct store_user *u, int *matchesp);
int  store_tenant_get(struct store *st, int64_t tenant_id,
		      struct store_tenant *t);
int  store_tenant_list_all(struct store *st, int64_t after_id, int limit,
			   store_tenant_h *h, void *arg);
int  store_tenant_update(struct store *st, int64_t tenant_id,
			 const struct store_tenant *t);
int  store_tenant_delete(struct store *st, int64_t tenant_id);
int  store_site_get(struct store *st, int64_t tenant_id, int64_t id,
		    struct store_site *s);
int  store_site_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_site_h *h, void *arg);
int  store_site_update(struct store *st, int64_t tenant_id,
		       const struct store_site *s);
int  store_site_delete(struct store *st, int64_t tenant_id, int64_t id);
int  store_user_get(struct store *st, int64_t tenant_id, int64_t id,
		    struct store_user *u);
int  store_user_list(struct store *st, int64_t tenant_id, int64_t after_id,
		     int limit, store_user_h *h, void *arg);
int  store_user_update(struct store *st, int64_t tenant_id,
		       const struct store_user *u);
int  store_user_delete(struct store *st, int64_t tenant_id, int64_t id);
int  store_user_count(struct store *st, int64_t tenant_id, int64_t *countp);

/* what a user list may be narrowed to and ordered by */
enum store_user_sort {
	USER_SORT_ID = 0,
	USER_SORT_NAME,
	USER_SORT_EXTENSION,
};
struct store_user_filter {
	const char *role;            /**< "" = any */
	int64_t site_id;             /**< 0 = any */
	const char *extension;       /**< "" = any, else exact */
	const char *q;               /**< "" = any, else in name or email */
	enum store_user_sort sort;
	bool desc;
	const char *after_key;       /**< sort key of the cursor row */
};
/* keyset pages: after_id (and, unless sorted by id, after_key) are the
   last row of the previous page, 0 = from the start; the cursor row
   itself need not exist any more */
int  store_user_search(struct store *st, int64_t tenant_id,
		       const struct store_user_filter *f, int64_t after_id,
		       int limit, store_user_h *h, void *arg);
/* another user of the tenant holding this extension or email (ENOENT:
   none); for naming the culprit of a conflict */
int  store_user_find_clash(struct store *st, int64_t tenant_id,
			   int64_t exclude_id, const char *extension,
			   const char *email, struct store_user *u);
int  store_device_get(struct store *st, int64_t tenant_id, int64_t id,
		      struct store_device *d);
int  store_device_list(struct store *st, int64_t tenant_id, int64_t user_id,
		       int64_t after_id, int limit, store_device_h *h,
		       void *arg);
int  store_device_update(struct store *st, int64_t tenant_id,
			 const struct store_device *d);
int  store_device_delete(struct store *st, int64_t tenant_id, int64_t id);
int  store_audit_add(struct store *st, int64_t tenant_id,
		     const struct store_audit *a);
/* tenant_id 0: every tenant's and the operator's entries */
int  store_audit_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_audit_h *h, void *arg);

/* numbers: EEXIST when the E.164 number belongs to any tenant */
int  store_number_create(struct store *st, int64_t tenant_id,
			 struct store_number *n);
int  store_number_get(struct store *st, int64_t tenant_id, int64_t id,
		      struct store_number *n);
int  store_number_list(struct store *st, int64_t tenant_id, int64_t after_id,
		       int limit, store_number_h *h, void *arg);
int  store_number_update(struct store *st, int64_t tenant_id,
			 const struct store_number *n);
int  store_number_delete(struct store *st, int64_t tenant_id, int64_t id);
/* numbers that sent calls to a target that is going away send them
   nowhere (target none) */
int  store_number_untarget(struct store *st, int64_t tenant_id,
			   const char *target_type, int64_t target_id);

/* tokens: tenant_id 0 = the operator's own tokens */
int  store_token_create(struct store *st, int64_t tenant_id,
			struct store_token *t);
int  store_token_get_all(struct store *st, int64_t id,
			 struct store_token *t);
int  store_token_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_token_h *h, void *arg);
int  store_token_revoke(struct store *st, int64_t tenant_id, int64_t id,
			int64_t now);

/* a user of the tenant by extension (ENOENT: none) */
int  store_user_find_extension(struct store *st, int64_t tenant_id,
			       const char *extension, struct store_user *u);
/* the number wherever it is, for inbound calls (ENOENT: none) */
int  store_number_find_e164_all(struct store *st, const char *e164,
				struct store_number *n);

/* trunks and outbound routes */
typedef int (store_trunk_h)(const struct store_trunk *t, void *arg);
typedef int (store_route_h)(const struct store_route *r, void *arg);
int  store_trunk_create(struct store *st, int64_t tenant_id,
			struct store_trunk *t);
int  store_trunk_get(struct store *st, int64_t tenant_id, int64_t id,
		     struct store_trunk *t);
int  store_trunk_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_trunk_h *h, void *arg);
int  store_trunk_update(struct store *st, int64_t tenant_id,
			const struct store_trunk *t);
int  store_trunk_delete(struct store *st, int64_t tenant_id, int64_t id);
int  store_trunk_foreach_all(struct store *st, store_trunk_h *h, void *arg);
int  store_route_create(struct store *st, int64_t tenant_id,
			struct store_route *r);
int  store_route_get(struct store *st, int64_t tenant_id, int64_t id,
		     struct store_route *r);
int  store_route_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_route_h *h, void *arg);
int  store_route_update(struct store *st, int64_t tenant_id,
			const struct store_route *r);
int  store_route_delete(struct store *st, int64_t tenant_id, int64_t id);
/* A trunk is deleted only when no route names it (EEXIST otherwise: the
   store refuses it too).  A route names 1 to 4 trunks of its own tenant;
   EEXIST for a name or prefix already used in the tenant, or a trunk that
   is not the tenant's.  Creating and changing a route is atomic. */
/* every trunk of one tenant, in id order */
int  store_trunk_foreach(struct store *st, int64_t tenant_id,
			 store_trunk_h *h, void *arg);
/* the routes of a tenant in the order calls try them: longest prefix
   first (ties cannot happen: a prefix is unique within a tenant) */
int  store_route_foreach(struct store *st, int64_t tenant_id,
			 store_route_h *h, void *arg);
/* a route (the lowest id) naming the trunk; ENOENT when none does */
int  store_route_find_trunk(struct store *st, int64_t tenant_id,
			    int64_t trunk_id, struct store_route *r);

/* call detail records (cdr/cdr.h); inserted by the writer thread */
struct cdr;
typedef int (store_cdr_h)(int64_t id, const struct cdr *c, void *arg);
int  store_cdr_insert(struct store *st, const struct cdr *c);
/* calls that started in [from_ms, to_ms), oldest first, legs included */
int  store_cdr_list(struct store *st, int64_t tenant_id, int64_t from_ms,
		    int64_t to_ms, int64_t after_id, int limit,
		    store_cdr_h *h, void *arg);
/* the same, narrowed to the calls a user made or received */
int  store_cdr_list_user(struct store *st, int64_t tenant_id,
			 int64_t user_id, int64_t from_ms, int64_t to_ms,
			 int64_t after_id, int limit, store_cdr_h *h,
			 void *arg);
/*
 * store_cdr_insert writes the record and its legs in one transaction (a
 * savepoint inside the caller's, if one is open).  A record is known by
 * (tenant, uuid): writing it again is a no-op, so a retry after a lost
 * answer cannot double it.  Texts that are not UTF-8, or hold control
 * characters, are stored with '?' in their place.  EINVAL: no tenant or
 * no uuid; EEXIST: the tenant is gone.  The list functions page on the
 * id of the last record seen (after_id, 0 = from the start): the order
 * is (start_ms, id) and the page goes on from that record's place.
 */

/* ---- prompts and recordings (files under media.data_dir) ---------- */

/** A tenant's uploaded prompt: one row per (name, language). */
struct store_prompt {
	int64_t id;
	int64_t tenant_id;
	char name[128];              /**< "welcome", "queue/position" */
	char language[8];            /**< ISO 639-1 */
	int64_t duration_ms;
	int64_t bytes;               /**< of the stored WAV file */
	int64_t created_at;          /**< unix seconds */
};

/** A call recording; the file is relative to media.data_dir. */
struct store_recording {
	int64_t id;
	int64_t tenant_id;
	char uuid[37];
	char call_uuid[37];          /**< the CDR's uuid, "" = none */
	char file[256];
	int channels;                /**< 1 or 2 */
	char mode[8];                /**< "mixed" or "split" */
	char legs[8];                /**< "both", "caller", "callee" */
	int64_t start_ms;            /**< unix milliseconds, UTC */
	int64_t duration_ms;
	int64_t bytes;
	char state[12];              /**< "recording", "done", "failed" */
	int64_t created_at;          /**< unix seconds */
};

/** What a recording list may be narrowed to; zeroes mean any. */
struct store_recording_filter {
	const char *call_uuid;       /**< NULL or "" = any */
	int64_t from_ms, to_ms;      /**< start in [from, to); to 0 = open */
	int64_t user_id;             /**< only calls this user made or
					  received (by the CDR), 0 = any */
};

typedef int (store_prompt_h)(const struct store_prompt *p, void *arg);
typedef int (store_recording_h)(const struct store_recording *r, void *arg);

/* insert, or replace the row of the same name and language (its id is
   kept); sets p->id and p->created_at */
int  store_prompt_put(struct store *st, int64_t tenant_id,
		      struct store_prompt *p);
int  store_prompt_get(struct store *st, int64_t tenant_id, int64_t id,
		      struct store_prompt *p);
int  store_prompt_list(struct store *st, int64_t tenant_id, int64_t after_id,
		       int limit, store_prompt_h *h, void *arg);
int  store_prompt_delete(struct store *st, int64_t tenant_id, int64_t id);
/* every tenant's prompts, by tenant then id (loading the prompt library) */
int  store_prompt_foreach_all(struct store *st, store_prompt_h *h,
			      void *arg);

/* EEXIST: the uuid is already used in the tenant, or no such tenant */
int  store_recording_create(struct store *st, int64_t tenant_id,
			    struct store_recording *r);
/* the end of a recording: its state ("done", "failed"), length, size */
int  store_recording_finish(struct store *st, int64_t tenant_id, int64_t id,
			    const char *state, int64_t duration_ms,
			    int64_t bytes);
int  store_recording_get(struct store *st, int64_t tenant_id, int64_t id,
			 struct store_recording *r);
/* oldest first, paged like CDRs: order (start_ms, id), after_id is the
   last recording seen */
int  store_recording_list(struct store *st, int64_t tenant_id,
			  const struct store_recording_filter *f,
			  int64_t after_id, int limit, store_recording_h *h,
			  void *arg);
int  store_recording_delete(struct store *st, int64_t tenant_id, int64_t id);
/* up to limit recordings of any tenant that started before now_ms minus
   the tenant's retention (default_days where it has none), oldest first */
int  store_recording_expired_all(struct store *st, int64_t now_ms,
				 int default_days, int limit,
				 store_recording_h *h, void *arg);

/* ---- PBX user features, forward policy, park, ring groups ------------ */
/*
 * These are stored as given: the checks (destinations exist, no
 * forwarding loop, the tenant's policy allows an outside number) are in
 * features/features.h, which the API and the call layer's feature codes
 * both go through.  A destination is "" (none), an extension of the
 * tenant (a user's or a ring group's) or an E.164 number ("+...").
 * Written by features.c and groups.c of this folder.
 */

/** What a user set for their calls; a user who never set anything
    reads as the defaults of store_user_features_default(). */
struct store_user_features {
	int64_t tenant_id;
	int64_t user_id;
	char forward_always[20];      /**< destination, "" = off */
	char forward_busy[20];
	char forward_noanswer[20];
	char forward_unreachable[20]; /**< no device registered */
	int forward_noanswer_s;       /**< ring this long first: 5..120, 20 */
	bool dnd;                     /**< callers get busy (or forward_busy) */
	bool call_waiting;            /**< a second call may ring; true */
	char twinning[16];            /**< "off", "simultaneous" or
					   "sequential": also ring the user's
					   mobile_number */
	int twinning_delay_s;         /**< sequential: the mobile rings after
					   this: 0..60, 10 */
	char pickup_group[32];        /**< users of the same name may pick up
					   each other's ringing calls; "" =
					   none */
	char recording[12];           /**< "inherit" (the tenant's policy),
					   "never", "on_demand" or "always";
					   set by admins only */
};

/** A tenant's limits on forwarding outside, and its park slots. */
struct store_tenant_features {
	int64_t tenant_id;
	bool forward_external;        /**< outside numbers allowed at all */
	char allowed_prefixes[1100];  /**< comma-separated E.164 prefixes;
					   "" = anything not blocked */
	char blocked_prefixes[1100];  /**< comma-separated; a longer allowed
					   prefix wins over a blocked one */
	int park_first;               /**< first slot, dialled as is: 700 */
	int park_count;               /**< slots: park_first .. +count-1 */
	int park_timeout_s;           /**< then the call rings the parker */
	char recording_policy[12];    /**< "never", "on_demand" (a party may
					   start and stop it: the default) or
					   "always"; users may override it */
	bool recording_announce;      /**< both parties hear "this call is
					   recorded" when recording starts */
};

/** A ring (hunt) group. */
struct store_group {
	int64_t id;
	int64_t tenant_id;
	char name[64];
	char extension[32];           /**< "" = none (reached by a number) */
	char strategy[16];            /**< ring_all, sequential, round_robin,
					   longest_idle */
	int member_timeout_s;         /**< per member (hunting strategies) */
	int group_timeout_s;          /**< then the call goes to fallback */
	char fallback[20];            /**< destination; "" = busy */
	int rr_cursor;                /**< round_robin: position of the last
					   member offered */
};

/** A user in a ring group. */
struct store_group_member {
	int64_t tenant_id;
	int64_t group_id;
	int64_t user_id;
	int position;                 /**< order of hunting, lowest first */
	bool logged_in;               /**< only logged-in members ring */
	int64_t last_answer_ms;       /**< unix ms of the last call answered
					   through the group, 0 = never */
	char extension[32];           /**< the user's, read only */
	char name[128];               /**< the user's, read only */
};

typedef int (store_group_h)(const struct store_group *g, void *arg);
typedef int (store_member_h)(const struct store_group_member *m, void *arg);

void store_user_features_default(struct store_user_features *f);
/* the defaults when the tenant set nothing: outside forwarding allowed
   except to premium-rate and satellite prefixes (docs/features.md), park
   slots 700-709, 60 s, recording on demand without announcement */
void store_tenant_features_default(struct store_tenant_features *f);

/* ENOENT: no such user in the tenant; a user with no row reads as the
   defaults */
int  store_user_features_get(struct store *st, int64_t tenant_id,
			     int64_t user_id, struct store_user_features *f);
/* insert or replace the row of f->user_id; ENOENT: no such user */
int  store_user_features_put(struct store *st, int64_t tenant_id,
			     const struct store_user_features *f);
/* users of the tenant whose pickup group is `name` (not ""), by id */
int  store_pickup_group_users(struct store *st, int64_t tenant_id,
			      const char *name, store_user_h *h, void *arg);
/* ENOENT: no such tenant; a tenant with no row reads as the defaults */
int  store_tenant_features_get(struct store *st, int64_t tenant_id,
			       struct store_tenant_features *f);
int  store_tenant_features_put(struct store *st, int64_t tenant_id,
			       const struct store_tenant_features *f);

/* groups: EEXIST for a name or extension already used in the tenant (by
   a group; store_extension_owner() tells users apart) */
int  store_group_create(struct store *st, int64_t tenant_id,
			struct store_group *g);
int  store_group_get(struct store *st, int64_t tenant_id, int64_t id,
		     struct store_group *g);
int  store_group_find_extension(struct store *st, int64_t tenant_id,
				const char *extension, struct store_group *g);
int  store_group_list(struct store *st, int64_t tenant_id, int64_t after_id,
		      int limit, store_group_h *h, void *arg);
int  store_group_update(struct store *st, int64_t tenant_id,
			const struct store_group *g);
int  store_group_delete(struct store *st, int64_t tenant_id, int64_t id);
/* round_robin: remember the position of the member last offered */
int  store_group_set_cursor(struct store *st, int64_t tenant_id,
			    int64_t group_id, int position);

/* members: put adds or changes one (ENOENT: no such group or user in
   the tenant); lists are in hunting order (position, then user id) */
int  store_group_member_put(struct store *st, int64_t tenant_id,
			    struct store_group_member *m);
int  store_group_member_get(struct store *st, int64_t tenant_id,
			    int64_t group_id, int64_t user_id,
			    struct store_group_member *m);
int  store_group_member_delete(struct store *st, int64_t tenant_id,
			       int64_t group_id, int64_t user_id);
int  store_group_member_list(struct store *st, int64_t tenant_id,
			     int64_t group_id, store_member_h *h, void *arg);
/* the members a call rings: logged in, in hunting order */
int  store_group_member_ready(struct store *st, int64_t tenant_id,
			      int64_t group_id, store_member_h *h,
			      void *arg);
/* longest_idle: a member answered a call of the group at at_ms */
int  store_group_member_answered(struct store *st, int64_t tenant_id,
				 int64_t group_id, int64_t user_id,
				 int64_t at_ms);
/* log a user in or out of a group (feature code); ENOENT: not a member */
int  store_group_member_login(struct store *st, int64_t tenant_id,
			      int64_t group_id, int64_t user_id,
			      bool logged_in);

/* who holds an extension in the tenant: *user_id or *group_id set (the
   other 0); ENOENT: nobody */
int  store_extension_owner(struct store *st, int64_t tenant_id,
			   const char *extension, int64_t *user_id,
			   int64_t *group_id);

/* ---- voicemail (voicemail.c) ----------------------------------------- */
/*
 * A user's mailbox settings and the messages callers left.  The audio
 * lives under media.data_dir: voicemail/<tenant>/<user>/<uuid>.wav for
 * a message (its `file`, relative), greeting-<kind>.wav beside them for
 * the greetings, whose presence the box's has_greeting_* flags record.
 * A user who never touched their box reads as the defaults.  Deleting a
 * row never touches a file: the caller removes it.
 */

/** A user's voicemail box. */
struct store_vm_box {
	int64_t tenant_id, user_id;
	char pin_hash[100];          /**< "" = no PIN set yet (the menu then
					  asks to set one); features/vmpin.h */
	int max_message_s;           /**< 10..600, default 120 */
	int max_messages;            /**< 1..1000, default 100 */
	bool has_greeting_unavailable, has_greeting_busy, has_greeting_name;
	bool email_notify;           /**< reserved; default false */
	bool enabled;                /**< takes unanswered calls; default
					  false */
};

/** A message left in a box. */
struct store_vm_message {
	int64_t id, tenant_id, user_id;
	char uuid[37];
	char caller[128], caller_name[64];
	char call_uuid[37];          /**< the CDR's uuid, "" = none */
	char file[256];              /**< relative to media.data_dir */
	int64_t created_ms, duration_ms, bytes;
	bool heard;
};

enum {
	STORE_VM_MESSAGE_S_MIN = 10, STORE_VM_MESSAGE_S_MAX = 600,
	STORE_VM_MESSAGES_MIN = 1, STORE_VM_MESSAGES_MAX = 1000,
};

/* which messages a list walks */
enum store_vm_folder {
	STORE_VM_ALL = 0,
	STORE_VM_NEW = 1,            /**< not heard */
	STORE_VM_OLD = 2,            /**< heard */
};

typedef int (store_vm_message_h)(const struct store_vm_message *m,
				 void *arg);

void store_vm_box_default(struct store_vm_box *b);
/* the defaults when no row; ENOENT: no such user in the tenant */
int  store_vm_box_get(struct store *st, int64_t tenant_id, int64_t user_id,
		      struct store_vm_box *b);
/* insert or replace the row of b->user_id; ENOENT: no such user in the
   tenant; EINVAL: limits out of range */
int  store_vm_box_put(struct store *st, int64_t tenant_id,
		      const struct store_vm_box *b);
/* sets m->id (and m->tenant_id); EEXIST: the uuid is already used in
   the tenant; ENOENT: no such user in the tenant.  Caller texts that
   are not UTF-8, or hold control characters, are kept with '?' there. */
int  store_vm_message_create(struct store *st, int64_t tenant_id,
			     struct store_vm_message *m);
int  store_vm_message_get(struct store *st, int64_t tenant_id, int64_t id,
			  struct store_vm_message *m);
/* folder: enum store_vm_folder; oldest first (created_ms, then id),
   after the message after_id (0: from the start) */
int  store_vm_message_list(struct store *st, int64_t tenant_id,
			   int64_t user_id, int folder, int64_t after_id,
			   int limit, store_vm_message_h *h, void *arg);
/* ENOENT: no such message in the tenant */
int  store_vm_message_set_heard(struct store *st, int64_t tenant_id,
				int64_t id, bool heard);
/* the row; the caller removes the file.  ENOENT: no such message */
int  store_vm_message_delete(struct store *st, int64_t tenant_id,
			     int64_t id);
/* every user of every tenant who has messages, with the counts (the
   lamps to light when the daemon starts) */
typedef int (store_vm_counts_h)(int64_t tenant_id, int64_t user_id,
				int new_count, int old_count, void *arg);
int  store_vm_counts_all(struct store *st, store_vm_counts_h *h, void *arg);
/* how many messages are new and old (the lamp, the menu's first
   words); ENOENT: no such user in the tenant */
int  store_vm_counts(struct store *st, int64_t tenant_id, int64_t user_id,
		     int *new_count, int *old_count);

int  store_binding_foreach_all(struct store *st, store_binding_h *h,
			       void *arg);
int  store_binding_apply(struct store *st, const struct store_binding *v,
			 size_t n);
int  store_binding_purge_expired_all(struct store *st, int64_t now);

#endif
