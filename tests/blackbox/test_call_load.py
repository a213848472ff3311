"""Many calls at once, crashes, and broken offers.

A SIPp carrier (on 127.0.0.2, an IP-authenticated trunk) calls the
tenant's DID 100 times at once, each call sending three seconds of G.711;
a SIPp phone registered as 1001 answers them all and echoes the audio
back.  Then the daemon is killed with SIGKILL: every CDR must still be
there after the restart.
"""
import math
import os
import time

import pytest

from apiclient import ApiClient
from conftest import free_port
from sipclient import SipClient, random_token
from test_trunk_calls import (DID, SIPP, Carrier, make_trunk, operator,
                              provision)

pytestmark = pytest.mark.skipif(SIPP is None, reason="sipp not installed")

HERE = os.path.dirname(os.path.abspath(__file__))


def ulaw(sample):
    """One 16-bit sample to G.711 u-law (the textbook encoder)."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    s = min(abs(sample), clip) + bias
    exp = 7
    mask = 0x4000
    while exp > 0 and not s & mask:
        exp -= 1
        mask >>= 1
    mant = (s >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def write_ulaw_tone(path, freq=1000, seconds=4, rate=8000):
    with open(path, "wb") as f:
        f.write(bytes(ulaw(int(8000 * math.sin(2 * math.pi * freq * i
                                               / rate)))
                      for i in range(rate * seconds)))


def register_sipp_phone(workdir, daemon, ip, port, user="1001"):
    """SIPp registers user's device at ip:port (then exits), so that a
    SIPp phone started on the same address receives its calls."""
    import subprocess
    inf = os.path.join(workdir, "reg.csv")
    with open(inf, "w") as f:
        f.write("SEQUENTIAL\n%s;acme.example;[authentication username=%s "
                "password=pw%s]\n" % (user, user, user))
    r = subprocess.run(
        [SIPP, "127.0.0.1:%d" % daemon.port, "-sf",
         os.path.join(HERE, "sipp", "register_digest.xml"), "-inf", inf,
         "-i", ip, "-p", str(port), "-t", "u1", "-m", "1", "-nostdin",
         "-timeout", "10s", "-timeout_error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, cwd=workdir, timeout=30)
    assert r.returncode == 0, "registration of the SIPp phone failed"


def test_hundred_simultaneous_calls_then_kill9(start_daemon, tmp_path):
    """100 calls up at the same time, all connected, all ended cleanly;
    100 CDRs, each answered with billsec 3-5 s and RTP relayed both ways;
    after kill -9 and a restart, the 100 CDRs are still there."""
    d = start_daemon()
    api = operator(d)
    make_trunk(api, "carrier-in", "127.0.0.2", 5060)
    provision(api, [])
    phone_ip = "127.0.0.5"
    phone_port = free_port(phone_ip)
    register_sipp_phone(str(tmp_path), d, phone_ip, phone_port)

    # the phone listens on the address it registered
    phone = Carrier(str(tmp_path), "phone", "phone_answer.xml", phone_ip,
                    calls=100, extra=["-rtp_echo"], port=phone_port,
                    trace=False)

    cdir = os.path.join(str(tmp_path), "carrier")
    os.makedirs(cdir)
    write_ulaw_tone(os.path.join(cdir, "tone.ulaw"))
    carrier = Carrier(str(tmp_path), "carrier", "carrier_call_in_rtp.xml",
                      "127.0.0.2", remote="127.0.0.1:%d" % d.port,
                      calls=100, extra=["-s", DID, "-r", "50", "-l", "100"],
                      trace=False)
    rc = carrier.wait(timeout=90)
    assert rc == 0, carrier.log()[-3000:]
    assert phone.wait(timeout=30) == 0, phone.log()[-3000:]

    got = wait_all(d, 100)
    assert len(got) == 100, len(got)
    for c in got:
        assert c["disposition"] == "answered", c
        assert 3 <= c["billsec"] <= 5, c
        for leg in c["legs"]:
            assert leg["rtp"]["rx_packets"] > 100, c
    uuids = {c["uuid"] for c in got}
    assert len(uuids) == 100

    d.kill9()
    d.start()
    after = wait_all(d, 100)
    assert {c["uuid"] for c in after} == uuids


def wait_all(d, n, timeout=15):
    api = ApiClient(d.http_port)
    api.login("operator@centrex.example", "operator-demo")
    deadline = time.monotonic() + timeout
    while True:
        items, cursor = [], None
        while True:
            q = "limit=100" + ("&cursor=" + cursor if cursor else "")
            r = api.get("/api/v1/tenants/1/cdrs?" + q)
            assert r.status == 200, r
            body = r.json()
            items += body["items"]
            cursor = body.get("next_cursor")
            if not cursor:
                break
        if len(items) >= n or time.monotonic() > deadline:
            return items
        time.sleep(0.5)


BAD_OFFERS = [
    ("not SDP at all", "hello\r\n"),
    ("no media line", "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
     "c=IN IP4 127.0.0.2\r\nt=0 0\r\n"),
    ("bad version", "v=9\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
     "c=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"),
    ("bad connection", "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
     "c=IN IP4 no.such.thing\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"),
    ("binary junk", "v=0\r\n\x01\x02\x03\xff=\r\nm=\r\n"),
]


@pytest.mark.parametrize("what,body", BAD_OFFERS, ids=[b[0] for b in
                                                       BAD_OFFERS])
def test_malformed_offer_refused(centrexd, what, body):
    """An INVITE from a trunk carrying a broken offer gets 488 or 400,
    and the daemon keeps answering."""
    api = operator(centrexd)
    make_trunk(api, "carrier-in", "127.0.0.2", 5060)
    provision(api, [])
    with SipClient(centrexd.port, local_ip="127.0.0.2") as c:
        raw = body.encode("latin-1")
        req = ("INVITE sip:%s@127.0.0.1 SIP/2.0\r\n"
               "%s\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:+14155550100@127.0.0.2>;tag=%s\r\n"
               "To: <sip:%s@127.0.0.1>\r\n"
               "Call-ID: %s\r\n"
               "CSeq: 1 INVITE\r\n"
               "Contact: <sip:carrier@127.0.0.2>\r\n"
               "Content-Type: application/sdp\r\n"
               "Content-Length: %d\r\n\r\n"
               % (DID, c.via(), random_token(4), DID, random_token(10),
                  len(raw))).encode() + raw
        c.send_raw(req)
        final = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            r = c.recv()
            if r is None:
                break
            if r.status >= 200:
                final = r
                break
        assert final is not None and final.status in (400, 488), final
    assert centrexd.running()
    with SipClient(centrexd.port) as c:
        r = c.exchange("OPTIONS sip:acme.example SIP/2.0\r\n%s\r\n"
                       "Max-Forwards: 70\r\nFrom: <sip:x@acme.example>;"
                       "tag=1\r\nTo: <sip:acme.example>\r\nCall-ID: %s\r\n"
                       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
                       % (c.via(), random_token(8)))
        assert r is not None and r.status == 200
