/**
 * @file rooms.c  Meet-me conference rooms: a tenant's callers who dial
 * the same room number are mixed together.
 *
 * A room exists while somebody is in it: the first caller makes it (and
 * its media conference), the last one to leave frees it.  Rooms of
 * different tenants never meet, whatever their numbers: the key is the
 * tenant and the number together.
 */
#include <re.h>
#include <string.h>
#include "core/log.h"
#include "media/media.h"
#include "pbx/priv.h"
#include "pbx/rooms.h"

struct room {
	struct le he;                /**< in pbx->rooms */
	struct pbx *p;
	int64_t tenant_id;
	char name[ROOM_NAME_MAX];
	struct media_conf *conf;     /**< owned */
};

static uint32_t room_key(int64_t tenant_id, const char *name)
{
	return hash_joaat_str(name) ^ (uint32_t)tenant_id ^
	       (uint32_t)((uint64_t)tenant_id >> 32);
}

static bool room_cmp(struct le *le, void *arg)
{
	const struct room *rm = le->data, *want = arg;

	return rm->tenant_id == want->tenant_id &&
	       !strcmp(rm->name, want->name);
}

static void room_destructor(void *arg)
{
	struct room *rm = arg;

	hash_unlink(&rm->he);
	media_conf_free(rm->conf);
}

int rooms_join(struct pbx *p, int64_t tenant_id, const char *name,
	       struct media_relay *r, enum media_side side,
	       struct room **rmp)
{
	struct room want = {.tenant_id = tenant_id}, *rm;
	int err;

	if (!p->rooms || !name || strlen(name) >= sizeof(want.name))
		return EINVAL;
	str_ncpy(want.name, name, sizeof(want.name));
	rm = list_ledata(hash_lookup(p->rooms, room_key(tenant_id, name),
				     room_cmp, &want));
	if (rm) {
		rm = mem_ref(rm);
	}
	else {
		rm = mem_zalloc(sizeof(*rm), room_destructor);
		if (!rm)
			return ENOMEM;
		rm->p = p;
		rm->tenant_id = tenant_id;
		str_ncpy(rm->name, name, sizeof(rm->name));
		err = media_conf_alloc(p->d.media, &rm->conf);
		if (err) {
			mem_deref(rm);
			return err;
		}
		hash_append(p->rooms, room_key(tenant_id, name), &rm->he, rm);
	}
	err = media_conf_join(rm->conf, r, side);
	if (err) {
		mem_deref(rm);
		return err;
	}
	log_debug("pbx/rooms", "tenant %lld room %s: %u in it",
		  (long long)tenant_id, name, media_conf_count(rm->conf));
	*rmp = rm;
	return 0;
}

void rooms_leave(struct room *rm, struct media_relay *r,
		 enum media_side side)
{
	if (!rm)
		return;
	(void)media_conf_leave(rm->conf, r, side);
	mem_deref(rm);   /* the last one out frees the room */
}

unsigned rooms_count(const struct room *rm)
{
	return rm ? media_conf_count(rm->conf) : 0;
}
