"""OPTIONS keepalives and methods the daemon does not implement."""
from sipclient import SipClient, random_token


def test_options_answered_with_allow(centrexd):
    """A phone or load balancer pinging with OPTIONS gets 200 OK and an
    Allow header that lists REGISTER (over UDP and over TCP)."""
    for tp in ("udp", "tcp"):
        with SipClient(centrexd.port, tp) as c:
            r = c.options()
            assert r is not None, "no answer to OPTIONS over %s" % tp
            assert r.status == 200, r.first_line
            allow = [m.strip() for m in r.get("allow", "").split(",")]
            assert "REGISTER" in allow, r.get("allow")
    assert centrexd.metrics()["options_answered"] >= 2


def test_unimplemented_method_gets_501(centrexd):
    """A method nobody handles (an extension method, PING) is refused
    with 501 Not Implemented, telling the client what is allowed."""
    with SipClient(centrexd.port) as c:
        req = ("PING sip:1001@acme.example SIP/2.0\r\n"
               "%s\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:1002@acme.example>;tag=%s\r\n"
               "To: <sip:1001@acme.example>\r\n"
               "Call-ID: %s\r\n"
               "CSeq: 1 PING\r\n"
               "Content-Length: 0\r\n\r\n"
               % (c.via(), random_token(4), random_token(10)))
        r = c.exchange(req)
        assert r is not None and r.status == 501, r
        assert "REGISTER" in r.get("allow", "")
        assert "SUBSCRIBE" in r.get("allow", "")
        assert "MESSAGE" in r.get("allow", "")
