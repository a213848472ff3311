/*
 * mediaload: load for centrexd's media engine, run inside this process.
 * Used by bench/media.sh; one invocation is one step of one measurement.
 *
 * usage: mediaload transcode -n CALLS  [common options] [-w WAV]
 *        mediaload play      -n PLAYERS [common options] [-m WAV] [-c pcmu|opus] [-q]
 *        mediaload conf      -n PARTIES -k SIZE [common options] [-w WAV] [-c pcmu|opus]
 *        mediaload record    -n CALLS -d DIR [common options] [-C 1|2] [-w WAV]
 *        mediaload mix       [-t SECONDS] [-w WAV]
 *        mediaload writer    -n RECORDINGS -d DIR [-t SECONDS] [-C 1|2] [-w WAV]
 * common: -t SECONDS (measured window, 5)  -W SECONDS (warm-up before it, 1)
 *         -p LO-HI (the engine's RTP ports, 20000-59999)  -L MS (late: 40)
 *
 *   transcode  N relays, side A agreed Opus (pt 111, 48 kHz clock), side B
 *              PCMU (pt 0): the engine decodes each side and encodes for the
 *              other.  This program plays both phones: one socket for every
 *              A end, one for every B end; it sends one 20 ms packet per
 *              stream every 20 ms (Opus encoded here with libopus from the
 *              -w speech, PCMU from the same speech), paced evenly over the
 *              20 ms, and checks what comes back: A must get Opus (pt 111,
 *              a 20 ms packet, timestamps 960 apart), B must get PCMU
 *              (pt 0, 172 bytes, timestamps 160 apart).
 *   play       N relays whose side A hears a looping clip (-m, 16 kHz;
 *              media_relay_play with loop) in -c's codec, while the caller
 *              keeps sending its own 20 ms PCMU as a phone does.  Every
 *              player must deliver one packet per 20 ms.
 *   conf       N relays, side A of each a party of a conference of -k
 *              (N / k conferences, media_conf_join): each party's phone
 *              sends the speech in -c's codec and must hear the mix of
 *              the others, in that codec, one packet per 20 ms.
 *   record     N relays, PCMU both ways (passed through), each recorded
 *              by the engine (media_relay_record, -C 1 mixed, 2 split)
 *              into -d: the relay checks of transcode, and those of
 *              mediarec.c on the recordings.
 *   mix: see mediacost.c; writer: see mediarec.c.
 *
 * The engine runs as in the daemon: media_start(threads = 1) on 127.0.0.1,
 * this thread as the signalling thread (libre's loop runs while counters
 * are awaited).  Per step: warm-up, then the window, whose figures are
 * reported; the senders go on 300 ms past the window so that frames still
 * in the jitter buffers come out, then everything is drained and the
 * relays' own counters are read.
 *
 * What is counted:
 *   loss_in     packets we sent that the relay did not receive (its counters
 *               after the drain against ours)
 *   out_missing per output stream, frames missing from the window beyond
 *               one (a window of k x 20 ms holds k frames of a steady
 *               stream, give or take one at its edges)
 *   back_loss   packets the relay sent that did not reach our sockets
 *   bad_*       wrong payload type, size or timestamp step; gaps: holes in
 *               sequence numbers
 *   late        window packets at least -L ms behind their stream's own
 *               20 ms schedule (kernel receive time stamps)
 *   skipped     frames a stream never sent: its last packet is that many
 *               20 ms slots behind the schedule of its best-placed packet
 *               (a media thread more than three frames late drops frames;
 *               the relay's sequence numbers do not show that)
 *   udp_*       UDP receive/send buffer errors of the network namespace
 *               (/proc/net/snmp) over the whole step: every drop on
 *               loopback, whoever's socket
 *   mute        output streams whose window held no sound (every µ-law
 *               sample near zero; an Opus packet of a few bytes)
 *   media_cpu   utime+stime of the media thread over the window, % of one
 *               core; media_wait: time it was ready to run but had no CPU
 *               (schedstat); writer_cpu: the recording writer thread's;
 *               driver_cpu: the rest of this process
 *
 * Output: KEY=VALUE lines on stdout; exit 0 when the step ran (whatever
 * it measured), 1 when it could not.
 */
#include <re.h>
#include <arpa/inet.h>
#include <errno.h>
#include <opus/opus.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "media/audio.h"
#include "media/media.h"
#include "media/prompt/wav.h"
#include "mediaload.h"

#define FRAME_NS      20000000ull
#define BATCH         64
#define PKT_MAX       1500
#define OPUS_PT       111
#define PCMU_PT       0
#define PCMU_BYTES    160
#define SPEECH_FRAMES 250           /* 5 s of audio, looped per stream */
#define TAIL_NS       300000000ull  /* senders go on after the window */
#define DRAIN_NS      300000000ull
#define QUANTUM_NS    1000000ull     /* the driver wakes at most once a ms */

