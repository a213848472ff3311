/**
 * @file e164.h  Dialled numbers to E.164, by the caller's country.
 *
 * A phone dials what people dial locally: "0145671234" in Paris,
 * "5145551234" or "011 33 1 45 67 12 34" in Montreal, "+44..." anywhere.
 * Routing, DIDs and carriers speak E.164 ("+33145671234"), so every number
 * is rewritten once, here, from the rules of the country of the caller's
 * site: its country code, its national (trunk) prefix and its
 * international prefix.
 */
#ifndef CENTREX_PBX_E164_H
#define CENTREX_PBX_E164_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Normalise `dialled` for a caller in `country` (ISO 3166-1 alpha-2, may
 * be "" or unknown: then only the "+" form is understood).  Spaces, dots,
 * dashes and brackets are ignored.  0: out holds "+<digits>";
 * EINVAL: not a telephone number in that country (e.g. an extension);
 * ENOSPC: out too small.
 */
int e164_normalise(const char *country, const char *dialled, char *out,
		   size_t size);

/* "+" then 8 to 15 digits, the first not 0 */
bool e164_valid(const char *s);

/* country calling code of a country ("33" for FR), NULL when unknown */
const char *e164_country_code(const char *country);

#endif
