/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-unix"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gmodule.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pc-runtime-dir.h"
#include "pc-socket-transport.h"
#include "pc-transport.h"

/* How long the liveness probe of an existing socket may take. A live
 * server accepts from its main loop at once; this only bounds a wedged one. */
#define PROBE_TIMEOUT_S 2

#define SUN_PATH_SIZE (sizeof (((struct sockaddr_un *) NULL)->sun_path))

struct _PcTransportListener
{
  PcSocketAcceptor *acceptor;
  char *path;

  /* Identify the socket file we bound, so that closing never removes a
   * file another server has put there since. */
  PcFileId id;
};

#define UNIX_EXAMPLE "unix:/run/user/1000/pipecalc/socket"

G_MODULE_EXPORT const PcTransportOps *pc_transport_module_get_ops (void);

static gboolean
check_path (const PcAddress  *address,
            GError          **error)
{
  if (address->path == NULL || address->path[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Address %s has no socket path"), address->text);
      return FALSE;
    }

  /* GUnixSocketAddress would silently truncate the path and bind or
   * connect somewhere else entirely. */
  if (strlen (address->path) >= SUN_PATH_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   _("Socket path %s is too long: Unix domain socket paths "
                     "are limited to %lu bytes on this system"),
                   address->path, (unsigned long) (SUN_PATH_SIZE - 1));
      return FALSE;
    }

  return TRUE;
}

static char *
unix_default_address (void)
{
  g_autofree char *dir = pc_runtime_dir_path ();

  return g_strconcat ("unix:", dir, G_DIR_SEPARATOR_S, "socket", NULL);
}

static gboolean
unix_parse_address (PcAddress   *address,
                    const char  *text,
                    const char  *rest,
                    GError     **error)
{
  return pc_address_parse_path (address, text, rest, UNIX_EXAMPLE, error);
}

static char *
unix_private_address (const char *dir)
{
  static gint counter;

  /* The pid keeps processes apart, the counter the calls of one. */
  return g_strdup_printf ("unix:%s" G_DIR_SEPARATOR_S "private-%d-%d.socket", dir,
                          (int) getpid (), g_atomic_int_add (&counter, 1));
}

/* The socket file is made by the runtime directory's owner: the default
 * runtime directory is created here; any other directory is the user's
 * choice and must already exist. */
static gboolean
ensure_parent_dir (const char  *path,
                   GError     **error)
{
  gboolean in_runtime_dir;

  return pc_ensure_runtime_parent (path, &in_runtime_dir, error);
}

/* Decides what to do about a file already at the socket path. Returns TRUE
 * when the path is free to bind (nothing there, or a stale socket that has
 * been removed). A socket that answers means another server is running; a
 * socket that does not is left over from one that crashed. */
static gboolean
clear_stale_socket (const PcAddress  *address,
                    GError          **error)
{
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf before;
  PcFileId id;

  if (g_lstat (address->path, &before) != 0)
    {
      int errsv = errno;

      if (errsv == ENOENT)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot listen at %s: %s"),
                   address->text, g_strerror (errsv));
      return FALSE;
    }

  if (!S_ISSOCK (before.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Cannot listen at %s: %s exists and is not a socket; "
                     "refusing to replace it"),
                   address->text, address->path);
      return FALSE;
    }

  probe = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                        G_SOCKET_PROTOCOL_DEFAULT, error);
  if (probe == NULL)
    return FALSE;
  g_socket_set_timeout (probe, PROBE_TIMEOUT_S);

  socket_address = g_unix_socket_address_new (address->path);
  if (g_socket_connect (probe, socket_address, NULL, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   _("Another pipecalcd is already listening at %s"),
                   address->text);
      return FALSE;
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE; /* Removed by its owner meanwhile. */

  /* Anything but a refusal (a full backlog, a timeout, no permission) may
   * well be a live server, so only a refusal makes the socket stale. */
  if (!g_error_matches (local_error, G_IO_ERROR,
                        G_IO_ERROR_CONNECTION_REFUSED))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   _("Cannot listen at %s: a socket exists there and "
                     "checking whether a server answers on it failed: %s"),
                   address->text, local_error->message);
      return FALSE;
    }

  /* Make sure it is still the socket we probed before removing it. */
  id = (PcFileId) { .dev = before.st_dev, .ino = before.st_ino };
  if (!pc_file_remove_if_same (address->path, &id))
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot remove the stale socket %s: %s"),
                   address->path, g_strerror (errsv));
      return FALSE;
    }

  g_debug ("Removed stale socket %s", address->path);
  return TRUE;
}

