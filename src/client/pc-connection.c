/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-client"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-connection.h"
#include "pc-token.h"

#define MAX_BACKOFF_SECONDS 30

struct _PcConnection
{
  GObject parent_instance;

  PcTransports      *transports;  /* unowned: outlives the connection */
  char              *target;      /* NULL: the default local address */
  gboolean           start_private;
  guint              timeout;

  PcClient          *client;
  GCancellable      *connect_cancellable;
  PcConnectionState  state;
  guint              backoff;     /* seconds before the next attempt */
  guint              retry_in;
  guint              retry_source;
  char              *transport;   /* scheme of the address in use */
  char              *token;       /* presented with auth on connecting */
  char              *tls_ca_file;

  GQueue             waiting;     /* GTask*: evaluations for when connected */
  guint              in_flight;   /* evaluations sent, not answered yet */

  /* Sessions: every connection made is one. Until its server has said
   * what it is (info) the session is being prepared, and evaluations
   * wait; so they do while someone holds them. */
  guint              session;
  guint              connection_serial;
  gboolean           preparing;
  guint              holds;
  PcServerLimits     limits;
  gboolean           have_limits;
};

enum { PROP_0, PROP_STATE, PROP_RETRY_IN, PROP_SESSION, PROP_N_WAITING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_LOG, SIGNAL_CONNECTED, SIGNAL_SESSION_STARTED,
       SIGNAL_EVALUATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcConnection, pc_connection, G_TYPE_OBJECT)

static void start_connecting (PcConnection *self);
static void send_eval (PcConnection *self,
                       GTask        *task);

static void
log_line (PcConnection        *self,
          PcConnectionLogKind  kind,
          const char          *format,
          ...) G_GNUC_PRINTF (3, 4);

static void
log_line (PcConnection        *self,
          PcConnectionLogKind  kind,
          const char          *format,
          ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_signal_emit (self, signals[SIGNAL_LOG], 0, kind, text);
}

