"""Configuration: the sample file, validation, --print-config, SIGHUP."""
import os
import signal

from conftest import REPO, free_port, run_centrexd
from sipclient import Registration, SipClient

SAMPLE = os.path.join(REPO, "etc", "centrex.conf")


def test_repo_sample_config_is_current():
    """etc/centrex.conf, the file operators copy, is exactly what
    `centrexd --sample-config` prints (byte for byte)."""
    r = run_centrexd(["--sample-config"])
    assert r.returncode == 0, r.stderr
    assert os.path.exists(SAMPLE), \
        "etc/centrex.conf is missing (regenerate with --sample-config)"
    with open(SAMPLE, "rb") as f:
        on_disk = f.read()
    assert on_disk == r.stdout.encode(), \
        "etc/centrex.conf differs from `centrexd --sample-config`"


def test_sample_config_is_valid_and_documented(tmp_path):
    """The sample config loads as is, and every key in it is preceded by
    a comment explaining it."""
    r = run_centrexd(["--sample-config"])
    sample = tmp_path / "sample.conf"
    sample.write_text(r.stdout)
    chk = run_centrexd(["-c", str(sample), "--check-config"], cwd=tmp_path)
    assert chk.returncode == 0, chk.stderr
    lines = r.stdout.splitlines()
    keys = 0
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            keys += 1
            assert " = " in line, line
            assert lines[i - 1].startswith("# "), "undocumented: " + line
    assert keys >= 15


