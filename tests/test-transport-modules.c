/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */

/* The transport contract: one body per promise, run over every module the
 * loader finds in $PIPECALC_TRANSPORT_PATH (pc_transports_load_from),
 * each on a fresh address of its own making (private_address()), through
 * GIOStream only: a byte stream both ways, clear errors, and no files or
 * callbacks left behind. A new transport gets all of them by being built.
 * A few bodies at the end check one transport's own promises. */

#include <errno.h>
#include <gio/gio.h>
#include <gio/gnetworking.h>
#include <glib/gstdio.h>
#include <gmodule.h>
#include <string.h>
#ifndef G_OS_WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "pc-runtime-dir.h"
#include "pc-transport.h"

/* Long enough for a loaded CI machine, short enough to fail rather than
 * hang when a callback never comes. */
#define WAIT_TIMEOUT_S 10

/* $XDG_RUNTIME_DIR for the whole run, set in main() before any thread
 * exists (setenv is not thread-safe); tests that change it put it back. */
static char *test_runtime_dir;

typedef struct
{
  const PcTransportOps *ops;
  char *tmpdir;
  GMainContext *context;

  /* What the server side saw. */
  GPtrArray *accepted; /* GIOStream */
  GPtrArray *peers;    /* char * */

  /* The last connect_async result. */
  GIOStream *client;
  GError *connect_error;
  gboolean connect_done;

  /* When set, incoming_cb closes this listener, as a server reaching its
   * client limit might. */
  PcTransportListener *close_on_incoming;
} Fixture;

/* The modules found, for parsing addresses; set in main(). */
static PcTransports *transports;

#ifndef G_OS_WIN32
static PcAddress *
unix_address_new (const char *path)
{
  PcAddress *address = g_new0 (PcAddress, 1);

  address->scheme = g_strdup ("unix");
  address->path = g_strdup (path);
  address->text = g_strconcat ("unix:", path, NULL);
  return address;
}
#endif

static PcAddress *
tcp_address_new (const char *host,
                 guint16     port)
{
  PcAddress *address = g_new0 (PcAddress, 1);

  address->scheme = g_strdup ("tcp");
  address->host = g_strdup (host);
  address->port = port;
  address->text = strchr (host, ':') != NULL
    ? g_strdup_printf ("tcp://[%s]:%u", host, port)
    : g_strdup_printf ("tcp://%s:%u", host, port);
  return address;
}

