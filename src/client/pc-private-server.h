/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-transport.h"

G_BEGIN_DECLS

/* A pipecalcd started by a client for itself (the embedded default):
 * listening on a private address, its log lines forwarded, stopped with
 * SIGTERM when the client is done. */
typedef struct _PcPrivateServer PcPrivateServer;

typedef void (*PcPrivateServerLogFunc) (const char *line,
                                        gpointer    user_data);

PcPrivateServer *pc_private_server_start   (const char              *address,
                                            PcPrivateServerLogFunc   log_func,
                                            gpointer                 user_data,
                                            GError                 **error);
/* Whether the process is still running; if not, @error says why. */
gboolean         pc_private_server_check   (PcPrivateServer         *self,
                                            GError                 **error);
/* The process id, as text, or %NULL once it has exited. */
const char      *pc_private_server_get_pid (PcPrivateServer         *self);
/* How a server that is no longer running ended: "was killed by signal 9",
 * "exited with status 1"... (translated). */
char            *pc_private_server_describe_end (PcPrivateServer    *self);
/* Sends SIGTERM, waits up to 5 s, then kills; frees. */
void             pc_private_server_stop    (PcPrivateServer         *self);
/* A private address for a new server: the private_address() of the
 * platform's default local transport, in the runtime folder (created if
 * missing). %NULL with @error set when no such transport is loaded or the
 * folder is unusable. */
char            *pc_private_server_address (PcTransports            *transports,
                                            GError                 **error);

G_END_DECLS
