/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-client"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pc-client-json.h"
#include "pc-line-channel.h"
#include "pc-private-server.h"

/* The largest reply is a `sample` of the most points the server allows
 * (1 000 000 values of at most 24 characters and a comma: under 26 MB);
 * every other reply is far below. */
#define MAX_REPLY_LINE (32 * 1024 * 1024)
/* How long a private server may take to start answering. */
#define PRIVATE_START_TIMEOUT_MS 5000
#define PRIVATE_POLL_MS 20

G_DEFINE_QUARK (pc-client-error-quark, pc_client_error)

typedef struct
{
  PcClient     *client;       /* unowned */
  GTask        *task;         /* owned until completed */
  gint64        id;
  guint         timeout_id;
  GCancellable *cancellable;
  gulong        cancelled_id;
} Call;

struct _PcClient
{
  GObject parent_instance;

  PcTransports    *transports;   /* unowned: outlives the client */
  guint            timeout;
  char            *address;
  gboolean         is_private;
  PcPrivateServer *private_server;
  gint64           allowed_server_uid;
  char            *tls_ca_file;
  char            *token;

  /* The connection's reads and writes (pc-line-channel.c); NULL when
   * not connected. */
  PcLineChannel   *channel;
  gint64           next_id;
  GHashTable      *calls;        /* id -> Call*, owning */
};

enum { SIGNAL_DISCONNECTED, SIGNAL_LOG, SIGNAL_EVENT, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcClient, pc_client, G_TYPE_OBJECT)

void
pc_client_reply_free (PcClientReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->result, json_decref);
  pc_rpc_error_clear (&reply->error);
  g_free (reply->raw);
  g_free (reply);
}

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->timeout_id, g_source_remove);
  if (call->cancelled_id != 0)
    g_cancellable_disconnect (call->cancellable, call->cancelled_id);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->task);
  g_free (call);
}

/* Completes and forgets one call: with @reply on success, else @error. */
static void
call_complete (PcClient      *self,
               gint64         id,
               PcClientReply *reply,
               GError        *error)
{
  Call *call = g_hash_table_lookup (self->calls, &id);
  g_autoptr(GTask) task = NULL;

  if (call == NULL)
    {
      pc_client_reply_free (reply);
      if (error != NULL)
        g_error_free (error);
      return;
    }
  task = g_steal_pointer (&call->task);
  g_hash_table_remove (self->calls, &id);
  if (reply != NULL)
    g_task_return_pointer (task, reply, (GDestroyNotify) pc_client_reply_free);
  else
    g_task_return_error (task, error);
}

static void
fail_all_calls (PcClient   *self,
                const char *reason)
{
  g_autoptr(GList) ids = g_hash_table_get_keys (self->calls);
  g_autoptr(GArray) copy = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Completing a call may start others: work on a copy of the ids. */
  for (GList *l = ids; l != NULL; l = l->next)
    g_array_append_val (copy, *(gint64 *) l->data);
  for (guint i = 0; i < copy->len; i++)
    call_complete (self, g_array_index (copy, gint64, i), NULL,
                   g_error_new (PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED,
                                _("The connection to the server was lost: %s"), reason));
}

static void
drop_connection (PcClient   *self,
                 const char *reason)
{
  gboolean was_connected = self->channel != NULL;

  /* The channel closes the stream by itself and calls nothing more. */
  if (self->channel != NULL)
    pc_line_channel_close (self->channel);
  g_clear_object (&self->channel);
  fail_all_calls (self, reason);
  if (was_connected)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, reason);
}

static void
pc_client_dispose (GObject *object)
{
  PcClient *self = PC_CLIENT (object);

  pc_client_close (self);
  G_OBJECT_CLASS (pc_client_parent_class)->dispose (object);
}

static void
pc_client_finalize (GObject *object)
{
  PcClient *self = PC_CLIENT (object);

  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_free (self->address);
  g_free (self->tls_ca_file);
  pc_client_set_token (self, NULL);
  G_OBJECT_CLASS (pc_client_parent_class)->finalize (object);
}

static void
pc_client_class_init (PcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pc_client_dispose;
  object_class->finalize = pc_client_finalize;

  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pc_client_init (PcClient *self)
{
  self->calls = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) call_free);
  self->next_id = 1;
  self->allowed_server_uid = -1;
}

