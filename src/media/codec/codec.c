/**
 * @file codec.c  What SDP says about each codec we can transcode, and a
 * reader of fmtp parameters.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "media/codec/priv.h"

struct codec_desc {
	const char *name;     /**< encoding name as SDP writes it */
	uint32_t clock;       /**< RTP clock (Hz) */
	unsigned channels;    /**< rtpmap channels */
	int pt;               /**< static payload type, -1 if dynamic */
	uint32_t frame_ts;    /**< RTP clock units per 20 ms */
};

/* G.722 samples at 16 kHz but RFC 3551 fixed its RTP clock at 8000 by
   mistake, and every implementation keeps the mistake: 20 ms is 160
   timestamp units and 320 samples. */
static const struct codec_desc descs[] = {
	[CODEC_PCMU] = {"PCMU", 8000, 1, 0, 160},
	[CODEC_PCMA] = {"PCMA", 8000, 1, 8, 160},
	[CODEC_G722] = {"G722", 8000, 1, 9, 160},
	[CODEC_OPUS] = {"opus", 48000, 2, -1, 960},
};

static const struct codec_desc *desc(enum codec_id id)
{
	if (id <= CODEC_NONE || id > CODEC_OPUS)
		return NULL;
	return &descs[id];
}

enum codec_id codec_by_name(const char *encoding, uint32_t clock,
			    unsigned channels)
{
	if (!encoding)
		return CODEC_NONE;
	if (!channels)
		channels = 1;
	for (int id = CODEC_PCMU; id <= CODEC_OPUS; id++) {
		const struct codec_desc *c = &descs[id];

		if (strcasecmp(encoding, c->name) || clock != c->clock)
			continue;
		/* opus/48000 without "/2" is wrong but harmless: the
		   decoder takes mono or stereo packets alike */
		if (channels == c->channels ||
		    (id == CODEC_OPUS && channels == 1))
			return (enum codec_id)id;
	}
	return CODEC_NONE;
}

const char *codec_name(enum codec_id id)
{
	const struct codec_desc *c = desc(id);

	return c ? c->name : NULL;
}

uint32_t codec_rtp_clock(enum codec_id id)
{
	const struct codec_desc *c = desc(id);

	return c ? c->clock : 0;
}

unsigned codec_channels(enum codec_id id)
{
	const struct codec_desc *c = desc(id);

	return c ? c->channels : 0;
}

int codec_static_pt(enum codec_id id)
{
	const struct codec_desc *c = desc(id);

	return c ? c->pt : -1;
}

uint32_t codec_frame_ts(enum codec_id id)
{
	const struct codec_desc *c = desc(id);

	return c ? c->frame_ts : 0;
}

bool codec_fmtp_int(const char *fmtp, const char *key, long *val)
{
	size_t klen = strlen(key);
	const char *p = fmtp;

	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (!strncasecmp(p, key, klen)) {
			const char *v = p + klen;

			while (*v == ' ')
				v++;
			if (*v == '=') {
				v++;
				while (*v == ' ')
					v++;
				if (!isdigit((unsigned char)*v))
					return false;
				*val = strtol(v, NULL, 10);
				return true;
			}
		}
		p = strchr(p, ';');
	}
	return false;
}
