"""Broken, hostile and oversized input: refused cleanly, never fatal."""
import random
import socket
import time

import pytest

from sipclient import Registration, SipClient, random_token


def build(client, drop=(), replace=None, method="REGISTER",
          cseq_method=None, body=b"", content_length=None):
    """A REGISTER (or other method) with headers dropped or replaced."""
    replace = replace or {}
    headers = [
        ("Via", "SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport" % (
            client.transport.upper(), client.local_ip, client.local_port,
            random_token())),
        ("Max-Forwards", "70"),
        ("From", "<sip:1001@acme.example>;tag=%s" % random_token(4)),
        ("To", "<sip:1001@acme.example>"),
        ("Call-ID", random_token(10)),
        ("CSeq", "1 %s" % (cseq_method or method)),
        ("Contact", "<sip:1001@127.0.0.1:5999>"),
        ("Content-Length", str(len(body) if content_length is None
                               else content_length)),
    ]
    text = "%s sip:acme.example SIP/2.0\r\n" % method
    for name, value in headers:
        if name not in drop:
            text += "%s: %s\r\n" % (name, replace.get(name, value))
    return text.encode() + b"\r\n" + body


# (test id, build() arguments); each must get a 400 with a reason phrase
BAD_REQUESTS = [
    ("no-call-id", dict(drop=["Call-ID"])),
    ("no-from", dict(drop=["From"])),
    ("no-to", dict(drop=["To"])),
    ("no-cseq", dict(drop=["CSeq"])),
    ("no-max-forwards", dict(drop=["Max-Forwards"])),
    ("bad-max-forwards", dict(replace={"Max-Forwards": "many"})),
    ("cseq-method-mismatch", dict(cseq_method="INVITE")),
    ("content-length-beyond-body", dict(content_length=200)),
    ("to-without-host", dict(replace={"To": "<sip:1001@>"})),
    ("duplicate-from", dict(replace={
        "From": "<sip:1001@acme.example>;tag=1\r\nFrom: <sip:x@y>;tag=2"})),
    ("max-forwards-over-255", dict(replace={"Max-Forwards": "256"})),
    ("call-id-300-chars", dict(replace={"Call-ID": "c" * 300})),
    ("negative-content-length", dict(content_length="-5")),
    ("cseq-number-2^31", dict(replace={"CSeq": "2147483648 REGISTER"})),
    # RFC 3261 8.1.1.5: the number must be below 2^31; these must not be
    # read as some other number
    ("cseq-number-2^32", dict(replace={"CSeq": "4294967296 REGISTER"})),
    ("cseq-number-negative", dict(replace={"CSeq": "-1 REGISTER"})),
]


@pytest.mark.parametrize("args", [a for _, a in BAD_REQUESTS],
                         ids=[i for i, _ in BAD_REQUESTS])
def test_bad_request_gets_400_and_daemon_goes_on(centrexd, args):
    """A malformed REGISTER is answered 400 with a reason phrase, counted
    in sip_malformed, and the daemon keeps answering OPTIONS."""
    before = centrexd.metrics()["sip_malformed"]
    with SipClient(centrexd.port) as c:
        r = c.exchange(build(c, **args))
        assert r is not None, "no answer"
        assert r.status == 400, r.first_line
        assert r.reason.strip(), "400 without a reason phrase"
        ok = c.options()
        assert ok is not None and ok.status == 200
    assert centrexd.metrics()["sip_malformed"] == before + 1
    assert centrexd.registrations() == []


