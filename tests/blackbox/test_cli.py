"""centrexctl, the command-line client, against a real demo daemon.

Each test runs tools/centrexctl as a user would (a subprocess of
/usr/bin/python3), pointed at the daemon's API with CENTREX_URL and at a
session file of its own with CENTREX_SESSION.  Exit status: 0 done, 1 the
API refused or not logged in, 2 bad command line, 3 not available on that
server, 4 server unreachable; never a Python traceback.
"""
import json
import os
import stat
import subprocess
import urllib.request

import pytest

from conftest import REPO
from sipclient import Registration, SipClient

CLI = os.path.join(REPO, "tools", "centrexctl")
PYTHON = "/usr/bin/python3"


class Cli:
    """Runs centrexctl for one daemon, with its own session file."""

    def __init__(self, daemon, tmp_path):
        self.daemon = daemon
        self.url = "http://127.0.0.1:%d" % daemon.http_port
        self.session = str(tmp_path / "cli" / "session.json")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("CENTREX") and "proxy" not in k.lower()}
        env.update(CENTREX_URL=self.url, CENTREX_SESSION=self.session,
                   HOME=str(tmp_path))
        self.env = env

    def __call__(self, *args, rc=0, stdin=None, env=None):
        e = dict(self.env)
        e.update(env or {})
        r = subprocess.run([PYTHON, CLI] + list(args), capture_output=True,
                           text=True, timeout=30, env=e,
                           input=stdin,
                           stdin=None if stdin is not None
                           else subprocess.DEVNULL)
        assert "Traceback" not in r.stderr, r.stderr
        if rc is not None:
            assert r.returncode == rc, (
                "centrexctl %s: exit %d, wanted %d\n--- stdout ---\n%s"
                "--- stderr ---\n%s" % (" ".join(args), r.returncode, rc,
                                        r.stdout, r.stderr))
        return r

    def json(self, *args):
        return json.loads(self("--json", *args).stdout)

    def login(self, email="admin@acme.example", password="admin-demo"):
        return self("login", email, "--password", password)


def table(text):
    """Rows of an aligned table as dicts, cut at the header's columns."""
    lines = [l for l in text.splitlines() if l.strip()]
    header = lines[0]
    names = [n for n in header.split("  ") if n.strip()]
    starts, pos = [], 0
    for n in names:
        pos = header.index(n.strip(), pos)
        starts.append(pos)
        pos += len(n.strip())
    rows = []
    for line in lines[1:]:
        cells = [line[s:e].strip() for s, e in
                 zip(starts, starts[1:] + [len(line) + 1])]
        rows.append(dict(zip([n.strip() for n in names], cells)))
    return rows


def fields(text):
    """`show` output (key  value lines) as a dict."""
    out = {}
    for line in text.splitlines():
        k, _, v = line.partition(" ")
        out[k] = v.strip()
    return out


@pytest.fixture
def cli(centrexd, tmp_path):
    return Cli(centrexd, tmp_path)


def test_cli_lists_users_as_table_and_json(cli):
    """After `login`, `users list` shows acme's users in a table (1001
    among them, with its extension); --json gives one JSON array of all
    of them, the same when the pages are small (next_cursor is
    followed); --limit stops early; the session file is private."""
    r = cli.login()
    assert "tenant_admin" in r.stdout
    mode = stat.S_IMODE(os.stat(cli.session).st_mode)
    assert mode == 0o600, oct(mode)

    rows = table(cli("users", "list").stdout)
    by_ext = {row["EXTENSION"]: row for row in rows}
    assert "1001" in by_ext and by_ext["1001"]["NAME"] == "User 1001"
    assert len(rows) == 11        # the admin and 1001..1010

    items = cli.json("users", "list")
    assert isinstance(items, list) and len(items) == 11
    assert "1001" in [u["extension"] for u in items]
    paged = json.loads(cli("users", "list", "--json",
                           env={"CENTREXCTL_PAGE_SIZE": "3"}).stdout)
    assert paged == items
    assert len(cli.json("users", "list", "--limit", "4")) == 4

    me = cli.json("whoami")
    assert me["role"] == "tenant_admin" and me["tenant_id"] == 1


