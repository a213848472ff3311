"""REST API isolation, driven by the daemon's own OpenAPI document.

Every documented operation is tried:
  - by globex's admin with acme's ids (and with globex's tenant id but
    acme's user, site and device ids): 404, and acme is unchanged;
  - by a plain acme user on another acme user's record and devices: 404;
  - without a session, or with a forged one: 401;
  - with a session but without the CSRF token: 403;
and the document is checked against what the server answers: every
documented operation exists (never 404/405 with valid ids), every other
method on a documented path is 405 with the right Allow, undocumented
paths are 404.
"""
import itertools
import re

import pytest

from apiclient import ApiClient, DEMO_ACME_ADMIN, DEMO_OPERATOR, client_for
from sipclient import Registration, SipClient

PARAM_RE = re.compile(r"\{([a-z_]+)\}")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def doc(daemon):
    r = ApiClient(daemon.http_port).get("/api/v1/openapi.json")
    assert r.status == 200 and r.content_type == "application/json", r
    d = r.json()
    assert str(d.get("openapi", "")).startswith("3."), d.get("openapi")
    assert d["paths"], d
    return d


def operations(doc):
    """[(METHOD, path template, operation object)] in document order."""
    out = []
    for path, item in doc["paths"].items():
        for m, o in item.items():
            if m.upper() in METHODS:
                out.append((m.upper(), path, o))
    return out


def _schema_name(o):
    try:
        ref = o["requestBody"]["content"]["application/json"]["schema"][
            "$ref"]
    except KeyError:
        return None
    return ref.rsplit("/", 1)[-1]


_n = itertools.count(1)


def example_body(doc, o, ids=None):
    """A valid request body for operation o (None when it takes none):
    hand-written for the schemas these tests know, built from the
    schema's required properties otherwise.  ids (as resolve_ids builds
    them) give a route a trunk of its tenant; without, a route names a
    trunk that does not exist (422), so that the only route using the
    resolved trunk is the resolved route, deleted before the trunk."""
    name = _schema_name(o)
    if name is None:
        return None
    n = next(_n)
    trunk_ids = [v for k, v in (ids or {}).items()
                 if k.endswith("|trunk_id")]
    known = {
        "Tenant": {"slug": "sweep%d" % n, "name": "Sweep %d" % n,
                   "sip_domain": "sweep%d.example" % n},
        "Site": {"name": "Sweep site %d" % n, "country": "FR",
                 "time_zone": "Europe/Paris"},
        "User": {"name": "Sweep user %d" % n,
                 "email": "sweep%d@sweep.example" % n,
                 "password": "sweep-password-%d" % n},
        "Device": {"sip_username": "sweep%d" % n,
                   "password": "sweep-password-%d" % n},
        "Login": {"email": DEMO_OPERATOR[0], "password": DEMO_OPERATOR[1]},
        "Number": {"e164": "+3314567%04d" % n, "label": "sweep %d" % n},
        "Webhook": {"url": "http://127.0.0.1:9/sweep"},
        "NumberRange": {"first": "+3314568%03d0" % n, "count": 3},
        "Trunk": {"name": "sweep trunk %d" % n, "kind": "ip",
                  "proxy": "192.0.2.%d:5060" % (n % 250 + 1),
                  "inbound_addrs": ["192.0.2.0/24"]},
        "Route": {"name": "sweep route %d" % n, "prefix": "+99%d" % n,
                  "trunks": trunk_ids[-1:] or [999999999]},
    }
    if name in known:
        return known[name]
    schema = doc["components"]["schemas"][name]
    body = {}
    for prop in schema.get("required", []):
        p = schema["properties"].get(prop, {})
        t = p.get("type")
        t = t[0] if isinstance(t, list) else t
        if "enum" in p:
            body[prop] = p["enum"][-1]
        elif t == "integer":
            body[prop] = max(1, p.get("minimum", 1))
        elif t == "boolean":
            body[prop] = False
        else:
            body[prop] = "sweep-%s-%d" % (prop, n)
    return body


def _parent(template, name):
    return template[:template.index("{%s}" % name)].rstrip("/")


def fill(template, ids):
    """Put ids into a path template.  ids maps a parameter name to an id,
    or 'parent template|name' to the id to use under that parent (two
    collections may both have a {token_id}, say)."""
    def sub(m):
        name = m.group(1)
        key = _parent(template, name) + "|" + name
        v = ids.get(key, ids.get(name))
        assert v is not None, "no id for {%s} in %s" % (name, template)
        return str(v)
    return PARAM_RE.sub(sub, template)


