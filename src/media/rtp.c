/** @file rtp.c  Reading RTP and RTCP headers, and receive statistics.
 *
 * Every byte here comes from a peer, so each length is checked against
 * what is left before it is used, and nothing is trusted to be aligned.
 *
 * SRTP and SRTCP keep their first header in the clear, so a relay that
 * only looks at headers can carry them too.  That is why padding is not
 * checked (its count byte may be inside an encrypted payload or replaced
 * by an authentication tag) and why an RTCP datagram whose body does not
 * walk cleanly is still RTCP: only its report blocks are left unread.
 */
#include <string.h>
#include "media/rtp.h"

/* RFC 3550 A.1: how far a sequence number may jump and still belong to
   the stream, forwards (a gap) and backwards (late packets). */
#define SEQ_MOD       (1u << 16)
#define MAX_DROPOUT   3000u
#define MAX_MISORDER  100u

/* A timestamp step longer than this many seconds is a discontinuity (a
   sender that paused or restarted), not jitter. */
#define MAX_TRANSIT_STEP_S  3u

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

enum media_pkt media_pkt_kind(const uint8_t *p, size_t n)
{
	if (n < 2 || (p[0] >> 6) != 2)
		return MEDIA_PKT_BAD;

	/* RFC 5761 section 4: RTCP packet types 192-223 fall where the
	   marker bit and RTP payload types 64-95 would be, and those
	   payload types are kept free for exactly this reason.  The range
	   covers SR/RR/SDES/BYE/APP (200-204) and the feedback and XR types
	   (205-207) browsers send. */
	if (p[1] >= 192 && p[1] <= 223)
		return MEDIA_PKT_RTCP;
	return MEDIA_PKT_RTP;
}

bool media_rtp_parse(const uint8_t *p, size_t n, struct media_rtp *h)
{
	size_t hdr;

	if (n < 12 || (p[0] >> 6) != 2)
		return false;

	hdr = 12 + 4 * (size_t)(p[0] & 0x0f);
	if (n < hdr)
		return false;
	if (p[0] & 0x10) {
		/* header extension: 16-bit profile word, 16-bit length in
		   32-bit words not counting its own 4 bytes */
		if (n < hdr + 4)
			return false;
		hdr += 4 + 4 * (size_t)be16(p + hdr + 2);
		if (n < hdr)
			return false;
	}

	h->marker = p[1] & 0x80;
	h->pt = p[1] & 0x7f;
	h->seq = be16(p + 2);
	h->ts = be32(p + 4);
	h->ssrc = be32(p + 8);
	h->hdr_len = (uint32_t)hdr;
	return true;
}

/* Reads one report block (RFC 3550 6.4.1), 24 bytes. */
static void read_block(const uint8_t *b, struct media_rtcp_report *rep)
{
	rep->found = true;
	rep->ssrc = be32(b);
	rep->fraction = b[4];
	rep->jitter = be32(b + 12);
	rep->lsr = be32(b + 16);
	rep->dlsr = be32(b + 20);
}

bool media_rtcp_parse(const uint8_t *p, size_t n, uint32_t want_ssrc,
		      struct media_rtcp_report *rep)
{
	struct media_rtcp_report first = {0}, match = {0};
	size_t off = 0;
	uint32_t sr_mid = 0;
	bool sr = false;

	memset(rep, 0, sizeof(*rep));

	/* the first packet decides whether this is RTCP at all: eight bytes
	   (header and SSRC) is the least any RTCP packet has */
	if (n < 8 || media_pkt_kind(p, n) != MEDIA_PKT_RTCP)
		return false;
	if (((size_t)be16(p + 2) + 1) * 4 > n)
		return false;

	/* the rest is only read for report blocks; any flaw and the blocks
	   are ignored, the datagram is still relayed */
	while (off < n) {
		const uint8_t *q = p + off;
		size_t len, head, rc;

		if (n - off < 4 || media_pkt_kind(q, n - off) != MEDIA_PKT_RTCP)
			return true;
		len = ((size_t)be16(q + 2) + 1) * 4;
		if (len > n - off)
			return true;

		rc = q[0] & 0x1f;
		if (q[1] == 200 && len >= 28) {
			/* SR: header, SSRC, sender info */
			head = 28;
			if (!sr) {
				sr = true;
				sr_mid = (uint32_t)be16(q + 10) << 16 |
					 be16(q + 12);
			}
		}
		else if (q[1] == 201)   /* RR: header, SSRC */
			head = 8;
		else
			head = 0, rc = 0;
		if (head + 24 * rc > len)
			return true;

		for (size_t i = 0; i < rc; i++) {
			const uint8_t *b = q + head + 24 * i;

			if (!first.found)
				read_block(b, &first);
			if (!match.found && be32(b) == want_ssrc)
				read_block(b, &match);
		}
		off += len;
	}

