/** @file engine.c  The media engine on the signalling thread: ports,
 * relay handles, and the answers coming back from the media threads.
 *
 * Ports are handed out here, on the signalling thread, from a FIFO of
 * even port numbers: a port freed by a call is reused last, so that late
 * packets of a finished call are unlikely to reach the next one.  A port
 * another process holds is put back at the end and the next one tried.
 * The sockets are bound here too (a failed bind is then an immediate
 * ENOSPC, not a late surprise) and passed, as plain descriptors, to the
 * least loaded media thread.
 *
 * A handle outlives media_relay_close() until the media thread confirms
 * that the sockets are closed: only then do its ports return to the pool.
 * Until then it is marked closing, and any counters still on their way
 * for it are dropped, since the caller has let go of the handle.
 *
 * Answers arrive in a mutex-guarded list; an eventfd registered with
 * libre's loop (fd_listen) says that the list has something.
 */
#include <re.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "core/log.h"
#include "media/handle.h"
#include "record/record.h"

static void pair_put(struct media_engine *me, uint32_t pair)
{
	me->freeq[(me->fhead + me->fcount) % me->npairs] = pair;
	me->fcount++;
}

static uint32_t pair_get(struct media_engine *me)
{
	uint32_t pair = me->freeq[me->fhead];

	me->fhead = (me->fhead + 1) % me->npairs;
	me->fcount--;
	return pair;
}

