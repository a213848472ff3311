/**
 * @file overload.h  Overload control on the UDP receive queue.
 *
 * Over UDP, a server past its capacity does not slow its clients down: the
 * kernel queue fills, datagrams are dropped, clients retransmit, and the
 * offered load doubles until throughput collapses.  We watch how full the
 * receive queue of the SIP socket is (SO_MEMINFO) every few requests, and
 * refuse a share of the *new* work (initial, unauthenticated REGISTERs)
 * with 503 and Retry-After, so that the work already in progress (the
 * authenticated half of a challenge) completes.  The share rises quickly
 * while the queue is above its high mark and falls slowly below the low
 * mark: the server keeps serving at its capacity and sheds only the
 * excess.  A brief scheduling hiccup drains on its own before the share
 * has risen much.
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
};

void overload_init(struct overload *ov, uint32_t rx_bytes);
void overload_sample(struct overload *ov, const struct sip_msg *msg);
bool overload_shed(const struct overload *ov);

#endif