PcClient *
pc_client_new (PcTransports *transports)
{
  PcClient *self = g_object_new (PC_TYPE_CLIENT, NULL);

  self->transports = transports;
  return self;
}

void
pc_client_set_timeout (PcClient *self,
                       guint     seconds)
{
  self->timeout = seconds;
}

void
pc_client_set_allowed_server_uid (PcClient *self,
                                  gint64    uid)
{
  self->allowed_server_uid = uid < 0 ? -1 : uid;
}

void
pc_client_set_tls_ca_file (PcClient   *self,
                           const char *path)
{
  g_free (self->tls_ca_file);
  self->tls_ca_file = g_strdup (path);
}

void
pc_client_set_token (PcClient   *self,
                     const char *token)
{
  /* A secret: not left in freed memory for longer than it must be. */
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

const char *
pc_client_get_address (PcClient *self)
{
  return self->address;
}

gboolean
pc_client_is_private (PcClient *self)
{
  return self->is_private;
}

gboolean
pc_client_is_connected (PcClient *self)
{
  return self->channel != NULL;
}

/* ---- Reading replies -------------------------------------------------- */

static void
handle_reply_line (PcClient   *self,
                   const char *line,
                   gsize       len)
{
  g_autoptr(GError) error = NULL;
  PcClientReply *reply = g_new0 (PcClientReply, 1);
  gint64 id = -1;

  if (!pc_protocol_parse_response (line, len, &id, &reply->result, &reply->error, &error))
    {
      pc_client_reply_free (reply);
      drop_connection (self, error->message);
      return;
    }
  reply->raw = g_strndup (line, len);
  /* A reply with a null id answers no request of ours (the server could
   * not read one); it is dropped like replies to calls given up on. */
  call_complete (self, id, reply, NULL);
}

static void
line_cb (PcLineChannel *channel,
         const char    *line,
         gsize          len,
         gpointer       user_data)
{
  /* Completing a call runs its callback, which may drop the client. */
  g_autoptr(PcClient) self = g_object_ref (user_data);

  handle_reply_line (self, line, len);
}

static void
line_too_long_cb (PcLineChannel *channel,
                  gboolean       looks_json,
                  gpointer       user_data)
{
  drop_connection (user_data, _("the server sent a reply longer than 32 MiB"));
}

static void
end_of_input_cb (PcLineChannel *channel,
                 gboolean       mid_line,
                 gpointer       user_data)
{
  drop_connection (user_data, _("the server closed the connection"));
}

static void
failed_cb (PcLineChannel   *channel,
           PcLineChannelOp  op,
           const GError    *error,
           gpointer         user_data)
{
  drop_connection (user_data, error->message);
}

static const PcLineChannelCallbacks channel_callbacks = {
  .line = line_cb,
  .line_too_long = line_too_long_cb,
  .end_of_input = end_of_input_cb,
  .failed = failed_cb,
};

/* ---- Calls ------------------------------------------------------------ */

static gboolean
call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;
  PcClient *self = call->client;

  call->timeout_id = 0;
  call_complete (self, call->id, NULL, pc_client_timeout_error_new (self->timeout));
  return G_SOURCE_REMOVE;
}

static gboolean
call_cancelled_idle_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timeout_id = 0;
  call_complete (call->client, call->id, NULL,
                 g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      _("The request was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
call_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Call *call = user_data;

  /* Runs inside g_cancellable_cancel(), where the handler may not be
   * disconnected: complete the call from an idle instead. The reply, if
   * it still comes, is dropped. */
  g_clear_handle_id (&call->timeout_id, g_source_remove);
  call->timeout_id = g_idle_add (call_cancelled_idle_cb, call);
}

void
pc_client_call_async (PcClient            *self,
                      const char          *method,
                      json_t              *params,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Call *call;

  g_task_set_source_tag (task, pc_client_call_async);
  if (self->channel == NULL)
    {
      if (params != NULL)
        json_decref (params);
      g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED,
                               _("Not connected to a server"));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      if (params != NULL)
        json_decref (params);
      return;
    }

  call = g_new0 (Call, 1);
  call->client = self;
  call->task = g_steal_pointer (&task);
  call->id = self->next_id++;
  /* Not g_timeout_add_seconds(): it rounds the expiry to a whole second
   * and may fire up to a quarter second early, so "1 s" meant 0.75 s. */
  if (self->timeout > 0)
    call->timeout_id = g_timeout_add (MIN (self->timeout, G_MAXUINT / 1000) * 1000,
                                      call_timeout_cb, call);
  if (cancellable != NULL)
    {
      call->cancellable = g_object_ref (cancellable);
      call->cancelled_id = g_cancellable_connect (cancellable,
                                                  G_CALLBACK (call_cancelled_cb),
                                                  call, NULL);
    }
  g_hash_table_insert (self->calls, &call->id, call);

  pc_protocol_append_request (pc_line_channel_get_output (self->channel), call->id,
                              method, params);
  pc_line_channel_flush (self->channel);
}

