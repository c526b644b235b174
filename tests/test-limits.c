/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "pc-json.h"
#include "pc-test-util.h"

/* Attacks on one session's share of the server (issue 12, findings 1, 2
 * and 9): a batch whose replies would take gigabytes, a session holding
 * the most variables it may flooding cheap requests, limits that must
 * answer clearly. Every server here runs one worker thread, where one
 * session holding the worker would hold everyone. Figures are printed
 * (g_test_message) so that a slow run can be judged. */

typedef struct
{
  PcTestServer *server;
  char         *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char * const *args = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  fixture->dir = g_dir_make_tmp ("pipecalc-limits-XXXXXX", &error);
  g_assert_no_error (error);
  address = pc_test_address ("unix", fixture->dir);
  fixture->server = pc_test_server_start (address, args);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, pc_test_server_free);
  pc_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static GIOStream *
connect_to (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GIOStream *stream = pc_test_connect (fixture->server->address, &error);

  g_assert_no_error (error);
  return stream;
}

/* Defines @n variables whose names are @name_len characters long, many
 * per request, and checks every request succeeded. */
static void
define_variables (GIOStream *stream,
                  guint      n,
                  guint      name_len)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint lines = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("v%0*u", (int) name_len - 1, i);

      g_string_append_printf (line, "%s%s=1", line->len > 0 ? "," : "", name);
      if (line->len > 9000 || i + 1 == n)
        {
          g_string_append_c (line, '\n');
          pc_test_send (stream, line->str);
          g_string_truncate (line, 0);
          lines++;
        }
    }
  for (guint i = 0; i < lines; i++)
    {
      g_autofree char *reply = pc_test_read_line (stream);

      g_assert_nonnull (reply);
      g_assert_false (g_str_has_prefix (reply, "error"));
    }
}

static json_t *
ask_json (GIOStream  *stream,
          const char *line)
{
  g_autofree char *reply = pc_test_ask (stream, line);
  g_autoptr(GError) error = NULL;
  json_t *value;

  g_assert_nonnull (reply);
  value = pc_json_load (reply, strlen (reply), 128, &error);
  g_assert_no_error (error);
  return value;
}

static gint64
error_code (json_t *reply)
{
  return json_integer_value (json_object_get (json_object_get (reply, "error"), "code"));
}

static const char *
error_limit (json_t *reply)
{
  return json_string_value (json_object_get (
    json_object_get (json_object_get (reply, "error"), "data"), "limit"));
}

/* Waits until the server's resident size has not moved for a second: it
 * produced all it is going to while nobody reads. */
static void
wait_until_settled (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 last = -1;
  guint still = 0;

  while (still < 10 && g_get_monotonic_time () < deadline)
    {
      gint64 rss = pc_test_server_status_kb (fixture->server, "VmRSS:");

      still = rss == last ? still + 1 : 0;
      last = rss;
      g_usleep (100000);
    }
}

/* Finding 1: thousands of variables, then one line holding a batch of
 * `vars` calls, never read. Every reply used to be built before any left
 * (hundreds of megabytes); now the batch is answered call by call and
 * stops at the session's 1 MiB mark. The server also keeps serving others
 * and stops promptly on SIGTERM meanwhile. */