/* A port nobody listens on right now: bind port 0, read it, close. */
static guint16
free_tcp_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) any_port = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  any_port = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, any_port, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A fresh address of the fixture's transport, made by its module. */
static PcAddress *
fixture_address_new (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = fixture->ops->private_address (fixture->tmpdir);
  PcAddress *address = pc_transports_parse_address (transports, text, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (address->scheme, ==, fixture->ops->scheme);
  return address;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->ops = data;
  fixture->tmpdir = g_dir_make_tmp ("pipecalc-test-XXXXXX", &error);
  g_assert_no_error (error);

  /* A private context proves the modules use the caller's thread-default
   * context, not the global one. */
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);

  fixture->accepted = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->peers = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
fixture_pending (Fixture *fixture)
{
  return g_main_context_pending (fixture->context);
}

/* Lets cancelled accepts and connects finish so that they release their
 * references before the leak checker looks. */
static void
fixture_drain (Fixture *fixture)
{
  for (int i = 0; i < 100; i++)
    {
      while (fixture_pending (fixture))
        g_main_context_iteration (fixture->context, FALSE);
      g_usleep (1000);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR)
            && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_error (&fixture->connect_error);
  g_clear_pointer (&fixture->accepted, g_ptr_array_unref);
  g_clear_pointer (&fixture->peers, g_ptr_array_unref);
  fixture_drain (fixture);
  g_main_context_pop_thread_default (fixture->context);
  g_clear_pointer (&fixture->context, g_main_context_unref);
  remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

typedef gboolean (*Condition) (Fixture *fixture);

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
fixture_wait (Fixture   *fixture,
              Condition  condition)
{
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (WAIT_TIMEOUT_S);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, fixture->context);
  while (!condition (fixture) && !timed_out)
    g_main_context_iteration (fixture->context, TRUE);
  g_source_destroy (timeout);
  g_assert_false (timed_out);
}

static gboolean
connect_done (Fixture *fixture)
{
  return fixture->connect_done;
}

static gboolean
one_accepted (Fixture *fixture)
{
  return fixture->accepted->len >= 1;
}

static void
incoming_cb (GIOStream    *stream,
             const PcPeer *peer,
             gpointer      user_data)
{
  Fixture *fixture = user_data;
  const char *scheme = fixture->ops->scheme;

  g_assert_true (G_IS_IO_STREAM (stream));
  g_assert_nonnull (peer->description);
  g_assert_true (g_main_context_is_owner (fixture->context));
  /* Per-user limits count on the account: the uid on local sockets and
   * FIFOs, and on Linux on loopback tcp too; the address (not the port)
   * on other tcp; the user's SID on pipes. */
  if (g_str_equal (scheme, "npipe"))
    g_assert_true (g_str_has_prefix (peer->account, "sid:S-1-"));
#ifdef __linux__
  else
    {
      g_autofree char *uid = g_strdup_printf ("uid:%lu", (unsigned long) getuid ());

      g_assert_cmpstr (peer->account, ==, uid);
    }
#else
  else if (g_str_equal (scheme, "tcp"))
    g_assert_true (g_str_equal (peer->account, "ip:127.0.0.1")
                   || g_str_equal (peer->account, "ip:::1"));
#endif
  g_ptr_array_add (fixture->accepted, stream);
  g_ptr_array_add (fixture->peers, g_strdup (peer->description));

  if (fixture->close_on_incoming != NULL)
    fixture->ops->close_listener (g_steal_pointer (&fixture->close_on_incoming));
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_assert_true (g_main_context_is_owner (fixture->context));
  g_clear_object (&fixture->client);
  g_clear_error (&fixture->connect_error);
  fixture->client = fixture->ops->connect_finish (result,
                                                  &fixture->connect_error);
  fixture->connect_done = TRUE;
}

static void
fixture_connect (Fixture         *fixture,
                 const PcAddress *address)
{
  fixture->connect_done = FALSE;
  fixture->ops->connect_async (address, NULL, NULL, connect_cb, fixture);
  fixture_wait (fixture, connect_done);
}

/* A client on a thread of its own, with its own main context, so that it
 * can go through the whole connect (a FIFO handshake takes several steps
 * on the client's side) while the test holds the server's context still. */
typedef struct
{
  const PcTransportOps *ops;
  PcAddress *address;
  GThread *thread;
  GAsyncResult *result;
  GIOStream *stream;
  GError *error;
} Client;

static void
client_connect_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Client *client = user_data;

  client->result = g_object_ref (result);
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  client->ops->connect_async (client->address, NULL, NULL, client_connect_cb, client);
  while (client->result == NULL)
    g_main_context_iteration (context, TRUE);
  client->stream = client->ops->connect_finish (client->result, &client->error);
  g_clear_object (&client->result);
  /* Let the module's own sources (timers, cancelled waits) finish. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static Client *
client_start (Fixture   *fixture,
              PcAddress *address)
{
  Client *client = g_new0 (Client, 1);

  client->ops = fixture->ops;
  client->address = pc_address_copy (address);
  client->thread = g_thread_new ("test-client", client_thread, client);
  return client;
}

/* Waits for the client's connect to end, whichever way, and frees it. */
static void
client_join (Client *client)
{
  g_thread_join (client->thread);
  g_clear_object (&client->stream);
  g_clear_error (&client->error);
  pc_address_free (client->address);
  g_free (client);
}

/* Waits, without dispatching anything, until something is ready on the
 * server's context: a connection to accept, an announcement to read. */
static void
fixture_wait_pending (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC;

  while (!fixture_pending (fixture))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static PcTransportListener *
fixture_listen (Fixture         *fixture,
                const PcAddress *address)
{
  g_autoptr(GError) error = NULL;
  PcListenOptions options = { .allow_remote = FALSE };
  PcTransportListener *listener;

  listener = fixture->ops->listen (address, &options, incoming_cb, fixture,
                                   &error);
  g_assert_no_error (error);
  g_assert_nonnull (listener);
  return listener;
}

static void
write_line (GIOStream  *stream,
            const char *line)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream),
                             line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
assert_reads (GIOStream  *stream,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  char buffer[64] = "";
  gsize n = 0;

  g_assert_cmpuint (strlen (expected), <, sizeof buffer);
  g_input_stream_read_all (g_io_stream_get_input_stream (stream),
                           buffer, strlen (expected), &n, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (buffer, ==, expected);
}

static void
test_ops_table (Fixture       *fixture,
                gconstpointer  data)
{
  const PcTransportOps *ops = fixture->ops;
  g_autofree char *prefix = NULL;
  g_autofree char *address = NULL;

  g_assert_cmpuint (ops->abi_version, ==, PC_TRANSPORT_ABI_VERSION);
  g_assert_nonnull (ops->scheme);
  g_assert_nonnull (ops->display_name);
  g_assert_true ((ops->flags & PC_TRANSPORT_FLAG_LOCAL) != 0);
  g_assert_nonnull (ops->listen);
  g_assert_nonnull (ops->close_listener);
  g_assert_nonnull (ops->connect_async);
  g_assert_nonnull (ops->connect_finish);
  g_assert_nonnull (ops->parse_address);
  g_assert_nonnull (ops->private_address);
  prefix = g_strconcat (ops->scheme, ":", NULL);

  /* The example and every address a module makes parse, as its own. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PcAddress) example = pc_transports_parse_address (transports, ops->example, &error);
    g_autoptr(PcAddress) again = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (example->scheme, ==, ops->scheme);
    /* The canonical text parses back to the same address. */
    again = pc_transports_parse_address (transports, example->text, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (again->text, ==, example->text);
  }
  if (ops->flags & PC_TRANSPORT_FLAG_REMOTE)
    {
      g_autofree char *composed = ops->compose_address ("calc.example.org",
                                                        ops->default_port, "pipecalc",
                                                        FALSE);
      g_autoptr(PcAddress) parsed = pc_transports_parse_address (transports, composed, NULL);

      g_assert_nonnull (parsed);
      g_assert_false (pc_transport_is_loopback (ops, parsed));
    }
  /* The connection dialog's host field takes an IPv6 address with its
   * zone as the system writes it; the address writes the zone %25. */
  if (g_str_equal (ops->scheme, "tcp"))
    {
      g_autofree char *composed = ops->compose_address ("fe80::1%eth0", 7878, NULL, FALSE);
      g_autoptr(PcAddress) parsed = pc_transports_parse_address (transports, composed, NULL);

      g_assert_cmpstr (composed, ==, "tcp://[fe80::1%25eth0]:7878");
      g_assert_nonnull (parsed);
      g_assert_cmpstr (parsed->host, ==, "fe80::1%eth0");
      g_assert_cmpstr (parsed->text, ==, composed);
    }
  {
    g_autofree char *one = ops->private_address (fixture->tmpdir);
    g_autofree char *two = ops->private_address (fixture->tmpdir);
    g_autoptr(PcAddress) parsed = pc_transports_parse_address (transports, one, NULL);

    g_assert_nonnull (parsed);
    g_assert_true (pc_transport_is_loopback (ops, parsed));
    g_assert_cmpstr (one, !=, two);
  }

  if (ops->default_address == NULL)
    return;
  address = ops->default_address ();
  g_assert_true (g_str_has_prefix (address, prefix));
}

static void
test_exchange (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  PcTransportListener *listener;
  GIOStream *server;

  listener = fixture_listen (fixture, address);
  fixture_connect (fixture, address);
  g_assert_no_error (fixture->connect_error);
  g_assert_true (G_IS_IO_STREAM (fixture->client));

  write_line (fixture->client, "hello\n");
  fixture_wait (fixture, one_accepted);
  server = g_ptr_array_index (fixture->accepted, 0);
  assert_reads (server, "hello\n");
  write_line (server, "world\n");
  assert_reads (fixture->client, "world\n");

  /* Connections already handed out outlive their listener. */
  fixture->ops->close_listener (listener);
  write_line (fixture->client, "again\n");
  assert_reads (server, "again\n");
}

static void
test_nobody_listening (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);

  fixture_connect (fixture, address);
  g_assert_null (fixture->client);
  g_assert_nonnull (fixture->connect_error);
  g_assert_true (g_error_matches (fixture->connect_error, G_IO_ERROR,
                                  G_IO_ERROR_CONNECTION_REFUSED)
                 || g_error_matches (fixture->connect_error, G_IO_ERROR,
                                     G_IO_ERROR_NOT_FOUND));
  g_assert_nonnull (strstr (fixture->connect_error->message, address->text));
}

static void
test_cancelled_connect (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  fixture->connect_done = FALSE;
  fixture->ops->connect_async (address, NULL, cancellable, connect_cb, fixture);
  fixture_wait (fixture, connect_done);
  g_assert_error (fixture->connect_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_second_listener (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  g_autoptr(GError) error = NULL;
  PcTransportListener *listener;
  PcTransportListener *second;

  listener = fixture_listen (fixture, address);
  second = fixture->ops->listen (address, NULL, incoming_cb, fixture, &error);
  g_assert_null (second);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, address->text));

  /* The first listener is unharmed. */
  fixture_connect (fixture, address);
  g_assert_no_error (fixture->connect_error);
  fixture_wait (fixture, one_accepted);

  fixture->ops->close_listener (listener);
}

/* A connection the kernel completed before close_listener() must not reach
 * the callback afterwards: the server may already be freeing its state. */
static void
test_no_incoming_after_close (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  PcTransportListener *listener;
  Client *early;

  /* Connect without iterating the server's context, so the accept is
   * still pending when the listener closes. */
  listener = fixture_listen (fixture, address);
  early = client_start (fixture, address);
  fixture_wait_pending (fixture);
  fixture->ops->close_listener (listener);
  fixture_drain (fixture);
  g_assert_cmpuint (fixture->accepted->len, ==, 0);
  client_join (early);

  /* And nobody answers there any more. */
  g_clear_object (&fixture->client);
  fixture_connect (fixture, address);
  g_assert_nonnull (fixture->connect_error);
}

static void
test_close_from_callback (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  Client *first;
  Client *second;

  /* Both wait to be accepted before the server looks: the listener closes
   * itself while handling the first, and must not hand out the second. */
  fixture->close_on_incoming = fixture_listen (fixture, address);
  first = client_start (fixture, address);
  second = client_start (fixture, address);
  fixture_wait_pending (fixture);
  g_usleep (50000);
  fixture_wait (fixture, one_accepted);
  fixture_drain (fixture);
  g_assert_null (fixture->close_on_incoming);
  g_assert_cmpuint (fixture->accepted->len, ==, 1);
  client_join (first);
  client_join (second);
}

static gboolean
all_connected (Fixture *fixture)
{
  return fixture->accepted->len >= 16;
}

/* Many clients at once, each sending many requests without waiting for
 * answers: every line arrives whole, in order, on its own connection. */
static void
test_many_clients_pipelining (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  PcTransportListener *listener = fixture_listen (fixture, address);
  const guint n_clients = 16;
  const guint n_lines = 64;

  for (guint i = 0; i < n_clients; i++)
    {
      fixture_connect (fixture, address);
      g_assert_no_error (fixture->connect_error);
      g_ptr_array_add (clients, g_steal_pointer (&fixture->client));
    }
  fixture_wait (fixture, all_connected);
  g_assert_cmpuint (fixture->accepted->len, ==, n_clients);

  /* Each client says who it is first, then pipelines its lines. */
  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(GString) burst = g_string_new (NULL);

      g_string_append_printf (burst, "client %02u\n", i);
      for (guint j = 0; j < n_lines; j++)
        g_string_append_printf (burst, "%02u:%03u\n", i, j);
      write_line (g_ptr_array_index (clients, i), burst->str);
    }

  for (guint k = 0; k < n_clients; k++)
    {
      GIOStream *server = g_ptr_array_index (fixture->accepted, k);
      g_autoptr(GDataInputStream) in = NULL;
      g_autofree char *hello = NULL;
      g_autofree char *reply = NULL;
      guint id = 0;

      in = g_data_input_stream_new (g_io_stream_get_input_stream (server));
      g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
      hello = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      g_assert_nonnull (hello);
      g_assert_cmpint (sscanf (hello, "client %u", &id), ==, 1);
      g_assert_cmpuint (id, <, n_clients);
      for (guint j = 0; j < n_lines; j++)
        {
          g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
          g_autofree char *expected = g_strdup_printf ("%02u:%03u", id, j);

          g_assert_cmpstr (line, ==, expected);
        }
      /* The answer goes back to that client only. */
      reply = g_strdup_printf ("done %02u\n", id);
      write_line (server, reply);
      assert_reads (g_ptr_array_index (clients, id), reply);
    }

  fixture->ops->close_listener (listener);
}

