#!/usr/bin/env bash
# Media benchmark: what the media engine's audio work costs, on one media
# thread: transcoded calls, prompt players, the conference mixer and the
# codecs per participant, recording writers; the plain relay figures of
# bench/calls.sh beside them for scale.
#
# usage: bench/media.sh [-t SECONDS] [-p PARTS] [-n "CALLS ..."] [-l "PLAYERS ..."] [-r "RECORDINGS ..."]
#   -t  seconds of the measured window per step (env STEP_S, default 5;
#       each step also has WARM_S, 1 s, of warm-up before it)
#   -p  parts to run (env PARTS, default "transcode play mix record")
#   -n  concurrent transcoded calls to try, ascending
#       (env TRANSCODE_CALLS, default "25 50 100 125 150 200 300")
#   -l  concurrent players to try (env PLAYERS, default "250 500 1000 1500 2000 3000 4000")
#   -r  concurrent recordings to try (env RECORDINGS, default "250 500 1000 2000 4000")
# More knobs (environment): PLAYER_CODEC (pcmu; or opus), PLAYER_CALLER
#   (1: a player's caller sends its 20 ms stream too; 0: it is silent),
#   REC_CHANNELS (1: mixed; 2: one leg per channel), MAX_LATE_MS (40),
#   MAX_LAG_MS (20), REC_MAX_LAG_MS (200), SAT_PCT (95), RETRY_UNCLEAN
#   (1), SPEECH and CLIP (WAV files: what the phones say, what the
#   players loop; default an Asterisk English prompt and an opsound MOH
#   track, made-up audio when absent), MEDIALOAD (a binary to use instead
#   of building build/mediaload), CALLS_TSV (bench/results/calls.tsv),
#   RESULTS (per-run TSV, default bench/results/media.tsv; the per-step
#   lines go to RESULTS-steps.tsv, RESULTS without .tsv).
#
# Method
#   tools/mediaload.c runs the engine in its own process, as the daemon
#   does: media_start() with one media thread on 127.0.0.1, the load
#   driver's main thread as the signalling thread.  One invocation is one
#   step; each step is a fresh process.
#
#   transcode  N relays, side A agreed Opus (pt 111), side B PCMU (pt 0).
#              mediaload plays both phones: a 20 ms packet per stream every
#              20 ms, paced evenly (Opus it encoded itself from SPEECH, and
#              PCMU), and checks what the relay makes: Opus to A (pt 111,
#              20 ms packets, timestamps 960 apart), PCMU to B (pt 0, 172
#              bytes, 160 apart), one packet per 20 ms per stream.
#   play       N relays, side A hears CLIP looped (media_relay_play, loop)
#              in PLAYER_CODEC while its caller sends PCMU, as a phone in an
#              IVR does (PLAYER_CALLER=0: a silent caller); nobody on side B.
#   A relay step is clean when: every packet sent reached the relay (its
#   own counters), every output stream delivered its frames in the window
#   (k x 20 ms hold k frames, one spared at the edges), nothing came back
#   lost, malformed, with a sequence hole or a wrong timestamp step, no
#   window packet was MAX_LATE_MS or more behind its stream's 20 ms
#   schedule (kernel receive time stamps), the namespace's UDP counters
#   show no drop anywhere, and the driver kept its pace (at most
#   MAX_LAG_MS late), and no stream skipped a frame (a media thread more
#   than three frames late drops them: seen as a stream falling a whole
#   20 ms slot behind its own schedule).  An unclean step is tried
#   RETRY_UNCLEAN more times (the host may be shared); the search stops at
#   the first step unclean every time, or after a step where the media thread was busy (on a
#   CPU, or ready and waiting for one) SAT_PCT % of the time or more.
#   Reported: the largest clean N (raw), the media thread's CPU over the
#   window (utime+stime of that thread, /proc; its wait for a CPU from
#   schedstat) and N scaled to a whole core (N / CPU share: a linear
#   estimate, not a measurement).
#
#   mix        no relay drives the mixer yet: mediaload times mixer_mix()
#              (dsp/mixer.h) at 3..20 parties and each codec's encoder and
#              decoder (jitter buffer, decoder, resampling) per 20 ms frame,
#              thread CPU time.  A conference participant costs mix + decode
#              + encode of its codec; participants per core = 20 ms / that.
#   record     N recordings (record/record.h) fed every 20 ms with a frame
#              each, as media threads feed them, written by the one writer
#              thread into RUNDIR/rec on this disk.  Clean: no frame dropped
#              (full ring), no error, every frame in the files, the feeder on
#              time (REC_MAX_LAG_MS: a late feeder only hands over what the
#              2 s rings absorb).  Reported: the writer thread's CPU, bytes/s to disk
#              (file bytes / run time), and how long syncfs() took after.
#
#   For scale: packets/s per core of the plain relays, rtpengine and
#   centrexd, from the last line of CALLS_TSV that has them (bench/calls.sh).
#
#   Everything runs in a network namespace of its own with only loopback
#   (the script re-executes itself under `unshare -n`); RTP ports
#   20000-59999.  Every mediaload run is bounded by a timeout.
#
# This is a benchmark: it prints and records, it asserts nothing.
# Output: the table on stdout; one line per run appended to RESULTS, one
# line per step to RESULTS-steps.tsv; logs in bench/run/media-*/.
set -u

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
ARGS=("$@")

