/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-client.h"
#include "pc-evaluator.h"
#include "pc-json.h"
#include "pc-test-util.h"
#include "pc-wait.h"

/* The `sample` method (issue 14): the sampler against eval point by point,
 * its errors, the session left as it was; then a real pipecalcd: a
 * million points read in full by the client within a memory bound, a
 * client that stops reading mid-reply, the parameters' errors, and
 * pipecalc-cli --sample. */

/* ---- The evaluator ------------------------------------------------------ */

/* Every value of a sample, against eval of the same expression with the
 * variable assigned the same x in another session: the same double. */
static void
assert_matches_eval (PcEvaluator *evaluator,
                     const char  *setup,
                     const char  *expr,
                     const char  *var,
                     double       from,
                     double       to,
                     guint        points)
{
  g_autoptr(PcEvaluator) reference = pc_evaluator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PcSampler) sampler = NULL;
  const double *values;
  guint done = 0;
  guint n;

  if (setup != NULL)
    {
      g_auto(GStrv) requests = g_strsplit (setup, ";", -1);

      for (guint i = 0; requests[i] != NULL; i++)
        {
          g_autoptr(GArray) ignored = pc_evaluator_eval (reference, requests[i], NULL, &error);

          g_assert_no_error (error);
        }
    }
  sampler = pc_evaluator_sample (evaluator, expr, var, from, to, points, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sampler);
  while ((n = pc_sampler_next (sampler, 250, &values)) > 0)
    {
      for (guint i = 0; i < n; i++, done++)
        {
          double x = pc_sampler_x (sampler, done);
          g_autofree char *assign = g_strdup_printf ("%s = %.17g", var, x);
          g_autoptr(GArray) set = pc_evaluator_eval (reference, assign, NULL, &error);
          g_autoptr(GArray) expected = NULL;
          double want = NAN;

          g_assert_no_error (error);
          expected = pc_evaluator_eval (reference, expr, NULL, &error);
          /* A point where eval fails (a domain error) is NaN in a sample. */
          if (expected != NULL)
            want = g_array_index (expected, double, 0);
          g_clear_error (&error);
          if (isnan (want))
            g_assert_true (isnan (values[i]));
          else
            g_assert_cmpfloat (values[i], ==, want);
        }
    }
  g_assert_cmpuint (done, ==, points);
  g_assert_cmpfloat (pc_sampler_x (sampler, 0), ==, from);
  g_assert_cmpfloat (pc_sampler_x (sampler, points - 1), ==, to);
}

static void
eval_ok (PcEvaluator *evaluator,
         const char  *expr)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) values = pc_evaluator_eval (evaluator, expr, NULL, &error);

  g_assert_no_error (error);
}

static void
test_values (void)
{
  g_autoptr(PcEvaluator) evaluator = pc_evaluator_new ();

  assert_matches_eval (evaluator, NULL, "sin(x)^2+cos(x)^2", "x", -10, 10, 1001);
  assert_matches_eval (evaluator, NULL, "sin(x)/x", "x", -10, 10, 10000);
  assert_matches_eval (evaluator, NULL, "x!", "x", -3, 12, 31);
  assert_matches_eval (evaluator, NULL, "sqrt(t) + t % 3", "t", 10, -10, 77);
  eval_ok (evaluator, "a = 3");
  eval_ok (evaluator, "f(u) = u^2 + a");
  assert_matches_eval (evaluator, "a = 3; f(u) = u^2 + a", "f(x) * a", "x", -2, 2, 9000);
}

/* More session variables than go in bulk: evaluated point by point. */
static void
test_many_variables (void)
{
  g_autoptr(PcEvaluator) evaluator = pc_evaluator_new ();
  g_autoptr(GString) setup = g_string_new (NULL);
  g_autoptr(GString) expr = g_string_new ("x");

  for (guint i = 0; i < 40; i++)
    {
      g_string_append_printf (setup, "%sv%u = %u", i > 0 ? ", " : "", i, i);
      g_string_append_printf (expr, " + v%u * x", i);
    }
  eval_ok (evaluator, setup->str);
  assert_matches_eval (evaluator, setup->str, expr->str, "x", -1, 1, 5000);
}

