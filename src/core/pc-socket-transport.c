/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport"

#include "pc-socket-transport.h"

#include <gio/gnetworking.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#ifdef __linux__
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

/* How long to wait before accepting again after accept() failed. EMFILE
 * leaves the pending connection in the queue, so retrying at once would
 * spin; a short pause lets sessions close and free descriptors. */
#define ACCEPT_RETRY_MS 100

struct _PcSocketAcceptor
{
  /* One reference for the owner (dropped by pc_socket_acceptor_stop()) and
   * one for each accept or retry in flight, whose callbacks may run after
   * the owner has stopped it. */
  grefcount ref_count;
  gboolean stopped;
  gboolean failing; /* the last accept failed; do not log every retry */

  GSocketListener *listener;
  GCancellable *cancellable;
  GMainContext *context;
  GSource *retry_source;

  PcTransportIncomingFunc incoming;
  gpointer user_data;
};

GSocketListener *
pc_socket_listener_new (void)
{
  GSocketListener *listener = g_socket_listener_new ();

  g_socket_listener_set_backlog (listener, PC_SOCKET_LISTEN_BACKLOG);
  return listener;
}

GSocketListener *
pc_socket_listener_adopt (GSocket        *socket,
                          GSocketFamily   family,
                          const char     *address_text,
                          GError        **error)
{
  g_autoptr(GSocketListener) listener = NULL;
  GSocketFamily got = g_socket_get_family (socket);

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  /* IPv4 and IPv6 are one transport's. */
  if (got == G_SOCKET_FAMILY_IPV6)
    got = G_SOCKET_FAMILY_IPV4;
  if (family == G_SOCKET_FAMILY_IPV6)
    family = G_SOCKET_FAMILY_IPV4;
  if (got != family || g_socket_get_socket_type (socket) != G_SOCKET_TYPE_STREAM)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot serve on the socket given for %s: it is not a "
                     "stream socket of that kind"), address_text);
      return NULL;
    }

  listener = pc_socket_listener_new ();
  if (!g_socket_listener_add_socket (listener, socket, NULL, error))
    {
      g_prefix_error (error, _("Cannot serve on the socket given for %s: "),
                      address_text);
      return NULL;
    }
  return g_steal_pointer (&listener);
}

static PcSocketAcceptor *
acceptor_ref (PcSocketAcceptor *self)
{
  g_ref_count_inc (&self->ref_count);
  return self;
}

static void
acceptor_unref (PcSocketAcceptor *self)
{
  if (!g_ref_count_dec (&self->ref_count))
    return;

  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self);
}

static void accept_next (PcSocketAcceptor *self);

static gboolean
retry_accept_cb (gpointer data)
{
  PcSocketAcceptor *self = data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  if (!self->stopped)
    accept_next (self);
  return G_SOURCE_REMOVE;
}

static void
accept_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PcSocketAcceptor *self = data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *account = NULL;
  PcPeer peer;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source),
                                                result, NULL, &error);

  /* Stopped while the accept was in flight: the connection, if any, was
   * accepted after the owner said "no more", so drop it. */
  if (self->stopped)
    goto out;

  if (connection == NULL)
    {
      /* The pending connection stays queued after EMFILE and friends, so
       * retry after a pause instead of spinning or giving up for good. */
      if (!self->failing)
        g_message (_("Accepting a connection failed: %s; retrying"),
                   error->message);
      else
        g_debug ("Accepting a connection failed again: %s", error->message);
      self->failing = TRUE;
      self->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
      g_source_set_callback (self->retry_source, retry_accept_cb,
                             acceptor_ref (self),
                             (GDestroyNotify) acceptor_unref);
      g_source_set_static_name (self->retry_source, "[pipecalc] accept retry");
      g_source_attach (self->retry_source, self->context);
      goto out;
    }

  self->failing = FALSE;
  pc_socket_connection_set_nodelay (connection);
  description = pc_socket_connection_describe_peer (connection);
  account = pc_socket_connection_peer_account (connection);
  peer = (PcPeer) { .description = description, .account = account };
  self->incoming (G_IO_STREAM (g_steal_pointer (&connection)), &peer,
                  self->user_data);

  /* @incoming may have stopped the acceptor. */
  if (!self->stopped)
    accept_next (self);

