/**
 * @file test_codec.c  Codec table, resampler, and each codec's round
 * trip (encoder -> RTP payload -> decoder) measured on real signals.
 */
#include <stdint.h>
#include <string.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include "media/codec/codec.h"
#include "media/codec/resample.h"
#include "support.h"
#include "test_codec_signal.c"

enum { FRAMES = 50 };     /* one second */

static void test_table(void **state)
{
	(void)state;
	assert_int_equal(codec_by_name("pcmu", 8000, 0), CODEC_PCMU);
	assert_int_equal(codec_by_name("PCMA", 8000, 1), CODEC_PCMA);
	assert_int_equal(codec_by_name("G722", 8000, 1), CODEC_G722);
	assert_int_equal(codec_by_name("OPUS", 48000, 2), CODEC_OPUS);
	assert_int_equal(codec_by_name("G722", 16000, 1), CODEC_NONE);
	assert_int_equal(codec_by_name("PCMU", 8000, 2), CODEC_NONE);
	assert_int_equal(codec_by_name("opus", 16000, 2), CODEC_NONE);
	assert_int_equal(codec_by_name("G729", 8000, 1), CODEC_NONE);
	assert_int_equal(codec_by_name(NULL, 8000, 1), CODEC_NONE);

	for (int id = CODEC_PCMU; id <= CODEC_OPUS; id++) {
		/* the rtpmap we would write reads back as the same codec,
		   and 20 ms of its clock is one frame step */
		enum codec_id c = (enum codec_id)id;

		assert_int_equal(codec_by_name(codec_name(c), codec_rtp_clock(c),
					       codec_channels(c)), c);
		assert_int_equal(codec_frame_ts(c), codec_rtp_clock(c) / 50);
	}
	assert_string_equal(codec_name(CODEC_OPUS), "opus");
	assert_int_equal(codec_rtp_clock(CODEC_G722), 8000);
	assert_int_equal(codec_channels(CODEC_OPUS), 2);
	assert_int_equal(codec_static_pt(CODEC_PCMU), 0);
	assert_int_equal(codec_static_pt(CODEC_PCMA), 8);
	assert_int_equal(codec_static_pt(CODEC_G722), 9);
	assert_int_equal(codec_static_pt(CODEC_OPUS), -1);
	assert_null(codec_name(CODEC_NONE));
	assert_null(media_dec_alloc(CODEC_NONE, NULL));
	assert_null(media_enc_alloc(CODEC_NONE, NULL));
}

/* 8 kHz in, n8 samples, through up then down: gains of each stage. */
static void test_resample(void **state)
{
	static int16_t x8[8000], x16[16000], y8[8000];
	struct media_resample up, down;
	struct sig_osc osc = {0};
	double snr;
	(void)state;

	media_resample_reset(&up);
	media_resample_reset(&down);

	/* passband: 1 kHz keeps its level both ways, and 8k -> 16k leaves
	   no image at 7 kHz */
	sig_sine(&osc, x8, 8000, 1000, 10000, 8000);
	assert_int_equal(media_resample_up(&up, x16, x8, 8000), 16000);
	assert_true(fabs(sig_db(sig_fit(x16 + 1000, 15000, 1000, 16000, &snr) /
				10000)) < 0.1);
	assert_true(snr > 50);
	assert_true(sig_db(sig_goertzel(x16 + 1000, 15000, 7000, 16000) /
			   10000) < -50);
	assert_int_equal(media_resample_down(&down, y8, x16, 16000), 8000);
	assert_true(fabs(sig_db(sig_fit(y8 + 500, 7500, 1000, 8000, &snr) /
				10000)) < 0.1);
	assert_true(snr > 50);

	/* stopband: 7 kHz at 16k would fold to 1 kHz at 8k */
	osc.phase = 0;
	sig_sine(&osc, x16, 16000, 7000, 10000, 16000);
	media_resample_reset(&down);
	media_resample_down(&down, y8, x16, 16000);
	assert_true(sig_db(sig_rms(y8 + 500, 7500) / sig_rms(x16, 16000)) < -30);

	/* streaming: blocks of odd sizes give the same as one block */
	{
		static int16_t z8[8000];
		size_t in = 0, out = 0, blk = 1;

		osc.phase = 0;
		sig_sine(&osc, x16, 16000, 3000, 10000, 16000);
		media_resample_reset(&down);
		media_resample_down(&down, y8, x16, 16000);
		media_resample_reset(&down);
		while (in < 16000) {
			size_t n = blk < 16000 - in ? blk : 16000 - in;

			out += media_resample_down(&down, z8 + out, x16 + in, n);
			in += n;
			blk = blk * 7 % 61 + 1;
		}
		assert_int_equal(out, 8000);
		assert_memory_equal(y8, z8, sizeof(z8));
	}
}

