/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A child process that belongs to its parent: if the parent dies without
 * stopping it (killed, crashed), the system stops the child too instead of
 * leaving it running with nobody to use it. POSIX asks the kernel for a
 * parent-death signal (pc-child-unix.c); Windows puts the child in a job
 * object that kills its processes when its last handle, held by the
 * parent, closes (pc-child-win32.c). */

/* Prepares @launcher before the spawn. */
void pc_child_launcher_setup (GSubprocessLauncher *launcher);
/* Ties @process, just spawned, to this process. */
void pc_child_tie            (GSubprocess         *process);
/* Asks @process to stop: SIGTERM on POSIX, so it removes its socket
 * files; on Windows, where a console program has no such request from
 * another process group, it is terminated. */
void pc_child_request_stop   (GSubprocess         *process);

G_END_DECLS