static void
test_batch_memory (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GIOStream) attacker = connect_to (fixture);
  g_autoptr(GIOStream) other = NULL;
  g_autoptr(GString) batch = g_string_new ("[");
  g_autofree char *pong = NULL;
  gint64 idle_kb, peak_kb, start;
  int status;

  /* 999 long names and ans: the most one `vars` reply holds, ~100 KB. */
  define_variables (attacker, 999, 96);
  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (batch, "%s{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"vars\"}",
                            i > 0 ? "," : "", i);
  g_string_append (batch, "]\n");
  idle_kb = pc_test_server_status_kb (fixture->server, "VmHWM:");

  pc_test_send (attacker, batch->str);
  wait_until_settled (fixture);
  peak_kb = pc_test_server_status_kb (fixture->server, "VmHWM:");
  g_test_message ("batch of 1000 vars calls (~100 KB each) never read: peak RSS %"
                  G_GINT64_FORMAT " kB above idle (%" G_GINT64_FORMAT " kB)",
                  peak_kb - idle_kb, idle_kb);
  g_assert_cmpint (peak_kb - idle_kb, <, 32 * 1024);

  /* The worker is not held: another session is answered. */
  other = connect_to (fixture);
  pong = pc_test_ask (other, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  g_assert_cmpstr (pong, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"pong\"}");

  /* SIGTERM: the attacker gets its grace period (5 s) to take what was
   * computed, not a wait behind the rest of its batch. */
  start = g_get_monotonic_time ();
  status = pc_test_server_stop (fixture->server);
  g_test_message ("SIGTERM during the attack: exited %d after %" G_GINT64_FORMAT " ms",
                  status, (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);
}

/* A batch over --max-batch (default 1000) is refused whole, clearly. */
static void
test_batch_limit (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_to (fixture);
  g_autoptr(GString) batch = g_string_new ("[");
  g_autoptr(json_t) reply = NULL;
  g_autoptr(json_t) ans = NULL;

  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (batch, "%s{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"eval\",\"params\":[\"ans+1\"]}",
                            i > 0 ? "," : "", i);
  g_string_append (batch, "]");
  reply = ask_json (stream, batch->str);
  g_assert_true (json_is_object (reply));
  g_assert_cmpint (error_code (reply), ==, 1002);
  g_assert_cmpstr (error_limit (reply), ==, "batch");
  /* Nothing of it ran. */
  ans = ask_json (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"ans\"]}");
  g_assert_cmpint (json_integer_value (json_object_get (json_object_get (ans, "result"), "value")),
                   ==, 0);
}

/* `vars` of a session too large for one reply is refused with a clear
 * error, and read in pages instead. */
static void
test_vars_pages (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_to (fixture);
  g_autoptr(json_t) refused = NULL;
  g_autofree char *after = NULL;
  g_autofree char *last = NULL;
  guint total = 0;
  guint pages = 0;

  define_variables (stream, 2500, 8);
  refused = ask_json (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"vars\"}");
  g_assert_cmpint (error_code (refused), ==, 1002);
  g_assert_cmpstr (error_limit (refused), ==, "vars");

  do
    {
      g_autofree char *line = NULL;
      g_autoptr(json_t) reply = NULL;
      json_t *result, *vars, *next, *value;
      const char *name;

      if (after == NULL)
        line = g_strdup ("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"vars\",\"params\":{\"limit\":1000}}");
      else
        line = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"vars\",\"params\":"
                                "{\"limit\":1000,\"after\":\"%s\"}}", after);
      reply = ask_json (stream, line);
      result = json_object_get (reply, "result");
      g_assert_nonnull (result);
      vars = json_object_get (result, "vars");
      next = json_object_get (result, "next");
      g_assert_true (json_is_object (vars));
      json_object_foreach (vars, name, value)
        {
          /* In name order across pages, each name once. */
          g_assert_true (last == NULL || strcmp (last, name) < 0);
          g_free (last);
          last = g_strdup (name);
          total++;
        }
      g_clear_pointer (&after, g_free);
      if (json_is_string (next))
        after = g_strdup (json_string_value (next));
      else
        g_assert_true (json_is_null (next));
      pages++;
    }
  while (after != NULL);
  g_assert_cmpuint (total, ==, 2501);  /* ans too */
  g_assert_cmpuint (pages, ==, 3);
}

/* --max-variables: past it, error 1002 naming the limit, and the request
 * changes nothing; at it, assigning existing variables still works. */
static void
test_variable_limit (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_to (fixture);
  g_autoptr(json_t) refused = NULL;
  g_autoptr(json_t) fast = NULL;
  g_autoptr(json_t) still = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *reassign = NULL;
  g_autofree char *unknown = NULL;

  define_variables (stream, 50, 4);
  refused = ask_json (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"v000=7, extra=1\"},\"x\":0}");
  g_assert_cmpint (error_code (refused), ==, 1002);
  g_assert_cmpstr (error_limit (refused), ==, "variables");
  g_assert_nonnull (strstr (json_string_value (json_object_get (json_object_get (refused, "error"), "message")),
                            "at most 50"));
  /* The fast path says the same. */
  fast = ask_json (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"extra=1\"]}");
  g_assert_cmpint (error_code (fast), ==, 1002);
  g_assert_cmpstr (error_limit (fast), ==, "variables");
  plain = pc_test_ask (stream, "extra = 2");
  g_assert_true (g_str_has_prefix (plain, "error: Too many variables"));
  /* Nothing changed: v000 is still 1, extra does not exist. */
  still = ask_json (stream, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eval\",\"params\":[\"v000\"]}");
  g_assert_cmpint (json_integer_value (json_object_get (json_object_get (still, "result"), "value")),
                   ==, 1);
  unknown = pc_test_ask (stream, "extra");
  g_assert_true (g_str_has_prefix (unknown, "error: Unknown variable"));
  reassign = pc_test_ask (stream, "v001 = 5, v001 * 2");
  g_assert_cmpstr (reassign, ==, "5, 10");
}

