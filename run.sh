#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Installs what is missing, builds, and starts the calculator against an
# embedded local server: a private pipecalcd is started when none runs,
# and stopped on exit. Arguments go to pipecalc-cli (e.g. ./run.sh '2^10').
set -euo pipefail
cd "$(dirname "$0")"

tools/install-deps.sh build

build=_build
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" >/dev/null
fi
ninja -C "$build" >/dev/null

exec "$build/src/cli/pipecalc-cli" "$@"
