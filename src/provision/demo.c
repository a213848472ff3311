/**
 * @file demo.c  Seed an empty store with the demo operator and tenants.
 *
 * Fixed, published credentials: for trying and testing on loopback only.
 * The contents are documented in README.md; tests rely on them.
 *
 *   operator   operator@centrex.example / operator-demo
 *   acme       acme.example, sites Paris (FR) and Montreal (CA),
 *              users 1001-1010 (SIP password pw1001..pw1010),
 *              admin@acme.example / admin-demo
 *   globex     globex.example, site Berlin (DE), users 2001-2005
 *              (pw2001..pw2005), admin@globex.example / admin-demo
 *
 * acme offers MD5 digest only, because the SIP stack of Debian's baresip
 * fails on any SHA-256 challenge; globex offers SHA-256 and MD5 (RFC 8760).
 */
#include <re.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "provision/credentials.h"
#include "provision/demo.h"
#include "store/store.h"

struct demo_site {
	const char *name, *country, *tz, *lang, *outside;
};

struct demo_tenant {
	const char *slug, *name, *domain, *algs;
	const char *admin_email;
	int first_ext, count;
	struct demo_site sites[2];
};

static const struct demo_tenant tenants[] = {
	{"acme", "Acme Corporation", "acme.example", "MD5",
	 "admin@acme.example", 1001, 10,
	 {{"Paris", "FR", "Europe/Paris", "fr", "0"},
	  {"Montreal", "CA", "America/Toronto", "fr", "9"}}},
	{"globex", "Globex Corporation", "globex.example", "SHA-256,MD5",
	 "admin@globex.example", 2001, 5,
	 {{"Berlin", "DE", "Europe/Berlin", "en", "0"},
	  {NULL, NULL, NULL, NULL, NULL}}},
};

static int seed_tenant(struct store *st, const struct demo_tenant *dt)
{
	struct store_tenant t = {0};
	struct store_site sites[2] = {{0}};
	struct store_user admin = {0};
	int err;

	snprintf(t.slug, sizeof(t.slug), "%s", dt->slug);
	snprintf(t.name, sizeof(t.name), "%s", dt->name);
	snprintf(t.sip_domain, sizeof(t.sip_domain), "%s", dt->domain);
	snprintf(t.digest_algorithms, sizeof(t.digest_algorithms), "%s",
		 dt->algs);
	err = store_tenant_create(st, &t);
	if (err)
		return err;

	for (int i = 0; i < 2 && dt->sites[i].name; i++) {
		snprintf(sites[i].name, sizeof(sites[i].name), "%s",
			 dt->sites[i].name);
		snprintf(sites[i].country, sizeof(sites[i].country), "%s",
			 dt->sites[i].country);
		snprintf(sites[i].time_zone, sizeof(sites[i].time_zone), "%s",
			 dt->sites[i].tz);
		snprintf(sites[i].language, sizeof(sites[i].language), "%s",
			 dt->sites[i].lang);
		snprintf(sites[i].outside_prefix,
			 sizeof(sites[i].outside_prefix), "%s",
			 dt->sites[i].outside);
		sites[i].ext_length = 4;
		err = store_site_create(st, t.id, &sites[i]);
		if (err)
			return err;
	}

	snprintf(admin.name, sizeof(admin.name), "%s administrator", dt->name);
	snprintf(admin.email, sizeof(admin.email), "%s", dt->admin_email);
	snprintf(admin.role, sizeof(admin.role), "tenant_admin");
	admin.site_id = sites[0].id;
	err = cred_password_hash(admin.password_hash,
				 sizeof(admin.password_hash), "admin-demo");
	if (!err)
		err = store_user_create(st, t.id, &admin);
	if (err)
		return err;

	for (int i = 0; i < dt->count; i++) {
		struct store_user u = {0};
		struct store_device d = {0};
		char pw[32];
		int ext = dt->first_ext + i;
		/* acme: first half in Paris, second half in Montreal */
		int si = (sites[1].id && i >= dt->count / 2) ? 1 : 0;

		snprintf(u.name, sizeof(u.name), "User %d", ext);
		snprintf(u.email, sizeof(u.email), "%d@%s", ext, dt->domain);
		snprintf(u.extension, sizeof(u.extension), "%d", ext);
		snprintf(u.role, sizeof(u.role), "user");
		u.site_id = sites[si].id;
		err = store_user_create(st, t.id, &u);
		if (err)
			return err;

		snprintf(pw, sizeof(pw), "pw%d", ext);
		snprintf(d.sip_username, sizeof(d.sip_username), "%d", ext);
		d.user_id = u.id;
		err = cred_sip_ha1(d.ha1_md5, d.ha1_sha256, d.sip_username,
				   dt->domain, pw);
		if (!err)
			err = store_device_create(st, t.id, &d);
		if (err)
			return err;
	}
	log_info("demo", "tenant %s (%s): %d users from %d", dt->slug,
		 dt->domain, dt->count, dt->first_ext);
	return 0;
}

int demo_seed(struct store *st)
{
	char hash[160];
	int64_t n = 0;
	int err;

	err = store_count_tenants_all(st, &n);
	if (err)
		return err;
	if (n > 0) {
		log_info("demo", "store already has %lld tenants: not seeding",
			 (long long)n);
		return 0;
	}

	err = store_begin(st);
	if (err)
		return err;
	err = cred_password_hash(hash, sizeof(hash), "operator-demo");
	if (!err)
		err = store_operator_create(st, "operator@centrex.example",
					    "Demo operator", hash, NULL);
	for (size_t i = 0; !err && i < ARRAY_SIZE(tenants); i++)
		err = seed_tenant(st, &tenants[i]);
	if (err) {
		log_error("demo", "seeding failed: %s", store_errmsg(st));
		(void)store_rollback(st);
		return err;
	}
	return store_commit(st);
}
