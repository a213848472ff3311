/**
 * @file media.h  The media engine as the signalling thread sees it.
 *
 * A relay joins two endpoints: side A faces the caller, side B the callee.
 * Each endpoint is a pair of UDP sockets (RTP on an even port, RTCP on the
 * next one) taken from media.rtp_ports and bound on media.address.
 * Packets that arrive on A's sockets leave from B's sockets towards B's
 * peer, and the reverse.
 *
 * Threads: the sockets and the per-packet work belong to one media thread
 * (relays are spread over media.threads threads).  The signalling thread
 * holds a handle and talks to the owning thread by messages only; nothing
 * here blocks on the media thread and no libre object crosses threads.
 *
 * Latching (symmetric RTP): the peer address from SDP is where we send
 * until the peer's first packet shows its real source.  A source is
 * learnt only if its IP address is the SDP address or the address the
 * peer's signalling came from; packets from any other address are dropped
 * and counted (no media hijack by a third party).
 */
#ifndef CENTREX_MEDIA_MEDIA_H
#define CENTREX_MEDIA_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct media_engine;
struct media_relay;

enum media_side { MEDIA_A = 0, MEDIA_B = 1 };

/* Where a side's peer said (SDP) and where its signalling came from. */
struct media_peer {
	struct sockaddr_storage rtp;      /**< SDP c=/m= address; family 0 = none yet */
	struct sockaddr_storage rtcp;     /**< SDP a=rtcp or rtp port + 1 */
	struct sockaddr_storage sig;      /**< source of the peer's SIP (port ignored) */
	bool rtcp_mux;                    /**< peer multiplexes RTCP on the RTP port */
	bool send;                        /**< forward packets to this side (false while on hold inactive) */
};

/* Counters of one side, as received from its peer. */
struct media_side_stats {
	uint64_t rx_packets, rx_bytes;    /**< RTP received from this side's peer */
	uint64_t tx_packets, tx_bytes;    /**< RTP sent to this side's peer */
	uint64_t rtcp_packets;            /**< RTCP received from this side's peer */
	uint64_t dropped_foreign;         /**< from an address that is not the peer */
	uint64_t dropped_other;           /**< malformed, not RTP/RTCP, no peer yet */
	uint32_t lost;                    /**< expected - received, from sequence numbers */
	double   jitter_ms;               /**< RFC 3550 interarrival jitter of what we received */
	double   rtcp_loss_pct;           /**< loss the peer reported in RTCP (of what we sent), -1 = none */
	double   rtcp_jitter_ms;          /**< jitter the peer reported in RTCP, -1 = none */
	double   rtt_ms;                  /**< round trip to the peer from RTCP, -1 = none */
	bool     latched;
	struct sockaddr_storage latched_addr;
	uint8_t  last_pt;                 /**< payload type last received */
};

struct media_stats {
	struct media_side_stats side[2];
};

/* Called on the signalling thread. */
typedef void (media_stats_h)(const struct media_stats *st, void *arg);

/*
 * Audio work.  A side's codec is what its peer agreed in SDP.  When both
 * sides' codecs are set and differ, the relay transcodes (decodes each
 * side's audio and encodes it for the other); when they are the same,
 * packets pass untouched.  What a side's peer hears is normally the other
 * side; it can instead hear silence, a sequence of clips (prompts, music
 * on hold), a tone, or itself (echo test).  Everything runs on the media
 * thread's 20 ms frame clock, never on the signalling thread.
 */
enum media_codec_id {            /* the same values as codec/codec.h */
	MEDIA_CODEC_NONE = 0,
	MEDIA_CODEC_PCMU,
	MEDIA_CODEC_PCMA,
	MEDIA_CODEC_G722,
	MEDIA_CODEC_OPUS,
};

struct media_codec {
	enum media_codec_id id;          /**< NONE: a codec we cannot decode */
	uint8_t pt;                      /**< payload type on this side */
	int16_t dtmf_pt;                 /**< telephone-event type, -1 none */
	char fmtp[96];                   /**< the peer's fmtp for this codec */
};

/* One piece of audio: AUDIO_RATE mono samples that stay valid until
   release(arg) is called, on a media thread, when the player is done. */
struct media_clip {
	const int16_t *pcm;
	size_t n;
	void (*release)(void *arg);
	void *arg;
};

enum media_hear {
	MEDIA_HEAR_PEER = 0,             /**< the other side (default) */
	MEDIA_HEAR_SILENCE,
	MEDIA_HEAR_CLIPS,                /**< media_relay_play */
	MEDIA_HEAR_TONE,                 /**< media_relay_tone */
	MEDIA_HEAR_ECHO,                 /**< its own audio, back */
	MEDIA_HEAR_CONF,                 /**< its conference (media_conf_join) */
};

enum media_event_type {
	MEDIA_EV_DTMF,                   /**< a digit from a side's peer */
	MEDIA_EV_PLAY_DONE,              /**< the clips of play_id ended */
	MEDIA_EV_SILENCE,                /**< a side was quiet for the time asked */
};

enum media_dtmf_via { MEDIA_DTMF_RFC4733, MEDIA_DTMF_INBAND };

struct media_event {
	enum media_event_type type;
	enum media_side side;
	char digit;                      /**< 0-9 * # A-D */
	enum media_dtmf_via via;
	uint32_t play_id;
	bool interrupted;                /**< PLAY_DONE: stopped, not ended */
};

typedef void (media_event_h)(const struct media_event *ev, void *arg);

enum media_rec_mode {
	MEDIA_REC_MIXED,                 /**< both parties in one channel */
	MEDIA_REC_SPLIT,                 /**< side A left, side B right */
	MEDIA_REC_A,                     /**< side A's peer only */
	MEDIA_REC_B,
};

