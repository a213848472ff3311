"""What the registrar does with contacts: several per user, q-values,
limits, removal, ordering, replays and retransmissions, TCP."""
import re

import pytest

from sipclient import Registration, SipClient


def _contact(c, n):
    return "sip:1001@127.0.0.1:%d;line=%d" % (c.local_port, n)


def _registered(centrexd, user="1001"):
    return sorted(b["contact"] for b in centrexd.registrations()
                  if b["user"] == user)


def test_several_contacts_with_q_values(centrexd):
    """A phone registering two contacts (one with q=0.5), then a third in
    a later REGISTER: each 200 OK lists every current binding with its
    expiry, q shown as 0.500; the operator sees all three."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        a, b, third = _contact(c, 1), _contact(c, 2), _contact(c, 3)
        r = reg.register(contacts=["<%s>;q=0.5" % a, "<%s>" % b],
                         expires=300)
        assert r is not None and r.status == 200, r
        got = dict(r.contacts())
        assert set(got) == {a, b}
        assert got[a]["q"] == "0.500"
        assert "q" not in got[b]
        assert all(295 <= int(p["expires"]) <= 300 for p in got.values())

        r = reg.register(contacts=["<%s>;expires=200" % third], expires=300)
        assert r.status == 200, r
        got = dict(r.contacts())
        assert set(got) == {a, b, third}
        assert 195 <= int(got[third]["expires"]) <= 200
        assert got[a]["q"] == "0.500"
    assert _registered(centrexd) == sorted([a, b, third])


def test_max_contacts_replaces_oldest(start_daemon):
    """With registrar.max_contacts=2, a third contact pushes out the
    oldest one: 200 OK and the operator both list the two newest."""
    d = start_daemon(opts=["registrar.max_contacts=2"])
    with SipClient(d.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        for n in (1, 2, 3):
            r = reg.register(contacts=["<%s>" % _contact(c, n)])
            assert r is not None and r.status == 200, r
        assert sorted(u for u, _ in r.contacts()) == sorted(
            [_contact(c, 2), _contact(c, 3)])
    assert _registered(d) == sorted([_contact(c, 2), _contact(c, 3)])
    # the replaced binding is gone from the store too
    d.restart()
    assert _registered(d) == sorted([_contact(c, 2), _contact(c, 3)])


def test_too_brief_expires_gets_423(centrexd):
    """Asking for 30 s when the minimum is 60 s is refused with 423
    Interval Too Brief and Min-Expires: 60; nothing is registered."""
    with SipClient(centrexd.port) as c:
        r = Registration(c, "1001", "acme.example", "pw1001").register(
            expires=30)
        assert r is not None and r.status == 423, r
        assert r.get("min-expires") == "60"
    assert centrexd.registrations() == []


def test_long_expires_is_capped(centrexd):
    """Asking for a day is granted, but cut to registrar.max_expires
    (3600 s) in the 200 OK."""
    with SipClient(centrexd.port) as c:
        r = Registration(c, "1001", "acme.example", "pw1001").register(
            expires=86400)
        assert r.status == 200, r
        (_, params), = r.contacts()
        assert 3595 <= int(params["expires"]) <= 3600


@pytest.mark.parametrize("where,value", [("header", "4294967296"),
                                         ("param", "4294967306")])
def test_huge_expires_is_capped_not_wrapped(centrexd, value, where):
    """An Expires beyond 32 bits (2^32, 2^32+10) is a very long
    registration: it is capped to max_expires (3600 s), not read modulo
    2^32 as 0 (which would unregister the phone) or 10 (423)."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        uri = _contact(c, 1)
        if where == "header":
            r = reg.register(contacts=["<%s>" % uri], expires=value)
        else:
            r = reg.register(contacts=["<%s>;expires=%s" % (uri, value)])
        assert r is not None and r.status == 200, r
        got = dict(r.contacts())
        assert uri in got, "contact not registered: %s" % r.get_all(
            "contact")
        assert 3500 <= int(got[uri]["expires"]) <= 3600
    assert _registered(centrexd) == [uri]


