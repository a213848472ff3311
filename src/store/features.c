/**
 * @file features.c  A user's call features, a tenant's forward policy,
 * park slots and recording policy, and who holds an extension.
 *
 * The SQL is written once for both backends (store_run, backend.h):
 * parameters that PostgreSQL cannot type from their place (in a SELECT
 * list) are CAST, which SQLite reads too.  Rows that were never written
 * read as the defaults, so a tenant or user created before these tables
 * existed needs nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/backend.h"

/* premium-rate, revenue-share and satellite ranges that a hijacked
   account would forward to (docs/features.md says why each) */
static const char default_blocked[] =
	"+979,+881,+882,+883,+870,"           /* IPRS, satellite, networks */
	"+1900,+1976,"                        /* NANP premium */
	"+3381,+3382,+3389,"                  /* France 081 082 089 */
	"+449,+4487,+4470,"                   /* UK 09, 087, 070 */
	"+49900,+49137,"                      /* Germany 0900, 0137 */
	"+3290,"                              /* Belgium 090x */
	"+31900,+31906,+31909,"               /* Netherlands 0900/6/9 */
	"+34803,+34806,+34807,+34905,"        /* Spain */
	"+39899,+39892,"                      /* Italy */
	"+41900,+41901,+41906";               /* Switzerland */

void store_user_features_default(struct store_user_features *f)
{
	memset(f, 0, sizeof(*f));
	f->forward_noanswer_s = 20;
	f->call_waiting = true;
	snprintf(f->twinning, sizeof(f->twinning), "off");
	f->twinning_delay_s = 10;
	snprintf(f->recording, sizeof(f->recording), "inherit");
}

void store_tenant_features_default(struct store_tenant_features *f)
{
	memset(f, 0, sizeof(*f));
	f->forward_external = true;
	snprintf(f->blocked_prefixes, sizeof(f->blocked_prefixes), "%s",
		 default_blocked);
	f->park_first = 700;
	f->park_count = 10;
	f->park_timeout_s = 60;
	snprintf(f->recording_policy, sizeof(f->recording_policy),
		 "on_demand");
}

#define UF_COLS "f.forward_always, f.forward_busy, f.forward_noanswer, " \
	"f.forward_unreachable, f.forward_noanswer_s, f.dnd, " \
	"f.call_waiting, f.twinning, f.twinning_delay_s, f.pickup_group, " \
	"f.recording"

/* cols: u.id, u.tenant_id, "1" when the row exists, then UF_COLS */
static int user_features_row(int n, const char *const *c, void *arg)
{
	struct store_user_features *f = arg;

	store_user_features_default(f);
	f->user_id = store_col_int(c[0]);
	f->tenant_id = store_col_int(c[1]);
	if (n < 14 || strcmp(c[2], "1"))
		return 0;
	STORE_COL_TEXT(f->forward_always, c[3]);
	STORE_COL_TEXT(f->forward_busy, c[4]);
	STORE_COL_TEXT(f->forward_noanswer, c[5]);
	STORE_COL_TEXT(f->forward_unreachable, c[6]);
	f->forward_noanswer_s = (int)store_col_int(c[7]);
	f->dnd = store_col_int(c[8]) != 0;
	f->call_waiting = store_col_int(c[9]) != 0;
	STORE_COL_TEXT(f->twinning, c[10]);
	f->twinning_delay_s = (int)store_col_int(c[11]);
	STORE_COL_TEXT(f->pickup_group, c[12]);
	STORE_COL_TEXT(f->recording, c[13]);
	return 0;
}

int store_user_features_get(struct store *st, int64_t tenant_id,
			    int64_t user_id, struct store_user_features *f)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(user_id)};

	if (!f)
		return EINVAL;
	if (tenant_id <= 0 || user_id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT u.id, u.tenant_id, CASE WHEN "
		"f.user_id IS NULL THEN 0 ELSE 1 END, " UF_COLS " FROM users u "
		"LEFT JOIN user_features f ON f.user_id = u.id "
		"WHERE u.tenant_id = $1 AND u.id = $2", a, 2,
		user_features_row, f);
}

