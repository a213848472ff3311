/**
 * @file legsdp.h  One leg's side of the offer/answer (RFC 3264).
 *
 * The B2BUA anchors media: each leg sees only our relay address.  An
 * offer from one leg is re-issued on the other with the same formats,
 * followed by the codecs our media engine can transcode to; the answer
 * travels back the same way when the two ends share a codec, and when
 * they do not, the first leg is answered with a codec of its own offer
 * that we can transcode (the relay then bridges the two).  libre's SDP session does the parsing and
 * printing; this file only moves formats and directions between the two
 * legs' sessions.  Only the first audio stream is carried; other streams
 * are answered with port 0.
 */
#ifndef CENTREX_PBX_LEGSDP_H
#define CENTREX_PBX_LEGSDP_H

#include <stdbool.h>
#include <re.h>
#include "media/media.h"

struct legsdp;

int  legsdp_alloc(struct legsdp **lp, const struct sa *rtp,
		  const struct sa *rtcp);
/* a remote offer or answer; EBADMSG unparsable, ENOENT no usable audio,
   EPROTO an answer with no format in common */
int  legsdp_decode(struct legsdp *l, struct mbuf *mb, bool offer);
/* offer on this leg what `from`'s peer offered */
int  legsdp_offer_from(struct legsdp *l, const struct legsdp *from,
		       struct mbuf **mbp);
/* answer this leg's pending offer with what `from`'s peer answered;
   EPROTO when nothing is in common */
int  legsdp_answer_from(struct legsdp *l, const struct legsdp *from,
			struct mbuf **mbp);
/* answer this leg's pending offer ourselves (we are the far end: echo
   test, prompts), with the offer's codecs we handle; EPROTO if none */
int  legsdp_answer_local(struct legsdp *l, struct mbuf **mbp);
/* our own offer, for a phone whose INVITE had none (RFC 3261 13.2.1:
   it answers in the ACK): every codec we handle, sending and receiving */
int  legsdp_offer_ours(struct legsdp *l, struct mbuf **mbp);
/* whether telephone-event may be offered or answered on this leg (the
   phone's DTMF mode); on by default */
void legsdp_set_events(struct legsdp *l, bool on);
/* the codec agreed with this leg's peer; false before an answer */
bool legsdp_agreed(const struct legsdp *l, struct media_codec *mc);
/* an offer to refresh the session (same formats, same direction) */
int  legsdp_reoffer(struct legsdp *l, struct mbuf **mbp);

/* where the peer wants media; false when it has none (port 0) */
bool legsdp_remote(const struct legsdp *l, struct sa *rtp, struct sa *rtcp,
		   bool *mux);
/* the direction the peer asked for, as the peer sees it */
enum sdp_dir legsdp_peer_dir(const struct legsdp *l);
/* first agreed codec, "PCMU/8000"; "" before an answer */
void legsdp_codec(const struct legsdp *l, char *buf, size_t size);

#endif
