/**
 * @file registrar.h  REGISTER handling (RFC 3261 section 10, RFC 8760).
 *
 * Answers statelessly: libre's stateful UDP server transactions would
 * hold 8 KiB for 32 s per REGISTER.  A retransmitted REGISTER is simply
 * processed again, which the replay and CSeq rules make harmless.
 *
 * Flow of one REGISTER: tenant from the To host, digest authentication
 * (sip/auth.h: the same for every method), the device may only register
 * its own address of record (403), contacts valid (400 / 423), then the
 * bindings are applied and the 200 lists them all.
 */
#ifndef CENTREX_SIP_REGISTRAR_H
#define CENTREX_SIP_REGISTRAR_H

#include <stdbool.h>

struct sip;
struct sip_msg;
struct conf;
struct location;
struct sipauth;
struct registrar;

int  registrar_alloc(struct registrar **rp, struct sip *sip,
		     const struct conf *conf, struct location *loc,
		     struct sipauth *auth);
void registrar_handle(struct registrar *r, const struct sip_msg *msg);

#endif
