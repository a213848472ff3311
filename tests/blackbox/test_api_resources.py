"""REST API resources: tenants, sites, users, devices, audit.

Create, read, change, delete; every class of bad input (unknown fields,
wrong types, missing fields, malformed JSON, wrong or missing
Content-Type, oversized bodies, rule violations); SQL metacharacters in
every text field; garbage ids in paths; pagination; the audit trail.

One demo daemon serves the module; each test makes its own objects
(names unique to the test) so that tests do not depend on each other.
"""
import hashlib
import json
import time

import pytest

from apiclient import ApiClient, DEMO_OPERATOR
from sipclient import Registration, SipClient

ACME, GLOBEX = 1, 2


@pytest.fixture(scope="module")
def ids(op):
    """Ids of a few demo objects, looked up rather than assumed."""
    users = op.all_items("/tenants/1/users")
    by_ext = {u["extension"]: u for u in users if u["extension"]}
    u1001 = by_ext["1001"]
    dev = op.all_items("/tenants/1/users/%d/devices" % u1001["id"])[0]
    sites = {s["name"]: s["id"] for s in op.all_items("/tenants/1/sites")}
    gsites = {s["name"]: s["id"] for s in op.all_items("/tenants/2/sites")}
    return {"user1001": u1001["id"], "device1001": dev["id"],
            "paris": sites["Paris"], "montreal": sites["Montreal"],
            "berlin": gsites["Berlin"]}


def snapshot(op):
    """Everything the operator can see, for 'nothing changed' checks."""
    snap = {"tenants": op.all_items("/tenants")}
    for t in snap["tenants"]:
        tid = t["id"]
        snap["sites/%d" % tid] = op.all_items("/tenants/%d/sites" % tid)
        users = op.all_items("/tenants/%d/users" % tid)
        snap["users/%d" % tid] = users
        for u in users:
            snap["devices/%d/%d" % (tid, u["id"])] = op.all_items(
                "/tenants/%d/users/%d/devices" % (tid, u["id"]))
    return snap


_seq = [0]


def unique(prefix):
    _seq[0] += 1
    return "%s%d" % (prefix, _seq[0])


def new_tenant(op, **over):
    slug = unique("t")
    body = {"slug": slug, "name": "Tenant %s" % slug,
            "sip_domain": "%s.example" % slug}
    body.update(over)
    return op.ok("POST", "/tenants", body)


# --- tenants --------------------------------------------------------------

def test_tenant_lifecycle(op, acme):
    """The operator creates a tenant (201, Location, every field echoed),
    reads it back at the Location, finds it in the list, changes it,
    deletes it (204), after which it is 404 to every method and gone
    from the list.  Acme's admin cannot see it at any time."""
    body = {"slug": "initrode", "name": "Initrode Ltd",
            "sip_domain": "initrode.example",
            "digest_algorithms": "SHA-256,MD5", "max_users": 50,
            "max_calls": 10}
    r = op.post("/tenants", body)
    assert r.status == 201, r
    t = r.json()
    assert t == dict(body, id=t["id"], language="en",
                     recording_retention_days=0), t
    loc = r.header("Location")
    assert loc == "/api/v1/tenants/%d" % t["id"], loc
    assert op.ok("GET", loc) == t
    assert t in op.all_items("/tenants")
    assert acme.get(loc).status == 404

    t2 = op.ok("PATCH", loc, {"name": "Initrode Group", "max_users": 0})
    assert t2 == dict(t, name="Initrode Group", max_users=0)
    assert op.ok("GET", loc) == t2

    op.ok("DELETE", loc)
    for method, b in (("GET", None), ("PATCH", {"name": "x"}),
                      ("DELETE", None)):
        kw = {} if b is None else {"body": b}
        r = op.request(method, loc, **kw)
        assert r.status == 404, r
        assert r.problem["status"] == 404
    assert t["id"] not in {x["id"] for x in op.all_items("/tenants")}


def test_tenant_defaults(op):
    """A tenant created with only slug, name and domain has no algorithm
    override and no limits (0)."""
    t = new_tenant(op)
    assert t["digest_algorithms"] == ""
    assert t["max_users"] == 0 and t["max_calls"] == 0


def test_tenant_duplicates_are_409_naming_the_field(op):
    """A second tenant with acme's slug, or with acme's SIP domain, is
    409 naming slug or sip_domain; renaming a tenant's domain to acme's
    is 409 too; nothing is created or changed."""
    before = op.all_items("/tenants")
    r = op.post("/tenants", {"slug": "acme", "name": "Acme 2",
                             "sip_domain": "acme2.example"})
    assert r.status == 409 and r.field == "slug", r
    r = op.post("/tenants", {"slug": "acme2", "name": "Acme 2",
                             "sip_domain": "acme.example"})
    assert r.status == 409 and r.field == "sip_domain", r
    assert op.all_items("/tenants") == before
    t = new_tenant(op)
    r = op.patch("/tenants/%d" % t["id"], {"sip_domain": "acme.example"})
    assert r.status == 409 and r.field == "sip_domain", r
    r = op.patch("/tenants/%d" % t["id"], {"slug": "globex"})
    assert r.status == 409 and r.field == "slug", r
    assert op.ok("GET", "/tenants/%d" % t["id"]) == t


TENANT_BAD = [
    ({"slug": None}, "slug"),
    ({"name": None}, "name"),
    ({"sip_domain": None}, "sip_domain"),
    ({"slug": ""}, "slug"),
    ({"slug": "Upper"}, "slug"),
    ({"slug": "with space"}, "slug"),
    ({"slug": "s" * 64}, "slug"),
    ({"name": ""}, "name"),
    ({"name": "n" * 128}, "name"),
    ({"name": 12}, "name"),
    ({"name": ["a"]}, "name"),
    ({"name": "tab\there"}, "name"),
    ({"name": "nul\u0000here"}, ("name", None)),
    ({"sip_domain": ".leading.example"}, "sip_domain"),
    ({"sip_domain": "double..dot.example"}, "sip_domain"),
    ({"sip_domain": "UPPER.example"}, "sip_domain"),
    ({"sip_domain": "under_score.example"}, "sip_domain"),
    ({"sip_domain": "d" * 254}, "sip_domain"),
    ({"digest_algorithms": "SHA-1"}, "digest_algorithms"),
    ({"digest_algorithms": "MD5,RC4"}, "digest_algorithms"),
    ({"digest_algorithms": 5}, "digest_algorithms"),
    ({"max_users": -1}, "max_users"),
    ({"max_users": 1000001}, "max_users"),
    ({"max_users": "10"}, "max_users"),
    ({"max_users": 1.5}, "max_users"),
    ({"max_users": True}, "max_users"),
    ({"max_calls": -5}, "max_calls"),
    ({"max_calls": 2 ** 63}, ("max_calls", None)),
    ({"id": 77}, "id"),
    ({"owner": "me"}, "owner"),
]


