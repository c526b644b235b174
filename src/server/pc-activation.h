/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* systemd's socket activation (sd_listen_fds(3)), without libsystemd:
 * the service manager passes listening sockets as descriptors 3, 4, …
 * and says so in LISTEN_PID (whom they are for), LISTEN_FDS (how many)
 * and LISTEN_FDNAMES (their names, colon-separated, from the socket
 * unit's FileDescriptorName=). */

/* The first descriptor passed (SD_LISTEN_FDS_START). */
#define PC_ACTIVATION_FIRST_FD 3

/* More would be a mistake in the unit, not a server's sockets. */
#define PC_ACTIVATION_MAX_FDS 256

/* One socket passed by the service manager. */
typedef struct
{
  int      fd;
  char    *name;     /* from LISTEN_FDNAMES, "unknown" without it */
  GSocket *socket;   /* set by pc_activation_take_sockets() */
} PcPassedSocket;

void pc_passed_socket_free (PcPassedSocket *passed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcPassedSocket, pc_passed_socket_free)

/* Reads the three variables' values (each may be %NULL) as a process
 * whose pid is @self_pid: returns a new array of PcPassedSocket (socket
 * unset), empty when nothing was passed or when LISTEN_PID names another
 * process (the variables were inherited, not meant for us: systemd says
 * to ignore them). Garbage (a count or pid that is not a number, more
 * than PC_ACTIVATION_MAX_FDS, a name count that does not match, a name
 * that systemd would not give) is %NULL with G_OPTION_ERROR_BAD_VALUE.
 * Pure: touches no descriptor and no environment. */
GPtrArray *pc_activation_parse (const char  *listen_pid,
                                const char  *listen_fds,
                                const char  *listen_fdnames,
                                gint64       self_pid,
                                GError     **error);

/* Takes the sockets passed to this process: parses the environment as
 * above, then removes the three variables (so children do not inherit
 * them), marks each descriptor close-on-exec and wraps it in a GSocket.
 * Returns an array of PcPassedSocket, empty without socket activation
 * (always, on platforms without it), or %NULL with @error (in G_IO_ERROR
 * or G_OPTION_ERROR) naming the descriptor when one is not a listening
 * stream socket. */
GPtrArray *pc_activation_take_sockets (GError **error);

/* The address pipecalcd gives a passed socket, for its log and its
 * transport: "unix:/run/user/1000/pipecalc/socket", "tcp://127.0.0.1:7878",
 * "tcp://[::1]:7878", with "?tls=1" for a TCP socket named "tls". Newly
 * allocated, or %NULL with @error in G_IO_ERROR (an abstract or unnamed
 * unix socket, another family). */
char      *pc_activation_socket_address (const PcPassedSocket  *passed,
                                         GError               **error);

G_END_DECLS
