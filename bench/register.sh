#!/usr/bin/env bash
# REGISTER benchmark: centrexd against Kamailio, same load, same users, one run.
#
# usage: bench/register.sh [-r "RATE ..."] [-d SECONDS] [-s "SYSTEM ..."]
#   -r  offered rates to try, registrations/s, ascending
#       (env RATES, default "4000 6000 ... 32000", steps of 2000)
#   -d  seconds of load per rate step (env STEP_S, default 10)
#   -s  systems to measure, in this order (env SYSTEMS, default "centrexd kamailio")
# More knobs (environment): USERS (10000), WARMUP_RATE (2000), KAM_WORKERS (2),
#   MAX_FAIL_PCT (0.1), MAX_RETRANS_PCT (1), MIN_OFFERED_PCT (95),
#   CENTREXD (use this binary instead of building build/centrexd),
#   RESULTS (per-run TSV, default bench/results/register.tsv; the per-step
#   lines go next to it, NAME-steps.tsv).
#
# Method
#   * One population of USERS users in domain bench.local (tools/mkusers.py)
#     feeds SIPp (injection CSV), Kamailio (SQLite subscriber table, HA1
#     precomputed) and centrexd (--import CSV).
#   * One SIPp scenario (sipp/register_digest.xml): REGISTER -> 401 ->
#     REGISTER with MD5 digest -> 200.  One SIPp "call" = one registration.
#   * Per system: start the server, sample its memory, register every user
#     once at WARMUP_RATE (all contacts now exist), sample memory again.  The
#     difference, scaled to 10,000 contacts, is "memory per 10k contacts".
#     Memory = Pss_Anon + Pss_Shmem summed over the server's processes (heap,
#     stacks, Kamailio's shared-memory segment; shared pages split between the
#     processes that map them, code pages left out).  For single-process
#     centrexd this is its anonymous RSS.
#   * Then the rate search: each rate for STEP_S seconds (SIPp -r RATE -m
#     RATE*STEP_S, with a wall-clock cap).  A step is clean when every started
#     registration ended, under MAX_FAIL_PCT % failed, retransmissions at most
#     MAX_RETRANS_PCT % of registrations (no retransmission storm) and SIPp
#     really offered at least MIN_OFFERED_PCT % of the rate.  The search for
#     a system stops at its first unclean step; its result is the highest
#     clean rate, with the figures of that step:
#       server CPU  utime+stime of all server processes and threads
#                   (/proc/PID/stat) over the step, as % of one core and as
#                   microseconds per completed registration;
#       SIPp CPU    user+sys of the SIPp process over the step, % of one core;
#       rt<10ms     share of registrations whose 200 came within 10 ms of
#                   the first REGISTER (SIPp response-time buckets).
#   * Everything runs in a network namespace of its own with only loopback
#     (the script re-executes itself under `unshare -n`), on 127.0.0.1.
#     Every process started here is stopped by PID on exit; every SIPp run is
#     bounded by a call count and a timeout.
#
# This is a benchmark: it prints and records, it asserts nothing.
# Output: the table on stdout; one line per run appended to RESULTS, one line
# per step to bench/results/register-steps.tsv; logs in bench/run/register-*/.
set -u

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
ARGS=("$@")

RATES=${RATES:-"4000 6000 8000 10000 12000 14000 16000 18000 20000 22000 24000 26000 28000 30000 32000"}
STEP_S=${STEP_S:-10}
SYSTEMS=${SYSTEMS:-"centrexd kamailio"}
USERS=${USERS:-10000}
WARMUP_RATE=${WARMUP_RATE:-2000}
KAM_WORKERS=${KAM_WORKERS:-2}
MAX_FAIL_PCT=${MAX_FAIL_PCT:-0.1}
MAX_RETRANS_PCT=${MAX_RETRANS_PCT:-1}
MIN_OFFERED_PCT=${MIN_OFFERED_PCT:-95}
RESULTS=${RESULTS:-$BENCH/results/register.tsv}
STEPS_TSV=${RESULTS%.tsv}-steps.tsv     # one line per rate step
DOMAIN=bench.local

