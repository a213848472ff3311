"""User features at call time, with real phones: forwarding, DND, call
waiting, feature codes, ring groups and twinning.

Each feature is set through the REST API (or a feature code dialled from
a baresip phone), then real calls show who rang, who heard whom (each
phone sends a tone of its own), and what the CDR says.  Outside numbers
go to a SIPp carrier on a trunk, whose log shows the INVITE that left,
with its Diversion and History-Info.
"""
import os
import re
import time
import wave

import pytest

from audio import contains, dominant
from test_baresip import BARESIP, MODULES
from test_calls import TONES, admin, phones, wait_cdrs  # noqa: F401
from test_trunk_calls import (SIPP, carriers, make_trunk,  # noqa: F401
                              operator, user_id)

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")

SOUNDS = "/usr/share/asterisk/sounds/en_US_f_Allison"
OUTSIDE = "+33145671234"


def set_features(api, ext, **kw):
    r = api.patch("/api/v1/tenants/1/users/%d/features"
                  % user_id(api, ext), kw)
    assert r.status == 200, r
    return r.json()


def features(api, ext):
    r = api.get("/api/v1/tenants/1/users/%d/features" % user_id(api, ext))
    assert r.status == 200, r
    return r.json()


def closed_with(phone, *codes):
    e = phone.wait_event("CALL_CLOSED", timeout=20)
    assert any(c in e.get("param", "") for c in codes), e
    return e


def rings_unanswered(phone):
    """phone rings, nobody answers, and the platform stops it."""
    phone.wait_event("CALL_INCOMING")
    phone.wait_event("CALL_CLOSED", timeout=15)


def refuses(phone):
    """phone rings and says busy (486)."""
    phone.wait_event("CALL_INCOMING")
    phone.cmd("hangup")


def connect(a, b):
    """a calls b, b answers: both established."""
    a.dial(b.user)
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    b.wait_event("CALL_ESTABLISHED")


def talk(a, b, seconds=2):
    """b answers a's call: both established, a little talk, a hangs up."""
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(seconds)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")


def ring_1002_answer_1003(centrexd, phones):
    """1001 calls 1002 and 1003 rings instead; they talk, and 1002's
    phone never rang.  Returns the three phones."""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    c3.wait_event("CALL_INCOMING")
    talk(a, c3)
    never_rang(b)
    return a, b, c3


def hears(phone, ext):
    """phone's recording is dominated by ext's tone (800 Hz for the
    phones with no tone of their own in TONES)"""
    freq, ratio, loud = dominant(phone.recording(),
                                 list(TONES.values()) + [800])
    assert freq == TONES.get(ext, 800) and ratio > 50 and loud > 8000, \
        (phone.user, freq, ratio, loud)


def never_rang(phone):
    assert not [e for e in phone.ua.events
                if e.get("type") == "CALL_INCOMING"], phone.ua.events


def out_peers(cdr):
    return [(l["peer"].split("@")[0], l["status"]) for l in cdr["legs"]
            if l["dir"] == "out"]


# --- forwarding and DND --------------------------------------------------

def test_dnd_caller_gets_busy(centrexd, phones):
    """1002 on DND: 1001 gets 486 at once, 1002's phone never rings, the
    CDR says busy (Q.850 17)."""
    api = admin(centrexd)
    set_features(api, "1002", dnd=True)
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    closed_with(a, "486", "Busy")
    time.sleep(0.5)
    b.ua.command("reginfo")
    never_rang(b)
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "busy" and c["sip_status"] == 486, c
    assert c["q850_cause"] == 17, c


def test_dnd_goes_to_the_busy_forward(centrexd, phones):
    """1002 on DND with a busy forward to 1003: 1003 rings instead,
    answers, and the two talk (each hears the other's tone); the CDR
    keeps 1002 as the number called, 1003 as the user who answered, and
    the answered leg is 1003's phone."""
    api = admin(centrexd)
    set_features(api, "1002", dnd=True, forward_busy="1003")
    a, b, c3 = ring_1002_answer_1003(centrexd, phones)
    hears(a, "1003")
    hears(c3, "1001")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered" and c["callee"] == "1002", c
    assert c["callee_user_id"] == user_id(api, "1003"), c
    assert out_peers(c) == [("1003", 200)], c
    assert centrexd.wait_for_log(r"1002 forwards to 1003 \(do-not-disturb\)")


