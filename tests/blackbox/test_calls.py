"""Calls between real softphones through centrexd's B2BUA.

Two (or three) baresip phones register as acme users; each sends a tone
WAV of its own frequency as its microphone and records what it hears.  A
call is proven by the audio: the callee's recording carries the caller's
tone and the other way round, and the relay's counters show the packets
went through us.  The CDR API then tells what happened.
"""
import csv
import glob
import os
import time
import wave

import pytest

from apiclient import ApiClient, DEMO_ACME_ADMIN, client_for
from audio import (contains, dominant, goertzel_power, read_samples,
                   write_tone)
from test_baresip import BARESIP, MODULES, Baresip, _account, _reginfo_ok

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")

TONES = {"1001": 1000, "1002": 600, "1003": 1400}


class Phone:
    """A baresip phone with a tone of its own and a call-event log."""

    def __init__(self, tmp_path, daemon, user, domain="acme.example",
                 password=None, auto_answer=False, codecs=("g711.so",),
                 tone=None):
        """codecs: baresip codec modules the phone offers; tone: a WAV
        to send instead of the phone's own sine."""
        self.user = user
        if tone is None:
            tone = os.path.join(str(tmp_path), "tone-%s.wav" % user)
            # baresip's aufile wants the codec's own rate
            opus = any("opus" in c for c in codecs)
            write_tone(tone, TONES.get(user, 800), seconds=30,
                       rate=48000 if opus else 8000,
                       channels=2 if opus else 1)
        account = _account(user, domain, password or "pw" + user,
                           daemon.port)
        if auto_answer:
            account += ";answermode=auto"
        self.ua = Baresip(str(tmp_path), account, name="phone-" + user,
                          tone=tone, codecs=codecs)
        self.ua.start()
        _reginfo_ok(self.ua)

    def cmd(self, c, p=""):
        r = self.ua.command(c, p)
        assert r.get("ok"), (c, r, self.ua.log())
        return r

    def dial(self, target, domain="acme.example"):
        self.cmd("dial", "sip:%s@%s" % (target, domain))

    def wait_event(self, kind, timeout=10):
        """The next call event of this type (CALL_INCOMING, CALL_RINGING,
        CALL_ESTABLISHED, CALL_CLOSED ...)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in list(self.ua.events):
                if e.get("type") == kind:
                    self.ua.events.remove(e)
                    return e
            # a cheap command lets pending events arrive
            self.ua.command("reginfo")
            time.sleep(0.1)
        raise AssertionError("%s: no %s; events %r\n--- log ---\n%s"
                             % (self.user, kind, self.ua.events,
                                self.ua.log()[-3000:]))

    def recording(self, which="dec"):
        files = sorted(glob.glob(os.path.join(self.ua.dir,
                                              "dump-*-%s.wav" % which)))
        assert files, "%s made no recording" % self.user
        return files[-1]

    def stop(self):
        self.ua.stop()


@pytest.fixture
def phones(tmp_path):
    made = []

    def factory(daemon, *users, **kw):
        out = [Phone(tmp_path, daemon, u, **kw) for u in users]
        made.extend(out)
        return out

    yield factory
    for p in made:
        p.stop()


def admin(daemon):
    return client_for(daemon, DEMO_ACME_ADMIN)


def cdrs(daemon, tenant_id=1, **params):
    api = ApiClient(daemon.http_port)
    api.login("operator@centrex.example", "operator-demo")
    q = "&".join("%s=%s" % kv for kv in params.items())
    r = api.get("/api/v1/tenants/%d/cdrs%s" % (tenant_id,
                                              "?" + q if q else ""))
    assert r.status == 200, r
    return r.json()["items"]


def wait_cdrs(daemon, n, timeout=5, **params):
    deadline = time.monotonic() + timeout
    while True:
        got = cdrs(daemon, **params)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def test_call_audio_both_ways(centrexd, phones, tmp_path):
    """1001 calls 1002; 1002 answers; each hears the other's tone (the
    recordings are dominated by the other phone's frequency), the relay
    carried the packets, and the CDR says ANSWERED with a billsec that
    matches the talk time."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    a.wait_event("CALL_RINGING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(3)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")

    freq, ratio, loud = dominant(b.recording(), list(TONES.values()))
    assert freq == TONES["1001"] and ratio > 100 and loud > 8000, \
        (freq, ratio, loud)
    freq, ratio, loud = dominant(a.recording(), list(TONES.values()))
    assert freq == TONES["1002"] and ratio > 100 and loud > 8000, \
        (freq, ratio, loud)

    got = wait_cdrs(centrexd, 1)
    assert len(got) == 1, got
    c = got[0]
    assert c["disposition"] == "answered", c
    assert c["caller"] == "1001" and c["callee"] == "1002", c
    assert 2 <= c["billsec"] <= 5, c
    assert c["hangup_by"] == "caller", c
    assert c["codec"].upper().startswith("PCM"), c
    legs = c["legs"]
    assert len(legs) == 2, legs
    # ~50 packets a second each way went through our relay
    for leg in legs:
        assert leg["rtp"]["rx_packets"] > 100, legs
        assert leg["rtp"]["tx_packets"] > 100, legs
        # G.711 over loopback, nothing lost: a toll-quality estimate
        assert leg["quality"]["mos"] > 4.0, legs

    # the same call, exported from the command line as Asterisk CSV
    from test_cli import Cli
    cli = Cli(centrexd, tmp_path)
    cli.login()
    out = tmp_path / "calls.csv"
    r = cli("cdrs", "export", "--from", "2000-01-01", "--to",
            "2100-01-01T00:00:00Z", "-o", str(out))
    assert "wrote 1 call record" in r.stdout, r.stdout
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0][:3] == ["accountcode", "src", "dst"], rows[0]
    row = dict(zip(rows[0], rows[1]))
    assert row["src"] == "1001" and row["dst"] == "1002", row
    assert row["disposition"] == "ANSWERED", row
    assert row["billsec"] == str(c["billsec"]), row
    assert row["uniqueid"] == c["uuid"], row


