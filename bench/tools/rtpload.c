/*
 * rtpload: G.711-shaped RTP through a relay, both directions, counted per
 * stream.  Used by bench/calls.sh to load centrexd's media relay and
 * rtpengine with exactly the same packets.
 *
 * usage: rtpload -a IP:PORT -b IP:PORT  (-n IP:PORT -c CALLS | -A FILE -B FILE)
 *                [-t SECONDS] [-p PTIME_MS] [-P RELAY_PID]
 *
 *   -a  the one local socket that plays every caller-side (A) endpoint
 *   -b  the one local socket that plays every callee-side (B) endpoint
 *   -n  rtpengine's ng control address: open CALLS sessions there first
 *       (offer with A's address, answer with B's) and use the ports it
 *       hands out
 *   -A  a file of "IP PORT" lines, one per call: where A sends (the relay's
 *       caller-facing RTP port of that call, from the SDP answer A got)
 *   -B  the same for B (the relay's callee-facing port, from B's offer)
 *   -t  seconds of media (default 10)
 *   -p  packet interval in ms (default 20: 50 packets/s per stream)
 *   -P  the relay's PID: its CPU time (utime+stime, all threads) and VmRSS
 *       are read from /proc when the media starts and when it stops
 *
 * Every stream sends 12 bytes of RTP header and 160 bytes of payload (PCMU,
 * 20 ms) per interval, paced evenly: stream phases are spread over the
 * interval so the load is smooth, not one burst every 20 ms.  Streams are
 * told apart by SSRC (the relays forward it untouched), so all A endpoints
 * can share one socket and all B endpoints another.  The first payload
 * bytes carry the send time, which gives the one-way delay through the
 * relay.  After the last packet the receivers wait 500 ms for stragglers.
 *
 * Output: KEY=VALUE lines on stdout (see report()), for the shell to read.
 * Exit status 0 when the run happened (whatever the loss), 1 on errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD     160
#define PKT         (12 + PAYLOAD)
#define BATCH       64
#define LAT_STEP_US 10                  /* delay histogram resolution */
#define LAT_BUCKETS 20000               /* 10 us .. 200 ms, then overflow */
#define SSRC_A      0xa0000000u         /* | stream index */
#define SSRC_B      0xb0000000u
#define MAX_STREAMS (1u << 20)

struct stream {
	struct sockaddr_in dst;
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts;
	uint64_t sent;
};

struct rx {
	pthread_t thr;
	int fd;
	uint32_t want;                  /* SSRC prefix this socket receives */
	uint64_t *got;                  /* per stream of the other side */
	uint32_t n;
	uint64_t foreign, total;
	uint64_t lat[LAT_BUCKETS + 1];
	uint64_t lat_max_ns;
};

static struct stream *sa, *sb;          /* A streams, B streams */
static uint32_t na, nb;
static int fa, fb;
static atomic_int rx_stop;

static void die(const char *what)
{
	fprintf(stderr, "rtpload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int parse_addr(const char *s, struct sockaddr_in *a)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static int udp_socket(const struct sockaddr_in *bind_to)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = 16 << 20;

	if (fd < 0)
		die("socket");
	/* FORCE passes net.core.[rw]mem_max when we may (root in the netns) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind_to && bind(fd, (const struct sockaddr *)bind_to,
			    sizeof(*bind_to)))
		die("bind");
	return fd;
}

/* ---- the relay process, from /proc ------------------------------------- */

static double proc_cpu_s(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return 0;
	/* after "pid (comm)": state is field 3; utime, stime are 14, 15 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long proc_rss_kib(int pid)
{
	char path[64], line[256];
	long v = 0;
	FILE *f;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* ---- rtpengine's ng protocol: bencoded dictionaries over UDP ----------- */

static int ng_fd;
static unsigned ng_seq;

/* append "<len>:<s>" */
static size_t bstr(char *out, size_t off, size_t cap, const char *s)
{
	int n = snprintf(out + off, off < cap ? cap - off : 0, "%zu:%s",
			 strlen(s), s);

	return off + (n > 0 ? (size_t)n : 0);
}

/* send one command (a complete bencoded dictionary), wait for its answer */
static char *ng_call(const char *dict, char *resp, size_t cap)
{
	char msg[4096], cookie[24];
	int n;

	snprintf(cookie, sizeof(cookie), "%u_%u", (unsigned)getpid(), ++ng_seq);
	n = snprintf(msg, sizeof(msg), "%s %s", cookie, dict);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		fprintf(stderr, "rtpload: ng command too long\n");
		exit(1);
	}
	for (int attempt = 0; attempt < 4; attempt++) {
		struct pollfd p = {.fd = ng_fd, .events = POLLIN};

		if (send(ng_fd, msg, (size_t)n, 0) < 0)
			die("ng send");
		while (poll(&p, 1, 1000) > 0) {
			ssize_t r = recv(ng_fd, resp, cap - 1, 0);
			size_t cl = strlen(cookie);

			if (r <= 0)
				break;
			resp[r] = '\0';
			if (!strncmp(resp, cookie, cl) && resp[cl] == ' ')
				return resp + cl + 1;
		}
	}
	fprintf(stderr, "rtpload: rtpengine did not answer\n");
	exit(1);
}

/* the relay address an SDP in an ng answer points at */
static void ng_sdp_addr(const char *resp, struct sockaddr_in *a)
{
	const char *c = strstr(resp, "c=IN IP4 "), *m = strstr(resp, "m=audio ");
	char ip[32] = "";

	if (!strstr(resp, "6:result2:ok") || !c || !m) {
		fprintf(stderr, "rtpload: ng error: %.300s\n", resp);
		exit(1);
	}
	(void)sscanf(c + 9, "%31[0-9.]", ip);
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)atoi(m + 8));
	if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) {
		fprintf(stderr, "rtpload: ng answer without an address\n");
		exit(1);
	}
}