def test_forward_always(centrexd, phones):
    """1002 forwards every call to 1003: only 1003 rings."""
    api = admin(centrexd)
    set_features(api, "1002", forward_always="1003")
    a, b, c3 = ring_1002_answer_1003(centrexd, phones)
    hears(a, "1003")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["callee_user_id"] == user_id(api, "1003"), c
    assert out_peers(c) == [("1003", 200)], c
    # the record names who forwarded it, and why
    assert c["forwarded_by"] == "1002", c
    assert c["forward_reason"] == "unconditional", c


def test_forward_busy_after_a_refusal(centrexd, phones):
    """1002 refuses the call (486): the busy forward rings 1003, which
    answers; the CDR shows both legs, 1002's busy, 1003's answered."""
    api = admin(centrexd)
    set_features(api, "1002", forward_busy="1003")
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    refuses(b)
    c3.wait_event("CALL_INCOMING")
    talk(a, c3)
    hears(c3, "1001")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered", c
    assert out_peers(c) == [("1002", 486), ("1003", 200)], c
    assert (c["forwarded_by"], c["forward_reason"]) == ("1002",
                                                        "user-busy"), c


def test_forward_noanswer(centrexd, phones):
    """1002 rings for its forward_noanswer_s (5 s), then stops ringing and
    1003 rings; the caller talks to 1003."""
    api = admin(centrexd)
    set_features(api, "1002", forward_noanswer="1003", forward_noanswer_s=5)
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    rings_unanswered(b)
    c3.wait_event("CALL_INCOMING")
    talk(a, c3)
    hears(a, "1003")
    c = wait_cdrs(centrexd, 1)[0]
    assert out_peers(c) == [("1002", 487), ("1003", 200)], c
    assert centrexd.wait_for_log(r"1002 forwards to 1003 \(no-answer\)")


def test_forward_unreachable(centrexd, phones):
    """1004 has no phone registered: its unreachable forward rings 1003."""
    api = admin(centrexd)
    set_features(api, "1004", forward_unreachable="1003")
    a, c3 = phones(centrexd, "1001", "1003")
    a.dial("1004")
    c3.wait_event("CALL_INCOMING")
    talk(a, c3)
    c = wait_cdrs(centrexd, 1)[0]
    assert c["callee"] == "1004" and c["disposition"] == "answered", c
    assert c["callee_user_id"] == user_id(api, "1003"), c


def test_call_waiting_off(centrexd, phones):
    """1002 switched call waiting off and is on a call with 1001: 1003's
    call gets busy and never rings 1002; with call waiting on, a second
    call rings 1002 during the first."""
    api = admin(centrexd)
    set_features(api, "1002", call_waiting=False)
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    connect(a, b)
    c3.dial("1002")
    closed_with(c3, "486", "Busy")
    never_rang(b)
    set_features(api, "1002", call_waiting=True)
    c3.dial("1002")
    b.wait_event("CALL_INCOMING")
    c3.cmd("hangup")
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    got = wait_cdrs(centrexd, 3)
    busy = [x for x in got if x["caller"] == "1003" and
            x["disposition"] == "busy"]
    assert len(busy) == 1 and busy[0]["sip_status"] == 486, got


def test_busy_forwards_in_a_circle_end_busy(centrexd, phones):
    """1002 and 1003 forward to each other when busy and both refuse:
    the call goes 1002, 1003, then stops (1002 again would be a loop) and
    the caller hears busy."""
    api = admin(centrexd)
    set_features(api, "1002", forward_busy="1003")
    set_features(api, "1003", forward_busy="1002")
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    refuses(b)
    refuses(c3)
    closed_with(a, "486", "Busy")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "busy", c
    assert out_peers(c) == [("1002", 486), ("1003", 486)], c


def test_always_forward_loop_through_a_number_is_482(centrexd, phones):
    """A loop the API cannot see: 1003 forwards to 1002, and 1002 to a
    DID of the tenant that rings 1003.  The call stops at the second
    visit with 482 Loop Detected; no phone rings."""
    api = operator(centrexd)
    r = api.post("/api/v1/tenants/1/numbers",
                 {"e164": "+33140000003",
                  "target": {"type": "user", "id": user_id(api, "1003")}})
    assert r.status == 201, r
    set_features(api, "1003", forward_always="1002")
    set_features(api, "1002", forward_always="+33140000003")
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    closed_with(a, "482", "Loop")
    never_rang(b)
    never_rang(c3)
    c = wait_cdrs(centrexd, 1)[0]
    assert c["sip_status"] == 482 and c["disposition"] == "failed", c


# --- forwarding outside -------------------------------------------------