def resolve_ids(op, doc, ids):
    """Complete ids with an object for every other {x} of the document:
    one the operator creates in its parent collection, else the first
    one listed there, else 1."""
    ids = dict(ids)
    for _, path, _ in operations(doc):
        for name in PARAM_RE.findall(path):
            parent = _parent(path, name)
            key = parent + "|" + name
            if name in ids or key in ids:
                continue
            where = fill(parent, ids)
            post = doc["paths"].get(parent, {}).get("post")
            if post:
                r = op.post(where, example_body(doc, post, ids))
                if r.status == 201:
                    ids[key] = r.json()["id"]
                    continue
            r = op.get(where)
            items = r.json().get("items") if r.status == 200 else None
            ids[key] = items[0]["id"] if items else 1
    return ids


def call(c, method, path, doc, o, **kw):
    body = example_body(doc, o)
    if body is not None:
        kw["body"] = body
    elif method in ("POST", "PATCH"):
        kw["body"] = {}
    return c.request(method, path, **kw)


@pytest.fixture(scope="module")
def acme_ids(op, doc):
    users = op.all_items("/tenants/1/users")
    u1001 = [u for u in users if u["extension"] == "1001"][0]
    dev = op.all_items("/tenants/1/users/%d/devices" % u1001["id"])[0]
    site = op.all_items("/tenants/1/sites")[0]
    return resolve_ids(op, doc, {"tenant_id": 1, "user_id": u1001["id"],
                                 "device_id": dev["id"],
                                 "site_id": site["id"], "kind": "busy"})


def acme_state(op):
    """Everything of acme the operator can see, audit log included."""
    st = {"tenant": op.ok("GET", "/tenants/1"),
          "sites": op.all_items("/tenants/1/sites"),
          "users": op.all_items("/tenants/1/users"),
          "audit": op.all_items("/tenants/1/audit")}
    for u in st["users"]:
        st["devices/%d" % u["id"]] = op.all_items(
            "/tenants/1/users/%d/devices" % u["id"])
    return st


def registers(daemon, user, password, domain="acme.example",
              ip="127.0.0.1"):
    with SipClient(daemon.port, local_ip=ip) as c:
        r = Registration(c, user, domain, password).register(expires=60)
    return r is not None and r.status == 200


# --- the document ---------------------------------------------------------

def test_openapi_document_is_consistent(doc):
    """Every documented operation names each {parameter} of its path as
    a required integer path parameter, has a success response and a
    problem+json default, says who may call it, and lists take limit
    and cursor."""
    ops = operations(doc)
    assert len(ops) >= 27, [(m, p) for m, p, _ in ops]
    for m, path, o in ops:
        assert path.startswith("/api/v1/"), path
        params = {p["name"]: p for p in o.get("parameters", [])}
        for name in PARAM_RE.findall(path):
            assert name in params, (m, path, name)
            assert params[name]["in"] == "path" and params[name]["required"]
        codes = [c for c in o["responses"] if c != "default"]
        assert len(codes) == 1 and codes[0] in ("200", "201", "204"), \
            (m, path, o["responses"])
        assert "application/problem+json" in \
            o["responses"]["default"]["content"], (m, path)
        assert o.get("x-permission"), (m, path)
        assert o.get("operationId"), (m, path)
        if m == "GET" and "List" in str(o["responses"]):
            assert {"limit", "cursor"} <= set(params), (m, path)
    op_ids = [o["operationId"] for _, _, o in ops]
    assert len(op_ids) == len(set(op_ids))


def _wav(seconds=0.5, rate=8000):
    import io
    import wave
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x10\x00" * int(rate * seconds))
    return buf.getvalue()