static void sdp_of(char *out, size_t cap, const struct sockaddr_in *me,
		   unsigned id, int ptime)
{
	char ip[32];

	inet_ntop(AF_INET, &me->sin_addr, ip, sizeof(ip));
	snprintf(out, cap, "v=0\r\no=- %u 1 IN IP4 %s\r\ns=-\r\n"
		 "c=IN IP4 %s\r\nt=0 0\r\nm=audio %u RTP/AVP 0\r\n"
		 "a=rtpmap:0 PCMU/8000\r\na=ptime:%d\r\na=sendrecv\r\n",
		 id, ip, ip, ntohs(me->sin_port), ptime);
}

/* open `calls` sessions; A sends to what the answer says, B to the offer */
static double ng_open(const struct sockaddr_in *ng, unsigned calls,
		      const struct sockaddr_in *la, const struct sockaddr_in *lb,
		      int ptime)
{
	char sdp[512], dict[2048], resp[8192], id[64], tag[32];
	uint64_t t0 = now_ns();

	ng_fd = udp_socket(NULL);
	if (connect(ng_fd, (const struct sockaddr *)ng, sizeof(*ng)))
		die("ng connect");
	for (unsigned i = 0; i < calls; i++) {
		size_t o;

		snprintf(id, sizeof(id), "rtpload-%d-%u", (int)getpid(), i);
		/* offer: keys in sorted order, as bencode wants */
		sdp_of(sdp, sizeof(sdp), la, i, ptime);
		o = (size_t)snprintf(dict, sizeof(dict), "d3:sdp");
		o = bstr(dict, o, sizeof(dict), sdp);
		o += (size_t)snprintf(dict + o, sizeof(dict) - o, "7:call-id");
		o = bstr(dict, o, sizeof(dict), id);
		o += (size_t)snprintf(dict + o, sizeof(dict) - o,
				      "7:command5:offer8:from-tag");
		snprintf(tag, sizeof(tag), "a%u", i);
		o = bstr(dict, o, sizeof(dict), tag);
		snprintf(dict + o, sizeof(dict) - o, "e");
		ng_sdp_addr(ng_call(dict, resp, sizeof(resp)), &sb[i].dst);

		sdp_of(sdp, sizeof(sdp), lb, i + 1000000, ptime);
		o = (size_t)snprintf(dict, sizeof(dict), "d3:sdp");
		o = bstr(dict, o, sizeof(dict), sdp);
		o += (size_t)snprintf(dict + o, sizeof(dict) - o, "7:call-id");
		o = bstr(dict, o, sizeof(dict), id);
		o += (size_t)snprintf(dict + o, sizeof(dict) - o,
				      "7:command6:answer8:from-tag");
		o = bstr(dict, o, sizeof(dict), tag);
		o += (size_t)snprintf(dict + o, sizeof(dict) - o, "6:to-tag");
		snprintf(tag, sizeof(tag), "b%u", i);
		o = bstr(dict, o, sizeof(dict), tag);
		snprintf(dict + o, sizeof(dict) - o, "e");
		ng_sdp_addr(ng_call(dict, resp, sizeof(resp)), &sa[i].dst);
	}
	return (double)(now_ns() - t0) / 1e9;
}