def outside_route(api, carrier):
    t1 = make_trunk(api, "carrier-a", "127.0.0.3", carrier.port)
    r = api.post("/api/v1/tenants/1/numbers",
                 {"e164": "+33140000001",
                  "target": {"type": "user", "id": user_id(api, "1001")}})
    assert r.status == 201, r
    r = api.post("/api/v1/tenants/1/routes",
                 {"name": "everything", "prefix": "+", "trunks": [t1]})
    assert r.status == 201, r
    return t1


@pytest.mark.skipif(SIPP is None, reason="sipp not installed")
def test_forward_to_an_outside_number(centrexd, carriers, phones):
    """1002 forwards every call to a mobile outside: the INVITE leaves on
    the trunk for that number, with a Diversion header naming 1002
    (reason unconditional) and History-Info from 1002 to the number; the
    carrier answers and the CDR's answered leg is the trunk's."""
    api = operator(centrexd)
    carrier = carriers("out", "carrier_answer.xml", "127.0.0.3")
    t1 = outside_route(api, carrier)
    set_features(api, "1002", forward_always=OUTSIDE)
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(1)
    a.cmd("hangup")
    assert carrier.wait() == 0, carrier.log()[-3000:]
    never_rang(b)
    inv = carrier.received("INVITE")
    assert inv and re.search(r"INVITE sip:\+33145671234@", inv[0]), inv
    assert re.search(r"^Diversion: <sip:1002@[^>]+>;reason=unconditional",
                     inv[0], re.M), inv[0]
    hi = re.findall(r"^History-Info: (.*)$", inv[0], re.M)
    assert len(hi) == 2 and hi[0].startswith("<sip:1002@"), hi
    assert "+33145671234@" in hi[1] and "cause=302" in hi[1], hi
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered" and c["trunk_id"] == t1, c
    assert c["callee"] == "1002", c


@pytest.mark.skipif(SIPP is None, reason="sipp not installed")
def test_forward_outside_refused_by_the_policy_now(centrexd, carriers,
                                                  phones):
    """The tenant blocks the forward's prefix after the forward was set:
    at call time the forward is skipped (and logged) and 1002's own
    phone rings; nothing reaches the carrier."""
    api = operator(centrexd)
    carrier = carriers("out", "carrier_answer.xml", "127.0.0.3")
    outside_route(api, carrier)
    set_features(api, "1002", forward_always=OUTSIDE)
    r = api.patch("/api/v1/tenants/1/forward_policy",
                  {"blocked_prefixes": ["+331456"]})
    assert r.status == 200, r
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    talk(a, b, 1)
    assert not carrier.received("INVITE")
    assert centrexd.wait_for_log(r"forward to \+33145671234 skipped")


# --- feature codes --------------------------------------------------------

FR = os.path.join(os.path.dirname(SOUNDS), "fr_CA_f_June")


def dial_code(phone, code):
    """phone dials a feature code: answered by the platform, which says
    what it did and hangs up.  Returns the phone's recording."""
    phone.dial(code)
    phone.wait_event("CALL_ESTABLISHED")
    phone.wait_event("CALL_CLOSED", timeout=20)
    return phone.recording()


def said(recording, tmp_path, *prompts):
    """the recording holds each French prompt (1001 works in Paris): its
    first 90 %, which the recording is surely longer than"""
    for prompt in prompts:
        with wave.open(os.path.join(FR, prompt + ".wav"), "rb") as w:
            params = w.getparams()
            frames = w.readframes(int(w.getnframes() * 0.9))
        ref = str(tmp_path / ("ref-" + prompt + ".wav"))
        with wave.open(ref, "wb") as o:
            o.setparams(params)
            o.writeframes(frames)
        if contains(recording, ref) < 0.9:
            return False
    return True


def test_feature_codes_set_and_clear_forwards(centrexd, phones, tmp_path):
    """1001 dials *72 1003: told "call forwarding ... activated", the API
    shows the forward, and a call to 1001 rings 1003; *73 clears it and
    says so.  *90 and *92 set the busy and no-answer forwards, *91 and
    *93 clear them; the CDR of a code is an answered call to it."""
    api = admin(centrexd)
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    rec = dial_code(a, "*721003")
    assert said(rec, tmp_path, "call-fwd-unconditional", "activated")
    assert features(api, "1001")["forward_always"] == "1003"
    b.dial("1001")
    c3.wait_event("CALL_INCOMING")
    b.cmd("hangup")
    c3.wait_event("CALL_CLOSED")
    rec = dial_code(a, "*73")
    assert said(rec, tmp_path, "de-activated")
    assert features(api, "1001")["forward_always"] == ""
    dial_code(a, "*901002")
    dial_code(a, "*921003")
    f = features(api, "1001")
    assert f["forward_busy"] == "1002" and f["forward_noanswer"] == "1003"
    dial_code(a, "*91")
    dial_code(a, "*93")
    f = features(api, "1001")
    assert f["forward_busy"] == "" and f["forward_noanswer"] == "", f
    got = wait_cdrs(centrexd, 7)
    code = [c for c in got if c["callee"] == "*721003"]
    assert code and code[0]["disposition"] == "answered", got
    assert code[0]["hangup_by"] == "callee", code


