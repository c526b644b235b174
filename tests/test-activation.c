/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pc-activation.h"

/* systemd's socket activation as pipecalcd reads it: the LISTEN_*
 * variables (pure parsing), then the descriptors themselves, each case
 * in a child process that puts its own sockets at descriptor 3 and on. */

#define SELF_PID 4242

static PcPassedSocket *
nth (GPtrArray *passed,
     guint      i)
{
  return g_ptr_array_index (passed, i);
}

static void
test_parse_not_activated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) passed = pc_activation_parse (NULL, NULL, NULL, SELF_PID, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (passed->len, ==, 0);

  /* LISTEN_FDS without LISTEN_PID is not for anyone. */
  g_clear_pointer (&passed, g_ptr_array_unref);
  passed = pc_activation_parse (NULL, "2", "a:b", SELF_PID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (passed->len, ==, 0);
}

/* Variables inherited from a parent that was activated are not ours:
 * systemd says to ignore them, however many sockets they name. */
static void
test_parse_other_pid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) passed = pc_activation_parse ("4243", "2", "a:b", SELF_PID, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (passed->len, ==, 0);
}

static void
test_parse_count (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) passed = pc_activation_parse ("4242", "3", NULL, SELF_PID, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (passed->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (nth (passed, i)->fd, ==, 3 + (int) i);
      g_assert_cmpstr (nth (passed, i)->name, ==, "unknown");
      g_assert_null (nth (passed, i)->socket);
    }
}

static void
test_parse_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) passed = pc_activation_parse ("4242", "2", "pipecalcd-tcp.socket:tls",
                                                     SELF_PID, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (passed->len, ==, 2);
  g_assert_cmpint (nth (passed, 0)->fd, ==, 3);
  g_assert_cmpstr (nth (passed, 0)->name, ==, "pipecalcd-tcp.socket");
  g_assert_cmpint (nth (passed, 1)->fd, ==, 4);
  g_assert_cmpstr (nth (passed, 1)->name, ==, "tls");

  /* Zero sockets, with the empty name list systemd then sets. */
  g_clear_pointer (&passed, g_ptr_array_unref);
  passed = pc_activation_parse ("4242", "0", "", SELF_PID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (passed->len, ==, 0);
}

typedef struct
{
  const char *pid;
  const char *fds;
  const char *names;
  const char *message;  /* a part of the error's */
} Garbage;

static const Garbage garbage[] = {
  { "abc", "1", NULL, "LISTEN_PID=abc" },
  { "", "1", NULL, "LISTEN_PID=" },
  { "-4242", "1", NULL, "LISTEN_PID" },
  { "0", "1", NULL, "LISTEN_PID" },
  { "4242x", "1", NULL, "LISTEN_PID" },
  { "99999999999999999999999", "1", NULL, "LISTEN_PID" },
  { "4242", NULL, NULL, "LISTEN_FDS" },
  { "4242", "", NULL, "LISTEN_FDS" },
  { "4242", "x", NULL, "LISTEN_FDS=x" },
  { "4242", "-1", NULL, "LISTEN_FDS=-1" },
  { "4242", "0x3", NULL, "LISTEN_FDS" },
  { "4242", " 3", NULL, "LISTEN_FDS" },
  { "4242", "257", NULL, "LISTEN_FDS=257" },
  { "4242", "2147483647", NULL, "LISTEN_FDS" },
  { "4242", "2", "one", "names 1 sockets but LISTEN_FDS says 2" },
  { "4242", "1", "a:b", "names 2 sockets" },
  { "4242", "2", "a:", "invalid name for descriptor 4" },
  { "4242", "1", "tab\there", "invalid name for descriptor 3" },
  { "4242", "1", "caf\xc3\xa9", "invalid name" },
};

static void
test_parse_garbage (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) passed = NULL;

      g_test_message ("LISTEN_PID=%s LISTEN_FDS=%s LISTEN_FDNAMES=%s", garbage[i].pid,
                      garbage[i].fds ? garbage[i].fds : "(unset)",
                      garbage[i].names ? garbage[i].names : "(unset)");
      passed = pc_activation_parse (garbage[i].pid, garbage[i].fds, garbage[i].names,
                                    SELF_PID, &error);
      g_assert_null (passed);
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_nonnull (strstr (error->message, garbage[i].message));
    }
}