static void
set_state (PcConnection      *self,
           PcConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
push_waiting (PcConnection *self,
              GTask        *task)
{
  g_queue_push_tail (&self->waiting, task);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

static gboolean
may_send (PcConnection *self)
{
  return self->state == PC_CONNECTION_CONNECTED && !self->preparing && self->holds == 0;
}

/* What was typed while disconnected goes now, in order. */
static void
send_waiting (PcConnection *self)
{
  gboolean any = FALSE;

  while (may_send (self) && !g_queue_is_empty (&self->waiting))
    {
      GTask *task = g_queue_pop_head (&self->waiting);

      any = TRUE;
      send_eval (self, task);
      g_object_unref (task);
    }
  if (any)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

static void
drop_client (PcConnection *self)
{
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      pc_client_close (self->client);
      g_clear_object (&self->client);
    }
}

static void
fail_waiting (PcConnection *self,
              const char   *why)
{
  GTask *task;
  gboolean any = FALSE;

  while ((task = g_queue_pop_head (&self->waiting)) != NULL)
    {
      any = TRUE;
      g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED,
                               "%s", why);
      g_object_unref (task);
    }
  if (any)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

static void
pc_connection_dispose (GObject *object)
{
  PcConnection *self = PC_CONNECTION (object);

  drop_client (self);
  fail_waiting (self, _("The connection was closed"));
  G_OBJECT_CLASS (pc_connection_parent_class)->dispose (object);
}

static void
pc_connection_finalize (GObject *object)
{
  PcConnection *self = PC_CONNECTION (object);

  g_free (self->target);
  g_clear_pointer (&self->token, pc_token_free);
  g_free (self->tls_ca_file);
  g_free (self->transport);
  G_OBJECT_CLASS (pc_connection_parent_class)->finalize (object);
}

static void
pc_connection_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PcConnection *self = PC_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_RETRY_IN:
      g_value_set_uint (value, self->retry_in);
      break;
    case PROP_SESSION:
      g_value_set_uint (value, self->session);
      break;
    case PROP_N_WAITING:
      g_value_set_uint (value, g_queue_get_length (&self->waiting));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pc_connection_class_init (PcConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pc_connection_dispose;
  object_class->finalize = pc_connection_finalize;
  object_class->get_property = pc_connection_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, PC_CONNECTION_DISCONNECTED,
                      PC_CONNECTION_WAITING, PC_CONNECTION_DISCONNECTED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_uint ("session", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_EVALUATED] =
    g_signal_new ("evaluated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
pc_connection_init (PcConnection *self)
{
  g_queue_init (&self->waiting);
  self->timeout = 5;
  self->backoff = 1;
}

PcConnection *
pc_connection_new (PcTransports *transports)
{
  PcConnection *self = g_object_new (PC_TYPE_CONNECTION, NULL);

  self->transports = transports;
  return self;
}

PcConnectionState
pc_connection_get_state (PcConnection *self)
{
  return self->state;
}

guint
pc_connection_get_retry_in (PcConnection *self)
{
  return self->retry_in;
}

const char *
pc_connection_get_address (PcConnection *self)
{
  if (self->client != NULL && pc_client_get_address (self->client) != NULL)
    return pc_client_get_address (self->client);
  return self->target;
}

const char *
pc_connection_get_transport (PcConnection *self)
{
  return self->transport;
}

/* Whether the transport in use cannot reach other machines at all (its
 * module has no REMOTE flag), so the server is on this computer by
 * nature, whatever its address says. */
gboolean
pc_connection_is_local_only (PcConnection *self)
{
  const PcTransportOps *ops;

  if (self->transport == NULL || self->transport[0] == '\0')
    return FALSE;
  ops = pc_transports_lookup (self->transports, self->transport, NULL);
  return ops != NULL && !(ops->flags & PC_TRANSPORT_FLAG_REMOTE);
}

gboolean
pc_connection_is_private (PcConnection *self)
{
  return self->client != NULL && pc_client_is_private (self->client);
}

void
pc_connection_set_timeout (PcConnection *self,
                           guint         seconds)
{
  self->timeout = seconds;
  if (self->client != NULL)
    pc_client_set_timeout (self->client, seconds);
}

/* ---- Reconnecting ----------------------------------------------------- */

static gboolean
retry_tick_cb (gpointer user_data)
{
  PcConnection *self = user_data;

  if (self->retry_in > 1)
    {
      self->retry_in--;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
      return G_SOURCE_CONTINUE;
    }
  self->retry_source = 0;
  self->retry_in = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
  start_connecting (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PcConnection *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_in = self->backoff;
  self->backoff = MIN (self->backoff * 2, MAX_BACKOFF_SECONDS);
  log_line (self, PC_CONNECTION_LOG_EVENT,
            ngettext ("Retrying in %u second", "Retrying in %u seconds", self->retry_in),
            self->retry_in);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
  set_state (self, PC_CONNECTION_WAITING);
  self->retry_source = g_timeout_add_seconds (1, retry_tick_cb, self);
}

static void
client_disconnected_cb (PcClient     *client,
                        const char   *reason,
                        PcConnection *self)
{
  log_line (self, PC_CONNECTION_LOG_ERROR, _("Disconnected: %s"), reason);
  self->backoff = 1;
  schedule_retry (self);
}

static void
client_log_cb (PcClient     *client,
               const char   *line,
               PcConnection *self)
{
  g_signal_emit (self, signals[SIGNAL_LOG], 0, PC_CONNECTION_LOG_SERVER, line);
}

typedef struct
{
  PcConnection *self;    /* a strong reference */
  guint         serial;  /* the connection the call was made on */
} InfoCall;

/* The session starts once its server has said what it is (or would not):
 * the replay of definitions needs its limits. */
static void
start_session (PcConnection *self)
{
  self->preparing = FALSE;
  self->session++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0, self->session);
  send_waiting (self);
}

static void
client_event_cb (PcClient     *client,
                 const char   *text,
                 PcConnection *self)
{
  log_line (self, PC_CONNECTION_LOG_EVENT, "%s", text);
}

static void
info_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  InfoCall *call = user_data;
  g_autoptr(PcConnection) self = call->self;
  gboolean current = call->serial == self->connection_serial
                     && self->state == PC_CONNECTION_CONNECTED && self->preparing;
  g_autoptr(PcServerInfo) info = pc_client_info_finish (PC_CLIENT (source), result, NULL);
  g_autofree char *summary = NULL;

  g_free (call);
  if (current && info != NULL)
    {
      self->limits = info->limits;
      self->have_limits = TRUE;
    }
  if (current)
    start_session (self);
  if (info == NULL || !current)
    return;
  summary = g_strdup_printf ("%s %s, muparser %s",
                             info->server ? info->server : "?",
                             info->version ? info->version : "?",
                             info->muparser ? info->muparser : "?");
  log_line (self, PC_CONNECTION_LOG_EVENT, _("Server: %s"), summary);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, summary);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PcConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcAddress) address = NULL;
  PcClient *client = PC_CLIENT (source);

  if (!pc_client_connect_finish (client, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || client != self->client)
        return;
      log_line (self, PC_CONNECTION_LOG_ERROR, "%s", error->message);
      schedule_retry (self);
      return;
    }
  if (client != self->client)
    return;

  g_clear_object (&self->connect_cancellable);
  self->backoff = 1;
  address = pc_transports_parse_address (self->transports, pc_client_get_address (client), NULL);
  g_free (self->transport);
  self->transport = g_strdup (address ? address->scheme : "");
  log_line (self, PC_CONNECTION_LOG_EVENT,
            pc_client_is_private (client) ? _("Connected to %s (a private server started for this window)")
                                          : _("Connected to %s"),
            pc_client_get_address (client));
  self->connection_serial++;
  self->preparing = TRUE;
  self->have_limits = FALSE;
  set_state (self, PC_CONNECTION_CONNECTED);
  {
    InfoCall *call = g_new0 (InfoCall, 1);

    call->self = g_object_ref (self);
    call->serial = self->connection_serial;
    pc_client_info_async (client, NULL, info_cb, call);
  }
}

static void
start_connecting (PcConnection *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->client == NULL)
    {
      self->client = pc_client_new (self->transports);
      g_signal_connect (self->client, "disconnected", G_CALLBACK (client_disconnected_cb), self);
      g_signal_connect (self->client, "log", G_CALLBACK (client_log_cb), self);
      g_signal_connect (self->client, "event", G_CALLBACK (client_event_cb), self);
    }
  pc_client_set_timeout (self->client, self->timeout);
  pc_client_set_token (self->client, self->token);
  pc_client_set_tls_ca_file (self->client, self->tls_ca_file);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  self->connect_cancellable = g_cancellable_new ();

  set_state (self, PC_CONNECTION_CONNECTING);
  if (self->target != NULL)
    log_line (self, PC_CONNECTION_LOG_EVENT, _("Connecting to %s…"), self->target);
  else
    log_line (self, PC_CONNECTION_LOG_EVENT, "%s", _("Connecting to the local server…"));
  pc_client_connect_async (self->client, self->target, self->start_private,
                           self->connect_cancellable, connected_cb, g_object_ref (self));
}