def test_feature_code_refused_as_the_api_would(centrexd, phones, tmp_path):
    """A forward the API would refuse is refused on the phone too, with
    the "invalid" prompt, and nothing changes: to oneself, to an
    extension nobody has, to a premium-rate number (0899 in France)."""
    api = admin(centrexd)
    (a,) = phones(centrexd, "1001")
    for code in ("*721001", "*721999", "*720899123456"):
        rec = dial_code(a, code)
        assert said(rec, tmp_path, "invalid"), code
    assert features(api, "1001")["forward_always"] == ""
    # an outside number as dialled in Paris is kept in E.164
    dial_code(a, "*720145671234")
    assert features(api, "1001")["forward_always"] == OUTSIDE


def test_feature_codes_dnd_and_call_waiting(centrexd, phones, tmp_path):
    """*78 and *79 switch DND on and off, *70 turns call waiting off,
    then on again; the API shows each change, and a call to 1001 on DND
    is busy."""
    api = admin(centrexd)
    a, b = phones(centrexd, "1001", "1002")
    rec = dial_code(a, "*78")
    assert said(rec, tmp_path, "do-not-disturb", "activated")
    assert features(api, "1001")["dnd"] is True
    b.dial("1001")
    closed_with(b, "486", "Busy")
    dial_code(a, "*79")
    assert features(api, "1001")["dnd"] is False
    rec = dial_code(a, "*70")
    assert said(rec, tmp_path, "call-waiting", "de-activated")
    assert features(api, "1001")["call_waiting"] is False
    dial_code(a, "*70")
    assert features(api, "1001")["call_waiting"] is True


# --- ring groups ----------------------------------------------------------

def make_group(api, members, ext="6000", **kw):
    """A group at ext; members: extensions in hunting order, logged in
    (an extension ending in '-' is a member logged out)."""
    body = {"name": "Group %s" % ext, "extension": ext}
    body.update(kw)
    r = api.post("/api/v1/tenants/1/groups", body)
    assert r.status == 201, r
    g = r.json()
    for pos, m in enumerate(members, 1):
        r = api.post("/api/v1/tenants/1/groups/%d/members" % g["id"],
                     {"user_id": user_id(api, m.rstrip("-")),
                      "position": pos, "logged_in": not m.endswith("-")})
        assert r.status == 201, r
    return g


def test_group_ring_all_and_member_logout_code(centrexd, phones):
    """A ring_all group of 1002 and 1003: a call to 6000 rings both,
    1003 answers and 1002 stops ringing; the CDR names 1003 as the user
    who answered.  1003 then dials *22 6000 (logged out, said so): the
    next call rings 1002 only; *21 6000 logs 1003 back in."""
    api = admin(centrexd)
    g = make_group(api, ["1002", "1003"])
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("6000")
    b.wait_event("CALL_INCOMING")
    c3.wait_event("CALL_INCOMING")
    talk(a, c3)
    b.wait_event("CALL_CLOSED")
    hears(a, "1003")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["callee"] == "6000" and c["disposition"] == "answered", c
    assert c["callee_user_id"] == user_id(api, "1003"), c

    dial_code(c3, "*226000")
    member = "/api/v1/tenants/1/groups/%d/members/%d" % (
        g["id"], user_id(api, "1003"))
    assert api.get(member).json()["logged_in"] is False
    a.dial("6000")
    b.wait_event("CALL_INCOMING")
    talk(a, b, 1)
    never_rang(c3)
    dial_code(c3, "*216000")
    assert api.get(member).json()["logged_in"] is True