def test_unregister_all_with_star(centrexd):
    """Contact: * with Expires: 0 removes all of the user's bindings:
    200 OK without Contact headers, and the operator lists none."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        r = reg.register(contacts=["<%s>" % _contact(c, 1),
                                   "<%s>" % _contact(c, 2)])
        assert r.status == 200 and len(r.contacts()) == 2
        other = Registration(c, "1002", "acme.example", "pw1002")
        assert other.register().status == 200

        r = reg.unregister_all()
        assert r is not None and r.status == 200, r
        assert r.contacts() == []
    # only 1002 is left
    assert [b["user"] for b in centrexd.registrations()] == ["1002"]


def test_star_without_expires_zero_is_400(centrexd):
    """Contact: * without Expires: 0 is a malformed request: 400, and the
    existing binding stays."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        assert reg.register().status == 200
        r = reg.register(contacts=["*"], expires=3600)
        assert r is not None and r.status == 400, r
        assert r.reason
    assert len(centrexd.registrations()) == 1


def test_contact_expires_zero_removes_one(centrexd):
    """A contact re-registered with expires=0 is removed; the others
    stay."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        a, b = _contact(c, 1), _contact(c, 2)
        assert reg.register(contacts=["<%s>" % a, "<%s>" % b]).status == 200
        r = reg.register(contacts=["<%s>;expires=0" % a])
        assert r.status == 200
        assert [u for u, _ in r.contacts()] == [b]
    assert _registered(centrexd) == [b]


def test_out_of_order_cseq_is_400(centrexd):
    """After a REGISTER with CSeq 10, a REGISTER on the same Call-ID with
    a lower CSeq (properly authenticated) is refused with 400 and does not
    change the binding."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ch = reg.pick(reg.send(cseq=9))
        r = reg.send(cseq=10, expires=600, authorization=reg.answer(ch))
        assert r.status == 200, r

        ch = reg.pick(reg.send(cseq=4))
        r = reg.send(cseq=5, expires=120, authorization=reg.answer(ch))
        assert r is not None and r.status == 400, r
        assert r.reason
    b, = centrexd.registrations()
    assert b["expiry"] > 500, b  # still the CSeq 10 registration


def test_replayed_credentials_get_stale_challenge(centrexd):
    """Credentials copied from a successful REGISTER onto a new request
    (new CSeq, same nonce and nc) are not accepted: 401 with stale=true,
    and the replayed contact is not registered."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ok = reg.register()
        assert ok.status == 200
        stolen = reg.last_authorization
        r = reg.send(contacts=["<sip:evil@127.0.0.1:9>"],
                     authorization=stolen)
        assert r is not None and r.status == 401, r
        ch = r.challenges()[0]
        assert ch.get("stale") == "true", r.get_all("www-authenticate")
    assert "sip:evil@127.0.0.1:9" not in _registered(centrexd)
    assert centrexd.metrics()["register_stale_nonce"] == 1


def test_replayed_credentials_cannot_add_a_contact(centrexd):
    """Someone who captured 1001's REGISTER resends it from another host
    with the same Call-ID, CSeq and Authorization but their own Contact.
    That is not a retransmission (the request differs): it must not be
    accepted, and the attacker's contact must not receive 1001's calls."""
    with SipClient(centrexd.port) as phone:
        reg = Registration(phone, "1001", "acme.example", "pw1001")
        assert reg.register().status == 200
        captured = reg.last_request
    forged = re.sub(r"(?m)^Contact: .*$",
                    "Contact: <sip:attacker@127.0.0.9:6666>", captured)
    assert forged != captured
    with SipClient(centrexd.port, local_ip="127.0.0.9") as attacker:
        forged = re.sub(r"(?m)^Via: .*$", attacker.via(), forged)
        r = attacker.exchange(forged)
    assert "sip:attacker@127.0.0.9:6666" not in _registered(centrexd), \
        "replayed credentials registered a foreign contact (answer: %r)" % r
    assert r is not None and r.status == 401, r


def test_exact_retransmission_is_answered_again(centrexd):
    """A REGISTER resent byte for byte (a UDP retransmission: same
    Call-ID, CSeq, nonce and nc) is answered 200 OK again, with one
    binding only."""
    with SipClient(centrexd.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ok = reg.register()
        assert ok.status == 200
        again = c.exchange(reg.last_request)
        assert again is not None and again.status == 200, again
        assert again.contacts() == ok.contacts()
    assert len(centrexd.registrations()) == 1


def test_register_over_tcp(centrexd):
    """A phone using TCP registers over one connection; the operator
    sees transport TCP and the connection's source address."""
    with SipClient(centrexd.port, "tcp") as c:
        reg = Registration(c, "1003", "acme.example", "pw1003")
        r = reg.register()
        assert r is not None and r.status == 200, r
        (uri, _), = r.contacts()
        b, = centrexd.registrations("acme")
        assert b["transport"] == "TCP"
        assert b["source"] == "127.0.0.1:%d" % c.local_port
        assert b["contact"] == uri
