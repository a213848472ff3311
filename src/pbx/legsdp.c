/**
 * @file legsdp.c  One leg's side of the offer/answer.
 */
#include <re.h>
#include <string.h>
#include "pbx/legsdp.h"

/* What our media engine can decode and encode, in our order of
   preference when we choose (wideband first). */
static const struct ourcodec {
	const char *name;
	uint32_t srate;
	uint8_t ch;
	int pt;                  /**< static type, or -1 */
	const char *fmtp;
	enum media_codec_id id;
} ours[] = {
	{"opus", 48000, 2, -1, "useinbandfec=1", MEDIA_CODEC_OPUS},
	{"G722", 8000, 1, 9, NULL, MEDIA_CODEC_G722},
	{"PCMU", 8000, 1, 0, NULL, MEDIA_CODEC_PCMU},
	{"PCMA", 8000, 1, 8, NULL, MEDIA_CODEC_PCMA},
};

struct legsdp {
	struct sdp_session *sess;
	struct sdp_media *audio;
	struct mbuf *offer;          /**< peer's last offer, to re-align */
	bool answered;               /**< an answer has been agreed */
	bool no_events;              /**< never offer telephone-event */
};

static void destructor(void *arg)
{
	struct legsdp *l = arg;

	mem_deref(l->offer);
	mem_deref(l->sess);
}

int legsdp_alloc(struct legsdp **lp, const struct sa *rtp,
		 const struct sa *rtcp)
{
	struct legsdp *l;
	int err;

	l = mem_zalloc(sizeof(*l), destructor);
	if (!l)
		return ENOMEM;
	err = sdp_session_alloc(&l->sess, rtp);
	if (!err)
		err = sdp_media_add(&l->audio, l->sess, "audio", sa_port(rtp),
				    "RTP/AVP");
	if (err) {
		mem_deref(l);
		return err;
	}
	sdp_media_set_lport_rtcp(l->audio, sa_port(rtcp));
	*lp = l;
	return 0;
}

/* static payload types may come without an rtpmap line */
static const char *static_name(int pt, uint32_t *srate)
{
	*srate = 8000;
	switch (pt) {
	case 0:  return "PCMU";
	case 3:  return "GSM";
	case 4:  return "G723";
	case 8:  return "PCMA";
	case 9:  return "G722";
	case 18: return "G729";
	default: return NULL;
	}
}

static const char *fmt_name(const struct sdp_format *f, uint32_t *srate)
{
	*srate = f->srate;
	return f->name ? f->name : static_name(f->pt, srate);
}

static const struct ourcodec *our_codec(const struct sdp_format *f)
{
	uint32_t srate;
	const char *name = fmt_name(f, &srate);

	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (!strcasecmp(name, ours[i].name) &&
		    srate == ours[i].srate)
			return &ours[i];
	return NULL;
}

static bool is_dtmf(const struct sdp_format *f)
{
	return f->name && !strcasecmp(f->name, "telephone-event");
}

static bool has_formats(const struct legsdp *l)
{
	return list_head(sdp_media_format_lst(l->audio, false)) != NULL;
}

int legsdp_decode(struct legsdp *l, struct mbuf *mb, bool offer)
{
	size_t pos;
	int err;

	if (!l || !mb || !mbuf_get_left(mb))
		return EBADMSG;
	pos = mb->pos;
	err = sdp_decode(l->sess, mb, offer);
	mb->pos = pos;
	if (err)
		return err == ENOMEM ? ENOMEM : EBADMSG;
	if (!has_formats(l))
		return ENOENT;
	/* a connection address we could not read ("c=IN IP4 junk") */
	if (sa_af(sdp_media_raddr(l->audio)) == AF_UNSPEC)
		return EBADMSG;
	if (offer) {
		mem_deref(l->offer);
		l->offer = mbuf_alloc(mbuf_get_left(mb));
		if (!l->offer)
			return ENOMEM;
		(void)mbuf_write_mem(l->offer, mbuf_buf(mb),
				     mbuf_get_left(mb));
		l->offer->pos = 0;
	}
	else {
		/* an answer must pick something we offered */
		const struct list *lst = sdp_media_format_lst(l->audio,
							      false);
		bool any = false;
		for (struct le *le = list_head(lst); le; le = le->next) {
			const struct sdp_format *f = le->data;
			if (f->sup)
				any = true;
		}
		if (!any && sa_port(sdp_media_raddr(l->audio)))
			return EPROTO;
		l->answered = true;
	}
	return 0;
}