/* A line starting with JSON's blanks (CR included) then { is JSON-RPC. */
static void
test_leading_blanks (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_to (fixture);
  g_autofree char *general = pc_test_ask (stream, "\r{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  g_autofree char *fast = pc_test_ask (stream, "\r {\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"2\"]}");

  g_assert_cmpstr (general, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"pong\"}");
  g_assert_cmpstr (fast, ==, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":{\"value\":2,\"values\":[2],\"text\":\"2\",\"exact\":\"2\"}}");
}

typedef struct
{
  GIOStream    *stream;
  GCancellable *cancellable;
  gsize         sent;
} Flood;

/* Writes 64 KiB of "1\n" at a time, never reading, until cancelled. */
static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  g_autofree char *chunk = g_malloc (65536);
  GOutputStream *out = g_io_stream_get_output_stream (flood->stream);

  for (gsize i = 0; i < 65536; i += 2)
    memcpy (chunk + i, "1\n", 2);
  while (!g_cancellable_is_cancelled (flood->cancellable))
    {
      gsize written = 0;

      g_output_stream_write_all (out, chunk, 65536, &written, flood->cancellable, NULL);
      flood->sent += written;
      if (written < 65536)
        break;
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Finding 2 and fairness: a session holding the most variables it may
 * floods `1\n` in 64 KiB writes and never reads, on the same (only)
 * worker as another session playing ping-pong. The other session's p99
 * stays under 20 ms. */
static void
test_flood_fairness (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GIOStream) abuser = connect_to (fixture);
  g_autoptr(GIOStream) victim = connect_to (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  Flood flood = { abuser, cancellable, 0 };
  GThread *thread;
  gint64 p50, p99, max;
  const guint rounds = 400;

  define_variables (abuser, 10000, 6);
  thread = g_thread_new ("flood", flood_thread, &flood);
  /* Let the flood reach the server first. */
  g_usleep (200000);
  for (guint i = 0; i < rounds; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autofree char *reply = pc_test_ask (victim, "1+1");
      gint64 took = g_get_monotonic_time () - start;

      g_assert_cmpstr (reply, ==, "2");
      g_array_append_val (latencies, took);
    }
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_array_sort (latencies, compare_gint64);
  p50 = g_array_index (latencies, gint64, rounds / 2);
  p99 = g_array_index (latencies, gint64, rounds * 99 / 100);
  max = g_array_index (latencies, gint64, rounds - 1);
  g_test_message ("ping-pong beside a flood (%" G_GSIZE_FORMAT " bytes sent by the flood, "
                  "10000 variables): p50 %" G_GINT64_FORMAT " us, p99 %" G_GINT64_FORMAT
                  " us, max %" G_GINT64_FORMAT " us",
                  flood.sent, p50, p99, max);
  g_assert_cmpuint (flood.sent, >=, 65536);
  g_assert_cmpint (p99, <, 20000);
}

static const char * const default_args[] = { NULL };
static const char * const few_variables[] = { "--max-variables", "50", NULL };

int
main (int    argc,
      char **argv)
{
  g_autofree char *asan = NULL;

  g_test_init (&argc, &argv, NULL);
  /* One worker: the configuration where one session could hold everyone. */
  g_setenv ("PIPECALC_WORKERS", "1", TRUE);
  /* Under AddressSanitizer the server's freed memory waits in a
   * quarantine (256 MB by default), which would count as resident: keep it
   * small so that the figure is the server's own. */
  asan = g_strdup_printf ("%s%squarantine_size_mb=4", g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "",
                          g_getenv ("ASAN_OPTIONS") ? ":" : "");
  g_setenv ("ASAN_OPTIONS", asan, TRUE);

  g_test_add ("/limits/batch-memory", Fixture, default_args, fixture_set_up,
              test_batch_memory, fixture_tear_down);
  g_test_add ("/limits/batch-limit", Fixture, default_args, fixture_set_up,
              test_batch_limit, fixture_tear_down);
  g_test_add ("/limits/vars-pages", Fixture, default_args, fixture_set_up,
              test_vars_pages, fixture_tear_down);
  g_test_add ("/limits/variable-limit", Fixture, few_variables, fixture_set_up,
              test_variable_limit, fixture_tear_down);
  g_test_add ("/limits/leading-blanks", Fixture, default_args, fixture_set_up,
              test_leading_blanks, fixture_tear_down);
  g_test_add ("/limits/flood-fairness", Fixture, default_args, fixture_set_up,
              test_flood_fairness, fixture_tear_down);
  return g_test_run ();
}