static int bind_one(const struct media_engine *me, unsigned port, int *fdp)
{
	union media_sa a = me->addr;
	socklen_t len;
	int fd, tos = 0xb8;   /* DSCP EF, as voice is marked */

	fd = socket(a.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return errno;
	if (a.sa.sa_family == AF_INET6) {
		a.in6.sin6_port = htons((uint16_t)port);
		len = sizeof(a.in6);
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
				 sizeof(tos));
		/* for IPv4 peers of a dual-stack socket */
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	else {
		a.in.sin_port = htons((uint16_t)port);
		len = sizeof(a.in);
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	if (bind(fd, &a.sa, len)) {
		int err = errno;

		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* Takes a free pair and binds its RTP and RTCP sockets. */
static int pair_take(struct media_engine *me, uint32_t *pairp, int fds[2])
{
	for (uint32_t tries = me->fcount; tries; tries--) {
		uint32_t pair = pair_get(me);
		unsigned port = me->port0 + 2 * pair;
		int err;

		err = bind_one(me, port, &fds[0]);
		if (!err) {
			err = bind_one(me, port + 1, &fds[1]);
			if (err)
				close(fds[0]);
		}
		if (!err) {
			*pairp = pair;
			return 0;
		}
		pair_put(me, pair);
		if (err != EADDRINUSE && err != EACCES)
			return err;
		log_debug("media", "port %u or %u is taken by someone else, "
			  "trying the next", port, port + 1);
	}
	return ENOSPC;
}

/* Called on media threads (and once more while stopping). */
static void reply(struct media_msg *m, void *arg)
{
	struct media_engine *me = arg;
	uint64_t one = 1;
	bool wake;

	m->next = NULL;
	pthread_mutex_lock(&me->mu);
	wake = !me->rhead;
	*me->rtail = m;
	me->rtail = &m->next;
	pthread_mutex_unlock(&me->mu);
	if (wake)
		(void)!write(me->evfd, &one, sizeof(one));
}

/* The old thread has let go of r: the new one takes it, then the orders
   that waited. */
static void arrived(struct media_engine *me, struct media_relay *r,
		    struct media_msg *m)
{
	struct media_msg *h = r->held;

	r->moving = false;
	m->type = MEDIA_MSG_ADOPT;
	media_thread_send(me->thr[r->thread], m);
	r->held = NULL;
	r->held_tail = &r->held;
	while (h) {
		struct media_msg *next = h->next;

		media_thread_send(me->thr[r->thread], h);
		h = next;
	}
}

static void handle_unlink(struct media_engine *me, struct media_relay *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		me->handles = r->next;
	if (r->next)
		r->next->prev = r->prev;
}

static void answer(struct media_engine *me, struct media_msg *m)
{
	struct media_relay *r = m->handle;
	media_stats_h *h = m->u.cb.h;
	void *arg = m->u.cb.arg;

	if (m->type == MEDIA_MSG_STATS) {
		if (!r->closing && h)
			h(&m->stats, arg);
		free(m);
		return;
	}
	if (m->type == MEDIA_MSG_MOVE) {
		arrived(me, r, m);
		return;
	}
	if (m->type == MEDIA_MSG_EVENT) {
		if (!r->closing && r->ev_h)
			r->ev_h(&m->u.ev, r->ev_arg);
		free(m);
		return;
	}

	/* MEDIA_MSG_CLOSE: m is r->bye.  The sockets are closed, so the
	   ports may go to the next call. */
	pair_put(me, r->pair[0]);
	pair_put(me, r->pair[1]);
	me->load[r->thread]--;
	handle_unlink(me, r);
	if (h)
		h(&m->stats, arg);
	free(r);
}

static void answers_ready(int flags, void *arg)
{
	struct media_engine *me = arg;
	struct media_msg *m;
	uint64_t v;
	(void)flags;

	(void)!read(me->evfd, &v, sizeof(v));
	pthread_mutex_lock(&me->mu);
	m = me->rhead;
	me->rhead = NULL;
	me->rtail = &me->rhead;
	pthread_mutex_unlock(&me->mu);

	while (m) {
		struct media_msg *next = m->next;

		answer(me, m);
		m = next;
	}
}

static int parse_addr(union media_sa *sa, const char *addr)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST | AI_PASSIVE,
		.ai_socktype = SOCK_DGRAM,
	}, *res = NULL;
	char buf[INET6_ADDRSTRLEN + 16];
	size_t n = strlen(addr);

	/* "[::1]" as well as "::1" */
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return EINVAL;
		memcpy(buf, addr + 1, n - 2);
		buf[n - 2] = '\0';
		addr = buf;
	}
	if (getaddrinfo(addr, NULL, &hints, &res) || !res)
		return EINVAL;
	memset(sa, 0, sizeof(*sa));
	if ((res->ai_family == AF_INET || res->ai_family == AF_INET6) &&
	    res->ai_addrlen <= sizeof(*sa))
		memcpy(sa, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return sa->sa.sa_family ? 0 : EINVAL;
}

int media_start(struct media_engine **mep, const char *addr,
		unsigned port_lo, unsigned port_hi, unsigned threads)
{
	struct media_engine *me;
	int err;

	if (!mep || !addr || !threads || threads > MAX_THREADS ||
	    !port_lo || port_hi > 65535 || port_lo > port_hi)
		return EINVAL;

	me = calloc(1, sizeof(*me));
	if (!me)
		return ENOMEM;
	me->evfd = -1;
	pthread_mutex_init(&me->mu, NULL);
	me->rtail = &me->rhead;

	err = parse_addr(&me->addr, addr);
	if (err) {
		log_error("media", "media address '%s' is not an IP address",
			  addr);
		goto out;
	}
	me->port0 = port_lo + (port_lo & 1);
	me->npairs = port_hi > me->port0 ? (port_hi - me->port0 + 1) / 2 : 0;
	if (!me->npairs) {
		err = EINVAL;
		goto out;
	}
	me->freeq = calloc(me->npairs, sizeof(*me->freeq));
	me->thr = calloc(threads, sizeof(*me->thr));
	me->load = calloc(threads, sizeof(*me->load));
	if (!me->freeq || !me->thr || !me->load) {
		err = ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < me->npairs; i++)
		pair_put(me, i);

	me->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (me->evfd < 0) {
		err = errno;
		goto out;
	}
	err = fd_listen(me->evfd, FD_READ, answers_ready, me);
	if (err)
		goto out;
	me->listening = true;

	for (; me->nthr < threads; me->nthr++) {
		err = media_thread_start(&me->thr[me->nthr], me->nthr, reply,
					 me);
		if (err)
			goto out;
	}
	log_debug("media", "%u media thread%s, RTP on %s ports %u-%u "
		 "(%u relays at most)", threads, threads == 1 ? "" : "s",
		 addr, me->port0, me->port0 + 2 * me->npairs - 1,
		 me->npairs / 2);

 out:
	if (err) {
		media_stop(me);
		return err;
	}
	*mep = me;
	return 0;
}

void media_stop(struct media_engine *me)
{
	struct media_msg *m;

	if (!me)
		return;

	/* close callbacks run below; whatever they ask of the engine is
	   refused from here on, since the threads are gone */
	me->stopping = true;
	for (unsigned i = 0; i < me->nthr; i++)
		media_thread_stop(me->thr[i]);

	if (me->listening)
		fd_close(me->evfd);
	if (me->evfd >= 0)
		close(me->evfd);

	/* The threads carried out every order before they ended.  Closes
	   are answered now, so that a caller which closes its relays and
	   then stops (the daemon at shutdown) still gets the final counters
	   for its records; counters asked for without a close are not. */
	m = me->rhead;
	me->rhead = NULL;
	while (m) {
		struct media_msg *next = m->next;

		if (m->type == MEDIA_MSG_CLOSE) {
			answer(me, m);   /* m is the handle's: freed with it */
		}
		else {
			if (m->type == MEDIA_MSG_MOVE)
				media_rrelay_free(m->rr);   /* on no thread */
			free(m);
		}
		m = next;
	}
	while (me->handles) {
		struct media_relay *r = me->handles;

		me->handles = r->next;
		while (r->moving && r->held) {
			struct media_msg *h = r->held;

			r->held = h->next;
			media_msg_discard(h);
		}
		free(r);
	}

	pthread_mutex_destroy(&me->mu);
	free(me->thr);
	free(me->load);
	free(me->freeq);
	free(me);
}

unsigned media_relay_count(const struct media_engine *me)
{
	return me ? me->nrelays : 0;
}

unsigned media_ports_free(const struct media_engine *me)
{
	return me ? 2 * me->fcount : 0;
}

unsigned least_loaded(const struct media_engine *me)
{
	unsigned best = 0;

	for (unsigned i = 1; i < me->nthr; i++)
		if (me->load[i] < me->load[best])
			best = i;
	return best;
}

int media_relay_alloc(struct media_engine *me, struct media_relay **rp)
{
	struct media_relay *r = NULL;
	struct media_msg *add = NULL;
	int fds[4] = {-1, -1, -1, -1};
	uint32_t pair[2];
	int err;

	if (!me || !rp)
		return EINVAL;
	if (me->stopping)
		return ESHUTDOWN;

	err = pair_take(me, &pair[0], &fds[0]);
	if (err)
		return err;
	err = pair_take(me, &pair[1], &fds[2]);
	if (err) {
		close(fds[0]);
		close(fds[1]);
		pair_put(me, pair[0]);
		return err;
	}

	r = calloc(1, sizeof(*r));
	add = calloc(1, sizeof(*add));
	if (r)
		r->rr = media_rrelay_alloc(fds, r);
	if (!r || !add || !r->rr) {
		/* the sockets are still ours: close them here */
		for (unsigned i = 0; i < 4; i++)
			close(fds[i]);
		pair_put(me, pair[0]);
		pair_put(me, pair[1]);
		if (r)
			free(r->rr);
		free(r);
		free(add);
		return ENOMEM;
	}
	r->me = me;
	r->pair[0] = pair[0];
	r->pair[1] = pair[1];
	r->thread = least_loaded(me);
	me->load[r->thread]++;
	me->nrelays++;
	r->next = me->handles;
	if (r->next)
		r->next->prev = r;
	me->handles = r;

	add->type = MEDIA_MSG_ADD;
	add->rr = r->rr;
	add->handle = r;
	media_thread_send(me->thr[r->thread], add);

	*rp = r;
	return 0;
}

void media_relay_local(const struct media_relay *r, enum media_side side,
		       struct sockaddr_storage *rtp,
		       struct sockaddr_storage *rtcp)
{
	const struct media_engine *me;
	union media_sa a;
	unsigned port;

	if (!r || (side != MEDIA_A && side != MEDIA_B))
		return;
	me = r->me;
	a = me->addr;
	port = me->port0 + 2 * r->pair[side];
	for (unsigned k = 0; k < 2; k++) {
		struct sockaddr_storage *out = k ? rtcp : rtp;

		if (!out)
			continue;
		if (a.sa.sa_family == AF_INET6)
			a.in6.sin6_port = htons((uint16_t)(port + k));
		else
			a.in.sin_port = htons((uint16_t)(port + k));
		memset(out, 0, sizeof(*out));
		memcpy(out, &a, sizeof(a));
	}
}

/* A peer address in the family of our sockets.  IPv4 peers of an IPv6
   socket become v4-mapped, which is how the kernel will show their
   packets' sources; anything else of the wrong family is refused. */
static int peer_addr(const struct media_engine *me, union media_sa *dst,
		     const struct sockaddr_storage *src)
{
	int fam = me->addr.sa.sa_family;

	memset(dst, 0, sizeof(*dst));
	if (!src->ss_family)
		return 0;
	if (src->ss_family == fam) {
		memcpy(dst, src, fam == AF_INET6 ? sizeof(dst->in6)
						 : sizeof(dst->in));
		return 0;
	}
	if (fam == AF_INET6 && src->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)src;

		dst->in6.sin6_family = AF_INET6;
		dst->in6.sin6_port = in->sin_port;
		dst->in6.sin6_addr.s6_addr[10] = 0xff;
		dst->in6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&dst->in6.sin6_addr.s6_addr[12], &in->sin_addr, 4);
		return 0;
	}
	if (fam == AF_INET && src->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)src;

		if (!IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return EAFNOSUPPORT;
		dst->in.sin_family = AF_INET;
		dst->in.sin_port = in6->sin6_port;
		memcpy(&dst->in.sin_addr, &in6->sin6_addr.s6_addr[12], 4);
		return 0;
	}
	return EAFNOSUPPORT;
}

