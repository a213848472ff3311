/**
 * @file res_trunks.c  /api/v1/tenants/{tenant_id}/trunks: carrier links.
 *
 * Two kinds.  A "register" trunk is an account at a carrier: we register
 * to its proxy with a user name and password, and answer its challenges
 * on outgoing calls.  An "ip" trunk is trusted by address: calls from
 * inbound_addrs are the carrier's, and ours go to its proxy.
 *
 * The password is kept as given (we must answer digest challenges with
 * it) but never leaves through the API: no representation holds it, and
 * the audit log shows "(changed)" when it was set.  Every change is
 * passed on to the call layer at once (live_trunks_changed), which
 * re-registers and reloads addresses and channel limits.
 *
 * A trunk that a route still names cannot be deleted: 409 names the
 * route, so the admin knows what to change first.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/store.h"
#include "api/audit.h"
#include "api/ctx.h"
#include "api/handlers.h"
#include "api/json.h"
#include "api/resource.h"
#include "api/live.h"

enum { MAX_INBOUND = 16 };

static const struct str_rule name_rule = {1, 63, NULL};
static const struct str_rule kind_rule = {1, 11, NULL};
static const struct str_rule proxy_rule = {1, 255, NULL};
static const struct str_rule transport_rule = {1, 7, NULL};
/* what a digest user name may hold without quoting trouble */
static const struct str_rule user_rule = {0, 63,
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	"-_.!~*'()&=+$,;?/@%#"};
static const struct str_rule password_rule = {0, 127, NULL};
static const struct str_rule domain_rule = {0, 255, NULL};

static const char *const fields[] = {"name", "kind", "proxy", "transport",
	"username", "password", "from_domain", "inbound_addrs",
	"max_channels", "register_expires", "enabled", NULL};

/* "a,b,c" as a JSON array */
static json_t *addr_list(const char *csv)
{
	json_t *a = json_array();
	const char *p = csv;

	while (*p) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

/* the representation: everything but the password */
static json_t *trunk_json(const void *obj)
{
	const struct store_trunk *t = obj;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, "
			      "s:b}", "id", (json_int_t)t->id, "name", t->name,
			      "kind", t->kind, "proxy", t->proxy,
			      "transport", t->transport,
			      "username", t->username,
			      "from_domain", t->from_domain,
			      "max_channels", t->max_channels,
			      "register_expires", t->register_expires,
			      "enabled", t->enabled);
	if (o)
		json_object_set_new(o, "inbound_addrs",
				    addr_list(t->inbound_addrs));
	return o;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and
   hyphens, no label starting or ending with a hyphen; a last label of
   digits only is no name (it would be a mistyped IPv4 address) */
static bool hostname_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (!n || n > 253)
		return false;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '.')
			j++;
		if (j == i || j - i > 63 || s[i] == '-' || s[j - 1] == '-')
			return false;
		for (size_t k = i; k < j; k++) {
			if (!isalnum((unsigned char)s[k]) && s[k] != '-')
				return false;
		}
		if (j == n && all_digits(s + i, j - i))
			return false;
		i = j + 1;
		if (j + 1 == n)
			return false;    /* a trailing dot */
	}
	return true;
}

/* a host name, an IPv4 address, or (with brackets) an IPv6 address */
static bool host_ok(const char *s, size_t n, bool brackets)
{
	char buf[256];
	unsigned char a[16];

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (brackets && buf[0] == '[') {
		if (n < 3 || buf[n - 1] != ']')
			return false;
		buf[n - 1] = '\0';
		return inet_pton(AF_INET6, buf + 1, a) == 1;
	}
	if (inet_pton(AF_INET, buf, a) == 1)
		return true;
	return hostname_ok(buf, n);
}

/* "host", "host:port", "[v6]" or "[v6]:port" */
static bool proxy_ok(const char *s)
{
	const char *colon;
	size_t hn;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end)
			return false;
		hn = (size_t)(end - s) + 1;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return false;
	}
	else {
		colon = strchr(s, ':');
		hn = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (!host_ok(s, hn, true))
		return false;
	if (colon) {
		size_t pn = strlen(colon + 1);
		if (pn > 5 || !all_digits(colon + 1, pn))
			return false;
		long port = strtol(colon + 1, NULL, 10);
		if (port < 1 || port > 65535)
			return false;
	}
	return true;
}