	*rep = match.found ? match : first;
	rep->sr = sr;
	rep->sr_ntp_mid = sr_mid;
	return true;
}

uint32_t media_pt_clock(uint8_t pt)
{
	/* RFC 3551 table 4 and 5; G.722 (9) keeps an 8000 Hz RTP clock for
	   historical reasons although it samples at 16 kHz */
	switch (pt) {
	case 0: case 3: case 4: case 5: case 7: case 8: case 9:
	case 12: case 13: case 15: case 18:
		return 8000;
	case 6:
		return 16000;
	case 10: case 11:
		return 44100;
	case 16:
		return 11025;
	case 17:
		return 22050;
	case 14: case 25: case 26: case 28: case 31: case 32: case 33:
	case 34:
		return 90000;
	default:
		return 0;
	}
}

uint32_t media_rx_lost(const struct media_rx *rx)
{
	int64_t expected, lost;
	uint64_t sum;

	if (!rx->started)
		return rx->lost_before;
	expected = (int64_t)rx->cycles + rx->max_seq - rx->base_seq + 1;
	lost = expected - rx->received;
	if (lost < 0)            /* duplicates outnumber the gaps */
		lost = 0;
	sum = (uint64_t)rx->lost_before + (uint64_t)lost;
	return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

double media_rx_jitter_ms(const struct media_rx *rx)
{
	if (!rx->rate)
		return 0.0;
	return (double)rx->jitter / 16.0 * 1000.0 / (double)rx->rate;
}

/* A new stream (new SSRC) or a sender that restarted its numbering. */
static void seq_restart(struct media_rx *rx, const struct media_rtp *h)
{
	if (rx->started)
		rx->lost_before = media_rx_lost(rx);
	rx->ssrc = h->ssrc;
	rx->base_seq = h->seq;
	rx->max_seq = h->seq;
	rx->bad_seq = SEQ_MOD + 1;   /* matches no 16-bit number */
	rx->cycles = 0;
	rx->received = 0;
	rx->have_transit = false;
	rx->started = true;
}

/* RTP time of arrival in units of rate, without overflowing 64 bits
   however long the machine has been up. */
static uint32_t arrival(uint64_t now_us, uint32_t rate)
{
	uint64_t s = now_us / 1000000, us = now_us % 1000000;

	return (uint32_t)(s * rate + us * rate / 1000000);
}

static void jitter_update(struct media_rx *rx, const struct media_rtp *h,
			  uint64_t now_us, uint32_t rate)
{
	uint32_t transit, d;

	if (!rate)
		return;
	/* Packets sharing a timestamp (the rest of a video frame, a DTMF
	   event's updates) say nothing new about timing: judging them
	   against their arrival would count the sender's pacing as
	   jitter. */
	if (rx->have_transit && h->ts == rx->ts && h->pt == rx->pt)
		return;

	if (rx->rate && rx->rate != rate)
		rx->jitter = (uint32_t)((uint64_t)rx->jitter * rate /
					rx->rate);

	transit = arrival(now_us, rate) - h->ts;
	if (rx->have_transit && rx->pt == h->pt && rx->rate == rate) {
		d = transit - rx->transit;
		if ((int32_t)d < 0)
			d = -d;
		/* RFC 3550 A.8, J kept scaled by 16 to stay in integers */
		if (d <= MAX_TRANSIT_STEP_S * rate)
			rx->jitter += d - ((rx->jitter + 8) >> 4);
	}
	rx->transit = transit;
	rx->ts = h->ts;
	rx->pt = h->pt;
	rx->rate = rate;
	rx->have_transit = true;
}

void media_rx_update(struct media_rx *rx, const struct media_rtp *h,
		     uint64_t now_us, uint32_t rate)
{
	if (!rx->started || h->ssrc != rx->ssrc) {
		seq_restart(rx, h);
	}
	else {
		uint16_t udelta = (uint16_t)(h->seq - rx->max_seq);

		if (udelta < MAX_DROPOUT) {
			/* in order, perhaps with a gap */
			if (h->seq < rx->max_seq)
				rx->cycles += SEQ_MOD;
			rx->max_seq = h->seq;
		}
		else if (udelta <= SEQ_MOD - MAX_MISORDER) {
			/* A big jump: one stray packet is ignored, but two
			   in sequence mean the sender restarted its
			   numbering. */
			if (h->seq != rx->bad_seq) {
				rx->bad_seq = (h->seq + 1) & (SEQ_MOD - 1);
				return;
			}
			seq_restart(rx, h);
		}
		/* else a duplicate or a late packet: counted, max kept */
	}
	rx->received++;
	jitter_update(rx, h, now_us, rate);
}
