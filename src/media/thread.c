/** @file thread.c  A media thread: its loop (io_uring or epoll) and
 * the relay hot path.
 *
 * Each media thread owns the sockets of the relays given to it and is the
 * only code that touches their state (struct media_rrelay), so the
 * per-packet path takes no lock.  Orders come from the signalling thread
 * through a mutex-guarded FIFO and an eventfd; answers go back through
 * the engine's reply function.  libre is not used here at all: its loop
 * and reference counts belong to the signalling thread.
 *
 * With io_uring (Linux 6.1 on) each socket has a standing receive and a
 * turn is one io_uring_enter(): it sends what the last turn relayed and
 * brings what came meanwhile (see ring_loop).  Without it (an older
 * kernel, a seccomp filter): epoll, one recvmmsg() of up to BATCH
 * datagrams per readable socket and one sendmmsg() per outgoing socket;
 * epoll is level-triggered, so a socket with more waiting than it was
 * given is simply served again on the next turn, after the others.
 * Either way nothing is allocated and nothing is copied in user space:
 * a datagram leaves from the buffer it came in.
 *
 * Orders are applied first in a turn, so that a peer set before its first
 * packet arrived applies to that packet.  A relay closed by an order may
 * still have events further on in the array being walked: it is marked
 * dead, its sockets are closed once no receive of it is in flight (at
 * once with epoll), and its memory is freed at the end of that turn.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif
#include "core/log.h"
#include "media/relay.h"
#include "record/record.h"

/* Somewhere a packet can go: not 0.0.0.0 or ::, not port 0 (a refused
   stream, or the old way of putting a call on hold). */
static bool msa_sendable(const union media_sa *a)
{
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port && a->in.sin_addr.s_addr != INADDR_ANY;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port &&
		       !IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr);
	return false;
}

static void msa_print(char *buf, size_t size, const union media_sa *a)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->in.sin_addr, ip, sizeof(ip));
		port = ntohs(a->in.sin_port);
	}
	else if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, ip, sizeof(ip));
		port = ntohs(a->in6.sin6_port);
	}
	snprintf(buf, size, "%s:%u", ip, port);
}

/* The peer may send from its SDP address or from where its SIP came
   from (a phone behind NAT announces a private address); nobody else. */
static bool source_allowed(const struct side *s, const union media_sa *src)
{
	return msa_ip_eq(src, &s->end[END_RTP].sdp) ||
	       msa_ip_eq(src, &s->end[END_RTCP].sdp) ||
	       msa_ip_eq(src, &s->sig);
}

static uint32_t side_clock(const struct side *s, uint8_t pt)
{
	uint32_t rate;

	for (unsigned i = 0; i < CLOCKS; i++)
		if (s->clk[i].rate && s->clk[i].pt == pt)
			return s->clk[i].rate;
	rate = media_pt_clock(pt);
	return rate ? rate : DEFAULT_CLOCK;
}

static const union media_sa *end_dest(const struct end *e)
{
	if (e->is_latched)
		return &e->latched;
	return e->sdp_ok ? &e->sdp : NULL;
}

static void latch(struct media_rrelay *rr, struct side *s, struct end *e,
		  const union media_sa *src)
{
	bool again = e->is_latched;

	e->latched = *src;
	e->is_latched = true;
	if (log_enabled(LOGL_DEBUG)) {
		char a[64];

		msa_print(a, sizeof(a), src);
		log_debug("media", "relay %p side %c %s %s %s", (void *)rr,
			  s == &rr->side[MEDIA_A] ? 'A' : 'B',
			  e == &s->end[END_RTP] ? "RTP" : "RTCP",
			  again ? "re-latched to" : "latched to", a);
	}
}

/*
 * Round trip to a peer (RFC 3550 6.4.1): a sender report relayed to it
 * is remembered by its NTP time; when the peer's report block names that
 * time (LSR), the round trip is the time since we relayed it minus the
 * delay the peer says it held it (DLSR).  This measures us to the peer
 * and back, which is this leg's share of the call's delay.
 */
static void rtt_update(struct media_thread *mt, struct side *s,
		       struct side *o, const struct media_rtcp_report *rep)
{
	if (rep->found && rep->lsr && rep->lsr == s->sr_mid) {
		double ms = (double)(mt->now_us - s->sr_at_us) / 1000.0 -
			    (double)rep->dlsr * 1000.0 / 65536.0;

		if (ms >= 0.0 && ms < 60000.0)
			s->rtt_ms = (float)ms;
	}
	if (rep->sr) {
		o->sr_mid = rep->sr_ntp_mid;
		o->sr_at_us = mt->now_us;
	}
}

static void tx_queue(struct media_thread *mt, struct side *o, int fd,
		     int fixed, const union media_sa *dest, const uint8_t *p,
		     size_t len, bool rtp, int bid);

/* Looks at a datagram that came in on end ei of side si from src and
   queues it for the other side if it may pass; false if it was not
   queued (its buffer is free again).  bid: the io_uring buffer it is in,
   -1 for the recvmmsg batch. */
