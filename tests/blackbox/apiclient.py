"""A small client for centrexd's REST API, for black-box tests.

Standard library only: urllib.request for HTTP, http.cookiejar for the
session cookie.  Each ApiClient is one "browser": its own cookie jar, its
own CSRF token, and optionally its own loopback source address (so that
tests of the per-address login limit can appear as different hosts).

Nothing is hidden: every call returns a Response with the status, the
headers and the raw body, whatever the status (HTTP errors are answers
to check, not exceptions).
"""
import http.client
import http.cookiejar
import json
import time
import urllib.error
import urllib.request

PREFIX = "/api/v1"

DEMO_OPERATOR = ("operator@centrex.example", "operator-demo")
DEMO_ACME_ADMIN = ("admin@acme.example", "admin-demo")
DEMO_GLOBEX_ADMIN = ("admin@globex.example", "admin-demo")

_NO_BODY = object()


class Response:
    """One HTTP answer."""

    def __init__(self, method, url, status, headers, body, elapsed):
        self.method = method
        self.url = url
        self.status = status
        self.headers = headers          # email.message.Message
        self.body = body                # bytes
        self.elapsed = elapsed          # seconds

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def header_all(self, name):
        return self.headers.get_all(name) or []

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("%s %s: body is not JSON (%s): %r"
                                 % (self.method, self.url, e,
                                    self.body[:300]))

    @property
    def problem(self):
        """The problem+json body of an error, checked for its shape."""
        assert self.content_type == "application/problem+json", (
            "%s %s -> %d with Content-Type %r: %r"
            % (self.method, self.url, self.status, self.content_type,
               self.body[:300]))
        p = self.json()
        for k in ("type", "title", "status", "detail"):
            assert k in p, "problem without %r: %r" % (k, p)
        assert p["status"] == self.status, p
        return p

    @property
    def field(self):
        return self.problem.get("field")

    def __repr__(self):
        return "<%s %s -> %s %s>" % (self.method, self.url, self.status,
                                     self.body[:400])


class _SourceHTTPHandler(urllib.request.HTTPHandler):
    """HTTP from a chosen loopback source address; can also drop the
    Content-Type that urllib adds by itself to every body."""

    def __init__(self, source_ip):
        super().__init__()
        self.source_ip = source_ip

    def http_open(self, req):
        src = self.source_ip

        def conn(host, **kw):
            return http.client.HTTPConnection(host, source_address=(src, 0),
                                              **kw)
        return self.do_open(conn, req)

    def http_request(self, req):
        req = super().http_request(req)
        if getattr(req, "drop_content_type", False):
            for k in list(req.unredirected_hdrs):
                if k.lower() == "content-type":
                    del req.unredirected_hdrs[k]
            for k in list(req.headers):
                if k.lower() == "content-type":
                    del req.headers[k]
        return req


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


class ApiClient:
    """One API user agent towards one daemon."""

    def __init__(self, http_port, source_ip="127.0.0.1", host="127.0.0.1",
                 timeout=15):
        assert host.startswith("127.") and source_ip.startswith("127."), \
            "loopback only"
        self.base = "http://%s:%d" % (host, http_port)
        self.host = host
        self.port = http_port
        self.source_ip = source_ip
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),     # never a proxy
            _SourceHTTPHandler(source_ip),
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = None
        self.principal = None

    # --- raw requests ----------------------------------------------------

    def url(self, path):
        if not path.startswith("/api/") and path != "/" and \
                not path.startswith("/api?"):
            path = PREFIX + path
        return self.base + path

    def request(self, method, path, body=_NO_BODY, raw=None,
                content_type="application/json", headers=None, csrf=True):
        """Send one request.

        body: a value to send as JSON; raw: exact bytes instead.
        content_type=None sends no Content-Type at all.
        csrf: send the session's X-CSRF-Token (when logged in and the
        method changes something); False to leave it out, or a string to
        send that instead.
        """
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
        elif body is not _NO_BODY:
            data = json.dumps(body).encode()
        req = urllib.request.Request(self.url(path), data=data,
                                     method=method)
        if data is not None:
            if content_type is None:
                req.drop_content_type = True
            else:
                req.add_header("Content-Type", content_type)
        if isinstance(csrf, str):
            req.add_header("X-CSRF-Token", csrf)
        elif csrf and self.csrf and method not in ("GET", "HEAD"):
            req.add_header("X-CSRF-Token", self.csrf)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        t0 = time.monotonic()
        try:
            with self.opener.open(req, timeout=self.timeout) as f:
                status, hdrs, payload = f.status, f.headers, f.read()
        except urllib.error.HTTPError as e:
            status, hdrs, payload = e.code, e.headers, e.read()
            e.close()
        return Response(method, path, status, hdrs, payload,
                        time.monotonic() - t0)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_NO_BODY, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=_NO_BODY, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # --- checked helpers -------------------------------------------------

    def ok(self, method, path, body=_NO_BODY, expect=None, **kw):
        """A request that must succeed; returns the parsed JSON (or None
        for 204)."""
        r = self.request(method, path, body, **kw)
        want = expect or {"POST": 201, "DELETE": 204}.get(method, 200)
        assert r.status == want, "expected %d: %r" % (want, r)
        if r.status == 204:
            assert r.body == b"", r
            return None
        assert r.content_type == "application/json", r
        return r.json()

    def all_items(self, path, limit=200):
        """Every item of a list, following next_cursor."""
        items, cursor = [], None
        sep = "&" if "?" in path else "?"
        for _ in range(10000):
            q = "%s%slimit=%d" % (path, sep, limit)
            if cursor:
                q += "&cursor=" + cursor
            page = self.ok("GET", q)
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items
        raise AssertionError("pagination of %s does not end" % path)

    # --- session ---------------------------------------------------------

    def login(self, email, password, expect=200):
        r = self.post("/auth/login", {"email": email, "password": password},
                      csrf=False)
        assert r.status == expect, "login %s: %r" % (email, r)
        if r.status == 200:
            p = r.json()
            self.csrf = p["csrf_token"]
            self.principal = p
        return r

    def logout(self):
        r = self.post("/auth/logout", csrf=True)
        return r

    def session_cookie(self):
        for c in self.jar:
            if c.name == "centrex_session":
                return c.value
        return None

    def set_session_cookie(self, value):
        """Put a cookie value in the jar by hand (e.g. an old one)."""
        self.jar.clear()
        if value is None:
            return
        c = http.cookiejar.Cookie(
            0, "centrex_session", value, None, False, self.host, False,
            False, "/", True, False, None, False, None, None, {})
        self.jar.set_cookie(c)


def client_for(daemon, account=None, source_ip="127.0.0.1", timeout=15):
    """An ApiClient for a conftest Daemon, logged in when account is an
    (email, password) pair."""
    c = ApiClient(daemon.http_port, source_ip=source_ip, timeout=timeout)
    if account:
        c.login(*account)
    return c


def acme_accounts(daemon, acme, roles, timeout=15):
    """Acme users that can log in, made by acme's admin client: for each
    (key, role) a user named key, key@acme.example with the password
    "key-password"; {key: their logged-in client}."""
    out = {}
    for key, role in roles:
        account = ("%s@acme.example" % key, "%s-password" % key)
        acme.ok("POST", "/tenants/1/users", {
            "name": key, "email": account[0], "role": role,
            "password": account[1]})
        out[key] = client_for(daemon, account, timeout=timeout)
    return out
