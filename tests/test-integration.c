/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "pc-test-util.h"

/* Every test body here runs once per transport the platform has, against
 * a real pipecalcd subprocess. */

#define N_CLIENTS 64
#define N_REQUESTS 1000

typedef struct
{
  PcTestServer *server;
  char         *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *scheme = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  fixture->dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", &error);
  g_assert_no_error (error);
  address = pc_test_address (scheme, fixture->dir);
  fixture->server = pc_test_server_start (address, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* A clean exit after SIGTERM, every time: under the sanitizers a leak
   * or a memory error in the server shows here as a non-zero status. */
  g_assert_cmpint (pc_test_server_stop (fixture->server), ==, 0);
  pc_test_server_free (fixture->server);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static GIOStream *
connect_ok (const char *address)
{
  g_autoptr(GError) error = NULL;
  GIOStream *stream = pc_test_connect (address, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stream);
  return stream;
}

static void
assert_reply (GIOStream  *stream,
              const char *request,
              const char *expected)
{
  g_autofree char *reply = pc_test_ask (stream, request);

  g_assert_cmpstr (reply, ==, expected);
}

static void
test_basic (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);

  assert_reply (stream, "2+2", "4");
  assert_reply (stream, "sin(pi/2) + 2^10", "1025");
  assert_reply (stream, "0.1+0.2", "0.3");
  assert_reply (stream, "1/3", "0.333333333333333");
  assert_reply (stream, "1e300*10", "1e+301");
  assert_reply (stream, "1/0", "inf");
  /* CRLF is accepted; blank lines are ignored, not answered. */
  pc_test_send (stream, "\n   \r\n");
  assert_reply (stream, "3*3\r", "9");
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"a=3, a*2\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"value\":6,\"values\":[3,6],\"text\":\"3, 6\",\"exact\":\"6\"}}");
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eval\",\"params\":{\"expr\":\"1+*2\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":1000,\"message\":\"Unexpected operator \\\"*\\\" found at position 2\",\"data\":{\"pos\":2,\"token\":\"*\",\"reason\":\"unexpected-operator\"}}}");
  assert_reply (stream, "1+*2", "error: Unexpected operator \"*\" found at position 2");
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"result\":\"pong\"}");
}

static void
test_session (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GIOStream) one = connect_ok (fixture->server->address);
  g_autoptr(GIOStream) two = connect_ok (fixture->server->address);
  g_autofree char *vars = NULL;
  g_autofree char *info = NULL;

  assert_reply (one, "a = 3", "3");
  assert_reply (one, "a * 2", "6");
  assert_reply (one, "ans + 1", "7");
  /* A failed request changes nothing: a stays 3 and ans stays 7. */
  g_autofree char *failed = pc_test_ask (one, "a = 5, 1+*2");
  g_assert_true (g_str_has_prefix (failed, "error: "));
  assert_reply (one, "a, ans", "3, 7");
  /* Variables belong to the connection: the other one does not see them. */
  g_autofree char *unknown = pc_test_ask (two, "a * 2");
  g_assert_true (g_str_has_prefix (unknown, "error: "));
  g_assert_nonnull (strstr (unknown, "\"a\""));

  vars = pc_test_ask (one, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"vars\"}");
  g_assert_cmpstr (vars, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":3,\"ans\":7}}");
  info = pc_test_ask (one, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"info\"}");
  g_assert_nonnull (strstr (info, "\"server\":\"pipecalcd\""));
  g_assert_nonnull (strstr (info, "\"protocol\":1"));
  assert_reply (one, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"reset\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":true}");
  g_autofree char *after_reset = pc_test_ask (one, "a");
  g_assert_true (g_str_has_prefix (after_reset, "error: "));
}

typedef struct
{
  const char *address;
  int         index;
  gboolean    ok;
  char       *failure;
} ClientJob;

/* One client: all its requests written at once (pipelining), then every
 * reply read and checked, in order. */
static gpointer
pipelining_client (gpointer user_data)
{
  ClientJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = pc_test_connect (job->address, &error);
  g_autoptr(GString) requests = g_string_new (NULL);
  g_autoptr(GString) received = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  char buf[65536];

  if (stream == NULL)
    {
      job->failure = g_strdup_printf ("client %d: %s", job->index, error->message);
      return NULL;
    }
  /* Distinct expressions, whose answers tell which request they answer. */
  for (int i = 0; i < N_REQUESTS; i++)
    g_string_append_printf (requests, "%d*1000+%d\n", job->index, i);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (stream), requests->str,
                                  requests->len, NULL, NULL, &error))
    {
      job->failure = g_strdup_printf ("client %d: write: %s", job->index, error->message);
      return NULL;
    }
  while (lines == NULL || g_strv_length (lines) < N_REQUESTS + 1)
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (stream), buf,
                                      sizeof buf, NULL, &error);
      if (n <= 0)
        {
          job->failure = g_strdup_printf ("client %d: read ended after %u replies",
                                          job->index, g_strv_length (lines));
          return NULL;
        }
      g_string_append_len (received, buf, n);
      g_clear_pointer (&lines, g_strfreev);
      lines = g_strsplit (received->str, "\n", -1);
    }
  for (int i = 0; i < N_REQUESTS; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%d", job->index * 1000 + i);

      if (g_strcmp0 (lines[i], expected) != 0)
        {
          job->failure = g_strdup_printf ("client %d: reply %d is “%s”, expected %s",
                                          job->index, i, lines[i], expected);
          return NULL;
        }
    }
  job->ok = TRUE;
  g_io_stream_close (stream, NULL, NULL);
  return NULL;
}