static bool relay_one(struct media_thread *mt, struct media_rrelay *rr,
		      unsigned si, unsigned ei, const union media_sa *src,
		      const uint8_t *p, size_t len, bool trunc, int bid)
{
	struct side *s = &rr->side[si], *o = &rr->side[si ^ 1];
	struct end *e = &s->end[ei], *oe;
	const union media_sa *dest;
	struct media_rtcp_report rep;
	struct media_rtp h;
	enum media_pkt kind;
	bool from_peer, held = false;
	unsigned out;

	if (!s->known || trunc) {
		s->dropped_other++;
		return false;
	}

	/* the source first: it is cheaper than parsing a flood */
	from_peer = e->is_latched && msa_eq(src, &e->latched);
	if (!from_peer &&
	    (!source_allowed(s, src) ||
	     (e->is_latched &&
	      mt->now_ms - e->last_rx_ms <= RELATCH_SILENCE_MS))) {
		s->dropped_foreign++;
		return false;
	}

	kind = media_pkt_kind(p, len);
	if (kind == MEDIA_PKT_RTP &&
	    (ei == END_RTCP || !media_rtp_parse(p, len, &h)))
		kind = MEDIA_PKT_BAD;
	else if (kind == MEDIA_PKT_RTCP &&
		 !media_rtcp_parse(p, len, rr->proc ?
				   proc_sent_ssrc(rr, si, o->rx.ssrc) :
				   o->rx.ssrc, &rep))
		kind = MEDIA_PKT_BAD;
	if (kind == MEDIA_PKT_BAD) {
		s->dropped_other++;
		return false;
	}

	if (!from_peer)
		latch(rr, s, e, src);
	e->last_rx_ms = mt->now_ms;
	if (rr->proc && kind == MEDIA_PKT_RTP)
		held = proc_rx(mt, rr, si, &h, p, len);

	if (kind == MEDIA_PKT_RTP) {
		s->rx_packets++;
		s->rx_bytes += len;
		s->last_pt = h.pt;
		media_rx_update(&s->rx, &h, mt->now_us,
				side_clock(s, h.pt));
		out = END_RTP;
	}
	else {
		s->rtcp_packets++;
		rtt_update(mt, s, o, &rep);
		if (rep.found) {
			/* the report is about what we relayed to this peer,
			   i.e. the other side's stream and clock */
			s->rtcp_loss_pct = (float)rep.fraction * 100.0f /
					   256.0f;
			s->rtcp_jitter_ms = (float)((double)rep.jitter *
				1000.0 / side_clock(o, o->last_pt));
		}
		out = o->mux ? END_RTP : END_RTCP;
	}

	/* audio work may have taken the packet's place: what the other
	   side hears is then made on the frame clock (RTCP too: it would
	   describe a stream that the other side does not get) */
	if (held || !o->send || (rr->proc && !proc_pass(rr, si)))
		return false;
	oe = &o->end[out];
	dest = end_dest(oe);
	if (!dest)
		return false;
	tx_queue(mt, o, oe->fd,
		 rr->fgroup < 0 ? -1 : rr->fgroup * 4 + (int)((si ^ 1) << 1 | out),
		 dest, p, len, kind == MEDIA_PKT_RTP, bid);
	return true;
}

static void tx_count(struct media_thread *mt, unsigned j, size_t len)
{
	if (mt->tx_rtp[j]) {
		mt->tx_side[j]->tx_packets++;
		mt->tx_side[j]->tx_bytes += len;
	}
}

/* Sends what relay_one queued, one sendmmsg per run of datagrams that
   leave by the same socket. */
static void flush(struct media_thread *mt)
{
	unsigned n = mt->ntx, off = 0;

	while (off < n) {
		unsigned end = off + 1;
		int r;

		while (end < n && mt->tx_fd[end] == mt->tx_fd[off])
			end++;
		r = sendmmsg(mt->tx_fd[off], mt->tx + off, end - off, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* a full socket buffer drops the rest of the run, as
			   the network would; any other error loses the one
			   datagram it concerns */
			off = errno == EAGAIN || errno == ENOBUFS ? end
								  : off + 1;
			continue;
		}
		for (unsigned k = off; k < off + (unsigned)r; k++)
			tx_count(mt, k, mt->tx[k].msg_len);
		off += (unsigned)r;
	}
	mt->ntx = 0;
}

/* The recvmmsg path's queue: one sendmmsg per run of one socket. */
static void tx_batch(struct media_thread *mt, struct side *o, int fd,
		     const union media_sa *dest, const uint8_t *p, size_t len,
		     bool rtp)
{
	unsigned j = mt->ntx++;

	mt->tx_iov[j] = (struct iovec){(void *)p, len};
	mt->tx[j].msg_hdr = (struct msghdr){
		.msg_name = (void *)dest,
		.msg_namelen = msa_len(dest),
		.msg_iov = &mt->tx_iov[j],
		.msg_iovlen = 1,
	};
	mt->tx_side[j] = o;
	mt->tx_fd[j] = fd;
	mt->tx_rtp[j] = rtp;
}

static void readable(struct media_thread *mt, struct media_rrelay *rr,
		     unsigned si, unsigned ei)
{
	int n;

	for (unsigned i = 0; i < BATCH; i++)
		mt->rx[i].msg_hdr.msg_namelen = sizeof(mt->src[i]);

	n = recvmmsg(rr->side[si].end[ei].fd, mt->rx, BATCH, MSG_DONTWAIT,
		     NULL);
	if (n <= 0)
		return;   /* EAGAIN, or an ICMP error now cleared */

	for (unsigned i = 0; i < (unsigned)n; i++)
		relay_one(mt, rr, si, ei, &mt->src[i], mt->buf[i],
			  mt->rx[i].msg_len,
			  mt->rx[i].msg_hdr.msg_flags & MSG_TRUNC, -1);
	flush(mt);
}

