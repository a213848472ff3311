#!/usr/bin/env bash
# Media benchmark: what the media engine's audio work costs, on one media
# thread: transcoded calls, prompt players, conferences, recorded calls;
# the mixer and codecs and the recording writer alone; the plain relay
# figures of bench/calls.sh beside them for scale.
#
# usage: bench/media.sh [-t SECONDS] [-p PARTS] [-n "CALLS ..."] [-l "PLAYERS ..."]
#                       [-c "PARTIES ..."] [-r "CALLS ..."] [-w "RECORDINGS ..."]
#   -t  seconds of the measured window per step (env STEP_S, default 5;
#       each step also has WARM_S, 1 s, of warm-up before it)
#   -p  parts to run (env PARTS, default "transcode play conf mix record writer")
#   -n  concurrent transcoded calls to try, ascending
#       (env TRANSCODE_CALLS, default "25 50 100 125 150 200 300")
#   -l  concurrent players to try (env PLAYERS, default "250 500 1000 1500 2000 3000 4000")
#   -c  conference participants to try, all conferences together, multiples
#       of every size (env CONF_PARTIES, default "60 120 240 480 720 960 1200 1500";
#       Opus: CONF_OPUS_PARTIES, default "30 60 90 120 150 180 240")
#   -r  concurrent recorded calls to try (env RECORDINGS, default "50 100 200 300 400 500 600 800")
#   -w  recordings fed to the writer alone (env WRITERS, default "250 500 1000 2000 4000")
# More knobs (environment): CONF_RUNS ("pcmu:3 pcmu:10 opus:10": codec and
#   parties per conference, one search each), PLAYER_CODEC (pcmu; or opus),
#   PLAYER_CALLER (1: a player's caller sends its 20 ms stream too; 0: it is
#   silent), REC_CHANNELS (1: mixed; 2: one leg per channel), REC_DIR (where
#   the recordings go, default a new temporary directory), MAX_LATE_MS (40),
#   MAX_LAG_MS (20), REC_MAX_LAG_MS (200), SAT_PCT (95), RETRY_UNCLEAN (1),
#   SPEECH and CLIP (WAV files: what the phones say, what the players loop;
#   default an Asterisk English prompt and an opsound MOH track, made-up
#   audio when absent), MEDIALOAD (a binary to use instead of building
#   build/mediaload), CALLS_TSV (bench/results/calls.tsv), RESULTS (per-run
#   TSV, default bench/results/media.tsv; the per-step lines go to
#   RESULTS-steps.tsv, RESULTS without .tsv).
#
# Method
#   tools/mediaload.c runs the engine in its own process, as the daemon
#   does: media_start() with one media thread on 127.0.0.1, the load
#   driver's main thread as the signalling thread (libre's loop runs while
#   it waits for the engine's answers).  One invocation is one step; each
#   step is a fresh process.
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
#   conf       N participants in conferences of k (N / k conferences,
#              media_conf_join), each a relay whose side A faces a phone
#              that sends SPEECH in the codec of the run (PCMU, or Opus at
#              48 kHz) and must hear the others' mix in it, one packet per
#              20 ms.  A search per CONF_RUNS entry.
#   record     N relays carrying PCMU both ways, each recorded by the engine
#              (media_relay_record, mixed or split by REC_CHANNELS) into
#              REC_DIR: the relay checks below, and every recording done,
#              none failed, 0 frames dropped to a full ring
#              (rec_result.dropped_frames), none shorter than the time its
#              phones sent.
#   A relay step is clean when: every packet sent reached the relay (its
#   own counters), every output stream delivered its frames in the window
#   (k x 20 ms hold k frames, one spared at the edges) with sound in them,
#   nothing came back lost, malformed, with a sequence hole or a wrong
#   timestamp step, no window packet was MAX_LATE_MS or more behind its
#   stream's 20 ms schedule (kernel receive time stamps), the namespace's
#   UDP counters show no drop anywhere, and the driver kept its pace (at
#   most MAX_LAG_MS late), and no stream skipped a frame (a media thread
#   more than three frames late drops them: seen as a stream falling a
#   whole 20 ms slot behind its own schedule).  An unclean step is tried
#   RETRY_UNCLEAN more times (the host may be shared); the search stops at
#   the first step unclean every time, or after a step where the media
#   thread was busy (on a CPU, or ready and waiting for one) SAT_PCT % of
#   the time or more.  Reported: the largest clean N (raw), the media
#   thread's CPU over the window (utime+stime of that thread, /proc; its
#   wait for a CPU from schedstat) and N scaled to a whole core (N / CPU
#   share: a linear estimate, not a measurement); for recordings also per
#   writer core (N / the writer thread's share).
#
#   mix        mediaload times mixer_mix() (dsp/mixer.h) at 3..20 parties
#              and each codec's encoder and decoder (jitter buffer, decoder,
#              resampling) per 20 ms frame, thread CPU time, without the
#              network: participants per core = 20 ms / (mix + dec + enc).
#   writer     N recordings (record/record.h) fed every 20 ms with a frame
#              each, as media threads feed them, written by the one writer
#              thread into REC_DIR.  Clean: no frame dropped (full ring), no
#              error, every frame in the files, the feeder on time
#              (REC_MAX_LAG_MS: a late feeder only hands over what the 2 s
#              rings absorb).  Reported: the writer thread's CPU, bytes/s to
#              disk (file bytes / run time), and how long syncfs() took after.
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
PARTS=${PARTS:-"transcode play conf mix record writer"}
TRANSCODE_CALLS=${TRANSCODE_CALLS:-"25 50 100 125 150 200 300"}
PLAYERS=${PLAYERS:-"250 500 1000 1500 2000 3000 4000"}
CONF_PARTIES=${CONF_PARTIES:-"60 120 240 480 720 960 1200 1500"}
CONF_OPUS_PARTIES=${CONF_OPUS_PARTIES:-"30 60 90 120 150 180 240"}
CONF_RUNS=${CONF_RUNS:-"pcmu:3 pcmu:10 opus:10"}
RECORDINGS=${RECORDINGS:-"50 100 200 300 400 500 600 800"}
WRITERS=${WRITERS:-"250 500 1000 2000 4000"}
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