static void
test_many_clients (Fixture       *fixture,
                   gconstpointer  data)
{
  ClientJob jobs[N_CLIENTS];
  GThread *threads[N_CLIENTS];

  for (int i = 0; i < N_CLIENTS; i++)
    {
      jobs[i] = (ClientJob) { .address = fixture->server->address, .index = i + 1 };
      threads[i] = g_thread_new ("client", pipelining_client, &jobs[i]);
    }
  for (int i = 0; i < N_CLIENTS; i++)
    g_thread_join (threads[i]);
  for (int i = 0; i < N_CLIENTS; i++)
    {
      if (jobs[i].failure != NULL)
        g_test_message ("%s", jobs[i].failure);
      g_assert_null (jobs[i].failure);
      g_assert_true (jobs[i].ok);
    }
}

static void
test_misbehaving_clients (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *address = fixture->server->address;
  g_autoptr(GIOStream) half = connect_ok (address);
  g_autoptr(GIOStream) silent = connect_ok (address);
  g_autoptr(GIOStream) deaf = connect_ok (address);
  g_autoptr(GIOStream) good = connect_ok (address);
  g_autoptr(GString) flood = g_string_new (NULL);
  gint64 start;

  /* Half a request, never finished; a connection that sends nothing; one
   * that disconnects in the middle of a line; and one that sends a flood
   * of requests and never reads a reply. */
  pc_test_send (half, "1+");
  {
    g_autoptr(GIOStream) quitter = connect_ok (address);

    pc_test_send (quitter, "2*");
    g_io_stream_close (quitter, NULL, NULL);
  }
  for (int i = 0; i < 20000; i++)
    g_string_append (flood, "12345+67890\n");
  {
    /* Written from a thread: with nobody reading, the server stops
     * reading too, and this write blocks until the connection closes. */
    g_autoptr(GError) error = NULL;
    GOutputStream *out = g_io_stream_get_output_stream (deaf);
    gsize written = 0;

    g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out),
                                                flood->str, flood->len, NULL, &error);
    (void) written;
  }

  /* None of that delays a well-behaved client. */
  start = g_get_monotonic_time ();
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *request = g_strdup_printf ("%d+1", i);
      g_autofree char *expected = g_strdup_printf ("%d", i + 1);

      assert_reply (good, request, expected);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  /* The half-written request is still waiting, and completes normally. */
  pc_test_send (half, "1\n");
  g_autofree char *finished = pc_test_read_line (half);
  g_assert_cmpstr (finished, ==, "2");
  (void) silent;
}

static void
test_too_long (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autofree char *reply = NULL;
  g_autofree char *json_reply = NULL;

  for (int i = 0; i < 35000; i++)
    g_string_append (huge, "1+");
  g_string_append (huge, "1");
  reply = pc_test_ask (stream, huge->str);
  g_assert_cmpstr (reply, ==, "error: request too large (limit 65536 bytes)");
  assert_reply (stream, "2+2", "4");

  g_string_printf (huge, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"");
  for (int i = 0; i < 35000; i++)
    g_string_append (huge, "1+");
  g_string_append (huge, "1\"}}");
  json_reply = pc_test_ask (stream, huge->str);
  g_assert_nonnull (strstr (json_reply, "\"code\":1001"));
  g_assert_nonnull (strstr (json_reply, "\"limit\":65536"));
  assert_reply (stream, "3+3", "6");

  /* Within the line limit but past the evaluator's: a clean error. */
  g_string_truncate (huge, 0);
  for (int i = 0; i < 15000; i++)
    g_string_append (huge, "1+");
  g_string_append (huge, "1");
  g_free (reply);
  reply = pc_test_ask (stream, huge->str);
  g_assert_true (g_str_has_prefix (reply, "error: "));
  assert_reply (stream, "4+4", "8");
}

