"""Two calls of one phone joined through the B2BUA: attended transfer
(REFER with Replaces) and three-way calling (*3).

Attended: baresip cannot send a REFER with Replaces, so the transferor
is a raw SIP phone of the test (sipua.Phone plus INVITE dialogs) that
registers as 1001, calls 1002 and 1003 (baresip phones), or is called
by them, then asks, in its call with 1002, that 1002 be connected to
1003 in place of its own call with 1003; as a transferred party, it is
told who it talks to.  Three-way: a baresip phone
holds one call, makes another and types *3.  Each baresip phone sends a
tone of its own; what each heard says who talks to whom.
"""
import os
import re
import socket
import threading
import time
import urllib.parse

import pytest

from apiclient import ApiClient
from audio import goertzel_power, read_samples
from sipclient import authorization, parse_digest, random_token
from sipua import Phone as RawPhone
from test_baresip import BARESIP, MODULES
from test_calls import TONES, phones, wait_cdrs  # noqa: F401
from test_features_calls import connect
from test_transfer import hears_now, type_code

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")


class DialogPhone(RawPhone):
    """A raw phone that can also place calls and act in them."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        # where the relay's media goes: read by nobody, kept open
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))

    def close(self):
        self.rtp.close()
        super().close()

    def _send(self, lines, body=b""):
        lines = lines + ["Content-Length: %d" % len(body)]
        self.client.send_raw(("\r\n".join(lines) + "\r\n\r\n").encode()
                             + body)

    def _ack(self, ruri, branch, from_tag, to, call_id, n):
        self._send(["ACK %s SIP/2.0" % ruri, self.client.via(branch),
                    "Max-Forwards: 70",
                    "From: <%s>;tag=%s" % (self.aor, from_tag),
                    "To: %s" % to, "Call-ID: %s" % call_id,
                    "CSeq: %d ACK" % n])

    def _sdp(self):
        return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"
                "a=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n"
                % self.rtp.getsockname()[1]).encode()

    def invite(self, target, sdp, timeout=15):
        """INVITE target with sdp (b"" for none), answering the 407:
        (final answer, Request-URI, Call-ID, From tag)."""
        ruri = "sip:%s@%s" % (target, self.domain)
        call_id = random_token(10) + "@phone"
        from_tag = random_token(4)
        auth = None
        for _ in range(2):
            self.cseq += 1
            branch = random_token(8)
            lines = ["INVITE %s SIP/2.0" % ruri, self.client.via(branch),
                     "Max-Forwards: 70",
                     "From: <%s>;tag=%s" % (self.aor, from_tag),
                     "To: <%s>" % ruri, "Call-ID: %s" % call_id,
                     "CSeq: %d INVITE" % self.cseq,
                     "Contact: <sip:%s@%s:%d>" % (
                         self.user, self.client.local_ip,
                         self.client.local_port)]
            if sdp:
                lines.append("Content-Type: application/sdp")
            if auth:
                lines.append("Proxy-Authorization: %s" % auth)
            self._send(lines, sdp)
            r = self._final(call_id, "%d INVITE" % self.cseq, timeout)
            assert r is not None, "no answer to the INVITE"
            if r.status >= 300:
                self._ack(ruri, branch, from_tag, r.get("to"), call_id,
                          self.cseq)
            if r.status != 407 or auth:
                break
            auth = authorization(parse_digest(r.get("proxy-authenticate")),
                                 self.user, self.password, "INVITE", ruri)
        return r, ruri, call_id, from_tag

    def call(self, target, timeout=15):
        """INVITE target (answering the 407), ACK its 200: the dialog."""
        r, ruri, call_id, from_tag = self.invite(target, self._sdp(),
                                                 timeout)
        assert r.status == 200, r
        remote = r.contacts()[0][0]
        to = r.get("to")
        self._ack(remote, None, from_tag, to, call_id, self.cseq)
        return {"call_id": call_id,
                "local": "<%s>;tag=%s" % (self.aor, from_tag),
                "peer": to, "local_tag": from_tag,
                "peer_tag": re.search(r"tag=([^;>\s]+)", to).group(1),
                "remote": remote}

    def _take(self, msg):
        """An INVITE is kept for accept(), not answered here."""
        if msg.status is None and msg.first_line.startswith("INVITE "):
            self.inbox.append(msg)
            return True
        return super()._take(msg)

    def accept(self, timeout=10):
        """Answer the next incoming INVITE with our offer's media: the
        dialog."""
        inv = self.wait_request("INVITE", timeout)
        assert inv is not None, "no call came"
        tag = random_token(4)
        lines = ["SIP/2.0 200 OK"]
        for name in ("via", "from", "call-id", "cseq"):
            lines += ["%s: %s" % (name.title(), v)
                      for v in inv.get_all(name)]
        lines += ["To: %s;tag=%s" % (inv.get("to"), tag),
                  "Contact: <sip:%s@%s:%d>" % (
                      self.user, self.client.local_ip,
                      self.client.local_port),
                  "Content-Type: application/sdp"]
        self._send(lines, self._sdp())
        assert self.wait_request("ACK", 5) is not None
        return {"call_id": inv.get("call-id"),
                "local": "%s;tag=%s" % (inv.get("to"), tag),
                "peer": inv.get("from"), "local_tag": tag,
                "peer_tag": re.search(r"tag=([^;>\s]+)",
                                      inv.get("from")).group(1),
                "remote": inv.contacts()[0][0]}

    def refer(self, dlg, refer_to):
        """REFER in the dialog; the final answer."""
        self.cseq += 1
        n = self.cseq
        self._send(["REFER %s SIP/2.0" % dlg["remote"], self.client.via(),
                    "Max-Forwards: 70",
                    "From: %s" % dlg["local"],
                    "To: %s" % dlg["peer"], "Call-ID: %s" % dlg["call_id"],
                    "CSeq: %d REFER" % n,
                    "Contact: <sip:%s@%s:%d>" % (
                        self.user, self.client.local_ip,
                        self.client.local_port),
                    "Refer-To: <%s>" % refer_to])
        return self._final(dlg["call_id"], "%d REFER" % n, 5)


def replaces(target, domain, dlg):
    """A Refer-To URI asking for target in place of dialog dlg: its
    Call-ID and tags as the target sees them (RFC 3891: to-tag is the
    target's own)."""
    rep = "%s;to-tag=%s;from-tag=%s" % (dlg["call_id"], dlg["peer_tag"],
                                        dlg["local_tag"])
    return "sip:%s@%s?Replaces=%s" % (target, domain,
                                      urllib.parse.quote(rep, safe=""))


def bye_for(phone, dlg, timeout=10):
    return phone.wait_request(
        "BYE", timeout, match=lambda m: m.get("call-id") == dlg["call_id"])


def last_frag(p, dlg):
    """The sipfrag of the last NOTIFY of the REFER sent in dlg."""
    frags = []
    while True:
        n = p.wait_request("NOTIFY", 10, match=lambda m:
                           m.get("call-id") == dlg["call_id"])
        assert n is not None, frags
        frags.append(n.body.decode())
        if "terminated" in (n.get("subscription-state") or ""):
            return frags[-1]


def transfers(centrexd, p, d1, d2, b, c3, ender):
    """p refers d1's party to d2's with Replaces: 202, NOTIFY 200, p's
    two calls released; b and c3 then hear each other until `ender`
    hangs up, which ends both calls; both records say transfer by p."""
    time.sleep(1)
    r = p.refer(d1, replaces("1003", "acme.example", d2))
    assert r is not None and r.status == 202, r
    assert last_frag(p, d1).startswith("SIP/2.0 200"), d1
    assert bye_for(p, d1) is not None
    assert bye_for(p, d2) is not None
    time.sleep(4)
    ender.cmd("hangup")
    (c3 if ender is b else b).wait_event("CALL_CLOSED")
    hears_now(b, "1003")
    hears_now(c3, "1002")
    got = wait_cdrs(centrexd, 2)
    assert all((c["feature"], c["feature_by"]) == ("transfer", p.user)
               for c in got), got
    assert all(c["disposition"] == "answered" for c in got), got
    assert centrexd.wait_for_log(r"%s joins" % p.user)


@pytest.fixture
def transferor(centrexd):
    """1001 as a raw phone that can hold calls and send REFER."""
    p = DialogPhone(centrexd.port, "1001", "acme.example", "pw1001")
    p.register()
    yield p
    p.close()


def test_attended_transfer_with_replaces(centrexd, phones, transferor):
    """1001 calls 1002, then 1003 (holding 1002), then refers 1002 to
    1003 with Replaces naming its call with 1003: the REFER gets 202, its
    NOTIFYs end with 200, both of 1001's calls are released (BYE), and
    1002 and 1003 now hear each other; both records say transfer by
    1001."""
    p = transferor
    b, c3 = phones(centrexd, "1002", "1003", auto_answer=True)
    d1 = p.call("1002")
    b.wait_event("CALL_ESTABLISHED")
    d2 = p.call("1003")
    c3.wait_event("CALL_ESTABLISHED")
    transfers(centrexd, p, d1, d2, b, c3, ender=b)


def test_attended_transfer_by_the_called_party(centrexd, phones,
                                               transferor):
    """The same when 1002 and 1003 both called 1001 (the transferor is
    the called party of both calls); this time 1003 hangs up."""
    p = transferor
    b, c3 = phones(centrexd, "1002", "1003")
    b.dial("1001")
    d1 = p.accept()
    b.wait_event("CALL_ESTABLISHED")
    c3.dial("1001")
    d2 = p.accept()
    c3.wait_event("CALL_ESTABLISHED")
    transfers(centrexd, p, d1, d2, b, c3, ender=c3)


def test_replaces_naming_no_call_changes_nothing(centrexd, phones,
                                                 transferor):
    """A Replaces naming a call that is not 1001's (another phone's)
    gets NOTIFY 481; 1001 keeps both its calls."""
    p = transferor
    b, c3, d = phones(centrexd, "1002", "1003", "1004")
    b.dial("1001")
    d1 = p.accept()
    b.wait_event("CALL_ESTABLISHED")
    c3.dial("1004")
    d.wait_event("CALL_INCOMING")
    d.cmd("accept")
    c3.wait_event("CALL_ESTABLISHED")
    # the call between 1003 and 1004, as 1001 might guess it
    other = {"call_id": "nosuchcall@phone", "local_tag": "x",
             "peer_tag": "y"}
    r = p.refer(d1, replaces("1004", "acme.example", other))
    assert r is not None and r.status == 202, r
    assert last_frag(p, d1).startswith("SIP/2.0 481"), d1
    time.sleep(1)
    assert bye_for(p, d1, timeout=1) is None
    assert not [e for e in b.ua.events + c3.ua.events + d.ua.events
                if e.get("type") == "CALL_CLOSED"]
    b.cmd("hangup")
    c3.cmd("hangup")
    d.wait_event("CALL_CLOSED")
    assert bye_for(p, d1) is not None


def tail_powers(phone):
    """The energy of each phone's tone in what phone heard in the
    seconds before the calls ended (not the very end: the parties hang
    up one after the other)."""
    samples, rate = read_samples(phone.recording())
    tail = samples[-int(rate * 3.5):-int(rate * 1.0)]
    return {ext: goertzel_power(tail, rate, f) for ext, f in TONES.items()}


def test_three_way_with_star3(centrexd, phones):
    """1001 talks to 1002, holds, calls 1003, then types *3: the three
    hear each other (each one's last seconds hold the other two's
    tones, well above its own); both records say three_way."""
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    connect(a, b)
    time.sleep(1)
    a.cmd("hold")
    time.sleep(1)
    connect(a, c3)
    time.sleep(1)
    type_code(a, "*3")
    assert centrexd.wait_for_log(r"three-way with call")
    time.sleep(5)
    b.cmd("hangup")
    c3.cmd("hangup")
    for p in (b, c3, a, a):
        p.wait_event("CALL_CLOSED")
    for me, p in (("1001", a), ("1002", b), ("1003", c3)):
        powers = tail_powers(p)
        for other in TONES:
            if other != me:
                assert powers[other] > 20 * max(powers[me], 1e-9), \
                    (me, powers)
    got = wait_cdrs(centrexd, 2)
    assert all(c["feature"] == "three_way" for c in got), got


def test_transferred_phone_is_told_who_it_talks_to(centrexd, phones,
                                                  transferor):
    """1001 (a raw phone) calls 1002, which transfers it to 1003 with its
    transfer key: when 1003 answers, 1001's phone gets an UPDATE whose
    P-Asserted-Identity names 1003 (extension and name), and nothing
    about the call changes."""
    b, c3 = phones(centrexd, "1002", "1003")
    dlg = {}
    t = threading.Thread(target=lambda: dlg.update(transferor.call("1002")))
    t.start()
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    t.join(20)
    assert dlg, "1001's call was not answered"
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(0.5)
    b.cmd("transfer", "sip:1003@acme.example")
    b.wait_event("CALL_CLOSED")
    c3.wait_event("CALL_INCOMING")
    c3.cmd("accept")
    c3.wait_event("CALL_ESTABLISHED")
    upd = transferor.wait_request("UPDATE", 10, match=lambda m:
                                  m.get("call-id") == dlg["call_id"])
    assert upd is not None, "1001 was not told"
    pai = upd.get("p-asserted-identity") or ""
    assert re.search(r"<sip:1003@acme\.example>", pai), pai
    api = ApiClient(centrexd.http_port)
    api.login("admin@acme.example", "admin-demo")
    name = [u["name"] for u in api.get("/api/v1/tenants/1/users").json()
            ["items"] if u["extension"] == "1003"][0]
    assert pai.startswith('"%s"' % name), (pai, name)
    assert not upd.body
    assert bye_for(transferor, dlg, timeout=1) is None
    c3.cmd("hangup")
    assert bye_for(transferor, dlg) is not None
