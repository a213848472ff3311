"""REST API: call detail records, GET /tenants/{t}/cdrs.

No call has been made on these daemons, so every answer is empty: what
is checked here is the shape of the answers (a JSON page, a CSV document
with its header line), the parameters (from, to, format, limit, cursor:
each refusal is problem+json naming the parameter) and who may read
(tenant admins and the operator everything, other users their own calls,
another tenant nothing).  Records themselves are tested in the store's
unit tests, and end to end by the call tests.
"""
import csv
import io

import pytest

from apiclient import ApiClient, acme_accounts

ACME, GLOBEX = 1, 2
HEADER = ["accountcode", "src", "dst", "dcontext", "clid", "channel",
          "dstchannel", "lastapp", "lastdata", "start", "answer", "end",
          "duration", "billsec", "disposition", "amaflags", "uniqueid",
          "userfield"]


@pytest.fixture(scope="module")
def people(daemon, acme):
    """Acme accounts that can log in: a supervisor, a user, an agent."""
    return acme_accounts(daemon, acme, (("cdrsup", "supervisor"),
                                         ("cdruser", "user"),
                                         ("cdragent", "agent")))


def cpath(tid=ACME, query=""):
    return "/tenants/%d/cdrs%s" % (tid, query)


def test_empty_json_page(acme, op):
    for c in (acme, op):
        page = c.ok("GET", cpath())
        assert page == {"items": [], "next_cursor": None}, page
    q = "?from=2026-11-22T10:00:00Z&to=2026-11-23T10:00:00.500Z&limit=5"
    assert acme.ok("GET", cpath(query=q)) == {"items": [],
                                              "next_cursor": None}
    q = "?from=1795000000000&to=1795000000001&format=json&cursor=17"
    assert acme.ok("GET", cpath(query=q))["items"] == []


def test_csv_has_the_asterisk_header(acme):
    r = acme.get(cpath(query="?format=csv&from=2026-01-01T00:00:00Z"))
    assert r.status == 200, r
    assert r.content_type == "text/csv", r
    assert "attachment" in (r.header("Content-Disposition") or "")
    text = r.body.decode("utf-8")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [HEADER], rows
    # every field quoted, as in Asterisk's cdr-csv
    assert text.split("\r\n")[0] == ",".join('"%s"' % h for h in HEADER)


BAD_PARAMS = [
    ("from=yesterday", "from"),
    ("from=2026-11-22", "from"),
    ("from=2026-11-22T10:00:00", "from"),            # no Z: not UTC
    ("from=2026-11-22T10:00:00%2B01:00", "from"),
    ("from=2026-02-30T10:00:00Z", "from"),
    ("from=2026-11-22T25:00:00Z", "from"),
    ("from=2026-11-22T10:00:00.Z", "from"),
    ("from=-5", "from"),
    ("from=1e12", "from"),
    ("from=", "from"),
    ("to=2026-13-01T00:00:00Z", "to"),
    ("to=12345678901234567890", "to"),
    ("to=%27%3B%20DROP%20TABLE%20cdrs%3B--", "to"),
    ("from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z", "to"),
    ("format=xml", "format"),
    ("format=CSV", "format"),
    ("limit=0", "limit"),
    ("limit=201", "limit"),
    ("cursor=abc", "cursor"),
]


@pytest.mark.parametrize("query,field", BAD_PARAMS,
                         ids=[q for q, _ in BAD_PARAMS])
def test_bad_parameters_are_400_naming_them(acme, query, field):
    r = acme.get(cpath(query="?" + query))
    assert r.status == 400, r
    assert r.field == field, r


def test_other_tenant_is_404(globex, acme):
    for q in ("", "?format=csv", "?from=0&to=1"):
        r = globex.get(cpath(ACME, q))
        assert r.status == 404, r
        assert r.problem["status"] == 404
        r = acme.get(cpath(GLOBEX, q))
        assert r.status == 404, r


def test_users_see_only_their_own_calls(people, acme):
    """Below tenant admin a user is not refused: the list is narrowed to
    the calls they made or received (none yet), in both formats."""
    for key in ("cdrsup", "cdruser", "cdragent"):
        c = people[key]
        assert c.ok("GET", cpath()) == {"items": [], "next_cursor": None}
        r = c.get(cpath(query="?format=csv"))
        assert r.status == 200 and r.content_type == "text/csv", r
        assert list(csv.reader(io.StringIO(r.body.decode()))) == [HEADER]


def test_tenant_token_below_admin_is_403(daemon, acme):
    """A token of the tenant with a role below tenant admin belongs to no
    user, so it has no calls of its own: 403.  A tenant admin token reads
    everything."""
    sup = acme.ok("POST", "/tenants/1/tokens", {"name": "cdr-sup",
                                                "role": "supervisor"})
    adm = acme.ok("POST", "/tenants/1/tokens", {"name": "cdr-adm",
                                                "role": "tenant_admin"})
    c = ApiClient(daemon.http_port)
    r = c.get(cpath(), headers={"Authorization": "Bearer " + sup["token"]})
    assert r.status == 403, r
    r = c.get(cpath(), headers={"Authorization": "Bearer " + adm["token"]})
    assert r.status == 200 and r.json()["items"] == [], r


def test_no_session_is_401(daemon):
    r = ApiClient(daemon.http_port).get(cpath())
    assert r.status == 401, r


def test_read_only(acme):
    """Records cannot be created, changed or deleted through the API."""
    for m in ("POST", "PATCH", "PUT", "DELETE"):
        r = acme.request(m, cpath(), body={})
        assert r.status == 405 and r.header("Allow") == "GET", (m, r)
    assert acme.get(cpath() + "/1").status == 404


def test_documented(acme):
    doc = acme.ok("GET", "/api/v1/openapi.json")
    op = doc["paths"]["/api/v1/tenants/{tenant_id}/cdrs"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"from", "to", "format", "limit", "cursor"} <= names
    assert "text/csv" in op["responses"]["200"]["content"]
    assert "own" in op["x-permission"]
