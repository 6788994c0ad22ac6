#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Cross-build the toolkit for arm64 (aarch64-linux-gnu) on Debian 12
# amd64, out of tree in build-arm64/, and check that brski-pledge runs
# under qemu-user.  The steps are the team's proven recipe
# (recipes/arm64-cross-build.md):
#   - dpkg --add-architecture arm64; crossbuild-essential-arm64,
#     qemu-user-static and the arm64 -dev packages through multiarch;
#   - libwolfssl-dev and libhttp-parser-dev have no Multi-Arch field (their
#     :arm64 would remove the :amd64 ones), so they are fetched with
#     apt-get download and unpacked with dpkg -x; their runtime libraries
#     (libwolfssl35, libhttp-parser2.9) are Multi-Arch: same and come
#     from apt.  Of the unpacked files only what differs from the amd64
#     -dev is put where aarch64-linux-gnu-gcc finds it first: the
#     wolfssl/cyassl options.h (SP_ARM64 instead of SP_X86_64) under
#     /usr/include/aarch64-linux-gnu, the two .so links and wolfssl.pc
#     under /usr/lib/aarch64-linux-gnu.  Those files are not dpkg's;
#   - and pkgconf:arm64, for aarch64-linux-gnu-pkg-config.
# docs/arm64.md has the details and the measurements.
#
# usage: scripts/cross-arm64.sh [--no-deps] [--deps-only] [--check]
#   --no-deps    do not touch packages (they are there already)
#   --deps-only  install the packages, do not build
#   --check      also run the unit tests under qemu-aarch64-static
# Installing needs root and Debian's archive.  Environment: JOBS, and
# CONFIGURE_FLAGS (default --enable-werror).
set -eu
cd "$(dirname "$0")/.."
DEPS=1 BUILD=1 CHECK=0
for a in "$@"; do
	case $a in
	--no-deps) DEPS=0 ;;
	--deps-only) BUILD=0 ;;
	--check) CHECK=1 ;;
	-h|--help) sed -n '3,26p' "$0"; exit 0 ;;
	*) echo "cross-arm64: unknown argument $a" >&2; exit 2 ;;
	esac
done
HOST=aarch64-linux-gnu
MA=/usr/lib/$HOST
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CONFIGURE_FLAGS=${CONFIGURE_FLAGS-"--enable-werror"}

# the arm64 libraries the whole build links with (BRSKI_BUILD_DEPS of
# scripts/deps.sh); all Multi-Arch: same
ARM64_DEVS="libjansson-dev libcbor-dev libcoap3-dev libmicrohttpd-dev
 libgnutls28-dev libssl-dev libsqlite3-dev libcmocka-dev libavahi-client-dev"
NOMA_LIBS="libwolfssl35 libhttp-parser2.9"

now() { date +%s; }
say() { printf 'cross-arm64: %s\n' "$*"; }

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# pkgconf:arm64 brings /usr/bin/aarch64-linux-gnu-pkg-config, which reads
# the arm64 .pc files; without it configure falls back to the amd64
# pkg-config and its .pc files (the recipe's machine had it already)
PKGS="crossbuild-essential-arm64 qemu-user-static pkgconf:arm64"
for p in $NOMA_LIBS $ARM64_DEVS; do PKGS="$PKGS $p:arm64"; done
# what the dpkg -x step below puts in place
COPIED="/usr/include/$HOST/wolfssl/options.h /usr/include/$HOST/cyassl/options.h
 $MA/libwolfssl.so $MA/libhttp_parser.so $MA/pkgconfig/wolfssl.pc"

