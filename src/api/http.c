/**
 * @file http.c  libmicrohttpd in the libre loop.
 *
 * Per request: MHD calls access_handler once to announce it (we allocate
 * the request context), again for each piece of the body (appended up to
 * the cap; beyond it we keep reading but remember it is too large), and a
 * last time with no data: then we dispatch.  A deferred request suspends
 * its connection; api_complete() stores the response and resumes it, and
 * MHD calls access_handler once more, where the stored response is sent.
 *
 * The body cap is the server's, or larger for the routes that say so
 * (uploads), decided when the request is announced.  A file answer
 * (api_resp_file) goes out through MHD's fd response, read from disk as
 * the client takes it.
 *
 * Idempotency-Key (POST): the first request with a key, per caller, is
 * remembered with its answer for a day; the same request again gets the
 * same answer without doing the work twice, another request with the
 * same key gets 422, and one arriving while the first is still being
 * handled gets 409.  Server errors are not remembered, so a retry after
 * a 5xx really retries.  The table is bounded; the oldest go first.
 */
#include <re.h>
#include <microhttpd.h>
#include <sodium.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "core/log.h"
#include "api/http.h"

enum { IDEM_MAX = 10000, IDEM_TTL_MS = 24 * 3600 * 1000 };

struct idem {
	struct le he;                  /**< in http.idem_ht */
	struct le le;                  /**< in http.idem_fifo, oldest first */
	uint8_t key[32];               /**< H(caller credential, key) */
	uint8_t reqh[32];              /**< H(method, path, body) */
	uint64_t expires;
	bool done;
	struct api_resp resp;          /**< copy of the answer once done */
};

struct http {
	struct MHD_Daemon *mhd;
	struct hash *idem_ht;
	struct list idem_fifo;
	int epfd;
	struct tmr tmr;
	size_t max_body;
	http_body_limit_h *limit_h;
	http_dispatch_h *h;
	void *arg;
};

struct api_pending {
	struct http *http;             /**< borrowed */
	struct MHD_Connection *conn;
	struct api_resp resp;
	bool done;
};

struct hreq {
	struct api_req req;
	char *body;
	size_t len, cap;
	size_t max_body;               /**< this request's cap */
	bool dispatched;
	struct api_pending *pending;   /**< owned while deferred */
	char *method, *path;
	struct http *http;             /**< borrowed */
	struct idem *idem;             /**< borrowed: the key being served */
};

static void arm(struct http *h);

static void run(struct http *h)
{
	(void)MHD_run(h->mhd);
	arm(h);
}

static void tmr_handler(void *arg)
{
	run(arg);
}

static void fd_handler(int flags, void *arg)
{
	(void)flags;
	run(arg);
}

static void arm(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG ms = 0;

	if (MHD_get_timeout(h->mhd, &ms) == MHD_YES)
		tmr_start(&h->tmr, ms, tmr_handler, h);
	else
		tmr_cancel(&h->tmr);
}

void api_resp_reset(struct api_resp *resp)
{
	if (resp->has_file)
		close(resp->file_fd);
	free(resp->body);
	for (size_t i = 0; i < resp->nheaders; i++)
		free(resp->headers[i]);
	memset(resp, 0, sizeof(*resp));
}

void api_resp_header(struct api_resp *resp, const char *name,
		     const char *value)
{
	char *s = NULL;

	if (resp->nheaders >= API_MAX_HEADERS)
		return;
	if (re_sdprintf(&s, "%s: %s", name, value))
		return;
	resp->headers[resp->nheaders] = strdup(s);
	mem_deref(s);
	if (resp->headers[resp->nheaders])
		resp->nheaders++;
}

void api_resp_text(struct api_resp *resp, unsigned status, const char *ctype,
		   const char *body)
{
	free(resp->body);
	resp->status = status;
	resp->ctype = ctype;
	resp->body = strdup(body ? body : "");
	resp->len = resp->body ? strlen(resp->body) : 0;
}

void api_resp_file(struct api_resp *resp, unsigned status, const char *ctype,
		   int fd, uint64_t bytes)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
	if (resp->has_file)
		close(resp->file_fd);
	resp->status = status;
	resp->ctype = ctype;
	resp->has_file = true;
	resp->file_fd = fd;
	resp->file_bytes = bytes;
}

