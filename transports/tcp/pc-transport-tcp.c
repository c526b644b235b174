/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-tcp"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gmodule.h>

#include "pc-socket-transport.h"
#include "pc-transport.h"

struct _PcTransportListener
{
  PcSocketAcceptor *acceptor;
};

G_MODULE_EXPORT const PcTransportOps *pc_transport_module_get_ops (void);

static char *
tcp_default_address (void)
{
  return g_strdup_printf ("tcp://127.0.0.1:%u", PC_DEFAULT_TCP_PORT);
}

/* Returns the addresses to bind for @address->host, as GInetAddress
 * references. "localhost" is not left to the resolver: which of 127.0.0.1
 * and ::1 it returns depends on /etc/hosts, and clients may try either, so
 * both are bound (::1 only if the host has IPv6). */
static GList *
addresses_for_host (const PcAddress  *address,
                    gboolean         *ipv6_optional,
                    GError          **error)
{
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GError) local_error = NULL;
  GInetAddress *literal;
  GList *addresses;

  *ipv6_optional = FALSE;

  if (g_ascii_strcasecmp (address->host, "localhost") == 0)
    {
      *ipv6_optional = TRUE;
      addresses = g_list_append (NULL, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
      return g_list_append (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6));
    }

  literal = g_inet_address_new_from_string (address->host);
  if (literal != NULL)
    return g_list_append (NULL, literal);

  /* The ops contract allows listen to block briefly; a server starts once. */
  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, address->host, NULL,
                                         &local_error);
  if (addresses == NULL)
    g_set_error (error, G_IO_ERROR, pc_socket_io_error_code (local_error),
                 _("Cannot listen at %s: %s"),
                 address->text, local_error->message);
  return addresses;
}

/* Without remote access the server must be unreachable from other
 * machines, and binding only loopback addresses is what guarantees it. */
static gboolean
check_remote_allowed (const PcAddress        *address,
                      const PcListenOptions  *options,
                      GList                  *addresses,
                      GError                **error)
{
  if (options != NULL && options->allow_remote)
    return TRUE;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *text = NULL;

      if (g_inet_address_get_is_loopback (l->data))
        continue;

      text = g_inet_address_to_string (l->data);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Refusing to listen at %s: %s is not a loopback "
                     "address, so other machines could connect, and remote "
                     "access is not enabled (pipecalcd --allow-remote)"),
                   address->text, text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
bind_address (GSocketListener  *listener,
              const PcAddress  *address,
              GInetAddress     *inet,
              gboolean          optional,
              GError          **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;

  socket_address = g_inet_socket_address_new (inet, address->port);

  /* GSocketListener sets SO_REUSEADDR (where it means "reuse after
   * TIME_WAIT"), so a restarted server does not wait for old connections. */
  if (g_socket_listener_add_address (listener, socket_address,
                                     G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP,
                                     NULL, NULL, &local_error))
    return TRUE;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   _("Another program is already listening at %s"),
                   address->text);
      return FALSE;
    }

  if (optional)
    {
      g_debug ("Not listening on %s: %s",
               g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
               ? "::1" : "127.0.0.1", local_error->message);
      return TRUE;
    }

  g_set_error (error, G_IO_ERROR, pc_socket_io_error_code (local_error),
               _("Cannot listen at %s: %s"),
               address->text, local_error->message);
  return FALSE;
}

static PcTransportListener *
tcp_listen (const PcAddress         *address,
            const PcListenOptions   *options,
            PcTransportIncomingFunc  incoming,
            gpointer                 user_data,
            GError                 **error)
{
  g_autoptr(GSocketListener) listener = NULL;
  GList *addresses = NULL;
  gboolean ipv6_optional = FALSE;
  gboolean ok = TRUE;
  PcTransportListener *self;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (address->host == NULL || address->host[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Address %s has no host"), address->text);
      return NULL;
    }

  addresses = addresses_for_host (address, &ipv6_optional, error);
  if (addresses == NULL)
    return NULL;

  listener = pc_socket_listener_new ();
  ok = check_remote_allowed (address, options, addresses, error);
  for (GList *l = addresses; ok && l != NULL; l = l->next)
    {
      gboolean optional = ipv6_optional
        && g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6;

      ok = bind_address (listener, address, l->data, optional, error);
    }
  g_resolver_free_addresses (addresses);

  if (!ok)
    {
      g_socket_listener_close (listener);
      return NULL;
    }

  self = g_new0 (PcTransportListener, 1);
  self->acceptor = pc_socket_acceptor_start (listener, incoming, user_data);
  return self;
}

static void
tcp_close_listener (PcTransportListener *self)
{
  g_return_if_fail (self != NULL);

  pc_socket_acceptor_stop (self->acceptor);
  g_free (self);
}

static void
tcp_connect_async (const PcAddress     *address,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GSocketConnectable) connectable = NULL;

  g_return_if_fail (address != NULL);

  if (address->host == NULL || address->host[0] == '\0')
    {
      g_task_report_new_error (NULL, callback, user_data,
                               pc_socket_connect_async,
                               G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Address %s has no host"), address->text);
      return;
    }

  /* GNetworkAddress resolves asynchronously and tries every result, so a
   * name with both IPv4 and IPv6 addresses reaches whichever answers. */
  connectable = g_network_address_new (address->host, address->port);
  pc_socket_connect_async (connectable, address->text, cancellable,
                           callback, user_data);
}

static const PcTransportOps tcp_ops = {
  .abi_version = PC_TRANSPORT_ABI_VERSION,
  .scheme = "tcp",
  .display_name = N_("TCP"),
  .flags = PC_TRANSPORT_FLAG_LOCAL | PC_TRANSPORT_FLAG_REMOTE,
  .default_address = tcp_default_address,
  .listen = tcp_listen,
  .close_listener = tcp_close_listener,
  .connect_async = tcp_connect_async,
  .connect_finish = pc_socket_connect_finish,
};

const PcTransportOps *
pc_transport_module_get_ops (void)
{
  return &tcp_ops;
}
