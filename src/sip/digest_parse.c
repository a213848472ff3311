/**
 * @file digest_parse.c  Parser for digest credentials.
 *
 * Grammar (RFC 7616 / RFC 3261 25.1, simplified to what servers need):
 *   credentials = "Digest" LWS param *( "," param )
 *   param       = token LWS "=" LWS ( token / quoted-string )
 * A parameter given twice, an unterminated quote, or a missing required
 * parameter makes the whole header invalid (EBADMSG).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "sip/digest_parse.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_tokc(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-.!%*_+`'~/:@[]?&=$;", c);
}

static struct pl *slot(struct digest_cred *c, const struct pl *name)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
		{"username", offsetof(struct digest_cred, username)},
		{"realm", offsetof(struct digest_cred, realm)},
		{"nonce", offsetof(struct digest_cred, nonce)},
		{"uri", offsetof(struct digest_cred, uri)},
		{"response", offsetof(struct digest_cred, response)},
		{"algorithm", offsetof(struct digest_cred, algorithm)},
		{"cnonce", offsetof(struct digest_cred, cnonce)},
		{"nc", offsetof(struct digest_cred, nc)},
		{"qop", offsetof(struct digest_cred, qop)},
		{"opaque", offsetof(struct digest_cred, opaque)},
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (!pl_strcasecmp(name, map[i].name))
			return (struct pl *)(void *)((char *)c + map[i].off);
	}
	return NULL;
}

int digest_cred_parse(struct digest_cred *c, const struct pl *hval)
{
	const char *p, *end;

	if (!c || !hval || !hval->p)
		return EINVAL;
	memset(c, 0, sizeof(*c));
	p = hval->p;
	end = hval->p + hval->l;

	while (p < end && is_ws(*p))
		p++;
	if ((size_t)(end - p) < 7 || strncasecmp(p, "Digest", 6) ||
	    !is_ws(p[6]))
		return EBADMSG;
	p += 6;

	for (;;) {
		struct pl name, val;
		struct pl *dst;

		while (p < end && is_ws(*p))
			p++;
		name.p = p;
		while (p < end && is_tokc(*p) && *p != '=')
			p++;
		name.l = (size_t)(p - name.p);
		if (!name.l)
			return EBADMSG;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != '=')
			return EBADMSG;
		p++;
		while (p < end && is_ws(*p))
			p++;
		if (p < end && *p == '"') {
			p++;
			val.p = p;
			while (p < end && *p != '"') {
				if (*p == '\\') {
					if (p + 1 >= end)
						return EBADMSG;
					p++;
				}
				p++;
			}
			if (p >= end)
				return EBADMSG;
			val.l = (size_t)(p - val.p);
			p++;
		}
		else {
			val.p = p;
			while (p < end && is_tokc(*p))
				p++;
			val.l = (size_t)(p - val.p);
			if (!val.l)
				return EBADMSG;
		}

		dst = slot(c, &name);
		if (dst) {
			if (dst->p)
				return EBADMSG;  /* given twice */
			*dst = val;  /* p set even when empty: "present" */
		}

		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			break;
		if (*p != ',')
			return EBADMSG;
		p++;
	}

	if (!c->username.p || !c->realm.p || !c->nonce.p || !c->uri.p ||
	    !c->response.p)
		return EBADMSG;
	/* with qop, the nonce count and client nonce are mandatory */
	if (c->qop.p && (!c->nc.l || !c->cnonce.l))
		return EBADMSG;
	return 0;
}