enum fmt { FMT_NONE = 0, FMT_PCMU, FMT_OPUS };
enum mode { M_TRANSCODE, M_PLAY, M_CONF, M_RECORD };
static const char *const mode_names[] = {"transcode", "play", "conf",
					  "record"};

/* A stream the relay sends to one of our sockets, by its source port. */
struct ostream {
	uint64_t got, win, late;
	uint64_t bad_pt, bad_len, bad_ts, gaps;
	int64_t anchor_ns, late_max_ns, last_ns;
	uint32_t ts;
	uint16_t seq;
	bool have;
	bool heard;                 /**< a window packet with sound in it */
};

/* A stream we send to a relay side. */
struct istream {
	struct sockaddr_in dst;
	uint32_t ssrc, ts;
	uint16_t seq;
	unsigned frame;
	uint64_t sent;
	enum fmt fmt;
	int fd;
};

struct leg {
	struct media_relay *r;
	struct istream in[2];       /* to side A, to side B */
	struct ostream out[2];      /* from side A (Opus or the player), B */
	struct media_stats st;
	bool st_done;
};

/* one of our two sockets: every A end, or every B end */
struct sock {
	int fd;
	struct sockaddr_in addr;
	enum fmt want;              /* what the relay must send here */
	unsigned side;
	pthread_t thr;
	bool running;
};

static struct {
	struct ml_opts o;
	enum mode mode;
	struct leg *legs;
	struct media_conf **confs;  /* conf: party i is in confs[i / k] */
	int writer_tid;             /* record: the writer thread */
	unsigned nlegs;
	uint32_t *by_port;          /* relay port -> leg index + 1 */
	struct sock s[2];
	struct istream **ins;       /* every stream we send */
	unsigned nins;
	uint8_t opus[SPEECH_FRAMES][PKT_MAX];
	size_t opus_len[SPEECH_FRAMES];
	uint8_t pcmu[SPEECH_FRAMES][PCMU_BYTES];
	uint64_t t0, w0, w1, send_end;
	int64_t real_off_ns;        /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	atomic_int rx_stop;
	uint64_t lag_max_ns;
	unsigned stats_left;
} g;

/* ---- what we send -------------------------------------------------------- */

/* The speech as the phones send it: Opus (libopus at 16 kHz input, as a
   wideband phone would) and PCMU (8 kHz: pairs of samples averaged). */
static void speech_encode(const char *wav)
{
	size_t n;
	int16_t *pcm = ml_audio(wav, 60, &n);
	OpusEncoder *enc;
	int err;

	enc = opus_encoder_create(AUDIO_RATE, 1, OPUS_APPLICATION_VOIP, &err);
	if (!enc)
		ml_fail("opus_encoder_create: %s", opus_strerror(err));
	opus_encoder_ctl(enc, OPUS_SET_BITRATE(24000));
	for (unsigned f = 0; f < SPEECH_FRAMES; f++) {
		int16_t frame[AUDIO_FRAME];
		int len;

		for (unsigned i = 0; i < AUDIO_FRAME; i++)
			frame[i] = pcm[((size_t)f * AUDIO_FRAME + i) % n];
		len = opus_encode(enc, frame, AUDIO_FRAME, g.opus[f], PKT_MAX);
		if (len <= 0)
			ml_fail("opus_encode: %s", opus_strerror(len));
		g.opus_len[f] = (size_t)len;
		for (unsigned i = 0; i < PCMU_BYTES; i++)
			g.pcmu[f][i] = ml_ulaw((int16_t)(((int)frame[2 * i] +
						frame[2 * i + 1]) / 2));
	}
	opus_encoder_destroy(enc);
	free(pcm);
}

struct txq {
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	uint8_t pkt[BATCH][12 + PKT_MAX];
	unsigned n;
	int fd;
};