static void msa_set_port(union media_sa *a, unsigned port)
{
	if (a->sa.sa_family == AF_INET6)
		a->in6.sin6_port = htons((uint16_t)port);
	else
		a->in.sin_port = htons((uint16_t)port);
}

static unsigned msa_port(const union media_sa *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port
						 : a->in.sin_port);
}

int media_relay_set_peer(struct media_relay *r, enum media_side side,
			 const struct media_peer *peer)
{
	struct media_peer_addrs pa = {0};
	struct media_msg *m;
	int err;

	if (!r || r->closing || !peer || (side != MEDIA_A && side != MEDIA_B))
		return EINVAL;
	if (r->me->stopping)
		return ESHUTDOWN;

	err = peer_addr(r->me, &pa.rtp, &peer->rtp);
	if (!err)
		err = peer_addr(r->me, &pa.rtcp, &peer->rtcp);
	if (!err)
		err = peer_addr(r->me, &pa.sig, &peer->sig);
	if (err)
		return err;

	/* no a=rtcp: the port above RTP's (RFC 3550 11), or RTP's own
	   port when multiplexed */
	if (!pa.rtcp.sa.sa_family && pa.rtp.sa.sa_family) {
		pa.rtcp = pa.rtp;
		if (!peer->rtcp_mux && msa_port(&pa.rtp))
			msa_set_port(&pa.rtcp, msa_port(&pa.rtp) + 1);
	}
	pa.known = pa.rtp.sa.sa_family || pa.sig.sa.sa_family;
	pa.rtcp_mux = peer->rtcp_mux;
	pa.send = peer->send;

	m = calloc(1, sizeof(*m));
	if (!m)
		return ENOMEM;
	m->type = MEDIA_MSG_PEER;
	m->rr = r->rr;
	m->handle = r;
	m->side = side;
	m->u.peer = pa;
	return order_send(r, m);
}