struct rec_file;
struct rec_result;
typedef void (rec_done_h)(const struct rec_result *res, void *arg);
struct media_conf;

/* Start media.threads threads over the port range; addr is the local
   address to bind and advertise. */
int  media_start(struct media_engine **mep, const char *addr,
		 unsigned port_lo, unsigned port_hi, unsigned threads);
/* Joins the threads and closes every socket.  Relays already closed get
   their close callbacks, from inside this call; relays still open are
   freed silently (their handles become invalid), and pending
   media_relay_stats answers are dropped.  Never call it from a
   media_stats_h. */
void media_stop(struct media_engine *me);
/* relays alive and ports free (for --status) */
unsigned media_relay_count(const struct media_engine *me);
unsigned media_ports_free(const struct media_engine *me);

/* A new relay with both sides' sockets bound (ENOSPC: no free ports). */
int  media_relay_alloc(struct media_engine *me, struct media_relay **rp);
/* Our address for a side: what goes into that side's SDP. */
void media_relay_local(const struct media_relay *r, enum media_side side,
		       struct sockaddr_storage *rtp,
		       struct sockaddr_storage *rtcp);
/* Set or change (re-INVITE) where a side's peer is. */
int  media_relay_set_peer(struct media_relay *r, enum media_side side,
			  const struct media_peer *peer);
/* The RTP clock (Hz) of a dynamic payload type that a side's peer sends,
   from its SDP rtpmap; jitter figures assume 8000 Hz without it. */
int  media_relay_set_clock(struct media_relay *r, enum media_side side,
			   uint8_t pt, uint32_t rate);
/* Ask for the counters; h runs later on the signalling thread (unless the
   relay is closed first). */
int  media_relay_stats(struct media_relay *r, media_stats_h *h, void *arg);
/* Where events of this relay go (NULL: nowhere). */
void media_relay_set_events(struct media_relay *r, media_event_h *h,
			    void *arg);
/* The codec side's peer agreed (after each SDP answer). */
int  media_relay_set_codec(struct media_relay *r, enum media_side side,
			   const struct media_codec *c);
/* What side's peer hears from now on (not CLIPS or TONE: see below). */
int  media_relay_hear(struct media_relay *r, enum media_side side,
		      enum media_hear what);
/* Play n clips in order to side's peer (loop: again and again, as music
   on hold); the clips are released by the media thread, also on error.
   A play already running ends with PLAY_DONE interrupted. */
int  media_relay_play(struct media_relay *r, enum media_side side,
		      const struct media_clip *clips, size_t n, bool loop,
		      uint32_t play_id);
/* A call-progress tone (dsp/tone.h kinds) of a country to side's peer. */
int  media_relay_tone(struct media_relay *r, enum media_side side,
		      const char *country, int kind);
/* Detect in-band DTMF in side's audio as well as RFC 4733 events. */
int  media_relay_detect_inband(struct media_relay *r, enum media_side side,
			       bool on);
/* Tell (MEDIA_EV_SILENCE) when side's peer has sent nothing louder than
   level_dbov (e.g. -45) for ms milliseconds; once per quiet stretch,
   again after it speaks.  ms 0 stops it.  A peer sending no packets
   at all is quiet too. */
int  media_relay_detect_silence(struct media_relay *r, enum media_side side,
				unsigned ms, int level_dbov);
/* Send digits to side's peer: RFC 4733 if it agreed telephone-event,
   else in band. */
int  media_relay_send_dtmf(struct media_relay *r, enum media_side side,
			   const char *digits);
/*
 * Recording.  The relay writes what the peers send, each 20 ms, into f
 * (opened by rec_open with 2 channels for MEDIA_REC_SPLIT, else 1) and
 * owns f from then on: f is closed, and done runs on the signalling
 * thread, at media_relay_record_stop() or when the relay closes.  A
 * paused recording writes nothing, so the file is shorter than the call.
 * One recording per relay: a second start stops the first.
 */
int  media_relay_record(struct media_relay *r, struct rec_file *f,
			enum media_rec_mode mode, rec_done_h *done,
			void *arg);
int  media_relay_record_pause(struct media_relay *r, bool paused);
int  media_relay_record_stop(struct media_relay *r);

/*
 * Conferences.  A conference mixes the sides that joined it (up to
 * MEDIA_CONF_MAX): each hears the sum of the others, on the frame clock
 * of the one media thread that runs the conference.  A relay joining a
 * conference of another thread is moved to that thread first; orders
 * sent meanwhile wait and follow it, so this is invisible to the caller
 * but for a frame or two of audio.  A side that leaves, or whose
 * conference is freed, hears silence until told otherwise.  Take a side
 * out (media_conf_leave) before closing its relay: the handle counts
 * members by relay.
 */
enum { MEDIA_CONF_MAX = 20 };

int  media_conf_alloc(struct media_engine *me, struct media_conf **cp);
/* ENOSPC: the conference is full; EALREADY: the side is in it. */
int  media_conf_join(struct media_conf *c, struct media_relay *r,
		     enum media_side side);
int  media_conf_leave(struct media_conf *c, struct media_relay *r,
		      enum media_side side);
/* A muted side is heard by nobody; it still hears the others. */
int  media_conf_mute(struct media_conf *c, struct media_relay *r,
		     enum media_side side, bool muted);
unsigned media_conf_count(const struct media_conf *c);
void media_conf_free(struct media_conf *c);

/* Close: the sockets are released and h (may be NULL) gets the final
   counters on the signalling thread; the handle is gone after this call. */
void media_relay_close(struct media_relay *r, media_stats_h *h, void *arg);

#endif
