"""The recording policy with real calls: recordings exist exactly when the
policy says so.

  always     the call is recorded from its answer (both parties' audio)
  on_demand  nothing unless asked (the API, or *1 during the call)
  never      nothing, and asking is refused (403 naming action)
"""
import os
import time

import pytest

from test_baresip import BARESIP, MODULES
from test_calls import TONES, admin, phones, wait_cdrs  # noqa: F401
from test_media import live_calls
from test_trunk_calls import user_id

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")


def set_policy(api, policy, announce=False):
    r = api.patch("/api/v1/tenants/1/recording_policy",
                  {"policy": policy, "announce": announce})
    assert r.status == 200, r


def call(centrexd, phones, seconds=3, during=None):
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    if during:
        during()
    time.sleep(seconds)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    return wait_cdrs(centrexd, 1)[0]


def recordings_of(api, cdr, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        r = api.get("/api/v1/tenants/1/recordings?call_uuid=" + cdr["uuid"])
        assert r.status == 200, r
        items = r.json()["items"]
        if (items and all(x["state"] != "recording" for x in items)) or \
                time.monotonic() > deadline:
            return items
        time.sleep(0.2)


def test_always_records_from_the_answer(centrexd, phones):
    api = admin(centrexd)
    set_policy(api, "always")
    cdr = call(centrexd, phones, seconds=3)
    recs = recordings_of(api, cdr)
    assert len(recs) == 1 and recs[0]["state"] == "done", recs
    assert recs[0]["legs"] == "both", recs
    assert 2000 <= recs[0]["duration_ms"] <= 6000, recs
    assert cdr["recordings"] == [recs[0]["id"]], cdr


def test_on_demand_records_nothing_unasked(centrexd, phones):
    api = admin(centrexd)
    set_policy(api, "on_demand")
    cdr = call(centrexd, phones, seconds=2)
    assert recordings_of(api, cdr, timeout=1) == []


def test_never_refuses_a_start(centrexd, phones):
    """1002 may never be recorded: asking to record its call is 403
    naming action, and no recording exists afterwards."""
    api = admin(centrexd)
    r = api.patch("/api/v1/tenants/1/users/%d/features"
                  % user_id(api, "1002"), {"recording": "never"})
    assert r.status == 200, r
    seen = {}

    def ask():
        (c,) = live_calls(api)
        r = api.post("/tenants/1/calls/%s/recording" % c["uuid"],
                     {"action": "start"})
        seen["r"] = r

    cdr = call(centrexd, phones, seconds=1, during=ask)
    r = seen["r"]
    assert r.status == 403 and r.field == "action", r
    assert recordings_of(api, cdr, timeout=1) == []


def test_on_demand_code_starts_and_stops(centrexd, phones):
    """Under on_demand, *1 typed during the call starts recording, *1
    again stops it: one recording, shorter than the call."""
    api = admin(centrexd)
    set_policy(api, "on_demand")
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(0.5)
    for d in "*1":
        a.cmd("sndcode", d)
        time.sleep(0.3)
    time.sleep(2)
    for d in "*1":
        a.cmd("sndcode", d)
        time.sleep(0.3)
    time.sleep(2)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    cdr = wait_cdrs(centrexd, 1)[0]
    recs = recordings_of(api, cdr)
    assert len(recs) == 1 and recs[0]["state"] == "done", recs
    assert 1500 <= recs[0]["duration_ms"] <= 3500, recs
    assert cdr["billsec"] >= 4, cdr


def test_always_with_a_notice(centrexd, phones):
    """With the tenant's notice on, both parties hear that the call is
    recorded (in their language: Paris), then each other.  Phones drop a
    prompt sent as a new source whose sequence numbers are behind the
    other party's: this failed about one call in three before the relay
    kept one stream per phone."""
    from audio import contains, dominant
    api = admin(centrexd)
    set_policy(api, "always", announce=True)
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(6)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    notice = "/usr/share/asterisk/sounds/fr_CA_f_June/conf-now-recording.wav"
    assert contains(b.recording(), notice) > 0.8
    assert contains(a.recording(), notice) > 0.8
    freq, ratio, _ = dominant(b.recording(), list(TONES.values()))
    assert freq == TONES["1001"], (freq, ratio)
    freq, ratio, _ = dominant(a.recording(), list(TONES.values()))
    assert freq == TONES["1002"], (freq, ratio)
