/**
 * @file test_relay.c  The RTP relay end to end on loopback.
 *
 * Plain UDP sockets play the two phones; the relay runs on its media
 * threads as in the daemon, and the test thread runs a libre loop only
 * while it waits for counters (which arrive through libre's fd_listen).
 * Other loopback addresses (127.0.0.2, .3) stand in for strangers.
 */
#include <re.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "media/media.h"
#include "support.h"

/* an unusual range, away from what the black-box tests use */
enum { PORT_LO = 47000, PORT_HI = 47099 };

struct waiter {
	bool done;
	unsigned calls;
	struct media_stats st;
};

static void stats_h(const struct media_stats *st, void *arg)
{
	struct waiter *w = arg;

	w->st = *st;
	w->done = true;
	w->calls++;
}

static void run_until(bool *flag, unsigned ms)
{
	support_run_until(flag, ms);
}

static void get_stats(struct media_relay *r, struct media_stats *st)
{
	struct waiter w = {0};

	assert_int_equal(media_relay_stats(r, stats_h, &w), 0);
	run_until(&w.done, 2000);
	assert_true(w.done);
	*st = w.st;
}

static void close_wait(struct media_relay *r, struct media_stats *st)
{
	struct waiter w = {0};

	media_relay_close(r, stats_h, &w);
	run_until(&w.done, 2000);
	assert_true(w.done);
	if (st)
		*st = w.st;
}

static void msleep(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static unsigned port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static socklen_t len_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
}

static void addr_of(struct sockaddr_storage *ss, const char *ip,
		    unsigned port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *in6 = (void *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
	}
	else {
		struct sockaddr_in *in = (void *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET, ip, &in->sin_addr), 1);
	}
}

/* A phone's socket on ip, any port; its address in *ss. */
static int phone(const char *ip, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);
	int fd;

	addr_of(ss, ip, 0);
	fd = socket(ss->ss_family, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)ss, len_of(ss)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)ss, &len), 0);
	return fd;
}

static void send_to(int fd, const void *p, size_t n,
		    const struct sockaddr_storage *to)
{
	assert_int_equal(sendto(fd, p, n, 0, (const struct sockaddr *)to,
				len_of(to)), (ssize_t)n);
}

/* One datagram within ms, or -1. */
static ssize_t recv_within(int fd, uint8_t *buf, size_t size,
			   struct sockaddr_storage *from, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	socklen_t len = sizeof(*from);

	if (poll(&pfd, 1, ms) != 1)
		return -1;
	return recvfrom(fd, buf, size, 0, (struct sockaddr *)from, &len);
}

static size_t rtp_build(uint8_t *b, uint8_t pt, uint16_t seq, uint32_t ts,
			uint32_t ssrc, size_t payload)
{
	b[0] = 0x80;
	b[1] = pt;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	for (size_t i = 0; i < payload; i++)
		b[12 + i] = (uint8_t)(seq + i * 7);
	return 12 + payload;
}

/* An RR from ssrc about `about`: fraction lost and jitter. */
static size_t rr_build(uint8_t *b, uint32_t ssrc, uint32_t about,
		       uint8_t fraction, uint32_t jitter)
{
	memset(b, 0, 32);
	b[0] = 0x81;
	b[1] = 201;
	b[3] = 7;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(about >> (24 - 8 * i));
		b[20 + i] = (uint8_t)(jitter >> (24 - 8 * i));
	}
	b[12] = fraction;
	return 32;
}

static struct media_peer peer_of(const struct sockaddr_storage *rtp,
				 const char *sig_ip, bool mux)
{
	struct media_peer p = {.rtp = *rtp, .rtcp_mux = mux, .send = true};

	if (sig_ip)
		addr_of(&p.sig, sig_ip, 5060);
	return p;
}

/* Everything a test needs: an engine, a relay, both sides' addresses. */
struct rig {
	struct media_engine *me;
	struct media_relay *r;
	struct sockaddr_storage la_rtp, la_rtcp, lb_rtp, lb_rtcp;
	int fa, fb;                       /**< rig_call's phones, -1: none */
	struct sockaddr_storage pa, pb;   /**< and their addresses */
};

