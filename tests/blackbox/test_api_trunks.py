"""REST API: a tenant's trunks (carrier links), /tenants/{t}/trunks.

The tenant's admin (and the operator) create, read, change and delete
trunks; nobody else of the tenant sees them.  Two kinds: "register"
needs a username and password, "ip" needs inbound_addrs.  The password
is write-only: no answer ever holds it, and the audit log shows
"(changed)".  A trunk that a route names cannot be deleted (409 naming
the route).

One demo daemon serves the module; each test makes trunks of its own
(unique names) so that tests do not depend on each other.
"""
import json

import pytest

from apiclient import acme_accounts

ACME, GLOBEX = 1, 2
SECRET = "Tr0nk-s3cret-Pa55"


@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme accounts that can log in: a supervisor and a plain user."""
    return acme_accounts(daemon, acme, (("trksup", "supervisor"),
                                         ("trkuser", "user")))


_seq = [0]


def unique(prefix="trunk"):
    _seq[0] += 1
    return "%s-%d" % (prefix, _seq[0])


def tpath(tid, trid=None):
    p = "/tenants/%d/trunks" % tid
    return p if trid is None else "%s/%d" % (p, trid)


def register_body(**over):
    body = {"name": unique("reg"), "kind": "register",
            "proxy": "sip.carrier.example:5060", "username": "0145671234",
            "password": SECRET}
    body.update(over)
    return body


def ip_body(**over):
    body = {"name": unique("ip"), "kind": "ip", "proxy": "192.0.2.10",
            "inbound_addrs": ["192.0.2.0/24", "2001:db8::1"]}
    body.update(over)
    return body


def make(c, tid=ACME, body=None):
    return c.ok("POST", tpath(tid), body or register_body())


def no_secret(r):
    """The password appears nowhere in an answer, nor (in a success) a
    password field."""
    text = r.body.decode("utf-8", "replace")
    assert SECRET not in text, r
    if r.status < 300:
        assert "password" not in text, r


# --- life cycle -----------------------------------------------------------

def test_trunk_lifecycle(acme, op):
    """Acme's admin creates a register trunk (201, Location, ETag, defaults
    filled in, no password); reads it at the Location and in the list;
    changes it (ETag changes); deletes it (204), after which it is 404
    to every method and gone from the list."""
    body = register_body()
    r = acme.post(tpath(ACME), body)
    assert r.status == 201, r
    assert r.content_type == "application/json"
    no_secret(r)
    t = r.json()
    assert t == {"id": t["id"], "name": body["name"], "kind": "register",
                 "proxy": "sip.carrier.example:5060", "transport": "udp",
                 "username": "0145671234", "from_domain": "",
                 "inbound_addrs": [], "max_channels": 0,
                 "register_expires": 600, "enabled": True}, t
    loc = r.header("Location")
    assert loc == "/api/v1/tenants/1/trunks/%d" % t["id"], loc
    etag = r.header("ETag")
    assert etag and etag.startswith('"'), r

    for c in (acme, op):
        g = c.get(loc)
        assert g.status == 200 and g.json() == t, g
        assert g.header("ETag") == etag
        no_secret(g)
        assert t in c.all_items(tpath(ACME))

    p = acme.patch(loc, {"max_channels": 30, "transport": "tcp",
                         "enabled": False, "register_expires": 3600,
                         "from_domain": "acme.example"})
    assert p.status == 200, p
    t2 = p.json()
    assert t2 == dict(t, max_channels=30, transport="tcp", enabled=False,
                      register_expires=3600, from_domain="acme.example")
    assert p.header("ETag") != etag
    assert acme.ok("GET", loc) == t2

    r = acme.delete(loc)
    assert r.status == 204 and r.body == b"", r
    for m, b in (("GET", None), ("PATCH", {"max_channels": 1}),
                 ("DELETE", None)):
        r = acme.request(m, loc, **({} if b is None else {"body": b}))
        assert r.status == 404, r
        assert r.problem["status"] == 404
    assert t["id"] not in [x["id"] for x in acme.all_items(tpath(ACME))]


def test_ip_trunk_and_address_forms(acme):
    """An ip trunk keeps its inbound addresses in order, written the
    canonical way (IPv6 compressed, a bare address as itself); a bracketed
    IPv6 proxy with a port is fine."""
    t = make(acme, body=ip_body(
        proxy="[2001:db8::5060]:5080",
        inbound_addrs=["203.0.113.7", "2001:0db8:0000::0/32",
                       "198.51.100.0/24", "::1"]))
    assert t["kind"] == "ip" and t["username"] == "", t
    assert t["inbound_addrs"] == ["203.0.113.7", "2001:db8::/32",
                                  "198.51.100.0/24", "::1"], t
    assert t["proxy"] == "[2001:db8::5060]:5080"
    for proxy in ("carrier", "sip.carrier.example", "10.1.2.3:5061",
                  "a-b.example:65535", "[::1]"):
        g = acme.ok("PATCH", tpath(ACME, t["id"]), {"proxy": proxy})
        assert g["proxy"] == proxy


def test_list_pagination_and_isolation(acme, globex):
    """The list walks in pages of one without gaps or repeats and holds
    only the tenant's trunks."""
    mine = {make(acme)["id"] for _ in range(3)}
    theirs = make(globex, GLOBEX)["id"]
    seen, cursor = [], None
    for _ in range(1000):
        q = tpath(ACME) + "?limit=1" + ("&cursor=" + cursor if cursor
                                        else "")
        page = acme.ok("GET", q)
        assert set(page) == {"items", "next_cursor"}
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert mine <= set(seen) and theirs not in seen


