/**
 * @file metrics.c  Process-wide counters.
 */
#include <stdatomic.h>
#include "core/metrics.h"

static _Atomic uint64_t counters[M_COUNT];

static const char *names[M_COUNT] = {
	[M_SIP_RX_REQUESTS]    = "sip_rx_requests",
	[M_SIP_RX_RESPONSES]   = "sip_rx_responses",
	[M_SIP_MALFORMED]      = "sip_malformed",
	[M_SIP_OVERSIZE]       = "sip_oversize",
	[M_SIP_BANNED_DROPS]   = "sip_banned_drops",
	[M_SIP_SHED_503]       = "sip_shed_503",
	[M_REG_OK]             = "register_ok",
	[M_REG_CHALLENGED]     = "register_challenged",
	[M_REG_STALE]          = "register_stale_nonce",
	[M_REG_AUTH_FAILED]    = "register_auth_failed",
	[M_REG_UNREGISTERED]   = "register_unregistered",
	[M_REG_EXPIRED]        = "bindings_expired",
	[M_OPTIONS]            = "options_answered",
	[M_BANS]               = "bans",
	[M_STORE_WRITES]       = "store_writes",
	[M_STORE_ERRORS]       = "store_errors",
	[M_LIBRARY_COMPLAINTS] = "library_complaints",
	[M_CALL_LEGS_SCORED]   = "call_legs_scored",
	[M_CALL_MOS_X100_SUM]  = "call_mos_x100_sum",
	[M_CALL_LEGS_POOR]     = "call_legs_poor",
	[M_WEBHOOK_DELIVERED]  = "webhook_delivered",
	[M_WEBHOOK_RETRIED]    = "webhook_retried",
	[M_WEBHOOK_GIVEN_UP]   = "webhook_given_up",
	[M_WEBHOOK_DROPPED_QUEUE_FULL] = "webhook_dropped_queue_full",
};

void metrics_inc(enum metric m)
{
	atomic_fetch_add_explicit(&counters[m], 1, memory_order_relaxed);
}

void metrics_add(enum metric m, uint64_t n)
{
	atomic_fetch_add_explicit(&counters[m], n, memory_order_relaxed);
}

uint64_t metrics_get(enum metric m)
{
	return atomic_load_explicit(&counters[m], memory_order_relaxed);
}

const char *metrics_name(enum metric m)
{
	return (m < M_COUNT) ? names[m] : "?";
}
