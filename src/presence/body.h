/**
 * @file body.h  NOTIFY bodies of the three event packages.
 *
 * Pure text builders (no SIP, no state) so that they can be tested
 * byte for byte.  Each writes into a caller's buffer and returns the
 * length written, or -1 when the buffer is too small (nothing partial
 * is ever sent).  Texts that come from elsewhere (identities, entity
 * URIs) are XML-escaped.
 */
#ifndef CENTREX_PRESENCE_BODY_H
#define CENTREX_PRESENCE_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "presence/presence.h"

#define PRES_CT_DIALOG  "application/dialog-info+xml"
#define PRES_CT_PIDF    "application/pidf+xml"
#define PRES_CT_MWI     "application/simple-message-summary"

struct pres_dialog_view {
	const char *id;
	enum presence_dialog_state st;
	bool initiator;
	const char *remote;              /**< NULL or "" = not shown */
};

/* RFC 4235 full state; no dialogs means idle */
int pres_body_dialog(char *buf, size_t size, const char *entity,
		     uint32_t version, const struct pres_dialog_view *dv,
		     size_t n);

enum pres_activity {
	PRES_AVAILABLE = 0,
	PRES_ON_PHONE,                   /**< in a call */
	PRES_BUSY,                       /**< do not disturb */
	PRES_AWAY,                       /**< the user said so (PUBLISH) */
};

/* RFC 3863 PIDF with an RPID activity (RFC 4480) */
int pres_body_pidf(char *buf, size_t size, const char *entity, bool open,
		   enum pres_activity act);

/* RFC 3842 */
int pres_body_mwi(char *buf, size_t size, const char *account,
		  unsigned new_msgs, unsigned old_msgs);

/* src with & < > " ' escaped; -1 when it does not fit */
int pres_xml_escape(char *dst, size_t size, const char *src);

#endif