static PcTransportListener *
unix_listen (const PcAddress         *address,
             const PcListenOptions   *options,
             PcTransportIncomingFunc  incoming,
             gpointer                 user_data,
             GError                 **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketListener) listener = NULL;
  g_autoptr(GError) local_error = NULL;
  PcTransportListener *self;
  GStatBuf st;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_path (address, error)
      || !ensure_parent_dir (address->path, error)
      || !clear_stale_socket (address, error))
    return NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return NULL;

  socket_address = g_unix_socket_address_new (address->path);
  if (!g_socket_bind (socket, socket_address, FALSE, &local_error))
    {
      /* Lost a race with another server starting at the same moment. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Another pipecalcd is already listening at %s"),
                     address->text);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_autofree char *parent = g_path_get_dirname (address->path);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("Cannot listen at %s: directory %s does not exist"),
                       address->text, parent);
        }
      else
        g_set_error (error, G_IO_ERROR, local_error->code,
                     _("Cannot listen at %s: %s"),
                     address->text, local_error->message);
      return NULL;
    }

  /* Restrict the socket to its owner before listen(), so that no one ever
   * connects while it still has the umask's looser mode. */
  if (g_chmod (address->path, 0600) != 0 || g_lstat (address->path, &st) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot listen at %s: %s"),
                   address->text, g_strerror (errsv));
      g_unlink (address->path);
      return NULL;
    }

  g_socket_set_listen_backlog (socket, PC_SOCKET_LISTEN_BACKLOG);
  listener = pc_socket_listener_new ();
  if (!g_socket_listen (socket, &local_error)
      || !g_socket_listener_add_socket (listener, socket, NULL, &local_error))
    {
      g_set_error (error, G_IO_ERROR, local_error->code,
                   _("Cannot listen at %s: %s"),
                   address->text, local_error->message);
      g_unlink (address->path);
      return NULL;
    }

  self = g_new0 (PcTransportListener, 1);
  self->path = g_strdup (address->path);
  self->id = (PcFileId) { .dev = st.st_dev, .ino = st.st_ino };
  self->acceptor = pc_socket_acceptor_start (listener, incoming, user_data);
  return self;
}

/* The socket file is its maker's (systemd keeps listening on it after we
 * exit), so the listener has no path and leaves the file alone. */
static PcTransportListener *
unix_adopt (const PcAddress         *address,
            GSocket                 *socket,
            const PcListenOptions   *options,
            PcTransportIncomingFunc  incoming,
            gpointer                 user_data,
            GError                 **error)
{
  g_autoptr(GSocketListener) listener = NULL;
  PcTransportListener *self;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (incoming != NULL, NULL);

  listener = pc_socket_listener_adopt (socket, G_SOCKET_FAMILY_UNIX, address->text, error);
  if (listener == NULL)
    return NULL;

  self = g_new0 (PcTransportListener, 1);
  self->acceptor = pc_socket_acceptor_start (listener, incoming, user_data);
  return self;
}

static void
unix_close_listener (PcTransportListener *self)
{
  g_return_if_fail (self != NULL);

  /* Remove the file before closing the socket: a server starting now then
   * finds the path free instead of a stale socket to probe. */
  if (self->path != NULL)
    pc_file_remove_if_same (self->path, &self->id);

  pc_socket_acceptor_stop (self->acceptor);
  g_free (self->path);
  g_free (self);
}

