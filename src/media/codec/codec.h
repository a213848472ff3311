/**
 * @file codec.h  Codecs at the edge of the media engine.
 *
 * Inside the engine audio is 16 kHz mono 16-bit PCM in 20 ms frames
 * (media/audio.h).  A leg that transcodes owns one media_dec (RTP payload
 * in, frames out) and one media_enc (frames in, RTP payload out); both
 * belong to the leg's media thread.  Nothing here locks, and nothing
 * allocates after *_alloc(): a media thread calls put() per packet and
 * get()/frame() per 20 ms tick.
 *
 * Codecs: G.711 µ-law and A-law (narrowband, resampled 8k <-> 16k),
 * G.722 (wideband, 16 kHz native, 64 kbit/s) and Opus (decoded and
 * encoded at 16 kHz whatever the sender's bandwidth).
 *
 * The decoder side is a jitter buffer: see media_dec_get() and
 * docs/media-codecs.md for how it adapts, conceals and resynchronises.
 */
#ifndef CENTREX_MEDIA_CODEC_CODEC_H
#define CENTREX_MEDIA_CODEC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "media/audio.h"

enum codec_id { CODEC_NONE = 0, CODEC_PCMU, CODEC_PCMA, CODEC_G722, CODEC_OPUS };

/* From an SDP rtpmap (encoding name case-insensitive, clock, channels:
   0 means 1; opus is "opus/48000/2").  CODEC_NONE if we cannot decode it. */
enum codec_id codec_by_name(const char *encoding, uint32_t clock,
			    unsigned channels);
/* "PCMU", "PCMA", "G722", "opus" as in SDP; NULL for CODEC_NONE */
const char *codec_name(enum codec_id id);
/* RTP clock: 8000, 8000, 8000 (G.722: RFC 3551 keeps 8000 although it
   samples at 16 kHz), 48000; 0 for CODEC_NONE */
uint32_t codec_rtp_clock(enum codec_id id);
/* SDP channels: 1, opus 2 (RFC 7587: always 2 in the rtpmap) */
unsigned codec_channels(enum codec_id id);
/* 0, 8, 9, or -1 (dynamic) */
int codec_static_pt(enum codec_id id);
/* RTP timestamp step of one 20 ms frame: 160, 160, 160, 960 */
uint32_t codec_frame_ts(enum codec_id id);

/*
 * Receiving: jitter buffer + decoder + packet-loss concealment +
 * resampling to AUDIO_RATE.
 */
struct media_dec;

/* fmtp may be NULL.  NULL if id is CODEC_NONE or memory is short. */
struct media_dec *media_dec_alloc(enum codec_id id, const char *fmtp);
void media_dec_free(struct media_dec *d);

/* One received RTP packet of this codec: the seq, ts, ssrc and marker of
   its header (media_rtp_parse) and its payload, which is copied.  now_us
   is a monotonic clock.  Packets of 10..60 ms (up to 120 ms) work out of
   order, duplicated, lost, and across sequence and timestamp wrap; a new
   SSRC or a timestamp jump resynchronises.  Oversized or undecodable
   payloads are dropped and counted. */
void media_dec_put(struct media_dec *d, uint16_t seq, uint32_t ts,
		   uint32_t ssrc, bool marker, const uint8_t *payload,
		   size_t len, uint64_t now_us);

/* Once per 20 ms tick: the next AUDIO_FRAME samples into out.  False
   while there is nothing to play (nothing received yet, still filling
   after a (re)start, or the stream stopped): out is then silence.
   Losses inside a stream are concealed and counted.  The delay adapts
   between 20 and 200 ms to the measured jitter; late packets are
   dropped. */
bool media_dec_get(struct media_dec *d, int16_t out[AUDIO_FRAME],
		   uint64_t now_us);

struct media_dec_stats {
	uint64_t frames;     /**< frames played (get() returned true) */
	uint64_t concealed;  /**< of those, frames with concealed audio */
	uint64_t late;       /**< packets that came after their turn */
	uint64_t dropped;    /**< duplicates, overflow, undecodable */
	uint64_t resyncs;    /**< restarts on a new SSRC, a jump, a pause */
	unsigned delay_ms;   /**< buffering delay now (its target when idle) */
	unsigned target_ms;  /**< delay the measured jitter asks for */
	unsigned jitter_ms;  /**< arrival spread seen over the last seconds */
};
void media_dec_stats(const struct media_dec *d, struct media_dec_stats *st);

/*
 * Sending: resample from AUDIO_RATE and encode one 20 ms frame.
 */
struct media_enc;

/* fmtp: the receiver's (opus: maxplaybackrate, useinbandfec, stereo,
   maxaveragebitrate); may be NULL.  NULL if id is CODEC_NONE or the
   encoder cannot be set up. */
struct media_enc *media_enc_alloc(enum codec_id id, const char *fmtp);
void media_enc_free(struct media_enc *e);
/* Returns payload bytes (> 0) or -1 (max too small, encoder error).  The
   caller adds the RTP header, advancing ts by codec_frame_ts(). */
int media_enc_frame(struct media_enc *e, const int16_t in[AUDIO_FRAME],
		    uint8_t *out, size_t max);

#endif