STEP_S=${STEP_S:-5}
WARM_S=${WARM_S:-1}
PARTS=${PARTS:-"transcode play mix record"}
TRANSCODE_CALLS=${TRANSCODE_CALLS:-"25 50 100 125 150 200 300"}
PLAYERS=${PLAYERS:-"250 500 1000 1500 2000 3000 4000"}
RECORDINGS=${RECORDINGS:-"250 500 1000 2000 4000"}
PLAYER_CODEC=${PLAYER_CODEC:-pcmu}
PLAYER_CALLER=${PLAYER_CALLER:-1}
REC_CHANNELS=${REC_CHANNELS:-1}
MAX_LATE_MS=${MAX_LATE_MS:-40}
MAX_LAG_MS=${MAX_LAG_MS:-20}
REC_MAX_LAG_MS=${REC_MAX_LAG_MS:-200}
RETRY_UNCLEAN=${RETRY_UNCLEAN:-1}
SAT_PCT=${SAT_PCT:-95}
CALLS_TSV=${CALLS_TSV:-$BENCH/results/calls.tsv}
RESULTS=${RESULTS:-$BENCH/results/media.tsv}
STEPS_TSV=${RESULTS%.tsv}-steps.tsv
RTP_PORTS=20000-59999

usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while getopts "t:p:n:l:r:h" opt; do
	case $opt in
	t) STEP_S=$OPTARG ;;
	p) PARTS=$OPTARG ;;
	n) TRANSCODE_CALLS=$OPTARG ;;
	l) PLAYERS=$OPTARG ;;
	r) RECORDINGS=$OPTARG ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
for p in $PARTS; do case $p in transcode | play | mix | record) ;; *) echo "unknown part '$p'" >&2; exit 2 ;; esac; done
case $PLAYER_CODEC in pcmu | opus) ;; *) echo "PLAYER_CODEC: pcmu or opus" >&2; exit 2 ;; esac
case $REC_CHANNELS in 1 | 2) ;; *) echo "REC_CHANNELS: 1 or 2" >&2; exit 2 ;; esac

