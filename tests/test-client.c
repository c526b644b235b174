/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "pc-client.h"
#include "pc-json.h"
#include "pc-line-channel.h"
#include "pc-protocol.h"
#include "pc-test-util.h"
#include "pc-wait.h"

/* The typed calls of pc-client.h, as the GUI and the CLI use them: against
 * a real pipecalcd, and against fake servers (built in this process with
 * the transport's own listen()) that answer wrongly or not at all. Every
 * body runs once per local transport the loader finds. */

/* What the server is started with, to be read back through info. */
#define MAX_LINE 4096
/* No single step of a test may take longer: a hang fails, it does not
 * stall the suite. */
#define STEP_MS 10000
#define N_PIPELINED 200

typedef struct
{
  const PcTransportOps *ops;
  char                 *dir;
  char                 *address;   /* the server's, or one nobody uses */
  PcTestServer         *server;    /* NULL when the test has none */
  PcClient             *client;
} Fixture;

/* ---- Helpers ---------------------------------------------------------- */

static GAsyncResult *
wait_step (PcWait *wait)
{
  GAsyncResult *result = pc_wait_run (wait, NULL, STEP_MS);

  g_assert_nonnull (result);
  return result;
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *passed = user_data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *@counter reaches @target, failing
 * the test after STEP_MS. */
static void
wait_count (const guint *counter,
            guint        target)
{
  gboolean passed = FALSE;
  guint deadline = g_timeout_add (STEP_MS, deadline_cb, &passed);

  while (*counter < target && !passed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*counter, >=, target);
  g_source_remove (deadline);
}

static gboolean
connect_client (PcClient    *client,
                const char  *address,
                gboolean     start_private,
                GError     **error)
{
  g_auto(PcWait) wait = PC_WAIT_INIT;

  pc_client_connect_async (client, address, start_private, NULL, pc_wait_cb, &wait);
  return pc_client_connect_finish (client, wait_step (&wait), error);
}

static PcEvalOutcome *
eval (PcClient    *client,
      const char  *expression,
      GError     **error)
{
  g_auto(PcWait) wait = PC_WAIT_INIT;

  pc_client_eval_async (client, expression, NULL, pc_wait_cb, &wait);
  return pc_client_eval_finish (client, wait_step (&wait), error);
}

/* An expression the server evaluates: its outcome, checked for success. */
static PcEvalOutcome *
eval_ok (PcClient   *client,
         const char *expression)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = eval (client, expression, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  g_assert_cmpstr (outcome->expression, ==, expression);
  g_assert_cmpint (outcome->error_code, ==, 0);
  g_assert_null (outcome->message);
  g_assert_null (outcome->reason);
  g_assert_null (outcome->error_token);
  g_assert_cmpint (outcome->error_pos, ==, -1);
  g_assert_nonnull (outcome->text);
  g_assert_nonnull (outcome->raw);
  g_assert_null (strchr (outcome->raw, '\n'));
  return g_steal_pointer (&outcome);
}

static void
assert_eval (PcClient   *client,
             const char *expression,
             double      value,
             const char *text)
{
  g_autoptr(PcEvalOutcome) outcome = eval_ok (client, expression);

  g_assert_cmpstr (outcome->text, ==, text);
  g_assert_cmpuint (outcome->n_values, ==, 1);
  g_assert_cmpfloat (outcome->values[0], ==, value);
}

static PcServerInfo *
info (PcClient  *client,
      GError   **error)
{
  g_auto(PcWait) wait = PC_WAIT_INIT;

  pc_client_info_async (client, NULL, pc_wait_cb, &wait);
  return pc_client_info_finish (client, wait_step (&wait), error);
}

static PcCatalog *
catalog (PcClient  *client,
         GError   **error)
{
  g_auto(PcWait) wait = PC_WAIT_INIT;

  pc_client_catalog_async (client, NULL, pc_wait_cb, &wait);
  return pc_client_catalog_finish (client, wait_step (&wait), error);
}

static gboolean
auth (PcClient    *client,
      const char  *token,
      GError     **error)
{
  g_auto(PcWait) wait = PC_WAIT_INIT;

  pc_client_auth_async (client, token, NULL, pc_wait_cb, &wait);
  return pc_client_auth_finish (client, wait_step (&wait), error);
}

static void
disconnected_cb (PcClient   *client,
                 const char *reason,
                 gpointer    user_data)
{
  guint *count = user_data;

  g_assert_nonnull (reason);
  g_assert_cmpstr (reason, !=, "");
  (*count)++;
}

/* ---- Fixtures --------------------------------------------------------- */

/* A directory and an address nobody listens on, and a client that is not
 * connected yet. */
static void
bare_set_up (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->ops = data;
  fixture->dir = g_dir_make_tmp ("pipecalc-client-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->address = pc_test_address (fixture->ops->scheme, fixture->dir);
  fixture->client = pc_client_new (pc_test_transports ());
}

/* A real pipecalcd on that address, and the client connected to it. */
static void
server_set_up (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *max_line = g_strdup_printf ("%d", MAX_LINE);
  const char *extra[] = { "--max-line", max_line, NULL };

  bare_set_up (fixture, data);
  fixture->server = pc_test_server_start (fixture->address, extra);
  g_assert_true (connect_client (fixture->client, fixture->address, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (pc_client_is_connected (fixture->client));
  g_assert_false (pc_client_is_private (fixture->client));
  g_assert_cmpstr (pc_client_get_address (fixture->client), ==, fixture->address);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  g_clear_object (&fixture->client);
  /* A clean exit after SIGTERM: under the sanitizers a leak or a memory
   * error in the server shows as a non-zero status. */
  if (fixture->server != NULL)
    g_assert_cmpint (pc_test_server_stop (fixture->server), ==, 0);
  g_clear_pointer (&fixture->server, pc_test_server_free);
  /* A transport may leave nothing behind in the directory. */
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
  g_free (fixture->address);
}

/* ---- Against a real server -------------------------------------------- */

static void
test_eval_values (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PcEvalOutcome) two = NULL;
  g_autoptr(PcEvalOutcome) nan_outcome = NULL;

  assert_eval (fixture->client, "2^10", 1024, "1024");
  assert_eval (fixture->client, "1/0", INFINITY, "inf");
  assert_eval (fixture->client, "-1/0", -INFINITY, "-inf");

  two = eval_ok (fixture->client, "a=3, a*2");
  g_assert_cmpstr (two->text, ==, "3, 6");
  g_assert_cmpuint (two->n_values, ==, 2);
  g_assert_cmpfloat (two->values[0], ==, 3);
  g_assert_cmpfloat (two->values[1], ==, 6);
  /* The raw line is the JSON-RPC reply itself, for the GUI's details. */
  g_assert_true (g_str_has_prefix (two->raw, "{\"jsonrpc\":\"2.0\""));
  g_assert_nonnull (strstr (two->raw, "\"text\":\"3, 6\""));

  /* JSON has no nan: the client rebuilds it from the text. */
  nan_outcome = eval_ok (fixture->client, "sqrt(-1)");
  g_assert_cmpstr (nan_outcome->text, ==, "nan");
  g_assert_cmpuint (nan_outcome->n_values, ==, 1);
  g_assert_true (isnan (nan_outcome->values[0]));
  g_assert_cmpint (nan_outcome->kind, ==, PC_VALUE_UNDEFINED);
  g_assert_null (nan_outcome->exact);
}

/* The last value's exact digits and kind, typed. */
static void
test_eval_exact (Fixture       *fixture,
                 gconstpointer  data)
{
  const struct
  {
    const char  *expression;
    const char  *exact;
    PcValueKind  kind;
  } cases[] = {
    { "2^64", "18446744073709551616", PC_VALUE_NUMBER },
    { "-2^100", "-1267650600228229401496703205376", PC_VALUE_NUMBER },
    { "6*7", "42", PC_VALUE_NUMBER },
    { "0.75", NULL, PC_VALUE_NUMBER },
    { "2^64, 0.5", NULL, PC_VALUE_NUMBER },
    { "1/0", NULL, PC_VALUE_INFINITY },
    { "-1e308*10", NULL, PC_VALUE_INFINITY },
    { "0/0", NULL, PC_VALUE_UNDEFINED },
    { "1/0, 3", "3", PC_VALUE_NUMBER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PcEvalOutcome) outcome = eval_ok (fixture->client, cases[i].expression);

      g_assert_cmpstr (outcome->exact, ==, cases[i].exact);
      g_assert_cmpint (outcome->kind, ==, cases[i].kind);
      if (cases[i].exact != NULL)
        g_assert_nonnull (strstr (outcome->raw, cases[i].exact));
    }
}

static void
test_eval_error (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = eval (fixture->client, "1+*2", &error);

  /* An expression the server refuses is an outcome, not a failed call. */
  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  g_assert_cmpstr (outcome->expression, ==, "1+*2");
  g_assert_cmpint (outcome->error_code, ==, PC_RPC_EXPRESSION_ERROR);
  g_assert_cmpint (outcome->error_code, ==, 1000);
  g_assert_cmpstr (outcome->reason, ==, "unexpected-operator");
  g_assert_cmpint (outcome->error_pos, ==, 2);
  g_assert_cmpstr (outcome->error_token, ==, "*");
  g_assert_nonnull (outcome->message);
  g_assert_cmpstr (outcome->message, !=, "");
  g_assert_null (outcome->text);
  g_assert_cmpuint (outcome->n_values, ==, 0);
  g_assert_nonnull (strstr (outcome->raw, "\"code\":1000"));

  /* An unknown variable is refused too, with its name as the token. */
  g_clear_pointer (&outcome, pc_eval_outcome_free);
  outcome = eval (fixture->client, "nosuchvar+1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome->error_code, ==, PC_RPC_EXPRESSION_ERROR);
  g_assert_cmpstr (outcome->error_token, ==, "nosuchvar");
  g_assert_nonnull (outcome->reason);

  /* The session goes on, and keeps its variables from call to call. */
  assert_eval (fixture->client, "1+1", 2, "2");
  assert_eval (fixture->client, "a=5", 5, "5");
  assert_eval (fixture->client, "a*2", 10, "10");
  g_assert_true (pc_client_is_connected (fixture->client));
}

static void
test_info (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcServerInfo) server = info (fixture->client, &error);

  g_assert_no_error (error);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->server, ==, "pipecalcd");
  g_assert_cmpint (server->protocol, ==, 1);
  g_assert_nonnull (server->version);
  g_assert_cmpstr (server->version, !=, "");
  g_assert_nonnull (server->muparser);
  g_assert_cmpstr (server->muparser, !=, "");
  g_assert_cmpstr (server->transport, ==, fixture->ops->scheme);
  g_assert_cmpint (server->limits.max_line, ==, MAX_LINE);
  g_assert_cmpint (server->limits.max_expression, >, 0);
  g_assert_cmpint (server->limits.max_clients, >, 0);
  g_assert_cmpint (server->limits.idle_timeout, >=, 0);
}

static void
test_functions (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcCatalog) built_in = catalog (fixture->client, &error);
  g_autoptr(PcCatalog) with_user = NULL;
  gboolean has_sin = FALSE, has_sqrt = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (built_in);
  /* Names as a person types them, each with its number of arguments and
   * a description; no user functions yet. */
  for (guint i = 0; i < built_in->functions->len; i++)
    {
      PcFunctionInfo *info = g_ptr_array_index (built_in->functions, i);

      g_assert_cmpstr (info->name, !=, "");
      g_assert_null (strchr (info->name, '('));
      g_assert_nonnull (info->description);
      has_sin |= g_str_equal (info->name, "sin") && info->args == 1;
      has_sqrt |= g_str_equal (info->name, "sqrt") && info->args == 1;
    }
  g_assert_true (has_sin && has_sqrt);
  g_assert_cmpuint (built_in->user->len, ==, 0);

  /* The session's own functions, with the text of their definition. */
  pc_eval_outcome_free (eval_ok (fixture->client, "f(x) = x^2"));
  with_user = catalog (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (with_user->user->len, ==, 1);
  g_assert_cmpstr (((PcFunctionInfo *) g_ptr_array_index (with_user->user, 0))->name, ==, "f");
  g_assert_cmpstr (((PcFunctionInfo *) g_ptr_array_index (with_user->user, 0))->text, ==,
                   "f(x) = x^2");
}

static void
test_auth (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* This server requires no token: it accepts any, even an empty one. */
  g_assert_true (auth (fixture->client, "any token", &error));
  g_assert_no_error (error);
  g_assert_true (auth (fixture->client, "", &error));
  g_assert_no_error (error);
  assert_eval (fixture->client, "2+2", 4, "4");
}

typedef struct
{
  guint    index;
  guint   *completed;
  GArray  *order;    /* the indexes, in the order the calls completed */
  char    *failure;  /* the first thing wrong, to report outside the callback */
} Pipelined;

static void
pipelined_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pipelined *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = pc_client_eval_finish (PC_CLIENT (source), result, &error);
  g_autofree char *expected = g_strdup_printf ("%u", call->index * 7 + 1);

  g_array_append_val (call->order, call->index);
  (*call->completed)++;
  if (outcome == NULL)
    call->failure = g_strdup_printf ("call %u failed: %s", call->index, error->message);
  else if (g_strcmp0 (outcome->text, expected) != 0 || outcome->n_values != 1
           || outcome->values[0] != call->index * 7 + 1)
    call->failure = g_strdup_printf ("call %u got “%s”, expected %s", call->index,
                                     outcome->text, expected);
}

static void
test_pipelined (Fixture       *fixture,
                gconstpointer  data)
{
  Pipelined calls[N_PIPELINED];
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint completed = 0;

  /* All issued before the main loop runs once: none can have an answer. */
  for (guint i = 0; i < N_PIPELINED; i++)
    {
      g_autofree char *expression = g_strdup_printf ("%u*7+1", i);

      calls[i] = (Pipelined) { .index = i, .completed = &completed, .order = order };
      pc_client_eval_async (fixture->client, expression, NULL, pipelined_cb, &calls[i]);
    }
  g_assert_cmpuint (completed, ==, 0);
  wait_count (&completed, N_PIPELINED);

  for (guint i = 0; i < N_PIPELINED; i++)
    {
      g_assert_cmpstr (calls[i].failure, ==, NULL);
      g_assert_cmpuint (g_array_index (order, guint, i), ==, i);
    }
  g_assert_cmpuint (order->len, ==, N_PIPELINED);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(PcWait) wait = PC_WAIT_INIT;
  g_autoptr(PcEvalOutcome) outcome = NULL;

  /* Cancelled before the reply can be read: the call ends as cancelled,
   * the late reply is dropped, and the session goes on. */
  pc_client_eval_async (fixture->client, "1+1", cancellable, pc_wait_cb, &wait);
  g_cancellable_cancel (cancellable);
  outcome = pc_client_eval_finish (fixture->client, wait_step (&wait), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (outcome);
  assert_eval (fixture->client, "3*3", 9, "9");
  g_assert_true (pc_client_is_connected (fixture->client));
}

typedef struct
{
  guint   completed;
  guint   not_connected;
} Lost;

static void
lost_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Lost *lost = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = pc_client_eval_finish (PC_CLIENT (source), result, &error);

  if (g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED))
    lost->not_connected++;
  else  /* Says what came instead, should the count below fail. */
    g_test_message ("a lost call ended otherwise: %s",
                    error != NULL ? error->message : outcome->raw);
  lost->completed++;
}

