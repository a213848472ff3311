"""REST API: a user's call features, the tenant's forward policy and park
settings, ring groups and their members.

  /tenants/{t}/users/{u}/features          GET, PATCH
  /tenants/{t}/forward_policy, /park       GET, PATCH
  /tenants/{t}/groups[/{g}]                CRUD
  /tenants/{t}/groups/{g}/members[/{u}]    list, POST, PUT, GET, PATCH,
                                           DELETE

What a user would check: forwards are saved and read back; a forward
nobody could follow is refused with the field named (an extension
nobody has: 422; oneself or a loop of always-forwards: 409; a
premium-rate number: 422 naming the blocked range); a user changes their
own features but not another's (404) nor their pickup group; another
tenant sees nothing (404); every change is in the audit log; groups
keep extensions unique with users and park slots.

One demo daemon serves the module; tests use users of their own where
they change things, so that they do not depend on each other.
"""
import itertools

from apiclient import DEMO_ACME_ADMIN, client_for

ACME, GLOBEX = 1, 2


_ext = itertools.count(5101)


def new_user(acme, daemon=None, mobile=None, login=False):
    """A user of acme with a fresh extension; with login, also a client
    logged in as them."""
    ext = str(next(_ext))
    body = {"name": "Feat %s" % ext, "extension": ext}
    if mobile:
        body["mobile_number"] = mobile
    if login:
        body.update(email="feat%s@acme.example" % ext,
                    password="feat-%s-password" % ext)
    u = acme.ok("POST", "/tenants/1/users", body)
    if login:
        return u, client_for(daemon, (body["email"], body["password"]))
    return u


def fpath(uid, tid=ACME):
    return "/tenants/%d/users/%d/features" % (tid, uid)


def audit_since(c, last_id, tid=ACME):
    return [e for e in c.all_items("/tenants/%d/audit" % tid)
            if e["id"] > last_id]


def last_audit_id(c, tid=ACME):
    items = c.all_items("/tenants/%d/audit" % tid)
    return max([e["id"] for e in items] or [0])


# --- user features ----------------------------------------------------------

def test_features_defaults_set_and_read_back(acme):
    """A user who never set anything has the documented defaults; every
    field set by the admin reads back as set, with an ETag that changes,
    and null clears a forward."""
    u = new_user(acme, mobile="+33612345678")
    other = new_user(acme)
    r = acme.get(fpath(u["id"]))
    assert r.status == 200, r
    assert r.json() == {
        "user_id": u["id"], "forward_always": "", "forward_busy": "",
        "forward_noanswer": "", "forward_unreachable": "",
        "forward_noanswer_s": 20, "dnd": False, "call_waiting": True,
        "twinning": "off", "twinning_delay_s": 10, "pickup_group": "",
        "recording": "inherit"}
    etag = r.header("ETag")
    assert etag

    want = {"forward_always": other["extension"],
            "forward_busy": "+33145671234",
            "forward_noanswer": other["extension"],
            "forward_unreachable": "+442071234567",
            "forward_noanswer_s": 35, "dnd": True, "call_waiting": False,
            "twinning": "sequential", "twinning_delay_s": 15,
            "pickup_group": "reception", "recording": "always"}
    p = acme.patch(fpath(u["id"]), want)
    assert p.status == 200, p
    assert p.json() == dict(want, user_id=u["id"]), p.json()
    assert p.header("ETag") and p.header("ETag") != etag
    assert acme.ok("GET", fpath(u["id"])) == p.json()

    # only what is sent changes; null clears a forward
    f = acme.ok("PATCH", fpath(u["id"]), {"forward_always": None,
                                           "dnd": False})
    assert f == dict(p.json(), forward_always="", dnd=False), f


def test_features_validation_names_the_field(acme):
    """Malformed values are 400 naming the field; the features are
    unchanged afterwards."""
    u = new_user(acme)
    before = acme.ok("GET", fpath(u["id"]))
    cases = [
        ({"forward_always": "12ab"}, "forward_always"),
        ({"forward_busy": "0145671234"}, "forward_busy"),
        ({"forward_noanswer": "+0145671234"}, "forward_noanswer"),
        ({"forward_unreachable": 1001}, "forward_unreachable"),
        ({"forward_noanswer_s": 4}, "forward_noanswer_s"),
        ({"forward_noanswer_s": 121}, "forward_noanswer_s"),
        ({"dnd": "yes"}, "dnd"),
        ({"call_waiting": 1}, "call_waiting"),
        ({"twinning": "both"}, "twinning"),
        ({"twinning_delay_s": 61}, "twinning_delay_s"),
        ({"pickup_group": "Sales Team"}, "pickup_group"),
        ({"colour": "blue"}, "colour"),
    ]
    for body, field in cases:
        r = acme.patch(fpath(u["id"]), body)
        assert r.status == 400, (body, r)
        assert r.field == field, (body, r.problem)
    assert acme.ok("GET", fpath(u["id"])) == before


