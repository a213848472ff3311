"""Bindings over time: expiry, graceful restart, crash."""
import re
import time

from sipclient import Registration, SipClient


def _register(d, user="1001", expires=None):
    with SipClient(d.port) as c:
        reg = Registration(c, user, "acme.example", "pw" + user)
        r = reg.register(expires=expires)
        assert r is not None and r.status == 200, r
        (uri, _), = r.contacts()
        return uri


def test_binding_expires_on_time(start_daemon):
    """With min_expires=1, a 3 s registration is listed at once, is still
    listed after a quick restart (loaded with its remaining time), is
    gone about 3 s after it was made, and stays gone after a restart."""
    d = start_daemon(opts=["registrar.min_expires=1"])
    t0 = time.monotonic()
    uri = _register(d, expires=3)
    b, = d.registrations()
    assert b["contact"] == uri and b["expiry"] <= 3
    d.restart()
    b, = d.registrations()
    assert b["contact"] == uri and b["expiry"] <= 3

    while d.registrations() and time.monotonic() - t0 < 8:
        time.sleep(0.2)
    assert d.registrations() == [], "binding outlived its 3 s"
    assert time.monotonic() - t0 >= 1.5, "binding expired early"
    assert d.metrics()["bindings_expired"] == 1

    d.restart()
    assert d.registrations() == [], "expired binding came back from store"


def test_restart_keeps_bindings(start_daemon):
    """Register, stop the daemon gracefully (SIGTERM), start it again on
    the same store: the binding is listed with its remaining time, and
    the phone's next REGISTER refresh updates it rather than adding one."""
    d = start_daemon()
    with SipClient(d.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        r = reg.register(expires=600)
        assert r.status == 200, r
        (uri, _), = r.contacts()
        assert d.stop() == 0

        d.start()
        b, = d.registrations()
        assert (b["tenant"], b["user"], b["contact"]) == ("acme", "1001",
                                                          uri)
        assert 590 <= b["expiry"] <= 600, b
        assert "loaded 1 bindings" in d.stderr()
        # the phone refreshes (same Call-ID, next CSeq) after the restart
        r = reg.register(expires=1200)
        assert r is not None and r.status == 200, r
        assert [u for u, _ in r.contacts()] == [uri]
    b, = d.registrations()
    assert b["expiry"] > 1100
    # the refresh reached the store as well
    d.restart()
    b, = d.registrations()
    assert b["contact"] == uri and b["expiry"] > 1100


def test_binding_survives_kill_9(start_daemon):
    """A registration acknowledged one second before the daemon is killed
    with SIGKILL (no chance to flush) is still there after the restart."""
    d = start_daemon()
    uri = _register(d, expires=900)
    time.sleep(1.0)
    d.kill9()

    d.start()
    b, = d.registrations()
    assert b["contact"] == uri and b["user"] == "1001"
    assert 880 <= b["expiry"] <= 900, b


def test_unregister_survives_restart(start_daemon):
    """A user who unregistered (Contact: *) stays unregistered after a
    restart: the removal reached the store too."""
    d = start_daemon()
    with SipClient(d.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        assert reg.register().status == 200
        assert reg.unregister_all().status == 200
    d.restart()
    assert d.registrations() == []


def test_sigterm_flushes_pending_bindings(start_daemon):
    """With the periodic store write every 10 s (store.flush_ms=10000), a
    registration made just before a graceful stop (SIGTERM) is still
    written: it is there after the restart."""
    d = start_daemon(opts=["store.flush_ms=10000"])
    uri = _register(d, expires=900)
    assert d.stop() == 0
    d.start()
    assert [b["contact"] for b in d.registrations()] == [uri]


def test_binding_expiring_while_down_is_not_restored(start_daemon):
    """A 2 s registration whose time runs out while the daemon is
    stopped is not listed after the start (the log counts it as
    expired)."""
    d = start_daemon(opts=["registrar.min_expires=1"])
    _register(d, expires=2)
    assert d.stop() == 0
    time.sleep(2.5)
    d.start()
    assert d.registrations() == []
    assert re.search(r"loaded 0 bindings .*1 had expired", d.stderr()), \
        d.stderr()