static void
test_bad_bytes (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  g_autoptr(GError) error = NULL;
  g_autofree char *nul_reply = NULL;
  g_autofree char *utf8_reply = NULL;
  g_autofree char *json_reply = NULL;
  g_autofree char *hostile = NULL;
  g_autofree char *long_token = g_strnfill (3000, 'x');

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), "1+\0002\n", 5,
                             NULL, NULL, &error);
  g_assert_no_error (error);
  nul_reply = pc_test_read_line (stream);
  g_assert_true (g_str_has_prefix (nul_reply, "error: "));

  utf8_reply = pc_test_ask (stream, "1+\xff\xfe");
  g_assert_true (g_str_has_prefix (utf8_reply, "error: "));

  json_reply = pc_test_ask (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"\xff\"}}");
  g_assert_nonnull (strstr (json_reply, "-32700"));

  /* The token that overflows muparser's static error buffer. */
  hostile = g_strconcat ("1+", long_token, NULL);
  g_free (utf8_reply);
  utf8_reply = pc_test_ask (stream, hostile);
  g_assert_true (g_str_has_prefix (utf8_reply, "error: "));

  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"nosuch\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32601,\"message\":\"Method not found: nosuch\"}}");
  assert_reply (stream, "{not json", "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error: the request is not valid JSON\"}}");
  assert_reply (stream, "5*5", "25");
}

static void
test_sigterm (Fixture       *fixture,
              gconstpointer  data)
{
  const char *scheme = data;
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  g_autoptr(PcAddress) address = pc_transports_parse_address (pc_test_transports (),
                                                              fixture->server->address, NULL);
  g_autofree char *after = NULL;
  g_autoptr(GString) burst = g_string_new (NULL);

  /* Replies in flight are finished before the server exits. */
  for (int i = 0; i < 100; i++)
    g_string_append_printf (burst, "%d\n", i);
  pc_test_send (stream, burst->str);
  g_usleep (100000);
  g_assert_cmpint (pc_test_server_stop (fixture->server), ==, 0);
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *reply = pc_test_read_line (stream);
      g_autofree char *expected = g_strdup_printf ("%d", i);

      g_assert_cmpstr (reply, ==, expected);
    }
  after = pc_test_read_line (stream);
  g_assert_null (after);
  if (!g_str_equal (scheme, "tcp"))
    g_assert_false (g_file_test (address->path, G_FILE_TEST_EXISTS));
}

