"""Calls to and from the outside world over carrier trunks.

SIPp plays the carriers: each listens on a loopback address of its own
(127.0.0.3, 127.0.0.4 ...; all of 127/8 is loopback) so the trunks can
recognise them by source address, and keeps a log of every message, from
which the tests read what the carrier was sent.  A baresip phone plays
the tenant's user.
"""
import os
import re
import shutil
import subprocess
import time

import pytest

from apiclient import DEMO_OPERATOR, client_for
from conftest import free_port
from test_baresip import BARESIP, MODULES
from test_calls import phones, wait_cdrs  # noqa: F401 (fixture)

HERE = os.path.dirname(os.path.abspath(__file__))
SIPP = shutil.which("sipp")

pytestmark = pytest.mark.skipif(
    SIPP is None or BARESIP is None or not os.path.isdir(MODULES),
    reason="sipp or baresip not installed")

DID = "+33140000001"


class Carrier:
    """One SIPp instance on its own address, in the background."""

    def __init__(self, workdir, name, scenario, ip, remote=None, calls=1,
                 extra=(), port=None, trace=True):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.ip = ip
        self.port = port or free_port(ip)
        self.msgs = os.path.join(self.dir, "messages.log")
        self.errors = os.path.join(self.dir, "errors.log")
        cmd = [SIPP, "-sf", os.path.join(HERE, "sipp", scenario),
               "-i", ip, "-p", str(self.port), "-t", "u1",
               "-m", str(calls), "-nostdin", "-timeout", "30s",
               "-timeout_error", "-trace_err", "-error_file", self.errors,
               "-mi", ip, "-mp", str(free_port(ip))] + list(extra)
        if trace:
            cmd += ["-trace_msg", "-message_file", self.msgs]
        if remote:
            cmd.insert(1, remote)
        self.screen = open(os.path.join(self.dir, "screen.txt"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.screen,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir)
        time.sleep(0.3)

    def wait(self, timeout=40):
        try:
            rc = self.proc.wait(timeout)
        finally:
            self.stop()
        return rc

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.screen.close()

    def log(self):
        out = ""
        for p in (self.msgs, self.errors):
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    out += f.read()
        return out

    def received(self, method):
        """The requests of this method the carrier received, as text."""
        text = self.log()
        blocks = re.split(r"-{5,}.*\n", text)
        return [b for b in blocks
                if re.search(r"^\s*%s sip:" % method, b, re.M)]


@pytest.fixture
def carriers(tmp_path):
    made = []

    def factory(*a, **kw):
        c = Carrier(str(tmp_path), *a, **kw)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.stop()


def operator(daemon):
    return client_for(daemon, DEMO_OPERATOR)


def user_id(api, ext, tid=1):
    r = api.get("/api/v1/tenants/%d/users?extension=%s" % (tid, ext))
    assert r.status == 200, r
    return r.json()["items"][0]["id"]


def make_trunk(api, name, ip, port, tid=1, **kw):
    body = {"name": name, "kind": "ip", "proxy": "%s:%d" % (ip, port),
            "transport": "udp", "inbound_addrs": ["%s/32" % ip]}
    body.update(kw)
    r = api.post("/api/v1/tenants/%d/trunks" % tid, body)
    assert r.status == 201, r
    return r.json()["id"]


def provision(api, trunk_ids, tid=1):
    """The DID rings 1001; every number leaves on the given trunks."""
    r = api.post("/api/v1/tenants/%d/numbers" % tid,
                 {"e164": DID, "target": {"type": "user",
                                          "id": user_id(api, "1001")}})
    assert r.status == 201, r
    if trunk_ids:
        r = api.post("/api/v1/tenants/%d/routes" % tid,
                     {"name": "everything", "prefix": "+",
                      "trunks": trunk_ids})
        assert r.status == 201, r


def test_inbound_did_rings_the_user(centrexd, carriers, phones):
    """A carrier calls the tenant's DID: 1001's phone rings and answers
    (auto-answer), the carrier's call completes, and the CDR is an
    inbound call on that trunk."""
    api = operator(centrexd)
    tid = make_trunk(api, "carrier-in", "127.0.0.2", 5060)
    provision(api, [])
    (p,) = phones(centrexd, "1001", auto_answer=True)
    c = carriers("in", "carrier_call_in.xml", "127.0.0.2",
                 remote="127.0.0.1:%d" % centrexd.port,
                 extra=["-s", DID])
    assert c.wait() == 0, c.log()[-3000:]
    p.wait_event("CALL_ESTABLISHED")
    got = wait_cdrs(centrexd, 1)
    cdr = got[0]
    assert cdr["context"] == "inbound" and cdr["callee"] == DID, cdr
    assert cdr["disposition"] == "answered", cdr
    assert cdr["trunk_id"] == tid and cdr["hangup_by"] == "caller", cdr


def test_outbound_national_number_in_e164(centrexd, carriers, phones):
    """1001 (Paris site) dials 0145671234: the carrier is asked for
    +33145671234, sees the tenant's number as caller id (P-Asserted-
    Identity), answers; the CDR keeps both forms of the number."""
    api = operator(centrexd)
    carrier = carriers("out", "carrier_answer.xml", "127.0.0.3")
    t1 = make_trunk(api, "carrier-a", "127.0.0.3", carrier.port)
    provision(api, [t1])
    (p,) = phones(centrexd, "1001")
    p.dial("0145671234")
    p.wait_event("CALL_ESTABLISHED")
    time.sleep(1)
    p.cmd("hangup")
    assert carrier.wait() == 0, carrier.log()[-3000:]
    inv = carrier.received("INVITE")
    assert inv, carrier.log()[-3000:]
    assert re.search(r"INVITE sip:\+33145671234@", inv[0]), inv[0]
    assert re.search(r"P-Asserted-Identity: <sip:\+33140000001@", inv[0]), \
        inv[0]
    cdr = wait_cdrs(centrexd, 1)[0]
    assert cdr["dialled"] == "0145671234", cdr
    assert cdr["callee"] == "+33145671234", cdr
    assert cdr["context"] == "outbound" and cdr["trunk_id"] == t1, cdr
    assert cdr["disposition"] == "answered", cdr


def test_failover_to_second_trunk(centrexd, carriers, phones):
    """The first trunk answers 503: the call goes out on the second one,
    which answers; the CDR names the second trunk."""
    api = operator(centrexd)
    bad = carriers("bad", "carrier_busy503.xml", "127.0.0.3")
    good = carriers("good", "carrier_answer.xml", "127.0.0.4")
    t1 = make_trunk(api, "carrier-a", "127.0.0.3", bad.port)
    t2 = make_trunk(api, "carrier-b", "127.0.0.4", good.port)
    provision(api, [t1, t2])
    (p,) = phones(centrexd, "1001")
    p.dial("0145671234")
    p.wait_event("CALL_ESTABLISHED")
    time.sleep(1)
    p.cmd("hangup")
    assert bad.wait() == 0, bad.log()[-3000:]
    assert good.wait() == 0, good.log()[-3000:]
    cdr = wait_cdrs(centrexd, 1)[0]
    assert cdr["trunk_id"] == t2 and cdr["disposition"] == "answered", cdr
    statuses = sorted(l["status"] for l in cdr["legs"] if l["dir"] == "out")
    assert statuses == [200, 503], cdr


def test_carrier_requiring_100rel(centrexd, carriers, phones):
    """A carrier whose 183 requires 100rel gets our PRACK, then answers;
    the call connects."""
    api = operator(centrexd)
    carrier = carriers("rel", "carrier_100rel.xml", "127.0.0.3")
    t1 = make_trunk(api, "carrier-a", "127.0.0.3", carrier.port)
    provision(api, [t1])
    (p,) = phones(centrexd, "1001")
    p.dial("0145671234")
    p.wait_event("CALL_ESTABLISHED")
    time.sleep(0.5)
    p.cmd("hangup")
    assert carrier.wait() == 0, carrier.log()[-3000:]
    prack = carrier.received("PRACK")
    assert prack and re.search(r"RAck: 1 \d+ INVITE", prack[0]), \
        carrier.log()[-3000:]


def test_caller_requiring_100rel_gets_420(centrexd, carriers):
    """An inbound INVITE that requires 100rel, which we do not do, is
    refused with 420 naming it in Unsupported."""
    from sipclient import SipClient, random_token
    with SipClient(centrexd.port) as c:
        req = ("INVITE sip:1002@acme.example SIP/2.0\r\n"
               "%s\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:1001@acme.example>;tag=%s\r\n"
               "To: <sip:1002@acme.example>\r\n"
               "Call-ID: %s\r\n"
               "CSeq: 1 INVITE\r\n"
               "Require: 100rel\r\n"
               "Contact: <sip:1001@127.0.0.1>\r\n"
               "Content-Length: 0\r\n\r\n"
               % (c.via(), random_token(4), random_token(10)))
        r = c.exchange(req)
        assert r is not None and r.status == 420, r
        assert "100rel" in r.get("unsupported", ""), r


def test_registration_trunk(centrexd, carriers, phones):
    """A "register" trunk: we register to the carrier with its
    credentials (answering its digest challenge); the carrier's calls
    from its address then reach the DID's user."""
    api = operator(centrexd)
    registrar = carriers("registrar", "carrier_registrar.xml", "127.0.0.6")
    tid = make_trunk(api, "carrier-reg", "127.0.0.6", registrar.port,
                     kind="register", inbound_addrs=[],
                     username="acme-trunk", password="s3cret",
                     register_expires=60)
    assert registrar.wait() == 0, registrar.log()[-3000:]
    reg = registrar.received("REGISTER")
    assert len(reg) == 2 and "Authorization: Digest" in reg[1], reg
    assert "sip:trunk-%d@" % tid in reg[1], reg[1]

    provision(api, [])
    (p,) = phones(centrexd, "1001", auto_answer=True)
    c = carriers("in", "carrier_call_in.xml", "127.0.0.6",
                 remote="127.0.0.1:%d" % centrexd.port, extra=["-s", DID])
    assert c.wait() == 0, c.log()[-3000:]
    cdr = wait_cdrs(centrexd, 1)[0]
    assert cdr["trunk_id"] == tid and cdr["disposition"] == "answered", cdr


def test_trunk_channel_limit(centrexd, carriers, phones):
    """A trunk limited to one channel carries one call; a second caller
    meanwhile gets 503 and a failed CDR."""
    api = operator(centrexd)
    carrier = carriers("out", "carrier_answer.xml", "127.0.0.3")
    t1 = make_trunk(api, "carrier-a", "127.0.0.3", carrier.port,
                    max_channels=1)
    provision(api, [t1])
    a, b = phones(centrexd, "1001", "1002")
    a.dial("0145671234")
    a.wait_event("CALL_ESTABLISHED")
    b.dial("0145671235")
    e = b.wait_event("CALL_CLOSED")
    assert "503" in e.get("param", "") or "Unavailable" in \
        e.get("param", ""), e
    a.cmd("hangup")
    assert carrier.wait() == 0, carrier.log()[-3000:]
    got = wait_cdrs(centrexd, 2)
    by = {c["dialled"]: c for c in got}
    assert by["0145671234"]["disposition"] == "answered", got
    assert by["0145671235"]["disposition"] == "failed", got
    assert by["0145671235"]["sip_status"] == 503, got
