/**
 * @file devices.c  A user's SIP devices (phones, softphones): the
 * username they register with and its digest hashes, never a password.
 *
 * SQL written once for both backends (store_run, backend.h).  A device
 * is created only for a user of the same tenant: the INSERT takes the
 * user from the table, so another tenant's user id inserts nothing
 * (ENOENT).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "store/backend.h"

#define DEVICE_COLS "id, tenant_id, user_id, sip_username, ha1_md5, " \
	"ha1_sha256, dtmf_mode"

static void device_read(const char *const *c, struct store_device *d)
{
	memset(d, 0, sizeof(*d));
	d->id = store_col_int(c[0]);
	d->tenant_id = store_col_int(c[1]);
	d->user_id = store_col_int(c[2]);
	STORE_COL_TEXT(d->sip_username, c[3]);
	STORE_COL_TEXT(d->ha1_md5, c[4]);
	STORE_COL_TEXT(d->ha1_sha256, c[5]);
	STORE_COL_TEXT(d->dtmf_mode, c[6]);
}

STORE_ROW_HANDLERS(device, struct store_device, store_device_h, 7,
		   device_read)

int store_device_create(struct store *st, int64_t tenant_id,
			struct store_device *d)
{
	int err;

	if (tenant_id <= 0 || !d || !d->sip_username[0])
		return EINVAL;
	const struct store_arg a[] = {
		STORE_NUM(tenant_id), STORE_NUM(d->user_id),
		STORE_TEXT(d->sip_username), STORE_TEXT(d->ha1_md5),
		STORE_TEXT(d->ha1_sha256), STORE_TEXT(store_device_dtmf_mode(d)),
	};
	err = store_run_insert(st, "INSERT INTO devices (tenant_id, user_id, "
		"sip_username, ha1_md5, ha1_sha256, dtmf_mode) SELECT "
		"tenant_id, id, $3, $4, $5, $6 FROM users WHERE tenant_id = $1 "
		"AND id = $2 RETURNING id", a, STORE_NARGS(a), &d->id);
	if (!err)
		d->tenant_id = tenant_id;
	return err;
}

/* every device of the tenant; the DTMF mode is not read here (left "":
   the default) */
int store_device_foreach(struct store *st, int64_t tenant_id,
			 store_device_h *h, void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const struct store_arg a[] = {STORE_NUM(tenant_id)};

	if (tenant_id <= 0)
		return EINVAL;
	return store_run(st, "SELECT id, tenant_id, user_id, sip_username, "
		"ha1_md5, ha1_sha256, '' FROM devices WHERE tenant_id = $1 "
		"ORDER BY id", a, 1, device_each, &w, NULL);
}

int store_device_get(struct store *st, int64_t tenant_id, int64_t id,
		     struct store_device *d)
{
	return store_get_scoped(st, "SELECT " DEVICE_COLS " FROM devices "
		"WHERE tenant_id = $1 AND id = $2", tenant_id, id, device_one,
		d);
}

/* user_id 0: every device of the tenant */
int store_device_list(struct store *st, int64_t tenant_id, int64_t user_id,
		      int64_t after_id, int limit, store_device_h *h,
		      void *arg)
{
	struct store_walk w = STORE_WALK(h, arg);
	const struct store_arg a[] = {STORE_NUM(tenant_id), STORE_NUM(user_id),
				      STORE_NUM(after_id), STORE_NUM(limit)};

	if (tenant_id <= 0)
		return ENOENT;
	/* the cast: "$2 = 0" alone would make $2 a 32-bit integer */
	return store_run(st, "SELECT " DEVICE_COLS " FROM devices WHERE "
		"tenant_id = $1 AND (CAST($2 AS BIGINT) = 0 OR user_id = $2) "
		"AND id > $3 ORDER BY id LIMIT $4", a, 4, device_each, &w,
		NULL);
}

int store_device_update(struct store *st, int64_t tenant_id,
			const struct store_device *d)
{
	if (tenant_id <= 0)
		return ENOENT;
	const struct store_arg a[] = {
		STORE_TEXT(d->sip_username), STORE_TEXT(d->ha1_md5),
		STORE_TEXT(d->ha1_sha256), STORE_TEXT(store_device_dtmf_mode(d)),
		STORE_NUM(tenant_id), STORE_NUM(d->id),
	};
	return store_run_change(st, "UPDATE devices SET sip_username = $1, "
		"ha1_md5 = $2, ha1_sha256 = $3, dtmf_mode = $4 WHERE "
		"tenant_id = $5 AND id = $6", a, STORE_NARGS(a));
}

int store_device_delete(struct store *st, int64_t tenant_id, int64_t id)
{
	return store_delete_scoped(st, "devices", tenant_id, id);
}