/* The encoder's bytes for a constant input, once the filter has
   settled: the last byte of the second frame. */
static uint8_t g711_byte(enum codec_id id, int16_t v)
{
	struct media_enc *e = media_enc_alloc(id, NULL);
	int16_t in[AUDIO_FRAME];
	uint8_t out[400];

	for (int i = 0; i < AUDIO_FRAME; i++)
		in[i] = v;
	assert_non_null(e);
	assert_int_equal(media_enc_frame(e, in, out, sizeof(out)), 160);
	assert_int_equal(media_enc_frame(e, in, out, 159), -1);
	assert_int_equal(media_enc_frame(e, in, out, sizeof(out)), 160);
	media_enc_free(e);
	return out[159];
}

/* The decoder's level for a packet of one repeated byte. */
static int16_t g711_level(enum codec_id id, uint8_t byte)
{
	struct media_dec *d = media_dec_alloc(id, NULL);
	int16_t out[AUDIO_FRAME];
	uint8_t p[160];
	uint64_t t = 1000000;
	int played = 0;

	memset(p, byte, sizeof(p));
	for (int i = 0; i < 10; i++, t += 20000) {
		media_dec_put(d, (uint16_t)i, 160u * i, 1, i == 0, p, 160, t);
		played += media_dec_get(d, out, t + 5000);
	}
	assert_true(played >= 8);
	media_dec_free(d);
	return out[AUDIO_FRAME - 1];
}

static void test_g711_values(void **state)
{
	(void)state;
	/* G.711 tables: silence, positive and negative full scale */
	assert_int_equal(g711_byte(CODEC_PCMU, 0), 0xff);
	assert_int_equal(g711_byte(CODEC_PCMU, 32767), 0x80);
	assert_int_equal(g711_byte(CODEC_PCMU, -32768), 0x00);
	assert_int_equal(g711_byte(CODEC_PCMU, -1000), 0x4e);
	assert_int_equal(g711_byte(CODEC_PCMA, 0), 0xd5);
	assert_int_equal(g711_byte(CODEC_PCMA, 32767), 0xaa);
	assert_int_equal(g711_byte(CODEC_PCMA, -32768), 0x2a);

	assert_int_equal(g711_level(CODEC_PCMU, 0x80), 32124);
	assert_int_equal(g711_level(CODEC_PCMU, 0x00), -32124);
	assert_int_equal(g711_level(CODEC_PCMA, 0xaa), 32256);
	assert_int_equal(g711_level(CODEC_PCMA, 0x55), -8);
}

/* FRAMES frames of a sine through an encoder, the decoder with a
   perfect network, into out (the decoder's frames, silence until it
   starts).  Returns the payload bytes sent. */
static size_t roundtrip(enum codec_id id, const char *fmtp, double f,
			double amp, int16_t out[FRAMES * AUDIO_FRAME])
{
	struct media_enc *e = media_enc_alloc(id, fmtp);
	struct media_dec *d = media_dec_alloc(id, NULL);
	struct sig_osc osc = {0};
	int16_t in[AUDIO_FRAME];
	uint8_t pkt[1500];
	uint64_t t = 5000000;
	size_t bytes = 0;

	assert_non_null(e);
	assert_non_null(d);
	for (int i = 0; i < FRAMES; i++, t += 20000) {
		int n;

		sig_sine(&osc, in, AUDIO_FRAME, f, amp, AUDIO_RATE);
		n = media_enc_frame(e, in, pkt, sizeof(pkt));
		assert_true(n > 0);
		bytes += (size_t)n;
		media_dec_put(d, (uint16_t)(1000 + i),
			      123456u + codec_frame_ts(id) * (uint32_t)i,
			      0x1234, i == 0, pkt, (size_t)n, t);
		media_dec_get(d, out + i * AUDIO_FRAME, t + 7000);
	}
	media_enc_free(e);
	media_dec_free(d);
	return bytes;
}

