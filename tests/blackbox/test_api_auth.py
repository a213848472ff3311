"""REST API sessions: login, logout, who am I, CSRF, the login limit.

One demo daemon serves the whole module (logins are argon2id checks and
cost a fraction of a second each); a second one, with
api.login_failures=3, is used for the 429 tests.  Failed logins count
per account and per source address, so every test that fails a login
on purpose does it from its own 127.x.y.z address and keeps well below
the limit of the shared daemon.
"""
import json
import re
import socket
import threading

import pytest

from apiclient import (ApiClient, DEMO_ACME_ADMIN, DEMO_GLOBEX_ADMIN,
                       DEMO_OPERATOR)

SESSION_RE = re.compile(r"^[0-9a-f]{64}$")
CSRF_RE = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def limited(module_daemons):
    return module_daemons("api-auth-limited",
                          opts=["api.login_failures=3"])


def _cookie_parts(set_cookie):
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name, value, attrs


def _login_body(email, password):
    return {"email": email, "password": password}


# --- login, me, logout ----------------------------------------------------

def test_login_answers_principal_and_csrf_token(daemon):
    """Logging in as acme's admin answers 200 JSON with the role, the
    login name, tenant 1, a user id and a 32-hex CSRF token; the answer
    is not cacheable."""
    c = ApiClient(daemon.http_port)
    r = c.login(*DEMO_ACME_ADMIN)
    assert r.content_type == "application/json"
    assert r.header("Cache-Control") == "no-store"
    p = r.json()
    assert p["role"] == "tenant_admin"
    assert p["name"] == "admin@acme.example"
    assert p["tenant_id"] == 1
    assert isinstance(p["user_id"], int) and p["user_id"] > 0
    assert CSRF_RE.match(p["csrf_token"]), p
    assert "password" not in r.body.decode()


def test_session_cookie_attributes(daemon):
    """The session cookie is centrex_session=<64 hex>, HttpOnly,
    SameSite=Strict, Path=/, with no Domain and no lifetime (it ends
    with the browser); two logins get different cookies and CSRF
    tokens."""
    seen = set()
    tokens = set()
    for _ in range(2):
        c = ApiClient(daemon.http_port)
        r = c.login(*DEMO_OPERATOR)
        cookies = r.header_all("Set-Cookie")
        assert len(cookies) == 1, cookies
        name, value, attrs = _cookie_parts(cookies[0])
        assert name == "centrex_session"
        assert SESSION_RE.match(value), value
        assert "httponly" in attrs, cookies
        assert attrs.get("samesite", "").lower() == "strict", cookies
        assert attrs.get("path") == "/", cookies
        assert "domain" not in attrs and "expires" not in attrs and \
            "max-age" not in attrs, cookies
        assert c.session_cookie() == value
        seen.add(value)
        tokens.add(c.csrf)
    assert len(seen) == 2 and len(tokens) == 2


@pytest.mark.parametrize("who,role,tenant", [
    ("op", "operator", None),
    ("acme", "tenant_admin", 1),
])
def test_me_tells_who_the_session_is(request, who, role, tenant):
    """GET /auth/me with the session cookie names the account: role,
    login, tenant (none for the operator)."""
    c = request.getfixturevalue(who)
    r = c.get("/auth/me")
    assert r.status == 200, r
    me = r.json()
    assert me["role"] == role
    assert me["tenant_id"] == tenant
    assert me["name"] == c.principal["name"]
    assert me["user_id"] == c.principal["user_id"]


@pytest.mark.parametrize("cookie", [
    None,
    "0" * 64,
    "deadbeef",
    "zz" * 32,
])
def test_me_without_valid_session_is_401(daemon, cookie):
    """Without a session cookie, or with one the daemon never gave out,
    GET /auth/me is 401 problem+json with a WWW-Authenticate header."""
    c = ApiClient(daemon.http_port)
    c.set_session_cookie(cookie)
    r = c.get("/auth/me")
    assert r.status == 401, r
    assert r.problem["title"] == "Unauthorized"
    assert r.header("WWW-Authenticate"), r


def test_logout_invalidates_the_cookie(daemon):
    """After POST /auth/logout (with the CSRF token), the daemon tells
    the browser to drop the cookie, and the old cookie value, sent
    again by hand, is refused with 401.  Another session of the same
    account is not affected."""
    other = ApiClient(daemon.http_port)
    other.login(*DEMO_ACME_ADMIN)
    c = ApiClient(daemon.http_port)
    c.login(*DEMO_ACME_ADMIN)
    old = c.session_cookie()
    assert c.get("/auth/me").status == 200

    r = c.logout()
    assert r.status == 200, r
    name, value, attrs = _cookie_parts(r.header_all("Set-Cookie")[0])
    assert name == "centrex_session" and value == ""
    assert attrs.get("max-age") == "0", r.header_all("Set-Cookie")

    replay = ApiClient(daemon.http_port)
    replay.set_session_cookie(old)
    assert replay.get("/auth/me").status == 401
    replay.csrf = c.csrf
    r = replay.post("/tenants/1/sites", {"name": "After logout",
                                         "country": "FR",
                                         "time_zone": "Europe/Paris"})
    assert r.status == 401, r
    assert other.get("/auth/me").status == 200


