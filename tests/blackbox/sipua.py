"""A raw SIP phone for the presence and chat tests, on top of sipclient.

It registers, sends requests that the daemon challenges with 407 (and
answers the challenge), and takes the requests the daemon sends it
(NOTIFY, MESSAGE), answering each with a status of the test's choosing.
Requests that arrive while it waits for an answer are kept in order, so
a test never loses a NOTIFY that overtook a 200.
"""
import re
import time

import pytest

from sipclient import Message, Registration, SipClient, authorization, \
    parse_digest, random_token


class Phone:
    def __init__(self, port, user, domain, password, transport="udp",
                 answer=200):
        self.client = SipClient(port, transport=transport)
        self.user = user
        self.domain = domain
        self.password = password
        self.reg = Registration(self.client, user, domain, password)
        self.answer = answer          # status given to incoming requests
        self.inbox = []               # incoming requests, oldest first
        self.cseq = 0

    def close(self):
        self.client.close()

    @property
    def aor(self):
        return "sip:%s@%s" % (self.user, self.domain)

    def register(self, expires=None):
        r = self.reg.register(expires=expires)
        assert r is not None and r.status == 200, r
        return r

    # --- incoming -------------------------------------------------------

    def _reply(self, req, status, reason="OK"):
        lines = ["SIP/2.0 %d %s" % (status, reason)]
        for name in ("via", "from", "call-id", "cseq"):
            for v in req.get_all(name):
                lines.append("%s: %s" % (name.title(), v))
        to = req.get("to")
        if "tag=" not in to:
            to += ";tag=%s" % random_token(4)
        lines.append("To: %s" % to)
        lines.append("Content-Length: 0")
        self.client.send_raw("\r\n".join(lines) + "\r\n\r\n")

    def _take(self, msg):
        """An incoming request is answered and kept; True if it was one."""
        if msg.status is not None:
            return False
        method = msg.first_line.split(" ", 1)[0]
        if method != "ACK":
            self._reply(msg, self.answer,
                        "OK" if self.answer < 300 else "Nope")
        self.inbox.append(msg)
        return True

    def wait_request(self, method, timeout=5.0, match=None):
        """The next incoming `method` (removed from the inbox), or None."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.inbox):
                if m.first_line.startswith(method + " ") and \
                        (match is None or match(m)):
                    return self.inbox.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            msg = self.client.recv(left)
            if msg is None:
                return None
            self._take(msg)

    def drain(self, quiet=0.3):
        """Answer and keep whatever arrives within `quiet` seconds."""
        while True:
            msg = self.client.recv(quiet)
            if msg is None:
                return
            self._take(msg)

    # --- outgoing -------------------------------------------------------

    def _final(self, call_id, cseq, timeout):
        deadline = time.monotonic() + timeout
        while True:
            msg = self.client.recv(max(0.0, deadline - time.monotonic()))
            if msg is None:
                return None
            if self._take(msg):
                continue
            if msg.get("call-id") != call_id or msg.get("cseq") != cseq:
                continue
            if msg.status >= 200:
                return msg

    def request(self, method, ruri, headers=(), body=b"", ctype=None,
                call_id=None, to_tag=None, from_tag=None, auth=True,
                timeout=5.0):
        """Send method (answering one 407); return the final answer."""
        call_id = call_id or random_token(10) + "@phone"
        from_tag = from_tag or random_token(4)
        proxy_auth = None
        for _ in range(2):
            self.cseq += 1
            cseq = "%d %s" % (self.cseq, method)
            if isinstance(body, str):
                body = body.encode()
            lines = [
                "%s %s SIP/2.0" % (method, ruri),
                self.client.via(),
                "Max-Forwards: 70",
                "From: <%s>;tag=%s" % (self.aor, from_tag),
                "To: <%s>%s" % (ruri, ";tag=" + to_tag if to_tag else ""),
                "Call-ID: %s" % call_id,
                "CSeq: %s" % cseq,
                "Contact: <sip:%s@%s:%d;transport=%s>" % (
                    self.user, self.client.local_ip, self.client.local_port,
                    self.client.transport),
            ] + list(headers)
            if proxy_auth:
                lines.append("Proxy-Authorization: %s" % proxy_auth)
            if ctype:
                lines.append("Content-Type: %s" % ctype)
            lines.append("Content-Length: %d" % len(body))
            self.client.send_raw(("\r\n".join(lines) + "\r\n\r\n").encode()
                                 + body)
            r = self._final(call_id, cseq, timeout)
            if r is None or r.status != 407 or not auth or proxy_auth:
                return r
            ch = parse_digest(r.get("proxy-authenticate"))
            proxy_auth = authorization(ch, self.user, self.password,
                                       method, ruri)
        return r

    def subscribe(self, target, event, expires=600, accept=None, **kw):
        """SUBSCRIBE to target (an extension) for event; returns the final
        answer, and keeps the dialog for refresh() in self.subs."""
        ruri = "sip:%s@%s" % (target, self.domain) \
            if "@" not in target else "sip:" + target
        headers = ["Event: %s" % event, "Expires: %d" % expires]
        if accept:
            headers.append("Accept: %s" % accept)
        call_id = random_token(10) + "@phone"
        from_tag = random_token(4)
        r = self.request("SUBSCRIBE", ruri, headers, call_id=call_id,
                         from_tag=from_tag, **kw)
        if r is not None and r.status == 200:
            self.subs = getattr(self, "subs", {})
            m = re.search(r"tag=([^;>\s]+)", r.get("to"))
            self.subs[(target, event)] = (ruri, call_id, from_tag,
                                          m.group(1) if m else None)
        return r

    def refresh(self, target, event, expires):
        """An in-dialog SUBSCRIBE (Expires: 0 ends the subscription)."""
        ruri, call_id, from_tag, to_tag = self.subs[(target, event)]
        return self.request("SUBSCRIBE", ruri,
                            ["Event: %s" % event, "Expires: %d" % expires],
                            call_id=call_id, from_tag=from_tag,
                            to_tag=to_tag)


@pytest.fixture
def ua(centrexd):
    """Factory of phones on the test's daemon (or another's `port`),
    registered unless told otherwise; closed at teardown."""
    made = []

    def factory(user, domain="acme.example", password=None, register=True,
                port=None, **kw):
        p = Phone(port or centrexd.port, user, domain,
                  password or "pw" + user, **kw)
        made.append(p)
        if register:
            p.register()
        return p

    yield factory
    for p in made:
        p.close()


def notify_of(event):
    """A match for wait_request: a NOTIFY of that event package."""
    return lambda m: (m.get("event") or "").split(";")[0] == event


def body_text(msg):
    return msg.body.decode("utf-8", "replace")


__all__ = ["Phone", "Message", "notify_of", "body_text", "ua"]