/* SNR of the last half second (the decoder has settled). */
static double tail_snr(const int16_t *out, double f, double *amp)
{
	double snr, a = sig_fit(out + FRAMES / 2 * AUDIO_FRAME,
				FRAMES / 2 * AUDIO_FRAME, f, AUDIO_RATE, &snr);

	if (amp)
		*amp = a;
	return snr;
}

static void test_g711_roundtrip(void **state)
{
	static int16_t out[FRAMES * AUDIO_FRAME];
	double amp;
	(void)state;

	for (enum codec_id id = CODEC_PCMU; id <= CODEC_PCMA; id++) {
		assert_int_equal(roundtrip(id, NULL, 1000, 8000, out),
				 FRAMES * 160);
		assert_true(tail_snr(out, 1000, &amp) > 30);
		assert_true(fabs(sig_db(amp / 8000)) < 0.5);
		/* narrowband: 6 kHz does not pass */
		roundtrip(id, NULL, 6000, 8000, out);
		assert_true(sig_db(sig_rms(out + FRAMES / 2 * AUDIO_FRAME,
					   FRAMES / 2 * AUDIO_FRAME) /
				   (8000 / M_SQRT2)) < -30);
	}
}

static void test_g722_roundtrip(void **state)
{
	static int16_t out[FRAMES * AUDIO_FRAME];
	double amp, snr;
	(void)state;

	/* 64 kbit/s: 160 bytes a frame */
	assert_int_equal(roundtrip(CODEC_G722, NULL, 1000, 8000, out),
			 FRAMES * 160);
	snr = tail_snr(out, 1000, &amp);
	print_message("G.722 1 kHz: SNR %.1f dB, gain %.2f dB\n", snr,
		      sig_db(amp / 8000));
	assert_true(snr > 35);
	assert_true(fabs(sig_db(amp / 8000)) < 1);

	/* wideband: 6 kHz comes through, at its frequency */
	roundtrip(CODEC_G722, NULL, 6000, 8000, out);
	snr = tail_snr(out, 6000, &amp);
	print_message("G.722 6 kHz: SNR %.1f dB, gain %.2f dB\n", snr,
		      sig_db(amp / 8000));
	assert_true(snr > 20);
	assert_true(fabs(sig_db(amp / 8000)) < 1);
}

static void test_opus_roundtrip(void **state)
{
	static int16_t out[FRAMES * AUDIO_FRAME];
	const int16_t *tail = out + FRAMES / 2 * AUDIO_FRAME;
	const size_t n = FRAMES / 2 * AUDIO_FRAME;
	double amp, snr, low, high;
	size_t dflt, small;
	(void)state;

	dflt = roundtrip(CODEC_OPUS, NULL, 1000, 8000, out);
	snr = tail_snr(out, 1000, &amp);
	low = sig_goertzel(tail, n, 700, AUDIO_RATE);
	high = sig_goertzel(tail, n, 1300, AUDIO_RATE);
	print_message("opus 1 kHz: SNR %.1f dB, gain %.2f dB, %zu bytes/frame\n",
		      snr, sig_db(amp / 8000), dflt / FRAMES);
	/* the tone is where it was, with its level, and nothing else near */
	assert_true(snr > 15);
	assert_true(fabs(sig_db(amp / 8000)) < 3);
	assert_true(sig_db(low / amp) < -30);
	assert_true(sig_db(high / amp) < -30);

	/* the receiver's maxaveragebitrate is obeyed: about 12 kbit/s is
	   30 bytes a frame, where the default 24 kbit/s is 60 */
	small = roundtrip(CODEC_OPUS, "useinbandfec=1; maxaveragebitrate=12000",
			  1000, 8000, out);
	assert_true(small * 10 < dflt * 7);
	assert_true(small / FRAMES <= 40);
	assert_true(tail_snr(out, 1000, NULL) > 8);

	/* a 5 kHz tone survives too (wideband) */
	roundtrip(CODEC_OPUS, NULL, 5000, 8000, out);
	assert_true(tail_snr(out, 5000, &amp) > 10);
	assert_true(fabs(sig_db(amp / 8000)) < 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_resample),
		cmocka_unit_test(test_g711_values),
		cmocka_unit_test(test_g711_roundtrip),
		cmocka_unit_test(test_g722_roundtrip),
		cmocka_unit_test(test_opus_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
