#!/usr/bin/env bash
# Call benchmark: centrexd's B2BUA against Kamailio (call set-up) and its
# media relay against rtpengine (RTP), same load generators, one run.
#
# usage: bench/calls.sh [-r "RATE ..."] [-d SECONDS] [-n "CALLS ..."] [-t SECONDS] [-p PARTS]
#   -r  call rates to try in the set-up part, calls/s, ascending
#       (env RATES, default "200 400 ... 2000, 2500, 3000")
#   -d  seconds of new calls per rate step (env STEP_S, default 10)
#   -n  concurrent calls to try in the media part, ascending; each call is
#       two G.711 20 ms streams (env MEDIA_CALLS, default "250 500 750 1000 1250 1500")
#   -t  seconds of media per step (env MEDIA_S, default 10)
#   -p  parts to run (env PARTS, default "setup media")
# More knobs (environment): SETUP_SYSTEMS ("centrexd kamailio"),
#   MEDIA_SYSTEMS ("centrexd rtpengine"), HOLD_MS (1000), KAM_WORKERS (2),
#   KAM_DIALOG (0; 1 adds Kamailio's dialog module), MEDIA_THREADS (2, for
#   both relays), MEDIA_SETUP_RATE (200), MAX_RETRANS_PCT (1),
#   MIN_OFFERED_PCT (95), MAX_LOSS_PCT (0.1), MAX_LAG_MS (50), MEDIA_STOP_UNCLEAN
#   (0: every relay step is run; 1: a relay's steps stop at its first
#   unclean one), CENTREXD (a binary to use
#   instead of building build/centrexd), RESULTS (per-run TSV, default
#   bench/results/calls.tsv; the per-step lines go next to it).
#
# Method
#   How SIPp reaches a callee through centrexd.  centrexd is a B2BUA: calls
#   from phones need digest authentication, calls from carriers come in on
#   trunks.  The caller SIPp plays a carrier: an IP-authenticated trunk of the
#   demo tenant acme accepts INVITEs from 127.0.0.2 (the caller binds that
#   address; an "ip" trunk on 127.0.0.1 would swallow the phones too), and
#   the dialled DID +33145670000 is a number of acme pointing at user 1002.
#   The callee SIPp first registers as device 1002 (digest, from its own
#   address and port), then answers.  This setup was chosen because Kamailio,
#   the reference, authenticates nobody here: both servers get the same
#   unauthenticated INVITE and route it to one fixed callee.  What centrexd
#   does per call is still far more: DID lookup, two SIP dialogs, four media
#   ports bound and relayed, a call record written to SQLite.
#
#   (a) Call set-up.  sipp/call_uac.xml: INVITE (SDP) -> 100 -> 180 -> 200
#       (SDP) -> ACK, HOLD_MS of hold, BYE -> 200; sipp/call_uas.xml answers
#       (180, 200 with SDP).  No media flows.  Paths: SIPp -> centrexd ->
#       SIPp, and SIPp -> Kamailio (kamailio/proxy.cfg, tm + rr stateful
#       proxy, KAM_WORKERS processes) -> SIPp.  Each rate runs STEP_S seconds
#       (-r RATE -m RATE*STEP_S).  A step is clean when no call failed at
#       either end, every call finished, SIPp retransmitted at most
#       MAX_RETRANS_PCT % as many requests as there were calls and it started
#       at least MIN_OFFERED_PCT % of the rate; a system's search stops at
#       its first unclean step.  Reported for the highest clean rate: server
#       CPU (utime+stime of all its processes and threads, /proc) as % of one
#       core and as microseconds per call, SIPp's CPU (caller, callee), and
#       the share of calls set up (INVITE to 200) within 10 ms.
#
#   (b) RTP relay.  N calls at once, each two G.711 20 ms streams (172-byte
#       RTP packets, 50/s each way), for MEDIA_S seconds, from
#       tools/rtpload.c (one socket for every caller end, one for every
#       callee end, streams told apart by SSRC; paced evenly).
#       centrexd: a fresh daemon per step; SIPp sets up the N calls as in
#       (a) at MEDIA_SETUP_RATE/s with a hold that outlasts the media, the
#       SDP of both SIPps naming rtpload's sockets; the relay ports each side
#       was given are logged by the scenarios and handed to rtpload.
#       rtpengine (Debian's rtpengine-daemon, user-space forwarding only,
#       --table=-1, MEDIA_THREADS threads): a fresh daemon per step; rtpload
#       opens the N sessions itself over the ng protocol (offer/answer).
#       A step is clean when under MAX_LOSS_PCT % of the packets were lost,
#       every stream got through, all N calls were up and rtpload kept its
#       pace (never more than MAX_LAG_MS behind: a starved sender makes
#       bursts and measures itself).  Reported: packets
#       relayed per second, the relay's CPU over the media window (% of one
#       core) and packets relayed per CPU-second ("pps per core"), loss, p99
#       one-way delay through the relay, and memory per call: growth of the
#       relay's VmRSS from before the calls to the end of the media, / N.
#
#   Everything runs in a network namespace of its own with only loopback
#   (the script re-executes itself under `unshare -n`), on 127.0.0.1 and
#   127.0.0.2, ports 15110-15199, centrexd RTP 20000-39999, rtpengine RTP
#   40000-59999.  Every process started here is stopped by PID on exit;
#   every SIPp and rtpload run is bounded by a count and a timeout.
#
# This is a benchmark: it prints and records, it asserts nothing.
# Output: the tables on stdout; one line per run appended to RESULTS, one
# line per step to RESULTS-setup-steps.tsv and RESULTS-media-steps.tsv
# (RESULTS without .tsv); logs in bench/run/calls-*/.
set -u

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
ARGS=("$@")

RATES=${RATES:-"200 400 600 800 1000 1200 1400 1600 1800 2000 2500 3000"}
STEP_S=${STEP_S:-10}
MEDIA_CALLS=${MEDIA_CALLS:-"250 500 750 1000 1250 1500"}
MEDIA_S=${MEDIA_S:-10}
PARTS=${PARTS:-"setup media"}
SETUP_SYSTEMS=${SETUP_SYSTEMS:-"centrexd kamailio"}
MEDIA_SYSTEMS=${MEDIA_SYSTEMS:-"centrexd rtpengine"}
HOLD_MS=${HOLD_MS:-1000}
KAM_WORKERS=${KAM_WORKERS:-2}
KAM_DIALOG=${KAM_DIALOG:-0}
MEDIA_THREADS=${MEDIA_THREADS:-2}
MEDIA_SETUP_RATE=${MEDIA_SETUP_RATE:-200}
MAX_RETRANS_PCT=${MAX_RETRANS_PCT:-1}
MIN_OFFERED_PCT=${MIN_OFFERED_PCT:-95}
MAX_LOSS_PCT=${MAX_LOSS_PCT:-0.1}
MAX_LAG_MS=${MAX_LAG_MS:-50}
MEDIA_STOP_UNCLEAN=${MEDIA_STOP_UNCLEAN:-0}
RESULTS=${RESULTS:-$BENCH/results/calls.tsv}
SETUP_TSV=${RESULTS%.tsv}-setup-steps.tsv
MEDIA_TSV=${RESULTS%.tsv}-media-steps.tsv