struct media_msg *order_new(struct media_relay *r, enum media_side side,
			    enum media_msg_type type, int *errp)
{
	struct media_msg *m;

	*errp = 0;
	if (!r || r->closing || (side != MEDIA_A && side != MEDIA_B)) {
		*errp = EINVAL;
		return NULL;
	}
	if (r->me->stopping) {
		*errp = ESHUTDOWN;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		*errp = ENOMEM;
		return NULL;
	}
	m->type = type;
	m->rr = r->rr;
	m->handle = r;
	m->side = side;
	return m;
}

int order_send(struct media_relay *r, struct media_msg *m)
{
	if (r->moving) {
		m->next = NULL;
		*r->held_tail = m;
		r->held_tail = &m->next;
		return 0;
	}
	media_thread_send(r->me->thr[r->thread], m);
	return 0;
}

int relay_move(struct media_relay *r, unsigned to)
{
	struct media_engine *me = r->me;
	struct media_msg *m;

	if (r->thread == to)
		return 0;
	if (!r->moving) {
		m = calloc(1, sizeof(*m));
		if (!m)
			return ENOMEM;
		m->type = MEDIA_MSG_MOVE;
		m->rr = r->rr;
		m->handle = r;
		media_thread_send(me->thr[r->thread], m);
		r->moving = true;
		r->held = NULL;
		r->held_tail = &r->held;
	}
	/* already on its way: it is adopted by the newest target */
	me->load[r->thread]--;
	r->thread = to;
	me->load[to]++;
	return 0;
}


