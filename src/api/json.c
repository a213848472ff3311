/**
 * @file json.c  JSON bodies, problem+json errors, field validation.
 *
 * Every refusal names the field and the rule it broke, as
 * application/problem+json (RFC 9457): {type, title, status, detail,
 * field}.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sodium.h>
#include "core/strutil.h"
#include "api/json.h"

static const char *status_title(unsigned s)
{
	switch (s) {
	case 412: return "Precondition Failed";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default:  return "Error";
	}
}

void api_json(struct api_resp *resp, unsigned status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(body);
	free(resp->body);
	resp->status = s ? status : 500;
	resp->ctype = "application/json";
	resp->body = s;
	resp->len = s ? strlen(s) : 0;
}

void api_problem(struct api_resp *resp, unsigned status, const char *field,
		 const char *fmt, ...)
{
	char detail[512];
	json_t *o;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);

	o = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank",
		      "title", status_title(status), "status", (int)status,
		      "detail", detail);
	if (o && field)
		json_object_set_new(o, "field", json_string(field));
	api_json(resp, status, o);
	resp->ctype = "application/problem+json";
}

/* "application/json; charset=utf-8" is application/json; case-blind */
static bool media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, n))
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

json_t *api_body(const struct api_req *req, struct api_resp *resp,
		 const char *const *allowed)
{
	const char *ct = api_req_header(req, "Content-Type");
	json_error_t jerr;
	const char *key;
	json_t *o, *v;

	if (req->body_too_large) {
		api_problem(resp, 413, NULL, "request body too large");
		return NULL;
	}
	if (!media_type_is(ct, "application/json")) {
		api_problem(resp, 415, NULL, "Content-Type must be "
			    "application/json");
		return NULL;
	}
	o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
		       &jerr);
	if (!o) {
		api_problem(resp, 400, NULL, "malformed JSON at line %d "
			    "column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		api_problem(resp, 400, NULL, "the body must be a JSON object");
		return NULL;
	}
	json_object_foreach(o, key, v) {
		bool known = false;
		for (size_t i = 0; allowed && allowed[i]; i++) {
			if (!strcmp(key, allowed[i]))
				known = true;
		}
		if (!known) {
			api_problem(resp, 400, key, "unknown field '%.64s'",
				    key);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static bool printable_utf8(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

bool api_get_str(json_t *o, const char *field, bool required,
		 const struct str_rule *rule, char *dst, size_t size,
		 struct api_resp *resp)
{
	return api_get_str_as(o, field, field, required, rule, dst, size,
			      resp);
}

bool api_get_str_as(json_t *o, const char *key, const char *field,
		    bool required, const struct str_rule *rule, char *dst,
		    size_t size, struct api_resp *resp)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	size_t n;

	if (!v || json_is_null(v)) {
		if (required) {
			api_problem(resp, 400, field, "%s is required", field);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		api_problem(resp, 400, field, "%s must be a string", field);
		return false;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n != strlen(s) || !printable_utf8(s)) {
		api_problem(resp, 400, field, "%s contains control characters",
			    field);
		return false;
	}
	if (n < rule->min || n > rule->max || n >= size) {
		api_problem(resp, 400, field, "%s must be %zu to %zu "
			    "characters long", field, rule->min, rule->max);
		return false;
	}
	if (rule->charset) {
		for (const char *p = s; *p; p++) {
			if (!strchr(rule->charset, *p)) {
				api_problem(resp, 400, field, "%s may only "
					    "contain: %s", field,
					    rule->charset);
				return false;
			}
		}
	}
	memcpy(dst, s, n + 1);
	return true;
}

bool api_get_int(json_t *o, const char *field, bool required, long min,
		 long max, int *dst, struct api_resp *resp)
{
	json_t *v = json_object_get(o, field);
	json_int_t n;

	if (!v || json_is_null(v)) {
		if (required) {
			api_problem(resp, 400, field, "%s is required", field);
			return false;
		}
		return true;
	}
	if (!json_is_integer(v)) {
		api_problem(resp, 400, field, "%s must be an integer", field);
		return false;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		api_problem(resp, 400, field, "%s must be between %ld and %ld",
			    field, min, max);
		return false;
	}
	*dst = (int)n;
	return true;
}

bool api_get_id(json_t *o, const char *field, bool required, int64_t *dst,
		struct api_resp *resp)
{
	return api_get_id_as(o, field, field, required, dst, resp);
}

bool api_get_id_as(json_t *o, const char *key, const char *field,
		   bool required, int64_t *dst, struct api_resp *resp)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v)) {
		if (required) {
			api_problem(resp, 400, field, "%s is required", field);
			return false;
		}
		if (v)
			*dst = 0;
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		api_problem(resp, 400, field, "%s must be a positive integer id",
			    field);
		return false;
	}
	*dst = json_integer_value(v);
	return true;
}

static bool parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s || !*s || strlen(s) > 18)
		return false;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return false;
	*id = v;
	return true;
}

bool api_path_id(const struct api_req *req, size_t i, int64_t *id,
		 struct api_resp *resp)
{
	if (i >= req->nparams || !parse_id(req->params[i], id)) {
		api_problem(resp, 404, NULL, "no such resource");
		return false;
	}
	return true;
}

bool api_limit(const struct api_req *req, struct api_resp *resp, int *limit)
{
	const char *l = api_req_query(req, "limit");
	int64_t v;

	*limit = 50;
	if (!l)
		return true;
	if (!parse_id(l, &v) || v > 200) {
		api_problem(resp, 400, "limit", "limit must be 1 to 200");
		return false;
	}
	*limit = (int)v;
	return true;
}

