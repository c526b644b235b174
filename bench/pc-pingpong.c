/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
/* A first ping-pong measurement: one client sends a line and waits for
 * the reply, over and over, against pipecalcd and, in the same run,
 * against a raw echo peer on the same kind of IPC (the IPC limit).
 *
 *   pc-pingpong [--seconds S] raw-unix | raw-tcp | raw-fifo | ADDRESS
 *
 * Plain POSIX descriptors, blocking, so the client itself costs as little
 * as possible. A fifo: address is connected through the fifo transport
 * module (its handshake is not what is measured), then driven through
 * the same plain descriptors. The benchmark issue grows this into
 * bench/run.sh. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <glib.h>

#include "pc-address.h"
#include "pc-transport.h"

/* The two ends a ping-pong runs over: the same descriptor for a socket,
 * one per direction for FIFOs. */
typedef struct
{
  int in;
  int out;
} Ends;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Connects with the fifo transport module itself, on a private main
 * context, and takes the descriptors out of the stream it returns; the
 * stream is kept (leaked) so that they stay open. Bounded by the module's
 * own connect timeout. */
static gboolean
connect_fifo (const PcAddress *address,
              Ends            *ends)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  PcTransports *transports = pc_transports_load (&error);
  const PcTransportOps *ops;
  GAsyncResult *result = NULL;
  GIOStream *stream;

  ops = transports ? pc_transports_lookup (transports, "fifo", &error) : NULL;
  if (ops == NULL)
    {
      fprintf (stderr, "pc-pingpong: %s\n", error->message);
      return FALSE;
    }
  g_main_context_push_thread_default (context);
  ops->connect_async (address, NULL, NULL, connected_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  stream = ops->connect_finish (result, &error);
  g_object_unref (result);
  g_main_context_pop_thread_default (context);
  if (stream == NULL)
    {
      fprintf (stderr, "pc-pingpong: %s\n", error->message);
      return FALSE;
    }
  /* GUnixInputStream and GUnixOutputStream expose their descriptor as the
   * "fd" property. They are non-blocking; this client blocks. */
  g_object_get (g_io_stream_get_input_stream (stream), "fd", &ends->in, NULL);
  g_object_get (g_io_stream_get_output_stream (stream), "fd", &ends->out, NULL);
  fcntl (ends->in, F_SETFL, fcntl (ends->in, F_GETFL) & ~O_NONBLOCK);
  fcntl (ends->out, F_SETFL, fcntl (ends->out, F_GETFL) & ~O_NONBLOCK);
  return TRUE;
}

static int
connect_to (const PcAddress *address)
{
  int fd;

  if (g_str_equal (address->scheme, "unix"))
    {
      struct sockaddr_un sun = { .sun_family = AF_UNIX };

      g_strlcpy (sun.sun_path, address->path, sizeof sun.sun_path);
      fd = socket (AF_UNIX, SOCK_STREAM, 0);
      if (connect (fd, (struct sockaddr *) &sun, sizeof sun) < 0)
        return -1;
      return fd;
    }
  if (g_str_equal (address->scheme, "tcp"))
    {
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (address->port) };
      int one = 1;

      if (inet_pton (AF_INET, address->host, &sin.sin_addr) != 1)
        return -1;
      fd = socket (AF_INET, SOCK_STREAM, 0);
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect (fd, (struct sockaddr *) &sin, sizeof sin) < 0)
        return -1;
      return fd;
    }
  return -1;
}

/* Echoes every byte back: the raw peer. */
static void
echo_forever (int in,
              int out)
{
  char buf[4096];
  ssize_t n;

  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, n) != n)
      break;
  _exit (0);
}

/* Two processes echoing over a pair of FIFOs: the IPC limit of the fifo
 * transport. Both open "to child" first, then "to parent", so the blocking
 * opens pair up instead of deadlocking. */