#ifdef HAVE_LIBURING
/*
 * With io_uring (Linux 6.1 or later) there is no epoll and no receive
 * call per wake-up: each socket has one standing multishot receive that
 * the kernel fills from a ring of buffers whenever a datagram comes, the
 * order eventfd and the frame clock have standing polls, and one
 * io_uring_enter() submits the turn's sends and collects whatever came
 * meanwhile.  With IORING_SETUP_DEFER_TASKRUN the receives themselves run
 * in that call, on this thread, and a waiting thread is only woken once
 * as many completions are due as it asked for.  A relayed datagram is sent
 * from the buffer it came in (IORING_OP_SEND with the address in the
 * entry, no msghdr to copy), and the buffer goes back to the ring when
 * the send completes.
 *
 * A relay closing or moving to another thread has its receives cancelled
 * first; its memory stays, and its CLOSE or MOVE waits (rr->parked), until
 * the last of them has completed, so no completion ever names freed
 * memory and no socket is closed under a request.
 */
#define UD_SEND (UINT64_C(1) << 63)   /* | rtp << 32 | buffer id */
enum { UD_NONE = 0, UD_ORDERS = 1, UD_CLOCK = 2, BGID = 0 };

static struct io_uring_sqe *ring_sqe(struct media_thread *mt)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(mt->ring);

	if (!sqe) {
		/* a full submission queue: send it on its way now */
		(void)io_uring_submit(mt->ring);
		sqe = io_uring_get_sqe(mt->ring);
	}
	if (!sqe)
		log_error("media", "thread %u: io_uring submission queue "
			  "full", mt->idx);
	return sqe;
}

static void buf_give(struct media_thread *mt, unsigned bid)
{
	io_uring_buf_ring_add(mt->br, mt->rbuf[bid], PKT_MAX, (uint16_t)bid,
			      io_uring_buf_ring_mask(RING_BUFS),
			      (int)mt->br_added++);
}

/* The buffers given back become the kernel's to fill. */
static void buf_publish(struct media_thread *mt)
{
	io_uring_buf_ring_advance(mt->br, (int)mt->br_added);
	mt->br_added = 0;
}

/* A standing receive on end tag (side << 1 | end) of rr; false without
   io_uring. */
static bool ring_arm(struct media_thread *mt, struct media_rrelay *rr,
		     unsigned tag)
{
	struct io_uring_sqe *sqe;

	if (!mt->ring)
		return false;
	sqe = ring_sqe(mt);
	if (!sqe)
		return true;   /* logged: the socket stays deaf */
	io_uring_prep_recvmsg_multishot(sqe,
		rr->side[tag >> 1].end[tag & 1].fd, &mt->ms_hdr, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, (uintptr_t)rr | tag);
	rr->armed++;
	mt->armed++;
	return true;
}

/* Registers rr's sockets as fixed files, which spares each send the
   look-up and reference count of its socket; without a free group the
   relay sends by descriptor. */
static void ring_files(struct media_thread *mt, struct media_rrelay *rr)
{
	int fds[4];

	if (!mt->ring || !mt->nfgroup_free)
		return;
	for (unsigned i = 0; i < 4; i++)
		fds[i] = rr->side[i >> 1].end[i & 1].fd;
	rr->fgroup = mt->fgroup_free[--mt->nfgroup_free];
	if (io_uring_register_files_update(mt->ring, 4u * (unsigned)rr->fgroup,
					   fds, 4) != 4) {
		mt->fgroup_free[mt->nfgroup_free++] = (uint16_t)rr->fgroup;
		rr->fgroup = -1;
	}
}

/* Before its sockets close or another thread takes them. */
static void ring_files_drop(struct media_thread *mt, struct media_rrelay *rr)
{
	static const int none[4] = {-1, -1, -1, -1};

	if (!mt->ring || rr->fgroup < 0)
		return;
	(void)io_uring_register_files_update(mt->ring,
		4u * (unsigned)rr->fgroup, (int *)none, 4);
	mt->fgroup_free[mt->nfgroup_free++] = (uint16_t)rr->fgroup;
	rr->fgroup = -1;
}

/* Cancels rr's receives; false if none is in flight (settled).  Each is
   named by its user data (ring_arm's): the kernel finds that in a hash,
   where a cancel by file walks every request of the ring, which made
   closing a relay cost in proportion to the calls up. */
static bool ring_cancel(struct media_thread *mt, struct media_rrelay *rr)
{
	if (!mt->ring || !rr->armed)
		return false;
	for (unsigned tag = 0; tag < 4; tag++) {
		struct io_uring_sqe *sqe = ring_sqe(mt);

		if (!sqe)
			break;
		io_uring_prep_cancel64(sqe, (uintptr_t)rr | tag, 0);
		io_uring_sqe_set_data64(sqe, UD_NONE);
	}
	return true;
}