def test_same_name_is_409_in_a_tenant_not_across(acme, globex):
    t = make(acme)
    r = acme.post(tpath(ACME), register_body(name=t["name"]))
    assert r.status == 409 and r.field == "name", r
    other = make(acme)
    r = acme.patch(tpath(ACME, other["id"]), {"name": t["name"]})
    assert r.status == 409 and r.field == "name", r
    g = globex.ok("POST", tpath(GLOBEX), register_body(name=t["name"]))
    assert g["name"] == t["name"]


# --- the password ---------------------------------------------------------

def test_password_is_write_only_and_masked_in_audit(acme, op):
    """No answer holds the password (create, get, list, update); the audit
    log shows "(changed)" on create and when it changes, and nothing when
    only other fields change."""
    last = max([e["id"] for e in op.all_items("/audit")] or [0])
    r = acme.post(tpath(ACME), register_body())
    no_secret(r)
    t = r.json()
    loc = tpath(ACME, t["id"])
    no_secret(acme.get(loc))
    no_secret(acme.get(tpath(ACME)))
    r = acme.patch(loc, {"password": "An0ther-secret"})
    assert r.status == 200, r
    assert "An0ther-secret" not in r.body.decode() and \
        "password" not in r.json()
    acme.ok("PATCH", loc, {"max_channels": 4})
    acme.ok("DELETE", loc)

    res = "trunks/%d" % t["id"]
    entries = [e for e in acme.all_items("/tenants/1/audit")
               if e["id"] > last and e["resource"] == res]
    assert [e["action"] for e in entries] == ["create", "update", "update",
                                              "delete"], entries
    assert entries[0]["after"]["password"] == "(changed)"
    assert entries[0]["before"] is None
    assert entries[1]["after"]["password"] == "(changed)"
    assert "password" not in entries[1]["before"]
    assert "password" not in entries[2]["after"]
    assert entries[2]["after"]["max_channels"] == 4
    assert entries[3]["after"] is None
    text = json.dumps(entries)
    assert SECRET not in text and "An0ther-secret" not in text
    assert all(e["actor"] == "admin@acme.example" for e in entries)


# --- roles and tenants ----------------------------------------------------

