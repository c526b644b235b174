/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc-activation.h"

/* Makes @passed->socket of its descriptor, which must be a listening
 * stream socket: anything else (a datagram socket, a named pipe or a
 * file, a closed descriptor) is a mistake in the unit that the
 * admin must hear about, not something to serve half of. */
static gboolean
wrap_socket (PcPassedSocket  *passed,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocket) socket = NULL;
  struct stat st;
  int flags;
  gint listening = 0;

  flags = fcntl (passed->fd, F_GETFD);
  if (flags < 0 || fstat (passed->fd, &st) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Socket activation: descriptor %d (“%s”) is not usable: %s"),
                   passed->fd, passed->name, g_strerror (errsv));
      return FALSE;
    }
  /* Our children (none today) must not keep systemd's sockets open. */
  if (!(flags & FD_CLOEXEC))
    fcntl (passed->fd, F_SETFD, flags | FD_CLOEXEC);

  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Socket activation: descriptor %d (“%s”) is not a socket "
                     "(a pipe or a file?); pipecalcd serves stream sockets "
                     "only (ListenStream=)"),
                   passed->fd, passed->name);
      return FALSE;
    }

  socket = g_socket_new_from_fd (passed->fd, &local_error);
  if (socket == NULL)
    {
      g_set_error (error, G_IO_ERROR, local_error->code,
                   _("Socket activation: descriptor %d (“%s”): %s"),
                   passed->fd, passed->name, local_error->message);
      return FALSE;
    }
  if (g_socket_get_socket_type (socket) != G_SOCKET_TYPE_STREAM)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Socket activation: descriptor %d (“%s”) is not a stream "
                     "socket (a datagram socket?); pipecalcd serves stream "
                     "sockets only (ListenStream=)"),
                   passed->fd, passed->name);
      return FALSE;
    }
  if (!g_socket_get_option (socket, SOL_SOCKET, SO_ACCEPTCONN, &listening, NULL)
      || !listening)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Socket activation: descriptor %d (“%s”) is a socket that "
                     "is not listening (Accept=yes passes connections, "
                     "pipecalcd wants Accept=no)"),
                   passed->fd, passed->name);
      return FALSE;
    }
  passed->socket = g_steal_pointer (&socket);
  return TRUE;
}

GPtrArray *
pc_activation_take_sockets (GError **error)
{
  g_autoptr(GPtrArray) passed = NULL;

  passed = pc_activation_parse (g_getenv ("LISTEN_PID"), g_getenv ("LISTEN_FDS"),
                                g_getenv ("LISTEN_FDNAMES"), (gint64) getpid (), error);
  /* Whether for us or not, children must not see them (sd_listen_fds()
   * with unset_environment). */
  g_unsetenv ("LISTEN_PID");
  g_unsetenv ("LISTEN_FDS");
  g_unsetenv ("LISTEN_FDNAMES");
  if (passed == NULL)
    return NULL;

  for (guint i = 0; i < passed->len; i++)
    if (!wrap_socket (g_ptr_array_index (passed, i), error))
      return NULL;
  return g_steal_pointer (&passed);
}

char *
pc_activation_socket_address (const PcPassedSocket  *passed,
                              GError               **error)
{
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (G_IS_SOCKET (passed->socket), NULL);

  local = g_socket_get_local_address (passed->socket, error);
  if (local == NULL)
    {
      g_prefix_error (error, _("Socket activation: descriptor %d (“%s”): "),
                      passed->fd, passed->name);
      return NULL;
    }

  if (G_IS_UNIX_SOCKET_ADDRESS (local))
    {
      GUnixSocketAddress *unix_address = G_UNIX_SOCKET_ADDRESS (local);

      if (g_unix_socket_address_get_address_type (unix_address) != G_UNIX_SOCKET_ADDRESS_PATH)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("Socket activation: descriptor %d (“%s”) is an abstract "
                         "or unnamed unix socket; pipecalc clients connect to "
                         "a path (ListenStream=/path)"),
                       passed->fd, passed->name);
          return NULL;
        }
      return g_strconcat ("unix:", g_unix_socket_address_get_path (unix_address), NULL);
    }

  if (G_IS_INET_SOCKET_ADDRESS (local))
    {
      GInetSocketAddress *inet_address = G_INET_SOCKET_ADDRESS (local);
      GInetAddress *inet = g_inet_socket_address_get_address (inet_address);
      g_autofree char *host = g_inet_address_to_string (inet);
      const char *tls = g_strcmp0 (passed->name, "tls") == 0 ? "?tls=1" : "";

      if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
        return g_strdup_printf ("tcp://[%s]:%u%s", host,
                                g_inet_socket_address_get_port (inet_address), tls);
      return g_strdup_printf ("tcp://%s:%u%s", host,
                              g_inet_socket_address_get_port (inet_address), tls);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("Socket activation: descriptor %d (“%s”) is of a socket family "
                 "pipecalcd does not serve (unix and TCP only)"),
               passed->fd, passed->name);
  return NULL;
}
