"""The REST API as the whole provisioning path, end to end.

The operator creates a tenant with a new SIP domain, a site, a user and
the tenant's admin; the admin (logged in with the password the operator
set) gives the user a SIP device; phones register with those
credentials at once, without a restart: the raw SIP client of this
suite and a real baresip.  Changing the device password refuses the
old one; deleting the device, the user or the tenant removes their
bindings.
"""
import os
import time

import pytest

from apiclient import ApiClient, DEMO_OPERATOR
from sipclient import Registration, SipClient
from test_baresip import BARESIP, MODULES, Baresip, _account, _reginfo_ok

DOMAIN = "initech.example"


@pytest.fixture(scope="module")
def initech(daemon, op):
    """Tenant initech made by the operator: a site, a tenant admin with
    a password, and Alice (extension 3001) with no device yet; the
    admin's logged-in client."""
    t = op.ok("POST", "/tenants", {
        "slug": "initech", "name": "Initech", "sip_domain": DOMAIN,
        # baresip's SIP stack only answers MD5 challenges
        "digest_algorithms": "MD5"})
    tp = "/tenants/%d" % t["id"]
    site = op.ok("POST", tp + "/sites", {
        "name": "Austin", "country": "US", "time_zone": "America/Chicago",
        "extension_length": 4})
    op.ok("POST", tp + "/users", {
        "name": "Bill Lumbergh", "email": "bill@initech.example",
        "role": "tenant_admin", "site_id": site["id"],
        "password": "yeah-if-you-could"})
    alice = op.ok("POST", tp + "/users", {
        "name": "Alice", "extension": "3001", "site_id": site["id"]})
    admin = ApiClient(daemon.http_port)
    r = admin.login("bill@initech.example", "yeah-if-you-could")
    assert r.json()["tenant_id"] == t["id"]
    assert r.json()["role"] == "tenant_admin"
    return {"tenant": t, "path": tp, "site": site, "alice": alice,
            "admin": admin}


def register(daemon, user, password, domain=DOMAIN, ip="127.0.0.1",
             expires=300, transport="udp"):
    """One REGISTER with digest; (final response, challenge realm)."""
    with SipClient(daemon.port, transport=transport, local_ip=ip) as c:
        reg = Registration(c, user, domain, password)
        first = reg.send(expires=expires)
        if first is None or first.status != 401:
            return first, None
        ch = reg.pick(first)
        r = reg.send(expires=expires,
                     authorization=reg.answer(ch, algorithm=ch.get(
                         "algorithm", "MD5")))
        return r, ch["realm"]


def bindings(daemon, slug="initech", user=None):
    return [b for b in daemon.registrations()
            if b["tenant"] == slug and (user is None or b["user"] == user)]


