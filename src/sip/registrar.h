/**
 * @file registrar.h  REGISTER handling (RFC 3261 section 10, RFC 8760).
 *
 * Answers statelessly: libre's stateful UDP server transactions would
 * hold 8 KiB for 32 s per REGISTER.  A retransmitted REGISTER is simply
 * processed again, which the replay and CSeq rules make harmless.
 *
 * Flow of one REGISTER:
 *
 *   tenant from To host ─► credentials for that realm? ──no──► 401 challenge
 *        │                          │ yes
 *        │                 nonce ours, fresh? ──stale──► 401 stale=true
 *        │                          │ yes
 *        │          device known and response right? ──no──► 403, count
 *        │                          │ yes                      failure
 *        │               nonce/nc not replayed? ──no──► 401 stale=true
 *        │                          │ yes
 *        └────────────► contacts valid? ──no──► 400 / 423
 *                                   │ yes
 *                         apply, 200 listing all bindings
 *
 * An unknown domain, an unknown user and a wrong password take the same
 * path (challenge, then a digest computed against a dummy HA1, then 403)
 * and get byte-for-byte the same kind of answer, so none of them can be
 * told apart from outside.
 */
#ifndef CENTREX_SIP_REGISTRAR_H
#define CENTREX_SIP_REGISTRAR_H

#include <stdbool.h>

struct sip;
struct sip_msg;
struct conf;
struct directory;
struct location;
struct ban_table;
struct registrar;

int  registrar_alloc(struct registrar **rp, struct sip *sip,
		     const struct conf *conf, struct directory *dir,
		     struct location *loc, struct ban_table *bans);
int  registrar_reconfigure(struct registrar *r);
void registrar_handle(struct registrar *r, const struct sip_msg *msg);

#endif