int store_user_features_put(struct store *st, int64_t tenant_id,
			    const struct store_user_features *f)
{
	if (!f || f->forward_noanswer_s < 0 || f->twinning_delay_s < 0 ||
	    !f->twinning[0] || !f->recording[0])
		return EINVAL;
	if (tenant_id <= 0 || f->user_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(f->user_id),
		STORE_TEXT(f->forward_always), STORE_TEXT(f->forward_busy),
		STORE_TEXT(f->forward_noanswer),
		STORE_TEXT(f->forward_unreachable),
		STORE_NUM(f->forward_noanswer_s), STORE_NUM(f->dnd),
		STORE_NUM(f->call_waiting), STORE_TEXT(f->twinning),
		STORE_NUM(f->twinning_delay_s), STORE_TEXT(f->pickup_group),
		STORE_TEXT(f->recording),
	};
	/* the SELECT finds nothing for a user of another tenant */
	return store_run_change(st, "INSERT INTO user_features (tenant_id, user_id, "
		"forward_always, forward_busy, forward_noanswer, "
		"forward_unreachable, forward_noanswer_s, dnd, call_waiting, "
		"twinning, twinning_delay_s, pickup_group, recording) "
		"SELECT tenant_id, id, CAST($3 AS TEXT), CAST($4 AS TEXT), "
		"CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS INTEGER), "
		"CAST($8 AS INTEGER), CAST($9 AS INTEGER), CAST($10 AS TEXT), "
		"CAST($11 AS INTEGER), CAST($12 AS TEXT), CAST($13 AS TEXT) "
		"FROM users "
		"WHERE tenant_id = $1 AND id = $2 "
		"ON CONFLICT (user_id) DO UPDATE SET "
		"forward_always = excluded.forward_always, "
		"forward_busy = excluded.forward_busy, "
		"forward_noanswer = excluded.forward_noanswer, "
		"forward_unreachable = excluded.forward_unreachable, "
		"forward_noanswer_s = excluded.forward_noanswer_s, "
		"dnd = excluded.dnd, call_waiting = excluded.call_waiting, "
		"twinning = excluded.twinning, "
		"twinning_delay_s = excluded.twinning_delay_s, "
		"pickup_group = excluded.pickup_group, "
		"recording = excluded.recording",
		a, (int)(sizeof(a) / sizeof(a[0])));
}

struct user_walk {
	store_user_h *h;
	void *arg;
};

/* cols: id, tenant_id, site_id, name, email, role, extension,
   language, fixed_number, mobile_number (no password hash) */
static int pickup_row(int n, const char *const *c, void *arg)
{
	struct user_walk *w = arg;
	struct store_user u;

	if (n < 10)
		return EIO;
	memset(&u, 0, sizeof(u));
	u.id = store_col_int(c[0]);
	u.tenant_id = store_col_int(c[1]);
	u.site_id = store_col_int(c[2]);
	STORE_COL_TEXT(u.name, c[3]);
	STORE_COL_TEXT(u.email, c[4]);
	STORE_COL_TEXT(u.role, c[5]);
	STORE_COL_TEXT(u.extension, c[6]);
	STORE_COL_TEXT(u.language, c[7]);
	STORE_COL_TEXT(u.fixed_number, c[8]);
	STORE_COL_TEXT(u.mobile_number, c[9]);
	return w->h(&u, w->arg);
}

int store_pickup_group_users(struct store *st, int64_t tenant_id,
			     const char *name, store_user_h *h, void *arg)
{
	struct user_walk w = {h, arg};
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_TEXT(name)};

	if (!name || !h)
		return EINVAL;
	if (tenant_id <= 0 || !name[0])
		return 0;
	return store_run(st, "SELECT u.id, u.tenant_id, COALESCE(u.site_id, 0),"
		" u.name, COALESCE(u.email, ''), u.role, "
		"COALESCE(u.extension, ''), u.language, "
		"COALESCE(u.fixed_number, ''), COALESCE(u.mobile_number, '') "
		"FROM user_features f JOIN users u ON u.id = f.user_id "
		"WHERE f.tenant_id = $1 AND f.pickup_group = $2 ORDER BY u.id",
		a, 2, pickup_row, &w, NULL);
}