/*
 * One inbound address: an IPv4 or IPv6 address, alone or as a CIDR
 * block.  Written back in canonical form (inet_ntop) into out.  A block
 * with bits set below its prefix is refused rather than silently
 * widened: the admin probably mistyped either the address or the length.
 */
static bool cidr_parse(const char *s, char *out, size_t outsz, char *why,
		       size_t whysz)
{
	char addr[64], text[INET6_ADDRSTRLEN];
	unsigned char a[16];
	const char *slash = strchr(s, '/');
	size_t an = slash ? (size_t)(slash - s) : strlen(s);
	int af, bits, len = -1;

	if (!an || an >= sizeof(addr)) {
		snprintf(why, whysz, "is not an IP address or CIDR block");
		return false;
	}
	memcpy(addr, s, an);
	addr[an] = '\0';
	af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	bits = af == AF_INET6 ? 128 : 32;
	if (inet_pton(af, addr, a) != 1) {
		snprintf(why, whysz, "is not an IP address or CIDR block");
		return false;
	}
	if (slash) {
		size_t pn = strlen(slash + 1);
		if (pn > 3 || !all_digits(slash + 1, pn) ||
		    (len = atoi(slash + 1)) > bits) {
			snprintf(why, whysz, "has a bad prefix length (0 to "
				 "%d)", bits);
			return false;
		}
		for (int i = len; i < bits; i++) {
			if (a[i / 8] & (0x80 >> (i % 8))) {
				snprintf(why, whysz, "has address bits set "
					 "beyond its /%d", len);
				return false;
			}
		}
	}
	inet_ntop(af, a, text, sizeof(text));
	if (len >= 0)
		snprintf(out, outsz, "%s/%d", text, len);
	else
		snprintf(out, outsz, "%s", text);
	return true;
}

/* "inbound_addrs": ["192.0.2.0/24", "2001:db8::1"], kept comma-joined */
static bool read_addrs(json_t *o, struct store_trunk *t,
		       struct api_resp *resp)
{
	json_t *v = json_object_get(o, "inbound_addrs"), *e;
	char joined[sizeof(t->inbound_addrs)] = "";
	size_t i, used = 0;

	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v)) {
		api_problem(resp, 400, "inbound_addrs", "inbound_addrs must be "
			    "an array of IP addresses or CIDR blocks");
		return false;
	}
	if (json_array_size(v) > MAX_INBOUND) {
		api_problem(resp, 400, "inbound_addrs", "inbound_addrs holds "
			    "at most %d entries", MAX_INBOUND);
		return false;
	}
	json_array_foreach(v, i, e) {
		char field[48], one[80], why[64];
		const char *s = json_string_value(e);

		snprintf(field, sizeof(field), "inbound_addrs[%zu]", i);
		if (!json_is_string(e) || strlen(s) >= 64 ||
		    !cidr_parse(s, one, sizeof(one), why, sizeof(why))) {
			if (!json_is_string(e))
				api_problem(resp, 400, field, "%s must be a "
					    "string", field);
			else if (strlen(s) >= 64)
				api_problem(resp, 400, field, "%s is too long",
					    field);
			else
				api_problem(resp, 400, field, "%s %s", field,
					    why);
			return false;
		}
		if (used + strlen(one) + 2 > sizeof(joined)) {
			api_problem(resp, 400, "inbound_addrs", "inbound_addrs "
				    "is too long (%zu characters in all at "
				    "most)", sizeof(joined) - 1);
			return false;
		}
		used += (size_t)snprintf(joined + used, sizeof(joined) - used,
					 "%s%s", used ? "," : "", one);
	}
	memcpy(t->inbound_addrs, joined, sizeof(joined));
	return true;
}

static bool read_bool(json_t *o, const char *field, bool *dst,
		      struct api_resp *resp)
{
	json_t *v = json_object_get(o, field);

	if (!v || json_is_null(v))
		return true;
	if (!json_is_boolean(v)) {
		api_problem(resp, 400, field, "%s must be true or false",
			    field);
		return false;
	}
	*dst = json_is_true(v);
	return true;
}

