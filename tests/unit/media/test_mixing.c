/**
 * @file test_mixing.c  Conferences, recordings, silence detection and
 * what a phone is sent when what it hears changes, through the engine.
 *
 * UDP sockets play the phones and send G.711 µ-law tones, one frequency
 * each, at the real 20 ms pace.  What comes back is decoded and measured
 * with a Goertzel filter: in a conference each phone must hear the other
 * two frequencies and not its own; a recording must hold each party on
 * its own channel.  The engine runs two media threads, so that members
 * of one conference start on different threads and have to be moved.
 */
#include <re.h>
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <spandsp.h>
#include "media/dsp/tone.h"
#include "media/media.h"
#include "media/prompt/wav.h"
#include "record/record.h"
#include "support.h"

enum { PORT_LO = 47200, PORT_HI = 47299, RATE = 8000, FRAME = 160 };

/* ---- a phone: one socket, one tone, what it heard --------------------- */

struct phone {
	int fd;
	struct sockaddr_in addr;         /**< its own */
	struct sockaddr_storage relay;   /**< where it sends */
	double freq;
	uint16_t seq;
	uint32_t ts, ssrc;
	double phase;
	int16_t heard[RATE * 4];
	size_t nheard;
	unsigned npkts;               /**< every packet that came */
	/* the stream it was sent: one source, numbers that never go back */
	uint32_t rx_ssrc, rx_ts;
	uint16_t rx_seq;
	unsigned ssrc_changes, seq_back, ts_back;
};

static void phone_open(struct phone *p, double freq, uint32_t ssrc)
{
	socklen_t len = sizeof(p->addr);

	memset(p, 0, sizeof(*p));
	p->freq = freq;
	p->ssrc = ssrc;
	p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(p->fd >= 0);
	p->addr.sin_family = AF_INET;
	p->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(p->fd, (struct sockaddr *)&p->addr,
			      sizeof(p->addr)), 0);
	assert_int_equal(getsockname(p->fd, (struct sockaddr *)&p->addr,
				     &len), 0);
}

static struct media_peer phone_peer(const struct phone *p)
{
	struct media_peer mp = {.send = true};

	memcpy(&mp.rtp, &p->addr, sizeof(p->addr));
	return mp;
}

