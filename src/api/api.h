/**
 * @file api.h  What an HTTP handler sees: a request and a response.
 *
 * Plain C with no libre and no jansson types, so handler files may include
 * jansson.h (whose enums clash with re.h) and still be called by the HTTP
 * layer, which includes re.h.
 */
#ifndef CENTREX_API_API_H
#define CENTREX_API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { API_MAX_PARAMS = 4, API_MAX_HEADERS = 6 };

enum api_role {
	ROLE_NONE = 0,
	ROLE_USER,
	ROLE_AGENT,
	ROLE_SUPERVISOR,
	ROLE_TENANT_ADMIN,
	ROLE_OPERATOR,
};

/** Who is calling: from a session cookie or an API token. */
struct api_principal {
	enum api_role role;
	int64_t tenant_id;           /**< 0 for the operator */
	int64_t user_id;             /**< 0 for operators and tenant tokens */
	int64_t operator_id;
	int64_t token_id;            /**< 0 when a session */
	char name[256];              /**< for the audit log: email or token */
	char csrf[48];               /**< sessions only */
	bool via_cookie;
};

struct api_req {
	const char *method;
	const char *path;
	const char *body;
	size_t body_len;
	bool body_too_large;
	char remote[64];             /**< client address, for audit and limits */
	void *conn;                  /**< borrowed: the HTTP connection */
	const char *params[API_MAX_PARAMS];   /**< {id}s of the route, in order */
	size_t nparams;
	struct api_principal who;
	bool authenticated;
};

struct api_resp {
	unsigned status;
	char *body;                  /**< malloc'd, owned */
	size_t len;
	const char *ctype;
	char *headers[API_MAX_HEADERS];  /**< malloc'd "Name: value" */
	size_t nheaders;
	bool has_file;               /**< send file_fd instead of body */
	int file_fd;                 /**< owned while has_file */
	uint64_t file_bytes;
};

/* implemented by the HTTP layer */
const char *api_req_header(const struct api_req *r, const char *name);
const char *api_req_query(const struct api_req *r, const char *name);
const char *api_req_cookie(const struct api_req *r, const char *name);
void api_resp_header(struct api_resp *resp, const char *name,
		     const char *value);
void api_resp_text(struct api_resp *resp, unsigned status, const char *ctype,
		   const char *body);
void api_resp_reset(struct api_resp *resp);
/* the answer is the file fd (owned from here on, closed after sending)
   of `bytes` bytes, streamed from disk rather than copied to memory */
void api_resp_file(struct api_resp *resp, unsigned status, const char *ctype,
		   int fd, uint64_t bytes);

/* a handler that answers later (work on another thread); writing a
   response before returning cancels the defer */
struct api_pending;
struct api_pending *api_defer(struct api_req *r);
void api_complete(struct api_pending *p, struct api_resp *resp);

#endif