@pytest.mark.parametrize("over,field", TENANT_BAD,
                         ids=[str(f) + ":" + json.dumps(o)[:30]
                              for o, f in TENANT_BAD])
def test_tenant_validation(op, over, field):
    """Each invalid tenant body is 400 problem+json naming the field at
    fault (a NUL character or an integer past 64 bits may also be
    refused as malformed JSON, naming no field), and no tenant is
    created."""
    slug = unique("bad")
    body = {"slug": slug, "name": "Bad", "sip_domain": slug + ".example"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    before = len(op.all_items("/tenants"))
    r = op.post("/tenants", body)
    assert r.status == 400, r
    assert r.field in (field if isinstance(field, tuple) else (field,)), \
        r.problem
    assert len(op.all_items("/tenants")) == before


def test_max_users_is_enforced(op):
    """A tenant created with max_users=2 accepts two users; a third is
    refused (4xx, naming no success) and is not created; raising the
    limit lets it in."""
    t = new_tenant(op, max_users=2)
    up = "/tenants/%d/users" % t["id"]
    op.ok("POST", up, {"name": "First"})
    op.ok("POST", up, {"name": "Second"})
    r = op.post(up, {"name": "Third"})
    assert 400 <= r.status < 500, (
        "a third user in a tenant limited to 2: %r" % r)
    assert r.problem["status"] == r.status
    assert len(op.all_items(up)) == 2
    op.ok("PATCH", "/tenants/%d" % t["id"], {"max_users": 3})
    op.ok("POST", up, {"name": "Third"})


def test_only_the_operator_manages_tenants(acme, op):
    """A tenant admin may read their own tenant but not list, create,
    change or delete tenants (403); their tenant is unchanged."""
    before = op.ok("GET", "/tenants/1")
    assert acme.ok("GET", "/tenants/1") == before
    assert acme.get("/tenants").status == 403
    r = acme.post("/tenants", {"slug": "mine", "name": "Mine",
                               "sip_domain": "mine.example"})
    assert r.status == 403, r
    assert acme.patch("/tenants/1", {"max_users": 99999}).status == 403
    assert acme.delete("/tenants/1").status == 403
    assert op.ok("GET", "/tenants/1") == before
    assert "mine" not in {t["slug"] for t in op.all_items("/tenants")}


# --- request bodies, whatever the resource --------------------------------

def _count(op, what):
    return len(op.all_items(what))


BODY_CASES = [
    ("malformed", {"raw": b'{"name": "x", '}, 400),
    ("not an object", {"raw": b'["name", "x"]'}, 400),
    ("null", {"raw": b"null"}, 400),
    ("string", {"raw": b'"name"'}, 400),
    ("empty", {"raw": b""}, 400),
    ("duplicate keys", {"raw": b'{"name": "a", "name": "b"}'}, 400),
    ("trailing garbage", {"raw": b'{"name": "a"} x'}, 400),
    ("deeply nested", {"raw": b'{"name": ' + b"[" * 30000 + b"]" * 30000
                       + b"}"}, 400),
    ("not utf-8", {"raw": b'{"name": "\xff\xfe"}'}, 400),
    ("text/plain", {"raw": b'{"name": "x"}', "content_type": "text/plain"},
     415),
    ("no content-type", {"raw": b'{"name": "x"}', "content_type": None}, 415),
    ("form", {"raw": b"name=x",
              "content_type": "application/x-www-form-urlencoded"}, 415),
    ("too large", {"raw": b'{"name": "' + b"x" * 70000 + b'"}'}, 413),
    ("much too large", {"raw": b'{"name": "' + b"x" * 400000 + b'"}'}, 413),
]


def _body_targets(ids):
    """(method, path, list that must not change) for each kind of write."""
    u, d = ids["user1001"], ids["device1001"]
    return [
        ("POST", "/tenants", "/tenants"),
        ("PATCH", "/tenants/1", "/tenants"),
        ("POST", "/tenants/1/sites", "/tenants/1/sites"),
        ("PATCH", "/tenants/1/sites/%d" % ids["paris"], "/tenants/1/sites"),
        ("POST", "/tenants/1/users", "/tenants/1/users"),
        ("PATCH", "/tenants/1/users/%d" % u, "/tenants/1/users"),
        ("POST", "/tenants/1/users/%d/devices" % u,
         "/tenants/1/users/%d/devices" % u),
        ("PATCH", "/tenants/1/users/%d/devices/%d" % (u, d),
         "/tenants/1/users/%d/devices" % u),
    ]


@pytest.mark.parametrize("case,kw,status", BODY_CASES,
                         ids=[c[0] for c in BODY_CASES])
def test_bad_bodies_are_refused_everywhere(op, ids, case, kw, status):
    """Every create and change endpoint refuses the same bad bodies the
    same way: malformed or non-object JSON, duplicate keys, invalid
    UTF-8 -> 400; a Content-Type other than application/json, or none
    -> 415; a body over http.max_body_bytes -> 413; always
    problem+json, and nothing is created or changed."""
    for method, path, listing in _body_targets(ids):
        before = op.all_items(listing)
        r = op.request(method, path, **kw)
        assert r.status == status, (method, path, r)
        assert r.problem["status"] == status
        assert op.all_items(listing) == before, (method, path)


def test_json_content_type_with_charset_is_accepted(op):
    """'application/json; charset=utf-8' is JSON too."""
    slug = unique("cs")
    r = op.post("/tenants", {"slug": slug, "name": "Charset",
                             "sip_domain": slug + ".example"},
                content_type="application/json; charset=utf-8")
    assert r.status == 201, r


def test_content_type_is_matched_as_a_media_type(op):
    """Content-Type is compared as a media type: the type and subtype
    are case-insensitive (RFC 9110), parameters may follow, but other
    media types that merely start with 'application/json' are 415."""
    bad = []
    for ct, want in (("Application/JSON", 201),
                     ("application/json;charset=UTF-8", 201),
                     ("application/jsonx", 415),
                     ("application/json-seq", 415),
                     ("application/json5", 415)):
        slug = unique("ct")
        r = op.post("/tenants", {"slug": slug, "name": "CT",
                                 "sip_domain": slug + ".example"},
                    content_type=ct)
        if r.status != want:
            bad.append("%s -> %d (wanted %d)" % (ct, r.status, want))
    assert not bad, "\n".join(bad)


def test_body_size_limit_is_exact(op):
    """A body of exactly http.max_body_bytes (65536) is accepted; one
    byte more is 413 and nothing is created."""
    for size, want in ((65536, 201), (65537, 413)):
        slug = unique("size")
        b = json.dumps({"slug": slug, "name": "Size",
                        "sip_domain": slug + ".example"})
        raw = b[:-1] + " " * (size - len(b)) + "}"
        assert len(raw) == size
        r = op.post("/tenants", raw=raw.encode())
        assert r.status == want, (size, r)
        assert (slug in {t["slug"] for t in op.all_items("/tenants")}) == \
            (want == 201)


def test_unicode_names_round_trip(acme):
    """Non-ASCII names (accents, CJK, emoji) are stored and read back
    exactly."""
    name = "Zo\u00e9 \u5f20\u4f1f \U0001F4DE"
    s = acme.ok("POST", "/tenants/1/sites", {"name": name, "country": "FR",
                                             "time_zone": "Europe/Paris"})
    assert s["name"] == name
    assert acme.ok("GET", "/tenants/1/sites/%d" % s["id"])["name"] == name
    u = acme.ok("POST", "/tenants/1/users", {"name": name})
    assert acme.ok("GET", "/tenants/1/users/%d" % u["id"])["name"] == name


# --- sites ----------------------------------------------------------------

def test_site_lifecycle(acme, globex):
    """Acme's admin creates a site (201, Location, defaults language en,
    4-digit extensions, outside prefix 0), reads, lists, changes and
    deletes it; a duplicate name is 409 naming name; globex's admin
    never sees it."""
    r = acme.post("/tenants/1/sites", {"name": "Lyon", "country": "FR",
                                       "time_zone": "Europe/Paris"})
    assert r.status == 201, r
    s = r.json()
    assert r.header("Location") == "/api/v1/tenants/1/sites/%d" % s["id"]
    assert s == {"id": s["id"], "name": "Lyon", "country": "FR",
                 "time_zone": "Europe/Paris", "language": "en",
                 "extension_length": 4, "outside_prefix": "0"}
    loc = r.header("Location")
    assert acme.ok("GET", loc) == s
    assert s in acme.all_items("/tenants/1/sites")
    assert globex.get(loc).status == 404

    r = acme.post("/tenants/1/sites", {"name": "Lyon", "country": "FR",
                                       "time_zone": "Europe/Paris"})
    assert r.status == 409 and r.field == "name", r

    s2 = acme.ok("PATCH", loc, {"time_zone": "America/Montreal",
                                "country": "CA", "language": "fr",
                                "extension_length": 6,
                                "outside_prefix": "9"})
    assert s2 == dict(s, time_zone="America/Montreal", country="CA",
                      language="fr", extension_length=6, outside_prefix="9")
    r = acme.patch(loc, {"name": "Paris"})
    assert r.status == 409 and r.field == "name", r
    assert acme.ok("GET", loc) == s2

    acme.ok("DELETE", loc)
    assert acme.get(loc).status == 404
    assert acme.delete(loc).status == 404


SITE_BAD = [
    ({"name": None}, "name"),
    ({"country": None}, "country"),
    ({"time_zone": None}, "time_zone"),
    ({"name": ""}, "name"),
    ({"country": "fr"}, "country"),
    ({"country": "FRA"}, "country"),
    ({"country": "F1"}, "country"),
    ({"country": 33}, "country"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"time_zone": "Europe"}, "time_zone"),
    ({"time_zone": "../../../etc/passwd"}, "time_zone"),
    ({"time_zone": "/etc/localtime"}, "time_zone"),
    ({"time_zone": "Europe/../Europe/Paris"}, "time_zone"),
    ({"time_zone": "europe/paris"}, "time_zone"),
    ({"language": "eng"}, "language"),
    ({"language": "EN"}, "language"),
    ({"extension_length": 1}, "extension_length"),
    ({"extension_length": 9}, "extension_length"),
    ({"extension_length": "4"}, "extension_length"),
    ({"outside_prefix": "0000"}, "outside_prefix"),
    ({"outside_prefix": "a"}, "outside_prefix"),
    ({"outside_prefix": 0}, "outside_prefix"),
    ({"tenant_id": 2}, "tenant_id"),
]


