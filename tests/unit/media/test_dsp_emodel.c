/**
 * @file test_dsp_emodel.c  E-model MOS moves the way a listener's opinion
 * does: a clean G.711 leg is about 4.4, loss and long delay lower it, and
 * a codec without concealment suffers more from the same loss.
 */
#include <errno.h>
#include "media/dsp/emodel.h"
#include "support.h"

static struct emodel_result est(enum emodel_codec c, double loss,
				double burst, double rtt, double jb)
{
	struct emodel_leg leg = {c, loss, burst, rtt, jb};
	struct emodel_result r;

	emodel_estimate(&leg, &r);
	return r;
}

static void test_clean_g711(void **state)
{
	struct emodel_result r = est(EMODEL_G711, 0, 1, 40, 0);
	(void)state;

	assert_true(r.mos > 4.35 && r.mos < 4.45);
	assert_true(r.r > 92 && r.r <= 93.2);
	assert_true(r.delay_ms >= 40 && r.delay_ms < 50);
}

static void test_loss_and_delay(void **state)
{
	struct emodel_result clean = est(EMODEL_G711, 0, 1, 40, 0);
	struct emodel_result lossy = est(EMODEL_G711, 5, 1, 40, 0);
	struct emodel_result bursty = est(EMODEL_G711, 5, 2, 40, 0);
	struct emodel_result noplc = est(EMODEL_G711_NOPLC, 5, 1, 40, 0);
	struct emodel_result far = est(EMODEL_G711, 0, 1, 700, 50);
	struct emodel_result worst = est(EMODEL_G711, 100, 1, 4000, 0);
	(void)state;

	/* 5 % random loss: clearly worse ("some users dissatisfied") */
	assert_true(lossy.mos < clean.mos - 0.3);
	assert_true(lossy.mos > 3.5);
	/* bursts hurt more than the same loss spread out */
	assert_true(bursty.mos < lossy.mos);
	/* without concealment much worse again */
	assert_true(noplc.mos < lossy.mos - 0.8);
	/* 400 ms one way: lower, though no loss */
	assert_true(far.delay_ms >= 400);
	assert_true(far.mos < clean.mos - 0.5);
	/* the scale ends at 1 */
	assert_true(worst.mos >= 1.0 && worst.mos < 1.1);
}

static void test_codecs(void **state)
{
	enum emodel_codec c = EMODEL_G729;
	(void)state;

	assert_int_equal(emodel_codec_by_name("pcmu", &c), 0);
	assert_int_equal(c, EMODEL_G711);
	assert_int_equal(emodel_codec_by_name("PCMA", &c), 0);
	assert_int_equal(c, EMODEL_G711);
	assert_int_equal(emodel_codec_by_name("G722", &c), 0);
	assert_int_equal(c, EMODEL_G722);
	assert_int_equal(emodel_codec_by_name("opus", &c), 0);
	assert_int_equal(c, EMODEL_OPUS);
	assert_int_equal(emodel_codec_by_name("speex", &c), ENOENT);
	assert_int_equal(emodel_codec_by_name(NULL, &c), ENOENT);
	assert_int_equal(c, EMODEL_OPUS);

	/* G.729 starts lower than G.711 (Ie 11) */
	assert_true(est(EMODEL_G729, 0, 1, 40, 0).mos <
		    est(EMODEL_G711, 0, 1, 40, 0).mos - 0.2);
	/* garbage in stays in range */
	assert_true(est(EMODEL_OPUS, -3, -1, -5, -5).mos <= 4.5);
	assert_true(est(EMODEL_OPUS, 300, 0, 0, 0).mos >= 1.0);
	assert_true(emodel_mos(120) == 4.5 && emodel_mos(-4) == 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_g711),
		cmocka_unit_test(test_loss_and_delay),
		cmocka_unit_test(test_codecs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
