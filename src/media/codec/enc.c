/**
 * @file enc.c  Sending: one 20 ms frame of engine audio to one RTP
 * payload.
 *
 * G.711 goes down to 8 kHz through the half-band filter first (without
 * it, 4-8 kHz of a wideband caller would fold into the voice band);
 * G.722 and Opus take the 16 kHz frame as it is.  Opus follows what the
 * receiver's fmtp asks for (RFC 7587): maxaveragebitrate, in-band FEC,
 * and maxplaybackrate as a bandwidth ceiling.
 */
#include <stdlib.h>
#include <string.h>
#include <opus.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
#include "media/codec/priv.h"
#include "media/codec/resample.h"

enum {
	OPUS_BITRATE = 24000,       /**< wideband speech, well clear of artefacts */
	OPUS_COMPLEXITY = 5,        /**< about half the CPU of 10, for little loss */
	OPUS_LOSS_PCT = 10,         /**< what FEC is sized for */
};

struct media_enc {
	enum codec_id id;
	struct media_resample down;     /**< G.711 16 kHz -> 8 kHz */
	g722_encode_state_t *g722;      /**< owned */
	OpusEncoder *opus;              /**< owned */
};

static int opus_bandwidth(long rate)
{
	if (rate <= 8000)
		return OPUS_BANDWIDTH_NARROWBAND;
	if (rate <= 12000)
		return OPUS_BANDWIDTH_MEDIUMBAND;
	return OPUS_BANDWIDTH_WIDEBAND;   /* all a 16 kHz input holds */
}

static OpusEncoder *opus_setup(const char *fmtp)
{
	OpusEncoder *oe;
	long v, bitrate = OPUS_BITRATE;
	int err;

	oe = opus_encoder_create(AUDIO_RATE, 1, OPUS_APPLICATION_VOIP, &err);
	if (!oe)
		return NULL;
	/* the SDP range is 6000..510000 */
	if (codec_fmtp_int(fmtp, "maxaveragebitrate", &v) && v >= 6000)
		bitrate = v < 510000 ? v : 510000;
	if (codec_fmtp_int(fmtp, "maxplaybackrate", &v) && v > 0)
		opus_encoder_ctl(oe, OPUS_SET_MAX_BANDWIDTH(opus_bandwidth(v)));
	if (codec_fmtp_int(fmtp, "useinbandfec", &v) && v == 1) {
		opus_encoder_ctl(oe, OPUS_SET_INBAND_FEC(1));
		opus_encoder_ctl(oe, OPUS_SET_PACKET_LOSS_PERC(OPUS_LOSS_PCT));
	}
	/* stereo=1 only says the receiver would take stereo: our audio is
	   mono, and a mono stream is what it plays best anyway */
	opus_encoder_ctl(oe, OPUS_SET_BITRATE((opus_int32)bitrate));
	opus_encoder_ctl(oe, OPUS_SET_COMPLEXITY(OPUS_COMPLEXITY));
	opus_encoder_ctl(oe, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	return oe;
}

struct media_enc *media_enc_alloc(enum codec_id id, const char *fmtp)
{
	struct media_enc *e;

	if (id <= CODEC_NONE || id > CODEC_OPUS)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->id = id;
	if (id == CODEC_G722) {
		e->g722 = g722_encode_init(NULL, 64000, 0);
		if (!e->g722)
			goto fail;
	}
	if (id == CODEC_OPUS) {
		e->opus = opus_setup(fmtp);
		if (!e->opus)
			goto fail;
	}
	return e;

 fail:
	media_enc_free(e);
	return NULL;
}

void media_enc_free(struct media_enc *e)
{
	if (!e)
		return;
	if (e->g722)
		g722_encode_free(e->g722);
	if (e->opus)
		opus_encoder_destroy(e->opus);
	free(e);
}

int media_enc_frame(struct media_enc *e, const int16_t in[AUDIO_FRAME],
		    uint8_t *out, size_t max)
{
	int16_t nb[AUDIO_FRAME / 2];
	int n;

	if (!e || !in || !out)
		return -1;
	switch (e->id) {

	case CODEC_PCMU:
	case CODEC_PCMA:
		if (max < AUDIO_FRAME / 2)
			return -1;
		media_resample_down(&e->down, nb, in, AUDIO_FRAME);
		for (unsigned i = 0; i < AUDIO_FRAME / 2; i++)
			out[i] = e->id == CODEC_PCMU ? linear_to_ulaw(nb[i])
						     : linear_to_alaw(nb[i]);
		return AUDIO_FRAME / 2;

	case CODEC_G722:
		/* 4 bits a sample pair: 160 bytes */
		if (max < AUDIO_FRAME / 2)
			return -1;
		return g722_encode(e->g722, out, in, AUDIO_FRAME);

	case CODEC_OPUS:
		n = opus_encode(e->opus, in, AUDIO_FRAME, out,
				(opus_int32)(max > 1500 ? 1500 : max));
		return n > 0 ? n : -1;

	default:
		return -1;
	}
}
