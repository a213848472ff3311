/**
 * @file upload.h  Audio uploaded as a WAV body (prompts, greetings):
 * the checks of the request and the conversion to the engine's format.
 */
#ifndef CENTREX_API_UPLOAD_H
#define CENTREX_API_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/api.h"

/* the body is within API_PROMPT_MAX_BYTES (else 413) and labelled as a
   WAV file (else 415); false once the problem is written */
bool api_wav_request_ok(const struct api_req *req, struct api_resp *resp);

/* The body decoded (at most max_s seconds) and laid out as a 16 kHz
 * mono PCM16 WAV file: *wavp (malloc'd) of *lenp bytes.  0, ENOMEM,
 * ENODATA when the file holds no audio, or wav_to_audio()'s error with
 * *why (may be NULL) saying what is wrong with the file.  The caller
 * answers the problem: prompts and greetings use different codes. */
int api_wav_convert(const struct api_req *req, int max_s, uint8_t **wavp,
		    size_t *lenp, int64_t *duration_ms, const char **why);

#endif
