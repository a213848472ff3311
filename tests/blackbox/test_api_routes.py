"""REST API: a tenant's outbound routes, /tenants/{t}/routes.

A route sends the E.164 numbers starting with its prefix ("+" then 0 to
15 digits) out on 1 to 4 of the tenant's trunks, in order.  The tenant's
admin (and the operator) change routes; supervisors read them; plain
users do not see them.  A trunk id that is not one of the tenant's is
422 naming the element (trunks[0]) in the same words whether it belongs
to another tenant or does not exist at all.
"""
import json

import pytest

from apiclient import acme_accounts

ACME, GLOBEX = 1, 2


@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme accounts that can log in: a supervisor and a plain user."""
    return acme_accounts(daemon, acme, (("rtsup", "supervisor"),
                                         ("rtuser", "user")))


_seq = [0]


def seq():
    _seq[0] += 1
    return _seq[0]


def trunk(c, tid=ACME):
    return c.ok("POST", "/tenants/%d/trunks" % tid, {
        "name": "rt-trunk-%d" % seq(), "kind": "ip",
        "proxy": "192.0.2.%d" % (seq() % 250 + 1),
        "inbound_addrs": ["192.0.2.0/24"]})["id"]


@pytest.fixture(scope="module")
def trunks(acme, globex):
    """Three trunks of acme, one of globex."""
    return {"a": [trunk(acme) for _ in range(3)], "g": trunk(globex, GLOBEX)}


def rpath(tid, rid=None):
    p = "/tenants/%d/routes" % tid
    return p if rid is None else "%s/%d" % (p, rid)


def unique_prefix():
    return "+9%d" % seq()


def body(trunk_ids, **over):
    b = {"name": "route-%d" % seq(), "prefix": unique_prefix(),
         "trunks": list(trunk_ids)}
    b.update(over)
    return b


# --- life cycle -----------------------------------------------------------

def test_route_lifecycle(acme, op, trunks):
    t1, t2, t3 = trunks["a"]
    b = body([t2, t1])
    r = acme.post(rpath(ACME), b)
    assert r.status == 201, r
    rt = r.json()
    assert rt == {"id": rt["id"], "name": b["name"], "prefix": b["prefix"],
                  "trunks": [t2, t1]}, rt
    loc = r.header("Location")
    assert loc == "/api/v1/tenants/1/routes/%d" % rt["id"]
    etag = r.header("ETag")
    for c in (acme, op):
        g = c.get(loc)
        assert g.status == 200 and g.json() == rt and \
            g.header("ETag") == etag, g
        assert rt in c.all_items(rpath(ACME))

    # the trunk list is replaced whole, in the order given
    rt2 = acme.ok("PATCH", loc, {"trunks": [t3, t1, t2]})
    assert rt2 == dict(rt, trunks=[t3, t1, t2])
    rt3 = acme.ok("PATCH", loc, {"name": "renamed-%d" % seq(),
                                 "prefix": "+"})
    assert rt3["trunks"] == [t3, t1, t2] and rt3["prefix"] == "+"
    assert acme.get(loc).header("ETag") not in (etag, None)
    acme.ok("DELETE", loc)
    assert acme.get(loc).status == 404
    assert rt["id"] not in [x["id"] for x in acme.all_items(rpath(ACME))]


def test_prefix_forms(acme, trunks):
    """"+" alone and "+" with up to 15 digits are prefixes."""
    for p in ("+1", "+" + "7" * 15):
        r = acme.ok("POST", rpath(ACME), body(trunks["a"][:1], prefix=p))
        assert r["prefix"] == p
        acme.ok("DELETE", rpath(ACME, r["id"]))


def test_name_and_prefix_are_unique_in_a_tenant(acme, globex, trunks):
    a = acme.ok("POST", rpath(ACME), body(trunks["a"][:1]))
    for over, field in (({"name": a["name"]}, "name"),
                        ({"prefix": a["prefix"]}, "prefix")):
        r = acme.post(rpath(ACME), body(trunks["a"][:1], **over))
        assert r.status == 409 and r.field == field, r
    other = acme.ok("POST", rpath(ACME), body(trunks["a"][:1]))
    r = acme.patch(rpath(ACME, other["id"]), {"prefix": a["prefix"]})
    assert r.status == 409 and r.field == "prefix", r
    # another tenant may use both
    g = globex.ok("POST", rpath(GLOBEX), {"name": a["name"],
                                          "prefix": a["prefix"],
                                          "trunks": [trunks["g"]]})
    assert g["prefix"] == a["prefix"]


# --- trunks of another tenant ---------------------------------------------

def test_another_tenants_trunk_is_refused_without_saying_so(acme, trunks):
    """Globex's trunk id in acme's route is 422 naming the element, in
    the same words as an id that exists nowhere; on create and on PATCH;
    nothing changes."""
    t1 = trunks["a"][0]
    ok = acme.ok("POST", rpath(ACME), body([t1]))
    before = acme.all_items(rpath(ACME))
    details = {}
    for tid, key in ((trunks["g"], "globex"), (987654, "none")):
        r = acme.post(rpath(ACME), body([tid]))
        assert r.status == 422 and r.field == "trunks[0]", r
        details[key] = r.problem["detail"].replace(str(tid), "N")
        r = acme.post(rpath(ACME), body([t1, tid]))
        assert r.status == 422 and r.field == "trunks[1]", r
        r = acme.patch(rpath(ACME, ok["id"]), {"trunks": [tid]})
        assert r.status == 422 and r.field == "trunks[0]", r
    assert details["globex"] == details["none"], details
    for word in ("globex", "tenant 2", "another tenant", "belongs"):
        assert word not in details["globex"].lower()
    assert acme.all_items(rpath(ACME)) == before
    assert acme.ok("GET", rpath(ACME, ok["id"])) == ok


# --- validation -----------------------------------------------------------

BAD = [
    ({"prefix": ""}, "prefix"),
    ({"prefix": "33"}, "prefix"),
    ({"prefix": "+3a"}, "prefix"),
    ({"prefix": "++33"}, "prefix"),
    ({"prefix": "+33+"}, "prefix"),
    ({"prefix": "+" + "1" * 16}, "prefix"),
    ({"prefix": 33}, "prefix"),
    ({"prefix": None}, "prefix"),
    ({"name": ""}, "name"),
    ({"name": "n" * 64}, "name"),
    ({"name": None}, "name"),
    ({"name": ["x"]}, "name"),
    ({"trunks": []}, "trunks"),
    ({"trunks": None}, "trunks"),
    ({"trunks": 1}, "trunks"),
    ({"trunks": "1"}, "trunks"),
    ({"trunks": [1, 2, 3, 4, 5]}, "trunks"),
    ({"trunks": ["1"]}, "trunks[0]"),
    ({"trunks": [0]}, "trunks[0]"),
    ({"trunks": [-3]}, "trunks[0]"),
    ({"trunks": [1.5]}, "trunks[0]"),
    ({"trunks": [None]}, "trunks[0]"),
    ({"trunks": [{"id": 1}]}, "trunks[0]"),
    ({"tenant_id": 2}, "tenant_id"),
    ({"id": 1}, "id"),
]


@pytest.mark.parametrize("over,field", BAD,
                         ids=["%s=%s" % (f, json.dumps(o)[:24])
                              for o, f in BAD])
def test_bad_fields_are_400(acme, trunks, over, field):
    b = body(trunks["a"][:1])
    b.update(over)
    r = acme.post(rpath(ACME), b)
    assert r.status == 400, r
    assert r.field == field, r


def test_repeated_trunk_and_missing_fields(acme, trunks):
    t1, t2, _ = trunks["a"]
    r = acme.post(rpath(ACME), body([t1, t2, t1]))
    assert r.status == 400 and r.field == "trunks[2]", r
    for missing in ("name", "prefix", "trunks"):
        b = body([t1])
        del b[missing]
        r = acme.post(rpath(ACME), b)
        assert r.status == 400 and r.field == missing, (missing, r)
    rt = acme.ok("POST", rpath(ACME), body([t1]))
    for over, field in (({"prefix": "x"}, "prefix"),
                        ({"trunks": []}, "trunks"),
                        ({"trunks": [t2, t2]}, "trunks[1]")):
        r = acme.patch(rpath(ACME, rt["id"]), over)
        assert r.status == 400 and r.field == field, r
    assert acme.ok("GET", rpath(ACME, rt["id"])) == rt


def test_sql_in_a_name_is_text(acme, trunks):
    n = "'; DELETE FROM routes; --"
    rt = acme.ok("POST", rpath(ACME), body(trunks["a"][:1], name=n))
    assert acme.ok("GET", rpath(ACME, rt["id"]))["name"] == n


# --- roles and tenants ----------------------------------------------------

def test_supervisor_reads_user_does_not(acme, people, trunks):
    rt = acme.ok("POST", rpath(ACME), body(trunks["a"][:1]))
    sup, usr = people["rtsup"], people["rtuser"]
    assert sup.ok("GET", rpath(ACME, rt["id"])) == rt
    assert rt in sup.all_items(rpath(ACME))
    for m, p, b in (("POST", rpath(ACME), body(trunks["a"][:1])),
                    ("PATCH", rpath(ACME, rt["id"]), {"name": "sup"}),
                    ("DELETE", rpath(ACME, rt["id"]), None)):
        r = sup.request(m, p, **({} if b is None else {"body": b}))
        assert r.status == 403, (m, r)
    for p in (rpath(ACME), rpath(ACME, rt["id"])):
        assert usr.get(p).status == 403
    assert acme.ok("GET", rpath(ACME, rt["id"])) == rt


def test_other_tenants_routes_are_404(acme, globex, trunks):
    rt = acme.ok("POST", rpath(ACME), body(trunks["a"][:1]))
    for tid in (ACME, GLOBEX):
        for m, b in (("GET", None), ("PATCH", {"name": "mine"}),
                     ("DELETE", None)):
            r = globex.request(m, rpath(tid, rt["id"]),
                               **({} if b is None else {"body": b}))
            assert r.status == 404, (tid, m, r)
    assert globex.get(rpath(ACME)).status == 404
    r = globex.post(rpath(ACME), body([trunks["g"]]))
    assert r.status == 404, r
    assert acme.ok("GET", rpath(ACME, rt["id"])) == rt


def test_audit_and_if_match(acme, trunks):
    last = max([e["id"] for e in acme.all_items("/tenants/1/audit")] or [0])
    rt = acme.ok("POST", rpath(ACME), body(trunks["a"][:1]))
    p = rpath(ACME, rt["id"])
    r = acme.patch(p, {"name": "x-%d" % seq()}, headers={"If-Match": '"0"'})
    assert r.status == 412, r
    rt2 = acme.ok("PATCH", p, {"trunks": trunks["a"][:2]},
                  headers={"If-Match": acme.get(p).header("ETag")})
    acme.ok("DELETE", p)
    got = [(e["action"], e["before"], e["after"])
           for e in acme.all_items("/tenants/1/audit")
           if e["id"] > last and e["resource"] == "routes/%d" % rt["id"]]
    assert got == [("create", None, rt), ("update", rt, rt2),
                   ("delete", rt2, None)], got


def test_deleting_a_tenant_takes_its_trunks_and_routes(op):
    slug = "rtten%d" % seq()
    t = op.ok("POST", "/tenants", {"slug": slug, "name": slug,
                                   "sip_domain": slug + ".example"})
    tid = t["id"]
    tr = trunk(op, tid)
    op.ok("POST", rpath(tid), {"name": "all", "prefix": "+",
                               "trunks": [tr]})
    op.ok("DELETE", "/tenants/%d" % tid)
    assert op.get(rpath(tid)).status == 404