. "$BENCH/lib.sh"
usage() { bench_usage 19 "$@"; }
while getopts "r:d:n:t:p:h" opt; do
	case $opt in
	r) RATES=$OPTARG ;;
	d) STEP_S=$OPTARG ;;
	n) MEDIA_CALLS=$OPTARG ;;
	t) MEDIA_S=$OPTARG ;;
	p) PARTS=$OPTARG ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
for p in $PARTS; do case $p in setup | media) ;; *) echo "unknown part '$p'" >&2; exit 2 ;; esac; done
for s in $SETUP_SYSTEMS; do case $s in centrexd | kamailio) ;; *) echo "unknown set-up system '$s'" >&2; exit 2 ;; esac; done
for s in $MEDIA_SYSTEMS; do case $s in centrexd | rtpengine) ;; *) echo "unknown relay '$s'" >&2; exit 2 ;; esac; done

part() { has "$PARTS" "$1"; }
need_centrexd() { { part setup && has "$SETUP_SYSTEMS" centrexd; } || { part media && has "$MEDIA_SYSTEMS" centrexd; }; }

RTPLOAD=$BENCH/run/bin/rtpload

# ------------------------------------------------------------ preparation
# packages through the project's installer, the build of centrexd, the RTP tool
if bench_parent; then
	"$ROOT/tools/setup.sh" bench || die "missing packages (see above)"
	need_centrexd && [ -z "${CENTREXD:-}" ] && bench_build centrexd
	if part media && { [ ! -x "$RTPLOAD" ] || [ "$BENCH/tools/rtpload.c" -nt "$RTPLOAD" ]; }; then
		mkdir -p "$(dirname "$RTPLOAD")"
		cc -O2 -Wall -Wextra -o "$RTPLOAD" "$BENCH/tools/rtpload.c" -lpthread ||
			die "cannot build tools/rtpload.c"
	fi
fi

# ------------------------------------------------------------ isolation
# centrexd holds four sockets per call, SIPp one per outstanding call at most
bench_netns "${BASH_SOURCE[0]}" "${ARGS[@]}"

# ------------------------------------------------------------ addresses
IP=127.0.0.1            # servers, callee SIPp, rtpload's callee socket
CALLER_IP=127.0.0.2     # caller SIPp (the "carrier"), rtpload's caller socket
UAC_PORT=15110          # caller SIPp SIP; 15111 control, 15130 its media port (unused)
UAS_PORT=15120          # callee SIPp SIP; 15121 control, 15134 its media port (unused)
RTP_A_PORT=15140        # rtpload, caller side (on CALLER_IP)
RTP_B_PORT=15142        # rtpload, callee side (on IP)
DEAD_RTP_PORT=15150     # SDP port in the set-up part: nothing listens there
CTX_PORT=15160          # centrexd SIP/UDP
KAM_PORT=15170          # kamailio SIP/UDP
CTX_HTTP=15180          # centrexd REST API
RTPE_NG=15190           # rtpengine ng control
CTX_RTP=20000-39999
RTPE_RTP_MIN=40000 RTPE_RTP_MAX=59999
DID=+33145670000        # a number of acme, pointing at user 1002
CALLEE_USER=1002 CALLEE_DOMAIN=acme.example CALLEE_PASSWORD=pw1002

CENTREXD=${CENTREXD:-$ROOT/build/centrexd}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
HZ=$(getconf CLK_TCK)
NCPU=$(getconf _NPROCESSORS_ONLN)
bench_rundir calls
# stores and sockets: a private temporary directory (short socket paths)
TMPD=$(mktemp -d /tmp/centrex-calls.XXXXXX)

# ------------------------------------------------------------ process control
cleanup() {
	stop_all
	rm -rf -- "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ measurements
rss_kib() { local k v; while read -r k v _; do [ "$k" = VmRSS: ] && { echo "$v"; return; }; done <"/proc/$1/status" 2>/dev/null; echo 0; }
# value of column NAME in the last row of a SIPp -trace_stat file
stat_last() {
	awk -F';' -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next }
		c { v = $c } END { print (v == "" ? 0 : v) + 0 }' "$1" 2>/dev/null || echo 0
}
lines() { local n=0; [ -f "$1" ] && n=$(wc -l <"$1"); echo "$n"; }
alive() { kill -0 "$1" 2>/dev/null; }

# ------------------------------------------------------------ servers
CTX_SOCK=$TMPD/centrexd.sock
ctx_ctl() { "$CENTREXD" -o "ctl.socket=$CTX_SOCK" "$@" 2>&1; }
# start_centrexd TAG: fresh store, demo data, trunk + DID, nothing registered
start_centrexd() {
	local tag=$1 db=$TMPD/centrexd-$1.db i
	rm -f "$db"*
	"$CENTREXD" --demo \
		-o "store.url=sqlite:$db" \
		-o "sip.listen=udp:$IP:$CTX_PORT" \
		-o "http.listen=$IP:$CTX_HTTP" \
		-o "ctl.socket=$CTX_SOCK" \
		-o "media.rtp_ports=$CTX_RTP" -o "media.threads=$MEDIA_THREADS" \
		-o log.level=warn \
		>"$RUNDIR/centrexd-$tag.out" 2>"$RUNDIR/centrexd-$tag.err" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	for i in $(seq 300); do
		grep -q 'ready' "$RUNDIR/centrexd-$tag.out" 2>/dev/null && break
		alive "$SRV_PID" || { cat "$RUNDIR/centrexd-$tag.err" >&2; die "centrexd exited during start"; }
		sleep 0.1
	done
	grep -q 'ready' "$RUNDIR/centrexd-$tag.out" || die "centrexd not ready after 30 s"
	SRV_PIDS=("$SRV_PID")
	SRV_ADDR=$IP:$CTX_PORT
	SRV_ERR=$RUNDIR/centrexd-$tag.err
	"$PY" "$BENCH/tools/callsetup.py" "$CTX_HTTP" "$CALLER_IP" "$DID" "$CALLEE_USER" \
		>"$RUNDIR/centrexd-$tag.setup" 2>&1 || { cat "$RUNDIR/centrexd-$tag.setup" >&2; die "cannot provision the trunk and the DID"; }
}
# the callee SIPp's address becomes device 1002's contact
register_callee() {
	local tag=$1
	printf 'SEQUENTIAL\n%s;%s;[authentication username=%s password=%s]\n' \
		"$CALLEE_USER" "$CALLEE_DOMAIN" "$CALLEE_USER" "$CALLEE_PASSWORD" >"$RUNDIR/callee.csv"
	(cd "$RUNDIR" && exec timeout -k 5 30 sipp -sf "$BENCH/sipp/callee_register.xml" -inf callee.csv "$SRV_ADDR" \
		-i "$IP" -p "$UAS_PORT" -cp $((UAS_PORT + 1)) -mp $((UAS_PORT + 14)) -m 1 -timeout 20s -nostdin \
		-trace_err -error_file "$tag.register.errors.log" >"$tag.register.out" 2>&1) ||
		die "the callee could not register with centrexd (see $RUNDIR/$tag.register.*)"
}

