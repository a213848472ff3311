"""Banning source addresses after repeated authentication failures."""
import re
import time

from sipclient import Registration, SipClient

BANNED = "127.0.0.5"
BYSTANDER = "127.0.0.6"


def _fail_login(port, ip):
    with SipClient(port, local_ip=ip) as c:
        r = Registration(c, "1001", "acme.example", "pw1001").register(
            password="guess")
        assert r is not None and r.status == 403, r


def _answered(port, ip, timeout):
    with SipClient(port, local_ip=ip) as c:
        r = c.options(timeout=timeout)
        return r is not None and r.status == 200


def test_ban_after_failures_then_unban(start_daemon):
    """Three wrong passwords from 127.0.0.5 (ban_failures=3) ban it: its
    requests get no answer at all, `--ctl bans` lists it, 127.0.0.6 is
    still served; after ban_time_s=2 it is answered again.  The log has
    exactly one ban and one unban line for it."""
    d = start_daemon(opts=["security.ban_failures=3",
                           "security.ban_time_s=2"])
    for _ in range(3):
        _fail_login(d.port, BANNED)
    banned_at = time.monotonic()

    assert not _answered(d.port, BANNED, timeout=1.0), \
        "banned address still answered"
    bans = d.bans()
    assert [b["address"] for b in bans] == [BANNED], bans
    assert bans[0]["failures"] == 3
    assert _answered(d.port, BYSTANDER, timeout=2.0), \
        "an innocent address was affected by the ban"
    # a REGISTER with the right password is dropped too while banned
    with SipClient(d.port, local_ip=BANNED) as c:
        assert Registration(c, "1001", "acme.example", "pw1001").send(
            timeout=0.5) is None

    # the ban ends after about 2 s
    answered_after = None
    while time.monotonic() - banned_at < 8:
        if _answered(d.port, BANNED, timeout=0.3):
            answered_after = time.monotonic() - banned_at
            break
    assert answered_after is not None, "ban did not end"
    assert answered_after >= 1.5, "ban ended after only %.1fs" % (
        answered_after)
    assert d.bans() == []

    m = d.metrics()
    assert m["bans"] == 1
    assert m["sip_banned_drops"] >= 2
    assert m["register_auth_failed"] == 3

    log = d.wait_for_log(r"\bunbanned 127\.0\.0\.5\b")
    assert len(log) == 1
    text = d.stderr()
    assert len(re.findall(r"\bbanned 127\.0\.0\.5\b", text)) == 1, text
    assert len(re.findall(r"\bunbanned 127\.0\.0\.5\b", text)) == 1, text


def test_failures_below_threshold_do_not_ban(start_daemon):
    """Two failures with ban_failures=3 do not ban: the address is still
    answered and `--ctl bans` is empty."""
    d = start_daemon(opts=["security.ban_failures=3"])
    for _ in range(2):
        _fail_login(d.port, BANNED)
    assert _answered(d.port, BANNED, timeout=2.0)
    assert d.bans() == []


def test_every_kind_of_failure_counts(start_daemon):
    """A wrong password, an unknown user and an unknown domain from the
    same address each count: with ban_failures=3 the address is banned
    after one of each."""
    d = start_daemon(opts=["security.ban_failures=3"])
    with SipClient(d.port, local_ip=BANNED) as c:
        for user, domain, pw in (("1001", "acme.example", "bad"),
                                 ("1999", "acme.example", "pw1999"),
                                 ("1001", "nowhere.example", "pw1001")):
            r = Registration(c, user, domain, pw).register(algorithm="MD5")
            assert r is not None and r.status == 403, r
    assert not _answered(d.port, BANNED, timeout=1.0)
    assert [b["address"] for b in d.bans()] == [BANNED]


def test_failures_outside_window_do_not_add_up(start_daemon):
    """Failures are counted per ban_window_s: two failures, a pause
    longer than the 1 s window, then two more do not reach
    ban_failures=3."""
    d = start_daemon(opts=["security.ban_failures=3",
                           "security.ban_window_s=1"])
    for _ in range(2):
        _fail_login(d.port, BANNED)
    time.sleep(1.5)
    for _ in range(2):
        _fail_login(d.port, BANNED)
    assert _answered(d.port, BANNED, timeout=2.0)
    assert d.bans() == []
