/**
 * @file overload.c  Overload control on the UDP receive queue.
 */
#include <re.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <sys/socket.h>
#include "core/log.h"
#include "sip/overload.h"

/*
 * The queue must stay above HIGH_PCT for HIGH_MS before any shedding: a
 * stall of the thread (the machine is shared) fills the queue and then
 * drains; only arrivals above capacity keep it full.  Then, at most every
 * STEP_MS: the share rises while the queue is above the mark and still
 * filling, holds while it is above but draining (the share is already
 * enough; raising it further would overshoot while a large queue empties
 * slowly), and falls once the queue is below the mark.  So the share
 * settles near the excess instead of winding up.
 */
enum {
	SAMPLE_EVERY = 16,       /**< requests between queue samples */
	HIGH_PCT = 60,
	HIGH_MS = 300,
	STEP_MS = 20,
	STEP_UP_PM = 20,
	STEP_DOWN_PM = 40,
	MAX_SHED_PM = 980,
	SOCKBUF_BYTES = 4 << 20, /**< absorb bursts (the kernel doubles it) */
};

static uint32_t rx_size;

void overload_init(struct overload *ov, uint32_t rx_bytes)
{
	memset(ov, 0, sizeof(*ov));
	ov->fd = -1;
	rx_size = rx_bytes;
}

/* first message on a UDP socket: bigger buffers, remember its fd */
static void tune(struct overload *ov, const struct sip_msg *msg)
{
	struct udp_sock *us = msg->sock;

	ov->sock = msg->sock;
	ov->fd = udp_sock_fd(us, sa_af(&msg->dst));
	/* SO_RCVBUF is capped by net.core.rmem_max; FORCE needs
	   CAP_NET_ADMIN, so try it first and fall back */
	if (ov->fd < 0 || setsockopt(ov->fd, SOL_SOCKET, SO_RCVBUFFORCE,
				     &(int){SOCKBUF_BYTES}, sizeof(int)))
		(void)udp_sockbuf_set(us, SOCKBUF_BYTES);
	/* read one byte more than the cap, so oversize is seen, not cut */
	udp_rxsz_set(us, rx_size + 1);
}

void overload_sample(struct overload *ov, const struct sip_msg *msg)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);
	uint32_t before = ov->shed_pm;

	if (msg->tp != SIP_TRANSP_UDP || !msg->sock)
		return;
	if (msg->sock != ov->sock)
		tune(ov, msg);
	if (++ov->n % SAMPLE_EVERY || ov->fd < 0)
		return;
	if (getsockopt(ov->fd, SOL_SOCKET, SO_MEMINFO, mi, &len) ||
	    !mi[SK_MEMINFO_RCVBUF])
		return;

	uint64_t now = tmr_jiffies();

	ov->fill_pct = (uint32_t)((uint64_t)mi[SK_MEMINFO_RMEM_ALLOC] * 100 /
				  mi[SK_MEMINFO_RCVBUF]);
	if (ov->fill_pct < HIGH_PCT)
		ov->high_since = 0;
	else if (!ov->high_since)
		ov->high_since = now;

	if (now - ov->last_step < STEP_MS)
		goto log;
	ov->last_step = now;
	if (ov->fill_pct < HIGH_PCT) {
		ov->shed_pm = ov->shed_pm > STEP_DOWN_PM
			? ov->shed_pm - STEP_DOWN_PM : 0;
	}
	else if (now - ov->high_since >= HIGH_MS &&
		 ov->fill_pct >= ov->step_fill) {
		ov->shed_pm = ov->shed_pm + STEP_UP_PM > MAX_SHED_PM
			? MAX_SHED_PM : ov->shed_pm + STEP_UP_PM;
	}
	ov->step_fill = ov->fill_pct;

 log:
	if (!before && ov->shed_pm)
		log_warn("sip", "overload: receive queue %u%% full, answering "
			 "part of the new registrations and calls with 503",
			 ov->fill_pct);
	else if (before && !ov->shed_pm)
		log_notice("sip", "overload over: receive queue %u%% full",
			   ov->fill_pct);
}

bool overload_shed(const struct overload *ov)
{
	return ov->shed_pm && (uint32_t)(rand_u16() % 1000) < ov->shed_pm;
}