. "$BENCH/lib.sh"
usage() { bench_usage 13 "$@"; }
while getopts "r:d:s:h" opt; do
	case $opt in
	r) RATES=$OPTARG ;;
	d) STEP_S=$OPTARG ;;
	s) SYSTEMS=$OPTARG ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
for s in $SYSTEMS; do
	case $s in centrexd | kamailio) ;; *) echo "unknown system '$s'" >&2; exit 2 ;; esac
done

wants() { has "$SYSTEMS" "$1"; }

# ------------------------------------------------------------ preparation
# packages through the project's installer, then the release build of centrexd
if bench_parent; then
	"$ROOT/tools/setup.sh" bench || die "missing packages (see above)"
	wants centrexd && [ -z "${CENTREXD:-}" ] && bench_build centrexd
fi

# ------------------------------------------------------------ isolation
# SIPp wants more descriptors than concurrent calls allowed (-l)
bench_netns "${BASH_SOURCE[0]}" "${ARGS[@]}"

# ------------------------------------------------------------ run directory
IP=127.0.0.1
CTX_PORT=15060          # centrexd SIP/UDP
KAM_PORT=15070          # kamailio SIP/UDP
SIPP_PORT=15010         # SIPp SIP; 15011 control, 15030 media (unused)
CENTREXD=${CENTREXD:-$ROOT/build/centrexd}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
HZ=$(getconf CLK_TCK)
NCPU=$(getconf _NPROCESSORS_ONLN)
bench_rundir register
USERDIR=$BENCH/run/users-$USERS
SCEN=$BENCH/sipp/register_digest.xml
# unix socket paths are limited to 107 bytes
SOCKDIR=$RUNDIR
TMPSOCK=
if [ ${#RUNDIR} -gt 80 ]; then
	TMPSOCK=$(mktemp -d /tmp/centrex-bench.XXXXXX)
	SOCKDIR=$TMPSOCK
fi

# ------------------------------------------------------------ process control
cleanup() {
	stop_all
	[ -n "$TMPSOCK" ] && rm -rf -- "$TMPSOCK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ measurements
# resident memory in KiB: Pss_Anon + Pss_Shmem over the server's processes
srv_mem_kib() {
	local p k v t=0
	for p in "${SRV_PIDS[@]}"; do
		while read -r k v _; do
			case $k in Pss_Anon: | Pss_Shmem:) t=$((t + v)) ;; esac
		done <"/proc/$p/smaps_rollup" 2>/dev/null
	done
	echo "$t"
}
srv_rss_kib() { local p k v t=0; for p in "${SRV_PIDS[@]}"; do
	while read -r k v _; do [ "$k" = VmRSS: ] && t=$((t + v)); done <"/proc/$p/status" 2>/dev/null; done; echo "$t"; }
# UDP datagrams the kernel dropped for a full receive buffer, all sockets of
# this network namespace (i.e. the bench's own: server and SIPp)
udp_drops() {
	local a b n=0 f
	while read -r a b; do
		[ "$a" = Udp: ] && [[ $b =~ ^[0-9] ]] && { read -r -a f <<<"$b"; n=${f[4]}; }
	done </proc/net/snmp
	echo "$n"
}

# ------------------------------------------------------------ servers
start_centrexd() {
	"$CENTREXD" --help 2>&1 | grep -q -- --import ||
		die "$CENTREXD has no --import option (needed to load the bench users)"
	rm -f "$RUNDIR"/centrexd.db*
	"$CENTREXD" --import "$USERDIR/centrexd-import.csv" \
		-o "store.url=sqlite:$RUNDIR/centrexd.db" \
		-o "sip.listen=udp:$IP:$CTX_PORT" \
		-o "ctl.socket=$SOCKDIR/centrexd.sock" \
		-o log.level=warn -o registrar.max_expires=3600 \
		-o auth.default_algorithms=MD5 \
		>"$RUNDIR/centrexd.out" 2>"$RUNDIR/centrexd.err" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	local i
	for i in $(seq 600); do
		grep -q 'ready' "$RUNDIR/centrexd.out" 2>/dev/null && break
		kill -0 "$SRV_PID" 2>/dev/null || { cat "$RUNDIR/centrexd.err" >&2; die "centrexd exited during start"; }
		sleep 0.1
	done
	grep -q 'ready' "$RUNDIR/centrexd.out" || die "centrexd not ready after 60 s"
	SRV_PIDS=("$SRV_PID")
	SRV_PORT=$CTX_PORT
}
ctx_ctl() { "$CENTREXD" -o "ctl.socket=$SOCKDIR/centrexd.sock" "$@" 2>&1; }
contacts_centrexd() { ctx_ctl --status | awk 'NR == 1 { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^bindings/) print $i }'; }

start_kamailio() {
	kamailio -DD -E -f "$BENCH/kamailio/registrar.cfg" -Y "$RUNDIR" -m 256 -M 16 \
		-A "SIP_LISTEN=udp:$IP:$KAM_PORT" \
		-A "CTL_SOCKET=\"unix:$SOCKDIR/kamailio.ctl\"" \
		-A "AUTH_DB=\"sqlite://$USERDIR/kamailio-auth.sqlite\"" \
		-A "WORKERS=$KAM_WORKERS" -A "REALM=\"$DOMAIN\"" \
		>"$RUNDIR/kamailio.log" 2>&1 &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	local i
	for i in $(seq 200); do
		kamcmd -s "unix:$SOCKDIR/kamailio.ctl" core.version >/dev/null 2>&1 && break
		kill -0 "$SRV_PID" 2>/dev/null || { cat "$RUNDIR/kamailio.log" >&2; die "kamailio exited during start"; }
		sleep 0.1
	done
	kamcmd -s "unix:$SOCKDIR/kamailio.ctl" core.version >/dev/null 2>&1 || die "kamailio not ready after 20 s"
	sleep 1
	# the main process forks its workers at start; count them all
	server_with_children
	SRV_PORT=$KAM_PORT
}
contacts_kamailio() {
	kamcmd -s "unix:$SOCKDIR/kamailio.ctl" stats.get_statistics usrloc: 2>/dev/null |
		awk -F' = ' '$1 == "usrloc:location_contacts" { print $2 }'
}

# ------------------------------------------------------------ one SIPp run
# sipp_run NAME RATE COUNT: drive the running server; sets S_* (SIPp
# statistics, see tools/sippstat.py) and M_* (server and SIPp CPU, wall time)
sipp_run() {
	local name=$1 rate=$2 count=$3 secs limit c0 c1 k0 k1 b0 t0 b1 t1 w0 w1 pid
	secs=$(( (count + rate - 1) / rate ))
	# outstanding registrations SIPp allows: 1 s worth, at least 2000, at most
	# 15000 (it wants a descriptor per call); past it SIPp stops starting new
	# ones, which shows as a low offered rate
	limit=$rate; [ "$limit" -lt 2000 ] && limit=2000; [ "$limit" -gt 15000 ] && limit=15000
	local m0 m1 d0 d1
	k0=$(pid_ticks "${SRV_PIDS[@]}"); m0=$(main_thread_ticks "$SRV_PID"); d0=$(udp_drops); read -r b0 t0 < <(machine_ticks)
	w0=$EPOCHREALTIME; child_cpu_ms; c0=$CHILD_MS
	(cd "$RUNDIR" && exec timeout -k 5 $((secs + 30)) \
		sipp -sf "$SCEN" -inf "$USERDIR/sipp-users.csv" "$IP:$SRV_PORT" \
		-i "$IP" -p "$SIPP_PORT" -cp $((SIPP_PORT + 1)) -mp $((SIPP_PORT + 20)) \
		-r "$rate" -m "$count" -l "$limit" -timeout $((secs + 20))s \
		-buff_size 4194304 -nostdin -trace_stat -stf "$name.stat.csv" -fd 1 \
		-trace_err -error_file "$name.errors.log" -max_log_size 2000000 \
		-trace_screen -screen_file "$name.screen.log" \
		>"$name.sipp.out" 2>&1) &
	pid=$!
	PIDS+=("$pid")
	wait "$pid"
	forget "$pid"
	child_cpu_ms; c1=$CHILD_MS; w1=$EPOCHREALTIME
	k1=$(pid_ticks "${SRV_PIDS[@]}"); m1=$(main_thread_ticks "$SRV_PID"); d1=$(udp_drops); read -r b1 t1 < <(machine_ticks)
	sipp_stats "$RUNDIR/$name.stat.csv"
	M_wall=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.2f", b - a }')
	M_srv_ticks=$((k1 - k0))
	M_main_ticks=$((m1 - m0))
	M_udp_drops=$((d1 - d0))
	M_sipp_ms=$((c1 - c0))
	M_busy=$((100 * (b1 - b0) / (t1 - t0 + 1)))
}

# ------------------------------------------------------------ per system
# results per system, filled by measure()
declare -A BEST FIRSTFAIL MEM WARM NOTE
step_header='run\tsystem\trate\tstep_s\tcreated\tok\tfailed\tunfinished\tretrans\toffered\twall_s\tsrv_cpu_pct\tus_per_reg\tsipp_cpu_pct\trt1_pct\trt10_pct\trt100_pct\tbusy_before_pct\tmachine_busy_pct\tudp_drops\tmain_thread_pct\tclean\tverdict\tserver_counters'
tsv_header "$STEPS_TSV" "$step_header"

# centrexd counters worth reading after a step (differences)
CTX_COUNTERS="register_ok register_challenged register_stale_nonce register_auth_failed sip_shed_503 sip_banned_drops sip_malformed store_writes store_errors"

measure() {
	local sys=$1 rate count name verdict clean m0 m1 rss0 rss1 contacts extra
	log "== $sys"
	"start_$sys"
	log "$sys started (pid ${SRV_PIDS[*]})"
	sleep 1
	m0=$(srv_mem_kib)
	rss0=$(srv_rss_kib)

	# warm-up: every user registers once, so all contacts exist from here on
	sipp_run "$sys-warmup" "$WARMUP_RATE" "$USERS"
	sleep 2                                 # let centrexd's store writer catch up
	contacts=$("contacts_$sys"); contacts=${contacts:-0}
	m1=$(srv_mem_kib)
	rss1=$(srv_rss_kib)
	WARM[$sys]="warm-up ${S_ok}/${USERS} ok, ${S_failed} failed, ${S_retrans} retrans; ${contacts} contacts; RSS$([ ${#SRV_PIDS[@]} -gt 1 ] && echo " (sum of ${#SRV_PIDS[@]} processes)") ${rss0} -> ${rss1} KiB"
	MEM[$sys]=$(awk -v a="$m0" -v b="$m1" -v n="$contacts" 'BEGIN { if (n > 0) printf "%.1f", (b - a) / 1024 * 10000 / n; else print "-" }')
	log "$sys: ${WARM[$sys]}; memory $m0 -> $m1 KiB"

	BEST[$sys]=""
	FIRSTFAIL[$sys]="none up to the last rate"
	for rate in $RATES; do
		count=$((rate * STEP_S))
		name="$sys-$rate"
		wait_quiet
		[ "$sys" = centrexd ] && ctx_counters "$RUNDIR/$name.counters0"
		sipp_run "$name" "$rate" "$count"
		extra=""
		if [ "$sys" = centrexd ] && kill -0 "$SRV_PID" 2>/dev/null; then
			ctx_counters "$RUNDIR/$name.counters1"
			extra=$(ctx_counter_diff "$RUNDIR/$name.counters0" "$RUNDIR/$name.counters1")
		fi
		# verdict: clean, or the first rule broken
		read -r clean verdict < <(awk -v n="$count" -v ok="$S_ok" -v f="$S_failed" -v r="$S_retrans" \
			-v off="$S_offered" -v rate="$rate" -v mf="$MAX_FAIL_PCT" -v mr="$MAX_RETRANS_PCT" \
			-v mo="$MIN_OFFERED_PCT" -v sipp="$M_sipp_ms" -v w="$M_wall" -v alive="$(kill -0 "$SRV_PID" 2>/dev/null && echo 1 || echo 0)" 'BEGIN {
			unf = n - ok - f; if (unf < 0) unf = 0
			fp = 100 * (f + unf) / n; rp = 100 * r / n; sc = w > 0 ? sipp / 10 / w : 0
			if (!alive)              { print 0, "server exited"; exit }
			if (fp >= mf)            { printf "0 failed %.2f%%\n", fp; exit }
			if (rp > mr)             { printf "0 retransmissions %.1f%%\n", rp; exit }
			if (off < rate * mo / 100) { printf "0 offered only %d/s%s\n", off, (sc > 95 ? " (SIPp saturated)" : ""); exit }
			print 1, "clean" }')
		local unf=$((count - S_ok - S_failed)); [ "$unf" -lt 0 ] && unf=0
		local line
		line=$(awk -v OFS='\t' -v run="$RUN_ID" -v sys="$sys" -v rate="$rate" -v st="$STEP_S" \
			-v cr="$S_created" -v ok="$S_ok" -v f="$S_failed" -v unf="$unf" -v re="$S_retrans" -v off="$S_offered" \
			-v w="$M_wall" -v kt="$M_srv_ticks" -v hz="$HZ" -v sipp="$M_sipp_ms" -v r1="$S_rt1" -v r10="$S_rt10" \
			-v r100="$S_rt100" -v quiet="$QUIET_PCT" -v busy="$M_busy" -v drops="$M_udp_drops" -v mt="$M_main_ticks" -v clean="$clean" -v v="$verdict" -v x="$extra" 'BEGIN {
			print run, sys, rate, st, cr, ok, f, unf, re, off, w,
				sprintf("%.0f", 100 * kt / hz / w), sprintf("%.1f", ok ? 1e6 * kt / hz / ok : 0),
				sprintf("%.0f", sipp / 10 / w), r1, r10, r100, quiet, busy, drops,
				(sys == "centrexd" ? sprintf("%.0f", 100 * mt / hz / w) : "-"), clean, v, x }')
		printf '%s\n' "$line" >>"$STEPS_TSV"
		IFS=$'\t' read -r -a F <<<"$line"
		log "$sys ${rate}/s: ok=${S_ok} failed=${S_failed} unfinished=${unf} retrans=${S_retrans} offered=${S_offered}/s" \
			"server=${F[11]}%$([ "$sys" = centrexd ] && echo " (SIP thread ${F[20]}%)") ${F[12]}us/reg sipp=${F[13]}% rt<10ms=${S_rt10}% udp-drops=${M_udp_drops} -> ${verdict}${extra:+  [$extra]}"
		if [ "$clean" != 1 ]; then
			FIRSTFAIL[$sys]="$rate: $verdict"
			[ -n "$extra" ] && NOTE[$sys]="at $rate/s centrexd counted: $extra"
			break
		fi
		# rate, us/reg, server cpu %, sipp cpu %, rt<10ms
		BEST[$sys]="$rate ${F[12]} ${F[11]} ${F[13]} ${S_rt10}"
		sleep 2
	done
	stop_server
}

# ------------------------------------------------------------ main
log "REGISTER bench $RUN_ID: systems '$SYSTEMS', rates '$RATES', ${STEP_S}s per step, $USERS users"
if [ ! -s "$USERDIR/sipp-users.csv" ] || [ ! -s "$USERDIR/kamailio-auth.sqlite" ] || [ ! -s "$USERDIR/centrexd-import.csv" ]; then
	"$PY" "$BENCH/tools/mkusers.py" "$USERS" "$DOMAIN" "$USERDIR" >&2 || die "user generation failed"
fi
wants centrexd && { [ -x "$CENTREXD" ] || die "no $CENTREXD"; }
for sys in $SYSTEMS; do measure "$sys"; done

# ------------------------------------------------------------ report
SIPP_VER=$(sipp -v 2>/dev/null | awk '/SIPp v/ { sub(/-.*/, "", $2); print $2; exit }')
KAM_VER=$(kamailio -v 2>/dev/null | awk '/^version:/ { print $3; exit }')
bench_about "$CENTREXD"

field() { nth "${BEST[$1]:-}" "$2"; }
ratio=$(awk -v c="$(field centrexd 0)" -v k="$(field kamailio 0)" 'BEGIN { if (c > 0 && k > 0) printf "%.2f", c / k; else print "n/a" }')
[ "${FIRSTFAIL[centrexd]:-x}" = "none up to the last rate" ] && [ "$ratio" != n/a ] && ratio=">= $ratio"

{
	echo
	echo "REGISTER + digest (401 then 200), $USERS users, ${STEP_S} s per rate, rates: $RATES"
	echo "machine: $NCPU x $CPU_MODEL; loopback in a private network namespace; SIPp $SIPP_VER, one instance"
	echo
	printf '%-9s %11s %11s %9s %9s %8s %14s  %s\n' system "clean reg/s" "server CPU" "us/reg" "SIPp CPU" "rt<10ms" "MiB/10k cont." "first unclean step"
	for sys in $SYSTEMS; do
		if [ -n "${BEST[$sys]}" ]; then
			printf '%-9s %11s %10s%% %9s %8s%% %7s%% %14s  %s\n' "$sys" "$(field "$sys" 0)" "$(field "$sys" 2)" \
				"$(field "$sys" 1)" "$(field "$sys" 3)" "$(field "$sys" 4)" "${MEM[$sys]}" "${FIRSTFAIL[$sys]}"
		else
			printf '%-9s %11s %11s %9s %9s %8s %14s  %s\n' "$sys" "none" - - - - "${MEM[$sys]}" "${FIRSTFAIL[$sys]}"
		fi
	done
	echo
	echo "ratio of highest clean rates, centrexd/kamailio: $ratio   (target >= 1.5)"
	echo
	echo "notes:"
	echo "  clean = < ${MAX_FAIL_PCT}% failed or unfinished, retransmissions <= ${MAX_RETRANS_PCT}% of registrations, SIPp offered >= ${MIN_OFFERED_PCT}% of the rate"
	echo "  CPU columns are % of one core over the step at the highest clean rate; us/reg = server utime+stime / registrations"
	echo "  memory = growth of Pss_Anon+Pss_Shmem of the server's processes from start to all $USERS users registered, scaled to 10k contacts"
	wants centrexd && echo "  centrexd: built ${BUILD_NOTE:-?}; run with auth.default_algorithms=MD5 (SIPp 3.6 answers MD5 challenges only); contacts persisted to SQLite"
	wants kamailio && echo "  kamailio $KAM_VER: $KAM_WORKERS UDP workers, auth_db on SQLite (HA1 precomputed), usrloc in memory (db_mode 0), qop=auth challenge"
	for sys in $SYSTEMS; do
		echo "  $sys: ${WARM[$sys]}"
		[ -n "${NOTE[$sys]:-}" ] && echo "  $sys: ${NOTE[$sys]}"
	done
	[ "${FIRSTFAIL[centrexd]:-x}" = "none up to the last rate" ] && echo "  centrexd was clean at every rate tried: raise RATES to find its limit"
	echo "  per-step figures: ${STEPS_TSV#"$ROOT"/}; logs: bench/run/$RUN_ID/"
} | tee "$RUNDIR/table.txt"

# one line per run
tsv_header "$RESULTS" 'time\trun\tcommit\tcpus\tusers\tstep_s\trates\tc_rate\tc_us_per_reg\tc_cpu_pct\tc_sipp_cpu_pct\tc_rt10_pct\tc_mib_per_10k\tc_first_unclean\tk_rate\tk_us_per_reg\tk_cpu_pct\tk_sipp_cpu_pct\tk_rt10_pct\tk_mib_per_10k\tk_first_unclean\tratio\tnotes'
line=("$(date +%FT%T)" "$RUN_ID" "$COMMIT" "$NCPU" "$USERS" "$STEP_S" "$RATES")
for sys in centrexd kamailio; do
	if wants "$sys"; then
		line+=("$(field "$sys" 0)" "$(field "$sys" 1)" "$(field "$sys" 2)" \
			"$(field "$sys" 3)" "$(field "$sys" 4)" "${MEM[$sys]}" "${FIRSTFAIL[$sys]}")
	else
		line+=(- - - - - - -)
	fi
done
tsv_line "$RESULTS" "${line[@]}" "$ratio" "kam_workers=$KAM_WORKERS centrexd_algs=MD5"
