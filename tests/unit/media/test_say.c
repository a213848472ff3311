/**
 * @file test_say.c  Spoken numbers as the recorded words a caller hears,
 * in English and French, and every word one of the installed files.
 */
#include <stdio.h>
#include <string.h>
#include "media/prompt/prompt.h"
#include "media/prompt/say.h"
#include "support.h"

/* "digits/60 digits/et digits/11" is written "60 et 11" below */
static const char *joined(const char **v, size_t n)
{
	static char buf[512];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *w = strncmp(v[i], "digits/", 7) ? v[i] : v[i] + 7;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? " " : "", w);
	}
	return buf;
}

#define SAYS(call, want) do {                                           \
		const char *v_[SAY_MAX];                                \
		size_t n_ = call;                                       \
		assert_true(n_ > 0);                                    \
		assert_string_equal(joined(v_, n_), (want));            \
	} while (0)

#define NUM(lang, n, want) \
	SAYS(say_number(lang, n, SAY_MASCULINE, v_, SAY_MAX), want)
#define ORD(lang, n, want) \
	SAYS(say_ordinal(lang, n, SAY_MASCULINE, v_, SAY_MAX), want)

struct said {
	const char *lang;
	long n;
	const char *want;
};

static const struct said numbers[] = {
	{"en", 0, "0"},
	{"en", 7, "7"},
	{"en", 19, "19"},
	{"en", 20, "20"},
	{"en", 21, "20 1"},
	{"en", 71, "70 1"},
	{"en", 80, "80"},
	{"en", 99, "90 9"},
	{"en", 100, "1 hundred"},
	{"en", 115, "1 hundred 15"},
	{"en", 342, "3 hundred 40 2"},
	{"en", 1000, "1 thousand"},
	{"en", 1001, "1 thousand 1"},
	{"en", 2019, "2 thousand 19"},
	{"en", 100000, "1 hundred thousand"},
	{"en", 1000000, "1 million"},
	{"en", 7000042, "7 million 40 2"},
	{"en", -5, "minus 5"},
	{"en_US", 999999999, "9 hundred 90 9 million 9 hundred 90 9 thousand "
	 "9 hundred 90 9"},
	/* French */
	{"fr", 0, "0"},
	{"fr", 16, "16"},
	{"fr", 17, "17"},
	{"fr", 21, "20 et 1"},
	{"fr", 22, "20 2"},
	{"fr", 31, "30 et 1"},
	{"fr", 61, "60 et 1"},
	{"fr", 70, "60 10"},
	{"fr", 71, "60 et 11"},  /* soixante et onze */
	{"fr", 72, "60 12"},
	{"fr", 79, "60 19"},
	{"fr", 80, "80"},
	{"fr", 81, "80 1"},  /* quatre-vingt-un: no "et" */
	{"fr", 90, "80 10"},
	{"fr", 91, "80 11"},
	{"fr", 99, "80 19"},
	{"fr", 100, "hundred"},  /* cent */
	{"fr", 101, "hundred 1"},
	{"fr", 200, "2 hundred"},
	{"fr", 371, "3 hundred 60 et 11"},
	{"fr", 1000, "thousand"},  /* mille */
	{"fr", 1021, "thousand 20 et 1"},
	{"fr", 2000, "2 thousand"},
	{"fr", 101000, "hundred 1 thousand"},
	{"fr", 1000000, "1 million"},  /* un million */
	{"fr", 3001080, "3 million thousand 80"},
	{"fr_CA", -91, "minus 80 11"},
};

static void test_numbers(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		NUM(numbers[i].lang, numbers[i].n, numbers[i].want);
}

static void test_ordinals(void **state)
{
	static const char *const en[] = {NULL, "h-1", "h-2", "h-3", "h-4",
		"h-5", "h-6", "h-7", "h-8", "h-9", "h-10", "h-11", "h-12",
		"h-13", "h-14", "h-15", "h-16", "h-17", "h-18", "h-19", "h-20",
		"20 h-1"};
	long i;
	(void)state;

	for (i = 1; i <= 20; i++) {
		ORD("en", i, en[i]);
		ORD("fr", i, en[i]);    /* premier, deuxième... vingtième */
	}
	ORD("en", 21, "20 h-1");
	ORD("fr", 21, "20 et 1");      /* no "unième": the cardinal */
	ORD("en", 3, "h-3");           /* you are the third */
	ORD("fr", 3, "h-3");           /* vous êtes le troisième */
	ORD("en", 22, "20 h-2");
	ORD("fr", 22, "20 h-2");
	ORD("fr", 71, "60 et h-11");
	ORD("fr", 80, "h-80");
	ORD("fr", 90, "80 h-10");
	ORD("en", 100, "1 h-hundred");
	ORD("fr", 100, "h-hundred");
	ORD("en", 1000, "1 h-thousand");
	ORD("fr", 1000, "h-thousand");
	ORD("en", 2000000, "2 h-million");
	ORD("en", 115, "1 hundred h-15");
	{
		const char *v[SAY_MAX];
		assert_int_equal(say_ordinal("en", 0, SAY_MASCULINE, v,
					     SAY_MAX), 0);
	}
}