def test_cli_site_user_device_life_cycle(cli, centrexd):
    """A tenant admin creates a site, a user on it and a SIP device for
    that user; shows them (by id or by name/email), changes them, and the
    device registers with the new password at once; deletes them; the
    audit log shows each change with its before and after."""
    cli.login()
    site = cli.json("sites", "create", "--name", "Lyon", "--country", "FR",
                    "--time-zone", "Europe/Paris", "--language", "fr")
    sid = str(site["id"])
    assert fields(cli("sites", "show", sid).stdout)["name"] == "Lyon"

    user = cli.json("users", "create", "--name", "Zoe Martin", "--email",
                    "zoe@acme.example", "--site", "Lyon", "--extension",
                    "1050", "--password", "zoe-secret-1")
    uid = str(user["id"])
    assert user["site_id"] == site["id"] and user["can_log_in"] is True
    shown = fields(cli("users", "show", "zoe@acme.example").stdout)
    assert shown["id"] == uid and shown["extension"] == "1050"

    dev = cli.json("devices", "create", "--user", uid, "--username",
                   "zoe-desk", "--password", "desk-pass-1")
    did = str(dev["id"])
    rows = table(cli("devices", "list", "--user", "zoe@acme.example").stdout)
    assert [(r["ID"], r["SIP USERNAME"]) for r in rows] == [(did, "zoe-desk")]

    # changes
    cli("sites", "update", sid, "--name", "Lyon Part-Dieu")
    upd = cli.json("users", "update", uid, "--mobile-number", "+33612345678",
                   "--extension", "")
    assert upd["mobile_number"] == "+33612345678"
    assert upd["extension"] is None            # '' clears it
    cli("devices", "update", "--user", uid, did, "--password", "desk-pass-2")
    with SipClient(centrexd.port) as c:
        r = Registration(c, "zoe-desk", "acme.example", "desk-pass-2") \
            .register(algorithm="MD5")
        assert r is not None and r.status == 200, r

    audit = table(cli("audit").stdout)
    mine = [(a["ACTION"], a["RESOURCE"]) for a in audit]
    assert ("create", "sites/" + sid) in mine
    assert ("create", "users/" + uid) in mine
    assert ("create", "devices/" + did) in mine
    upd_site = [a for a in audit if a["RESOURCE"] == "sites/" + sid and
                a["ACTION"] == "update"]
    assert len(upd_site) == 1 and "Lyon Part-Dieu" in upd_site[0]["CHANGES"]
    assert all(a["ACTOR"] == "admin@acme.example" for a in audit)

    # deletions
    assert "deleted" in cli("devices", "delete", "--user", uid, did).stdout
    cli("users", "delete", uid)
    cli("sites", "delete", "Lyon Part-Dieu")
    r = cli("sites", "show", sid, rc=1)
    assert "not found" in r.stderr
    entries = cli.json("audit")
    deleted = {e["resource"] for e in entries if e["action"] == "delete"}
    assert deleted == {"sites/" + sid, "users/" + uid, "devices/" + did}
    gone = [e for e in entries if e["resource"] == "users/" + uid and
            e["action"] == "delete"][0]
    assert gone["before"]["email"] == "zoe@acme.example"
    assert gone["after"] is None


def test_cli_errors_name_the_field_and_hide_other_tenants(cli):
    """A refused value exits 1 with the API's detail and the field named;
    globex's site or user seen from acme is "not found" (exit 1), like an
    id that does not exist; a wrong command line exits 2."""
    cli.login()
    r = cli("sites", "create", "--name", "X", "--country", "FRA",
            "--time-zone", "Europe/Paris", rc=1)
    assert r.stderr.startswith("centrexctl: ")
    assert "(field: country)" in r.stderr
    r = cli("users", "update", "2", "--fixed-number", "0145671234", rc=1)
    assert "(field: fixed_number)" in r.stderr
    r = cli("devices", "create", "--user", "2", "--username", "x1001",
            "--password", "short", rc=1)
    assert "(field: password)" in r.stderr

    globex_admin = 12           # after acme's 11 users
    r = cli("users", "show", str(globex_admin), rc=1)
    assert "not found" in r.stderr
    r = cli("sites", "show", "--tenant", "2", "3", rc=1)
    assert "not found" in r.stderr
    r = cli("users", "list", "--tenant", "2", rc=1)
    assert "not found" in r.stderr
    r = cli("sites", "show", "999", rc=1)
    assert "not found" in r.stderr
    r = cli("tenants", "list", rc=1)
    assert "tenant_admin" in r.stderr         # the operator's only

    cli("sites", "create", "--name", "X", rc=2)       # missing options
    cli("users", "update", "2", rc=2)                 # nothing to change
    cli("users", "list", "--limit", "0", rc=2)
    cli("frobnicate", rc=2)
    cli("cdrs", "export", rc=2)                       # no --from, --to


