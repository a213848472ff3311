"""REST API: call recordings, /tenants/{t}/recordings.

No call is made here (the call tests record real calls): the recordings
are put in place the way the call layer would leave them, a row in the
store and a WAV file under media.data_dir, written by this test straight
into the daemon's database (SQLite, or PostgreSQL with CENTREX_TEST_PG)
and data directory.  What is checked: lists (empty, oldest first, pages,
filters by call and time, each refusal naming its parameter), details,
the download (the same bytes, as audio/wav; 409 while recording; 404
when the file is gone), deletion (file and row, audited), who sees what
(admins all; a user only the recordings of calls their CDR names them
in; another tenant nothing).
"""
import io
import os
import wave

import pytest

from apiclient import client_for

ACME, GLOBEX = 1, 2
T0 = 1795000000000          # 2026-11-18, unix ms

def wav_bytes(seconds, channels=2):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(range(256)) * int(16000 * seconds * channels
                                              * 2 / 256))
    return buf.getvalue()


def add_recording(daemon, uuid, call_uuid, start_ms, tid=ACME,
                  state="done", data=None):
    rel = "recordings/%d/%s.wav" % (tid, uuid)
    if data is not None:
        path = os.path.join(daemon.workdir, "media", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    daemon.sql("INSERT INTO recordings (tenant_id, uuid, call_uuid, file, "
               "channels, mode, legs, start_ms, duration_ms, bytes, state, "
               "created_at) VALUES (%d, '%s', '%s', '%s', 2, 'split', "
               "'both', %d, 1000, %d, '%s', 1795000000)"
               % (tid, uuid, call_uuid, rel, start_ms,
                  len(data) if data else 0, state))
    return rel


def add_cdr(daemon, uuid, start_ms, caller_user=0, callee_user=0):
    daemon.sql("INSERT INTO cdrs (tenant_id, uuid, caller_user_id, "
               "callee_user_id, caller, caller_name, dialled, callee, "
               "context, start_ms, answer_ms, end_ms, duration_s, billsec, "
               "disposition, sip_status, q850_cause, hangup_by, codec) "
               "VALUES (1, '%s', %d, %d, '1001', 'A', '1002', '1002', "
               "'internal', %d, %d, %d, 1, 1, 'answered', 200, 16, "
               "'caller', 'PCMU')"
               % (uuid, caller_user, callee_user, start_ms, start_ms,
                  start_ms + 1000))


def by_uuid(client, query=""):
    items = client.all_items("/tenants/1/recordings" + query)
    return [x["uuid"] for x in items]


@pytest.fixture(scope="module")
def recs(daemon):
    """Five recordings of acme (two of one call, one still going), one
    of globex."""
    out = {}
    out["a"] = add_recording(daemon, "rec-a", "call-1", T0,
                             data=wav_bytes(1.0))
    out["b"] = add_recording(daemon, "rec-b", "call-2", T0 + 60000,
                             data=wav_bytes(0.5, channels=1))
    out["c"] = add_recording(daemon, "rec-c", "call-2", T0 + 60000,
                             data=wav_bytes(0.5, channels=1))
    out["d"] = add_recording(daemon, "rec-d", "call-3", T0 + 120000,
                             state="recording", data=wav_bytes(0.1))
    out["e"] = add_recording(daemon, "rec-e", "call-4", T0 + 180000)
    out["g"] = add_recording(daemon, "rec-g", "call-1", T0, tid=GLOBEX,
                             data=wav_bytes(0.1))
    return out


def rid(client, uuid):
    for x in client.all_items("/tenants/1/recordings"):
        if x["uuid"] == uuid:
            return x["id"]
    raise AssertionError("no recording %s" % uuid)


def test_empty_list(globex, daemon):
    # before any recording exists anywhere in this daemon's globex
    page = globex.ok("GET", "/tenants/2/recordings?call_uuid=nothing")
    assert page == {"items": [], "next_cursor": None}


def test_list_order_pages_and_filters(acme, recs):
    assert by_uuid(acme) == ["rec-a", "rec-b", "rec-c", "rec-d", "rec-e"]
    page = acme.ok("GET", "/tenants/1/recordings?limit=2")
    assert [x["uuid"] for x in page["items"]] == ["rec-a", "rec-b"]
    assert page["next_cursor"]
    page = acme.ok("GET", "/tenants/1/recordings?limit=2&cursor=%s"
                   % page["next_cursor"])
    assert [x["uuid"] for x in page["items"]] == ["rec-c", "rec-d"]
    assert by_uuid(acme, "?call_uuid=call-2") == ["rec-b", "rec-c"]
    assert by_uuid(acme, "?from=%d" % (T0 + 1)) == ["rec-b", "rec-c",
                                                   "rec-d", "rec-e"]
    assert by_uuid(acme, "?from=2026-11-18T11:07:00Z&to=2026-11-18T11:08:00Z"
                   ) == ["rec-b", "rec-c"]
    assert by_uuid(acme, "?from=%d&to=%d" % (T0 + 60000, T0 + 60001)) == \
        ["rec-b", "rec-c"]
    a = [x for x in acme.all_items("/tenants/1/recordings")
         if x["uuid"] == "rec-a"][0]
    assert a["call_uuid"] == "call-1" and a["channels"] == 2
    assert a["mode"] == "split" and a["legs"] == "both"
    assert a["state"] == "done" and a["start_ms"] == T0
    assert a["start"] == "2026-11-18T11:06:40.000Z"
    assert acme.ok("GET", "/tenants/1/recordings/%d" % a["id"]) == a


BAD_PARAMS = [
    ("from=yesterday", "from"),
    ("to=2026-02-30T10:00:00Z", "to"),
    ("from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z", "to"),
    ("call_uuid=%27%3B--", "call_uuid"),
    ("call_uuid=" + "a" * 37, "call_uuid"),
    ("limit=0", "limit"),
    ("limit=201", "limit"),
    ("cursor=abc", "cursor"),
]


@pytest.mark.parametrize("query,field", BAD_PARAMS)
def test_bad_parameters_name_the_field(acme, query, field):
    r = acme.get("/tenants/1/recordings?" + query)
    assert r.status == 400, r
    assert r.content_type == "application/problem+json"
    assert r.json()["field"] == field, r.json()


def test_download(acme, daemon, recs):
    a = rid(acme, "rec-a")
    r = acme.get("/tenants/1/recordings/%d/audio" % a)
    assert r.status == 200 and r.content_type == "audio/wav", r
    with open(os.path.join(daemon.workdir, "media", recs["a"]), "rb") as f:
        assert r.body == f.read()
    with wave.open(io.BytesIO(r.body)) as w:
        assert (w.getframerate(), w.getnchannels()) == (16000, 2)
    assert "attachment" in r.header("Content-Disposition")
    # still being written: not yet
    r = acme.get("/tenants/1/recordings/%d/audio" % rid(acme, "rec-d"))
    assert r.status == 409, r
    # the row is there but the file never was
    r = acme.get("/tenants/1/recordings/%d/audio" % rid(acme, "rec-e"))
    assert r.status == 404, r


def test_not_found(acme, globex, recs):
    a = rid(acme, "rec-a")
    for path in ("/tenants/1/recordings/999999",
                 "/tenants/1/recordings/999999/audio",
                 "/tenants/1/recordings/abc",
                 "/tenants/1/recordings/0"):
        assert acme.get(path).status == 404, path
    # acme's recording does not exist for globex, by any path
    for path in ("/tenants/1/recordings/%d" % a,
                 "/tenants/1/recordings/%d/audio" % a,
                 "/tenants/2/recordings/%d" % a,
                 "/tenants/2/recordings/%d/audio" % a,
                 "/tenants/1/recordings"):
        assert globex.get(path).status == 404, path
    assert globex.delete("/tenants/2/recordings/%d" % a).status == 404
    assert [x["uuid"] for x in globex.all_items("/tenants/2/recordings")] \
        == ["rec-g"]
    assert acme.get("/tenants/2/recordings").status == 404


def test_users_see_their_own_calls(acme, daemon, recs):
    ids = {}
    for key in ("recuser", "other"):
        u = acme.ok("POST", "/tenants/1/users", {
            "name": key, "email": "%s@acme.example" % key, "role": "user",
            "password": "%s-password" % key})
        ids[key] = u["id"]
    add_cdr(daemon, "call-2", T0 + 60000, callee_user=ids["recuser"])
    me = client_for(daemon, ("recuser@acme.example", "recuser-password"))
    other = client_for(daemon, ("other@acme.example", "other-password"))
    assert by_uuid(me) == ["rec-b", "rec-c"]
    assert by_uuid(other) == []
    b, a = rid(acme, "rec-b"), rid(acme, "rec-a")
    assert me.ok("GET", "/tenants/1/recordings/%d" % b)["uuid"] == "rec-b"
    assert me.get("/tenants/1/recordings/%d/audio" % b).status == 200
    assert me.get("/tenants/1/recordings/%d" % a).status == 404
    assert other.get("/tenants/1/recordings/%d" % b).status == 404
    assert other.get("/tenants/1/recordings/%d/audio" % b).status == 404
    assert me.delete("/tenants/1/recordings/%d" % b).status == 403


def test_call_records_name_their_recordings(acme, daemon, recs):
    add_cdr(daemon, "call-1", T0)
    cdrs = {c["uuid"]: c for c in acme.all_items("/tenants/1/cdrs")}
    assert cdrs["call-1"]["recordings"] == [rid(acme, "rec-a")]
    assert sorted(cdrs["call-2"]["recordings"]) == sorted(
        [rid(acme, "rec-b"), rid(acme, "rec-c")])


def test_delete_removes_file_and_row(acme, daemon, recs):
    c = rid(acme, "rec-c")
    path = os.path.join(daemon.workdir, "media", recs["c"])
    assert os.path.exists(path)
    assert acme.ok("DELETE", "/tenants/1/recordings/%d" % c) is None
    assert not os.path.exists(path)
    assert acme.get("/tenants/1/recordings/%d" % c).status == 404
    assert "rec-c" not in by_uuid(acme)
    audit = acme.ok("GET", "/tenants/1/audit?limit=200")["items"]
    assert any(x["action"] == "delete" and
               x["resource"] == "recordings/%d" % c for x in audit)
    # a recording whose file is already gone still goes
    e = rid(acme, "rec-e")
    assert acme.ok("DELETE", "/tenants/1/recordings/%d" % e) is None
