"""Fixtures for the black-box suite: real centrexd processes on loopback.

Every daemon gets its own directory, store, control socket and free
UDP+TCP port.  A test asks for `centrexd` (one demo daemon, started) or
`start_daemon` (a factory, for several daemons, restarts and special
options).  At teardown each daemon still running gets SIGTERM (then
SIGKILL after a bound), and a daemon that exited with a non-zero status
or left a sanitizer report fails the test.  The REST API modules share
one demo daemon a module (`daemon`, from `module_daemons`) and its
logged-in clients `op`, `acme` and `globex`.

Under pytest-xdist, run with --dist loadgroup: see REAL_TIME_FIXTURES.

The binary is $CENTREXD, else <repo>/build/centrexd.

With $CENTREX_TEST_PG set (a postgresql:// URL for a role that may create
databases, as tools/pg.sh prints), each daemon stores its data in a
database of its own on that server instead of a SQLite file: created with
the Daemon, kept across its restarts, dropped at teardown.
"""
import glob
import os
import random
import re
import signal
import socket
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

import pytest

from apiclient import (DEMO_ACME_ADMIN, DEMO_GLOBEX_ADMIN, DEMO_OPERATOR,
                       client_for)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CENTREXD = os.environ.get("CENTREXD") or os.path.join(REPO, "build",
                                                      "centrexd")

READY_TIMEOUT_S = 10
STOP_TIMEOUT_S = 15
CTL_TIMEOUT_S = 10
READY_RE = re.compile(r"^centrexd \S+ ready$", re.M)


def free_port(ip="127.0.0.1"):
    """A port free for both UDP and TCP on ip (the daemon uses both)."""
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            u.bind((ip, 0))
            port = u.getsockname()[1]
            try:
                t.bind((ip, port))
            except OSError:
                continue
            return port
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port")


def _binary():
    if not os.access(CENTREXD, os.X_OK):
        pytest.fail("centrexd binary not found at %s (build it, or set "
                    "CENTREXD)" % CENTREXD, pytrace=False)
    return CENTREXD


def run_centrexd(args, timeout=CTL_TIMEOUT_S, env=None, cwd=None):
    """Run the binary to completion (config checks, control commands)."""
    return subprocess.run([_binary()] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL)


# --- PostgreSQL: one database per daemon ----------------------------------

TEST_PG = os.environ.get("CENTREX_TEST_PG") or None
_pg_serial = 0


def _psql():
    for p in ["/usr/bin/psql"] + sorted(
            glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True):
        if os.access(p, os.X_OK):
            return p
    pytest.fail("CENTREX_TEST_PG is set but psql is not installed",
                pytrace=False)