static void rig_up(struct rig *g, const char *ip)
{
	memset(g, 0, sizeof(*g));
	g->fa = g->fb = -1;
	assert_int_equal(media_start(&g->me, ip, PORT_LO, PORT_HI, 2), 0);
	assert_int_equal(media_relay_alloc(g->me, &g->r), 0);
	media_relay_local(g->r, MEDIA_A, &g->la_rtp, &g->la_rtcp);
	media_relay_local(g->r, MEDIA_B, &g->lb_rtp, &g->lb_rtcp);
}

static void rig_down(struct rig *g)
{
	if (g->fa >= 0)
		close(g->fa);
	if (g->fb >= 0)
		close(g->fb);
	if (g->r)
		close_wait(g->r, NULL);
	media_stop(g->me);
}

/* Sets a side's peer and waits until the media thread has applied it
   (orders are carried out in order, so a stats answer proves it). */
static void set_peer(struct rig *g, enum media_side side,
		     const struct media_peer *p)
{
	struct media_stats st;

	assert_int_equal(media_relay_set_peer(g->r, side, p), 0);
	get_stats(g->r, &st);
}

/* A plain call: the rig, and a phone on phone_ip for each side, known as
   its peer (side A's signalling from a_sig, if given). */
static void rig_call(struct rig *g, const char *ip, const char *phone_ip,
		     const char *a_sig)
{
	struct media_peer p;

	rig_up(g, ip);
	g->fa = phone(phone_ip, &g->pa);
	g->fb = phone(phone_ip, &g->pb);
	p = peer_of(&g->pa, a_sig, false);
	set_peer(g, MEDIA_A, &p);
	p = peer_of(&g->pb, NULL, false);
	set_peer(g, MEDIA_B, &p);
}

static void test_both_ways(void **state)
{
	struct sockaddr_storage from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct rig g;
	size_t n;
	(void)state;

	rig_call(&g, "127.0.0.1", "127.0.0.1", NULL);
	assert_int_equal(port_of(&g.la_rtp) % 2, 0);
	assert_int_equal(port_of(&g.la_rtcp), port_of(&g.la_rtp) + 1);
	assert_int_equal(port_of(&g.lb_rtcp), port_of(&g.lb_rtp) + 1);
	assert_int_not_equal(port_of(&g.la_rtp), port_of(&g.lb_rtp));
	assert_int_equal(media_relay_count(g.me), 1);

	/* A to B: the same bytes, from our B port */
	n = rtp_build(out, 0, 1, 160, 0xa, 160);
	send_to(g.fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(g.fb, in, sizeof(in), &from, 1000), n);
	assert_memory_equal(in, out, n);
	assert_int_equal(port_of(&from), port_of(&g.lb_rtp));

	/* B to A, from our A port */
	n = rtp_build(out, 8, 77, 1000, 0xb, 80);
	send_to(g.fb, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(g.fa, in, sizeof(in), &from, 1000), n);
	assert_memory_equal(in, out, n);
	assert_int_equal(port_of(&from), port_of(&g.la_rtp));

	get_stats(g.r, &st);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1);
	assert_int_equal(st.side[MEDIA_A].rx_bytes, 172);
	assert_int_equal(st.side[MEDIA_A].tx_packets, 1);
	assert_int_equal(st.side[MEDIA_A].tx_bytes, 92);
	assert_int_equal(st.side[MEDIA_B].rx_packets, 1);
	assert_int_equal(st.side[MEDIA_B].tx_packets, 1);
	assert_int_equal(st.side[MEDIA_B].last_pt, 8);
	assert_true(st.side[MEDIA_A].latched);
	assert_int_equal(port_of(&st.side[MEDIA_A].latched_addr),
			 port_of(&g.pa));
	assert_int_equal(st.side[MEDIA_A].lost, 0);
	assert_true(st.side[MEDIA_A].rtcp_loss_pct < 0);
	assert_true(st.side[MEDIA_A].rtcp_jitter_ms < 0);

	rig_down(&g);
}

