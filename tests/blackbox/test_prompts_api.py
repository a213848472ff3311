"""REST API: a tenant's prompts, /tenants/{t}/prompts.

A tenant admin uploads a WAV file (made here: a tone at 8 kHz mono and at
44.1 kHz stereo); the daemon converts it to the engine's 16 kHz mono and
keeps it.  What a user checks: the list shows the converted duration,
the download is a 16 kHz mono WAV of that length which still carries the
tone, a second upload of the same name and language replaces the first,
a deletion removes the file.  Refused, each with the reason: a damaged
file, an MP3, a body over 10 MB, audio over 300 s, a wrong Content-Type,
a bad name or language; another tenant's prompt is 404, a user's upload
403, a supervisor may list but not upload.
"""
import io
import math
import os
import struct
import wave

import pytest

from apiclient import acme_accounts

ACME, GLOBEX = 1, 2
API_TIMEOUT = 60            # uploads are slow under the sanitizers


@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme accounts that can log in: a supervisor and a plain user."""
    return acme_accounts(daemon, acme, (("psup", "supervisor"),
                                         ("puser", "user")),
                         timeout=API_TIMEOUT)


def tone_wav(rate, channels, seconds, freq=440.0):
    """A sine tone as a 16-bit PCM WAV file (bytes)."""
    n = int(rate * seconds)
    frames = bytearray()
    for i in range(n):
        s = int(12000 * math.sin(2 * math.pi * freq * i / rate))
        frames += struct.pack("<h", s) * channels
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buf.getvalue()


def silent_wav(rate, seconds):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(rate * seconds))
    return buf.getvalue()


def upload(client, body, name="welcome", language="fr", tid=ACME,
           ctype="audio/wav"):
    q = "?name=%s" % name
    if language is not None:
        q += "&language=%s" % language
    return client.request("POST", "/tenants/%d/prompts%s" % (tid, q),
                          raw=body, content_type=ctype)


def read_wav(data):
    with wave.open(io.BytesIO(data), "rb") as w:
        return (w.getframerate(), w.getnchannels(), w.getsampwidth(),
                w.readframes(w.getnframes()))


def dominant_hz(pcm, rate):
    """Frequency of a clean tone from its zero crossings."""
    s = struct.unpack("<%dh" % (len(pcm) // 2), pcm)
    crossings = sum(1 for a, b in zip(s, s[1:]) if (a < 0) != (b < 0))
    return crossings / 2 / (len(s) / rate)


@pytest.mark.parametrize("rate,channels", [(8000, 1), (44100, 2)])
def test_upload_converts_and_downloads(acme, daemon, rate, channels):
    name = "tone%d" % rate
    r = upload(acme, tone_wav(rate, channels, 1.5), name=name)
    assert r.status == 201, r
    p = r.json()
    assert p["name"] == name and p["language"] == "fr"
    assert abs(p["duration_ms"] - 1500) <= 2, p
    assert p["bytes"] == 44 + 2 * round(p["duration_ms"] * 16), p
    assert r.header("Location") == "/api/v1/tenants/1/prompts/%d" % p["id"]

    listed = [x for x in acme.all_items("/tenants/1/prompts")
              if x["id"] == p["id"]]
    assert listed == [p]

    d = acme.get("/tenants/1/prompts/%d/audio" % p["id"])
    assert d.status == 200 and d.content_type == "audio/wav", d
    assert len(d.body) == p["bytes"]
    got_rate, got_ch, width, pcm = read_wav(d.body)
    assert (got_rate, got_ch, width) == (16000, 1, 2)
    assert abs(len(pcm) / 2 / 16000 - 1.5) < 0.005
    assert abs(dominant_hz(pcm, 16000) - 440) < 5
    # kept where the prompt library looks for it
    path = os.path.join(daemon.workdir, "media", "prompts", "1", "fr",
                        name + ".wav")
    with open(path, "rb") as f:
        assert f.read() == d.body


def test_reupload_replaces_and_delete_removes(acme, daemon):
    first = upload(acme, silent_wav(8000, 1.0), name="queue/position")
    assert first.status == 201, first
    again = upload(acme, silent_wav(16000, 2.0), name="queue/position")
    assert again.status == 201, again
    assert again.json()["id"] == first.json()["id"]
    assert abs(again.json()["duration_ms"] - 2000) <= 2
    same = [x for x in acme.all_items("/tenants/1/prompts")
            if x["name"] == "queue/position"]
    assert len(same) == 1 and same[0]["duration_ms"] == \
        again.json()["duration_ms"]
    # another language is another prompt
    en = upload(acme, silent_wav(8000, 0.5), name="queue/position",
                language="en")
    assert en.status == 201 and en.json()["id"] != first.json()["id"]

    pid = first.json()["id"]
    path = os.path.join(daemon.workdir, "media", "prompts", "1", "fr",
                        "queue", "position.wav")
    assert os.path.exists(path)
    assert acme.ok("DELETE", "/tenants/1/prompts/%d" % pid) is None
    assert not os.path.exists(path)
    assert acme.get("/tenants/1/prompts/%d" % pid).status == 404
    assert acme.get("/tenants/1/prompts/%d/audio" % pid).status == 404
    assert acme.delete("/tenants/1/prompts/%d" % pid).status == 404
    audit = acme.ok("GET", "/tenants/1/audit?limit=200")["items"]
    res = "prompts/%d" % pid
    assert {"create", "delete"} <= {a["action"] for a in audit
                                    if a["resource"] == res}


def test_language_defaults_to_the_tenants(acme, op):
    op.ok("PATCH", "/tenants/1", {"language": "de"})
    try:
        r = upload(acme, silent_wav(8000, 0.2), name="nolang",
                   language=None)
        assert r.status == 201, r
        assert r.json()["language"] == "de"
    finally:
        op.ok("PATCH", "/tenants/1", {"language": "en"})


def _problem(r, status, field=None):
    assert r.status == status, r
    assert r.content_type == "application/problem+json", r
    p = r.json()
    assert p["detail"], p
    if field:
        assert p.get("field") == field, p
    return p


def test_bad_files_are_refused_with_the_reason(acme):
    good = silent_wav(8000, 0.2)
    _problem(upload(acme, b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk"), 400,
             "body")
    _problem(upload(acme, good[:30]), 400, "body")
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 500
    _problem(upload(acme, mp3), 400, "body")
    _problem(upload(acme, b""), 400, "body")
    # A-law is fine, but 24-bit PCM is not something we read
    bad = bytearray(good)
    struct.pack_into("<H", bad, 34, 24)
    _problem(upload(acme, bytes(bad)), 400, "body")


def test_too_long_and_too_big(acme):
    p = _problem(upload(acme, silent_wav(8000, 301)), 413, "body")
    assert "300" in p["detail"], p
    big = silent_wav(16000, 330)       # 10.5 MB
    assert len(big) > 10 * 1024 * 1024
    _problem(upload(acme, big), 413, "body")
    # just under the limits is fine
    assert upload(acme, silent_wav(16000, 299.5), name="long").status == 201


def test_wrong_content_type(acme):
    good = silent_wav(8000, 0.2)
    for ct in ("application/json", "audio/mpeg", "application/octet-stream",
               None):
        _problem(upload(acme, good, ctype=ct), 415, "Content-Type")
    assert upload(acme, good, ctype="audio/x-wav", name="xwav").status == 201


@pytest.mark.parametrize("name,language,field", [
    ("", "fr", "name"),
    ("../etc/passwd", "fr", "name"),
    ("a/../b", "fr", "name"),
    ("/abs", "fr", "name"),
    ("a//b", "fr", "name"),
    ("a%20b", "fr", "name"),
    ("a.wav", "fr", "name"),
    ("a/b/c/d/e", "fr", "name"),
    ("x" * 65, "fr", "name"),
    ("ok", "fra", "language"),
    ("ok", "FR", "language"),
    ("ok", "f1", "language"),
    ("ok", "", "language"),
])
def test_bad_name_or_language(acme, name, language, field):
    _problem(upload(acme, silent_wav(8000, 0.1), name=name,
                    language=language), 400, field)


def test_tenants_and_roles(acme, globex, people):
    r = upload(acme, silent_wav(8000, 0.3), name="private")
    assert r.status == 201
    pid = r.json()["id"]
    # another tenant's prompt does not exist for globex
    for path in ("/tenants/1/prompts/%d" % pid,
                 "/tenants/1/prompts/%d/audio" % pid,
                 "/tenants/2/prompts/%d" % pid,
                 "/tenants/2/prompts/%d/audio" % pid,
                 "/tenants/1/prompts"):
        assert globex.get(path).status == 404, path
    assert globex.delete("/tenants/2/prompts/%d" % pid).status == 404
    assert upload(globex, silent_wav(8000, 0.1), tid=ACME).status == 404
    assert pid not in [x["id"] for x in globex.all_items("/tenants/2/prompts")]
    # a user may neither upload nor list; a supervisor lists only
    _problem(upload(people["puser"], silent_wav(8000, 0.1)), 403)
    assert people["puser"].get("/tenants/1/prompts").status == 403
    assert people["psup"].get("/tenants/1/prompts").status == 200
    _problem(upload(people["psup"], silent_wav(8000, 0.1)), 403)
    assert people["psup"].delete("/tenants/1/prompts/%d" % pid).status == 403
