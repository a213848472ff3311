"""REST API: a tenant's numbers (DIDs), /tenants/{t}/numbers.

The operator assigns an E.164 number to a tenant (POST) and takes it
back (DELETE); a supervisor or better of the tenant reads them; the
tenant's admin changes only the label and where calls go (PATCH).  A
number belongs to at most one tenant of the platform; a clash is 409
naming e164 without saying which tenant holds it.  Deleting a user who
is a number's target resets the target to none.

One demo daemon serves the module; each test assigns numbers of its
own (unique_e164()) so that tests do not depend on each other.
"""
import json

import pytest

from apiclient import acme_accounts

ACME, GLOBEX = 1, 2


@pytest.fixture(scope="module")
def ids(op):
    """A demo user of each tenant, looked up rather than assumed."""
    a = {u["extension"]: u["id"] for u in op.all_items("/tenants/1/users")
         if u["extension"]}
    g = {u["extension"]: u["id"] for u in op.all_items("/tenants/2/users")
         if u["extension"]}
    return {"acme1001": a["1001"], "acme1002": a["1002"],
            "globex2001": g["2001"]}


@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme accounts that can log in: a supervisor and a plain user."""
    return acme_accounts(daemon, acme, (("numsup", "supervisor"),
                                         ("numuser", "user")))


_seq = [0]


def unique_e164():
    _seq[0] += 1
    return "+3314567%04d" % _seq[0]


def npath(tid, nid=None):
    p = "/tenants/%d/numbers" % tid
    return p if nid is None else "%s/%d" % (p, nid)


def assign(op, tid=ACME, **over):
    body = {"e164": unique_e164()}
    body.update(over)
    return op.ok("POST", npath(tid), body)


def numbers_of(c, tid):
    return c.all_items(npath(tid))


def _audit_since(c, path, last_id):
    return [e for e in c.all_items(path) if e["id"] > last_id]


# --- life cycle -----------------------------------------------------------

def test_number_lifecycle(op, acme, ids):
    """The operator assigns a number (201, Location, ETag, every field
    echoed); the operator and acme's admin read it at the Location and
    in the list; acme's admin labels it and points it at a user; the
    operator takes it back (204), after which it is 404 to every method
    and gone from the list."""
    e164 = unique_e164()
    r = op.post(npath(ACME), {"e164": e164, "label": "Main line"})
    assert r.status == 201, r
    assert r.content_type == "application/json", r
    n = r.json()
    assert n == {"id": n["id"], "e164": e164, "label": "Main line",
                 "target": {"type": "none"}}, n
    assert isinstance(n["id"], int) and n["id"] > 0, n
    loc = r.header("Location")
    assert loc == "/api/v1/tenants/1/numbers/%d" % n["id"], loc
    etag = r.header("ETag")
    assert etag and etag.startswith('"') and etag.endswith('"'), r

    for c in (op, acme):
        g = c.get(loc)
        assert g.status == 200 and g.json() == n, g
        assert g.header("ETag") == etag, (g.header("ETag"), etag)
        assert n in numbers_of(c, ACME)

    p = acme.patch(loc, {"label": "Reception",
                         "target": {"type": "user", "id": ids["acme1001"]}})
    assert p.status == 200, p
    n2 = p.json()
    assert n2 == dict(n, label="Reception",
                      target={"type": "user", "id": ids["acme1001"]}), n2
    assert p.header("ETag") and p.header("ETag") != etag, p
    g = op.get(loc)
    assert g.json() == n2 and g.header("ETag") == p.header("ETag"), g

    # only the label: the target stays; back to none: the id goes
    n3 = acme.ok("PATCH", loc, {"label": ""})
    assert n3 == dict(n2, label=""), n3
    n4 = acme.ok("PATCH", loc, {"target": {"type": "none"}})
    assert n4 == dict(n3, target={"type": "none"}), n4
    assert acme.ok("GET", loc) == n4

    op.ok("DELETE", loc)
    for c in (op, acme):
        for method, b in (("GET", None), ("PATCH", {"label": "x"}),
                          ("DELETE", None)):
            kw = {} if b is None else {"body": b}
            r = c.request(method, loc, **kw)
            assert r.status in ((404,) if c is op or method != "DELETE"
                                else (403, 404)), r
            assert r.problem["status"] == r.status
        assert n["id"] not in {x["id"] for x in numbers_of(c, ACME)}


def test_create_defaults_and_target_on_create(op, ids):
    """Without label and target a number has label "" and target none;
    the operator may point it at a user of the tenant right away;
    target none ignores an id."""
    n = assign(op)
    assert n["label"] == "" and n["target"] == {"type": "none"}, n
    n = assign(op, target={"type": "user", "id": ids["acme1002"]})
    assert n["target"] == {"type": "user", "id": ids["acme1002"]}, n
    n = assign(op, target={"type": "none", "id": ids["acme1002"]})
    assert n["target"] == {"type": "none"}, n


def test_e164_boundaries_are_accepted(op):
    """+ then 7 digits and + then 15 digits are both valid."""
    for e in ("+4%06d" % (_seq[0] + 1), "+4%014d" % (_seq[0] + 1)):
        _seq[0] += 1
        n = op.ok("POST", npath(ACME), {"e164": e})
        assert n["e164"] == e, n


def test_list_pagination(op, acme):
    """The list walks in pages of one without gaps or repeats, and holds
    only the tenant's numbers."""
    mine = {assign(op)["id"] for _ in range(3)}
    g = assign(op, GLOBEX)
    seen, cursor = [], None
    for _ in range(1000):
        q = npath(ACME) + "?limit=1" + ("&cursor=" + cursor if cursor
                                        else "")
        page = acme.ok("GET", q)
        assert set(page) == {"items", "next_cursor"}, page
        assert len(page["items"]) <= 1, page
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)), seen
    assert mine <= set(seen) and g["id"] not in seen, (mine, seen)
    assert seen == [x["id"] for x in numbers_of(acme, ACME)]


