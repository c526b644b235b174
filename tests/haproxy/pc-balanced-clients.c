/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "pc-connection.h"

/* Many clients behind a balancer (tests/haproxy/run.sh): N PcConnections
 * to one address, each evaluating its own expressions one after another
 * and checking every value; after KILL_AFTER replies in all it sends
 * SIGKILL to KILL_PID (a backend), as a crash would. The clients whose
 * connection died must reconnect (PcConnection's backoff) and have what
 * was in flight evaluated again; nothing may be lost or wrong.
 *
 * Usage: pc-balanced-clients ADDRESS CLIENTS EXPRESSIONS [KILL_PID KILL_AFTER]
 * Prints one line of counts, "ok" or "FAIL"; exits 0 when every expression
 * of every client got its right value. */

typedef struct _Run Run;

typedef struct
{
  Run          *run;
  guint         index;
  PcConnection *connection;
  guint         next;         /* the next expression to send */
  guint         connections;  /* "connected" signals: 2 or more after a loss */
} Client;

struct _Run
{
  GMainLoop *loop;
  guint      expressions;
  guint      replies;
  guint      wrong;
  guint      failed;
  guint      finished;
  guint      n_clients;
  int        kill_pid;
  guint      kill_after;
};

static void send_next (Client *client);

static void
eval_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Client *client = user_data;
  Run *run = client->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = pc_connection_eval_finish (PC_CONNECTION (source), result,
                                                                &error);
  double expected = client->index * 100000.0 + client->next;

  if (outcome == NULL)
    {
      run->failed++;
      g_printerr ("client %u, expression %u: %s\n", client->index, client->next, error->message);
    }
  else if (outcome->error_code != 0 || outcome->n_values == 0
           || outcome->values[outcome->n_values - 1] != expected)
    {
      run->wrong++;
      g_printerr ("client %u, expression %u: got %s, want %.0f\n", client->index, client->next,
                  outcome->raw, expected);
    }
  run->replies++;
  if (run->kill_pid > 0 && run->replies == run->kill_after)
    {
      g_printerr ("killing backend %d after %u replies\n", run->kill_pid, run->replies);
      kill (run->kill_pid, SIGKILL);
    }
  client->next++;
  send_next (client);
}

static void
send_next (Client *client)
{
  Run *run = client->run;
  g_autofree char *expression = NULL;

  if (client->next == run->expressions)
    {
      if (++run->finished == run->n_clients)
        g_main_loop_quit (run->loop);
      return;
    }
  /* Its own answer: a reply sent to the wrong client would show. */
  expression = g_strdup_printf ("%u*100000 + %u", client->index, client->next);
  pc_connection_eval_async (client->connection, expression, NULL, eval_cb, client);
}

static void
connected_cb (PcConnection *connection,
              const char   *summary,
              Client       *client)
{
  client->connections++;
}

static gboolean
deadline_cb (gpointer user_data)
{
  Run *run = user_data;

  g_printerr ("deadline: %u of %u clients finished\n", run->finished, run->n_clients);
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcTransports) transports = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree Client *clients = NULL;
  Run run = { 0, };
  guint reconnected = 0;
  gboolean ok;

  if (argc != 4 && argc != 6)
    {
      g_printerr ("usage: %s ADDRESS CLIENTS EXPRESSIONS [KILL_PID KILL_AFTER]\n", argv[0]);
      return 2;
    }
  transports = pc_transports_load (&error);
  if (transports == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.n_clients = (guint) atoi (argv[2]);
  run.expressions = (guint) atoi (argv[3]);
  if (argc == 6)
    {
      run.kill_pid = atoi (argv[4]);
      run.kill_after = (guint) atoi (argv[5]);
    }
  if (run.n_clients == 0 || run.expressions == 0)
    return 2;

  clients = g_new0 (Client, run.n_clients);
  for (guint i = 0; i < run.n_clients; i++)
    {
      clients[i].run = &run;
      clients[i].index = i;
      clients[i].connection = pc_connection_new (transports);
      g_signal_connect (clients[i].connection, "connected", G_CALLBACK (connected_cb),
                        &clients[i]);
      pc_connection_set_timeout (clients[i].connection, 10);
      pc_connection_set_target (clients[i].connection, argv[1], FALSE);
      send_next (&clients[i]);
    }
  g_timeout_add_seconds (90, deadline_cb, &run);
  g_main_loop_run (loop);

  for (guint i = 0; i < run.n_clients; i++)
    {
      if (clients[i].connections > 1)
        reconnected++;
      pc_connection_stop (clients[i].connection);
      g_object_unref (clients[i].connection);
    }
  ok = run.finished == run.n_clients && run.wrong == 0 && run.failed == 0
       && run.replies == run.n_clients * run.expressions;
  printf ("clients=%u replies=%u wrong=%u failed=%u reconnected=%u %s\n", run.n_clients,
          run.replies, run.wrong, run.failed, reconnected, ok ? "ok" : "FAIL");
  return ok ? 0 : 1;
}