def test_logout_needs_a_session_and_the_csrf_token(daemon):
    """Logout without a session is 401; with the session but without the
    CSRF token it is 403 and the session stays valid."""
    assert ApiClient(daemon.http_port).post("/auth/logout").status == 401
    c = ApiClient(daemon.http_port)
    c.login(*DEMO_OPERATOR)
    r = c.post("/auth/logout", csrf=False)
    assert r.status == 403, r
    assert r.field == "X-CSRF-Token"
    assert c.get("/auth/me").status == 200


def test_email_is_case_insensitive(daemon):
    """The login email matches whatever its case."""
    c = ApiClient(daemon.http_port)
    r = c.login("ADMIN@Acme.Example", "admin-demo")
    assert r.json()["name"] == "admin@acme.example"


# --- failures -------------------------------------------------------------

def test_wrong_password_and_unknown_account_look_the_same(daemon):
    """A wrong password for a real account, an account that does not
    exist, and a real user who has no login password all get the same
    401 answer: same headers (apart from the date), same body, no
    cookie; the unknown account is not answered much faster (its
    password is checked against a dummy hash)."""
    attempts = [
        ("wrong password", "admin@acme.example", "not-the-password"),
        ("unknown", "nobody@acme.example", "not-the-password"),
        ("no password", "1001@acme.example", "pw1001"),
        ("wrong password", "admin@acme.example", "not-the-password-2"),
        ("unknown", "nobody-else@nowhere.example", "not-the-password"),
    ]
    answers = {}
    for i, (kind, email, pw) in enumerate(attempts):
        c = ApiClient(daemon.http_port, source_ip="127.0.1.%d" % (10 + i))
        r = c.post("/auth/login", _login_body(email, pw))
        assert r.status == 401, (kind, r)
        assert not r.header_all("Set-Cookie"), (kind, r.headers)
        hdrs = sorted((k.lower(), v) for k, v in r.headers.items()
                      if k.lower() != "date")
        answers.setdefault(kind, []).append((hdrs, r.body, r.elapsed))
        assert r.problem["detail"]
    ref_hdrs, ref_body, _ = answers["wrong password"][0]
    for kind, got in answers.items():
        for hdrs, body, _ in got:
            assert hdrs == ref_hdrs, (kind, hdrs, ref_hdrs)
            assert body == ref_body, (kind, body, ref_body)
    slow = min(e for _, _, e in answers["wrong password"])
    fast = min(e for _, _, e in answers["unknown"])
    assert fast > slow * 0.3, (
        "unknown account answered in %.3fs, wrong password in %.3fs"
        % (fast, slow))
    # the account still logs in with its real password
    ApiClient(daemon.http_port, source_ip="127.0.1.30").login(
        *DEMO_ACME_ADMIN)


@pytest.mark.parametrize("kw,status,field", [
    ({"body": {"email": "admin@acme.example"}}, 400, "password"),
    ({"body": {"password": "admin-demo"}}, 400, "email"),
    ({"body": {"email": 42, "password": "admin-demo"}}, 400, "email"),
    ({"body": {"email": "admin@acme.example", "password": "admin-demo",
               "remember_me": True}}, 400, "remember_me"),
    ({"raw": b'{"email": "admin@acme.example", "password": '}, 400, None),
    ({"raw": b'["admin@acme.example", "admin-demo"]'}, 400, None),
    ({"body": {"email": "admin@acme.example", "password": "admin-demo"},
      "content_type": "application/x-www-form-urlencoded"}, 415, None),
    ({"body": {"email": "admin@acme.example", "password": "admin-demo"},
      "content_type": None}, 415, None),
])
def test_login_request_validation(daemon, kw, status, field):
    """Malformed login requests are refused with 400 (naming the field)
    or 415, as problem+json, and set no cookie."""
    c = ApiClient(daemon.http_port, source_ip="127.0.1.40")
    r = c.request("POST", "/auth/login", **kw)
    assert r.status == status, r
    assert r.field == field
    assert not r.header_all("Set-Cookie")


# --- answers that wait for the password worker ----------------------------