. "$BENCH/lib.sh"
usage() { bench_usage 31 "$@"; }
while getopts "t:p:n:l:c:r:w:h" opt; do
	case $opt in
	t) STEP_S=$OPTARG ;;
	p) PARTS=$OPTARG ;;
	n) TRANSCODE_CALLS=$OPTARG ;;
	l) PLAYERS=$OPTARG ;;
	c) CONF_PARTIES=$OPTARG ;;
	r) RECORDINGS=$OPTARG ;;
	w) WRITERS=$OPTARG ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
for p in $PARTS; do case $p in transcode | play | conf | mix | record | writer) ;; *) echo "unknown part '$p'" >&2; exit 2 ;; esac; done
for c in $CONF_RUNS; do case $c in pcmu:[0-9]* | opus:[0-9]*) ;; *) echo "CONF_RUNS: codec:size, not '$c'" >&2; exit 2 ;; esac; done
case $PLAYER_CODEC in pcmu | opus) ;; *) echo "PLAYER_CODEC: pcmu or opus" >&2; exit 2 ;; esac
case $REC_CHANNELS in 1 | 2) ;; *) echo "REC_CHANNELS: 1 or 2" >&2; exit 2 ;; esac
part() { has "$PARTS" "$1"; }

# ------------------------------------------------------------ preparation
# the build packages and build/mediaload (the debugoptimized build)
if bench_parent; then
	"$ROOT/tools/setup.sh" build || die "missing packages (see above)"
	[ -z "${MEDIALOAD:-}" ] && bench_build mediaload
fi

# ------------------------------------------------------------ isolation
# four sockets per relay; the UDP drop counters mediaload reads are ours
bench_netns "${BASH_SOURCE[0]}" "${ARGS[@]}"

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

bench_rundir media
# the recordings: a temporary directory of our own unless REC_DIR names one
REC_TMP=""
if [ -z "${REC_DIR:-}" ]; then
	REC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/centrex-media-rec.XXXXXX") || die "no temporary directory"
	REC_DIR=$REC_TMP
fi
mkdir -p "$REC_DIR" || die "cannot make $REC_DIR"
REC_FS=$(df -PT "$REC_DIR" 2>/dev/null | awk 'NR == 2 { print $2 }')
trap '[ -n "$REC_TMP" ] && rm -rf -- "$REC_TMP"' EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ measurements
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

