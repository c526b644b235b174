/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A child process that belongs to its parent: if the parent dies without
 * stopping it (killed, crashed), the system stops the child too instead of
 * leaving it running with nobody to use it. POSIX asks the kernel for a
 * parent-death signal and starts it with GSubprocess (pc-child-unix.c);
 * Windows starts it with CreateProcessW, without a console window
 * (CREATE_NO_WINDOW: GLib's spawn from a program without a console, the
 * window, gives a console program a new console window of its own), and
 * puts it, before it runs, in a job object that kills its processes when
 * its last handle, held by the parent, closes (pc-child-win32.c). */
typedef struct _PcChild PcChild;

/* Starts @argv (argv[0] a path) with stdout silenced and stderr on a pipe
 * read with pc_child_get_stderr(). */
PcChild      *pc_child_spawn         (const char * const *argv,
                                      GError            **error);
/* The read end of the child's stderr, owned by @self. */
GInputStream *pc_child_get_stderr    (PcChild            *self);
/* Whether the child has not exited yet. */
gboolean      pc_child_is_running    (PcChild            *self);
/* Asks the child to stop: SIGTERM on POSIX, so it removes its socket
 * files; on Windows, where a console program has no such request from
 * another process group, it is terminated. */
void          pc_child_request_stop  (PcChild            *self);
/* Waits until the child has exited, at most @timeout_ms (0: no limit),
 * iterating the thread-default main context meanwhile on POSIX; then
 * kills it if it has not. */
void          pc_child_wait_or_kill  (PcChild            *self,
                                      guint               timeout_ms);
/* The child's process id, as text. */
char         *pc_child_get_pid       (PcChild            *self);
/* How the child ended, translated, to follow "The private server ":
 * "is still running", "was killed by signal 9 (Killed)", "exited with
 * status 1"... */
char         *pc_child_describe_end  (PcChild            *self);
/* Frees @self; a child still running goes on running. */
void          pc_child_free          (PcChild            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcChild, pc_child_free)

G_END_DECLS