static void tx_flush(struct txq *q)
{
	unsigned off = 0;

	while (off < q->n) {
		int r = sendmmsg(q->fd, q->mm + off, q->n - off, 0);

		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ENOBUFS)
				continue;
			off++;   /* an ICMP error of an earlier packet */
			continue;
		}
		off += (unsigned)r;
	}
	q->n = 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void tx_add(struct txq *q, struct istream *s)
{
	uint8_t *p = q->pkt[q->n];
	unsigned f = s->frame++ % SPEECH_FRAMES;
	size_t len;

	p[0] = 0x80;
	p[1] = (uint8_t)((s->fmt == FMT_OPUS ? OPUS_PT : PCMU_PT) |
			 (s->sent ? 0 : 0x80));
	p[2] = (uint8_t)(s->seq >> 8);
	p[3] = (uint8_t)s->seq;
	put32(p + 4, s->ts);
	put32(p + 8, s->ssrc);
	if (s->fmt == FMT_OPUS) {
		len = g.opus_len[f];
		memcpy(p + 12, g.opus[f], len);
		s->ts += 960;
	}
	else {
		len = PCMU_BYTES;
		memcpy(p + 12, g.pcmu[f], len);
		s->ts += PCMU_BYTES;
	}
	s->seq++;
	s->sent++;
	q->iov[q->n] = (struct iovec){p, 12 + len};
	q->mm[q->n].msg_hdr = (struct msghdr){
		.msg_name = &s->dst,
		.msg_namelen = sizeof(s->dst),
		.msg_iov = &q->iov[q->n],
		.msg_iovlen = 1,
	};
	if (++q->n == BATCH)
		tx_flush(q);
}

/* Packet k is stream k % S's, due at t0 + k / S * 20 ms + (k % S) *
   20 ms / S: each stream once per 20 ms, phases spread evenly.  The
   sender wakes at most once per QUANTUM_NS and sends what is due: a
   wake-up per packet would take the CPU from the media thread we
   measure (on two cores, the scheduler's wake-up preemption alone
   cost it a third of its time). */
static void *sender(void *arg)
{
	static struct txq q[2];
	uint64_t k = 0, S = g.nins, due = g.t0;
	(void)arg;

	for (unsigned i = 0; i < 2; i++)
		q[i].fd = g.s[i].fd;
	while (S) {
		uint64_t now = ml_now_ns();

		for (;;) {
			due = g.t0 + k / S * FRAME_NS + k % S * FRAME_NS / S;
			if (due > now || due >= g.send_end)
				break;
			struct istream *s = g.ins[k % S];

			tx_add(&q[s->fd == g.s[1].fd], s);
			if (now - due > g.lag_max_ns)
				g.lag_max_ns = now - due;
			k++;
		}
		tx_flush(&q[0]);
		tx_flush(&q[1]);
		if (due >= g.send_end)
			break;
		ml_sleep_until(due > now + QUANTUM_NS ? due : now + QUANTUM_NS);
	}
	return NULL;
}

/* ---- what comes back ----------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Does a payload carry sound?  µ-law: a sample of magnitude segment 2 or
   more (about 1 % of full scale); Opus: more than a few bytes, which
   silence or comfort noise would take. */
static bool has_sound(enum fmt f, const uint8_t *pay, size_t len)
{
	if (f == FMT_OPUS)
		return len > 8;
	for (size_t i = 0; i < len; i++)
		if ((pay[i] & 0x7f) < 0x60)
			return true;
	return false;
}

/* One packet from the relay on a socket that expects want; t is its
   kernel arrival time on the monotonic clock. */
static void out_packet(struct ostream *o, enum fmt want, const uint8_t *p,
		       size_t len, int64_t t)
{
	uint16_t seq;
	uint32_t ts, step = want == FMT_OPUS ? 960 : PCMU_BYTES;
	int64_t k, late;

	if (len < 12 || (p[0] >> 6) != 2) {
		o->bad_len++;
		return;
	}
	if ((p[1] & 0x7f) != (want == FMT_OPUS ? OPUS_PT : PCMU_PT)) {
		o->bad_pt++;
		return;
	}
	if (want == FMT_PCMU ? len != 12 + PCMU_BYTES :
	    opus_packet_get_nb_samples(p + 12, (opus_int32)(len - 12),
				       48000) != 960)
		o->bad_len++;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	ts = get32(p + 4);
	if (o->have) {
		uint16_t d = (uint16_t)(seq - o->seq);

		if (d == 1 && ts - o->ts != step)
			o->bad_ts++;
		if (d > 1 && d < 0x8000)
			o->gaps += d - 1u;
	}
	o->have = true;
	o->seq = seq;
	o->ts = ts;

	/* lateness against the stream's own 20 ms schedule, anchored at
	   its earliest packet so far */
	k = (int64_t)o->got++;
	if (k == 0 || t - k * (int64_t)FRAME_NS < o->anchor_ns)
		o->anchor_ns = t - k * (int64_t)FRAME_NS;
	o->last_ns = t;
	if (t < (int64_t)g.w0 || t >= (int64_t)g.w1)
		return;
	o->win++;
	if (!o->heard)
		o->heard = has_sound(want, p + 12, len - 12);
	late = t - (o->anchor_ns + k * (int64_t)FRAME_NS);
	if (late > o->late_max_ns)
		o->late_max_ns = late;
	if (late >= (int64_t)g.o.late_ms * 1000000)
		o->late++;
}