def test_forward_to_unknown_or_self_is_refused(acme):
    """An extension nobody has is 422, one of another tenant's too (they
    are not this tenant's); forwarding to one's own extension is 409;
    each names the field."""
    u = new_user(acme)
    r = acme.patch(fpath(u["id"]), {"forward_noanswer": "5999"})
    assert r.status == 422 and r.field == "forward_noanswer", r
    assert "5999" in r.problem["detail"]
    r = acme.patch(fpath(u["id"]), {"forward_always": "2001"})
    assert r.status == 422 and r.field == "forward_always", r
    r = acme.patch(fpath(u["id"]), {"forward_busy": u["extension"]})
    assert r.status == 409 and r.field == "forward_busy", r
    assert acme.ok("GET", fpath(u["id"]))["forward_busy"] == ""


def test_forward_loops_are_refused(acme):
    """A forwards always to B; B forwarding always back to A is 409
    naming forward_always, directly or through C; once the chain is
    broken the same forward is accepted."""
    a, b, c = new_user(acme), new_user(acme), new_user(acme)
    acme.ok("PATCH", fpath(a["id"]), {"forward_always": b["extension"]})
    r = acme.patch(fpath(b["id"]), {"forward_always": a["extension"]})
    assert r.status == 409, r
    assert r.field == "forward_always", r.problem
    assert "loop" in r.problem["detail"], r.problem
    # through c: a -> c -> b, then b -> a closes the loop
    acme.ok("PATCH", fpath(a["id"]), {"forward_always": c["extension"]})
    acme.ok("PATCH", fpath(c["id"]), {"forward_always": b["extension"]})
    r = acme.patch(fpath(b["id"]), {"forward_always": a["extension"]})
    assert r.status == 409 and r.field == "forward_always", r
    # a busy-forward into the same chain loops as well
    r = acme.patch(fpath(b["id"]), {"forward_busy": c["extension"]})
    assert r.status == 409 and r.field == "forward_busy", r
    acme.ok("PATCH", fpath(c["id"]), {"forward_always": ""})
    f = acme.ok("PATCH", fpath(b["id"]), {"forward_always": a["extension"]})
    assert f["forward_always"] == a["extension"]


def test_premium_numbers_are_refused(acme):
    """Outside numbers pass unless the tenant's policy blocks them: the
    shipped defaults block premium rate (French 089, UK 09, US 900) and
    satellite ranges, with 422 naming the field and the range."""
    u = new_user(acme)
    for number, prefix in (("+33899123456", "+3389"),
                           ("+449012345678", "+449"),
                           ("+19005551234", "+1900"),
                           ("+881612345678", "+881")):
        r = acme.patch(fpath(u["id"]), {"forward_always": number})
        assert r.status == 422, (number, r)
        assert r.field == "forward_always", r.problem
        assert prefix in r.problem["detail"], r.problem
    f = acme.ok("PATCH", fpath(u["id"]), {"forward_always": "+33145671234"})
    assert f["forward_always"] == "+33145671234"


def test_twinning_needs_an_allowed_mobile(acme):
    """Twinning rings the user's mobile_number: without one it is 422
    naming twinning; with one it is accepted."""
    bare = new_user(acme)
    r = acme.patch(fpath(bare["id"]), {"twinning": "simultaneous"})
    assert r.status == 422 and r.field == "twinning", r
    mob = new_user(acme, mobile="+33612345678")
    f = acme.ok("PATCH", fpath(mob["id"]), {"twinning": "simultaneous",
                                             "twinning_delay_s": 0})
    assert f["twinning"] == "simultaneous" and f["twinning_delay_s"] == 0


