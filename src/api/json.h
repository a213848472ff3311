/**
 * @file json.h  JSON bodies, problem+json errors, field validation.
 *
 * Includes jansson.h: never include this from a file that includes re.h.
 */
#ifndef CENTREX_API_JSON_H
#define CENTREX_API_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include "api/api.h"

void api_json(struct api_resp *resp, unsigned status, json_t *body);
/* the same, with an ETag of the representation (for single resources) */
void api_json_etag(struct api_resp *resp, unsigned status, json_t *body);
/* If-Match given and not the ETag of `current`: 412, false */
bool api_if_match(const struct api_req *req, struct api_resp *resp,
		  json_t *current);
void api_problem(struct api_resp *resp, unsigned status, const char *field,
		 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* parse the body as one JSON object with only the allowed keys;
   on failure the problem is already in resp */
json_t *api_body(const struct api_req *req, struct api_resp *resp,
		 const char *const *allowed);

/* field rules; each returns false after writing the problem */
struct str_rule {
	size_t min, max;
	const char *charset;   /**< NULL = any printable text */
};
bool api_get_str(json_t *o, const char *field, bool required,
		 const struct str_rule *rule, char *dst, size_t size,
		 struct api_resp *resp);
/* the same for a field of a nested object, reported as `name` */
bool api_get_str_as(json_t *o, const char *field, const char *name,
		    bool required, const struct str_rule *rule, char *dst,
		    size_t size, struct api_resp *resp);
bool api_get_id_as(json_t *o, const char *field, const char *name,
		   bool required, int64_t *dst, struct api_resp *resp);
bool api_get_int(json_t *o, const char *field, bool required, long min,
		 long max, int *dst, struct api_resp *resp);
bool api_get_id(json_t *o, const char *field, bool required, int64_t *dst,
		struct api_resp *resp);
/* true or false; absent leaves *dst alone */
bool api_get_bool(json_t *o, const char *field, bool *dst,
		  struct api_resp *resp);

/* path {id}: positive decimal, else 404 */
bool api_path_id(const struct api_req *req, size_t i, int64_t *id,
		 struct api_resp *resp);
/* ?limit= alone (1..200, default 50) */
bool api_limit(const struct api_req *req, struct api_resp *resp, int *limit);
/* ?limit=&cursor= ; cursor is the last id seen */
bool api_page(const struct api_req *req, struct api_resp *resp, int *limit,
	      int64_t *after);
void api_list(struct api_resp *resp, json_t *items, int limit,
	      int64_t last_id);
/* the answer to a failed store call: 404 for ENOENT, else 503 */
void api_store_error(struct api_resp *resp, int err);
/* the end of every list handler: the page, or 503 (items released) */
void api_list_done(struct api_resp *resp, int err, json_t *items,
		   int limit);
/* the "id" of the last object of an array, 0 when empty */
int64_t api_last_id(json_t *items);

/* "2026-11-22T10:00:00.123Z" (UTC); "" for 0 (did not happen) */
void api_iso_ms(char *out, size_t size, int64_t ms);
/* ?name= as a UTC time (2026-11-22T10:00:00Z, optionally with a
   fraction) or unix milliseconds; absent leaves *ms alone; else 400 */
bool api_query_time(const struct api_req *req, const char *name,
		    int64_t *ms, struct api_resp *resp);

#endif
