"""Voicemail by phone, with real softphones.

1002 switches its mailbox on (API).  1001 calls and 1002 refuses: the
mailbox answers with the busy greeting, records what 1001 says (its
tone) and saves it when 1001 hangs up; the API lists the message, its
audio holds 1001's tone, and 1002's phones are told a message waits
(and that none does, once it is marked heard).
Then 1002 dials *97: it hears how many messages wait and the message
itself (1001's tone again), which is then marked heard.  A call 1002
lets ring reaches the mailbox too, with the unavailable greeting, and
the lamp still shows after a restart.
"""
import os
import time

import pytest

from audio import contains, goertzel_power, read_samples
from test_baresip import BARESIP, MODULES
from test_calls import TONES, admin, phones, wait_cdrs  # noqa: F401
from test_features_calls import refuses, set_features
from test_trunk_calls import user_id
from sipua import ua  # noqa: F401
from test_presence import body_text, notify_of

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")

SOUNDS = "/usr/share/asterisk/sounds"
EN = os.path.join(SOUNDS, "en_US_f_Allison")
FR = os.path.join(SOUNDS, "fr_CA_f_June")


def box(api, ext):
    return "/api/v1/tenants/1/users/%d/voicemail" % user_id(api, ext)


def messages(api, ext, **q):
    r = api.get(box(api, ext) + "/messages" + (
        "?" + "&".join("%s=%s" % kv for kv in q.items()) if q else ""))
    assert r.status == 200, r
    return r.json()["items"]


def wait_messages(api, ext, n, timeout=10, **q):
    deadline = time.monotonic() + timeout
    while True:
        got = messages(api, ext, **q)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def tone_share(path, freq, start_s=0.0):
    """How much of the audio after start_s is freq, against the other
    test tones."""
    samples, rate = read_samples(path)
    tail = samples[int(start_s * rate):]
    mine = goertzel_power(tail, rate, freq)
    others = max(goertzel_power(tail, rate, f) for f in TONES.values()
                 if f != freq)
    return mine / max(others, 1e-9)


