/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-tcp"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <string.h>

#include "pc-log-text.h"
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
  /* Connections whose client has not spoken yet (Waiting*, owning). */
  GHashTable              *waiting;
  /* Connections being wrapped on GIO's pool (main context only). */
  guint                    wrapping;
  /* Failed and silent clients come at a client's will: logged at a
   * bounded rate, as the server's own refusals are. */
  PcLogLimit               log_limit;
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

/* A TLS client has this long to complete its handshake. GIO runs each
 * server handshake on a thread of its shared pool, which a silent client
 * holds for as long as it stays silent: without a deadline a few hundred
 * idle connections would starve every other handshake (measured: 300 of
 * them kept a legitimate client out until the 30 s auth deadline). */
#define TLS_HANDSHAKE_TIMEOUT_S 10

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

/* Checks an IPv6 host as GUri gives it ("fe80::1%eth0": the zone ID,
 * written %25 in an address, decoded) and makes its text for an address
 * ("fe80::1%25eth0"). GUri is not enough: it takes "[:]" (GLib's
 * g_hostname_is_ip_address() does), and decodes a zone ID into anything,
 * "/" included, which would then not parse again. */
static gboolean
ipv6_host_text (const char  *text,
                const char  *host,
                char       **host_text,
                GError     **error)
{
  const char *percent = strchr (host, '%');
  g_autofree char *literal = g_strndup (host, percent != NULL ? (gsize) (percent - host) : strlen (host));
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (literal);

  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("only an IPv6 address may stand in brackets"),
                            TCP_V6_EXAMPLE);
  if (percent != NULL)
    {
      const char *zone = percent + 1;

      if (zone[0] == '\0' || strspn (zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-._~") != strlen (zone))
        return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                                _("an IPv6 zone (after “%25”) may hold only letters, digits and “-._~”"),
                                "tcp://[fe80::1%25eth0]:7878");
    }
  *host_text = percent != NULL ? g_strdup_printf ("%s%%25%s", literal, percent + 1)
                               : g_steal_pointer (&literal);
  return TRUE;
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
  /* An IPv6 literal is checked below (ipv6_host_text); a name must be a
   * host name. */
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
  if (strchr (host, ':') != NULL)
    {
      g_autofree char *host_text = NULL;

      if (!ipv6_host_text (text, host, &host_text, error))
        return FALSE;
      address->text = g_strdup_printf ("tcp://[%s]:%u%s", host_text, address->port,
                                       address->tls ? "?tls=1" : "");
    }
  else
    address->text = g_strdup_printf ("tcp://%s:%u%s", host, address->port,
                                     address->tls ? "?tls=1" : "");
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
  /* An IPv6 literal typed without its brackets gets them, and its zone
   * ID as the system writes it (fe80::1%eth0) gets the "%25" an address
   * wants. */
  if (strchr (host, ':') != NULL && host[0] != '[')
    {
      g_auto(GStrv) parts = g_strsplit (host, "%", -1);
      g_autofree char *escaped = g_strjoinv ("%25", parts);

      return g_strdup_printf ("tcp://[%s]:%u%s", escaped, port, option);
    }
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
  g_clear_pointer (&self->waiting, g_hash_table_unref);
  pc_log_limit_clear (&self->log_limit);
  g_free (self);
}

typedef struct
{
  TlsWrapper *wrapper;
  GIOStream  *stream;
  char       *peer;      /* PcPeer.description */
  char       *account;   /* PcPeer.account */
} Wrapping;