int media_relay_set_clock(struct media_relay *r, enum media_side side,
			  uint8_t pt, uint32_t rate)
{
	struct media_msg *m;
	int err;

	if (pt > 127 || !rate || rate > MAX_CLOCK_HZ)
		return EINVAL;
	m = order_new(r, side, MEDIA_MSG_CLOCK, &err);
	if (!m)
		return err;
	m->u.clock.pt = pt;
	m->u.clock.rate = rate;
	return order_send(r, m);
}

void media_relay_set_events(struct media_relay *r, media_event_h *h,
			    void *arg)
{
	if (!r)
		return;
	r->ev_h = h;
	r->ev_arg = arg;
}

int media_relay_set_codec(struct media_relay *r, enum media_side side,
			  const struct media_codec *c)
{
	struct media_msg *m;
	int err;

	if (!c || c->pt > 127 || c->dtmf_pt > 127 ||
	    c->id > MEDIA_CODEC_OPUS)
		return EINVAL;
	m = order_new(r, side, MEDIA_MSG_CODEC, &err);
	if (!m)
		return err;
	m->u.codec = *c;
	m->u.codec.fmtp[sizeof(m->u.codec.fmtp) - 1] = '\0';
	return order_send(r, m);
}

int media_relay_hear(struct media_relay *r, enum media_side side,
		     enum media_hear what)
{
	struct media_msg *m;
	int err;

	if (what == MEDIA_HEAR_CLIPS || what == MEDIA_HEAR_TONE ||
	    what > MEDIA_HEAR_ECHO)
		return EINVAL;
	m = order_new(r, side, MEDIA_MSG_HEAR, &err);
	if (!m)
		return err;
	m->u.hear = what;
	return order_send(r, m);
}

static void clips_release(const struct media_clip *clips, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (clips[i].release)
			clips[i].release(clips[i].arg);
}

int media_relay_play(struct media_relay *r, enum media_side side,
		     const struct media_clip *clips, size_t n, bool loop,
		     uint32_t play_id)
{
	struct media_msg *m;
	int err;

	if (!clips || !n) {
		clips_release(clips, n);
		return EINVAL;
	}
	m = order_new(r, side, MEDIA_MSG_PLAY, &err);
	if (m) {
		m->u.play.clips = malloc(n * sizeof(*clips));
		if (!m->u.play.clips) {
			free(m);
			m = NULL;
			err = ENOMEM;
		}
	}
	if (!m) {
		clips_release(clips, n);
		return err;
	}
	memcpy(m->u.play.clips, clips, n * sizeof(*clips));
	m->u.play.n = n;
	m->u.play.loop = loop;
	m->u.play.id = play_id;
	return order_send(r, m);
}