static void test_latch_to_real_source(void **state)
{
	struct sockaddr_storage sdp, real, pb, from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct media_peer p;
	struct rig g;
	int fsdp, freal, fb;
	size_t n;
	(void)state;

	rig_up(&g, "127.0.0.1");
	/* A's SDP names one port; A really sends from another (NAT) */
	fsdp = phone("127.0.0.1", &sdp);
	freal = phone("127.0.0.1", &real);
	fb = phone("127.0.0.1", &pb);
	p = peer_of(&sdp, NULL, false);
	set_peer(&g, MEDIA_A, &p);
	p = peer_of(&pb, NULL, false);
	set_peer(&g, MEDIA_B, &p);

	/* before A has sent anything, B's packets go to the SDP address */
	n = rtp_build(out, 0, 1, 160, 0xb, 20);
	send_to(fb, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(fsdp, in, sizeof(in), &from, 1000), n);

	/* A's first packet from its real port teaches us where it is */
	n = rtp_build(out, 0, 1, 160, 0xa, 20);
	send_to(freal, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 1000), n);

	n = rtp_build(out, 0, 2, 320, 0xb, 20);
	send_to(fb, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(freal, in, sizeof(in), &from, 1000), n);
	assert_int_equal(recv_within(fsdp, in, sizeof(in), &from, 50), -1);

	get_stats(g.r, &st);
	assert_true(st.side[MEDIA_A].latched);
	assert_int_equal(port_of(&st.side[MEDIA_A].latched_addr),
			 port_of(&real));

	close(fsdp);
	close(freal);
	close(fb);
	rig_down(&g);
}

static void test_foreign_dropped(void **state)
{
	struct sockaddr_storage pa, pa2, pb, stranger, from, sdp;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct media_peer p;
	struct rig g;
	int fa, fa2, fb, fs;
	size_t n;
	(void)state;

	rig_up(&g, "127.0.0.1");
	fa = phone("127.0.0.1", &pa);
	fa2 = phone("127.0.0.1", &pa2);
	fb = phone("127.0.0.2", &pb);
	fs = phone("127.0.0.3", &stranger);

	p = peer_of(&pa, NULL, false);
	set_peer(&g, MEDIA_A, &p);
	/* B announces an address it never sends from; its SIP came from
	   127.0.0.2, where its media comes from too */
	addr_of(&sdp, "192.0.2.1", 4000);
	p = peer_of(&sdp, "127.0.0.2", false);
	set_peer(&g, MEDIA_B, &p);

	/* a stranger before anyone latched: dropped, not learnt */
	n = rtp_build(out, 0, 1, 160, 0x5, 20);
	send_to(fs, out, n, &g.la_rtp);
	send_to(fs, out, n, &g.la_rtcp);
	/* B from its signalling address is learnt */
	send_to(fb, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(fa, in, sizeof(in), &from, 1000), n);

	/* A latches; then another port of A's own address, while A is
	   still talking, is a hijack attempt */
	send_to(fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 1000), n);
	send_to(fa2, out, n, &g.la_rtp);
	send_to(fs, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 100), -1);
	assert_int_equal(recv_within(fa, in, sizeof(in), &from, 1), -1);

	get_stats(g.r, &st);
	assert_int_equal(st.side[MEDIA_A].dropped_foreign, 3);
	assert_int_equal(st.side[MEDIA_B].dropped_foreign, 1);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1);
	assert_true(st.side[MEDIA_B].latched);
	assert_int_equal(port_of(&st.side[MEDIA_B].latched_addr),
			 port_of(&pb));

	/* after 2 s of silence from A, its new port is taken (NAT
	   rebinding); a stranger still is not */
	msleep(2100);
	send_to(fs, out, n, &g.la_rtp);
	send_to(fa2, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 1000), n);
	get_stats(g.r, &st);
	assert_int_equal(st.side[MEDIA_A].dropped_foreign, 4);
	assert_int_equal(port_of(&st.side[MEDIA_A].latched_addr),
			 port_of(&pa2));

	close(fa);
	close(fa2);
	close(fb);
	close(fs);
	rig_down(&g);
}

