/**
 * @file http.h  HTTP server (libmicrohttpd) inside the libre loop.
 *
 * MHD runs in "external epoll" mode: its epoll fd is registered with
 * libre's loop and a libre timer follows MHD's own timeout, so HTTP
 * requests are handled on the signalling thread like SIP, with no locks.
 * Request bodies are capped (413 past the cap); a handler can defer its
 * answer (the connection is suspended and resumed when it completes).
 */
#ifndef CENTREX_API_HTTP_H
#define CENTREX_API_HTTP_H

#include <stddef.h>
#include "api/api.h"

struct http;

/* returns the handler's decision: answered now, or deferred */
typedef void (http_dispatch_h)(struct api_req *req, struct api_resp *resp,
			       void *arg);

int  http_alloc(struct http **hp, const char *listen, size_t max_body,
		http_dispatch_h *h, void *arg, char *errbuf, size_t errsz);

/* a larger body cap for some requests (uploads): asked once per request
   with its method and path; 0 = the server's cap */
typedef size_t (http_body_limit_h)(const char *method, const char *path);
void http_set_body_limit(struct http *h, http_body_limit_h *lh);

#endif
