/**
 * @file wav.c  RIFF/WAVE parsing and decoding to the engine's format.
 *
 * The parser walks the chunks inside the RIFF size, keeps the first "fmt "
 * and "data" chunks and ignores the rest (LIST, fact, cue...).  Every size
 * is checked against what is left of the buffer before it is used, so a
 * lying header can neither make us read past the end nor allocate for
 * audio that is not there: the decoded size is bounded by the input size.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "media/audio.h"
#include "media/prompt/wav.h"

enum {
	FMT_PCM = 1,
	FMT_ALAW = 6,
	FMT_ULAW = 7,
	FMT_EXTENSIBLE = 0xfffe,
	RATE_MIN = 8000,
	RATE_MAX = 48000,
};

/* The tail shared by every KSDATAFORMAT_SUBTYPE_* GUID after the 16-bit
   format tag: 0000-0010-8000-00aa00389b71. */
static const uint8_t guid_tail[14] = {
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
	0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

/* Formats customers actually send, named so the error helps them. */
static const struct {
	unsigned tag;
	const char *name;
} fmt_names[] = {
	{0x0002, "Microsoft ADPCM"},
	{0x0003, "32-bit float"},
	{0x0011, "IMA ADPCM"},
	{0x0022, "TrueSpeech"},
	{0x0031, "GSM 6.10"},
	{0x0040, "G.721 ADPCM"},
	{0x0050, "MPEG"},
	{0x0055, "MP3"},
	{0x0064, "G.726 ADPCM"},
	{0x0065, "G.722 ADPCM"},
	{0x0161, "Windows Media Audio"},
	{0x1610, "AAC"},
	{0x704f, "Opus"},
	{0xf1ac, "FLAC"},
};

/* Room for sentences that carry a number; one per thread so that two
   threads decoding at once do not overwrite each other's message. */
static _Thread_local char errbuf[128];

static int fail(const char **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const char **err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	*err = errbuf;
	return code;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static int unsupported_tag(unsigned tag, const char **err)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++) {
		if (fmt_names[i].tag == tag)
			return fail(err, ENOTSUP,
				    "unsupported encoding: %s (format %u)",
				    fmt_names[i].name, tag);
	}
	return fail(err, ENOTSUP, "unsupported encoding (format %u); use "
		    "PCM, A-law or mu-law", tag);
}

/* The "fmt " chunk: encoding, channels, rate, and the checks that tie
   them together. */
static int parse_fmt(const uint8_t *p, uint32_t size, struct wav_info *wi,
		     const char **err)
{
	unsigned tag, bits, align;

	if (size < 16)
		return fail(err, EINVAL, "the WAV format chunk is too short");
	tag = le16(p);
	wi->channels = le16(p + 2);
	wi->rate = le32(p + 4);
	align = le16(p + 12);
	bits = le16(p + 14);

	if (tag == FMT_EXTENSIBLE) {
		if (size < 40 || le16(p + 16) < 22)
			return fail(err, EINVAL, "the WAV format chunk is too "
				    "short for WAVE_FORMAT_EXTENSIBLE");
		if (memcmp(p + 26, guid_tail, sizeof(guid_tail)))
			return fail(err, ENOTSUP, "unsupported encoding "
				    "(unknown WAVE_FORMAT_EXTENSIBLE subformat)");
		tag = le16(p + 24);
	}

	switch (tag) {
	case FMT_PCM:
		if (bits != 8 && bits != 16)
			return fail(err, ENOTSUP, "%u-bit PCM is not supported "
				    "(8 or 16 bits only)", bits);
		wi->enc = bits == 8 ? WAV_PCM8 : WAV_PCM16;
		break;
	case FMT_ALAW:
	case FMT_ULAW:
		if (bits != 8)
			return fail(err, EINVAL, "%s with %u bits per sample "
				    "is not valid", tag == FMT_ALAW ? "A-law" :
				    "mu-law", bits);
		wi->enc = tag == FMT_ALAW ? WAV_ALAW : WAV_ULAW;
		break;
	default:
		return unsupported_tag(tag, err);
	}

	if (wi->channels == 0)
		return fail(err, EINVAL, "the file says it has no channels");
	if (wi->channels > 2)
		return fail(err, ENOTSUP, "%u channels are not supported: use "
			    "mono or stereo (stereo is converted to mono)",
			    wi->channels);
	if (wi->rate == 0)
		return fail(err, EINVAL, "the file says its sample rate is "
			    "0 Hz");
	if (wi->rate < RATE_MIN || wi->rate > RATE_MAX)
		return fail(err, ENOTSUP, "sample rate %u Hz is not supported "
			    "(%u to %u Hz)", wi->rate, RATE_MIN, RATE_MAX);
	wi->block = wi->channels * (bits / 8);
	if (align != wi->block)
		return fail(err, EINVAL, "the WAV format chunk is inconsistent "
			    "(block size %u for %u channels of %u bits)",
			    align, wi->channels, bits);
	return 0;
}

