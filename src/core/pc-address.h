/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PC_DEFAULT_TCP_PORT 7878

/**
 * PcAddress:
 * @text: the canonical form, e.g. `tcp://[::1]:7878`
 * @scheme: `unix`, `fifo`, `tcp` or `npipe`
 * @path: the socket or FIFO path (unix, fifo), the pipe name (npipe)
 * @host: host name or literal without brackets (tcp), `.` or a server
 *   name (npipe); %NULL otherwise
 * @port: the TCP port (tcp), 0 otherwise
 *
 * An address parsed and validated once. Transport plugins read the fields
 * directly, so this struct is part of the plugin ABI.
 */
typedef struct
{
  char *text;
  char *scheme;
  char *path;
  char *host;
  guint16 port;
} PcAddress;

#define PC_ADDRESS_ERROR (pc_address_error_quark ())

typedef enum
{
  PC_ADDRESS_ERROR_INVALID,
  PC_ADDRESS_ERROR_UNKNOWN_SCHEME,
} PcAddressError;

GQuark     pc_address_error_quark (void);
PcAddress *pc_address_parse       (const char       *text,
                                   GError          **error);
PcAddress *pc_address_copy        (const PcAddress  *address);
void       pc_address_free        (PcAddress        *address);
gboolean   pc_address_is_loopback (const PcAddress  *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcAddress, pc_address_free)

G_END_DECLS
