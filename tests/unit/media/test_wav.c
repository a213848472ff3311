/**
 * @file test_wav.c  WAV files in, engine audio out: every supported
 * encoding, rate and channel count; the Debian prompt and music files;
 * damaged files refused with the sentence a customer will read.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "media/audio.h"
#include "media/prompt/wav.h"
#include "support.h"

#define SOUNDS "/usr/share/asterisk/sounds"
#define MOH "/usr/share/asterisk/moh"

struct buf {
	uint8_t b[400000];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put16(struct buf *b, unsigned v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	put(b, x, 2);
}

static void put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* a chunk with its pad byte when odd */
static void chunk(struct buf *b, const char *id, const void *p, size_t n)
{
	put(b, id, 4);
	put32(b, (uint32_t)n);
	put(b, p, n);
	if (n & 1)
		put(b, "", 1);
}

static void fmt_chunk(struct buf *b, unsigned tag, unsigned ch,
		      unsigned rate, unsigned bits, int extensible)
{
	static const uint8_t tail[14] = {0, 0, 0, 0, 0x10, 0, 0x80, 0, 0,
		0xaa, 0, 0x38, 0x9b, 0x71};
	struct buf f = {.n = 0};

	put16(&f, extensible ? 0xfffe : tag);
	put16(&f, ch);
	put32(&f, rate);
	put32(&f, rate * ch * bits / 8);
	put16(&f, ch * bits / 8);
	put16(&f, bits);
	if (extensible) {
		put16(&f, 22);
		put16(&f, bits);
		put32(&f, ch == 2 ? 3 : 4);
		put16(&f, tag);
		put(&f, tail, sizeof(tail));
	}
	chunk(b, "fmt ", f.b, f.n);
}

static void riff_begin(struct buf *b)
{
	b->n = 0;
	put(b, "RIFF\0\0\0\0WAVE", 12);
}

static void riff_end(struct buf *b)
{
	set32(b->b + 4, (uint32_t)(b->n - 8));
}

/* Reference encoders for the test files, searched over the code space:
   ITU reference points below pin the decoders themselves. */
static uint8_t encode(int16_t (*dec)(uint8_t), int s)
{
	unsigned c, best = 0;
	long bd = 1L << 30;

	for (c = 0; c < 256; c++) {
		long d = labs((long)dec((uint8_t)c) - s);
		if (d < bd) {
			bd = d;
			best = c;
		}
	}
	return (uint8_t)best;
}

/* Decodes one G.711 code through the public path: a 16 kHz file is not
   resampled, so the sample comes out as the decoder gave it. */
static int16_t dec_g711(unsigned tag, uint8_t c)
{
	struct buf b;
	int16_t *pcm;
	size_t n;
	const char *err;
	uint8_t d[2000];
	int16_t v;

	memset(d, c, sizeof(d));
	riff_begin(&b);
	fmt_chunk(&b, tag, 1, 16000, 8, 0);
	chunk(&b, "data", d, sizeof(d));
	riff_end(&b);
	assert_int_equal(wav_to_audio(b.b, b.n, 0, &pcm, &n, &err), 0);
	v = pcm[n / 2];
	free(pcm);
	return v;
}

static int16_t alaw_tab[256], ulaw_tab[256];

static int16_t tab_alaw(uint8_t c) { return alaw_tab[c]; }
static int16_t tab_ulaw(uint8_t c) { return ulaw_tab[c]; }

static void test_g711_reference(void **state)
{
	unsigned c;
	(void)state;

	for (c = 0; c < 256; c++) {
		alaw_tab[c] = dec_g711(6, (uint8_t)c);
		ulaw_tab[c] = dec_g711(7, (uint8_t)c);
	}
	/* G.711 reference points */
	assert_int_equal(alaw_tab[0xd5], 8);
	assert_int_equal(alaw_tab[0x55], -8);
	assert_int_equal(alaw_tab[0xaa], 32256);
	assert_int_equal(alaw_tab[0x2a], -32256);
	assert_int_equal(ulaw_tab[0xff], 0);
	assert_int_equal(ulaw_tab[0x80], 32124);
	assert_int_equal(ulaw_tab[0x00], -32124);
	assert_int_equal(ulaw_tab[0xfe], 8);
	/* positive codes grow with the magnitude bits (after inversion) */
	for (c = 0x81; c < 0x100; c++)
		assert_true(ulaw_tab[c] < ulaw_tab[c - 1]);
}

/* ------------------------------------------------------------------ */