def test_cli_operator_manages_tenants(cli):
    """The operator lists, creates, changes and deletes a tenant (delete
    needs --yes when there is no terminal to ask on); tenant commands
    take a slug for --tenant; without one, a tenant command is a usage
    error since the operator belongs to no tenant."""
    cli.login("operator@centrex.example", "operator-demo")
    slugs = [r["SLUG"] for r in table(cli("tenants", "list").stdout)]
    assert slugs == ["acme", "globex"]
    t = cli.json("tenants", "create", "--slug", "initech", "--name",
                 "Initech", "--domain", "initech.example", "--max-users", "5")
    assert t["max_users"] == 5
    r = cli("tenants", "create", "--slug", "initech", "--name", "Again",
            "--domain", "initech2.example", rc=1)
    assert "(field: slug)" in r.stderr
    t2 = cli.json("tenants", "update", "initech", "--algorithms",
                  "SHA-256,MD5")
    assert t2["digest_algorithms"] == "SHA-256,MD5"
    cli("sites", "create", "--tenant", "initech", "--name", "HQ",
        "--country", "US", "--time-zone", "America/New_York")
    cli("users", "list", rc=2)
    exts = [u["extension"] for u in cli.json("users", "list", "--tenant",
                                             "globex")]
    assert "2001" in exts
    cli("tenants", "delete", str(t["id"]), rc=2)      # no --yes, no tty
    cli("tenants", "delete", str(t["id"]), "--yes")
    cli("tenants", "show", "initech", rc=1)
    whole = cli.json("audit")
    assert ("delete", "tenants/%d" % t["id"]) in [
        (e["action"], e["resource"]) for e in whole]


def test_cli_session_logout_and_server_down(cli, centrexd):
    """Without a session a command exits 1 and says to log in; a wrong
    password exits 1; no password and no terminal is a usage error;
    after `logout` the session file is gone and commands ask to log in
    again; with the daemon stopped, a command exits 4."""
    r = cli("users", "list", rc=1)
    assert "login" in r.stderr
    r = cli("login", "admin@acme.example", "--password", "nope", rc=1)
    assert "wrong email or password" in r.stderr
    cli("login", "admin@acme.example", rc=2)
    cli("login", "admin@acme.example",
        env={"CENTREX_PASSWORD": "admin-demo"})
    assert os.path.exists(cli.session)
    cli("logout")
    assert not os.path.exists(cli.session)
    r = cli("users", "list", rc=1)
    assert "log in" in r.stderr or "login" in r.stderr

    cli("login", "admin@acme.example", "--password", "-",
        stdin="admin-demo\n")
    cli("users", "list")
    centrexd.stop()
    r = cli("users", "list", rc=4)
    assert "cannot reach" in r.stderr and cli.url in r.stderr
    r = cli("whoami", rc=4)


TOKENS = "/api/v1/tenants/{tenant_id}/tokens"


def _has_tokens(daemon):
    url = "http://127.0.0.1:%d/api/v1/openapi.json" % daemon.http_port
    with urllib.request.urlopen(url, timeout=10) as f:
        doc = json.load(f)
    return TOKENS in doc.get("paths", {})


