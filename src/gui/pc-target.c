/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-target.h"

void
pc_target_free (PcTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->address);
  g_free (target->transport);
  g_free (target);
}

/* The address of a server on this computer over @ops: the platform's
 * default local transport means the default local address (%NULL; a
 * private server then gets an address of its own); a transport with a
 * port, that port on this computer; any other, its default address. */
static char *
local_address (const PcTransportOps *ops,
               guint                 local_port)
{
  if (ops->flags & PC_TRANSPORT_FLAG_DEFAULT_LOCAL)
    return NULL;
  if (ops->compose_address != NULL)
    return ops->compose_address (NULL, local_port, NULL, FALSE);
  return ops->default_address != NULL ? ops->default_address () : NULL;
}

PcTarget *
pc_target_new (PcTransports *transports,
               gboolean      remote,
               const char   *local_transport,
               guint         local_port,
               gboolean      start_private,
               const char   *remote_host,
               const char   *remote_transport,
               guint         remote_port,
               const char   *remote_name,
               gboolean      remote_tls,
               GError      **error)
{
  g_autoptr(PcTarget) target = g_new0 (PcTarget, 1);
  g_autofree char *host = NULL;
  g_autoptr(PcAddress) parsed = NULL;
  const PcTransportOps *ops;

  target->remote = remote;
  target->transport = g_strdup (remote ? remote_transport : local_transport);
  ops = pc_transports_lookup (transports, target->transport, NULL);
  if (!remote)
    {
      target->start_private = start_private;
      if (ops == NULL || !(ops->flags & PC_TRANSPORT_FLAG_LOCAL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The “%s” transport cannot reach a local server"), local_transport);
          return NULL;
        }
      target->address = local_address (ops, local_port);
      if (target->address == NULL)
        return g_steal_pointer (&target);
    }
  else
    {
      host = g_strstrip (g_strdup (remote_host ? remote_host : ""));
      if (host[0] == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Enter the host name or address of the server"));
          return NULL;
        }
      if (ops == NULL || !(ops->flags & PC_TRANSPORT_FLAG_REMOTE))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The “%s” transport cannot reach a remote server"), remote_transport);
          return NULL;
        }
      target->address = ops->compose_address (host, remote_port,
                                              remote_name ? remote_name : "",
                                              remote_tls && (ops->flags & PC_TRANSPORT_FLAG_TLS));
    }

  /* The transport's parser words the problem and shows a valid example. */
  parsed = pc_transports_parse_address (transports, target->address, error);
  if (parsed == NULL)
    return NULL;
  g_free (target->address);
  target->address = g_strdup (parsed->text);
  return g_steal_pointer (&target);
}

PcTarget *
pc_target_from_settings (GSettings     *settings,
                         PcTransports  *transports,
                         GError       **error)
{
  g_autofree char *local_transport = g_settings_get_string (settings, "local-transport");
  g_autofree char *remote_host = g_settings_get_string (settings, "remote-host");
  g_autofree char *remote_transport = g_settings_get_string (settings, "remote-transport");
  g_autofree char *remote_name = g_settings_get_string (settings, "remote-pipe");

  return pc_target_new (transports, g_settings_get_enum (settings, "mode") == 1, local_transport,
                        (guint) g_settings_get_int (settings, "local-port"),
                        g_settings_get_boolean (settings, "start-private-server"),
                        remote_host, remote_transport,
                        (guint) g_settings_get_int (settings, "remote-port"),
                        remote_name, g_settings_get_boolean (settings, "use-tls"),
                        error);
}
