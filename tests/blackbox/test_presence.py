"""Presence, BLF and message waiting, as phones see them.

Raw SIP phones (sipua.py) subscribe to colleagues' dialog state (BLF
keys), presence (buddy lists) and their own mailbox (message-summary);
what they check is what a phone shows: the NOTIFYs and their bodies.
A SIPp subscriber does the same for the dialog package.  The call
layer reports who rings and who talks, so a BLF key follows a call.
"""
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import HERE, free_port
from sipua import body_text, notify_of, ua  # noqa: F401 (fixture)

SIPP = shutil.which("sipp")


def dialog_states(msg):
    return re.findall(r"<state>([a-z]+)</state>", body_text(msg))


def test_blf_subscription_idle_then_unsubscribed(ua):
    """1001 subscribes to 1002's dialog state: the SUBSCRIBE is
    challenged (407), then accepted (200, Expires as asked); the first
    NOTIFY is active with a full, empty dialog-info document (idle).
    Unsubscribing (Expires: 0) ends with a NOTIFY saying terminated."""
    ua("1002")
    a = ua("1001")
    r = a.subscribe("1002", "dialog", expires=600)
    assert r.status == 200, r
    assert int(r.get("expires")) == 600
    n = a.wait_request("NOTIFY", match=notify_of("dialog"))
    assert n is not None, "no NOTIFY"
    assert n.get("subscription-state").startswith("active")
    assert n.get("content-type") == "application/dialog-info+xml"
    body = body_text(n)
    assert 'entity="sip:1002@acme.example"' in body
    assert 'state="full"' in body and dialog_states(n) == []

    r = a.refresh("1002", "dialog", 0)
    assert r.status == 200, r
    n = a.wait_request("NOTIFY", match=notify_of("dialog"))
    assert n is not None and n.get("subscription-state").startswith(
        "terminated")


def test_subscription_refresh_is_bounded(ua):
    """A refresh keeps the subscription; an expiry longer than an hour
    is cut to an hour; one shorter than a minute gets 423 with
    Min-Expires: 60."""
    ua("1002")
    a = ua("1001")
    r = a.subscribe("1002", "dialog", expires=86400)
    assert r.status == 200 and int(r.get("expires")) == 3600, r
    assert a.wait_request("NOTIFY", match=notify_of("dialog"))
    r = a.refresh("1002", "dialog", 300)
    assert r.status == 200 and int(r.get("expires")) == 300, r
    r = a.subscribe("1002", "presence", expires=10)
    assert r.status == 423 and r.get("min-expires") == "60", r


def test_presence_follows_registration(ua):
    """A buddy list entry is closed while 1003 has no phone registered,
    turns open when 1003 registers and closed again when it leaves."""
    a = ua("1001")
    c = ua("1003", register=False)
    r = a.subscribe("1003", "presence")
    assert r.status == 200, r
    n = a.wait_request("NOTIFY", match=notify_of("presence"))
    assert n.get("content-type") == "application/pidf+xml"
    assert "<basic>closed</basic>" in body_text(n)

    c.register()
    n = a.wait_request("NOTIFY", match=notify_of("presence"))
    assert n is not None and "<basic>open</basic>" in body_text(n)

    assert c.reg.unregister_all().status == 200
    n = a.wait_request("NOTIFY", match=notify_of("presence"))
    assert n is not None and "<basic>closed</basic>" in body_text(n)


def test_presence_shows_dnd(centrexd, ua):
    """With do-not-disturb set through the API, 1002 shows as busy in a
    new presence subscription."""
    from apiclient import ApiClient
    api = ApiClient(centrexd.http_port)
    api.login("admin@acme.example", "admin-demo")
    users = api.get("/api/v1/tenants/1/users?extension=1002").json()["items"]
    r = api.patch("/api/v1/tenants/1/users/%d/features" % users[0]["id"],
                  {"dnd": True})
    assert r.status == 200, r
    ua("1002")
    a = ua("1001")
    assert a.subscribe("1002", "presence").status == 200
    n = a.wait_request("NOTIFY", match=notify_of("presence"))
    assert "<basic>open</basic>" in body_text(n)
    assert "<rpid:busy/>" in body_text(n)


