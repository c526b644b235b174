#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Checks that every C file in the repository is laid out as .clang-format
# says (GLib's configuration is its model), and prints what to change where
# one is not. Formatting is a property of the clang-format version: this
# check holds Debian 12's clang-format 14 to it and says so when another
# version is found rather than failing on a difference of versions.
#
#   tools/check-format.sh          check, exit 1 on any difference
#   tools/check-format.sh --fix    rewrite the files in place
set -euo pipefail
cd "$(dirname "$0")/.."

cf=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$cf" ]; then
  echo "SKIP: clang-format is not installed (tools/install-deps.sh test installs it)"
  exit 77
fi
if ! "$cf" --version | grep -q 'version 14\.'; then
  echo "SKIP: $("$cf" --version) is not clang-format 14, whose layout .clang-format was written for"
  exit 77
fi

mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find src transports tests bench -name '*.[ch]')
if [ "${1:-}" = --fix ]; then
  "$cf" -i "${files[@]}"
  exit 0
fi

bad=0
for f in "${files[@]}"; do
  if ! out=$("$cf" "$f" | diff -u --label "$f" --label "$f (clang-format)" "$f" -); then
    printf '%s\n' "$out" | head -40
    bad=$((bad + 1))
  fi
done
if [ $bad -gt 0 ]; then
  echo "$bad of ${#files[@]} files differ from .clang-format: run tools/check-format.sh --fix"
  exit 1
fi
echo "${#files[@]} files follow .clang-format"
