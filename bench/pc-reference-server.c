/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
/* The reference server: the "best plain C could do" bar that pipecalcd is
 * measured against. One thread, one epoll set, non-blocking sockets; each
 * connection has its own muparser parser (with a variable factory, so
 * "x = 0.5" then "sin(x)" works as in pipecalcd); every line is handed to
 * mupSetExpr + mupEvalMulti and the values go back as "%.15g", joined by
 * ", ". It has no framing limits, no JSON, no logging, no security checks:
 * it is a bar, not a server to use.
 *
 *   pc-reference-server (--unix PATH | --tcp PORT) [--echo] [--max-seconds S]
 *
 * With --echo it sends every line back unchanged instead (a raw responder
 * with the same event loop). Errors are written as "error: CODE" from
 * mupGetErrorCode: muparser's message and token functions share one static
 * buffer (see src/eval/pc-evaluator.c) and are never called.
 *
 * It exits on SIGTERM/SIGINT, or by itself after --max-seconds (default
 * 600), so a benchmark that dies never leaves it behind for long. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <muParserDLL.h>

#define READ_CHUNK 65536
#define MAX_EVENTS 64
#define MAX_VARS 256

typedef struct
{
  int               fd;
  muParserHandle_t  parser;
  char             *in;
  size_t            in_len, in_cap;
  char             *out;
  size_t            out_len, out_off, out_cap;
  int               want_out;
  double           *vars[MAX_VARS];
  int               n_vars;
} Conn;

static volatile sig_atomic_t stop;
static int echo_mode;

static void
on_signal (int sig)
{
  (void) sig;
  stop = 1;
}

static void *
xrealloc (void *p, size_t n)
{
  void *q = realloc (p, n);

  if (q == NULL)
    {
      perror ("pc-reference-server: realloc");
      exit (1);
    }
  return q;
}

static double *
factory_cb (const char *name, void *user_data)
{
  Conn *c = user_data;
  double *v;

  (void) name;
  if (c->n_vars == MAX_VARS)
    return NULL;
  v = calloc (1, sizeof *v);
  c->vars[c->n_vars++] = v;
  return v;
}

static void
out_reserve (Conn *c, size_t more)
{
  if (c->out_len + more <= c->out_cap)
    return;
  while (c->out_len + more > c->out_cap)
    c->out_cap = c->out_cap ? c->out_cap * 2 : 4096;
  c->out = xrealloc (c->out, c->out_cap);
}

static void
out_add (Conn *c, const char *s, size_t n)
{
  out_reserve (c, n);
  memcpy (c->out + c->out_len, s, n);
  c->out_len += n;
}

static void
evaluate (Conn *c, char *line, size_t len)
{
  char buf[64];
  double *values;
  int n = 0;

  if (echo_mode)
    {
      out_add (c, line, len);
      out_add (c, "\n", 1);
      return;
    }
  line[len] = '\0';
  mupSetExpr (c->parser, line);
  values = mupEvalMulti (c->parser, &n);
  if (mupError (c->parser) || values == NULL || n < 1)
    {
      int k = snprintf (buf, sizeof buf, "error: %d\n", (int) mupGetErrorCode (c->parser));
      out_add (c, buf, k);
      return;
    }
  for (int i = 0; i < n; i++)
    {
      int k = snprintf (buf, sizeof buf, i ? ", %.15g" : "%.15g", values[i]);
      out_add (c, buf, k);
    }
  out_add (c, "\n", 1);
}

static void
conn_free (int ep, Conn *c)
{
  epoll_ctl (ep, EPOLL_CTL_DEL, c->fd, NULL);
  close (c->fd);
  if (c->parser)
    mupRelease (c->parser);
  for (int i = 0; i < c->n_vars; i++)
    free (c->vars[i]);
  free (c->in);
  free (c->out);
  free (c);
}

/* Writes what it can; returns -1 when the connection is gone. */
static int
flush_out (int ep, Conn *c)
{
  while (c->out_off < c->out_len)
    {
      ssize_t n = write (c->fd, c->out + c->out_off, c->out_len - c->out_off);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n <= 0)
        return -1;
      c->out_off += n;
    }
  if (c->out_off == c->out_len)
    c->out_off = c->out_len = 0;
  {
    int want = c->out_len > 0;

    if (want != c->want_out)
      {
        struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c };

        epoll_ctl (ep, EPOLL_CTL_MOD, c->fd, &ev);
        c->want_out = want;
      }
  }
  return 0;
}