static void tx_queue(struct media_thread *mt, struct side *o, int fd,
		     int fixed, const union media_sa *dest, const uint8_t *p,
		     size_t len, bool rtp, int bid)
{
	struct io_uring_sqe *sqe;

	if (bid < 0) {
		tx_batch(mt, o, fd, dest, p, len, rtp);
		return;
	}
	sqe = ring_sqe(mt);
	if (!sqe) {
		buf_give(mt, (unsigned)bid);
		return;
	}
	/* MSG_DONTWAIT: a full socket buffer loses the datagram, as the
	   network would, rather than parking the request in the kernel, so
	   the send is over when the io_uring_enter() that submits it
	   returns.  Only a failure completes (CQE_SKIP_SUCCESS): the
	   datagram is counted as sent now, and taken back then. */
	io_uring_prep_send(sqe, fixed >= 0 ? fixed : fd, p, len, MSG_DONTWAIT);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	if (fixed >= 0)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_prep_send_set_addr(sqe, &dest->sa, (uint16_t)msa_len(dest));
	io_uring_sqe_set_data64(sqe, UD_SEND | (uint64_t)rtp << 32 |
				(unsigned)bid);
	mt->rbuf_side[bid] = o;
	mt->rbuf_len[bid] = (uint16_t)len;
	mt->sent[mt->nsent++] = (uint16_t)bid;
	if (rtp) {
		o->tx_packets++;
		o->tx_bytes += len;
	}
}
#else
static bool ring_arm(struct media_thread *mt, struct media_rrelay *rr,
		     unsigned tag)
{
	(void)mt, (void)rr, (void)tag;
	return false;
}

static bool ring_cancel(struct media_thread *mt, struct media_rrelay *rr)
{
	(void)mt, (void)rr;
	return false;
}

static void ring_files(struct media_thread *mt, struct media_rrelay *rr)
{
	(void)mt, (void)rr;
}

static void ring_files_drop(struct media_thread *mt, struct media_rrelay *rr)
{
	(void)mt, (void)rr;
}

static void tx_queue(struct media_thread *mt, struct side *o, int fd,
		     int fixed, const union media_sa *dest, const uint8_t *p,
		     size_t len, bool rtp, int bid)
{
	(void)bid, (void)fixed;
	tx_batch(mt, o, fd, dest, p, len, rtp);
}
#endif

static void stats_fill(const struct media_rrelay *rr, struct media_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < 2; i++) {
		const struct side *s = &rr->side[i];
		struct media_side_stats *d = &st->side[i];
		const struct end *e = &s->end[END_RTP];

		d->rx_packets = s->rx_packets;
		d->rx_bytes = s->rx_bytes;
		d->tx_packets = s->tx_packets;
		d->tx_bytes = s->tx_bytes;
		d->rtcp_packets = s->rtcp_packets;
		d->dropped_foreign = s->dropped_foreign;
		d->dropped_other = s->dropped_other;
		d->lost = media_rx_lost(&s->rx);
		d->jitter_ms = media_rx_jitter_ms(&s->rx);
		d->rtcp_loss_pct = s->rtcp_loss_pct;
		d->rtcp_jitter_ms = s->rtcp_jitter_ms;
		d->rtt_ms = s->rtt_ms;
		d->latched = e->is_latched;
		if (e->is_latched)
			memcpy(&d->latched_addr, &e->latched,
			       msa_len(&e->latched));
		d->last_pt = s->last_pt;
	}
}

struct media_rrelay *media_rrelay_alloc(const int fds[4],
					struct media_relay *handle)
{
	struct media_rrelay *rr = calloc(1, sizeof(*rr));

	if (!rr)
		return NULL;
	rr->handle = handle;
	rr->fgroup = -1;
	for (unsigned i = 0; i < 2; i++) {
		struct side *s = &rr->side[i];

		s->end[END_RTP].fd = fds[2 * i];
		s->end[END_RTCP].fd = fds[2 * i + 1];
		s->rtcp_loss_pct = -1.0f;
		s->rtcp_jitter_ms = -1.0f;
		s->rtt_ms = -1.0f;
	}
	return rr;
}

static void rrelay_close_fds(struct media_rrelay *rr, int epfd)
{
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned k = 0; k < 2; k++) {
			int fd = rr->side[i].end[k].fd;

			if (fd < 0)
				continue;
			/* explicitly: a forked child holding a copy would
			   keep the registration alive after close() */
			if (epfd >= 0)
				(void)epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
			rr->side[i].end[k].fd = -1;
		}
	}
}

void media_rrelay_free(struct media_rrelay *rr)
{
	if (!rr)
		return;
	if (rr->proc)
		proc_free(NULL, rr);   /* detached: on no thread's lists */
	rrelay_close_fds(rr, -1);
	free(rr);
}

void media_msg_discard(struct media_msg *m)
{
	switch (m->type) {
	case MEDIA_MSG_PLAY:
		for (size_t i = 0; i < m->u.play.n; i++)
			if (m->u.play.clips[i].release)
				m->u.play.clips[i].release(
					m->u.play.clips[i].arg);
		free(m->u.play.clips);
		break;
	case MEDIA_MSG_REC_START:
		rec_close(m->u.rec.f, m->u.rec.done, m->u.rec.arg);
		break;
	case MEDIA_MSG_CONF_NEW:
		media_rconf_free(m->u.conf.rc);
		break;
	case MEDIA_MSG_CLOSE:
	case MEDIA_MSG_STOP:
		return;   /* not allocated */
	default:
		break;
	}
	free(m);
}

static void relay_add(struct media_thread *mt, struct media_rrelay *rr)
{
	rr->next = mt->relays;
	if (rr->next)
		rr->next->prev = rr;
	mt->relays = rr;
	ring_files(mt, rr);

	for (unsigned i = 0; i < 4; i++) {
		struct epoll_event ev = {
			.events = EPOLLIN,
			/* the relay is at least 4-aligned: the low bits say
			   which side and end; 0 is the order eventfd */
			.data.u64 = (uintptr_t)rr | i,
		};
		int fd = rr->side[i >> 1].end[i & 1].fd;

		if (ring_arm(mt, rr, i))
			continue;
		if (epoll_ctl(mt->epfd, EPOLL_CTL_ADD, fd, &ev))
			log_error("media", "thread %u: cannot watch a relay "
				  "socket: %s", mt->idx, strerror(errno));
	}
}

