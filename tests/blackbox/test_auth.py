"""Digest authentication of REGISTER: challenges, algorithms, tenants."""
import re
import time

import pytest

from sipclient import Registration, SipClient


def test_first_register_is_challenged(centrexd):
    """An unauthenticated REGISTER gets 401 with a digest challenge for
    the tenant's realm: a 40-hex nonce, qop="auth", algorithm MD5 (acme
    offers MD5 only)."""
    with SipClient(centrexd.port) as c:
        r = Registration(c, "1001", "acme.example", "pw1001").send()
        assert r is not None and r.status == 401, r
        hdrs = r.get_all("www-authenticate")
        assert len(hdrs) == 1, hdrs
        ch = r.challenges()[0]
        assert ch["scheme"] == "Digest"
        assert ch["realm"] == "acme.example"
        assert re.fullmatch(r"[0-9a-f]{40}", ch["nonce"]), ch["nonce"]
        assert ch["algorithm"] == "MD5"
        assert ch["qop"] == "auth"
        assert "stale" not in ch
    assert centrexd.registrations() == []


def test_register_md5_in_acme(centrexd):
    """1001@acme.example with the right password registers: 200 OK lists
    the contact with its expiry, and the operator sees the binding."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        r = reg.register(expires=120)
        assert r is not None and r.status == 200, r
        (uri, params), = r.contacts()
        assert uri == "sip:1001@127.0.0.1:%d;transport=udp" % c.local_port
        assert 115 <= int(params["expires"]) <= 120
    b, = centrexd.registrations("acme")
    assert (b["tenant"], b["user"], b["transport"]) == ("acme", "1001", "UDP")
    assert b["contact"] == uri
    assert b["source"] == "127.0.0.1:%d" % c.local_port
    assert 115 <= b["expiry"] <= 120
    assert centrexd.metrics()["register_ok"] == 1


def test_globex_offers_sha256_then_md5(centrexd):
    """globex.example challenges with two WWW-Authenticate headers,
    SHA-256 first, then MD5, sharing one realm."""
    with SipClient(centrexd.port) as c:
        r = Registration(c, "2001", "globex.example", "pw2001").send()
        assert r.status == 401
        algs = [ch["algorithm"] for ch in r.challenges()]
        assert algs == ["SHA-256", "MD5"]
        assert {ch["realm"] for ch in r.challenges()} == {"globex.example"}


@pytest.mark.parametrize("algorithm", ["SHA-256", "MD5"])
def test_globex_registers_with_either_algorithm(centrexd, algorithm):
    """A globex phone answering the SHA-256 challenge, or the MD5 one,
    is registered (200 OK) and listed under tenant globex."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "2001", "globex.example", "pw2001")
        r = reg.register(algorithm=algorithm)
        assert r is not None and r.status == 200, r
    assert [b["user"] for b in centrexd.registrations("globex")] == ["2001"]


def test_acme_refuses_sha256_answer(centrexd):
    """acme offers MD5 only: a client that answers with SHA-256 anyway
    (computed correctly) is not let in but challenged again (new 401,
    MD5 only, not stale), and nothing is registered."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        first = reg.send()
        assert first.status == 401
        ch = reg.pick(first)
        auth = reg.answer(ch, algorithm="SHA-256")
        r = reg.send(authorization=auth)
        assert r is not None and r.status == 401, r
        assert [x["algorithm"] for x in r.challenges()] == ["MD5"]
        assert "stale" not in r.challenges()[0]
    assert centrexd.registrations() == []


def _failed_attempt(port, user, domain, password, algorithm=None):
    with SipClient(port) as c:
        reg = Registration(c, user, domain, password)
        return reg.register(algorithm=algorithm)


def test_failures_are_indistinguishable(centrexd):
    """Wrong password, unknown user and unknown domain all end in the
    same 403 Forbidden: same reason phrase, the same header names in the
    same order and the same values apart from the per-request ones (Via,
    tags, Call-ID, CSeq), so a scanner cannot tell which part was
    wrong."""
    wrong_pw = _failed_attempt(centrexd.port, "1001", "acme.example", "nope")
    no_user = _failed_attempt(centrexd.port, "1999", "acme.example", "pw1999")
    no_domain = _failed_attempt(centrexd.port, "1001", "nowhere.example",
                                "pw1001", algorithm="MD5")
    answers = {"wrong password": wrong_pw, "unknown user": no_user,
               "unknown domain": no_domain}
    for what, r in answers.items():
        assert r is not None, "no answer for %s" % what
        assert r.status == 403, "%s: %s" % (what, r.first_line)

    per_request = {"via", "from", "to", "call-id", "cseq"}

    def fixed(r):
        return [(n, v) for n, v in zip(r.header_names(),
                                       (v for _, v in r.headers))
                if n not in per_request]

    ref = wrong_pw
    for what, r in answers.items():
        assert r.reason == ref.reason, (what, r.reason, ref.reason)
        assert r.header_names() == ref.header_names(), (
            what, r.header_names(), ref.header_names())
        assert fixed(r) == fixed(ref), (what, fixed(r), fixed(ref))
        assert r.body == ref.body
    assert centrexd.metrics()["register_auth_failed"] == 3
    assert centrexd.registrations() == []


def test_unknown_user_is_challenged_like_a_known_one(centrexd):
    """The first 401 for a user who does not exist looks like the one
    for a real user of the same domain (same headers, same challenge
    apart from the nonce)."""
    with SipClient(centrexd.port) as c:
        known = Registration(c, "1001", "acme.example", "x").send()
        unknown = Registration(c, "1999", "acme.example", "x").send()
    assert known.status == unknown.status == 401
    assert known.header_names() == unknown.header_names()
    strip = lambda r: [{k: v for k, v in ch.items() if k != "nonce"}
                       for ch in r.challenges()]
    assert strip(known) == strip(unknown)


def test_unknown_domain_is_challenged_like_a_real_one(centrexd):
    """A REGISTER for a domain no tenant owns still gets a 401 challenge
    with that realm (not an early 404/403 that would reveal it)."""
    with SipClient(centrexd.port) as c:
        r = Registration(c, "1001", "nowhere.example", "x").send()
        assert r.status == 401
        assert r.challenges()[0]["realm"] == "nowhere.example"


@pytest.mark.parametrize("user,password,domain", [
    ("2001", "pw2001", "acme.example"),     # globex user into acme
    ("1001", "pw1001", "globex.example"),   # acme user into globex
])
def test_cross_tenant_registration_refused(centrexd, user, password, domain):
    """A user of one tenant, with its own valid password, cannot register
    in the other tenant's domain: 403, and no binding anywhere."""
    r = _failed_attempt(centrexd.port, user, domain, password,
                        algorithm="MD5")
    assert r is not None and r.status == 403, r
    assert centrexd.registrations() == []