# --- roles ----------------------------------------------------------------

def test_supervisor_reads_plain_user_does_not(op, people):
    """A supervisor of the tenant lists and reads numbers but cannot
    change, assign or release them (403); a plain user cannot even read
    them (403)."""
    n = assign(op, label="Sales")
    sup, usr = people["numsup"], people["numuser"]
    assert n in numbers_of(sup, ACME)
    assert sup.ok("GET", npath(ACME, n["id"])) == n
    assert sup.patch(npath(ACME, n["id"]), {"label": "x"}).status == 403
    assert sup.delete(npath(ACME, n["id"])).status == 403
    assert sup.post(npath(ACME), {"e164": unique_e164()}).status == 403
    for r in (usr.get(npath(ACME)), usr.get(npath(ACME, n["id"]))):
        assert r.status == 403, r
    assert op.ok("GET", npath(ACME, n["id"])) == n


def test_tenant_admin_cannot_assign_or_release(op, acme, globex):
    """Acme's admin gets 403 for POST and DELETE in their own tenant;
    nothing is created or released."""
    n = assign(op)
    before = numbers_of(op, ACME)
    e164 = unique_e164()
    r = acme.post(npath(ACME), {"e164": e164})
    assert r.status == 403, r
    assert r.problem["status"] == 403
    r = acme.delete(npath(ACME, n["id"]))
    assert r.status == 403, r
    assert numbers_of(op, ACME) == before
    # the refused e164 is still free
    assert op.ok("POST", npath(GLOBEX), {"e164": e164})["e164"] == e164
    r = globex.post(npath(GLOBEX), {"e164": unique_e164()})
    assert r.status == 403, r


def test_admins_cannot_reach_the_other_tenants_numbers(op, acme, globex,
                                                       ids):
    """Acme's admin gets 404 for every method on globex's numbers (and
    globex's admin on acme's), whatever the body; nothing changes."""
    a = assign(op, ACME, label="acme-line")
    g = assign(op, GLOBEX, label="globex-line")
    for c, tid, n, uid in ((acme, GLOBEX, g, ids["acme1001"]),
                           (globex, ACME, a, ids["globex2001"])):
        reqs = [("GET", npath(tid), None),
                ("GET", npath(tid, n["id"]), None),
                ("PATCH", npath(tid, n["id"]), {"label": "mine"}),
                ("PATCH", npath(tid, n["id"]),
                 {"target": {"type": "user", "id": uid}}),
                ("DELETE", npath(tid, n["id"]), None),
                ("POST", npath(tid), {"e164": unique_e164()})]
        for m, p, b in reqs:
            kw = {} if b is None else {"body": b}
            r = c.request(m, p, **kw)
            assert r.status == 404, r
            assert r.problem["status"] == 404
        # the other tenant's number id under one's own tenant: 404 too
        own = ACME if tid == GLOBEX else GLOBEX
        for m, b in (("GET", None), ("PATCH", {"label": "mine"})):
            kw = {} if b is None else {"body": b}
            r = c.request(m, npath(own, n["id"]), **kw)
            assert r.status == 404, r
    assert op.ok("GET", npath(ACME, a["id"])) == a
    assert op.ok("GET", npath(GLOBEX, g["id"])) == g