def test_only_the_admin_and_operator_see_trunks(op, acme, people):
    """A supervisor and a plain user of the tenant get 403 for every
    trunk operation; the operator may do everything an admin does."""
    t = make(acme)
    for key in ("trksup", "trkuser"):
        c = people[key]
        for m, p, b in (("GET", tpath(ACME), None),
                        ("GET", tpath(ACME, t["id"]), None),
                        ("POST", tpath(ACME), register_body()),
                        ("PATCH", tpath(ACME, t["id"]), {"max_channels": 2}),
                        ("DELETE", tpath(ACME, t["id"]), None)):
            r = c.request(m, p, **({} if b is None else {"body": b}))
            assert r.status == 403, (key, m, p, r)
    o = op.ok("POST", tpath(GLOBEX), ip_body())
    op.ok("PATCH", tpath(GLOBEX, o["id"]), {"max_channels": 9})
    op.ok("DELETE", tpath(GLOBEX, o["id"]))
    assert acme.ok("GET", tpath(ACME, t["id"])) == t


def test_other_tenants_trunks_are_404(acme, globex):
    """Globex's admin gets 404 for every method on acme's trunks, under
    acme's tenant id or their own; nothing changes."""
    t = make(acme)
    for tid in (ACME, GLOBEX):
        for m, p, b in (("GET", tpath(tid, t["id"]), None),
                        ("PATCH", tpath(tid, t["id"]), {"max_channels": 1}),
                        ("DELETE", tpath(tid, t["id"]), None)):
            r = globex.request(m, p, **({} if b is None else {"body": b}))
            assert r.status == 404, (m, p, r)
            assert r.problem["status"] == 404
    for m, b in (("GET", None), ("POST", register_body())):
        r = globex.request(m, tpath(ACME), **({} if b is None
                                               else {"body": b}))
        assert r.status == 404, r
    assert acme.ok("GET", tpath(ACME, t["id"])) == t


# --- validation -----------------------------------------------------------

BAD = [
    ({"kind": "sip"}, "kind"),
    ({"kind": 1}, "kind"),
    ({"kind": None}, "kind"),                 # required: null is absent
    ({"proxy": ""}, "proxy"),
    ({"proxy": "sip carrier"}, "proxy"),
    ({"proxy": "carrier:0"}, "proxy"),
    ({"proxy": "carrier:65536"}, "proxy"),
    ({"proxy": "carrier:50a"}, "proxy"),
    ({"proxy": "carrier:"}, "proxy"),
    ({"proxy": "2001:db8::1"}, "proxy"),      # IPv6 needs brackets
    ({"proxy": "[2001:db8::zz]"}, "proxy"),
    ({"proxy": "-bad.example"}, "proxy"),
    ({"proxy": "bad..example"}, "proxy"),
    ({"proxy": "999.1.1.1"}, "proxy"),
    ({"proxy": "a" * 256}, "proxy"),
    ({"proxy": ["carrier"]}, "proxy"),
    ({"transport": "tls"}, "transport"),
    ({"transport": "UDP"}, "transport"),
    ({"username": ""}, "username"),           # register needs one
    ({"username": "has space"}, "username"),
    ({"username": "u" * 64}, "username"),
    ({"password": ""}, "password"),
    ({"password": "p" * 128}, "password"),
    ({"password": "tab\there"}, "password"),
    ({"password": 12345678}, "password"),
    ({"max_channels": -1}, "max_channels"),
    ({"max_channels": "5"}, "max_channels"),
    ({"max_channels": 1.5}, "max_channels"),
    ({"register_expires": 59}, "register_expires"),
    ({"register_expires": 86401}, "register_expires"),
    ({"enabled": "yes"}, "enabled"),
    ({"enabled": 1}, "enabled"),
    ({"from_domain": "carrier.example:5060"}, "from_domain"),
    ({"from_domain": "not a domain"}, "from_domain"),
    ({"name": ""}, "name"),
    ({"name": "n" * 64}, "name"),
    ({"name": "line\nbreak"}, "name"),
    ({"name": 7}, "name"),
    ({"inbound_addrs": "192.0.2.1"}, "inbound_addrs"),
    ({"inbound_addrs": ["192.0.2.1", 5]}, "inbound_addrs[1]"),
    ({"inbound_addrs": ["192.0.2.300"]}, "inbound_addrs[0]"),
    ({"inbound_addrs": ["192.0.2.0/33"]}, "inbound_addrs[0]"),
    ({"inbound_addrs": ["192.0.2.1/24"]}, "inbound_addrs[0]"),
    ({"inbound_addrs": ["2001:db8::1/129"]}, "inbound_addrs[0]"),
    ({"inbound_addrs": ["10.0.0.0/8", "carrier.example"]},
     "inbound_addrs[1]"),
    ({"inbound_addrs": ["10.0.0.0/"]}, "inbound_addrs[0]"),
    ({"inbound_addrs": ["10.0.0.%d" % i for i in range(17)]},
     "inbound_addrs"),
    ({"id": 5}, "id"),
    ({"tenant_id": 2}, "tenant_id"),
    ({"secret": "x"}, "secret"),
]


