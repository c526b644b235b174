/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <muParserDLL.h>
#include <glib.h>

#include "pc-json.h"

/* Points per second of `sample` (issue 14), three ways, in one run:
 *   server    one `sample` request to pipecalcd over a unix socket, the
 *             whole reply read (not parsed);
 *   baseline  a plain C loop over muparser's bulk mode (mupDefineBulkVar +
 *             mupEvalBulk, chunks of 4096 as the server, one thread) that
 *             also writes each value as JSON text the way the server does
 *             (pc_json_append_number), no I/O;
 *   eval      the same points as pipelined `eval` requests, one per point,
 *             {"expr":"x=V, EXPR"} (the fast path; each reply read),
 *             written by a second thread while the first reads; each is
 *             parsed (no two are the same text), which is what a client
 *             that plots through eval pays. At most 100 000 of the points
 *             (a million would take a minute; --quick: 2000): a rate
 *             either way.
 * Run it with OMP_NUM_THREADS=1 (bench/run.sh does): the server keeps the
 * bulk loop on one thread, so the baseline does too.
 * Best of three runs each. Usage: pc-sample-bench SOCKET-PATH [--quick] */

#define CHUNK 4096

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static int
connect_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("cannot connect to %s", path);
  return fd;
}

static void
write_all (int         fd,
           const char *data,
           gsize       len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n <= 0)
        g_error ("write failed");
      data += n;
      len -= n;
    }
}

/* Reads until @lines newlines came; returns the bytes read. */
static gsize
read_lines (int   fd,
            guint lines)
{
  static char buf[1 << 16];
  gsize total = 0;

  while (lines > 0)
    {
      gssize n = read (fd, buf, sizeof buf);

      if (n <= 0)
        g_error ("read failed");
      total += n;
      for (gssize i = 0; i < n; i++)
        if (buf[i] == '\n')
          lines--;
    }
  return total;
}

static double
run_baseline (const char *expr,
              guint       points,
              gsize      *bytes)
{
  muParserHandle_t parser = mupCreate (muBASETYPE_FLOAT);
  double *x = g_new (double, CHUNK);
  double *y = g_new (double, CHUNK);
  GString *out = g_string_sized_new (CHUNK * 24);
  double step = 20.0 / (points - 1);
  double start = now ();

  mupDefineBulkVar (parser, "x", x);
  mupSetExpr (parser, expr);
  *bytes = 0;
  for (guint done = 0; done < points;)
    {
      guint n = MIN (CHUNK, points - done);

      for (guint i = 0; i < n; i++)
        x[i] = done + i + 1 == points ? 10 : -10 + (done + i) * step;
      mupEvalBulk (parser, y, (int) n);
      g_string_truncate (out, 0);
      for (guint i = 0; i < n; i++)
        {
          if (done + i > 0)
            g_string_append_c (out, ',');
          pc_json_append_number (out, y[i]);
        }
      *bytes += out->len;
      done += n;
    }
  start = now () - start;
  mupRelease (parser);
  g_free (x);
  g_free (y);
  g_string_free (out, TRUE);
  return start;
}

static double
run_server (const char *path,
            const char *expr,
            guint       points,
            gsize      *bytes)
{
  int fd = connect_unix (path);
  g_autofree char *line =
    g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sample\",\"params\":"
                     "{\"expr\":\"%s\",\"from\":-10,\"to\":10,\"points\":%u}}\n", expr, points);
  double start = now ();

  write_all (fd, line, strlen (line));
  *bytes = read_lines (fd, 1);
  start = now () - start;
  close (fd);
  return start;
}

typedef struct
{
  int      fd;
  GString *requests;
} Writer;

static gpointer
writer_main (gpointer data)
{
  Writer *writer = data;

  write_all (writer->fd, writer->requests->str, writer->requests->len);
  return NULL;
}

static double
run_eval (const char *path,
          const char *expr,
          guint       points)
{
  Writer writer = { connect_unix (path), g_string_new (NULL) };
  double step = 20.0 / (points - 1);
  GThread *thread;
  double start;

  for (guint i = 0; i < points; i++)
    {
      g_string_append_printf (writer.requests, "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"eval\","
                              "\"params\":{\"expr\":\"x=", i);
      pc_json_append_number (writer.requests, i + 1 == points ? 10 : -10 + i * step);
      g_string_append_printf (writer.requests, ", %s\"}}\n", expr);
    }
  start = now ();
  thread = g_thread_new ("writer", writer_main, &writer);
  read_lines (writer.fd, points);
  start = now () - start;
  g_thread_join (thread);
  close (writer.fd);
  g_string_free (writer.requests, TRUE);
  return start;
}

int
main (int   argc,
      char *argv[])
{
  const char *exprs[] = { "sin(x)^2+cos(x)^2", "sin(x)/x" };
  gboolean quick = argc > 2 && g_str_equal (argv[2], "--quick");
  guint sizes[] = { 1000, quick ? 20000 : 1000000 };

  if (argc < 2)
    {
      g_printerr ("usage: pc-sample-bench SOCKET-PATH [--quick]\n");
      return 2;
    }
  printf ("expression,points,server_pts_s,baseline_pts_s,ratio,eval_pts_s,reply_bytes\n");
  for (guint e = 0; e < G_N_ELEMENTS (exprs); e++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        guint n = sizes[s];
        double server = G_MAXDOUBLE, baseline = G_MAXDOUBLE, eval = G_MAXDOUBLE;
        gsize bytes = 0, base_bytes = 0;
        guint runs = quick ? 1 : 3;

        for (guint r = 0; r < runs; r++)
          {
            server = MIN (server, run_server (argv[1], exprs[e], n, &bytes));
            baseline = MIN (baseline, run_baseline (exprs[e], n, &base_bytes));
            guint sent = MIN (n, quick ? 2000 : 100000);

            eval = MIN (eval, run_eval (argv[1], exprs[e], sent) * n / sent);
          }
        printf ("%s,%u,%.0f,%.0f,%.2f,%.0f,%" G_GSIZE_FORMAT "\n", exprs[e], n, n / server,
                n / baseline, baseline / server, n / eval, bytes);
        fflush (stdout);
      }
  return 0;
}
