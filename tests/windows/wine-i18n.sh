#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The Russian translation under wine, as TAP: with LANGUAGE=ru,
# pipecalc-cli.exe --help shows pipecalc's own option texts in Russian
# (its catalogue, through the prefix's libintl) and GLib's "Usage:" in
# Russian (GLib's catalogue, found next to GLib's DLL in the prefix); with
# LANGUAGE=en it stays English. A libintl that does not translate fails
# the first two.
#
# Usage: wine-i18n.sh PIPECALC_CLI_EXE
# Environment: WINEPREFIX, WINEPATH (set by tests/meson.build).
set -u
cli_exe=${1:?usage: wine-i18n.sh PIPECALC_CLI_EXE}
here=$(cd "$(dirname "$0")" && pwd)
export WINEDEBUG=-all
# shellcheck source=tests/windows/wine-lib.sh
. "$here/wine-lib.sh"

echo "1..3"

# help LANGUAGE: pipecalc-cli.exe --help in that language, into $work/help.
help() {
  env -u LC_ALL -u LC_MESSAGES LANG=ru_RU.UTF-8 LANGUAGE="$1" \
    timeout 120 wine "$cli_exe" --help >"$work/help" 2>"$work/help.err"
  tr -d '\r' <"$work/help" >"$work/help.txt"
}

help ru
if grep -q 'Подключиться по АДРЕСУ' "$work/help.txt"; then
  ok "LANGUAGE=ru: pipecalc's own texts are Russian (pipecalc.mo through libintl)"
else
  sed 's/^/# /' "$work/help.txt" | head -n 8
  not_ok "LANGUAGE=ru: pipecalc's own texts are Russian (pipecalc.mo through libintl)" "$work/help.err"
fi
if grep -q '^Использование:' "$work/help.txt"; then
  ok "LANGUAGE=ru: GLib's texts are Russian (glib20.mo from the prefix)"
else
  sed 's/^/# /' "$work/help.txt" | head -n 3
  not_ok "LANGUAGE=ru: GLib's texts are Russian (glib20.mo from the prefix)" "$work/help.err"
fi

help en
if grep -q '^Usage:' "$work/help.txt" && grep -q 'Connect to ADDRESS' "$work/help.txt"; then
  ok "LANGUAGE=en: the texts stay English"
else
  sed 's/^/# /' "$work/help.txt" | head -n 8
  not_ok "LANGUAGE=en: the texts stay English" "$work/help.err"
fi