/* SIGSTOP takes effect asynchronously, thread by thread: wait until the
 * whole process is stopped, so that it can answer nothing more. */
static void
stop_process (GSubprocess *process)
{
  pid_t pid = (pid_t) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  gint64 deadline = g_get_monotonic_time () + STEP_MS * 1000;
  siginfo_t info = { 0 };

  g_subprocess_send_signal (process, SIGSTOP);
  for (;;)
    {
      /* WSTOPPED alone never reaps the child: GSubprocess still does. */
      g_assert_cmpint (waitid (P_PID, pid, &info, WSTOPPED | WNOHANG), ==, 0);
      if (info.si_pid == pid)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

static void
test_server_killed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) after = NULL;
  Lost lost = { 0 };
  guint disconnected = 0;

  g_signal_connect (fixture->client, "disconnected", G_CALLBACK (disconnected_cb),
                    &disconnected);
  assert_eval (fixture->client, "a=1", 1, "1");
  /* Stopped first, so that the requests are sent but never answered. */
  stop_process (fixture->server->process);
  for (guint i = 0; i < 5; i++)
    pc_client_eval_async (fixture->client, "a+1", NULL, lost_cb, &lost);
  g_subprocess_send_signal (fixture->server->process, SIGKILL);
  g_assert_cmpint (pc_test_server_stop (fixture->server), ==, -1);
  g_clear_pointer (&fixture->server, pc_test_server_free);
  /* A killed server cleans nothing up: what it left is not a leak. */
  pc_test_remove_contents (fixture->dir);

  wait_count (&lost.completed, 5);
  g_assert_cmpuint (lost.not_connected, ==, 5);
  g_assert_cmpuint (disconnected, ==, 1);
  g_assert_false (pc_client_is_connected (fixture->client));

  /* Later calls fail at once, the same way. */
  after = eval (fixture->client, "1+1", &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED);
  g_assert_null (after);
  g_assert_cmpuint (disconnected, ==, 1);
}