static void
test_second_server (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *argv[] = { pc_test_server_path (), "--listen", fixture->server->address, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GIOStream) stream = NULL;
  int status;

  status = pc_test_run (argv, NULL, NULL, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, fixture->server->address));
  g_assert_nonnull (strstr (err, "already"));
  /* And the first one is unharmed. */
  stream = connect_ok (fixture->server->address);
  assert_reply (stream, "6*7", "42");
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  const char *address = fixture->server->address;
  const char *ok[] = { pc_test_cli_path (), "--connect", address, "a=3", "a*2", "2^10", NULL };
  const char *bad[] = { pc_test_cli_path (), "--connect", address, "1+1", "1+*2", "5", NULL };
  const char *json[] = { pc_test_cli_path (), "--connect", address, "--json", "2+2", NULL };
  const char *piped[] = { pc_test_cli_path (), "--connect", address, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (pc_test_run (ok, NULL, NULL, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "3\n6\n1024\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (pc_test_run (bad, NULL, NULL, &out, &err), ==, 1);
  g_assert_cmpstr (out, ==, "2\n5\n");
  g_assert_cmpstr (err, ==, "error: Unexpected operator \"*\" found at position 2\n  1+*2\n    ^\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (pc_test_run (json, NULL, NULL, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"value\":4,"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Piped stdin: no prompt, one reply per line, blank lines skipped. */
  g_assert_cmpint (pc_test_run (piped, NULL, "b=2\n\nb^3\n", &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "2\n8\n");
}

static void
assert_cli (const char *address,
            const char *format,
            const char *digits,
            const char *expression,
            int         status,
            const char *out_expected,
            const char *err_expected)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) pc_test_cli_path ());
  g_ptr_array_add (argv, (gpointer) "--connect");
  g_ptr_array_add (argv, (gpointer) address);
  if (format != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--format");
      g_ptr_array_add (argv, (gpointer) format);
    }
  if (digits != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--digits");
      g_ptr_array_add (argv, (gpointer) digits);
    }
  g_ptr_array_add (argv, (gpointer) "--");
  g_ptr_array_add (argv, (gpointer) expression);
  g_ptr_array_add (argv, NULL);
  g_test_message ("--format %s --digits %s %s", format, digits, expression);
  g_assert_cmpint (pc_test_run ((const char **) argv->pdata, NULL, NULL, &out, &err), ==, status);
  g_assert_cmpstr (out, ==, out_expected);
  if (err_expected != NULL)
    g_assert_cmpstr (err, ==, err_expected);
}

/* pipecalc-cli --format and --digits write results with pc-format. */
static void
test_cli_format (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *address = fixture->server->address;

  /* Without either, the server's text, as before. */
  assert_cli (address, NULL, NULL, "2^64", 0, "1.84467440737096e+19\n", "");
  assert_cli (address, "auto", NULL, "1/3", 0, "0.333333333333333\n", "");
  assert_cli (address, NULL, "5", "1/3", 0, "0.33333\n", "");
  assert_cli (address, NULL, "17", "0.1+0.2", 0, "0.30000000000000004\n", "");
  assert_cli (address, "fixed", NULL, "2/3", 0, "0.67\n", "");
  assert_cli (address, "fixed", "0", "2^64", 0, "18446744073709551616\n", "");
  assert_cli (address, "fixed", "4", "-1/8, 2", 0, "-0.1250, 2.0000\n", "");
  assert_cli (address, "sci", "3", "123456", 0, "1.23e5\n", "");
  assert_cli (address, "eng", NULL, "0.000047", 0, "47e-6\n", "");
  assert_cli (address, "frac", NULL, "0.75", 0, "3/4\n", "");
  assert_cli (address, "frac", NULL, "1/3 + 1/6", 0, "1/2\n", "");
  assert_cli (address, "frac", NULL, "pi", 0, "3.14159265358979\n",
              "note: no fraction with a denominator up to 1000000: shown in decimal\n");
  assert_cli (address, "hex", NULL, "255", 0, "0xFF\n", "");
  assert_cli (address, "hex", NULL, "2^64", 0, "0x10000000000000000\n", "");
  assert_cli (address, "oct", NULL, "-8", 0, "-0o10\n", "");
  assert_cli (address, "bin", NULL, "10", 0, "0b1010\n", "");
  assert_cli (address, "bin", NULL, "2.5", 0, "2.5\n",
              "note: not a whole number: shown in decimal\n");
  assert_cli (address, "hex", NULL, "1/0", 0, "inf\n", "");
  /* A definition has no value: its text, whatever the format. */
  assert_cli (address, "frac", NULL, "q(x) = x/4", 0, "q(x) = x/4\n", "");
  assert_cli (address, "fixed", "0", "-2^100", 0, "-1267650600228229401496703205376\n", "");

  /* Bad values: a message, status 2, nothing evaluated. */
  assert_cli (address, "roman", NULL, "2", 2, "",
              "pipecalc-cli: unknown --format “roman”: use auto, fixed, sci, eng, frac, hex, oct or bin\n");
  assert_cli (address, NULL, "0", "2", 2, "",
              "pipecalc-cli: --digits must be from 1 to 17 significant digits\n");
  assert_cli (address, "sci", "18", "2", 2, "", NULL);
  assert_cli (address, NULL, "-1", "2", 2, "", NULL);
  assert_cli (address, "fixed", "21", "2", 2, "",
              "pipecalc-cli: --digits must be from 0 to 20 decimals with --format fixed\n");
  assert_cli (address, "fixed", "x", "2", 2, "", NULL);
}

/* The eval reply says what "value" cannot: a whole number's exact digits,
 * the kind of a value that is not a number (docs/protocol.md, "Values"),
 * the same way on the fast path and the general one. */
static void
test_eval_reply (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  const struct
  {
    const char *expr;
    const char *result;
  } cases[] = {
    { "2+2", "{\"value\":4,\"values\":[4],\"text\":\"4\",\"exact\":\"4\"}" },
    { "2^64", "{\"value\":1.8446744073709552e19,\"values\":[1.8446744073709552e19],"
      "\"text\":\"1.84467440737096e+19\",\"exact\":\"18446744073709551616\"}" },
    { "-2^100", "{\"value\":-1.2676506002282294e30,\"values\":[-1.2676506002282294e30],"
      "\"text\":\"-1.26765060022823e+30\",\"exact\":\"-1267650600228229401496703205376\"}" },
    { "2^53+1", "{\"value\":9007199254740992.0,\"values\":[9007199254740992.0],"
      "\"text\":\"9.00719925474099e+15\",\"exact\":\"9007199254740992\"}" },
    { "-0*1", "{\"value\":0,\"values\":[0],\"text\":\"0\",\"exact\":\"0\"}" },
    { "0.5", "{\"value\":0.5,\"values\":[0.5],\"text\":\"0.5\"}" },
    { "2^64, 0.5", "{\"value\":0.5,\"values\":[1.8446744073709552e19,0.5],"
      "\"text\":\"1.84467440737096e+19, 0.5\"}" },
    { "1/0", "{\"value\":null,\"values\":[null],\"text\":\"inf\",\"kind\":\"infinity\"}" },
    { "-1/0", "{\"value\":null,\"values\":[null],\"text\":\"-inf\",\"kind\":\"infinity\"}" },
    { "1e308*10", "{\"value\":null,\"values\":[null],\"text\":\"inf\",\"kind\":\"infinity\"}" },
    { "sqrt(-1)", "{\"value\":null,\"values\":[null],\"text\":\"nan\",\"kind\":\"undefined\"}" },
    { "1/0, 2", "{\"value\":2,\"values\":[null,2],\"text\":\"inf, 2\",\"exact\":\"2\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int general = 0; general < 2; general++)
      {
        g_autofree char *request = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eval\",\"params\":[\"%s\"]%s}",
          cases[i].expr, general ? ",\"x\":0" : "");
        g_autofree char *expected = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":%s}", cases[i].result);

        assert_reply (stream, request, expected);
      }
  /* Plain mode stays as it is. */
  assert_reply (stream, "2^64", "1.84467440737096e+19");
  assert_reply (stream, "1/0", "inf");
}

/* ---- Tests that need no running server -------------------------------- */

static void
test_cli_unreachable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("unix:%s/nobody-here", dir);
  const char *argv[] = { pc_test_cli_path (), "--connect", address, "2+2", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (pc_test_run (argv, NULL, NULL, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, address));
  g_assert_nonnull (strstr (err, "pipecalcd --listen"));
  g_rmdir (dir);
}

static void
test_cli_embedded (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", NULL);
  g_autofree char *env_dir = g_strdup_printf ("XDG_RUNTIME_DIR=%s", dir);
  g_autofree char *private_dir = g_build_filename (dir, "pipecalc", NULL);
  const char *env[] = { env_dir, NULL };
  const char *argv[] = { pc_test_cli_path (), "x=2", "x^10", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GDir) left = NULL;

  /* Nothing listens at the default address: the CLI starts a private
   * server, uses it, and stops it (its socket goes with it). */
  g_assert_cmpint (pc_test_run (argv, env, NULL, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "2\n1024\n");
  left = g_dir_open (private_dir, 0, NULL);
  g_assert_nonnull (left);
  g_assert_null (g_dir_read_name (left));
  g_rmdir (private_dir);
  g_rmdir (dir);
}

static void
test_server_bad_options (void)
{
  g_autofree char *long_path = g_strnfill (200, 'p');
  g_autofree char *long_address = g_strdup_printf ("unix:/tmp/%s", long_path);
  struct
  {
    const char *args[4];
    const char *env;
    const char *message;
  } cases[] = {
    { { "--listen", "foo://x", NULL }, NULL, "not a known transport" },
    { { "--listen", "", NULL }, NULL, "empty" },
    { { "--listen", "tcp://127.0.0.1:0", NULL }, NULL, "between 1 and 65535" },
    { { "--listen", "tcp://127.0.0.1:70000", NULL }, NULL, "between 1 and 65535" },
    { { "--listen", long_address, NULL }, NULL, "too long" },
    { { "--listen", "unix:/nonexistent-dir/socket", NULL }, NULL, "/nonexistent-dir" },
    { { "--max-line", "10", NULL }, NULL, "--max-line" },
    { { "--max-clients", "0", NULL }, NULL, "--max-clients" },
    { { "stray", NULL }, NULL, "stray" },
    { { NULL }, "XDG_RUNTIME_DIR=/proc/pipecalc-cannot-exist", "/proc/pipecalc-cannot-exist" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[6] = { pc_test_server_path (), NULL };
      const char *env[] = { cases[i].env, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      for (guint j = 0; cases[i].args[j] != NULL; j++)
        argv[j + 1] = cases[i].args[j];
      g_test_message ("pipecalcd %s %s", cases[i].args[0] ? cases[i].args[0] : "",
                      cases[i].args[1] ? cases[i].args[1] : "");
      g_assert_cmpint (pc_test_run (argv, env, NULL, &out, &err), ==, 1);
      if (strstr (err, cases[i].message) == NULL)
        g_test_message ("stderr: %s", err);
      g_assert_nonnull (strstr (err, cases[i].message));
    }
}

static void
test_stale_socket (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "socket", NULL);
  g_autofree char *address = g_strdup_printf ("unix:%s", path);
  g_autoptr(GSocket) dead = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GSocketAddress) where = g_unix_socket_address_new (path);
  g_autoptr(GError) error = NULL;
  PcTestServer *server;
  g_autoptr(GIOStream) stream = NULL;

  /* A socket file whose server died: bound, then closed, never unlinked. */
  g_socket_bind (dead, where, FALSE, &error);
  g_assert_no_error (error);
  g_socket_close (dead, NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  server = pc_test_server_start (address, NULL);
  stream = connect_ok (address);
  assert_reply (stream, "1+1", "2");
  g_io_stream_close (stream, NULL, NULL);
  g_assert_cmpint (pc_test_server_stop (server), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  pc_test_server_free (server);
  g_rmdir (dir);
}

static void
test_max_clients (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", NULL);
  g_autofree char *address = pc_test_address ("unix", dir);
  const char *extra[] = { "--max-clients", "2", NULL };
  PcTestServer *server = pc_test_server_start (address, extra);
  g_autoptr(GIOStream) one = connect_ok (address);
  g_autoptr(GIOStream) two = connect_ok (address);
  g_autoptr(GIOStream) three = connect_ok (address);
  g_autofree char *refused = NULL;

  assert_reply (one, "1", "1");
  assert_reply (two, "2", "2");
  refused = pc_test_ask (three, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  g_assert_nonnull (strstr (refused, "\"code\":1002"));
  g_io_stream_close (one, NULL, NULL);
  g_clear_object (&one);
  /* A slot is free again once a client leaves. */
  for (int tries = 0;; tries++)
    {
      g_autoptr(GIOStream) again = connect_ok (address);
      g_autofree char *reply = pc_test_ask (again, "3");

      if (g_strcmp0 (reply, "3") == 0)
        break;
      g_assert_cmpint (tries, <, 100);
      g_usleep (20000);
    }
  g_clear_object (&two);
  g_clear_object (&three);
  g_assert_cmpint (pc_test_server_stop (server), ==, 0);
  pc_test_server_free (server);
  g_rmdir (dir);
}

/* The parse cache over the wire: an expression sent again is answered
 * from its kept bytecode with the variables' current values, whatever
 * mode it comes in, and forgetting a variable reaches it. */
static void
test_parse_cache (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  g_autoptr(GString) burst = g_string_new (NULL);

  assert_reply (stream, "x = 2", "2");
  assert_reply (stream, "x^2", "4");
  assert_reply (stream, "x = 3", "3");
  assert_reply (stream, "x^2", "9");
  for (int i = 0; i < 2000; i++)
    g_string_append (burst, "x = x + 1, x^2\n");
  pc_test_send (stream, burst->str);
  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *reply = pc_test_read_line (stream);
      g_autofree char *expected = g_strdup_printf ("%d, %d", 4 + i, (4 + i) * (4 + i));

      g_assert_cmpstr (reply, ==, expected);
    }
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"x^2\"]}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"value\":4012009,\"values\":[4012009],\"text\":\"4012009\",\"exact\":\"4012009\"}}");
  /* A failure after cached successes leaves ans and x alone. */
  assert_reply (stream, "x^2 + nope", "error: Unknown variable \"nope\" at position 6");
  assert_reply (stream, "ans, x", "4012009, 2003");
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"unset\",\"params\":{\"name\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":true}");
  assert_reply (stream, "x^2", "error: Unknown variable \"x\" at position 0");
}

/* The server answers the common JSON-RPC eval call without jansson; any
 * other shape takes the general path. Both must write the same reply, byte
 * for byte: an unknown extra member sends the same call the general way. */
static void
test_json_paths (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  const char *exprs[] = {
    "2+2", "0.1+0.2", "1/3", "-0", "1e300*10", "-1e300*1e300", "sqrt(-1)", "2^53+1",
    "a = 3, a*2, 1/0", "a", "1+*2", "nope + 1", "sin(", "pi = 3", "", "  ", "1e999",
    "9007199254740993", "-123456789012345", "123456789.125", "\\t1", "ans",
    "2^64", "-2^100", "2^53", "-2^53+1", "1.5, 2^70", "2^64, 0.5", "2^1023*1.999",
    "-1/0", "1, 0/0", "1/0, 2", "-0*1", "1e308*10", "999999999999999", "1e15",
    "-999999999999999", "0", "-7", "2^53-1", "h(x) = x*2", "h(21)", "170!", "171!",
  };

  for (guint i = 0; i < G_N_ELEMENTS (exprs); i++)
    for (int params = 0; params < 2; params++)
      {
        g_autofree char *arg = params ? g_strdup_printf ("[\"%s\"]", exprs[i])
                                      : g_strdup_printf ("{\"expr\":\"%s\"}", exprs[i]);
        g_autofree char *fast = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"eval\",\"params\":%s}", i, arg);
        g_autofree char *general = g_strdup_printf (
          "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"eval\",\"params\":%s,\"x\":0}", i, arg);
        g_autofree char *fast_string = g_strdup_printf (
          " { \"params\" : %s , \"method\" : \"eval\", \"id\" : \"s%u\" ,\"jsonrpc\":\"2.0\" } ",
          arg, i);
        g_autofree char *general_string = g_strdup_printf (
          "{\"params\":%s,\"method\":\"eval\",\"id\":\"s\\u0030%u\",\"jsonrpc\":\"2.0\"}", arg, i);
        g_autofree char *one = pc_test_ask (stream, fast);
        g_autofree char *two = pc_test_ask (stream, general);
        g_autofree char *three = pc_test_ask (stream, fast_string);
        g_autofree char *four = pc_test_ask (stream, general_string);
        g_autofree char *id = g_strdup_printf ("\"id\":\"s%u\"", i);
        g_autofree char *id0 = g_strdup_printf ("\"id\":\"s0%u\"", i);
        g_autofree char *three_as_four = NULL;
        char *at;

        g_test_message ("%s → %s", fast, one);
        g_assert_cmpstr (one, ==, two);
        /* The same reply with the id each call carried. */
        at = strstr (three, id);
        g_assert_nonnull (at);
        three_as_four = g_strdup_printf ("%.*s%s%s", (int) (at - three), three, id0,
                                         at + strlen (id));
        g_assert_cmpstr (three_as_four, ==, four);
      }

  /* Batches: all simple calls, or one extra member sending the whole
   * batch the general way; the same reply either way. */
  {
    g_autoptr(GString) fast = g_string_new ("[");
    g_autoptr(GString) general = g_string_new ("[");
    g_autofree char *one = NULL;
    g_autofree char *two = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (exprs); i++)
      {
        const char *sep = i > 0 ? " , " : "";

        g_string_append_printf (fast, "%s{\"jsonrpc\":\"2.0\",\"id\":%u,"
                                "\"method\":\"eval\",\"params\":[\"%s\"]}", sep, i, exprs[i]);
        g_string_append_printf (general, "%s{\"jsonrpc\":\"2.0\",\"id\":%u,"
                                "\"method\":\"eval\",\"params\":[\"%s\"]%s}", sep, i, exprs[i],
                                i == G_N_ELEMENTS (exprs) - 1 ? ",\"x\":0" : "");
      }
    g_string_append (fast, "]");
    g_string_append (general, "]");
    one = pc_test_ask (stream, fast->str);
    two = pc_test_ask (stream, general->str);
    g_test_message ("batch → %s", one);
    g_assert_true (g_str_has_prefix (one, "[{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"value\":4,"));
    g_assert_cmpstr (one, ==, two);
  }
}

