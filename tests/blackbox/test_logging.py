"""Log output an operator's tools consume."""
import json
import re

from sipclient import Registration, SipClient, authorization


def test_text_log_lines_have_the_documented_shape(start_daemon):
    """Text log lines read `TIMESTAMP level module [tenant] message`; a
    failed login in acme is logged (at debug) with [acme]."""
    d = start_daemon(opts=["log.level=debug"])
    with SipClient(d.port) as c:
        r = Registration(c, "1001", "acme.example", "pw1001").register(
            password="bad")
        assert r.status == 403
    assert d.wait_for_log(r"\[acme\] .*1001")
    shape = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
                       r"(debug|info|notice|warn|error) +\S+ ")
    for line in d.stderr().splitlines():
        assert shape.match(line), line


def test_json_log_stays_valid_with_hostile_input(start_daemon):
    """With log.format=json every stderr line is one JSON object, even
    when a client puts quotes and backslashes in its username and sends
    binary junk that the SIP library complains about."""
    d = start_daemon(opts=["log.format=json", "log.level=debug"])
    with SipClient(d.port) as c:
        reg = Registration(c, "1001", "acme.example", "pw1001")
        ch = reg.pick(reg.send())
        auth = authorization(ch, "1001", "pw1001", "REGISTER",
                             "sip:acme.example")
        auth = auth.replace('username="1001"', r'username="a\"b\\c"')
        assert reg.send(authorization=auth).status == 403
        c.send_raw(b"\x01\x02\x1b[31m\x7f not sip at all \x00\r\n\r\n")
        assert c.options().status == 200
    assert d.wait_for_log(r"authentication failed")
    n = 0
    for line in d.stderr().splitlines():
        obj = json.loads(line)
        assert {"ts", "level", "mod", "msg"} <= set(obj), obj
        n += 1
    assert n >= 5
