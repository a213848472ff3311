"""Starting and stopping: readiness, clashes with a running daemon."""
import os

from conftest import free_port, run_centrexd
from sipclient import SipClient


def test_ready_banner_and_clean_stop(start_daemon):
    """On start the daemon prints `centrexd 0.1.0 ready` and where it
    listens; SIGTERM stops it with status 0 and removes its control
    socket."""
    d = start_daemon()
    out = open(d.stdout_path).read()
    assert out.splitlines()[0] == "centrexd 0.1.0 ready", out
    assert "127.0.0.1:%d" % d.port in out
    assert os.path.exists(d.ctl_socket)
    assert d.stop() == 0
    assert not os.path.exists(d.ctl_socket)


def test_second_daemon_on_same_port_refuses(start_daemon, tmp_path):
    """Starting a second daemon on a SIP port already in use fails at
    once with a non-zero status and a message naming the listener; the
    first daemon keeps serving."""
    first = start_daemon()
    other = tmp_path / "other"
    other.mkdir()
    r = run_centrexd(
        ["-o", "sip.listen=udp:127.0.0.1:%d,tcp:127.0.0.1:%d"
         % (first.port, first.port),
         "-o", "store.url=sqlite:" + str(other / "c.db"),
         "-o", "ctl.socket=" + str(other / "s"), "--demo"],
        timeout=20, cwd=str(other), env=first.env)
    assert r.returncode not in (0, None), r.stdout
    assert "ready" not in r.stdout
    assert "127.0.0.1:%d" % first.port in r.stderr, r.stderr[-500:]
    with SipClient(first.port) as c:
        assert c.options().status == 200


def test_second_daemon_on_same_control_socket_refuses(start_daemon,
                                                       tmp_path):
    """A second daemon pointed at a control socket a running daemon owns
    refuses to start (rather than stealing it), and the first daemon's
    socket still answers."""
    first = start_daemon()
    other = tmp_path / "other"
    other.mkdir()
    port = free_port()
    r = run_centrexd(
        ["-o", "sip.listen=udp:127.0.0.1:%d,tcp:127.0.0.1:%d" % (port, port),
         "-o", "store.url=sqlite:" + str(other / "c.db"),
         "-o", "ctl.socket=" + first.ctl_socket, "--demo"],
        timeout=20, cwd=str(other), env=first.env)
    assert r.returncode not in (0, None), r.stdout
    assert "in use" in r.stderr, r.stderr[-500:]
    assert first.registrations() == []