static void test_rtcp_mux_and_separate(void **state)
{
	struct sockaddr_storage pa, pb, pb_rtcp, from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct media_peer p;
	struct rig g;
	int fa, fb, fb_rtcp;
	size_t n;
	(void)state;

	rig_up(&g, "127.0.0.1");
	fa = phone("127.0.0.1", &pa);          /* rtcp-mux */
	fb = phone("127.0.0.1", &pb);          /* classic: RTCP apart */
	fb_rtcp = phone("127.0.0.1", &pb_rtcp);
	p = peer_of(&pa, NULL, true);
	set_peer(&g, MEDIA_A, &p);
	p = peer_of(&pb, NULL, false);
	p.rtcp = pb_rtcp;
	set_peer(&g, MEDIA_B, &p);

	/* some RTP each way first, so the SSRCs are known */
	n = rtp_build(out, 0, 1, 160, 0xa, 20);
	send_to(fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 1000), n);
	n = rtp_build(out, 0, 1, 160, 0xb, 20);
	send_to(fb, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(fa, in, sizeof(in), &from, 1000), n);

	/* A's RTCP on its RTP port goes to B's RTCP port, from ours */
	n = rr_build(out, 0xa, 0xb, 64, 800);
	send_to(fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb_rtcp, in, sizeof(in), &from, 1000),
			 n);
	assert_memory_equal(in, out, n);
	assert_int_equal(port_of(&from), port_of(&g.lb_rtcp));
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 50), -1);

	/* B's RTCP on our RTCP port goes to A's RTP port (mux) */
	n = rr_build(out, 0xb, 0xa, 128, 160);
	send_to(fb_rtcp, out, n, &g.lb_rtcp);
	assert_int_equal(recv_within(fa, in, sizeof(in), &from, 1000), n);
	assert_memory_equal(in, out, n);
	assert_int_equal(port_of(&from), port_of(&g.la_rtp));

	get_stats(g.r, &st);
	assert_int_equal(st.side[MEDIA_A].rtcp_packets, 1);
	assert_int_equal(st.side[MEDIA_B].rtcp_packets, 1);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1);  /* RTCP apart */
	assert_int_equal(st.side[MEDIA_A].tx_packets, 1);
	assert_true(st.side[MEDIA_A].rtcp_loss_pct > 24.9 &&
		    st.side[MEDIA_A].rtcp_loss_pct < 25.1);
	assert_true(st.side[MEDIA_A].rtcp_jitter_ms > 99.9 &&
		    st.side[MEDIA_A].rtcp_jitter_ms < 100.1);
	assert_true(st.side[MEDIA_B].rtcp_loss_pct > 49.9 &&
		    st.side[MEDIA_B].rtcp_loss_pct < 50.1);
	assert_true(st.side[MEDIA_B].rtcp_jitter_ms > 19.9 &&
		    st.side[MEDIA_B].rtcp_jitter_ms < 20.1);

	close(fa);
	close(fb);
	close(fb_rtcp);
	rig_down(&g);
}

static void test_loss_and_jitter(void **state)
{
	struct sockaddr_storage from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct rig g;
	unsigned got = 0;
	(void)state;

	rig_call(&g, "127.0.0.1", "127.0.0.1", NULL);
	/* A's dynamic payload type runs at 16 kHz */
	assert_int_equal(media_relay_set_clock(g.r, MEDIA_A, 96, 16000), 0);

	/* 30 packets paced 20 ms apart in RTP time, sent 5 or 35 ms
	   apart in real time, three of them never sent */
	for (uint16_t s = 0; s < 30; s++) {
		size_t n = rtp_build(out, 96, s, s * 320u, 0xa, 40);

		if (s == 4 || s == 5 || s == 20)
			continue;
		send_to(g.fa, out, n, &g.la_rtp);
		msleep(s & 1 ? 5 : 35);
	}
	while (recv_within(g.fb, in, sizeof(in), &from, 200) > 0)
		got++;
	assert_int_equal(got, 27);

	get_stats(g.r, &st);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 27);
	assert_int_equal(st.side[MEDIA_A].lost, 3);
	assert_true(st.side[MEDIA_A].jitter_ms > 2.0);
	assert_true(st.side[MEDIA_A].jitter_ms < 40.0);
	assert_int_equal(st.side[MEDIA_A].last_pt, 96);
	assert_int_equal(st.side[MEDIA_B].lost, 0);

	rig_down(&g);
}