bool api_page(const struct api_req *req, struct api_resp *resp, int *limit,
	      int64_t *after)
{
	const char *c = api_req_query(req, "cursor");

	*after = 0;
	if (!api_limit(req, resp, limit))
		return false;
	if (c && !parse_id(c, after)) {
		api_problem(resp, 400, "cursor", "cursor is not one this API "
			    "gave out");
		return false;
	}
	return true;
}

void api_list(struct api_resp *resp, json_t *items, int limit,
	      int64_t last_id)
{
	json_t *o = json_object();
	char cur[24];

	json_object_set_new(o, "items", items);
	if ((int)json_array_size(items) == limit && last_id > 0) {
		snprintf(cur, sizeof(cur), "%lld", (long long)last_id);
		json_object_set_new(o, "next_cursor", json_string(cur));
	}
	else {
		json_object_set_new(o, "next_cursor", json_null());
	}
	api_json(resp, 200, o);
}

int64_t api_last_id(json_t *items)
{
	size_t n = json_array_size(items);
	return n ? json_integer_value(json_object_get(json_array_get(items,
		n - 1), "id")) : 0;
}

/* strong ETag: a keyed-less BLAKE2b of the canonical (sorted) JSON */
static void etag_of(json_t *body, char out[24])
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	uint8_t h[8];
	char hex[17];

	crypto_generichash(h, sizeof(h), (const uint8_t *)(s ? s : ""),
			   s ? strlen(s) : 0, NULL, 0);
	free(s);
	hex_encode(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, 24, "\"%s\"", hex);
}

void api_json_etag(struct api_resp *resp, unsigned status, json_t *body)
{
	char etag[24];

	etag_of(body, etag);
	api_json(resp, status, body);
	api_resp_header(resp, "ETag", etag);
}

bool api_if_match(const struct api_req *req, struct api_resp *resp,
		  json_t *current)
{
	const char *im = api_req_header(req, "If-Match");
	char etag[24];

	if (!im || !strcmp(im, "*"))
		return true;
	etag_of(current, etag);
	if (strstr(im, etag))
		return true;
	api_problem(resp, 412, "If-Match", "the resource changed since it "
		    "was read (its ETag is now %s)", etag);
	return false;
}

void api_store_error(struct api_resp *resp, int err)
{
	if (err == ENOENT)
		api_problem(resp, 404, NULL, "no such resource");
	else
		api_problem(resp, 503, NULL, "store unavailable");
}

void api_list_done(struct api_resp *resp, int err, json_t *items,
		   int limit)
{
	if (err) {
		json_decref(items);
		api_problem(resp, 503, NULL, "store unavailable");
		return;
	}
	api_list(resp, items, limit, api_last_id(items));
}

/* ---- times ------------------------------------------------------------ */

/* "2026-11-22T10:00:00.123Z"; "" for 0 (did not happen) */
void api_iso_ms(char *out, size_t size, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || !gmtime_r(&secs, &tm)) {
		snprintf(out, size, "%s", "");
		return;
	}
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return n > 0;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* unix milliseconds, or YYYY-MM-DDTHH:MM:SS[.fraction]Z (UTC only) */
static bool parse_time(const char *s, int64_t *ms)
{
	size_t n = strlen(s);
	struct tm tm = {0}, back;
	int64_t frac = 0;
	time_t t;

	if (n <= 15 && digits(s, n)) {
		*ms = strtoll(s, NULL, 10);
		return true;
	}
	if (n < 20 || s[n - 1] != 'Z' || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    !digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2) ||
	    !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return false;
	if (n > 20) {
		/* a fraction of a second: milliseconds are kept */
		size_t fn = n - 21;
		if (s[19] != '.' || fn < 1 || fn > 9 || !digits(s + 20, fn))
			return false;
		for (size_t i = 0; i < 3; i++)
			frac = frac * 10 + (i < fn ? s[20 + i] - '0' : 0);
	}
	tm.tm_year = num(s, 4) - 1900;
	tm.tm_mon = num(s + 5, 2) - 1;
	tm.tm_mday = num(s + 8, 2);
	tm.tm_hour = num(s + 11, 2);
	tm.tm_min = num(s + 14, 2);
	tm.tm_sec = num(s + 17, 2);
	back = tm;
	t = timegm(&tm);
	/* timegm() carries 2026-02-30 into March: refuse what moved */
	if (t == (time_t)-1 || tm.tm_year < 70 || tm.tm_mday != back.tm_mday ||
	    tm.tm_mon != back.tm_mon || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return false;
	*ms = (int64_t)t * 1000 + frac;
	return true;
}

bool api_query_time(const struct api_req *req, const char *name,
		       int64_t *ms, struct api_resp *resp)
{
	const char *v = api_req_query(req, name);

	if (!v)
		return true;
	if (!parse_time(v, ms)) {
		api_problem(resp, 400, name, "%s must be a UTC time like "
			    "2026-11-22T10:00:00Z, or unix milliseconds", name);
		return false;
	}
	return true;
}

bool api_get_bool(json_t *o, const char *field, bool *dst,
		  struct api_resp *resp)
{
	json_t *v = json_object_get(o, field);

	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		api_problem(resp, 400, field, "%s must be true or false", field);
		return false;
	}
	*dst = json_is_true(v);
	return true;
}
