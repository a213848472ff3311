"""Twinning's pick-back (*11) and dialling across the sites of a tenant,
with baresip phones and a SIPp carrier.

*11: a call answered on a user's twinned mobile (the carrier) is taken
back by their desk phone; the mobile's leg is released.  Sites: acme has
Paris (FR, outside-line digit 0) and Montreal (CA, outside-line digit 9),
users 1001-1005 in Paris and 1006-1010 in Montreal; an extension rings
whatever site it is in, and a number is read by the caller's site.
"""
import os
import re
import time

import pytest

from test_baresip import BARESIP, MODULES
from test_calls import phones, wait_cdrs  # noqa: F401
from test_features_calls import connect, outside_route, twin_setup
from test_trunk_calls import SIPP, carriers, operator  # noqa: F401
from test_transfer import hears_now

pytestmark = pytest.mark.skipif(
    SIPP is None or BARESIP is None or not os.path.isdir(MODULES),
    reason="sipp or baresip not installed")


def test_star11_takes_the_call_back_from_the_mobile(centrexd, carriers,
                                                    phones):
    """1002 twins with their mobile; 1001's call is answered on the
    mobile, then 1002 dials *11 on the desk phone: the mobile's leg gets
    BYE, 1001 and the desk phone hear each other, and the record says
    mobile_to_desk by 1002."""
    api, carrier, t1 = twin_setup(centrexd, carriers, "simultaneous")
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    a.wait_event("CALL_ESTABLISHED")
    b.wait_event("CALL_CLOSED")        # the mobile answered
    time.sleep(1)
    b.dial("*11")
    b.wait_event("CALL_ESTABLISHED")
    assert carrier.wait() == 0, carrier.log()[-3000:]   # it got its BYE
    time.sleep(4)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    hears_now(a, "1002")
    hears_now(b, "1001")
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered", c
    assert (c["feature"], c["feature_by"]) == ("mobile_to_desk", "1002"), c
    assert centrexd.wait_for_log(r"1002 dialled \*11: takes call")


def test_star11_with_nothing_on_the_mobile_is_refused(centrexd, phones):
    """*11 with no call on the mobile: the desk phone's call ends, no
    call is taken."""
    (b,) = phones(centrexd, "1002")
    b.dial("*11")
    b.wait_event("CALL_CLOSED", timeout=15)
    assert centrexd.wait_for_log(r"1002 dialled \*11: no call to take")


def test_extensions_ring_across_sites(centrexd, phones):
    """1001 (Paris) calls 1006 (Montreal) and the other way round: each
    rings and answers, both records answered."""
    a, m = phones(centrexd, "1001", "1006")
    connect(a, m)
    a.cmd("hangup")
    m.wait_event("CALL_CLOSED")
    connect(m, a)
    m.cmd("hangup")
    a.wait_event("CALL_CLOSED")
    got = wait_cdrs(centrexd, 2)
    assert sorted((c["caller"], c["callee"], c["disposition"])
                  for c in got) == [("1001", "1006", "answered"),
                                    ("1006", "1001", "answered")], got


def test_outside_numbers_by_the_callers_site(centrexd, carriers, phones):
    """Each site's outside-line digit then a national number leaves on
    the trunk as that country's E.164 number: 0 0145671234 from Paris is
    +33145671234 (not +1 45671234, which 00 alone would say), 9 514 555
    1234 from Montreal is +15145551234."""
    api = operator(centrexd)
    carrier = carriers("out", "carrier_answer.xml", "127.0.0.3", calls=2)
    outside_route(api, carrier)
    a, m = phones(centrexd, "1001", "1006")
    for phone, dialled in ((a, "00145671234"), (m, "95145551234")):
        phone.dial(dialled)
        phone.wait_event("CALL_ESTABLISHED")
        time.sleep(0.5)
        phone.cmd("hangup")
        phone.wait_event("CALL_CLOSED")
    assert carrier.wait() == 0, carrier.log()[-3000:]
    inv = [re.search(r"^\s*INVITE sip:([^@]+)@", i, re.M).group(1)
           for i in carrier.received("INVITE")]
    assert inv == ["+33145671234", "+15145551234"], inv


def test_an_extension_length_number_that_is_nobody_is_not_outside(
        centrexd, carriers, phones):
    """1999 (four digits, no such extension) is not sent to the trunk:
    the caller gets 404."""
    api = operator(centrexd)
    carrier = carriers("out", "carrier_answer.xml", "127.0.0.3")
    outside_route(api, carrier)
    (a,) = phones(centrexd, "1001")
    a.dial("1999")
    e = a.wait_event("CALL_CLOSED", timeout=15)
    assert "404" in e.get("param", ""), e
    assert not carrier.received("INVITE")