static void
test_close_pending (Fixture       *fixture,
                    gconstpointer  data)
{
  Lost lost = { 0 };
  guint disconnected = 0;

  g_signal_connect (fixture->client, "disconnected", G_CALLBACK (disconnected_cb),
                    &disconnected);
  for (guint i = 0; i < 3; i++)
    pc_client_eval_async (fixture->client, "2+2", NULL, lost_cb, &lost);
  /* Closing with calls in flight ends each of them, once. */
  pc_client_close (fixture->client);
  wait_count (&lost.completed, 3);
  g_assert_cmpuint (lost.not_connected, ==, 3);
  g_assert_cmpuint (disconnected, ==, 1);
  g_assert_false (pc_client_is_connected (fixture->client));
  /* And the client connects again, to a fresh session. */
  g_assert_true (connect_client (fixture->client, fixture->address, FALSE, NULL));
  assert_eval (fixture->client, "2^3", 8, "8");
}

/* ---- Without a server ------------------------------------------------- */

static void
test_no_server (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = NULL;

  /* Calls before any connection fail, they do not wait. */
  outcome = eval (fixture->client, "1+1", &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED);
  g_assert_null (outcome);
  g_clear_error (&error);

  /* Nobody listens: the message names the address, to start a server on. */
  g_assert_false (connect_client (fixture->client, fixture->address, FALSE, &error));
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NO_SERVER);
  g_assert_nonnull (strstr (error->message, fixture->address));
  g_assert_false (pc_client_is_connected (fixture->client));
  g_clear_error (&error);
  outcome = eval (fixture->client, "1+1", &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED);
}