def wait_for(pred, timeout=1.0, step=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(step)


def test_admin_created_device_registers_at_once(daemon, initech):
    """The tenant admin creates Alice's device; within a second, with no
    restart, a phone registers with those credentials in the new domain
    (challenge realm initech.example), and the operator sees the
    binding under tenant initech."""
    admin = initech["admin"]
    base = "%s/users/%d/devices" % (initech["path"], initech["alice"]["id"])
    r = admin.post(base, {"sip_username": "3001",
                          "password": "alice-sip-pass-1"})
    assert r.status == 201, r
    created = time.monotonic()
    last = [None]

    def ok():
        last[0] = register(daemon, "3001", "alice-sip-pass-1",
                           ip="127.0.7.1")
        return last[0][0] is not None and last[0][0].status == 200
    assert wait_for(ok, timeout=1.0), last[0]
    assert time.monotonic() - created < 1.5
    assert last[0][1] == DOMAIN
    b, = bindings(daemon, user="3001")
    assert b["source"].startswith("127.0.7.1:")
    # the device is the admin's to see, and the operator's
    assert [d["sip_username"] for d in admin.all_items(base)] == ["3001"]


@pytest.mark.skipif(BARESIP is None or not os.path.isdir(MODULES),
                    reason="baresip not installed")
def test_phone_lifecycle_with_baresip(daemon, initech, tmp_path):
    """Bob gets a device from the admin; a real baresip registers with it
    (reginfo OK, the operator lists its contact) as does the raw client.
    The admin changes the device password: the old one is refused (403),
    the new one works.  The admin deletes the device: every binding of
    Bob is gone at once and his credentials no longer register."""
    admin = initech["admin"]
    tp = initech["path"]
    bob = admin.ok("POST", tp + "/users", {
        "name": "Bob", "extension": "3002",
        "site_id": initech["site"]["id"]})
    base = "%s/users/%d/devices" % (tp, bob["id"])
    d = admin.ok("POST", base, {"sip_username": "3002",
                                "password": "bob-sip-pass-1"})
    dp = "%s/%d" % (base, d["id"])

    ua = Baresip(str(tmp_path), _account("3002", DOMAIN, "bob-sip-pass-1",
                                         daemon.port))
    ua.start()
    try:
        info = _reginfo_ok(ua)
        assert "sip:3002@%s" % DOMAIN in info
        assert any("@127.0.0.1:%d" % ua.sip_port in b["contact"]
                   for b in bindings(daemon, user="3002"))

        r, realm = register(daemon, "3002", "bob-sip-pass-1", ip="127.0.7.2")
        assert r is not None and r.status == 200, r
        assert realm == DOMAIN
        assert len(bindings(daemon, user="3002")) == 2

        assert admin.ok("PATCH", dp, {"password": "bob-sip-pass-2"}) == d
        r, _ = register(daemon, "3002", "bob-sip-pass-1", ip="127.0.7.3")
        assert r is not None and r.status == 403, r
        r, _ = register(daemon, "3002", "bob-sip-pass-2", ip="127.0.7.4")
        assert r is not None and r.status == 200, r

        admin.ok("DELETE", dp)
        gone = wait_for(lambda: not bindings(daemon, user="3002"))
        assert gone, bindings(daemon, user="3002")
        r, _ = register(daemon, "3002", "bob-sip-pass-2", ip="127.0.7.5")
        assert r is not None and r.status != 200, r
        assert not bindings(daemon, user="3002")
        assert admin.get(dp).status == 404
    finally:
        ua.stop()


def test_renamed_device_loses_old_name(daemon, initech):
    """Renaming a device (with its new password) moves it: the old SIP
    username no longer registers and its binding is gone; the new name
    registers."""
    admin = initech["admin"]
    tp = initech["path"]
    u = admin.ok("POST", tp + "/users", {"name": "Carol",
                                         "extension": "3003"})
    base = "%s/users/%d/devices" % (tp, u["id"])
    d = admin.ok("POST", base, {"sip_username": "3003",
                                "password": "carol-sip-pass-1"})
    r, _ = register(daemon, "3003", "carol-sip-pass-1", ip="127.0.7.6")
    assert r is not None and r.status == 200, r
    admin.ok("PATCH", "%s/%d" % (base, d["id"]),
             {"sip_username": "carol", "password": "carol-sip-pass-2"})
    assert wait_for(lambda: not bindings(daemon, user="3003"))
    r, _ = register(daemon, "3003", "carol-sip-pass-1", ip="127.0.7.7")
    assert r is not None and r.status != 200, r
    r, _ = register(daemon, "carol", "carol-sip-pass-2", ip="127.0.7.8")
    assert r is not None and r.status == 200, r


def test_deleting_a_user_removes_their_bindings(daemon, initech):
    """A user with two devices, both registered (UDP and TCP): deleting
    the user removes both bindings at once, and their devices with
    them."""
    admin = initech["admin"]
    tp = initech["path"]
    u = admin.ok("POST", tp + "/users", {"name": "Dave",
                                         "extension": "3004"})
    up = "%s/users/%d" % (tp, u["id"])
    for name, tr in (("3004", "udp"), ("3004-soft", "tcp")):
        admin.ok("POST", up + "/devices", {"sip_username": name,
                                           "password": "dave-sip-pass"})
        r, _ = register(daemon, name, "dave-sip-pass", ip="127.0.7.9",
                        transport=tr)
        assert r is not None and r.status == 200, (name, r)
    assert {b["user"] for b in bindings(daemon)} >= {"3004", "3004-soft"}
    admin.ok("DELETE", up)
    assert wait_for(lambda: not {b["user"] for b in bindings(daemon)} &
                    {"3004", "3004-soft"}), bindings(daemon)
    assert admin.get(up + "/devices").status == 404
    r, _ = register(daemon, "3004", "dave-sip-pass", ip="127.0.7.10")
    assert r is not None and r.status != 200, r


def test_api_changes_survive_a_restart(daemon, op, initech):
    """A device created and then given a new password through the API
    still registers with the new password after the daemon restarts
    (and not with the old one); the tenant and its users are still
    there.  (Sessions do not survive: both clients log in again.)"""
    admin = initech["admin"]
    tp = initech["path"]
    u = admin.ok("POST", tp + "/users", {"name": "Frank",
                                         "extension": "3006"})
    dp = admin.ok("POST", "%s/users/%d/devices" % (tp, u["id"]),
                  {"sip_username": "3006", "password": "frank-sip-1"})
    admin.ok("PATCH", "%s/users/%d/devices/%d" % (tp, u["id"], dp["id"]),
             {"password": "frank-sip-2"})
    users_before = admin.all_items(tp + "/users")
    daemon.restart()
    op.login(*DEMO_OPERATOR)
    admin.login("bill@initech.example", "yeah-if-you-could")
    assert admin.all_items(tp + "/users") == users_before
    assert op.ok("GET", tp) == initech["tenant"]
    r, realm = register(daemon, "3006", "frank-sip-2", ip="127.0.7.14")
    assert r is not None and r.status == 200, r
    assert realm == DOMAIN
    r, _ = register(daemon, "3006", "frank-sip-1", ip="127.0.7.15")
    assert r is not None and r.status == 403, r


def test_deleting_the_tenant_removes_everything(daemon, op, initech):
    """Finally the operator deletes the tenant: its bindings disappear,
    its admin's session ends, its domain no longer registers anyone,
    and the demo tenants are untouched (1001 still registers)."""
    admin = initech["admin"]
    tp = initech["path"]
    u = admin.ok("POST", tp + "/users", {"name": "Eve", "extension": "3005"})
    admin.ok("POST", "%s/users/%d/devices" % (tp, u["id"]),
             {"sip_username": "3005", "password": "eve-sip-pass"})
    r, _ = register(daemon, "3005", "eve-sip-pass", ip="127.0.7.11")
    assert r is not None and r.status == 200, r
    assert bindings(daemon)

    op.ok("DELETE", tp)
    assert wait_for(lambda: not bindings(daemon)), bindings(daemon)
    assert admin.get("/auth/me").status == 401
    r, _ = register(daemon, "3005", "eve-sip-pass", ip="127.0.7.12")
    assert r is not None and r.status != 200, r
    assert not bindings(daemon)
    r, _ = register(daemon, "1001", "pw1001", domain="acme.example",
                    ip="127.0.7.13")
    assert r is not None and r.status == 200, r
