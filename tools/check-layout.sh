#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Checks the layout rules every C file in the repository follows, and
# prints each place that breaks one:
#   - the two-line SPDX header (licence, copyright) on the first lines;
#   - #pragma once in every header;
#   - valid UTF-8, Unix line ends, a newline at the end;
#   - spaces, never tabs, for indentation; no trailing blanks.
# The rest of the GNU/GLib style (docs/architecture.md, "Code layout") is
# kept by hand: a clang-format configuration was tried and removed, since
# no configuration of clang-format 14 reproduces the hand-aligned tables
# and declarations the code is written with (it rewrote 3 000 lines and
# made the message tables worse).
#
# Usage: tools/check-layout.sh [SOURCE_ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.c' '*.h')
else
  mapfile -t files < <(find src transports tests bench -name '*.[ch]' 2>/dev/null | sort)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "tools/check-layout.sh: no C files found in $PWD" >&2
  exit 1
fi

bad=0
report() {  # FILE PROBLEM
  echo "$1: $2"
  bad=$((bad + 1))
}
for f in "${files[@]}"; do
  first=$(head -n 2 "$f")
  grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' <<<"$first" \
    || report "$f" "the first line must be the SPDX-License-Identifier line"
  grep -q 'SPDX-FileCopyrightText: ' <<<"$first" \
    || report "$f" "the second line must be the SPDX-FileCopyrightText line"
  case $f in
    *.h) grep -q '^#pragma once$' "$f" || report "$f" "a header needs #pragma once" ;;
  esac
  iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || report "$f" "not valid UTF-8"
  if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
    report "$f" "no newline at the end"
  fi
  while IFS= read -r hit; do
    report "$f" "line ${hit%%:*}: carriage return"
  done < <(grep -n $'\r' "$f" | cut -d: -f1)
  while IFS= read -r hit; do
    report "$f" "line $hit: tab"
  done < <(grep -n $'\t' "$f" | cut -d: -f1)
  while IFS= read -r hit; do
    report "$f" "line $hit: trailing blanks"
  done < <(grep -n '[[:blank:]]$' "$f" | cut -d: -f1)
done

if [ $bad -gt 0 ]; then
  echo "$bad layout problems in ${#files[@]} C files"
  exit 1
fi
echo "${#files[@]} C files follow the layout rules"