@pytest.mark.parametrize("over,field", SITE_BAD,
                         ids=[f + ":" + json.dumps(o)[:30]
                              for o, f in SITE_BAD])
def test_site_validation(acme, ids, over, field):
    """Each invalid site (missing field, lower-case or 3-letter country,
    time zone not in /usr/share/zoneinfo or a path, bad language,
    extension length outside 2..8, prefix over 3 digits, read-only or
    unknown field) is 400 naming the field, on create and on change."""
    body = {"name": unique("Site "), "country": "FR",
            "time_zone": "Europe/Paris"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    before = acme.all_items("/tenants/1/sites")
    r = acme.post("/tenants/1/sites", body)
    assert r.status == 400, r
    assert r.field == field, r.problem
    if None not in over.values():          # a change, not a missing field
        r = acme.patch("/tenants/1/sites/%d" % ids["paris"], over)
        assert r.status == 400, r
        assert r.field == field, r.problem
    assert acme.all_items("/tenants/1/sites") == before


# --- users ----------------------------------------------------------------

def test_user_lifecycle(acme, globex, ids):
    """Acme's admin creates a user with every field (201, Location; the
    password is never echoed, can_log_in says one is set), reads,
    lists, changes, clears optional fields with null, deletes (204,
    then 404); globex's admin never sees the user."""
    body = {"name": "Ada Lovelace", "email": "ada@acme.example",
            "role": "supervisor", "site_id": ids["paris"],
            "extension": "4242", "language": "fr",
            "fixed_number": "+33145671234", "mobile_number": "+33612345678",
            "password": "ada-secret-1"}
    r = acme.post("/tenants/1/users", body)
    assert r.status == 201, r
    u = r.json()
    loc = r.header("Location")
    assert loc == "/api/v1/tenants/1/users/%d" % u["id"]
    expect = {k: v for k, v in body.items() if k != "password"}
    expect.update(id=u["id"], can_log_in=True)
    assert u == expect
    assert b"ada-secret-1" not in r.body and b"argon2" not in r.body
    got = acme.get(loc)
    assert got.json() == u and b"argon2" not in got.body
    assert u in acme.all_items("/tenants/1/users")
    assert globex.get(loc).status == 404
    assert globex.get("/tenants/2/users/%d" % u["id"]).status == 404

    u2 = acme.ok("PATCH", loc, {"name": "Ada King", "role": "agent",
                                "site_id": ids["montreal"],
                                "extension": "4243"})
    assert u2 == dict(u, name="Ada King", role="agent",
                      site_id=ids["montreal"], extension="4243")
    u3 = acme.ok("PATCH", loc, {"extension": None, "site_id": None})
    assert u3["extension"] is None and u3["site_id"] is None
    assert acme.ok("GET", loc) == u3

    acme.ok("DELETE", loc)
    assert acme.get(loc).status == 404
    assert acme.delete(loc).status == 404
    assert u["id"] not in {x["id"] for x in acme.all_items(
        "/tenants/1/users")}


def test_user_numbers_can_be_cleared_with_null(acme):
    """fixed_number and mobile_number are nullable: PATCH with null
    clears them, like extension and site_id."""
    u = acme.ok("POST", "/tenants/1/users", {
        "name": "Numbers", "fixed_number": "+33145670000",
        "mobile_number": "+33600000000"})
    loc = "/tenants/1/users/%d" % u["id"]
    got = acme.ok("PATCH", loc, {"fixed_number": None,
                                 "mobile_number": None})
    assert got["fixed_number"] is None and got["mobile_number"] is None, got
    assert acme.ok("GET", loc)["fixed_number"] is None


def test_user_defaults(acme):
    """A user created with a name only is a plain 'user' without email,
    extension, site or numbers, and cannot log in."""
    u = acme.ok("POST", "/tenants/1/users", {"name": "Name Only"})
    assert u["role"] == "user"
    assert u["can_log_in"] is False
    for k in ("extension", "site_id", "fixed_number", "mobile_number"):
        assert u[k] is None, (k, u)
    assert u["email"] in (None, ""), u


def test_user_duplicates_are_409_naming_the_field(acme, ids):
    """Another acme user with extension 1001 is 409 naming extension;
    one with 1001's email (and a free extension) is 409 naming email;
    the same extension in another tenant is fine."""
    before = acme.all_items("/tenants/1/users")
    r = acme.post("/tenants/1/users", {"name": "Dup ext",
                                       "extension": "1001"})
    assert r.status == 409 and r.field == "extension", r
    r = acme.post("/tenants/1/users", {"name": "Dup email",
                                       "email": "1001@acme.example"})
    assert r.status == 409 and r.field == "email", r
    r = acme.post("/tenants/1/users", {"name": "Dup email, new ext",
                                       "email": "1001@acme.example",
                                       "extension": "7101"})
    assert r.status == 409, r
    assert r.field == "email", (
        "the conflict is on email, the answer names %r: %r"
        % (r.field, r.problem))
    r = acme.patch("/tenants/1/users/%d" % ids["user1001"],
                   {"extension": "1002"})
    assert r.status == 409 and r.field == "extension", r
    assert acme.all_items("/tenants/1/users") == before


def test_same_extension_in_another_tenant_is_fine(globex):
    """Extensions are per tenant: globex may have a 1001 too."""
    u = globex.ok("POST", "/tenants/2/users", {"name": "Globex 1001",
                                               "extension": "1001"})
    assert u["extension"] == "1001"


USER_BAD = [
    ({"name": None}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 128}, "name"),
    ({"name": "line\nbreak"}, "name"),
    ({"role": "operator"}, "role"),
    ({"role": "admin"}, "role"),
    ({"role": "Tenant_Admin"}, "role"),
    ({"role": ""}, "role"),
    ({"role": 3}, "role"),
    ({"extension": "1"}, "extension"),
    ({"extension": "123456789"}, "extension"),
    ({"extension": "12a4"}, "extension"),
    ({"extension": "+123"}, "extension"),
    ({"extension": 1234}, "extension"),
    ({"email": "no-at-sign"}, "email"),
    ({"email": "two@at@acme.example"}, "email"),
    ({"email": "@acme.example"}, "email"),
    ({"email": "trailing@"}, "email"),
    ({"email": "sp ace@acme.example"}, "email"),
    ({"email": "e" * 250 + "@a.ex"}, "email"),
    ({"fixed_number": "0145671234"}, "fixed_number"),
    ({"fixed_number": "+0145671234"}, "fixed_number"),
    ({"fixed_number": "+33 1 45 67"}, "fixed_number"),
    ({"fixed_number": "+3314567123456789"}, "fixed_number"),
    ({"fixed_number": "+123456"}, "fixed_number"),
    ({"mobile_number": "+33-6-12-34"}, "mobile_number"),
    ({"mobile_number": "33612345678"}, "mobile_number"),
    ({"mobile_number": 33612345678}, "mobile_number"),
    ({"site_id": 0}, "site_id"),
    ({"site_id": -3}, "site_id"),
    ({"site_id": "1"}, "site_id"),
    ({"site_id": 999999}, "site_id"),
    ({"site_id": "berlin"}, "site_id"),
    ({"language": "fra"}, "language"),
    ({"language": "FR"}, "language"),
    ({"password": "short7!", "email": "pw1@acme.example"}, "password"),
    ({"password": "p" * 129, "email": "pw2@acme.example"}, "password"),
    ({"password": 12345678, "email": "pw3@acme.example"}, "password"),
    ({"password": "long-enough-password"}, "email"),
    ({"can_log_in": True}, "can_log_in"),
    ({"id": 5}, "id"),
    ({"tenant_id": 2}, "tenant_id"),
    ({"password_hash": "$argon2id$v=19$m=65536,t=2,p=1$x$y"},
     "password_hash"),
]