def leave_message(centrexd, phones, api, seconds=3):
    """1001 calls 1002, which refuses; 1001 talks to the mailbox."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    refuses(b)
    a.wait_event("CALL_ESTABLISHED", timeout=15)
    # the busy greeting ("the person at extension 1 0 0 2 is on the
    # phone", instructions, beep: some 13 s) comes first
    time.sleep(14 + seconds)
    a.cmd("hangup")
    a.wait_event("CALL_CLOSED")
    return a, b


def test_busy_call_leaves_a_message(centrexd, phones, ua, tmp_path):
    api = admin(centrexd)
    r = api.patch(box(api, "1002"), {"enabled": True})
    assert r.status == 200, r
    a, b = leave_message(centrexd, phones, api)

    # 1001 heard the mailbox's instructions, in its own language (its
    # site is in Paris), not the box owner's
    assert contains(a.recording(), os.path.join(FR, "vm-intro.wav")) > 0.9
    assert contains(a.recording(), os.path.join(EN, "vm-intro.wav")) < 0.6

    got = wait_messages(api, "1002", 1)
    assert len(got) == 1, got
    m = got[0]
    assert m["caller"] == "1001" and m["heard"] is False, m
    assert 2000 <= m["duration_ms"] <= 8000, m
    cdr = wait_cdrs(centrexd, 1)[0]
    assert m["call_uuid"] == cdr["uuid"], (m, cdr)
    assert cdr["disposition"] == "answered", cdr

    r = api.get(box(api, "1002") + "/messages/%d/audio" % m["id"])
    assert r.status == 200 and r.content_type == "audio/wav", r
    out = tmp_path / "message.wav"
    out.write_bytes(r.body)
    assert tone_share(str(out), TONES["1001"]) > 20

    b_box = api.get(box(api, "1002")).json()
    assert b_box["new_messages"] == 1, b_box

    # 1002's lamp: a phone of 1002 that registers now is told a message
    # waits; once the message is marked heard, the lamp goes off
    lamp = ua("1002")
    n = lamp.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None and "Messages-Waiting: yes" in body_text(n)
    assert "Voice-Message: 1/0" in body_text(n)
    r = api.patch(box(api, "1002") + "/messages/%d" % m["id"],
                  {"heard": True})
    assert r.status == 200, r
    n = lamp.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None and "Messages-Waiting: no" in body_text(n)


def test_menu_plays_the_message(centrexd, phones):
    """*97 from 1002: 'you have one new message', then the message
    (1001's tone); once heard it is an old message."""
    api = admin(centrexd)
    assert api.patch(box(api, "1002"), {"enabled": True}).status == 200
    leave_message(centrexd, phones, api, seconds=4)
    (m,) = wait_messages(api, "1002", 1)

    (b,) = phones(centrexd, "1002")
    b.dial("*97")
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(20)
    b.cmd("hangup")
    b.wait_event("CALL_CLOSED")
    youhave = os.path.join(FR, "vm-youhave.wav")   # 1002 is in Paris
    assert contains(b.recording(), youhave) > 0.8
    # each message says when it was left
    received = os.path.join(FR, "vm-received.wav")
    assert contains(b.recording(), received) > 0.8
    assert tone_share(b.recording(), TONES["1001"], start_s=9) > 5
    got = wait_messages(api, "1002", 1, folder="old")
    assert [x["id"] for x in got] == [m["id"]], got


def test_switched_off_box_leaves_the_caller_busy(centrexd, phones):
    """Without voicemail switched on, a refused call is plain busy."""
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    refuses(b)
    e = a.wait_event("CALL_CLOSED", timeout=15)
    assert "486" in e.get("param", ""), e


def test_lamp_survives_a_restart(centrexd, phones, ua):
    """A message left before the daemon restarts still lights the lamp
    of a phone that registers afterwards."""
    api = admin(centrexd)
    assert api.patch(box(api, "1002"), {"enabled": True}).status == 200
    leave_message(centrexd, phones, api, seconds=2)
    assert len(wait_messages(api, "1002", 1)) == 1
    centrexd.restart()
    lamp = ua("1002")
    n = lamp.wait_request("NOTIFY", match=notify_of("message-summary"))
    assert n is not None and "Messages-Waiting: yes" in body_text(n)


def test_no_answer_reaches_the_mailbox(centrexd, phones):
    """1002 lets it ring (its no-answer time, 5 s): the mailbox answers
    with the unavailable greeting and keeps what 1001 says."""
    from test_features_calls import set_features
    api = admin(centrexd)
    assert api.patch(box(api, "1002"), {"enabled": True}).status == 200
    set_features(api, "1002", forward_noanswer_s=5)
    a, b = phones(centrexd, "1001", "1002")
    a.dial("1002")
    b.wait_event("CALL_INCOMING")
    a.wait_event("CALL_ESTABLISHED", timeout=15)   # the mailbox, not b
    b.wait_event("CALL_CLOSED", timeout=5)          # it stopped ringing
    time.sleep(14 + 2)
    a.cmd("hangup")
    a.wait_event("CALL_CLOSED")
    assert contains(a.recording(), os.path.join(FR, "vm-isunavail.wav")) \
        > 0.9
    (m,) = wait_messages(api, "1002", 1)
    assert m["caller"] == "1001" and m["duration_ms"] >= 1000, m


def test_menu_calls_the_caller_back(centrexd, phones):
    """In *97, '3' calls the caller of the message back: 1001's phone
    rings, and once it answers 1002 and 1001 hear each other."""
    api = admin(centrexd)
    assert api.patch(box(api, "1002"), {"enabled": True}).status == 200
    a, b = leave_message(centrexd, phones, api, seconds=2)
    wait_messages(api, "1002", 1)
    b.dial("*97")
    b.wait_event("CALL_ESTABLISHED")
    time.sleep(2)
    b.cmd("sndcode", "3")
    a.wait_event("CALL_INCOMING", timeout=10)
    a.cmd("accept")
    a.wait_event("CALL_ESTABLISHED")
    time.sleep(3)
    b.cmd("hangup")
    a.wait_event("CALL_CLOSED")
    assert tone_share(a.recording(), TONES["1002"], start_s=0) > 5