static void test_malformed(void **state)
{
	struct sockaddr_storage pa, pb, from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct media_peer p;
	struct rig g;
	int fa, fb;
	size_t n;
	(void)state;

	rig_up(&g, "127.0.0.1");
	fa = phone("127.0.0.1", &pa);
	fb = phone("127.0.0.1", &pb);

	/* no peer known yet: dropped */
	n = rtp_build(out, 0, 1, 160, 0xa, 20);
	send_to(fa, out, n, &g.la_rtp);
	msleep(20);

	p = peer_of(&pa, NULL, false);
	set_peer(&g, MEDIA_A, &p);
	p = peer_of(&pb, NULL, false);
	set_peer(&g, MEDIA_B, &p);

	send_to(fa, "xyz", 3, &g.la_rtp);              /* too short */
	n = rtp_build(out, 0, 2, 320, 0xa, 20);
	out[0] = 0x40;                                 /* version 1 */
	send_to(fa, out, n, &g.la_rtp);
	out[0] = 0x8f;                                 /* 15 CSRCs */
	send_to(fa, out, n, &g.la_rtp);
	out[0] = 0x90;                                 /* extension */
	out[14] = 0x10;                                /* 4096 words */
	send_to(fa, out, n, &g.la_rtp);
	out[0] = 0x80;
	send_to(fa, out, n, &g.la_rtcp);               /* RTP, RTCP port */
	n = rr_build(out, 0xa, 0xb, 0, 0);
	out[3] = 40;                                   /* longer than sent */
	send_to(fa, out, n, &g.la_rtp);
	send_to(fa, out, 0, &g.la_rtp);                /* empty */
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 100), -1);

	/* and a good one still passes */
	n = rtp_build(out, 0, 3, 480, 0xa, 20);
	send_to(fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 1000), n);

	get_stats(g.r, &st);
	assert_int_equal(st.side[MEDIA_A].dropped_other, 8);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1);
	assert_int_equal(st.side[MEDIA_A].dropped_foreign, 0);

	close(fa);
	close(fb);
	rig_down(&g);
}

static void test_hold_and_reinvite(void **state)
{
	struct sockaddr_storage pb2, from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct media_peer p;
	struct rig g;
	int fb2;
	size_t n;
	(void)state;

	rig_call(&g, "127.0.0.1", "127.0.0.1", NULL);
	fb2 = phone("127.0.0.1", &pb2);

	n = rtp_build(out, 0, 1, 160, 0xb, 20);
	send_to(g.fb, out, n, &g.lb_rtp);
	assert_int_equal(recv_within(g.fa, in, sizeof(in), &from, 1000), n);

	/* B on hold (inactive): nothing goes to it */
	p = peer_of(&g.pb, NULL, false);
	p.send = false;
	set_peer(&g, MEDIA_B, &p);
	n = rtp_build(out, 0, 1, 160, 0xa, 20);
	send_to(g.fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(g.fb, in, sizeof(in), &from, 100), -1);

	/* re-INVITE: B moves to another port; counters stay, the latch
	   goes, and packets follow the new SDP at once */
	p = peer_of(&pb2, NULL, false);
	set_peer(&g, MEDIA_B, &p);
	get_stats(g.r, &st);
	assert_false(st.side[MEDIA_B].latched);
	assert_int_equal(st.side[MEDIA_B].rx_packets, 1);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1);

	n = rtp_build(out, 0, 2, 320, 0xa, 20);
	send_to(g.fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(fb2, in, sizeof(in), &from, 1000), n);
	assert_int_equal(recv_within(g.fb, in, sizeof(in), &from, 50), -1);

	close(fb2);
	rig_down(&g);
}

