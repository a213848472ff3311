/**
 * @file fuzz_rfc4733.c  libFuzzer target: peers' telephone-event packets
 * through the RFC 4733 receiver, and our own sender checked against it.
 *
 * Input: records of [length byte][4-byte RTP timestamp, big-endian]
 * [payload of length % 8 bytes]; the receiver's state runs across the
 * records of one input.  Any digit reported must be one of the sixteen,
 * and a packet repeated at once (a retransmission) must never report a
 * second digit.  The first byte also picks a digit and a duration for the
 * sender, whose packets fed to a fresh receiver must give exactly that
 * digit once.  Saved inputs live in tests/fuzz/corpus/rfc4733.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* compiled in, not taken from libcentrex, so that libFuzzer sees its
   branches (see fuzz_rtp.c) */
#include "media/dsp/rfc4733.c"

static void sender_round_trip(uint8_t seed)
{
	struct rfc4733_tx tx;
	struct rfc4733_rx rx;
	struct rfc4733_pkt pk;
	char digit = DTMF_DIGITS[seed % 16], got = 0;
	unsigned ticks = 0;

	rfc4733_tx_init(&tx, seed & 0x80 ? 16000 : 8000);
	rfc4733_rx_reset(&rx);
	if (rfc4733_tx_start(&tx, digit, 40u * seed, 0xfffff000u + seed))
		abort();
	while (rfc4733_tx_tick(&tx, &pk)) {
		char c = rfc4733_rx_packet(&rx, pk.ts, pk.payload, 4);

		if (c && got)
			abort();
		if (c)
			got = c;
		if (pk.marker != (ticks == 0) || ++ticks > 410)
			abort();
	}
	if (got != digit)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfc4733_rx rx;
	size_t off = 0;

	if (!size)
		return 0;
	sender_round_trip(data[0]);
	rfc4733_rx_reset(&rx);

	while (size - off >= 5) {
		size_t n = data[off] % 8;
		uint32_t ts = (uint32_t)data[off + 1] << 24 |
			      (uint32_t)data[off + 2] << 16 |
			      (uint32_t)data[off + 3] << 8 | data[off + 4];
		const uint8_t *p = data + off + 5;
		char c;

		off += 5;
		if (n > size - off)
			n = size - off;
		c = rfc4733_rx_packet(&rx, ts, p, n);
		if (c && !memchr(DTMF_DIGITS, c, 16))
			abort();
		if (c && rfc4733_rx_packet(&rx, ts, p, n))
			abort();
		off += n;
	}
	return 0;
}