static void clear_local_formats(struct legsdp *l)
{
	const struct list *lst = sdp_media_format_lst(l->audio, true);
	struct le *le = list_head(lst);

	while (le) {
		struct sdp_format *f = le->data;
		le = le->next;
		mem_deref(f);
	}
}

/* A phone that takes DTMF in band or by SIP INFO is never offered
   telephone-event: the relay then turns events from the other side into
   what it takes. */
static void drop_events(struct legsdp *l)
{
	const struct list *lst = sdp_media_format_lst(l->audio, true);
	struct le *le = list_head(lst);

	if (!l->no_events)
		return;
	while (le) {
		struct sdp_format *f = le->data;

		le = le->next;
		if (is_dtmf(f))
			mem_deref(f);
	}
}

/* The answer to a phone that offered telephone-event keeps it even when
   the other end has none: the relay turns its digits into what the
   other end takes (INFO or tones). */
static void keep_events(struct legsdp *l)
{
	const struct list *loc = sdp_media_format_lst(l->audio, true);
	const struct list *rem = sdp_media_format_lst(l->audio, false);

	if (l->no_events)
		return;
	for (struct le *le = list_head(loc); le; le = le->next)
		if (is_dtmf(le->data))
			return;
	for (struct le *le = list_head(rem); le; le = le->next) {
		const struct sdp_format *f = le->data;

		if (!is_dtmf(f))
			continue;
		(void)sdp_format_add(NULL, l->audio, false, f->id, f->name,
				     f->srate, 1, NULL, NULL, NULL, false,
				     "%s", f->params ? f->params : "");
		return;
	}
}

void legsdp_set_events(struct legsdp *l, bool on)
{
	if (l)
		l->no_events = !on;
}

/* our formats := the peer formats of `from` (only agreed ones if asked) */
static int copy_formats(struct legsdp *l, const struct legsdp *from,
			bool agreed_only)
{
	const struct list *lst = sdp_media_format_lst(from->audio, false);
	const char *v;
	int err = 0;

	clear_local_formats(l);
	for (struct le *le = list_head(lst); le && !err; le = le->next) {
		const struct sdp_format *f = le->data;
		const char *name = f->name;
		uint32_t srate = f->srate;

		if (agreed_only && !f->sup)
			continue;
		if (!name)
			name = static_name(f->pt, &srate);
		err = sdp_format_add(NULL, l->audio, false, f->id, name,
				     srate, f->ch ? f->ch : 1, NULL, NULL,
				     NULL, false, "%s",
				     f->params ? f->params : "");
	}

	/* attributes the two ends must agree on travel with the formats */
	sdp_media_del_lattr(l->audio, "rtcp-mux");
	if (sdp_media_rattr(from->audio, "rtcp-mux"))
		err |= sdp_media_set_lattr(l->audio, true, "rtcp-mux", NULL);
	sdp_media_del_lattr(l->audio, "ptime");
	v = sdp_media_rattr(from->audio, "ptime");
	if (v)
		err |= sdp_media_set_lattr(l->audio, true, "ptime", "%s", v);
	return err;
}

/* libre keeps the peer's direction from our side (its sendonly is our
   recvonly); the other leg is asked for what the peer asked */
static enum sdp_dir flip(enum sdp_dir d)
{
	if (d == SDP_SENDONLY)
		return SDP_RECVONLY;
	if (d == SDP_RECVONLY)
		return SDP_SENDONLY;
	return d;
}

enum sdp_dir legsdp_peer_dir(const struct legsdp *l)
{
	return flip(sdp_media_rdir(l->audio));
}

