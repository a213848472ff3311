/**
 * @file say.c  Composing spoken numbers from recorded words.
 *
 * English: "one hundred fifteen", "twenty one", "one thousand".
 * French:  "cent quinze", "vingt et un", "mille" (no "un" before mille,
 * but "un million"), 70-79 and 90-99 built on soixante and quatre-vingt
 * with dix..dix-neuf, "et" before un and onze up to 71 but not in 81, 91.
 *
 * Ordinals replace the last word by its recorded ordinal ("digits/h-N"):
 * twenty-first = 20 + h-1, soixante et onzième = 60 + et + h-11.  The
 * French set's h-1 is "premier", which cannot end a compound (21st is
 * "vingt et unième"): those are said as the cardinal.
 */
#include <string.h>
#include "media/prompt/say.h"

/* one sequence being built; `full` sticks once max is exceeded */
struct seq {
	const char **out;
	size_t max, n;
	bool full;
};

static const char *const cardinal[] = {
	"digits/0", "digits/1", "digits/2", "digits/3", "digits/4",
	"digits/5", "digits/6", "digits/7", "digits/8", "digits/9",
	"digits/10", "digits/11", "digits/12", "digits/13", "digits/14",
	"digits/15", "digits/16", "digits/17", "digits/18", "digits/19",
	"digits/20",
};
static const char *const tens[] = {
	NULL, NULL, "digits/20", "digits/30", "digits/40", "digits/50",
	"digits/60", "digits/70", "digits/80", "digits/90",
};
static const char *const ordinal[] = {
	NULL, "digits/h-1", "digits/h-2", "digits/h-3", "digits/h-4",
	"digits/h-5", "digits/h-6", "digits/h-7", "digits/h-8", "digits/h-9",
	"digits/h-10", "digits/h-11", "digits/h-12", "digits/h-13",
	"digits/h-14", "digits/h-15", "digits/h-16", "digits/h-17",
	"digits/h-18", "digits/h-19", "digits/h-20",
};
static const char *const ordinal_tens[] = {
	NULL, NULL, "digits/h-20", "digits/h-30", "digits/h-40", "digits/h-50",
	"digits/h-60", "digits/h-70", "digits/h-80", "digits/h-90",
};

static const char w_hundred[] = "digits/hundred";
static const char w_thousand[] = "digits/thousand";
static const char w_million[] = "digits/million";
static const char w_minus[] = "digits/minus";
static const char w_et[] = "digits/et";

static void add(struct seq *s, const char *name)
{
	if (s->n >= s->max) {
		s->full = true;
		return;
	}
	s->out[s->n++] = name;
}

static bool is_french(const char *lang)
{
	return lang && (lang[0] == 'f' || lang[0] == 'F') &&
		(lang[1] == 'r' || lang[1] == 'R') &&
		(!lang[2] || lang[2] == '_' || lang[2] == '-');
}

/* 1..99 */
static void below_100_en(struct seq *s, unsigned n)
{
	if (n <= 20) {
		add(s, cardinal[n]);
		return;
	}
	add(s, tens[n / 10]);
	if (n % 10)
		add(s, cardinal[n % 10]);
}

static void below_100_fr(struct seq *s, unsigned n)
{
	unsigned base;

	if (n < 20) {
		add(s, cardinal[n]);
		return;
	}
	/* soixante-dix..-dix-neuf and quatre-vingt-dix..: 60 or 80 then
	   the rest (1..19) */
	base = n >= 80 ? 80 : n >= 60 ? 60 : n / 10 * 10;
	add(s, tens[base / 10]);
	n -= base;
	if (!n)
		return;
	if ((n == 1 || n == 11) && base < 80)
		add(s, w_et);
	add(s, cardinal[n]);
}

/* 1..999 */
static void below_1000(struct seq *s, bool fr, unsigned n)
{
	if (n >= 100) {
		/* "cent", not "un cent"; English says "one hundred" */
		if (!fr || n >= 200)
			add(s, cardinal[n / 100]);
		add(s, w_hundred);
		n %= 100;
	}
	if (n)
		(fr ? below_100_fr : below_100_en)(s, n);
}