static void test_close_reuse_enospc(void **state)
{
	struct sockaddr_storage pa, pb, from, a1, a2;
	struct media_relay *r1, *r2, *r3;
	struct media_engine *me;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct media_peer p;
	int fa, fb;
	size_t n;
	(void)state;

	/* 8 ports: 4 pairs, 2 relays */
	assert_int_equal(media_start(&me, "127.0.0.1", 47101, 47109, 1), 0);
	assert_int_equal(media_ports_free(me), 8);
	assert_int_equal(media_relay_alloc(me, &r1), 0);
	assert_int_equal(media_relay_alloc(me, &r2), 0);
	assert_int_equal(media_relay_alloc(me, &r3), ENOSPC);
	assert_int_equal(media_ports_free(me), 0);
	assert_int_equal(media_relay_count(me), 2);
	media_relay_local(r1, MEDIA_A, &a1, NULL);
	assert_true(port_of(&a1) >= 47102 && port_of(&a1) <= 47108);

	fa = phone("127.0.0.1", &pa);
	fb = phone("127.0.0.1", &pb);
	p = peer_of(&pa, NULL, false);
	assert_int_equal(media_relay_set_peer(r1, MEDIA_A, &p), 0);
	p = peer_of(&pb, NULL, false);
	assert_int_equal(media_relay_set_peer(r1, MEDIA_B, &p), 0);
	get_stats(r1, &st);
	n = rtp_build(out, 0, 1, 160, 0xa, 20);
	send_to(fa, out, n, &a1);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 1000), n);

	/* the final counters come with the close; only then the ports */
	close_wait(r1, &st);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1);
	assert_int_equal(st.side[MEDIA_B].tx_packets, 1);
	assert_int_equal(media_relay_count(me), 1);
	assert_int_equal(media_ports_free(me), 4);

	/* the closed relay's sockets are really gone */
	send_to(fa, out, n, &a1);
	assert_int_equal(recv_within(fb, in, sizeof(in), &from, 50), -1);

	assert_int_equal(media_relay_alloc(me, &r3), 0);
	media_relay_local(r3, MEDIA_A, &a2, NULL);
	assert_int_equal(port_of(&a2), port_of(&a1));

	media_relay_close(r2, NULL, NULL);
	close_wait(r3, NULL);
	assert_int_equal(media_ports_free(me), 8);
	assert_int_equal(media_relay_count(me), 0);

	close(fa);
	close(fb);
	media_stop(me);
}

static void test_busy_port_skipped(void **state)
{
	struct sockaddr_storage busy, a, b;
	struct media_relay *r1, *r2;
	struct media_engine *me;
	int fd;
	(void)state;

	/* someone else holds the RTCP port of the first pair */
	addr_of(&busy, "127.0.0.1", 47121);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&busy, len_of(&busy)),
			 0);

	assert_int_equal(media_start(&me, "127.0.0.1", 47120, 47127, 1), 0);
	assert_int_equal(media_relay_alloc(me, &r1), 0);
	media_relay_local(r1, MEDIA_A, &a, NULL);
	media_relay_local(r1, MEDIA_B, &b, NULL);
	assert_int_not_equal(port_of(&a), 47120);
	assert_int_not_equal(port_of(&b), 47120);
	/* one good pair left, and the busy one: not enough */
	assert_int_equal(media_relay_alloc(me, &r2), ENOSPC);
	assert_int_equal(media_ports_free(me), 4);

	close_wait(r1, NULL);
	close(fd);
	media_stop(me);
}

