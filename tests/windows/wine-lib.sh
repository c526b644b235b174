# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
#
# Helpers shared by the tests under wine (sourced, TAP output).
#
# Sourcing it makes $work, a private folder removed on exit, and $pids:
# whatever a test starts in the background and adds there is killed on
# exit too.

work=$(mktemp -d)
pids=()
wine_lib_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap wine_lib_cleanup EXIT

n_case=0
ok() { n_case=$((n_case + 1)); echo "ok $n_case - $1"; }
# not_ok DESCRIPTION [LOG]: the log's last lines go out as TAP comments.
not_ok() {
  n_case=$((n_case + 1))
  echo "not ok $n_case - $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    tail -n 20 "$2" | tr -d '\r' | sed 's/^/# /'
  fi
}

skip() { n_case=$((n_case + 1)); echo "ok $n_case # SKIP $1"; }

# A TCP port nobody listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port PORT SECONDS: the first wine start in a fresh prefix takes
# 10-30 s, hence the generous waits.
wait_for_port() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt "$deadline" ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.3
  done
  return 1
}