out:
  acceptor_unref (self);
}

static void
accept_next (PcSocketAcceptor *self)
{
  /* The accept sources attach to the thread-default context, which is not
   * necessarily ours when we get here from the retry timer. */
  g_main_context_push_thread_default (self->context);
  g_socket_listener_accept_async (self->listener, self->cancellable,
                                  accept_ready_cb, acceptor_ref (self));
  g_main_context_pop_thread_default (self->context);
}

PcSocketAcceptor *
pc_socket_acceptor_start (GSocketListener         *listener,
                          PcTransportIncomingFunc  incoming,
                          gpointer                 user_data)
{
  PcSocketAcceptor *self;

  g_return_val_if_fail (G_IS_SOCKET_LISTENER (listener), NULL);
  g_return_val_if_fail (incoming != NULL, NULL);

  self = g_new0 (PcSocketAcceptor, 1);
  g_ref_count_init (&self->ref_count);
  self->listener = g_object_ref (listener);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->incoming = incoming;
  self->user_data = user_data;

  accept_next (self);
  return self;
}

void
pc_socket_acceptor_stop (PcSocketAcceptor *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->stopped);

  self->stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_socket_listener_close (self->listener);
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
  acceptor_unref (self);
}

static gboolean
is_tcp (GSocket *socket)
{
  GSocketFamily family = g_socket_get_family (socket);

  return g_socket_get_socket_type (socket) == G_SOCKET_TYPE_STREAM
         && (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6);
}

void
pc_socket_connection_set_nodelay (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GError) error = NULL;

  if (!is_tcp (socket))
    return;

  /* Only latency is at stake, so a failure is worth a debug line, not an
   * error for the caller. */
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    g_debug ("Cannot set TCP_NODELAY: %s", error->message);
}

static char *
describe_local_peer (GSocketConnection *connection)
{
#ifdef G_OS_UNIX
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GCredentials) credentials = NULL;
  pid_t pid;
  uid_t uid;

  credentials = g_socket_get_credentials (socket, NULL);
  if (credentials != NULL)
    {
      pid = g_credentials_get_unix_pid (credentials, NULL);
      uid = g_credentials_get_unix_user (credentials, NULL);
      if (pid != -1 && uid != (uid_t) -1)
        /* TRANSLATORS: describes the client process of a local
         * connection in the server log. */
        return g_strdup_printf (_("pid %ld (uid %lu)"),
                                (long) pid, (unsigned long) uid);
    }
#endif

  /* TRANSLATORS: the client of a local connection whose process we cannot
   * identify. */
  return g_strdup (C_("peer", "local"));
}

char *
pc_socket_connection_describe_peer (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  GInetAddress *inet;
  guint16 port;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (connection), NULL);

  address = g_socket_connection_get_remote_address (connection, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return describe_local_peer (connection);

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (inet);

  /* Brackets keep the port apart from an IPv6 address, as in URIs. */
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

#ifdef __linux__
/* Copies the address of @address (network order) into @out, as
 * inet_diag wants it; returns the port in network order. */
static guint16
diag_address (GInetSocketAddress *address,
              __be32              out[4])
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);

  memcpy (out, g_inet_address_to_bytes (inet), g_inet_address_get_native_size (inet));
  return g_htons (g_inet_socket_address_get_port (address));
}

/* The uid that owns the other end of a TCP connection on this machine,
 * asked of the kernel through sock_diag with the exact four-tuple (one
 * round trip, no dump), as `ss -e` shows it: local users all come from
 * 127.0.0.1, and only their uids tell them apart. */
static gboolean
loopback_peer_uid (GInetSocketAddress *local,
                   GInetSocketAddress *remote,
                   uid_t              *uid)
{
  struct
  {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
  } message;
  union
  {
    struct nlmsghdr header;
    char            bytes[1024];
  } reply;
  GInetAddress *inet = g_inet_socket_address_get_address (remote);
  gboolean found = FALSE;
  gssize n;
  int fd;

  memset (&message, 0, sizeof message);
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST;
  message.request.sdiag_family = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
                                 ? AF_INET6 : AF_INET;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0U;
  /* The client's socket: its source is our peer, its destination us. */
  message.request.id.idiag_sport = diag_address (remote, message.request.id.idiag_src);
  message.request.id.idiag_dport = diag_address (local, message.request.id.idiag_dst);
  message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  fd = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0)
    return FALSE;
  if (send (fd, &message, sizeof message, 0) == (gssize) sizeof message
      && (n = recv (fd, &reply, sizeof reply, 0)) > 0
      && NLMSG_OK (&reply.header, (guint) n)
      && reply.header.nlmsg_type == SOCK_DIAG_BY_FAMILY
      && reply.header.nlmsg_len >= NLMSG_LENGTH (sizeof (struct inet_diag_msg)))
    {
      const struct inet_diag_msg *info = NLMSG_DATA (&reply.header);

      *uid = info->idiag_uid;
      found = TRUE;
    }
  close (fd);
  return found;
}
#endif