/* a receiver's batch */
struct rxbuf {
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	uint8_t buf[BATCH][PKT_MAX];
	struct sockaddr_in src[BATCH];
	uint8_t ctl[BATCH][CMSG_SPACE(sizeof(struct timespec))];
};

static void *receiver(void *arg)
{
	struct sock *s = arg;
	struct rxbuf *b = malloc(sizeof(*b));
	struct mmsghdr *mm;

	if (!b)
		ml_die("malloc");
	mm = b->mm;
	for (unsigned i = 0; i < BATCH; i++)
		b->iov[i] = (struct iovec){b->buf[i], PKT_MAX};
	/* a batch at a time, a pause of QUANTUM_NS when the socket runs dry
	   (as in sender(): few wake-ups); arrival times come from the
	   kernel, so the pause does not show in them */
	while (!atomic_load(&g.rx_stop)) {
		int n;

		for (unsigned i = 0; i < BATCH; i++)
			mm[i].msg_hdr = (struct msghdr){
				.msg_name = &b->src[i],
				.msg_namelen = sizeof(b->src[i]),
				.msg_iov = &b->iov[i],
				.msg_iovlen = 1,
				.msg_control = b->ctl[i],
				.msg_controllen = sizeof(b->ctl[i]),
			};
		n = recvmmsg(s->fd, mm, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			struct cmsghdr *c = CMSG_FIRSTHDR(&mm[i].msg_hdr);
			uint32_t li = g.by_port[ntohs(b->src[i].sin_port)];
			int64_t t = (int64_t)ml_now_ns();

			if (c && c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				t = (int64_t)ts.tv_sec * 1000000000 +
				    ts.tv_nsec - g.real_off_ns;
			}
			if (!li)
				continue;   /* not from a relay port of ours */
			out_packet(&g.legs[li - 1].out[s->side], s->want,
				   b->buf[i], mm[i].msg_len, t);
		}
		if (n < BATCH)
			ml_sleep_until(ml_now_ns() + QUANTUM_NS);
	}
	free(b);
	return NULL;
}

static void sock_open(struct sock *s, unsigned side, enum fmt want)
{
	int one = 1, sz = 16 << 20;
	socklen_t len = sizeof(s->addr);

	s->side = side;
	s->want = want;
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (s->fd < 0)
		ml_die("socket");
	/* FORCE passes net.core.[rw]mem_max where we may (root in the
	   namespace) */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	s->addr.sin_family = AF_INET;
	s->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->fd, (struct sockaddr *)&s->addr, sizeof(s->addr)) ||
	    getsockname(s->fd, (struct sockaddr *)&s->addr, &len))
		ml_die("bind");
}

/* ---- the engine ---------------------------------------------------------- */

static void stats_h(const struct media_stats *st, void *arg)
{
	struct leg *l = arg;

	l->st = *st;
	l->st_done = true;
	g.stats_left--;
}

/* Asks every leg in [from, to) for its counters and runs libre's loop
   until they are all in (orders are served in order, so this also says
   that everything asked before has been done). */
static void stats_wait(unsigned from, unsigned to)
{
	g.stats_left = 0;
	for (unsigned i = from; i < to; i++) {
		g.legs[i].st_done = false;
		if (!media_relay_stats(g.legs[i].r, stats_h, &g.legs[i]))
			g.stats_left++;
	}
	if (ml_loop_until(&g.stats_left, 10000))
		ml_fail("%u relays did not answer within 10 s", g.stats_left);
}

static struct media_peer peer_at(const struct sock *s)
{
	struct media_peer p = {.send = true};

	memcpy(&p.rtp, &s->addr, sizeof(s->addr));
	memcpy(&p.sig, &s->addr, sizeof(s->addr));
	return p;
}

static void stream_init(struct istream *in, struct media_relay *r,
			enum media_side side, enum fmt fmt, unsigned idx)
{
	struct sockaddr_storage rtp;

	media_relay_local(r, side, &rtp, NULL);
	memcpy(&in->dst, &rtp, sizeof(in->dst));
	in->fmt = fmt;
	in->fd = g.s[side].fd;
	in->ssrc = (side == MEDIA_A ? 0xa0000000u : 0xb0000000u) | idx;
	in->seq = (uint16_t)(idx * 7919);
	in->ts = idx * 104729u;
	in->frame = idx;   /* streams start at different words */
}

static const struct media_codec opus_codec = {
	.id = MEDIA_CODEC_OPUS, .pt = OPUS_PT, .dtmf_pt = -1};
