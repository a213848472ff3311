/**
 * @file policy.c  The tenant's allowed and blocked outside prefixes.
 *
 * Lists stay comma-separated text as the store keeps them; walking them
 * is cheaper than parsing them into arrays for each check, and a check
 * happens once per forward set or per forwarded call.
 */
#include <stdio.h>
#include <string.h>
#include "features/policy.h"

bool features_e164_ok(const char *s)
{
	size_t n;

	if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	n = strlen(s + 1);
	return n >= 7 && n <= 15 && strspn(s + 1, "0123456789") == n;
}

/* the longest entry of csv that number starts with: its length (0:
   none), copied to best */
static size_t longest_match(const char *csv, const char *number,
			    char *best, size_t bestsz)
{
	size_t found = 0;

	while (csv && *csv) {
		size_t len = strcspn(csv, ",");

		if (len > found && !strncmp(number, csv, len)) {
			found = len;
			snprintf(best, bestsz, "%.*s", (int)len, csv);
		}
		csv += len;
		if (*csv == ',')
			csv++;
	}
	return found;
}

enum features_dest features_destination_check(
	const struct store_tenant_features *tenant, const char *number,
	char *why, size_t whysz)
{
	char allowed[20] = "", blocked[20] = "", none[1];
	size_t al, bl;

	if (!why) {
		why = none;
		whysz = sizeof(none);
	}
	if (!features_e164_ok(number)) {
		snprintf(why, whysz, "not an E.164 number (+ then 7 to 15 "
			 "digits)");
		return FEATURES_DEST_NOT_E164;
	}
	if (!tenant || !tenant->forward_external) {
		snprintf(why, whysz, "the tenant does not allow forwarding to "
			 "outside numbers");
		return FEATURES_DEST_NO_EXTERNAL;
	}
	al = longest_match(tenant->allowed_prefixes, number, allowed,
			   sizeof(allowed));
	bl = longest_match(tenant->blocked_prefixes, number, blocked,
			   sizeof(blocked));
	if (bl && bl >= al) {
		snprintf(why, whysz, "%s is in a blocked range (%s: premium "
			 "rate or similar)", number, blocked);
		return FEATURES_DEST_BLOCKED;
	}
	if (tenant->allowed_prefixes[0] && !al) {
		snprintf(why, whysz, "%s is outside the tenant's allowed "
			 "destinations", number);
		return FEATURES_DEST_NOT_ALLOWED;
	}
	snprintf(why, whysz, "allowed");
	return FEATURES_DEST_OK;
}

bool features_destination_allowed(const struct store_tenant_features *tenant,
				  const char *number)
{
	return features_destination_check(tenant, number, NULL, 0) ==
	       FEATURES_DEST_OK;
}

bool features_prefix_list_ok(const char *csv, char *bad, size_t badsz)
{
	size_t count = 0;

	if (!csv)
		return false;
	while (*csv) {
		size_t len = strcspn(csv, ",");

		if (len < 2 || len > 16 || csv[0] != '+' ||
		    strspn(csv + 1, "0123456789") < len - 1 ||
		    ++count > FEATURES_PREFIX_MAX) {
			if (bad)
				snprintf(bad, badsz, "%.*s", (int)(len > 20 ? 20
					 : len), csv);
			return false;
		}
		csv += len;
		if (*csv == ',' && !*++csv) {
			if (bad)
				snprintf(bad, badsz, "(empty)");
			return false;
		}
	}
	return true;
}