int wav_parse(const uint8_t *buf, size_t len, struct wav_info *wi,
	      const char **err)
{
	const uint8_t *fmt = NULL, *data = NULL;
	uint32_t fmt_size = 0, data_size = 0;
	size_t end, off;
	int e;

	if (!buf || !wi || !err)
		return EINVAL;
	memset(wi, 0, sizeof(*wi));

	if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4))
		return fail(err, EINVAL, "not a WAV file");
	/* the RIFF size counts from byte 8; trailing bytes beyond it are
	   ignored, a size beyond the buffer means a cut file */
	end = (size_t)le32(buf + 4) + 8;
	if (end > len)
		return fail(err, EINVAL, "the file is truncated (the header "
			    "announces %zu bytes, %zu were received)", end, len);

	for (off = 12; off < end; ) {
		uint32_t size;

		if (end - off < 8)
			return fail(err, EINVAL, "the file is damaged (a chunk "
				    "header is cut)");
		size = le32(buf + off + 4);
		if (size > end - off - 8)
			return fail(err, EINVAL, "the file is truncated or "
				    "damaged (the \"%.4s\" chunk claims %u bytes, "
				    "%zu remain)", (const char *)buf + off,
				    size, end - off - 8);
		if (!memcmp(buf + off, "fmt ", 4)) {
			if (fmt)
				return fail(err, EINVAL, "the file has two "
					    "format chunks");
			fmt = buf + off + 8;
			fmt_size = size;
		}
		else if (!memcmp(buf + off, "data", 4)) {
			if (data)
				return fail(err, EINVAL, "the file has two "
					    "audio data chunks");
			data = buf + off + 8;
			data_size = size;
		}
		/* odd chunks carry a pad byte; a last chunk whose pad was
		   left out is common and harmless */
		off += 8 + (size_t)size + (size & 1);
	}

	if (!fmt)
		return fail(err, EINVAL, "the WAV file has no format chunk");
	if (!data)
		return fail(err, EINVAL, "the WAV file has no audio data");
	e = parse_fmt(fmt, fmt_size, wi, err);
	if (e)
		return e;
	wi->data = data;
	wi->frames = data_size / wi->block;
	if (!wi->frames)
		return fail(err, EINVAL, "the WAV file contains no audio");
	return 0;
}

/* G.711 expansions (ITU-T G.711 tables written out as arithmetic). */
static int16_t alaw_linear(uint8_t a)
{
	int seg, v;

	a ^= 0x55;
	seg = (a >> 4) & 7;
	v = (a & 0x0f) << 4 | 8;
	if (seg)
		v = (v | 0x100) << (seg - 1);
	return (int16_t)((a & 0x80) ? v : -v);
}

static int16_t ulaw_linear(uint8_t u)
{
	int seg, v;

	u = (uint8_t)~u;
	seg = (u >> 4) & 7;
	v = (((u & 0x0f) << 3) + 0x84) << seg;
	v -= 0x84;
	return (int16_t)((u & 0x80) ? -v : v);
}

static int16_t sample(const struct wav_info *wi, const uint8_t *p)
{
	switch (wi->enc) {
	case WAV_PCM8:  return (int16_t)((p[0] - 128) * 256);
	case WAV_PCM16: return (int16_t)le16(p);
	case WAV_ALAW:  return alaw_linear(p[0]);
	case WAV_ULAW:  return ulaw_linear(p[0]);
	}
	return 0;
}

int wav_to_audio(const uint8_t *buf, size_t len, unsigned max_seconds,
		 int16_t **pcm, size_t *n, const char **err)
{
	struct wav_info wi;
	unsigned bps;
	int16_t *mono;
	size_t i;
	int e;

	if (!pcm || !n || !err)
		return EINVAL;
	e = wav_parse(buf, len, &wi, err);
	if (e)
		return e;
	if (max_seconds && wi.frames > (size_t)max_seconds * wi.rate)
		return fail(err, EFBIG, "the recording is longer than %u "
			    "second%s", max_seconds, max_seconds > 1 ? "s" : "");

	mono = malloc(wi.frames * sizeof(*mono));
	if (!mono) {
		*err = "out of memory";
		return ENOMEM;
	}
	bps = wi.block / wi.channels;
	for (i = 0; i < wi.frames; i++) {
		const uint8_t *p = wi.data + i * wi.block;
		int s = sample(&wi, p);

		if (wi.channels == 2)
			s = (s + sample(&wi, p + bps)) / 2;
		mono[i] = (int16_t)s;
	}

	e = wav_resample(mono, wi.frames, wi.rate, AUDIO_RATE, pcm, n);
	free(mono);
	if (e) {
		*err = "out of memory";
		return e;
	}
	return 0;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

void wav_header(uint8_t hdr[44], unsigned rate, unsigned channels,
		uint32_t data_bytes)
{
	memcpy(hdr, "RIFF", 4);
	put32(hdr + 4, data_bytes > UINT32_MAX - 36 ? UINT32_MAX :
	      data_bytes + 36);
	memcpy(hdr + 8, "WAVEfmt ", 8);
	put32(hdr + 16, 16);
	put16(hdr + 20, FMT_PCM);
	put16(hdr + 22, channels);
	put32(hdr + 24, rate);
	put32(hdr + 28, rate * channels * 2);
	put16(hdr + 32, channels * 2);
	put16(hdr + 34, 16);
	memcpy(hdr + 36, "data", 4);
	put32(hdr + 40, data_bytes);
}