static void test_stats_then_close(void **state)
{
	struct waiter ws = {0}, wc = {0};
	struct rig g;
	(void)state;

	/* counters asked for, then the relay closed: only the close
	   answers, since the caller has let go of the handle */
	rig_up(&g, "127.0.0.1");
	assert_int_equal(media_relay_stats(g.r, stats_h, &ws), 0);
	media_relay_close(g.r, stats_h, &wc);
	g.r = NULL;
	run_until(&wc.done, 2000);
	assert_true(wc.done);
	run_until(NULL, 20);
	assert_int_equal(ws.calls, 0);
	assert_int_equal(wc.calls, 1);
	rig_down(&g);
}

static struct media_engine *g_stopping;
static int g_alloc_err;

/* a close callback that, during media_stop, asks for a new relay */
static void alloc_in_stop(const struct media_stats *st, void *arg)
{
	struct media_relay *r = NULL;
	(void)st;
	(void)arg;

	g_alloc_err = media_relay_alloc(g_stopping, &r);
}

static void test_stop_answers_closes(void **state)
{
	struct waiter ws = {0}, wc = {0};
	struct media_relay *r1, *r2;
	struct media_engine *me;
	(void)state;

	/* as the daemon shuts down: close (a CDR waits for the counters),
	   then stop at once, without a turn of the loop in between */
	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 2),
			 0);
	assert_int_equal(media_relay_alloc(me, &r1), 0);
	assert_int_equal(media_relay_alloc(me, &r2), 0);
	assert_int_equal(media_relay_stats(r2, stats_h, &ws), 0);
	media_relay_close(r1, stats_h, &wc);
	media_stop(me);   /* r2, never closed, goes silently */
	assert_int_equal(wc.calls, 1);

	/* the engine refuses work once stopping */
	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	assert_int_equal(media_relay_alloc(me, &r1), 0);
	media_relay_close(r1, alloc_in_stop, NULL);
	g_stopping = me;
	g_alloc_err = 0;
	media_stop(me);
	assert_int_equal(g_alloc_err, ESHUTDOWN);
	assert_int_equal(ws.calls, 0);
	assert_int_equal(wc.st.side[MEDIA_A].rx_packets, 0);
	assert_true(wc.st.side[MEDIA_A].rtcp_loss_pct < 0);
}

struct blaster {
	pthread_t tid;
	atomic_bool stop;
	int fd;
	struct sockaddr_storage to[2];
	unsigned sent;
};

static void *blast(void *arg)
{
	struct blaster *b = arg;
	uint8_t out[200];
	uint16_t seq = 0;

	while (!atomic_load(&b->stop)) {
		size_t n = rtp_build(out, 0, seq, seq * 160u, 0xa, 160);

		(void)sendto(b->fd, out, n, 0,
			     (struct sockaddr *)&b->to[seq & 1],
			     len_of(&b->to[seq & 1]));
		seq++;
		b->sent++;
	}
	return NULL;
}

static void test_close_while_flowing(void **state)
{
	struct sockaddr_storage pa, pb;
	struct blaster bl = {0};
	struct media_stats st;
	struct media_peer p;
	struct rig g;
	int fb;
	(void)state;

	rig_up(&g, "127.0.0.1");
	bl.fd = phone("127.0.0.1", &pa);
	fb = phone("127.0.0.1", &pb);
	p = peer_of(&pa, NULL, false);
	set_peer(&g, MEDIA_A, &p);
	p = peer_of(&pb, NULL, false);
	set_peer(&g, MEDIA_B, &p);

	/* A floods both of its ports; the relay is closed mid-flood */
	bl.to[0] = g.la_rtp;
	bl.to[1] = g.la_rtcp;
	assert_int_equal(pthread_create(&bl.tid, NULL, blast, &bl), 0);
	msleep(100);
	close_wait(g.r, &st);
	g.r = NULL;
	msleep(20);
	atomic_store(&bl.stop, true);
	pthread_join(bl.tid, NULL);

	assert_true(st.side[MEDIA_A].rx_packets > 0);
	/* every second packet was RTP sent to the RTCP port */
	assert_true(st.side[MEDIA_A].dropped_other > 0);
	assert_int_equal(media_ports_free(g.me), PORT_HI - PORT_LO + 1);

	close(bl.fd);
	close(fb);
	rig_down(&g);
}