/* Hostile JSON through a real server: each line gets the protocol's
 * error, and the same connection is served normally right after. */
static void
assert_error_then_alive (GIOStream  *stream,
                         const char *request,
                         const char *code)
{
  g_autofree char *reply = pc_test_ask (stream, request);
  g_autofree char *wanted = g_strdup_printf ("\"error\":{\"code\":%s,", code);

  g_test_message ("%.200s → %.300s", request, reply);
  g_assert_nonnull (reply);
  g_assert_true (g_str_has_prefix (reply, "{\"jsonrpc\":\"2.0\",\"id\":"));
  g_assert_nonnull (strstr (reply, wanted));
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"eval\",\"params\":[\"6*7\"]}",
                "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{\"value\":42,\"values\":[42],\"text\":\"42\",\"exact\":\"42\"}}");
}

static char *
huge_eval (gsize size)
{
  g_autofree char *big = g_strnfill (size, '1');

  return g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"%s\"]}", big);
}

static void
test_hostile_json (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_ok (fixture->server->address);
  g_autofree char *opening = g_strnfill (10000, '[');
  g_autofree char *closing = g_strnfill (10000, ']');
  g_autofree char *deep = g_strconcat (opening, closing, NULL);
  g_autofree char *huge = huge_eval (1024 * 1024);
  g_autofree char *dup = NULL;

  dup = pc_test_ask (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"1\",\"expr\":\"2\"}}");
  g_assert_cmpstr (dup, ==, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                   "\"message\":\"Parse error: the key \\\"expr\\\" appears twice in one object\"}}");
  assert_error_then_alive (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", "-32700");
  assert_error_then_alive (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\\u0000+1\"]}", "-32700");
  assert_error_then_alive (stream, deep, "-32700");
  assert_error_then_alive (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"unset\",\"params\":[1e400]}", "-32700");
  assert_error_then_alive (stream, "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}", "-32700");
  assert_error_then_alive (stream, "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775808,\"method\":\"eval\",\"params\":[\"1\"]}", "-32700");
  /* -0 is 0 as a result; an id goes back as it came, -0, on the fast
   * path and the general one. */
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"-0\"]}",
                "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":{\"value\":0,\"values\":[0],\"text\":\"0\",\"exact\":\"0\"}}");
  assert_reply (stream, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"-0\"],\"x\":-0}",
                "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":{\"value\":0,\"values\":[0],\"text\":\"0\",\"exact\":\"0\"}}");
  /* 1 MiB of string is past the default 64 KiB line limit. */
  assert_error_then_alive (stream, huge, "1001");
}

/* With --max-line raised past it, the same 1 MiB string is parsed and
 * reaches the evaluator, whose own limit (10000 bytes) refuses it. */
static void
test_hostile_json_max_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", &error);
  g_autofree char *address = pc_test_address ("unix", dir);
  const char *extra[] = { "--max-line", "4194304", NULL };
  PcTestServer *server = pc_test_server_start (address, extra);
  g_autoptr(GIOStream) stream = connect_ok (server->address);
  g_autofree char *huge = huge_eval (1024 * 1024);
  g_autofree char *reply = pc_test_ask (stream, huge);

  g_assert_true (g_str_has_prefix (reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1000,"));
  g_assert_nonnull (strstr (reply, "\"reason\":\"expression-too-long\""));
  assert_error_then_alive (stream, "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":1}", "-32700");
  g_clear_object (&stream);
  g_assert_cmpint (pc_test_server_stop (server), ==, 0);
  pc_test_server_free (server);
  g_rmdir (dir);
}

/* The server's behaviour must not depend on how many worker threads it
 * runs: the same bodies with sessions on the main loop (0) and spread over
 * more workers than this machine may have cores (4). */
static void
run_with_workers (const char *workers,
                  void      (*body) (Fixture *, gconstpointer))
{
  Fixture fixture = { 0, };

  g_setenv ("PIPECALC_WORKERS", workers, TRUE);
  fixture_set_up (&fixture, "unix");
  g_unsetenv ("PIPECALC_WORKERS");
  body (&fixture, "unix");
  fixture_tear_down (&fixture, "unix");
}

static void
test_single_loop (void)
{
  run_with_workers ("0", test_session);
  run_with_workers ("0", test_many_clients);
  run_with_workers ("0", test_sigterm);
}

static void
test_four_workers (void)
{
  run_with_workers ("4", test_many_clients);
  run_with_workers ("4", test_misbehaving_clients);
  run_with_workers ("4", test_sigterm);
}

/* --max-clients counts the sessions of every worker together. */
static void
test_max_clients_workers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pipecalc-it-XXXXXX", NULL);
  g_autofree char *address = pc_test_address ("unix", dir);
  const char *extra[] = { "--max-clients", "3", NULL };
  PcTestServer *server = NULL;
  GIOStream *clients[3];
  g_autoptr(GIOStream) fourth = NULL;
  g_autofree char *refused = NULL;

  g_setenv ("PIPECALC_WORKERS", "4", TRUE);
  server = pc_test_server_start (address, extra);
  g_unsetenv ("PIPECALC_WORKERS");
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *request = g_strdup_printf ("%d", i);

      clients[i] = connect_ok (address);
      assert_reply (clients[i], request, request);
    }
  fourth = connect_ok (address);
  refused = pc_test_ask (fourth, "1+1");
  g_assert_cmpstr (refused, ==, "error: server busy: limit max-clients reached");
  g_io_stream_close (clients[1], NULL, NULL);
  g_clear_object (&clients[1]);
  for (int tries = 0;; tries++)
    {
      g_autoptr(GIOStream) again = connect_ok (address);
      g_autofree char *reply = pc_test_ask (again, "3");

      if (g_strcmp0 (reply, "3") == 0)
        break;
      g_assert_cmpint (tries, <, 100);
      g_usleep (20000);
    }
  assert_reply (clients[0], "a = 1", "1");
  assert_reply (clients[2], "a = 2", "2");
  g_clear_object (&clients[0]);
  g_clear_object (&clients[2]);
  g_assert_cmpint (pc_test_server_stop (server), ==, 0);
  pc_test_server_free (server);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) transports = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  transports = pc_transports_list (pc_test_transports ());
  for (guint i = 0; i < transports->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (transports, i);
      struct
      {
        const char *name;
        void (*func) (Fixture *, gconstpointer);
      } bodies[] = {
        { "basic", test_basic },
        { "session", test_session },
        { "many-clients-pipelined", test_many_clients },
        { "misbehaving-clients", test_misbehaving_clients },
        { "too-long", test_too_long },
        { "bad-bytes", test_bad_bytes },
        { "sigterm", test_sigterm },
        { "second-server", test_second_server },
        { "cli", test_cli },
        { "parse-cache", test_parse_cache },
        { "json-paths", test_json_paths },
        { "eval-reply", test_eval_reply },
        { "cli-format", test_cli_format },
        { "hostile-json", test_hostile_json },
      };

      /* Named pipes are Windows-only; every other transport is local. */
      if (!(ops->flags & PC_TRANSPORT_FLAG_LOCAL) || g_str_equal (ops->scheme, "npipe"))
        continue;
      g_ptr_array_add (names, g_strdup (ops->scheme));
      for (guint j = 0; j < G_N_ELEMENTS (bodies); j++)
        {
          g_autofree char *path = g_strdup_printf ("/integration/%s/%s", ops->scheme,
                                                   bodies[j].name);

          g_test_add (path, Fixture, ops->scheme, fixture_set_up, bodies[j].func,
                      fixture_tear_down);
        }
    }
  g_test_add_func ("/integration/cli/unreachable", test_cli_unreachable);
  g_test_add_func ("/integration/cli/embedded-default", test_cli_embedded);
  g_test_add_func ("/integration/server/bad-options", test_server_bad_options);
  g_test_add_func ("/integration/unix/stale-socket", test_stale_socket);
  g_test_add_func ("/integration/unix/hostile-json-max-line", test_hostile_json_max_line);
  g_test_add_func ("/integration/unix/max-clients", test_max_clients);
  g_test_add_func ("/integration/unix/max-clients-workers", test_max_clients_workers);
  g_test_add_func ("/integration/unix/single-loop", test_single_loop);
  g_test_add_func ("/integration/unix/four-workers", test_four_workers);

  return g_test_run ();
}
