/**
 * @file e164.c  Dialled numbers to E.164, by the caller's country.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "pbx/e164.h"

struct country_rule {
	const char *iso;
	const char *cc;           /**< country calling code */
	const char *trunk;        /**< national prefix, "" = none */
	const char *intl;         /**< international prefix */
	unsigned nsn_min, nsn_max;/**< national significant number length */
	bool keep_trunk;          /**< the 0 is part of the number (Italy) */
};

/*
 * Countries whose sites we know how to dial from.  North America shares
 * one plan (+1, trunk prefix 1, international prefix 011, ten digits).
 */
static const struct country_rule rules[] = {
	{"FR", "33", "0", "00", 9, 9, false},
	{"GB", "44", "0", "00", 9, 10, false},
	{"DE", "49", "0", "00", 5, 13, false},
	{"BE", "32", "0", "00", 8, 9, false},
	{"CH", "41", "0", "00", 9, 9, false},
	{"NL", "31", "0", "00", 9, 9, false},
	{"LU", "352", "", "00", 4, 11, false},
	{"AT", "43", "0", "00", 4, 13, false},
	{"IE", "353", "0", "00", 7, 9, false},
	{"ES", "34", "", "00", 9, 9, false},
	{"PT", "351", "", "00", 9, 9, false},
	{"IT", "39", "", "00", 6, 11, true},
	{"US", "1", "1", "011", 10, 10, false},
	{"CA", "1", "1", "011", 10, 10, false},
};

static const struct country_rule *rule_for(const char *iso)
{
	if (!iso || !iso[0])
		return NULL;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (!strcasecmp(rules[i].iso, iso))
			return &rules[i];
	}
	return NULL;
}

const char *e164_country_code(const char *country)
{
	const struct country_rule *r = rule_for(country);
	return r ? r->cc : NULL;
}

bool e164_valid(const char *s)
{
	size_t n;

	if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	n = strlen(s + 1);
	if (n < 8 || n > 15)
		return false;
	return strspn(s + 1, "0123456789") == n;
}

static bool starts(const char *s, const char *prefix)
{
	return prefix[0] && !strncmp(s, prefix, strlen(prefix));
}

static int emit(char *out, size_t size, const char *cc, const char *nsn)
{
	size_t need = 1 + strlen(cc) + strlen(nsn) + 1;

	if (need > size)
		return ENOSPC;
	out[0] = '+';
	strcpy(out + 1, cc);
	strcat(out, nsn);
	return e164_valid(out) ? 0 : EINVAL;
}

int e164_normalise(const char *country, const char *dialled, char *out,
		   size_t size)
{
	const struct country_rule *r = rule_for(country);
	char d[40];
	size_t n = 0;
	bool plus = false;

	if (!dialled || !out || !size)
		return EINVAL;

	for (const char *p = dialled; *p; p++) {
		if (*p == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (*p == ' ' || *p == '.' || *p == '-' || *p == '(' ||
		    *p == ')')
			continue;
		if (*p < '0' || *p > '9' || n + 1 >= sizeof(d))
			return EINVAL;
		d[n++] = *p;
	}
	d[n] = '\0';
	if (!n)
		return EINVAL;

	if (plus)
		return emit(out, size, "", d);
	if (!r)
		return EINVAL;

	if (starts(d, r->intl))
		return emit(out, size, "", d + strlen(r->intl));

	if (r->trunk[0] && starts(d, r->trunk)) {
		const char *nsn = d + strlen(r->trunk);
		size_t l = strlen(nsn);
		if (l >= r->nsn_min && l <= r->nsn_max)
			return emit(out, size, r->cc, nsn);
		return EINVAL;
	}

	/* no prefix: a full national number where the plan allows it */
	if (!r->trunk[0] || !strcmp(r->cc, "1")) {
		if (n >= r->nsn_min && n <= r->nsn_max &&
		    (!r->keep_trunk || d[0] == '0' || d[0] == '3'))
			return emit(out, size, r->cc, d);
	}
	return EINVAL;
}
