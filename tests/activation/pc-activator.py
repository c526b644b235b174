#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""A tiny stand-in for systemd's socket units, for the --exit-idle test.

Usage: pc-activator.py SOCKET_PATH STARTS_FILE COMMAND [ARG...]

Binds and listens on SOCKET_PATH and keeps it, as systemd does; whenever
a client is waiting on it and COMMAND is not running, starts COMMAND with
the socket as descriptor 3 (LISTEN_PID, LISTEN_FDS=1, LISTEN_FDNAMES=unix)
and writes how many times it has started it to STARTS_FILE. Unlike
systemd-socket-activate, which execs the service once and so gives the
socket away, it starts the service again after it exits: exactly what
systemd does, and what --exit-idle relies on. Stops (and stops COMMAND)
on SIGTERM.
"""
import os
import select
import signal
import socket
import sys

path, starts_file, command = sys.argv[1], sys.argv[2], sys.argv[3:]
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
os.chmod(path, 0o600)
listener.listen(128)
child = None
starts = 0


def stop(signum, frame):
    if child is not None:
        try:
            os.kill(child, signal.SIGTERM)
            os.waitpid(child, 0)
        except OSError:
            pass
    os.unlink(path)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)

while True:
    select.select([listener], [], [])
    starts += 1
    with open(starts_file + '.new', 'w') as f:
        f.write('%d\n' % starts)
    os.rename(starts_file + '.new', starts_file)
    child = os.fork()
    if child == 0:
        os.dup2(listener.fileno(), 3)
        os.set_inheritable(3, True)
        os.environ['LISTEN_PID'] = str(os.getpid())
        os.environ['LISTEN_FDS'] = '1'
        os.environ['LISTEN_FDNAMES'] = 'unix'
        os.execvp(command[0], command)
    _, status = os.waitpid(child, 0)
    child = None
    if os.waitstatus_to_exitcode(status) != 0:
        print('pc-activator: %s exited with %d' % (command[0], os.waitstatus_to_exitcode(status)),
              file=sys.stderr)
        sys.exit(1)
