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
 * drains; only arrivals above capacity keep it full.  Then the share
 * rises gently while the queue stays above the mark and falls four times
 * faster as soon as it is below, so the share settles near the excess
 * instead of refusing everything until the queue is empty.  With an 8 MB
 * queue, the mark is reached well before clients' 500 ms retransmission
 * timer at the rates a core can serve.
 */
enum {
	SAMPLE_EVERY = 16,       /**< requests between queue samples */
	HIGH_PCT = 60,
	HIGH_MS = 300,
	STEP_UP_PM = 10,
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

	ov->fill_pct = (uint32_t)((uint64_t)mi[SK_MEMINFO_RMEM_ALLOC] * 100 /
				  mi[SK_MEMINFO_RCVBUF]);
	if (ov->fill_pct < HIGH_PCT) {
		ov->high_since = 0;
		ov->shed_pm = ov->shed_pm > STEP_DOWN_PM
			? ov->shed_pm - STEP_DOWN_PM : 0;
	}
	else if (!ov->high_since) {
		ov->high_since = tmr_jiffies();
	}
	else if (tmr_jiffies() - ov->high_since >= HIGH_MS) {
		ov->shed_pm = ov->shed_pm + STEP_UP_PM > MAX_SHED_PM
			? MAX_SHED_PM : ov->shed_pm + STEP_UP_PM;
	}

	if (!before && ov->shed_pm)
		log_warn("sip", "overload: receive queue %u%% full, answering "
			 "part of the new registrations with 503",
			 ov->fill_pct);
	else if (before && !ov->shed_pm)
		log_notice("sip", "overload over: receive queue %u%% full",
			   ov->fill_pct);
}

bool overload_shed(const struct overload *ov)
{
	return ov->shed_pm && (uint32_t)(rand_u16() % 1000) < ov->shed_pm;
}