/*
 * Reads what the body gives over t (all of it on create, some on
 * update), then checks the result as a whole: what a kind needs may
 * come from the body or from the stored trunk.  *pw_set: the body set a
 * password.
 */
static bool read_trunk(json_t *o, struct store_trunk *t, bool create,
		       bool *pw_set, struct api_resp *resp)
{
	*pw_set = json_is_string(json_object_get(o, "password"));
	if (!api_get_str(o, "name", create, &name_rule, t->name,
			 sizeof(t->name), resp) ||
	    !api_get_str(o, "kind", create, &kind_rule, t->kind,
			 sizeof(t->kind), resp) ||
	    !api_get_str(o, "proxy", create, &proxy_rule, t->proxy,
			 sizeof(t->proxy), resp) ||
	    !api_get_str(o, "transport", false, &transport_rule, t->transport,
			 sizeof(t->transport), resp) ||
	    !api_get_str(o, "username", false, &user_rule, t->username,
			 sizeof(t->username), resp) ||
	    !api_get_str(o, "password", false, &password_rule, t->password,
			 sizeof(t->password), resp) ||
	    !api_get_str(o, "from_domain", false, &domain_rule,
			 t->from_domain, sizeof(t->from_domain), resp) ||
	    !read_addrs(o, t, resp) ||
	    !api_get_int(o, "max_channels", false, 0, 100000,
			 &t->max_channels, resp) ||
	    !api_get_int(o, "register_expires", false, 60, 86400,
			 &t->register_expires, resp) ||
	    !read_bool(o, "enabled", &t->enabled, resp))
		return false;

	if (strcmp(t->kind, "register") && strcmp(t->kind, "ip")) {
		api_problem(resp, 400, "kind", "kind must be register or ip");
		return false;
	}
	if (strcmp(t->transport, "udp") && strcmp(t->transport, "tcp")) {
		api_problem(resp, 400, "transport", "transport must be udp or "
			    "tcp");
		return false;
	}
	if (!proxy_ok(t->proxy)) {
		api_problem(resp, 400, "proxy", "proxy must be host[:port]: a "
			    "host name, an IPv4 address or a bracketed IPv6 "
			    "address, and a port from 1 to 65535");
		return false;
	}
	if (t->from_domain[0] && !host_ok(t->from_domain,
					  strlen(t->from_domain), false)) {
		api_problem(resp, 400, "from_domain", "from_domain must be a "
			    "host name or an IPv4 address, without a port");
		return false;
	}
	if (!strcmp(t->kind, "register")) {
		if (!t->username[0]) {
			api_problem(resp, 400, "username", "a register trunk "
				    "needs a username");
			return false;
		}
		if (!t->password[0]) {
			api_problem(resp, 400, "password", "a register trunk "
				    "needs a password");
			return false;
		}
	}
	else if (!t->inbound_addrs[0]) {
		api_problem(resp, 400, "inbound_addrs", "an ip trunk needs "
			    "inbound_addrs: the addresses the carrier sends "
			    "from");
		return false;
	}
	return true;
}

API_RES_LIST_FN(trunk, struct store_trunk, store_trunk_list, trunk_json)

/* reads only: a change also minds the password (never logged) and the
   routes that use the trunk, and tells the call layer, below */
static int trunk_store(struct store *st, enum api_res_op op, int64_t tid,
		       void *obj)
{
	struct store_trunk *t = obj;

	return op == API_RES_GET ? store_trunk_get(st, tid, t->id, t) : EINVAL;
}

static const struct api_resource trunk_res = {
	.collection = "trunks",
	.size = sizeof(struct store_trunk),
	.id_off = offsetof(struct store_trunk, id),
	.to_json = trunk_json,
	.store = trunk_store,
	.list = trunk_list,
};

void trunks_list(struct api_ctx *ctx, struct api_req *req,
		 struct api_resp *resp)
{
	api_res_list(&trunk_res, ctx, req, resp);
}