install_packages() {
	missing="" copy=0
	for p in $PKGS; do installed "$p" || missing="$missing $p"; done
	for f in $COPIED; do [ -e "$f" ] || copy=1; done
	if [ -z "$missing" ] && [ $copy = 0 ]; then
		say "the cross toolchain and arm64 libraries are installed"
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		say "installing the cross toolchain needs root" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	t0=$(now)
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt-get update -q
	fi
	if [ -n "$missing" ]; then
		# a fresh foreign architecture may have no package lists yet
		apt-cache show libc6:arm64 >/dev/null 2>&1 || apt-get update -q
		# --no-install-recommends: dpkg-cross recommends ~37 perl
		# packages
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing
	fi
	t1=$(now)
	say "apt: $((t1 - t0)) s"

	# the two -dev packages without Multi-Arch: download and unpack
	x=$(mktemp -d /tmp/cross-arm64.XXXXXX)
	(
		cd "$x"
		# root downloads into our private directory (apt's _apt
		# user may not write there; apt would warn and do the same)
		apt-get download -q -o APT::Sandbox::User=root \
		    libwolfssl-dev:arm64 libhttp-parser-dev:arm64
		for d in ./*_arm64.deb; do dpkg -x "$d" root; done
	)
	r=$x/root
	# headers: identical to the amd64 -dev except options.h (recipe)
	for h in wolfssl cyassl; do
		mkdir -p "/usr/include/$HOST/$h"
		cp "$r/usr/include/$h/options.h" "/usr/include/$HOST/$h/"
	done
	if ! cmp -s "$r/usr/include/http_parser.h" /usr/include/http_parser.h
	then
		cp "$r/usr/include/http_parser.h" "/usr/include/$HOST/"
	fi
	# relative links: they resolve to the :arm64 runtime libraries
	cp -a "$r$MA/libwolfssl.so" "$r$MA/libhttp_parser.so" "$MA/"
	mkdir -p "$MA/pkgconfig"
	cp "$r$MA/pkgconfig/wolfssl.pc" "$MA/pkgconfig/"
	rm -rf "$x"
	for f in $COPIED; do
		[ -e "$f" ] || { say "$f is missing or dangling" >&2; exit 1; }
	done
	say "apt-get download + dpkg -x of libwolfssl-dev," \
	    "libhttp-parser-dev: $(($(now) - t1)) s"
}

build() {
	t0=$(now)
	[ -x configure ] || autoreconf -fi
	rm -rf build-arm64
	mkdir build-arm64
	cd build-arm64
	# shellcheck disable=SC2086
	if ! ../configure --host=$HOST $CONFIGURE_FLAGS >configure.out 2>&1
	then
		tail -30 config.log >&2
		say "configure failed (build-arm64/config.log)" >&2
		exit 1
	fi
	grep -q '^checking whether we are cross compiling... yes' \
	    configure.out ||
	    { say "configure did not cross-compile" >&2; exit 1; }
	grep -q "^checking for $HOST-pkg-config... /" configure.out ||
	    { say "no $HOST-pkg-config: install pkgconf:arm64" >&2; exit 1; }
	if ! make -j"$JOBS" >make.out 2>&1; then
		tail -40 make.out >&2
		say "make failed (build-arm64/make.out)" >&2
		exit 1
	fi
	say "configure + make: $(($(now) - t0)) s"
	file -b pledge/brski-pledge 2>/dev/null || true
	$HOST-readelf -h pledge/brski-pledge | grep -q 'AArch64' ||
	    { say "pledge/brski-pledge is not an AArch64 binary" >&2; exit 1; }
	$HOST-strip -o pledge/brski-pledge.stripped pledge/brski-pledge
	say "brski-pledge: $(stat -c %s pledge/brski-pledge) bytes," \
	    "$(stat -c %s pledge/brski-pledge.stripped) stripped"
	# -L /: the multiarch loader and libc6:arm64 (not the -cross ones)
	v=$(qemu-aarch64-static -L / pledge/brski-pledge --version) ||
	    { say "brski-pledge does not run under qemu" >&2; exit 1; }
	say "qemu-aarch64-static runs it: $v"
	if [ $CHECK = 1 ]; then
		# binary tests only: the shell tests exec programs themselves
		make -j"$JOBS" check SHELL_TESTS= \
		    LOG_COMPILER=qemu-aarch64-static AM_LOG_FLAGS="-L /"
	fi
}

[ $DEPS = 0 ] || install_packages
[ $BUILD = 0 ] || build