const char *api_req_header(const struct api_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *api_req_query(const struct api_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

const char *api_req_cookie(const struct api_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void idem_destructor(void *arg)
{
	struct idem *e = arg;

	hash_unlink(&e->he);
	list_unlink(&e->le);
	api_resp_reset(&e->resp);
}

static void resp_copy(struct api_resp *dst, const struct api_resp *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->status = src->status;
	dst->ctype = src->ctype;
	if (src->body && (dst->body = malloc(src->len + 1))) {
		memcpy(dst->body, src->body, src->len);
		dst->body[src->len] = '\0';
		dst->len = src->len;
	}
	for (size_t i = 0; i < src->nheaders; i++) {
		dst->headers[i] = strdup(src->headers[i]);
		if (dst->headers[i])
			dst->nheaders++;
	}
}

static bool idem_cmp(struct le *le, void *arg)
{
	const struct idem *e = le->data;
	return 0 == memcmp(e->key, arg, sizeof(e->key));
}

/*
 * 0: go on and serve (hr->idem set when the answer is to be kept);
 * otherwise the status already written into resp.
 */
static unsigned idem_begin(struct http *h, struct hreq *hr,
			   struct api_resp *resp)
{
	const char *key = MHD_lookup_connection_value(hr->req.conn,
						      MHD_HEADER_KIND,
						      "Idempotency-Key");
	const char *cred;
	crypto_generichash_state st;
	uint8_t k[32], rq[32];
	uint32_t hkey;
	struct idem *e;
	struct le *le;

	if (!key || strcmp(hr->method, "POST"))
		return 0;
	if (!key[0] || strlen(key) > 255) {
		api_resp_text(resp, 400, "application/problem+json",
			      "{\"type\":\"about:blank\",\"title\":\"Bad "
			      "Request\",\"status\":400,\"detail\":"
			      "\"Idempotency-Key must be 1 to 255 characters\","
			      "\"field\":\"Idempotency-Key\"}");
		return 400;
	}
	cred = MHD_lookup_connection_value(hr->req.conn, MHD_HEADER_KIND,
					   "Authorization");
	if (!cred)
		cred = MHD_lookup_connection_value(hr->req.conn,
						   MHD_COOKIE_KIND,
						   "centrex_session");
	crypto_generichash_init(&st, NULL, 0, sizeof(k));
	crypto_generichash_update(&st, (const uint8_t *)(cred ? cred : ""),
				  cred ? strlen(cred) + 1 : 1);
	crypto_generichash_update(&st, (const uint8_t *)key, strlen(key));
	crypto_generichash_final(&st, k, sizeof(k));
	crypto_generichash_init(&st, NULL, 0, sizeof(rq));
	crypto_generichash_update(&st, (const uint8_t *)hr->path,
				  strlen(hr->path) + 1);
	crypto_generichash_update(&st, (const uint8_t *)(hr->body ? hr->body
							 : ""), hr->len);
	crypto_generichash_final(&st, rq, sizeof(rq));

	memcpy(&hkey, k, sizeof(hkey));
	le = hash_lookup(h->idem_ht, hkey, idem_cmp, k);
	e = le ? le->data : NULL;
	if (e && e->expires < tmr_jiffies()) {
		mem_deref(e);
		e = NULL;
	}
	if (e) {
		if (memcmp(e->reqh, rq, sizeof(rq))) {
			api_resp_text(resp, 422, "application/problem+json",
				      "{\"type\":\"about:blank\",\"title\":"
				      "\"Unprocessable Content\",\"status\":"
				      "422,\"detail\":\"this Idempotency-Key "
				      "was used for another request\",\"field\":"
				      "\"Idempotency-Key\"}");
			return 422;
		}
		if (!e->done) {
			api_resp_text(resp, 409, "application/problem+json",
				      "{\"type\":\"about:blank\",\"title\":"
				      "\"Conflict\",\"status\":409,\"detail\":"
				      "\"the first request with this "
				      "Idempotency-Key is still being "
				      "handled\"}");
			return 409;
		}
		resp_copy(resp, &e->resp);
		api_resp_header(resp, "Idempotent-Replayed", "true");
		return resp->status;
	}

	if (list_count(&h->idem_fifo) >= IDEM_MAX)
		mem_deref(h->idem_fifo.head->data);
	e = mem_zalloc(sizeof(*e), idem_destructor);
	if (!e)
		return 0;   /* serve without the guarantee */
	memcpy(e->key, k, sizeof(k));
	memcpy(e->reqh, rq, sizeof(rq));
	e->expires = tmr_jiffies() + IDEM_TTL_MS;
	hash_append(h->idem_ht, hkey, &e->he, e);
	list_append(&h->idem_fifo, &e->le, e);
	hr->idem = e;
	return 0;
}

/* the answer to a request with a key: keep it, or forget the key on 5xx */
static void idem_end(struct hreq *hr, const struct api_resp *resp)
{
	struct idem *e = hr->idem;

	if (!e)
		return;
	hr->idem = NULL;
	if (resp->status >= 500 || !resp->status) {
		mem_deref(e);
		return;
	}
	resp_copy(&e->resp, resp);
	e->done = true;
}

static enum MHD_Result send_resp(struct MHD_Connection *conn,
				 struct api_resp *resp)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;

	if (resp->has_file) {
		mr = MHD_create_response_from_fd64(resp->file_bytes,
						   resp->file_fd);
		if (mr)
			resp->has_file = false;   /* MHD closes it */
	}
	else {
		mr = MHD_create_response_from_buffer(resp->len, resp->body,
						     MHD_RESPMEM_MUST_FREE);
		if (mr)
			resp->body = NULL;        /* MHD frees it */
	}
	if (!mr) {
		api_resp_reset(resp);
		return MHD_NO;
	}
	if (resp->ctype)
		MHD_add_response_header(mr, "Content-Type", resp->ctype);
	MHD_add_response_header(mr, "Cache-Control", "no-store");
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	for (size_t i = 0; i < resp->nheaders; i++) {
		char *colon = strchr(resp->headers[i], ':');
		if (!colon)
			continue;
		*colon = '\0';
		MHD_add_response_header(mr, resp->headers[i], colon + 2);
		*colon = ':';
	}
	ret = MHD_queue_response(conn, resp->status ? resp->status : 500, mr);
	MHD_destroy_response(mr);
	api_resp_reset(resp);
	return ret;
}

static void hreq_free(struct hreq *hr)
{
	if (!hr)
		return;
	if (hr->idem && !hr->idem->done)
		mem_deref(hr->idem);   /* never answered: a retry may redo it */
	if (hr->pending) {
		/* the client went away while work was under way */
		hr->pending->conn = NULL;
		if (hr->pending->done) {
			api_resp_reset(&hr->pending->resp);
			free(hr->pending);
		}
	}
	free(hr->body);
	free(hr->method);
	free(hr->path);
	free(hr);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	hreq_free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn,
				      const char *url, const char *method,
				      const char *version,
				      const char *upload_data,
				      size_t *upload_data_size, void **con_cls)
{
	struct http *h = cls;
	struct hreq *hr = *con_cls;
	struct api_resp resp = {0};
	(void)version;

	if (!hr) {
		const union MHD_ConnectionInfo *ci;

		hr = calloc(1, sizeof(*hr));
		if (!hr)
			return MHD_NO;
		hr->method = strdup(method);
		hr->path = strdup(url);
		if (!hr->method || !hr->path) {
			hreq_free(hr);
			return MHD_NO;
		}
		hr->http = h;
		hr->max_body = h->max_body;
		if (h->limit_h) {
			size_t lim = h->limit_h(method, url);
			if (lim > hr->max_body)
				hr->max_body = lim;
		}
		hr->req.method = hr->method;
		hr->req.path = hr->path;
		hr->req.conn = conn;
		ci = MHD_get_connection_info(conn,
					     MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			struct sa sa;
			if (!sa_set_sa(&sa, ci->client_addr))
				re_snprintf(hr->req.remote,
					    sizeof(hr->req.remote), "%j", &sa);
		}
		*con_cls = hr;
		return MHD_YES;
	}

	if (*upload_data_size) {
		size_t n = *upload_data_size;

		if (hr->len + n > hr->max_body) {
			hr->req.body_too_large = true;
		}
		else {
			if (hr->len + n + 1 > hr->cap) {
				size_t cap = (hr->len + n + 1) * 2;
				char *b = realloc(hr->body, cap);
				if (!b)
					return MHD_NO;
				hr->body = b;
				hr->cap = cap;
			}
			memcpy(hr->body + hr->len, upload_data, n);
			hr->len += n;
			hr->body[hr->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	if (hr->pending) {
		/* resumed: the deferred answer is ready */
		struct api_pending *p = hr->pending;
		enum MHD_Result ret;

		idem_end(hr, &p->resp);
		ret = send_resp(conn, &p->resp);
		hr->pending = NULL;
		free(p);
		return ret;
	}
	if (hr->dispatched)
		return MHD_NO;

	hr->dispatched = true;
	hr->req.body = hr->body ? hr->body : "";
	hr->req.body_len = hr->len;
	if (idem_begin(h, hr, &resp))
		return send_resp(conn, &resp);
	h->h(&hr->req, &resp, h->arg);

	if (hr->pending && !resp.status) {
		MHD_suspend_connection(conn);
		return MHD_YES;
	}
	if (hr->pending) {
		/* deferred, then answered after all: the defer is void */
		free(hr->pending);
		hr->pending = NULL;
	}
	idem_end(hr, &resp);
	return send_resp(conn, &resp);
}

struct api_pending *api_defer(struct api_req *r)
{
	struct hreq *hr = (struct hreq *)(void *)r;   /* req is first */
	struct api_pending *p;

	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->conn = r->conn;
	p->http = hr->http;
	hr->pending = p;
	return p;
}

void api_complete(struct api_pending *p, struct api_resp *resp)
{
	if (!p)
		return;
	p->resp = *resp;
	memset(resp, 0, sizeof(*resp));
	p->done = true;
	if (!p->conn) {            /* the client left meanwhile */
		api_resp_reset(&p->resp);
		free(p);
		return;
	}
	/* in external-loop mode MHD only notices a resume when run; the
	   run sends the answer and frees p */
	struct http *h = p->http;
	MHD_resume_connection(p->conn);
	run(h);
}

void http_set_body_limit(struct http *h, http_body_limit_h *lh)
{
	if (h)
		h->limit_h = lh;
}

static void destructor(void *arg)
{
	struct http *h = arg;

	tmr_cancel(&h->tmr);
	if (h->epfd >= 0)
		fd_close(h->epfd);
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	list_flush(&h->idem_fifo);
	mem_deref(h->idem_ht);
}

/*
 * URL decoding in place, as MHD's own, except that an encoded NUL (%00)
 * becomes 0x01: a NUL would end the string early and turn "7%00junk"
 * into "7"; 0x01 fails every id and path check instead.
 */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s;
	(void)cls;
	(void)conn;

	while (*r) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) &&
		    isxdigit((unsigned char)r[2])) {
			char hex[3] = {r[1], r[2], 0};
			char c = (char)strtol(hex, NULL, 16);
			*w++ = c ? c : '\x01';
			r += 3;
		}
		else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];
	size_t n;
	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	log_debug("http", "%s", buf);
}

int http_alloc(struct http **hp, const char *listen, size_t max_body,
	       http_dispatch_h *dh, void *arg, char *errbuf, size_t errsz)
{
	const union MHD_DaemonInfo *di;
	struct sockaddr_storage ss;
	struct http *h;
	struct sa laddr;
	int err;

	if (!hp || !listen || !dh)
		return EINVAL;
	err = sa_decode(&laddr, listen, strlen(listen));
	if (err) {
		snprintf(errbuf, errsz, "http.listen: bad address '%s'", listen);
		return err;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &laddr.u, laddr.len);

	h = mem_zalloc(sizeof(*h), destructor);
	if (!h)
		return ENOMEM;
	h->epfd = -1;
	h->max_body = max_body;
	if (hash_alloc(&h->idem_ht, 1024)) {
		mem_deref(h);
		return ENOMEM;
	}
	h->h = dh;
	h->arg = arg;
	tmr_init(&h->tmr);

	h->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
				  MHD_USE_ERROR_LOG |
				  (sa_af(&laddr) == AF_INET6 ? MHD_USE_IPv6 : 0),
				  sa_port(&laddr), NULL, NULL, access_handler, h,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
				  MHD_OPTION_SOCK_ADDR, &ss,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				  (size_t)(64 * 1024),
				  MHD_OPTION_NOTIFY_COMPLETED, completed, h,
				  MHD_OPTION_UNESCAPE_CALLBACK, unescape, h,
				  MHD_OPTION_END);
	if (!h->mhd) {
		snprintf(errbuf, errsz, "http.listen: cannot listen on %s",
			 listen);
		mem_deref(h);
		return EADDRINUSE;
	}
	di = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	h->epfd = di ? di->epoll_fd : -1;
	if (h->epfd < 0 || fd_listen(h->epfd, FD_READ, fd_handler, h)) {
		snprintf(errbuf, errsz, "http: cannot join the event loop");
		mem_deref(h);
		return EIO;
	}
	arm(h);
	log_info("http", "listening on %J", &laddr);
	*hp = h;
	return 0;
}