@pytest.mark.parametrize("over,field", BAD,
                         ids=["%s=%s" % (f, json.dumps(o)[:30])
                              for o, f in BAD])
def test_bad_fields_are_400_naming_the_field(acme, over, field):
    """Each bad value is 400 problem+json naming the field (the element,
    for one bad entry of inbound_addrs) on create; nothing is created."""
    body = register_body(**over)
    before = acme.all_items(tpath(ACME))
    r = acme.post(tpath(ACME), body)
    assert r.status == 400, r
    assert r.field == field, r
    no_secret(r)
    assert acme.all_items(tpath(ACME)) == before


def test_kind_needs_its_fields(acme):
    """A register trunk needs username and password; an ip trunk needs
    inbound_addrs; checked on the trunk as a PATCH leaves it."""
    for body, field in ((register_body(username=None), "username"),
                        (register_body(password=None), "password"),
                        (ip_body(inbound_addrs=[]), "inbound_addrs"),
                        (ip_body(inbound_addrs=None), "inbound_addrs"),
                        ({"name": unique(), "kind": "register"}, "proxy"),
                        ({"name": unique(), "proxy": "x.example"}, "kind"),
                        ({"kind": "ip", "proxy": "x.example",
                          "inbound_addrs": ["10.0.0.1"]}, "name")):
        body = {k: v for k, v in body.items() if v is not None}
        r = acme.post(tpath(ACME), body)
        assert r.status == 400 and r.field == field, (body, r)
    reg = make(acme)
    ip = make(acme, body=ip_body())
    r = acme.patch(tpath(ACME, reg["id"]), {"kind": "ip"})
    assert r.status == 400 and r.field == "inbound_addrs", r
    r = acme.patch(tpath(ACME, ip["id"]), {"inbound_addrs": []})
    assert r.status == 400 and r.field == "inbound_addrs", r
    r = acme.patch(tpath(ACME, ip["id"]), {"kind": "register"})
    assert r.status == 400 and r.field == "username", r
    # both at once: fine
    t = acme.ok("PATCH", tpath(ACME, reg["id"]),
                {"kind": "ip", "inbound_addrs": ["10.9.0.0/16"]})
    assert t["kind"] == "ip" and t["inbound_addrs"] == ["10.9.0.0/16"]
    assert acme.ok("GET", tpath(ACME, ip["id"])) == ip


def test_malformed_bodies(acme):
    for raw, ctype, status in ((b"{", "application/json", 400),
                               (b"[]", "application/json", 400),
                               (b'{"name":"a","name":"b"}',
                                "application/json", 400),
                               (b'{"name":"x"}', "text/plain", 415),
                               (b"x" * (2 * 1024 * 1024),
                                "application/json", 413)):
        r = acme.request("POST", tpath(ACME), raw=raw, content_type=ctype)
        assert r.status == status, (raw[:20], r)
        assert r.problem["status"] == status