static void
wrapping_free (gpointer data)
{
  Wrapping *wrapping = data;

  tls_wrapper_unref (wrapping->wrapper);
  g_clear_object (&wrapping->stream);
  g_free (wrapping->peer);
  g_free (wrapping->account);
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

typedef struct
{
  TlsWrapper     *wrapper;
  GTlsConnection *tls;
  GSocket        *socket;
  char           *peer;
} HandshakeWatch;

static void
handshake_watch_free (gpointer data)
{
  HandshakeWatch *watch = data;

  tls_wrapper_unref (watch->wrapper);
  g_object_unref (watch->tls);
  g_object_unref (watch->socket);
  g_free (watch->peer);
  g_free (watch);
}

/* Runs on the listener's context while the session, on its worker, owns
 * the stream: so it never touches the stream, only shuts the socket
 * down, which wakes the handshake thread (its read sees the end) and the
 * session closes as for any failed read. */
static gboolean
handshake_deadline_cb (gpointer user_data)
{
  HandshakeWatch *watch = user_data;

  if (g_tls_connection_get_protocol_version (watch->tls) == G_TLS_PROTOCOL_VERSION_UNKNOWN)
    {
      pc_log_limited (&watch->wrapper->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                      "TLS client %s did not complete its handshake within %d s; closing",
                      watch->peer, TLS_HANDSHAKE_TIMEOUT_S);
      g_socket_shutdown (watch->socket, TRUE, TRUE, NULL);
    }
  return G_SOURCE_REMOVE;
}

static void
watch_handshake (TlsWrapper *wrapper,
                 GIOStream  *tls,
                 GIOStream  *base,
                 const char *peer)
{
  HandshakeWatch *watch = g_new0 (HandshakeWatch, 1);
  GSource *source = g_timeout_source_new_seconds (TLS_HANDSHAKE_TIMEOUT_S);

  watch->wrapper = tls_wrapper_ref (wrapper);
  watch->tls = G_TLS_CONNECTION (g_object_ref (tls));
  watch->socket = g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
  watch->peer = g_strdup (peer);
  g_source_set_callback (source, handshake_deadline_cb, watch, handshake_watch_free);
  g_source_set_static_name (source, "[pipecalc] TLS handshake deadline");
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
wrapped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wrapping *wrapping = g_task_get_task_data (G_TASK (result));
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  wrapping->wrapper->wrapping--;
  tls = g_task_propagate_pointer (G_TASK (result), &error);
  if (tls == NULL)
    {
      pc_log_limited (&wrapping->wrapper->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                      "TLS connection from %s refused: %s", wrapping->peer, error->message);
      g_io_stream_close (wrapping->stream, NULL, NULL);
      return;
    }
  /* The listener closed meanwhile: nobody takes connections any more. */
  if (wrapping->wrapper->closed)
    {
      g_io_stream_close (tls, NULL, NULL);
      return;
    }
  /* The handshake itself happens at the session's first non-blocking
   * read (GIO's implicit handshake, on a thread of GIO's pool), within a
   * deadline. */
  watch_handshake (wrapping->wrapper, tls, wrapping->stream, wrapping->peer);
  wrapping->wrapper->incoming (g_steal_pointer (&tls),
                               &(PcPeer) { wrapping->peer, wrapping->account },
                               wrapping->wrapper->user_data);
}

static void
start_wrapping (TlsWrapper *wrapper,
                GIOStream  *stream,
                const char *peer,
                const char *account)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, wrapped_cb, NULL);
  Wrapping *wrapping = g_new0 (Wrapping, 1);

  wrapping->wrapper = tls_wrapper_ref (wrapper);
  wrapper->wrapping++;
  wrapping->stream = stream;
  wrapping->peer = g_strdup (peer);
  wrapping->account = g_strdup (account);
  g_task_set_task_data (task, wrapping, wrapping_free);
  g_task_set_source_tag (task, start_wrapping);
  g_task_run_in_thread (task, wrap_thread);
}

/* A connection whose client has not sent its first bytes yet. GIO's
 * server handshake blocks a thread of its pool until the client speaks,
 * so a silent client waits here instead, on a readiness source that
 * costs nothing, and is closed if it stays silent. */
typedef struct
{
  TlsWrapper *wrapper;   /* unowned: the wrapper owns us */
  GIOStream  *stream;
  char       *peer;      /* PcPeer.description */
  char       *account;   /* PcPeer.account */
  GSource    *readable;
  GSource    *deadline;
} Waiting;

static void
waiting_free (gpointer data)
{
  Waiting *waiting = data;

  g_source_destroy (waiting->readable);
  g_source_unref (waiting->readable);
  g_source_destroy (waiting->deadline);
  g_source_unref (waiting->deadline);
  if (waiting->stream != NULL)
    {
      g_io_stream_close (waiting->stream, NULL, NULL);
      g_object_unref (waiting->stream);
    }
  g_free (waiting->peer);
  g_free (waiting->account);
  g_free (waiting);
}

static gboolean
client_spoke_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Waiting *waiting = user_data;
  TlsWrapper *wrapper = waiting->wrapper;

  start_wrapping (wrapper, g_steal_pointer (&waiting->stream), waiting->peer,
                  waiting->account);
  g_hash_table_remove (wrapper->waiting, waiting);
  return G_SOURCE_REMOVE;
}

static gboolean
silent_client_cb (gpointer user_data)
{
  Waiting *waiting = user_data;

  pc_log_limited (&waiting->wrapper->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                  "TLS client %s sent nothing within %d s; closing", waiting->peer,
                  TLS_HANDSHAKE_TIMEOUT_S);
  g_hash_table_remove (waiting->wrapper->waiting, waiting);
  return G_SOURCE_REMOVE;
}

static void
tls_incoming_cb (GIOStream    *stream,
                 const PcPeer *peer,
                 gpointer      user_data)
{
  TlsWrapper *wrapper = user_data;
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  Waiting *waiting = g_new0 (Waiting, 1);

  waiting->wrapper = wrapper;
  waiting->stream = stream;
  waiting->peer = g_strdup (peer->description);
  waiting->account = g_strdup (peer->account);
  waiting->readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (waiting->readable, G_SOURCE_FUNC (client_spoke_cb), waiting, NULL);
  g_source_attach (waiting->readable, g_main_context_get_thread_default ());
  waiting->deadline = g_timeout_source_new_seconds (TLS_HANDSHAKE_TIMEOUT_S);
  g_source_set_callback (waiting->deadline, silent_client_cb, waiting, NULL);
  g_source_attach (waiting->deadline, g_main_context_get_thread_default ());
  g_hash_table_add (wrapper->waiting, waiting);
}