static double amp_at(const int16_t *x, size_t n, double hz, double rate)
{
	double re = 0, im = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		re += x[i] * cos(2 * M_PI * hz * i / rate);
		im += x[i] * sin(2 * M_PI * hz * i / rate);
	}
	return 2 * sqrt(re * re + im * im) / n;
}

static double rms(const int16_t *x, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return sqrt(s / n);
}

/* A 1 kHz sine file of `ms` milliseconds in the given format. */
static void sine_file(struct buf *b, unsigned tag, unsigned bits,
		      unsigned ch, unsigned rate, int ext, unsigned ms)
{
	static uint8_t d[200000];
	size_t frames = (size_t)rate * ms / 1000, i, k = 0;
	unsigned c;

	for (i = 0; i < frames; i++) {
		for (c = 0; c < ch; c++) {
			/* left louder than right: the downmix is the mean */
			double a = c ? 8000 : 16000;
			int s = (int)lrint(a * sin(2 * M_PI * 1000 * i / rate));

			if (tag == 6)
				d[k++] = encode(tab_alaw, s);
			else if (tag == 7)
				d[k++] = encode(tab_ulaw, s);
			else if (bits == 8)
				d[k++] = (uint8_t)(128 + s / 256);
			else {
				d[k++] = (uint8_t)s;
				d[k++] = (uint8_t)(s >> 8);
			}
		}
	}
	riff_begin(b);
	fmt_chunk(b, tag, ch, rate, bits, ext);
	chunk(b, "data", d, k);
	riff_end(b);
}

static void check_sine(const struct buf *b, unsigned ch, unsigned rate,
		       unsigned ms, double min_snr_db)
{
	size_t frames = (size_t)rate * ms / 1000;
	const char *err = NULL;
	int16_t *pcm;
	size_t n, skip = 400;
	double want = ch == 2 ? 12000 : 16000, a, noise = 0;
	size_t i;

	assert_int_equal(wav_to_audio(b->b, b->n, 0, &pcm, &n, &err), 0);
	/* exactly as long as the input, to the nearest output sample */
	assert_int_equal(n, (frames * AUDIO_RATE + rate / 2) / rate);

	/* away from the edges, the signal is a 1 kHz sine of the mean
	   amplitude, in phase, and little else */
	a = amp_at(pcm + skip, n - 2 * skip, 1000, AUDIO_RATE);
	assert_true(fabs(a - want) < want * 0.02);
	assert_true(amp_at(pcm + skip, n - 2 * skip, 3000, AUDIO_RATE) <
		    want * 0.01);
	for (i = skip; i < n - skip; i++) {
		double ref = want * sin(2 * M_PI * 1000 * i / AUDIO_RATE);
		noise += (pcm[i] - ref) * (pcm[i] - ref);
	}
	noise = sqrt(noise / (n - 2 * skip));
	if (20 * log10(want / M_SQRT2 / (noise + 1e-9)) < min_snr_db)
		fail_msg("SNR %.1f dB < %.1f dB", 20 * log10(want / M_SQRT2 /
			 noise), min_snr_db);
	free(pcm);
}

static void test_encodings_rates(void **state)
{
	static const unsigned rates[] = {8000, 11025, 16000, 22050, 32000,
		44100, 48000};
	static struct buf b;
	size_t r;
	unsigned ch;
	(void)state;

	if (!alaw_tab[0xd5])
		test_g711_reference(NULL);
	for (r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		for (ch = 1; ch <= 2; ch++) {
			sine_file(&b, 1, 16, ch, rates[r], 0, 500);
			check_sine(&b, ch, rates[r], 500, 60);
			sine_file(&b, 1, 16, ch, rates[r], 1, 500);
			check_sine(&b, ch, rates[r], 500, 60);
			sine_file(&b, 1, 8, ch, rates[r], 0, 500);
			check_sine(&b, ch, rates[r], 500, 30);
			sine_file(&b, 6, 8, ch, rates[r], 0, 500);
			check_sine(&b, ch, rates[r], 500, 30);
			sine_file(&b, 7, 8, ch, rates[r], 1, 500);
			check_sine(&b, ch, rates[r], 500, 30);
		}
	}
}

/* ------------------------------------------------------------------ */