/* Puts @fd at descriptor @target, as the service manager would. */
static void
place (int fd,
       int target)
{
  if (fd == target)
    return;
  g_assert_cmpint (dup2 (fd, target), ==, target);
  close (fd);
}

/* Keeps descriptors 3 to 5 taken while the sockets are made, so that
 * none of them lands there and is then closed by its GSocket. */
static void
reserve_low_fds (void)
{
  int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (null, >=, 0);
  for (int fd = 3; fd <= 5; fd++)
    if (fd != null)
      g_assert_cmpint (dup2 (null, fd), ==, fd);
  if (null > 5)
    close (null);
}

static int
listening_unix_socket (const char *path)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  g_assert_true (g_socket_listen (socket, NULL));
  return dup (g_socket_get_fd (socket));
}

static int
tcp_socket (GSocketType type,
            gboolean    listen,
            guint16    *port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, type,
                                            G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  if (listen)
    g_assert_true (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return dup (g_socket_get_fd (socket));
}

static void
set_environment (const char *fds,
                 const char *names)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());

  g_setenv ("LISTEN_PID", pid, TRUE);
  g_setenv ("LISTEN_FDS", fds, TRUE);
  if (names != NULL)
    g_setenv ("LISTEN_FDNAMES", names, TRUE);
  else
    g_unsetenv ("LISTEN_FDNAMES");
}

/* The unix socket serves as unix:PATH, the TCP one named "tls" asks for
 * TLS; the descriptors become close-on-exec and the variables go. */