static void relay_unlink(struct media_thread *mt, struct media_rrelay *rr)
{
	if (rr->prev)
		rr->prev->next = rr->next;
	else
		mt->relays = rr->next;
	if (rr->next)
		rr->next->prev = rr->prev;
	rr->prev = rr->next = NULL;
}

/* What ends a relay's stay on this thread once no receive of it is in
   flight any more (at once without io_uring): a closed relay's sockets
   are closed and its CLOSE answered, its memory goes at the end of the
   turn; a moving relay's MOVE is handed back at the end of the turn
   (reap), when nothing of this turn can touch it any more. */
static void relay_settled(struct media_thread *mt, struct media_rrelay *rr)
{
	struct media_msg *m = rr->parked;

	rr->parked = NULL;
	ring_files_drop(mt, rr);
	if (rr->away) {
		m->next = mt->leaving;
		mt->leaving = m;
		return;
	}
	rrelay_close_fds(rr, mt->ring ? -1 : mt->epfd);
	rr->next = mt->dead;
	mt->dead = rr;
	if (m) {
		m->rr = NULL;
		mt->reply(m, mt->reply_arg);
	}
}

/* Leaving this thread's lists now; m (a CLOSE, a MOVE or NULL) is
   answered when the relay has settled. */
static void relay_park(struct media_thread *mt, struct media_rrelay *rr,
		       struct media_msg *m)
{
	relay_unlink(mt, rr);
	rr->parked = m;
	if (!ring_cancel(mt, rr))
		relay_settled(mt, rr);
}

/* Moving to another thread: out of every list and the epoll set of this
   one now, handed back when settled. */
static void relay_leave(struct media_thread *mt, struct media_msg *m)
{
	struct media_rrelay *rr = m->rr;

	proc_detach(mt, rr);
	if (!mt->ring)
		for (unsigned i = 0; i < 4; i++)
			(void)epoll_ctl(mt->epfd, EPOLL_CTL_DEL,
					rr->side[i >> 1].end[i & 1].fd, NULL);
	rr->away = true;
	relay_park(mt, rr, m);
}

/* Closing: the sockets close when settled; m (the CLOSE, or NULL when
   the thread stops) is answered then. */
static void relay_remove(struct media_thread *mt, struct media_rrelay *rr,
			 struct media_msg *m)
{
	if (rr->proc)
		proc_free(mt, rr);
	rr->dead = true;
	relay_park(mt, rr, m);
}

static void reap(struct media_thread *mt)
{
	while (mt->leaving) {
		struct media_msg *m = mt->leaving;

		mt->leaving = m->next;
		mt->reply(m, mt->reply_arg);
	}
	while (mt->dead) {
		struct media_rrelay *rr = mt->dead;

		mt->dead = rr->next;
		free(rr);
	}
}

static void set_peer(struct media_rrelay *rr, enum media_side si,
		     const struct media_peer_addrs *p)
{
	struct side *s = &rr->side[si];
	struct end *rtp = &s->end[END_RTP], *rtcp = &s->end[END_RTCP];

	/* a re-INVITE to a new address is a new path: learn it afresh;
	   the same address again (a codec change, hold) keeps the latch */
	if (!msa_eq(&rtp->sdp, &p->rtp))
		rtp->is_latched = false;
	if (!msa_eq(&rtcp->sdp, &p->rtcp))
		rtcp->is_latched = false;
	rtp->sdp = p->rtp;
	rtp->sdp_ok = msa_sendable(&p->rtp);
	rtcp->sdp = p->rtcp;
	rtcp->sdp_ok = msa_sendable(&p->rtcp);
	s->sig = p->sig;
	s->known = p->known;
	s->mux = p->rtcp_mux;
	s->send = p->send;
}

static void set_clock(struct side *s, uint8_t pt, uint32_t rate)
{
	unsigned i;

	for (i = 0; i < CLOCKS; i++)
		if (s->clk[i].rate && s->clk[i].pt == pt)
			break;
	if (i == CLOCKS) {
		/* full: the oldest entry gives way */
		i = s->clk_next;
		s->clk_next = (uint8_t)((s->clk_next + 1) % CLOCKS);
	}
	s->clk[i].pt = pt;
	s->clk[i].rate = rate;
}

/* Applies one order; replies reuse the message. */
static void order(struct media_thread *mt, struct media_msg *m)
{
	switch (m->type) {

	case MEDIA_MSG_ADD:
		relay_add(mt, m->rr);
		free(m);
		break;

	case MEDIA_MSG_PEER:
		set_peer(m->rr, m->side, &m->u.peer);
		free(m);
		break;

	case MEDIA_MSG_CLOCK:
		set_clock(&m->rr->side[m->side], m->u.clock.pt,
			  m->u.clock.rate);
		free(m);
		break;

	case MEDIA_MSG_STATS:
		stats_fill(m->rr, &m->stats);
		mt->reply(m, mt->reply_arg);
		break;

	case MEDIA_MSG_CLOSE:
		stats_fill(m->rr, &m->stats);
		relay_remove(mt, m->rr, m);
		break;

	case MEDIA_MSG_STOP:
		mt->stopping = true;   /* m is mt->stop: not allocated */
		break;

	case MEDIA_MSG_MOVE:
		relay_leave(mt, m);
		break;

	case MEDIA_MSG_ADOPT:
		m->rr->away = false;
		relay_add(mt, m->rr);
		proc_attach(mt, m->rr);
		free(m);
		break;

	default:
		if (!proc_order(mt, m) && !mixing_order(mt, m))
			free(m);
		break;
	}
}

