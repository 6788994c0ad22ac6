# SPDX-License-Identifier: BSD-2-Clause
# The Debian 12 packages the toolkit builds, runs and tests with (sourced).
BRSKI_BUILD_DEPS="autoconf automake make gcc pkg-config
 libwolfssl-dev libmicrohttpd-dev libgnutls28-dev libcoap3-dev libssl-dev
 libcbor-dev libjansson-dev libsqlite3-dev libcmocka-dev libhttp-parser-dev
 libpq-dev libavahi-client-dev"
BRSKI_TEST_DEPS="openssl curl sqlite3 libcoap3-bin python3 python3-cbor2
 python3-cryptography iproute2 procps time valgrind softhsm2 opensc
 postgresql dbus avahi-daemon avahi-utils"
# configure --enable-fuzzing (run-tests.sh with BRSKI_FUZZ_SMOKE set)
BRSKI_FUZZ_DEPS="clang libclang-rt-14-dev"

# install_deps: apt-get what is missing (as root), or say what to do.
install_deps() {
	missing=""
	want="$BRSKI_BUILD_DEPS $BRSKI_TEST_DEPS"
	[ -z "${BRSKI_FUZZ_SMOKE:-}" ] || want="$want $BRSKI_FUZZ_DEPS"
	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages:$missing" >&2
		echo "run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
}
