"""TCP specifics: many phones connecting at once."""
import select
import signal
import socket
import time

from sipclient import Message, random_token

BURST = 64


def _connect_burst(port, n):
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    return socks


def _wait_connected(socks, seconds):
    """The sockets whose handshake completes within `seconds`."""
    pending, done = set(socks), set()
    deadline = time.monotonic() + seconds
    while pending and time.monotonic() < deadline:
        _, w, _ = select.select([], list(pending), [],
                                max(0, deadline - time.monotonic()))
        for s in w:
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
            pending.discard(s)
            done.add(s)
    return done


def test_tcp_connection_burst_while_daemon_busy(centrexd):
    """64 phones reconnect over TCP at the same moment while the daemon
    is busy for half a second (simulated with SIGSTOP/SIGCONT).  The
    kernel should queue all of them for the daemon to accept: none may
    have its SYN dropped (which costs the phone a 1 s, then 3 s, ...
    retransmission delay).  After the pause each phone's OPTIONS is
    answered."""
    socks = []
    try:
        centrexd.signal(signal.SIGSTOP)
        try:
            socks = _connect_burst(centrexd.port, BURST)
            queued = _wait_connected(socks, 0.5)
        finally:
            centrexd.signal(signal.SIGCONT)
        later = _wait_connected([s for s in socks if s not in queued], 5)
        assert len(queued) + len(later) == BURST, "connections failed"
        assert len(queued) == BURST, (
            "only %d of %d TCP connections were queued while the daemon "
            "was busy; the rest waited for SYN retransmission (listen "
            "backlog too small)" % (len(queued), BURST))

        for s in socks:
            s.setblocking(True)
            s.settimeout(5)
            port = s.getsockname()[1]
            s.sendall(("OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                       "Via: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bK%s\r\n"
                       "Max-Forwards: 70\r\nFrom: <sip:p@127.0.0.1>;tag=1\r\n"
                       "To: <sip:127.0.0.1>\r\nCall-ID: %s\r\n"
                       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
                       % (port, random_token(), random_token())).encode())
        for s in socks:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                assert chunk, "connection closed without an answer"
                data += chunk
            assert Message(data).status == 200
    finally:
        for s in socks:
            s.close()