def test_every_documented_operation_exists(daemon, op, doc):
    """Called by the operator with valid ids (of a tenant made for this
    test) and a valid body, every documented operation answers: never
    404 or 405, never a server error, and a success uses the status the
    document announces (deletes run last, deepest first)."""
    t = op.ok("POST", "/tenants", {"slug": "docs", "name": "Docs",
                                   "sip_domain": "docs.example"})
    tp = "/tenants/%d" % t["id"]
    s = op.ok("POST", tp + "/sites", {"name": "Docs site", "country": "FR",
                                      "time_zone": "Europe/Paris"})
    u = op.ok("POST", tp + "/users", {"name": "Docs user"})
    d = op.ok("POST", "%s/users/%d/devices" % (tp, u["id"]),
              {"sip_username": "docs", "password": "docs-password"})
    # a prompt is uploaded as a WAV body, not JSON: one to work on
    wav = _wav()
    r = op.request("POST", tp + "/prompts?name=docs&language=en", raw=wav,
                   content_type="audio/wav")
    assert r.status == 201, r
    ids = resolve_ids(op, doc, {"tenant_id": t["id"], "site_id": s["id"],
                                "user_id": u["id"], "device_id": d["id"],
                                "kind": "busy"})

    # deletes last, deepest first, and among equals in the reverse order
    # of the document (a route goes before the trunk it names)
    ops = operations(doc)
    order = {id(x[2]): i for i, x in enumerate(ops)}
    ops.sort(key=lambda x: (x[0] == "DELETE",
                            -x[1].count("/") if x[0] == "DELETE" else 0,
                            -order[id(x[2])] if x[0] == "DELETE" else 0))
    bad = []
    for m, path, o in ops:
        c = op
        if "/auth/" in path and m == "POST":
            # logging in or out: in a session of its own, not op's
            c = client_for(daemon, DEMO_OPERATOR)
        if m == "POST" and path.endswith("/prompts"):
            r = c.request(m, fill(path, ids) + "?name=again&language=fr",
                          raw=wav, content_type="audio/wav")
        elif m == "PUT" and "/greetings/" in path:
            r = c.request(m, fill(path, ids), raw=wav,
                          content_type="audio/wav")
        else:
            r = call(c, m, fill(path, ids), doc, o)
        want = int([k for k in o["responses"] if k != "default"][0])
        if ("{recording_id}" in path or "{call_uuid}" in path or
                "{message_id}" in path) and r.status == 404:
            continue   # recordings, calls and voicemail messages come
            # from calls, not the API
        known = _schema_name(o) in (None, "Tenant", "Site", "User",
                                    "Device", "Login")
        if r.status in (404, 405) or r.status >= 500 or \
                (known and r.status != want) or \
                (r.status < 300 and r.status != want):
            bad.append("%s %s -> %d (documented %d) %s"
                       % (m, path, r.status, want, r.body[:100]))
    assert not bad, "\n".join(bad)
    assert op.get(tp).status == 404       # the DELETE did happen


def test_other_methods_on_documented_paths_are_405(op, doc, acme_ids):
    """On every documented path, each method the document does not list
    is 405 problem+json with an Allow header naming exactly the
    documented methods."""
    bad = []
    for path, item in doc["paths"].items():
        documented = {m.upper() for m in item if m.upper() in METHODS}
        for m in set(METHODS) - documented:
            r = op.request(m, fill(path, acme_ids),
                           **({"body": {}} if m != "GET" else {}))
            allow = {x.strip() for x in (r.header("Allow") or "").split(",")
                     if x.strip()}
            if r.status != 405 or allow != documented:
                bad.append("%s %s -> %d Allow=%r (documented %s)"
                           % (m, path, r.status, r.header("Allow"),
                              sorted(documented)))
            elif r.content_type != "application/problem+json":
                bad.append("%s %s: 405 as %s" % (m, path, r.content_type))
    assert not bad, "\n".join(bad)


UNDOCUMENTED = [
    "/api/v1/tenants/1/nope", "/api/v1/tenant", "/api/v1/Tenants",
    "/api/v1/tenants/", "/api/v1/tenants/1/", "/api/v1/tenants//1",
    "/api/v1/tenants/1/users/{u}/devices/{d}/extra",
    "/api/v1/tenants/1/users/{u}/sites", "/api/v1/tenants/1/sites/{s}/users",
    "/api/v1/health/", "/api/v2/health", "/api/v1", "/api/v1/", "/api",
    "/", "/api/v1/users", "/api/v1/devices", "/api/v1/sites",
    "/api/v1/auth", "/api/v1/auth/me/", "/api/v1/openapi.yaml",
    "/api/v1/audit/1", "/api/v1/tenants/1/audit/1",
    "/api/v1/tenants/1/users/{u}/devices/{d}/{d}",
]


