/**
 * @file test_dsp_mixer.c  The conference mixer: each party hears exactly
 * the others, sums saturate instead of wrapping, and mute, deaf and the
 * talks-to masks (listen, whisper, barge) route voices as a supervisor
 * expects.
 */
#include <errno.h>
#include <string.h>
#include "media/dsp/mixer.h"
#include "support.h"

static int16_t in[MIXER_MAX][AUDIO_FRAME];
static int16_t out[MIXER_MAX][AUDIO_FRAME];

/* Each party's voice is a constant (DC) level, unique per party, so an
   output's value says exactly who was heard: party i speaks 1 << i. */
static void voices(void)
{
	for (int i = 0; i < MIXER_MAX; i++)
		for (int s = 0; s < AUDIO_FRAME; s++)
			in[i][s] = (int16_t)(i < 14 ? 1 << i : 0);
}

static int heard(int party)
{
	for (int s = 1; s < AUDIO_FRAME; s++)
		assert_int_equal(out[party][s], out[party][0]);
	return out[party][0];
}

static void mix(struct mixer *m, int parties, uint32_t silent)
{
	const int16_t *ip[MIXER_MAX] = {0};
	int16_t *op[MIXER_MAX] = {0};

	for (int i = 0; i < parties; i++) {
		ip[i] = (silent >> i & 1) ? NULL : in[i];
		op[i] = out[i];
		memset(out[i], 0x55, sizeof(out[i]));   /* poison */
	}
	mixer_mix(m, ip, op);
}

static void test_three_parties(void **state)
{
	struct mixer m;
	(void)state;

	mixer_init(&m);
	voices();
	for (int i = 0; i < 3; i++)
		assert_int_equal(mixer_join(&m), i);
	mix(&m, 3, 0);
	assert_int_equal(heard(0), 2 | 4);
	assert_int_equal(heard(1), 1 | 4);
	assert_int_equal(heard(2), 1 | 2);

	/* party 1 sends nothing this tick: the others do not hear it */
	mix(&m, 3, 1u << 1);
	assert_int_equal(heard(0), 4);
	assert_int_equal(heard(1), 1 | 4);
	assert_int_equal(heard(2), 1);

	/* a party that leaves is heard no more; its slot is reused */
	mixer_leave(&m, 0);
	mix(&m, 3, 0);
	assert_int_equal(heard(1), 4);
	assert_int_equal(heard(2), 2);
	assert_int_equal(mixer_join(&m), 0);
}

static void test_full_and_real_audio(void **state)
{
	struct mixer m;
	(void)state;

	mixer_init(&m);
	for (int i = 0; i < MIXER_MAX; i++)
		assert_true(mixer_join(&m) >= 0);
	assert_int_equal(mixer_join(&m), -1);

	/* 20 parties, each a different waveform: every output equals the
	   sum of the other 19 computed the slow way */
	for (int i = 0; i < MIXER_MAX; i++)
		for (int s = 0; s < AUDIO_FRAME; s++)
			in[i][s] = (int16_t)(((s * (i + 3) + i * 77) % 401) -
					     200);
	mix(&m, MIXER_MAX, 0);
	for (int l = 0; l < MIXER_MAX; l++)
		for (int s = 0; s < AUDIO_FRAME; s++) {
			int32_t want = 0;

			for (int j = 0; j < MIXER_MAX; j++)
				if (j != l)
					want += in[j][s];
			assert_int_equal(out[l][s], want);
		}
}

static void test_saturation(void **state)
{
	struct mixer m;
	(void)state;

	mixer_init(&m);
	for (int i = 0; i < 4; i++)
		mixer_join(&m);
	for (int s = 0; s < AUDIO_FRAME; s++) {
		in[0][s] = in[1][s] = in[2][s] = s & 1 ? 30000 : -30000;
		in[3][s] = 0;
	}
	mix(&m, 4, 0);
	/* 90000 and -90000 would wrap in int16 to 24464 and -24464 */
	for (int s = 0; s < AUDIO_FRAME; s++) {
		assert_int_equal(out[3][s], s & 1 ? 32767 : -32768);
		assert_int_equal(out[0][s], s & 1 ? 32767 : -32768);
	}
	in[0][0] = 32767;
	in[1][0] = 32767;
	in[2][0] = -32768;
	mix(&m, 4, 0);
	assert_int_equal(out[3][0], 32766);
	assert_int_equal(out[2][0], 32767);
}

/* Agent 0, customer 1, supervisor 2. */
static void test_masks(void **state)
{
	struct mixer m;
	(void)state;

	mixer_init(&m);
	voices();
	for (int i = 0; i < 3; i++)
		mixer_join(&m);

	/* listen: the supervisor hears both, nobody hears the supervisor */
	assert_int_equal(mixer_set_talks_to(&m, 2, 0), 0);
	mix(&m, 3, 0);
	assert_int_equal(heard(0), 2);
	assert_int_equal(heard(1), 1);
	assert_int_equal(heard(2), 1 | 2);

	/* whisper: only the agent hears the supervisor */
	mixer_set_talks_to(&m, 2, 1u << 0);
	mix(&m, 3, 0);
	assert_int_equal(heard(0), 2 | 4);
	assert_int_equal(heard(1), 1);
	assert_int_equal(heard(2), 1 | 2);

	/* barge: everyone hears everyone */
	mixer_set_talks_to(&m, 2, MIXER_ALL);
	mix(&m, 3, 0);
	assert_int_equal(heard(0), 2 | 4);
	assert_int_equal(heard(1), 1 | 4);
	assert_int_equal(heard(2), 1 | 2);

	/* mute the customer: nobody hears it; it still hears */
	assert_int_equal(mixer_set_muted(&m, 1, true), 0);
	mix(&m, 3, 0);
	assert_int_equal(heard(0), 4);
	assert_int_equal(heard(1), 1 | 4);
	assert_int_equal(heard(2), 1);
	mixer_set_muted(&m, 1, false);

	/* deaf agent: silence out, still heard by the others */
	assert_int_equal(mixer_set_deaf(&m, 0, true), 0);
	mix(&m, 3, 0);
	assert_int_equal(heard(0), 0);
	assert_int_equal(heard(1), 1 | 4);
	assert_int_equal(heard(2), 1 | 2);

	/* bad slots */
	assert_int_equal(mixer_set_deaf(&m, 5, true), EINVAL);
	assert_int_equal(mixer_set_muted(&m, -1, true), EINVAL);
	assert_int_equal(mixer_set_talks_to(&m, MIXER_MAX, 0), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_parties),
		cmocka_unit_test(test_full_and_real_audio),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_masks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