static void test_durations_digits(void **state)
{
	const char *v[SAY_MAX];
	(void)state;

	SAYS(say_duration("en", 0, true, v_, SAY_MAX),
	     "queue-less-than 1 minute");
	SAYS(say_duration("fr", 59, true, v_, SAY_MAX),
	     "queue-less-than 1 minute");
	SAYS(say_duration("en", 60, true, v_, SAY_MAX), "1 minute");
	SAYS(say_duration("en", 89, true, v_, SAY_MAX), "1 minute");
	SAYS(say_duration("en", 90, true, v_, SAY_MAX), "2 minutes");
	SAYS(say_duration("en", 200, true, v_, SAY_MAX), "3 minutes");
	SAYS(say_duration("fr", 4275, true, v_, SAY_MAX), "60 et 11 minutes");
	SAYS(say_duration("en", 0, false, v_, SAY_MAX), "0 seconds");
	SAYS(say_duration("en", 1, false, v_, SAY_MAX), "1 second");
	SAYS(say_duration("en", 125, false, v_, SAY_MAX),
	     "2 minutes 5 seconds");
	SAYS(say_duration("fr", 61, false, v_, SAY_MAX),
	     "1 minute 1 second");
	SAYS(say_duration("fr", 180, false, v_, SAY_MAX), "3 minutes");

	SAYS(say_digits("fr", "0612", v_, SAY_MAX), "0 6 1 2");
	SAYS(say_digits("en", "*72#", v_, SAY_MAX), "star 7 2 pound");
	SAYS(say_digits("en", "06 12-34.5", v_, SAY_MAX), "0 6 1 2 3 4 5");
	assert_int_equal(say_digits("en", "12a", v, SAY_MAX), 0);
	/* never a partial sequence */
	assert_int_equal(say_digits("en", "123", v, 2), 0);
	assert_int_equal(say_number("en", 115, SAY_MASCULINE, v, 2), 0);
	assert_int_equal(say_number("en", 1000000000, SAY_MASCULINE, v,
				    SAY_MAX), 0);
	assert_int_equal(say_number("en", -1000000000, SAY_MASCULINE, v,
				    SAY_MAX), 0);
}

/* every word said is a file of the installed set of that language; the
   English words are in the French set too */
static void check_files(struct prompt_lib *lib, const char *lang,
			const char **v, size_t n)
{
	size_t i;

	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		if (!prompt_exists(lib, lang, v[i]))
			fail_msg("%s: %s missing", lang, v[i]);
		if (!strcmp(lang, "en") && !prompt_exists(lib, "fr", v[i]))
			fail_msg("fr: %s missing", v[i]);
	}
}

static void test_files_exist(void **state)
{
	static const char *const langs[] = {"en", "fr"};
	struct prompt_conf cf = {0};
	struct prompt_lib *lib;
	const char *v[SAY_MAX];
	size_t l;
	long i;
	(void)state;

	assert_int_equal(prompt_lib_alloc(&lib, &cf), 0);
	for (l = 0; l < 2; l++) {
		const char *lg = langs[l];

		for (i = -1100; i <= 2100; i++)
			check_files(lib, lg, v, say_number(lg, i,
				    SAY_FEMININE, v, SAY_MAX));
		for (i = 1; i < 999999999; i = i * 7 + 13)
			check_files(lib, lg, v, say_number(lg, i,
				    SAY_MASCULINE, v, SAY_MAX));
		for (i = 1; i <= 2100; i++)
			check_files(lib, lg, v, say_ordinal(lg, i,
				    SAY_MASCULINE, v, SAY_MAX));
		for (i = 0; i <= 7200; i += 7) {
			check_files(lib, lg, v, say_duration(lg, (unsigned)i,
				    true, v, SAY_MAX));
			check_files(lib, lg, v, say_duration(lg, (unsigned)i,
				    false, v, SAY_MAX));
		}
		check_files(lib, lg, v, say_digits(lg, "0123456789*#", v,
						   SAY_MAX));
	}
	prompt_lib_free(lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_ordinals),
		cmocka_unit_test(test_durations_digits),
		cmocka_unit_test(test_files_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