typedef struct
{
  char   *address_text;
  gint64  allowed_uid;
} Connect;

static void
connect_free (gpointer data)
{
  Connect *self = data;

  g_free (self->address_text);
  g_free (self);
}

/* Whoever answers at a socket path is whoever could bind it: in a folder
 * we checked, our own server; elsewhere, anyone. The kernel says who it
 * is (SO_PEERCRED), so a server run by another user is refused before a
 * single expression is sent. Root is no exception: a system-wide server
 * at a user's address is as unexpected as anyone else's. */
static gboolean
check_server_uid (GSocketConnection  *connection,
                  const Connect      *self,
                  GError            **error)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GCredentials) credentials = NULL;
  g_autoptr(GError) local_error = NULL;
  uid_t uid;

  credentials = g_socket_get_credentials (socket, &local_error);
  if (credentials == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Refusing to talk to the server at %s: cannot tell "
                     "which user runs it (%s)"),
                   self->address_text, local_error->message);
      return FALSE;
    }
  uid = g_credentials_get_unix_user (credentials, &local_error);
  if (uid == (uid_t) -1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Refusing to talk to the server at %s: cannot tell "
                     "which user runs it (%s)"),
                   self->address_text, local_error->message);
      return FALSE;
    }
  if (uid == getuid () || (self->allowed_uid >= 0 && (gint64) uid == self->allowed_uid))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
               _("Refusing to talk to the server at %s: it runs as another "
                 "user (uid %lu, you are uid %lu). If you trust that user, "
                 "allow it with pipecalc-cli --allow-server-uid %lu"),
               self->address_text, (unsigned long) uid,
               (unsigned long) getuid (), (unsigned long) uid);
  return FALSE;
}

static void
unix_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *self = g_task_get_task_data (task);
  g_autoptr(GIOStream) stream = NULL;
  GError *error = NULL;

  stream = pc_socket_connect_finish (result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!check_server_uid (G_SOCKET_CONNECTION (stream), self, &error))
    {
      g_io_stream_close (stream, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
}

static void
unix_connect_async (const PcAddress        *address,
                    const PcConnectOptions *options,
                    GCancellable           *cancellable,
                    GAsyncReadyCallback     callback,
                    gpointer                user_data)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  GError *error = NULL;
  GTask *task;
  Connect *self;

  g_return_if_fail (address != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, unix_connect_async);
  self = g_new0 (Connect, 1);
  self->address_text = g_strdup (address->text);
  self->allowed_uid = options != NULL ? options->allowed_server_uid : -1;
  g_task_set_task_data (task, self, connect_free);

  /* The default folder is checked before anything in it is trusted. */
  if (!check_path (address, &error)
      || !pc_check_runtime_parent (address->path, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        g_prefix_error (&error, _("Not connecting to %s: "), address->text);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  socket_address = g_unix_socket_address_new (address->path);
  pc_socket_connect_async (G_SOCKET_CONNECTABLE (socket_address),
                           address->text, cancellable, unix_connected_cb, task);
}

static GIOStream *
unix_connect_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == unix_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const PcTransportOps unix_ops = {
  .abi_version = PC_TRANSPORT_ABI_VERSION,
  .scheme = "unix",
  .display_name = N_("Unix domain socket"),
  .flags = PC_TRANSPORT_FLAG_LOCAL | PC_TRANSPORT_FLAG_DEFAULT_LOCAL,
  .example = UNIX_EXAMPLE,
  .parse_address = unix_parse_address,
  .private_address = unix_private_address,
  .default_address = unix_default_address,
  .listen = unix_listen,
  .close_listener = unix_close_listener,
  .connect_async = unix_connect_async,
  .connect_finish = unix_connect_finish,
  .adopt = unix_adopt,
};

const PcTransportOps *
pc_transport_module_get_ops (void)
{
  return &unix_ops;
}