def test_group_sequential_then_fallback(centrexd, phones):
    """A sequential group (5 s a member) of 1002 then 1003, falling back
    to 1004: 1002 rings alone, then 1003 alone, then 1004, who answers;
    the CDR lists the legs in that order."""
    api = admin(centrexd)
    make_group(api, ["1002", "1003"], strategy="sequential",
               member_timeout_s=5, group_timeout_s=60, fallback="1004")
    a, b, c3, d = phones(centrexd, "1001", "1002", "1003", "1004")
    a.dial("6000")
    b.wait_event("CALL_INCOMING")
    never_rang(c3)
    b.wait_event("CALL_CLOSED", timeout=15)
    rings_unanswered(c3)
    d.wait_event("CALL_INCOMING")
    talk(a, d)
    hears(a, "1004")
    c = wait_cdrs(centrexd, 1)[0]
    assert out_peers(c) == [("1002", 487), ("1003", 487), ("1004", 200)], c
    assert c["callee_user_id"] == user_id(api, "1004"), c


@pytest.mark.parametrize("strategy", ["round_robin", "longest_idle"])
def test_group_next_call_starts_with_the_other_member(centrexd, phones,
                                                      strategy):
    """round_robin and longest_idle: 1002 is offered the first call and
    answers it; the second call is offered to 1003 first (after the
    member offered last / the member idle longest)."""
    api = admin(centrexd)
    make_group(api, ["1002", "1003"], strategy=strategy, member_timeout_s=5)
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("6000")
    b.wait_event("CALL_INCOMING")
    never_rang(c3)
    talk(a, b, 1)
    a.dial("6000")
    c3.wait_event("CALL_INCOMING")
    never_rang(b)
    talk(a, c3, 1)
    got = wait_cdrs(centrexd, 2)
    answered_by = sorted(c["callee_user_id"] for c in got)
    assert answered_by == sorted([user_id(api, "1002"),
                                  user_id(api, "1003")]), got


def test_group_nobody_logged_in(centrexd, phones):
    """A group whose only member is logged out, with no fallback: the
    caller gets 480 at once."""
    api = admin(centrexd)
    make_group(api, ["1002-"])
    a, b = phones(centrexd, "1001", "1002")
    a.dial("6000")
    closed_with(a, "480", "Unavailable")
    never_rang(b)


# --- twinning -------------------------------------------------------------

MOBILE = "+33612345678"


def twin_setup(centrexd, carriers, mode, delay=10):
    api = operator(centrexd)
    carrier = carriers("mobile", "carrier_answer.xml", "127.0.0.3")
    t1 = outside_route(api, carrier)
    r = api.patch("/api/v1/tenants/1/users/%d" % user_id(api, "1002"),
                  {"mobile_number": MOBILE})
    assert r.status == 200, r
    set_features(api, "1002", twinning=mode, twinning_delay_s=delay)
    return api, carrier, t1


def answered_on_the_mobile(centrexd, api, carrier, a, b, t1):
    """the carrier answered for 1002's mobile: the desk phone stopped
    ringing, and the CDR shows the answered leg was the mobile's"""
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(1)
    a.cmd("hangup")
    assert carrier.wait() == 0, carrier.log()[-3000:]
    inv = carrier.received("INVITE")
    assert inv and re.search(r"INVITE sip:\+33612345678@", inv[0]), inv
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered" and c["callee"] == "1002", c
    assert c["callee_user_id"] == user_id(api, "1002"), c
    assert c["trunk_id"] == t1, c
    legs = {l["peer"]: l for l in c["legs"] if l["dir"] == "out"}
    mobile = legs.get("%s@carrier-a" % MOBILE)
    assert mobile and mobile["status"] == 200, c
    assert mobile["trunk_id"] == t1, c
    assert legs["1002@acme.example"]["status"] == 487, c


@pytest.mark.skipif(SIPP is None, reason="sipp not installed")
def test_twinning_simultaneous(centrexd, carriers, phones):
    """1002 twins simultaneously with their mobile: a call rings the desk
    phone and the mobile (through the trunk) together; the mobile
    answers, the desk phone stops ringing, the CDR says so."""
    api, carrier, t1 = twin_setup(centrexd, carriers, "simultaneous")
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    answered_on_the_mobile(centrexd, api, carrier, a, b, t1)


@pytest.mark.skipif(SIPP is None, reason="sipp not installed")
def test_twinning_sequential(centrexd, carriers, phones):
    """Sequential twinning with a 5 s delay: the desk phone rings first,
    the mobile is not called yet; then the mobile is called and
    answers."""
    api, carrier, t1 = twin_setup(centrexd, carriers, "sequential", 5)
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    assert not carrier.received("INVITE")
    answered_on_the_mobile(centrexd, api, carrier, a, b, t1)