/* cols: t.id, "1" when the row exists, then the tenant_features ones */
static int tenant_features_row(int n, const char *const *c, void *arg)
{
	struct store_tenant_features *f = arg;

	store_tenant_features_default(f);
	f->tenant_id = store_col_int(c[0]);
	if (n < 10 || strcmp(c[1], "1"))
		return 0;
	f->forward_external = store_col_int(c[2]) != 0;
	STORE_COL_TEXT(f->allowed_prefixes, c[3]);
	STORE_COL_TEXT(f->blocked_prefixes, c[4]);
	f->park_first = (int)store_col_int(c[5]);
	f->park_count = (int)store_col_int(c[6]);
	f->park_timeout_s = (int)store_col_int(c[7]);
	STORE_COL_TEXT(f->recording_policy, c[8]);
	f->recording_announce = store_col_int(c[9]) != 0;
	return 0;
}

int store_tenant_features_get(struct store *st, int64_t tenant_id,
			      struct store_tenant_features *f)
{
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (!f)
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	return store_run_one(st, "SELECT t.id, CASE WHEN f.tenant_id IS NULL "
		"THEN 0 ELSE 1 END, f.forward_external, f.allowed_prefixes, "
		"f.blocked_prefixes, f.park_first, f.park_count, "
		"f.park_timeout_s, f.recording_policy, f.recording_announce "
		"FROM tenants t LEFT JOIN tenant_features f "
		"ON f.tenant_id = t.id WHERE t.id = $1", a, 1,
		tenant_features_row, f);
}

int store_tenant_features_put(struct store *st, int64_t tenant_id,
			      const struct store_tenant_features *f)
{
	if (!f || f->park_first < 0 || f->park_count < 0 ||
	    f->park_timeout_s < 0 || !f->recording_policy[0])
		return EINVAL;
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(f->forward_external),
		STORE_TEXT(f->allowed_prefixes),
		STORE_TEXT(f->blocked_prefixes), STORE_NUM(f->park_first),
		STORE_NUM(f->park_count), STORE_NUM(f->park_timeout_s),
		STORE_TEXT(f->recording_policy),
		STORE_NUM(f->recording_announce),
	};
	return store_run_change(st, "INSERT INTO tenant_features (tenant_id, "
		"forward_external, allowed_prefixes, blocked_prefixes, "
		"park_first, park_count, park_timeout_s, recording_policy, "
		"recording_announce) "
		"SELECT id, CAST($2 AS INTEGER), CAST($3 AS TEXT), "
		"CAST($4 AS TEXT), CAST($5 AS INTEGER), CAST($6 AS INTEGER), "
		"CAST($7 AS INTEGER), CAST($8 AS TEXT), CAST($9 AS INTEGER) "
		"FROM tenants WHERE id = $1 "
		"ON CONFLICT (tenant_id) DO UPDATE SET "
		"forward_external = excluded.forward_external, "
		"allowed_prefixes = excluded.allowed_prefixes, "
		"blocked_prefixes = excluded.blocked_prefixes, "
		"park_first = excluded.park_first, "
		"park_count = excluded.park_count, "
		"park_timeout_s = excluded.park_timeout_s, "
		"recording_policy = excluded.recording_policy, "
		"recording_announce = excluded.recording_announce",
		a, (int)(sizeof(a) / sizeof(a[0])));
}

struct owner {
	int64_t *user_id, *group_id;
};

/* cols: kind ("u" or "g"), id */
static int owner_row(int n, const char *const *c, void *arg)
{
	struct owner *o = arg;

	if (n < 2)
		return EIO;
	*(c[0][0] == 'u' ? o->user_id : o->group_id) = store_col_int(c[1]);
	return 0;
}

int store_extension_owner(struct store *st, int64_t tenant_id,
			  const char *extension, int64_t *user_id,
			  int64_t *group_id)
{
	int64_t uid = 0, gid = 0;
	struct owner o = {&uid, &gid};
	const struct store_arg a[] = {STORE_NUM(tenant_id),
				      STORE_TEXT(extension)};
	int err;

	if (!extension)
		return EINVAL;
	if (tenant_id <= 0 || !extension[0])
		return ENOENT;
	err = store_run_one(st, "SELECT 'u', id FROM users WHERE "
		"tenant_id = $1 AND extension = $2 UNION ALL "
		"SELECT 'g', id FROM ring_groups WHERE tenant_id = $1 AND "
		"extension = $2 LIMIT 1", a, 2, owner_row, &o);
	if (user_id)
		*user_id = uid;
	if (group_id)
		*group_id = gid;
	return err;
}
