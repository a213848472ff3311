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
};

struct store_site {
	int64_t id;
	int64_t tenant_id;
	char name[128];
	char country[3];             /**< ISO 3166-1 alpha-2 */
	char time_zone[64];          /**< IANA name */
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
};

struct store_device {
	int64_t id;
	int64_t tenant_id;
	int64_t user_id;
	char sip_username[64];
	char ha1_md5[33];            /**< hex MD5(user:realm:password) */
	char ha1_sha256[65];         /**< hex SHA-256(user:realm:password) */
};

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

typedef int (store_tenant_h)(const struct store_tenant *t, void *arg);
typedef int (store_device_h)(const struct store_device *d, void *arg);
typedef int (store_binding_h)(const struct store_binding *b, void *arg);

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

int  store_binding_foreach_all(struct store *st, store_binding_h *h,
			       void *arg);
int  store_binding_apply(struct store *st, const struct store_binding *v,
			 size_t n);
int  store_binding_purge_expired_all(struct store *st, int64_t now);

#endif