start_kamailio() {
	local tag=$1 i d pp s dlg=()
	[ "$KAM_DIALOG" = 1 ] && dlg=(-A WITH_DIALOG)
	kamailio -DD -E -f "$BENCH/kamailio/proxy.cfg" -Y "$RUNDIR" -m 512 -M 16 \
		-A "SIP_LISTEN=udp:$IP:$KAM_PORT" \
		-A "CTL_SOCKET=\"unix:$TMPD/kamailio.ctl\"" \
		-A "CALLEE=\"sip:$IP:$UAS_PORT\"" \
		-A "WORKERS=$KAM_WORKERS" "${dlg[@]}" \
		>"$RUNDIR/kamailio-$tag.log" 2>&1 &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	for i in $(seq 200); do
		kamcmd -s "unix:$TMPD/kamailio.ctl" core.version >/dev/null 2>&1 && break
		alive "$SRV_PID" || { cat "$RUNDIR/kamailio-$tag.log" >&2; die "kamailio exited during start"; }
		sleep 0.1
	done
	kamcmd -s "unix:$TMPD/kamailio.ctl" core.version >/dev/null 2>&1 || die "kamailio not ready after 20 s"
	sleep 1
	# the main process forks its workers at start; count them all
	server_with_children
	SRV_ADDR=$IP:$KAM_PORT
	SRV_ERR=$RUNDIR/kamailio-$tag.log
}

start_rtpengine() {
	local tag=$1 i
	rtpengine --config-file=none --foreground --log-stderr --log-level=4 --table=-1 \
		--interface="$IP" --listen-ng="$IP:$RTPE_NG" \
		--port-min=$RTPE_RTP_MIN --port-max=$RTPE_RTP_MAX \
		--num-threads="$MEDIA_THREADS" --delete-delay=0 --timeout=600 \
		>"$RUNDIR/rtpengine-$tag.log" 2>&1 &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	for i in $(seq 100); do
		[ -n "$(ss -Hlun "sport = :$RTPE_NG" 2>/dev/null)" ] && break
		alive "$SRV_PID" || { cat "$RUNDIR/rtpengine-$tag.log" >&2; die "rtpengine exited during start"; }
		sleep 0.1
	done
	[ -n "$(ss -Hlun "sport = :$RTPE_NG" 2>/dev/null)" ] || die "rtpengine not listening after 10 s"
	sleep 0.5
	SRV_PIDS=("$SRV_PID")
	SRV_ERR=$RUNDIR/rtpengine-$tag.log
}

# start_uas TAG RTP_PORT SECONDS [extra SIPp options]: the callee SIPp
start_uas() {
	local tag=$1 port=$2 secs=$3
	shift 3
	(cd "$RUNDIR" && exec sipp -sf "$BENCH/sipp/call_uas.xml" -i "$IP" -p "$UAS_PORT" \
		-cp $((UAS_PORT + 1)) -mp $((UAS_PORT + 14)) -key rtp_port "$port" \
		-buff_size 4194304 -nostdin -timeout "${secs}s" \
		-trace_stat -stf "$tag.uas.stat.csv" -fd 1 \
		-trace_err -error_file "$tag.uas.errors.log" -max_log_size 2000000 "$@" \
		>"$tag.uas.out" 2>&1) &
	UAS_PID=$!
	PIDS+=("$UAS_PID")
	UAS_STAT=$RUNDIR/$tag.uas.stat.csv
	sleep 0.5
	alive "$UAS_PID" || { cat "$RUNDIR/$tag.uas.out" >&2; die "the callee SIPp did not start"; }
}

# ------------------------------------------------------------ (a) one rate step
# setup_run NAME RATE COUNT: calls through the running server; sets S_*
# (caller SIPp statistics, see tools/sippstat.py) and M_* (CPU, wall time)
setup_run() {
	local name=$1 rate=$2 count=$3 secs limit c0 c1 k0 k1 u0 u1 m0 m1 b0 t0 b1 t1 w0 w1 f0 f1 pid
	secs=$(( (count + rate - 1) / rate ))
	# calls SIPp may have open: those of the hold plus 5 s of slack
	limit=$(( rate * (HOLD_MS / 1000 + 5) )); [ "$limit" -lt 1000 ] && limit=1000
	f0=$(stat_last "$UAS_STAT" "FailedCall(C)")
	k0=$(pid_ticks "${SRV_PIDS[@]}"); u0=$(pid_ticks "$UAS_PID"); m0=$(main_thread_ticks "$SRV_PID")
	read -r b0 t0 < <(machine_ticks)
	w0=$EPOCHREALTIME; child_cpu_ms; c0=$CHILD_MS
	(cd "$RUNDIR" && exec timeout -k 5 $((secs + HOLD_MS / 1000 + 40)) \
		sipp -sf "$BENCH/sipp/call_uac.xml" "$SRV_ADDR" -s "$DID" \
		-i "$CALLER_IP" -p "$UAC_PORT" -cp $((UAC_PORT + 1)) -mp $((UAC_PORT + 20)) \
		-key rtp_port "$DEAD_RTP_PORT" \
		-r "$rate" -m "$count" -l "$limit" -d "$HOLD_MS" -timeout $((secs + HOLD_MS / 1000 + 30))s \
		-buff_size 4194304 -nostdin -trace_stat -stf "$name.stat.csv" -fd 1 \
		-trace_err -error_file "$name.errors.log" -max_log_size 2000000 \
		-trace_screen -screen_file "$name.screen.log" \
		>"$name.sipp.out" 2>&1) &
	pid=$!
	PIDS+=("$pid")
	wait "$pid"
	forget "$pid"
	child_cpu_ms; c1=$CHILD_MS; w1=$EPOCHREALTIME
	k1=$(pid_ticks "${SRV_PIDS[@]}"); u1=$(pid_ticks "$UAS_PID"); m1=$(main_thread_ticks "$SRV_PID")
	read -r b1 t1 < <(machine_ticks)
	sleep 1.5                       # the callee's stat file is written once a second
	f1=$(stat_last "$UAS_STAT" "FailedCall(C)")
	sipp_stats "$RUNDIR/$name.stat.csv"
	M_wall=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.2f", b - a }')
	M_srv_ticks=$((k1 - k0))
	M_uas_ticks=$((u1 - u0))
	M_main_ticks=$((m1 - m0))
	M_uac_ms=$((c1 - c0))
	M_uas_failed=$((f1 - f0))
	M_busy=$((100 * (b1 - b0) / (t1 - t0 + 1)))
}