/* One 20 ms µ-law packet of the phone's tone. */
static void phone_send(struct phone *p)
{
	uint8_t pkt[12 + FRAME];

	pkt[0] = 0x80;
	pkt[1] = 0;
	pkt[2] = (uint8_t)(p->seq >> 8);
	pkt[3] = (uint8_t)p->seq;
	for (int i = 0; i < 4; i++) {
		pkt[4 + i] = (uint8_t)(p->ts >> (24 - 8 * i));
		pkt[8 + i] = (uint8_t)(p->ssrc >> (24 - 8 * i));
	}
	for (int i = 0; i < FRAME; i++) {
		pkt[12 + i] = linear_to_ulaw(
			(int)(6000.0 * sin(p->phase)));
		p->phase += 2.0 * M_PI * p->freq / RATE;
	}
	p->seq++;
	p->ts += FRAME;
	(void)sendto(p->fd, pkt, sizeof(pkt), 0,
		     (const struct sockaddr *)&p->relay,
		     p->relay.ss_family == AF_INET6
		     ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* Counts what a jitter buffer would trip on: a new SSRC, a sequence
   number or timestamp behind the previous packet's. */
static void phone_header(struct phone *p, const uint8_t *b)
{
	uint16_t seq = (uint16_t)(b[2] << 8 | b[3]);
	uint32_t ts = be32(b + 4), ssrc = be32(b + 8);

	if (p->npkts) {
		p->ssrc_changes += ssrc != p->rx_ssrc;
		p->seq_back += (int16_t)(uint16_t)(seq - p->rx_seq) <= 0;
		p->ts_back += (int32_t)(ts - p->rx_ts) < 0;
	}
	p->rx_ssrc = ssrc;
	p->rx_seq = seq;
	p->rx_ts = ts;
}

/* Everything waiting; µ-law packets are decoded into heard. */
static void phone_drain(struct phone *p, bool keep)
{
	uint8_t buf[2048];
	ssize_t n;

	while ((n = recv(p->fd, buf, sizeof(buf), 0)) > 0) {
		if (n >= 12)
			phone_header(p, buf);
		p->npkts++;
		if (!keep || n <= 12 || (buf[1] & 0x7f) != 0)
			continue;
		for (ssize_t i = 12; i < n && p->nheard < RATE * 4; i++)
			p->heard[p->nheard++] =
				(int16_t)ulaw_to_linear(buf[i]);
	}
}

/* Power of one frequency, relative to the signal's total power. */
static double share(const int16_t *x, size_t n, size_t stride, double freq,
		    double rate)
{
	double w = 2.0 * M_PI * freq / rate, c = 2.0 * cos(w);
	double s1 = 0, s2 = 0, total = 0;

	for (size_t i = 0; i < n; i++) {
		double v = x[i * stride], s0 = v + c * s1 - s2;

		s2 = s1;
		s1 = s0;
		total += v * v;
	}
	if (total <= 0)
		return 0;
	/* |X(f)|^2 * 2 / N is the tone's power; over total power * N */
	return (s1 * s1 + s2 * s2 - c * s1 * s2) * 2.0 / (double)n /
	       total;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the libre loop, for what comes back to the signalling thread ---- */

static void run_until(bool *flag, unsigned ms)
{
	support_run_until(flag, ms);
}

static void closed_h(const struct media_stats *st, void *arg)
{
	(void)st;
	*(bool *)arg = true;
}

static void relay_close(struct media_relay *r)
{
	bool done = false;

	media_relay_close(r, closed_h, &done);
	run_until(&done, 2000);
	assert_true(done);
}

static const struct media_codec pcmu = {
	.id = MEDIA_CODEC_PCMU, .pt = 0, .dtmf_pt = -1,
};

/* A relay whose side A faces phone p. */
static struct media_relay *relay_for(struct media_engine *me,
				     struct phone *p, enum media_side side)
{
	struct media_relay *r;
	struct media_peer mp = phone_peer(p);

	assert_int_equal(media_relay_alloc(me, &r), 0);
	media_relay_local(r, side, &p->relay, NULL);
	assert_int_equal(media_relay_set_peer(r, side, &mp), 0);
	assert_int_equal(media_relay_set_codec(r, side, &pcmu), 0);
	return r;
}

/* A call between two phones: side A faces ph[0], side B ph[1]. */
static struct media_relay *relay_between(struct media_engine *me,
					 struct phone *ph)
{
	struct media_relay *r = relay_for(me, &ph[0], MEDIA_A);
	struct media_peer mp = phone_peer(&ph[1]);

	media_relay_local(r, MEDIA_B, &ph[1].relay, NULL);
	assert_int_equal(media_relay_set_peer(r, MEDIA_B, &mp), 0);
	assert_int_equal(media_relay_set_codec(r, MEDIA_B, &pcmu), 0);
	return r;
}

/* Every phone sends for ms; what arrives after the first 300 ms (joins
   and moves settling) is kept.  The libre loop runs in between, as in
   the daemon: a moved relay is adopted by its new thread only once the
   signalling thread has heard that the old one let go. */
static void talk(struct phone *ph, size_t n, unsigned ms)
{
	for (unsigned t = 0; t < ms; t += 20) {
		for (size_t i = 0; i < n; i++) {
			phone_send(&ph[i]);
			phone_drain(&ph[i], t >= 300);
		}
		run_until(NULL, 20);
	}
}

/* ---- tests ------------------------------------------------------------ */

static void test_three_party_conference(void **state)
{
	static const double f[3] = {440.0, 770.0, 1270.0};
	struct media_engine *me;
	struct media_relay *r[3];
	struct media_conf *c;
	struct phone *ph;
	(void)state;

	ph = calloc(3, sizeof(*ph));
	assert_non_null(ph);
	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 2),
			 0);
	for (int i = 0; i < 3; i++) {
		phone_open(&ph[i], f[i], 0x100u + (unsigned)i);
		r[i] = relay_for(me, &ph[i], MEDIA_A);
	}
	assert_int_equal(media_conf_alloc(me, &c), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(media_conf_join(c, r[i], MEDIA_A), 0);
	assert_int_equal(media_conf_join(c, r[0], MEDIA_A), EALREADY);
	assert_int_equal(media_conf_count(c), 3);

	talk(ph, 3, 1500);
	for (int i = 0; i < 3; i++) {
		/* half a second of audio, at least, came back (a loaded
		   machine, sanitizers: the pace may slip, the mix must not) */
		if (ph[i].nheard < RATE / 2)
			fail_msg("phone %d: %zu samples in %u packets", i,
				 ph[i].nheard, ph[i].npkts);
		/* each other one, clearly, and not itself (tones compared
		   with tones: a frame lost under load spreads a tone's energy
		   over side lines, whatever it is compared with) */
		double own = share(ph[i].heard, ph[i].nheard, 1, f[i], RATE);

		assert_true(own < 0.02);
		for (int k = 0; k < 3; k++)
			if (k != i)
				assert_true(share(ph[i].heard, ph[i].nheard, 1,
						  f[k], RATE) > 10 * own + 0.02);
	}

	/* muted, phone 0 is heard by nobody; it still hears the others */
	assert_int_equal(media_conf_mute(c, r[0], MEDIA_A, true), 0);
	for (int i = 0; i < 3; i++)
		ph[i].nheard = 0;
	talk(ph, 3, 1000);
	assert_true(share(ph[1].heard, ph[1].nheard, 1, f[0], RATE) < 0.01);
	assert_true(share(ph[0].heard, ph[0].nheard, 1, f[1], RATE) > 0.05);

	/* one leaves: the other two still hear each other */
	assert_int_equal(media_conf_leave(c, r[0], MEDIA_A), 0);
	assert_int_equal(media_conf_count(c), 2);
	for (int i = 0; i < 3; i++)
		ph[i].nheard = 0;
	talk(ph, 3, 1000);
	assert_true(share(ph[1].heard, ph[1].nheard, 1, f[2], RATE) >
		    20 * share(ph[1].heard, ph[1].nheard, 1, f[0], RATE));
	assert_true(share(ph[2].heard, ph[2].nheard, 1, f[1], RATE) >
		    20 * share(ph[2].heard, ph[2].nheard, 1, f[0], RATE));

	/* the moved relays answer and close as usual */
	for (int i = 1; i < 3; i++)
		assert_int_equal(media_conf_leave(c, r[i], MEDIA_A), 0);
	media_conf_free(c);
	for (int i = 0; i < 3; i++) {
		relay_close(r[i]);
		close(ph[i].fd);
	}
	assert_int_equal(media_relay_count(me), 0);
	media_stop(me);
	free(ph);
}

/* A conference freed while its members' moves are still on their way:
   nothing may touch the freed conference (ASan watches). */
static void test_free_while_moving(void **state)
{
	struct media_engine *me;
	struct media_relay *r[4];
	struct media_conf *c;
	struct phone ph;
	(void)state;

	phone_open(&ph, 500.0, 1);
	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 3),
			 0);
	for (int i = 0; i < 4; i++)
		r[i] = relay_for(me, &ph, MEDIA_A);
	assert_int_equal(media_conf_alloc(me, &c), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(media_conf_join(c, r[i], MEDIA_A), 0);
	media_conf_free(c);
	for (int i = 0; i < 2; i++)
		relay_close(r[i]);
	/* the others are still open when the engine stops */
	media_stop(me);
	close(ph.fd);
}

struct rec_wait {
	bool done;
	struct rec_result res;
};

static void rec_done(const struct rec_result *res, void *arg)
{
	struct rec_wait *w = arg;

	w->res = *res;
	w->done = true;
}

static void read_wav(const char *path, int16_t **pcm, size_t *frames,
		     unsigned *channels)
{
	struct wav_info wi;
	const char *err = "";
	uint8_t *buf;
	long size;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	if (wav_parse(buf, (size_t)size, &wi, &err))
		fail_msg("%s: %s (%ld bytes)", path, err, size);
	assert_int_equal(wi.rate, 16000);
	*channels = wi.channels;
	*frames = wi.frames;
	*pcm = malloc(wi.frames * wi.block);
	assert_non_null(*pcm);
	memcpy(*pcm, wi.data, wi.frames * wi.block);
	free(buf);
}

static void test_recording_split_and_pause(void **state)
{
	struct media_engine *me;
	struct recwriter *w;
	struct recwriter_conf wc = {0};
	struct rec_file *f;
	struct rec_wait rw = {0};
	struct media_relay *r;
	struct phone ph[2];
	char dir[256], path[300];
	int16_t *pcm;
	size_t frames;
	unsigned ch;
	int64_t t[4], rec_ms;
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/call.wav", dir);
	wc.data_dir = dir;
	assert_int_equal(recwriter_start(&w, &wc), 0);
	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	phone_open(&ph[0], 600.0, 0xa);
	phone_open(&ph[1], 1500.0, 0xb);
	r = relay_between(me, ph);

	f = rec_open(w, path, 2);
	assert_non_null(f);
	assert_int_equal(media_relay_record(r, f, MEDIA_REC_SPLIT, rec_done,
					    &rw), 0);
	t[0] = mono_ms();
	talk(ph, 2, 1000);
	/* the call itself still passes: each hears the other */
	assert_true(share(ph[0].heard, ph[0].nheard, 1, 1500.0, RATE) > 0.5);
	assert_true(share(ph[1].heard, ph[1].nheard, 1, 600.0, RATE) > 0.5);

	/* a paused second is not in the file */
	assert_int_equal(media_relay_record_pause(r, true), 0);
	t[1] = mono_ms();
	talk(ph, 2, 1000);
	assert_int_equal(media_relay_record_pause(r, false), 0);
	t[2] = mono_ms();
	talk(ph, 2, 500);
	assert_int_equal(media_relay_record_stop(r), 0);
	t[3] = mono_ms();
	run_until(&rw.done, 3000);
	assert_true(rw.done);
	assert_int_equal(rw.res.err, 0);
	/* what was talked outside the pause (about 1.5 s of 2.5 s; a loaded
	   machine stretches the talk, and the recording with it), within a
	   few frames of the orders' travel */
	rec_ms = (t[1] - t[0]) + (t[3] - t[2]);
	if (rw.res.duration_ms + 100 < rec_ms ||
	    rw.res.duration_ms > rec_ms + 100)
		fail_msg("recorded %lld ms, talked %lld ms unpaused",
			 (long long)rw.res.duration_ms,
			 (long long)rec_ms);

	read_wav(path, &pcm, &frames, &ch);
	assert_int_equal(ch, 2);
	/* skip the first 100 ms: jitter buffers filling */
	assert_true(share(pcm + 3200, frames - 1600, 2, 600.0, 16000) > 0.5);
	assert_true(share(pcm + 3201, frames - 1600, 2, 1500.0, 16000) > 0.5);
	assert_true(share(pcm + 3200, frames - 1600, 2, 1500.0, 16000) < 0.05);
	free(pcm);

	relay_close(r);
	media_stop(me);
	recwriter_stop(w);
	close(ph[0].fd);
	close(ph[1].fd);
	support_rmdir(dir);
}

struct ev_wait {
	unsigned silences;
};

static void ev_h(const struct media_event *ev, void *arg)
{
	struct ev_wait *w = arg;

	if (ev->type == MEDIA_EV_SILENCE)
		w->silences++;
}

/* A phone that speaks, then stops: silence is told once per quiet
   stretch, not while it speaks (voicemail ends a message so). */
static void test_silence_detected(void **state)
{
	struct media_engine *me;
	struct media_relay *r;
	struct ev_wait w = {0};
	struct phone ph;
	(void)state;

	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	phone_open(&ph, 700.0, 9);
	r = relay_for(me, &ph, MEDIA_A);
	media_relay_set_events(r, ev_h, &w);
	assert_int_equal(media_relay_detect_silence(r, MEDIA_A, 500, -45), 0);
	assert_int_equal(media_relay_detect_silence(r, MEDIA_A, 500, 3),
			 EINVAL);
	talk(&ph, 1, 1500);                 /* a tone: never quiet */
	assert_int_equal(w.silences, 0);
	run_until(NULL, 1200);              /* nothing sent: quiet */
	assert_int_equal(w.silences, 1);
	talk(&ph, 1, 600);
	run_until(NULL, 1200);              /* a second quiet stretch */
	assert_int_equal(w.silences, 2);
	relay_close(r);
	media_stop(me);
	close(ph.fd);
}

/* The largest share of freq in any 40 ms window (tone bursts). */
static double peak_share(const int16_t *x, size_t n, double freq)
{
	enum { W = RATE / 25 };
	double best = 0;

	for (size_t i = 0; i + W <= n; i += W / 2) {
		double v = share(x + i, W, 1, freq, RATE);

		if (v > best)
			best = v;
	}
	return best;
}

/* Digits played in band into a relayed call: the peer that takes no
   events hears the other side's audio with the tones added. */
static void test_inband_digits_into_a_relayed_call(void **state)
{
	struct media_engine *me;
	struct media_relay *r;
	struct phone ph[2];
	(void)state;

	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	phone_open(&ph[0], 1000.0, 0xa);
	phone_open(&ph[1], 400.0, 0xb);
	r = relay_between(me, ph);
	talk(ph, 2, 600);
	ph[1].nheard = 0;
	assert_int_equal(media_relay_send_dtmf(r, MEDIA_B, "1111"), 0);
	talk(ph, 2, 1200);
	/* '1' is 697 + 1209 Hz, on top of A's 1000 Hz; the tones are short
	   bursts, looked for in 40 ms windows */
	assert_true(peak_share(ph[1].heard, ph[1].nheard, 697.0) > 0.1);
	assert_true(peak_share(ph[1].heard, ph[1].nheard, 1209.0) > 0.1);
	/* and not those of another digit ('9': 852 + 1477 Hz) */
	assert_true(peak_share(ph[1].heard, ph[1].nheard, 697.0) >
		    5 * peak_share(ph[1].heard, ph[1].nheard, 852.0));
	assert_true(share(ph[1].heard, ph[1].nheard, 1, 1000.0, RATE) > 0.2);
	relay_close(r);
	media_stop(me);
	close(ph[0].fd);
	close(ph[1].fd);
}

/* A phone relayed the other party, then played a tone, then relayed
   again sees one stream: phones' jitter buffers drop a new source whose
   numbers are behind the last one's, so a prompt (the notice that a call
   is recorded) would be lost whole about half the time. */
static void test_one_stream_across_prompts(void **state)
{
	struct media_engine *me;
	struct media_relay *r;
	struct phone ph[2];
	unsigned before;
	(void)state;

	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	phone_open(&ph[0], 1000.0, 0xa);
	phone_open(&ph[1], 400.0, 0xb);
	ph[1].seq = 65500;             /* and across the wrap */
	r = relay_between(me, ph);

	talk(ph, 2, 400);
	before = ph[0].npkts;
	assert_true(before > 5);
	assert_int_equal(media_relay_tone(r, MEDIA_A, "fr", TONE_BUSY), 0);
	talk(ph, 2, 600);
	assert_true(ph[0].npkts > before + 10);
	assert_int_equal(media_relay_hear(r, MEDIA_A, MEDIA_HEAR_PEER), 0);
	ph[0].nheard = 0;
	talk(ph, 2, 900);
	/* the other party again, clearly */
	assert_true(share(ph[0].heard, ph[0].nheard, 1, 400.0, RATE) > 0.3);
	assert_int_equal(ph[0].ssrc_changes, 0);
	assert_int_equal(ph[0].seq_back, 0);
	assert_int_equal(ph[0].ts_back, 0);
	relay_close(r);
	media_stop(me);
	close(ph[0].fd);
	close(ph[1].fd);
}

struct stats_wait {
	struct media_stats st;
	bool done;
};

static void stats_h(const struct media_stats *st, void *arg)
{
	struct stats_wait *w = arg;

	w->st = *st;
	w->done = true;
}

/* A phone that heard our tone before the other party said anything gets
   the other party under our SSRC; the block of its RTCP reports about
   that SSRC is the one read (the loss it reports reaches the leg's
   figures), not one about another source. */
static void test_reports_about_our_stream(void **state)
{
	struct media_engine *me;
	struct media_relay *r;
	struct media_peer mp;
	struct stats_wait sw = {0};
	struct phone ph[2];
	uint8_t rr[56] = {0x82, 201, 0, 13};
	(void)state;

	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	phone_open(&ph[0], 1000.0, 0xa);
	phone_open(&ph[1], 400.0, 0xb);
	r = relay_between(me, ph);
	mp = phone_peer(&ph[0]);
	mp.rtcp_mux = true;
	assert_int_equal(media_relay_set_peer(r, MEDIA_A, &mp), 0);
	assert_int_equal(media_relay_tone(r, MEDIA_A, "fr", TONE_BUSY), 0);
	talk(ph, 1, 400);                   /* only phone 0 sends */
	assert_int_equal(media_relay_hear(r, MEDIA_A, MEDIA_HEAR_PEER), 0);
	talk(ph, 2, 400);
	assert_true(ph[0].npkts > 20);
	assert_true(ph[0].rx_ssrc != ph[1].ssrc);   /* ours, not phone 1's */

	/* an RR from phone 0 about two sources: one it heard long ago
	   (nothing lost), then what it receives now (a quarter lost) */
	rr[8] = 0xde;
	rr[9] = 0xad;
	for (int i = 0; i < 4; i++)
		rr[32 + i] = (uint8_t)(ph[0].rx_ssrc >> (24 - 8 * i));
	rr[36] = 64;
	(void)sendto(ph[0].fd, rr, sizeof(rr), 0,
		     (const struct sockaddr *)&ph[0].relay,
		     sizeof(struct sockaddr_in));
	run_until(NULL, 100);
	assert_int_equal(media_relay_stats(r, stats_h, &sw), 0);
	run_until(&sw.done, 2000);
	assert_true(sw.done);
	assert_true(sw.st.side[MEDIA_A].rtcp_loss_pct > 24.0 &&
		    sw.st.side[MEDIA_A].rtcp_loss_pct < 26.0);
	relay_close(r);
	media_stop(me);
	close(ph[0].fd);
	close(ph[1].fd);
}

/* A relay closed while recording ends the file; done still comes. */
static void test_recording_ends_with_relay(void **state)
{
	struct media_engine *me;
	struct recwriter *w;
	struct recwriter_conf wc = {0};
	struct rec_wait rw = {0};
	struct media_relay *r;
	struct phone ph;
	char dir[256], path[300];
	(void)state;

	support_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/a.wav", dir);
	wc.data_dir = dir;
	assert_int_equal(recwriter_start(&w, &wc), 0);
	assert_int_equal(media_start(&me, "127.0.0.1", PORT_LO, PORT_HI, 1),
			 0);
	phone_open(&ph, 900.0, 7);
	r = relay_for(me, &ph, MEDIA_A);
	assert_int_equal(media_relay_record(r, rec_open(w, path, 1),
					    MEDIA_REC_A, rec_done, &rw), 0);
	talk(&ph, 1, 600);
	relay_close(r);
	run_until(&rw.done, 3000);
	assert_true(rw.done);
	assert_int_equal(rw.res.err, 0);
	assert_true(rw.res.duration_ms >= 500);
	media_stop(me);
	recwriter_stop(w);
	close(ph.fd);
	support_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_party_conference),
		cmocka_unit_test(test_free_while_moving),
		cmocka_unit_test(test_recording_split_and_pause),
		cmocka_unit_test(test_recording_ends_with_relay),
		cmocka_unit_test(test_silence_detected),
		cmocka_unit_test(test_inband_digits_into_a_relayed_call),
		cmocka_unit_test(test_one_stream_across_prompts),
		cmocka_unit_test(test_reports_about_our_stream),
	};

	return cmocka_run_group_tests(tests, support_setup,
				      support_teardown);
}
