/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-private-server.h"

/* A private server belongs to its client (src/client/pc-child-*.c): it
 * stops when the client stops it, and dies with a client that is killed
 * (PR_SET_PDEATHSIG on Linux, a job object on Windows). Written over tcp,
 * which every platform has, so the same bodies run natively and under
 * wine. */

#define WAIT_US (30 * G_USEC_PER_SEC)

static const char *self_path;

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
answers (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* Polls until the server on @port answers (@up) or stops answering. */
static gboolean
wait_for (guint16  port,
          gboolean up)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (g_get_monotonic_time () < deadline)
    {
      if (answers (port) == up)
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static void
test_start_stop (void)
{
  guint16 port = free_port ();
  g_autofree char *address = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  g_autoptr(GError) error = NULL;
  PcPrivateServer *server = pc_private_server_start (address, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (wait_for (port, TRUE));
  g_assert_true (pc_private_server_check (server, &error));
  g_assert_no_error (error);
  pc_private_server_stop (server);
  g_assert_false (answers (port));
}

/* The client, run as "--client PORT": starts a private server and waits
 * to be killed. */
static int
run_client (const char *port)
{
  g_autofree char *address = g_strdup_printf ("tcp://127.0.0.1:%s", port);
  g_autoptr(GError) error = NULL;

  if (pc_private_server_start (address, NULL, NULL, &error) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_usleep (G_USEC_PER_SEC * 120);
  return 0;
}

static void
test_dies_with_client (void)
{
  guint16 port = free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) client = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                                                    self_path, "--client", port_text,
                                                    NULL);

  g_assert_no_error (error);
  g_assert_true (wait_for (port, TRUE));
  /* Killed: no chance to stop its server itself. */
  g_subprocess_force_exit (client);
  g_assert_true (g_subprocess_wait (client, NULL, &error));
  g_assert_true (wait_for (port, FALSE));
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--client"))
    return run_client (argv[2]);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/private-server/start-stop", test_start_stop);
  g_test_add_func ("/private-server/dies-with-client", test_dies_with_client);
  return g_test_run ();
}