/* ---- destinations from a file ------------------------------------------ */

static uint32_t read_dests(const char *path, struct stream **out)
{
	char line[256], ip[64];
	unsigned port;
	uint32_t n = 0, cap = 1024;
	struct stream *s = calloc(cap, sizeof(*s));
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	while (s && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %u", ip, &port) != 2 || !port ||
		    port > 65535)
			continue;
		if (n == cap) {
			cap *= 2;
			s = realloc(s, cap * sizeof(*s));
			if (!s)
				break;
			memset(s + n, 0, (cap - n) * sizeof(*s));
		}
		s[n].dst.sin_family = AF_INET;
		s[n].dst.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, ip, &s[n].dst.sin_addr) != 1)
			continue;
		n++;
	}
	fclose(f);
	if (!s)
		die("memory");
	*out = s;
	return n;
}

/* ---- receiving ----------------------------------------------------------- */

static void *rx_main(void *arg)
{
	struct rx *r = arg;
	static __thread uint8_t buf[BATCH][PKT + 64];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};

	(void)setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(&rx_stop)) {
		int n = recvmmsg(r->fd, mm, BATCH, MSG_WAITFORONE, NULL);
		uint64_t now = now_ns();

		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			const uint8_t *p = buf[i];
			uint32_t ssrc, idx;
			uint64_t sent_at, d;

			r->total++;
			if (mm[i].msg_len < PKT) {
				r->foreign++;
				continue;
			}
			ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
			       (uint32_t)p[10] << 8 | p[11];
			idx = ssrc & 0x0fffffffu;
			if ((ssrc & 0xf0000000u) != r->want || idx >= r->n) {
				r->foreign++;
				continue;
			}
			r->got[idx]++;
			memcpy(&sent_at, p + 12, sizeof(sent_at));
			d = now > sent_at ? now - sent_at : 0;
			if (d > r->lat_max_ns)
				r->lat_max_ns = d;
			d /= 1000 * LAT_STEP_US;
			r->lat[d < LAT_BUCKETS ? d : LAT_BUCKETS]++;
		}
	}
	return NULL;
}

/* ---- sending ------------------------------------------------------------- */

struct txq {
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	uint8_t pkt[BATCH][PKT];
	int n, fd;
};

static void tx_flush(struct txq *q)
{
	int off = 0;

	while (off < q->n) {
		int r = sendmmsg(q->fd, q->mm + off, (unsigned)(q->n - off), 0);

		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ENOBUFS)
				continue;
			/* e.g. ECONNREFUSED from an earlier ICMP: skip one */
			off++;
			continue;
		}
		off += r;
	}
	q->n = 0;
}

static void tx_add(struct txq *q, struct stream *s, uint64_t now)
{
	uint8_t *p = q->pkt[q->n];

	p[0] = 0x80;
	p[1] = s->sent ? 0 : 0x80;      /* marker on the first packet, PCMU */
	p[2] = (uint8_t)(s->seq >> 8);
	p[3] = (uint8_t)s->seq;
	p[4] = (uint8_t)(s->ts >> 24);
	p[5] = (uint8_t)(s->ts >> 16);
	p[6] = (uint8_t)(s->ts >> 8);
	p[7] = (uint8_t)s->ts;
	p[8] = (uint8_t)(s->ssrc >> 24);
	p[9] = (uint8_t)(s->ssrc >> 16);
	p[10] = (uint8_t)(s->ssrc >> 8);
	p[11] = (uint8_t)s->ssrc;
	memcpy(p + 12, &now, sizeof(now));
	q->mm[q->n].msg_hdr.msg_name = &s->dst;
	q->mm[q->n].msg_hdr.msg_namelen = sizeof(s->dst);
	s->seq++;
	s->ts += PAYLOAD;               /* PCMU: one sample per byte */
	s->sent++;
	if (++q->n == BATCH)
		tx_flush(q);
}

static void txq_init(struct txq *q, int fd)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	for (int i = 0; i < BATCH; i++) {
		memset(q->pkt[i] + 12, 0xff, PAYLOAD);   /* PCMU silence */
		q->iov[i].iov_base = q->pkt[i];
		q->iov[i].iov_len = PKT;
		q->mm[i].msg_hdr.msg_iov = &q->iov[i];
		q->mm[i].msg_hdr.msg_iovlen = 1;
	}
}