/* audit, answer, and tell the call layer */
static void saved(struct api_ctx *ctx, struct api_req *req,
		  struct api_resp *resp, int64_t tid,
		  const struct store_trunk *t, json_t *before, bool pw_set)
{
	char res[48], loc[96];
	json_t *after = trunk_json(t), *logged = json_deep_copy(after);

	if (pw_set)
		json_object_set_new(logged, "password",
				    json_string("(changed)"));
	snprintf(res, sizeof(res), "trunks/%lld", (long long)t->id);
	audit_record(ctx, req, tid, before ? "update" : "create", res,
		     before, logged);
	json_decref(logged);
	live_trunks_changed(ctx, tid);
	api_json_etag(resp, before ? 200 : 201, after);
	if (!before) {
		snprintf(loc, sizeof(loc), "/api/v1/tenants/%lld/trunks/%lld",
			 (long long)tid, (long long)t->id);
		api_resp_header(resp, "Location", loc);
	}
}

void trunks_create(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct store_trunk t = {.register_expires = 600, .enabled = true};
	bool pw_set;
	json_t *o;
	int64_t tid;
	int err;

	if (!api_path_id(req, 0, &tid, resp))
		return;
	snprintf(t.transport, sizeof(t.transport), "udp");
	o = api_body(req, resp, fields);
	if (!o)
		return;
	if (!read_trunk(o, &t, true, &pw_set, resp)) {
		json_decref(o);
		return;
	}
	json_decref(o);
	err = store_trunk_create(ctx->st, tid, &t);
	memset(t.password, 0, sizeof(t.password));
	if (err == EEXIST) {
		api_problem(resp, 409, "name", "a trunk named %s already "
			    "exists", t.name);
		return;
	}
	if (err) {
		api_problem(resp, err == ENOENT ? 404 : 503, NULL,
			    "cannot create the trunk");
		return;
	}
	saved(ctx, req, resp, tid, &t, NULL, pw_set);
}

void trunks_get(struct api_ctx *ctx, struct api_req *req,
		struct api_resp *resp)
{
	api_res_get(&trunk_res, ctx, req, resp);
}

void trunks_update(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct store_trunk t;
	json_t *o, *before;
	bool pw_set;
	int64_t tid;
	int err;

	if (!api_res_load(&trunk_res, ctx, req, resp, &tid, &t))
		return;
	before = trunk_json(&t);
	if (!api_if_match(req, resp, before) ||
	    !(o = api_body(req, resp, fields))) {
		json_decref(before);
		return;
	}
	if (!read_trunk(o, &t, false, &pw_set, resp)) {
		json_decref(o);
		json_decref(before);
		return;
	}
	json_decref(o);
	err = store_trunk_update(ctx->st, tid, &t);
	memset(t.password, 0, sizeof(t.password));
	if (err) {
		json_decref(before);
		if (err == EEXIST)
			api_problem(resp, 409, "name", "a trunk named %s "
				    "already exists", t.name);
		else
			api_store_error(resp, err);
		return;
	}
	saved(ctx, req, resp, tid, &t, before, pw_set);
	json_decref(before);
}

void trunks_delete(struct api_ctx *ctx, struct api_req *req,
		   struct api_resp *resp)
{
	struct store_trunk t;
	struct store_route r;
	json_t *before;
	char res[48];
	int64_t tid;
	int err;

	if (!api_res_load(&trunk_res, ctx, req, resp, &tid, &t))
		return;
	memset(t.password, 0, sizeof(t.password));
	before = trunk_json(&t);
	if (!api_if_match(req, resp, before)) {
		json_decref(before);
		return;
	}
	err = store_route_find_trunk(ctx->st, tid, t.id, &r);
	if (!err) {
		json_decref(before);
		api_problem(resp, 409, NULL, "trunk %lld is used by route %lld "
			    "(%s): take it out of the route first",
			    (long long)t.id, (long long)r.id, r.name);
		return;
	}
	err = err == ENOENT ? store_trunk_delete(ctx->st, tid, t.id) : err;
	if (err) {
		json_decref(before);
		if (err == EEXIST)  /* a route took it meanwhile */
			api_problem(resp, 409, NULL, "trunk %lld is used by a "
				    "route: take it out of the route first",
				    (long long)t.id);
		else
			api_store_error(resp, err);
		return;
	}
	snprintf(res, sizeof(res), "trunks/%lld", (long long)t.id);
	audit_record(ctx, req, tid, "delete", res, before, NULL);
	json_decref(before);
	live_trunks_changed(ctx, tid);
	resp->status = 204;
}