static gboolean
check_tls_certificate (const PcAddress        *address,
                       const PcListenOptions  *options,
                       GError                **error)
{
  if (address->tls && (options == NULL || options->tls_certificate == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot listen at %s: TLS needs a certificate "
                     "(pipecalcd --tls-cert FILE --tls-key FILE)"),
                   address->text);
      return FALSE;
    }
  return TRUE;
}

/* Accepts on @listener, through the TLS handshake when @address asks. */
static PcTransportListener *
start_listener (GSocketListener         *listener,
                const PcAddress         *address,
                const PcListenOptions   *options,
                PcTransportIncomingFunc  incoming,
                gpointer                 user_data)
{
  PcTransportListener *self = g_new0 (PcTransportListener, 1);

  if (address->tls)
    {
      self->tls = g_new0 (TlsWrapper, 1);
      g_ref_count_init (&self->tls->ref_count);
      self->tls->certificate = g_object_ref (options->tls_certificate);
      self->tls->incoming = incoming;
      self->tls->user_data = user_data;
      self->tls->waiting = g_hash_table_new_full (NULL, NULL, waiting_free, NULL);
      self->acceptor = pc_socket_acceptor_start (listener, tls_incoming_cb, self->tls);
    }
  else
    self->acceptor = pc_socket_acceptor_start (listener, incoming, user_data);
  return self;
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

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (address->host == NULL || address->host[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Address %s has no host"), address->text);
      return NULL;
    }

  if (!check_tls_certificate (address, options, error))
    return NULL;

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

  return start_listener (listener, address, options, incoming, user_data);
}

/* A socket systemd bound: its address is what it is, so there is nothing
 * to resolve or bind, only the same checks as listen() makes of its own. */
static PcTransportListener *
tcp_adopt (const PcAddress         *address,
           GSocket                 *socket,
           const PcListenOptions   *options,
           PcTransportIncomingFunc  incoming,
           gpointer                 user_data,
           GError                 **error)
{
  g_autoptr(GSocketListener) listener = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  GList *addresses;
  gboolean ok;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_tls_certificate (address, options, error))
    return NULL;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return NULL;
  if (!G_IS_INET_SOCKET_ADDRESS (local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot serve on the socket given for %s: it is not a "
                     "stream socket of that kind"), address->text);
      return NULL;
    }
  addresses = g_list_append (NULL, g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  ok = check_remote_allowed (address, options, addresses, error);
  g_list_free (addresses);
  if (!ok)
    return NULL;

  listener = pc_socket_listener_adopt (socket, G_SOCKET_FAMILY_IPV4, address->text, error);
  if (listener == NULL)
    return NULL;
  return start_listener (listener, address, options, incoming, user_data);
}

static guint
tcp_n_pending (PcTransportListener *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->tls == NULL)
    return 0;
  return g_hash_table_size (self->tls->waiting) + self->tls->wrapping;
}

static void
tcp_close_listener (PcTransportListener *self)
{
  g_return_if_fail (self != NULL);

  pc_socket_acceptor_stop (self->acceptor);
  if (self->tls != NULL)
    {
      self->tls->closed = TRUE;
      /* Clients that never spoke are dropped with the listener. */
      g_hash_table_remove_all (self->tls->waiting);
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
  GSocket              *socket;    /* during the handshake */
} Connect;

static void
connect_free (gpointer data)
{
  Connect *self = data;

  g_free (self->address_text);
  g_clear_object (&self->identity);
  g_clear_object (&self->socket);
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

  /* Back to no timeout: the session's reads may wait for ever. */
  g_socket_set_timeout (self->socket, 0);
  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_task_return_pointer (task, g_steal_pointer (&tls), g_object_unref);
      return;
    }
  g_io_stream_close (tls, NULL, NULL);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             _("Cannot connect to %s: the TLS handshake did not "
                               "complete within %d seconds"),
                             self->address_text, TLS_HANDSHAKE_TIMEOUT_S);
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
  /* GIO handshakes on a thread with blocking I/O: a server that accepts
   * and never answers would hold the client for ever. */
  self->socket = g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));
  g_socket_set_timeout (self->socket, TLS_HANDSHAKE_TIMEOUT_S);
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
  .adopt = tcp_adopt,
  .n_pending = tcp_n_pending,
};

const PcTransportOps *
pc_transport_module_get_ops (void)
{
  return &tcp_ops;
}
