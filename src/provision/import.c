/**
 * @file import.c  Bulk import of SIP devices.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "core/strutil.h"
#include "provision/credentials.h"
#include "provision/import.h"
#include "store/store.h"

static bool valid_domain(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++) {
		if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '-'))
			return false;
	}
	return true;
}

static bool valid_username(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 63)
		return false;
	for (; *s; s++) {
		if (!(isalnum((unsigned char)*s) || strchr("._-+", *s)))
			return false;
	}
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

static int tenant_for(struct store *st, const char *domain,
		      struct store_tenant *t)
{
	int err;

	if (t->id && !strcmp(t->sip_domain, domain))
		return 0;
	memset(t, 0, sizeof(*t));
	err = store_tenant_find_domain_all(st, domain, t);
	if (err != ENOENT)
		return err;

	snprintf(t->sip_domain, sizeof(t->sip_domain), "%s", domain);
	snprintf(t->name, sizeof(t->name), "%s", domain);
	snprintf(t->slug, sizeof(t->slug), "%.63s", domain);
	for (char *p = t->slug; *p; p++) {
		if (*p == '.')
			*p = '-';
	}
	err = store_tenant_create(st, t);
	if (!err)
		log_info("import", "created tenant %s for %s", t->slug, domain);
	return err;
}

static int import_line(struct store *st, char *line, struct store_tenant *t,
		       const char **why)
{
	char *f[3], *save = NULL;
	struct store_user u = {0};
	struct store_device d = {0};
	int err;

	for (int i = 0; i < 3; i++) {
		f[i] = strtok_r(i ? NULL : line, ",", &save);
		if (!f[i]) {
			*why = "expected domain,username,password";
			return EINVAL;
		}
		f[i] = str_trim(f[i]);
	}
	if (strtok_r(NULL, ",", &save)) {
		*why = "expected domain,username,password";
		return EINVAL;
	}
	str_lower(f[0]);
	if (!valid_domain(f[0])) {
		*why = "domain: letters, digits, dots and dashes only";
		return EINVAL;
	}
	if (!valid_username(f[1])) {
		*why = "username: 1-63 of letters, digits, . _ - +";
		return EINVAL;
	}
	if (!f[2][0] || strlen(f[2]) > 127) {
		*why = "password: 1-127 characters";
		return EINVAL;
	}

	err = tenant_for(st, f[0], t);
	if (err) {
		*why = "cannot create the tenant";
		return err;
	}

	snprintf(u.name, sizeof(u.name), "User %s", f[1]);
	snprintf(u.role, sizeof(u.role), "user");
	if (all_digits(f[1]) && strlen(f[1]) < sizeof(u.extension))
		snprintf(u.extension, sizeof(u.extension), "%s", f[1]);
	err = store_user_create(st, t->id, &u);
	if (err) {
		*why = err == EEXIST ? "extension already exists in this tenant"
				     : "cannot create the user";
		return err;
	}
	snprintf(d.sip_username, sizeof(d.sip_username), "%s", f[1]);
	d.user_id = u.id;
	err = cred_sip_ha1(d.ha1_md5, d.ha1_sha256, f[1], t->sip_domain, f[2]);
	if (!err)
		err = store_device_create(st, t->id, &d);
	if (err)
		*why = err == EEXIST ? "username already exists in this tenant"
				     : "cannot create the device";
	return err;
}

int import_devices(struct store *st, const char *path, size_t *countp,
		   char *errbuf, size_t errsz)
{
	struct store_tenant t = {0};
	char line[1024];
	unsigned lineno = 0;
	size_t n = 0;
	FILE *f;
	int err;

	f = fopen(path, "r");
	if (!f) {
		err = errno;
		snprintf(errbuf, errsz, "import: %s: %s", path, strerror(err));
		return err;
	}
	err = store_begin(st);
	while (!err && fgets(line, sizeof(line), f)) {
		const char *why = NULL;
		char *p;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(errbuf, errsz, "import: %s:%u: line too long",
				 path, lineno);
			err = EINVAL;
			break;
		}
		p = str_trim(line);
		if (!*p || *p == '#')
			continue;
		err = import_line(st, p, &t, &why);
		if (err)
			snprintf(errbuf, errsz, "import: %s:%u: %s", path,
				 lineno, why ? why : strerror(err));
		else
			n++;
	}
	fclose(f);
	if (err) {
		(void)store_rollback(st);
		return err;
	}
	err = store_commit(st);
	if (err) {
		snprintf(errbuf, errsz, "import: commit failed: %s",
			 store_errmsg(st));
		return err;
	}
	if (countp)
		*countp = n;
	return 0;
}