/* A client that dies half-way through a line: the server reads what was
 * sent, then end-of-stream, and its writes fail with an error rather than
 * a signal that kills it. */
static void
test_client_dies_mid_line (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  PcTransportListener *listener = fixture_listen (fixture, address);
  g_autoptr(GError) error = NULL;
  GIOStream *server;
  char buffer[64] = "";
  gssize n;
  gboolean failed = FALSE;

  fixture_connect (fixture, address);
  g_assert_no_error (fixture->connect_error);
  fixture_wait (fixture, one_accepted);
  server = g_ptr_array_index (fixture->accepted, 0);

  write_line (fixture->client, "2+");
  g_io_stream_close (fixture->client, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->client);

  assert_reads (server, "2+");
  n = g_input_stream_read (g_io_stream_get_input_stream (server), buffer,
                           sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  /* A socket may take one write before it knows the peer is gone. */
  for (int i = 0; i < 50 && !failed; i++)
    {
      failed = !g_output_stream_write_all (g_io_stream_get_output_stream (server),
                                           "4\n", 2, NULL, NULL, &error);
      if (!failed)
        g_usleep (10000);
    }
  g_assert_true (failed);
  g_assert_error (error, G_IO_ERROR, error->code);

  fixture->ops->close_listener (listener);
}

#ifndef G_OS_WIN32

static void
test_unix_socket_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  PcTransportListener *listener;
  struct stat st;

  listener = fixture_listen (fixture, address);
  g_assert_cmpint (lstat (address->path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  fixture_connect (fixture, address);
  fixture_wait (fixture, one_accepted);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->peers, 0),
                                   "pid "));

  fixture->ops->close_listener (listener);
  g_assert_false (g_file_test (address->path, G_FILE_TEST_EXISTS));
}

