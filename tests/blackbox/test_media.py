"""The media engine with real softphones: the service numbers every
tenant has (*43 echo, *44 prompt, *45 DTMF), transcoding between phones
that share no codec, and refusing a call we cannot carry.

Each baresip phone sends a tone (or typed digits) as its microphone and
records what it hears; the assertions are about that audio and about the
digits the phone receives back.
"""
import os
import struct
import time
import wave

import pytest

from audio import (contains, dominant, goertzel_power, read_samples,
                   tone_report,
                   write_dtmf, write_tone)
from test_calls import TONES, Phone, admin, phones, wait_cdrs  # noqa: F401
from apiclient import ApiClient
from test_baresip import BARESIP, MODULES
from test_features_calls import connect as establish

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")

SOUNDS = "/usr/share/asterisk/sounds"
EN = os.path.join(SOUNDS, "en_US_f_Allison", "hello-world.wav")
FR = os.path.join(SOUNDS, "fr_CA_f_June", "hello-world.wav")


def talk(a, seconds):
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(seconds)
    a.cmd("hangup")
    a.wait_event("CALL_CLOSED")


def digits_back(phone, n, timeout=15):
    """The next n digits the phone received as DTMF."""
    got = ""
    while len(got) < n:
        e = phone.wait_event("CALL_DTMF_START", timeout=timeout)
        got += e.get("param", "")
    return got


def test_echo_test(centrexd, phones):
    """*43 answers at once and sends back what the phone says: the
    phone's recording is its own tone; the CDR is answered, to *43."""
    (a,) = phones(centrexd, "1001")
    a.dial("*43")
    talk(a, 3)
    freq, ratio, loud = dominant(a.recording(), list(TONES.values()))
    assert freq == TONES["1001"] and ratio > 50 and loud > 8000, \
        (freq, ratio, loud)
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered" and c["callee"] == "*43", c
    assert c["billsec"] >= 2, c


def test_prompt_test(centrexd, phones):
    """*44 plays the greeting and the caller's extension, then hangs up
    by itself.  1001 works at the Paris site, whose language is French:
    the recording holds the French "hello world" prompt (its loudness
    contour matches the prompt file's), not the English one, and the call
    was ended by us."""
    (a,) = phones(centrexd, "1001")
    a.dial("*44")
    a.wait_event("CALL_ESTABLISHED")
    a.wait_event("CALL_CLOSED", timeout=20)
    fr, en = contains(a.recording(), FR), contains(a.recording(), EN)
    assert fr > 0.9 and en < 0.85, (fr, en)
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered" and c["hangup_by"] == "callee", c


def test_dtmf_rfc4733_reaches_the_collector(centrexd, phones):
    """*45 collects digits until '#' and sends them back: digits typed on
    the phone (RFC 4733 events) come back as DTMF the phone receives,
    then the service hangs up."""
    (a,) = phones(centrexd, "1001")
    a.dial("*45")
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(0.5)
    for d in "2580#":
        a.cmd("sndcode", d)
        time.sleep(0.3)
    assert digits_back(a, 4) == "2580"
    a.wait_event("CALL_CLOSED", timeout=15)


def test_dtmf_in_band_reaches_the_collector(centrexd, phones, tmp_path):
    """The same service with digits in the audio itself (a phone whose
    microphone plays DTMF tones): spandsp's detector finds them."""
    mic = str(tmp_path / "typed.wav")
    write_dtmf(mic, "1379#")
    (a,) = phones(centrexd, "1001", tone=mic)
    a.dial("*45")
    a.wait_event("CALL_ESTABLISHED")
    assert digits_back(a, 4) == "1379"
    a.wait_event("CALL_CLOSED", timeout=15)


def test_opus_phone_calls_g711_phone(centrexd, phones):
    """A phone that only speaks Opus calls one that only speaks G.711:
    we answer each in its own codec and transcode, and each still hears
    the other's tone."""
    (a,) = phones(centrexd, "1001", codecs=("opus.so",))
    (b,) = phones(centrexd, "1002", codecs=("g711.so",))
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    b.wait_event("CALL_ESTABLISHED")
    talk(a, 4)
    b.wait_event("CALL_CLOSED")
    freq, ratio, loud = dominant(b.recording(), list(TONES.values()))
    assert freq == TONES["1001"] and ratio > 50 and loud > 8000, \
        (freq, ratio, loud)
    freq, ratio, loud = dominant(a.recording(), list(TONES.values()))
    assert freq == TONES["1002"] and ratio > 50 and loud > 8000, \
        (freq, ratio, loud)
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "answered", c
    # each leg's record says what that phone spoke
    legs = {leg["dir"]: leg["codec"].lower() for leg in c["legs"]}
    assert legs["in"].startswith("opus/48000"), c["legs"]
    assert legs["out"].startswith("pcm"), c["legs"]