def test_cli_api_token(cli, centrexd):
    """With --token (or CENTREX_TOKEN), centrexctl sends the token as
    `Authorization: Bearer` and needs no session (nor CSRF header); the
    token's tenant is the default one; a wrong token exits 1.  Runs only
    once the daemon has tenant API tokens."""
    if not _has_tokens(centrexd):
        pytest.skip("this centrexd has no %s yet" % TOKENS)
    cli.login()
    with open(cli.session) as f:
        s = json.load(f)
    req = urllib.request.Request(
        cli.url + TOKENS.replace("{tenant_id}", "1"), method="POST",
        data=json.dumps({"name": "centrexctl test",
                         "role": "tenant_admin"}).encode(),
        headers={"Content-Type": "application/json",
                 "Cookie": "centrex_session=" + s["cookie"],
                 "X-CSRF-Token": s["csrf_token"]})
    with urllib.request.urlopen(req, timeout=10) as f:
        secret = json.load(f)["token"]
    cli("logout")

    rows = table(cli("--token", secret, "users", "list").stdout)
    assert "1001" in [r["EXTENSION"] for r in rows]
    site = json.loads(cli("sites", "create", "--json", "--name", "Nice",
                          "--country", "FR", "--time-zone", "Europe/Paris",
                          env={"CENTREX_TOKEN": secret}).stdout)
    assert site["name"] == "Nice"
    assert not os.path.exists(cli.session)
    r = cli("--token", "cx_1_" + "0" * 64, "users", "list", "--tenant", "1",
            rc=1)
    assert "token" in r.stderr


def test_cli_numbers_operator_assigns_admin_retargets(cli):
    """The operator assigns a number to acme (by slug); acme's admin sees
    it, sends its calls to a user (by email) then to nowhere, and cannot
    delete it (the operator's); the operator takes it back."""
    cli.login("operator@centrex.example", "operator-demo")
    n = cli.json("numbers", "create", "--tenant", "acme", "--e164",
                 "+33145679876", "--label", "Main line")
    nid = str(n["id"])
    assert n["target"] == {"type": "none"}
    cli("numbers", "create", "--e164", "+33145679877", rc=2)  # no tenant

    cli.login()
    users = cli.json("users", "list")
    u1001 = [u for u in users if u["extension"] == "1001"][0]
    rows = table(cli("numbers", "list").stdout)
    assert (nid, "+33145679876") in [(r["ID"], r["E164"]) for r in rows]
    upd = cli.json("numbers", "update", nid, "--target-user",
                   u1001["email"], "--label", "Reception")
    assert upd["target"] == {"type": "user", "id": u1001["id"]}
    assert upd["label"] == "Reception"
    shown = fields(cli("numbers", "show", "+33145679876").stdout)
    assert shown["target"] == "user %d" % u1001["id"]
    upd = cli.json("numbers", "update", nid, "--no-target")
    assert upd["target"] == {"type": "none"}
    cli("numbers", "update", nid, rc=2)                     # nothing
    cli("numbers", "update", nid, "--no-target", "--target-user", "2", rc=2)
    cli("numbers", "delete", nid, rc=1)                     # operator's

    cli.login("operator@centrex.example", "operator-demo")
    assert "deleted" in cli("numbers", "delete", "--tenant", "acme",
                            nid).stdout
    cli("numbers", "show", "--tenant", "acme", nid, rc=1)


def test_cli_tokens_create_use_revoke(cli, centrexd):
    """The admin creates a token with `tokens create` (its secret printed
    once); with --token it lists users; `tokens list` shows it; once
    revoked, it is refused (exit 1).  The operator's own tokens live at
    /tokens (no --tenant)."""
    if not _has_tokens(centrexd):
        pytest.skip("this centrexd has no %s yet" % TOKENS)
    cli.login()
    r = cli("tokens", "create", "--name", "cli robot", "--role",
            "tenant_admin", "--expires-in", "3600")
    assert "only time" in r.stdout
    secret = [l.split()[1] for l in r.stdout.splitlines()
              if l.startswith("token ")][0]
    assert secret.startswith("cx_")
    tid = fields(r.stdout)["id"]

    rows = table(cli("--token", secret, "users", "list").stdout)
    assert "1001" in [row["EXTENSION"] for row in rows]
    listed = cli.json("tokens", "list")
    mine = [t for t in listed if str(t["id"]) == tid][0]
    assert mine["name"] == "cli robot" and mine["revoked"] is False
    assert "token" not in mine

    assert "revoked" in cli("tokens", "revoke", tid).stdout
    r = cli("--token", secret, "users", "list", rc=1)
    assert "token" in r.stderr

    cli.login("operator@centrex.example", "operator-demo")
    op = cli.json("tokens", "create", "--name", "ops")
    assert op["tenant_id"] is None and op["token"].startswith("cx_")
    assert op["id"] in [t["id"] for t in cli.json("tokens", "list")]
    assert cli.json("tokens", "list", "--tenant", "acme")


