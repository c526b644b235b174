#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Transports own their schemes: nothing under src/ may name a transport
# that only a module knows about, not even in a comment, so that adding a
# transport is one folder under transports/ and never an edit of src/.
# Prints every offending line and fails when there is one.
# Usage: check-src-schemes.sh SOURCE_ROOT
set -u
root=${1:?usage: check-src-schemes.sh SOURCE_ROOT}

if grep -rniE 'fifo|npipe' "$root/src"; then
  echo "The lines above name a transport in src/; move what they need into" >&2
  echo "the transport's module (src/core/pc-transport.h, PcTransportOps)." >&2
  exit 1
fi
echo "src/ names no fifo or npipe transport"