def test_user_edits_own_features_only(daemon, acme):
    """A user reads and changes their own forwards and DND, but not their
    pickup group (400 naming it: the admin's choice); another user's
    features are 404 to them, for reading and for changing, and are
    unchanged."""
    me, client = new_user(acme, daemon, login=True)
    other = new_user(acme)
    f = client.ok("PATCH", fpath(me["id"]), {"dnd": True,
                                              "forward_noanswer":
                                              other["extension"]})
    assert f["dnd"] is True and f["forward_noanswer"] == other["extension"]
    assert client.ok("GET", fpath(me["id"])) == f
    r = client.patch(fpath(me["id"]), {"pickup_group": "sales"})
    assert r.status == 400 and r.field == "pickup_group", r
    # the loop check applies to users as it does to admins
    r = client.patch(fpath(me["id"]), {"forward_always": me["extension"]})
    assert r.status == 409 and r.field == "forward_always", r

    before = acme.ok("GET", fpath(other["id"]))
    for m in ("GET", "PATCH"):
        r = client.request(m, fpath(other["id"]),
                           **({"body": {"dnd": True}} if m == "PATCH"
                              else {}))
        assert r.status == 404, (m, r)
        assert r.content_type == "application/problem+json"
    assert acme.ok("GET", fpath(other["id"])) == before
    # the tenant-wide settings are not for a plain user
    assert client.get("/tenants/1/forward_policy").status == 403
    assert client.patch("/tenants/1/park", {"slots": 5}).status == 403


def test_other_tenant_gets_404(op, acme, globex):
    """Globex's admin reading or changing acme's features, policy, park,
    groups or members gets 404 (also through globex's own tenant id with
    acme's ids); acme's data is unchanged."""
    u = new_user(acme)
    g = acme.ok("POST", "/tenants/1/groups", {"name": "Iso group"})
    acme.ok("POST", "/tenants/1/groups/%d/members" % g["id"],
            {"user_id": u["id"]})
    before = (acme.ok("GET", fpath(u["id"])),
              acme.ok("GET", "/tenants/1/groups/%d" % g["id"]))
    paths = [fpath(u["id"]), fpath(u["id"], tid=GLOBEX),
             "/tenants/1/forward_policy", "/tenants/1/park",
             "/tenants/1/groups/%d" % g["id"],
             "/tenants/2/groups/%d" % g["id"],
             "/tenants/1/groups/%d/members" % g["id"],
             "/tenants/2/groups/%d/members/%d" % (g["id"], u["id"]),
             "/tenants/1/groups/%d/members/%d" % (g["id"], u["id"])]
    for p in paths:
        for m, body in (("GET", None), ("PATCH", {"dnd": True})):
            kw = {"body": body} if body is not None else {}
            r = globex.request(m, p, **kw)
            if m == "PATCH" and r.status == 405:
                continue    # a list: nothing to patch
            assert r.status == 404, (m, p, r)
    r = globex.request("PUT", "/tenants/2/groups/%d/members/%d"
                       % (g["id"], u["id"]), body={})
    assert r.status == 404, r
    r = globex.delete("/tenants/1/groups/%d" % g["id"])
    assert r.status == 404, r
    assert (acme.ok("GET", fpath(u["id"])),
            acme.ok("GET", "/tenants/1/groups/%d" % g["id"])) == before


def test_changes_are_audited(acme):
    """Changing features, the policy, park settings, a group and a
    membership each leaves an audit entry with before and after."""
    u = new_user(acme)
    since = last_audit_id(acme)
    acme.ok("PATCH", fpath(u["id"]), {"dnd": True})
    acme.ok("PATCH", "/tenants/1/park", {"timeout_s": 90})
    acme.ok("PATCH", "/tenants/1/park", {"timeout_s": 60})
    g = acme.ok("POST", "/tenants/1/groups", {"name": "Audit group"})
    acme.ok("PUT", "/tenants/1/groups/%d/members/%d" % (g["id"], u["id"]),
            {})
    acme.ok("DELETE", "/tenants/1/groups/%d" % g["id"])
    got = {(e["action"], e["resource"]): e for e in audit_since(acme, since)}
    f = got[("update", "users/%d/features" % u["id"])]
    assert f["before"]["dnd"] is False and f["after"]["dnd"] is True, f
    assert f["actor"] == DEMO_ACME_ADMIN[0], f
    p = got[("update", "park")]
    assert p["after"]["timeout_s"] in (60, 90), p
    assert ("create", "groups/%d" % g["id"]) in got
    assert ("create", "groups/%d/members/%d" % (g["id"], u["id"])) in got
    assert ("delete", "groups/%d" % g["id"]) in got


# --- the tenant's forward policy and park -----------------------------------

