/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-tcp"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <string.h>

#include "pc-socket-transport.h"
#include "pc-transport.h"

/* With TLS, every accepted connection is wrapped in a TLS server
 * connection presenting @certificate before @incoming sees it. Shared by
 * the listener and the wrappings in flight, which may end after the
 * listener has closed (then @closed, and the connection is dropped). */
typedef struct
{
  grefcount                ref_count;
  gboolean                 closed;
  GTlsCertificate         *certificate;
  PcTransportIncomingFunc  incoming;
  gpointer                 user_data;
} TlsWrapper;

struct _PcTransportListener
{
  PcSocketAcceptor *acceptor;
  TlsWrapper       *tls;        /* %NULL without TLS */
};

G_MODULE_EXPORT const PcTransportOps *pc_transport_module_get_ops (void);

#define TCP_DEFAULT_PORT 7878
#define TCP_EXAMPLE "tcp://localhost:7878"
#define TCP_V6_EXAMPLE "tcp://[::1]:7878"
#define TCP_TLS_EXAMPLE "tcp://calc.example.org:7878?tls=1"

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

/* The one option a TCP address takes: "tls=1" (TLS) or "tls=0" (the
 * default, clear text). The scheme stays tcp so that the dialog's TLS
 * switch is a property of the address, and the canonical text always
 * spells the option out, so an address that asks for TLS says so. */
static gboolean
parse_query (const char  *text,
             const char  *query,
             gboolean    *tls,
             GError     **error)
{
  if (query == NULL || query[0] == '\0' || g_str_equal (query, "tls=0"))
    {
      *tls = FALSE;
      return TRUE;
    }
  if (g_str_equal (query, "tls=1"))
    {
      *tls = TRUE;
      return TRUE;
    }
  return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                          _("the only option of a TCP address is “tls=1”"),
                          TCP_TLS_EXAMPLE);
}

/* tcp://host:port and tcp://[v6]:port, split by GUri (not %-decoded, no
 * DNS rules: the host is checked here); the port defaults to 7878;
 * "?tls=1" asks for TLS. */
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

  if ((path[0] != '\0' && !g_str_equal (path, "/")) || fragment != NULL)
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("a TCP address has no path"), TCP_EXAMPLE);
  if (!parse_query (text, query, &address->tls, error))
    return FALSE;
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
    ? g_strdup_printf ("tcp://[%s]:%u%s", host, address->port, address->tls ? "?tls=1" : "")
    : g_strdup_printf ("tcp://%s:%u%s", host, address->port, address->tls ? "?tls=1" : "");
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
                     const char *name,
                     gboolean    tls)
{
  const char *option = tls ? "?tls=1" : "";

  if (host == NULL)
    host = "127.0.0.1";
  /* An IPv6 literal typed without its brackets gets them. */
  if (strchr (host, ':') != NULL && host[0] != '[')
    return g_strdup_printf ("tcp://[%s]:%u%s", host, port, option);
  return g_strdup_printf ("tcp://%s:%u%s", host, port, option);
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

static TlsWrapper *
tls_wrapper_ref (TlsWrapper *self)
{
  g_ref_count_inc (&self->ref_count);
  return self;
}

static void
tls_wrapper_unref (TlsWrapper *self)
{
  if (!g_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->certificate);
  g_free (self);
}

typedef struct
{
  TlsWrapper *wrapper;
  GIOStream  *stream;
  char       *peer;
} Wrapping;

static void
wrapping_free (gpointer data)
{
  Wrapping *wrapping = data;

  tls_wrapper_unref (wrapping->wrapper);
  g_clear_object (&wrapping->stream);
  g_free (wrapping->peer);
  g_free (wrapping);
}

/* Setting up a TLS server connection costs GnuTLS about 10 ms (100 ms
 * under AddressSanitizer): done on GIO's thread pool, so that a burst of
 * connections never holds up the listeners' main loop. */
static void
wrap_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Wrapping *wrapping = task_data;
  GError *error = NULL;
  GIOStream *tls = g_tls_server_connection_new (wrapping->stream,
                                                wrapping->wrapper->certificate, &error);

  if (tls == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tls, g_object_unref);
}

static void
wrapped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wrapping *wrapping = g_task_get_task_data (G_TASK (result));
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  tls = g_task_propagate_pointer (G_TASK (result), &error);
  if (tls == NULL)
    {
      g_message ("TLS connection from %s refused: %s", wrapping->peer, error->message);
      g_io_stream_close (wrapping->stream, NULL, NULL);
      return;
    }
  /* The listener closed meanwhile: nobody takes connections any more. */
  if (wrapping->wrapper->closed)
    {
      g_io_stream_close (tls, NULL, NULL);
      return;
    }
  /* The handshake itself happens on the session's own thread, at its
   * first non-blocking read (GIO's implicit handshake): a client that
   * never completes it only holds its own session until the session's
   * deadlines close it. */
  wrapping->wrapper->incoming (g_steal_pointer (&tls), wrapping->peer,
                               wrapping->wrapper->user_data);
}

static void
tls_incoming_cb (GIOStream  *stream,
                 const char *peer,
                 gpointer    user_data)
{
  TlsWrapper *wrapper = user_data;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, wrapped_cb, NULL);
  Wrapping *wrapping = g_new0 (Wrapping, 1);

  wrapping->wrapper = tls_wrapper_ref (wrapper);
  wrapping->stream = stream;
  wrapping->peer = g_strdup (peer);
  g_task_set_task_data (task, wrapping, wrapping_free);
  g_task_set_source_tag (task, tls_incoming_cb);
  g_task_run_in_thread (task, wrap_thread);
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

  if (address->tls && (options == NULL || options->tls_certificate == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot listen at %s: TLS needs a certificate "
                     "(pipecalcd --tls-cert FILE --tls-key FILE)"),
                   address->text);
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
  if (address->tls)
    {
      self->tls = g_new0 (TlsWrapper, 1);
      g_ref_count_init (&self->tls->ref_count);
      self->tls->certificate = g_object_ref (options->tls_certificate);
      self->tls->incoming = incoming;
      self->tls->user_data = user_data;
      self->acceptor = pc_socket_acceptor_start (listener, tls_incoming_cb, self->tls);
    }
  else
    self->acceptor = pc_socket_acceptor_start (listener, incoming, user_data);
  return self;
}

