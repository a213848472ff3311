/**
 * @file fuzz_decoder.c  libFuzzer target: a peer's RTP payloads, in any
 * order and timing, through a receive path (jitter buffer, decoder,
 * concealment), and arbitrary audio through the encoder.
 *
 * An input is a byte choosing the codec and the encoder's fmtp, then
 * records, each led by an opcode byte whose low two bits say:
 *   0  a packet: seq (2 bytes), ts (4), length (1), payload; bits 2-3
 *      of the opcode pick one of 4 SSRCs, bit 4 the marker, bits 5-7
 *      advance the clock by 0..7 ms
 *   1  a 20 ms tick: media_dec_get()
 *   2  a frame to encode: 1 byte of output room, then up to 640 bytes of
 *      samples (short inputs are padded with silence)
 *   3  the clock jumps by the next byte times 10 ms
 * The counters must stay coherent and no output may exceed its room.
 * Saved inputs live in tests/fuzz/corpus/decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compiled in rather than taken from libcentrex so that libFuzzer sees
   their branches (see fuzz_rtp.c). */
#include "media/codec/codec.c"
#include "media/codec/dec.c"
#include "media/codec/enc.c"
#include "media/codec/jbuf.c"
#include "media/codec/resample.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fmtps[] = {
	NULL, "useinbandfec=1", "maxaveragebitrate=6000; maxplaybackrate=8000",
	"stereo=1;maxaveragebitrate=510000;useinbandfec=1",
};

struct input {
	const uint8_t *p;
	size_t n;
};

static size_t take_bytes(struct input *in, const uint8_t **out, size_t want)
{
	size_t n = want < in->n ? want : in->n;

	*out = in->p;
	in->p += n;
	in->n -= n;
	return n;
}

static uint32_t take_u(struct input *in, unsigned bytes)
{
	const uint8_t *b;
	size_t n = take_bytes(in, &b, bytes);
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static void packet(struct media_dec *d, struct input *in, uint8_t op,
		   uint64_t *now)
{
	static const uint32_t ssrcs[] = {1, 2, 0xdeadbeef, 0};
	uint16_t seq = (uint16_t)take_u(in, 2);
	uint32_t ts = take_u(in, 4);
	const uint8_t *payload;
	size_t len = take_bytes(in, &payload, take_u(in, 1));

	*now += (uint64_t)(op >> 5) * 1000;
	media_dec_put(d, seq, ts, ssrcs[(op >> 2) & 3], op & 0x10, payload,
		      len, *now);
}

static void tick(struct media_dec *d, uint64_t *now)
{
	struct media_dec_stats st;
	int16_t out[AUDIO_FRAME];
	bool played;

	*now += 20000;
	played = media_dec_get(d, out, *now);
	media_dec_stats(d, &st);
	/* the delay may never run away, whatever the timestamps */
	if (st.concealed > st.frames || st.delay_ms > 1000 ||
	    st.target_ms > 200)
		abort();
	if (!played)
		for (int i = 0; i < AUDIO_FRAME; i++)
			if (out[i])
				abort();
}

static void encode(struct media_enc *e, struct input *in)
{
	int16_t pcm[AUDIO_FRAME] = {0};
	uint8_t out[1600];
	size_t room = (size_t)take_u(in, 1) * 8;
	const uint8_t *b;
	size_t n = take_bytes(in, &b, sizeof(pcm));
	int got;

	memcpy(pcm, b, n);
	got = media_enc_frame(e, pcm, out, room);
	if (got == 0 || got < -1 || (got > 0 && (size_t)got > room))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data + 1, size ? size - 1 : 0};
	struct media_dec *d;
	struct media_enc *e;
	uint64_t now = 1000000;
	enum codec_id id;

	if (!size)
		return 0;
	id = (enum codec_id)(CODEC_PCMU + data[0] % 4);
	d = media_dec_alloc(id, NULL);
	e = media_enc_alloc(id, fmtps[(data[0] >> 2) % 4]);
	if (!d || !e)
		abort();

	while (in.n) {
		uint8_t op = (uint8_t)take_u(&in, 1);

		switch (op & 3) {
		case 0:
			packet(d, &in, op, &now);
			break;
		case 1:
			tick(d, &now);
			break;
		case 2:
			encode(e, &in);
			break;
		default:
			now += (uint64_t)take_u(&in, 1) * 10000;
			break;
		}
	}
	media_dec_free(d);
	media_enc_free(e);
	return 0;
}
