/**
 * @file options.c  OPTIONS answered statelessly with what we support.
 *
 * Load balancers (Kamailio's dispatcher) and phones use OPTIONS as a
 * keepalive; the answer must be cheap and must not depend on the
 * Request-URI naming a user, so that it reveals nothing about who exists.
 */
#include <re.h>
#include "core/metrics.h"
#include "sip/options.h"

void options_handle(struct sip *sip, const struct sip_msg *msg)
{
	metrics_inc(M_OPTIONS);
	(void)sip_replyf(sip, msg, 200, "OK",
			 "Allow: " SIP_ALLOW "\r\n"
			 "Accept: application/sdp\r\n"
			 "Content-Length: 0\r\n\r\n");
}