static const struct media_codec pcmu_codec = {
	.id = MEDIA_CODEC_PCMU, .pt = PCMU_PT, .dtmf_pt = -1};

static const struct media_codec *codec_of(enum fmt f)
{
	return f == FMT_OPUS ? &opus_codec : &pcmu_codec;
}

/* Side of leg i faces our socket of that side and agreed codec; its
   phone sends send_fmt (FMT_NONE: it is silent). */
static int side_setup(struct leg *l, unsigned i, enum media_side side,
		      enum fmt codec, enum fmt send_fmt)
{
	struct media_peer p = peer_at(&g.s[side]);
	int err = media_relay_set_peer(l->r, side, &p);

	if (!err && codec == FMT_OPUS)
		err = media_relay_set_clock(l->r, side, OPUS_PT, 48000);
	if (!err)
		err = media_relay_set_codec(l->r, side, codec_of(codec));
	stream_init(&l->in[side], l->r, side,
		    send_fmt ? send_fmt : FMT_PCMU, i);
	if (send_fmt)
		g.ins[g.nins++] = &l->in[side];
	return err;
}

/* What one leg is in each mode; fmt: the players' or the conference's
   codec. */
static int leg_setup(struct leg *l, unsigned i, const int16_t *clip,
		     size_t clip_n, enum fmt fmt)
{
	struct media_clip c = {.pcm = clip, .n = clip_n};
	int err;

	switch (g.mode) {
	case M_TRANSCODE:
		err = side_setup(l, i, MEDIA_A, FMT_OPUS, FMT_OPUS);
		return err ? err : side_setup(l, i, MEDIA_B, FMT_PCMU, FMT_PCMU);
	case M_PLAY:
		/* an IVR call: the caller on A, nobody on B */
		err = side_setup(l, i, MEDIA_A, fmt,
				 g.o.quiet_caller ? FMT_NONE : FMT_PCMU);
		return err ? err : media_relay_play(l->r, MEDIA_A, &c, 1,
						    true, i + 1);
	case M_CONF:
		err = side_setup(l, i, MEDIA_A, fmt, fmt);
		return err ? err : media_conf_join(g.confs[i / g.o.conf_size],
						   l->r, MEDIA_A);
	case M_RECORD:
		err = side_setup(l, i, MEDIA_A, FMT_PCMU, FMT_PCMU);
		if (!err)
			err = side_setup(l, i, MEDIA_B, FMT_PCMU, FMT_PCMU);
		if (!err)
			ml_rec_attach(l->r, i);
		return err;
	}
	return EINVAL;
}

/* Allocates and sets up every relay; returns the set-up time in s. */
static double relays_setup(struct media_engine *me, const int16_t *clip,
			   size_t clip_n, enum fmt fmt)
{
	uint64_t t = ml_now_ns();

	for (unsigned i = 0; i < g.nlegs; i++) {
		struct leg *l = &g.legs[i];
		struct sockaddr_storage a, b;
		int err = media_relay_alloc(me, &l->r);

		if (err)
			ml_fail("relay %u: media_relay_alloc: %s", i,
				strerror(err));
		media_relay_local(l->r, MEDIA_A, &a, NULL);
		media_relay_local(l->r, MEDIA_B, &b, NULL);
		g.by_port[ntohs(((struct sockaddr_in *)&a)->sin_port)] = i + 1;
		g.by_port[ntohs(((struct sockaddr_in *)&b)->sin_port)] = i + 1;
		err = leg_setup(l, i, clip, clip_n, fmt);
		if (err)
			ml_fail("relay %u: set-up: %s", i, strerror(err));
	}
	stats_wait(g.nlegs - 1, g.nlegs);
	return (double)(ml_now_ns() - t) / 1e9;
}

/* ---- /proc/net/snmp: UDP drops anywhere in the namespace ------------------ */

struct udp_cnt {
	uint64_t rcvbuf, sndbuf, inerr;
};

static struct udp_cnt udp_read(void)
{
	struct udp_cnt c = {0};
	char head[1024], vals[1024];
	FILE *f = fopen("/proc/net/snmp", "r");

	if (!f)
		return c;
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		char *hs, *vs, *h, *v;

		if (strncmp(head, "Udp:", 4))
			continue;
		h = strtok_r(head + 4, " \n", &hs);
		v = strtok_r(vals + 4, " \n", &vs);
		for (; h && v; h = strtok_r(NULL, " \n", &hs),
			       v = strtok_r(NULL, " \n", &vs)) {
			uint64_t x = strtoull(v, NULL, 10);

			if (!strcmp(h, "RcvbufErrors"))
				c.rcvbuf = x;
			else if (!strcmp(h, "SndbufErrors"))
				c.sndbuf = x;
			else if (!strcmp(h, "InErrors"))
				c.inerr = x;
		}
		break;
	}
	fclose(f);
	return c;
}