/* Leaves a socket file behind, as a crashed server would. */
static void
make_stale_socket (const char *path)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (path);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_close (socket, &error);
  g_assert_no_error (error);
}

static void
test_unix_stale_socket (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  PcTransportListener *listener;

  make_stale_socket (address->path);
  listener = fixture_listen (fixture, address);
  fixture_connect (fixture, address);
  g_assert_no_error (fixture->connect_error);
  fixture->ops->close_listener (listener);
}

static void
test_unix_not_a_socket (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_file_set_contents (address->path, "precious", -1, &error);
  g_assert_no_error (error);

  g_assert_null (fixture->ops->listen (address, NULL, incoming_cb, fixture,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, address->path));
  g_clear_error (&error);

  g_file_get_contents (address->path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "precious");
}

/* Another server that took over the path after ours must keep its socket
 * when ours closes. */
static void
test_unix_close_spares_replacement (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  PcTransportListener *listener;

  listener = fixture_listen (fixture, address);
  g_assert_cmpint (g_unlink (address->path), ==, 0);
  make_stale_socket (address->path);
  fixture->ops->close_listener (listener);
  g_assert_true (g_file_test (address->path, G_FILE_TEST_EXISTS));
}

static void
test_unix_path_too_long (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *name = g_strnfill (200, 'x');
  g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);
  g_autoptr(PcAddress) address = unix_address_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *limit = g_strdup_printf ("%lu", (unsigned long)
    (sizeof (((struct sockaddr_un *) NULL)->sun_path) - 1));

  g_assert_null (fixture->ops->listen (address, NULL, incoming_cb, fixture,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG);
  g_assert_nonnull (strstr (error->message, limit));

  fixture_connect (fixture, address);
  g_assert_error (fixture->connect_error, G_IO_ERROR,
                  G_IO_ERROR_FILENAME_TOO_LONG);
}

