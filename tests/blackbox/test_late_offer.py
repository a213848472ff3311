"""Calls from a phone whose INVITE carries no SDP (a late, or delayed,
offer: some PBXs and carriers' gateways work this way).  The platform
then makes the offer in its 200 and takes the phone's answer from the
ACK (RFC 3261 13.2.1).

The caller is a raw SIP phone of the test that sends a 1000 Hz tone as
G.711 from its own socket and decodes what comes back; the called party
is a baresip phone with a 600 Hz tone.  Each must hear the other: in
the codec the called party chose, and also when the caller answers with
another codec (the relay then transcodes).  An ACK with no answer ends
the call; a re-INVITE with no offer is answered with one.
"""
import math
import os
import re
import socket
import threading
import struct
import time
import warnings

import pytest

from audio import dominant
from test_baresip import BARESIP, MODULES
from test_calls import TONES, phones, wait_cdrs  # noqa: F401
from test_joined_calls import DialogPhone

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")

OWN_TONE = TONES["1001"]


# G.711 both ways, from the standard library (deprecated, still in 3.11)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

CODECS = {0: (audioop.lin2ulaw, audioop.ulaw2lin),
          8: (audioop.lin2alaw, audioop.alaw2lin)}


class LatePhone(DialogPhone):
    """A raw phone that calls without an offer and answers ours in the
    ACK, then talks G.711 from its RTP socket."""

    def call_late(self, target, answer_pt=0, ack_body=True, timeout=15):
        r, _, call_id, from_tag = self.invite(target, b"", timeout)
        assert r.status == 200, r
        offer = r.body.decode()
        remote = r.contacts()[0][0]
        dlg = {"call_id": call_id, "remote": remote, "offer": offer,
               "local": "<%s>;tag=%s" % (self.aor, from_tag),
               "peer": r.get("to"), "cseq": self.cseq}
        body = self.answer_sdp(offer, answer_pt) if ack_body else b""
        lines = ["ACK %s SIP/2.0" % remote, self.client.via(),
                 "Max-Forwards: 70", "From: %s" % dlg["local"],
                 "To: %s" % dlg["peer"], "Call-ID: %s" % call_id,
                 "CSeq: %d ACK" % self.cseq]
        if body:
            lines.append("Content-Type: application/sdp")
        self._send(lines, body)
        dlg["pt"] = answer_pt
        dlg["relay"] = media_address(offer)
        return dlg

    def answer_sdp(self, offer, pt):
        assert re.search(r"^m=audio \d+ RTP/AVP .*\b%d\b" % pt, offer,
                         re.M), offer
        name = {0: "PCMU", 8: "PCMA"}[pt]
        return ("v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\n"
                "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP %d\r\na=rtpmap:%d %s/8000\r\n"
                "a=sendrecv\r\n" % (self.rtp.getsockname()[1], pt, pt,
                                    name)).encode()

    def talk(self, dlg, seconds):
        """Send our tone for `seconds` at the 20 ms pace while keeping
        what comes back (decoded): the samples heard."""
        enc, dec = CODECS[dlg["pt"]]
        heard, stop = [], threading.Event()
        self.rtp.settimeout(0.1)

        def rx():
            while not stop.is_set():
                try:
                    pkt = self.rtp.recv(2048)
                except socket.timeout:
                    continue
                if len(pkt) > 12 and pkt[1] & 0x7f == dlg["pt"]:
                    lin = dec(pkt[12:], 2)
                    heard.extend(struct.unpack("<%dh" % (len(lin) // 2),
                                               lin))

        t = threading.Thread(target=rx)
        t.start()
        seq, ts, ssrc, phase = 1, 0, 0x1234, 0.0
        start = time.monotonic()
        for n in range(int(seconds * 50)):
            lin = struct.pack("<160h", *(
                int(8000 * math.sin(phase + 2 * math.pi * OWN_TONE * i / 8000))
                for i in range(160)))
            phase += 2 * math.pi * OWN_TONE * 160 / 8000
            payload = enc(lin, 2)
            hdr = bytes([0x80, dlg["pt"], seq >> 8 & 0xff, seq & 0xff]) + \
                ts.to_bytes(4, "big") + ssrc.to_bytes(4, "big")
            self.rtp.sendto(hdr + payload, dlg["relay"])
            seq, ts = seq + 1, ts + 160
            time.sleep(max(0, start + (n + 1) * 0.02 - time.monotonic()))
        stop.set()
        t.join()
        return heard

    def bye(self, dlg):
        self.cseq += 1
        self._send(["BYE %s SIP/2.0" % dlg["remote"], self.client.via(),
                    "Max-Forwards: 70", "From: %s" % dlg["local"],
                    "To: %s" % dlg["peer"], "Call-ID: %s" % dlg["call_id"],
                    "CSeq: %d BYE" % self.cseq])
        return self._final(dlg["call_id"], "%d BYE" % self.cseq, 5)


def media_address(sdp):
    ip = re.search(r"^c=IN IP4 (\S+)", sdp, re.M).group(1)
    port = int(re.search(r"^m=audio (\d+)", sdp, re.M).group(1))
    return ip, port


def power(samples, freq, rate=8000):
    """Goertzel power of freq in samples, per sample."""
    w = 2 * math.pi * freq / rate
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + c * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - c * s1 * s2) / max(1, len(samples))