/* ---- one step ------------------------------------------------------------ */

/* CPU time over the window, s: the media thread's, its wait for a CPU,
   the writer's (record) and the rest of this process */
struct cpu_win {
	double media, wait, writer, self;
};

static void report(double setup_s, struct cpu_win c, struct udp_cnt u0,
		   struct udp_cnt u1)
{
	uint64_t sent = 0, rx = 0, loss_in = 0, back = 0, expect_win;
	uint64_t win = 0, missing = 0, short_n = 0, silent = 0, late = 0;
	uint64_t bad_pt = 0, bad_len = 0, bad_ts = 0, gaps = 0, foreign = 0;
	uint64_t other = 0, nout = 0, skipped = 0, mute = 0;
	int64_t late_max = 0;
	double w = g.o.window_s;

	expect_win = (uint64_t)(w * 1e9 / FRAME_NS + 0.5);
	for (unsigned i = 0; i < g.nlegs; i++) {
		struct leg *l = &g.legs[i];

		for (unsigned s = 0; s < 2; s++) {
			const struct media_side_stats *ss = &l->st.side[s];
			const struct ostream *o = &l->out[s];

			sent += l->in[s].sent;
			rx += ss->rx_packets;
			if (l->in[s].sent > ss->rx_packets)
				loss_in += l->in[s].sent - ss->rx_packets;
			foreign += ss->dropped_foreign;
			other += ss->dropped_other;
			if (!g.s[s].want)
				continue;
			nout++;
			if (ss->tx_packets > o->got)
				back += ss->tx_packets - o->got;
			win += o->win;
			if (o->win + 1 < expect_win) {
				missing += expect_win - 1 - o->win;
				short_n++;
			}
			if (!o->win)
				silent++;
			else if (!o->heard)
				mute++;
			if (o->got)
				skipped += (uint64_t)(o->last_ns - o->anchor_ns -
					(int64_t)(o->got - 1) * (int64_t)FRAME_NS +
					(int64_t)FRAME_NS / 2) / FRAME_NS;
			late += o->late;
			if (o->late_max_ns > late_max)
				late_max = o->late_max_ns;
			bad_pt += o->bad_pt;
			bad_len += o->bad_len;
			bad_ts += o->bad_ts;
			gaps += o->gaps;
		}
	}
	printf("mode=%s\nn=%u\nwindow_s=%.3f\nsetup_s=%.3f\n",
	       mode_names[g.mode], g.nlegs, w, setup_s);
	if (g.mode == M_CONF)
		printf("conf_size=%u\nconferences=%u\n", g.o.conf_size,
		       g.nlegs / g.o.conf_size);
	printf("streams_in=%u\nstreams_out=%llu\n", g.nins,
	       (unsigned long long)nout);
	printf("sent=%llu\nrelay_rx=%llu\nloss_in=%llu\n",
	       (unsigned long long)sent, (unsigned long long)rx,
	       (unsigned long long)loss_in);
	printf("out_expected=%llu\nout_window=%llu\nout_missing=%llu\n"
	       "out_streams_short=%llu\nout_streams_silent=%llu\n",
	       (unsigned long long)(expect_win * nout),
	       (unsigned long long)win, (unsigned long long)missing,
	       (unsigned long long)short_n, (unsigned long long)silent);
	printf("out_skipped=%llu\nout_streams_mute=%llu\n",
	       (unsigned long long)skipped, (unsigned long long)mute);
	printf("out_pps=%.0f\n", w > 0 ? (double)win / w : 0);
	printf("back_loss=%llu\nbad_pt=%llu\nbad_len=%llu\nbad_ts=%llu\n"
	       "gaps=%llu\n", (unsigned long long)back,
	       (unsigned long long)bad_pt, (unsigned long long)bad_len,
	       (unsigned long long)bad_ts, (unsigned long long)gaps);
	printf("late=%llu\nlate_max_ms=%.1f\n", (unsigned long long)late,
	       (double)late_max / 1e6);
	printf("dropped_foreign=%llu\ndropped_other=%llu\n",
	       (unsigned long long)foreign, (unsigned long long)other);
	printf("udp_rcvbuf_errors=%llu\nudp_sndbuf_errors=%llu\n"
	       "udp_in_errors=%llu\n",
	       (unsigned long long)(u1.rcvbuf - u0.rcvbuf),
	       (unsigned long long)(u1.sndbuf - u0.sndbuf),
	       (unsigned long long)(u1.inerr - u0.inerr));
	printf("media_cpu_pct=%.1f\nmedia_wait_pct=%.1f\n"
	       "driver_cpu_pct=%.1f\n", 100 * c.media / w, 100 * c.wait / w,
	       100 * c.self / w);
	if (g.writer_tid)
		printf("writer_cpu_pct=%.1f\n", 100 * c.writer / w);
	printf("lag_max_ms=%.1f\n", (double)g.lag_max_ns / 1e6);
}

