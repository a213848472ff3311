/**
 * @file fuzz_rtp.c  libFuzzer target: peers' datagrams through what a
 * media thread does with them.
 *
 * An input is a byte choosing the RTP clock rate, then datagrams, each
 * after a 16-bit big-endian length.  Each goes through the relay's hot
 * path: classification (RFC 5761), the RTP or RTCP check, and for RTP the
 * receive statistics, whose state runs across the datagrams of one input
 * so that sequence and jitter arithmetic meet odd successions.  Saved
 * inputs live in tests/fuzz/corpus/rtp and are replayed by `make test`.
 */
#include <stdint.h>
#include <stdlib.h>

/* The parser is compiled into this target rather than taken from
   libcentrex, which the fuzz build does not instrument for coverage:
   without it libFuzzer would be blind to the branches it is meant to
   explore.  The linker then never pulls rtp.o from the archive. */
#include "media/rtp.c"

static void datagram(struct media_rx *rx, const uint8_t *p, size_t n,
		     uint64_t now_us, uint32_t rate)
{
	struct media_rtcp_report rep;
	struct media_rtp h;

	switch (media_pkt_kind(p, n)) {

	case MEDIA_PKT_RTP:
		if (!media_rtp_parse(p, n, &h))
			break;
		if (h.hdr_len > n)
			abort();
		media_rx_update(rx, &h, now_us, rate);
		(void)media_rx_lost(rx);
		(void)media_rx_jitter_ms(rx);
		(void)media_pt_clock(h.pt);
		break;

	case MEDIA_PKT_RTCP:
		/* a report block needs at least 8 + 24 bytes */
		if (media_rtcp_parse(p, n, rx->ssrc, &rep) && rep.found &&
		    n < 32)
			abort();
		break;

	case MEDIA_PKT_BAD:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t rates[] = {8000, 16000, 48000, 90000, 1000000};
	struct media_rx rx = {0};
	uint64_t now_us = 1000000;
	uint32_t rate;
	size_t off = 1;

	if (!size)
		return 0;
	rate = rates[data[0] % (sizeof(rates) / sizeof(rates[0]))];

	while (size - off >= 2) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (n > size - off)
			n = size - off;
		/* the datagram's own length stands in for the time since
		   the previous one: irregular, but reproducible */
		now_us += 100 * n;
		datagram(&rx, data + off, n, now_us, rate);
		off += n;
	}
	return 0;
}
