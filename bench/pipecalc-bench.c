/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
/* pipecalc-bench: the load generator of bench/run.sh.
 *
 *   pipecalc-bench pingpong [--clients N] [--seconds S] [--kind K] TARGET
 *   pipecalc-bench pipeline [--clients N] [--count N] [--seconds S] [--kind K] TARGET
 *   pipecalc-bench memory   --pid PID [--connections N] [--requests R] TARGET
 *   pipecalc-bench exec     [--runs N] [--stdin TEXT] -- PROGRAM ARGS...
 *
 * TARGET is a pipecalc address (unix:PATH, tcp://127.0.0.1:PORT,
 * fifo:PATH) of a running pipecalcd or pc-reference-server, or raw-unix,
 * raw-tcp, raw-fifo: then a trivial echo responder is forked for every
 * client, over a bare socket of that kind (or a pair of FIFOs), which is
 * the limit of the transport itself.
 *
 * Request kinds (--kind): trivial "2+2"; func "sin(x)^2+cos(x)^2" after
 * "x = 0.5"; multi "a=2, a*3, a^2"; error "1+*2"; distinct "(N+1)*2" with
 * a new N every line (never seen before by the session); json-trivial and
 * json-func (the same as JSON-RPC eval calls); batch (JSON-RPC arrays of
 * 100 eval calls of "2+2", counted as 100 requests).
 *
 * Every result is one line "METRIC VALUE UNIT" on stdout. Clients use
 * blocking system calls and CLOCK_MONOTONIC, so the client side costs as
 * little as it can. Every loop is bounded in count and in time; traffic
 * goes only to local sockets and FIFOs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "pc-transport.h"

#define MAX_CLIENTS 256
#define MAX_SAMPLES_TOTAL (4 * 1024 * 1024)
#define WARMUP_TRIPS 200
#define REPLY_MAX (1024 * 1024)

/* ---- Small helpers -------------------------------------------------- */

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static guint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
die (const char *format, ...)
{
  va_list args;

  fputs ("pipecalc-bench: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static void
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        die ("write: %s", n < 0 ? g_strerror (errno) : "closed");
      buf += n;
      len -= n;
    }
}

static void
metric (const char *name, double value, const char *unit)
{
  printf ("%s %.6g %s\n", name, value, unit);
}

/* ---- Connections ------------------------------------------------------ */

typedef struct
{
  int   rfd;
  int   wfd;
  pid_t responder;  /* raw targets: the echo process */
  char *fifo_dir;   /* fifo targets: our private directory */
} Conn;

/* The raw responder: echoes every byte back until EOF. */
static void G_GNUC_NORETURN
echo_forever (int rfd, int wfd)
{
  static char buf[65536];
  ssize_t n;

  while ((n = read (rfd, buf, sizeof buf)) > 0)
    {
      ssize_t off = 0;

      while (off < n)
        {
          ssize_t w = write (wfd, buf + off, n - off);

          if (w <= 0)
            _exit (0);
          off += w;
        }
    }
  _exit (0);
}