static void
assert_sample_error (PcEvaluator     *evaluator,
                     const char      *expr,
                     PcEvalErrorCode  code,
                     int              pos,
                     const char      *reason)
{
  g_autoptr(GError) error = NULL;
  PcEvalErrorDetail detail = { -1, NULL };
  g_autoptr(PcSampler) sampler = pc_evaluator_sample (evaluator, expr, "x", 0, 1, 10,
                                                      &detail, &error);

  g_assert_null (sampler);
  g_assert_error (error, PC_EVAL_ERROR, (gint) code);
  g_assert_cmpint (detail.pos, ==, pos);
  g_assert_cmpstr (pc_eval_error_reason (code), ==, reason);
  pc_eval_error_detail_clear (&detail);
}

static void
test_errors (void)
{
  g_autoptr(PcEvaluator) evaluator = pc_evaluator_new ();
  g_autoptr(GError) error = NULL;
  const char *bad_names[] = { "", "1x", "a b", "x+", "sin", "pi", "_e", "f", NULL };

  eval_ok (evaluator, "f(t) = t");
  assert_sample_error (evaluator, "1, x", PC_EVAL_ERROR_SEVERAL_RESULTS, 1, "several-results");
  assert_sample_error (evaluator, "a = x", PC_EVAL_ERROR_ASSIGNMENT, 2, "assignment");
  assert_sample_error (evaluator, "g(x) = 2", PC_EVAL_ERROR_ASSIGNMENT, 5, "assignment");
  assert_sample_error (evaluator, "b * x", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "unknown-variable");
  assert_sample_error (evaluator, "x + nope(x)", PC_EVAL_ERROR_UNKNOWN_FUNCTION, 4,
                       "unknown-function");
  assert_sample_error (evaluator, "x +* 2", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 3,
                       "unexpected-operator");
  assert_sample_error (evaluator, "", PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, "empty-expression");
  /* "b" was not left behind by the failure. */
  g_assert_cmpuint (pc_evaluator_n_variables (evaluator), ==, 1);

  for (guint i = 0; bad_names[i] != NULL; i++)
    {
      g_assert_false (pc_evaluator_check_sample_variable (evaluator, bad_names[i], &error));
      g_assert_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_INVALID_PARAMETER);
      g_clear_error (&error);
    }
  g_assert_true (pc_evaluator_check_sample_variable (evaluator, "t_2", &error));
  g_assert_no_error (error);
}

/* Session variables are visible; one of the sampled name is hidden and
 * keeps its value; ans does not move; nothing is created. */
static void
test_session_unchanged (void)
{
  g_autoptr(PcEvaluator) evaluator = pc_evaluator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PcSampler) sampler = NULL;
  g_autoptr(GArray) after = NULL;
  const double *values;
  guint n;

  eval_ok (evaluator, "a = 2, x = 5, 7");
  sampler = pc_evaluator_sample (evaluator, "a*x + ans", "x", 0, 1, 3, NULL, &error);
  g_assert_no_error (error);
  n = pc_sampler_next (sampler, 250, &values);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (values[0], ==, 7);
  g_assert_cmpfloat (values[1], ==, 8);
  g_assert_cmpfloat (values[2], ==, 9);
  g_assert_cmpuint (pc_sampler_next (sampler, 250, &values), ==, 0);
  g_clear_pointer (&sampler, pc_sampler_free);

  after = pc_evaluator_eval (evaluator, "x, ans, a", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (g_array_index (after, double, 0), ==, 5);
  g_assert_cmpfloat (g_array_index (after, double, 1), ==, 7);
  g_assert_cmpfloat (g_array_index (after, double, 2), ==, 2);
  g_assert_cmpuint (pc_evaluator_n_variables (evaluator), ==, 3);
}

/* ---- A real server ------------------------------------------------------ */

