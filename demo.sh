#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The three-party demo on loopback.  For now: install packages, build,
# mint the demo PKI with brski-certs into demo-out/ (or $1).
set -eu
cd "$(dirname "$0")"
. ./scripts/deps.sh
install_deps
OUT=${1:-demo-out}
if [ ! -x build/certs/brski-certs ]; then
	autoreconf -fi
	mkdir -p build
	(cd build && ../configure >/dev/null && make -j"$(nproc)" >/dev/null)
fi
rm -rf "$OUT"
build/certs/brski-certs init "$OUT"
cat "$OUT/index.txt"