static void test_ipv6(void **state)
{
	struct sockaddr_storage from;
	uint8_t out[200], in[2048];
	struct rig g;
	size_t n;
	(void)state;

	rig_call(&g, "[::1]", "::1", "::1");
	assert_int_equal(g.la_rtp.ss_family, AF_INET6);

	n = rtp_build(out, 0, 1, 160, 0xa, 160);
	send_to(g.fa, out, n, &g.la_rtp);
	assert_int_equal(recv_within(g.fb, in, sizeof(in), &from, 1000), n);
	assert_memory_equal(in, out, n);
	assert_int_equal(port_of(&from), port_of(&g.lb_rtp));

	rig_down(&g);
}

static void test_bad_arguments(void **state)
{
	struct media_engine *me = NULL;
	struct media_peer p = {0};
	struct rig g;
	(void)state;

	assert_int_equal(media_start(&me, "not-an-address", 1000, 2000, 1),
			 EINVAL);
	assert_int_equal(media_start(&me, "127.0.0.1", 2000, 1000, 1),
			 EINVAL);
	assert_int_equal(media_start(&me, "127.0.0.1", 2001, 2001, 1),
			 EINVAL);   /* no whole pair */
	assert_int_equal(media_start(&me, "127.0.0.1", 1000, 2000, 0),
			 EINVAL);

	rig_up(&g, "127.0.0.1");
	addr_of(&p.rtp, "::1", 4000);
	assert_int_equal(media_relay_set_peer(g.r, MEDIA_A, &p), EAFNOSUPPORT);
	assert_int_equal(media_relay_set_peer(g.r, 2, &p), EINVAL);
	assert_int_equal(media_relay_set_clock(g.r, MEDIA_A, 96, 0), EINVAL);
	assert_int_equal(media_relay_stats(g.r, NULL, NULL), EINVAL);
	rig_down(&g);
}

/* Back-to-back bursts (a peer catching up after a stall): every packet
   is relayed, in order, and the counters agree.  A socket with more
   waiting than one receive takes goes on being drained, turn after turn,
   before the newcomers of a turn overtake it. */
static void test_burst_in_order(void **state)
{
	struct sockaddr_storage from;
	uint8_t out[200], in[2048];
	struct media_stats st;
	struct rig g;
	int sz = 1 << 20;
	unsigned got = 0, bad = 0;
	(void)state;

	rig_call(&g, "127.0.0.1", "127.0.0.1", NULL);
	(void)setsockopt(g.fb, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 200; i++) {
			size_t n = rtp_build(out, 0,
					     (uint16_t)(round * 200 + i),
					     160 * i, 0xa, 160);

			send_to(g.fa, out, n, &g.la_rtp);
		}
		msleep(30);
	}
	for (;;) {
		ssize_t n = recv_within(g.fb, in, sizeof(in), &from, 300);

		if (n <= 0)
			break;
		if (((unsigned)in[2] << 8 | in[3]) != got)
			bad++;
		got++;
	}
	get_stats(g.r, &st);
	assert_int_equal(got, 1000);
	assert_int_equal(bad, 0);
	assert_int_equal(st.side[MEDIA_A].rx_packets, 1000);
	assert_int_equal(st.side[MEDIA_B].tx_packets, 1000);
	rig_down(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_in_order),
		cmocka_unit_test(test_both_ways),
		cmocka_unit_test(test_latch_to_real_source),
		cmocka_unit_test(test_foreign_dropped),
		cmocka_unit_test(test_rtcp_mux_and_separate),
		cmocka_unit_test(test_loss_and_jitter),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_hold_and_reinvite),
		cmocka_unit_test(test_close_reuse_enospc),
		cmocka_unit_test(test_busy_port_skipped),
		cmocka_unit_test(test_stats_then_close),
		cmocka_unit_test(test_stop_answers_closes),
		cmocka_unit_test(test_close_while_flowing),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, support_setup, support_teardown);
}