PcClientReply *
pc_client_call_finish (PcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Connecting ------------------------------------------------------- */

typedef struct
{
  PcAddress            *address;
  const PcTransportOps *ops;
  gboolean              start_private;
  gboolean              default_address;  /* none was given */
  gboolean              trying_private;
  gint64                deadline;
  guint                 retry_id;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_handle_id (&data->retry_id, g_source_remove);
  pc_address_free (data->address);
  g_free (data);
}

static void try_connect (GTask *task);

static void
attach_stream (PcClient   *self,
               GIOStream  *stream,
               const char *address,
               gboolean    is_private)
{
  drop_connection (self, _("replaced by a new connection"));
  /* Replies are read as they come whatever is queued to send: no high
   * water on this side, or two full buffers would wait for each other. */
  self->channel = pc_line_channel_new (stream, MAX_REPLY_LINE, 0, &channel_callbacks, self);
  g_object_unref (stream);
  g_free (self->address);
  self->address = g_strdup (address);
  self->is_private = is_private;
  pc_line_channel_start (self->channel);
}

static void
private_log_cb (const char *line,
                gpointer    user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_LOG], 0, line);
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  ConnectData *data = g_task_get_task_data (task);

  data->retry_id = 0;
  try_connect (task);
  return G_SOURCE_REMOVE;
}