def test_forward_policy(op, acme, globex):
    """The policy reads with the shipped blocked ranges; an allow-list
    narrows forwards to it; a longer allowed prefix wins over a blocked
    one; forward_external off refuses every outside number; malformed
    prefixes are 400 naming the field.  Globex's policy is its own.
    The defaults are put back at the end."""
    path = "/tenants/1/forward_policy"
    d = acme.ok("GET", path)
    assert d["forward_external"] is True and d["allowed_prefixes"] == []
    assert {"+1900", "+3389", "+449", "+979"} <= set(d["blocked_prefixes"])
    u = new_user(acme)
    try:
        acme.ok("PATCH", path, {"allowed_prefixes": ["+33"],
                                "blocked_prefixes": ["+3389"]})
        r = acme.patch(fpath(u["id"]), {"forward_always": "+442071234567"})
        assert r.status == 422 and r.field == "forward_always", r
        acme.ok("PATCH", fpath(u["id"]), {"forward_always": "+33145671234"})
        acme.ok("PATCH", path, {"allowed_prefixes": ["+33", "+338991"]})
        acme.ok("PATCH", fpath(u["id"]), {"forward_busy": "+33899123456"})
        r = acme.patch(fpath(u["id"]), {"forward_noanswer": "+33899000000"})
        assert r.status == 422, r
        acme.ok("PATCH", path, {"forward_external": False})
        r = acme.patch(fpath(u["id"]), {"forward_unreachable":
                                         "+33145670000"})
        assert r.status == 422 and r.field == "forward_unreachable", r
        assert "outside" in r.problem["detail"]
        for body, field in (({"allowed_prefixes": ["33"]},
                             "allowed_prefixes"),
                            ({"blocked_prefixes": "+33"},
                             "blocked_prefixes"),
                            ({"blocked_prefixes": ["+44 9"]},
                             "blocked_prefixes"),
                            ({"forward_external": "no"},
                             "forward_external")):
            r = acme.patch(path, body)
            assert r.status == 400 and r.field == field, (body, r)
        assert globex.ok("GET", "/tenants/2/forward_policy") == d
    finally:
        acme.ok("PATCH", path, d)
    assert acme.ok("GET", path) == d


def test_park_settings(acme):
    """Park slots default to 700-709 and 60 s; a range that covers an
    extension is 409 naming first_slot; bounds are 400."""
    path = "/tenants/1/park"
    d = acme.ok("GET", path)
    assert d == {"first_slot": 700, "slots": 10, "timeout_s": 60}
    r = acme.patch(path, {"first_slot": 1000, "slots": 5})   # 1001...
    assert r.status == 409 and r.field == "first_slot", r
    for body, field in (({"slots": 0}, "slots"), ({"slots": 101}, "slots"),
                        ({"timeout_s": 5}, "timeout_s"),
                        ({"first_slot": "700"}, "first_slot")):
        r = acme.patch(path, body)
        assert r.status == 400 and r.field == field, (body, r)
    p = acme.ok("PATCH", path, {"first_slot": 800, "slots": 20,
                                "timeout_s": 120})
    assert p == {"first_slot": 800, "slots": 20, "timeout_s": 120}
    acme.ok("PATCH", path, d)


# --- ring groups ------------------------------------------------------------

def gpath(gid=None, tid=ACME):
    p = "/tenants/%d/groups" % tid
    return p if gid is None else "%s/%d" % (p, gid)


def test_group_lifecycle(acme):
    """Create (201, Location, defaults), read, list, change, delete (204,
    then 404); the extension is unique among users and groups and may
    not be a park slot; strategy, timeouts and fallback are checked."""
    r = acme.post(gpath(), {"name": "Sales line", "extension": "6100",
                            "fallback": "1001"})
    assert r.status == 201, r
    g = r.json()
    assert g == {"id": g["id"], "name": "Sales line", "extension": "6100",
                 "strategy": "ring_all", "member_timeout_s": 20,
                 "group_timeout_s": 60, "fallback": "1001"}, g
    assert r.header("Location") == "/api/v1/tenants/1/groups/%d" % g["id"]
    assert acme.ok("GET", gpath(g["id"])) == g
    assert g in acme.all_items(gpath())

    for body, status, field in (
            ({"name": "Sales line"}, 409, "name"),
            ({"name": "Clash", "extension": "1001"}, 409, "extension"),
            ({"name": "Clash", "extension": "6100"}, 409, "extension"),
            ({"name": "Clash", "extension": "705"}, 409, "extension"),
            ({"name": "Clash", "extension": "6x"}, 400, "extension"),
            ({"name": "Clash", "strategy": "random"}, 400, "strategy"),
            ({"name": "Clash", "member_timeout_s": 2}, 400,
             "member_timeout_s"),
            ({"name": "Clash", "group_timeout_s": 4000}, 400,
             "group_timeout_s"),
            ({"name": "Clash", "fallback": "5999"}, 422, "fallback"),
            ({"name": "Clash", "fallback": "+33899123456"}, 422,
             "fallback"),
            ({"extension": "6101"}, 400, "name")):
        r = acme.post(gpath(), body)
        assert r.status == status and r.field == field, (body, r)

    # a user may not take a group's extension either
    r = acme.post("/tenants/1/users", {"name": "Taker", "extension": "6100"})
    assert r.status == 409 and r.field == "extension", r
    assert "ring group %d" % g["id"] in r.problem["detail"], r

    for strategy in ("sequential", "round_robin", "longest_idle",
                     "ring_all"):
        g2 = acme.ok("PATCH", gpath(g["id"]), {"strategy": strategy})
        assert g2["strategy"] == strategy
    g2 = acme.ok("PATCH", gpath(g["id"]), {
        "extension": None, "member_timeout_s": 15, "group_timeout_s": 45,
        "fallback": "+33145671234", "name": "Sales"})
    assert g2 == dict(g, extension=None, member_timeout_s=15,
                      group_timeout_s=45, fallback="+33145671234",
                      name="Sales"), g2
    acme.ok("DELETE", gpath(g["id"]))
    for m in ("GET", "PATCH", "DELETE"):
        r = acme.request(m, gpath(g["id"]),
                         **({"body": {}} if m == "PATCH" else {}))
        assert r.status == 404, (m, r)


