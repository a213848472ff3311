"""Chat between colleagues: SIP MESSAGE through centrexd.

Raw SIP phones (sipua.py) send MESSAGE to an extension and receive what
the platform relays.  What a user checks: the sender gets 202, every
registered phone of the recipient shows the text with the sender's
identity, a colleague who was offline gets it when a phone registers,
and the history reads back through the API.  Nothing crosses tenants.
"""
import time

from apiclient import ApiClient
from sipua import body_text, ua  # noqa: F401 (fixture)


def send(phone, to, body, ctype="text/plain", domain="acme.example"):
    return phone.request("MESSAGE", "sip:%s@%s" % (to, domain), body=body,
                         ctype=ctype)


def admin(daemon, who="admin@acme.example", password="admin-demo"):
    api = ApiClient(daemon.http_port)
    api.login(who, password)
    return api


def user_id(api, ext, tenant=1):
    r = api.get("/api/v1/tenants/%d/users?extension=%s" % (tenant, ext))
    return r.json()["items"][0]["id"]


def test_message_reaches_every_phone_of_the_recipient(ua):
    """1001 writes to 1002, who has two phones registered: the sender
    gets 202 Accepted; both phones get a MESSAGE with the text, its type
    and 1001 as the sender, in acme's domain."""
    b1 = ua("1002")
    b2 = ua("1002", transport="tcp")
    a = ua("1001")
    r = send(a, "1002", "lunch at noon?")
    assert r.status == 202, r
    for phone in (b1, b2):
        m = phone.wait_request("MESSAGE")
        assert m is not None, "a phone of 1002 got nothing"
        assert body_text(m) == "lunch at noon?"
        assert m.get("content-type") == "text/plain"
        assert "<sip:1001@acme.example>" in m.get("from")
        assert "sip:1002@acme.example" in m.get("to")


def test_json_body_and_refusals(ua):
    """application/json goes through as is; another type gets 415 with
    Accept; a body that is not UTF-8 gets 400; an empty one too."""
    b = ua("1002")
    a = ua("1001")
    doc = '{"type":"card","text":"caf\u00e9"}'
    assert send(a, "1002", doc, "application/json").status == 202
    m = b.wait_request("MESSAGE")
    assert m.body.decode() == doc
    assert m.get("content-type") == "application/json"
    r = send(a, "1002", "<b>hi</b>", "text/html")
    assert r.status == 415 and "text/plain" in r.get("accept"), r
    assert send(a, "1002", b"\xff\xfe bad", "text/plain").status == 400
    assert send(a, "1002", b"", "text/plain").status == 400


def test_oversize_message(start_daemon, ua):
    """With SIP messages up to 32 KB allowed, a 17 KB chat message over
    TCP is refused with 413; one of 15 KB is accepted."""
    d = start_daemon(name="big", opts=["sip.max_message_bytes=32768"])
    a = ua("1001", transport="tcp", port=d.port)
    ua("1002", port=d.port)
    assert send(a, "1002", "x" * (17 * 1024)).status == 413
    assert send(a, "1002", "y" * (15 * 1024)).status == 202


def test_cross_tenant_and_unknown_refused(ua):
    """globex's 2001 cannot write to acme's 1002 (404, whichever domain
    it names), nor can anyone reach an unknown extension; a wrong
    password is 403; nothing reaches 1002."""
    b = ua("1002")
    g = ua("2001", domain="globex.example")
    assert send(g, "1002", "hello from globex").status == 404
    assert send(g, "1002", "hello", domain="globex.example").status == 404
    a = ua("1001")
    assert send(a, "1999", "anyone?").status == 404
    bad = ua("1003", password="nope", register=False)
    assert send(bad, "1002", "let me in").status == 403
    b.drain()
    assert not [m for m in b.inbox if m.first_line.startswith("MESSAGE")]


def test_offline_recipient_gets_messages_on_registration(centrexd, ua):
    """1004 has no phone registered: two messages from 1001 are accepted
    (202) and kept; when 1004 registers, both arrive, oldest first, and
    the history shows them delivered."""
    a = ua("1001")
    assert send(a, "1004", "first").status == 202
    assert send(a, "1004", "second").status == 202
    api = admin(centrexd)
    uid = user_id(api, "1004")
    items = api.get("/api/v1/tenants/1/users/%d/messages" % uid).json()[
        "items"]
    assert [m["body"] for m in items] == ["first", "second"]
    assert all(m["delivered"] is None for m in items)

    d = ua("1004")
    got = [d.wait_request("MESSAGE"), d.wait_request("MESSAGE")]
    assert all(got), got
    assert [body_text(m) for m in got] == ["first", "second"]
    deadline = time.monotonic() + 5
    while True:
        items = api.get("/api/v1/tenants/1/users/%d/messages"
                        % uid).json()["items"]
        if all(m["delivered"] for m in items) or \
                time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(m["delivered"] for m in items), items
    assert all(m["direction"] == "in" for m in items)


def test_failed_delivery_retried_on_next_registration(ua):
    """A phone that refuses the MESSAGE (480) leaves it owed; when the
    phone registers again and takes messages, it arrives."""
    b = ua("1005", answer=480)
    a = ua("1001")
    assert send(a, "1005", "are you there?").status == 202
    assert b.wait_request("MESSAGE") is not None
    b.answer = 200
    b.register()
    m = b.wait_request("MESSAGE")
    assert m is not None and body_text(m) == "are you there?"


def test_history_read_by_owner_and_admin_only(centrexd, ua):
    """The history of 1002 reads back for 1002 (logged in) and for the
    tenant admin, with directions; another user of the tenant, and
    globex's admin, get 404; the tenant's list holds every message."""
    ua("1002")
    a = ua("1001")
    assert send(a, "1002", "ping").status == 202
    api = admin(centrexd)
    b_id, c_id = user_id(api, "1002"), user_id(api, "1003")
    for uid in (b_id, c_id):
        r = api.patch("/api/v1/tenants/1/users/%d" % uid,
                      {"password": "secret-%d-pass" % uid})
        assert r.status == 200, r
    path = "/api/v1/tenants/1/users/%d/messages" % b_id

    r = api.get(path)
    assert r.status == 200
    items = r.json()["items"]
    assert [(m["body"], m["direction"]) for m in items] == [("ping", "in")]
    assert items[0]["content_type"] == "text/plain"
    assert items[0]["from_user_id"] == user_id(api, "1001")

    own = admin(centrexd, "1002@acme.example", "secret-%d-pass" % b_id)
    assert [m["body"] for m in own.get(path).json()["items"]] == ["ping"]
    other = admin(centrexd, "1003@acme.example", "secret-%d-pass" % c_id)
    assert other.get(path).status == 404
    assert other.get("/api/v1/tenants/1/messages").status == 403
    globex = admin(centrexd, "admin@globex.example")
    assert globex.get(path).status == 404

    r = api.get("/api/v1/tenants/1/messages?limit=1")
    assert r.status == 200 and len(r.json()["items"]) == 1
    assert api.get("/api/v1/tenants/1/users/999999/messages").status == 404
