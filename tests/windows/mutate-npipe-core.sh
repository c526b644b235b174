#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Shows that test-npipe-core can fail: breaks the core one defence at a time
# (a copy of it, in BUILD-DIR) and expects the test to fail each time.
#   tests/windows/mutate-npipe-core.sh [BUILD-DIR]
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/_build-npipe-mutants}
mkdir -p "$build"
survivors=0

mutant () {
  what=$1; expr=$2
  tree=$build/tree
  rm -rf "$tree"; mkdir -p "$tree/transports/npipe" "$tree/tests/windows"
  cp "$root/transports/npipe/pc-npipe-win32.h" "$root/tests/windows/run-npipe-core.sh" \
     "$root/tests/windows/test-npipe-core.c" "$tree/tests/windows/"
  mv "$tree/tests/windows/pc-npipe-win32.h" "$tree/transports/npipe/"
  sed "$expr" "$root/transports/npipe/pc-npipe-win32.c" > "$tree/transports/npipe/pc-npipe-win32.c"
  if cmp -s "$root/transports/npipe/pc-npipe-win32.c" "$tree/transports/npipe/pc-npipe-win32.c"; then
    echo "MUTATION DID NOT APPLY: $what"; survivors=$((survivors + 1)); return
  fi
  NPIPE_CORE_TIMEOUT=60 WINEPREFIX=$build/wineprefix sh "$tree/tests/windows/run-npipe-core.sh" "$build/out" \
    > "$build/log" 2>&1
  if [ $? -eq 0 ]; then
    echo "SURVIVED (the tests did not notice): $what"; survivors=$((survivors + 1))
  else
    echo "caught: $what — $(grep -m1 '^not ok' "$build/log" || echo 'did not build, or hung')"
  fi
}

mutant "no FILE_FLAG_FIRST_PIPE_INSTANCE" 's/(first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0)/0/'
mutant "no PIPE_REJECT_REMOTE_CLIENTS" 's/(server->allow_remote ? 0 : PIPE_REJECT_REMOTE_CLIENTS)/0/'
mutant "reject remote clients even with allow-remote" 's/(server->allow_remote ? 0 : PIPE_REJECT_REMOTE_CLIENTS)/PIPE_REJECT_REMOTE_CLIENTS/'
mutant "a NULL DACL" 's/SetSecurityDescriptorDacl (sd, TRUE, acl, FALSE)/SetSecurityDescriptorDacl (sd, TRUE, NULL, FALSE)/'
mutant "Everyone instead of Authenticated Users" 's/WinAuthenticatedUserSid/WinWorldSid/'
mutant "Authenticated Users without allow-remote" 's/      || (allow_remote$/      || (1/'
mutant "Authenticated Users may create instances" 's/^  ((FILE_GENERIC_READ | FILE_GENERIC_WRITE) & ~(DWORD) FILE_CREATE_PIPE_INSTANCE)/(FILE_GENERIC_READ | FILE_GENERIC_WRITE)/;s/ACL_REVISION, PC_NPIPE_REMOTE_RIGHTS,/ACL_REVISION, FILE_GENERIC_READ | FILE_GENERIC_WRITE,/'
mutant "message mode" 's/PIPE_TYPE_BYTE | PIPE_READMODE_BYTE/PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE/'
mutant "not overlapped" 's/PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED/PIPE_ACCESS_DUPLEX/'
mutant "no check for a live name (wine ignores FIRST_PIPE_INSTANCE)" 's/  if (pipe_exists (server->path))/  if (0 \&\& pipe_exists (server->path))/'
mutant "no new instance after an accept" 's/^  new_instance (server, FALSE, NULL);/  (void) 0;/'
mutant "a busy pipe is not waited for" 's/      if (code != ERROR_PIPE_BUSY)/      if (1)/'
mutant "the busy wait ignores its deadline" 's/      if (now >= deadline)/      if (0)/'
mutant "names one character longer" 's/characters > PC_NPIPE_NAME_MAX/characters > PC_NPIPE_NAME_MAX + 1/'
mutant "names counted in bytes" 's/      if (\*c < 0xDC00 || \*c > 0xDFFF)/      if (1)/;s/  wide = utf8_to_wide (name);/  wide = utf8_to_wide (name); characters = strlen (name);/'
mutant "a slash allowed in names" "s|\*c == L'/' \|\| ||"
mutant "a closed peer read as an error" 's/      || code == ERROR_HANDLE_EOF)/      \&\& 0)/'

echo "# $survivors mutant(s) survived"
[ "$survivors" -eq 0 ]
