"""Webhooks, end to end: a tenant admin subscribes a URL through the API,
a caller leaves a voicemail with a real softphone, and a plain HTTP
receiver on loopback (Python's http.server, in this process) gets the
signed envelope.

What a receiver relies on is checked the way it would check it: the
type, the tenant, the caller and the message id (the one the voicemail
API lists), the HMAC-SHA256 signature recomputed with the secret shown
at creation, and the id that stays the same when a delivery is retried
(here: answered 500 twice, then 200).  Another tenant's subscription is
never called, and cannot be read through the API (404).  A URL we could
never POST to is refused at once, naming the field.

The delivery test's daemon reads short retry settings (webhook.* keys)
from a config file, as an operator would set them, so that a retried
delivery arrives within the test (and one of them is changed by
SIGHUP, as an operator would); the counters an operator watches
(`--ctl metrics`: webhook_delivered, webhook_retried ...) are checked
after it.
"""
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import threading
import time

import pytest

from apiclient import ApiClient, DEMO_ACME_ADMIN, DEMO_GLOBEX_ADMIN
from test_baresip import BARESIP, MODULES
from test_calls import phones  # noqa: F401
from test_voicemail import box, leave_message, wait_messages

ACME = "/api/v1/tenants/1/webhooks"
GLOBEX = "/api/v1/tenants/2/webhooks"


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every request and answers
    each path with the statuses given for it, in turn (then the last)."""

    def __init__(self, answers):
        self.answers = answers
        self.got = []                  # (path, headers, body bytes)
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with outer.lock:
                    seen = sum(1 for g in outer.got if g[0] == self.path)
                    outer.got.append((self.path, dict(self.headers), body))
                codes = outer.answers.get(self.path, [404])
                code = codes[min(seen, len(codes) - 1)]
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def requests(self, path):
        with self.lock:
            return [g for g in self.got if g[0] == path]

    def wait(self, path, n, timeout=20):
        deadline = time.monotonic() + timeout
        while len(self.requests(path)) < n and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.requests(path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# retries after 100, 200, 400, 400 ms instead of 1, 2, 4 ... 256 s
# (max_attempts is raised to 5 by SIGHUP in the test)
FAST_RETRIES = """\
webhook.max_attempts = 3
webhook.first_retry_ms = 100
webhook.max_retry_ms = 400
webhook.timeout_ms = 2000
webhook.queue_max = 100
"""


@pytest.fixture
def fast_daemon(start_daemon, tmp_path):
    """A demo daemon whose config file shortens webhook retries."""
    conf = tmp_path / "webhooks.conf"
    conf.write_text(FAST_RETRIES)
    return start_daemon(config=str(conf))


@pytest.fixture
def receiver():
    made = []

    def factory(answers):
        r = Receiver(answers)
        made.append(r)
        return r

    yield factory
    for r in made:
        r.close()


def login(daemon, account):
    api = ApiClient(daemon.http_port)
    api.login(*account)
    return api


def subscribe(api, base, url, **more):
    r = api.post(base, dict({"url": url}, **more))
    assert r.status == 201, r
    w = r.json()
    assert r.header("Location") == "%s/%d" % (base, w["id"]), r.headers
    assert w["secret"].startswith("whsec_") and len(w["secret"]) > 40, w
    return w


def verify(headers, body, secret):
    """What a receiver does: recompute the HMAC of '<t>.<body>'."""
    m = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})",
                     headers.get("X-Centrex-Signature", ""))
    assert m, headers
    want = hmac.new(secret.encode(), m.group(1).encode() + b"." + body,
                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, m.group(2))


def test_webhooks_api(centrexd, receiver):
    """Create, read, change, rotate and delete a webhook; the secret is
    shown only when it is made; other tenants see 404; bad URLs and
    event types are refused naming the field."""
    rx = receiver({})
    acme = login(centrexd, DEMO_ACME_ADMIN)
    globex = login(centrexd, DEMO_GLOBEX_ADMIN)

    w = subscribe(acme, ACME, rx.url("/a"))
    assert w["url"] == rx.url("/a") and w["enabled"] is True, w
    assert w["events"] == ["voicemail.message"], w
    assert w["tenant_id"] == 1, w
    one = ACME + "/%d" % w["id"]

    got = acme.get(one)
    assert got.status == 200, got
    assert "secret" not in got.json(), got.json()
    listed = acme.get(ACME).json()["items"]
    assert [x["id"] for x in listed] == [w["id"]], listed
    assert all("secret" not in x for x in listed), listed

    # another tenant: not there, whatever it tries
    for r in (globex.get(GLOBEX + "/%d" % w["id"]),
              globex.patch(GLOBEX + "/%d" % w["id"], {"enabled": False}),
              globex.delete(GLOBEX + "/%d" % w["id"]),
              globex.get(one)):
        assert r.status == 404, r
    assert globex.get(GLOBEX).json()["items"] == []

    # URLs we could never POST to, and things that are not URLs
    for bad in ("ftp://127.0.0.1/x", "not a url", "http://[::1]:80/x",
                "http://user:pw@127.0.0.1/x", "http://127.0.0.1:0/x",
                "javascript:alert(1)", "http://127.0.0.1/x\r\nHost: y",
                "http://" + "a" * 600 + "/"):
        r = acme.post(ACME, {"url": bad})
        assert r.status in (400, 422), (bad, r)
        assert r.field == "url", (bad, r.problem)
    r = acme.post(ACME, {"events": ["voicemail.message"]})
    assert r.status == 400 and r.field == "url", r
    r = acme.post(ACME, {"url": rx.url("/b"), "events": ["nope"]})
    assert r.status == 422 and r.field == "events", r
    r = acme.post(ACME, {"url": rx.url("/b"), "events": []})
    assert r.status == 422 and r.field == "events", r
    r = acme.post(ACME, {"url": rx.url("/b"), "colour": "red"})
    assert r.status == 400, r
    r = acme.patch(one, {"url": "gopher://x/"})
    assert r.status == 422 and r.field == "url", r

    # change it; a new secret only when asked, shown in that answer
    r = acme.patch(one, {"enabled": False, "url": rx.url("/c")})
    assert r.status == 200, r
    assert r.json()["enabled"] is False and "secret" not in r.json(), r
    r = acme.patch(one, {"rotate_secret": True})
    assert r.status == 200, r
    assert r.json()["secret"].startswith("whsec_"), r
    assert r.json()["secret"] != w["secret"]

    # the audit log says what changed, never the secret itself
    audit = acme.get("/api/v1/tenants/1/audit").json()["items"]
    mine = [a for a in audit if a["resource"] == "webhooks/%d" % w["id"]]
    assert {a["action"] for a in mine} >= {"create", "update"}, mine
    assert w["secret"] not in json.dumps(audit)

    # the OpenAPI document lists the routes
    spec = acme.get("/api/v1/openapi.json").json()
    assert "/api/v1/tenants/{tenant_id}/webhooks/{webhook_id}" in \
        spec["paths"], sorted(spec["paths"])

    assert acme.delete(one).status == 204
    assert acme.get(one).status == 404
    assert rx.got == []                # nothing happened to send


@pytest.mark.skipif(BARESIP is None or not os.path.isdir(MODULES),
                    reason="baresip not installed")
def test_voicemail_reaches_the_webhooks(fast_daemon, phones, receiver):
    """1001 leaves 1002 a message: acme's receiver gets voicemail.message,
    signed, naming the message the API lists; a receiver failing twice
    gets the same id three times; one that always fails gets it
    webhook.max_attempts times (5, as reloaded on SIGHUP), then no more;
    globex's receiver gets nothing; the daemon's metrics count what
    happened."""
    centrexd = fast_daemon
    # an operator allows more attempts, without a restart
    with open(centrexd.config, "w") as f:
        f.write(FAST_RETRIES.replace("max_attempts = 3", "max_attempts = 5"))
    centrexd.signal(signal.SIGHUP)
    assert centrexd.wait_for_log(r"reload: webhook\.max_attempts = 5")
    rx = receiver({"/good": [200], "/flaky": [500, 500, 200],
                   "/dead": [500], "/globex": [200]})
    acme = login(centrexd, DEMO_ACME_ADMIN)
    globex = login(centrexd, DEMO_GLOBEX_ADMIN)
    good = subscribe(acme, ACME, rx.url("/good"))
    flaky = subscribe(acme, ACME, rx.url("/flaky"),
                      events=["voicemail.message"])
    dead = subscribe(acme, ACME, rx.url("/dead"))
    other = subscribe(globex, GLOBEX, rx.url("/globex"))
    assert acme.get(GLOBEX + "/%d" % other["id"]).status == 404
    assert acme.patch(box(acme, "1002"), {"enabled": True}).status == 200

    leave_message(centrexd, phones, acme)
    (m,) = wait_messages(acme, "1002", 1)

    (path, headers, body) = rx.wait("/good", 1)[0]
    env = json.loads(body)
    assert set(env) == {"id", "type", "timestamp", "tenant_id", "data"}, env
    assert env["type"] == "voicemail.message", env
    assert env["tenant_id"] == 1, env
    assert headers["X-Centrex-Webhook-Id"] == env["id"], headers
    assert headers["X-Centrex-Event"] == "voicemail.message", headers
    assert headers["Content-Type"] == "application/json", headers
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                        env["timestamp"]), env
    d = env["data"]
    assert d["message_id"] == m["id"] and d["message_uuid"] == m["uuid"], \
        (d, m)
    assert d["caller"] == "1001" and d["extension"] == "1002", d
    assert d["call_uuid"] == m["call_uuid"], (d, m)
    assert d["duration_ms"] == m["duration_ms"], (d, m)
    assert d["duration_s"] == round(m["duration_ms"] / 1000.0), (d, m)
    assert d["new_messages"] == 1 and d["old_messages"] == 0, d
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                        d["received_at"]), d
    assert verify(headers, body, good["secret"])
    assert not verify(headers, body, flaky["secret"])
    assert not verify(headers, body.replace(b"1001", b"1009"),
                      good["secret"])

    # 500, 500, then 200: three deliveries of one event, one id
    tries = rx.wait("/flaky", 3)
    assert len(tries) == 3, tries
    assert {t[1]["X-Centrex-Webhook-Id"] for t in tries} == {env["id"]}
    assert {json.loads(t[2])["id"] for t in tries} == {env["id"]}
    assert all(verify(t[1], t[2], flaky["secret"]) for t in tries)

    # 500 every time: the attempts the config file allows, one id
    tries = rx.wait("/dead", 5)
    assert len(tries) == 5, tries
    assert {t[1]["X-Centrex-Webhook-Id"] for t in tries} == {env["id"]}
    assert all(verify(t[1], t[2], dead["secret"]) for t in tries)

    # the flaky receiver took it, the dead one was given up on: nothing
    # more comes, to anyone
    time.sleep(2)
    assert len(rx.requests("/flaky")) == 3
    assert len(rx.requests("/dead")) == 5
    assert len(rx.requests("/good")) == 1
    assert rx.requests("/globex") == []
    counters = centrexd.ctl("webhooks")
    assert "delivered 2\n" in counters and "retries 6\n" in counters, \
        counters
    assert "given_up 1\n" in counters, counters
    # what an operator graphs: 2 delivered (good, flaky), 2 + 4 failed
    # attempts tried again (flaky, dead), 1 given up (dead), none dropped
    m = centrexd.metrics()
    assert m["webhook_delivered"] == 2 and m["webhook_retried"] == 6, m
    assert m["webhook_given_up"] == 1, m
    assert m["webhook_dropped_queue_full"] == 0, m