def test_cli_trunks_and_routes(cli):
    """A tenant admin creates a register trunk (password from standard
    input, never printed again) and an ip trunk, routes calls to +33 over
    both (by name), changes and lists them; a trunk in use cannot be
    deleted (exit 1, naming the route) until the route lets it go; the
    audit log says the password was set without showing it."""
    cli.login()
    r = cli("--json", "trunks", "create", "--name", "Orange", "--kind",
            "register", "--proxy", "sip.orange.example:5060", "--username",
            "0145671234", "--password", "-", stdin="orange-secret-1\n")
    assert "orange-secret-1" not in r.stdout + r.stderr
    reg = json.loads(r.stdout)
    assert reg["kind"] == "register" and "password" not in reg
    ip = cli.json("trunks", "create", "--name", "Carrier IP", "--kind", "ip",
                  "--proxy", "192.0.2.10", "--inbound-addrs",
                  "192.0.2.0/24, 2001:db8::1", "--max-channels", "20")
    assert ip["inbound_addrs"] == ["192.0.2.0/24", "2001:db8::1"]
    rows = table(cli("trunks", "list").stdout)
    assert [(r["NAME"], r["KIND"]) for r in rows] == [
        ("Orange", "register"), ("Carrier IP", "ip")]
    assert rows[1]["INBOUND"] == "192.0.2.0/24, 2001:db8::1"
    shown = cli("trunks", "show", "orange")
    assert "orange-secret-1" not in shown.stdout + shown.stderr
    assert fields(shown.stdout)["proxy"] == "sip.orange.example:5060"
    upd = cli.json("trunks", "update", "Carrier IP", "--enabled", "no",
                   "--transport", "tcp")
    assert upd["enabled"] is False and upd["transport"] == "tcp"
    r = cli("trunks", "create", "--name", "Bad", "--kind", "ip", "--proxy",
            "10.0.0.1", "--inbound-addrs", "10.0.0.1/8", rc=1)
    assert "(field: inbound_addrs[0])" in r.stderr

    route = cli.json("routes", "create", "--name", "France", "--prefix",
                     "+33", "--trunks", "Carrier IP,%d" % reg["id"])
    assert route["trunks"] == [ip["id"], reg["id"]]
    rows = table(cli("routes", "list").stdout)
    assert rows == [{"ID": str(route["id"]), "NAME": "France",
                     "PREFIX": "+33",
                     "TRUNKS": "%d, %d" % (ip["id"], reg["id"])}]
    r = cli("routes", "create", "--name", "X", "--prefix", "+34",
            "--trunks", "nosuch", rc=1)
    assert "not found" in r.stderr
    r = cli("trunks", "delete", "Orange", rc=1)
    assert "France" in r.stderr
    cli("routes", "update", "France", "--trunks", "Carrier IP")
    assert "deleted" in cli("trunks", "delete", "Orange").stdout
    cli("routes", "delete", "France")
    cli("trunks", "delete", str(ip["id"]))
    assert cli.json("trunks", "list") == []

    audit = cli.json("audit")
    created = [e for e in audit if e["resource"] == "trunks/%d" % reg["id"]
               and e["action"] == "create"][0]
    assert created["after"]["password"] == "(changed)"
    assert "orange-secret-1" not in json.dumps(audit)
    text = cli("audit").stdout
    assert "password set" in text and "orange-secret-1" not in text