static void
test_private_server (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcServerInfo) server = NULL;
  g_autoptr(PcClient) other = pc_client_new (pc_test_transports ());

  /* Nobody listens on a local address: with start_private the client
   * starts a pipecalcd there itself, and stops it when closed. */
  g_assert_true (connect_client (fixture->client, fixture->address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (pc_client_is_private (fixture->client));
  g_assert_cmpstr (pc_client_get_address (fixture->client), ==, fixture->address);
  assert_eval (fixture->client, "6*7", 42, "42");
  server = info (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (server->transport, ==, fixture->ops->scheme);

  pc_client_close (fixture->client);
  g_assert_false (pc_client_is_connected (fixture->client));
  g_assert_false (connect_client (other, fixture->address, FALSE, &error));
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NO_SERVER);
}

/* ---- Against a fake server -------------------------------------------- */

/* Listens with the transport under test, in this process, and answers
 * every request line with @reply, where "@ID@" stands for the request's
 * id; with @reply %NULL it reads and never answers. */
typedef struct
{
  const PcTransportOps *ops;
  PcTransportListener  *listener;
  GPtrArray            *channels;
  const char           *reply;
  guint                 n_requests;
} FakeServer;

static void
fake_line_cb (PcLineChannel *channel,
              const char    *line,
              gsize          len,
              gpointer       user_data)
{
  FakeServer *fake = user_data;
  g_autoptr(json_t) request = pc_json_load (line, len, PC_PROTOCOL_MAX_DEPTH, NULL);
  g_autoptr(GString) reply = NULL;
  g_autofree char *id = NULL;

  /* The client sends nothing but JSON-RPC requests with integer ids. */
  g_assert_nonnull (request);
  g_assert_true (json_is_integer (json_object_get (request, "id")));
  fake->n_requests++;
  if (fake->reply == NULL)
    return;
  id = g_strdup_printf ("%" JSON_INTEGER_FORMAT,
                        json_integer_value (json_object_get (request, "id")));
  reply = g_string_new (fake->reply);
  g_string_replace (reply, "@ID@", id, 0);
  g_string_append_printf (pc_line_channel_get_output (channel), "%s\n", reply->str);
  pc_line_channel_flush (channel);
}

static const PcLineChannelCallbacks fake_callbacks = {
  .line = fake_line_cb,
};

static void
fake_incoming_cb (GIOStream    *stream,
                  const PcPeer *peer,
                  gpointer      user_data)
{
  FakeServer *fake = user_data;
  PcLineChannel *channel = pc_line_channel_new (stream, MAX_LINE, 0, &fake_callbacks, fake);

  g_object_unref (stream);
  g_ptr_array_add (fake->channels, channel);
  pc_line_channel_start (channel);
}

static void
fake_channel_free (gpointer data)
{
  pc_line_channel_detach (data);
  g_object_unref (data);
}

static FakeServer *
fake_server_new (Fixture    *fixture,
                 const char *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = pc_transports_parse_address (pc_test_transports (),
                                                              fixture->address, &error);
  PcListenOptions options = { .allow_remote = FALSE };
  FakeServer *fake = g_new0 (FakeServer, 1);

  g_assert_no_error (error);
  fake->ops = fixture->ops;
  fake->channels = g_ptr_array_new_with_free_func (fake_channel_free);
  fake->reply = reply;
  fake->listener = fake->ops->listen (address, &options, fake_incoming_cb, fake, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fake->listener);
  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  fake->ops->close_listener (fake->listener);
  g_ptr_array_unref (fake->channels);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

static FakeServer *
fake_connect (Fixture    *fixture,
              const char *reply)
{
  g_autoptr(GError) error = NULL;
  FakeServer *fake = fake_server_new (fixture, reply);

  g_assert_true (connect_client (fixture->client, fixture->address, FALSE, &error));
  g_assert_no_error (error);
  return fake;
}

static void
test_fake_garbage (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *garbage[] = {
    "hello",
    "{\"jsonrpc\":\"2.0\",\"id\":\"@ID@\",\"result\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":@ID@}",
    "{\"jsonrpc\":\"1.0\",\"id\":@ID@,\"result\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":\"x\"}}",
    "[1,2,3]",
  };

  /* A line that is no JSON-RPC reply at all: the client cannot tell which
   * call it answers, so it gives up the connection and every call fails
   * as lost, without a crash or a hang. */
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(FakeServer) fake = fake_connect (fixture, garbage[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(PcEvalOutcome) outcome = NULL;
      guint disconnected = 0;
      gulong handler = g_signal_connect (fixture->client, "disconnected",
                                         G_CALLBACK (disconnected_cb), &disconnected);

      g_test_message ("fake reply: %s", garbage[i]);
      outcome = eval (fixture->client, "1+1", &error);
      g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED);
      g_assert_null (outcome);
      g_assert_cmpuint (disconnected, ==, 1);
      g_assert_false (pc_client_is_connected (fixture->client));
      g_signal_handler_disconnect (fixture->client, handler);
    }
}

static void
test_fake_wrong_shape (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(FakeServer) fake = fake_connect (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = NULL;
  g_autoptr(PcServerInfo) server = NULL;
  g_autoptr(PcCatalog) functions = NULL;

  /* A well-formed reply to the right call, with a result the method does
   * not promise: that call fails, the connection stays. */
  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":42}";
  outcome = eval (fixture->client, "1+1", &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY);
  g_assert_null (outcome);
  g_clear_error (&error);
  server = info (fixture->client, &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY);
  g_assert_null (server);
  g_clear_error (&error);
  functions = catalog (fixture->client, &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY);
  g_assert_null (functions);
  g_clear_error (&error);
  g_assert_false (auth (fixture->client, "t", &error));
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY);
  g_clear_error (&error);

  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"values\":[2]}}";
  outcome = eval (fixture->client, "1+1", &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY);
  g_clear_error (&error);
  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"functions\":{}}}";
  functions = catalog (fixture->client, &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY);
  g_assert_null (functions);
  g_clear_error (&error);

  /* A server error for a call other than eval is a refusal, worded by
   * the server. */
  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":"
                "{\"code\":-32601,\"message\":\"Method not found: info\"}}";
  server = info (fixture->client, &error);
  g_assert_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "Method not found: info");
  g_clear_error (&error);

  /* A result whose values are not numbers: taken from the text. */
  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":"
                "{\"values\":[null,null],\"text\":\"inf, nan\"}}";
  outcome = eval (fixture->client, "x", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcome->n_values, ==, 2);
  g_assert_cmpfloat (outcome->values[0], ==, INFINITY);
  g_assert_true (isnan (outcome->values[1]));
  g_assert_cmpint (outcome->kind, ==, PC_VALUE_UNDEFINED);
  g_clear_pointer (&outcome, pc_eval_outcome_free);

  g_assert_true (pc_client_is_connected (fixture->client));
  g_assert_cmpuint (fake->n_requests, ==, 8);
}