@pytest.mark.parametrize("over,field", USER_BAD,
                         ids=[f + ":" + json.dumps(o)[:30]
                              for o, f in USER_BAD])
def test_user_validation(acme, ids, over, field):
    """Each invalid user (missing or overlong name, unknown role, bad
    extension, email, E.164 number, site id or language, a password out
    of 8..128 or without an email, read-only or unknown fields) is 400
    naming the field, and nobody is created."""
    if "berlin" in json.dumps(over):
        over = {"site_id": ids["berlin"]}    # globex's site
    body = {"name": "Valid Name"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    before = len(acme.all_items("/tenants/1/users"))
    r = acme.post("/tenants/1/users", body)
    assert r.status == 400, r
    assert r.field == field, r.problem
    assert len(acme.all_items("/tenants/1/users")) == before


def test_user_cannot_be_put_on_another_tenants_site(acme, op, ids):
    """Acme's admin cannot attach a user to globex's Berlin site, on
    create or change (400 site_id); the user keeps their site."""
    r = acme.post("/tenants/1/users", {"name": "Traveller",
                                       "site_id": ids["berlin"]})
    assert r.status == 400 and r.field == "site_id", r
    u = "/tenants/1/users/%d" % ids["user1001"]
    before = op.ok("GET", u)
    r = acme.patch(u, {"site_id": ids["berlin"]})
    assert r.status == 400 and r.field == "site_id", r
    assert op.ok("GET", u) == before


def test_emails_differing_in_case_do_not_lock_out_a_user(daemon, acme):
    """Logins match email without regard to case.  Once Bob
    (Bob.Case@acme.example) can log in, adding another acme user as
    bob.case@acme.example must not stop Bob from logging in: the
    daemon either refuses the look-alike (409 email) or keeps Bob's
    login working."""
    acme.ok("POST", "/tenants/1/users", {
        "name": "Bob", "email": "Bob.Case@acme.example",
        "password": "bob-password-1"})
    ApiClient(daemon.http_port).login("bob.case@acme.example",
                                      "bob-password-1")
    r = acme.post("/tenants/1/users", {"name": "Other Bob",
                                       "email": "bob.case@acme.example"})
    assert r.status in (201, 409), r
    if r.status == 409:
        assert r.field == "email"
    c = ApiClient(daemon.http_port, source_ip="127.0.5.1")
    r2 = c.post("/auth/login", {"email": "Bob.Case@acme.example",
                                "password": "bob-password-1"})
    assert r2.status == 200, (
        "Bob is locked out after %s created a look-alike email (answer "
        "to the creation: %d): %r" % ("acme's admin", r.status, r2))


# --- devices --------------------------------------------------------------

def test_device_lifecycle(acme, globex, daemon):
    """Acme's admin gives a user a device (201, Location; no password or
    digest in any answer), lists, reads, changes its password, renames
    it (which needs a password), deletes it (204, then 404).  A device
    is only reachable under its own user; globex never sees it."""
    u = acme.ok("POST", "/tenants/1/users", {"name": "Dev Owner",
                                             "extension": "5101"})
    other = acme.ok("POST", "/tenants/1/users", {"name": "Dev Other",
                                                 "extension": "5102"})
    base = "/tenants/1/users/%d/devices" % u["id"]
    r = acme.post(base, {"sip_username": "5101", "password": "dev-pass-1"})
    assert r.status == 201, r
    d = r.json()
    assert d == {"id": d["id"], "user_id": u["id"], "sip_username": "5101",
                 "dtmf_mode": "rfc4733"}
    loc = r.header("Location")
    assert loc == "/api/v1%s/%d" % (base, d["id"])
    ha1 = hashlib.md5(b"5101:acme.example:dev-pass-1").hexdigest()
    for resp in (r, acme.get(loc), acme.get(base)):
        assert b"dev-pass-1" not in resp.body
        assert ha1.encode() not in resp.body
    assert acme.ok("GET", loc) == d
    assert acme.all_items(base) == [d]

    wrong = "/tenants/1/users/%d/devices/%d" % (other["id"], d["id"])
    for m in ("GET", "PATCH", "DELETE"):
        kw = {"body": {"password": "x" * 10}} if m == "PATCH" else {}
        assert acme.request(m, wrong, **kw).status == 404, m
    assert globex.get(loc).status == 404

    assert acme.ok("PATCH", loc, {"password": "dev-pass-2"}) == d
    r = acme.patch(loc, {"sip_username": "5101b"})
    assert r.status == 400 and r.field == "password", r
    d2 = acme.ok("PATCH", loc, {"sip_username": "5101b",
                                "password": "dev-pass-3"})
    assert d2 == dict(d, sip_username="5101b")
    # how the phone takes DTMF: one of three modes, nothing else
    d3 = acme.ok("PATCH", loc, {"dtmf_mode": "info"})
    assert d3 == dict(d2, dtmf_mode="info")
    r = acme.patch(loc, {"dtmf_mode": "smoke-signals"})
    assert r.status in (400, 422) and r.field == "dtmf_mode", r
    assert acme.ok("GET", loc) == d3

    acme.ok("DELETE", loc)
    assert acme.get(loc).status == 404
    assert acme.all_items(base) == []


def test_device_username_unique_per_tenant(acme, globex, ids):
    """A second acme device named 1001 is 409 naming sip_username (on
    create and on rename); globex may have its own 1001."""
    u = acme.ok("POST", "/tenants/1/users", {"name": "Dup Dev"})
    base = "/tenants/1/users/%d/devices" % u["id"]
    r = acme.post(base, {"sip_username": "1001", "password": "password-1"})
    assert r.status == 409 and r.field == "sip_username", r
    d = acme.ok("POST", base, {"sip_username": "dupdev",
                               "password": "password-1"})
    r = acme.patch("%s/%d" % (base, d["id"]), {"sip_username": "1002",
                                               "password": "password-2"})
    assert r.status == 409 and r.field == "sip_username", r
    assert acme.all_items(base) == [d]
    g = globex.ok("POST", "/tenants/2/users", {"name": "G dev"})
    globex.ok("POST", "/tenants/2/users/%d/devices" % g["id"],
              {"sip_username": "1001", "password": "password-1"})


DEVICE_BAD = [
    ({"sip_username": None}, "sip_username"),
    ({"password": None}, "password"),
    ({"sip_username": ""}, "sip_username"),
    ({"sip_username": "with space"}, "sip_username"),
    ({"sip_username": "at@sign"}, "sip_username"),
    ({"sip_username": "semi;colon"}, "sip_username"),
    ({"sip_username": "u" * 64}, "sip_username"),
    ({"sip_username": 1001}, "sip_username"),
    ({"password": "seven77"}, "password"),
    ({"password": "p" * 65}, "password"),
    ({"password": "with\rcr-inside"}, "password"),
    ({"password": 123456789}, "password"),
    ({"ha1_md5": "0" * 32}, "ha1_md5"),
    ({"user_id": 3}, "user_id"),
]


@pytest.mark.parametrize("over,field", DEVICE_BAD,
                         ids=[f + ":" + json.dumps(o)[:30]
                              for o, f in DEVICE_BAD])
def test_device_validation(acme, ids, over, field):
    """Each invalid device (missing field, a username with characters
    outside [A-Za-z0-9._+-] or over 63, a password outside 8..64, an
    unknown or read-only field) is 400 naming the field."""
    base = "/tenants/1/users/%d/devices" % ids["user1001"]
    body = {"sip_username": unique("dv"), "password": "good-password"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    before = acme.all_items(base)
    r = acme.post(base, body)
    assert r.status == 400, r
    assert r.field == field, r.problem
    assert acme.all_items(base) == before


# --- SQL metacharacters ---------------------------------------------------

INJECTIONS = [
    "x'); DROP TABLE users;--",
    "' OR '1'='1",
    "\"; DELETE FROM tenants; --",
    "1; UPDATE users SET role='tenant_admin'",
    "Robert'); DROP TABLE devices;--",
    "x' UNION SELECT password_hash FROM operators--",
    "%' OR 1=1 --",
    "\\'; DROP TABLE sites; --",
]


def _register(daemon, user, domain, password, ip="127.0.0.1"):
    with SipClient(daemon.port, local_ip=ip) as c:
        return Registration(c, user, domain, password).register(expires=60)


def test_sql_metacharacters_are_stored_literally(daemon, op, acme, ids):
    """SQL fragments in every free-text field (tenant, site and user
    names, emails, passwords of users and devices) are stored and read
    back literally, and the passwords work; fields with a strict
    character set refuse them with 400; afterwards the store is intact:
    the demo tenants, users and devices are all there, demo phone 1001
    still registers, and the operator still logs in."""
    before = snapshot(op)
    u1001 = ids["user1001"]
    tenant_ids = []
    for i, inj in enumerate(INJECTIONS):
        t = op.ok("POST", "/tenants", {"slug": "inj%d" % i, "name": inj,
                                       "sip_domain": "inj%d.example" % i})
        assert t["name"] == inj
        assert op.ok("GET", "/tenants/%d" % t["id"])["name"] == inj
        tenant_ids.append(t["id"])
        t = op.ok("PATCH", "/tenants/%d" % t["id"], {"name": inj + " 2"})
        assert t["name"] == inj + " 2"

        s = acme.ok("POST", "/tenants/1/sites", {
            "name": inj, "country": "FR", "time_zone": "Europe/Paris"})
        assert acme.ok("GET", "/tenants/1/sites/%d" % s["id"])["name"] == inj

        u = acme.ok("POST", "/tenants/1/users", {"name": inj})
        assert acme.ok("GET", "/tenants/1/users/%d" % u["id"])["name"] == inj
        acme.ok("DELETE", "/tenants/1/users/%d" % u["id"])
        acme.ok("DELETE", "/tenants/1/sites/%d" % s["id"])

        for path, body, field in [
            ("/tenants", {"slug": inj, "name": "x",
                          "sip_domain": "y%d.example" % i}, "slug"),
            ("/tenants", {"slug": "z%d" % i, "name": "x",
                          "sip_domain": inj}, "sip_domain"),
            ("/tenants/1/users", {"name": "x", "extension": inj},
             "extension"),
            ("/tenants/1/users", {"name": "x", "role": inj}, "role"),
            ("/tenants/1/sites", {"name": "x", "country": "FR",
                                  "time_zone": inj}, "time_zone"),
            ("/tenants/1/sites", {"name": "x", "country": "FR",
                                  "time_zone": "Europe/Paris",
                                  "outside_prefix": inj}, "outside_prefix"),
            ("/tenants/1/users", {"name": "x", "language": inj},
             "language"),
            ("/tenants/1/users", {"name": "x", "mobile_number": inj},
             "mobile_number"),
            ("/tenants/1/users/%d/devices" % u1001,
             {"sip_username": inj, "password": "password-1"},
             "sip_username"),
        ]:
            r = op.post(path, body)
            assert r.status == 400 and r.field == field, (body, r)

    # an email and passwords full of quotes still work end to end
    email = "o'brien'--@acme.example"
    pw = "x'); DROP TABLE users;--"
    u = acme.ok("POST", "/tenants/1/users", {
        "name": "O'Brien", "email": email, "password": pw,
        "extension": "6101"})
    assert acme.ok("GET", "/tenants/1/users/%d" % u["id"])["email"] == email
    ApiClient(daemon.http_port).login(email, pw)
    r = ApiClient(daemon.http_port, source_ip="127.0.5.2").post(
        "/auth/login", {"email": "' OR '1'='1", "password": "' OR '1'='1"})
    assert r.status == 401, r
    dpw = "Robert'); DROP TABLE devices;--"
    acme.ok("POST", "/tenants/1/users/%d/devices" % u["id"],
            {"sip_username": "6101", "password": dpw})
    r = _register(daemon, "6101", "acme.example", dpw)
    assert r is not None and r.status == 200, r

    for tid in tenant_ids:
        op.ok("DELETE", "/tenants/%d" % tid)
    acme.ok("DELETE", "/tenants/1/users/%d" % u["id"])
    after = snapshot(op)
    assert after == before
    r = _register(daemon, "1001", "acme.example", "pw1001")
    assert r is not None and r.status == 200, r
    ApiClient(daemon.http_port).login(*DEMO_OPERATOR)


@pytest.mark.parametrize("query", [
    "limit=1%27%20OR%201%3D1", "limit=0", "limit=201", "limit=-1",
    "limit=abc", "limit=1.5", "limit=", "limit=99999999999999999999",
    "cursor=abc", "cursor=-1", "cursor=0", "cursor=1%20OR%201%3D1",
    "cursor=", "cursor=1.5",
])
def test_bad_list_parameters(op, query):
    """Bad limit (not 1..200) or cursor (not one the API gave out) are
    400 naming the parameter, on every list."""
    for path in ("/tenants", "/tenants/1/sites", "/tenants/1/users",
                 "/tenants/1/audit", "/audit"):
        r = op.get("%s?%s" % (path, query))
        assert r.status == 400, (path, r)
        assert r.field == query.split("=")[0], r.problem


# --- garbage ids ----------------------------------------------------------

GARBAGE = ["../1", "..", "1;2", "-1", "0", "00", "+1", "1.0", "1e3", "0x1",
           "abc", "1'", "1%20OR%201=1", "%31%2e%30",
           "99999999999999999999", "9223372036854775807",
           "9223372036854775808", "18446744073709551617",
           "%2e%2e", "1,2", "*"]

TEMPLATES = [
    ("/tenants/{x}", ("GET", "PATCH", "DELETE")),
    ("/tenants/{x}/sites", ("GET", "POST")),
    ("/tenants/1/sites/{x}", ("GET", "PATCH", "DELETE")),
    ("/tenants/{x}/users", ("GET", "POST")),
    ("/tenants/1/users/{x}", ("GET", "PATCH", "DELETE")),
    ("/tenants/1/users/{x}/devices", ("GET", "POST")),
    ("/tenants/1/users/{u}/devices/{x}", ("GET", "PATCH", "DELETE")),
    ("/tenants/{x}/audit", ("GET",)),
]

VALID_BODY = {
    "/tenants/{x}": {"name": "Garbage"},
    "/tenants/{x}/sites": {"name": "Garbage", "country": "FR",
                           "time_zone": "Europe/Paris"},
    "/tenants/1/sites/{x}": {"name": "Garbage"},
    "/tenants/{x}/users": {"name": "Garbage"},
    "/tenants/1/users/{x}": {"name": "Garbage"},
    "/tenants/1/users/{x}/devices": {"sip_username": "garbage",
                                     "password": "garbage-pw"},
    "/tenants/1/users/{u}/devices/{x}": {"password": "garbage-pw"},
}


def test_garbage_ids_are_404(op, acme, ids):
    """Ids that are not plain positive decimal numbers of an existing
    object (path traversal, separators, signs, zero, floats, hex,
    quotes, NUL, numbers past 64 bits) are 404 problem+json for every
    method, for the operator and for acme's admin, and nothing
    changes."""
    before = snapshot(op)
    bad = []
    for tpl, methods in TEMPLATES:
        for x in GARBAGE:
            path = tpl.replace("{u}", str(ids["user1001"])).replace("{x}", x)
            for who, c in (("operator", op), ("acme", acme)):
                for m in methods:
                    if who == "acme" and tpl == "/tenants/{x}" and \
                            m != "GET":
                        continue    # operator-only: see test_api_isolation
                    kw = {}
                    if m in ("POST", "PATCH"):
                        kw["body"] = VALID_BODY[tpl]
                    r = c.request(m, path, **kw)
                    if r.status != 404 or \
                            r.content_type != "application/problem+json":
                        bad.append("%s %s %s -> %d %s" % (
                            who, m, path, r.status, r.body[:80]))
    assert not bad, "\n".join(bad)
    assert snapshot(op) == before


def test_ids_with_a_nul_byte_are_404(op):
    """An id followed by a percent-encoded NUL byte and junk
    (/tenants/<id>%00junk) is not that id: 404 for every method, and
    the object is untouched.  (Tried on a scratch tenant: if the daemon
    cuts the path at the NUL, the DELETE removes the tenant.)"""
    t = new_tenant(op)
    bad = []
    for suffix in ("%00", "%00junk", "%00/../1"):
        path = "/tenants/%d%s" % (t["id"], suffix)
        for m, body in (("GET", None), ("PATCH", {"name": "Via NUL"}),
                        ("DELETE", None)):
            kw = {} if body is None else {"body": body}
            r = op.request(m, path, **kw)
            if r.status != 404:
                bad.append("%s %s -> %d %s" % (m, path, r.status,
                                               r.body[:80]))
        for sub in ("/users", "/sites", "/audit"):
            r = op.get(path + sub)
            if r.status != 404:
                bad.append("GET %s%s -> %d" % (path, sub, r.status))
    r = op.get("/tenants/%d" % t["id"])
    assert not bad and r.status == 200 and r.json() == t, (
        "\n".join(bad) + "\nthe tenant afterwards: %r" % r)


def test_ids_of_missing_objects_are_404(op):
    """Well-formed ids of objects that do not exist are 404 too, also
    under a tenant that does not exist (even for lists and creations:
    the operator must not be able to fill a tenant that is not
    there)."""
    before = snapshot(op)
    missing = [
        ("GET", "/tenants/4242", None),
        ("GET", "/tenants/1/sites/4242", None),
        ("GET", "/tenants/1/users/4242", None),
        ("GET", "/tenants/1/users/4242/devices", None),
        ("POST", "/tenants/1/users/4242/devices",
         {"sip_username": "ghost", "password": "ghost-password"}),
        ("GET", "/tenants/4242/sites", None),
        ("GET", "/tenants/4242/users", None),
        ("GET", "/tenants/4242/audit", None),
        ("POST", "/tenants/4242/sites", {"name": "Ghost", "country": "FR",
                                         "time_zone": "Europe/Paris"}),
        ("POST", "/tenants/4242/users", {"name": "Ghost"}),
    ]
    bad = []
    for m, path, body in missing:
        kw = {} if body is None else {"body": body}
        r = op.request(m, path, **kw)
        if r.status != 404:
            bad.append("%s %s -> %d %s" % (m, path, r.status, r.body[:120]))
    assert not bad, "\n".join(bad)
    assert snapshot(op) == before


# --- pagination -----------------------------------------------------------

def _walk(c, path, limit):
    """Follow next_cursor; return the pages."""
    pages, cursor = [], None
    for _ in range(1000):
        q = "%s?limit=%d" % (path, limit)
        if cursor:
            q += "&cursor=" + cursor
        page = c.ok("GET", q)
        assert set(page) == {"items", "next_cursor"}, page
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        assert isinstance(cursor, str) and cursor, page
    raise AssertionError("no end")


def _check_walk(c, path, limit, expect_ids):
    pages = _walk(c, path, limit)
    seen = [x["id"] for p in pages for x in p]
    assert sorted(seen) == sorted(expect_ids), (path, limit, seen)
    assert len(seen) == len(set(seen)), ("duplicates", path, limit, seen)
    for p in pages[:-1]:
        assert len(p) == limit, (path, limit, [len(x) for x in pages])
    assert len(pages[-1]) <= limit
    return pages


def test_pagination_walks_every_item_once(op):
    """In a tenant with 23 users, 7 sites and a user with 6 devices,
    walking each list with every page size from 1 to 25 (and 200)
    returns every item exactly once; every page but the last is full.
    The tenant list and the audit log walk the same way."""
    t = new_tenant(op)
    base = "/tenants/%d" % t["id"]
    users = [op.ok("POST", base + "/users", {"name": "P%02d" % i,
                                             "extension": "%04d" % (3000 + i)})
             ["id"] for i in range(23)]
    sites = [op.ok("POST", base + "/sites", {
        "name": "Site %d" % i, "country": "DE",
        "time_zone": "Europe/Berlin"})["id"] for i in range(7)]
    devs = [op.ok("POST", "%s/users/%d/devices" % (base, users[0]),
                  {"sip_username": "d%d" % i, "password": "password%d" % i}
                  )["id"] for i in range(6)]
    for limit in list(range(1, 26)) + [200]:
        _check_walk(op, base + "/users", limit, users)
        _check_walk(op, base + "/sites", limit, sites)
        _check_walk(op, "%s/users/%d/devices" % (base, users[0]), limit,
                    devs)
    tenants = [x["id"] for x in op.all_items("/tenants")]
    _check_walk(op, "/tenants", 1, tenants)
    audit = [x["id"] for x in op.all_items(base + "/audit")]
    assert len(audit) >= 23 + 7 + 6 + 1
    for limit in (1, 4, 10):
        _check_walk(op, base + "/audit", limit, audit)
    glob = [x["id"] for x in op.all_items("/audit")]
    assert set(audit) <= set(glob)
    _check_walk(op, "/audit", 9, glob)


def test_pagination_is_stable_under_changes(op):
    """Users added or removed while a client pages through the list do
    not make it skip or repeat the others: items present the whole time
    are seen exactly once, one added at the end is seen too."""
    t = new_tenant(op)
    base = "/tenants/%d/users" % t["id"]
    ids = [op.ok("POST", base, {"name": "S%d" % i})["id"] for i in range(10)]
    page = op.ok("GET", base + "?limit=4")
    seen = [x["id"] for x in page["items"]]
    op.ok("DELETE", "%s/%d" % (base, ids[1]))      # already seen
    op.ok("DELETE", "%s/%d" % (base, ids[6]))      # not yet seen
    added = op.ok("POST", base, {"name": "late"})["id"]
    cursor = page["next_cursor"]
    while cursor:
        page = op.ok("GET", "%s?limit=4&cursor=%s" % (base, cursor))
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)), seen
    stayed = [i for i in ids if i not in (ids[1], ids[6])]
    assert set(stayed) <= set(seen), seen
    assert added in seen and ids[6] not in seen


