"""Pickup, park and taking a call back, with real phones.

*8 picks up a call ringing for someone of the picker's pickup group,
**<ext> the one ringing for that extension; *6 in a call parks the other
party in the tenant's first free slot (700...), which any phone of the
tenant dials to take it.  Tones say who talks to whom, the record what
happened.
"""
import os
import time

import pytest

from test_baresip import BARESIP, MODULES
from test_calls import TONES, admin, phones, wait_cdrs  # noqa: F401
from test_features_calls import connect, hears, never_rang, set_features
from test_transfer import type_code

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")


def picks_up(a, b, c3, code):
    """1001 calls 1002; while it rings, 1003 dials code and takes it."""
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    c3.dial(code)
    c3.wait_event("CALL_ESTABLISHED")
    a.wait_event("CALL_ESTABLISHED")
    b.wait_event("CALL_CLOSED")
    time.sleep(3)
    a.cmd("hangup")
    c3.wait_event("CALL_CLOSED")


def test_group_pickup(centrexd, phones):
    """1002 and 1003 share a pickup group: 1003's *8 takes 1001's call
    ringing at 1002; 1002 stops ringing, 1001 and 1003 hear each other;
    the record: answered by 1003, picked up."""
    api = admin(centrexd)
    set_features(api, "1002", pickup_group="sales")
    set_features(api, "1003", pickup_group="sales")
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    picks_up(a, b, c3, "*8")
    hears(a, "1003")
    hears(c3, "1001")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered" and c["callee"] == "1002", c
    assert (c["feature"], c["feature_by"]) == ("pickup", "1003"), c
    assert ("1002", 487) in [(l["peer"].split("@")[0], l["status"])
                             for l in c["legs"]], c


def test_group_pickup_outside_the_group_is_refused(centrexd, phones):
    """1003 in no pickup group: *8 is refused (the call to it ends) and
    1002 keeps ringing."""
    api = admin(centrexd)
    set_features(api, "1002", pickup_group="sales")
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    c3.dial("*8")
    c3.wait_event("CALL_CLOSED", timeout=15)
    assert not [e for e in b.ua.events if e.get("type") == "CALL_CLOSED"]
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")


def test_directed_pickup(centrexd, phones):
    """**1002 from 1003 takes the call ringing at 1002, no group
    needed."""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    picks_up(a, b, c3, "**1002")
    hears(a, "1003")
    c = wait_cdrs(centrexd, 1)[0]
    assert (c["feature"], c["feature_by"]) == ("pickup", "1003"), c


def test_park_and_retrieve(centrexd, phones):
    """1002 types *6 in its call with 1001: 1002's call ends after the
    slot is said, 1001 waits with music; 1003 dials 700 and talks to
    1001; the record says parked by 1002."""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    connect(a, b)
    time.sleep(0.5)
    type_code(b, "*6")
    assert centrexd.wait_for_log(r"1002 parks .* in slot 700")
    b.wait_event("CALL_CLOSED", timeout=15)
    c3.dial("700")
    c3.wait_event("CALL_ESTABLISHED")
    time.sleep(4)
    c3.cmd("hangup")
    a.wait_event("CALL_CLOSED")
    hears(c3, "1001")
    c = wait_cdrs(centrexd, 1)[0]
    assert (c["feature"], c["feature_by"]) == ("park", "1002"), c
    assert c["disposition"] == "answered", c


def test_park_times_out_to_the_parker(centrexd, phones):
    """Nobody takes the parked call within the tenant's park timeout:
    the parker's phone rings again and, answered, talks to 1001."""
    api = admin(centrexd)
    r = api.patch("/api/v1/tenants/1/park", {"timeout_s": 10})
    assert r.status == 200, r
    a, b = phones(centrexd, "1001", "1002")
    connect(a, b)
    time.sleep(0.5)
    type_code(b, "*6")
    b.wait_event("CALL_CLOSED", timeout=15)
    b.wait_event("CALL_INCOMING", timeout=25)
    b.cmd("accept")
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(3)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    hears(b, "1001")