char *
pc_socket_connection_peer_account (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (connection), NULL);

  address = g_socket_connection_get_remote_address (connection, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      g_autofree char *host = g_inet_address_to_string (inet);

#ifdef __linux__
      if (g_inet_address_get_is_loopback (inet))
        {
          g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection,
                                                                                   NULL);
          uid_t uid;

          if (G_IS_INET_SOCKET_ADDRESS (local)
              && loopback_peer_uid (G_INET_SOCKET_ADDRESS (local),
                                    G_INET_SOCKET_ADDRESS (address), &uid))
            return g_strdup_printf ("uid:%lu", (unsigned long) uid);
        }
#endif

      /* The port changes with every connection; the address is what one
       * remote machine (or one NAT) keeps. */
      return g_strconcat ("ip:", host, NULL);
    }
#ifdef G_OS_UNIX
  {
    GSocket *socket = g_socket_connection_get_socket (connection);
    g_autoptr(GCredentials) credentials = g_socket_get_credentials (socket, NULL);

    /* SO_PEERCRED: the uid the kernel recorded when the peer connected,
     * which the peer cannot forge. */
    if (credentials != NULL)
      {
        uid_t uid = g_credentials_get_unix_user (credentials, NULL);

        if (uid != (uid_t) -1)
          return g_strdup_printf ("uid:%lu", (unsigned long) uid);
      }
  }
#endif
  return g_strdup ("unknown");
}

int
pc_socket_io_error_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, G_IO_ERROR_FAILED);

  if (error->domain == G_IO_ERROR)
    return error->code;
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    return G_IO_ERROR_HOST_NOT_FOUND;
  return G_IO_ERROR_FAILED;
}

static void
connect_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *address_text = g_task_get_task_data (task);

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source),
                                               result, &error);
  if (connection == NULL)
    {
      int code = pc_socket_io_error_code (error);

      /* GIO's own messages name a socket address, not what the user
       * typed, and "nobody is listening" is what they need to hear. */
      if (code == G_IO_ERROR_CANCELLED)
        g_task_return_error (task, g_steal_pointer (&error));
      else if (code == G_IO_ERROR_CONNECTION_REFUSED)
        g_task_return_new_error (task, G_IO_ERROR, code,
                                 _("Nobody is listening at %s (connection "
                                   "refused)"), address_text);
      else if (code == G_IO_ERROR_NOT_FOUND)
        g_task_return_new_error (task, G_IO_ERROR, code,
                                 _("Nobody is listening at %s (no such "
                                   "socket)"), address_text);
      else
        g_task_return_new_error (task, G_IO_ERROR, code,
                                 _("Cannot connect to %s: %s"),
                                 address_text, error->message);
      return;
    }

  pc_socket_connection_set_nodelay (connection);
  g_task_return_pointer (task, g_steal_pointer (&connection), g_object_unref);
}

void
pc_socket_connect_async (GSocketConnectable  *connectable,
                         const char          *address_text,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GSocketClient) client = NULL;
  GTask *task;

  g_return_if_fail (G_IS_SOCKET_CONNECTABLE (connectable));
  g_return_if_fail (address_text != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pc_socket_connect_async);
  g_task_set_task_data (task, g_strdup (address_text), g_free);

  /* No g_socket_client_set_timeout(): it would also apply to every later
   * read, and an idle session must not time out. The caller cancels. */
  client = g_socket_client_new ();
  g_socket_client_connect_async (client, connectable, cancellable,
                                 connect_ready_cb, task);
}

GIOStream *
pc_socket_connect_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == pc_socket_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
