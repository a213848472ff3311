/**
 * @file tts.h  Text to speech when no recorded prompt says it.
 *
 * Speech is rendered by espeak-ng on a worker thread, so the signalling
 * thread never waits for it; the result comes back on the signalling
 * thread (through a libre mqueue) as a prompt.  Each (language, text) is
 * rendered once: the audio is kept in <data_dir>/tts/<hash>.wav, already
 * in the engine format, and in the prompt cache, so a second request is
 * a cache hit, even after a restart.
 *
 * All calls on the signalling thread, which must run libre's main loop.
 */
#ifndef CENTREX_MEDIA_PROMPT_TTS_H
#define CENTREX_MEDIA_PROMPT_TTS_H

#include <stddef.h>
#include "media/prompt/prompt.h"

enum {
	TTS_TEXT_MAX = 500,        /**< bytes of text per request */
};

struct prompt_tts_req;

/* Called once on the signalling thread, never from inside prompt_tts().
   err 0: p is the speech (borrowed: prompt_ref() it to keep it).  Else
   p is NULL.  The request handle is gone when this returns. */
typedef void (prompt_tts_h)(int err, struct prompt *p, void *arg);

/* Asks for `text` spoken in `lang` ("fr", "en"; "fr_CA" and "fr-FR" mean
   "fr": espeak-ng's voice for the language is used).  text:
   1 to TTS_TEXT_MAX bytes, no control characters.  *reqp (may be NULL)
   is a handle for prompt_tts_cancel().  0; EINVAL (bad text or language,
   or no data_dir in the library's conf); ENOMEM.  A language espeak-ng
   does not know is reported through done_cb. */
int  prompt_tts(struct prompt_lib *lib, const char *lang, const char *text,
		prompt_tts_h *done_cb, void *arg,
		struct prompt_tts_req **reqp);

/* The requester goes away: done_cb will not be called.  The rendering
   itself goes on if it has started (its result is cached for next
   time).  Only before done_cb has run. */
void prompt_tts_cancel(struct prompt_tts_req *req);

#endif
