"""API tokens for machines: shown once, stored hashed, scoped to a tenant
and a role no higher than their creator's, refused (401) once revoked or
expired, and never usable on another tenant."""
import sqlite3

from apiclient import (ApiClient, DEMO_ACME_ADMIN, DEMO_GLOBEX_ADMIN,
                       DEMO_OPERATOR, client_for)

ACME, GLOBEX = 1, 2


def bearer(daemon, secret):
    """A client that authenticates with the token only (no session)."""
    c = ApiClient(daemon.http_port)
    c.get_with = lambda path: c.get(
        path, headers={"Authorization": "Bearer " + secret})
    return c

def test_token_is_shown_once_and_stored_hashed(daemon, acme):
    """The secret comes in the creation answer only; the list shows the
    token without it, and the store holds a hash, not the secret."""
    t = acme.ok("POST", "/tenants/%d/tokens" % ACME,
                {"name": "crm", "role": "supervisor"})
    secret = t["token"]
    assert secret.startswith("cx_%d_" % t["id"]), t
    listed = [x for x in acme.all_items("/tenants/%d/tokens" % ACME)
              if x["id"] == t["id"]]
    assert listed and "token" not in listed[0], listed
    assert secret not in str(acme.get("/tenants/%d/tokens" % ACME).body)
    if daemon.pg is None:
        db = sqlite3.connect(daemon.store_path, timeout=10)
        rows = db.execute("SELECT * FROM api_tokens").fetchall()
        db.close()
        assert rows and secret.split("_")[-1] not in repr(rows), rows
    c = bearer(daemon, secret)
    r = c.get_with("/api/v1/tenants/%d/users" % ACME)
    assert r.status == 200, r
    # a supervisor token reads, but may not change the tenant
    r = c.request("POST", "/tenants/%d/users" % ACME, {"name": "X"},
                  headers={"Authorization": "Bearer " + secret})
    assert r.status == 403, r
    # and another tenant does not exist for it
    r = c.get_with("/api/v1/tenants/%d/users" % GLOBEX)
    assert r.status == 404, r


def test_revoked_and_expired_tokens_are_401(daemon, acme):
    """Revoking a token refuses it at once; so does its expiry."""
    a = acme.ok("POST", "/tenants/%d/tokens" % ACME, {"name": "to-revoke",
                                                   "role": "tenant_admin"})
    b = acme.ok("POST", "/tenants/%d/tokens" % ACME,
                {"name": "to-expire", "expires_in_s": 3600,
                 "role": "tenant_admin"})
    ca, cb = bearer(daemon, a["token"]), bearer(daemon, b["token"])
    users = "/api/v1/tenants/%d/users" % ACME
    assert ca.get_with(users).status == 200
    assert cb.get_with(users).status == 200

    acme.ok("DELETE", "/tenants/%d/tokens/%d" % (ACME, a["id"]))
    assert ca.get_with(users).status == 401
    revoked = [x for x in acme.all_items("/tenants/%d/tokens" % ACME)
               if x["id"] == a["id"]]
    assert revoked and revoked[0]["revoked"] is True, revoked

    # an hour later, as far as the token is concerned
    daemon.sql("UPDATE api_tokens SET expires_at = 1000 WHERE id = %d"
               % b["id"])
    r = cb.get_with(users)
    assert r.status == 401, r
    # a token that never existed, or a forged secret, is 401 too
    forged = b["token"][:-4] + ("0000" if not b["token"].endswith("0000")
                                else "1111")
    assert bearer(daemon, forged).get_with(users).status == 401
    assert bearer(daemon, "cx_999999_" + "a" * 64).get_with(users).status \
        == 401


def test_token_role_is_capped_by_its_creator(daemon):
    """A tenant admin cannot mint an operator token, nor a token of a
    role that does not exist; another tenant's admin cannot revoke it."""
    acme = client_for(daemon, DEMO_ACME_ADMIN)
    globex = client_for(daemon, DEMO_GLOBEX_ADMIN)
    op = client_for(daemon, DEMO_OPERATOR)
    for role in ("operator", "root"):
        r = acme.post("/tenants/%d/tokens" % ACME, {"name": "x",
                                                    "role": role})
        assert r.status in (400, 403, 422) and r.field == "role", r
    t = acme.ok("POST", "/tenants/%d/tokens" % ACME,
                {"name": "mine", "role": "supervisor"})
    r = globex.delete("/tenants/%d/tokens/%d" % (ACME, t["id"]))
    assert r.status == 404, r
    r = globex.delete("/tenants/%d/tokens/%d" % (GLOBEX, t["id"]))
    assert r.status == 404, r
    c = bearer(daemon, t["token"])
    assert c.get_with("/api/v1/tenants/%d/users" % ACME).status == 200
    # the operator's own tokens are apart from the tenants'
    o = op.ok("POST", "/tokens", {"name": "billing"})
    co = bearer(daemon, o["token"])
    assert co.get_with("/api/v1/tenants").status == 200
    assert c.get_with("/api/v1/tenants").status == 403