# --- uniqueness -----------------------------------------------------------

def test_same_e164_is_409_without_revealing_the_tenant(op, globex):
    """A number acme holds cannot be assigned to globex, nor to acme a
    second time: 409 naming e164, and the answer does not say which
    tenant holds it; once acme's is released globex can have it."""
    n = assign(op, ACME, label="Acme secret line")
    before = numbers_of(op, GLOBEX)
    for tid in (GLOBEX, ACME):
        r = op.post(npath(tid), {"e164": n["e164"], "label": "dup"})
        assert r.status == 409 and r.field == "e164", r
        text = r.body.decode("utf-8", "replace").lower()
        for leak in ("acme", "secret", "tenant 1", "tenant_id",
                     '"id": %d' % n["id"]):
            assert leak not in text, (leak, r)
    assert numbers_of(op, GLOBEX) == before
    assert globex.all_items(npath(GLOBEX)) == before
    op.ok("DELETE", npath(ACME, n["id"]))
    g = op.ok("POST", npath(GLOBEX), {"e164": n["e164"]})
    assert g["e164"] == n["e164"]
    assert g in globex.all_items(npath(GLOBEX))


def test_deleting_a_tenant_releases_its_numbers(op):
    """A number of a deleted tenant can be assigned again."""
    slug = "numt%d" % (_seq[0] + 1)
    t = op.ok("POST", "/tenants", {"slug": slug, "name": slug,
                                   "sip_domain": slug + ".example"})
    n = assign(op, t["id"])
    op.ok("DELETE", "/tenants/%d" % t["id"])
    r = op.post(npath(ACME), {"e164": n["e164"]})
    assert r.status == 201, r


# --- validation -----------------------------------------------------------

BAD_E164 = [
    "+0123456789",          # leading 0 after +
    "33145671234",          # no +
    "+123456",              # 6 digits: too short
    "+33abc4567123",        # letters
    "+" + "1" * 20,         # 20 digits
    "+" + "1" * 16,         # 16 digits: one too many
    "+3314567+123",         # a second +
    "+33 145671234",        # a space
    "",
    "+",
    33145671234,            # a JSON number
    None,
    ["+33145671234"],
]


@pytest.mark.parametrize("e164", BAD_E164,
                         ids=[json.dumps(e)[:24] for e in BAD_E164])
def test_bad_e164_is_400(op, e164):
    """Each bad e164 is 400 problem+json naming e164; nothing is
    assigned."""
    r = op.post(npath(ACME), {"e164": e164, "label": "bad"})
    assert r.status == 400, r
    assert r.field == "e164", r
    if isinstance(e164, str) and e164:
        assert e164 not in [x["e164"] for x in numbers_of(op, ACME)]


def test_missing_e164_and_unknown_fields_are_400(op):
    r = op.post(npath(ACME), {"label": "no number"})
    assert r.status == 400 and r.field == "e164", r
    r = op.post(npath(ACME), {"e164": unique_e164(), "tenant_id": 2})
    assert r.status == 400 and r.field == "tenant_id", r
    r = op.post(npath(ACME), {"e164": unique_e164(), "label": "l" * 128})
    assert r.status == 400 and r.field == "label", r


def test_patch_cannot_change_the_number(op, acme):
    """e164 (or id) in a PATCH is an unknown field: 400 naming it,
    nothing changes."""
    n = assign(op, label="fixed")
    for body, field in (({"e164": unique_e164()}, "e164"),
                        ({"e164": n["e164"], "label": "x"}, "e164"),
                        ({"id": n["id"] + 1000}, "id")):
        r = acme.patch(npath(ACME, n["id"]), body)
        assert r.status == 400 and r.field == field, (body, r)
    assert acme.ok("GET", npath(ACME, n["id"])) == n