steps_header='run\tpart\tn\tclean\tverdict\tthread_cpu_pct\tdriver_cpu_pct\tsent\tloss_in\tout_window\tout_missing\tlate\tlate_max_ms\tbad\tgaps\tback_loss\tudp_errors\tlag_max_ms\tout_pps\tdropped_frames\tdisk_bytes_per_s\tsync_s\tquiet_pct\twriter_cpu_pct\tmedia_wait_pct\tmute'
declare -A BEST FIRSTFAIL
# step_line PART N CLEAN VERDICT: the per-step TSV line from K; thread_cpu
# is the media thread's, the writer's for the writer alone
step_line() {
	local cpu=media_cpu_pct other=driver_cpu_pct drop=rec_dropped_frames bps=rec_bytes_per_s
	[ "$1" = writer ] && cpu=writer_cpu_pct other=feeder_cpu_pct drop=dropped_frames bps=disk_bytes_per_s
	tsv_line "$STEPS_TSV" "$RUN_ID" "$1" "$2" "$3" "$4" "$(k $cpu)" "$(k $other)" \
		"$(k sent)" "$(k loss_in)" "$(k out_window)" "$(k out_missing)" "$(k late)" "$(k late_max_ms)" \
		$(($(k bad_pt) + $(k bad_len) + $(k bad_ts))) "$(k gaps)" "$(k back_loss)" \
		$(($(k udp_rcvbuf_errors) + $(k udp_sndbuf_errors) + $(k udp_in_errors))) \
		"$(k lag_max_ms)" "$(k out_pps)" "$(k $drop)" "$(k $bps)" "$(k sync_s)" "$QUIET_PCT" \
		"$(k writer_cpu_pct)" "$(k media_wait_pct)" "$(k out_streams_mute)"
}

# relay_verdict N: "CLEAN SATURATED reason" from K
relay_verdict() {
	awk -v n="$1" -v li="$(k loss_in)" -v mi="$(k out_missing)" -v si="$(k out_streams_silent)" -v sk="$(k out_skipped)" \
		-v mu="$(k out_streams_mute)" -v bl="$(k back_loss)" -v bp="$(k bad_pt)" -v bn="$(k bad_len)" -v bt="$(k bad_ts)" \
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
		if (mu > 0)  { printf "0 %d %d output streams without sound\n", s, mu; exit }
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

# record_verdict N: the recordings first, then the relays
record_verdict() {
	local v
	v=$(awk -v n="$1" -v rs="$(k rec_results)" -v er="$(k rec_errors)" -v dr="$(k rec_dropped_frames)" \
		-v sh="$(k rec_short)" -v wc="$(k writer_cpu_pct)" -v sat="$SAT_PCT" 'BEGIN {
		s = (wc >= sat) ? 1 : 0
		if (rs < n)  { printf "0 %d only %d of %d recordings done\n", s, rs, n; exit }
		if (er > 0)  { printf "0 %d %d recordings failed\n", s, er; exit }
		if (dr > 0)  { printf "0 %d %d frames dropped (full rings)\n", s, dr; exit }
		if (sh > 0)  { printf "0 %d %d recordings shorter than their call\n", s, sh; exit } }')
	[ -n "$v" ] && { echo "$v"; return; }
	relay_verdict "$1"
}

writer_verdict() {
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

# search KEY "N ...": steps up until unclean or saturated; sets BEST[KEY]
# to "N CPU% extra..." of the largest clean step.  KEY is a part, or
# conf-CODEC-SIZE for one of CONF_RUNS.
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
		conf-*) local ck=${p#conf-}
			args=(conf -n "$n" -k "${ck#*-}" -c "${ck%-*}" "${SPEECH_ARG[@]}") ;;
		record) args=(record -n "$n" -d "$REC_DIR" -C "$REC_CHANNELS" "${SPEECH_ARG[@]}") ;;
		writer) args=(writer -n "$n" -d "$REC_DIR" -C "$REC_CHANNELS" "${SPEECH_ARG[@]}") ;;
		esac
		if ! ml "$p-$n" "${args[@]}" -t "$STEP_S" -W "$WARM_S" -p "$RTP_PORTS" -L "$MAX_LATE_MS"; then
			verdict="mediaload failed: $(head -c 200 "$RUNDIR/$p-$n.err" | tr '\n' ' ')"
			clean=0 sat=0
		else
			case $p in
			writer) read -r clean sat verdict < <(writer_verdict "$n") ;;
			record) read -r clean sat verdict < <(record_verdict "$n") ;;
			*) read -r clean sat verdict < <(relay_verdict "$n") ;;
			esac
		fi
		step_line "$p" "$n" "$clean" "$verdict"
		case $p in
		writer)
			cpu=$(k writer_cpu_pct)
			extra="$(k disk_bytes_per_s) $(k sync_s)"
			log "writer $n: writer-cpu=${cpu}% frames=$(k frames)/$(k expected_frames) dropped=$(k dropped_frames)" \
				"disk=$(awk -v b="$(k disk_bytes_per_s)" 'BEGIN { printf "%.1f", b / 1e6 }')MB/s sync=$(k sync_s)s lag=$(k lag_max_ms)ms -> $verdict" ;;
		*)
			cpu=$(k media_cpu_pct)
			extra="$(k media_wait_pct) $(k writer_cpu_pct) $(k rec_bytes_per_s)"
			log "$p $n: media-cpu=${cpu}% wait=$(k media_wait_pct)% driver-cpu=$(k driver_cpu_pct)% sent=$(k sent) out=$(k out_window)/$(k out_expected)" \
				"missing=$(k out_missing) skipped=$(k out_skipped) mute=$(k out_streams_mute) late=$(k late) (max $(k late_max_ms)ms) lag=$(k lag_max_ms)ms" \
				"$([ "$p" = record ] && echo "writer-cpu=$(k writer_cpu_pct)% recordings=$(k rec_results) dropped=$(k rec_dropped_frames) short=$(k rec_short)")-> $verdict" ;;
		esac
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
			[ "$p" = writer ] && FIRSTFAIL[$p]="none; stopped after $n (writer thread saturated)"
			break
		fi
	done
}