def test_to_user_must_match_digest_user(centrexd):
    """1001 authenticating correctly but registering 1002's address of
    record (To: 1002) is refused with 403: a device registers only its
    own number."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001",
                           to_user="1002")
        r = reg.register()
        assert r is not None and r.status == 403, r
    assert centrexd.registrations() == []


def test_wrong_realm_in_credentials_gets_new_challenge(centrexd):
    """Credentials computed for another realm are ignored: the daemon
    challenges again rather than checking them."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ch = reg.pick(reg.send())
        r = reg.send(authorization=reg.answer(ch, realm="globex.example"))
        assert r is not None and r.status == 401, r
    assert centrexd.registrations() == []


def test_nonce_reused_with_next_count_is_accepted(centrexd):
    """A phone that keeps its nonce and increments nc (00000002) on its
    next REGISTER is accepted without a new challenge (RFC 7616)."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ch = reg.pick(reg.send())
        assert reg.send(authorization=reg.answer(ch, nc=1)).status == 200
        r = reg.send(expires=300, authorization=reg.answer(ch, nc=2))
        assert r is not None and r.status == 200, r
        (_, params), = r.contacts()
        assert int(params["expires"]) <= 300


def test_expired_nonce_gets_stale_challenge(start_daemon):
    """With auth.nonce_ttl_s=10, credentials built on a nonce older than
    that get 401 with stale=true (the phone retries without asking the
    user for a password); a fresh nonce then works."""
    d = start_daemon(opts=["auth.nonce_ttl_s=10"])
    with SipClient(d.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ch = reg.pick(reg.send())
        time.sleep(12)
        r = reg.send(authorization=reg.answer(ch))
        assert r is not None and r.status == 401, r
        fresh = r.challenges()[0]
        assert fresh.get("stale") == "true", r.get_all("www-authenticate")
        assert fresh["nonce"] != ch["nonce"]
        r = reg.send(authorization=reg.answer(fresh))
        assert r is not None and r.status == 200, r


def test_odd_authorization_headers_are_refused(start_daemon):
    """Broken or hostile Authorization headers (no fields, Basic,
    unterminated quotes, bad nonce, unsupported algorithm or qop, a
    3000-character username, hundreds of parameters) are answered 401 or
    403, never accepted, and the daemon keeps answering."""
    # many 403s from one address: keep the ban out of the way
    centrexd = start_daemon(opts=["security.ban_failures=1000"])
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ch = reg.pick(reg.send())
        good = reg.answer(ch)
        n = ch["nonce"]
        variants = [
            "Digest",
            "Basic MTAwMTpwdzEwMDE=",
            'Digest realm="acme.example"',
            'Digest username="1001", realm="acme.example", nonce="%s"' % n,
            good.replace('response="', 'response="0'),
            good.replace("algorithm=MD5", "algorithm=MD5-sess"),
            good.replace("qop=auth", "qop=auth-int"),
            good.replace("nc=00000001", "nc=zzzzzzzz"),
            good.replace('username="1001"', 'username="%s"' % ("1" * 3000)),
            good.replace('realm="acme.example"', 'realm="acme.example'),
            good.replace(n, n[:-1]),
            good.replace(n, n[:-1] + ("0" if n[-1] != "0" else "1")),
            good.replace('username="1001"', 'username=""'),
            "Digest " + ", ".join("x%d=y" % i for i in range(400))
            + ', realm="acme.example"',
        ]
        for auth in variants:
            r = reg.send(authorization=auth, timeout=2)
            assert r is not None, "no answer to: %s" % auth[:120]
            assert r.status in (401, 403), (r.first_line, auth[:120])
        assert c.options().status == 200
    assert centrexd.registrations() == []
