#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# The GUI and the CLI speak to the server only through the typed calls of
# src/client/pc-client.h: no JSON header, no jansson value, no JSON-RPC
# request built by hand. Usage: check-no-json.sh SOURCE_ROOT
set -eu
root=${1:?usage: check-no-json.sh SOURCE_ROOT}
status=0
for dir in "$root/src/gui" "$root/src/cli"; do
  if [ ! -d "$dir" ]; then
    echo "not ok: $dir is missing" >&2
    exit 1
  fi
  if found=$(grep -rnE 'jansson\.h|json-glib|pc-json\.h|pc-client-json\.h|pc-protocol\.h|json_|Json' "$dir"); then
    echo "JSON in the GUI or the CLI; use the typed calls of pc-client.h:" >&2
    echo "$found" >&2
    status=1
  fi
done
exit $status