def test_undocumented_paths_are_404(op, acme_ids, doc):
    """Paths the document does not list (typos, trailing slashes, extra
    or missing segments, other versions) are 404 problem+json for the
    operator, whatever the method."""
    ids = {"{u}": acme_ids["user_id"], "{d}": acme_ids["device_id"],
           "{s}": acme_ids["site_id"]}
    bad = []
    for p in UNDOCUMENTED:
        for k, v in ids.items():
            p = p.replace(k, str(v))
        assert p not in doc["paths"]
        for m in ("GET", "POST", "DELETE"):
            r = op.request(m, p, **({"body": {}} if m == "POST" else {}))
            if r.status != 404 or \
                    r.content_type != "application/problem+json":
                bad.append("%s %s -> %d %s" % (m, p, r.status, r.body[:80]))
    assert not bad, "\n".join(bad)


# --- another tenant's ids -------------------------------------------------

def _tenant_ops(doc, operator_only):
    return [(m, p, o) for m, p, o in operations(doc)
            if "{tenant_id}" in p and
            (o.get("x-permission") == "operator") == operator_only]


def _sweep(c, doc, ops, ids, expect):
    bad = []
    for m, path, o in ops:
        r = call(c, m, fill(path, ids), doc, o)
        if r.status not in expect:
            bad.append("%s %s -> %d %s" % (m, fill(path, ids), r.status,
                                           r.body[:100]))
        elif r.content_type != "application/problem+json":
            bad.append("%s %s: %d as %s" % (m, path, r.status,
                                            r.content_type))
    return bad


def test_other_tenants_ids_are_404(daemon, op, globex, doc, acme_ids):
    """Globex's admin calling every documented tenant operation with
    acme's ids (tenant 1, acme's user, site, device...) gets 404
    problem+json, never 403 or success; so does every operation with
    globex's own tenant id but acme's user, site or device ids.  Acme is
    unchanged afterwards (configuration, who can log in, audit log)
    and acme's phone 1001 still registers."""
    before = acme_state(op)
    ops = _tenant_ops(doc, operator_only=False)
    assert ops
    bad = _sweep(globex, doc, ops, acme_ids, (404,))
    mixed = dict(acme_ids, tenant_id=2)
    bad += _sweep(globex, doc,
                  [x for x in ops if len(PARAM_RE.findall(x[1])) > 1],
                  mixed, (404,))
    assert not bad, "\n".join(bad)
    assert acme_state(op) == before
    assert registers(daemon, "1001", "pw1001")


def test_operator_only_routes_on_another_tenant_are_404(op, globex, acme,
                                                        doc, acme_ids):
    """Operator-only operations on acme's tenant (change, delete) by
    globex's admin answer 404 like every other operation on another
    tenant's ids (the documented rule: 'another tenant answers 404,
    never 403'); acme's own admin, in their own tenant, may get 403.
    Nothing changes either way."""
    before = acme_state(op)
    ops = _tenant_ops(doc, operator_only=True)
    assert ops
    bad = _sweep(globex, doc, ops, acme_ids, (404,))
    bad += _sweep(acme, doc, ops, dict(acme_ids, tenant_id=2), (404,))
    assert acme_state(op) == before
    assert not bad, "\n".join(bad)


# --- a plain user and another user's things -------------------------------

