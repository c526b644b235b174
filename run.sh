#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Installs what is missing, builds, and starts the calculator against an
# embedded local server: a private pipecalcd is started when none runs,
# and stopped on exit. With a display it opens the window; without one (or
# with arguments: ./run.sh '2^10') it runs pipecalc-cli.
set -euo pipefail
cd "$(dirname "$0")"

tools/install-deps.sh build

build=_build
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" >/dev/null
fi
ninja -C "$build" >/dev/null

if [ $# -eq 0 ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  # Run from the build tree, the window finds its schema, translations,
  # transports and server there.
  exec "$build/src/gui/pipecalc"
fi
exec "$build/src/cli/pipecalc-cli" "$@"
