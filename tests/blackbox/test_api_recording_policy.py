"""REST API: the recording policy of a tenant and of its users.

  /tenants/{t}/recording_policy        GET, PATCH {"policy", "announce"}
  /tenants/{t}/users/{u}/features      "recording": inherit, never,
                                       on_demand, always

What an admin would check: a tenant records on demand and announces
nothing until told otherwise; what is set reads back, with an ETag that
changes; a malformed value is 400 naming the field and changes nothing;
supervisors read the policy but do not change it, plain users do
neither; every change is in the audit log with before and after;
another tenant's admin sees nothing (404) and keeps a policy of its own;
a user's own policy is the admin's choice: the user reads it but cannot
change it (400 naming "recording"); the tenant's retention period stays
where it was, on the tenant.

One demo daemon serves the module; tests that change the tenant's policy
put it back, and tests that change users use users of their own.
"""
import itertools

import pytest

from apiclient import ApiClient, DEMO_ACME_ADMIN, DEMO_OPERATOR, client_for

ACME, GLOBEX = 1, 2
DEFAULT = {"policy": "on_demand", "announce": False}


_ext = itertools.count(5301)


def new_user(acme, daemon=None, role="user"):
    """A user of acme with a fresh extension; with daemon, also a client
    logged in as them."""
    ext = str(next(_ext))
    body = {"name": "Rec %s" % ext, "extension": ext, "role": role}
    if daemon:
        body.update(email="rec%s@acme.example" % ext,
                    password="rec-%s-password" % ext)
    u = acme.ok("POST", "/tenants/1/users", body)
    if daemon:
        return u, client_for(daemon, (body["email"], body["password"]))
    return u


def ppath(tid=ACME):
    return "/tenants/%d/recording_policy" % tid


def fpath(uid, tid=ACME):
    return "/tenants/%d/users/%d/features" % (tid, uid)


def last_audit_id(c, tid=ACME):
    return max([e["id"] for e in c.all_items("/tenants/%d/audit" % tid)]
               or [0])


def audit_since(c, last_id, tid=ACME):
    return [e for e in c.all_items("/tenants/%d/audit" % tid)
            if e["id"] > last_id]


@pytest.fixture
def restore(acme):
    """Puts acme's policy back as it was after the test."""
    before = acme.ok("GET", ppath())
    yield before
    acme.ok("PATCH", ppath(), before)
    assert acme.ok("GET", ppath()) == before


# --- the tenant's policy ----------------------------------------------------

def test_defaults_set_and_read_back(acme, restore):
    """On demand without announcement until set; each value reads back
    as set, with an ETag that changes; only what is sent changes."""
    r = acme.get(ppath())
    assert r.status == 200, r
    assert r.json() == DEFAULT
    etag = r.header("ETag")
    assert etag

    p = acme.patch(ppath(), {"policy": "always", "announce": True})
    assert p.status == 200, p
    assert p.json() == {"policy": "always", "announce": True}
    assert p.header("ETag") and p.header("ETag") != etag
    assert acme.ok("GET", ppath()) == p.json()

    assert acme.ok("PATCH", ppath(), {"announce": False}) == {
        "policy": "always", "announce": False}
    for word in ("never", "on_demand", "always"):
        assert acme.ok("PATCH", ppath(), {"policy": word})["policy"] == word
        assert acme.ok("GET", ppath())["policy"] == word


def test_validation_names_the_field(acme, restore):
    """Malformed values are 400 naming the field; nothing changes."""
    before = acme.ok("GET", ppath())
    cases = [
        ({"policy": "sometimes"}, "policy"),
        ({"policy": "inherit"}, "policy"),      # a user's word only
        ({"policy": "Always"}, "policy"),
        ({"policy": ""}, "policy"),
        ({"policy": 2}, "policy"),
        ({"announce": "yes"}, "announce"),
        ({"announce": 1}, "announce"),
        ({"retention_days": 30}, "retention_days"),
        ({"colour": "blue"}, "colour"),
    ]
    for body, field in cases:
        r = acme.patch(ppath(), body)
        assert r.status == 400, (body, r)
        assert r.field == field, (body, r.problem)
    assert acme.ok("GET", ppath()) == before


def test_roles(daemon, acme, restore):
    """A supervisor reads the policy but cannot change it; a plain user
    can do neither; the policy is as it was."""
    before = acme.ok("GET", ppath())
    _, boss = new_user(acme, daemon, role="supervisor")
    _, plain = new_user(acme, daemon)
    assert boss.ok("GET", ppath()) == before
    r = boss.patch(ppath(), {"policy": "never"})
    assert r.status == 403, r
    assert r.content_type == "application/problem+json"
    assert plain.get(ppath()).status == 403
    assert plain.patch(ppath(), {"policy": "never"}).status == 403
    assert acme.ok("GET", ppath()) == before


