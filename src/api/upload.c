/**
 * @file upload.c  WAV bodies of uploads (upload.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "media/audio.h"
#include "media/prompt/wav.h"
#include "api/json.h"
#include "api/router.h"
#include "api/upload.h"

/* what an upload may be labelled as: the type alone, or with
   parameters after ';' or a space */
static bool is_wav_type(const char *ct)
{
	static const char *const names[] = {"audio/wav", "audio/x-wav",
					    "audio/wave", "audio/vnd.wave"};
	size_t n;

	if (!ct)
		return false;
	n = strcspn(ct, "; ");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (n == strlen(names[i]) && !strncasecmp(ct, names[i], n))
			return true;
	}
	return false;
}

bool api_wav_request_ok(const struct api_req *req, struct api_resp *resp)
{
	if (req->body_too_large) {
		api_problem(resp, 413, "body", "the file is larger than %d MB",
			    API_PROMPT_MAX_BYTES / (1024 * 1024));
		return false;
	}
	if (!is_wav_type(api_req_header(req, "Content-Type"))) {
		api_problem(resp, 415, "Content-Type", "Content-Type must be "
			    "audio/wav (the file itself as the body)");
		return false;
	}
	return true;
}

int api_wav_convert(const struct api_req *req, int max_s, uint8_t **wavp,
		    size_t *lenp, int64_t *duration_ms, const char **why)
{
	int16_t *pcm = NULL;
	size_t n = 0;
	uint8_t *w;
	int err;

	*why = NULL;
	err = wav_to_audio((const uint8_t *)req->body, req->body_len, max_s,
			   &pcm, &n, why);
	if (!err && !n)
		err = ENODATA;
	if (err) {
		free(pcm);
		return err;
	}
	w = malloc(44 + 2 * n);
	if (!w) {
		free(pcm);
		return ENOMEM;
	}
	/* little-endian on disk, whatever this machine is */
	wav_header(w, AUDIO_RATE, 1, (uint32_t)(2 * n));
	for (size_t i = 0; i < n; i++) {
		uint16_t s = (uint16_t)pcm[i];
		w[44 + 2 * i] = (uint8_t)s;
		w[45 + 2 * i] = (uint8_t)(s >> 8);
	}
	free(pcm);
	*wavp = w;
	*lenp = 44 + 2 * n;
	*duration_ms = (int64_t)n * 1000 / AUDIO_RATE;
	return 0;
}