/* A dynamic payload type that no format of l uses yet. */
static int free_pt(const struct legsdp *l)
{
	const struct list *lst = sdp_media_format_lst(l->audio, true);

	for (int pt = 96; pt < 128; pt++) {
		bool used = false;

		for (struct le *le = list_head(lst); le; le = le->next) {
			const struct sdp_format *f = le->data;
			if (f->pt == pt)
				used = true;
		}
		if (!used)
			return pt;
	}
	return -1;
}

/* Appends the codecs we can transcode to that the offer lacks, and
   telephone-event: whatever the other leg answers, we can bridge it. */
static int add_ours(struct legsdp *l)
{
	const struct list *lst = sdp_media_format_lst(l->audio, true);
	bool have[sizeof(ours) / sizeof(ours[0])] = {false};
	bool dtmf = false;
	int err = 0;

	for (struct le *le = list_head(lst); le; le = le->next) {
		const struct ourcodec *oc = our_codec(le->data);
		if (oc)
			have[oc - ours] = true;
		if (is_dtmf(le->data))
			dtmf = true;
	}
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]) && !err;
	     i++) {
		char id[8];
		int pt = ours[i].pt;

		if (have[i])
			continue;
		if (pt < 0)
			pt = free_pt(l);
		if (pt < 0)
			break;
		(void)re_snprintf(id, sizeof(id), "%d", pt);
		err = sdp_format_add(NULL, l->audio, false, id, ours[i].name,
				     ours[i].srate, ours[i].ch, NULL, NULL,
				     NULL, false, "%s",
				     ours[i].fmtp ? ours[i].fmtp : "");
	}
	if (!dtmf && !err) {
		char id[8];
		int pt = free_pt(l);

		if (pt >= 0) {
			(void)re_snprintf(id, sizeof(id), "%d", pt);
			err = sdp_format_add(NULL, l->audio, false, id,
					     "telephone-event", 8000, 1, NULL,
					     NULL, NULL, false, "0-16");
		}
	}
	return err;
}

/* Our formats := those of the pending offer that we can handle, in the
   offer's order, with telephone-event if it was offered. */
static int take_offer_formats(struct legsdp *l)
{
	const struct list *lst = sdp_media_format_lst(l->audio, false);
	int err = 0, n = 0;

	clear_local_formats(l);
	for (struct le *le = list_head(lst); le && !err; le = le->next) {
		const struct sdp_format *f = le->data;
		const struct ourcodec *oc = our_codec(f);
		uint32_t srate;
		const char *name = fmt_name(f, &srate);

		if (!oc && !is_dtmf(f))
			continue;
		n += oc != NULL;
		err = sdp_format_add(NULL, l->audio, false, f->id, name,
				     srate, f->ch ? f->ch : 1, NULL, NULL,
				     NULL, false, "%s",
				     f->params ? f->params : "");
	}
	if (err)
		return err;
	return n ? 0 : EPROTO;
}

/* Answers l's pending offer with the given local formats. */
static int answer_offer(struct legsdp *l, enum sdp_dir dir,
			struct mbuf **mbp)
{
	const struct list *lst;
	bool any = false;
	int err;

	err = sdp_decode(l->sess, l->offer, true);
	l->offer->pos = 0;
	if (err)
		return EBADMSG;
	lst = sdp_media_format_lst(l->audio, true);
	for (struct le *le = list_head(lst); le; le = le->next) {
		const struct sdp_format *f = le->data;
		if (f->sup && !is_dtmf(f))
			any = true;
	}
	if (!any)
		return EPROTO;
	sdp_media_set_ldir(l->audio, dir);
	l->answered = true;
	return sdp_encode(mbp, l->sess, false);
}

int legsdp_answer_local(struct legsdp *l, struct mbuf **mbp)
{
	enum sdp_dir d;
	int err;

	if (!l || !l->offer)
		return EPROTO;
	err = take_offer_formats(l);
	if (err)
		return err;
	drop_events(l);
	/* we send and receive, unless the peer holds */
	d = legsdp_peer_dir(l);
	return answer_offer(l, d == SDP_INACTIVE ? SDP_INACTIVE
			    : d == SDP_SENDONLY ? SDP_RECVONLY
			    : d == SDP_RECVONLY ? SDP_SENDONLY : SDP_SENDRECV,
			    mbp);
}

