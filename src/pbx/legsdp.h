/**
 * @file legsdp.h  One leg's side of the offer/answer (RFC 3264).
 *
 * The B2BUA anchors media: each leg sees only our relay address, and the
 * codecs are agreed end to end (no transcoding here), so an offer from
 * one leg is re-issued on the other with the same formats, and the answer
 * travels back the same way.  libre's SDP session does the parsing and
 * printing; this file only moves formats and directions between the two
 * legs' sessions.  Only the first audio stream is carried; other streams
 * are answered with port 0.
 */
#ifndef CENTREX_PBX_LEGSDP_H
#define CENTREX_PBX_LEGSDP_H

#include <stdbool.h>
#include <re.h>

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