def test_group_members(daemon, acme):
    """Members are added (POST, or PUT on the member), listed in hunting
    order, moved, logged in and out (a member may do that themself,
    nothing else), and removed; a user of another tenant or a
    non-member is refused; deleting a user takes their memberships."""
    g = acme.ok("POST", gpath(), {"name": "Hunt %d" % next(_ext),
                                  "strategy": "sequential"})
    mp = gpath(g["id"]) + "/members"
    a, client = new_user(acme, daemon, login=True)
    b, c = new_user(acme), new_user(acme)
    r = acme.post(mp, {"user_id": a["id"]})
    assert r.status == 201, r
    ma = r.json()
    assert ma == {"user_id": a["id"], "name": a["name"],
                  "extension": a["extension"], "position": 0,
                  "logged_in": True, "last_answered_ms": None}, ma
    assert r.header("Location") == "/api/v1" + mp + "/%d" % a["id"]
    mb = acme.ok("POST", mp, {"user_id": b["id"], "logged_in": False})
    assert mb["position"] == 1 and mb["logged_in"] is False
    mc = acme.ok("PUT", mp + "/%d" % c["id"], {"position": 0})
    assert mc["position"] == 0
    order = [m["user_id"] for m in acme.all_items(mp)]
    assert order == [a["id"], c["id"], b["id"]], order

    r = acme.post(mp, {"user_id": a["id"]})
    assert r.status == 409 and r.field == "user_id", r
    r = acme.post(mp, {"user_id": 99999999})
    assert r.status == 422 and r.field == "user_id", r
    r = acme.request("PUT", mp + "/99999999", body={})
    assert r.status == 404, r

    # moved, logged in by the admin; logged out by the member themself
    mb = acme.ok("PATCH", mp + "/%d" % b["id"], {"position": 5,
                                                  "logged_in": True})
    assert mb["position"] == 5 and mb["logged_in"] is True
    me = client.ok("PATCH", mp + "/%d" % a["id"], {"logged_in": False})
    assert me["logged_in"] is False
    assert client.ok("GET", mp + "/%d" % a["id"]) == me
    r = client.patch(mp + "/%d" % a["id"], {"position": 9})
    assert r.status == 400 and r.field == "position", r
    assert client.get(mp + "/%d" % b["id"]).status == 404
    assert client.patch(mp + "/%d" % b["id"],
                        {"logged_in": False}).status == 404
    assert client.request("PUT", mp + "/%d" % a["id"],
                          body={}).status == 403
    assert client.get(mp).status == 403

    acme.ok("DELETE", mp + "/%d" % c["id"])
    assert acme.get(mp + "/%d" % c["id"]).status == 404
    acme.ok("DELETE", "/tenants/1/users/%d" % b["id"])
    assert [m["user_id"] for m in acme.all_items(mp)] == [a["id"]]
    acme.ok("DELETE", gpath(g["id"]))
    assert acme.get(mp).status == 404


def test_forward_to_a_group(acme):
    """A group's extension is a valid forward target."""
    g = acme.ok("POST", gpath(), {"name": "Fwd group",
                                  "extension": str(next(_ext))})
    u = new_user(acme)
    f = acme.ok("PATCH", fpath(u["id"]), {"forward_busy": g["extension"]})
    assert f["forward_busy"] == g["extension"]
