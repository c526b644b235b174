/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pc-activation.h"

void
pc_passed_socket_free (PcPassedSocket *passed)
{
  if (passed == NULL)
    return;
  g_free (passed->name);
  g_clear_object (&passed->socket);
  g_free (passed);
}

/* systemd's rule for a descriptor name (fdname_is_valid()): printable
 * ASCII but ':', at most 255 bytes. An empty name is what an empty
 * LISTEN_FDNAMES entry gives, and is refused too. */
static gboolean
name_is_valid (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > 255)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p < ' ' || *p > '~' || *p == ':')
      return FALSE;
  return TRUE;
}

GPtrArray *
pc_activation_parse (const char  *listen_pid,
                     const char  *listen_fds,
                     const char  *listen_fdnames,
                     gint64       self_pid,
                     GError     **error)
{
  g_autoptr(GPtrArray) passed = g_ptr_array_new_with_free_func ((GDestroyNotify) pc_passed_socket_free);
  g_auto(GStrv) names = NULL;
  guint64 pid = 0;
  guint64 n = 0;

  /* No LISTEN_PID: not activated (sd_listen_fds() says the same). */
  if (listen_pid == NULL)
    return g_steal_pointer (&passed);
  if (!g_ascii_string_to_unsigned (listen_pid, 10, 1, G_MAXINT64, &pid, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Socket activation: LISTEN_PID=%s is not a process id"),
                   listen_pid);
      return NULL;
    }
  if ((gint64) pid != self_pid)
    return g_steal_pointer (&passed);

  if (listen_fds == NULL
      || !g_ascii_string_to_unsigned (listen_fds, 10, 0, PC_ACTIVATION_MAX_FDS, &n, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Socket activation: LISTEN_FDS=%s is not a number of "
                     "sockets from 0 to %d"),
                   listen_fds != NULL ? listen_fds : "", PC_ACTIVATION_MAX_FDS);
      return NULL;
    }

  if (listen_fdnames != NULL)
    {
      names = g_strsplit (listen_fdnames, ":", -1);
      if (g_strv_length (names) != n && !(n == 0 && listen_fdnames[0] == '\0'))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Socket activation: LISTEN_FDNAMES names %u sockets "
                         "but LISTEN_FDS says %u"),
                       g_strv_length (names), (guint) n);
          return NULL;
        }
      for (guint i = 0; i < n; i++)
        if (!name_is_valid (names[i]))
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("Socket activation: LISTEN_FDNAMES has an invalid "
                           "name for descriptor %u"),
                         PC_ACTIVATION_FIRST_FD + i);
            return NULL;
          }
    }

  for (guint i = 0; i < n; i++)
    {
      PcPassedSocket *one = g_new0 (PcPassedSocket, 1);

      one->fd = PC_ACTIVATION_FIRST_FD + (int) i;
      one->name = g_strdup (names != NULL ? names[i] : "unknown");
      g_ptr_array_add (passed, one);
    }
  return g_steal_pointer (&passed);
}
