/**
 * @file url.c  Which webhook URLs we accept.
 *
 * Checked at the API, so that a tenant hears at once about a URL we
 * could never POST to, rather than finding deliveries given up later.
 * The rules follow what libre's HTTP client can reach: a lowercase
 * scheme, a host name or IPv4 address (it cannot parse an IPv6 literal
 * in brackets), an optional port, and a path; peer-controlled bytes
 * never reach the request line, so nothing but printable ASCII passes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cti/webhook.h"
#include "store/webhooks.h"

const char *webhook_url_problem(const char *url)
{
	const char *host, *p;
	size_t hostlen, n;

	if (!url || !*url)
		return "url is required";
	n = strlen(url);
	if (n > STORE_WEBHOOK_URL_MAX)
		return "url is too long (at most 511 bytes)";
	for (p = url; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "url must be printable ASCII without spaces "
			       "(percent-encode the rest)";
	}
	if (strchr(url, '#'))
		return "url must not have a fragment (#...)";
	if (!strncmp(url, "http://", 7))
		host = url + 7;
	else if (!strncmp(url, "https://", 8))
		host = url + 8;
	else
		return "url must start with http:// or https://";
	hostlen = strcspn(host, "/?");
	if (host[hostlen] == '?')
		return "url must have a path (/...) before its query";
	if (memchr(host, '@', hostlen))
		return "url must not hold a user name or password";
	if (host[0] == '[')
		return "url: IPv6 addresses in brackets are not supported; "
		       "use a host name";
	p = memchr(host, ':', hostlen);
	n = p ? (size_t)(p - host) : hostlen;
	if (!n || n > 253)
		return "url has no host";
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)host[i]) && host[i] != '.' &&
		    host[i] != '-')
			return "url: the host may hold letters, digits, dots "
			       "and dashes only";
	}
	if (p) {
		const char *port = p + 1;
		size_t plen = hostlen - n - 1;
		long v;

		if (!plen || plen > 5 || strspn(port, "0123456789") < plen)
			return "url: the port must be a number";
		v = strtol(port, NULL, 10);
		if (v < 1 || v > 65535)
			return "url: the port must be 1 to 65535";
	}
	return NULL;
}