void
pc_connection_set_credentials (PcConnection *self,
                               const char   *token,
                               const char   *tls_ca_file)
{
  g_clear_pointer (&self->token, pc_token_free);
  self->token = token != NULL && token[0] != '\0' ? g_strdup (token) : NULL;
  g_free (self->tls_ca_file);
  self->tls_ca_file = tls_ca_file != NULL && tls_ca_file[0] != '\0'
                      ? g_strdup (tls_ca_file) : NULL;
}

void
pc_connection_set_target (PcConnection *self,
                          const char   *address,
                          gboolean      start_private)
{
  drop_client (self);
  g_free (self->target);
  self->target = g_strdup (address);
  self->start_private = start_private;
  self->backoff = 1;
  start_connecting (self);
}

void
pc_connection_retry_now (PcConnection *self)
{
  if (self->state == PC_CONNECTION_WAITING)
    {
      self->retry_in = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
      start_connecting (self);
    }
}

void
pc_connection_reconnect_now (PcConnection *self)
{
  self->backoff = 1;
  if (self->state != PC_CONNECTION_WAITING)
    return;
  log_line (self, PC_CONNECTION_LOG_EVENT, "%s", _("Reconnecting now"));
  self->retry_in = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
  start_connecting (self);
}

void
pc_connection_stop (PcConnection *self)
{
  drop_client (self);
  fail_waiting (self, _("The connection was closed"));
  set_state (self, PC_CONNECTION_DISCONNECTED);
}

/* ---- Evaluating ------------------------------------------------------- */

