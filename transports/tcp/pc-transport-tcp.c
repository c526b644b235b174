/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-tcp"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <string.h>

#include "pc-socket-transport.h"
#include "pc-transport.h"

struct _PcTransportListener
{
  PcSocketAcceptor *acceptor;
};

G_MODULE_EXPORT const PcTransportOps *pc_transport_module_get_ops (void);

#define TCP_DEFAULT_PORT 7878
#define TCP_EXAMPLE "tcp://localhost:7878"
#define TCP_V6_EXAMPLE "tcp://[::1]:7878"

static char *
tcp_default_address (void)
{
  return g_strdup_printf ("tcp://127.0.0.1:%u", TCP_DEFAULT_PORT);
}

/* GUri says that an authority is malformed but not how, in English; this
 * finds what is wrong with it, in the user's words. */
static gboolean
explain_authority (const char  *text,
                   const char  *authority,
                   GError     **error)
{
  const char *colon;

  if (authority[0] == '[')
    {
      const char *close = strchr (authority, ']');
      g_autofree char *literal = NULL;

      if (close == NULL)
        return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                                _("the “]” closing the IPv6 address is missing"),
                                TCP_V6_EXAMPLE);
      literal = g_strndup (authority + 1, close - authority - 1);
      if (!g_hostname_is_ip_address (literal) || strchr (literal, ':') == NULL)
        return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                                _("only an IPv6 address may stand in brackets"),
                                TCP_V6_EXAMPLE);
      if (close[1] != ':')
        return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                                _("unexpected text after the IPv6 address"),
                                TCP_V6_EXAMPLE);
      colon = close + 1;
    }
  else
    {
      colon = strchr (authority, ':');
      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                                _("an IPv6 address must be written in brackets"),
                                TCP_V6_EXAMPLE);
    }
  if (colon != NULL)
    {
      guint16 port;

      if (!pc_address_parse_port (text, colon + 1, TCP_EXAMPLE, &port, error))
        return FALSE;
    }
  return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                          _("the host name contains characters that are not allowed"),
                          TCP_EXAMPLE);
}

/* tcp://host:port and tcp://[v6]:port, split by GUri (not %-decoded, no
 * DNS rules: the host is checked here); the port defaults to 7878. */
static gboolean
tcp_parse_address (PcAddress   *address,
                   const char  *text,
                   const char  *rest,
                   GError     **error)
{
  g_autofree char *authority = NULL;
  g_autofree char *userinfo = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *fragment = NULL;
  int port = -1;

  if (!g_str_has_prefix (rest, "//"))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("“tcp:” must be followed by “//”"), TCP_EXAMPLE);
  authority = g_strndup (rest + 2, strcspn (rest + 2, "/?#"));

  if (!g_uri_split (text, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, NULL,
                    &userinfo, &host, &port, &path, &query, &fragment, NULL))
    return explain_authority (text, authority, error);

  if ((path[0] != '\0' && !g_str_equal (path, "/")) || query != NULL || fragment != NULL)
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("a TCP address has no path"), TCP_EXAMPLE);
  if (host == NULL || host[0] == '\0')
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the host name is missing"), TCP_EXAMPLE);
  /* GUri has checked an IPv6 literal; a name must be a host name. */
  if (userinfo != NULL
      || (strchr (host, ':') == NULL && !g_hostname_is_ip_address (host)
          && !pc_address_is_host_name (host)))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the host name contains characters that are not allowed"),
                            TCP_EXAMPLE);
  /* GUri takes "host:" for no port, and does not refuse port 0. */
  if (g_str_has_suffix (authority, ":") || port == 0)
    {
      guint16 unused;

      return pc_address_parse_port (text, strrchr (authority, ':') + 1, TCP_EXAMPLE,
                                    &unused, error);
    }

  address->port = port > 0 ? (guint16) port : TCP_DEFAULT_PORT;
  address->text = strchr (host, ':') != NULL
    ? g_strdup_printf ("tcp://[%s]:%u", host, address->port)
    : g_strdup_printf ("tcp://%s:%u", host, address->port);
  address->host = g_steal_pointer (&host);
  return TRUE;
}

static gboolean
tcp_is_loopback (const PcAddress *address)
{
  return pc_address_host_is_loopback (address->host);
}

static char *
tcp_compose_address (const char *host,
                     guint       port,
                     const char *name)
{
  if (host == NULL)
    host = "127.0.0.1";
  /* An IPv6 literal typed without its brackets gets them. */
  if (strchr (host, ':') != NULL && host[0] != '[')
    return g_strdup_printf ("tcp://[%s]:%u", host, port);
  return g_strdup_printf ("tcp://%s:%u", host, port);
}

/* A port the system hands out for 127.0.0.1 and takes back at once: free
 * now, though nothing keeps another program from taking it meanwhile. */
static char *
tcp_private_address (const char *dir)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port = 0;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, NULL);
  if (socket != NULL && g_socket_bind (socket, any_port, FALSE, NULL))
    bound = g_socket_get_local_address (socket, NULL);
  if (bound != NULL)
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Should the system refuse, the listen on the default port will say so. */
  return g_strdup_printf ("tcp://127.0.0.1:%u", port ? port : TCP_DEFAULT_PORT);
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
tcp_connect_async (const PcAddress        *address,
                   const PcConnectOptions *options,
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
  .example = TCP_EXAMPLE,
  .default_port = TCP_DEFAULT_PORT,
  .parse_address = tcp_parse_address,
  .is_loopback = tcp_is_loopback,
  .compose_address = tcp_compose_address,
  .private_address = tcp_private_address,
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