/* The default address lives in a directory nobody has made yet in a fresh
 * session; listening there must create it private. */
static void
test_unix_default_address (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (test_runtime_dir, "pipecalc",
                                           NULL);
  g_autofree char *text = NULL;
  g_autoptr(PcAddress) address = NULL;
  PcTransportListener *listener;
  struct stat st;

  text = fixture->ops->default_address ();
  address = unix_address_new (text + strlen ("unix:"));
  g_assert_cmpstr (address->text, ==, text);
  g_assert_true (g_str_has_prefix (address->path, dir));

  listener = fixture_listen (fixture, address);
  g_assert_cmpint (lstat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  fixture->ops->close_listener (listener);
  g_assert_false (g_file_test (address->path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

#endif /* !G_OS_WIN32 */

static gboolean
is_nodelay (GIOStream *stream)
{
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  g_autoptr(GError) error = NULL;
  int value = 0;

  g_socket_get_option (socket, IPPROTO_TCP, TCP_NODELAY, &value, &error);
  g_assert_no_error (error);
  return value != 0;
}

static void
test_tcp_nodelay_and_peer (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *expected = NULL;
  PcTransportListener *listener;

  listener = fixture_listen (fixture, address);
  fixture_connect (fixture, address);
  g_assert_no_error (fixture->connect_error);
  fixture_wait (fixture, one_accepted);

  g_assert_true (is_nodelay (fixture->client));
  g_assert_true (is_nodelay (g_ptr_array_index (fixture->accepted, 0)));

  local = g_socket_connection_get_local_address (G_SOCKET_CONNECTION (fixture->client), NULL);
  expected = g_strdup_printf ("127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  g_assert_cmpstr (g_ptr_array_index (fixture->peers, 0), ==, expected);

  fixture->ops->close_listener (listener);
}

static void
test_tcp_port_taken (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(PcAddress) address = fixture_address_new (fixture);
  g_autoptr(GSocketListener) other = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_inet_port (other, address->port, NULL, &error);
  g_assert_no_error (error);

  g_assert_null (fixture->ops->listen (address, NULL, incoming_cb, fixture,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, address->text));
  g_socket_listener_close (other);
}

static void
test_tcp_remote_needs_permission (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(PcAddress) address = tcp_address_new ("0.0.0.0", free_tcp_port ());
  g_autoptr(GError) error = NULL;
  PcListenOptions options = { .allow_remote = TRUE };
  PcTransportListener *listener;

  g_assert_null (fixture->ops->listen (address, NULL, incoming_cb, fixture,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  listener = fixture->ops->listen (address, &options, incoming_cb, fixture,
                                   &error);
  g_assert_no_error (error);
  fixture->ops->close_listener (listener);
}

/* Clients may resolve "localhost" to either loopback address. */
static void
test_tcp_localhost (Fixture       *fixture,
                    gconstpointer  data)
{
  guint16 port = free_tcp_port ();
  g_autoptr(PcAddress) address = tcp_address_new ("localhost", port);
  g_autoptr(PcAddress) v4 = tcp_address_new ("127.0.0.1", port);
  g_autoptr(PcAddress) v6 = tcp_address_new ("::1", port);
  PcTransportListener *listener;

  listener = fixture_listen (fixture, address);
  fixture_connect (fixture, v4);
  g_assert_no_error (fixture->connect_error);

  fixture_connect (fixture, v6);
  if (fixture->connect_error != NULL)
    g_test_message ("No IPv6 loopback here: %s",
                    fixture->connect_error->message);
  fixture->ops->close_listener (listener);
}

static void
test_runtime_dir_path (void)
{
  g_autofree char *with_xdg = NULL;
  g_autofree char *without = NULL;
  g_autofree char *empty = NULL;

#ifdef G_OS_WIN32
  /* Windows has a per-user local folder of its own and no XDG variables. */
  with_xdg = pc_runtime_dir_path ();
  without = g_build_filename (g_get_user_runtime_dir (), "pipecalc", NULL);
  g_assert_cmpstr (with_xdg, ==, without);
  return;
#endif
  g_setenv ("XDG_RUNTIME_DIR", "/run/user/4242", TRUE);
  with_xdg = pc_runtime_dir_path ();
  g_assert_cmpstr (with_xdg, ==, "/run/user/4242/pipecalc");

  g_unsetenv ("XDG_RUNTIME_DIR");
  without = pc_runtime_dir_path ();
  g_setenv ("XDG_RUNTIME_DIR", "", TRUE);
  empty = pc_runtime_dir_path ();
  g_setenv ("XDG_RUNTIME_DIR", test_runtime_dir, TRUE);

  g_assert_true (g_str_has_prefix (without, g_get_tmp_dir ()));
  g_assert_cmpstr (without, ==, empty);
}

#ifndef G_OS_WIN32
static void
test_private_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = g_dir_make_tmp ("pipecalc-test-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmpdir, "private", NULL);
  g_autofree char *link = g_build_filename (tmpdir, "link", NULL);
  g_autofree char *file = g_build_filename (tmpdir, "file", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing", NULL);
  g_autofree char *inside = g_build_filename (missing, "pipecalc", NULL);
  struct stat st;

  g_assert_no_error (error);

  /* Created private, and accepted again once it exists. */
  g_assert_true (pc_ensure_private_dir (dir, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (pc_ensure_private_dir (dir, &error));

  g_chmod (dir, 0777);
  g_assert_false (pc_ensure_private_dir (dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, dir));
  g_assert_nonnull (strstr (error->message, "writable by others"));
  g_clear_error (&error);

  g_chmod (dir, 0750);
  g_assert_false (pc_ensure_private_dir (dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_cmpint (symlink (dir, link), ==, 0);
  g_assert_false (pc_ensure_private_dir (link, &error));
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);

  g_file_set_contents (file, "", 0, &error);
  g_assert_no_error (error);
  g_assert_false (pc_ensure_private_dir (file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_clear_error (&error);

  /* A session whose XDG_RUNTIME_DIR points nowhere is named as such. */
  g_setenv ("XDG_RUNTIME_DIR", missing, TRUE);
  g_assert_false (pc_ensure_private_dir (inside, &error));
  g_assert_nonnull (strstr (error->message, "XDG_RUNTIME_DIR"));
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  g_setenv ("XDG_RUNTIME_DIR", test_runtime_dir, TRUE);

  remove_tree (tmpdir);
}
#endif

static void
add_test (const PcTransportOps *ops,
          const char           *name,
          void (*func) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/transport/%s/%s",
                                           ops->scheme, name);

  g_test_add (path, Fixture, ops, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  const char *path = g_getenv ("PIPECALC_TRANSPORT_PATH");
  g_auto(GStrv) dirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  test_runtime_dir = g_dir_make_tmp ("pipecalc-runtime-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_RUNTIME_DIR", test_runtime_dir, TRUE);

  g_test_add_func ("/runtime-dir/path", test_runtime_dir_path);
#ifndef G_OS_WIN32
  g_test_add_func ("/runtime-dir/private", test_private_dir);
#endif

  /* Silently testing nothing would look like success. */
  if (path == NULL || path[0] == '\0')
    {
      g_printerr ("Set PIPECALC_TRANSPORT_PATH to the folder of the modules to test\n");
      return 1;
    }
  dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);
  transports = pc_transports_load_from ((const char * const *) dirs, &error);
  g_assert_no_error (error);
  for (const char * const *w = pc_transports_warnings (transports); *w != NULL; w++)
    g_error ("%s", *w);

  list = pc_transports_list (transports);
  for (guint i = 0; i < list->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (list, i);

      add_test (ops, "ops-table", test_ops_table);
      add_test (ops, "exchange", test_exchange);
      add_test (ops, "nobody-listening", test_nobody_listening);
      add_test (ops, "cancelled-connect", test_cancelled_connect);
      add_test (ops, "second-listener", test_second_listener);
      add_test (ops, "no-incoming-after-close", test_no_incoming_after_close);
      add_test (ops, "close-from-callback", test_close_from_callback);
      add_test (ops, "many-clients-pipelining", test_many_clients_pipelining);
      add_test (ops, "client-dies-mid-line", test_client_dies_mid_line);

      /* One transport's own promises. */

#ifndef G_OS_WIN32
      if (g_str_equal (ops->scheme, "unix"))
        {
          add_test (ops, "socket-file", test_unix_socket_file);
          add_test (ops, "stale-socket", test_unix_stale_socket);
          add_test (ops, "not-a-socket", test_unix_not_a_socket);
          add_test (ops, "close-spares-replacement",
                    test_unix_close_spares_replacement);
          add_test (ops, "path-too-long", test_unix_path_too_long);
          add_test (ops, "default-address", test_unix_default_address);
        }
#endif
      if (g_str_equal (ops->scheme, "tcp"))
        {
          add_test (ops, "nodelay-and-peer", test_tcp_nodelay_and_peer);
          add_test (ops, "port-taken", test_tcp_port_taken);
          add_test (ops, "remote-needs-permission",
                    test_tcp_remote_needs_permission);
          add_test (ops, "localhost", test_tcp_localhost);
        }
    }

  status = g_test_run ();
  pc_transports_free (transports);
  remove_tree (test_runtime_dir);
  g_free (test_runtime_dir);
  return status;
}
