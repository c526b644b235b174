/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc-client.h"
#include "pc-fuzz.h"

/* The client's side of the protocol: whatever a server answers, through
 * the code the CLI and the window use (PcClient over a real unix-socket
 * connection: its line channel, pc_protocol_parse_response() and the
 * typed decoding of eval, info, auth and functions). The first byte
 * chooses the two calls made (ids 1 and 2); the rest is what a fake server
 * in this process answers, after reading both requests, before closing.
 * Both calls must complete, with an outcome or a GError, never a crash,
 * a hang or a critical. */

#define N_CALLS 2

typedef enum
{
  CALL_EVAL,
  CALL_INFO,
  CALL_AUTH,
  CALL_FUNCTIONS,
} CallKind;

static PcTransports *transports;
static GSocket *listener;
static char *address;
static char *socket_dir;
static char *socket_path;

static void
remove_socket (void)
{
  g_unlink (socket_path);
  g_rmdir (socket_dir);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  pc_fuzz_init ();
  pc_fuzz_use_build_transports ();
  transports = pc_transports_load (&error);
  if (transports == NULL)
    g_error ("client: no transport modules: %s", error->message);

  dir = g_dir_make_tmp ("pipecalc-fuzz-XXXXXX", &error);
  if (dir == NULL)
    g_error ("client: %s", error->message);
  path = g_build_filename (dir, "socket", NULL);
  address = g_strconcat ("unix:", path, NULL);
  socket_address = g_unix_socket_address_new (path);
  listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_DEFAULT, &error);
  if (listener == NULL || !g_socket_bind (listener, socket_address, TRUE, &error)
      || !g_socket_listen (listener, &error))
    g_error ("client: cannot listen on %s: %s", path, error->message);
  socket_dir = g_steal_pointer (&dir);
  socket_path = g_steal_pointer (&path);
  atexit (remove_socket);
  return 0;
}

typedef struct
{
  guint     n_done;
  gboolean  connected;
  GError   *connect_error;
} State;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  State *state = user_data;

  state->connected = pc_client_connect_finish (PC_CLIENT (source), result,
                                               &state->connect_error);
}

static void
check_outcome (PcEvalOutcome *outcome)
{
  if (outcome->error_code == 0 && outcome->text == NULL)
    g_error ("client: an eval success without text");
  if (outcome->error_pos < -1)
    g_error ("client: a negative error position");
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  State *state = user_data;
  PcClient *client = PC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  gpointer source_tag = g_task_get_source_tag (G_TASK (result));

  if (source_tag == pc_client_eval_async)
    {
      g_autoptr(PcEvalOutcome) outcome = pc_client_eval_finish (client, result, &error);

      if (outcome != NULL)
        check_outcome (outcome);
    }
  else if (source_tag == pc_client_info_async)
    {
      g_autoptr(PcServerInfo) info = pc_client_info_finish (client, result, &error);

      if (info != NULL && info->server != NULL && !g_utf8_validate (info->server, -1, NULL))
        g_error ("client: a server name that is not UTF-8");
    }
  else if (source_tag == pc_client_auth_async)
    {
      pc_client_auth_finish (client, result, &error);
    }
  else
    {
      g_autoptr(PcCatalog) catalog = pc_client_catalog_finish (client, result, &error);
      GPtrArray *lists[2] = { catalog ? catalog->functions : NULL, catalog ? catalog->user : NULL };

      for (guint l = 0; l < G_N_ELEMENTS (lists) && lists[l] != NULL; l++)
        for (guint i = 0; i < lists[l]->len; i++)
          {
            PcFunctionInfo *info = g_ptr_array_index (lists[l], i);

            if (info->name == NULL || !g_utf8_validate (info->name, -1, NULL)
                || (info->description != NULL && !g_utf8_validate (info->description, -1, NULL))
                || (info->text != NULL && !g_utf8_validate (info->text, -1, NULL)))
              g_error ("client: a catalogue entry without a name, or not UTF-8");
          }
    }
  if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
    g_error ("client: an error message that is not UTF-8");
  state->n_done++;
}

static void
start_call (PcClient *client,
            CallKind  kind,
            State    *state)
{
  switch (kind)
    {
    case CALL_EVAL:
      pc_client_eval_async (client, "1+2", NULL, call_done_cb, state);
      break;
    case CALL_INFO:
      pc_client_info_async (client, NULL, call_done_cb, state);
      break;
    case CALL_AUTH:
      pc_client_auth_async (client, "token", NULL, call_done_cb, state);
      break;
    case CALL_FUNCTIONS:
      pc_client_catalog_async (client, NULL, call_done_cb, state);
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(PcClient) client = NULL;
  g_autoptr(GSocket) peer = NULL;
  g_autoptr(GError) error = NULL;
  State state = { 0 };
  guint newlines = 0;
  gsize sent = 0;

  if (size < 1)
    return 0;
  g_main_context_push_thread_default (context);
  client = pc_client_new (transports);
  pc_client_connect_async (client, address, FALSE, NULL, connected_cb, &state);
  while (!state.connected && state.connect_error == NULL)
    g_main_context_iteration (context, TRUE);
  if (!state.connected)
    g_error ("client: cannot connect to the fake server: %s", state.connect_error->message);
  peer = g_socket_accept (listener, NULL, &error);
  if (peer == NULL)
    g_error ("client: accept: %s", error->message);
  g_socket_set_blocking (peer, FALSE);

  start_call (client, data[0] % 4, &state);
  start_call (client, data[0] / 4 % 4, &state);

  /* Read both requests before answering, as a server would. */
  while (newlines < N_CALLS)
    {
      char buf[4096];
      gssize n;

      g_main_context_iteration (context, FALSE);
      n = g_socket_receive (peer, buf, sizeof buf, NULL, NULL);
      if (n == 0)
        g_error ("client: the client closed before sending its requests");
      for (gssize i = 0; i < n; i++)
        newlines += buf[i] == '\n';
      if (n < 0)
        g_socket_condition_timed_wait (peer, G_IO_IN, 1000, NULL, NULL);
    }

  while (sent < size - 1)
    {
      gssize n = g_socket_send (peer, (const char *) data + 1 + sent, size - 1 - sent, NULL, NULL);

      if (n > 0)
        sent += n;
      else if (!g_main_context_iteration (context, FALSE))
        g_socket_condition_timed_wait (peer, G_IO_OUT, 1000, NULL, NULL);
      /* A client that dropped the connection reads no more. */
      if (!pc_client_is_connected (client))
        break;
    }
  g_socket_close (peer, NULL);

  while (state.n_done < N_CALLS)
    g_main_context_iteration (context, TRUE);
  pc_client_close (client);
  g_clear_object (&client);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_clear_error (&state.connect_error);
  return 0;
}
