/**
 * @file test_rtp.c  RTP/RTCP header checks and receive statistics
 * (sequence loss, jitter), without sockets.
 */
#include <string.h>
#include "media/rtp.h"
#include "support.h"

static size_t rtp_put(uint8_t *b, uint8_t pt, uint16_t seq, uint32_t ts,
		      uint32_t ssrc)
{
	b[0] = 0x80;
	b[1] = pt;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[4] = (uint8_t)(ts >> 24);
	b[5] = (uint8_t)(ts >> 16);
	b[6] = (uint8_t)(ts >> 8);
	b[7] = (uint8_t)ts;
	b[8] = (uint8_t)(ssrc >> 24);
	b[9] = (uint8_t)(ssrc >> 16);
	b[10] = (uint8_t)(ssrc >> 8);
	b[11] = (uint8_t)ssrc;
	return 12;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void test_rtp_headers(void **state)
{
	uint8_t b[64] = {0};
	struct media_rtp h;
	(void)state;

	rtp_put(b, 8, 1234, 160000, 0xdeadbeef);
	assert_true(media_rtp_parse(b, 12, &h));
	assert_int_equal(h.pt, 8);
	assert_int_equal(h.seq, 1234);
	assert_int_equal(h.ts, 160000);
	assert_int_equal(h.ssrc, 0xdeadbeef);
	assert_int_equal(h.hdr_len, 12);
	assert_false(h.marker);
	assert_false(media_rtp_parse(b, 11, &h));

	b[0] = 0x40;                     /* version 1 */
	assert_false(media_rtp_parse(b, 20, &h));
	b[0] = 0x82;                     /* two CSRCs: 20 bytes */
	assert_false(media_rtp_parse(b, 19, &h));
	assert_true(media_rtp_parse(b, 20, &h));
	assert_int_equal(h.hdr_len, 20);

	b[0] = 0x91;                     /* one CSRC and an extension */
	b[16] = 0xbe;
	b[17] = 0xde;
	b[18] = 0;
	b[19] = 2;                       /* two words after the 4 bytes */
	assert_false(media_rtp_parse(b, 19, &h));
	assert_false(media_rtp_parse(b, 27, &h));
	assert_true(media_rtp_parse(b, 28, &h));
	assert_int_equal(h.hdr_len, 28);
	b[19] = 0xff;                    /* an extension past the end */
	assert_false(media_rtp_parse(b, sizeof(b), &h));

	b[0] = 0x80;
	b[1] = 0x80 | 96;                /* marker */
	assert_true(media_rtp_parse(b, 12, &h));
	assert_true(h.marker);
	assert_int_equal(h.pt, 96);
}

static void test_kind(void **state)
{
	uint8_t b[2] = {0x80, 0};
	(void)state;

	assert_int_equal(media_pkt_kind(b, 2), MEDIA_PKT_RTP);
	b[1] = 200;
	assert_int_equal(media_pkt_kind(b, 2), MEDIA_PKT_RTCP);
	b[1] = 204;
	assert_int_equal(media_pkt_kind(b, 2), MEDIA_PKT_RTCP);
	b[1] = 0x80 | 111;               /* Opus with the marker */
	assert_int_equal(media_pkt_kind(b, 2), MEDIA_PKT_RTP);
	b[0] = 0;
	assert_int_equal(media_pkt_kind(b, 2), MEDIA_PKT_BAD);
	assert_int_equal(media_pkt_kind(b, 1), MEDIA_PKT_BAD);
}

/* An RR from ssrc 1 with blocks about 0x1111 and 0x2222, then an SDES. */
static size_t rr_put(uint8_t *b)
{
	memset(b, 0, 80);
	b[0] = 0x82;
	b[1] = 201;
	b[3] = 13;                       /* (8 + 48) / 4 - 1 */
	put32(b + 4, 1);
	put32(b + 8, 0x1111);
	b[12] = 64;                      /* 25 % */
	put32(b + 20, 80);               /* jitter */
	put32(b + 32, 0x2222);
	b[36] = 128;                     /* 50 % */
	put32(b + 44, 160);
	b[56] = 0x81;                    /* SDES, one chunk, 8 bytes */
	b[57] = 202;
	b[59] = 1;
	put32(b + 60, 1);
	return 64;
}

static void test_rtcp_reports(void **state)
{
	struct media_rtcp_report rep;
	uint8_t b[80];
	size_t n;
	(void)state;

	n = rr_put(b);
	assert_true(media_rtcp_parse(b, n, 0x2222, &rep));
	assert_true(rep.found);
	assert_int_equal(rep.ssrc, 0x2222);
	assert_int_equal(rep.fraction, 128);
	assert_int_equal(rep.jitter, 160);

	assert_true(media_rtcp_parse(b, n, 0x9999, &rep));
	assert_int_equal(rep.ssrc, 0x1111);   /* no match: the first */
	assert_int_equal(rep.fraction, 64);

	/* a body that does not walk (as SRTCP's would not): still RTCP,
	   reports left unread */
	assert_true(media_rtcp_parse(b, n - 4, 0x2222, &rep));
	assert_false(rep.found);

	/* the first length past the end, too short, or not RTCP: no */
	assert_false(media_rtcp_parse(b, 40, 0, &rep));
	assert_false(media_rtcp_parse(b, 7, 0, &rep));
	b[1] = 96;
	assert_false(media_rtcp_parse(b, n, 0, &rep));

	/* a report count larger than the packet */
	n = rr_put(b);
	b[0] = 0x83;
	assert_true(media_rtcp_parse(b, n, 0x2222, &rep));
	assert_false(rep.found);
}

static void feed(struct media_rx *rx, uint16_t seq, uint32_t ts,
		 uint64_t now_us)
{
	struct media_rtp h = {.seq = seq, .ts = ts, .ssrc = 42, .pt = 0};

	media_rx_update(rx, &h, now_us, 8000);
}

static void test_loss(void **state)
{
	struct media_rx rx = {0};
	(void)state;

	for (uint16_t s = 100; s < 110; s++)
		if (s != 103 && s != 107)
			feed(&rx, s, s * 160u, s * 20000u);
	assert_int_equal(media_rx_lost(&rx), 2);

	/* a late packet fills a gap; a duplicate never makes loss
	   negative */
	feed(&rx, 103, 103 * 160u, 110 * 20000u);
	assert_int_equal(media_rx_lost(&rx), 1);
	feed(&rx, 109, 109 * 160u, 111 * 20000u);
	feed(&rx, 109, 109 * 160u, 111 * 20000u);
	assert_int_equal(media_rx_lost(&rx), 0);
}

static void test_wrap_and_restart(void **state)
{
	struct media_rx rx = {0};
	struct media_rtp h = {.ssrc = 42};
	(void)state;

	/* across the 16-bit wrap, one packet missing */
	for (uint32_t s = 65530; s < 65546; s++)
		if (s != 65537)
			feed(&rx, (uint16_t)s, s * 160u, s * 20000u);
	assert_int_equal(media_rx_lost(&rx), 1);
	assert_int_equal(rx.cycles, 65536);

	/* one stray far-off number is ignored ... */
	feed(&rx, 30000, 0, 0);
	assert_int_equal(media_rx_lost(&rx), 1);
	/* ... two in a row mean a restart; the old loss is kept */
	feed(&rx, 30001, 0, 0);
	feed(&rx, 30003, 0, 0);
	assert_int_equal(media_rx_lost(&rx), 2);

	/* a new SSRC starts afresh, keeping the loss so far */
	h.ssrc = 43;
	h.seq = 7;
	media_rx_update(&rx, &h, 0, 8000);
	assert_int_equal(media_rx_lost(&rx), 2);
	assert_int_equal(rx.received, 1);
}

static void test_jitter(void **state)
{
	struct media_rx rx = {0};
	uint64_t t = 1000000;
	(void)state;

	/* exact 20 ms pacing: none */
	for (uint16_t s = 0; s < 50; s++)
		feed(&rx, s, s * 160u, t + s * 20000u);
	assert_true(media_rx_jitter_ms(&rx) < 0.01);

	/* alternating 10 / 30 ms: J converges towards 10 ms */
	for (uint16_t s = 50; s < 400; s++) {
		t += s & 1 ? 10000 : 30000;
		feed(&rx, s, s * 160u, t + 50 * 20000u);
	}
	assert_true(media_rx_jitter_ms(&rx) > 8.0);
	assert_true(media_rx_jitter_ms(&rx) < 11.0);

	/* packets repeating one timestamp (a DTMF event) change nothing */
	{
		double j;

		feed(&rx, 400, 400 * 160u, (t += 20000));
		j = media_rx_jitter_ms(&rx);
		for (uint16_t s = 401; s < 410; s++)
			feed(&rx, s, 400 * 160u, (t += 50000));
		assert_true(media_rx_jitter_ms(&rx) == j);
	}
}

static void test_clocks(void **state)
{
	(void)state;
	assert_int_equal(media_pt_clock(0), 8000);
	assert_int_equal(media_pt_clock(8), 8000);
	assert_int_equal(media_pt_clock(9), 8000);
	assert_int_equal(media_pt_clock(18), 8000);
	assert_int_equal(media_pt_clock(34), 90000);
	assert_int_equal(media_pt_clock(96), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtp_headers),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_rtcp_reports),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_wrap_and_restart),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
