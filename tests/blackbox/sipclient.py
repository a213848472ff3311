"""A deliberately small SIP client for black-box tests of centrexd.

It speaks just enough SIP over UDP or TCP to drive the registrar
precisely: build requests by hand, send raw bytes (good or broken), parse
answers, and answer digest challenges (MD5 and SHA-256, qop=auth).

Nothing here is clever on purpose: a test should be able to read the
bytes it sends.  Only loopback addresses are ever used.
"""
import hashlib
import os
import re
import select
import socket
import time

# compact header forms (RFC 3261 7.3.3) -> canonical lower-case names
_COMPACT = {
    "i": "call-id", "m": "contact", "e": "content-encoding",
    "l": "content-length", "c": "content-type", "f": "from",
    "s": "subject", "k": "supported", "t": "to", "v": "via",
}

ALGORITHMS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def _canon(name):
    name = name.strip().lower()
    return _COMPACT.get(name, name)


def random_token(nbytes=8):
    return os.urandom(nbytes).hex()


class Message:
    """A parsed SIP response (or request): first line, headers, body."""

    def __init__(self, raw):
        self.raw = raw
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("utf-8", "replace").split("\r\n")
        self.first_line = lines[0]
        self.headers = []           # [(name as sent, value)], in order
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:   # folded line
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
                continue
            name, _, value = line.partition(":")
            self.headers.append((name.strip(), value.strip()))
        self.body = body
        self.status = None
        self.reason = None
        m = re.match(r"SIP/2\.0 (\d{3}) ?(.*)$", self.first_line)
        if m:
            self.status = int(m.group(1))
            self.reason = m.group(2)

    def get_all(self, name):
        """Every value of a header (compact forms included), in order."""
        want = _canon(name)
        return [v for n, v in self.headers if _canon(n) == want]

    def get(self, name, default=None):
        vals = self.get_all(name)
        return vals[0] if vals else default

    def header_names(self):
        return [_canon(n) for n, _ in self.headers]

    def contacts(self):
        """Contact values split into (uri, {param: value}) pairs."""
        out = []
        for value in self.get_all("contact"):
            for part in _split_commas(value):
                out.append(parse_name_addr(part))
        return out

    def challenges(self):
        """WWW-Authenticate headers as a list of dicts (lower-case keys)."""
        return [parse_digest(v) for v in self.get_all("www-authenticate")]

    def __repr__(self):
        return "<SIP %s>" % self.first_line


def _split_commas(value):
    """Split a header value on commas outside <> and quotes."""
    parts, cur, depth, quoted = [], "", 0, False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "<":
            depth += 1
        elif not quoted and ch == ">":
            depth -= 1
        if ch == "," and not quoted and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_name_addr(value):
    """'<sip:a@b>;expires=5;q=0.5' -> ('sip:a@b', {'expires': '5', ...})"""
    m = re.match(r'\s*(?:"[^"]*"\s*)?<([^>]*)>(.*)$', value)
    if m:
        uri, rest = m.group(1), m.group(2)
    else:
        uri, _, rest = value.partition(";")
        rest = ";" + rest if rest else ""
    params = {}
    for p in rest.split(";"):
        p = p.strip()
        if p:
            k, _, v = p.partition("=")
            params[k.strip().lower()] = v.strip()
    return uri.strip(), params


def parse_digest(value):
    """'Digest realm="x", nonce="y", algorithm=MD5' -> dict."""
    scheme, _, rest = value.strip().partition(" ")
    out = {"scheme": scheme}
    for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)',
                         rest):
        v = m.group(2)
        if v.startswith('"'):
            v = v[1:-1]
        out[m.group(1).lower()] = v
    return out


def digest_response(algorithm, username, realm, password, method, uri,
                    nonce, nc, cnonce, qop="auth"):
    """RFC 7616 / RFC 3261 digest with qop=auth."""
    h = ALGORITHMS[algorithm]

    def H(s):
        return h(s.encode()).hexdigest()

    ha1 = H("%s:%s:%s" % (username, realm, password))
    ha2 = H("%s:%s" % (method, uri))
    return H("%s:%s:%s:%s:%s:%s" % (ha1, nonce, nc, cnonce, qop, ha2))