typedef struct
{
  PcTestServer *server;
  char         *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char * const args[] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  fixture->dir = g_dir_make_tmp ("pipecalc-sample-XXXXXX", &error);
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

static PcClient *
client_connect (Fixture       *fixture,
                PcTransports **transports)
{
  g_autoptr(GError) error = NULL;
  g_auto(PcWait) wait = PC_WAIT_INIT;
  PcClient *client;

  *transports = pc_test_transports ();
  client = pc_client_new (*transports);
  pc_client_set_timeout (client, 120);
  pc_client_connect_async (client, fixture->server->address, FALSE, NULL, pc_wait_cb, &wait);
  g_assert_true (pc_client_connect_finish (client, pc_wait_run (&wait, NULL, 0), &error));
  g_assert_no_error (error);
  return client;
}

/* A million points, read in full by the client; the server never holds
 * the reply whole (some 20 MB of text, several times that as values). */
static void
test_million (Fixture       *fixture,
              gconstpointer  data)
{
  PcTransports *transports = NULL;  /* the test util's, shared */
  g_autoptr(PcClient) client = client_connect (fixture, &transports);
  g_autoptr(GError) error = NULL;
  g_autoptr(PcSampleOutcome) outcome = NULL;
  g_auto(PcWait) wait = PC_WAIT_INIT;
  gint64 idle_kb = pc_test_server_status_kb (fixture->server, "VmHWM:");
  gint64 peak_kb;
  gint64 start = g_get_monotonic_time ();
  const guint checked[] = { 0, 1, 123456, 499999, 500000, 999998, 999999 };

  pc_client_sample_async (client, "sin(x)/x", NULL, -10, 10, 1000000, NULL, pc_wait_cb, &wait);
  outcome = pc_client_sample_finish (client, pc_wait_run (&wait, NULL, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  peak_kb = pc_test_server_status_kb (fixture->server, "VmHWM:");
  g_test_message ("1 000 000 points in %" G_GINT64_FORMAT " ms; server peak RSS %"
                  G_GINT64_FORMAT " kB above idle (%" G_GINT64_FORMAT " kB)",
                  (g_get_monotonic_time () - start) / 1000, peak_kb - idle_kb, idle_kb);
  g_assert_cmpint (outcome->error_code, ==, 0);
  g_assert_cmpuint (outcome->n_values, ==, 1000000);
  g_assert_cmpfloat (outcome->from, ==, -10);
  g_assert_cmpfloat (outcome->to, ==, 10);
  g_assert_cmpfloat (outcome->step, ==, 20.0 / 999999);
  for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
    {
      guint k = checked[i];
      double x = k == 999999 ? 10 : -10 + k * outcome->step;

      g_assert_cmpfloat_with_epsilon (outcome->values[k], sin (x) / x, 1e-15);
    }
  /* The text alone is 20 MB, in a buffer of 32 MB once grown by
   * doubling: a bound under it (some 8 MB is usual; a loaded machine,
   * where the client reads late, has seen 11). */
  g_assert_cmpint (peak_kb - idle_kb, <, 16 * 1024);
}

/* A cancelled sample fails at once; its reply, when it comes, is dropped
 * (the sanitizers see nothing leak), and the next call gets its own. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  PcTransports *transports = NULL;  /* the test util's, shared */
  g_autoptr(PcClient) client = client_connect (fixture, &transports);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PcSampleOutcome) outcome = NULL;
  g_autoptr(PcEvalOutcome) answer = NULL;
  g_auto(PcWait) wait = PC_WAIT_INIT;
  g_auto(PcWait) eval_wait = PC_WAIT_INIT;

  pc_client_sample_async (client, "sin(x)", NULL, 0, 1, 1000000, cancellable, pc_wait_cb, &wait);
  g_cancellable_cancel (cancellable);
  outcome = pc_client_sample_finish (client, pc_wait_run (&wait, NULL, 0), &error);
  g_assert_null (outcome);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  pc_client_eval_async (client, "6*7", NULL, pc_wait_cb, &eval_wait);
  answer = pc_client_eval_finish (client, pc_wait_run (&eval_wait, NULL, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (answer->text, ==, "42");
}

/* A client that asks for a million points and reads nothing holds its
 * session at the output mark, and only it: another session is answered
 * at once, on the same single worker. */
static void
test_stalled_reader (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GIOStream) attacker = connect_to (fixture);
  g_autoptr(GIOStream) other = NULL;
  g_autofree char *pong = NULL;
  gint64 idle_kb = pc_test_server_status_kb (fixture->server, "VmHWM:");
  gint64 peak_kb;
  gint64 start;

  pc_test_send (attacker, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sample\",\"params\":"
                          "{\"expr\":\"sin(x)\",\"from\":0,\"to\":1,\"points\":1000000}}\n");
  g_usleep (G_USEC_PER_SEC);
  peak_kb = pc_test_server_status_kb (fixture->server, "VmHWM:");
  g_test_message ("a million points never read: peak RSS %" G_GINT64_FORMAT " kB above idle",
                  peak_kb - idle_kb);
  g_assert_cmpint (peak_kb - idle_kb, <, 10 * 1024);

  other = connect_to (fixture);
  start = g_get_monotonic_time ();
  pong = pc_test_ask (other, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  g_assert_cmpstr (pong, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"pong\"}");
  g_test_message ("ping answered in %" G_GINT64_FORMAT " us meanwhile",
                  g_get_monotonic_time () - start);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
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

static void
assert_refused (GIOStream  *stream,
                const char *params,
                int         code,
                const char *reason)
{
  g_autofree char *line = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sample\","
                                           "\"params\":%s}", params);
  g_autoptr(json_t) reply = ask_json (stream, line);
  json_t *error = json_object_get (reply, "error");

  g_assert_nonnull (error);
  g_assert_cmpint (json_integer_value (json_object_get (error, "code")), ==, code);
  g_assert_cmpstr (json_string_value (json_object_get (json_object_get (error, "data"),
                                                       "reason")), ==, reason);
  g_assert_cmpuint (strlen (json_string_value (json_object_get (error, "message"))), >, 10);
}

static void
test_protocol (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GIOStream) stream = connect_to (fixture);
  g_autofree char *reply = NULL;

  assert_refused (stream, "{\"expr\":\"x\",\"from\":0,\"to\":1,\"points\":1}", -32602, "points");
  assert_refused (stream, "{\"expr\":\"x\",\"from\":0,\"to\":1,\"points\":1000001}", -32602,
                  "points");
  assert_refused (stream, "{\"expr\":\"x\",\"from\":0,\"to\":1,\"points\":2.5}", -32602, "points");
  assert_refused (stream, "{\"expr\":\"x\",\"from\":null,\"to\":1,\"points\":5}", -32602, "range");
  assert_refused (stream, "{\"expr\":\"x\",\"from\":-1e308,\"to\":1e308,\"points\":5}", -32602,
                  "range");
  assert_refused (stream, "{\"expr\":\"x\",\"from\":1,\"to\":1,\"points\":5}", -32602,
                  "empty-range");
  assert_refused (stream, "{\"expr\":\"x\",\"var\":\"2x\",\"from\":0,\"to\":1,\"points\":5}",
                  -32602, "var");
  assert_refused (stream, "{\"expr\":\"x\",\"var\":\"sin\",\"from\":0,\"to\":1,\"points\":5}",
                  -32602, "var");
  assert_refused (stream, "{\"expr\":\"x\",\"from\":0,\"to\":1,\"points\":5,\"x\":1}", -32602,
                  "params");
  assert_refused (stream, "[\"x\"]", -32602, "params");
  assert_refused (stream, "{\"expr\":\"1,x\",\"from\":0,\"to\":1,\"points\":5}", 1000,
                  "several-results");
  assert_refused (stream, "{\"expr\":\"y=x\",\"from\":0,\"to\":1,\"points\":5}", 1000,
                  "assignment");

  /* The session's variables; the reply's exact bytes, numbers as eval's. */
  g_free (pc_test_ask (stream, "a = 0.5"));
  reply = pc_test_ask (stream, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"sample\",\"params\":"
                               "{\"expr\":\"a*t\",\"var\":\"t\",\"from\":-1,\"to\":0.2,"
                               "\"points\":4}}");
  g_assert_cmpstr (reply, ==, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":{\"from\":-1,"
                              "\"to\":0.20000000000000001,\"step\":0.39999999999999997,"
                              "\"values\":[-0.5,-0.30000000000000004,-0.10000000000000003,"
                              "0.10000000000000001]}}");
  g_clear_pointer (&reply, g_free);

  /* In a batch, with a notification (no reply) among the calls. */
  reply = pc_test_ask (stream, "[{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"sample\","
                               "\"params\":{\"expr\":\"1/x\",\"from\":-1,\"to\":1,\"points\":3}},"
                               "{\"jsonrpc\":\"2.0\",\"method\":\"sample\",\"params\":"
                               "{\"expr\":\"x\",\"from\":0,\"to\":1,\"points\":1000}},"
                               "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]");
  g_assert_cmpstr (reply, ==, "[{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":{\"from\":-1,"
                              "\"to\":1,\"step\":1,\"values\":[-1,null,1]}},"
                              "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"pong\"}]");
  g_clear_pointer (&reply, g_free);
  reply = pc_test_ask (stream, "a");
  g_assert_cmpstr (reply, ==, "0.5");
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  const char *address = fixture->server->address;
  const char *ok[] = { pc_test_cli_path (), "--connect", address, "--sample", "1/t", "--var", "t",
                       "--from", "-1", "--to", "0.2", "--points", "4", NULL };
  const char *bad[] = { pc_test_cli_path (), "--connect", address, "--sample", "x+*2",
                        "--from", "0", "--to", "1", NULL };
  const char *missing[] = { pc_test_cli_path (), "--connect", address, "--sample", "x",
                            "--from", "0", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (pc_test_run (ok, NULL, NULL, &out, &err), ==, 0);
  /* x is from + i * step, the last exactly "to"; round-trip digits. */
  g_assert_cmpstr (out, ==, "-1\t-1\n-0.6000000000000001\t-1.6666666666666665\n"
                            "-0.20000000000000007\t-4.999999999999998\n0.2\t5\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (pc_test_run (bad, NULL, NULL, &out, &err), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "error: Unexpected operator \"*\" found at position 2\n  x+*2\n    ^\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (pc_test_run (missing, NULL, NULL, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--to"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* One worker: a session that held it would hold every other. */
  g_setenv ("PIPECALC_WORKERS", "1", TRUE);
  /* In a sanitizer build the server keeps freed memory in quarantine
   * (256 MiB by default), which would count as resident here: capped at
   * 4 MiB, as tests/soak caps it, so that the bounds below measure what
   * the server holds. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"),
                                              ":quarantine_size_mb=4", NULL);

      g_setenv ("ASAN_OPTIONS", options, TRUE);
    }

  g_test_add_func ("/sample/eval/values", test_values);
  g_test_add_func ("/sample/eval/many-variables", test_many_variables);
  g_test_add_func ("/sample/eval/errors", test_errors);
  g_test_add_func ("/sample/eval/session-unchanged", test_session_unchanged);
  g_test_add ("/sample/server/million", Fixture, NULL, fixture_set_up, test_million,
              fixture_tear_down);
  g_test_add ("/sample/server/cancel", Fixture, NULL, fixture_set_up, test_cancel,
              fixture_tear_down);
  g_test_add ("/sample/server/stalled-reader", Fixture, NULL, fixture_set_up,
              test_stalled_reader, fixture_tear_down);
  g_test_add ("/sample/server/protocol", Fixture, NULL, fixture_set_up, test_protocol,
              fixture_tear_down);
  g_test_add ("/sample/server/cli", Fixture, NULL, fixture_set_up, test_cli,
              fixture_tear_down);
  return g_test_run ();
}
