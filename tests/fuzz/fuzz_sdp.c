/**
 * @file fuzz_sdp.c  libFuzzer target: an SDP offer or answer from a peer.
 *
 * The bytes are what a phone or carrier put in an INVITE, 18x, 200 or
 * UPDATE body; the call layer decodes them (libre's parser, then our own
 * checks) and, when usable, builds the other leg's offer and an answer
 * from them.  Nothing may crash, leak or read out of bounds.
 */
#include <re.h>
#include <stdint.h>
#include <string.h>
#include "pbx/legsdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct legsdp *a = NULL, *b = NULL;
	struct mbuf *mb, *offer = NULL, *answer = NULL;
	struct sa la, lb;

	if (size > 8192)
		return 0;
	mb = mbuf_alloc(size ? size : 1);
	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	(void)sa_set_str(&la, "127.0.0.1", 20000);
	(void)sa_set_str(&lb, "127.0.0.1", 20002);

	if (!legsdp_alloc(&a, &la, &la) && !legsdp_alloc(&b, &lb, &lb) &&
	    !legsdp_decode(a, mb, true)) {
		struct sa rtp, rtcp;
		bool mux;
		char codec[32];

		(void)legsdp_remote(a, &rtp, &rtcp, &mux);
		if (!legsdp_offer_from(b, a, &offer)) {
			/* the other side answers with what it was offered */
			offer->pos = 0;
			if (!legsdp_decode(b, offer, false))
				(void)legsdp_answer_from(a, b, &answer);
		}
		legsdp_codec(a, codec, sizeof(codec));
		/* the same bytes as an answer to our offer */
		mb->pos = 0;
		(void)legsdp_decode(b, mb, false);
	}
	mem_deref(answer);
	mem_deref(offer);
	mem_deref(b);
	mem_deref(a);
	mem_deref(mb);
	return 0;
}