def test_cancel_before_answer(centrexd, phones):
    """1001 hangs up while 1002 rings: 1002 stops ringing (CANCEL
    relayed) and the CDR says cancelled, hung up by the caller, no
    billsec."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    got = wait_cdrs(centrexd, 1)
    c = got[0]
    assert c["disposition"] == "cancelled", c
    assert c["hangup_by"] == "caller" and c["billsec"] == 0, c
    assert c["answer"] is None, c


def test_busy(centrexd, phones):
    """1002 refuses the call: 1001 gets 486 (with the Q.850 cause of a
    busy user), the CDR says busy."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("hangup")
    e = a.wait_event("CALL_CLOSED")
    assert "486" in e.get("param", "") or "Busy" in e.get("param", ""), e
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "busy", c
    assert c["sip_status"] == 486 and c["q850_cause"] == 17, c


def test_no_answer(start_daemon, phones):
    """Nobody answers within call.ring_timeout_s: the caller gets 480,
    the callee stops ringing, the CDR says no answer."""
    d = start_daemon(opts=["call.ring_timeout_s=2"])
    a, b = phones(d, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    e = a.wait_event("CALL_CLOSED", timeout=8)
    assert "480" in e.get("param", "") or "Unavailable" in \
        e.get("param", ""), e
    b.wait_event("CALL_CLOSED")
    c = wait_cdrs(d, 1)[0]
    assert c["disposition"] == "no_answer", c
    assert c["sip_status"] == 480 and c["q850_cause"] == 19, c
    assert c["hangup_by"] == "system", c


def test_unknown_number_and_unregistered_user(centrexd, phones):
    """An extension nobody has gets 404 (cause 1); a user with no
    registered phone gets 480 (cause 20, subscriber absent); both leave
    a failed CDR."""
    (a,) = phones(centrexd, "1001")
    a.dial("1999")
    e = a.wait_event("CALL_CLOSED")
    assert "404" in e.get("param", "") or "Not Found" in \
        e.get("param", ""), e
    a.dial("1005")
    e = a.wait_event("CALL_CLOSED")
    assert "480" in e.get("param", "") or "Unavailable" in \
        e.get("param", ""), e
    got = wait_cdrs(centrexd, 2)
    by_callee = {c["callee"]: c for c in got}
    assert by_callee["1999"]["sip_status"] == 404, got
    assert by_callee["1999"]["q850_cause"] == 1, got
    assert by_callee["1005"]["sip_status"] == 480, got
    assert by_callee["1005"]["q850_cause"] == 20, got
    assert all(c["disposition"] == "failed" for c in got), got


def test_other_tenant_unreachable(centrexd, phones):
    """acme's 1001 dialling globex's 2001 at globex's domain gets the
    same 404 as an unknown number; globex's phone never rings."""
    (a,) = phones(centrexd, "1001")
    a.dial("2001", domain="globex.example")
    e = a.wait_event("CALL_CLOSED")
    assert "404" in e.get("param", "") or "Not Found" in \
        e.get("param", ""), e


MOH_DIR = "/usr/share/asterisk/moh"


def moh_excerpt(path, seconds=2.5):
    """The opening seconds of the first track of the default music on
    hold class (the platform plays the folder's WAV files in name
    order), as a WAV file to look for in a recording."""
    first = sorted(f for f in os.listdir(MOH_DIR) if f.endswith(".wav"))[0]
    with wave.open(os.path.join(MOH_DIR, first), "rb") as w:
        rate, ch = w.getframerate(), w.getnchannels()
        frames = w.readframes(int(rate * seconds))
        width = w.getsampwidth()
    with wave.open(str(path), "wb") as o:
        o.setnchannels(ch)
        o.setsampwidth(width)
        o.setframerate(rate)
        o.writeframes(frames)
    return str(path)


def test_hold_and_resume(centrexd, phones, tmp_path):
    """1001 puts the call on hold and resumes it: 1002 is not asked to
    change anything (no re-INVITE reaches it) and hears the music on
    hold meanwhile; after resuming, the audio flows both ways again."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(1)
    b.ua.events.clear()
    a.cmd("hold")
    time.sleep(4)
    a.cmd("resume")
    time.sleep(3)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    assert not [e for e in b.ua.events
                if e.get("type") == "CALL_REMOTE_SDP"], b.ua.events
    music = contains(b.recording(), moh_excerpt(tmp_path / "moh.wav"))
    assert music > 0.9, music
    # after resuming, 1002 hears 1001's tone again: its last 1.5 s
    samples, rate = read_samples(b.recording())
    tail = samples[-int(rate * 1.5):]
    p1 = goertzel_power(tail, rate, TONES["1001"])
    assert p1 > 50 * goertzel_power(tail, rate, 440), p1
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered", c


def test_refresh_and_maximum_duration(start_daemon, phones):
    """With a 2 s ring timeout out of the way: sessions are checked every
    5 s (UPDATE; the phones answer, so the call stays up), and the call is
    ended by the platform at call.max_duration_s; the CDR says the system
    hung up after ~8 s."""
    d = start_daemon(opts=["call.session_refresh_s=5",
                           "call.max_duration_s=8"])
    a, b = phones(d, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    a.wait_event("CALL_CLOSED", timeout=15)
    b.wait_event("CALL_CLOSED", timeout=5)
    c = wait_cdrs(d, 1)[0]
    assert c["disposition"] == "answered", c
    assert c["hangup_by"] == "system", c
    assert 7 <= c["billsec"] <= 10, c
    assert "UPDATE" in a.ua.log() or "UPDATE" in b.ua.log() or \
        c["billsec"] >= 7


def test_tenant_call_limit(centrexd, phones):
    """acme's contract allows one call at a time: while 1001 talks to
    1002, 1003's call is refused with 503 and a failed CDR; once the first
    call is over, 1003 gets through."""
    api = ApiClient(centrexd.http_port)
    api.login("operator@centrex.example", "operator-demo")
    r = api.patch("/api/v1/tenants/1", {"max_calls": 1})
    assert r.status == 200, r
    a, b, c3 = phones(centrexd, "1001", "1002", "1003")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    c3.dial("1002")
    e = c3.wait_event("CALL_CLOSED")
    assert "503" in e.get("param", "") or "Limit" in e.get("param", ""), e
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    c3.dial("1002")
    b.wait_event("CALL_INCOMING")
    c3.cmd("hangup")
    got = wait_cdrs(centrexd, 3)
    refused = [x for x in got if x["sip_status"] == 503]
    assert len(refused) == 1 and refused[0]["caller"] == "1003", got
    assert refused[0]["q850_cause"] == 34, refused