def test_cli_cdrs_export(cli, tmp_path):
    """`cdrs export` writes the calls of a range as CSV (Asterisk's
    columns, a header line) or as a JSON array, to a file or to standard
    output; a bad time is the API's refusal naming the parameter (exit
    1); `cdr` is the same command."""
    cli.login()
    out = tmp_path / "calls.csv"
    r = cli("cdrs", "export", "--from", "2026-01-01", "--to",
            "2026-12-31T23:59:59Z", "-o", str(out))
    assert "wrote 0 call records" in r.stdout
    head = out.read_text().splitlines()
    assert head == ['"accountcode","src","dst","dcontext","clid",'
                    '"channel","dstchannel","lastapp","lastdata","start",'
                    '"answer","end","duration","billsec","disposition",'
                    '"amaflags","uniqueid","userfield"']
    r = cli("cdr", "export", "--format", "json", "--from", "0", "--to",
            "1795000000000")
    assert json.loads(r.stdout) == []
    assert cli.json("cdrs", "list") == []
    r = cli("cdrs", "export", "--from", "last week", "--to", "2026-12-31",
            rc=1)
    assert "(field: from)" in r.stderr
    r = cli("cdrs", "export", "--tenant", "globex", "--from", "2026-01-01",
            "--to", "2026-02-01", rc=1)
    assert "not found" in r.stderr
    cli("cdrs", "export", "--from", "2026-01-01", rc=2)
    cli("cdrs", "export", "--from", "2026-01-01", "--to", "2026-02-01",
        "--format", "xml", rc=2)


def test_cli_cdrs_export_on_a_server_without_them(cli):
    """Against a server whose API has no call records (an older centrexd:
    the path is 404 and its OpenAPI document does not list it),
    `cdrs export` says it is not available there and exits 3."""
    import http.server
    import threading

    class Old(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/api/v1/openapi.json"):
                body, status = b'{"openapi":"3.1.0","paths":{}}', 200
                ctype = "application/json"
            else:
                body, status = (b'{"type":"about:blank","title":"Not Found",'
                                b'"status":404,"detail":"no such resource"}',
                                404)
                ctype = "application/problem+json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Old)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = "http://127.0.0.1:%d" % srv.server_address[1]
        r = cli("--url", url, "--token", "cx_1_" + "0" * 64, "cdrs",
                "export", "--tenant", "1", "--from", "2026-11-22", "--to",
                "2026-11-23", rc=3)
        assert "not available" in r.stderr
    finally:
        srv.shutdown()
        srv.server_close()


def test_cli_webhooks(cli):
    """A tenant admin subscribes a URL with `webhooks create` (the signing
    secret printed once, never by `show` or `list`), lists it, switches
    it off, rotates the secret and deletes it; a URL the daemon could
    never POST to is refused naming the field (exit 1); globex's admin
    does not see acme's webhook."""
    cli.login()
    url = "http://127.0.0.1:9/centrex/events"
    r = cli("webhooks", "create", "--endpoint", url)
    assert "only time" in r.stdout, r.stdout
    made = fields(r.stdout)
    secret, wid = made["secret"], made["id"]
    assert secret.startswith("whsec_"), r.stdout
    assert made["url"] == url and made["enabled"] == "yes", made
    assert made["events"] == "voicemail.message", made

    rows = table(cli("webhooks", "list").stdout)
    assert rows == [{"ID": wid, "URL": url, "EVENTS": "voicemail.message",
                     "ENABLED": "yes", "CREATED": rows[0]["CREATED"]}]
    shown = cli("webhooks", "show", wid).stdout
    assert secret not in shown and fields(shown)["url"] == url
    assert all("secret" not in w for w in cli.json("webhooks", "list"))

    off = cli.json("webhooks", "update", wid, "--enabled", "no")
    assert off["enabled"] is False and "secret" not in off, off
    r = cli("webhooks", "update", wid, "--rotate-secret")
    fresh = fields(r.stdout)["secret"]
    assert fresh.startswith("whsec_") and fresh != secret, r.stdout

    r = cli("webhooks", "create", "--endpoint", "ftp://127.0.0.1/x", rc=1)
    assert "(field: url)" in r.stderr, r.stderr
    r = cli("webhooks", "create", "--endpoint", url, "--events", "nope",
            rc=1)
    assert "(field: events)" in r.stderr, r.stderr
    cli("webhooks", "create", rc=2)               # no --endpoint
    cli("webhooks", "update", wid, rc=2)          # nothing to change

    cli.login("admin@globex.example", "admin-demo")
    assert cli.json("webhooks", "list") == []
    r = cli("webhooks", "show", "--tenant", "1", wid, rc=1)
    assert "not found" in r.stderr

    cli.login()
    assert "deleted" in cli("webhooks", "delete", wid).stdout
    assert cli.json("webhooks", "list") == []
    deleted = [e for e in cli.json("audit")
               if e["resource"] == "webhooks/%s" % wid
               and e["action"] == "delete"]
    assert deleted, "no audit entry for the deletion"