log() { printf '%s  %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }
part() { has "$PARTS" "$1"; }

# ------------------------------------------------------------ preparation
# Done once, in the caller's namespace (apt may need the network): the
# build packages and build/mediaload (the debugoptimized build).
if [ -z "${CENTREX_MEDIA_CHILD:-}" ]; then
	"$ROOT/tools/setup.sh" build || die "missing packages (see above)"
	if [ -z "${MEDIALOAD:-}" ]; then
		if [ ! -f "$ROOT/build/build.ninja" ]; then
			(cd "$ROOT" && meson setup build --buildtype=debugoptimized -Dtests=disabled) >&2 ||
				die "meson setup failed"
		fi
		ninja -C "$ROOT/build" mediaload >&2 || die "build of mediaload failed"
	fi
fi

# ------------------------------------------------------------ isolation
# Loopback-only network namespace, as bench/calls.sh: re-execute under
# `unshare -n` unless only lo is here (/proc/net/dev is per namespace).
# The UDP drop counters mediaload reads are then ours alone.
only_loopback() {
	local line name n=0
	{ read -r line; read -r line
	  while IFS=: read -r name line; do
		name=${name// /}
		[ "$name" = lo ] || n=$((n + 1))
	  done; } </proc/net/dev
	[ "$n" -eq 0 ]
}
if ! only_loopback; then
	[ -n "${CENTREX_MEDIA_CHILD:-}" ] && die "unshare gave a namespace with interfaces besides lo"
	export CENTREX_MEDIA_CHILD=1
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare --net -- "$BASH" "${BASH_SOURCE[0]}" "${ARGS[@]}"
	else # unprivileged: a user namespace maps us to root inside
		exec unshare --map-root-user --net -- "$BASH" "${BASH_SOURCE[0]}" "${ARGS[@]}"
	fi
fi
ip link set lo up || die "cannot bring lo up in the namespace"
# four sockets per relay
ulimit -n "$(ulimit -Hn)" 2>/dev/null

MEDIALOAD=${MEDIALOAD:-$ROOT/build/mediaload}
[ -x "$MEDIALOAD" ] || die "no $MEDIALOAD"
SOUNDS=/usr/share/asterisk/sounds
if [ -z "${SPEECH+x}" ]; then
	SPEECH=""
	for f in "$SOUNDS"/en*/queue-periodic-announce.wav; do [ -f "$f" ] && { SPEECH=$f; break; }; done
fi
if [ -z "${CLIP+x}" ]; then
	CLIP=""
	for f in /usr/share/asterisk/moh/*.wav; do [ -f "$f" ] && { CLIP=$f; break; }; done
fi
SPEECH_ARG=() CLIP_ARG=()
[ -n "$SPEECH" ] && SPEECH_ARG=(-w "$SPEECH")
[ -n "$CLIP" ] && CLIP_ARG=(-m "$CLIP")

NCPU=$(getconf _NPROCESSORS_ONLN)
RUN_ID=media-$(date +%Y%m%d-%H%M%S)
RUNDIR=$BENCH/run/$RUN_ID
mkdir -p "$RUNDIR" "$(dirname "$RESULTS")"
# keep the ten newest run directories
ls -1d "$BENCH"/run/media-* 2>/dev/null | head -n -10 | while read -r old; do rm -rf -- "$old"; done
trap 'rm -rf -- "$RUNDIR/rec"' EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ measurements
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

declare -A K          # KEY=VALUE of the last mediaload run
declare -A MIX        # those of the mix run
# ml NAME MODE ARGS...: one mediaload run; its output in RUNDIR/NAME.out
ml() {
	local name=$1 k v
	shift
	K=()
	timeout -k 5 $((2 * STEP_S + WARM_S + 60)) "$MEDIALOAD" "$@" \
		>"$RUNDIR/$name.out" 2>"$RUNDIR/$name.err"
	while IFS='=' read -r k v; do [ -n "$k" ] && K[$k]=$v; done <"$RUNDIR/$name.out"
	[ -n "${K[mode]:-}" ]
}
k() { echo "${K[$1]:-0}"; }

steps_header='run\tpart\tn\tclean\tverdict\tthread_cpu_pct\tdriver_cpu_pct\tsent\tloss_in\tout_window\tout_missing\tlate\tlate_max_ms\tbad\tgaps\tback_loss\tudp_errors\tlag_max_ms\tout_pps\tdropped_frames\tdisk_bytes_per_s\tsync_s\tquiet_pct'
declare -A BEST FIRSTFAIL
# step_line PART N CLEAN VERDICT: the per-step TSV line from K
step_line() {
	local cpu=media_cpu_pct other=driver_cpu_pct
	[ "$1" = record ] && cpu=writer_cpu_pct other=feeder_cpu_pct
	printf '%s\t%s\t%s\t%s\t%s' "$RUN_ID" "$1" "$2" "$3" "$4"
	printf '\t%s' "$(k $cpu)" "$(k $other)" \
		"$(k sent)" "$(k loss_in)" "$(k out_window)" "$(k out_missing)" "$(k late)" "$(k late_max_ms)" \
		$(($(k bad_pt) + $(k bad_len) + $(k bad_ts))) "$(k gaps)" "$(k back_loss)" \
		$(($(k udp_rcvbuf_errors) + $(k udp_sndbuf_errors) + $(k udp_in_errors))) \
		"$(k lag_max_ms)" "$(k out_pps)" "$(k dropped_frames)" "$(k disk_bytes_per_s)" "$(k sync_s)" "$QUIET_PCT"
	printf '\n'
}

# relay_verdict N: "CLEAN SATURATED reason" from K
relay_verdict() {
	awk -v n="$1" -v li="$(k loss_in)" -v mi="$(k out_missing)" -v si="$(k out_streams_silent)" -v sk="$(k out_skipped)" \
		-v bl="$(k back_loss)" -v bp="$(k bad_pt)" -v bn="$(k bad_len)" -v bt="$(k bad_ts)" \
		-v gp="$(k gaps)" -v la="$(k late)" -v lm="$(k late_max_ms)" -v ml="$MAX_LATE_MS" \
		-v ue="$(($(k udp_rcvbuf_errors) + $(k udp_sndbuf_errors) + $(k udp_in_errors)))" \
		-v dr="$(($(k dropped_foreign) + $(k dropped_other)))" -v lag="$(k lag_max_ms)" -v mlag="$MAX_LAG_MS" \
		-v cpu="$(k media_cpu_pct)" -v wt="$(k media_wait_pct)" -v sat="$SAT_PCT" 'BEGIN {
		s = (cpu + wt >= sat) ? 1 : 0
		# a thread kept from the CPU by the load driver: say so
		if (wt >= 10) hint = sprintf(" (media thread waited %.0f%% of the time for a CPU)", wt)
		if (li > 0)  { printf "0 %d %d packets lost into the relay%s\n", s, li, hint; exit }
		if (si > 0)  { printf "0 %d %d output streams silent%s\n", s, si, hint; exit }
		if (mi > 0)  { printf "0 %d %d frames missing from the output%s\n", s, mi, hint; exit }
		if (sk > 0)  { printf "0 %d %d frames skipped (late media thread)%s\n", s, sk, hint; exit }
		if (bl > 0)  { printf "0 %d %d packets lost on the way back%s\n", s, bl, hint; exit }
		if (bp + bn + bt > 0) { printf "0 %d malformed output: pt %d, size %d, ts step %d\n", s, bp, bn, bt; exit }
		if (gp > 0)  { printf "0 %d %d sequence holes%s\n", s, gp, hint; exit }
		if (la > 0)  { printf "0 %d %d packets >= %d ms late (max %.0f ms)%s\n", s, la, ml, lm, hint; exit }
		if (ue > 0)  { printf "0 %d %d UDP buffer drops%s\n", s, ue, hint; exit }
		if (dr > 0)  { printf "0 %d %d packets dropped by the relay\n", s, dr; exit }
		if (lag > mlag) { printf "0 %d driver fell %.0f ms behind\n", s, lag; exit }
		if (s)       { printf "1 1 clean, media thread busy (%.0f%% on a CPU, %.0f%% waiting)\n", cpu, wt; exit }
		print "1 0 clean" }'
}

record_verdict() {
	awk -v n="$1" -v dr="$(k dropped_frames)" -v er="$(k errors)" -v fr="$(k frames)" -v ex="$(k expected_frames)" \
		-v rs="$(k results)" -v lag="$(k lag_max_ms)" -v mlag="$REC_MAX_LAG_MS" -v cpu="$(k writer_cpu_pct)" \
		-v sat="$SAT_PCT" 'BEGIN {
		s = (cpu >= sat) ? 1 : 0
		if (rs < n)  { printf "0 %d only %d of %d recordings finished\n", s, rs, n; exit }
		if (er > 0)  { printf "0 %d %d recordings failed\n", s, er; exit }
		if (dr > 0)  { printf "0 %d %d frames dropped (full rings)\n", s, dr; exit }
		if (fr != ex) { printf "0 %d %d of %d frames in the files\n", s, fr, ex; exit }
		if (lag > mlag) { printf "0 %d feeder fell %.0f ms behind\n", s, lag; exit }
		if (s)       { printf "1 1 clean, writer thread saturated (%.0f%%)\n", cpu; exit }
		print "1 0 clean" }'
}

# search PART "N ...": steps up until unclean or saturated; sets BEST[PART]
# to "N CPU% extra" of the largest clean step
search() {
	local p=$1 n clean sat verdict cpu extra args try
	log "== $p: ${2}"
	BEST[$p]=""
	FIRSTFAIL[$p]="none up to the last step"
	for n in $2; do
	for try in $(seq 0 "$RETRY_UNCLEAN"); do
		wait_quiet
		case $p in
		transcode) args=(transcode -n "$n" "${SPEECH_ARG[@]}") ;;
		play) args=(play -n "$n" -c "$PLAYER_CODEC" "${CLIP_ARG[@]}")
			[ "$PLAYER_CALLER" = 0 ] && args+=(-q) ;;
		record) rm -rf -- "$RUNDIR/rec"; mkdir -p "$RUNDIR/rec"
			args=(record -n "$n" -d "$RUNDIR/rec" -C "$REC_CHANNELS" "${SPEECH_ARG[@]}") ;;
		esac
		if ! ml "$p-$n" "${args[@]}" -t "$STEP_S" -W "$WARM_S" -p "$RTP_PORTS" -L "$MAX_LATE_MS"; then
			verdict="mediaload failed: $(head -c 200 "$RUNDIR/$p-$n.err" | tr '\n' ' ')"
			clean=0 sat=0
		elif [ "$p" = record ]; then
			read -r clean sat verdict < <(record_verdict "$n")
		else
			read -r clean sat verdict < <(relay_verdict "$n")
		fi
		step_line "$p" "$n" "$clean" "$verdict" >>"$STEPS_TSV"
		if [ "$p" = record ]; then
			cpu=$(k writer_cpu_pct)
			extra="$(k disk_bytes_per_s) $(k sync_s)"
			log "record $n: writer-cpu=${cpu}% frames=$(k frames)/$(k expected_frames) dropped=$(k dropped_frames)" \
				"disk=$(awk -v b="$(k disk_bytes_per_s)" 'BEGIN { printf "%.1f", b / 1e6 }')MB/s sync=$(k sync_s)s lag=$(k lag_max_ms)ms -> $verdict"
		else
			cpu=$(k media_cpu_pct)
			extra="$(k media_wait_pct) $(k late_max_ms)"
			log "$p $n: media-cpu=${cpu}% wait=$(k media_wait_pct)% driver-cpu=$(k driver_cpu_pct)% sent=$(k sent) out=$(k out_window)/$(k out_expected)" \
				"missing=$(k out_missing) skipped=$(k out_skipped) late=$(k late) (max $(k late_max_ms)ms) lag=$(k lag_max_ms)ms -> $verdict"
		fi
		# the host may be shared: an unclean step gets RETRY_UNCLEAN more
		# tries before it counts (a real limit fails every time)
		[ "$clean" = 1 ] && break
		[ "$try" -lt "$RETRY_UNCLEAN" ] && log "$p $n: unclean, trying once more"
	done
		if [ "$clean" != 1 ]; then
			FIRSTFAIL[$p]="$n: $verdict"
			break
		fi
		BEST[$p]="$n $cpu $extra"
		if [ "$sat" = 1 ]; then
			FIRSTFAIL[$p]="none; stopped after $n (media thread busy)"
			[ "$p" = record ] && FIRSTFAIL[$p]="none; stopped after $n (writer thread saturated)"
			break
		fi
	done
}

# ------------------------------------------------------------ main
log "media bench $RUN_ID: parts '$PARTS', ${STEP_S}s window + ${WARM_S}s warm-up per step"
[ -f "$STEPS_TSV" ] || printf "$steps_header\n" >"$STEPS_TSV"
part transcode && search transcode "$TRANSCODE_CALLS"
part play && search play "$PLAYERS"
if part mix; then
	log "== mix: mixer and codecs, thread CPU time"
	ml mix mix -t "$STEP_S" "${SPEECH_ARG[@]}" || die "mediaload mix failed (see $RUNDIR/mix.err)"
	for key in "${!K[@]}"; do MIX[$key]=${K[$key]}; done
fi
part record && search record "$RECORDINGS"

# ------------------------------------------------------------ for scale
# the relay figures of the last calls.sh run that measured them
SCALE_R=n/a SCALE_C=n/a SCALE_FROM="no ${CALLS_TSV#"$ROOT"/}: run bench/calls.sh -p media" SCALE_C_FROM=""
if [ -f "$CALLS_TSV" ]; then
	IFS=$'\t' read -r SCALE_R SCALE_C SCALE_FROM SCALE_C_FROM < <(awk -F'\t' -v OFS='\t' -v f="${CALLS_TSV#"$ROOT"/}" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ last = NR }
		c["r_pps_per_core"] && c["c_pps_per_core"] &&
		($c["r_pps_per_core"] ~ /^[0-9]/ || $c["c_pps_per_core"] ~ /^[0-9]/) {
			r = $c["r_pps_per_core"]; p = $c["c_pps_per_core"]; at = NR
			rf = sprintf("%s, run %s: at %s calls", f, $c["run"], $c["r_calls"])
			cf = sprintf("same run: at %s calls", $c["c_calls"]) }
		END {
			if (!at) { print "n/a", "n/a", f " has no relay figures (bench/calls.sh -p media)", ""; exit }
			if (at != last) rf = rf "; later lines have none"
			print (r ~ /^[0-9]/ ? r : "n/a"), (p ~ /^[0-9]/ ? p : "n/a"), rf, cf }' "$CALLS_TSV")
fi

# ------------------------------------------------------------ report
COMMIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
BUILD_NOTE=""
opts="$ROOT/build/meson-info/intro-buildoptions.json"
if [ "$MEDIALOAD" = "$ROOT/build/mediaload" ] && [ -f "$opts" ]; then
	BUILD_NOTE=$(/usr/bin/python3 -c 'import json,sys; o={x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}; print("%s, sanitize=%s" % (o.get("buildtype"), o.get("b_sanitize")))' "$opts" 2>/dev/null)
fi
bfield() { local a; read -r -a a <<<"${BEST[$1]:-}"; echo "${a[$2]:-}"; }
scaled() { awk -v n="$1" -v c="$2" 'BEGIN { if (n > 0 && c > 0) printf "%.0f", n * 100 / c; else print "n/a" }'; }
mx() { echo "${MIX[$1]:-}"; }
# participants per core: 20 ms / (mix per party at 20 + decode + encode)
per_core_party() { awk -v m="$(mx mix_p20_us_party)" -v d="$(mx "codec_$1_dec_us")" -v e="$(mx "codec_$1_enc_us")" \
	'BEGIN { if (m + d + e > 0) printf "%.0f", 20000 / (m + d + e); else print "n/a" }'; }

TC_N=$(bfield transcode 0) TC_CPU=$(bfield transcode 1) TC_WAIT=$(bfield transcode 2)
PL_N=$(bfield play 0) PL_CPU=$(bfield play 1) PL_WAIT=$(bfield play 2)
RC_N=$(bfield record 0) RC_CPU=$(bfield record 1) RC_BPS=$(bfield record 2) RC_SYNC=$(bfield record 3)
TC_SC=$(scaled "$TC_N" "$TC_CPU") PL_SC=$(scaled "$PL_N" "$PL_CPU") RC_SC=$(scaled "$RC_N" "$RC_CPU")
row() { printf '%-44s %12s  %-24s %s\n' "$@"; }
{
	echo
	echo "machine: $NCPU x $CPU_MODEL; loopback in a private network namespace"
	echo "engine: centrexd $COMMIT${BUILD_NOTE:+, built $BUILD_NOTE}; one media thread (media_start threads=1), in the load driver's process"
	echo "steps: ${WARM_S} s warm-up + ${STEP_S} s window; speech: ${SPEECH:-made up}; clip: ${CLIP:-made up}"
	echo
	row measure figure unit "how / where from"
	row "-------" "------" "----" "----------------"
	if part transcode; then
		if [ -n "$TC_N" ]; then
			row "transcoded calls Opus<->PCMU, clean" "$TC_N" "calls, 1 media thread" "thread at ${TC_CPU}% of a core (+${TC_WAIT}% waiting for one); 0 loss (raw)"
			row "  per core, scaled" "$TC_SC" "calls/core" "$TC_N / ${TC_CPU}% = $(awk -v s="$TC_SC" 'BEGIN { printf "%.0f", s * 100 }') packets/s out per core (2 x 50/s per call)"
		else
			row "transcoded calls Opus<->PCMU, clean" none - ""
		fi
		row "  first unclean step" "" "" "${FIRSTFAIL[transcode]}"
	fi
	if part play; then
		if [ -n "$PL_N" ]; then
			row "prompt players, looping clip ($PLAYER_CODEC)" "$PL_N" "players, 1 media thread" "thread at ${PL_CPU}% of a core (+${PL_WAIT}% waiting); $([ "$PLAYER_CALLER" = 0 ] && echo "silent caller" || echo "caller sending too") (raw)"
			row "  per core, scaled" "$PL_SC" "players/core" "$PL_N / ${PL_CPU}% = $(awk -v s="$PL_SC" 'BEGIN { printf "%.0f", s * 50 }') packets/s out per core"
		else
			row "prompt players, looping clip ($PLAYER_CODEC)" none - ""
		fi
		row "  first unclean step" "" "" "${FIRSTFAIL[play]}"
	fi
	if part mix; then
		row "mixer, per participant (20 parties)" "$(mx mix_p20_us_party)" "us per 20 ms frame" "3 parties: $(mx mix_p3_us_party), 10: $(mx mix_p10_us_party) (dsp/mixer.h alone)"
		for c in PCMU PCMA G722 opus; do
			row "  + $c decode / encode" "$(mx "codec_${c}_dec_us") / $(mx "codec_${c}_enc_us")" "us per 20 ms frame" \
				"-> $(per_core_party "$c") participants/core (mix + dec + enc)"
		done
	fi
	if part record; then
		ch=mono; [ "$REC_CHANNELS" = 2 ] && ch="2 channels"
		if [ -n "$RC_N" ]; then
			row "recordings at real time, clean ($ch)" "$RC_N" "recordings, 1 writer" "writer thread at ${RC_CPU}% of a core; 0 dropped frames (raw)"
			row "  disk write rate at that step" "$(awk -v b="$RC_BPS" 'BEGIN { printf "%.1f", b / 1e6 }')" "MB/s" "file bytes / run time; syncfs afterwards took ${RC_SYNC} s"
			row "  per writer core, scaled" "$RC_SC" "recordings/core" "$RC_N / ${RC_CPU}%"
		else
			row "recordings at real time, clean ($ch)" none - ""
		fi
		row "  first unclean step" "" "" "${FIRSTFAIL[record]}"
	fi
	row "rtpengine plain relay (for scale)" "$SCALE_R" "packets/s per core" "$SCALE_FROM"
	row "centrexd plain relay (for scale)" "$SCALE_C" "packets/s per core" "${SCALE_C_FROM:-$SCALE_FROM}"
	echo
	echo "notes:"
	echo "  raw = the largest clean step, on one media (or writer) thread; scaled = raw / that thread's CPU share, a linear"
	echo "  estimate of a full core.  Loss, lateness (>= ${MAX_LATE_MS} ms behind a stream's 20 ms schedule) and format are checked"
	echo "  per packet; the load driver shares the $NCPU cores (its CPU is in the step log and ${STEPS_TSV#"$ROOT"/})."
	part mix && echo "  mixer and codec figures are thread CPU time of the functions alone (no network): the conference is not yet on a relay."
	part record && echo "  recordings go to bench/run/ on this disk through the page cache (the writer never fsyncs); sync time shows the disk's side."
	echo "  logs: bench/run/$RUN_ID/"
} | tee "$RUNDIR/table.txt"

# one line per run
if [ ! -f "$RESULTS" ]; then
	printf 'time\trun\tcommit\tcpus\tstep_s\ttc_calls\ttc_cpu_pct\ttc_per_core\ttc_first_unclean\tpl_codec\tpl_players\tpl_cpu_pct\tpl_per_core\tpl_first_unclean\tmix_us_party_20\tpcmu_dec_us\tpcmu_enc_us\tg722_dec_us\tg722_enc_us\topus_dec_us\topus_enc_us\trec_channels\trec_n\trec_cpu_pct\trec_per_core\trec_bytes_per_s\trec_first_unclean\tr_pps_per_core\tc_pps_per_core\n' >"$RESULTS"
fi
dash() { [ -n "$1" ] && echo "$1" || echo -; }
printf '%s\t' "$(date +%FT%T)" "$RUN_ID" "$COMMIT" "$NCPU" "$STEP_S" \
	"$(dash "$TC_N")" "$(dash "$TC_CPU")" "$TC_SC" "${FIRSTFAIL[transcode]:--}" \
	"$PLAYER_CODEC" "$(dash "$PL_N")" "$(dash "$PL_CPU")" "$PL_SC" "${FIRSTFAIL[play]:--}" \
	"$(dash "$(mx mix_p20_us_party)")" "$(dash "$(mx codec_PCMU_dec_us)")" "$(dash "$(mx codec_PCMU_enc_us)")" \
	"$(dash "$(mx codec_G722_dec_us)")" "$(dash "$(mx codec_G722_enc_us)")" \
	"$(dash "$(mx codec_opus_dec_us)")" "$(dash "$(mx codec_opus_enc_us)")" \
	"$REC_CHANNELS" "$(dash "$RC_N")" "$(dash "$RC_CPU")" "$RC_SC" "$(dash "$RC_BPS")" "${FIRSTFAIL[record]:--}" \
	"$SCALE_R" >>"$RESULTS"
printf '%s\n' "$SCALE_C" >>"$RESULTS"
