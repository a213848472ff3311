/**
 * @file metrics.h  Process-wide counters.
 *
 * Plain monotonic counters, named once in metrics.c.  They are atomics so
 * the store writer thread can count too; reads are for status output and,
 * later, the Prometheus endpoint.
 */
#ifndef CENTREX_CORE_METRICS_H
#define CENTREX_CORE_METRICS_H

#include <stdint.h>

enum metric {
	M_SIP_RX_REQUESTS = 0,
	M_SIP_RX_RESPONSES,
	M_SIP_MALFORMED,
	M_SIP_OVERSIZE,
	M_SIP_BANNED_DROPS,
	M_SIP_SHED_503,
	M_REG_OK,
	M_REG_CHALLENGED,
	M_REG_STALE,
	M_REG_AUTH_FAILED,
	M_REG_UNREGISTERED,
	M_REG_EXPIRED,
	M_OPTIONS,
	M_BANS,
	M_STORE_WRITES,
	M_STORE_ERRORS,
	M_LIBRARY_COMPLAINTS,
	/* call quality: legs with an E-model estimate, the sum of their
	   MOS x 100 (sum / legs / 100 = the mean), those below 3.6 */
	M_CALL_LEGS_SCORED,
	M_CALL_MOS_X100_SUM,
	M_CALL_LEGS_POOR,
	/* webhook deliveries (cti/webhook.h): answered 2xx, failed attempts
	   to be tried again, given up after the last attempt, and not
	   queued because the tenant's queue was full */
	M_WEBHOOK_DELIVERED,
	M_WEBHOOK_RETRIED,
	M_WEBHOOK_GIVEN_UP,
	M_WEBHOOK_DROPPED_QUEUE_FULL,
	M_COUNT
};

void        metrics_inc(enum metric m);
void        metrics_add(enum metric m, uint64_t n);
uint64_t    metrics_get(enum metric m);
const char *metrics_name(enum metric m);

#endif