def _abandoned_login(daemon, email, password):
    """Send a whole login request and hang up before the answer."""
    body = json.dumps({"email": email, "password": password}).encode()
    s = socket.create_connection(("127.0.0.1", daemon.http_port), timeout=5)
    s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Type: application/json\r\nContent-Length: %d\r\n"
              b"\r\n%s" % (len(body), body))
    s.close()


def test_concurrent_logins_each_get_their_own_answer(daemon):
    """Twelve logins at once, for three different accounts (passwords
    are checked one after another on a worker thread), mixed with
    clients that hang up before their answer: every client still gets
    the answer to its own request (its own account, a working session),
    and the daemon keeps serving."""
    for acct in (DEMO_OPERATOR, DEMO_ACME_ADMIN):
        _abandoned_login(daemon, *acct)
    accounts = [DEMO_OPERATOR, DEMO_ACME_ADMIN, DEMO_GLOBEX_ADMIN] * 4
    results = [None] * len(accounts)

    def run(i):
        c = ApiClient(daemon.http_port)
        try:
            r = c.post("/auth/login", _login_body(*accounts[i]))
            me = c.get("/auth/me")
            results[i] = (r.status, r.json().get("name"), me.status,
                          me.json().get("name"))
        except Exception as e:      # reported below
            results[i] = repr(e)

    threads = [threading.Thread(target=run, args=(i,))
               for i in range(len(accounts))]
    for t in threads:
        t.start()
    _abandoned_login(daemon, *DEMO_GLOBEX_ADMIN)
    for t in threads:
        t.join(30)
    for (email, _), res in zip(accounts, results):
        assert res == (200, email, 200, email), (email, res)
    assert ApiClient(daemon.http_port).get("/health").status == 200


def test_concurrent_password_writes_each_get_their_own_answer(acme):
    """Eight users created at once, each with a password (hashed on the
    worker thread): each creation answers 201 with its own user, and
    all eight exist with distinct ids."""
    names = ["Parallel %d" % i for i in range(8)]
    out = {}

    def run(name):
        r = acme.post("/tenants/1/users", {
            "name": name, "email": name.replace(" ", ".").lower()
            + "@acme.example", "password": "parallel-password"})
        out[name] = (r.status, r.json().get("name"), r.json().get("id"))

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for n in names:
        assert out.get(n, (None,))[:2] == (201, n), (n, out.get(n))
    assert len({v[2] for v in out.values()}) == len(names)
    listed = {u["name"]: u for u in acme.all_items("/tenants/1/users")}
    for n in names:
        assert listed[n]["can_log_in"] is True, listed.get(n)


# --- CSRF -----------------------------------------------------------------

def _site(name):
    return {"name": name, "country": "FR", "time_zone": "Europe/Paris"}


def _site_names(c):
    return {s["name"] for s in c.all_items("/tenants/1/sites")}


def test_changes_need_the_csrf_token(daemon, acme, op):
    """With the session cookie, POST, PATCH and DELETE without the
    X-CSRF-Token header, with a wrong one, or with another session's
    token are refused 403 naming X-CSRF-Token, and nothing changes;
    GET needs no token; with the right token the change is made."""
    before = _site_names(acme)
    bad_tokens = [False, "0" * 32, op.csrf, acme.csrf.upper(),
                  acme.csrf + "0", ""]
    for tok in bad_tokens:
        r = acme.post("/tenants/1/sites", _site("CSRF %r" % tok),
                            csrf=tok)
        assert r.status == 403, (tok, r)
        assert r.field == "X-CSRF-Token"
        r = acme.patch("/tenants/1/sites/1", {"name": "Hijacked"},
                             csrf=tok)
        assert r.status == 403, (tok, r)
        r = acme.delete("/tenants/1/sites/2", csrf=tok)
        assert r.status == 403, (tok, r)
    assert _site_names(acme) == before
    assert acme.get("/tenants/1/sites/1", csrf=False).status == 200

    created = acme.ok("POST", "/tenants/1/sites", _site("With token"))
    assert _site_names(acme) == before | {"With token"}
    acme.ok("DELETE", "/tenants/1/sites/%d" % created["id"])
    assert _site_names(acme) == before


# --- sessions follow the account ------------------------------------------

def _new_login_user(op, email, role, password):
    return op.ok("POST", "/tenants/1/users", {
        "name": "Session test %s" % role, "email": email, "role": role,
        "password": password})


