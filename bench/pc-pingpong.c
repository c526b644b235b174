/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
/* A first ping-pong measurement: one client sends a line and waits for
 * the reply, over and over, against pipecalcd and, in the same run,
 * against a raw echo peer on the same kind of socket (the IPC limit).
 *
 *   pc-pingpong [--seconds S] raw-unix | raw-tcp | ADDRESS
 *
 * Plain POSIX sockets, blocking, so the client itself costs as little as
 * possible. The benchmark issue grows this into bench/run.sh. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <glib.h>

#include "pc-address.h"

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
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
echo_forever (int fd)
{
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (write (fd, buf, n) != n)
      break;
  _exit (0);
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
      echo_forever (pair[1]);
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
  int fd;

  if (argc >= 3 && g_str_equal (argv[1], "--seconds"))
    {
      seconds = g_ascii_strtod (argv[2], NULL);
      argv += 2;
      argc -= 2;
    }
  if (argc != 2 || seconds <= 0 || seconds > 60)
    {
      fprintf (stderr, "usage: pc-pingpong [--seconds S (at most 60)] raw-unix|raw-tcp|ADDRESS\n");
      return 2;
    }
  target = argv[1];
  signal (SIGPIPE, SIG_IGN);

  if (g_str_has_prefix (target, "raw-"))
    fd = raw_peer (target, &child);
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PcAddress) address = pc_address_parse (target, &error);

      if (address == NULL)
        {
          fprintf (stderr, "pc-pingpong: %s\n", error->message);
          return 2;
        }
      fd = connect_to (address);
    }
  if (fd < 0)
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

          if (write (fd, request, strlen (request)) < 0)
            return 1;
          /* Replies are one short line; wait for its newline. */
          do
            {
              ssize_t n = read (fd, buf + got, sizeof buf - got);
              if (n <= 0)
                return 1;
              got += n;
            }
          while (buf[got - 1] != '\n');
          trips++;
        }
    }
  printf ("%s %.0f round trips/s\n", target, trips / (now () - start));
  close (fd);
  if (child > 0)
    waitpid (child, NULL, 0);
  return 0;
}
