#!/usr/bin/env bash
# A private, throw-away PostgreSQL server for tests.
#
#   tools/pg.sh start DIR   create (first time) and start a cluster in DIR;
#                           prints postgresql://centrex@127.0.0.1:PORT/centrex
#   tools/pg.sh stop DIR    stop it (through DIR/data/postmaster.pid)
#   tools/pg.sh url DIR     print the URL of a running cluster
#
# The server listens on 127.0.0.1 only, on a port picked here, with its
# unix socket in DIR/sock, trust authentication, and durability switched
# off (fsync=off): it is for tests, never for data worth keeping.  The
# daemon connects as "centrex", which owns the "centrex" database but is
# not a superuser, as it would be in production.  The role may create
# databases (CREATEDB), so that a test can give each daemon an empty one
# of its own (tests/blackbox with CENTREX_TEST_PG set to the URL).
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# "postgres" system user (DIR is handed to it); as anyone else, to the
# caller.  Works inside `unshare -n` (loopback is brought up if down).
# Starting a running cluster only prints its URL again; stopping a stopped
# one does nothing.  DIR is never removed: delete it yourself.
set -euo pipefail

# Debian's layout; the newest installed major version unless PG_BINDIR says
bin=${PG_BINDIR:-}
[ -n "$bin" ] ||
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
role=centrex
db=centrex

usage() { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
die() { echo "pg.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
data=$dir/data
sock=$dir/sock

[ -x "${bin:-/nonexistent}/postgres" ] ||
	die "no PostgreSQL server in /usr/lib/postgresql (tools/setup.sh test)"

# run a PostgreSQL program as the cluster's owner, from a directory it can
# read (runuser keeps the working directory)
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	as_owner() { (cd "$dir" && runuser -u "$owner" -- "$@"); }
else
	owner=$(id -un)
	as_owner() { (cd "$dir" && "$@"); }
fi

running() { as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

url() { echo "postgresql://$role@127.0.0.1:$(cat "$dir/port")/$db"; }

# a TCP port nobody on this host (or namespace) has bound, in 20000-59999
free_port() {
	local p hex
	for _ in $(seq 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		hex=$(printf ':%04X ' "$p")
		if ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
			awk '{print $2}' | grep -qi -- "${hex% }$"; then
			echo "$p"; return 0
		fi
	done
	return 1
}

psql_admin() {
	as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" \
		-p "$(cat "$dir/port")" -U postgres -d postgres "$@"
}

start() {
	if [ -f "$data/PG_VERSION" ] && running; then
		url; return 0
	fi

	# inside `unshare -n` loopback starts down
	if ip -o link show lo 2>/dev/null | grep -q 'state DOWN'; then
		ip link set lo up || die "loopback is down and cannot be brought up"
	fi

	mkdir -p "$sock" "$dir/log"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$owner" "$dir" "$sock" "$dir/log"
		runuser -u "$owner" -- test -x "$dir" ||
			die "$dir: the $owner user cannot reach it (parents need o+x)"
	fi

	if [ ! -f "$data/PG_VERSION" ]; then
		rm -rf "$data"
		as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 \
			--locale=C.UTF-8 --no-sync >"$dir/log/initdb.log" 2>&1 ||
			{ cat "$dir/log/initdb.log" >&2; die "initdb failed"; }
		cat >>"$data/postgresql.conf" <<EOF

# tools/pg.sh: a private test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 50
logging_collector = off
EOF
		touch "$dir/.new"
	fi

	# the port is chosen at each start; another program may take it
	# between the check and the bind, so try a few
	local ok=
	for _ in 1 2 3 4 5; do
		free_port >"$dir/port" || die "no free TCP port"
		if as_owner "$bin/pg_ctl" start -w -t 30 -D "$data" \
			-l "$dir/log/server.log" -o "-p $(cat "$dir/port")" \
			>/dev/null 2>&1; then
			ok=1; break
		fi
	done
	[ -n "$ok" ] || { tail -20 "$dir/log/server.log" >&2; die "cannot start"; }

	if [ -f "$dir/.new" ]; then
		psql_admin -c "CREATE ROLE $role LOGIN CREATEDB" \
			-c "CREATE DATABASE $db OWNER $role" >/dev/null ||
			die "cannot create role $role and database $db"
		rm -f "$dir/.new"
	else
		# a cluster made before the role had CREATEDB
		psql_admin -c "ALTER ROLE $role CREATEDB" >/dev/null ||
			die "cannot grant CREATEDB to $role"
	fi
	url
}

stop() {
	[ -f "$data/postmaster.pid" ] || return 0
	running || return 0
	as_owner "$bin/pg_ctl" stop -w -t 30 -m fast -D "$data" >/dev/null
}

case "$cmd" in
start) start ;;
stop) stop ;;
url) running || die "not running"; url ;;
*) usage ;;
esac