def test_subscribe_refusals(ua):
    """Nothing of another tenant shows: globex's 2001 subscribing to
    acme's 1002 gets 404, as does an unknown extension; an unknown event
    package gets 489 naming the ones offered; a wrong password gets 403;
    someone else's mailbox is refused (403)."""
    ua("1002")
    g = ua("2001", domain="globex.example")
    assert g.subscribe("1002@acme.example", "dialog").status == 404
    assert g.subscribe("1002", "dialog").status == 404   # in globex
    a = ua("1001")
    assert a.subscribe("1999", "dialog").status == 404
    r = a.subscribe("1002", "conference")
    assert r.status == 489, r
    assert "dialog" in r.get("allow-events")
    assert a.subscribe("1002", "message-summary").status == 403
    bad = ua("1003", password="wrong", register=False)
    assert bad.subscribe("1002", "dialog").status == 403


def test_subscriptions_per_device_are_capped(ua):
    """One device may hold 64 subscriptions; the 65th is refused with
    403 (a flood stays bounded), and ending one makes room again."""
    a = ua("1001")
    for i in range(64):
        r = a.subscribe("1002", "dialog")
        assert r.status == 200, (i, r)
        a.drain(0)
    r = a.subscribe("1002", "dialog")
    assert r.status == 403, r
    a.drain()
    key = ("1002", "dialog")
    assert a.refresh(*key, 0).status == 200
    a.drain()
    assert a.subscribe("1002", "dialog").status == 200


def test_message_waiting_lamp(centrexd, ua):
    """When voicemail sets a user's lamp (here through the control
    socket), a phone that never subscribed gets an unsolicited NOTIFY
    (message-summary: 2 new, 1 old); a phone subscribed to its own
    mailbox gets it in its subscription, and the lamp goes off again."""
    b = ua("1002")
    out = centrexd.ctl("mwi acme 1002 2 1")
    assert "2 new" in out, out
    n = b.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None, "no unsolicited NOTIFY"
    assert n.get("content-type") == "application/simple-message-summary"
    text = body_text(n)
    assert "Messages-Waiting: yes" in text
    assert "Voice-Message: 2/1" in text

    c = ua("1003")
    r = c.subscribe("1003", "message-summary")
    assert r.status == 200, r
    n = c.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert "Messages-Waiting: no" in body_text(n)
    centrexd.ctl("mwi acme 1003 1 0")
    n = c.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None and "Messages-Waiting: yes" in body_text(n)
    assert n.get("subscription-state").startswith("active")
    centrexd.ctl("mwi acme 1003 0 1")
    n = c.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None and "Messages-Waiting: no" in body_text(n)
    # subscribed: no unsolicited copy besides
    c.drain()
    assert not [m for m in c.inbox
                if m.get("event") == "message-summary"], c.inbox


def test_lamp_shown_to_a_phone_that_registers_later(centrexd, ua):
    """A lamp set while 1004 is offline lights when 1004 registers."""
    centrexd.ctl("mwi acme 1004 1 0")
    d = ua("1004")
    n = d.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None and "Messages-Waiting: yes" in body_text(n)


@pytest.mark.skipif(SIPP is None, reason="sipp not installed")
def test_sipp_dialog_subscriber(centrexd, ua, tmp_path):
    """SIPp, as 1001's BLF key, subscribes to 1002 with digest auth, gets
    the first NOTIFY (full state), then unsubscribes and gets the final
    NOTIFY: the scenario ends without a failed call."""
    ua("1002")
    inf = tmp_path / "users.csv"
    inf.write_text("SEQUENTIAL\n1001;1002;acme.example;"
                   "[authentication username=1001 password=pw1001]\n")
    errors = tmp_path / "errors.log"
    cmd = [SIPP, "127.0.0.1:%d" % centrexd.port,
           "-sf", os.path.join(HERE, "sipp", "subscribe_dialog.xml"),
           "-inf", str(inf), "-i", "127.0.0.1", "-p", str(free_port()),
           "-t", "u1", "-m", "1", "-nostdin", "-timeout", "30s",
           "-timeout_error", "-trace_err", "-error_file", str(errors),
           "-trace_msg", "-message_file", str(tmp_path / "msgs.log")]
    with open(str(tmp_path / "screen.txt"), "w") as screen:
        rc = subprocess.run(cmd, stdout=screen, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd=str(tmp_path),
                            timeout=60).returncode
    log = (tmp_path / "msgs.log").read_text(errors="replace")
    assert rc == 0, (errors.read_text(errors="replace")
                     if errors.exists() else "") + log[-3000:]
    assert "application/dialog-info+xml" in log
    assert "terminated" in log