# --- audit ----------------------------------------------------------------

def _audit_since(c, path, last_id):
    return [e for e in c.all_items(path) if e["id"] > last_id]


def test_audit_trail_of_changes(daemon, op, acme, globex):
    """Every change by acme's admin (site create/update/delete, user
    create and password change, device create, password change and
    delete) leaves one audit entry, in order, with actor, address,
    time, tenant, action, resource, 'before' and 'after' (null where
    there is nothing); no entry, in the tenant's log or the operator's,
    contains any password, password hash or SIP digest.  Globex's admin
    sees none of it; only the operator reads the platform log."""
    last = max([e["id"] for e in op.all_items("/audit")] or [0])
    t0 = int(time.time() * 1000)
    pw_user1, pw_user2 = "Audit-user-pw-1", "Audit-user-pw-2"
    pw_dev1, pw_dev2 = "Audit-dev-pw-1", "Audit-dev-pw-2"

    s = acme.ok("POST", "/tenants/1/sites", {
        "name": "Audit Site", "country": "FR", "time_zone": "Europe/Paris"})
    sp = "/tenants/1/sites/%d" % s["id"]
    s2 = acme.ok("PATCH", sp, {"name": "Audit Site 2"})
    u = acme.ok("POST", "/tenants/1/users", {
        "name": "Audited", "email": "audited@acme.example",
        "password": pw_user1, "extension": "6201"})
    up = "/tenants/1/users/%d" % u["id"]
    acme.ok("PATCH", up, {"password": pw_user2})
    d = acme.ok("POST", up + "/devices", {"sip_username": "6201",
                                          "password": pw_dev1})
    dp = "%s/devices/%d" % (up, d["id"])
    acme.ok("PATCH", dp, {"password": pw_dev2})
    acme.ok("DELETE", dp)
    acme.ok("DELETE", sp)
    t1 = int(time.time() * 1000)

    entries = _audit_since(acme, "/tenants/1/audit", last)
    got = [(e["action"], e["resource"]) for e in entries]
    assert got == [
        ("create", "sites/%d" % s["id"]),
        ("update", "sites/%d" % s["id"]),
        ("create", "users/%d" % u["id"]),
        ("update", "users/%d" % u["id"]),
        ("create", "devices/%d" % d["id"]),
        ("update", "devices/%d" % d["id"]),
        ("delete", "devices/%d" % d["id"]),
        ("delete", "sites/%d" % s["id"]),
    ], got
    for e in entries:
        assert e["actor"] == "admin@acme.example", e
        assert e["remote"].startswith("127.0.0.1"), e
        assert e["tenant_id"] == 1, e
        assert t0 - 1000 <= e["at_ms"] <= t1 + 1000, (e, t0, t1)
    by = {(e["action"], e["resource"]): e for e in entries}
    cs = by[("create", "sites/%d" % s["id"])]
    assert cs["before"] is None and cs["after"] == s
    us = by[("update", "sites/%d" % s["id"])]
    assert us["before"] == s and us["after"] == s2
    ds = by[("delete", "sites/%d" % s["id"])]
    assert ds["before"] == s2 and ds["after"] is None
    cu = by[("create", "users/%d" % u["id"])]
    assert cu["before"] is None and cu["after"]["name"] == "Audited"
    uu = by[("update", "users/%d" % u["id"])]
    assert uu["before"]["email"] == "audited@acme.example"
    dd = by[("delete", "devices/%d" % d["id"])]
    assert dd["before"]["sip_username"] == "6201" and dd["after"] is None

    secrets = [pw_user1, pw_user2, pw_dev1, pw_dev2, "$argon2",
               "password_hash", "ha1"]
    for realm_pw in (pw_dev1, pw_dev2):
        a1 = "6201:acme.example:" + realm_pw
        secrets += [hashlib.md5(a1.encode()).hexdigest(),
                    hashlib.sha256(a1.encode()).hexdigest()]
    for e in entries:
        for side in ("before", "after"):
            v = e[side]
            if isinstance(v, dict) and "password" in v:
                assert v["password"] not in (pw_user1, pw_user2, pw_dev1,
                                             pw_dev2), e
    for c, path in ((acme, "/tenants/1/audit"), (op, "/audit"),
                    (op, "/tenants/1/audit")):
        text = json.dumps(_audit_since(c, path, last), ensure_ascii=False)
        for sec in secrets:
            assert sec not in text, (path, sec)

    mine = {e["id"] for e in entries}
    assert mine <= {e["id"] for e in _audit_since(op, "/audit", last)}
    assert not mine & {e["id"] for e in globex.all_items("/tenants/2/audit")}
    assert acme.get("/audit").status == 403
    assert globex.get("/tenants/1/audit").status == 404


def test_operator_changes_are_audited_too(op):
    """Creating, changing and deleting a tenant are in the platform log
    with the operator as actor; the tenant's own log has the creation
    and the change."""
    last = max([e["id"] for e in op.all_items("/audit")] or [0])
    t = new_tenant(op)
    tp = "/tenants/%d" % t["id"]
    t2 = op.ok("PATCH", tp, {"name": "Renamed"})
    own = [(e["action"], e["before"], e["after"])
           for e in _audit_since(op, tp + "/audit", last)]
    assert own == [("create", None, t), ("update", t, t2)], own
    op.ok("DELETE", tp)
    got = [(e["action"], e["resource"], e["actor"])
           for e in _audit_since(op, "/audit", last)]
    res = "tenants/%d" % t["id"]
    assert ("delete", res, "operator@centrex.example") in got, got
    assert ("create", res, "operator@centrex.example") in got, (
        "the audit entry of the tenant's creation disappeared with the "
        "tenant: %r" % got)