/* Packet k of the run belongs to stream k % S and is due at
   t0 + k * period / S: every stream once per period, phases spread.
   Returns the largest lateness seen, in ns. */
static uint64_t blast(uint64_t t0, double secs, int ptime)
{
	static struct txq qa, qb;
	uint32_t total = na > nb ? na : nb;
	uint64_t slots = 2ull * total;  /* A0 B0 A1 B1 ... (missing ones skipped) */
	uint64_t period = (uint64_t)ptime * 1000000ull;
	uint64_t end = t0 + (uint64_t)(secs * 1e9), k = 0, lag_max = 0;

	txq_init(&qa, fa);
	txq_init(&qb, fb);
	for (;;) {
		uint64_t now = now_ns(), due;

		for (;;) {
			due = t0 + (k / slots) * period +
			      (k % slots) * period / slots;
			if (due > now || due >= end)
				break;
			uint64_t slot = k % slots, i = slot / 2;
			if (!(slot & 1) && i < na)
				tx_add(&qa, &sa[i], now);
			else if ((slot & 1) && i < nb)
				tx_add(&qb, &sb[i], now);
			if (now - due > lag_max)
				lag_max = now - due;
			k++;
		}
		tx_flush(&qa);
		tx_flush(&qb);
		if (due >= end)
			break;
		struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull),
				      .tv_nsec = (long)(due % 1000000000ull)};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return lag_max;
}

/* ---- report -------------------------------------------------------------- */

static double lat_pct(const uint64_t *h, uint64_t n, double q)
{
	uint64_t want = (uint64_t)((double)n * q), acc = 0;

	for (int i = 0; i <= LAT_BUCKETS; i++) {
		acc += h[i];
		if (acc > want)
			return (double)(i + 1) * LAT_STEP_US / 1000.0;
	}
	return (double)LAT_BUCKETS * LAT_STEP_US / 1000.0;
}