bool legsdp_agreed(const struct legsdp *l, struct media_codec *mc)
{
	const struct list *lst = sdp_media_format_lst(l->audio, false);
	bool found = false;

	memset(mc, 0, sizeof(*mc));
	mc->dtmf_pt = -1;
	if (!l->answered)
		return false;
	for (struct le *le = list_head(lst); le; le = le->next) {
		const struct sdp_format *f = le->data;
		const struct ourcodec *oc;

		if (!f->sup || f->pt < 0 || f->pt > 127)
			continue;
		if (is_dtmf(f)) {
			if (mc->dtmf_pt < 0)
				mc->dtmf_pt = (int16_t)f->pt;
			continue;
		}
		if (found)
			continue;
		found = true;
		oc = our_codec(f);
		mc->id = oc ? oc->id : MEDIA_CODEC_NONE;
		mc->pt = (uint8_t)f->pt;
		str_ncpy(mc->fmtp, f->params ? f->params : "",
			 sizeof(mc->fmtp));
	}
	return found;
}

int legsdp_offer_from(struct legsdp *l, const struct legsdp *from,
		      struct mbuf **mbp)
{
	int err = copy_formats(l, from, false);

	if (!err)
		err = add_ours(l);
	if (err)
		return err;
	drop_events(l);
	sdp_media_set_ldir(l->audio, legsdp_peer_dir(from));
	return sdp_encode(mbp, l->sess, true);
}

int legsdp_offer_ours(struct legsdp *l, struct mbuf **mbp)
{
	int err;

	clear_local_formats(l);
	err = add_ours(l);
	if (err)
		return err;
	drop_events(l);
	sdp_media_set_ldir(l->audio, SDP_SENDRECV);
	return sdp_encode(mbp, l->sess, true);
}

int legsdp_answer_from(struct legsdp *l, const struct legsdp *from,
		       struct mbuf **mbp)
{
	enum sdp_dir dir;
	int err;

	if (!l->offer)
		return EPROTO;
	/* what the other peer wants of us is what we want of this one */
	dir = legsdp_peer_dir(from) == SDP_INACTIVE ? SDP_INACTIVE
						    : SDP_SENDRECV;
	err = copy_formats(l, from, true);
	if (err)
		return err;
	drop_events(l);
	keep_events(l);
	err = answer_offer(l, dir, mbp);
	if (err != EPROTO)
		return err;
	/* nothing in common end to end: answer with what we can transcode
	   to, and the relay bridges the two codecs */
	err = take_offer_formats(l);
	if (err)
		return err;
	drop_events(l);
	return answer_offer(l, dir, mbp);
}

int legsdp_reoffer(struct legsdp *l, struct mbuf **mbp)
{
	return sdp_encode(mbp, l->sess, true);
}

bool legsdp_remote(const struct legsdp *l, struct sa *rtp, struct sa *rtcp,
		   bool *mux)
{
	const struct sa *a = sdp_media_raddr(l->audio);

	if (!sa_isset(a, SA_ALL))
		return false;
	*rtp = *a;
	sdp_media_raddr_rtcp(l->audio, rtcp);
	*mux = sdp_media_rattr(l->audio, "rtcp-mux") != NULL;
	return true;
}

void legsdp_codec(const struct legsdp *l, char *buf, size_t size)
{
	const struct list *lst = sdp_media_format_lst(l->audio, true);

	buf[0] = '\0';
	for (struct le *le = list_head(lst); le; le = le->next) {
		const struct sdp_format *f = le->data;
		const char *name = f->name;
		uint32_t srate = f->srate;

		if (!f->sup)
			continue;
		if (!name)
			name = static_name(f->pt, &srate);
		if (!name || !strcasecmp(name, "telephone-event"))
			continue;
		(void)re_snprintf(buf, size, "%s/%u", name, srate);
		return;
	}
}