@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme users: 'plain' (role user) and 'boss' (supervisor) who can log
    in, 'victim' with a device; plain has a device of their own."""
    out = {}
    for key, role, ext in (("plain", "user", "7201"),
                           ("boss", "supervisor", "7202"),
                           ("victim", "user", "7203")):
        u = acme.ok("POST", "/tenants/1/users", {
            "name": key.title(), "email": "%s@acme.example" % key,
            "role": role, "extension": ext,
            "password": "%s-password" % key})
        d = acme.ok("POST", "/tenants/1/users/%d/devices" % u["id"],
                    {"sip_username": ext, "password": "%s-sip-pw" % key})
        out[key] = {"user": u, "device": d}
    for key in ("plain", "boss"):
        c = ApiClient(daemon.http_port)
        c.login("%s@acme.example" % key, "%s-password" % key)
        out[key]["client"] = c
    return out


@pytest.fixture(scope="module")
def victim_ids(op, doc, people, acme_ids):
    v = people["victim"]
    return resolve_ids(op, doc, dict(acme_ids, user_id=v["user"]["id"],
                                     device_id=v["device"]["id"]))


def test_user_cannot_read_or_change_another_users_things(
        daemon, op, doc, people, victim_ids):
    """A plain user reading or changing (every documented GET and PATCH)
    another user's record or devices, in the same tenant, gets 404: the
    other user is not there for them.  Tenant-wide reads are refused
    (403/404), but for those documented as narrowed to one's own records,
    which hold nothing of anyone else's.  Nothing changes: the victim keeps their record and
    device, and their phone still registers."""
    plain = people["plain"]["client"]
    victim = people["victim"]
    ids = victim_ids
    before = acme_state(op)
    ops = [x for x in operations(doc)
           if "{user_id}" in x[1] and x[0] in ("GET", "PATCH")]
    assert len(ops) >= 5, ops
    bad = _sweep(plain, doc, ops, ids, (404,))
    tenant_reads = [x for x in _tenant_ops(doc, False)
                    if "{user_id}" not in x[1] and x[0] == "GET"]
    # lists documented as narrowed to the caller's own records (call
    # records): granted, and nothing of the victim's in them
    own = [x for x in tenant_reads
           if "their own" in x[2].get("x-permission", "")]
    tenant_reads = [x for x in tenant_reads if x not in own]
    bad += _sweep(plain, doc, tenant_reads, ids, (403, 404))
    for m, path, o in own:
        r = call(plain, m, fill(path, ids), doc, o)
        if path.endswith("}") or path.endswith("/audio"):
            # one record of those lists: not one of the caller's
            if r.status != 404:
                bad.append("%s %s -> %d" % (m, fill(path, ids),
                                             r.status))
            continue
        if r.status != 200 or r.json().get("items") != []:
            bad.append("%s %s -> %d %s" % (m, fill(path, ids), r.status,
                                           r.body[:100]))
    # one's own device under another user's path, and the reverse
    own_dev = people["plain"]["device"]["id"]
    for path in ("/tenants/1/users/%d/devices/%d"
                 % (victim["user"]["id"], own_dev),
                 "/tenants/1/users/%d/devices/%d"
                 % (people["plain"]["user"]["id"], victim["device"]["id"])):
        for m in ("GET", "PATCH"):
            r = plain.request(m, path, **({"body": {
                "password": "plain-took-it"}} if m == "PATCH" else {}))
            if r.status != 404:
                bad.append("%s %s -> %d" % (m, path, r.status))
    assert not bad, "\n".join(bad)
    assert acme_state(op) == before
    assert registers(daemon, "7203", "victim-sip-pw")
    assert registers(daemon, "7201", "plain-sip-pw")


def test_user_gets_404_for_admin_operations_on_another_user(
        op, doc, people, victim_ids):
    """The documented rule is that another user's record answers 404:
    that holds for the admin-only operations under another user's path
    too (creating a device for them, deleting their device or them).
    Whatever the answer, nothing changes."""
    plain = people["plain"]["client"]
    before = acme_state(op)
    ops = [x for x in operations(doc)
           if "{user_id}" in x[1] and x[0] not in ("GET", "PATCH")]
    assert ops
    bad = _sweep(plain, doc, ops, victim_ids, (404,))
    assert acme_state(op) == before
    assert not bad, "\n".join(bad)


def test_user_manages_only_their_own_name_language_password(daemon, people):
    """A plain user reads their own record and devices, changes their
    own name and language; any other field of their own record is 400
    naming it; they cannot create or delete devices or delete
    themselves (403)."""
    plain = people["plain"]["client"]
    me = people["plain"]["user"]
    path = "/tenants/1/users/%d" % me["id"]
    assert plain.ok("GET", path)["email"] == "plain@acme.example"
    assert [d["id"] for d in plain.all_items(path + "/devices")] == \
        [people["plain"]["device"]["id"]]
    got = plain.ok("PATCH", path, {"name": "Plain Renamed",
                                   "language": "de"})
    assert got["name"] == "Plain Renamed" and got["language"] == "de"
    for field, value in (("role", "tenant_admin"), ("extension", "7299"),
                         ("email", "boss2@acme.example"),
                         ("site_id", 1), ("fixed_number", "+33145671111")):
        r = plain.patch(path, {field: value})
        assert r.status == 400 and r.field == field, (field, r)
    r = plain.post(path + "/devices", {"sip_username": "7298",
                                       "password": "mine-password"})
    assert r.status == 403, r
    assert plain.delete(path).status == 403
    assert plain.ok("GET", path)["role"] == "user"


def test_supervisor_reads_but_does_not_change_others(op, people):
    """A supervisor can read the tenant's users and another user's
    devices, but changing or deleting another user, or their device, is
    refused (403 or 404) and changes nothing."""
    boss = people["boss"]["client"]
    victim = people["victim"]
    up = "/tenants/1/users/%d" % victim["user"]["id"]
    dp = "%s/devices/%d" % (up, victim["device"]["id"])
    assert boss.ok("GET", up)["name"] == "Victim"
    assert boss.ok("GET", dp)["sip_username"] == "7203"
    before = acme_state(op)
    for m, p, b in (("PATCH", up, {"name": "Boss was here"}),
                    ("DELETE", up, None),
                    ("PATCH", dp, {"password": "boss-chose-this"}),
                    ("DELETE", dp, None),
                    ("POST", "/tenants/1/users", {"name": "By boss"}),
                    ("POST", "/tenants/1/sites", {
                        "name": "By boss", "country": "FR",
                        "time_zone": "Europe/Paris"})):
        r = boss.request(m, p, **({} if b is None else {"body": b}))
        assert r.status in (403, 404), (m, p, r)
    assert acme_state(op) == before


# --- no session, forged session, no CSRF token ----------------------------

def test_every_non_public_operation_needs_a_session(daemon, doc, acme_ids):
    """Every documented operation that is not public answers 401
    problem+json without a session cookie and with a forged one; the
    public ones (health, the document, login) do not."""
    ops = operations(doc)
    bad = []
    for cookie in (None, "f" * 64):
        c = ApiClient(daemon.http_port)
        c.set_session_cookie(cookie)
        for m, path, o in ops:
            public = o.get("security") == []
            if path.endswith("/auth/login"):
                continue            # a login attempt; checked elsewhere
            r = call(c, m, fill(path, acme_ids), doc, o)
            if public and r.status == 401 or \
                    not public and r.status != 401:
                bad.append("%s %s cookie=%s -> %d" % (m, path, cookie,
                                                      r.status))
    assert not bad, "\n".join(bad)


def test_every_change_needs_the_csrf_token(op, doc, acme_ids):
    """With the operator's session cookie but no X-CSRF-Token, every
    documented POST, PATCH and DELETE (login aside) is 403 naming the
    header, and acme is unchanged."""
    before = acme_state(op)
    bad = []
    for m, path, o in operations(doc):
        if m == "GET" or path.endswith("/auth/login"):
            continue
        r = call(op, m, fill(path, acme_ids), doc, o, csrf=False)
        if r.status != 403 or r.field != "X-CSRF-Token":
            bad.append("%s %s -> %d %s" % (m, path, r.status, r.body[:80]))
    assert not bad, "\n".join(bad)
    assert acme_state(op) == before
    assert op.get("/auth/me").status == 200


# --- sessions and logins across tenants -----------------------------------

def test_deleting_a_tenant_ends_its_sessions(daemon, op):
    """When the operator deletes a tenant, its admin's open session stops
    working at once (401)."""
    t = op.ok("POST", "/tenants", {"slug": "doomed", "name": "Doomed",
                                   "sip_domain": "doomed.example"})
    op.ok("POST", "/tenants/%d/users" % t["id"], {
        "name": "Doomed admin", "email": "admin@doomed.example",
        "role": "tenant_admin", "password": "doomed-password"})
    c = client_for(daemon, ("admin@doomed.example", "doomed-password"))
    assert c.get("/tenants/%d/users" % t["id"]).status == 200
    op.ok("DELETE", "/tenants/%d" % t["id"])
    assert c.get("/auth/me").status == 401
    assert c.get("/tenants/%d/users" % t["id"]).status == 401


def test_another_tenant_cannot_take_over_a_login_email(daemon, globex):
    """Globex's admin giving a globex user acme's admin email (with a
    password) must neither lock acme's admin out nor let the globex
    user log in as that email into acme: afterwards acme's admin still
    logs in with their password, into acme, and the impostor password
    does not log in.  (Runs last: if it fails, acme's admin can no
    longer log in on this daemon.)"""
    r = globex.post("/tenants/2/users", {
        "name": "Impostor", "email": "admin@acme.example",
        "password": "impostor-password"})
    assert r.status in (201, 409), r
    c = ApiClient(daemon.http_port, source_ip="127.0.6.2")
    r2 = c.post("/auth/login", {"email": DEMO_ACME_ADMIN[0],
                                "password": DEMO_ACME_ADMIN[1]})
    assert r2.status == 200, (
        "acme's admin cannot log in after globex created a user with "
        "the same email (creation answered %d): %r" % (r.status, r2))
    assert r2.json()["tenant_id"] == 1
    r3 = ApiClient(daemon.http_port, source_ip="127.0.6.3").post(
        "/auth/login", {"email": DEMO_ACME_ADMIN[0],
                        "password": "impostor-password"})
    assert r3.status == 401, r3