def test_bad_targets_are_400(op, acme, ids):
    """A target that is another tenant's user, a user that does not
    exist, an unknown type, or not an object is 400 naming the target
    field, on POST and on PATCH; nothing is created or changed."""
    n = assign(op, label="targets")
    before = numbers_of(op, ACME)
    cases = [
        ({"type": "user", "id": ids["globex2001"]}, "target.id"),
        ({"type": "user", "id": 999999}, "target.id"),
        ({"type": "queue", "id": ids["acme1001"]}, "target.type"),
        ({"type": "voicemail"}, "target.type"),
        ({"type": "user", "id": ids["acme1001"], "x": 1}, "target"),
        ("user", "target"),
        (ids["acme1001"], "target"),
    ]
    for target, field in cases:
        r = op.post(npath(ACME), {"e164": unique_e164(), "target": target})
        assert r.status == 400 and r.field == field, ("POST", target, r)
        r = acme.patch(npath(ACME, n["id"]), {"target": target})
        assert r.status == 400 and r.field == field, ("PATCH", target, r)
        if field == "target.id":
            assert str(target["id"]) in r.problem["detail"], r
    assert numbers_of(op, ACME) == before
    assert acme.ok("GET", npath(ACME, n["id"])) == n


def test_incomplete_targets_are_400(op, acme):
    """A user target without an id, or a target without a type, is 400
    (the field named is reported, not prescribed)."""
    n = assign(op)
    for target in ({"type": "user"}, {"id": 1}, {"type": "user", "id": 0},
                   {"type": "user", "id": "1"}, {"type": ""}, {"type": 5}):
        r = acme.patch(npath(ACME, n["id"]), {"target": target})
        assert r.status == 400, (target, r)
        assert r.problem["status"] == 400
    assert acme.ok("GET", npath(ACME, n["id"])) == n


# --- target user deleted --------------------------------------------------

def test_deleting_the_target_user_resets_the_target(op, acme, ids):
    """When acme's admin deletes a user, every number pointing at them
    goes to target none; numbers pointing at someone else keep their
    target."""
    u = acme.ok("POST", "/tenants/1/users", {"name": "Number Target"})
    t = {"type": "user", "id": u["id"]}
    n1 = assign(op, label="to-u", target=t)
    n2 = assign(op)
    n2 = acme.ok("PATCH", npath(ACME, n2["id"]), {"target": t})
    other = assign(op, target={"type": "user", "id": ids["acme1002"]})
    etag = acme.get(npath(ACME, n1["id"])).header("ETag")
    acme.ok("DELETE", "/tenants/1/users/%d" % u["id"])
    for n in (n1, n2):
        g = acme.get(npath(ACME, n["id"]))
        assert g.status == 200, g
        assert g.json() == dict(n, target={"type": "none"}), g
        assert g.header("ETag") != etag or n is n2
    assert acme.ok("GET", npath(ACME, other["id"])) == other
    # and the deleted user is no valid target any more
    r = acme.patch(npath(ACME, n1["id"]), {"target": t})
    assert r.status == 400 and r.field == "target.id", r


# --- If-Match -------------------------------------------------------------

def test_if_match(op, acme):
    """PATCH and DELETE with an If-Match that is not the current ETag
    are 412 and change nothing; with the current ETag (or *) they go
    through; an ETag read before a change is stale afterwards."""
    n = assign(op, label="v1")
    p = npath(ACME, n["id"])
    e1 = acme.get(p).header("ETag")
    r = acme.patch(p, {"label": "v2"}, headers={"If-Match": '"0000"'})
    assert r.status == 412, r
    assert r.problem["status"] == 412
    assert acme.ok("GET", p) == n
    r = acme.patch(p, {"label": "v2"}, headers={"If-Match": e1})
    assert r.status == 200 and r.json()["label"] == "v2", r
    e2 = r.header("ETag")
    assert e2 != e1
    r = acme.patch(p, {"label": "v3"}, headers={"If-Match": e1})
    assert r.status == 412, r
    r = op.delete(p, headers={"If-Match": e1})
    assert r.status == 412, r
    assert acme.ok("GET", p)["label"] == "v2"
    r = acme.patch(p, {"label": "v3"}, headers={"If-Match": "*"})
    assert r.status == 200, r
    e3 = r.header("ETag")
    r = op.delete(p, headers={"If-Match": e2})
    assert r.status == 412, r
    r = op.delete(p, headers={"If-Match": e3})
    assert r.status == 204 and r.body == b"", r
    assert op.get(p).status == 404