def test_sql_is_stored_literally(acme):
    """Quotes, semicolons and comment marks in a name are text like any
    other: stored and read back as given, the table still there."""
    names = ["x'); DROP TABLE trunks;--", "\" OR 1=1 --", "Robert'); --",
             "caf\u00e9 \u2603 \U0001f4de"]
    made = [make(acme, body=register_body(name=n)) for n in names]
    for n, t in zip(names, made):
        assert t["name"] == n
        assert acme.ok("GET", tpath(ACME, t["id"]))["name"] == n
    listed = {t["name"] for t in acme.all_items(tpath(ACME))}
    assert set(names) <= listed


def test_patch_with_null_and_empty(acme):
    """null leaves a field as it is; "" clears an optional text."""
    t = make(acme, body=register_body(from_domain="acme.example"))
    assert acme.ok("PATCH", tpath(ACME, t["id"]),
                   {"from_domain": None}) == t
    t2 = acme.ok("PATCH", tpath(ACME, t["id"]), {"from_domain": ""})
    assert t2 == dict(t, from_domain="")


# --- deletion while routed ------------------------------------------------

def test_trunk_in_use_cannot_be_deleted(acme):
    """While a route names the trunk, DELETE is 409 naming the route (and
    the trunk stays); once the route no longer uses it, it goes."""
    t = make(acme)
    spare = make(acme)
    name = unique("route-using")
    route = acme.ok("POST", "/tenants/1/routes",
                    {"name": name, "prefix": "+4%d" % _seq[0],
                     "trunks": [spare["id"], t["id"]]})
    r = acme.delete(tpath(ACME, t["id"]))
    assert r.status == 409, r
    detail = r.problem["detail"]
    assert name in detail and str(route["id"]) in detail, detail
    assert acme.ok("GET", tpath(ACME, t["id"])) == t
    acme.ok("PATCH", "/tenants/1/routes/%d" % route["id"],
            {"trunks": [spare["id"]]})
    acme.ok("DELETE", tpath(ACME, t["id"]))
    r = acme.delete(tpath(ACME, spare["id"]))
    assert r.status == 409, r
    acme.ok("DELETE", "/tenants/1/routes/%d" % route["id"])
    acme.ok("DELETE", tpath(ACME, spare["id"]))


# --- ETag, idempotency ------------------------------------------------------

def test_if_match(acme):
    t = make(acme)
    p = tpath(ACME, t["id"])
    e1 = acme.get(p).header("ETag")
    r = acme.patch(p, {"max_channels": 2}, headers={"If-Match": '"nope"'})
    assert r.status == 412, r
    r = acme.patch(p, {"max_channels": 2}, headers={"If-Match": e1})
    assert r.status == 200, r
    r = acme.delete(p, headers={"If-Match": e1})
    assert r.status == 412, r
    r = acme.delete(p, headers={"If-Match": r.header("ETag") or
                                acme.get(p).header("ETag")})
    assert r.status == 204, r


def test_idempotency_key(acme):
    """The same POST with the same key creates one trunk and answers the
    same twice; another body with that key is 422."""
    body = register_body()
    h = {"Idempotency-Key": "trunk-" + body["name"]}
    r1 = acme.post(tpath(ACME), body, headers=h)
    r2 = acme.post(tpath(ACME), body, headers=h)
    assert r1.status == r2.status == 201, (r1, r2)
    assert r1.json() == r2.json()
    assert r2.header("Idempotent-Replayed") == "true"
    no_secret(r2)
    r3 = acme.post(tpath(ACME), register_body(), headers=h)
    assert r3.status == 422, r3
    names = [t["name"] for t in acme.all_items(tpath(ACME))]
    assert names.count(body["name"]) == 1