static void
eval_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcConnection *self = g_task_get_source_object (task);
  const char *expression = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  PcEvalOutcome *outcome = pc_client_eval_finish (PC_CLIENT (source), result, &error);

  if (self->in_flight > 0)
    self->in_flight--;
  if (outcome == NULL)
    {
      /* Lost in flight: it goes again after reconnecting, unless the
       * person gave up on it. */
      if (g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED)
          && !g_cancellable_is_cancelled (g_task_get_cancellable (task))
          && self->state != PC_CONNECTION_DISCONNECTED)
        {
          push_waiting (self, g_steal_pointer (&task));
          return;
        }
      log_line (self, PC_CONNECTION_LOG_ERROR, "%s: %s", expression, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (outcome->error_code == 0)
    log_line (self, PC_CONNECTION_LOG_RECEIVED, "← %s", outcome->text);
  else
    /* TRANSLATORS: a log line: %d is the protocol's error code, %s the
     * server's own (English) message */
    log_line (self, PC_CONNECTION_LOG_RECEIVED, _("← error %d: %s"), outcome->error_code,
              outcome->message);
  g_signal_emit (self, signals[SIGNAL_EVALUATED], 0, outcome->error_code == 0);
  g_task_return_pointer (task, outcome, (GDestroyNotify) pc_eval_outcome_free);
}

static void
send_eval (PcConnection *self,
           GTask        *task)
{
  if (g_task_return_error_if_cancelled (task))
    return;
  log_line (self, PC_CONNECTION_LOG_SENT, "→ %s", (const char *) g_task_get_task_data (task));
  self->in_flight++;
  pc_client_eval_async (self->client, g_task_get_task_data (task),
                        g_task_get_cancellable (task), eval_reply_cb, g_object_ref (task));
}

void
pc_connection_eval_async (PcConnection        *self,
                          const char          *expression,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_connection_eval_async);
  g_task_set_task_data (task, g_strdup (expression), g_free);
  if (may_send (self) && g_queue_is_empty (&self->waiting))
    send_eval (self, task);
  else
    {
      if (self->state != PC_CONNECTION_CONNECTED)
        log_line (self, PC_CONNECTION_LOG_EVENT,
                  _("Not connected: “%s” will be evaluated after reconnecting"), expression);
      push_waiting (self, g_steal_pointer (&task));
    }
}

PcEvalOutcome *
pc_connection_eval_finish (PcConnection  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Sampling --------------------------------------------------------- */

static void
sample_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcConnection *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  PcSampleOutcome *outcome = pc_client_sample_finish (PC_CLIENT (source), result, &error);

  if (outcome == NULL)
    {
      /* A stale request the graph dropped is no news for the log. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        /* TRANSLATORS: a log line: %s is a graph's expression, then why
         * its points did not come */
        log_line (self, PC_CONNECTION_LOG_ERROR, _("sample %s: %s"),
                  (const char *) g_task_get_task_data (task), error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (outcome->error_code == 0)
    log_line (self, PC_CONNECTION_LOG_RECEIVED,
              ngettext ("← %u value", "← %u values", outcome->n_values), outcome->n_values);
  else
    log_line (self, PC_CONNECTION_LOG_RECEIVED, _("← error %d: %s"), outcome->error_code,
              outcome->message ? outcome->message : "");
  g_task_return_pointer (task, outcome, (GDestroyNotify) pc_sample_outcome_free);
}

void
pc_connection_sample_async (PcConnection        *self,
                            const char          *expression,
                            double               from,
                            double               to,
                            guint                points,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  char from_text[G_ASCII_DTOSTR_BUF_SIZE], to_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_task_set_source_tag (task, pc_connection_sample_async);
  g_task_set_task_data (task, g_strdup (expression), g_free);
  if (self->state != PC_CONNECTION_CONNECTED || self->client == NULL)
    {
      g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED,
                               "%s", _("Not connected to a server"));
      return;
    }
  /* %.6g: enough to read the view, short enough for a line. */
  g_ascii_formatd (from_text, sizeof from_text, "%.6g", from);
  g_ascii_formatd (to_text, sizeof to_text, "%.6g", to);
  /* TRANSLATORS: a log line: a graph's expression, its x range and how
   * many points are asked for */
  log_line (self, PC_CONNECTION_LOG_SENT,
            ngettext ("→ sample %s over [%s, %s], %u point",
                      "→ sample %s over [%s, %s], %u points", points),
            expression, from_text, to_text, points);
  pc_client_sample_async (self->client, expression, "x", from, to, points, cancellable,
                          sample_reply_cb, g_object_ref (task));
}

PcSampleOutcome *
pc_connection_sample_finish (PcConnection  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Sessions --------------------------------------------------------- */

guint
pc_connection_get_session (PcConnection *self)
{
  return self->session;
}

guint
pc_connection_get_n_waiting (PcConnection *self)
{
  return g_queue_get_length (&self->waiting);
}

guint
pc_connection_get_n_pending (PcConnection *self)
{
  return g_queue_get_length (&self->waiting) + self->in_flight;
}

const PcServerLimits *
pc_connection_get_limits (PcConnection *self)
{
  return self->have_limits && self->state == PC_CONNECTION_CONNECTED ? &self->limits : NULL;
}

void
pc_connection_hold (PcConnection *self)
{
  self->holds++;
}

void
pc_connection_release (PcConnection *self)
{
  g_return_if_fail (self->holds > 0);
  self->holds--;
  send_waiting (self);
}

static gboolean
in_session (PcConnection *self,
            GTask        *task,
            guint         session)
{
  if (self->state == PC_CONNECTION_CONNECTED && !self->preparing && self->client != NULL
      && (session == 0 || session == self->session))
    return TRUE;
  g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NOT_CONNECTED,
                           "%s", _("Not connected to a server"));
  return FALSE;
}

static void
eval_now_reply_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcConnection *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  PcEvalOutcome *outcome = pc_client_eval_finish (PC_CLIENT (source), result, &error);

  if (outcome == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (outcome->error_code == 0)
    log_line (self, PC_CONNECTION_LOG_RECEIVED, "← %s", outcome->text);
  else
    log_line (self, PC_CONNECTION_LOG_RECEIVED, "← error %d: %s", outcome->error_code,
              outcome->message);
  g_task_return_pointer (task, outcome, (GDestroyNotify) pc_eval_outcome_free);
}

void
pc_connection_eval_now_async (PcConnection        *self,
                              guint                session,
                              const char          *expression,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_connection_eval_now_async);
  if (!in_session (self, task, session))
    return;
  log_line (self, PC_CONNECTION_LOG_SENT, "→ %s", expression);
  pc_client_eval_async (self->client, expression, cancellable, eval_now_reply_cb,
                        g_steal_pointer (&task));
}

