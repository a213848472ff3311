#!/usr/bin/env python3
"""Give a demo centrexd what bench/calls.sh needs to route SIPp calls.

usage: callsetup.py HTTP_PORT TRUNK_ADDR DID EXTENSION [TENANT_SLUG]

Through the REST API, as the demo operator:
  * an IP-authenticated trunk of the tenant (default acme) whose inbound
    address is TRUNK_ADDR/32: INVITEs from there are carrier calls, taken
    without digest authentication;
  * the number DID (E.164) assigned to the tenant and pointed at the user
    whose extension is EXTENSION: a trunk call to DID rings that user's
    registered devices.
Prints "trunk=ID number=ID user=ID"; exits non-zero with the API's answer
on any failure.
"""
import http.cookiejar
import json
import sys
import urllib.error
import urllib.request

OPERATOR = ("operator@centrex.example", "operator-demo")


class Api:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d/api/v1" % port
        self.jar = http.cookiejar.CookieJar()
        self.web = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.csrf and method != "GET":
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.web.open(req, timeout=10) as r:
                text = r.read()
        except urllib.error.HTTPError as e:
            sys.exit("callsetup: %s %s -> %d %s" % (
                method, path, e.code, e.read().decode("utf-8", "replace")))
        return json.loads(text) if text else None


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    port, addr, did, ext = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                            sys.argv[4])
    slug = sys.argv[5] if len(sys.argv) > 5 else "acme"
    api = Api(port)
    login = api.call("POST", "/auth/login",
                     {"email": OPERATOR[0], "password": OPERATOR[1]})
    api.csrf = login["csrf_token"]

    tenants = api.call("GET", "/tenants?limit=200")["items"]
    tid = [t["id"] for t in tenants if t["slug"] == slug]
    if not tid:
        sys.exit("callsetup: no tenant %s" % slug)
    tid = tid[0]
    users = api.call("GET", "/tenants/%d/users?extension=%s" % (tid, ext))
    if not users["items"]:
        sys.exit("callsetup: no user with extension %s" % ext)
    uid = users["items"][0]["id"]

    trunk = api.call("POST", "/tenants/%d/trunks" % tid, {
        "name": "bench-carrier", "kind": "ip", "proxy": addr,
        "inbound_addrs": ["%s/32" % addr]})
    number = api.call("POST", "/tenants/%d/numbers" % tid, {
        "e164": did, "label": "bench",
        "target": {"type": "user", "id": uid}})
    print("trunk=%d number=%d user=%d" % (trunk["id"], number["id"], uid))


if __name__ == "__main__":
    main()