def test_changes_are_audited(acme, restore):
    """A change of the policy leaves an audit entry naming the resource,
    the actor, and the policy before and after."""
    since = last_audit_id(acme)
    acme.ok("PATCH", ppath(), {"policy": "never", "announce": True})
    got = {(e["action"], e["resource"]): e for e in audit_since(acme, since)}
    e = got[("update", "recording_policy")]
    assert e["actor"] == DEMO_ACME_ADMIN[0], e
    assert e["before"] == restore, e
    assert e["after"] == {"policy": "never", "announce": True}, e


def test_other_tenant_gets_404(acme, globex, restore):
    """Globex's admin reading or changing acme's policy gets 404; each
    tenant keeps its own policy."""
    acme.ok("PATCH", ppath(), {"policy": "always", "announce": True})
    mine = globex.ok("GET", ppath(GLOBEX))
    assert mine == DEFAULT
    for m, kw in (("GET", {}), ("PATCH", {"body": {"policy": "never"}})):
        r = globex.request(m, ppath(), **kw)
        assert r.status == 404, (m, r)
        assert r.content_type == "application/problem+json"
    assert acme.ok("GET", ppath()) == {"policy": "always", "announce": True}
    assert globex.ok("GET", ppath(GLOBEX)) == DEFAULT


def test_retention_stays_on_the_tenant(daemon, acme, restore):
    """The retention period is the tenant's field and is not touched by
    the policy, nor the policy by it."""
    op = client_for(daemon, DEMO_OPERATOR)
    t = op.ok("GET", "/tenants/1")
    assert "recording_retention_days" in t
    acme.ok("PATCH", ppath(), {"policy": "always"})
    assert op.ok("GET", "/tenants/1")["recording_retention_days"] == \
        t["recording_retention_days"]
    op.ok("PATCH", "/tenants/1", {"recording_retention_days": 45})
    try:
        assert acme.ok("GET", ppath())["policy"] == "always"
    finally:
        op.ok("PATCH", "/tenants/1", {"recording_retention_days":
                                      t["recording_retention_days"]})


def test_openapi_documents_it(daemon):
    """The document names the resource and the user's field with their
    words."""
    doc = ApiClient(daemon.http_port).ok("GET", "/api/v1/openapi.json")
    ops = doc["paths"]["/api/v1/tenants/{tenant_id}/recording_policy"]
    assert {"get", "patch"} <= set(ops)
    s = doc["components"]["schemas"]
    assert s["RecordingPolicy"]["properties"]["policy"]["enum"] == [
        "never", "on_demand", "always"]
    assert s["UserFeatures"]["properties"]["recording"]["enum"] == [
        "inherit", "never", "on_demand", "always"]


# --- a user's own policy ----------------------------------------------------

def test_user_recording_set_by_admin(acme):
    """A user inherits until the admin gives them a policy; each word
    reads back; a bad one is 400 naming "recording"; the rest of the
    user's features are untouched."""
    u = new_user(acme)
    f = acme.ok("GET", fpath(u["id"]))
    assert f["recording"] == "inherit"
    for word in ("always", "never", "on_demand", "inherit"):
        g = acme.ok("PATCH", fpath(u["id"]), {"recording": word})
        assert g == dict(f, recording=word), g
        assert acme.ok("GET", fpath(u["id"]))["recording"] == word
    for bad in ("sometimes", "", "ALWAYS", "on demand", 1):
        r = acme.patch(fpath(u["id"]), {"recording": bad})
        assert r.status == 400 and r.field == "recording", (bad, r)
    assert acme.ok("GET", fpath(u["id"])) == f


def test_user_cannot_set_their_own(daemon, acme):
    """A user reads their recording policy but changing it is 400 naming
    the field, also together with a field they may change (nothing of
    the request is applied); the admin's choice stays."""
    me, client = new_user(acme, daemon)
    acme.ok("PATCH", fpath(me["id"]), {"recording": "always"})
    f = client.ok("GET", fpath(me["id"]))
    assert f["recording"] == "always"
    for body in ({"recording": "never"}, {"recording": "inherit"},
                 {"recording": "never", "dnd": True}):
        r = client.patch(fpath(me["id"]), body)
        assert r.status == 400 and r.field == "recording", (body, r)
    assert client.ok("GET", fpath(me["id"])) == f
    # what they may change, they still can
    assert client.ok("PATCH", fpath(me["id"]), {"dnd": True}) == dict(
        f, dnd=True)
    # the tenant's policy is not theirs to read or change either
    assert client.get(ppath()).status == 403


def test_user_recording_audited_and_isolated(acme, globex):
    """The admin's change of a user's policy is audited with before and
    after; another tenant's admin cannot read or set it (404)."""
    u = new_user(acme)
    since = last_audit_id(acme)
    acme.ok("PATCH", fpath(u["id"]), {"recording": "never"})
    got = {(e["action"], e["resource"]): e for e in audit_since(acme, since)}
    e = got[("update", "users/%d/features" % u["id"])]
    assert e["before"]["recording"] == "inherit", e
    assert e["after"]["recording"] == "never", e
    for p in (fpath(u["id"]), fpath(u["id"], tid=GLOBEX)):
        r = globex.patch(p, {"recording": "always"})
        assert r.status == 404, (p, r)
    assert acme.ok("GET", fpath(u["id"]))["recording"] == "never"