static void
test_fake_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FakeServer) fake = fake_connect (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = NULL;
  gint64 start;
  gint64 elapsed;

  pc_client_set_timeout (fixture->client, 1);
  start = g_get_monotonic_time ();
  outcome = eval (fixture->client, "1+1", &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (outcome);
  g_assert_cmpuint (fake->n_requests, ==, 1);
  /* Whole seconds, on a coarse timer: between one and about two. */
  g_assert_cmpint (elapsed, >=, 900 * 1000);
  g_assert_cmpint (elapsed, <, 4 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* A reply to an id never sent (or given up on) is dropped: the call it
   * does not answer times out, the connection stays. */
  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{\"values\":[2],\"text\":\"2\"}}";
  outcome = eval (fixture->client, "1+1", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_true (pc_client_is_connected (fixture->client));

  /* The connection still works once the server answers. */
  fake->reply = "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"values\":[2],\"text\":\"2\"}}";
  assert_eval (fixture->client, "1+1", 2, "2");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) transports = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime_dir = NULL;
  g_autofree char *private_dir = NULL;
  int status;

  /* A private server makes its per-user folder under XDG_RUNTIME_DIR:
   * one of the test's own, set before any thread starts. */
  runtime_dir = g_dir_make_tmp ("pipecalc-client-run-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_setenv ("PIPECALC_SERVER", pc_test_server_path (), TRUE);

  g_test_init (&argc, &argv, NULL);

  transports = pc_transports_list (pc_test_transports ());
  for (guint i = 0; i < transports->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (transports, i);
      struct
      {
        const char *name;
        void (*set_up) (Fixture *, gconstpointer);
        void (*func) (Fixture *, gconstpointer);
      } bodies[] = {
        { "eval-values", server_set_up, test_eval_values },
        { "eval-error", server_set_up, test_eval_error },
        { "eval-exact", server_set_up, test_eval_exact },
        { "info", server_set_up, test_info },
        { "functions", server_set_up, test_functions },
        { "auth", server_set_up, test_auth },
        { "pipelined", server_set_up, test_pipelined },
        { "cancel", server_set_up, test_cancel },
        { "server-killed", server_set_up, test_server_killed },
        { "close-pending", server_set_up, test_close_pending },
        { "no-server", bare_set_up, test_no_server },
        { "private-server", bare_set_up, test_private_server },
        { "fake-garbage", bare_set_up, test_fake_garbage },
        { "fake-wrong-shape", bare_set_up, test_fake_wrong_shape },
        { "fake-timeout", bare_set_up, test_fake_timeout },
      };

      /* Only a transport that can make a private address on this machine
       * can host a test server. */
      if (!(ops->flags & PC_TRANSPORT_FLAG_LOCAL) || ops->private_address == NULL)
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (bodies); j++)
        {
          g_autofree char *path = g_strdup_printf ("/client/%s/%s", ops->scheme,
                                                   bodies[j].name);

          g_test_add (path, Fixture, ops, bodies[j].set_up, bodies[j].func, tear_down);
        }
    }

  status = g_test_run ();
  private_dir = g_build_filename (runtime_dir, "pipecalc", NULL);
  g_rmdir (private_dir);
  g_rmdir (runtime_dir);
  return status;
}
