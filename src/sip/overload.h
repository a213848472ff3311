/**
 * @file overload.h  Overload control on the UDP receive queue.
 *
 * Over UDP, a server past its capacity does not slow its clients down: the
 * kernel queue fills, datagrams are dropped, clients retransmit, and the
 * offered load doubles until throughput collapses.  We watch how full the
 * receive queue of the SIP socket is (SO_MEMINFO) every few requests, and
 * refuse a share of the *new* work (initial, unauthenticated REGISTERs)
 * with 503 and Retry-After, so that the work already in progress (the
 * authenticated half of a challenge) completes.  The server keeps serving
 * at its capacity and sheds only the excess (see overload.c for the
 * controller).
 */
#ifndef CENTREX_SIP_OVERLOAD_H
#define CENTREX_SIP_OVERLOAD_H

#include <stdbool.h>
#include <stdint.h>

struct sip_msg;

struct overload {
	void *sock;          /**< borrowed: libre UDP socket last tuned */
	int fd;
	uint32_t n;          /**< requests seen, for sampling */
	uint32_t fill_pct;   /**< last sample */
	uint32_t shed_pm;    /**< share of new work refused, per mille */
	uint64_t high_since; /**< when the fill rose above the mark, 0 = not */
	uint64_t last_step;  /**< when shed_pm was last adjusted */
	uint32_t step_fill;  /**< the fill then: growing or draining since? */
};

void overload_init(struct overload *ov, uint32_t rx_bytes);
void overload_sample(struct overload *ov, const struct sip_msg *msg);
bool overload_shed(const struct overload *ov);

#endif