def authorization(challenge, username, password, method, uri, nc=1,
                  cnonce=None, algorithm=None, realm=None, response=None):
    """Build an Authorization header value answering a parsed challenge."""
    alg = algorithm or challenge.get("algorithm", "MD5")
    realm = challenge["realm"] if realm is None else realm
    cnonce = cnonce or random_token(8)
    ncs = "%08x" % nc
    if response is None:
        response = digest_response(alg, username, realm, password, method,
                                   uri, challenge["nonce"], ncs, cnonce)
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=%s, cnonce="%s", qop=auth, nc=%s'
            % (username, realm, challenge["nonce"], uri, response, alg,
               cnonce, ncs))


class SipClient:
    """One socket towards the daemon: UDP, or a TCP connection.

    local_ip chooses the source address (any 127.x.y.z works on Linux's
    loopback), so that ban tests can appear as different hosts.
    """

    def __init__(self, server_port, transport="udp", local_ip="127.0.0.1",
                 server_ip="127.0.0.1", timeout=2.0):
        assert server_ip.startswith("127."), "loopback only"
        assert local_ip.startswith("127."), "loopback only"
        self.server = (server_ip, server_port)
        self.transport = transport.lower()
        self.timeout = timeout
        if self.transport == "udp":
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((local_ip, 0))
        elif self.transport == "tcp":
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.bind((local_ip, 0))
            self.sock.settimeout(timeout)
            self.sock.connect(self.server)
        else:
            raise ValueError(transport)
        self.local_ip, self.local_port = self.sock.getsockname()
        self._buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- raw I/O ---------------------------------------------------------

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode()
        if self.transport == "udp":
            self.sock.sendto(data, self.server)
        else:
            self.sock.sendall(data)

    def recv(self, timeout=None):
        """Next message from the daemon, or None when none came in time."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            if self.transport == "tcp":
                msg = self._take_from_stream()
                if msg is not None:
                    return msg
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            if self.transport == "udp":
                data, _ = self.sock.recvfrom(65535)
                return Message(data)
            data = self.sock.recv(65535)
            if not data:
                return self._take_from_stream()  # peer closed
            self._buf += data

    def _take_from_stream(self):
        # skip keepalive CRLFs
        self._buf = self._buf.lstrip(b"\r\n")
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self._buf[:end].decode("utf-8", "replace")
        m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
        clen = int(m.group(1)) if m else 0
        total = end + 4 + clen
        if len(self._buf) < total:
            return None
        raw, self._buf = self._buf[:total], self._buf[total:]
        return Message(raw)

    def recv_final(self, timeout=None, call_id=None, cseq=None):
        """Next final answer, skipping 1xx and, when call_id/cseq are
        given, answers to other requests (late replies to earlier junk).
        None when none came in time."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            msg = self.recv(max(0.0, deadline - time.monotonic()))
            if msg is None:
                return None
            if call_id is not None and msg.get("call-id") != call_id:
                continue
            if cseq is not None and msg.get("cseq") != cseq:
                continue
            if msg.status is None or msg.status >= 200:
                return msg

    def exchange(self, data, timeout=None):
        """Send a request; return the final answer to it (matched on
        Call-ID and CSeq when the request has them), or None."""
        if isinstance(data, str):
            data = data.encode()
        req = Message(data)
        self.send_raw(data)
        return self.recv_final(timeout, call_id=req.get("call-id"),
                               cseq=req.get("cseq"))

    # --- request building ------------------------------------------------

    def via(self, branch=None):
        return "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport" % (
            self.transport.upper(), self.local_ip, self.local_port,
            branch or random_token(8))

    def options(self, ruri="sip:127.0.0.1", timeout=None):
        req = ("OPTIONS %s SIP/2.0\r\n"
               "%s\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:probe@127.0.0.1>;tag=%s\r\n"
               "To: <%s>\r\n"
               "Call-ID: %s\r\n"
               "CSeq: 1 OPTIONS\r\n"
               "Content-Length: 0\r\n\r\n"
               % (ruri, self.via(), random_token(4), ruri, random_token(10)))
        return self.exchange(req, timeout)