def test_deleted_account_loses_its_session(daemon, op):
    """When the operator deletes a user who is logged in, the user's
    session stops working at once (401)."""
    u = _new_login_user(op, "gone@acme.example", "supervisor",
                        "gone-password")
    c = ApiClient(daemon.http_port)
    c.login("gone@acme.example", "gone-password")
    assert c.get("/tenants/1/users").status == 200
    op.ok("DELETE", "/tenants/1/users/%d" % u["id"])
    assert c.get("/auth/me").status == 401
    assert c.get("/tenants/1/users").status == 401


def test_password_reset_ends_sessions(daemon, op):
    """When an admin sets a new password for a user, the user's existing
    session ends (401); the old password no longer logs in, the new one
    does."""
    u = _new_login_user(op, "reset@acme.example", "user",
                        "first-password")
    c = ApiClient(daemon.http_port)
    c.login("reset@acme.example", "first-password")
    op.ok("PATCH", "/tenants/1/users/%d" % u["id"],
                {"password": "second-password"})
    assert c.get("/auth/me").status == 401
    ApiClient(daemon.http_port, source_ip="127.0.1.50").login(
        "reset@acme.example", "first-password", expect=401)
    ApiClient(daemon.http_port).login("reset@acme.example",
                                      "second-password")


def test_demoted_admin_loses_admin_rights(daemon, op):
    """A tenant admin who is demoted to plain user while logged in can
    no longer act as an admin with the session they already have: a
    user creation is refused (403, or 401 if the session was ended) and
    nothing is created."""
    u = _new_login_user(op, "demoted@acme.example", "tenant_admin",
                        "demoted-password")
    c = ApiClient(daemon.http_port)
    c.login("demoted@acme.example", "demoted-password")
    assert c.get("/tenants/1/audit?limit=1").status == 200
    op.ok("PATCH", "/tenants/1/users/%d" % u["id"], {"role": "user"})
    assert op.ok("GET", "/tenants/1/users/%d" % u["id"])["role"] == \
        "user"

    r = c.post("/tenants/1/users", {"name": "Made by a demoted admin",
                                    "extension": "7999"})
    assert r.status in (401, 403), (
        "a demoted admin still creates users with their old session: %r"
        % r)
    assert "Made by a demoted admin" not in {
        x["name"] for x in op.all_items("/tenants/1/users")}
    assert c.get("/tenants/1/audit?limit=1").status in (401, 403)


# --- the login limit (api.login_failures=3) -------------------------------

def _fail(daemon, ip, email, password="wrong-password"):
    c = ApiClient(daemon.http_port, source_ip=ip)
    return c.post("/auth/login", _login_body(email, password))


def _assert_429(r, window=300):
    assert r.status == 429, r
    assert r.problem["title"] == "Too Many Requests"
    ra = r.header("Retry-After")
    assert ra is not None and ra.isdigit(), r.headers
    assert 1 <= int(ra) <= window, ra
    assert not r.header_all("Set-Cookie")


def test_login_limit_per_account(limited):
    """Three failed logins for admin@globex.example, each from a
    different address, lock that account: the fourth attempt, with the
    right password and from yet another address (and with the email in
    capitals), is 429 with Retry-After.  Other accounts still log in."""
    for i in range(3):
        r = _fail(limited, "127.0.2.%d" % (i + 1), "admin@globex.example")
        assert r.status == 401, r
    r = ApiClient(limited.http_port, source_ip="127.0.2.4").post(
        "/auth/login", _login_body(*DEMO_GLOBEX_ADMIN))
    _assert_429(r)
    r = ApiClient(limited.http_port, source_ip="127.0.2.5").post(
        "/auth/login", _login_body("ADMIN@GLOBEX.EXAMPLE", "admin-demo"))
    _assert_429(r)
    ApiClient(limited.http_port, source_ip="127.0.2.6").login(
        *DEMO_ACME_ADMIN)


def test_login_limit_per_address(limited):
    """Three failed logins from one address, each for a different
    (unknown) account, block that address: the operator's right
    password from it is 429; from another address it works."""
    ip = "127.0.3.1"
    for i in range(3):
        r = _fail(limited, ip, "guess%d@nowhere.example" % i)
        assert r.status == 401, r
    r = ApiClient(limited.http_port, source_ip=ip).post(
        "/auth/login", _login_body(*DEMO_OPERATOR))
    _assert_429(r)
    ApiClient(limited.http_port, source_ip="127.0.3.2").login(
        *DEMO_OPERATOR)


def test_failures_below_the_limit_do_not_block(limited):
    """Two failures (one fewer than the limit) for an account, from two
    addresses, do not stop the right password from a third."""
    for i in range(2):
        assert _fail(limited, "127.0.4.%d" % (i + 1),
                     "admin@acme.example").status == 401
    ApiClient(limited.http_port, source_ip="127.0.4.3").login(
        *DEMO_ACME_ADMIN)