# --- audit ----------------------------------------------------------------

def test_audit_trail(op, acme, globex, ids):
    """Assigning (operator), retargeting (acme's admin) and releasing
    (operator) a number leave create/update/delete entries for
    numbers/<id> in acme's log, with actor, before and after; refused
    changes leave none; globex sees none of it."""
    last = max([e["id"] for e in op.all_items("/audit")] or [0])
    n = op.ok("POST", npath(ACME), {"e164": unique_e164(), "label": "a"})
    r = acme.post(npath(ACME), {"e164": unique_e164()})
    assert r.status == 403
    n2 = acme.ok("PATCH", npath(ACME, n["id"]), {
        "target": {"type": "user", "id": ids["acme1001"]}})
    r = acme.patch(npath(ACME, n["id"]), {"label": "x"},
                   headers={"If-Match": '"stale"'})
    assert r.status == 412
    op.ok("DELETE", npath(ACME, n["id"]))

    res = "numbers/%d" % n["id"]
    entries = [e for e in _audit_since(acme, "/tenants/1/audit", last)
               if e["resource"] == res]
    got = [(e["action"], e["actor"], e["before"], e["after"])
           for e in entries]
    assert got == [
        ("create", "operator@centrex.example", None, n),
        ("update", "admin@acme.example", n, n2),
        ("delete", "operator@centrex.example", n2, None),
    ], got
    for e in entries:
        assert e["tenant_id"] == 1, e
    assert not {e["id"] for e in entries} & {
        e["id"] for e in globex.all_items("/tenants/2/audit")}


# --- ranges and group targets ---------------------------------------------

def test_range_is_assigned_all_or_nothing(op, acme, globex):
    """The operator assigns a block of consecutive numbers in one request
    (carrying over 9 -> 0 in the digits); a block that overlaps a number
    already held (here by globex) is 409 naming the number, and none of
    the block is assigned; a block past the last number of its length is
    422; tenant admins may not assign blocks."""
    path = "/tenants/%d/number_ranges" % ACME
    r = op.post(path, {"first": "+33155500098", "count": 5,
                       "label": "block"})
    assert r.status == 201, r
    got = r.json()
    assert got["first"] == "+33155500098" and got["last"] == \
        "+33155500102" and got["count"] == 5, got
    mine = {n["e164"] for n in numbers_of(op, ACME)}
    assert {"+33155500098", "+33155500099", "+33155500100",
            "+33155500101", "+33155500102"} <= mine

    op.ok("POST", npath(GLOBEX), {"e164": "+33155600003"})
    before = numbers_of(op, ACME)
    r = op.post(path, {"first": "+33155600000", "count": 10})
    assert r.status == 409 and r.field == "first", r
    assert "+33155600003" in r.problem["detail"], r
    assert numbers_of(op, ACME) == before          # nothing of it stayed

    r = op.post(path, {"first": "+999999999999998", "count": 3})
    assert r.status == 422 and r.field == "count", r
    for body, field in [({"first": "+33155700000", "count": 0}, "count"),
                        ({"first": "+33155700000", "count": 10001},
                         "count"),
                        ({"first": "0155700000", "count": 2}, "first"),
                        ({"count": 2}, "first")]:
        r = op.post(path, body)
        assert r.status == 400 and r.field == field, (body, r)
    assert numbers_of(op, ACME) == before
    r = acme.post(path, {"first": "+33155800000", "count": 2})
    assert r.status == 403, r


def test_number_can_target_a_ring_group(op, acme, globex):
    """A number may lead to a ring group of its tenant, not another
    tenant's."""
    g = acme.ok("POST", "/tenants/%d/groups" % ACME,
                {"name": "Sales line", "strategy": "ring_all"})
    n = assign(op, target={"type": "group", "id": g["id"]})
    assert n["target"] == {"type": "group", "id": g["id"]}, n
    other = globex.ok("POST", "/tenants/%d/groups" % GLOBEX,
                      {"name": "Their line", "strategy": "ring_all"})
    r = acme.patch(npath(ACME, n["id"]),
                   {"target": {"type": "group", "id": other["id"]}})
    assert r.status == 400 and r.field == "target.id", r
