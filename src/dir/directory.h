/**
 * @file directory.h  In-memory directory of tenants and SIP devices.
 *
 * What the SIP layer must know to answer a REGISTER without touching the
 * store: which tenant a SIP domain belongs to, and the HA1 digests of each
 * device.  Loaded from the store at start; later issues refresh entries
 * from change events.  Owned by the signalling thread.
 *
 * Tenant lookups by domain are case-insensitive; device lookups by SIP
 * username are exact (usernames are case-sensitive in SIP URIs).
 */
#ifndef CENTREX_DIR_DIRECTORY_H
#define CENTREX_DIR_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pl;
struct store;
struct directory;

enum dir_alg {
	DIR_ALG_MD5 = 0,
	DIR_ALG_SHA256,
};
#define DIR_ALG_MAX 2

struct dir_replay {
	uint64_t nonce_id;       /**< newest nonce this device used */
	uint32_t nc;             /**< highest nonce count with it */
	uint64_t req_key;        /**< Call-ID+CSeq of that request (retransmit) */
};

struct dir_tenant {
	int64_t id;
	char *slug;
	char *domain;                     /**< lower case */
	enum dir_alg algs[DIR_ALG_MAX];   /**< offered, preferred first */
	size_t algc;
	size_t ndevices;
};

struct dir_device {
	int64_t id;
	int64_t user_id;
	struct dir_tenant *tenant;        /**< borrowed: the directory owns */
	char *username;
	uint8_t ha1_md5[16];
	uint8_t ha1_sha256[32];
	struct dir_replay replay;         /**< digest replay protection */
};

int  dir_alloc(struct directory **dp);
int  dir_load(struct directory *d, struct store *st,
	      const char *default_algs);
int  dir_parse_algs(enum dir_alg *algs, size_t *algc, const char *s);
const char *dir_alg_name(enum dir_alg alg);

struct dir_tenant *dir_tenant_by_domain(const struct directory *d,
					const struct pl *domain);
struct dir_tenant *dir_tenant_by_id(const struct directory *d, int64_t id);
struct dir_device *dir_device_find(const struct directory *d,
				   const struct dir_tenant *t,
				   const struct pl *username);
struct dir_device *dir_device_by_id(const struct directory *d,
				    int64_t tenant_id, int64_t id);

typedef void (dir_tenant_h)(struct dir_tenant *t, void *arg);
void dir_tenant_foreach(const struct directory *d, dir_tenant_h *h,
			void *arg);
size_t dir_tenant_count(const struct directory *d);

/* live changes (the API): replace or drop entries; a tenant goes with
   its devices */
int  dir_tenant_put(struct directory *d, int64_t id, const char *slug,
		    const char *domain, const char *algs);
void dir_tenant_remove(struct directory *d, int64_t id);
int  dir_device_put(struct directory *d, int64_t tenant_id, int64_t id,
		    int64_t user_id, const char *username,
		    const char *ha1_md5_hex, const char *ha1_sha256_hex);
void dir_device_remove(struct directory *d, int64_t tenant_id, int64_t id);
typedef void (dir_device_h)(struct dir_device *dev, void *arg);
/* every device of a tenant (walks the whole directory: not per call) */
void dir_device_foreach(const struct directory *d, int64_t tenant_id,
			dir_device_h *h, void *arg);
/* the devices of one user, from an index (what a call rings) */
void dir_user_devices(const struct directory *d, int64_t tenant_id,
		      int64_t user_id, dir_device_h *h, void *arg);

/* for tests and tools: add entries directly */
int dir_tenant_add(struct directory *d, int64_t id, const char *slug,
		   const char *domain, const char *algs,
		   struct dir_tenant **tp);
int dir_device_add(struct directory *d, struct dir_tenant *t, int64_t id,
		   int64_t user_id, const char *username,
		   const char *ha1_md5_hex, const char *ha1_sha256_hex);

#endif