class Registration:
    """One client registration: a Call-ID and its CSeq sequence.

    build() returns the exact request text so tests can resend or alter it;
    register() runs the whole challenge/response exchange.
    """

    def __init__(self, client, user, domain, password, to_user=None,
                 call_id=None, auth_user=None):
        self.client = client
        self.user = user
        self.domain = domain
        self.password = password
        self.to_user = to_user or user
        self.auth_user = auth_user or user
        self.call_id = call_id or random_token(12) + "@test"
        self.from_tag = random_token(4)
        self.cseq = 0
        self.last_request = None
        self.last_authorization = None

    @property
    def ruri(self):
        return "sip:%s" % self.domain

    def default_contact(self):
        return "<sip:%s@%s:%d;transport=%s>" % (
            self.user, self.client.local_ip, self.client.local_port,
            self.client.transport)

    def build(self, contacts=None, expires=None, authorization=None,
              cseq=None, extra_headers=()):
        """Request text; contacts is a list of Contact header values."""
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        if contacts is None:
            contacts = [self.default_contact()]
        lines = [
            "REGISTER %s SIP/2.0" % self.ruri,
            self.client.via(),
            "Max-Forwards: 70",
            "From: <sip:%s@%s>;tag=%s" % (self.user, self.domain,
                                          self.from_tag),
            "To: <sip:%s@%s>" % (self.to_user, self.domain),
            "Call-ID: %s" % self.call_id,
            "CSeq: %d REGISTER" % cseq,
        ]
        lines += ["Contact: %s" % c for c in contacts]
        if expires is not None:
            lines.append("Expires: %s" % expires)
        if authorization:
            lines.append("Authorization: %s" % authorization)
        lines += list(extra_headers)
        lines.append("User-Agent: centrex-blackbox")
        lines.append("Content-Length: 0")
        req = "\r\n".join(lines) + "\r\n\r\n"
        self.last_request = req
        return req

    def send(self, timeout=None, **kw):
        return self.client.exchange(self.build(**kw), timeout)

    def answer(self, challenge, algorithm=None, password=None, nc=1,
               realm=None):
        """Authorization value for a challenge (wrong password allowed)."""
        auth = authorization(challenge, self.auth_user,
                             self.password if password is None else password,
                             "REGISTER", self.ruri, nc=nc,
                             algorithm=algorithm, realm=realm)
        self.last_authorization = auth
        return auth

    @staticmethod
    def pick(response, algorithm=None):
        """The challenge for algorithm (default: the first one offered)."""
        chs = response.challenges()
        if not chs:
            raise AssertionError("no WWW-Authenticate in %r" % response)
        if algorithm is None:
            return chs[0]
        for ch in chs:
            if ch.get("algorithm", "MD5").upper() == algorithm.upper():
                return ch
        raise AssertionError("algorithm %s not offered: %s"
                             % (algorithm, response.get_all(
                                 "www-authenticate")))

    def register(self, contacts=None, expires=None, algorithm=None,
                 password=None, timeout=None, extra_headers=()):
        """REGISTER, answer the 401, return the final response.

        If the first answer is not a 401 it is returned as is.  The
        challenge answered is the one for `algorithm` (default: first).
        """
        first = self.send(contacts=contacts, expires=expires,
                          timeout=timeout, extra_headers=extra_headers)
        if first is None or first.status != 401:
            return first
        ch = self.pick(first, algorithm)
        auth = self.answer(ch, algorithm=ch.get("algorithm", "MD5"),
                           password=password)
        return self.send(contacts=contacts, expires=expires,
                         authorization=auth, timeout=timeout,
                         extra_headers=extra_headers)

    def unregister_all(self, timeout=None):
        first = self.send(contacts=["*"], expires=0, timeout=timeout)
        if first is None or first.status != 401:
            return first
        auth = self.answer(self.pick(first))
        return self.send(contacts=["*"], expires=0, authorization=auth,
                         timeout=timeout)