static gboolean
raw_fifo_peer (Ends  *ends,
               pid_t *child)
{
  g_autofree char *dir = g_dir_make_tmp ("pc-pingpong-XXXXXX", NULL);
  g_autofree char *to_child = NULL;
  g_autofree char *to_parent = NULL;

  if (dir == NULL)
    return FALSE;
  to_child = g_build_filename (dir, "to-child", NULL);
  to_parent = g_build_filename (dir, "to-parent", NULL);
  if (mkfifo (to_child, 0600) < 0 || mkfifo (to_parent, 0600) < 0)
    return FALSE;
  *child = fork ();
  if (*child == 0)
    {
      int in = open (to_child, O_RDONLY);
      int out = open (to_parent, O_WRONLY);

      if (in < 0 || out < 0)
        _exit (1);
      echo_forever (in, out);
    }
  ends->out = open (to_child, O_WRONLY);
  ends->in = open (to_parent, O_RDONLY);
  unlink (to_child);
  unlink (to_parent);
  rmdir (dir);
  return ends->in >= 0 && ends->out >= 0;
}

static int
raw_peer (const char *kind,
          pid_t      *child)
{
  int pair[2];

  if (g_str_equal (kind, "raw-unix"))
    {
      if (socketpair (AF_UNIX, SOCK_STREAM, 0, pair) < 0)
        return -1;
    }
  else
    {
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      socklen_t len = sizeof sin;
      int listener = socket (AF_INET, SOCK_STREAM, 0);
      int one = 1;

      bind (listener, (struct sockaddr *) &sin, sizeof sin);
      listen (listener, 1);
      getsockname (listener, (struct sockaddr *) &sin, &len);
      pair[0] = socket (AF_INET, SOCK_STREAM, 0);
      setsockopt (pair[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect (pair[0], (struct sockaddr *) &sin, sizeof sin) < 0)
        return -1;
      pair[1] = accept (listener, NULL, NULL);
      setsockopt (pair[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      close (listener);
    }
  *child = fork ();
  if (*child == 0)
    {
      close (pair[0]);
      echo_forever (pair[1], pair[1]);
    }
  close (pair[1]);
  return pair[0];
}

int
main (int   argc,
      char *argv[])
{
  const char *request = "2+2\n";
  double seconds = 2.0;
  const char *target;
  pid_t child = 0;
  guint64 trips = 0;
  double start;
  char buf[256];
  Ends ends = { -1, -1 };

  if (argc >= 3 && g_str_equal (argv[1], "--seconds"))
    {
      seconds = g_ascii_strtod (argv[2], NULL);
      argv += 2;
      argc -= 2;
    }
  if (argc != 2 || seconds <= 0 || seconds > 60)
    {
      fprintf (stderr, "usage: pc-pingpong [--seconds S (at most 60)] raw-unix|raw-tcp|raw-fifo|ADDRESS\n");
      return 2;
    }
  target = argv[1];
  signal (SIGPIPE, SIG_IGN);

  if (g_str_equal (target, "raw-fifo"))
    {
      if (!raw_fifo_peer (&ends, &child))
        ends.in = ends.out = -1;
    }
  else if (g_str_has_prefix (target, "raw-"))
    ends.in = ends.out = raw_peer (target, &child);
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PcTransports) transports = pc_transports_load (&error);
      g_autoptr(PcAddress) address = transports != NULL
        ? pc_transports_parse_address (transports, target, &error) : NULL;

      if (address == NULL)
        {
          fprintf (stderr, "pc-pingpong: %s\n", error->message);
          return 2;
        }
      if (g_str_equal (address->scheme, "fifo"))
        {
          if (!connect_fifo (address, &ends))
            return 2;
        }
      else
        ends.in = ends.out = connect_to (address);
    }
  if (ends.in < 0 || ends.out < 0)
    {
      fprintf (stderr, "pc-pingpong: cannot connect to %s: %s\n", target, g_strerror (errno));
      return 2;
    }

  start = now ();
  /* Bounded in time and count, whatever the peer does. */
  while (trips < 50000000 && now () - start < seconds)
    {
      for (int i = 0; i < 100; i++)
        {
          ssize_t got = 0;

          if (write (ends.out, request, strlen (request)) < 0)
            return 1;
          /* Replies are one short line; wait for its newline. */
          do
            {
              ssize_t n = read (ends.in, buf + got, sizeof buf - got);
              if (n <= 0)
                return 1;
              got += n;
            }
          while (buf[got - 1] != '\n');
          trips++;
        }
    }
  printf ("%s %.0f round trips/s\n", target, trips / (now () - start));
  close (ends.in);
  if (ends.out != ends.in)
    close (ends.out);
  if (child > 0)
    waitpid (child, NULL, 0);
  return 0;
}