static void
test_take_sockets (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("pc-activation-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "socket", NULL);
      g_autofree char *expected_unix = g_strconcat ("unix:", path, NULL);
      g_autofree char *expected_tcp = NULL;
      g_autofree char *address = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) passed = NULL;
      guint16 port;

      reserve_low_fds ();
      place (listening_unix_socket (path), 3);
      place (tcp_socket (G_SOCKET_TYPE_STREAM, TRUE, &port), 4);
      place (tcp_socket (G_SOCKET_TYPE_STREAM, TRUE, &port), 5);
      expected_tcp = g_strdup_printf ("tcp://127.0.0.1:%u?tls=1", port);
      set_environment ("3", "local:web:tls");

      passed = pc_activation_take_sockets (&error);
      g_assert_no_error (error);
      g_assert_cmpuint (passed->len, ==, 3);
      g_assert_null (g_getenv ("LISTEN_PID"));
      g_assert_null (g_getenv ("LISTEN_FDS"));
      g_assert_null (g_getenv ("LISTEN_FDNAMES"));
      for (guint i = 0; i < 3; i++)
        {
          g_assert_true (G_IS_SOCKET (nth (passed, i)->socket));
          g_assert_cmpint (g_socket_get_fd (nth (passed, i)->socket), ==, 3 + (int) i);
          g_assert_true (fcntl (3 + (int) i, F_GETFD) & FD_CLOEXEC);
        }
      address = pc_activation_socket_address (nth (passed, 0), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, expected_unix);
      g_clear_pointer (&address, g_free);
      address = pc_activation_socket_address (nth (passed, 1), &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (address, "tcp://127.0.0.1:"));
      g_assert_null (strstr (address, "tls"));
      g_clear_pointer (&address, g_free);
      address = pc_activation_socket_address (nth (passed, 2), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, expected_tcp);

      g_unlink (path);
      g_rmdir (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Inherited variables: ignored, removed, and the descriptor left alone. */
static void
test_take_other_pid (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) passed = NULL;
      guint16 port;

      reserve_low_fds ();
      place (tcp_socket (G_SOCKET_TYPE_STREAM, TRUE, &port), 3);
      g_setenv ("LISTEN_PID", "1", TRUE);
      g_setenv ("LISTEN_FDS", "1", TRUE);
      passed = pc_activation_take_sockets (&error);
      g_assert_no_error (error);
      g_assert_cmpuint (passed->len, ==, 0);
      g_assert_null (g_getenv ("LISTEN_PID"));
      g_assert_null (g_getenv ("LISTEN_FDS"));
      g_assert_false (fcntl (3, F_GETFD) & FD_CLOEXEC);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

typedef enum
{
  BAD_UDP,
  BAD_PIPE,
  BAD_NOT_LISTENING,
  BAD_CLOSED,
  BAD_ABSTRACT,
} Bad;

static const char * const bad_messages[] = {
  [BAD_UDP] = "descriptor 3 (“dgram”) is not a stream socket",
  [BAD_PIPE] = "descriptor 3 (“fifo”) is not a socket",
  [BAD_NOT_LISTENING] = "descriptor 3 (“idle”) is a socket that is not listening",
  [BAD_CLOSED] = "descriptor 3 (“gone”) is not usable",
  [BAD_ABSTRACT] = "descriptor 3 (“hidden”) is an abstract or unnamed unix socket",
};

static const char * const bad_names[] = {
  [BAD_UDP] = "dgram",
  [BAD_PIPE] = "fifo",
  [BAD_NOT_LISTENING] = "idle",
  [BAD_CLOSED] = "gone",
  [BAD_ABSTRACT] = "hidden",
};

/* What pipecalcd cannot serve is a clear error naming the descriptor. */
static void
test_take_bad (gconstpointer data)
{
  Bad bad = GPOINTER_TO_INT (data);

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) passed = NULL;
      g_autofree char *address = NULL;
      int fds[2];
      guint16 port;

      reserve_low_fds ();
      switch (bad)
        {
        case BAD_UDP:
          place (tcp_socket (G_SOCKET_TYPE_DATAGRAM, FALSE, &port), 3);
          break;
        case BAD_PIPE:
          g_assert_cmpint (pipe (fds), ==, 0);
          place (fds[0], 3);
          break;
        case BAD_NOT_LISTENING:
          place (tcp_socket (G_SOCKET_TYPE_STREAM, FALSE, &port), 3);
          break;
        case BAD_CLOSED:
          close (3);
          break;
        case BAD_ABSTRACT:
          {
            g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX,
                                                      G_SOCKET_TYPE_STREAM,
                                                      G_SOCKET_PROTOCOL_DEFAULT, NULL);
            g_autofree char *name = g_strdup_printf ("pc-activation-%d", (int) getpid ());
            g_autoptr(GSocketAddress) abstract =
              g_unix_socket_address_new_with_type (name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);

            g_assert_true (g_socket_bind (socket, abstract, FALSE, NULL));
            g_assert_true (g_socket_listen (socket, NULL));
            place (dup (g_socket_get_fd (socket)), 3);
          }
          break;
        }
      set_environment ("1", bad_names[bad]);
      passed = pc_activation_take_sockets (&error);
      if (passed != NULL)
        {
          /* The socket itself is fine; what it is bound to is not. */
          g_assert_cmpuint (passed->len, ==, 1);
          address = pc_activation_socket_address (nth (passed, 0), &error);
          g_assert_null (address);
        }
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad_messages[bad]));
      g_assert_null (g_getenv ("LISTEN_FDS"));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/activation/parse/not-activated", test_parse_not_activated);
  g_test_add_func ("/activation/parse/other-pid", test_parse_other_pid);
  g_test_add_func ("/activation/parse/count", test_parse_count);
  g_test_add_func ("/activation/parse/names", test_parse_names);
  g_test_add_func ("/activation/parse/garbage", test_parse_garbage);
  g_test_add_func ("/activation/take/sockets", test_take_sockets);
  g_test_add_func ("/activation/take/other-pid", test_take_other_pid);
  g_test_add_data_func ("/activation/take/udp", GINT_TO_POINTER (BAD_UDP), test_take_bad);
  g_test_add_data_func ("/activation/take/pipe", GINT_TO_POINTER (BAD_PIPE), test_take_bad);
  g_test_add_data_func ("/activation/take/not-listening", GINT_TO_POINTER (BAD_NOT_LISTENING),
                        test_take_bad);
  g_test_add_data_func ("/activation/take/closed", GINT_TO_POINTER (BAD_CLOSED), test_take_bad);
  g_test_add_data_func ("/activation/take/abstract", GINT_TO_POINTER (BAD_ABSTRACT),
                        test_take_bad);

  return g_test_run ();
}