static void orders(struct media_thread *mt)
{
	struct media_msg *m;
	uint64_t v;

	(void)!read(mt->evfd, &v, sizeof(v));

	pthread_mutex_lock(&mt->mu);
	m = mt->head;
	mt->head = NULL;
	mt->tail = &mt->head;
	pthread_mutex_unlock(&mt->mu);

	while (m) {
		struct media_msg *next = m->next;

		order(mt, m);
		m = next;
	}
}

static void clock_read(struct media_thread *mt)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	mt->now_us = (uint64_t)ts.tv_sec * 1000000 +
		     (uint64_t)ts.tv_nsec / 1000;
	mt->now_ms = mt->now_us / 1000;
}

/*
 * The frame clock: every 20 ms each active relay decodes, plays and
 * encodes one frame.  A thread that was late (a long turn, a preempted
 * core) catches up a few frames at once so that generated streams keep
 * their pace; beyond that the frames are lost, as a network would lose
 * them, rather than sent in a burst.
 */
static void frames(struct media_thread *mt)
{
	uint64_t due = 0;

	if (read(mt->tfd, &due, sizeof(due)) != sizeof(due) || !due)
		return;
	if (due > MAX_CATCH_UP)
		due = MAX_CATCH_UP;
	while (due--) {
		for (struct media_rrelay *rr = mt->active, *next; rr;
		     rr = next) {
			next = proc_next_active(rr);
			if (!rr->dead)
				proc_tick(mt, rr);
		}
		mixing_tick(mt);
	}
}

void thread_event(struct media_thread *mt, struct media_rrelay *rr,
		  const struct media_event *ev)
{
	struct media_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return;   /* an event lost under memory pressure */
	m->type = MEDIA_MSG_EVENT;
	m->handle = rr->handle;
	m->u.ev = *ev;
	mt->reply(m, mt->reply_arg);
}

void thread_send(struct media_thread *mt, struct media_rrelay *rr,
		 unsigned si, unsigned ei, const void *p, size_t len)
{
	struct side *s = &rr->side[si];
	const union media_sa *dest = end_dest(&s->end[ei]);

	(void)mt;
	if (!s->send || !dest)
		return;
	if (sendto(s->end[ei].fd, p, len, MSG_DONTWAIT, &dest->sa,
		   msa_len(dest)) == (ssize_t)len) {
		if (ei == END_RTP) {
			s->tx_packets++;
			s->tx_bytes += len;
		}
	}
}

#ifdef HAVE_LIBURING
static void ring_close(struct media_thread *mt)
{
	if (!mt->ring)
		return;
	io_uring_queue_exit(mt->ring);   /* the buffer ring goes with it */
	free(mt->ring);
	free(mt->br);
	free(mt->rbuf);
	mt->ring = NULL;
	mt->br = NULL;
	mt->rbuf = NULL;
}

static void ring_poll(struct media_thread *mt, int fd, uint64_t ud)
{
	struct io_uring_sqe *sqe = ring_sqe(mt);

	if (!sqe)
		return;
	io_uring_prep_poll_multishot(sqe, fd, POLLIN);
	io_uring_sqe_set_data64(sqe, ud);
}

/* Sets up the ring, its buffers and the standing polls; leaves mt->ring
   NULL (epoll then) on a kernel without them or when refused. */
static void ring_open(struct media_thread *mt)
{
	struct io_uring_params p = {
		/* one thread submits; receives run when it asks */
		.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE,
		.cq_entries = 4 * RING_BUFS,
	};
	struct io_uring_buf_reg reg = {.ring_entries = RING_BUFS,
				       .bgid = BGID};
	void *br = NULL;
	int err;

	mt->ring = calloc(1, sizeof(*mt->ring));
	mt->rbuf = malloc((size_t)RING_BUFS * PKT_MAX);
	if (!mt->ring || !mt->rbuf ||
	    posix_memalign(&br, (size_t)sysconf(_SC_PAGESIZE),
			   RING_BUFS * sizeof(struct io_uring_buf))) {
		err = ENOMEM;
		goto fail;
	}
	mt->br = br;
	/* before 6.1 the flags are refused: epoll and recvmmsg then */
	err = -io_uring_queue_init_params(RING_BATCH, mt->ring, &p);
	if (err)
		goto fail;
	reg.ring_addr = (uintptr_t)br;
	err = -io_uring_register_buf_ring(mt->ring, &reg, 0);
	if (err) {
		io_uring_queue_exit(mt->ring);
		goto fail;
	}
	io_uring_buf_ring_init(mt->br);
	for (unsigned i = 0; i < RING_BUFS; i++)
		buf_give(mt, i);
	buf_publish(mt);
	mt->ms_hdr.msg_namelen = sizeof(union media_sa);
	if (!io_uring_register_files_sparse(mt->ring, 4 * RING_FILE_GROUPS))
		for (unsigned g = RING_FILE_GROUPS; g-- > 0;)
			mt->fgroup_free[mt->nfgroup_free++] = (uint16_t)g;
	ring_poll(mt, mt->evfd, UD_ORDERS);
	ring_poll(mt, mt->tfd, UD_CLOCK);
	return;

 fail:
	log_info("media", "thread %u: no io_uring receive rings (%s): "
		 "epoll and one system call per socket", mt->idx,
		 strerror(err));
	free(mt->ring);
	free(br);
	free(mt->rbuf);
	mt->ring = NULL;
	mt->br = NULL;
	mt->rbuf = NULL;
}

