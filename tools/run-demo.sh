#!/usr/bin/env bash
# Start centrexd in the foreground on SQLite with the demo data (make run).
#   tools/run-demo.sh BINARY RUN_DIR SIP_LISTEN
set -euo pipefail
bin=$1 dir=$2 listen=$3
cat <<TXT

Centrex demo (loopback only; Ctrl-C stops it)

  SIP registrar   ${listen}
  accounts        acme.example    users 1001-1010, SIP passwords pw1001 ... pw1010
                  globex.example  users 2001-2005, SIP passwords pw2001 ... pw2005
  softphone       user 1001, domain acme.example, password pw1001,
                  outbound proxy / server 127.0.0.1:5060 (UDP or TCP)
  REST API        http://127.0.0.1:8080/api/v1/  (docs/api.md)
                  operator@centrex.example / operator-demo,
                  admin@acme.example / admin-demo
  status          $bin -o ctl.socket=$dir/centrexd.sock --status

TXT
exec "$bin" --demo -o "store.url=sqlite:$dir/centrex.db" \
	-o "sip.listen=$listen" -o "ctl.socket=$dir/centrexd.sock"
