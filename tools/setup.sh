#!/usr/bin/env bash
# Install the Debian packages Centrex needs, only those missing.
#   tools/setup.sh [build|test|bench|all]   (default: all)
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail

build_pkgs=(gcc make meson ninja-build pkg-config libre-dev libsodium-dev
	libsqlite3-dev sqlite3 libmicrohttpd-dev libjansson-dev tzdata libpq-dev
	libspandsp-dev libopus-dev liburing-dev espeak-ng asterisk-core-sounds-en-wav
	asterisk-core-sounds-fr-wav asterisk-moh-opsound-wav)
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev python3 python3-pytest
	python3-pytest-xdist sip-tester baresip-core util-linux iproute2
	postgresql)
bench_pkgs=(kamailio kamailio-sqlite-modules sip-tester sqlite3 python3 wrk curl
	postgresql rtpengine-daemon)

case "${1:-all}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
bench) want=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
all) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	# already listed (the sets overlap)?
	case " ${missing[*]-} " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

cmd=(apt-get install -y -q --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -ne 0 ]; then
	echo "Centrex needs these Debian packages; as root, run:" >&2
	echo "  apt-get update && ${cmd[*]}" >&2
	exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
"${cmd[@]}" >/dev/null
