#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
# Fails unless the catalogue compiles cleanly (msgfmt --check) and has no
# untranslated or fuzzy message.
set -eu
msgfmt=$1
po=$2
stats=$("$msgfmt" --check --statistics -o /dev/null "$po" 2>&1)
echo "$stats"
case "$stats" in
  *untranslated*|*fuzzy*) echo "$po is incomplete" >&2; exit 1 ;;
esac
