# bench/lib.sh: what the benchmark scripts (register.sh, calls.sh,
# media.sh) share.  Sourced by them, after they have set BENCH (this
# folder), ROOT (the project) and their RESULTS; it runs nothing itself.
#
#   log, die, has             messages to stderr; word lists
#   bench_usage LAST          the script's header, lines 2..LAST, as help
#   bench_parent              true before the script entered its namespace
#   bench_build TARGET        build/TARGET (the debugoptimized build)
#   bench_netns SCRIPT ARGS   re-executes SCRIPT under `unshare -n` unless
#                             only loopback is here; then lo up, descriptors
#   bench_rundir NAME         RUN_ID, RUNDIR (bench/run/NAME-date; the ten
#                             newest of NAME are kept)
#   machine_ticks, wait_quiet the host may be shared: wait for it to be quiet
#   pid_ticks, main_thread_ticks, child_cpu_ms   CPU of what we measure
#   sipp_stats FILE           S_*: a SIPp run's statistics
#   PIDS, stop_pid, stop_all, stop_server, server_with_children
#                             processes started here
#   ctx_counters, ctx_counter_diff               centrexd's own counters
#   bench_about BINARY        COMMIT, CPU_MODEL, NCPU, BUILD_NOTE for reports
#   nth, tsv_header, tsv_line results: one TSV line per run or step

