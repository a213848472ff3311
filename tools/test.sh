#!/usr/bin/env bash
# Build and run every test suite; the last line is "N passed, N failed".
#
#   1. release build with -Werror (build/)
#   2. AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/):
#      cmocka unit tests (the store's twice: on SQLite, then on a private
#      PostgreSQL from tools/pg.sh), then the black-box suite against that
#      daemon, inside a network namespace that has only loopback, and its
#      REST API and CLI tests once more with every daemon on PostgreSQL
#   3. libFuzzer build with clang (build-fuzz/): replay the saved corpus,
#      then a short fresh run
#
# Environment: SUITES="unit blackbox fuzz" to run a subset,
# FUZZ_SECONDS (default 20), PYTEST_ARGS (e.g. "-k register"; both
# black-box runs), BLACKBOX_PG=no to skip the black-box run on PostgreSQL,
# BLACKBOX_JOBS (default 2) pytest processes for the black-box run on
# SQLite.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
out=$top/tests/out
mkdir -p "$out"
suites=${SUITES:-unit blackbox fuzz}
passed=0 failed=0

note() { printf '\n== %s\n' "$*"; }
count() { passed=$((passed + $1)); failed=$((failed + $2)); }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:log_path=$out/asan}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:log_path=$out/ubsan}
rm -f "$out"/asan.* "$out"/ubsan.*