/* Reads what is there, answers every complete line; -1 at EOF/error. */
static int
read_in (Conn *c)
{
  for (;;)
    {
      ssize_t n;
      size_t start = 0;
      char *nl;

      if (c->in_cap - c->in_len < READ_CHUNK)
        {
          c->in_cap = c->in_len + READ_CHUNK;
          c->in = xrealloc (c->in, c->in_cap + 1);
        }
      n = read (c->fd, c->in + c->in_len, c->in_cap - c->in_len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 0;
      if (n <= 0)
        return -1;
      c->in_len += n;
      while ((nl = memchr (c->in + start, '\n', c->in_len - start)) != NULL)
        {
          size_t len = nl - (c->in + start);

          evaluate (c, c->in + start, len);
          start += len + 1;
        }
      memmove (c->in, c->in + start, c->in_len - start);
      c->in_len -= start;
      /* A short read means the socket is drained: back to epoll. */
      if ((size_t) n < READ_CHUNK)
        return 0;
    }
}

static int
listen_on (const char *unix_path, int tcp_port)
{
  int fd, one = 1;

  if (unix_path != NULL)
    {
      struct sockaddr_un sun = { .sun_family = AF_UNIX };

      if (strlen (unix_path) >= sizeof sun.sun_path)
        return -1;
      strcpy (sun.sun_path, unix_path);
      unlink (unix_path);
      fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0 || bind (fd, (struct sockaddr *) &sun, sizeof sun) < 0)
        return -1;
    }
  else
    {
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (tcp_port),
                                 .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

      fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (fd < 0 || bind (fd, (struct sockaddr *) &sin, sizeof sin) < 0)
        return -1;
    }
  if (listen (fd, 1024) < 0)
    return -1;
  return fd;
}

int
main (int argc, char *argv[])
{
  const char *unix_path = NULL;
  int tcp_port = 0;
  double max_seconds = 600;
  struct epoll_event events[MAX_EVENTS];
  struct sigaction sa = { .sa_handler = on_signal };
  struct timespec start, now;
  int ep, lfd;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--unix") == 0 && i + 1 < argc)
        unix_path = argv[++i];
      else if (strcmp (argv[i], "--tcp") == 0 && i + 1 < argc)
        tcp_port = atoi (argv[++i]);
      else if (strcmp (argv[i], "--echo") == 0)
        echo_mode = 1;
      else if (strcmp (argv[i], "--max-seconds") == 0 && i + 1 < argc)
        max_seconds = atof (argv[++i]);
      else
        {
          fprintf (stderr, "usage: pc-reference-server (--unix PATH | --tcp PORT) [--echo] [--max-seconds S]\n");
          return 2;
        }
    }
  if ((unix_path == NULL) == (tcp_port == 0))
    {
      fprintf (stderr, "pc-reference-server: give one of --unix PATH or --tcp PORT\n");
      return 2;
    }

  signal (SIGPIPE, SIG_IGN);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);

  lfd = listen_on (unix_path, tcp_port);
  if (lfd < 0)
    {
      perror ("pc-reference-server: listen");
      return 1;
    }
  ep = epoll_create1 (EPOLL_CLOEXEC);
  {
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

    epoll_ctl (ep, EPOLL_CTL_ADD, lfd, &ev);
  }
  /* Ready: the benchmark waits for this line. */
  printf ("ready\n");
  fflush (stdout);

  clock_gettime (CLOCK_MONOTONIC, &start);
  while (!stop)
    {
      int n = epoll_wait (ep, events, MAX_EVENTS, 1000);

      clock_gettime (CLOCK_MONOTONIC, &now);
      if (now.tv_sec - start.tv_sec > max_seconds)
        break;
      for (int i = 0; i < n; i++)
        {
          Conn *c = events[i].data.ptr;

          if (c == NULL)
            {
              int fd;

              while ((fd = accept4 (lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
                {
                  struct epoll_event ev = { .events = EPOLLIN };
                  int one = 1;

                  if (tcp_port)
                    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                  c = calloc (1, sizeof *c);
                  c->fd = fd;
                  if (!echo_mode)
                    {
                      c->parser = mupCreate (muBASETYPE_FLOAT);
                      mupDefineConst (c->parser, "pi", 3.14159265358979323846);
                      mupDefineConst (c->parser, "e", 2.71828182845904523536);
                      mupSetVarFactory (c->parser, factory_cb, c);
                    }
                  ev.data.ptr = c;
                  epoll_ctl (ep, EPOLL_CTL_ADD, fd, &ev);
                }
              continue;
            }
          if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && read_in (c) < 0)
            {
              conn_free (ep, c);
              continue;
            }
          if (flush_out (ep, c) < 0)
            conn_free (ep, c);
        }
    }
  if (unix_path != NULL)
    unlink (unix_path);
  return 0;
}