@pytest.mark.parametrize("contact,extra", [
    ("garbage<<", ()),
    ("<sip:1001@127.0.0.1:5999>;expires=ten", ()),
    ("<mailto:1001@acme.example>", ()),
    ("<sip:1001@127.0.0.1:5999>;q=2", ()),
    ("<sip:1001@127.0.0.1:5999>", ("Expires: soon",)),
], ids=["not-a-uri", "expires-param", "mailto", "q-above-1", "expires-hdr"])
def test_bad_contact_after_authentication_is_400(centrexd, contact, extra):
    """An authenticated REGISTER whose Contact is not a SIP URI, or whose
    expiry or q-value is not valid, gets 400 with a reason; nothing is
    stored."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        r = reg.register(contacts=[contact], extra_headers=extra)
        assert r is not None and r.status == 400, (contact, r)
        assert r.reason.strip()
    assert centrexd.registrations() == []


def test_tcp_request_without_content_length_is_refused(centrexd):
    """On TCP, where Content-Length frames the message, a request without
    one is not processed: refused with 400, or the connection is closed
    (libre does the latter).  Either way a new connection is served and
    nothing is registered."""
    with SipClient(centrexd.port, "tcp") as c:
        r = c.exchange(build(c, drop=["Content-Length"]), timeout=1.0)
        assert r is None or r.status == 400, r
    with SipClient(centrexd.port, "tcp") as c:
        assert c.options().status == 200
    assert centrexd.registrations() == []


def test_request_without_via_is_dropped(centrexd):
    """A request with no Via has nowhere to be answered: it is dropped
    silently and the daemon carries on."""
    with SipClient(centrexd.port) as c:
        assert c.exchange(build(c, drop=["Via"]), timeout=0.5) is None
        assert c.options().status == 200


def test_garbage_datagrams_do_not_stop_the_daemon(centrexd):
    """Hundreds of random and half-SIP datagrams (bounded, seeded) leave
    the daemon alive: OPTIONS is answered afterwards, over UDP and TCP."""
    rnd = random.Random(20240601)
    with SipClient(centrexd.port) as c:
        valid = build(c)
        payloads = []
        for _ in range(150):  # random bytes
            payloads.append(bytes(rnd.getrandbits(8)
                                  for _ in range(rnd.randint(1, 1400))))
        for _ in range(150):  # a valid request cut, flipped or spliced
            b = bytearray(valid)
            op = rnd.randrange(4)
            if op == 0:
                b = b[:rnd.randint(0, len(b))]
            elif op == 1:
                for _ in range(rnd.randint(1, 10)):
                    b[rnd.randrange(len(b))] = rnd.getrandbits(8)
            elif op == 2:
                i = rnd.randrange(len(b))
                b[i:i] = b"\x00" * rnd.randint(1, 5)
            else:
                i = rnd.randrange(len(b))
                b[i:i] = b"\r\n" + b"X" * rnd.randint(1, 300) + b":\r\n"
            payloads.append(bytes(b))
        payloads += [b"", b"\r\n\r\n", b"SIP/2.0 200 OK\r\n\r\n",
                     b"REGISTER\r\n\r\n", b"\xff" * 1000]
        for i, p in enumerate(payloads):
            c.send_raw(p)
            if i % 10 == 9:
                time.sleep(0.005)   # pace: keep the socket buffer from
                                    # overflowing (drops prove nothing)
        # like a real client, retransmit: the burst may have filled the
        # socket buffer and the first OPTIONS may be lost in the kernel
        for _ in range(3):
            ok = c.options(timeout=1.0)
            if ok is not None:
                break
        assert ok is not None and ok.status == 200, "daemon stopped answering"
    with SipClient(centrexd.port, "tcp") as t:
        assert t.options().status == 200
    assert centrexd.metrics()["sip_malformed"] > 0


def test_garbage_on_tcp_does_not_stop_the_daemon(centrexd):
    """Junk on a TCP connection may cost that connection, not the
    service: a new connection is answered."""
    s = socket.create_connection(("127.0.0.1", centrexd.port), timeout=2)
    try:
        s.sendall(b"\x00\xff GARBAGE \r\n\r\n" * 50 +
                  b"REGISTER sip:x SIP/2.0\r\nContent-Length: 99999\r\n\r\n")
    finally:
        s.close()
    with SipClient(centrexd.port, "tcp") as t:
        r = t.options(timeout=3)
        assert r is not None and r.status == 200


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_oversize_request_refused(centrexd, transport):
    """A 10 kB REGISTER (sip.max_message_bytes is 8192) is refused with
    513 Message Too Large or dropped, never processed; the daemon keeps
    answering."""
    with SipClient(centrexd.port, transport) as c:
        pad = "X-Pad: " + "a" * 10000
        big = build(c, replace={"Contact": "<sip:1001@127.0.0.1:5999>\r\n"
                                           + pad})
        assert len(big) > 10000
        r = c.exchange(big, timeout=1.0)
        if r is not None:
            assert r.status == 513, r.first_line
    with SipClient(centrexd.port, transport) as c:
        assert c.options().status == 200
    assert centrexd.registrations() == []
