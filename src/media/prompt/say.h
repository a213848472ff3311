/**
 * @file say.h  Numbers, ordinals, durations and digit strings as prompt
 * names of the recorded sets (English and French).
 *
 * The result is a sequence of names for prompt_get(), e.g. 71 in French
 * is "digits/60" "digits/et" "digits/11" (soixante et onze).  Every name
 * produced exists in both the en and fr sets shipped by Debian; where a
 * word was not recorded the nearest sensible composition is used (see
 * docs/prompts.md): the sets hold only masculine "un" and "premier", so
 * the feminine asks for the same files, and French ordinals ending in
 * "et unième" (21st, 31st...) are said as the cardinal number.
 *
 * Each function fills out[0..max) with static strings and returns how
 * many; 0 means out of range, bad input or max too small (nothing
 * partial is ever returned).  Any language other than French is English.
 */
#ifndef CENTREX_MEDIA_PROMPT_SAY_H
#define CENTREX_MEDIA_PROMPT_SAY_H

#include <stdbool.h>
#include <stddef.h>

enum say_gender { SAY_MASCULINE, SAY_FEMININE };

enum {
	SAY_MAX = 32,              /**< enough for any call below */
	SAY_NUMBER_MAX = 999999999,
};

/* -999,999,999 .. 999,999,999 ("digits/minus" first when negative) */
size_t say_number(const char *lang, long n, enum say_gender g,
		  const char **out, size_t max);
/* 1 .. 999,999,999: "the third", "le troisième" (the article is the
   caller's prompt) */
size_t say_ordinal(const char *lang, long n, enum say_gender g,
		   const char **out, size_t max);
/* approx: "less than one minute" below 60 s, else the minutes rounded to
   the nearest (90 s is two minutes).  Exact: minutes and seconds. */
size_t say_duration(const char *lang, unsigned seconds, bool approx,
		    const char **out, size_t max);
/* one name per digit; '*' star, '#' pound; spaces, '-' and '.' skipped;
   anything else: 0 */
size_t say_digits(const char *lang, const char *digits,
		  const char **out, size_t max);

#endif