static void
auth_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcClient *self = PC_CLIENT (source);
  g_autoptr(GError) error = NULL;

  if (pc_client_auth_finish (self, result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Not drop_connection(): the connection never counted as made, so
   * nobody hears of a "disconnection", only of the failed connect. */
  if (self->channel != NULL)
    pc_line_channel_close (self->channel);
  g_clear_object (&self->channel);
  fail_all_calls (self, _("the server refused the access token"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_AUTH_FAILED,
                             _("The server at %s refused the access token: %s"),
                             self->address, error->message);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcClient *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) server_error = NULL;
  GIOStream *stream = data->ops->connect_finish (result, &error);
  GCancellable *cancellable;
  gboolean nobody_there;

  if (stream != NULL)
    {
      attach_stream (self, stream, data->address->text, data->trying_private);
      if (self->token == NULL)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      /* The token goes first, before anything the caller sends: a server
       * that wants one answers every other call with error 1003. */
      cancellable = g_task_get_cancellable (task);
      pc_client_auth_async (self, self->token, cancellable, auth_done_cb,
                            g_steal_pointer (&task));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Another user's server, a folder someone else controls, a certificate
   * that does not verify: said as it is, and never "solved" by starting
   * a private server somewhere else. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_UNTRUSTED,
                               "%s", error->message);
      return;
    }

  nobody_there = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
                 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  if (data->trying_private)
    {
      /* The private server is starting: poll until it answers, it dies,
       * or it takes too long. */
      if (!pc_private_server_check (self->private_server, &server_error))
        {
          g_clear_pointer (&self->private_server, pc_private_server_stop);
          g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_SERVER_FAILED,
                                   "%s", server_error->message);
          return;
        }
      if (nobody_there && g_get_monotonic_time () < data->deadline)
        {
          data->retry_id = g_timeout_add (PRIVATE_POLL_MS, retry_cb, task);
          g_steal_pointer (&task);
          return;
        }
      g_clear_pointer (&self->private_server, pc_private_server_stop);
      g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_SERVER_FAILED,
                               _("The private server started but does not answer at %s: %s"),
                               data->address->text, error->message);
      return;
    }

  if (nobody_there && data->start_private)
    {
      /* For the default address the private server gets an address of its
       * own; for another local address (a transport's own default, or
       * TCP on loopback) it listens exactly where the person asked for a
       * server. */
      g_autofree char *private_text = data->default_address
        ? pc_private_server_address (self->transports, &server_error)
        : g_strdup (data->address->text);
      g_autoptr(PcAddress) private_address = NULL;
      const PcTransportOps *ops = NULL;

      if (private_text != NULL)
        private_address = pc_transports_parse_address (self->transports, private_text,
                                                       &server_error);
      if (private_address != NULL)
        ops = pc_transports_lookup (self->transports, private_address->scheme,
                                    &server_error);
      /* A private server that was killed or crashed is said so, and
       * replaced: never mistaken for a new one that exited at once. */
      if (self->private_server != NULL && !pc_private_server_check (self->private_server, NULL))
        {
          g_autofree char *how = pc_private_server_describe_end (self->private_server);
          g_autofree char *line = g_strdup_printf (_("The private server %s"), how);

          g_clear_pointer (&self->private_server, pc_private_server_stop);
          g_signal_emit (self, signals[SIGNAL_EVENT], 0, line);
        }
      if (ops != NULL && self->private_server == NULL)
        {
          self->private_server = pc_private_server_start (private_text, private_log_cb,
                                                          self, &server_error);
          if (self->private_server != NULL)
            {
              g_autofree char *line =
                g_strdup_printf (_("Started a private server (pid %s) at %s"),
                                 pc_private_server_get_pid (self->private_server), private_text);

              g_signal_emit (self, signals[SIGNAL_EVENT], 0, line);
            }
        }
      if (ops == NULL || self->private_server == NULL)
        {
          g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_SERVER_FAILED,
                                   "%s", server_error->message);
          return;
        }
      pc_address_free (data->address);
      data->address = g_steal_pointer (&private_address);
      data->ops = ops;
      data->trying_private = TRUE;
      data->deadline = g_get_monotonic_time () + PRIVATE_START_TIMEOUT_MS * 1000;
      try_connect (g_steal_pointer (&task));
      return;
    }

  if (nobody_there)
    g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NO_SERVER,
                             /* TRANSLATORS: the first %s is the transport's own message,
                              * which names the address; the second is the address */
                             _("%s. Start a server with: pipecalcd --listen %s"),
                             error->message, data->address->text);
  else
    g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NO_SERVER,
                             _("Cannot connect to %s: %s"),
                             data->address->text, error->message);
}

static void
try_connect (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);
  PcClient *self = g_task_get_source_object (task);
  const PcConnectOptions options = {
    .allowed_server_uid = self->allowed_server_uid,
    .tls_ca_file = self->tls_ca_file,
  };

  data->ops->connect_async (data->address, &options, g_task_get_cancellable (task),
                            connected_cb, task);
}

void
pc_client_connect_async (PcClient            *self,
                         const char          *address,
                         gboolean             start_private,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *default_address = NULL;
  ConnectData *data = g_new0 (ConnectData, 1);

  g_task_set_source_tag (task, pc_client_connect_async);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  data->start_private = start_private;

  if (address == NULL)
    {
      const PcTransportOps *ops = pc_transports_default_local (self->transports);

      if (ops != NULL && ops->default_address != NULL)
        default_address = ops->default_address ();
      if (default_address == NULL)
        {
          g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NO_SERVER,
                                   _("No local transport is available; give an address"));
          return;
        }
      address = default_address;
      data->default_address = TRUE;
    }

  data->address = pc_transports_parse_address (self->transports, address, &error);
  if (data->address != NULL)
    data->ops = pc_transports_lookup (self->transports, data->address->scheme, &error);
  if (data->ops == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A private server is only ever started on this machine. */
  if (!pc_transport_is_loopback (data->ops, data->address))
    data->start_private = FALSE;
  try_connect (g_steal_pointer (&task));
}

gboolean
pc_client_connect_finish (PcClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pc_client_close (PcClient *self)
{
  drop_connection (self, _("closed by the client"));
  g_clear_pointer (&self->private_server, pc_private_server_stop);
}

/* The one wording of a timeout, for the client's calls and for callers
 * that time a longer operation themselves (the connection dialog's Test). */
GError *
pc_client_timeout_error_new (guint seconds)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                      ngettext ("The server did not answer within %u second",
                                "The server did not answer within %u seconds",
                                seconds),
                      seconds);
}
