"""Load-ish registration with SIPp (Debian's sip-tester 3.6).

SIPp answers digest challenges with MD5 only, and when a 401 carries
several WWW-Authenticate headers it takes the first: a SHA-256-first
challenge makes it abort ("createAuthHeader: authentication must use
MD5").  Tenants created by --import get the daemon default
auth.default_algorithms (SHA-256,MD5), so the daemon under SIPp runs with
-o auth.default_algorithms=MD5.
"""
import os
import shutil
import subprocess

import pytest

from conftest import HERE, free_port, run_centrexd

SCENARIO = os.path.join(HERE, "sipp", "register_digest.xml")
SIPP = shutil.which("sipp")

pytestmark = pytest.mark.skipif(SIPP is None, reason="sipp not installed")


def run_sipp(workdir, port, users, rate=200, timeout_s=60):
    """Register users [(user, domain, password)] once each; return the
    cumulative SIPp statistics as a dict of the last stat line."""
    inf = os.path.join(workdir, "sipp-users.csv")
    with open(inf, "w") as f:
        f.write("SEQUENTIAL\n")
        for user, domain, password in users:
            f.write("%s;%s;[authentication username=%s password=%s]\n"
                    % (user, domain, user, password))
    stat = os.path.join(workdir, "sipp-stat.csv")
    errors = os.path.join(workdir, "sipp-errors.log")
    cmd = [SIPP, "127.0.0.1:%d" % port, "-sf", SCENARIO, "-inf", inf,
           "-i", "127.0.0.1", "-p", str(free_port()), "-t", "u1",
           "-m", str(len(users)), "-r", str(rate), "-nostdin",
           "-timeout", "%ds" % timeout_s, "-timeout_error",
           "-trace_stat", "-stf", stat, "-trace_err", "-error_file", errors]
    with open(os.path.join(workdir, "sipp-screen.txt"), "w") as screen:
        proc = subprocess.run(cmd, stdout=screen, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, cwd=workdir,
                              timeout=timeout_s + 30)
    with open(stat) as f:
        rows = [l.rstrip(";\n").split(";") for l in f if l.strip()]
    stats = dict(zip(rows[0], rows[-1]))
    err_text = ""
    if os.path.exists(errors):
        with open(errors, errors="replace") as f:
            err_text = f.read()[-3000:]
    return proc.returncode, stats, err_text


def _check(rc, stats, err_text, n):
    assert int(stats["FailedCall(C)"]) == 0, err_text
    assert int(stats["SuccessfulCall(C)"]) == n, (stats, err_text)
    assert rc == 0, "sipp exit status %d\n%s" % (rc, err_text)


def test_sipp_registers_demo_users(start_daemon, tmp_path):
    """SIPp registers all ten acme demo users with digest auth: no failed
    call, and the operator lists ten acme bindings."""
    d = start_daemon()
    users = [(str(u), "acme.example", "pw%d" % u) for u in range(1001, 1011)]
    _check(*run_sipp(str(tmp_path), d.port, users), n=10)
    regs = d.registrations("acme")
    assert sorted(b["user"] for b in regs) == [u for u, _, _ in users]


def test_sipp_registers_1000_imported_users(start_daemon, tmp_path):
    """1,000 users imported from CSV (--import, --init-only) all register
    through SIPp at 200/s with digest auth: 0 failed calls, and
    `--ctl registrations` lists 1,000 bindings for that tenant."""
    n = 1000
    users = [(str(300000 + i), "load.example", "secret-%d" % i)
             for i in range(n)]
    csv = tmp_path / "users.csv"
    csv.write_text("# domain,username,password\n" + "".join(
        "%s,%s,%s\n" % (dom, u, pw) for u, dom, pw in users))

    d = start_daemon(start=False, demo=False,
                     opts=["auth.default_algorithms=MD5"])
    init = run_centrexd(d.base_args() + ["--import", str(csv),
                                         "--init-only"],
                        timeout=180, env=d.env, cwd=d.workdir)
    assert init.returncode == 0, "import failed (%d): %s" % (
        init.returncode, init.stderr[-2000:])
    assert "ready" not in init.stdout, "--init-only must not start serving"
    d.start()

    _check(*run_sipp(str(tmp_path), d.port, users, rate=200), n=n)

    regs = d.registrations()
    slugs = {b["tenant"] for b in regs}
    assert len(slugs) == 1, slugs
    slug = slugs.pop()
    by_tenant = d.registrations(slug)
    assert len(by_tenant) == n
    assert sorted(b["user"] for b in by_tenant) == sorted(
        u for u, _, _ in users)