def hears(samples, freq):
    """freq stands out of what was heard: far above the other tones."""
    assert len(samples) > 8000, len(samples)
    p = power(samples, freq)
    others = [power(samples, f) for f in TONES.values() if f != freq]
    assert p > 20 * max(others), (freq, p, others)


@pytest.fixture
def late(centrexd):
    p = LatePhone(centrexd.port, "1001", "acme.example", "pw1001")
    p.register()
    yield p
    p.close()


def answered_call(centrexd, phones, late, answer_pt):
    (b,) = phones(centrexd, "1002")
    result = {}

    def dial():
        result["dlg"] = late.call_late("1002", answer_pt=answer_pt)

    t = threading.Thread(target=dial)
    t.start()
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    t.join(20)
    return b, result["dlg"]


def test_late_offer_call_carries_audio_both_ways(centrexd, phones, late):
    b, dlg = answered_call(centrexd, phones, late, 0)
    # our offer names the relay, and leads with what 1002 chose
    assert "m=audio" in dlg["offer"] and "127.0.0.1" in dlg["offer"]
    heard = late.talk(dlg, 4)
    r = late.bye(dlg)
    assert r is not None and r.status == 200, r
    b.wait_event("CALL_CLOSED")
    hears(heard[8000:], TONES["1002"])
    freq, ratio, _ = dominant(b.recording(), list(TONES.values()))
    assert freq == OWN_TONE and ratio > 5, (freq, ratio)
    cdr = wait_cdrs(centrexd, 1)[0]
    assert cdr["disposition"] == "answered" and cdr["billsec"] >= 3, cdr


def test_late_offer_answered_in_another_codec(centrexd, phones, late):
    """1002 (baresip) picks PCMU; the caller answers our offer with PCMA:
    the relay bridges the two and both still hear each other."""
    b, dlg = answered_call(centrexd, phones, late, 8)
    assert re.search(r"^m=audio \d+ RTP/AVP 0\b", dlg["offer"], re.M), \
        dlg["offer"]
    heard = late.talk(dlg, 4)
    late.bye(dlg)
    b.wait_event("CALL_CLOSED")
    hears(heard[8000:], TONES["1002"])
    freq, ratio, _ = dominant(b.recording(), list(TONES.values()))
    assert freq == OWN_TONE and ratio > 5, (freq, ratio)


def test_ack_without_answer_ends_the_call(centrexd, phones, late):
    (b,) = phones(centrexd, "1002")
    result = {}
    t = threading.Thread(target=lambda: result.update(
        dlg=late.call_late("1002", ack_body=False)))
    t.start()
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    t.join(20)
    dlg = result["dlg"]
    bye = late.wait_request("BYE", 10, match=lambda m:
                            m.get("call-id") == dlg["call_id"])
    assert bye is not None
    b.wait_event("CALL_CLOSED")


def test_late_offer_to_a_service(centrexd, late):
    """The echo test (*43) answers a caller that made no offer with its
    own; the caller then hears itself."""
    dlg = late.call_late("*43", answer_pt=0)
    heard = late.talk(dlg, 3)
    late.bye(dlg)
    hears(heard[4000:], OWN_TONE)


def test_reinvite_without_offer_gets_one(centrexd, phones, late):
    b, dlg = answered_call(centrexd, phones, late, 0)
    late.cseq += 1
    n = late.cseq
    late._send(["INVITE %s SIP/2.0" % dlg["remote"], late.client.via(),
                "Max-Forwards: 70", "From: %s" % dlg["local"],
                "To: %s" % dlg["peer"], "Call-ID: %s" % dlg["call_id"],
                "CSeq: %d INVITE" % n,
                "Contact: <sip:1001@%s:%d>" % (late.client.local_ip,
                                              late.client.local_port)])
    r = late._final(dlg["call_id"], "%d INVITE" % n, 5)
    assert r is not None and r.status == 200, r
    offer = r.body.decode()
    assert media_address(offer) == dlg["relay"], offer
    late._send(["ACK %s SIP/2.0" % dlg["remote"], late.client.via(),
                "Max-Forwards: 70", "From: %s" % dlg["local"],
                "To: %s" % dlg["peer"], "Call-ID: %s" % dlg["call_id"],
                "CSeq: %d ACK" % n, "Content-Type: application/sdp"],
               late.answer_sdp(offer, 0))
    heard = late.talk(dlg, 3)
    late.bye(dlg)
    b.wait_event("CALL_CLOSED")
    hears(heard[4000:], TONES["1002"])