# ------------------------------------------------------------ main
log "media bench $RUN_ID: parts '$PARTS', ${STEP_S}s window + ${WARM_S}s warm-up per step"
tsv_header "$STEPS_TSV" "$steps_header"
part transcode && search transcode "$TRANSCODE_CALLS"
part play && search play "$PLAYERS"
if part conf; then
	for c in $CONF_RUNS; do
		steps=$CONF_PARTIES
		[ "${c%:*}" = opus ] && steps=$CONF_OPUS_PARTIES
		# whole conferences only: the steps that are multiples of the size
		steps=$(for n in $steps; do [ $((n % ${c#*:})) = 0 ] && echo "$n"; done | tr '\n' ' ')
		search "conf-${c%:*}-${c#*:}" "$steps"
	done
fi
if part mix; then
	log "== mix: mixer and codecs, thread CPU time"
	ml mix mix -t "$STEP_S" "${SPEECH_ARG[@]}" || die "mediaload mix failed (see $RUNDIR/mix.err)"
	for key in "${!K[@]}"; do MIX[$key]=${K[$key]}; done
fi
part record && search record "$RECORDINGS"
part writer && search writer "$WRITERS"

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
bench_about "$MEDIALOAD"
bfield() { nth "${BEST[$1]:-}" "$2"; }
scaled() { awk -v n="$1" -v c="$2" 'BEGIN { if (n > 0 && c > 0) printf "%.0f", n * 100 / c; else print "n/a" }'; }
mx() { echo "${MIX[$1]:-}"; }
# participants per core: 20 ms / (mix per party at 20 + decode + encode)
per_core_party() { awk -v m="$(mx mix_p20_us_party)" -v d="$(mx "codec_$1_dec_us")" -v e="$(mx "codec_$1_enc_us")" \
	'BEGIN { if (m + d + e > 0) printf "%.0f", 20000 / (m + d + e); else print "n/a" }'; }

TC_N=$(bfield transcode 0) TC_CPU=$(bfield transcode 1) TC_WAIT=$(bfield transcode 2)
PL_N=$(bfield play 0) PL_CPU=$(bfield play 1) PL_WAIT=$(bfield play 2)
RC_N=$(bfield record 0) RC_CPU=$(bfield record 1) RC_WAIT=$(bfield record 2) RC_WCPU=$(bfield record 3) RC_BPS=$(bfield record 4)
WR_N=$(bfield writer 0) WR_CPU=$(bfield writer 1) WR_BPS=$(bfield writer 2) WR_SYNC=$(bfield writer 3)
TC_SC=$(scaled "$TC_N" "$TC_CPU") PL_SC=$(scaled "$PL_N" "$PL_CPU") WR_SC=$(scaled "$WR_N" "$WR_CPU")
RC_SC=$(scaled "$RC_N" "$RC_CPU") RC_WSC=$(scaled "$RC_N" "$RC_WCPU")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
row() { printf '%-44s %12s  %-24s %s\n' "$@"; }
# relay_rows KEY LABEL UNIT NOTE: the clean step, scaled, first unclean
relay_rows() {
	local n cpu wait sc
	n=$(bfield "$1" 0) cpu=$(bfield "$1" 1) wait=$(bfield "$1" 2)
	if [ -n "$n" ]; then
		sc=$(scaled "$n" "$cpu")
		row "$2" "$n" "$3, 1 media thread" "thread at ${cpu}% of a core (+${wait}% waiting for one); $4 (raw)"
		row "  per core, scaled" "$sc" "$3/core" "$n / ${cpu}%${5:+ = $(awk -v s="$sc" -v p="$5" 'BEGIN { printf "%.0f", s * p }') packets/s out per core}"
	else
		row "$2" none - ""
	fi
	row "  first unclean step" "" "" "${FIRSTFAIL[$1]}"
}
CONF_CELLS=""
{
	echo
	echo "machine: $NCPU x $CPU_MODEL; loopback in a private network namespace"
	echo "engine: centrexd $COMMIT${BUILD_NOTE:+, built $BUILD_NOTE}; one media thread (media_start threads=1), in the load driver's process"
	echo "steps: ${WARM_S} s warm-up + ${STEP_S} s window; speech: ${SPEECH:-made up}; clip: ${CLIP:-made up}"
	echo
	row measure figure unit "how / where from"
	row "-------" "------" "----" "----------------"
	part transcode && relay_rows transcode "transcoded calls Opus<->PCMU, clean" calls "0 loss" 100
	part play && relay_rows play "prompt players, looping clip ($PLAYER_CODEC)" players \
		"$([ "$PLAYER_CALLER" = 0 ] && echo "silent caller" || echo "caller sending too")" 50
	if part conf; then
		for c in $CONF_RUNS; do
			key=conf-${c%:*}-${c#*:}
			relay_rows "$key" "conference parties, ${c#*:} per conference, ${c%:*}" parties \
				"each hears the others every 20 ms" 50
		done
	fi
	if part mix; then
		row "mixer alone, per participant (20 parties)" "$(mx mix_p20_us_party)" "us per 20 ms frame" "3 parties: $(mx mix_p3_us_party), 10: $(mx mix_p10_us_party) (dsp/mixer.h, no network)"
		for c in PCMU PCMA G722 opus; do
			row "  + $c decode / encode" "$(mx "codec_${c}_dec_us") / $(mx "codec_${c}_enc_us")" "us per 20 ms frame" \
				"-> $(per_core_party "$c") participants/core (mix + dec + enc)"
		done
	fi
	ch=mixed; [ "$REC_CHANNELS" = 2 ] && ch="split, 2 channels"
	if part record; then
		if [ -n "$RC_N" ]; then
			row "recorded calls, PCMU both ways ($ch)" "$RC_N" "calls, 1 media thread" "media thread at ${RC_CPU}% (+${RC_WAIT}% waiting), writer at ${RC_WCPU}%; 0 dropped frames, 0 loss (raw)"
			row "  per media core, scaled" "$RC_SC" "recorded calls/core" "$RC_N / ${RC_CPU}%"
			row "  per writer core, scaled" "$RC_WSC" "recorded calls/core" "$RC_N / ${RC_WCPU}%; $(mb "$RC_BPS") MB/s into files on ${REC_FS:-?}"
		else
			row "recorded calls, PCMU both ways ($ch)" none - ""
		fi
		row "  first unclean step" "" "" "${FIRSTFAIL[record]}"
	fi
	if part writer; then
		if [ -n "$WR_N" ]; then
			row "recording writer alone, clean ($ch)" "$WR_N" "recordings, 1 writer" "writer thread at ${WR_CPU}% of a core; 0 dropped frames (raw)"
			row "  disk write rate at that step" "$(mb "$WR_BPS")" "MB/s" "file bytes / run time; syncfs afterwards took ${WR_SYNC} s"
			row "  per writer core, scaled" "$WR_SC" "recordings/core" "$WR_N / ${WR_CPU}%"
		else
			row "recording writer alone, clean ($ch)" none - ""
		fi
		row "  first unclean step" "" "" "${FIRSTFAIL[writer]}"
	fi
	row "rtpengine plain relay (for scale)" "$SCALE_R" "packets/s per core" "$SCALE_FROM"
	row "centrexd plain relay (for scale)" "$SCALE_C" "packets/s per core" "${SCALE_C_FROM:-$SCALE_FROM}"
	echo
	echo "notes:"
	echo "  raw = the largest clean step, on one media (or writer) thread; scaled = raw / that thread's CPU share, a linear"
	echo "  estimate of a full core.  Loss, lateness (>= ${MAX_LATE_MS} ms behind a stream's 20 ms schedule), format and sound"
	echo "  are checked per packet; the load driver shares the $NCPU cores (its CPU is in the step log and ${STEPS_TSV#"$ROOT"/})."
	part mix && echo "  mixer and codec figures are thread CPU time of the functions alone (no network, no packets)."
	{ part record || part writer; } && echo "  recordings go to ${REC_DIR} (${REC_FS:-?}) through the page cache (the writer never fsyncs)."
	echo "  logs: bench/run/$RUN_ID/"
} | tee "$RUNDIR/table.txt"

# one line per run; conf: "codec:size=parties/cpu%/per-core" per search
dash() { [ -n "$1" ] && echo "$1" || echo -; }
if part conf; then
	for c in $CONF_RUNS; do
		key=conf-${c%:*}-${c#*:}
		CONF_CELLS+="${CONF_CELLS:+ }$c=$(dash "$(bfield "$key" 0)")/$(dash "$(bfield "$key" 1)")/$(scaled "$(bfield "$key" 0)" "$(bfield "$key" 1)")"
	done
fi
tsv_header "$RESULTS" 'time\trun\tcommit\tcpus\tstep_s\ttc_calls\ttc_cpu_pct\ttc_per_core\ttc_first_unclean\tpl_codec\tpl_players\tpl_cpu_pct\tpl_per_core\tpl_first_unclean\tconf_parties_cpu_per_core\tmix_us_party_20\tpcmu_dec_us\tpcmu_enc_us\tg722_dec_us\tg722_enc_us\topus_dec_us\topus_enc_us\trec_channels\trec_calls\trec_media_cpu_pct\trec_writer_cpu_pct\trec_per_media_core\trec_per_writer_core\trec_first_unclean\twriter_n\twriter_cpu_pct\twriter_per_core\twriter_bytes_per_s\twriter_first_unclean\tr_pps_per_core\tc_pps_per_core'
tsv_line "$RESULTS" "$(date +%FT%T)" "$RUN_ID" "$COMMIT" "$NCPU" "$STEP_S" \
	"$(dash "$TC_N")" "$(dash "$TC_CPU")" "$TC_SC" "${FIRSTFAIL[transcode]:--}" \
	"$PLAYER_CODEC" "$(dash "$PL_N")" "$(dash "$PL_CPU")" "$PL_SC" "${FIRSTFAIL[play]:--}" "$(dash "$CONF_CELLS")" \
	"$(dash "$(mx mix_p20_us_party)")" "$(dash "$(mx codec_PCMU_dec_us)")" "$(dash "$(mx codec_PCMU_enc_us)")" \
	"$(dash "$(mx codec_G722_dec_us)")" "$(dash "$(mx codec_G722_enc_us)")" \
	"$(dash "$(mx codec_opus_dec_us)")" "$(dash "$(mx codec_opus_enc_us)")" \
	"$REC_CHANNELS" "$(dash "$RC_N")" "$(dash "$RC_CPU")" "$(dash "$RC_WCPU")" "$RC_SC" "$RC_WSC" "${FIRSTFAIL[record]:--}" \
	"$(dash "$WR_N")" "$(dash "$WR_CPU")" "$WR_SC" "$(dash "$WR_BPS")" "${FIRSTFAIL[writer]:--}" \
	"$SCALE_R" "$SCALE_C"