static void
tcp_close_listener (PcTransportListener *self)
{
  g_return_if_fail (self != NULL);

  pc_socket_acceptor_stop (self->acceptor);
  if (self->tls != NULL)
    {
      self->tls->closed = TRUE;
      tls_wrapper_unref (self->tls);
    }
  g_free (self);
}

typedef struct
{
  char                 *address_text;
  GSocketConnectable   *identity;  /* the name the certificate must bear */
  char                 *ca_file;
  GTlsCertificateFlags  problems;  /* what verification found wrong */
} Connect;

static void
connect_free (gpointer data)
{
  Connect *self = data;

  g_free (self->address_text);
  g_clear_object (&self->identity);
  g_free (self->ca_file);
  g_free (self);
}

/* Verification has failed: remember why, so the error can say it. The
 * answer is still no. */
static gboolean
accept_certificate_cb (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Connect *self = user_data;

  self->problems = errors;
  return FALSE;
}

static const char *
certificate_problem (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _("it is not signed by a certificate authority you trust");
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return _("it was made for another host name");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _("it has expired");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _("it is not valid yet");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _("it uses an insecure algorithm");
  return _("it does not verify");
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *self = g_task_get_task_data (task);
  g_autoptr(GIOStream) tls = G_IO_STREAM (g_object_ref (source));
  g_autoptr(GError) error = NULL;

  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_task_return_pointer (task, g_steal_pointer (&tls), g_object_unref);
      return;
    }
  g_io_stream_close (tls, NULL, NULL);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (self->problems != 0
           || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             /* TRANSLATORS: the second %s says what is wrong
                              * with the certificate */
                             _("Refusing the server at %s: its TLS certificate "
                               "cannot be trusted: %s"),
                             self->address_text, certificate_problem (self->problems));
  else
    g_task_return_new_error (task, G_IO_ERROR, pc_socket_io_error_code (error),
                             _("Cannot connect to %s: the TLS handshake failed: %s"),
                             self->address_text, error->message);
}

static void
tcp_connected_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *self = g_task_get_task_data (task);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  stream = pc_socket_connect_finish (result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->ca_file != NULL)
    {
      database = g_tls_file_database_new (self->ca_file, &error);
      if (database == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                   _("Cannot connect to %s: cannot read the "
                                     "certificate authorities in %s: %s"),
                                   self->address_text, self->ca_file, error->message);
          g_error_free (error);
          g_io_stream_close (stream, NULL, NULL);
          return;
        }
    }
  tls = g_tls_client_connection_new (stream, self->identity, &error);
  if (tls == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Cannot connect to %s: TLS is not available (%s)"),
                               self->address_text, error->message);
      g_error_free (error);
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);
  cancellable = g_task_get_cancellable (task);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    cancellable, handshake_cb, g_steal_pointer (&task));
}

static void
tcp_connect_async (const PcAddress        *address,
                   const PcConnectOptions *options,
                   GCancellable           *cancellable,
                   GAsyncReadyCallback     callback,
                   gpointer                user_data)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  GTask *task;
  Connect *self;

  g_return_if_fail (address != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcp_connect_async);
  if (address->host == NULL || address->host[0] == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Address %s has no host"), address->text);
      g_object_unref (task);
      return;
    }

  /* GNetworkAddress resolves asynchronously and tries every result, so a
   * name with both IPv4 and IPv6 addresses reaches whichever answers. */
  connectable = g_network_address_new (address->host, address->port);
  if (!address->tls)
    {
      g_object_unref (task);
      pc_socket_connect_async (connectable, address->text, cancellable,
                               callback, user_data);
      return;
    }

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Cannot connect to %s: TLS is not available "
                                 "(install glib-networking)"), address->text);
      g_object_unref (task);
      return;
    }
  self = g_new0 (Connect, 1);
  self->address_text = g_strdup (address->text);
  self->identity = g_object_ref (connectable);
  /* GTlsFileDatabase wants an absolute path; a relative one is the
   * user's, relative to where they are. */
  if (options != NULL && options->tls_ca_file != NULL)
    self->ca_file = g_canonicalize_filename (options->tls_ca_file, NULL);
  g_task_set_task_data (task, self, connect_free);
  pc_socket_connect_async (connectable, address->text, cancellable,
                           tcp_connected_cb, task);
}

static GIOStream *
tcp_connect_finish (GAsyncResult  *result,
                    GError       **error)
{
  if (g_task_is_valid (result, NULL)
      && g_task_get_source_tag (G_TASK (result)) == tcp_connect_async)
    return g_task_propagate_pointer (G_TASK (result), error);
  return pc_socket_connect_finish (result, error);
}

static const PcTransportOps tcp_ops = {
  .abi_version = PC_TRANSPORT_ABI_VERSION,
  .scheme = "tcp",
  .display_name = N_("TCP"),
  .flags = PC_TRANSPORT_FLAG_LOCAL | PC_TRANSPORT_FLAG_REMOTE | PC_TRANSPORT_FLAG_TLS,
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
  .connect_finish = tcp_connect_finish,
};

const PcTransportOps *
pc_transport_module_get_ops (void)
{
  return &tcp_ops;
}