static void number(struct seq *s, bool fr, long n)
{
	unsigned long v;

	if (n < 0) {
		add(s, w_minus);
		v = (unsigned long)-n;
	}
	else
		v = (unsigned long)n;
	if (!v) {
		add(s, cardinal[0]);
		return;
	}
	if (v >= 1000000) {
		below_1000(s, fr, (unsigned)(v / 1000000));
		add(s, w_million);
		v %= 1000000;
	}
	if (v >= 1000) {
		/* "mille", never "un mille" */
		if (!fr || v / 1000 > 1)
			below_1000(s, fr, (unsigned)(v / 1000));
		add(s, w_thousand);
		v %= 1000;
	}
	if (v)
		below_1000(s, fr, (unsigned)v);
}

static size_t finish(struct seq *s)
{
	return s->full ? 0 : s->n;
}

size_t say_number(const char *lang, long n, enum say_gender g,
		  const char **out, size_t max)
{
	struct seq s = {out, max, 0, false};
	(void)g;     /* no feminine "une" recorded: see the header */

	if (!out || n > SAY_NUMBER_MAX || n < -SAY_NUMBER_MAX)
		return 0;
	number(&s, is_french(lang), n);
	return finish(&s);
}

/* the ordinal file of a cardinal word, or NULL */
static const char *ordinal_of(const char *word)
{
	size_t i;

	for (i = 1; i <= 20; i++) {
		if (word == cardinal[i])
			return ordinal[i];
	}
	for (i = 2; i < 10; i++) {
		if (word == tens[i])
			return ordinal_tens[i];
	}
	if (word == w_hundred)
		return "digits/h-hundred";
	if (word == w_thousand)
		return "digits/h-thousand";
	if (word == w_million)
		return "digits/h-million";
	return NULL;
}

size_t say_ordinal(const char *lang, long n, enum say_gender g,
		   const char **out, size_t max)
{
	struct seq s = {out, max, 0, false};
	bool fr = is_french(lang);
	const char *last;
	(void)g;

	if (!out || n < 1 || n > SAY_NUMBER_MAX)
		return 0;
	number(&s, fr, n);
	if (s.full)
		return 0;
	last = out[s.n - 1];
	/* "premier" only alone: "vingt et unième" is not recorded */
	if (fr && last == cardinal[1] && s.n > 1)
		return s.n;
	out[s.n - 1] = ordinal_of(last);
	return s.n;
}

size_t say_duration(const char *lang, unsigned seconds, bool approx,
		    const char **out, size_t max)
{
	struct seq s = {out, max, 0, false};
	bool fr = is_french(lang);
	unsigned m = seconds / 60, r = seconds % 60;

	if (!out)
		return 0;
	if (approx) {
		if (seconds < 60) {
			add(&s, "queue-less-than");
			add(&s, cardinal[1]);
			add(&s, "minute");
			return finish(&s);
		}
		m = (seconds + 30) / 60;
		r = 0;
	}
	if (m) {
		number(&s, fr, m);
		add(&s, m == 1 ? "minute" : "minutes");
	}
	if (r || !m) {
		number(&s, fr, r);
		add(&s, r == 1 ? "second" : "seconds");
	}
	return finish(&s);
}

size_t say_digits(const char *lang, const char *digits, const char **out,
		  size_t max)
{
	struct seq s = {out, max, 0, false};
	const char *c;
	(void)lang;  /* both sets name their digits alike */

	if (!out || !digits)
		return 0;
	for (c = digits; *c; c++) {
		if (*c >= '0' && *c <= '9')
			add(&s, cardinal[*c - '0']);
		else if (*c == '*')
			add(&s, "digits/star");
		else if (*c == '#')
			add(&s, "digits/pound");
		else if (!strchr(" -.", *c))
			return 0;
	}
	return finish(&s);
}