CTX_COUNTERS="sip_rx_requests sip_rx_responses sip_malformed sip_shed_503 store_writes store_errors library_complaints"
# the first distinct lines a server logged since line $2 of its log (warnings)
new_log_lines() {
	tail -n +$(($2 + 1)) "$1" 2>/dev/null | sed -E 's/^[0-9T:.Z-]+ +//' | sort | uniq -c | sort -rn | head -3 |
		awk '{ $1 = $1 "x"; print }' | tr '\n' '|' | cut -c1-400
}

declare -A BEST FIRSTFAIL NOTE MBEST MFIRSTFAIL MNOTE MSTEP MUNCLEAN

setup_header='run\tsystem\trate\tstep_s\thold_ms\tcreated\tok\tfailed\tunfinished\tcallee_failed\tretrans\toffered\twall_s\tsrv_cpu_pct\tus_per_call\tuac_cpu_pct\tuas_cpu_pct\trt1_pct\trt10_pct\trt100_pct\tbusy_before_pct\tmachine_busy_pct\tmain_thread_pct\tclean\tverdict\tserver_notes'
media_header='run\tsystem\tcalls\tstreams\tmedia_s\tcalls_up\tsent\treceived\tlost\tloss_pct\tstreams_lossy\tstreams_silent\toffered_pps\trelayed_pps\trelay_cpu_pct\tpps_per_core\tlat_p50_ms\tlat_p99_ms\tlat_max_ms\trss_before_kib\trss_after_kib\tkib_per_call\trtpload_cpu_pct\tmax_lag_ms\tbusy_before_pct\tbusiest_thread_pct\tbusiest_thread\tclean\tverdict'

measure_setup() {
	local sys=$1 rate count name clean verdict extra nerr line total_s
	log "== call set-up: $sys"
	total_s=0; for rate in $RATES; do total_s=$((total_s + STEP_S + HOLD_MS / 1000 + 60)); done
	if [ "$sys" = centrexd ]; then
		start_centrexd setup
		register_callee "centrexd-setup"
	else
		start_kamailio setup
	fi
	start_uas "$sys-setup" "$DEAD_RTP_PORT" "$((total_s + 60))"
	log "$sys started (pid ${SRV_PIDS[*]}), callee SIPp pid $UAS_PID"

	BEST[$sys]=""
	FIRSTFAIL[$sys]="none up to the last rate"
	for rate in $RATES; do
		count=$((rate * STEP_S))
		name="$sys-$rate"
		wait_quiet
		[ "$sys" = centrexd ] && ctx_counters "$RUNDIR/$name.counters0"
		nerr=$(lines "$SRV_ERR")
		setup_run "$name" "$rate" "$count"
		extra=""
		if [ "$sys" = centrexd ] && alive "$SRV_PID"; then
			ctx_counters "$RUNDIR/$name.counters1"
			extra=$(ctx_counter_diff "$RUNDIR/$name.counters0" "$RUNDIR/$name.counters1")
		fi
		[ "$(lines "$SRV_ERR")" -gt "$nerr" ] && extra="$extra${extra:+; }log: $(new_log_lines "$SRV_ERR" "$nerr")"
		read -r clean verdict < <(awk -v n="$count" -v ok="$S_ok" -v f="$S_failed" -v r="$S_retrans" \
			-v uf="$M_uas_failed" -v off="$S_offered" -v rate="$rate" -v mr="$MAX_RETRANS_PCT" \
			-v mo="$MIN_OFFERED_PCT" -v sipp="$M_uac_ms" -v w="$M_wall" -v alive="$(alive "$SRV_PID" && echo 1 || echo 0)" 'BEGIN {
			unf = n - ok - f; if (unf < 0) unf = 0
			rp = 100 * r / n; sc = w > 0 ? sipp / 10 / w : 0
			if (!alive)            { print 0, "server exited"; exit }
			if (f + unf > 0)       { printf "0 %d failed, %d unfinished of %d\n", f, unf, n; exit }
			if (uf > 0)            { printf "0 %d failed at the callee\n", uf; exit }
			if (rp > mr)           { printf "0 retransmissions %.1f%%\n", rp; exit }
			if (off < rate * mo / 100) { printf "0 offered only %d/s%s\n", off, (sc > 95 ? " (SIPp saturated)" : ""); exit }
			print 1, "clean" }')
		local unf=$((count - S_ok - S_failed)); [ "$unf" -lt 0 ] && unf=0
		line=$(awk -v OFS='\t' -v run="$RUN_ID" -v sys="$sys" -v rate="$rate" -v st="$STEP_S" -v hold="$HOLD_MS" \
			-v cr="$S_created" -v ok="$S_ok" -v f="$S_failed" -v unf="$unf" -v uf="$M_uas_failed" -v re="$S_retrans" \
			-v off="$S_offered" -v w="$M_wall" -v kt="$M_srv_ticks" -v ut="$M_uas_ticks" -v hz="$HZ" -v uac="$M_uac_ms" \
			-v r1="$S_rt1" -v r10="$S_rt10" -v r100="$S_rt100" -v quiet="$QUIET_PCT" -v busy="$M_busy" \
			-v mt="$M_main_ticks" -v clean="$clean" -v v="$verdict" -v x="$extra" 'BEGIN {
			print run, sys, rate, st, hold, cr, ok, f, unf, uf, re, off, w,
				sprintf("%.0f", 100 * kt / hz / w), sprintf("%.1f", ok ? 1e6 * kt / hz / ok : 0),
				sprintf("%.0f", uac / 10 / w), sprintf("%.0f", 100 * ut / hz / w),
				r1, r10, r100, quiet, busy, sprintf("%.0f", 100 * mt / hz / w), clean, v, x }')
		printf '%s\n' "$line" >>"$SETUP_TSV"
		IFS=$'\t' read -r -a F <<<"$line"
		log "$sys ${rate}/s: ok=${S_ok} failed=${S_failed} unfinished=${unf} callee-failed=${M_uas_failed} retrans=${S_retrans} offered=${S_offered}/s" \
			"server=${F[13]}%$([ "$sys" = centrexd ] && echo " (main thread ${F[22]}%)") ${F[14]}us/call sipp=${F[15]}%+${F[16]}% setup<10ms=${S_rt10}% -> ${verdict}${extra:+  [$extra]}"
		if [ "$clean" != 1 ]; then
			FIRSTFAIL[$sys]="$rate: $verdict"
			[ -n "$extra" ] && NOTE[$sys]="at $rate/s: $extra"
			break
		fi
		# rate, us/call, server cpu %, uac cpu %, uas cpu %, setup<10ms, main thread %
		BEST[$sys]="$rate ${F[14]} ${F[13]} ${F[15]} ${F[16]} ${S_rt10} ${F[22]}"
		sleep 2
	done
	stop_pid "$UAS_PID"
	stop_server
}

