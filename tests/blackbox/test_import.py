"""Provisioning devices from a CSV file (--import, --init-only)."""
from conftest import run_centrexd
from sipclient import Registration, SipClient

CSV = """# domain,username,password
initech.example,3001,pw3001
acme.example,1011,pw1011

# a second initech device
initech.example,3002,pw3002
"""


def _register(d, user, domain, password, algorithm=None):
    with SipClient(d.port) as c:
        reg = Registration(c, user, domain, password)
        return reg.register(algorithm=algorithm)


def test_import_adds_tenant_and_devices(start_daemon, tmp_path):
    """Importing a CSV (comments and blank lines allowed) on top of the
    demo data creates tenant initech with two devices and adds 1011 to
    acme; each imported device can register with its password, the new
    tenant offering the default algorithms (SHA-256, then MD5)."""
    csv = tmp_path / "devices.csv"
    csv.write_text(CSV)
    d = start_daemon(import_file=str(csv))

    r = _register(d, "1011", "acme.example", "pw1011")
    assert r is not None and r.status == 200, r

    with SipClient(d.port) as c:
        first = Registration(c, "3001", "initech.example", "x").send()
        assert [ch["algorithm"] for ch in first.challenges()] == [
            "SHA-256", "MD5"]
    r = _register(d, "3001", "initech.example", "pw3001", "SHA-256")
    assert r is not None and r.status == 200, r
    r = _register(d, "3002", "initech.example", "pw3002", "MD5")
    assert r is not None and r.status == 200, r
    # a wrong password for an imported device is still refused
    r = _register(d, "3002", "initech.example", "pw3001", "MD5")
    assert r is not None and r.status == 403, r

    users = sorted((b["tenant"], b["user"]) for b in d.registrations())
    assert [u for _, u in users] == ["1011", "3001", "3002"]
    slugs = {t for t, u in users if u.startswith("300")}
    assert len(slugs) == 1 and "acme" not in slugs
    status = d.ctl("status")
    assert "initech.example" in status


def test_init_only_imports_and_exits(start_daemon, tmp_path):
    """--init-only with --import prepares the store and exits 0 without
    serving; a later plain start knows the imported devices."""
    csv = tmp_path / "devices.csv"
    csv.write_text(CSV)
    d = start_daemon(start=False, demo=False)
    r = run_centrexd(d.base_args() + ["--import", str(csv), "--init-only"],
                     timeout=60, env=d.env, cwd=d.workdir)
    assert r.returncode == 0, r.stderr
    assert "ready" not in r.stdout
    d.start()
    r = _register(d, "3001", "initech.example", "pw3001", "SHA-256")
    assert r is not None and r.status == 200, r
    # without --demo, acme does not exist: 1011 was imported into a new
    # acme.example tenant
    r = _register(d, "1011", "acme.example", "pw1011")
    assert r is not None and r.status == 200, r


def test_import_rejects_bad_line(tmp_path):
    """A CSV line with a missing field stops the import with a non-zero
    status and a message pointing at the file and line."""
    csv = tmp_path / "bad.csv"
    csv.write_text("initech.example,3001,pw3001\ninitech.example,3002\n")
    r = run_centrexd(["-o", "store.url=sqlite:" + str(tmp_path / "c.db"),
                      "-o", "ctl.socket=" + str(tmp_path / "s"),
                      "--import", str(csv), "--init-only"],
                     timeout=60, cwd=str(tmp_path))
    assert r.returncode != 0, r.stdout
    assert "bad.csv" in r.stderr and "2" in r.stderr, r.stderr