note "build (release, -Werror)"
[ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized >"$out/meson-build.log" || { cat "$out/meson-build.log"; echo "0 passed, 1 failed"; exit 1; }
if ! ninja -C build >"$out/ninja-build.log" 2>&1; then
	tail -40 "$out/ninja-build.log"; echo "0 passed, 1 failed"; exit 1
fi

note "build (address + undefined sanitizers)"
[ -f build-asan/build.ninja ] || meson setup build-asan --buildtype=debug \
	-Db_sanitize=address,undefined -Db_lundef=false >"$out/meson-asan.log" ||
	{ cat "$out/meson-asan.log"; echo "0 passed, 1 failed"; exit 1; }
if ! ninja -C build-asan >"$out/ninja-asan.log" 2>&1; then
	tail -40 "$out/ninja-asan.log"; echo "0 passed, 1 failed"; exit 1
fi

# run_unit BINARY LABEL LOG: one cmocka binary, counted
run_unit() {
	local t=$1 label=$2 log=$3 rc ok bad
	(cd build-asan && "./${t##*/}") >"$log" 2>&1
	rc=$?
	cat "$log" >>"$out/unit.log"
	ok=$(awk '/^\[  PASSED  \]/{print $4}' "$log")
	bad=$(awk '/^\[  FAILED  \] [0-9]+ test/{print $4}' "$log")
	printf '%-28s %s passed, %s failed\n' "$label" "${ok:-0}" "${bad:-0}"
	count "${ok:-0}" "${bad:-0}"
	# a crash or sanitizer abort without cmocka's summary still fails
	if [ $rc -ne 0 ] && [ "${bad:-0}" -eq 0 ]; then
		tail -20 "$log"; count 0 1
	fi
}

if [[ " $suites " == *" unit "* ]]; then
	note "unit tests (cmocka, sanitizers)"
	: >"$out/unit.log"
	for t in build-asan/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		run_unit "$t" "${t##*/}" "$out/unit-${t##*/}.log"
	done

	# the store tests once more, on a private PostgreSQL server
	if [ -x build-asan/test_store ]; then
		# under /tmp: the server runs as the postgres user, which may
		# not be able to enter the directory the checkout lives in
		pgdir=$(mktemp -d /tmp/centrex-pg.XXXXXX)
		chmod 755 "$pgdir"
		trap 'tools/pg.sh stop "$pgdir" >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
		if pgurl=$(tools/pg.sh start "$pgdir" 2>"$out/pg-start.log"); then
			# every store suite: each empties the database first
			for t in build-asan/test_store build-asan/test_store_*; do
				[ -f "$t" ] && [ -x "$t" ] || continue
				CENTREX_TEST_STORE_URL=$pgurl run_unit "$t" \
					"${t##*/} (postgresql)" \
					"$out/unit-${t##*/}-pg.log"
			done
		else
			echo "test_store (postgresql): the server did not start"
			cat "$out/pg-start.log"; count 0 1
		fi
		tools/pg.sh stop "$pgdir" || count 0 1
		rm -rf "$pgdir"
	fi
fi

# junit_count XML LABEL RC: count a pytest run from its junit file; a run
# that left no file (pytest did not start, or the server did not) fails
junit_count() {
	local xml=$1 label=$2 rc=$3 t f e s
	if [ -f "$xml" ]; then
		read -r t f e s < <(/usr/bin/python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
s = r if r.tag == "testsuite" else r.find("testsuite")
print(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped"))
PY
)
		printf '%-28s %s passed, %s failed, %s skipped\n' "$label" \
			$((t - f - e - s)) $((f + e)) "$s"
		count $((t - f - e - s)) $((f + e))
	else
		echo "$label: did not run (exit $rc)"; count 0 1
	fi
}

# Black-box runs in BLACKBOX_JOBS processes (pytest-xdist).  The groups
# are tests/blackbox/conftest.py's: the tests with real-time audio one
# after the other in one process, as without xdist, and each other module
# as a whole in any process, its shared daemon started once.  Processes
# do not collide: every daemon, phone and carrier takes free ports and a
# directory (and PostgreSQL database) of its own.  The shorter run on
# PostgreSQL stays in one process: it is mostly real-time calls, and two
# processes made it no faster.
parallel=()
jobs=${BLACKBOX_JOBS:-2}
if [ "$jobs" != 1 ] && /usr/bin/python3 -c 'import xdist' 2>/dev/null; then
	parallel=(-n "$jobs" --dist loadgroup)
fi

if [[ " $suites " == *" blackbox "* ]]; then
	note "black-box tests (real daemon, real peers, loopback-only namespace)"
	rm -f "$out/blackbox.xml"
	CENTREXD=$top/build-asan/centrexd unshare -n -- bash -c '
		xml=$1; shift
		ip link set lo up && exec /usr/bin/python3 -m pytest tests/blackbox \
			-p no:cacheprovider -q -rfE --junitxml="$xml" "$@" ${PYTEST_ARGS:-}
	' _ "$out/blackbox.xml" "${parallel[@]}"
	junit_count "$out/blackbox.xml" "black-box (sqlite)" $?

	# The REST API and CLI tests once more, each daemon on a database of
	# its own on a private PostgreSQL server.  The server must live in
	# the same network namespace as the daemons, so it is started (and
	# stopped) inside it; the directory is under /tmp for the postgres
	# user's sake, as for the unit tests.
	if [ "${BLACKBOX_PG:-yes}" != no ]; then
		note "black-box API, CLI and call tests on PostgreSQL"
		rm -f "$out/blackbox-pg.xml" "$out/pg-blackbox-"*.log
		bbpg=$(mktemp -d /tmp/centrex-pg.XXXXXX)
		chmod 755 "$bbpg"
		trap 'tools/pg.sh stop "$bbpg" >/dev/null 2>&1; rm -rf "$bbpg"' EXIT
		CENTREXD=$top/build-asan/centrexd unshare -n -- bash -c '
			dir=$1 xml=$2 log=$3; shift 3
			ip link set lo up || exit 1
			trap "tools/pg.sh stop \"\$dir\" >/dev/null 2>&1" EXIT
			if ! url=$(tools/pg.sh start "$dir" 2>"$log"); then
				echo "the PostgreSQL server did not start"; cat "$log"
				exit 1
			fi
			CENTREX_TEST_PG=$url /usr/bin/python3 -m pytest "$@" \
				-p no:cacheprovider -q -rfE --junitxml="$xml" \
				-o junit_suite_name=blackbox-postgresql ${PYTEST_ARGS:-}
		' _ "$bbpg" "$out/blackbox-pg.xml" "$out/pg-blackbox-start.log" \
			tests/blackbox/test_api_*.py \
			tests/blackbox/test_cli.py tests/blackbox/test_calls.py \
			tests/blackbox/test_trunk_calls.py
		junit_count "$out/blackbox-pg.xml" "black-box API+calls (pg)" $?
		# the server's log, for failures that only PostgreSQL shows
		cp "$bbpg/log/server.log" "$out/pg-blackbox-server.log" 2>/dev/null
		tools/pg.sh stop "$bbpg" >/dev/null 2>&1
		rm -rf "$bbpg"
		trap - EXIT
	fi
fi

if [[ " $suites " == *" fuzz "* ]]; then
	note "fuzz (libFuzzer: saved corpus, then ${FUZZ_SECONDS:-20}s fresh)"
	if [ ! -f build-fuzz/build.ninja ]; then
		CC=clang meson setup build-fuzz --buildtype=debug -Dfuzz=true -Dtests=disabled \
			-Db_sanitize=address,undefined -Db_lundef=false >"$out/meson-fuzz.log" 2>&1 ||
			{ cat "$out/meson-fuzz.log"; count 0 1; }
	fi
	if ninja -C build-fuzz >"$out/ninja-fuzz.log" 2>&1; then
		for f in build-fuzz/fuzz_*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			name=${f##*/fuzz_}
			corpus=tests/fuzz/corpus/$name
			work=$out/fuzz-$name
			rm -rf "$work"; mkdir -p "$work"
			if "$f" -runs=0 "$corpus" >"$out/fuzz-$name-replay.log" 2>&1; then
				echo "fuzz $name: corpus replay ok ($(ls "$corpus" | wc -l) inputs)"; count 1 0
			else
				echo "fuzz $name: corpus replay FAILED"; tail -30 "$out/fuzz-$name-replay.log"; count 0 1
			fi
			if "$f" -max_total_time="${FUZZ_SECONDS:-20}" -max_len=4096 "$work" "$corpus" \
				>"$out/fuzz-$name-run.log" 2>&1; then
				echo "fuzz $name: ${FUZZ_SECONDS:-20}s run ok"; count 1 0
			else
				echo "fuzz $name: crash found"; tail -30 "$out/fuzz-$name-run.log"; count 0 1
			fi
		done
	else
		tail -30 "$out/ninja-fuzz.log"; count 0 1
	fi
fi

if ls "$out"/asan.* "$out"/ubsan.* >/dev/null 2>&1; then
	note "sanitizer reports"
	cat "$out"/asan.* "$out"/ubsan.* 2>/dev/null | head -60
	count 0 1
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