def test_no_common_codec_is_488(centrexd, phones):
    """A phone offering only GSM (which we cannot decode) reaches the
    echo test: 488, and a failed CDR."""
    (a,) = phones(centrexd, "1001", codecs=("gsm.so",))
    a.dial("*43")
    e = a.wait_event("CALL_CLOSED")
    assert "488" in e.get("param", "") or "Acceptable" in \
        e.get("param", ""), e
    c = wait_cdrs(centrexd, 1)[0]
    assert c["disposition"] == "failed" and c["sip_status"] == 488, c


def test_uploaded_prompt_replaces_the_system_one(centrexd, phones,
                                                 tmp_path):
    """A tenant admin uploads its own French "hello-world" (a 440 Hz
    tone here): the next *44 call plays the upload, not the recording
    that ships with the platform."""
    from test_prompts_api import upload
    from apiclient import ApiClient
    wav = str(tmp_path / "mine.wav")
    write_tone(wav, 440, seconds=1.5)
    api = ApiClient(centrexd.http_port)
    api.login("admin@acme.example", "admin-demo")
    with open(wav, "rb") as f:
        r = upload(api, f.read(), name="hello-world", language="fr")
    assert r.status in (200, 201), r
    (a,) = phones(centrexd, "1001")
    a.dial("*44")
    a.wait_event("CALL_ESTABLISHED")
    a.wait_event("CALL_CLOSED", timeout=20)
    freq, ratio, loud = dominant(a.recording(), [440, 1000, 600])
    assert freq == 440 and loud > 4000, (freq, ratio, loud)
    assert contains(a.recording(), FR) < 0.85


def test_three_phones_in_a_conference(centrexd, phones):
    """1001, 1002 and 1003 dial the same meet-me room (*47 and a number):
    each one's recording holds the tones of the other two, and not its
    own.  The CDRs say the three calls were answered, to the room."""
    a, b, c = phones(centrexd, "1001", "1002", "1003")
    for p in (a, b, c):
        p.dial("*4712")
        p.wait_event("CALL_ESTABLISHED")
    time.sleep(4)
    for p in (a, b, c):
        p.cmd("hangup")
        p.wait_event("CALL_CLOSED")
    for me, p in (("1001", a), ("1002", b), ("1003", c)):
        powers, loud, _ = tone_report(p.recording(), list(TONES.values()))
        others = [f for n, f in TONES.items() if n != me]
        own = powers[TONES[me]]
        assert loud > 8000, (me, loud)
        for f in others:
            # each other party is clearly there, the phone itself is not
            assert powers[f] > 20 * max(own, 1e-9), (me, powers)
    got = wait_cdrs(centrexd, 3)
    assert all(x["callee"] == "*4712" and x["disposition"] == "answered"
               for x in got), got


def live_calls(api):
    r = api.get("/tenants/1/calls")
    assert r.status == 200, r
    return r.json()["items"]