/* The codecs of the relays' sides and what our two sockets must get:
   the players' or conference's codec is -c's. */
static enum fmt mode_fmts(const struct ml_opts *o, enum fmt want[2])
{
	enum fmt f = FMT_PCMU;

	if (g.mode == M_PLAY || g.mode == M_CONF) {
		if (!strcmp(o->codec, "opus"))
			f = FMT_OPUS;
		else if (strcmp(o->codec, "pcmu"))
			ml_fail("-c: pcmu or opus, not '%s'", o->codec);
	}
	want[0] = g.mode == M_TRANSCODE ? FMT_OPUS : f;
	want[1] = g.mode == M_TRANSCODE || g.mode == M_RECORD ? FMT_PCMU
							       : FMT_NONE;
	return f;
}

static void confs_alloc(struct media_engine *me)
{
	unsigned k = g.o.conf_size, nc;

	if (!k || k > MEDIA_CONF_MAX || g.nlegs % k)
		ml_fail("conf: -n must be a multiple of -k (1-%d)",
			MEDIA_CONF_MAX);
	nc = g.nlegs / k;
	g.confs = calloc(nc, sizeof(*g.confs));
	if (!g.confs)
		ml_die("calloc");
	for (unsigned i = 0; i < nc; i++)
		if (media_conf_alloc(me, &g.confs[i]))
			ml_fail("media_conf_alloc failed");
}

/* Every side out of its conference before the relays go (the handle
   counts members by relay), then the conferences */
static void confs_free(void)
{
	unsigned k = g.o.conf_size;

	for (unsigned i = 0; i < g.nlegs; i++)
		(void)media_conf_leave(g.confs[i / k], g.legs[i].r, MEDIA_A);
	for (unsigned i = 0; i < g.nlegs / k; i++)
		media_conf_free(g.confs[i]);
	free(g.confs);
}