def test_print_config_shows_overrides(tmp_path):
    """--print-config prints `key = value` lines with -o overrides and
    file values applied (the override wins over the file)."""
    conf = tmp_path / "c.conf"
    conf.write_text("registrar.max_contacts = 7\nlog.level = warn\n")
    r = run_centrexd(["-c", str(conf), "-o", "log.level=debug",
                      "-o", "registrar.min_expires=5", "--print-config"],
                     cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = set(r.stdout.splitlines())
    assert "registrar.min_expires = 5" in lines
    assert "registrar.max_contacts = 7" in lines
    assert "log.level = debug" in lines
    assert "registrar.max_expires = 3600" in lines


def test_unknown_override_key_exits_2(tmp_path):
    """A typo in -o stops the daemon at once: exit status 2 and a
    message naming the key (it never starts listening)."""
    port = free_port()
    r = run_centrexd(["-o", "sip.listen=udp:127.0.0.1:%d" % port,
                      "-o", "store.url=sqlite:" + str(tmp_path / "c.db"),
                      "-o", "ctl.socket=" + str(tmp_path / "s"),
                      "-o", "registrar.max_contact=5", "--demo"],
                     cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "registrar.max_contact" in r.stderr
    assert "ready" not in r.stdout


def test_unknown_key_in_file_exits_2(tmp_path):
    """A config file with an unknown key is refused with status 2 and a
    message naming the key (and the file)."""
    conf = tmp_path / "bad.conf"
    conf.write_text("# ok\nlog.level = info\nsecurity.ban_failure = 3\n")
    r = run_centrexd(["-c", str(conf), "--check-config"], cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "security.ban_failure" in r.stderr
    assert "bad.conf" in r.stderr


def test_bad_webhook_settings_exit_2(tmp_path):
    """The webhook retry settings are checked like every key: a wait
    below its bound, a count that is not a number, or a misspelt key
    each stop the daemon with status 2 and a message naming the key;
    good values load."""
    good = tmp_path / "good.conf"
    good.write_text("webhook.max_attempts = 3\nwebhook.first_retry_ms = 50"
                    "\nwebhook.max_retry_ms = 200\nwebhook.timeout_ms = 500"
                    "\nwebhook.queue_max = 10\n")
    r = run_centrexd(["-c", str(good), "--print-config"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "webhook.first_retry_ms = 50" in r.stdout.splitlines()
    for key, value in (("webhook.first_retry_ms", "5"),
                       ("webhook.max_attempts", "many"),
                       ("webhook.max_retries", "3")):
        conf = tmp_path / "bad.conf"
        conf.write_text("log.level = info\n%s = %s\n" % (key, value))
        r = run_centrexd(["-c", str(conf), "--check-config"], cwd=tmp_path)
        assert r.returncode == 2, (key, r.returncode, r.stderr)
        assert key in r.stderr and "bad.conf" in r.stderr, (key, r.stderr)


def test_out_of_range_value_exits_2(tmp_path):
    """A value outside its documented bounds (min_expires=0) is refused
    with status 2, naming the key."""
    r = run_centrexd(["-o", "registrar.min_expires=0", "--check-config"],
                     cwd=tmp_path)
    assert r.returncode == 2
    assert "registrar.min_expires" in r.stderr


def test_sighup_reloads_log_level(start_daemon, tmp_path):
    """An operator edits log.level in the config file and sends SIGHUP:
    the daemon logs a `reload:` line for it and debug lines (here: a
    refused malformed request) appear from then on."""
    conf = tmp_path / "centrex.conf"
    conf.write_text("log.level = info\n")
    d = start_daemon(config=str(conf))

    def poke():
        with SipClient(d.port) as c:
            # no Max-Forwards: refused, which is logged at debug level
            c.exchange("OPTIONS sip:127.0.0.1 SIP/2.0\r\n%s\r\n"
                       "From: <sip:a@127.0.0.1>;tag=1\r\n"
                       "To: <sip:127.0.0.1>\r\nCall-ID: hup%s\r\n"
                       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
                       % (c.via(), c.local_port))

    poke()
    assert "refused" not in d.stderr(), "debug line before reload"
    conf.write_text("log.level = debug\n")
    d.signal(signal.SIGHUP)
    found = d.wait_for_log(r"reload: log\.level = debug")
    assert found, "no reload: line after SIGHUP"
    poke()
    assert d.wait_for_log(r"debug .*refused"), "level not applied"
    # the daemon keeps serving after the reload
    with SipClient(d.port) as c:
        assert c.options().status == 200


def test_sighup_with_broken_file_keeps_running(start_daemon, tmp_path):
    """A config file broken after start does not kill the daemon on
    SIGHUP: it warns and keeps the running configuration."""
    conf = tmp_path / "centrex.conf"
    conf.write_text("log.level = info\n")
    d = start_daemon(config=str(conf))
    conf.write_text("log.level = loud\n")
    d.signal(signal.SIGHUP)
    assert d.wait_for_log(r"reload: .*invalid"), "no warning"
    with SipClient(d.port) as c:
        assert c.options().status == 200


def test_max_message_bytes_is_honoured(start_daemon):
    """With sip.max_message_bytes=1024, a 2 kB OPTIONS over UDP is
    refused with 513 (or dropped) while a small one is answered."""
    d = start_daemon(opts=["sip.max_message_bytes=1024"])
    with SipClient(d.port) as c:
        big = ("OPTIONS sip:127.0.0.1 SIP/2.0\r\n%s\r\nMax-Forwards: 70\r\n"
               "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
               "Call-ID: big%d\r\nCSeq: 1 OPTIONS\r\nX-Pad: %s\r\n"
               "Content-Length: 0\r\n\r\n"
               % (c.via(), c.local_port, "p" * 2000))
        r = c.exchange(big, timeout=1.0)
        assert r is None or r.status == 513, r
        assert c.options().status == 200
    if r is not None:
        assert d.metrics()["sip_oversize"] == 1


def test_sighup_applies_new_min_expires(start_daemon, tmp_path):
    """Raising registrar.min_expires from 60 to 120 in the file and
    sending SIGHUP makes the registrar ask for 120 s (423, Min-Expires:
    120) without a restart."""
    conf = tmp_path / "centrex.conf"
    conf.write_text("registrar.min_expires = 60\n")
    d = start_daemon(config=str(conf))

    def attempt():
        with SipClient(d.port) as c:
            return Registration(c, "1001", "acme.example",
                                "pw1001").register(expires=100)

    assert attempt().status == 200
    conf.write_text("registrar.min_expires = 120\n")
    d.signal(signal.SIGHUP)
    assert d.wait_for_log(r"reload: registrar\.min_expires = 120")
    r = attempt()
    assert r.status == 423, r
    assert r.get("min-expires") == "120"