def channel(data, ch, nch):
    """Samples of one channel of 16-bit PCM interleaved frames."""
    vals = struct.unpack("<%dh" % (len(data) // 2), data)
    return list(vals[ch::nch])


def test_recording_a_call(centrexd, phones, tmp_path):
    """An admin records a call between 1001 and 1002 through the API, as
    two channels, pausing it for a while: the recording is linked to the
    call's CDR, holds 1001's tone on the left and 1002's on the right, and
    is shorter than the call by the pause.  Bad requests say what is
    wrong: unknown action, a call not ringing any more, another tenant."""
    api = admin(centrexd)
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    (ringing,) = live_calls(api)
    assert ringing["state"] == "ringing", ringing
    path = "/tenants/1/calls/%s/recording" % ringing["uuid"]
    r = api.post(path, {"action": "start"})
    assert r.status == 409 and r.field == "action", r
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    (call,) = live_calls(api)
    assert call["state"] == "talking" and call["recording"] is None, call

    r = api.post(path, {"action": "dance"})
    assert r.status == 422 and r.field == "action", r
    r = api.post(path, {"action": "start", "mode": "stereo"})
    assert r.status == 422 and r.field == "mode", r
    r = api.post(path, {"action": "stop"})
    assert r.status == 409, r
    r = api.post(path, {"action": "start", "mode": "split"})
    assert r.status == 200, r
    rec_id = r.json()["recording_id"]
    assert api.post(path, {"action": "start"}).status == 409
    time.sleep(2)
    assert api.post(path, {"action": "pause"}).status == 200
    assert live_calls(api)[0]["recording"] == {"id": rec_id, "paused": True}
    time.sleep(2)
    assert api.post(path, {"action": "resume"}).status == 200
    time.sleep(2)
    # another tenant's admin cannot see or touch the call
    other = ApiClient(centrexd.http_port)
    other.login("admin@globex.example", "admin-demo")
    r = other.post(path.replace("/tenants/1/", "/tenants/2/"),
                   {"action": "stop"})
    assert r.status == 404, r
    assert other.get("/tenants/2/calls").json()["items"] == []
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")

    cdr = wait_cdrs(centrexd, 1)[0]
    assert cdr["uuid"] == call["uuid"] and cdr["recordings"] == [rec_id], cdr
    deadline = time.monotonic() + 5
    while True:
        rec = api.get("/tenants/1/recordings/%d" % rec_id).json()
        if rec["state"] != "recording" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert rec["state"] == "done" and rec["channels"] == 2, rec
    assert rec["call_uuid"] == call["uuid"] and rec["mode"] == "split", rec
    # about 4 s recorded of a 6 s call
    assert 3300 <= rec["duration_ms"] <= 4800, rec
    r = api.get("/tenants/1/recordings/%d/audio" % rec_id)
    assert r.status == 200 and r.content_type == "audio/wav", r
    out = tmp_path / "rec.wav"
    out.write_bytes(r.body)
    with wave.open(str(out), "rb") as w:
        assert w.getnchannels() == 2 and w.getframerate() == 16000
        data = w.readframes(w.getnframes())
    left, right = channel(data, 0, 2), channel(data, 1, 2)
    f1, f2 = TONES["1001"], TONES["1002"]
    assert goertzel_power(left, 16000, f1) > \
        50 * goertzel_power(left, 16000, f2)
    assert goertzel_power(right, 16000, f2) > \
        50 * goertzel_power(right, 16000, f1)


def test_call_quality_in_the_cdr(centrexd, phones):
    """A call long enough for the phones' RTCP: each leg of the CDR has an
    E-model MOS estimate (toll quality over loopback), and the round trip
    to a phone, measured from the reports that crossed the relay, is
    there and small."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    b.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(12)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    legs = wait_cdrs(centrexd, 1)[0]["legs"]
    for leg in legs:
        q = leg["quality"]
        assert q["mos"] > 4.0, legs
    rtts = [leg["quality"]["rtt_ms"] for leg in legs
            if leg["quality"]["rtt_ms"] is not None]
    assert rtts and all(0 <= r < 200 for r in rtts), legs


def set_dtmf_mode(api, ext, mode):
    from test_trunk_calls import user_id
    base = "/api/v1/tenants/1/users/%d/devices" % user_id(api, ext)
    dev = api.get(base).json()["items"][0]
    r = api.patch("%s/%d" % (base, dev["id"]), {"dtmf_mode": mode})
    assert r.status == 200 and r.json()["dtmf_mode"] == mode, r


def connect(a, b):
    """a calls b, b answers, and the media flows for a moment."""
    establish(a, b)
    time.sleep(0.5)


def test_dtmf_to_a_phone_that_takes_info(centrexd, phones):
    """1002's phone takes DTMF by SIP INFO (its device's dtmf_mode): the
    digits 1001 types (RFC 4733 events) reach it as INFO."""
    set_dtmf_mode(admin(centrexd), "1002", "info")
    a, b = phones(centrexd, "1001", "1002")
    connect(a, b)
    for d in "159#":
        a.cmd("sndcode", d)
        time.sleep(0.4)
    # 1002 was offered no telephone-event: INFO is the only way in
    assert digits_back(b, 4) == "159#"
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")


def test_dtmf_to_a_phone_that_takes_tones(centrexd, phones):
    """1002's phone takes DTMF in band: it is offered no telephone-event,
    and the digits 1001 types arrive as tones in its audio (the pair of
    frequencies of each digit is there, and not the pairs of others)."""
    set_dtmf_mode(admin(centrexd), "1002", "inband")
    a, b = phones(centrexd, "1001", "1002")
    connect(a, b)
    for d in "1" * 6:
        a.cmd("sndcode", d)
        time.sleep(0.3)
    time.sleep(0.5)
    a.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    samples, rate = read_samples(b.recording())
    one = peak_share(samples, rate, 697) + peak_share(samples, rate, 1209)
    nine = peak_share(samples, rate, 852) + peak_share(samples, rate, 1477)
    assert one > 5 * nine, (one, nine)


def peak_share(samples, rate, freq, ms=40):
    """The largest share of freq's energy in any window of ms (DTMF
    digits are bursts of 100 ms: a whole-recording measure would see
    their comb of side lines rather than the tone)."""
    n = rate * ms // 1000
    best = 0.0
    for i in range(0, len(samples) - n, n // 2):
        w = samples[i:i + n]
        total = sum(x * x for x in w) / n
        if total > 0:
            best = max(best, goertzel_power(w, rate, freq) * 2 / n / total)
    return best