static void
set_nodelay (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static Conn
connect_raw (const char *kind)
{
  Conn c = { -1, -1, 0, NULL };
  int peer_r = -1, peer_w = -1;

  if (g_str_equal (kind, "raw-unix") || g_str_equal (kind, "raw-tcp"))
    {
      gboolean tcp = g_str_equal (kind, "raw-tcp");
      struct sockaddr_storage ss = { 0 };
      socklen_t len;
      int listener;
      g_autofree char *dir = NULL;

      if (tcp)
        {
          struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

          sin->sin_family = AF_INET;
          sin->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
          len = sizeof *sin;
        }
      else
        {
          struct sockaddr_un *sun = (struct sockaddr_un *) &ss;

          dir = g_dir_make_tmp ("pcbench-XXXXXX", NULL);
          sun->sun_family = AF_UNIX;
          g_snprintf (sun->sun_path, sizeof sun->sun_path, "%s/s", dir);
          len = sizeof *sun;
        }
      listener = socket (ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (listener < 0 || bind (listener, (struct sockaddr *) &ss, len) < 0
          || listen (listener, 1) < 0 || getsockname (listener, (struct sockaddr *) &ss, &len) < 0)
        die ("raw listener: %s", g_strerror (errno));
      c.rfd = c.wfd = socket (ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (connect (c.rfd, (struct sockaddr *) &ss, len) < 0)
        die ("raw connect: %s", g_strerror (errno));
      peer_r = peer_w = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
      close (listener);
      if (!tcp)
        {
          unlink (((struct sockaddr_un *) &ss)->sun_path);
          g_rmdir (dir);
        }
      else
        {
          set_nodelay (c.rfd);
          set_nodelay (peer_r);
        }
    }
  else if (g_str_equal (kind, "raw-fifo"))
    {
      g_autofree char *dir = g_dir_make_tmp ("pcbench-XXXXXX", NULL);
      g_autofree char *up = g_build_filename (dir, "up", NULL);
      g_autofree char *down = g_build_filename (dir, "down", NULL);

      if (mkfifo (up, 0600) < 0 || mkfifo (down, 0600) < 0)
        die ("mkfifo: %s", g_strerror (errno));
      /* Opened non-blocking for reading first, so no open waits. */
      peer_r = open (up, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      c.rfd = open (down, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      c.wfd = open (up, O_WRONLY | O_CLOEXEC);
      peer_w = open (down, O_WRONLY | O_CLOEXEC);
      if (peer_r < 0 || c.rfd < 0 || c.wfd < 0 || peer_w < 0)
        die ("open fifo: %s", g_strerror (errno));
      fcntl (peer_r, F_SETFL, 0);
      fcntl (c.rfd, F_SETFL, 0);
      unlink (up);
      unlink (down);
      g_rmdir (dir);
    }
  else
    die ("unknown raw target %s", kind);

  c.responder = fork ();
  if (c.responder < 0)
    die ("fork: %s", g_strerror (errno));
  if (c.responder == 0)
    {
      /* Hold no other descriptor: every client must see its own EOF. */
      dup2 (peer_r, 0);
      dup2 (peer_w, 1);
      close_range (3, ~0U, 0);
      echo_forever (0, 1);
    }
  close (peer_r);
  if (peer_w != peer_r)
    close (peer_w);
  return c;
}

/* The client half of the fifo transport, in the order its module uses
 * (transports/fifo/pc-transport-fifo.c): a private directory next to the
 * request FIFO holding c2s and s2c, both our ends open before the
 * "HELLO DIR" line, then wait until the server reads c2s. */
static gboolean
connect_fifo (const char *request_path, Conn *c)
{
  g_autofree char *dir = g_strconcat (request_path, ".XXXXXX", NULL);
  g_autofree char *c2s = NULL;
  g_autofree char *s2c = NULL;
  g_autofree char *hello = NULL;
  double deadline = now_s () + 5;
  int req, holder, probe;

  if (g_mkdtemp_full (dir, 0700) == NULL)
    return FALSE;
  c2s = g_build_filename (dir, "c2s", NULL);
  s2c = g_build_filename (dir, "s2c", NULL);
  if (mkfifo (c2s, 0600) < 0 || mkfifo (s2c, 0600) < 0)
    return FALSE;
  c->rfd = open (s2c, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  holder = open (c2s, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  c->wfd = open (c2s, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (holder >= 0)
    close (holder);
  req = open (request_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (c->rfd < 0 || c->wfd < 0 || req < 0)
    return FALSE;
  hello = g_strdup_printf ("HELLO %s\n", dir);
  write_all (req, hello, strlen (hello));
  close (req);
  /* Opening c2s for writing fails with ENXIO until the server reads it. */
  while ((probe = open (c2s, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
    {
      if (errno != ENXIO || now_s () > deadline)
        return FALSE;
      g_usleep (200);
    }
  close (probe);
  unlink (c2s);
  unlink (s2c);
  g_rmdir (dir);
  fcntl (c->rfd, F_SETFL, 0);
  fcntl (c->wfd, F_SETFL, 0);
  return TRUE;
}

/* The modules parse addresses; loaded once, for every connection. */
static PcTransports *
transports_once (void)
{
  static PcTransports *transports;

  if (g_once_init_enter (&transports))
    {
      g_autoptr(GError) error = NULL;
      PcTransports *loaded = pc_transports_load (&error);

      if (loaded == NULL)
        die ("%s", error->message);
      g_once_init_leave (&transports, loaded);
    }
  return transports;
}

static Conn
connect_target (const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = NULL;
  Conn c = { -1, -1, 0, NULL };

  if (g_str_has_prefix (target, "raw-"))
    return connect_raw (target);

  address = pc_transports_parse_address (transports_once (), target, &error);
  if (address == NULL)
    die ("%s", error->message);
  if (g_str_equal (address->scheme, "unix"))
    {
      struct sockaddr_un sun = { .sun_family = AF_UNIX };

      g_strlcpy (sun.sun_path, address->path, sizeof sun.sun_path);
      c.rfd = c.wfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (connect (c.rfd, (struct sockaddr *) &sun, sizeof sun) < 0)
        die ("connect %s: %s", target, g_strerror (errno));
    }
  else if (g_str_equal (address->scheme, "tcp"))
    {
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (address->port) };

      if (inet_pton (AF_INET, address->host, &sin.sin_addr) != 1)
        die ("%s: only IPv4 loopback addresses are benchmarked", target);
      if (!g_str_has_prefix (address->host, "127."))
        die ("%s: the benchmark sends traffic to loopback only", target);
      c.rfd = c.wfd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      set_nodelay (c.rfd);
      if (connect (c.rfd, (struct sockaddr *) &sin, sizeof sin) < 0)
        die ("connect %s: %s", target, g_strerror (errno));
    }
  else if (g_str_equal (address->scheme, "fifo"))
    {
      if (!connect_fifo (address->path, &c))
        die ("connect %s: %s", target, g_strerror (errno));
    }
  else
    die ("%s: transport not supported by the benchmark", target);
  return c;
}

static void
conn_close (Conn *c)
{
  if (c->wfd >= 0 && c->wfd != c->rfd)
    close (c->wfd);
  if (c->rfd >= 0)
    close (c->rfd);
  c->rfd = c->wfd = -1;
  if (c->responder > 0)
    waitpid (c->responder, NULL, 0);
  c->responder = 0;
  if (c->fifo_dir != NULL)
    {
      /* The server removes it too; whoever is first wins. */
      g_autofree char *c2s = g_build_filename (c->fifo_dir, "c2s", NULL);
      g_autofree char *s2c = g_build_filename (c->fifo_dir, "s2c", NULL);

      unlink (c2s);
      unlink (s2c);
      g_rmdir (c->fifo_dir);
      g_clear_pointer (&c->fifo_dir, g_free);
    }
}

/* ---- Requests --------------------------------------------------------- */

typedef enum
{
  KIND_TRIVIAL, KIND_FUNC, KIND_MULTI, KIND_ERROR, KIND_DISTINCT,
  KIND_JSON_TRIVIAL, KIND_JSON_FUNC, KIND_BATCH,
} Kind;

static const char * const kind_names[] = {
  "trivial", "func", "multi", "error", "distinct",
  "json-trivial", "json-func", "batch", NULL,
};

#define BATCH_SIZE 100

static Kind
parse_kind (const char *name)
{
  for (int i = 0; kind_names[i] != NULL; i++)
    if (g_str_equal (name, kind_names[i]))
      return i;
  die ("unknown kind %s", name);
}

/* What a session must be sent first (its reply is read and dropped). */
static const char *
kind_setup (Kind kind)
{
  return kind == KIND_FUNC || kind == KIND_JSON_FUNC ? "x = 0.5\n" : NULL;
}

static int
requests_per_line (Kind kind)
{
  return kind == KIND_BATCH ? BATCH_SIZE : 1;
}

/* Appends request line number @n (with its \n). */
static void
append_request (GString *out, Kind kind, guint64 n)
{
  switch (kind)
    {
    case KIND_TRIVIAL:
      g_string_append (out, "2+2\n");
      break;
    case KIND_FUNC:
      g_string_append (out, "sin(x)^2+cos(x)^2\n");
      break;
    case KIND_MULTI:
      g_string_append (out, "a=2, a*3, a^2\n");
      break;
    case KIND_ERROR:
      g_string_append (out, "1+*2\n");
      break;
    case KIND_DISTINCT:
      g_string_append_printf (out, "(%" G_GUINT64_FORMAT "+1)*2\n", n);
      break;
    case KIND_JSON_TRIVIAL:
    case KIND_JSON_FUNC:
      g_string_append_printf (out, "{\"jsonrpc\":\"2.0\",\"id\":%" G_GUINT64_FORMAT
                              ",\"method\":\"eval\",\"params\":{\"expr\":\"%s\"}}\n",
                              n, kind == KIND_JSON_FUNC ? "sin(x)^2+cos(x)^2" : "2+2");
      break;
    case KIND_BATCH:
      g_string_append_c (out, '[');
      /* The calls of json-trivial, so the two compare call for call. */
      for (int i = 0; i < BATCH_SIZE; i++)
        g_string_append_printf (out, "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eval\","
                                "\"params\":[\"2+2\"]}", i ? "," : "", i);
      g_string_append (out, "]\n");
      break;
    }
}

/* Reads until the buffer ends in \n: one reply line. */
static void
read_reply (int fd, char *buf, size_t cap)
{
  size_t got = 0;

  do
    {
      ssize_t n = read (fd, buf + got, cap - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        die ("read: %s", n < 0 ? g_strerror (errno) : "the server closed the connection");
      got += n;
      if (got == cap)
        got = 0;  /* a reply longer than the buffer: keep only its end */
    }
  while (buf[got - 1] != '\n');
}

static void
send_setup (Conn *c, Kind kind, char *buf)
{
  const char *setup = kind_setup (kind);

  if (setup != NULL)
    {
      write_all (c->wfd, setup, strlen (setup));
      read_reply (c->rfd, buf, REPLY_MAX);
    }
}

/* ---- pingpong ----------------------------------------------------------- */

typedef struct
{
  const char     *target;
  Kind            kind;
  double          seconds;
  guint64         max_trips;
  pthread_barrier_t *barrier;
  /* results */
  guint64         trips;
  guint32        *samples;     /* round-trip times in ns */
  gsize           n_samples;
  gsize           max_samples;
  Conn            conn;
} Client;

static void *
pingpong_client (gpointer data)
{
  Client *cl = data;
  g_autoptr(GString) request = g_string_sized_new (64 * BATCH_SIZE);
  char *buf = g_malloc (REPLY_MAX);
  gboolean same = cl->kind != KIND_DISTINCT;
  guint64 serial = 1000000 + (guint64) g_random_int_range (0, 1000) * 100000000;
  double end;

  if (cl->conn.rfd < 0)
    cl->conn = connect_target (cl->target);
  send_setup (&cl->conn, cl->kind, buf);
  append_request (request, cl->kind, serial);
  for (int i = 0; i < WARMUP_TRIPS; i++)
    {
      if (!same)
        {
          g_string_truncate (request, 0);
          append_request (request, cl->kind, ++serial);
        }
      write_all (cl->conn.wfd, request->str, request->len);
      read_reply (cl->conn.rfd, buf, REPLY_MAX);
    }

  pthread_barrier_wait (cl->barrier);
  end = now_s () + cl->seconds;
  while (cl->trips < cl->max_trips)
    {
      guint64 t0, t1;

      if (!same)
        {
          g_string_truncate (request, 0);
          append_request (request, cl->kind, ++serial);
        }
      t0 = now_ns ();
      write_all (cl->conn.wfd, request->str, request->len);
      read_reply (cl->conn.rfd, buf, REPLY_MAX);
      t1 = now_ns ();
      if (cl->n_samples < cl->max_samples)
        cl->samples[cl->n_samples++] = (guint32) MIN (t1 - t0, G_MAXUINT32);
      cl->trips++;
      if ((cl->trips & 15) == 0 && t1 / 1e9 >= end)
        break;
    }
  g_free (buf);
  return NULL;
}

static int
compare_u32 (const void *a, const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static int
run_pingpong (const char *target, int n_clients, double seconds, Kind kind)
{
  Client *clients = g_new0 (Client, n_clients);
  pthread_t *threads = g_new0 (pthread_t, n_clients);
  pthread_barrier_t barrier;
  double start, elapsed;
  guint64 total = 0;
  guint32 *all;
  gsize n_all = 0;
  int per_line = requests_per_line (kind);

  pthread_barrier_init (&barrier, NULL, n_clients + 1);
  for (int i = 0; i < n_clients; i++)
    {
      clients[i] = (Client) {
        .target = target, .kind = kind, .seconds = seconds,
        .max_trips = 20000000, .barrier = &barrier,
        .max_samples = MAX_SAMPLES_TOTAL / n_clients,
        .conn = { -1, -1, 0, NULL },
      };
      clients[i].samples = g_new (guint32, clients[i].max_samples);
      /* Raw targets fork a responder per client: fork before any thread. */
      if (g_str_has_prefix (target, "raw-"))
        clients[i].conn = connect_raw (target);
    }
  for (int i = 0; i < n_clients; i++)
    if (pthread_create (&threads[i], NULL, pingpong_client, &clients[i]) != 0)
      die ("pthread_create failed");
  pthread_barrier_wait (&barrier);
  start = now_s ();
  for (int i = 0; i < n_clients; i++)
    pthread_join (threads[i], NULL);
  elapsed = now_s () - start;

  all = g_new (guint32, MAX_SAMPLES_TOTAL);
  for (int i = 0; i < n_clients; i++)
    {
      total += clients[i].trips;
      memcpy (all + n_all, clients[i].samples, clients[i].n_samples * sizeof *all);
      n_all += clients[i].n_samples;
      conn_close (&clients[i].conn);
      g_free (clients[i].samples);
    }
  qsort (all, n_all, sizeof *all, compare_u32);
  metric ("round_trips_per_s", total / elapsed, "1/s");
  if (per_line > 1)
    metric ("requests_per_s", total * per_line / elapsed, "1/s");
  if (n_all > 0)
    {
      metric ("p50_us", all[n_all / 2] / 1e3, "us");
      metric ("p99_us", all[MIN (n_all - 1, n_all * 99 / 100)] / 1e3, "us");
    }
  pthread_barrier_destroy (&barrier);
  g_free (all);
  g_free (clients);
  g_free (threads);
  return 0;
}

/* ---- pipeline ----------------------------------------------------------- */

typedef struct
{
  const char *target;
  Conn        conn;
  Kind        kind;
  guint64     lines;
  double      deadline;
  gint        written;   /* atomic: lines the writer sent; -1 until it is done */
  guint64     replies;
  double      finished;
  pthread_t   writer;
} Pipe;

/* Writes every request as fast as the connection takes them, in 64 KiB
 * chunks, while another thread reads the replies. */
static void *
pipeline_writer (gpointer data)
{
  Pipe *pipe = data;
  g_autoptr(GString) chunk = g_string_sized_new (80 * 1024);
  guint64 serial = 1;

  while (serial <= pipe->lines && now_s () < pipe->deadline)
    {
      g_string_truncate (chunk, 0);
      while (serial <= pipe->lines && chunk->len < 64 * 1024)
        append_request (chunk, pipe->kind, serial++);
      write_all (pipe->conn.wfd, chunk->str, chunk->len);
    }
  g_atomic_int_set (&pipe->written, (gint) (serial - 1));
  return NULL;
}

/* Reads replies until every line sent was answered; bounded in time. */
static void *
pipeline_reader (gpointer data)
{
  Pipe *pipe = data;
  char *buf = g_malloc (REPLY_MAX);

  if (pthread_create (&pipe->writer, NULL, pipeline_writer, pipe) != 0)
    die ("pthread_create failed");
  for (;;)
    {
      gint written = g_atomic_int_get (&pipe->written);
      struct pollfd pfd = { .fd = pipe->conn.rfd, .events = POLLIN };
      ssize_t n;
      char *p = buf, *end;

      if (pipe->replies >= pipe->lines
          || (written >= 0 && pipe->replies >= (guint64) written))
        break;
      if (now_s () > pipe->deadline + 10)
        {
          fprintf (stderr, "pipecalc-bench: pipeline stopped with %" G_GUINT64_FORMAT
                   " replies of %" G_GUINT64_FORMAT "\n", pipe->replies, pipe->lines);
          break;
        }
      if (poll (&pfd, 1, 200) <= 0)
        continue;
      n = read (pipe->conn.rfd, buf, REPLY_MAX);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        die ("read: %s", n < 0 ? g_strerror (errno) : "the server closed the connection");
      end = buf + n;
      while ((p = memchr (p, '\n', end - p)) != NULL)
        {
          p++;
          pipe->replies++;
        }
    }
  pipe->finished = now_s ();
  pthread_join (pipe->writer, NULL);
  g_free (buf);
  return NULL;
}

static int
run_pipeline (const char *target, int n_clients, guint64 lines, double seconds, Kind kind)
{
  Pipe *pipes = g_new0 (Pipe, n_clients);
  pthread_t *readers = g_new0 (pthread_t, n_clients);
  char *buf = g_malloc (REPLY_MAX);
  guint64 replies = 0, wanted = 0;
  double start, end = 0;

  for (int i = 0; i < n_clients; i++)
    {
      pipes[i] = (Pipe) { .target = target, .kind = kind, .lines = lines, .written = -1 };
      pipes[i].conn = connect_target (target);
      send_setup (&pipes[i].conn, kind, buf);
    }
  start = now_s ();
  for (int i = 0; i < n_clients; i++)
    {
      pipes[i].deadline = start + seconds;
      if (pthread_create (&readers[i], NULL, pipeline_reader, &pipes[i]) != 0)
        die ("pthread_create failed");
    }
  for (int i = 0; i < n_clients; i++)
    {
      pthread_join (readers[i], NULL);
      replies += pipes[i].replies;
      wanted += pipes[i].lines;
      end = MAX (end, pipes[i].finished);
      conn_close (&pipes[i].conn);
    }
  metric ("lines_per_s", replies / (end - start), "1/s");
  if (requests_per_line (kind) > 1)
    metric ("requests_per_s", replies * requests_per_line (kind) / (end - start), "1/s");
  g_free (pipes);
  g_free (readers);
  g_free (buf);
  return replies == wanted ? 0 : 1;
}

/* ---- memory ------------------------------------------------------------- */

static long
rss_kib (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    die ("cannot read %s", path);
  line = strstr (text, "VmRSS:");
  return line ? strtol (line + 6, NULL, 10) : -1;
}

static int
run_memory (const char *target, int pid, int n_conns, int requests)
{
  Conn *conns = g_new0 (Conn, n_conns);
  char *buf = g_malloc (REPLY_MAX);
  struct rlimit rl;
  long before, after;

  /* Every connection is a descriptor here (two for a FIFO pair). */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) (2 * n_conns + 64))
    die ("ulimit -n is %ld, %d connections need more", (long) rl.rlim_cur, n_conns);

  g_usleep (200000);
  before = rss_kib (pid);
  for (int i = 0; i < n_conns; i++)
    {
      conns[i] = connect_target (target);
      for (int r = 0; r < requests; r++)
        {
          g_autofree char *request = g_strdup_printf ("(%d+1)*%d\n", i, r);

          write_all (conns[i].wfd, request, strlen (request));
          read_reply (conns[i].rfd, buf, REPLY_MAX);
        }
    }
  /* Let the server finish reacting to the last connections. */
  g_usleep (500000);
  after = rss_kib (pid);
  metric ("rss_before_kib", before, "KiB");
  metric ("rss_after_kib", after, "KiB");
  metric ("rss_per_connection_kib", (double) (after - before) / n_conns, "KiB");
  for (int i = 0; i < n_conns; i++)
    conn_close (&conns[i]);
  g_free (conns);
  g_free (buf);
  return 0;
}

/* ---- exec --------------------------------------------------------------- */

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Times whole processes, from fork to exit, with @input on stdin. */
static int
run_exec (char **argv, int runs, const char *input)
{
  double *times = g_new (double, runs);

  for (int i = 0; i < runs; i++)
    {
      int in[2];
      int status;
      double t0;
      pid_t pid;

      if (pipe (in) < 0)
        die ("pipe: %s", g_strerror (errno));
      t0 = now_s ();
      pid = fork ();
      if (pid == 0)
        {
          int null = open ("/dev/null", O_WRONLY);

          dup2 (in[0], 0);
          dup2 (null, 1);
          close (in[0]);
          close (in[1]);
          execvp (argv[0], argv);
          _exit (127);
        }
      close (in[0]);
      if (input != NULL)
        write_all (in[1], input, strlen (input));
      close (in[1]);
      if (waitpid (pid, &status, 0) < 0)
        die ("waitpid: %s", g_strerror (errno));
      times[i] = now_s () - t0;
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        die ("%s exited with status %d", argv[0], status);
    }
  qsort (times, runs, sizeof *times, compare_double);
  metric ("min_ms", times[0] * 1e3, "ms");
  metric ("median_ms", times[runs / 2] * 1e3, "ms");
  metric ("max_ms", times[runs - 1] * 1e3, "ms");
  g_free (times);
  return 0;
}

/* ---- main --------------------------------------------------------------- */

static void G_GNUC_NORETURN
usage (void)
{
  fprintf (stderr,
           "usage: pipecalc-bench pingpong [--clients N] [--seconds S] [--kind K] TARGET\n"
           "       pipecalc-bench pipeline [--clients N] [--count N] [--seconds S] [--kind K] TARGET\n"
           "       pipecalc-bench memory --pid PID [--connections N] [--requests R] TARGET\n"
           "       pipecalc-bench exec [--runs N] [--stdin TEXT] -- PROGRAM ARGS...\n"
           "TARGET: unix:PATH, tcp://127.0.0.1:PORT, fifo:PATH, raw-unix, raw-tcp, raw-fifo\n"
           "K: trivial func multi error distinct json-trivial json-func batch\n");
  exit (2);
}

int
main (int   argc,
      char *argv[])
{
  const char *mode;
  const char *target = NULL;
  const char *input = NULL;
  double seconds = 2;
  gint64 count = 200000;
  int clients = 1, pid = 0, connections = 1000, requests = 0, runs = 10;
  Kind kind = KIND_TRIVIAL;
  int i;

  if (argc < 2)
    usage ();
  mode = argv[1];
  for (i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;

      if (g_str_equal (a, "--"))
        {
          i++;
          break;
        }
      if (!g_str_has_prefix (a, "--"))
        {
          target = a;
          continue;
        }
      if (v == NULL)
        usage ();
      i++;
      if (g_str_equal (a, "--clients"))
        clients = atoi (v);
      else if (g_str_equal (a, "--seconds"))
        seconds = g_ascii_strtod (v, NULL);
      else if (g_str_equal (a, "--count"))
        count = g_ascii_strtoll (v, NULL, 10);
      else if (g_str_equal (a, "--kind"))
        kind = parse_kind (v);
      else if (g_str_equal (a, "--pid"))
        pid = atoi (v);
      else if (g_str_equal (a, "--connections"))
        connections = atoi (v);
      else if (g_str_equal (a, "--requests"))
        requests = atoi (v);
      else if (g_str_equal (a, "--runs"))
        runs = atoi (v);
      else if (g_str_equal (a, "--stdin"))
        input = v;
      else
        usage ();
    }
  /* Bounds: whatever the arguments, a run ends. */
  if (clients < 1 || clients > MAX_CLIENTS || seconds <= 0 || seconds > 120
      || count < 1 || count > 50000000 || connections < 1 || connections > 20000
      || requests < 0 || requests > 1000 || runs < 1 || runs > 1000)
    usage ();
  signal (SIGPIPE, SIG_IGN);
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (g_str_equal (mode, "exec"))
    {
      if (i >= argc)
        usage ();
      return run_exec (argv + i, runs, input);
    }
  if (target == NULL)
    usage ();
  if (g_str_equal (mode, "pingpong"))
    return run_pingpong (target, clients, seconds, kind);
  if (g_str_equal (mode, "pipeline"))
    return run_pipeline (target, clients, (guint64) count, seconds, kind);
  if (g_str_equal (mode, "memory"))
    {
      if (pid <= 0)
        usage ();
      return run_memory (target, pid, connections, requests);
    }
  usage ();
}