static size_t load(const char *path, uint8_t **data)
{
	FILE *f = fopen(path, "rb");
	long sz;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	rewind(f);
	*data = malloc((size_t)sz);
	assert_int_equal(fread(*data, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	return (size_t)sz;
}

static unsigned check_dir(const char *dir)
{
	struct dirent *de;
	unsigned count = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512];
		uint8_t *data;
		struct wav_info wi;
		const char *err = NULL;
		int16_t *pcm;
		size_t len, n;

		if (!strstr(de->d_name, ".wav"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = load(path, &data);
		if (wav_to_audio(data, len, 0, &pcm, &n, &err))
			fail_msg("%s: %s", path, err);
		assert_int_equal(wav_parse(data, len, &wi, &err), 0);
		/* 8 kHz files double in length, and are not silent */
		assert_true(n / 2 - wi.frames * AUDIO_RATE / wi.rate / 2 <= 1);
		assert_true(rms(pcm, n) > 10);
		free(pcm);
		free(data);
		count++;
	}
	closedir(d);
	return count;
}

static void test_debian_files(void **state)
{
	(void)state;
	assert_true(check_dir(SOUNDS "/en_US_f_Allison/digits") > 90);
	assert_true(check_dir(SOUNDS "/fr_CA_f_June/digits") > 90);
	assert_true(check_dir(SOUNDS "/fr_CA_f_June") > 300);
	assert_int_equal(check_dir(MOH), 5);
}

/* ------------------------------------------------------------------ */

static int convert(const struct buf *b, unsigned max_s, const char **err)
{
	int16_t *pcm = NULL;
	size_t n;
	int e = wav_to_audio(b->b, b->n, max_s, &pcm, &n, err);

	free(pcm);
	return e;
}

#define REFUSED(b, code, sentence) do {                                 \
		const char *err_ = NULL;                                \
		assert_int_equal(convert((b), 0, &err_), (code));       \
		assert_non_null(err_);                                  \
		if (!strstr(err_, (sentence)))                          \
			fail_msg("got \"%s\"", err_);                   \
	} while (0)

static void pcm_file(struct buf *b, unsigned tag, unsigned ch, unsigned rate,
		     unsigned bits)
{
	static const uint8_t d[400] = {1, 2, 3};

	riff_begin(b);
	fmt_chunk(b, tag, ch, rate, bits, 0);
	chunk(b, "data", d, sizeof(d));
	riff_end(b);
}

static const struct {
	unsigned tag, ch, rate, bits;
	int code;
	const char *sentence;
} bad_fmt[] = {
	{85, 1, 8000, 0, ENOTSUP, "unsupported encoding: MP3 (format 85)"},
	{3, 1, 8000, 32, ENOTSUP, "unsupported encoding: 32-bit float (format 3)"},
	{0x1234, 1, 8000, 16, ENOTSUP, "unsupported encoding (format 4660)"},
	{1, 1, 96000, 16, ENOTSUP, "sample rate 96000 Hz is not supported"},
	{1, 1, 4000, 16, ENOTSUP, "sample rate 4000 Hz is not supported"},
	{1, 1, 0, 16, EINVAL, "sample rate is 0 Hz"},
	{1, 0, 8000, 16, EINVAL, "the file says it has no channels"},
	{1, 6, 8000, 16, ENOTSUP, "6 channels are not supported"},
	{1, 1, 8000, 24, ENOTSUP, "24-bit PCM is not supported"},
	{6, 1, 8000, 16, EINVAL, "A-law with 16 bits per sample"},
};

static void test_refused(void **state)
{
	static struct buf b;
	static const uint8_t d[400];
	size_t i;
	(void)state;

	b.n = 0;
	put(&b, "ID3\3\0\0\0\0\0\0hello mp3 file", 24);
	REFUSED(&b, EINVAL, "not a WAV file");
	b.n = 4;
	REFUSED(&b, EINVAL, "not a WAV file");

	for (i = 0; i < sizeof(bad_fmt) / sizeof(bad_fmt[0]); i++) {
		pcm_file(&b, bad_fmt[i].tag, bad_fmt[i].ch, bad_fmt[i].rate,
			 bad_fmt[i].bits);
		REFUSED(&b, bad_fmt[i].code, bad_fmt[i].sentence);
	}

	/* truncated: the transfer was cut */
	pcm_file(&b, 1, 1, 8000, 16);
	b.n -= 100;
	REFUSED(&b, EINVAL, "truncated");
	/* lying data size inside a consistent RIFF size */
	pcm_file(&b, 1, 1, 8000, 16);
	set32(b.b + 12 + 24 + 4, 100000);
	REFUSED(&b, EINVAL, "\"data\" chunk claims 100000 bytes");
	/* huge sizes */
	pcm_file(&b, 1, 1, 8000, 16);
	set32(b.b + 4, 0xffffffffu);
	REFUSED(&b, EINVAL, "truncated");
	pcm_file(&b, 1, 1, 8000, 16);
	set32(b.b + 12 + 24 + 4, 0xfffffff0u);
	REFUSED(&b, EINVAL, "truncated or damaged");
	pcm_file(&b, 1, 1, 8000, 16);
	set32(b.b + 16, 0xfffffff0u);
	REFUSED(&b, EINVAL, "\"fmt \" chunk claims");

	/* missing pieces */
	riff_begin(&b);
	chunk(&b, "data", d, sizeof(d));
	riff_end(&b);
	REFUSED(&b, EINVAL, "no format chunk");
	riff_begin(&b);
	fmt_chunk(&b, 1, 1, 8000, 16, 0);
	riff_end(&b);
	REFUSED(&b, EINVAL, "no audio data");
	riff_begin(&b);
	fmt_chunk(&b, 1, 1, 8000, 16, 0);
	chunk(&b, "data", d, 1);
	riff_end(&b);
	REFUSED(&b, EINVAL, "contains no audio");
	riff_begin(&b);
	fmt_chunk(&b, 1, 1, 8000, 16, 0);
	fmt_chunk(&b, 1, 1, 8000, 16, 0);
	chunk(&b, "data", d, sizeof(d));
	riff_end(&b);
	REFUSED(&b, EINVAL, "two format chunks");
	riff_begin(&b);
	chunk(&b, "fmt ", d, 14);
	chunk(&b, "data", d, sizeof(d));
	riff_end(&b);
	REFUSED(&b, EINVAL, "format chunk is too short");
	/* block size that disagrees with channels and bits */
	pcm_file(&b, 1, 2, 8000, 16);
	b.b[12 + 8 + 12] = 2;
	REFUSED(&b, EINVAL, "inconsistent");
}

static void test_layout_and_limits(void **state)
{
	static struct buf b;
	static uint8_t d[16000];
	const char *err = NULL;
	int16_t *pcm;
	size_t n;
	(void)state;

	/* data before fmt, an odd-sized LIST chunk with its pad byte, and a
	   trailing odd chunk whose pad was left out */
	riff_begin(&b);
	chunk(&b, "LIST", "INFOx", 5);
	chunk(&b, "data", d, sizeof(d));
	fmt_chunk(&b, 1, 1, 8000, 16, 0);
	put(&b, "junk\3\0\0\0abc", 11);
	riff_end(&b);
	assert_int_equal(wav_to_audio(b.b, b.n, 0, &pcm, &n, &err), 0);
	assert_int_equal(n, 16000);   /* 8000 samples at 8 kHz: 1 s */
	free(pcm);

	/* bytes after the RIFF end (some editors append tags) are ignored */
	b.n += 3;
	assert_int_equal(wav_to_audio(b.b, b.n, 0, &pcm, &n, &err), 0);
	free(pcm);

	/* one second of audio, limits of 1 and 0 (none) pass, below not */
	assert_int_equal(convert(&b, 1, &err), 0);
	riff_begin(&b);
	fmt_chunk(&b, 1, 1, 8000, 16, 0);
	chunk(&b, "data", d, sizeof(d));
	chunk(&b, "data", d, 0);
	riff_end(&b);
	REFUSED(&b, EINVAL, "two audio data chunks");
	riff_begin(&b);
	fmt_chunk(&b, 1, 1, 8000, 8, 0);
	chunk(&b, "data", d, sizeof(d));
	riff_end(&b);
	assert_int_equal(convert(&b, 2, &err), 0);
	assert_int_equal(convert(&b, 1, &err), EFBIG);
	assert_string_equal(err, "the recording is longer than 1 second");
}

static void test_header(void **state)
{
	static struct buf b;
	uint8_t d[3200];
	struct wav_info wi;
	const char *err;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7);
	wav_header(b.b, 16000, 2, sizeof(d));
	b.n = 44;
	put(&b, d, sizeof(d));
	assert_int_equal(wav_parse(b.b, b.n, &wi, &err), 0);
	assert_int_equal(wi.rate, 16000);
	assert_int_equal(wi.channels, 2);
	assert_int_equal(wi.enc, WAV_PCM16);
	assert_int_equal(wi.frames, sizeof(d) / 4);
	assert_memory_equal(wi.data, d, sizeof(d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_g711_reference),
		cmocka_unit_test(test_encodings_rates),
		cmocka_unit_test(test_debian_files),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_layout_and_limits),
		cmocka_unit_test(test_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