/* A datagram (or the end of a standing receive) on one of rr's sockets. */
static void ring_rx(struct media_thread *mt, const struct io_uring_cqe *cqe)
{
	struct media_rrelay *rr = (struct media_rrelay *)
		(uintptr_t)(cqe->user_data & ~(uint64_t)3);
	unsigned tag = (unsigned)(cqe->user_data & 3), bid;
	struct io_uring_recvmsg_out *out;
	bool live = !rr->dead && !rr->away;

	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		/* ended: cancelled, out of buffers, a full completion
		   queue, an ICMP error reported on the socket */
		rr->armed--;
		mt->armed--;
		if (live && !mt->stopping)
			ring_arm(mt, rr, tag);
		else if (!rr->armed && rr->parked)
			relay_settled(mt, rr);
	}
	if (!(cqe->flags & IORING_CQE_F_BUFFER))
		return;
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	out = io_uring_recvmsg_validate(mt->rbuf[bid], cqe->res, &mt->ms_hdr);
	if (!live || cqe->res <= 0 || !out ||
	    out->namelen > sizeof(union media_sa) ||
	    !relay_one(mt, rr, tag >> 1, tag & 1,
		       io_uring_recvmsg_name(out),
		       io_uring_recvmsg_payload(out, &mt->ms_hdr),
		       io_uring_recvmsg_payload_length(out, cqe->res,
						       &mt->ms_hdr),
		       out->flags & MSG_TRUNC, (int)bid))
		buf_give(mt, bid);
}

/* A send failed: the datagram is lost, as in flush(), and not sent. */
static void ring_tx(struct media_thread *mt, const struct io_uring_cqe *cqe)
{
	unsigned bid = (unsigned)(cqe->user_data & 0xffff);
	struct side *o = mt->rbuf_side[bid];

	if (cqe->res < 0 && (cqe->user_data >> 32 & 1)) {
		o->tx_packets--;
		o->tx_bytes -= mt->rbuf_len[bid];
	}
}

/*
 * One turn: what came since the last.  Orders go first so that a peer set
 * before its first packet arrived applies to that packet, the frame clock
 * last so that what came before the tick is in its frame.  Returns the
 * completions seen.
 */
static unsigned ring_turn(struct media_thread *mt)
{
	unsigned n = io_uring_peek_batch_cqe(mt->ring, mt->cqes, RING_BATCH);
	bool ord = false, tick = false;

	for (unsigned i = 0; i < n; i++) {
		const struct io_uring_cqe *c = mt->cqes[i];
		bool again = !(c->flags & IORING_CQE_F_MORE) &&
			     !mt->stopping;

		if (c->user_data == UD_ORDERS) {
			ord |= c->res > 0;
			if (again)
				ring_poll(mt, mt->evfd, UD_ORDERS);
		}
		else if (c->user_data == UD_CLOCK) {
			tick |= c->res > 0;
			if (again)
				ring_poll(mt, mt->tfd, UD_CLOCK);
		}
		else if (c->user_data & UD_SEND) {
			/* before the orders read the counters */
			ring_tx(mt, c);
		}
	}
	/* the last turn's sends were submitted and done by now: their
	   buffers may take datagrams again */
	for (unsigned i = 0; i < mt->nsent; i++)
		buf_give(mt, mt->sent[i]);
	mt->nsent = 0;
	if (!n) {
		io_uring_buf_ring_advance(mt->br, (int)mt->br_added);
		mt->br_added = 0;
		return 0;
	}
	clock_read(mt);
	if (ord && !mt->stopping)
		orders(mt);
	for (unsigned i = 0; i < n; i++) {
		const struct io_uring_cqe *c = mt->cqes[i];

		if (!(c->user_data & UD_SEND) && c->user_data > UD_CLOCK)
			ring_rx(mt, c);
	}
	io_uring_cq_advance(mt->ring, n);
	buf_publish(mt);
	if (tick)
		frames(mt);
	reap(mt);
	return n;
}

static void ring_loop(struct media_thread *mt)
{
	unsigned n = 0;

	while (!mt->stopping || mt->armed) {
		struct io_uring_cqe *cqe;
		int r;

		/*
		 * The media tick: a turn that found a few completions waits
		 * for more, MEDIA_TICK_US at most, rather than waking for
		 * each datagram; a busy thread or an idle one (which must
		 * sleep until something comes) does not.
		 */
		if (n && n < RING_GATHER) {
			struct __kernel_timespec ts = {
				0, MEDIA_TICK_US * 1000L};

			r = io_uring_submit_and_wait_timeout(mt->ring, &cqe,
						RING_GATHER, &ts, NULL);
		}
		else {
			r = io_uring_submit_and_wait(mt->ring, 1);
		}
		if (r < 0 && r != -EINTR && r != -ETIME && r != -EAGAIN &&
		    r != -EBUSY) {
			log_error("media", "thread %u: io_uring: %s", mt->idx,
				  strerror(-r));
			struct timespec ts = {0, 1000000L};
			(void)nanosleep(&ts, NULL);
		}
		n = ring_turn(mt);
		if (mt->stopping && !mt->draining) {
			/* every receive ends before the ring does, so that
			   no socket outlives its close in the kernel */
			struct io_uring_sqe *sqe = ring_sqe(mt);

			if (sqe) {
				io_uring_prep_cancel64(sqe, 0,
					IORING_ASYNC_CANCEL_ANY);
				io_uring_sqe_set_data64(sqe, UD_NONE);
			}
			mt->draining = true;
			n = 0;
		}
	}
	ring_close(mt);
}
#endif

