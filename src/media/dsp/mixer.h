/**
 * @file mixer.h  Conference mixer: up to 20 parties, on the media tick.
 *
 * Each tick every party may bring a 20 ms input frame (or none, if it sent
 * nothing) and gets an output frame: the sum of what the others said to
 * it, summed in 32 bits and saturated to int16 (never wrapped).
 *
 * Who hears whom: a party that is muted says nothing to anybody; one that
 * is deaf gets silence; otherwise its talks_to mask (bit i = party i) says
 * whom it speaks to.  A supervisor listens with talks_to 0, whispers to an
 * agent with only the agent's bit, barges in with MIXER_ALL.
 *
 * Cost: the voices that speak to everyone are summed once into a shared
 * total (one add per sample and talker); each listener then gets that
 * total minus its own voice (one subtract per sample) plus the voices that
 * speak only to some (one add per sample for each such voice that reaches
 * it), and one clamp.  With N parties all talking to all this is about
 * 2N + 2 operations per sample per tick instead of N^2: 20 parties cost
 * some 13,000 integer operations per 20 ms.  Nothing is allocated; the
 * mixer is one flat struct of about 1.4 KB.
 */
#ifndef CENTREX_MEDIA_DSP_MIXER_H
#define CENTREX_MEDIA_DSP_MIXER_H

#include <stdbool.h>
#include <stdint.h>
#include "media/audio.h"

enum { MIXER_MAX = 20 };

#define MIXER_ALL ((1u << MIXER_MAX) - 1)   /**< talks to everyone */

struct mixer_party {
	bool in_use;
	bool muted;         /**< talks to nobody */
	bool deaf;          /**< hears nobody */
	uint32_t talks_to;  /**< bit i: party i hears this one */
};

struct mixer {
	struct mixer_party p[MIXER_MAX];
	int32_t total[AUDIO_FRAME];   /**< scratch: voices heard by all */
};

/** Empty the mixer. */
void mixer_init(struct mixer *m);

/** Add a party that talks to everyone and hears everyone.
 *  @return its slot (0..MIXER_MAX-1), or -1 if the mixer is full. */
int mixer_join(struct mixer *m);

/** Remove party @p slot; its slot may be given to the next party. */
void mixer_leave(struct mixer *m, int slot);

/** @return 0, or EINVAL for a slot that is not in use. */
int mixer_set_muted(struct mixer *m, int slot, bool muted);
int mixer_set_deaf(struct mixer *m, int slot, bool deaf);
int mixer_set_talks_to(struct mixer *m, int slot, uint32_t mask);

/**
 * Mix one tick.  @p in[i] is party i's frame or NULL (it sent nothing);
 * @p out[i] receives what party i hears, or is NULL to skip it.  Slots
 * not in use are ignored on both sides.  An output may not alias an
 * input.
 */
void mixer_mix(struct mixer *m, const int16_t *const in[MIXER_MAX],
	       int16_t *const out[MIXER_MAX]);

#endif