def test_blf_shows_ringing_then_busy(centrexd, ua, tmp_path):
    """1001 watches 1002; when 1003 calls 1002 the key shows early
    (ringing), confirmed once 1002 answers, and idle after the hang-up."""
    from test_calls import Phone as Softphone
    a = ua("1001")
    assert a.subscribe("1002", "dialog").status == 200
    assert a.wait_request("NOTIFY", match=notify_of("dialog"))
    b = Softphone(tmp_path, centrexd, "1002")
    c = Softphone(tmp_path, centrexd, "1003")
    try:
        c.dial("1002")
        b.wait_event("CALL_INCOMING")
        n = a.wait_request("NOTIFY", match=notify_of("dialog"))
        assert n is not None and dialog_states(n) == ["early"], n
        b.cmd("accept")
        b.wait_event("CALL_ESTABLISHED")
        n = a.wait_request("NOTIFY", match=notify_of("dialog"))
        assert n is not None and dialog_states(n) == ["confirmed"], n
        c.cmd("hangup")
        b.wait_event("CALL_CLOSED")
        n = a.wait_request("NOTIFY", match=notify_of("dialog"))
        assert n is not None and dialog_states(n) == [], n
    finally:
        b.stop()
        c.stop()


def test_sipp_blf_sees_a_call(centrexd, ua, tmp_path):
    """SIPp, as 1001's BLF key on 1002, sees 1002's phone ring (early),
    answer (confirmed) and hang up (no dialog left), as 1003 calls 1002
    from a real softphone."""
    from test_calls import Phone as Softphone
    inf = tmp_path / "users.csv"
    inf.write_text("SEQUENTIAL\n1001;1002;acme.example;"
                   "[authentication username=1001 password=pw1001]\n")
    errors = tmp_path / "errors.log"
    msgs = tmp_path / "msgs.log"
    cmd = [SIPP, "127.0.0.1:%d" % centrexd.port,
           "-sf", os.path.join(HERE, "sipp", "subscribe_dialog_call.xml"),
           "-inf", str(inf), "-i", "127.0.0.1", "-p", str(free_port()),
           "-t", "u1", "-m", "1", "-nostdin", "-timeout", "60s",
           "-timeout_error", "-trace_err", "-error_file", str(errors),
           "-trace_msg", "-message_file", str(msgs)]
    b = Softphone(tmp_path, centrexd, "1002")
    c = Softphone(tmp_path, centrexd, "1003")
    screen = open(str(tmp_path / "screen.txt"), "w")
    sipp = subprocess.Popen(cmd, stdout=screen, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd=str(tmp_path))
    try:
        time.sleep(2)           # subscribed, first NOTIFY in
        c.dial("1002")
        b.wait_event("CALL_INCOMING")
        time.sleep(1)
        b.cmd("accept")
        b.wait_event("CALL_ESTABLISHED")
        time.sleep(1)
        c.cmd("hangup")
        b.wait_event("CALL_CLOSED")
        rc = sipp.wait(timeout=60)
    finally:
        if sipp.poll() is None:
            sipp.kill()
        screen.close()
        b.stop()
        c.stop()
    log = msgs.read_text(errors="replace")
    assert rc == 0, (errors.read_text(errors="replace")
                     if errors.exists() else "") + log[-3000:]
    states = re.findall(r"<state>([a-z]+)</state>", log)
    assert states.index("early") < states.index("confirmed"), states