# ------------------------------------------------------------ (b) one media step
# sets R_* from rtpload's output
read_rtpload() {
	local key val
	R_sent=0 R_received=0 R_lost=0 R_loss_pct=100 R_streams=0 R_streams_lossy=0 R_streams_silent=0
	R_offered_pps=0 R_relayed_pps=0 R_relay_cpu_s=0 R_window_s=1 R_lat_p50_ms=0 R_lat_p99_ms=0
	R_lat_max_ms=0 R_relay_rss1_kib=0 R_self_cpu_s=0 R_max_lag_ms=0
	while IFS='=' read -r key val; do
		[[ $key =~ ^[a-z0-9_]+$ && $val =~ ^[0-9.]+$ ]] && printf -v "R_$key" '%s' "$val"
	done <"$1"
}

# The busiest thread of the relay over rtpload's run (for rtpengine that
# includes opening the sessions): a thread near 100 % of a core is the
# relay's limit whatever its total CPU says.  -> BUSY_PCT, BUSY_NAME
threads_mark() { BUSY_PCT=0 BUSY_NAME=-; thread_ticks "$SRV_PID" >"$RUNDIR/$1.threads0"; BUSY_T0=$EPOCHREALTIME; }
threads_read() {
	local s
	s=$(awk -v a="$BUSY_T0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
	read -r BUSY_PCT BUSY_NAME < <(busiest_thread "$SRV_PID" "$RUNDIR/$1.threads0" "$s")
	[[ $BUSY_PCT =~ ^[0-9]+$ ]] || BUSY_PCT=0
	BUSY_NAME=${BUSY_NAME:--}
}

media_step_centrexd() { # N NAME -> R_*, UP, RSS0
	local n=$1 name=$2 hold_s setup_s pid i deadline
	BUSY_PCT=0 BUSY_NAME=-
	start_centrexd "$name"
	register_callee "$name"
	setup_s=$(( (n + MEDIA_SETUP_RATE - 1) / MEDIA_SETUP_RATE ))
	hold_s=$((setup_s + MEDIA_S + 20))
	start_uas "$name" "$RTP_B_PORT" $((hold_s + 60)) -trace_logs -log_file "$name.uas.ports"
	sleep 0.5
	RSS0=$(rss_kib "$SRV_PID")
	(cd "$RUNDIR" && exec timeout -k 5 $((hold_s + setup_s + 40)) \
		sipp -sf "$BENCH/sipp/call_uac.xml" "$SRV_ADDR" -s "$DID" \
		-i "$CALLER_IP" -p "$UAC_PORT" -cp $((UAC_PORT + 1)) -mp $((UAC_PORT + 20)) \
		-key rtp_port "$RTP_A_PORT" \
		-r "$MEDIA_SETUP_RATE" -m "$n" -l $((n + 10)) -d $((hold_s * 1000)) \
		-timeout $((hold_s + setup_s + 30))s -buff_size 4194304 -nostdin \
		-trace_stat -stf "$name.stat.csv" -fd 1 \
		-trace_err -error_file "$name.errors.log" -max_log_size 2000000 \
		-trace_logs -log_file "$name.uac.ports" \
		>"$name.sipp.out" 2>&1) &
	pid=$!
	PIDS+=("$pid")
	# until both ends logged every call, the caller gave up, or time is out
	deadline=$((SECONDS + setup_s + 30))
	while [ "$SECONDS" -lt "$deadline" ] && alive "$pid"; do
		[ "$(lines "$RUNDIR/$name.uac.ports")" -ge "$n" ] && [ "$(lines "$RUNDIR/$name.uas.ports")" -ge "$n" ] && break
		sleep 0.5
	done
	UP=$(lines "$RUNDIR/$name.uac.ports"); i=$(lines "$RUNDIR/$name.uas.ports"); [ "$i" -lt "$UP" ] && UP=$i
	awk '{ print $3, $5 }' "$RUNDIR/$name.uac.ports" >"$RUNDIR/$name.to-a" 2>/dev/null
	awk '{ print $3, $5 }' "$RUNDIR/$name.uas.ports" >"$RUNDIR/$name.to-b" 2>/dev/null
	if [ "$UP" -gt 0 ] && alive "$SRV_PID"; then
		sleep 1
		threads_mark "$name"
		timeout -k 5 $((MEDIA_S + 30)) "$RTPLOAD" -a "$CALLER_IP:$RTP_A_PORT" -b "$IP:$RTP_B_PORT" \
			-A "$RUNDIR/$name.to-a" -B "$RUNDIR/$name.to-b" -t "$MEDIA_S" -P "$SRV_PID" \
			>"$RUNDIR/$name.rtpload" 2>"$RUNDIR/$name.rtpload.err"
		threads_read "$name"
	else
		: >"$RUNDIR/$name.rtpload"
	fi
	read_rtpload "$RUNDIR/$name.rtpload"
	stop_pid "$pid"
	stop_pid "$UAS_PID"
	stop_server
}

media_step_rtpengine() { # N NAME -> R_*, UP, RSS0
	local n=$1 name=$2
	start_rtpengine "$name"
	RSS0=$(rss_kib "$SRV_PID")
	threads_mark "$name"
	timeout -k 5 $((MEDIA_S + 60 + n / 100)) "$RTPLOAD" -a "$CALLER_IP:$RTP_A_PORT" -b "$IP:$RTP_B_PORT" \
		-n "$IP:$RTPE_NG" -c "$n" -t "$MEDIA_S" -P "$SRV_PID" \
		>"$RUNDIR/$name.rtpload" 2>"$RUNDIR/$name.rtpload.err"
	threads_read "$name"
	read_rtpload "$RUNDIR/$name.rtpload"
	UP=$n; [ -s "$RUNDIR/$name.rtpload" ] || UP=0
	stop_server
}

measure_media() {
	local sys=$1 n name clean verdict line
	log "== RTP relay: $sys"
	MBEST[$sys]=""
	MFIRSTFAIL[$sys]="none up to the last step"
	for n in $MEDIA_CALLS; do
		name="$sys-media-$n"
		wait_quiet
		"media_step_$sys" "$n" "$name"
		read -r clean verdict < <(awk -v n="$n" -v up="$UP" -v loss="$R_loss_pct" -v ml="$MAX_LOSS_PCT" \
			-v silent="$R_streams_silent" -v sent="$R_sent" -v off="$R_offered_pps" \
			-v lag="$R_max_lag_ms" -v mlag="$MAX_LAG_MS" 'BEGIN {
			if (up < n)       { printf "0 only %d of %d calls up\n", up, n; exit }
			if (sent == 0)    { print 0, "no media sent (rtpload failed)"; exit }
			if (loss >= ml)   { printf "0 loss %.3f%%\n", loss; exit }
			if (silent > 0)   { printf "0 %d streams got nothing through\n", silent; exit }
			if (off < n * 2 * 50 * 0.99) { printf "0 rtpload offered only %d pps\n", off; exit }
			if (lag > mlag)   { printf "0 rtpload fell %.0f ms behind\n", lag; exit }
			print 1, "clean" }')
		line=$(awk -v OFS='\t' -v run="$RUN_ID" -v sys="$sys" -v n="$n" -v ms="$MEDIA_S" -v up="$UP" \
			-v st="$R_streams" -v sent="$R_sent" -v got="$R_received" -v lost="$R_lost" -v lp="$R_loss_pct" \
			-v sl="$R_streams_lossy" -v ss="$R_streams_silent" -v off="$R_offered_pps" -v rel="$R_relayed_pps" \
			-v cpu="$R_relay_cpu_s" -v win="$R_window_s" -v p50="$R_lat_p50_ms" -v p99="$R_lat_p99_ms" \
			-v pmax="$R_lat_max_ms" -v r0="$RSS0" -v r1="$R_relay_rss1_kib" -v self="$R_self_cpu_s" \
			-v lag="$R_max_lag_ms" -v quiet="$QUIET_PCT" -v clean="$clean" -v v="$verdict" \
			-v bp="$BUSY_PCT" -v bn="$BUSY_NAME" 'BEGIN {
			print run, sys, n, st, ms, up, sent, got, lost, lp, sl, ss, off, rel,
				sprintf("%.0f", 100 * cpu / win), (cpu > 0 ? sprintf("%.0f", got / cpu) : 0),
				p50, p99, pmax, r0, r1, (up > 0 && r1 > 0 ? sprintf("%.1f", (r1 - r0) / up) : "-"),
				sprintf("%.0f", 100 * self / win), lag, quiet, bp, bn, clean, v }')
		printf '%s\n' "$line" >>"$MEDIA_TSV"
		IFS=$'\t' read -r -a F <<<"$line"
		MSTEP[$sys:$n]="$clean ${F[15]} ${F[14]} $BUSY_PCT $BUSY_NAME $verdict"
		log "$sys $n calls (${F[3]} streams): up=$UP relayed=${F[13]} pps loss=${F[9]}% relay-cpu=${F[14]}% pps/core=${F[15]}" \
			"p99=${F[17]}ms mem=${F[21]}KiB/call rtpload-cpu=${F[22]}% lag=${F[23]}ms busiest-thread=$BUSY_PCT% ($BUSY_NAME) -> $verdict"
		if [ "$clean" != 1 ]; then
			[ -z "${MUNCLEAN[$sys]:-}" ] && MFIRSTFAIL[$sys]="$n calls: $verdict"
			MUNCLEAN[$sys]=1
			[ -s "$RUNDIR/$name.rtpload.err" ] && MNOTE[$sys]="rtpload: $(head -c 200 "$RUNDIR/$name.rtpload.err" | tr '\n' ' ')"
			[ -s "$RUNDIR/$name.errors.log" ] && MNOTE[$sys]="${MNOTE[$sys]:-}SIPp: $(grep -m1 -v '^The following' "$RUNDIR/$name.errors.log" | cut -c1-200)"
			[ "$MEDIA_STOP_UNCLEAN" = 1 ] && break
			sleep 1
			continue
		fi
		# the best clean step below the first unclean one
		[ -n "${MUNCLEAN[$sys]:-}" ] && { sleep 1; continue; }
		# calls, streams, relayed pps, relay cpu %, pps/core, loss %, p99 ms, KiB/call
		MBEST[$sys]="$n ${F[3]} ${F[13]} ${F[14]} ${F[15]} ${F[9]} ${F[17]} ${F[21]}"
		sleep 1
	done
}

# ------------------------------------------------------------ main
log "call bench $RUN_ID: parts '$PARTS'; set-up: '$SETUP_SYSTEMS' at '$RATES'/s, ${STEP_S}s per step, hold ${HOLD_MS}ms; media: '$MEDIA_SYSTEMS' with '$MEDIA_CALLS' calls, ${MEDIA_S}s"
if need_centrexd; then
	[ -x "$CENTREXD" ] || die "no $CENTREXD"
	"$CENTREXD" --help 2>&1 | grep -q -- --demo || die "$CENTREXD has no --demo option"
fi
if part media; then
	[ -x "$RTPLOAD" ] || die "no $RTPLOAD (built before the namespace is entered)"
	has "$MEDIA_SYSTEMS" rtpengine && ! command -v rtpengine >/dev/null && die "rtpengine is missing (tools/setup.sh bench)"
fi
tsv_header "$SETUP_TSV" "$setup_header"
tsv_header "$MEDIA_TSV" "$media_header"

if part setup; then for sys in $SETUP_SYSTEMS; do measure_setup "$sys"; done; fi
if part media; then for sys in $MEDIA_SYSTEMS; do measure_media "$sys"; done; fi

# ------------------------------------------------------------ report
SIPP_VER=$(sipp -v 2>/dev/null | awk '/SIPp v/ { sub(/-.*/, "", $2); print $2; exit }')
KAM_VER=$(kamailio -v 2>/dev/null | awk '/^version:/ { print $3; exit }')
RTPE_VER=$(rtpengine --version 2>&1 | awk '/Version/ { print $2; exit }')
bench_about "$CENTREXD"

field() { nth "${BEST[$1]:-}" "$2"; }
# one step's line of the per-step comparison
media_ratio_line() {
	local n=$1 c=() r=() ratio note=""
	read -r -a c <<<"${MSTEP[centrexd:$n]:-}"
	read -r -a r <<<"${MSTEP[rtpengine:$n]:-}"
	[ ${#c[@]} -ge 5 ] && [ ${#r[@]} -ge 5 ] || return 0
	ratio=$(awk -v c="${c[1]}" -v r="${r[1]}" 'BEGIN { if (c > 0 && r > 0) printf "%.2f", c / r; else print "n/a" }')
	[ "${c[0]}" = 1 ] || note="centrexd unclean: ${c[*]:5}; "
	[ "${r[0]}" = 1 ] || note="${note}rtpengine unclean: ${r[*]:5}; "
	[ "${r[3]}" -ge 90 ] && note="${note}rtpengine's busiest thread used ${r[3]}% of a core: saturated, its pps/core is a ceiling; "
	[ "${c[3]}" -ge 90 ] && note="${note}centrexd's busiest thread used ${c[3]}% of a core: saturated; "
	printf '%6s  %-24s %-24s %7s  %s\n' "$n" "${c[1]} ${c[3]}% ${c[4]}" "${r[1]} ${r[3]}% ${r[4]}" "$ratio" "${note%; }"
}
mfield() { nth "${MBEST[$1]:-}" "$2"; }

RATIO=n/a CPU_RATIO=n/a MRATIO=n/a MSAME="" MCAP=n/a
if part setup; then
	RATIO=$(awk -v c="$(field centrexd 0)" -v k="$(field kamailio 0)" 'BEGIN { if (c > 0 && k > 0) printf "%.2f", c / k; else print "n/a" }')
	[ "${FIRSTFAIL[centrexd]:-x}" = "none up to the last rate" ] && [ "$RATIO" != n/a ] && RATIO=">= $RATIO"
	CPU_RATIO=$(awk -v c="$(field centrexd 1)" -v k="$(field kamailio 1)" 'BEGIN { if (c > 0 && k > 0) printf "%.2f", c / k; else print "n/a" }')
fi
if part media; then
	# pps per core compared at the same load: the largest step both relayed cleanly
	for n in $MEDIA_CALLS; do
		read -r c1 cp _ <<<"${MSTEP[centrexd:$n]:-0 0 0 0 -}"
		read -r r1 rp _ <<<"${MSTEP[rtpengine:$n]:-0 0 0 0 -}"
		[ "$c1" = 1 ] && [ "$r1" = 1 ] && MSAME="$n $cp $rp"
	done
	if [ -n "$MSAME" ]; then
		read -r n cp rp <<<"$MSAME"
		MRATIO=$(awk -v c="$cp" -v r="$rp" 'BEGIN { if (c > 0 && r > 0) printf "%.2f", c / r; else print "n/a" }')
	fi
	MCAP=$(awk -v c="$(mfield centrexd 1)" -v r="$(mfield rtpengine 1)" 'BEGIN { if (c > 0 && r > 0) printf "%.2f", c / r; else print "n/a" }')
	[ "${MFIRSTFAIL[centrexd]:-x}" = "none up to the last step" ] && [ "$MCAP" != n/a ] && MCAP=">= $MCAP"
fi

{
	echo
	echo "machine: $NCPU x $CPU_MODEL; loopback in a private network namespace; SIPp $SIPP_VER"
	[ -n "$BUILD_NOTE" ] && echo "centrexd: $COMMIT, built $BUILD_NOTE"
	if part setup; then
		echo
		echo "(a) call set-up: INVITE/100/180/200/ACK (SDP, no media), ${HOLD_MS} ms hold, BYE/200; ${STEP_S} s of new calls per rate"
		echo "    rates tried: $RATES"
		echo
		printf '%-9s %12s %11s %9s %15s %11s  %s\n' system "clean calls/s" "server CPU" "us/call" "SIPp CPU a/b" "setup<10ms" "first unclean step"
		for sys in $SETUP_SYSTEMS; do
			if [ -n "${BEST[$sys]}" ]; then
				printf '%-9s %12s %10s%% %9s %14s %10s%%  %s\n' "$sys" "$(field "$sys" 0)" "$(field "$sys" 2)" \
					"$(field "$sys" 1)" "$(field "$sys" 3)%/$(field "$sys" 4)%" "$(field "$sys" 5)" "${FIRSTFAIL[$sys]}"
			else
				printf '%-9s %12s %11s %9s %15s %11s  %s\n' "$sys" none - - - - "${FIRSTFAIL[$sys]}"
			fi
		done
		echo
		echo "ratio of highest clean rates, centrexd/kamailio: $RATIO   (goal >= 1.0)"
		echo "CPU per call, centrexd/kamailio: $CPU_RATIO (at each one's highest clean rate)"
	fi
	if part media; then
		echo
		echo "(b) RTP relay: calls of two G.711 20 ms streams (50 packets/s each way), ${MEDIA_S} s of media per step"
		echo "    calls tried: $MEDIA_CALLS"
		echo
		printf '%-9s %12s %12s %10s %10s %8s %8s %9s  %s\n' relay "clean calls" "pps relayed" "relay CPU" "pps/core" "loss" "p99 ms" "KiB/call" "first unclean step"
		for sys in $MEDIA_SYSTEMS; do
			if [ -n "${MBEST[$sys]}" ]; then
				printf '%-9s %12s %12s %9s%% %10s %7s%% %8s %9s  %s\n' "$sys" "$(mfield "$sys" 0) ($(mfield "$sys" 1))" \
					"$(mfield "$sys" 2)" "$(mfield "$sys" 3)" "$(mfield "$sys" 4)" "$(mfield "$sys" 5)" \
					"$(mfield "$sys" 6)" "$(mfield "$sys" 7)" "${MFIRSTFAIL[$sys]}"
			else
				printf '%-9s %12s %12s %10s %10s %8s %8s %9s  %s\n' "$sys" none - - - - - - "${MFIRSTFAIL[$sys]}"
			fi
		done
		echo
		if [ -n "$MSAME" ]; then
			read -r n cp rp <<<"$MSAME"
			echo "pps per core at the same load ($n calls, $((n * 2)) streams), centrexd/rtpengine: $cp / $rp = $MRATIO   (goal >= 2)"
		else
			echo "pps per core, centrexd/rtpengine: n/a (no step both relayed cleanly)"
		fi
		echo "ratio of highest clean call counts, centrexd/rtpengine: $MCAP"
		if has "$MEDIA_SYSTEMS" centrexd && has "$MEDIA_SYSTEMS" rtpengine; then
			echo
			echo "pps per core at each step, centrexd/rtpengine (goal >= 2); busiest = the relay's busiest thread, % of a core"
			printf '%6s  %-24s %-24s %7s  %s\n' calls "centrexd pps/core busiest" "rtpengine pps/core busiest" ratio note
			for n in $MEDIA_CALLS; do
				media_ratio_line "$n"
			done
		fi
	fi
	echo
	echo "notes:"
	if part setup; then
		echo "  (a) clean = no failed or unfinished call at either SIPp, retransmissions <= ${MAX_RETRANS_PCT}% of calls, SIPp started >= ${MIN_OFFERED_PCT}% of the rate"
		echo "      CPU = utime+stime over the step (its calls' set-up, hold and BYE) as % of one core; us/call = server CPU / completed calls;"
		echo "      SIPp CPU a/b = caller/callee SIPp; setup<10ms = share of calls whose 200 came within 10 ms of the INVITE"
		has "$SETUP_SYSTEMS" centrexd && echo "      centrexd: caller = IP trunk from $CALLER_IP, DID $DID -> user $CALLEE_USER (callee SIPp registered with digest); log.level=warn; SQLite store; CDR per call"
		[ -n "${BEST[centrexd]:-}" ] && echo "      centrexd: its SIP (main) thread used $(field centrexd 6)% of a core at $(field centrexd 0) calls/s; all SIP work is on that one thread"
		has "$SETUP_SYSTEMS" kamailio && echo "      kamailio $KAM_VER: tm + rr stateful proxy, $KAM_WORKERS UDP workers, fixed next hop$([ "$KAM_DIALOG" = 1 ] && echo ", dialog module")"
		for sys in $SETUP_SYSTEMS; do [ -n "${NOTE[$sys]:-}" ] && echo "      $sys ${NOTE[$sys]}"; done
		[ "${FIRSTFAIL[centrexd]:-x}" = "none up to the last rate" ] && echo "      centrexd was clean at every rate tried: raise RATES to find its limit"
	fi
	if part media; then
		echo "  (b) clean = loss < ${MAX_LOSS_PCT}%, every stream got through, every call up, rtpload never more than ${MAX_LAG_MS} ms behind"
		echo "      pps relayed = packets out of the relay per second (both directions); relay CPU = utime+stime of all its threads"
		echo "      over the media window; pps/core = packets relayed per CPU-second of the relay; p99 = one-way delay through it;"
		echo "      KiB/call = VmRSS growth from before the calls to the end of the media, / calls"
		has "$MEDIA_SYSTEMS" centrexd && echo "      centrexd: media.threads=$MEDIA_THREADS; calls set up by SIPp at ${MEDIA_SETUP_RATE}/s, KiB/call includes both SIP dialogs and the call record"
		has "$MEDIA_SYSTEMS" rtpengine && echo "      rtpengine $RTPE_VER: user-space forwarding (--table=-1), $MEDIA_THREADS threads, sessions opened over ng"
		for sys in $MEDIA_SYSTEMS; do [ -n "${MNOTE[$sys]:-}" ] && echo "      $sys: ${MNOTE[$sys]}"; done
	fi
	echo "  load generators share the $NCPU cores with the server; per-step figures: ${SETUP_TSV#"$ROOT"/}, ${MEDIA_TSV#"$ROOT"/}"
	echo "  logs: bench/run/$RUN_ID/"
} | tee "$RUNDIR/table.txt"

# one line per run
tsv_header "$RESULTS" 'time\trun\tcommit\tcpus\tparts\thold_ms\tstep_s\trates\tc_rate\tc_us_per_call\tc_cpu_pct\tc_first_unclean\tk_rate\tk_us_per_call\tk_cpu_pct\tk_first_unclean\tsetup_ratio\tmedia_s\tmedia_calls\tc_calls\tc_pps\tc_pps_per_core\tc_loss_pct\tc_kib_per_call\tc_media_first_unclean\tr_calls\tr_pps\tr_pps_per_core\tr_loss_pct\tr_kib_per_call\tr_media_first_unclean\tpps_per_core_ratio\tsame_load_calls\tstep_ratios'
line=("$(date +%FT%T)" "$RUN_ID" "$COMMIT" "$NCPU" "$PARTS" "$HOLD_MS" "$STEP_S" "$RATES")
for sys in centrexd kamailio; do
	if part setup && has "$SETUP_SYSTEMS" "$sys"; then
		line+=("$(field "$sys" 0)" "$(field "$sys" 1)" "$(field "$sys" 2)" "${FIRSTFAIL[$sys]}")
	else
		line+=(- - - -)
	fi
done
line+=("$RATIO" "$MEDIA_S" "$MEDIA_CALLS")
for sys in centrexd rtpengine; do
	if part media && has "$MEDIA_SYSTEMS" "$sys"; then
		line+=("$(mfield "$sys" 0)" "$(mfield "$sys" 2)" "$(mfield "$sys" 4)" \
			"$(mfield "$sys" 5)" "$(mfield "$sys" 7)" "${MFIRSTFAIL[$sys]}")
	else
		line+=(- - - - - -)
	fi
done
# calls:ratio for every step both relays ran, clean or not (* = unclean)
STEP_RATIOS=""
for n in $MEDIA_CALLS; do
	read -r c1 cp _ <<<"${MSTEP[centrexd:$n]:-0 0}"
	read -r r1 rp _ <<<"${MSTEP[rtpengine:$n]:-0 0}"
	[ "$cp" != 0 ] && [ "$rp" != 0 ] || continue
	STEP_RATIOS+=$(awk -v n="$n" -v c="$cp" -v r="$rp" -v u="$([ "$c1$r1" = 11 ] || echo '*')" 'BEGIN { printf "%s:%.2f%s ", n, c / r, u }')
done
tsv_line "$RESULTS" "${line[@]}" "$MRATIO" "${MSAME%% *}" "${STEP_RATIOS% }"
