/**
 * @file rtp.h  RTP and RTCP as the relay reads them (private to media/).
 *
 * Everything here is pure: no sockets, no clocks, no allocation, so the
 * same functions serve the media threads, the unit tests and the fuzz
 * target.  Packets are read in place; nothing is copied out but the few
 * header fields the statistics need.
 */
#ifndef CENTREX_MEDIA_RTP_H
#define CENTREX_MEDIA_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum media_pkt {
	MEDIA_PKT_BAD = 0,     /**< not RTP version 2, or truncated */
	MEDIA_PKT_RTP,
	MEDIA_PKT_RTCP,
};

/* The fixed-header fields of one RTP packet. */
struct media_rtp {
	uint32_t ts;
	uint32_t ssrc;
	uint16_t seq;
	uint8_t  pt;
	bool     marker;
	uint32_t hdr_len;      /**< bytes: fixed header, CSRCs, extension */
};

/* What a peer's RTCP says about a stream it receives. */
struct media_rtcp_report {
	bool     found;        /**< a report block was present */
	uint32_t ssrc;         /**< the source the block is about */
	uint8_t  fraction;     /**< fraction lost, 1/256 units */
	uint32_t jitter;       /**< timestamp units of that source */
	uint32_t lsr;          /**< middle of the last SR's NTP time, 0: none */
	uint32_t dlsr;         /**< since that SR, 1/65536 s */
	bool     sr;           /**< the datagram holds a sender report */
	uint32_t sr_ntp_mid;   /**< its NTP timestamp's middle 32 bits */
};

/* Which of RTP or RTCP a datagram on a multiplexed port is (RFC 5761). */
enum media_pkt media_pkt_kind(const uint8_t *p, size_t n);

/* Check and read an RTP packet; false if it is not valid RTP. */
bool media_rtp_parse(const uint8_t *p, size_t n, struct media_rtp *h);

/* Check an RTCP datagram; false if it is not RTCP.  When the compound
   packet is well formed throughout, the report block about want_ssrc
   (else the first one) is returned in rep. */
bool media_rtcp_parse(const uint8_t *p, size_t n, uint32_t want_ssrc,
		      struct media_rtcp_report *rep);

/* RTP clock rate of a static payload type, 0 for dynamic or unknown. */
uint32_t media_pt_clock(uint8_t pt);

/*
 * Receive statistics of one stream (RFC 3550 appendix A.1 and A.8):
 * extended highest sequence number, packets received, and interarrival
 * jitter.  A new SSRC or a sender restart starts a new count; the loss of
 * the earlier ones is kept in lost_before.
 */
struct media_rx {
	uint32_t ssrc;
	uint32_t cycles;       /**< wraps of the sequence number, << 16 */
	uint32_t base_seq;
	uint32_t bad_seq;      /**< the seq that would confirm a restart */
	uint32_t received;
	uint32_t lost_before;  /**< loss of earlier SSRCs or restarts */
	uint32_t transit;      /**< of the previous packet, clock units */
	uint32_t jitter;       /**< RFC 3550 J scaled by 16, clock units */
	uint32_t rate;         /**< clock of jitter and transit */
	uint32_t ts;           /**< timestamp of the previous packet */
	uint16_t max_seq;
	uint8_t  pt;           /**< payload type of the previous packet */
	bool     started;
	bool     have_transit;
};

/* Account one received packet; now_us is a monotonic arrival time and
   rate the RTP clock of h->pt. */
void     media_rx_update(struct media_rx *rx, const struct media_rtp *h,
			 uint64_t now_us, uint32_t rate);
uint32_t media_rx_lost(const struct media_rx *rx);
double   media_rx_jitter_ms(const struct media_rx *rx);

#endif
