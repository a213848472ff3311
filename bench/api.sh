#!/usr/bin/env bash
# API read benchmark (not a test): the portal's common reads on a tenant of
# 1,000 users, on SQLite and on PostgreSQL, with wrk.
#
#   bench/api.sh [-d SECONDS] [-b "sqlite postgresql"]
#
# For each store: centrexd starts with the demo data plus an imported
# tenant bench.local of 1,000 users; the operator logs in; then, per read
# ("list": GET .../users?limit=50 from random cursors, "get": GET
# .../users/ID for random ids):
#   paced:  10 connections each waiting 10 ms between requests (about
#           1,000 requests/s offered): achieved rate and latency p50/p99
#   max:    50 connections flat out: the most the daemon serves
# The goal is p99 < 10 ms at 1,000 requests/s.  Everything runs on
# loopback inside a private network namespace; processes are stopped by
# PID at exit.
set -u
if [ -z "${CENTREX_BENCH_NETNS:-}" ]; then
	export CENTREX_BENCH_NETNS=1
	exec unshare -n -- "$0" "$@"
fi
ip link set lo up

cd "$(dirname "$0")/.."
top=$PWD
secs=10
backends="sqlite postgresql"
while getopts "d:b:" o; do
	case $o in
	d) secs=$OPTARG ;;
	b) backends=$OPTARG ;;
	*) echo "usage: $0 [-d SECONDS] [-b \"sqlite postgresql\"]" >&2; exit 2 ;;
	esac
done

tools/setup.sh bench >/dev/null || exit 1
command -v wrk >/dev/null || { echo "wrk is missing (tools/setup.sh bench)" >&2; exit 1; }
[ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized >/dev/null
ninja -C build centrexd >/dev/null || exit 1

run=$top/bench/run/api-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run" "$top/bench/results"
pids=()
pgdir=
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$pgdir" ] && tools/pg.sh stop "$pgdir" >/dev/null 2>&1 && rm -rf "$pgdir"
}
trap cleanup EXIT

for i in $(seq 1 1000); do echo "bench.local,b$i,pw-bench-$i"; done >"$run/users.csv"

cat >"$run/reads.lua" <<'LUA'
-- random users or random list pages of one tenant; optional pacing
local t = os.getenv("TENANT")
local lo, hi = tonumber(os.getenv("ID_LO")), tonumber(os.getenv("ID_HI"))
local kind = os.getenv("KIND")
local pause = tonumber(os.getenv("DELAY_MS") or "0")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
request = function()
  local path
  if kind == "list" then
    path = "/api/v1/tenants/" .. t .. "/users?limit=50&cursor=" ..
      math.random(lo - 1, hi - 50)
  else
    path = "/api/v1/tenants/" .. t .. "/users/" .. math.random(lo, hi)
  end
  return wrk.format("GET", path)
end
if pause > 0 then delay = function() return pause end end
LUA

port=18480
table=()
for be in $backends; do
	case $be in
	sqlite) url="sqlite:$run/centrex.db" ;;
	postgresql)
		pgdir=$(mktemp -d /tmp/centrex-pg.XXXXXX); chmod 755 "$pgdir"
		url=$(tools/pg.sh start "$pgdir") || { echo "no PostgreSQL" >&2; continue; } ;;
	*) echo "unknown store $be" >&2; continue ;;
	esac
	port=$((port + 1))
	base=http://127.0.0.1:$port
	build/centrexd --demo --import "$run/users.csv" -o "store.url=$url" \
		-o "sip.listen=udp:127.0.0.1:$((port + 100))" \
		-o "http.listen=127.0.0.1:$port" -o "ctl.socket=$run/ctl-$be.sock" \
		-o log.level=warn >"$run/centrexd-$be.out" 2>"$run/centrexd-$be.err" &
	pid=$!
	pids+=("$pid")
	for _ in $(seq 1 50); do grep -q ready "$run/centrexd-$be.out" && break; sleep 0.2; done
	curl -s -c "$run/jar" -H 'Content-Type: application/json' \
		-d '{"email":"operator@centrex.example","password":"operator-demo"}' \
		"$base/api/v1/auth/login" >/dev/null
	cookie=$(awk '$6 == "centrex_session" {print $7}' "$run/jar")
	tenant=$(curl -s -b "$run/jar" "$base/api/v1/tenants" | /usr/bin/python3 -c \
		'import json,sys; print([t["id"] for t in json.load(sys.stdin)["items"] if t["slug"]=="bench-local"][0])')
	read -r lo hi < <(curl -s -b "$run/jar" "$base/api/v1/tenants/$tenant/users?limit=200" |
		/usr/bin/python3 -c 'import json,sys; i=[u["id"] for u in json.load(sys.stdin)["items"]]; print(min(i), min(i)+999)')
	for kind in list get; do
		for mode in paced max; do
			if [ $mode = paced ]; then c=10 d=10; else c=50 d=0; fi
			out=$run/wrk-$be-$kind-$mode.txt
			TENANT=$tenant ID_LO=$lo ID_HI=$hi KIND=$kind DELAY_MS=$d \
				wrk -t2 -c$c -d${secs}s --latency -s "$run/reads.lua" \
				-H "Cookie: centrex_session=$cookie" "$base" >"$out" 2>&1
			rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
			p50=$(awk '$1 == "50%" {print $2}' "$out")
			p99=$(awk '$1 == "99%" {print $2}' "$out")
			errs=$(awk '/Non-2xx|Socket errors/ {print}' "$out" | tr '\n' ' ')
			table+=("$(printf '%-11s %-5s %-6s %9s %9s %9s  %s' "$be" "$kind" "$mode" "$rps" "$p50" "$p99" "${errs:-ok}")")
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date +%FT%T)" "$be" "$kind" "$mode" \
				"$rps" "$p50" "$p99" "${errs:-ok}" >>"$top/bench/results/api.tsv"
		done
	done
	kill "$pid"; wait "$pid" 2>/dev/null
done

echo
echo "API reads, tenant of 1,000 users, ${secs}s per line ($(nproc) cores, wrk on the same machine)"
printf '%-11s %-5s %-6s %9s %9s %9s  %s\n' store read load req/s p50 p99 errors
printf '%s\n' "${table[@]}"
echo
echo "paced = 10 connections x 1 request per 10 ms (about 1,000/s offered); max = 50 connections flat out"
echo "goal: p99 < 10 ms at 1,000 requests/s; logs in ${run#$top/}"