def _pg_admin(sql):
    """Run one statement on the CENTREX_TEST_PG server; fail loudly."""
    r = subprocess.run([_psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-d", TEST_PG, "-c", sql],
                       capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError("psql %r: status %d: %s"
                           % (sql, r.returncode, r.stderr.strip()))


class PgDatabase:
    """A fresh, empty database on the CENTREX_TEST_PG server, owned by the
    URL's role.  `url` is what the daemon gets as store.url; drop() is
    idempotent."""

    def __init__(self):
        global _pg_serial
        _pg_serial += 1
        # unique within this server even with several pytest processes
        self.name = "cx_%d_%d" % (os.getpid(), _pg_serial)
        _pg_admin('CREATE DATABASE "%s"' % self.name)
        self.dropped = False
        u = urllib.parse.urlsplit(TEST_PG)
        self.url = urllib.parse.urlunsplit(
            (u.scheme, u.netloc, "/" + self.name, u.query, u.fragment))

    def drop(self):
        """Drop it; a connection still open (a daemon killed with -9 whose
        backend has not noticed yet) is cut off."""
        if self.dropped:
            return
        self.dropped = True
        _pg_admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name)


def _sanitizer_env(workdir):
    """Keep sanitizer reports in files: the daemon's fd 2 may be a pipe
    it reads itself (log.capture_stderr), where a dying process's report
    would be lost."""
    env = dict(os.environ)
    for var, extra in (("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1"),
                       ("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")):
        cur = env.get(var, "")
        if "log_path=" not in cur:
            base = cur or extra
            env[var] = base + ":log_path=" + os.path.join(workdir, "sanitizer")
    return env


class Daemon:
    """One centrexd process and the files that belong to it."""

    def __init__(self, workdir, name, opts=(), demo=True, store=None,
                 config=None, import_file=None, port=None):
        self.workdir = workdir
        self.name = name
        os.makedirs(workdir, exist_ok=True)
        self.port_given = port is not None
        self.port = port or free_port()
        self.http_port = free_port()
        # an explicit store is a SQLite file; otherwise a database of
        # its own on $CENTREX_TEST_PG if set, else centrex.db here
        self.pg = None
        if store is None and TEST_PG:
            self.store_path = None
            self.pg = PgDatabase()
            self.store_url = self.pg.url
        else:
            self.store_path = store or os.path.join(workdir, "centrex.db")
            self.store_url = "sqlite:" + self.store_path
        # unix socket paths are limited to 107 bytes
        self.ctl_socket = os.path.join(workdir, "ctl.sock")
        self._short_dir = None
        if len(self.ctl_socket) > 100:
            self._short_dir = tempfile.mkdtemp(prefix="cx")
            self.ctl_socket = os.path.join(self._short_dir, "ctl.sock")
        self.config = config
        self.import_file = import_file
        self.demo = demo
        self.opts = list(opts)
        self.proc = None
        self._recorded = False
        self.runs = 0
        self.killed = False
        self.exit_codes = []
        self.env = _sanitizer_env(workdir)

    # --- paths and arguments -------------------------------------------

    @property
    def rtp_ports(self):
        """A block of RTP ports of its own, below the ephemeral range where
        other tests' sockets land."""
        if not hasattr(self, "_rtp"):
            base = 20000 + random.randrange(12) * 1000
            self._rtp = (base, base + 999)
        return self._rtp

    @property
    def stdout_path(self):
        return os.path.join(self.workdir, "stdout.%d.txt" % self.runs)

    @property
    def stderr_path(self):
        return os.path.join(self.workdir, "stderr.%d.txt" % self.runs)

    def base_args(self):
        args = []
        if self.config:
            args += ["-c", self.config]
        args += ["-o", "sip.listen=udp:127.0.0.1:%d,tcp:127.0.0.1:%d"
                 % (self.port, self.port),
                 "-o", "store.url=" + self.store_url,
                 "-o", "http.listen=127.0.0.1:%d" % self.http_port,
                 "-o", "ctl.socket=" + self.ctl_socket,
                 "-o", "media.rtp_ports=%d-%d" % self.rtp_ports]
        for o in self.opts:
            args += ["-o", o]
        return args

    # --- life cycle -----------------------------------------------------

    def start(self, timeout=READY_TIMEOUT_S):
        assert self.proc is None or self.proc.poll() is not None
        self.runs += 1
        self.killed = False
        self._recorded = False
        args = [_binary()] + self.base_args()
        if self.demo:
            args.append("--demo")
        if self.import_file:
            args += ["--import", self.import_file]
        with open(self.stdout_path, "wb") as out, \
                open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL,
                                         cwd=self.workdir, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY_RE.search(self._read(self.stdout_path)):
                return self
            rc = self.proc.poll()
            if rc is not None and self.runs == 1 and \
                    "cannot listen" in self.stderr_tail() and \
                    getattr(self, "_port_retries", 0) < 3:
                # a port free when chosen was taken since by another
                # process (ephemeral ports are shared): choose again
                self._port_retries = getattr(self, "_port_retries", 0) + 1
                if not self.port_given:
                    self.port = free_port()
                self.http_port = free_port()
                self.runs = 0
                return self.start(timeout)
            if rc is not None:
                self._recorded = True   # reported here, not at teardown
                raise AssertionError(
                    "centrexd exited with status %s before 'ready'\n"
                    "args: %s\n--- stderr ---\n%s"
                    % (rc, " ".join(args), self.stderr_tail()))
            time.sleep(0.02)
        raise AssertionError("centrexd not ready after %ss\n--- stderr ---\n%s"
                             % (timeout, self.stderr_tail()))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        assert self.running(), "daemon not running"
        self.proc.send_signal(sig)

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM and wait; SIGKILL past the bound.  Returns the status."""
        if self.proc is None or self._recorded:
            return self.proc.returncode if self.proc else None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                self._record("still running %ss after SIGTERM" % timeout)
                return None
        self._record(self.proc.returncode)
        return self.proc.returncode

    def _record(self, rc):
        self._recorded = True
        if not self.killed:
            self.exit_codes.append(rc)

    def kill9(self):
        """Crash the daemon on purpose (its status is then not checked)."""
        self.killed = True
        self.proc.kill()
        self.proc.wait(5)
        self._recorded = True

    def restart(self, **kw):
        self.stop()
        return self.start(**kw)

    def drop_store(self):
        """At teardown, once stopped: drop the PostgreSQL database, if it
        has one.  Returns a list of problems (empty when all went well)."""
        if self.pg is None:
            return []
        try:
            self.pg.drop()
        except Exception as e:
            return ["centrexd %s: cannot drop database %s: %s"
                    % (self.name, self.pg.name, e)]
        return []

    # --- output ---------------------------------------------------------

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stderr(self, run=None):
        """Daemon stderr of one run (default: the current one)."""
        return self._read(os.path.join(self.workdir, "stderr.%d.txt"
                                       % (run or self.runs)))

    def all_stderr(self):
        return "".join(self.stderr(r) for r in range(1, self.runs + 1))

    def stderr_tail(self, n=60):
        return "\n".join(self.all_stderr().splitlines()[-n:])

    def sanitizer_reports(self):
        text = ""
        for p in sorted(glob.glob(os.path.join(self.workdir, "sanitizer*"))):
            text += "--- %s ---\n%s\n" % (p, self._read(p))
        return text

    def wait_for_log(self, pattern, timeout=5.0, count=1):
        """Wait until stderr matches pattern `count` times; return matches."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            found = rx.findall(self.stderr())
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    # --- its store, the way an operator with a shell gets in -----------

    def sql(self, statement, query=False):
        """Run SQL on this daemon's own store (SQLite file or PostgreSQL
        database): to put rows in place as another part of the daemon
        would, or to age one without waiting.  With query, the rows as
        lists of texts."""
        if self.pg is None:
            db = sqlite3.connect(self.store_path, timeout=10)
            try:
                if query:
                    return [[str(v) for v in row]
                            for row in db.execute(statement).fetchall()]
                db.executescript(statement)
                db.commit()
            finally:
                db.close()
            return None
        r = subprocess.run([_psql(), "-X", "-q", "-A", "-t",
                            "-v", "ON_ERROR_STOP=1", "-d", self.pg.url,
                            "-c", statement], capture_output=True,
                           text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, "psql %r: %s" % (statement, r.stderr)
        if query:
            return [line.split("|") for line in r.stdout.splitlines()
                    if line]
        return None

    # --- control socket -------------------------------------------------

    def ctl(self, command):
        """Text answer of `centrexd --ctl COMMAND` for this daemon."""
        r = run_centrexd(["-o", "ctl.socket=" + self.ctl_socket, "--ctl",
                          command], env=self.env)
        assert r.returncode == 0, "--ctl %s: status %d: %s" % (
            command, r.returncode, r.stderr)
        return r.stdout

    def registrations(self, tenant=None):
        """Bindings as dicts: tenant user transport source expiry contact."""
        text = self.ctl("registrations" + (" " + tenant if tenant else ""))
        return parse_registrations(text)

    def metrics(self):
        out = {}
        for line in self.ctl("metrics").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                out[parts[0]] = int(parts[1])
        return out

    def bans(self):
        """Banned addresses as dicts: address failures remaining."""
        lines = self.ctl("bans").splitlines()
        assert lines and lines[0].split()[0] == "address", lines
        out = []
        for line in lines[1:]:
            parts = line.split()
            if len(parts) >= 3:
                out.append({"address": parts[0], "failures": int(parts[1]),
                            "remaining": parts[2]})
        return out


def parse_registrations(text):
    lines = [l for l in text.splitlines() if l.strip()]
    assert lines, "empty answer to registrations"
    assert not lines[0].startswith("error"), lines[0]
    header = lines[0].split()
    assert header[0] == "tenant" and header[-1] == "contact", lines[0]
    out = []
    for line in lines[1:]:
        parts = line.split(None, 5)
        assert len(parts) == 6, "unexpected registrations line: %r" % line
        t, user, tp, src, expiry, contact = parts
        m = re.match(r"^(\d+)s$", expiry)
        assert m, "expiry not like 3599s: %r" % line
        out.append({"tenant": t, "user": user, "transport": tp,
                    "source": src, "expiry": int(m.group(1)),
                    "contact": contact})
    return out


# --- pytest plumbing ----------------------------------------------------

# Tests whose phones play and record audio in real time, that load the
# daemon on purpose, or that count seconds across restarts: under
# pytest-xdist (--dist loadgroup) they run one after the other in one
# process, as without xdist, because two of them at once on a small
# machine starve each other of processor time (audio arrives late or
# short, a restart outlasts a 3 s binding).  Every other test module is
# a group of its own, so that a module's shared daemon is started once.
REAL_TIME_FIXTURES = {"phones", "carriers"}
REAL_TIME_MODULES = {"test_call_load", "test_sipp", "test_baresip",
                     "test_persistence", "test_ban"}


# tryfirst: an xdist worker turns the marks into node id suffixes in its
# own pass over the items, which must come after this one; otherwise no
# test has a group, and one module's tests run in both processes, each
# with a daemon of its own (a test then misses what an earlier one made)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        module = item.module.__name__.rpartition(".")[2]
        if module in REAL_TIME_MODULES or \
                REAL_TIME_FIXTURES & set(item.fixturenames):
            group = "real-time"
        else:
            group = module
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, attach each daemon's stderr to the report."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        # the test's own daemons, then those its module shares
        shared = getattr(item.module, "_centrexd_module_daemons", None)
        for d in getattr(item, "_centrexd_daemons", []) + \
                (shared.daemons if shared else []):
            rep.sections.append(("centrexd %s stderr (last lines)" % d.name,
                                 d.stderr_tail(80) or "(empty)"))
            san = d.sanitizer_reports()
            if san:
                rep.sections.append(("centrexd %s sanitizer" % d.name, san))


def finish_daemons(daemons):
    """Stop every daemon and clean up after it; the list of problems (a
    stop that failed, a non-zero exit status other than after kill9(), a
    sanitizer report) is empty when all went well."""
    problems = []
    for d in daemons:
        try:
            d.stop()
        except Exception as e:  # keep stopping the others
            problems.append("centrexd %s: stop failed: %r" % (d.name, e))
            if d.proc and d.proc.poll() is None:
                d.proc.kill()
        if d._short_dir:
            shutil.rmtree(d._short_dir, ignore_errors=True)
        problems += d.drop_store()
        bad = [rc for rc in d.exit_codes if rc != 0]
        if bad:
            problems.append("centrexd %s exited with status %s\n%s"
                            % (d.name, bad, d.stderr_tail(40)))
        san = d.sanitizer_reports()
        if san:
            problems.append("centrexd %s sanitizer report:\n%s"
                            % (d.name, san[:6000]))
    return problems


@pytest.fixture
def start_daemon(request, tmp_path):
    """Factory: start_daemon(name='d', opts=[...], demo=True, ...) -> Daemon.

    Every daemon is stopped at teardown; a non-zero exit status (other
    than after kill9()) or a sanitizer report fails the test.
    """
    daemons = []
    request.node._centrexd_daemons = daemons

    def factory(name="d", start=True, **kw):
        d = Daemon(str(tmp_path / name), name, **kw)
        daemons.append(d)
        if start:
            d.start()
        return d

    yield factory

    problems = finish_daemons(daemons)
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def centrexd(start_daemon):
    """One running daemon with the demo tenants (acme, globex)."""
    return start_daemon()


# --- daemons shared by a whole test module (the REST API tests) ---------

class ModuleDaemons:
    """Factory for daemons that live for a whole test module: start once,
    log in once, run many tests.  Stopped and checked (exit status,
    sanitizer reports) when the module is done."""

    def __init__(self, base):
        self.base = base
        self.daemons = []

    def __call__(self, name="d", start=True, **kw):
        d = Daemon(str(self.base / name), name, **kw)
        self.daemons.append(d)
        if start:
            d.start()
        return d

    def finish(self):
        return finish_daemons(self.daemons)


@pytest.fixture(scope="module")
def module_daemons(request, tmp_path_factory):
    """Factory: module_daemons(name='d', opts=[...], ...) -> Daemon, one
    process for every test of the module.  A failing test of the module
    gets their stderr in its report."""
    md = ModuleDaemons(tmp_path_factory.mktemp(
        request.module.__name__.replace(".", "_")))
    request.module._centrexd_module_daemons = md
    yield md
    problems = md.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


# --- the REST API tests: one demo daemon a module, logged in once -------
#
# A module may set API_TIMEOUT (seconds, for its clients: uploads under
# the sanitizers are slow) and override any of these by defining a
# fixture of the same name.

@pytest.fixture(scope="module")
def daemon(request, module_daemons):
    """The module's demo daemon (tenants acme and globex), named after
    the module: test_api_cdrs.py's is api-cdrs."""
    name = request.module.__name__.rpartition(".")[2]
    return module_daemons(name.replace("test_", "", 1).replace("_", "-"))


def _module_client(request, daemon, account):
    return client_for(daemon, account,
                      timeout=getattr(request.module, "API_TIMEOUT", 15))


@pytest.fixture(scope="module")
def op(request, daemon):
    """The platform operator, logged in."""
    return _module_client(request, daemon, DEMO_OPERATOR)


@pytest.fixture(scope="module")
def acme(request, daemon):
    """Acme's tenant admin (tenant 1), logged in."""
    return _module_client(request, daemon, DEMO_ACME_ADMIN)


@pytest.fixture(scope="module")
def globex(request, daemon):
    """Globex's tenant admin (tenant 2), logged in."""
    return _module_client(request, daemon, DEMO_GLOBEX_ADMIN)
