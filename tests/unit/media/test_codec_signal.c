/**
 * @file test_codec_signal.c  Signal measures shared by the codec and
 * jitter buffer tests (included by them, not a test of its own).
 *
 * A codec test must check what a listener would hear, so these helpers
 * measure: the least-squares fit of a sine of known frequency (its
 * amplitude, and how much of the signal is anything else: the SNR), a
 * Goertzel filter for the energy at one frequency, and RMS.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

struct sig_osc {
	double phase;    /**< radians */
};

/* n samples of a sine at f Hz, continuing from osc's phase. */
static void sig_sine(struct sig_osc *osc, int16_t *x, size_t n, double f,
		     double amp, double rate)
{
	for (size_t i = 0; i < n; i++) {
		x[i] = (int16_t)lrint(amp * sin(osc->phase));
		osc->phase += 2 * M_PI * f / rate;
		if (osc->phase > 2 * M_PI)
			osc->phase -= 2 * M_PI;
	}
}

static double sig_rms(const int16_t *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n ? sqrt(s / (double)n) : 0;
}

/* Fit a sin + b cos + c at f Hz (any phase, any offset); returns the
   sine's amplitude, and in snr_db its power over that of the residue. */
static double sig_fit(const int16_t *x, size_t n, double f, double rate,
		      double *snr_db)
{
	double m[3][3] = {{0}}, v[3] = {0}, det, a, b, c, sig = 0, res = 0;

	for (size_t i = 0; i < n; i++) {
		double w = 2 * M_PI * f * (double)i / rate;
		double e[3] = {sin(w), cos(w), 1};

		for (int r = 0; r < 3; r++) {
			for (int k = 0; k < 3; k++)
				m[r][k] += e[r] * e[k];
			v[r] += e[r] * x[i];
		}
	}
	/* Cramer's rule on the normal equations */
#define DET3(A) ((A)[0][0] * ((A)[1][1] * (A)[2][2] - (A)[1][2] * (A)[2][1]) - \
		 (A)[0][1] * ((A)[1][0] * (A)[2][2] - (A)[1][2] * (A)[2][0]) + \
		 (A)[0][2] * ((A)[1][0] * (A)[2][1] - (A)[1][1] * (A)[2][0]))
	det = DET3(m);
	{
		double t[3][3];
		double *out[3] = {&a, &b, &c};

		for (int col = 0; col < 3; col++) {
			for (int r = 0; r < 3; r++)
				for (int k = 0; k < 3; k++)
					t[r][k] = k == col ? v[r] : m[r][k];
			*out[col] = DET3(t) / det;
		}
	}
#undef DET3
	for (size_t i = 0; i < n; i++) {
		double w = 2 * M_PI * f * (double)i / rate;
		double fit = a * sin(w) + b * cos(w);
		double r = x[i] - fit - c;

		sig += fit * fit;
		res += r * r;
	}
	if (snr_db)
		*snr_db = 10 * log10((sig + 1e-9) / (res + 1e-9));
	return sqrt(a * a + b * b);
}

/* Goertzel: the amplitude of the component at f Hz. */
static inline double sig_goertzel(const int16_t *x, size_t n, double f, double rate)
{
	double k = 2 * cos(2 * M_PI * f / rate), s1 = 0, s2 = 0, p;

	for (size_t i = 0; i < n; i++) {
		double s0 = x[i] + k * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	p = s1 * s1 + s2 * s2 - k * s1 * s2;
	return 2 * sqrt(p > 0 ? p : 0) / (double)n;
}

static inline double sig_db(double ratio)
{
	return 20 * log10(ratio + 1e-12);
}