static int relay_step(const struct ml_opts *o, enum mode mode)
{
	struct media_engine *me = NULL;
	enum fmt fmt, want[2];
	int16_t *clip = NULL;
	size_t clip_n = 0;
	pthread_t snd;
	uint64_t m0, m1, p0, p1, q0, q1, r0 = 0, r1 = 0;
	struct udp_cnt u0, u1;
	struct cpu_win cw;
	struct rlimit rl;
	struct timespec rt, mt;
	double setup_s;
	int tid, err;

	g.o = *o;
	g.mode = mode;
	g.nlegs = o->n;
	if (!o->n)
		ml_fail("-n: how many?");
	fmt = mode_fmts(o, want);
	if (mode == M_PLAY)
		clip = ml_audio(o->clip, 120, &clip_n);

	/* four sockets per relay */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if ((rlim_t)o->n * 4 + 64 > rl.rlim_cur)
			ml_fail("%u relays need %u descriptors, the limit "
				"is %llu", o->n, o->n * 4 + 64,
				(unsigned long long)rl.rlim_cur);
	}
	if ((o->port_hi - o->port_lo + 1) / 4 < o->n)
		ml_fail("ports %u-%u hold fewer than %u relays", o->port_lo,
			o->port_hi, o->n);

	speech_encode(o->speech);
	g.legs = calloc(o->n, sizeof(*g.legs));
	g.ins = calloc(2 * (size_t)o->n, sizeof(*g.ins));
	g.by_port = calloc(65536, sizeof(*g.by_port));
	if (!g.legs || !g.ins || !g.by_port)
		ml_die("calloc");
	sock_open(&g.s[0], 0, want[0]);
	sock_open(&g.s[1], 1, want[1]);

	err = media_start(&me, "127.0.0.1", o->port_lo, o->port_hi, 1);
	if (err)
		ml_fail("media_start: %s", strerror(err));
	tid = ml_find_thread("centrexd-rtp0");
	if (!tid)
		ml_fail("no media thread named centrexd-rtp0");
	if (mode == M_CONF)
		confs_alloc(me);
	if (mode == M_RECORD)
		g.writer_tid = ml_rec_start(o);
	setup_s = relays_setup(me, clip, clip_n, fmt);

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	g.real_off_ns = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000 +
			(rt.tv_nsec - mt.tv_nsec);
	g.t0 = ml_now_ns() + 50000000ull;
	g.w0 = g.t0 + (uint64_t)(o->warm_s * 1e9);
	g.w1 = g.w0 + (uint64_t)(o->window_s * 1e9);
	g.send_end = g.w1 + TAIL_NS;

	u0 = udp_read();
	for (unsigned i = 0; i < 2; i++)
		if (g.s[i].want) {
			if (pthread_create(&g.s[i].thr, NULL, receiver,
					   &g.s[i]))
				ml_die("pthread_create");
			g.s[i].running = true;
		}
	if (pthread_create(&snd, NULL, sender, NULL))
		ml_die("pthread_create");

	ml_sleep_until(g.w0);
	m0 = ml_cpu_ns(tid);
	q0 = ml_wait_ns(tid);
	p0 = ml_cpu_ns(0);
	if (g.writer_tid)
		r0 = ml_cpu_ns(g.writer_tid);
	ml_sleep_until(g.w1);
	m1 = ml_cpu_ns(tid);
	q1 = ml_wait_ns(tid);
	p1 = ml_cpu_ns(0);
	if (g.writer_tid)
		r1 = ml_cpu_ns(g.writer_tid);

	pthread_join(snd, NULL);
	/* the recordings end with the sending; the drain below also says
	   the stop orders were served */
	if (mode == M_RECORD)
		for (unsigned i = 0; i < g.nlegs; i++)
			ml_rec_stop(g.legs[i].r, i, g.t0);
	ml_sleep_until(ml_now_ns() + DRAIN_NS);
	stats_wait(0, g.nlegs);
	ml_sleep_until(ml_now_ns() + 100000000ull);
	atomic_store(&g.rx_stop, 1);
	for (unsigned i = 0; i < 2; i++)
		if (g.s[i].running)
			pthread_join(g.s[i].thr, NULL);
	u1 = udp_read();

	cw.media = (double)(m1 - m0) / 1e9;
	cw.wait = (double)(q1 - q0) / 1e9;
	cw.writer = (double)(r1 - r0) / 1e9;
	cw.self = (double)((p1 - p0) - (m1 - m0) - (r1 - r0)) / 1e9;
	report(setup_s, cw, u0, u1);
	if (mode == M_RECORD)
		ml_rec_finish();
	if (mode == M_CONF)
		confs_free();
	media_stop(me);
	for (unsigned i = 0; i < 2; i++)
		close(g.s[i].fd);
	free(clip);
	free(g.legs);
	free(g.ins);
	free(g.by_port);
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: mediaload transcode|play|conf|record|mix|writer [-n N] "
		"[-k SIZE] [-t S]\n"
		"                 [-W S] [-p LO-HI] [-L MS] [-w WAV] [-m WAV] "
		"[-c pcmu|opus] [-q]\n"
		"                 [-d DIR] [-C 1|2]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct ml_opts o = {
		.warm_s = 1, .window_s = 5, .port_lo = 20000,
		.port_hi = 59999, .late_ms = 40, .codec = "pcmu",
		.channels = 1, .conf_size = 3,
	};
	const char *mode;
	int c, err;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "n:k:t:W:p:L:w:m:c:d:C:q")) != -1) {
		switch (c) {
		case 'n': o.n = (unsigned)atoi(optarg); break;
		case 'k': o.conf_size = (unsigned)atoi(optarg); break;
		case 't': o.window_s = atof(optarg); break;
		case 'W': o.warm_s = atof(optarg); break;
		case 'p':
			if (sscanf(optarg, "%u-%u", &o.port_lo, &o.port_hi) != 2)
				usage();
			break;
		case 'L': o.late_ms = (unsigned)atoi(optarg); break;
		case 'w': o.speech = optarg; break;
		case 'm': o.clip = optarg; break;
		case 'c': o.codec = optarg; break;
		case 'd': o.dir = optarg; break;
		case 'C': o.channels = (unsigned)atoi(optarg); break;
		case 'q': o.quiet_caller = true; break;
		default: usage();
		}
	}
	if (o.window_s <= 0 || o.warm_s < 0)
		usage();

	log_set_level(LOGL_WARN);
	err = libre_init();
	if (err)
		ml_fail("libre_init: %s", strerror(err));
	err = -1;
	for (unsigned m = 0; m < sizeof(mode_names) / sizeof(*mode_names); m++)
		if (!strcmp(mode, mode_names[m]))
			err = relay_step(&o, (enum mode)m);
	if (err >= 0)
		;
	else if (!strcmp(mode, "mix"))
		err = ml_mix(&o);
	else if (!strcmp(mode, "writer"))
		err = ml_writer(&o);
	else
		usage();
	libre_close();
	return err ? 1 : 0;
}
