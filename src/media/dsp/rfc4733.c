/**
 * @file rfc4733.c  RFC 4733 telephone-events: payload, receiver, sender.
 *
 * Payload (4 bytes): event (8 bits), E (end) bit, R bit, volume (6 bits),
 * duration (16 bits, network order).  Every packet of one event carries
 * the event's start timestamp in its RTP header; that shared timestamp is
 * what tells a retransmission or an update from a new key press.
 *
 * This file uses no spandsp: the fuzz target compiles it on its own.
 */
#include <errno.h>
#include <string.h>
#include "media/dsp/dtmf.h"

int dtmf_event_of(char digit)
{
	const char *p;

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	if (!digit || !(p = strchr(DTMF_DIGITS, digit)))
		return -1;
	return (int)(p - DTMF_DIGITS);
}

char dtmf_digit_of(unsigned event)
{
	return event < 16 ? DTMF_DIGITS[event] : 0;
}

int rfc4733_parse(const uint8_t *p, size_t n, struct rfc4733_event *ev)
{
	if (!p || n < 4)
		return EBADMSG;
	ev->event = p[0];
	ev->end = (p[1] & 0x80) != 0;
	ev->volume = p[1] & 0x3f;
	ev->duration = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

void rfc4733_encode(uint8_t p[4], const struct rfc4733_event *ev)
{
	p[0] = ev->event;
	p[1] = (uint8_t)((ev->end ? 0x80 : 0) | (ev->volume & 0x3f));
	p[2] = (uint8_t)(ev->duration >> 8);
	p[3] = (uint8_t)ev->duration;
}

void rfc4733_rx_reset(struct rfc4733_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

/* A new segment of a long event (RFC 4733 2.5.1.3) starts where the
   previous one's duration ran out, which was near the 16-bit limit; allow
   a few ticks of slack for lost last packets of the segment. */
static bool rx_continues(const struct rfc4733_rx *rx, uint32_t ts,
			 const struct rfc4733_event *ev)
{
	uint32_t gap = ts - rx->ts;

	return !rx->ended && ev->event == rx->event &&
	       gap >= 0xff00u && gap <= 0xffffu + 3200u;
}

char rfc4733_rx_packet(struct rfc4733_rx *rx, uint32_t rtp_ts,
		       const uint8_t *payload, size_t n)
{
	struct rfc4733_event ev;
	bool fresh;

	if (rfc4733_parse(payload, n, &ev))
		return 0;

	if (rx->have && rtp_ts == rx->ts && ev.event == rx->event) {
		/* an update, a retransmission or an end of the current event */
		if (ev.duration > rx->duration)
			rx->duration = ev.duration;
		rx->ended |= ev.end;
		return 0;
	}
	/* serial-number order: anything before the current event is late */
	if (rx->have && (int32_t)(rtp_ts - rx->ts) < 0)
		return 0;

	fresh = !(rx->have && rx_continues(rx, rtp_ts, &ev));
	rx->have = true;
	rx->ts = rtp_ts;
	rx->event = ev.event;
	rx->duration = ev.duration;
	rx->ended = ev.end;
	return fresh ? dtmf_digit_of(ev.event) : 0;
}

void rfc4733_tx_init(struct rfc4733_tx *tx, uint32_t clock_hz)
{
	memset(tx, 0, sizeof(*tx));
	tx->clock_hz = clock_hz ? clock_hz : 8000;
	tx->step = tx->clock_hz / (1000 / AUDIO_FRAME_MS);
}

int rfc4733_tx_start(struct rfc4733_tx *tx, char digit, unsigned duration_ms,
		     uint32_t ts)
{
	int event = dtmf_event_of(digit);

	if (event < 0)
		return EINVAL;
	if (tx->active)
		return EBUSY;
	if (duration_ms < AUDIO_FRAME_MS)
		duration_ms = AUDIO_FRAME_MS;
	if (duration_ms > RFC4733_MAX_MS)
		duration_ms = RFC4733_MAX_MS;

	tx->event = (uint8_t)event;
	tx->ts = ts;
	tx->total = (uint32_t)((uint64_t)duration_ms * tx->clock_hz / 1000);
	if (tx->total > 0xffff)
		tx->total = 0xffff;
	tx->sent = 0;
	tx->ends = 0;
	tx->active = true;
	tx->first = true;
	return 0;
}

bool rfc4733_tx_tick(struct rfc4733_tx *tx, struct rfc4733_pkt *pkt)
{
	struct rfc4733_event ev = {.event = tx->event,
				   .volume = RFC4733_VOLUME};

	if (!tx->active)
		return false;

	if (tx->sent < tx->total) {
		tx->sent += tx->step;
		if (tx->sent > tx->total)
			tx->sent = tx->total;
	}
	ev.duration = (uint16_t)tx->sent;
	ev.end = tx->sent == tx->total;
	if (ev.end && ++tx->ends >= RFC4733_END_COPIES)
		tx->active = false;

	rfc4733_encode(pkt->payload, &ev);
	pkt->marker = tx->first;
	pkt->ts = tx->ts;
	tx->first = false;
	return true;
}