int media_relay_tone(struct media_relay *r, enum media_side side,
		     const char *country, int kind)
{
	struct media_msg *m;
	int err;

	if (!country || strlen(country) != 2 || kind < 0)
		return EINVAL;
	m = order_new(r, side, MEDIA_MSG_TONE, &err);
	if (!m)
		return err;
	memcpy(m->u.tone.country, country, 3);
	m->u.tone.kind = kind;
	return order_send(r, m);
}

int media_relay_detect_inband(struct media_relay *r, enum media_side side,
			      bool on)
{
	struct media_msg *m;
	int err;

	m = order_new(r, side, MEDIA_MSG_INBAND, &err);
	if (!m)
		return err;
	m->u.on = on;
	return order_send(r, m);
}

int media_relay_send_dtmf(struct media_relay *r, enum media_side side,
			  const char *digits)
{
	struct media_msg *m;
	int err;

	if (!digits || !*digits ||
	    strlen(digits) >= sizeof(m->u.digits) ||
	    strspn(digits, "0123456789*#ABCDabcd") != strlen(digits))
		return EINVAL;
	m = order_new(r, side, MEDIA_MSG_DTMF, &err);
	if (!m)
		return err;
	strcpy(m->u.digits, digits);
	return order_send(r, m);
}

int media_relay_stats(struct media_relay *r, media_stats_h *h, void *arg)
{
	struct media_msg *m;

	if (!r || r->closing || !h)
		return EINVAL;
	if (r->me->stopping)
		return ESHUTDOWN;
	m = calloc(1, sizeof(*m));
	if (!m)
		return ENOMEM;
	m->type = MEDIA_MSG_STATS;
	m->rr = r->rr;
	m->handle = r;
	m->u.cb.h = h;
	m->u.cb.arg = arg;
	return order_send(r, m);
}

void media_relay_close(struct media_relay *r, media_stats_h *h, void *arg)
{
	if (!r || r->closing)
		return;
	r->closing = true;
	r->me->nrelays--;
	if (r->me->stopping)
		return;   /* freed by media_stop, with no callback */
	r->bye.type = MEDIA_MSG_CLOSE;
	r->bye.rr = r->rr;
	r->bye.handle = r;
	r->bye.u.cb.h = h;
	r->bye.u.cb.arg = arg;
	(void)order_send(r, &r->bye);
}

int media_relay_record(struct media_relay *r, struct rec_file *f,
		       enum media_rec_mode mode, rec_done_h *done, void *arg)
{
	struct media_msg *m;
	int err;

	if (!f)
		return EINVAL;
	m = mode > MEDIA_REC_B ? NULL
			       : order_new(r, MEDIA_A, MEDIA_MSG_REC_START, &err);
	if (!m) {
		if (mode > MEDIA_REC_B)
			err = EINVAL;
		rec_close(f, done, arg);   /* the file is ours: end it */
		return err;
	}
	m->u.rec.f = f;
	m->u.rec.mode = mode;
	m->u.rec.done = done;
	m->u.rec.arg = arg;
	return order_send(r, m);
}

int media_relay_record_pause(struct media_relay *r, bool paused)
{
	struct media_msg *m;
	int err;

	m = order_new(r, MEDIA_A, MEDIA_MSG_REC_PAUSE, &err);
	if (!m)
		return err;
	m->u.on = paused;
	return order_send(r, m);
}

int media_relay_record_stop(struct media_relay *r)
{
	struct media_msg *m;
	int err;

	m = order_new(r, MEDIA_A, MEDIA_MSG_REC_STOP, &err);
	if (!m)
		return err;
	return order_send(r, m);
}

int media_relay_detect_silence(struct media_relay *r, enum media_side side,
			       unsigned ms, int level_dbov)
{
	struct media_msg *m;
	int err;

	if (level_dbov > 0 || level_dbov < -96 || ms > 3600000)
		return EINVAL;
	m = order_new(r, side, MEDIA_MSG_SILENCE, &err);
	if (!m)
		return err;
	m->u.silence.ms = ms;
	m->u.silence.level_dbov = level_dbov;
	return order_send(r, m);
}
