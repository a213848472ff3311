/**
 * @file options.h  OPTIONS: keepalive and health probe (RFC 3261 11).
 */
#ifndef CENTREX_SIP_OPTIONS_H
#define CENTREX_SIP_OPTIONS_H

struct sip;
struct sip_msg;

#define SIP_ALLOW "REGISTER, OPTIONS, INVITE, ACK, BYE, CANCEL, UPDATE, " \
	"INFO, SUBSCRIBE, NOTIFY, PUBLISH, MESSAGE"

void options_handle(struct sip *sip, const struct sip_msg *msg);

#endif
