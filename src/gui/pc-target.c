/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-address.h"
#include "pc-runtime-dir.h"
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

PcTarget *
pc_target_new (gboolean    remote,
               const char *local_transport,
               guint       local_port,
               gboolean    start_private,
               const char *remote_host,
               const char *remote_transport,
               guint       remote_port,
               const char *remote_pipe,
               GError    **error)
{
  g_autoptr(PcTarget) target = g_new0 (PcTarget, 1);
  g_autofree char *host = NULL;
  g_autoptr(PcAddress) parsed = NULL;

  target->remote = remote;
  if (!remote)
    {
      target->transport = g_strdup (local_transport);
      target->start_private = start_private;
      if (g_str_equal (local_transport, "unix"))
        {
          /* The default local address. */
          return g_steal_pointer (&target);
        }
      if (g_str_equal (local_transport, "fifo"))
        {
          g_autofree char *dir = pc_runtime_dir_path ();

          target->address = g_strdup_printf ("fifo:%s/fifo", dir);
        }
      else if (g_str_equal (local_transport, "tcp"))
        target->address = g_strdup_printf ("tcp://127.0.0.1:%u", local_port);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The “%s” transport cannot reach a local server"), local_transport);
          return NULL;
        }
    }
  else
    {
      host = g_strstrip (g_strdup (remote_host ? remote_host : ""));
      target->transport = g_strdup (remote_transport);
      if (host[0] == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Enter the host name or address of the server"));
          return NULL;
        }
      if (g_str_equal (remote_transport, "npipe"))
        target->address = g_strdup_printf ("npipe://%s/%s", host,
                                           remote_pipe ? remote_pipe : "");
      else if (strchr (host, ':') != NULL && host[0] != '[')
        target->address = g_strdup_printf ("tcp://[%s]:%u", host, remote_port);
      else
        target->address = g_strdup_printf ("tcp://%s:%u", host, remote_port);
    }

  /* The address parser words the problem and shows a valid example. */
  parsed = pc_address_parse (target->address, error);
  if (parsed == NULL)
    return NULL;
  g_free (target->address);
  target->address = g_strdup (parsed->text);
  return g_steal_pointer (&target);
}

PcTarget *
pc_target_from_settings (GSettings  *settings,
                         GError    **error)
{
  g_autofree char *local_transport = g_settings_get_string (settings, "local-transport");
  g_autofree char *remote_host = g_settings_get_string (settings, "remote-host");
  g_autofree char *remote_transport = g_settings_get_string (settings, "remote-transport");
  g_autofree char *remote_pipe = g_settings_get_string (settings, "remote-pipe");

  return pc_target_new (g_settings_get_enum (settings, "mode") == 1, local_transport,
                        (guint) g_settings_get_int (settings, "local-port"),
                        g_settings_get_boolean (settings, "start-private-server"),
                        remote_host, remote_transport,
                        (guint) g_settings_get_int (settings, "remote-port"),
                        remote_pipe, error);
}