PcEvalOutcome *
pc_connection_eval_now_finish (PcConnection  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vars_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  PcVarsPage *page = pc_client_vars_finish (PC_CLIENT (source), result, &error);

  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) pc_vars_page_free);
}

void
pc_connection_vars_async (PcConnection        *self,
                          const char          *after,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_connection_vars_async);
  if (in_session (self, task, 0))
    pc_client_vars_async (self->client, after, limit, cancellable, vars_reply_cb,
                          g_steal_pointer (&task));
}

PcVarsPage *
pc_connection_vars_finish (PcConnection  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
catalog_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  PcCatalog *catalog = pc_client_catalog_finish (PC_CLIENT (source), result, &error);

  if (catalog == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, catalog, (GDestroyNotify) pc_catalog_free);
}

void
pc_connection_catalog_async (PcConnection        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_connection_catalog_async);
  if (in_session (self, task, 0))
    pc_client_catalog_async (self->client, cancellable, catalog_reply_cb,
                             g_steal_pointer (&task));
}

PcCatalog *
pc_connection_catalog_finish (PcConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
boolean_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcConnection *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean done = g_task_get_source_tag (task) == pc_connection_unset_async
                  ? pc_client_unset_finish (PC_CLIENT (source), result, &error)
                  : pc_client_reset_finish (PC_CLIENT (source), result, &error);

  if (!done)
    {
      log_line (self, PC_CONNECTION_LOG_ERROR, "%s", error->message);
      g_task_return_error (task, error);
      return;
    }
  log_line (self, PC_CONNECTION_LOG_RECEIVED, "← %s", "true");
  g_task_return_boolean (task, TRUE);
}

void
pc_connection_unset_async (PcConnection        *self,
                           const char          *name,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_connection_unset_async);
  if (!in_session (self, task, 0))
    return;
  log_line (self, PC_CONNECTION_LOG_SENT, "→ unset %s", name);
  pc_client_unset_async (self->client, name, cancellable, boolean_reply_cb,
                         g_steal_pointer (&task));
}

gboolean
pc_connection_unset_finish (PcConnection  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pc_connection_reset_async (PcConnection        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_connection_reset_async);
  if (!in_session (self, task, 0))
    return;
  log_line (self, PC_CONNECTION_LOG_SENT, "→ %s", "reset");
  pc_client_reset_async (self->client, cancellable, boolean_reply_cb, g_steal_pointer (&task));
}

gboolean
pc_connection_reset_finish (PcConnection  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
