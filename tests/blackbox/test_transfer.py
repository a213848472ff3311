"""Transfers through the B2BUA, with real phones.

A transfer from either party (a REFER from the phone's transfer key, or
*2<number># typed in the call) takes the transferor out of the call; the
party it talked to stays on its own leg and rings the new number, then
talks to whoever answers.  Each phone sends a tone of its own, so what
the transferee heard last says who it talks to; the record says who
transferred the call.
"""
import os
import time

import pytest

from audio import dominant
from test_baresip import BARESIP, MODULES
from test_calls import TONES, admin, phones, wait_cdrs  # noqa: F401
from test_features_calls import connect, never_rang

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")


def hears_now(phone, ext):
    """phone's recording ends with ext's tone louder than any other:
    after a transfer the whole call holds two parties' tones, the last
    one longer."""
    freq, ratio, loud = dominant(phone.recording(),
                                 list(TONES.values()) + [800])
    assert freq == TONES.get(ext, 800) and ratio > 2 and loud > 4000, \
        (phone.user, freq, ratio, loud)


def type_code(phone, code):
    for d in code:
        phone.cmd("sndcode", d)
        time.sleep(0.3)


def finish(a, c3, talk=4):
    """c3 answers the transferred call; both talk, a hangs up."""
    c3.wait_event("CALL_INCOMING")
    c3.cmd("accept")
    c3.wait_event("CALL_ESTABLISHED")
    time.sleep(talk)
    a.cmd("hangup")
    c3.wait_event("CALL_CLOSED")


def test_blind_transfer_by_the_callee(centrexd, phones):
    """1001 calls 1002, which transfers it to 1003 with its transfer key
    (REFER): 1002's call ends, 1003 rings, answers and 1001 hears 1003;
    one record: answered, transfer by 1002, 1003 the user who answered."""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    connect(a, b)
    b.cmd("transfer", "sip:1003@acme.example")
    b.wait_event("CALL_CLOSED")
    finish(a, c3)
    hears_now(a, "1003")
    hears_now(c3, "1001")
    c = wait_cdrs(centrexd, 1)[0]
    api = admin(centrexd)
    uid = [u["id"] for u in api.get("/api/v1/tenants/1/users").json()
           ["items"] if u["extension"] == "1003"][0]
    assert c["disposition"] == "answered", c
    assert (c["feature"], c["feature_by"]) == ("transfer", "1002"), c
    assert c["callee_user_id"] == uid, c
    assert [l["peer"].split("@")[0] for l in c["legs"]
            if l["status"] == 200][-1] == "1003", c
    assert centrexd.wait_for_log(r"1002 transfers .* to 1003")


def test_blind_transfer_by_the_caller_with_a_code(centrexd, phones):
    """1001 calls 1002 and types *21003#: 1001 leaves, 1003 rings for
    1002, answers, and 1002 hears 1003."""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    connect(a, b)
    time.sleep(0.5)
    type_code(a, "*21003#")
    a.wait_event("CALL_CLOSED")
    finish(b, c3)
    hears_now(b, "1003")
    c = wait_cdrs(centrexd, 1)[0]
    assert (c["feature"], c["feature_by"]) == ("transfer", "1001"), c


def test_blind_transfer_to_nowhere_keeps_the_call(centrexd, phones):
    """*21999# (an extension nobody has) changes nothing: the two
    parties are still together, nobody else rings.  (A REFER to it gets
    NOTIFY 404; baresip then hangs up by itself.)"""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    connect(a, b)
    time.sleep(0.5)
    type_code(b, "*21999#")
    assert centrexd.wait_for_log(r"cannot transfer to 1999")
    time.sleep(2)
    assert not [e for e in a.ua.events + b.ua.events
                if e.get("type") == "CALL_CLOSED"]
    never_rang(c3)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