log() { printf '%s  %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

bench_usage() { sed -n "2,${1}p" "$0" | sed 's/^# \{0,1\}//'; exit "${2:-0}"; }

# ------------------------------------------------------------ preparation
# Done once, in the caller's namespace (apt may need the network).
bench_parent() { [ -z "${CENTREX_BENCH_CHILD:-}" ]; }
bench_build() {
	if [ ! -f "$ROOT/build/build.ninja" ]; then
		(cd "$ROOT" && meson setup build --buildtype=debugoptimized -Dtests=disabled) >&2 ||
			die "meson setup failed"
	fi
	ninja -C "$ROOT/build" "$1" >&2 || die "build of $1 failed"
}

# ------------------------------------------------------------ isolation
# A network namespace with only loopback: ports cannot meet anything else
# on the host, no packet leaves the machine, and the kernel's UDP
# counters are ours alone.  /proc/net/dev is per namespace; its first two
# lines are headers.
only_loopback() {
	local line name n=0
	{ read -r line; read -r line
	  while IFS=: read -r name line; do
		name=${name// /}
		[ "$name" = lo ] || n=$((n + 1))
	  done; } </proc/net/dev
	[ "$n" -eq 0 ]
}
bench_netns() {
	local script=$1
	shift
	if ! only_loopback; then
		bench_parent || die "unshare gave a namespace with interfaces besides lo"
		export CENTREX_BENCH_CHILD=1
		if [ "$(id -u)" -eq 0 ]; then
			exec unshare --net -- "$BASH" "$script" "$@"
		else # unprivileged: a user namespace maps us to root inside
			exec unshare --map-root-user --net -- "$BASH" "$script" "$@"
		fi
	fi
	ip link set lo up || die "cannot bring lo up in the namespace"
	# servers hold sockets per call, SIPp one per outstanding call: the hard limit
	ulimit -n "$(ulimit -Hn)" 2>/dev/null
}

# ------------------------------------------------------------ run directory
bench_rundir() {
	RUN_ID=$1-$(date +%Y%m%d-%H%M%S)
	RUNDIR=$BENCH/run/$RUN_ID
	mkdir -p "$RUNDIR" "$(dirname "$RESULTS")"
	# keep the ten newest run directories
	ls -1d "$BENCH/run/$1"-* 2>/dev/null | head -n -10 | while read -r old; do rm -rf -- "$old"; done
}

# ------------------------------------------------------------ measurements
# machine-wide busy and total jiffies
machine_ticks() { local u n s i w q sq st; read -r _ u n s i w q sq st _ </proc/stat; echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))"; }
QUIET_PCT=0
# the host may be shared: wait (15 s at most) for it to be below 30 % busy
wait_quiet() {
	local i b0 t0 b1 t1 pct=0 waited=0
	for i in $(seq 15); do
		waited=$i
		read -r b0 t0 < <(machine_ticks); sleep 1; read -r b1 t1 < <(machine_ticks)
		pct=$((100 * (b1 - b0) / (t1 - t0 + 1)))
		[ "$pct" -lt 30 ] && break
	done
	QUIET_PCT=$pct
	if [ "$pct" -ge 30 ]; then log "note: machine still ${pct}% busy after ${waited}s (other load); measuring anyway"
	elif [ "$waited" -gt 2 ]; then log "waited ${waited}s for the machine to be quiet"; fi
}
# utime+stime ticks of the listed processes (their threads included)
pid_ticks() {
	local p s f t=0
	for p in "$@"; do
		read -r s <"/proc/$p/stat" 2>/dev/null || continue
		s=${s##*) }          # drop "pid (comm) "; utime is now field 12
		read -r -a f <<<"$s"
		t=$((t + f[11] + f[12]))
	done
	echo "$t"
}
# utime+stime ticks of a process's main thread only (centrexd: the SIP thread)
main_thread_ticks() {
	local s f
	read -r s <"/proc/$1/task/$1/stat" 2>/dev/null || { echo 0; return; }
	s=${s##*) }
	read -r -a f <<<"$s"
	echo $((f[11] + f[12]))
}
# "tid ticks" (utime+stime) of each thread of a process, one a line
thread_ticks() {
	local t s f
	for t in /proc/"$1"/task/*; do
		read -r s <"$t/stat" 2>/dev/null || continue
		s=${s##*) }
		read -r -a f <<<"$s"
		echo "${t##*/} $((f[11] + f[12]))"
	done
}
# busiest_thread PID BEFORE SECONDS: the largest share of one core any
# thread of PID used since BEFORE (a thread_ticks file), in %, with its name
busiest_thread() {
	local hz
	hz=$(getconf CLK_TCK)
	thread_ticks "$1" | awk -v hz="$hz" -v s="$3" -v pid="$1" 'NR == FNR { t0[$1] = $2; next }
		{ d = $2 - t0[$1]; if (d > best) { best = d; tid = $1 } }
		END { name = "-"; f = "/proc/" pid "/task/" tid "/comm"; if (tid != "") { getline name <f }
			printf "%.0f %s\n", (s > 0 ? 100 * best / hz / s : 0), name }' "$2" -
}
# CHILD_MS = CPU (user+sys, ms) of all children this shell has reaped, from
# bash's `times` (second line).  Must run in this shell, not in $(...): a
# subshell has its own, empty, child accounting.  Nothing else is reaped
# while one SIPp runs, so a before/after difference is its CPU.
child_cpu_ms() {
	local l2 re='([0-9]+)m([0-9]+)\.([0-9]+)s ([0-9]+)m([0-9]+)\.([0-9]+)s'
	CHILD_MS=0
	times >"$RUNDIR/.times"
	{ read -r _; read -r l2; } <"$RUNDIR/.times"
	[[ $l2 =~ $re ]] || return 0
	local r=("${BASH_REMATCH[@]}")
	CHILD_MS=$(( (10#${r[1]} + 10#${r[4]}) * 60000 + (10#${r[2]} + 10#${r[5]}) * 1000 + 10#${r[3]} + 10#${r[6]} ))
}

# sipp_stats FILE: S_* from a SIPp -trace_stat file (tools/sippstat.py)
sipp_stats() {
	local key val
	S_created=0 S_ok=0 S_failed=0 S_retrans=0 S_offered=0 S_rt10=0 S_rt1=0 S_rt100=0
	while IFS='=' read -r key val; do
		[[ $key =~ ^[a-z0-9_]+$ && $val =~ ^[0-9.]+$ ]] && printf -v "S_$key" '%s' "$val"
	done < <("${PY:-/usr/bin/python3}" "$BENCH/tools/sippstat.py" "$1" 2>/dev/null)
}

# ------------------------------------------------------------ process control
PIDS=()   # everything started here; stopped by PID on exit
SRV_PID="" SRV_PIDS=()
forget() { local keep=() p; for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop_pid() { # PID: TERM, up to 5 s grace, then KILL
	local p=$1 i
	[ -n "$p" ] || return 0
	kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null; forget "$p"; return 0; }
	kill -TERM "$p" 2>/dev/null
	for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	forget "$p"
}
# SRV_PIDS = SRV_PID and the processes it forked (Kamailio's workers),
# all stopped on exit
server_with_children() {
	local d pp s
	SRV_PIDS=("$SRV_PID")
	for d in /proc/[0-9]*; do
		read -r s <"$d/stat" 2>/dev/null || continue
		s=${s##*) }
		read -r _ pp _ <<<"$s"
		if [ "$pp" = "$SRV_PID" ]; then SRV_PIDS+=("${d#/proc/}"); PIDS+=("${d#/proc/}"); fi
	done
}
stop_all() { local p; for p in "${PIDS[@]}"; do stop_pid "$p"; done; }
stop_server() {
	local p
	stop_pid "$SRV_PID"    # kamailio's main process stops its workers
	for p in "${SRV_PIDS[@]}"; do stop_pid "$p"; done
	SRV_PIDS=()
}

# centrexd's counters (ctx_ctl and CTX_COUNTERS come from the script)
ctx_counters() { ctx_ctl --ctl metrics >"$1" 2>&1; }
ctx_counter_diff() { # before after -> "name=delta ..." for the non-zero ones
	awk -v want="$CTX_COUNTERS" 'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
		FNR == NR { a[$1] = $2; next } ($1 in keep) && $2 - a[$1] != 0 { printf "%s%s=%d", sep, $1, $2 - a[$1]; sep = " " }' "$1" "$2"
}

# ------------------------------------------------------------ report
# bench_about BINARY: what the report says about the run; BUILD_NOTE is
# the build type of BINARY when it comes from a meson build directory
bench_about() {
	local opts
	COMMIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
	CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	NCPU=$(getconf _NPROCESSORS_ONLN)
	BUILD_NOTE=""
	opts=$(dirname "${1:-/}")/meson-info/intro-buildoptions.json
	[ -f "$opts" ] && BUILD_NOTE=$(/usr/bin/python3 -c 'import json,sys; o={x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}; print("%s, sanitize=%s" % (o.get("buildtype"), o.get("b_sanitize")))' "$opts" 2>/dev/null)
	return 0
}
# nth "WORDS" N: word N (from 0) of a list, or nothing
nth() { local a; read -r -a a <<<"$1"; echo "${a[$2]:-}"; }
# tsv_header FILE HEADER: the column names (tab-separated, '\t' allowed)
# before a file's first line; a file whose columns were others (an older
# version of the script) is moved aside, FILE.old-DATE, and begun again
tsv_header() {
	local want have=""
	want=$(printf "$2")
	[ -f "$1" ] && IFS= read -r have <"$1"
	[ "$have" = "$want" ] && return 0
	if [ -n "$have" ]; then
		mv -- "$1" "$1.old-$(date +%Y%m%d-%H%M%S)"
		log "note: ${1##*/} had other columns; moved aside to ${1##*/}.old-*"
	fi
	printf '%s\n' "$want" >"$1"
}
# tsv_line FILE FIELD...: one line of tab-separated fields
tsv_line() { local f=$1 IFS=$'\t'; shift; printf '%s\n' "$*" >>"$f"; }
