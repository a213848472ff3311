/**
 * @file auth.h  Digest authentication of requests from our devices.
 *
 * Shared by REGISTER and INVITE (and later SUBSCRIBE, MESSAGE): the realm
 * is the tenant's SIP domain, the credentials are the directory's HA1s.
 * One flow for all, so every method keeps the same guarantees:
 *
 *   credentials for this realm? ──no──► challenge
 *   nonce ours and fresh? ──stale──► challenge, stale=true
 *   device known and digest right? ──no──► 403 (counted toward a ban)
 *   nonce/nc newer, or a byte-identical retransmission? ──no──► stale
 *
 * An unknown domain, an unknown user and a wrong password take the same
 * path (a dummy HA1 stands in for the missing device), so their answers
 * cannot be told apart.  REGISTER is challenged with 401, every other
 * method with 407 (RFC 3261 22.3).  Answers are stateless.
 */
#ifndef CENTREX_SIP_AUTH_H
#define CENTREX_SIP_AUTH_H

#include <stdbool.h>
#include <re.h>
#include "dir/directory.h"

struct conf;
struct ban_table;
struct sipauth;

int  sipauth_alloc(struct sipauth **ap, struct sip *sip,
		   const struct conf *conf, struct directory *dir,
		   struct ban_table *bans);
int  sipauth_reconfigure(struct sipauth *a);

/* Realms are echoed in a quoted string: host characters only. */
int  sipauth_realm(char *dst, size_t size, const struct pl *host);

/*
 * Authenticate msg for the domain `host` (the To host of a REGISTER, the
 * From host of an INVITE).  Returns the device, or NULL after answering
 * the request (challenge or 403).  *tenantp gets the tenant of the domain
 * (NULL when unknown).
 */
struct dir_device *sipauth_check(struct sipauth *a, const struct sip_msg *msg,
				 const struct pl *host,
				 struct dir_tenant **tenantp);

#endif
