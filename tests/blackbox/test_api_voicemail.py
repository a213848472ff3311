"""REST API: a user's voicemail, /tenants/{t}/users/{u}/voicemail.

Messages are left by callers, never through the API: here they are put
in place the way the call layer leaves them, a WAV file under the
daemon's media.data_dir and a row in its store (SQLite, or PostgreSQL
with CENTREX_TEST_PG), written by this test.  What a user checks: the
box's defaults, limits and PIN rules (the PIN is never shown, and the
store keeps a salted hash of it); the messages listed oldest first,
narrowed to new or old, paged; the download is the very file; marking a
message heard moves it between the counts; deleting takes the file and
the row; greetings uploaded as WAV come back as 16 kHz mono, and bad
uploads are refused with the reason; a user reaches their own box only,
an admin every box of the tenant, another tenant nothing; each change is
in the audit log.
"""
import io
import math
import os
import struct
import wave

import pytest

from apiclient import client_for

ACME, GLOBEX = 1, 2
API_TIMEOUT = 60            # uploads are slow under the sanitizers
T0 = 1795000000000          # 2026-11-18, unix ms


@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme users who log in: 'vmuser' and 'vmother' (role user) and
    'vmsup' (supervisor); each with their client and box path."""
    out = {}
    for key, role, ext in (("vmuser", "user", "7301"),
                           ("vmother", "user", "7302"),
                           ("vmsup", "supervisor", "7303")):
        u = acme.ok("POST", "/tenants/1/users", {
            "name": key, "email": "%s@acme.example" % key, "role": role,
            "extension": ext, "password": "%s-password" % key})
        out[key] = {"user": u, "id": u["id"],
                    "box": "/tenants/1/users/%d/voicemail" % u["id"],
                    "client": client_for(
                        daemon, ("%s@acme.example" % key, "%s-password" % key),
                        timeout=API_TIMEOUT)}
    return out

def tone_wav(rate, channels, seconds, freq=440.0):
    """A sine tone as a 16-bit PCM WAV file (bytes)."""
    n = int(rate * seconds)
    one = b"".join(struct.pack("<h", int(9000 * math.sin(
        2 * math.pi * freq * i / rate))) * channels for i in range(rate))
    frames = (one * (n // rate + 1))[:n * 2 * channels]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def media_path(daemon, rel):
    return os.path.join(daemon.workdir, "media", rel)


def leave_message(daemon, uid, uuid, created_ms, heard=False, tid=ACME,
                  seconds=1.0):
    """A message as the call layer leaves it: file, then row."""
    rel = "voicemail/%d/%d/%s.wav" % (tid, uid, uuid)
    data = tone_wav(16000, 1, seconds)
    path = media_path(daemon, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    daemon.sql("INSERT INTO voicemail_messages (tenant_id, user_id, uuid, "
               "caller, caller_name, call_uuid, file, created_ms, "
               "duration_ms, bytes, heard) VALUES (%d, %d, '%s', "
               "'+33145671234', 'Caller %s', 'call-%s', '%s', %d, %d, %d, "
               "%d)" % (tid, uid, uuid, uuid, uuid, rel, created_ms,
                        int(seconds * 1000), len(data), 1 if heard else 0))
    return rel, data


def counts(client, box):
    b = client.ok("GET", box)
    return b["new_messages"], b["old_messages"]


def audit_entries(acme, resource_part):
    return [e for e in acme.all_items("/tenants/1/audit")
            if resource_part in e["resource"]]


# --- the box ---------------------------------------------------------------

def test_box_defaults_and_limits(acme, people):
    """A box nobody touched reads as the defaults (120 s, 100 messages,
    no PIN, no greeting, nothing new or old); the limits change within
    their bounds, and a value out of bounds or a read-only field is 400
    naming it."""
    box = people["vmother"]["box"]
    b = acme.ok("GET", box)
    assert b == {"user_id": people["vmother"]["id"], "pin_set": False,
                 "enabled": False,
                 "max_message_s": 120, "max_messages": 100,
                 "has_greeting_unavailable": False,
                 "has_greeting_busy": False, "has_greeting_name": False,
                 "new_messages": 0, "old_messages": 0}
    b = acme.ok("PATCH", box, {"max_message_s": 300, "max_messages": 5})
    assert (b["max_message_s"], b["max_messages"]) == (300, 5)
    assert acme.ok("GET", box)["max_messages"] == 5
    for field, value in (("max_message_s", 9), ("max_message_s", 601),
                         ("max_messages", 0), ("max_messages", 1001),
                         ("max_messages", "5"),
                         ("has_greeting_busy", True), ("new_messages", 0),
                         ("pin_hash", "v1$00")):
        r = acme.patch(box, {field: value})
        assert r.status == 400 and r.field == field, (field, value, r)
    assert acme.ok("GET", box)["max_message_s"] == 300
    # switched on, the box takes the user's unanswered calls
    assert acme.ok("PATCH", box, {"enabled": True})["enabled"] is True
    r = acme.patch(box, {"enabled": "yes"})
    assert r.status == 400 and r.field == "enabled", r
    assert acme.ok("GET", box)["enabled"] is True
    # a user who does not exist, in this tenant
    assert acme.get("/tenants/1/users/999999/voicemail").status == 404


def test_pin_rules(daemon, acme, people):
    """A PIN is 4 to 8 digits: anything else is 422 naming pin (400 when
    not even a string); the answer says a PIN is set but never shows it;
    the store keeps a salted hash, not the digits; the audit log says
    the PIN changed without the hash; null clears it."""
    p = people["vmuser"]
    me = p["client"]
    for bad in ("123", "123456789", "12a4", "", " 1234", "12 34",
                "\uff11\uff12\uff13\uff14"):
        r = me.patch(p["box"], {"pin": bad})
        assert r.status == 422 and r.field == "pin", (bad, r)
    for bad in (1234, True, ["1234"]):
        r = me.patch(p["box"], {"pin": bad})
        assert r.status == 400 and r.field == "pin", (bad, r)
    assert me.ok("GET", p["box"])["pin_set"] is False

    b = me.ok("PATCH", p["box"], {"pin": "4321"})
    assert b["pin_set"] is True and "pin" not in b
    assert "4321" not in str(me.ok("GET", p["box"]))
    stored = daemon.sql("SELECT pin_hash FROM voicemail_boxes "
                        "WHERE user_id = %d" % p["id"], query=True)[0][0]
    assert stored.startswith("v1$") and "4321" not in stored
    # the same PIN again is stored differently (a fresh salt)
    me.ok("PATCH", p["box"], {"pin": "4321"})
    again = daemon.sql("SELECT pin_hash FROM voicemail_boxes "
                       "WHERE user_id = %d" % p["id"], query=True)[0][0]
    assert again != stored and again.startswith("v1$")

    entries = audit_entries(acme, "users/%d/voicemail" % p["id"])
    assert entries, "no audit entry for the PIN"
    last = entries[-1]
    assert last["action"] == "update"
    assert last["after"]["pin"] == "(changed)"
    assert "v1$" not in str(entries) and "4321" not in str(entries)

    # an admin may clear it (the phone menu then asks for a new one)
    assert acme.ok("PATCH", p["box"], {"pin": None})["pin_set"] is False
    me.ok("PATCH", p["box"], {"pin": "87654321"})
    assert me.ok("GET", p["box"])["pin_set"] is True


# --- messages --------------------------------------------------------------

@pytest.fixture(scope="module")
def msgs(daemon, people):
    """vmuser: m1 (new), m2 (heard), m3 (new), left in that order in time
    but written out of it; vmother: o1 (new)."""
    u, o = people["vmuser"]["id"], people["vmother"]["id"]
    out = {}
    out["m3"] = leave_message(daemon, u, "vm-m3", T0 + 3000)
    out["m1"] = leave_message(daemon, u, "vm-m1", T0 + 1000, seconds=1.5)
    out["m2"] = leave_message(daemon, u, "vm-m2", T0 + 2000, heard=True)
    out["o1"] = leave_message(daemon, o, "vm-o1", T0 + 1500)
    return out


def uuids(client, path):
    return [m["uuid"] for m in client.all_items(path)]


def test_list_folders_and_pages(people, msgs):
    """The owner's list is theirs alone, oldest first; folder=new and
    folder=old split it by heard; pages of one follow the cursor; a bad
    folder is 400 naming it."""
    p = people["vmuser"]
    me = p["client"]
    path = p["box"] + "/messages"
    assert uuids(me, path) == ["vm-m1", "vm-m2", "vm-m3"]
    assert uuids(me, path + "?folder=new") == ["vm-m1", "vm-m3"]
    assert uuids(me, path + "?folder=old") == ["vm-m2"]
    assert uuids(me, path + "?limit=1") == ["vm-m1", "vm-m2", "vm-m3"]
    page = me.ok("GET", path + "?limit=2")
    assert [m["uuid"] for m in page["items"]] == ["vm-m1", "vm-m2"]
    assert page["next_cursor"]
    m1 = page["items"][0]
    assert m1["caller"] == "+33145671234"
    assert m1["caller_name"] == "Caller vm-m1"
    assert m1["call_uuid"] == "call-vm-m1"
    assert m1["created_ms"] == T0 + 1000
    assert m1["created"] == "2026-11-18T11:06:41.000Z"
    assert m1["duration_ms"] == 1500 and m1["heard"] is False
    assert m1["bytes"] == len(msgs["m1"][1])
    assert "file" not in m1          # where it lies is the daemon's affair
    for bad in ("all", "NEW", "", "1"):
        r = me.get(path + "?folder=" + bad)
        assert r.status == 400 and r.field == "folder", (bad, r)
    assert uuids(people["vmother"]["client"],
                 people["vmother"]["box"] + "/messages") == ["vm-o1"]


def test_download_is_the_file(daemon, people, msgs):
    """The audio is the very file the call layer wrote, as audio/wav; a
    message whose file is gone is 404."""
    p = people["vmuser"]
    me = p["client"]
    items = me.all_items(p["box"] + "/messages")
    m1 = [m for m in items if m["uuid"] == "vm-m1"][0]
    r = me.get("%s/messages/%d/audio" % (p["box"], m1["id"]))
    assert r.status == 200, r
    assert r.content_type == "audio/wav"
    assert r.body == msgs["m1"][1]
    assert "vm-m1" in (r.header("Content-Disposition") or "")
    got = me.ok("GET", "%s/messages/%d" % (p["box"], m1["id"]))
    assert got == m1

    rel, _ = leave_message(daemon, p["id"], "vm-gone", T0 + 9000)
    os.unlink(media_path(daemon, rel))
    gone = [m for m in me.all_items(p["box"] + "/messages")
            if m["uuid"] == "vm-gone"][0]
    r = me.get("%s/messages/%d/audio" % (p["box"], gone["id"]))
    assert r.status == 404, r
    me.ok("DELETE", "%s/messages/%d" % (p["box"], gone["id"]))


def test_heard_moves_between_counts(acme, people, msgs):
    """Marking a message heard moves it from new to old in the box's
    counts and folders; unheard moves it back; anything but a boolean,
    or another field, is 400 naming it; the change is audited."""
    p = people["vmuser"]
    me = p["client"]
    items = {m["uuid"]: m for m in me.all_items(p["box"] + "/messages")}
    m3 = items["vm-m3"]
    mp = "%s/messages/%d" % (p["box"], m3["id"])
    assert counts(me, p["box"]) == (2, 1)
    got = me.ok("PATCH", mp, {"heard": True})
    assert got["heard"] is True
    assert counts(me, p["box"]) == (1, 2)
    assert uuids(me, p["box"] + "/messages?folder=old") == \
        ["vm-m2", "vm-m3"]
    # again: no change, no error
    assert me.ok("PATCH", mp, {"heard": True})["heard"] is True
    assert counts(me, p["box"]) == (1, 2)
    for body, field in (({"heard": "yes"}, "heard"), ({"heard": 1}, "heard"),
                        ({"caller": "x"}, "caller"), ({"id": 5}, "id")):
        r = me.patch(mp, body)
        assert r.status == 400 and r.field == field, (body, r)
    assert acme.ok("PATCH", mp, {"heard": False})["heard"] is False
    assert counts(me, p["box"]) == (2, 1)
    entries = audit_entries(acme, "users/%d/voicemail/messages/%d"
                            % (p["id"], m3["id"]))
    assert [(e["before"]["heard"], e["after"]["heard"])
            for e in entries] == [(False, True), (True, False)]


def test_delete_takes_file_and_row(daemon, acme, people, msgs):
    """Deleting a message removes its file and its row, lowers the
    count, is audited, and a second delete is 404."""
    p = people["vmother"]
    items = acme.all_items(p["box"] + "/messages")
    o1 = [m for m in items if m["uuid"] == "vm-o1"][0]
    path = media_path(daemon, msgs["o1"][0])
    assert os.path.exists(path)
    assert counts(acme, p["box"]) == (1, 0)
    mp = "%s/messages/%d" % (p["box"], o1["id"])
    assert p["client"].delete(mp).status == 204
    assert not os.path.exists(path)
    assert daemon.sql("SELECT COUNT(*) FROM voicemail_messages "
                      "WHERE uuid = 'vm-o1'", query=True) == [["0"]]
    assert acme.get(mp).status == 404
    assert acme.get(mp + "/audio").status == 404
    assert acme.delete(mp).status == 404
    assert counts(acme, p["box"]) == (0, 0)
    entries = audit_entries(acme, "users/%d/voicemail/messages/%d"
                            % (p["id"], o1["id"]))
    assert [e["action"] for e in entries] == ["delete"]
    assert entries[0]["before"]["uuid"] == "vm-o1"


# --- greetings -------------------------------------------------------------

def test_greeting_upload_download_delete(daemon, acme, people):
    """A greeting uploaded at 8 kHz comes back as 16 kHz mono WAV of the
    same length, lies where the call layer looks for it, and shows in
    the box; uploading again replaces it; deleting removes the file and
    the flag, and the default is played again (404)."""
    p = people["vmuser"]
    me = p["client"]
    gp = p["box"] + "/greetings/busy"
    assert me.get(gp).status == 404            # none yet
    r = me.request("PUT", gp, raw=tone_wav(8000, 1, 2.0),
                   content_type="audio/wav")
    assert r.status == 200, r
    g = r.json()
    assert g["kind"] == "busy" and g["duration_ms"] == 2000
    assert g["bytes"] == 44 + 2 * 32000
    b = me.ok("GET", p["box"])
    assert b["has_greeting_busy"] is True
    assert b["has_greeting_unavailable"] is False
    assert b["has_greeting_name"] is False
    r = me.get(gp)
    assert r.status == 200 and r.content_type == "audio/wav", r
    with wave.open(io.BytesIO(r.body)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == \
            (16000, 1, 2)
        assert w.getnframes() == 32000
    on_disk = media_path(daemon, "voicemail/1/%d/greeting-busy.wav"
                         % p["id"])
    with open(on_disk, "rb") as f:
        assert f.read() == r.body

    # again, stereo 44.1 kHz, longer: replaced
    r = me.request("PUT", gp, raw=tone_wav(44100, 2, 3.0),
                   content_type="audio/x-wav")
    assert r.status == 200 and r.json()["duration_ms"] == 3000, r
    with wave.open(io.BytesIO(me.get(gp).body)) as w:
        assert w.getnframes() == 48000

    # the other kinds are separate; an admin may upload one too
    r = acme.request("PUT", p["box"] + "/greetings/name",
                     raw=tone_wav(16000, 1, 1.0), content_type="audio/wav")
    assert r.status == 200, r
    assert me.ok("GET", p["box"])["has_greeting_name"] is True

    assert me.delete(gp).status == 204
    assert not os.path.exists(on_disk)
    assert me.ok("GET", p["box"])["has_greeting_busy"] is False
    assert me.get(gp).status == 404
    assert me.delete(gp).status == 404
    assert me.ok("GET", p["box"])["has_greeting_name"] is True

    actions = [(e["action"], e["resource"].rsplit("/", 1)[-1])
               for e in audit_entries(acme, "users/%d/voicemail/greetings"
                                      % p["id"])]
    assert actions == [("create", "busy"), ("update", "busy"),
                       ("create", "name"), ("delete", "busy")]


def test_greeting_refusals(daemon, people):
    """A kind that is not unavailable, busy or name is 404; a damaged
    file, one with no samples or an MP3 labelled as WAV is 400, a wrong
    Content-Type 415, audio over 60 s 422, a body over 10 MB 413; each
    names what is wrong, and nothing is kept."""
    p = people["vmother"]
    me = p["client"]
    base = p["box"] + "/greetings/"
    for kind in ("bogus", "Busy", "unavailable2", "1"):
        for m in ("PUT", "GET", "DELETE"):
            r = me.request(m, base + kind,
                           **({"raw": tone_wav(8000, 1, 0.5),
                               "content_type": "audio/wav"}
                              if m == "PUT" else {}))
            assert r.status == 404, (m, kind, r)
    gp = base + "unavailable"
    good = tone_wav(8000, 1, 0.5)
    cases = [
        (good[:30], "audio/wav", 400, "body"),
        (b"ID3\x04\x00" + b"\x00" * 2000, "audio/wav", 400, "body"),
        (good, "application/json", 415, "Content-Type"),
        (good, "audio/mpeg", 415, "Content-Type"),
        (tone_wav(8000, 1, 61.0), "audio/wav", 422, "body"),
        (tone_wav(8000, 1, 0.0), "audio/wav", 400, "body"),
        (b"\x00" * (10 * 1024 * 1024 + 1), "audio/wav", 413, "body"),
    ]
    for raw, ctype, status, field in cases:
        r = me.request("PUT", gp, raw=raw, content_type=ctype)
        assert r.status == status and r.field == field, \
            (len(raw), ctype, r)
        assert r.problem["detail"], r
    assert me.ok("GET", p["box"])["has_greeting_unavailable"] is False
    assert not os.path.exists(media_path(
        daemon, "voicemail/1/%d/greeting-unavailable.wav" % p["id"]))


# --- who may -----------------------------------------------------------------

def test_only_own_box_and_the_admins(daemon, acme, globex, people, msgs):
    """A user reaches their own box only: another user's box, greetings
    and messages are 404, even their message under the user's own path;
    a supervisor is no exception; acme's admin reaches every acme box;
    globex's admin nothing of acme's, with either tenant id.  Nothing
    changes."""
    me = people["vmuser"]
    other = people["vmother"]
    sup = people["vmsup"]["client"]
    # a name greeting of its own, whatever ran before: the sweeps below
    # must leave it
    r = acme.request("PUT", me["box"] + "/greetings/name",
                     raw=tone_wav(16000, 1, 1.0), content_type="audio/wav")
    assert r.status == 200, r
    assert me["client"].ok("GET", me["box"])["has_greeting_name"] is True
    mine = [m for m in me["client"].all_items(me["box"] + "/messages")]
    mid = mine[0]["id"]
    before = (counts(acme, me["box"]), uuids(acme, me["box"] + "/messages"))

    def sweep(c, box, msg_id, messages_only=False):
        bad = []
        for m, path, kw in (
                ("GET", box + "/messages/%d" % msg_id, {}),
                ("GET", box + "/messages/%d/audio" % msg_id, {}),
                ("PATCH", box + "/messages/%d" % msg_id,
                 {"body": {"heard": True}}),
                ("DELETE", box + "/messages/%d" % msg_id, {}),
                ("GET", box, {}),
                ("PATCH", box, {"body": {"max_messages": 1}}),
                ("PATCH", box, {"body": {"pin": "1111"}}),
                ("GET", box + "/messages", {}),
                ("PUT", box + "/greetings/busy",
                 {"raw": tone_wav(8000, 1, 0.5),
                  "content_type": "audio/wav"}),
                ("GET", box + "/greetings/name", {}),
                ("DELETE", box + "/greetings/name", {}))[
                    :4 if messages_only else None]:
            r = c.request(m, path, **kw)
            if r.status != 404:
                bad.append("%s %s -> %d" % (m, path, r.status))
        return bad

    bad = sweep(other["client"], me["box"], mid)
    bad += sweep(sup, me["box"], mid)
    # my message through another user's path, and the reverse
    bad += sweep(me["client"], other["box"], mid)
    bad += sweep(acme, other["box"], mid, messages_only=True)
    bad += sweep(globex, me["box"], mid)
    bad += sweep(globex, me["box"].replace("/tenants/1/", "/tenants/2/"),
                 mid)
    assert not bad, "\n".join(bad)
    assert (counts(acme, me["box"]),
            uuids(acme, me["box"] + "/messages")) == before
    assert me["client"].ok("GET", me["box"])["has_greeting_name"] is True, \
        audit_entries(acme, "users/%d/voicemail/greetings" % me["id"])
    assert os.path.exists(media_path(daemon, msgs["m1"][0]))
    # the admin reaches it
    assert acme.ok("GET", "%s/messages/%d" % (me["box"], mid))["id"] == mid
    # and a user with no login of their own still has a box
    users = acme.all_items("/tenants/1/users?extension=1001")
    assert acme.ok("GET", "/tenants/1/users/%d/voicemail"
                   % users[0]["id"])["pin_set"] is False


# --- a user deleted --------------------------------------------------------

def test_deleting_a_user_takes_its_voicemail_files(daemon, acme):
    """The rows go with the user (the store cascades); its messages and
    greetings go from the disk too, and nobody else's."""
    u = acme.ok("POST", "/tenants/1/users", {
        "name": "vmgone", "email": "vmgone@acme.example", "role": "user",
        "extension": "7309", "password": "vmgone-password"})
    keep = acme.ok("POST", "/tenants/1/users", {
        "name": "vmkeep", "email": "vmkeep@acme.example", "role": "user",
        "extension": "7308", "password": "vmkeep-password"})
    leave_message(daemon, u["id"], "vm-user-gone", T0)
    kept, _ = leave_message(daemon, keep["id"], "vm-kept", T0)
    gp = "/tenants/1/users/%d/voicemail/greetings/busy" % u["id"]
    r = acme.request("PUT", gp, raw=tone_wav(8000, 1, 1.0),
                     content_type="audio/wav")
    assert r.status in (200, 201), r
    box = media_path(daemon, "voicemail/1/%d" % u["id"])
    assert sorted(os.listdir(box)) == ["greeting-busy.wav",
                                       "vm-user-gone.wav"]
    assert acme.delete("/tenants/1/users/%d" % u["id"]).status == 204
    assert not os.path.exists(box)
    assert os.path.exists(media_path(daemon, kept))
    assert daemon.sql("SELECT COUNT(*) FROM voicemail_messages "
                      "WHERE uuid = 'vm-user-gone'", query=True) == [["0"]]
