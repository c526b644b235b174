/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-transport.h"

G_BEGIN_DECLS

/* Where the window's settings say the server is. */
typedef struct
{
  char     *address;        /* %NULL: the default local address */
  gboolean  start_private;  /* start a private server if nobody answers */
  gboolean  remote;
  char     *transport;      /* scheme, for the header bar */
} PcTarget;

void      pc_target_free          (PcTarget   *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcTarget, pc_target_free)

/* Builds the target from the settings (mode, transports, host, port,
 * name); %NULL with a translated message when they do not make a valid
 * address with the @transports loaded. Each transport's module says how
 * its addresses are made (compose_address(), default_address()). */
PcTarget *pc_target_from_settings (GSettings     *settings,
                                   PcTransports  *transports,
                                   GError       **error);
/* The same from explicit values, as the connection dialog holds them
 * before saving. @remote_name is used by transports whose remote
 * addresses are a host and a name (PcTransportOps.name_label), the port
 * by those that have ports, @remote_tls by those that can do TLS
 * (PC_TRANSPORT_FLAG_TLS). */
PcTarget *pc_target_new           (PcTransports  *transports,
                                   gboolean       remote,
                                   const char    *local_transport,
                                   guint          local_port,
                                   gboolean       start_private,
                                   const char    *remote_host,
                                   const char    *remote_transport,
                                   guint          remote_port,
                                   const char    *remote_name,
                                   gboolean       remote_tls,
                                   GError       **error);

G_END_DECLS