static void usage(void)
{
	fprintf(stderr, "usage: rtpload -a IP:PORT -b IP:PORT (-n IP:PORT -c "
		"CALLS | -A FILE -B FILE) [-t SECONDS] [-p PTIME_MS] "
		"[-P RELAY_PID]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in la, lb, ng;
	const char *fa_path = NULL, *fb_path = NULL, *ng_s = NULL;
	const char *la_s = NULL, *lb_s = NULL;
	unsigned calls = 0;
	double secs = 10, setup_s = 0;
	int ptime = 20, pid = 0, opt;
	static struct rx ra, rb;        /* ra: on A's socket, gets B's streams */

	while ((opt = getopt(argc, argv, "a:b:n:c:A:B:t:p:P:")) != -1) {
		switch (opt) {
		case 'a': la_s = optarg; break;
		case 'b': lb_s = optarg; break;
		case 'n': ng_s = optarg; break;
		case 'c': calls = (unsigned)atoi(optarg); break;
		case 'A': fa_path = optarg; break;
		case 'B': fb_path = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'p': ptime = atoi(optarg); break;
		case 'P': pid = atoi(optarg); break;
		default: usage();
		}
	}
	if (!la_s || !lb_s || parse_addr(la_s, &la) || parse_addr(lb_s, &lb) ||
	    ptime < 1 || secs <= 0 || (!ng_s && (!fa_path || !fb_path)) ||
	    (ng_s && (!calls || calls > MAX_STREAMS || parse_addr(ng_s, &ng))))
		usage();

	fa = udp_socket(&la);
	fb = udp_socket(&lb);
	if (ng_s) {
		sa = calloc(calls, sizeof(*sa));
		sb = calloc(calls, sizeof(*sb));
		if (!sa || !sb)
			die("memory");
		na = nb = calls;
		setup_s = ng_open(&ng, calls, &la, &lb, ptime);
	}
	else {
		na = read_dests(fa_path, &sa);
		nb = read_dests(fb_path, &sb);
	}
	if (!na && !nb) {
		fprintf(stderr, "rtpload: no streams\n");
		return 1;
	}
	if (na > MAX_STREAMS || nb > MAX_STREAMS) {
		fprintf(stderr, "rtpload: too many streams\n");
		return 1;
	}
	for (uint32_t i = 0; i < na; i++) {
		sa[i].ssrc = SSRC_A | i;
		sa[i].seq = (uint16_t)(i * 7919u);
		sa[i].ts = i * 104729u;
	}
	for (uint32_t i = 0; i < nb; i++) {
		sb[i].ssrc = SSRC_B | i;
		sb[i].seq = (uint16_t)(i * 7919u + 1);
		sb[i].ts = i * 104729u + 1;
	}

	ra = (struct rx){.fd = fa, .want = SSRC_B, .n = nb,
			 .got = calloc(nb ? nb : 1, sizeof(uint64_t))};
	rb = (struct rx){.fd = fb, .want = SSRC_A, .n = na,
			 .got = calloc(na ? na : 1, sizeof(uint64_t))};
	if (!ra.got || !rb.got)
		die("memory");
	if (pthread_create(&ra.thr, NULL, rx_main, &ra) ||
	    pthread_create(&rb.thr, NULL, rx_main, &rb))
		die("thread");

	long rss0 = proc_rss_kib(pid);
	double cpu0 = proc_cpu_s(pid);
	uint64_t t0 = now_ns() + 20000000ull;   /* 20 ms for the threads */
	uint64_t lag = blast(t0, secs, ptime);
	uint64_t t1 = now_ns();
	double cpu1 = proc_cpu_s(pid);
	long rss1 = proc_rss_kib(pid);

	usleep(500000);                         /* stragglers */
	atomic_store(&rx_stop, 1);
	pthread_join(ra.thr, NULL);
	pthread_join(rb.thr, NULL);

	uint64_t sent = 0, got = 0, lost = 0, dup = 0, lat_n = 0;
	uint32_t lossy = 0, silent = 0;
	static uint64_t lat[LAT_BUCKETS + 1];

	for (uint32_t i = 0; i < na; i++) {
		uint64_t g = rb.got[i], s = sa[i].sent;
		sent += s;
		got += g;
		lost += g < s ? s - g : 0;
		dup += g > s ? g - s : 0;
		lossy += g < s;
		silent += !g;
	}
	for (uint32_t i = 0; i < nb; i++) {
		uint64_t g = ra.got[i], s = sb[i].sent;
		sent += s;
		got += g;
		lost += g < s ? s - g : 0;
		dup += g > s ? g - s : 0;
		lossy += g < s;
		silent += !g;
	}
	for (int i = 0; i <= LAT_BUCKETS; i++) {
		lat[i] = ra.lat[i] + rb.lat[i];
		lat_n += lat[i];
	}

	struct rusage ru;
	double win = (double)(t1 - t0) / 1e9, self_cpu;

	getrusage(RUSAGE_SELF, &ru);
	self_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		   (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("streams=%u\n", na + nb);
	printf("streams_a=%u\nstreams_b=%u\n", na, nb);
	printf("ptime_ms=%d\n", ptime);
	printf("window_s=%.3f\n", win);
	printf("sent=%llu\nreceived=%llu\nlost=%llu\nduplicates=%llu\n",
	       (unsigned long long)sent, (unsigned long long)got,
	       (unsigned long long)lost, (unsigned long long)dup);
	printf("foreign=%llu\n",
	       (unsigned long long)(ra.foreign + rb.foreign));
	printf("loss_pct=%.4f\n", sent ? 100.0 * (double)lost / (double)sent : 0);
	printf("streams_lossy=%u\nstreams_silent=%u\n", lossy, silent);
	printf("offered_pps=%.0f\n", win > 0 ? (double)sent / win : 0);
	printf("relayed_pps=%.0f\n", win > 0 ? (double)got / win : 0);
	printf("lat_p50_ms=%.2f\nlat_p99_ms=%.2f\nlat_p999_ms=%.2f\n",
	       lat_pct(lat, lat_n, 0.50), lat_pct(lat, lat_n, 0.99),
	       lat_pct(lat, lat_n, 0.999));
	printf("lat_max_ms=%.2f\n",
	       (double)(ra.lat_max_ns > rb.lat_max_ns ? ra.lat_max_ns
						       : rb.lat_max_ns) / 1e6);
	printf("max_lag_ms=%.2f\n", (double)lag / 1e6);
	printf("self_cpu_s=%.2f\n", self_cpu);
	if (ng_s)
		printf("setup_s=%.3f\n", setup_s);
	if (pid > 0) {
		printf("relay_cpu_s=%.2f\n", cpu1 - cpu0);
		printf("relay_rss0_kib=%ld\nrelay_rss1_kib=%ld\n", rss0, rss1);
	}
	return 0;
}
