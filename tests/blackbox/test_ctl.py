"""The operator's view through the control socket."""
import re

from conftest import parse_registrations, run_centrexd
from sipclient import Registration, SipClient


def _register(port, user, domain, contacts=None):
    with SipClient(port) as c:
        reg = Registration(c, user, domain, "pw" + user)
        contacts = contacts or [reg.default_contact()]
        r = reg.register(contacts=contacts, algorithm="MD5")
        assert r is not None and r.status == 200, r


def test_registrations_filtered_by_tenant(centrexd):
    """`--ctl "registrations SLUG"` lists only that tenant's bindings;
    an unknown slug is reported as an error, not as an empty list."""
    _register(centrexd.port, "1001", "acme.example")
    _register(centrexd.port, "2001", "globex.example")
    assert sorted(b["user"] for b in centrexd.registrations()) == [
        "1001", "2001"]
    assert [b["user"] for b in centrexd.registrations("acme")] == ["1001"]
    assert [b["user"] for b in centrexd.registrations("globex")] == ["2001"]
    r = run_centrexd(["-o", "ctl.socket=" + centrexd.ctl_socket,
                      "--ctl", "registrations", "initech"])
    assert r.returncode == 1, r
    assert r.stdout.startswith("error: no tenant"), r.stdout


def test_registrations_as_documented_in_readme(centrexd):
    """The README shows `centrexd --ctl registrations acme` (two
    arguments); typed like that it lists acme's bindings."""
    _register(centrexd.port, "1001", "acme.example")
    _register(centrexd.port, "2001", "globex.example")
    r = run_centrexd(["-o", "ctl.socket=" + centrexd.ctl_socket,
                      "--ctl", "registrations", "acme"])
    assert r.returncode == 0, (r.returncode, r.stderr[:300])
    regs = parse_registrations(r.stdout)
    assert [b["user"] for b in regs] == ["1001"]


def test_status_counts_per_tenant(centrexd):
    """`--status` shows, per tenant, devices, registered devices and
    contacts: acme 10 devices / 2 registered / 3 contacts, globex 5/1/1."""
    _register(centrexd.port, "1001", "acme.example",
              ["<sip:1001@127.0.0.1:7001>", "<sip:1001@127.0.0.1:7002>"])
    _register(centrexd.port, "1002", "acme.example")
    _register(centrexd.port, "2003", "globex.example")
    r = run_centrexd(["-o", "ctl.socket=" + centrexd.ctl_socket,
                      "--status"])
    assert r.returncode == 0, r.stderr
    rows = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\S+)\s+(\S+\.example)\s+(\d+)\s+(\d+)\s+(\d+)\s*$",
                     line)
        if m:
            rows[m.group(1)] = tuple(int(x) for x in m.group(3, 4, 5))
    assert rows == {"acme": (10, 2, 3), "globex": (5, 1, 1)}, r.stdout
    assert re.search(r"\b4 bindings\b", r.stdout), r.stdout


def test_ctl_without_daemon_fails_cleanly(tmp_path):
    """Asking for status when no daemon runs on that socket exits
    non-zero with a message, instead of hanging."""
    r = run_centrexd(["-o", "ctl.socket=" + str(tmp_path / "none.sock"),
                      "--status"])
    assert r.returncode != 0
    assert "none.sock" in r.stderr
