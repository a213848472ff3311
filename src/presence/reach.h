/**
 * @file reach.h  Requests from the platform to a user's phones.
 *
 * Shared by presence (unsolicited NOTIFY) and chat (MESSAGE): who a
 * request names as its target within a tenant, and how to send one to
 * each registered binding of a user.  A request goes to the address the
 * binding's REGISTER came from (a loose route when that differs from
 * the Contact), so phones behind NAT are reached the way calls reach
 * them.
 */
#ifndef CENTREX_PRESENCE_REACH_H
#define CENTREX_PRESENCE_REACH_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct directory;
struct dir_tenant;
struct dir_device;
struct location;
struct loc_binding;
struct store;

/*
 * The user a request addresses, within the tenant t of the sender: the
 * Request-URI's user part as an extension, else as a device username.
 * A Request-URI naming another tenant's domain is ENOENT like an
 * unknown user, so the answer (404) says nothing about that tenant.
 */
int reach_resolve(struct directory *dir, struct store *st,
		  const struct dir_tenant *t, const struct uri *ruri,
		  int64_t *user_id);

/* the hash of a (tenant, user) key, for tables of users */
uint32_t reach_user_hash(int64_t tenant_id, int64_t user_id);

typedef void (reach_binding_h)(const struct dir_device *dev,
			       const struct loc_binding *b, void *arg);
/* every binding of every device of the user; returns how many */
size_t reach_bindings(struct directory *dir, struct location *loc,
		      int64_t tenant_id, int64_t user_id, reach_binding_h *h,
		      void *arg);

/*
 * Send met to one binding; fmt gives the headers after the request line
 * and Via (To, From, Call-ID, CSeq, the rest and the body).  A Contact
 * with our address is added when `contact` is set.  reqp may be NULL
 * (fire and forget).
 */
int reach_send(struct sip *sip, struct sip_request **reqp, const char *met,
	       const struct loc_binding *b, bool contact, sip_resp_h *resph,
	       void *arg, const char *fmt, ...);

#endif
