/**
 * @file validate.h  Our own validation pass over every decoded message.
 *
 * libre 1.1.0 hands requests to its listeners even when essential headers
 * are missing or inconsistent.  This pass runs first, so nothing past it
 * needs to re-check: To, From, Call-ID, CSeq (method matching the request
 * line), Via and Max-Forwards are present and well formed, the body is no
 * shorter than Content-Length says, and the message is within the size
 * cap.
 */
#ifndef CENTREX_SIP_VALIDATE_H
#define CENTREX_SIP_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

struct sip_msg;

enum sipv_verdict {
	SIPV_OK = 0,
	SIPV_REPLY,      /**< answer with *scodep / *reasonp */
	SIPV_DROP,       /**< cannot even be answered: drop silently */
};

enum sipv_verdict sip_validate(const struct sip_msg *msg, size_t max_bytes,
			       uint16_t *scodep, const char **reasonp);

#endif
