/**
 * @file mixer.c  Conference mixing with a shared total (see mixer.h).
 *
 * A voice is "broadcast" when it reaches every other party in use: it goes
 * into the shared total, and its owner takes it back out of its own
 * output.  A voice that reaches only some ("partial": whisper) is added to
 * each of those listeners' outputs one by one.  Muted parties and parties
 * without input contribute nothing.
 */
#include <errno.h>
#include <string.h>
#include "media/dsp/mixer.h"
#include "media/dsp/osc.h"

void mixer_init(struct mixer *m)
{
	memset(m, 0, sizeof(*m));
}

int mixer_join(struct mixer *m)
{
	for (int i = 0; i < MIXER_MAX; i++) {
		if (m->p[i].in_use)
			continue;
		m->p[i] = (struct mixer_party){.in_use = true,
					       .talks_to = MIXER_ALL};
		return i;
	}
	return -1;
}

static struct mixer_party *party(struct mixer *m, int slot)
{
	if (slot < 0 || slot >= MIXER_MAX || !m->p[slot].in_use)
		return NULL;
	return &m->p[slot];
}

void mixer_leave(struct mixer *m, int slot)
{
	struct mixer_party *p = party(m, slot);

	if (p)
		memset(p, 0, sizeof(*p));
}

/* The setters: EINVAL for a slot not in use. */
int mixer_set_muted(struct mixer *m, int slot, bool muted)
{
	struct mixer_party *p = party(m, slot);

	return p ? (p->muted = muted, 0) : EINVAL;
}

int mixer_set_deaf(struct mixer *m, int slot, bool deaf)
{
	struct mixer_party *p = party(m, slot);

	return p ? (p->deaf = deaf, 0) : EINVAL;
}

int mixer_set_talks_to(struct mixer *m, int slot, uint32_t mask)
{
	struct mixer_party *p = party(m, slot);

	return p ? (p->talks_to = mask & MIXER_ALL, 0) : EINVAL;
}

void mixer_mix(struct mixer *m, const int16_t *const in[MIXER_MAX],
	       int16_t *const out[MIXER_MAX])
{
	uint32_t used = 0, bcast = 0, partial = 0;
	int32_t *t = m->total;

	for (int i = 0; i < MIXER_MAX; i++)
		if (m->p[i].in_use)
			used |= 1u << i;

	/* sort the voices: broadcast, partial, or silent */
	for (int i = 0; i < MIXER_MAX; i++) {
		uint32_t others = used & ~(1u << i);
		uint32_t to;

		if (!(used >> i & 1) || m->p[i].muted || !in[i])
			continue;
		to = m->p[i].talks_to & others;
		if (to == others)
			bcast |= 1u << i;
		else if (to)
			partial |= 1u << i;
	}

	memset(t, 0, sizeof(m->total));
	for (int i = 0; i < MIXER_MAX; i++) {
		const int16_t *x = in[i];

		if (!(bcast >> i & 1))
			continue;
		for (unsigned s = 0; s < AUDIO_FRAME; s++)
			t[s] += x[s];
	}

	for (int l = 0; l < MIXER_MAX; l++) {
		int16_t *y = out[l];
		const int16_t *own = (bcast >> l & 1) ? in[l] : NULL;
		uint32_t extra = 0;

		if (!y || !(used >> l & 1))
			continue;
		if (m->p[l].deaf) {
			memset(y, 0, AUDIO_FRAME * sizeof(*y));
			continue;
		}
		for (int j = 0; j < MIXER_MAX; j++)
			if ((partial >> j & 1) && j != l &&
			    (m->p[j].talks_to >> l & 1))
				extra |= 1u << j;

		for (unsigned s = 0; s < AUDIO_FRAME; s++) {
			int32_t v = t[s];

			if (own)
				v -= own[s];
			for (uint32_t e = extra; e; e &= e - 1)
				v += in[__builtin_ctz(e)][s];
			y[s] = dsp_sat16(v);
		}
	}
}
