"""A real softphone: Debian's baresip 1.0 registering to centrexd.

baresip runs from its own config directory (-f) with a minimal module
set: account (reads the accounts file), g711 (a codec, so the UA has
something to offer), menu (provides the `reginfo` command) and ctrl_tcp
(JSON commands in netstrings on a loopback TCP port).  No audio driver,
and none of ice/stun/turn: it talks to nothing but 127.0.0.1 (SIP
listener, DNS server and control port are all pinned to loopback).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import free_port

BARESIP = shutil.which("baresip")
MODULES = "/usr/lib/baresip/modules"

pytestmark = pytest.mark.skipif(
    BARESIP is None or not os.path.isdir(MODULES),
    reason="baresip not installed")


def _port_with_free_neighbour():
    """A port p free for UDP and TCP whose p + 1 is free for TCP too."""
    for _ in range(50):
        p = free_port()
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
        finally:
            t.close()
    raise RuntimeError("no port with a free neighbour")


class Baresip:
    def __init__(self, workdir, account_line, name="baresip", tone=None,
                 codecs=("g711.so",)):
        """tone: a WAV file the phone sends as its microphone; with it the
        phone also records what it receives (and sends) into its
        directory, as dump-*-dec.wav (and -enc.wav)."""
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        # baresip 1.0 also binds TLS on sip_port + 1 (it has no switch to
        # turn TLS off): keep that port out of everyone else's way
        self.sip_port = _port_with_free_neighbour()
        self.ctrl_port = free_port()
        while self.ctrl_port in (self.sip_port, self.sip_port + 1):
            self.ctrl_port = free_port()
        if tone:
            audio = ("audio_player\t\taufile,%s\n"
                     "audio_source\t\taufile,%s\n"
                     "module\t\t\taufile.so\n"
                     "module\t\t\tsndfile.so\n"
                     "snd_path\t\t%s\n"
                     % (os.path.join(self.dir, "played.wav"), tone,
                        self.dir))
        else:
            audio = ("audio_player\t\tnothing\n"
                     "audio_source\t\tnothing\n")
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(
                "poll_method\t\tepoll\n"
                "sip_listen\t\t127.0.0.1:%d\n"
                "sip_transports\t\tudp\n"
                "net_interface\t\t127.0.0.1\n"
                "dns_server\t\t127.0.0.1:53\n"
                "%s"
                "audio_alert\t\tnothing\n"
                "module_path\t\t%s\n"
                "%s"
                "module_app\t\taccount.so\n"
                "module_app\t\tmenu.so\n"
                "module_app\t\tctrl_tcp.so\n"
                "ctrl_tcp_listen\t\t127.0.0.1:%d\n"
                % (self.sip_port, audio, MODULES,
                   "".join("module\t\t\t%s\n" % m for m in codecs),
                   self.ctrl_port))
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(account_line + "\n")
        self.log_path = os.path.join(self.dir, "baresip.log")
        self.proc = None
        self.sock = None
        self.buf = b""
        self.events = []

    def start(self):
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [BARESIP, "-4", "-f", self.dir], stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.sock = socket.create_connection(
                    ("127.0.0.1", self.ctrl_port), timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None or \
                        time.monotonic() > deadline:
                    raise AssertionError("baresip did not start:\n"
                                         + self.log())
                time.sleep(0.1)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout=5):
        """SIGTERM (baresip then unregisters), SIGKILL past the bound."""
        if self.sock:
            self.sock.close()
            self.sock = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def _netstring(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            m = re.match(rb"(\d+):", self.buf)
            if m:
                n, start = int(m.group(1)), m.end()
                if len(self.buf) >= start + n + 1:
                    payload = self.buf[start:start + n]
                    self.buf = self.buf[start + n + 1:]
                    return json.loads(payload)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not data:
                return None
            self.buf += data

    def command(self, cmd, params="", timeout=5):
        token = "t%d" % time.monotonic_ns()
        j = json.dumps({"command": cmd, "params": params,
                        "token": token}).encode()
        self.sock.sendall(b"%d:%s," % (len(j), j))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self._netstring(deadline - time.monotonic())
            if msg is None:
                break
            if msg.get("event"):
                self.events.append(msg)
            elif msg.get("token") == token:
                return msg
        raise AssertionError("no answer to %s from baresip" % cmd)


@pytest.fixture
def baresip(tmp_path):
    started = []

    def factory(account_line, **kw):
        b = Baresip(str(tmp_path), account_line, **kw)
        started.append(b)
        b.start()
        return b

    yield factory
    for b in started:
        b.stop()


def _account(user, domain, password, port):
    return ('<sip:%s@%s;transport=udp>;auth_pass=%s;'
            'outbound="sip:127.0.0.1:%d";regint=60'
            % (user, domain, password, port))


def _reginfo_ok(ua, timeout=10):
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        r = ua.command("reginfo")
        assert r.get("ok"), r
        text = re.sub(r"\x1b\[[0-9;]*m", "", r.get("data", ""))
        if re.search(r"\bOK\b", text):
            return text
        time.sleep(0.2)
    raise AssertionError("baresip not registered; reginfo says:\n%s\n"
                         "--- baresip log ---\n%s" % (text, ua.log()))


def test_baresip_registers(centrexd, baresip):
    """baresip as 1001@acme.example registers: its own `reginfo` shows
    the account OK with centrexd's Server name, and the operator lists
    1001 in acme with baresip's SIP port as the contact."""
    ua = baresip(_account("1001", "acme.example", "pw1001", centrexd.port))
    info = _reginfo_ok(ua)
    assert "sip:1001@acme.example" in info
    assert "Centrex" in info

    regs = centrexd.registrations("acme")
    assert len(regs) == 1, regs
    b = regs[0]
    assert (b["user"], b["transport"]) == ("1001", "UDP")
    assert "@127.0.0.1:%d" % ua.sip_port in b["contact"]
    assert b["source"] == "127.0.0.1:%d" % ua.sip_port
    assert 0 < b["expiry"] <= 60
    assert centrexd.metrics()["register_ok"] >= 1

    # quitting baresip unregisters it
    ua.stop()
    deadline = time.monotonic() + 5
    while centrexd.registrations() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert centrexd.registrations() == [], "binding left after baresip quit"


def test_baresip_wrong_password_not_registered(centrexd, baresip):
    """baresip with a wrong password is not registered: reginfo never
    shows OK (the log has the 403) and the operator lists nothing."""
    ua = baresip(_account("1002", "acme.example", "wrong", centrexd.port))
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if "403" in ua.log():
            break
        time.sleep(0.2)
    assert "403" in ua.log(), ua.log()
    text = re.sub(r"\x1b\[[0-9;]*m", "", ua.command("reginfo")["data"])
    assert not re.search(r"\bOK\b", text), text
    assert centrexd.registrations() == []