static void epoll_loop(struct media_thread *mt)
{
	struct epoll_event ev[EVENTS];

	while (!mt->stopping) {
		int n = epoll_wait(mt->epfd, ev, EVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("media", "thread %u: epoll_wait: %s",
				  mt->idx, strerror(errno));
			break;
		}
		clock_read(mt);
		for (int i = 0; i < n; i++) {
			if (!ev[i].data.u64) {
				orders(mt);
				break;
			}
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;
			struct media_rrelay *rr = (struct media_rrelay *)
				(uintptr_t)(tag & ~(uint64_t)3);

			if (tag == TAG_CLOCK) {
				frames(mt);
				continue;
			}
			if (!tag || rr->dead || rr->away)
				continue;
			readable(mt, rr, (unsigned)(tag >> 1 & 1),
				 (unsigned)(tag & 1));
		}
		reap(mt);
		/*
		 * The media tick: under light load each wake-up finds one
		 * socket with one packet, and the wake-ups cost more than
		 * the packets.  Pausing a moment lets the next wake-up
		 * collect every socket that became ready meanwhile (at most
		 * MEDIA_TICK_US of added delay); a busy thread never pauses.
		 */
		if (n > 0 && n < EVENTS / 2) {
			struct timespec ts = {0, MEDIA_TICK_US * 1000L};
			(void)nanosleep(&ts, NULL);
		}
	}
}

static void *thread_main(void *arg)
{
	struct media_thread *mt = arg;
	char name[16];

	snprintf(name, sizeof(name), "centrexd-rtp%u", mt->idx);
	pthread_setname_np(pthread_self(), name);
#ifdef HAVE_LIBURING
	ring_open(mt);   /* here: its one submitter is this thread */
	if (mt->ring) {
		ring_loop(mt);
		return NULL;
	}
#endif
	epoll_loop(mt);
	return NULL;
}

static void thread_free(struct media_thread *mt)
{
	if (mt->epfd >= 0)
		close(mt->epfd);
	if (mt->evfd >= 0)
		close(mt->evfd);
	if (mt->tfd >= 0)
		close(mt->tfd);
	pthread_mutex_destroy(&mt->mu);
	free(mt->buf);
	free(mt);
}

int media_thread_start(struct media_thread **mtp, unsigned idx,
		       media_reply_h *reply, void *arg)
{
	struct media_thread *mt;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
	sigset_t all, old;
	int err;

	mt = calloc(1, sizeof(*mt));
	if (!mt)
		return ENOMEM;
	mt->idx = idx;
	mt->reply = reply;
	mt->reply_arg = arg;
	mt->tail = &mt->head;
	pthread_mutex_init(&mt->mu, NULL);
	mt->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	mt->epfd = epoll_create1(EPOLL_CLOEXEC);
	mt->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	mt->buf = malloc((size_t)SLOTS * PKT_MAX);
	if (mt->evfd < 0 || mt->epfd < 0 || mt->tfd < 0) {
		err = errno;
		goto out;
	}
	if (!mt->buf) {
		err = ENOMEM;
		goto out;
	}
	if (epoll_ctl(mt->epfd, EPOLL_CTL_ADD, mt->evfd, &ev)) {
		err = errno;
		goto out;
	}
	ev.data.u64 = TAG_CLOCK;
	if (epoll_ctl(mt->epfd, EPOLL_CTL_ADD, mt->tfd, &ev) ||
	    timerfd_settime(mt->tfd, 0, &frame_clock, NULL)) {
		err = errno;
		goto out;
	}

	/* the receive side of the batch never changes but for the
	   address lengths, which recvmmsg overwrites */
	for (unsigned i = 0; i < SLOTS; i++) {
		mt->rx_iov[i] = (struct iovec){mt->buf[i], PKT_MAX};
		mt->rx[i].msg_hdr = (struct msghdr){
			.msg_name = &mt->src[i],
			.msg_namelen = sizeof(mt->src[i]),
			.msg_iov = &mt->rx_iov[i],
			.msg_iovlen = 1,
		};
	}

	/* signals are for the signalling thread only */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&mt->tid, NULL, thread_main, mt);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

 out:
	if (err) {
		thread_free(mt);
		return err;
	}
	*mtp = mt;
	return 0;
}

void media_thread_send(struct media_thread *mt, struct media_msg *m)
{
	uint64_t one = 1;
	bool wake;

	m->next = NULL;
	pthread_mutex_lock(&mt->mu);
	wake = !mt->head;   /* else a wake-up is already on its way */
	*mt->tail = m;
	mt->tail = &m->next;
	pthread_mutex_unlock(&mt->mu);
	if (wake)
		(void)!write(mt->evfd, &one, sizeof(one));
}

void media_thread_stop(struct media_thread *mt)
{
	if (!mt)
		return;
	mt->stop.type = MEDIA_MSG_STOP;
	media_thread_send(mt, &mt->stop);
	pthread_join(mt->tid, NULL);

	/* Orders that came after the stop are still carried out here, so
	   that each gets its answer and each socket is closed by one path;
	   the engine discards the answers. */
	orders(mt);
	mixing_stop(mt);
	while (mt->relays)
		relay_remove(mt, mt->relays, NULL);
	reap(mt);
	thread_free(mt);
}
