/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include "pc-evaluator.h"
#include "pc-line-channel.h"
#include "pc-log-text.h"
#include "pc-methods.h"
#include "pc-protocol.h"
#include "pc-session.h"

/* Above this much unsent output, stop reading: a client that never reads
 * its replies costs bounded memory and never delays anyone else. */
#define OUTPUT_HIGH_WATER (1024 * 1024)
/* A session's turn on its worker: this many lines or this long, whichever
 * comes first, then every other session of the worker gets its turn. A
 * flood of cheap lines or a batch of expensive calls holds the others up
 * for about a turn at most. */
#define TURN_LINES 1024
#define TURN_USEC 1000
/* A refused or shutting-down connection gets this long to take its replies. */
#define CLOSE_GRACE_SECONDS 5
/* A failed `auth` is answered this much later, on a timer (the worker
 * thread serves other sessions meanwhile), and the connection closed:
 * one guess per connection and per second at most. */
#define AUTH_FAILURE_DELAY_MS 1000

struct _PcSession
{
  GObject parent_instance;

  /* The connection's reads, writes and their sources (pc-line-channel.c). */
  PcLineChannel   *channel;
  GMainContext    *context;    /* where the session runs; set at start */
  char            *peer;
  guint64          serial;
  PcSessionConfig  config;
  char            *transport;  /* owns config.transport */

  PcEvaluator     *evaluator;
  /* A batch being answered call by call, the channel paused meanwhile. */
  PcRequest       *request;

  gboolean         closing;    /* closing once the replies have left */
  gboolean         closed;
  char            *refuse_limit; /* answer everything with 1002 */
  gboolean         holds_slot;   /* counted in config.active */
  gboolean         established;  /* a complete request arrived */

  GSource         *timer;      /* idle timeout and cache trimming */
  gboolean         trimmed;    /* the parse cache was dropped since */
  GSource         *grace_source;
  guint64          n_requests;

  /* Access control (config.auth_token): until `auth` succeeds, every
   * other request is answered with error 1003. */
  gboolean         authenticated;
  GSource         *auth_source;  /* the deadline, then the failure delay */
  GString         *auth_refusal; /* the reply to a failed auth, held back */
};

enum { SIGNAL_CLOSED, SIGNAL_ESTABLISHED, N_SIGNALS };

/* What any client can make the server log at will goes through the
 * server's rate limit. */
#define log_limited(self, ...) \
  pc_log_limited ((self)->config.log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_INFO, __VA_ARGS__)
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcSession, pc_session, G_TYPE_OBJECT)

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
pc_session_dispose (GObject *object)
{
  PcSession *self = PC_SESSION (object);

  clear_source (&self->timer);
  clear_source (&self->grace_source);
  clear_source (&self->auth_source);
  if (self->channel != NULL)
    pc_line_channel_detach (self->channel);
  g_clear_object (&self->channel);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (pc_session_parent_class)->dispose (object);
}

static void
pc_session_finalize (GObject *object)
{
  PcSession *self = PC_SESSION (object);

  g_clear_pointer (&self->request, pc_request_free);
  g_clear_pointer (&self->evaluator, pc_evaluator_free);
  g_free (self->peer);
  g_free (self->transport);
  g_free (self->refuse_limit);
  if (self->auth_refusal != NULL)
    g_string_free (self->auth_refusal, TRUE);
  G_OBJECT_CLASS (pc_session_parent_class)->finalize (object);
}

static void
pc_session_class_init (PcSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pc_session_dispose;
  object_class->finalize = pc_session_finalize;

  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ESTABLISHED] = g_signal_new ("established", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                              NULL, G_TYPE_NONE, 0);
}

static void
pc_session_init (PcSession *self)
{
}

static const PcLineChannelCallbacks channel_callbacks;

PcSession *
pc_session_new (GIOStream             *stream,
                const char            *peer,
                guint64                serial,
                const PcSessionConfig *config)
{
  PcSession *self = g_object_new (PC_TYPE_SESSION, NULL);

  self->channel = pc_line_channel_new (stream, config->max_line, OUTPUT_HIGH_WATER,
                                       &channel_callbacks, self);
  pc_line_channel_set_budget (self->channel, TURN_LINES, TURN_USEC);
  self->peer = g_strdup (peer);
  self->serial = serial;
  self->config = *config;
  if (self->config.max_batch == 0)
    self->config.max_batch = PC_PROTOCOL_DEFAULT_MAX_BATCH;
  if (self->config.max_variables == 0)
    self->config.max_variables = PC_EVAL_DEFAULT_MAX_VARIABLES;
  self->transport = g_strdup (config->transport);
  self->config.transport = self->transport;
  self->authenticated = config->auth_token == NULL;
  return self;
}

const char *
pc_session_get_peer (PcSession *self)
{
  return self->peer;
}

static void
attach (PcSession   *self,
        GSource     *source,
        GSourceFunc  func)
{
  /* Timers only: the connection's own sources are the channel's. */
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
}

static void
release_slot (PcSession *self)
{
  if (self->holds_slot && self->config.active != NULL)
    g_atomic_int_add (self->config.active, -1);
  self->holds_slot = FALSE;
}

/* A refused session takes a slot another session gave back meanwhile. */
static gboolean
take_free_slot (PcSession *self)
{
  /* Only the server-wide limit frees up this way; the server counts the
   * other limits itself (per user, incomplete connections). */
  if (self->config.active == NULL || g_strcmp0 (self->refuse_limit, "max-clients") != 0)
    return FALSE;
  for (;;)
    {
      gint n = g_atomic_int_get (self->config.active);

      if (n >= self->config.max_clients)
        return FALSE;
      if (g_atomic_int_compare_and_exchange (self->config.active, n, n + 1))
        break;
    }
  self->holds_slot = TRUE;
  g_clear_pointer (&self->refuse_limit, g_free);
  clear_source (&self->grace_source);
  log_limited (self, "session %" G_GUINT64_FORMAT ": admitted, a client has left",
               self->serial);
  return TRUE;
}

static void arm_timer (PcSession *self);

/* Closes once. Pending reads are cancelled; replies not yet written are
 * dropped, so callers flush first when the replies matter. "closed"
 * follows once the stream is closed. */
static void
close_now (PcSession *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  self->closing = TRUE;
  release_slot (self);
  clear_source (&self->timer);
  clear_source (&self->grace_source);
  clear_source (&self->auth_source);
  pc_line_channel_close (self->channel);
}

/* Stops reading and closes once everything computed has been sent. The
 * session stops working here: its slot is free for another client. */
static void
close_when_flushed (PcSession *self)
{
  if (self->closing)
    return;
  self->closing = TRUE;
  release_slot (self);
  clear_source (&self->timer);
  pc_line_channel_close_when_flushed (self->channel);
  /* A client that does not take its last replies is dropped like any
   * other that stopped reading (send deadline). */
  arm_timer (self);
}

/* Idle sessions give back the parsers they keep after this long. */
#define TRIM_SECONDS 30

static gboolean timer_cb (gpointer user_data);
static void start_grace (PcSession *self);

/* Since when output has been waiting for a client that does not read:
 * the later of the last write the stream took and the last read (replies
 * are produced by reads; with output above the high-water mark the
 * channel reads no more, so a client trickling requests cannot extend it
 * for ever). 0: no output waits. */
static gint64
stalled_since (PcSession *self)
{
  if (pc_line_channel_get_unsent (self->channel) == 0)
    return 0;
  return MAX (pc_line_channel_get_last_write (self->channel),
              pc_line_channel_get_last_read (self->channel));
}

/* Seconds from @now until @since + @limit, at least 0. */
static gint64
until (gint64 now,
       gint64 since,
       guint  limit)
{
  return MAX (0, (since + (gint64) limit * G_USEC_PER_SEC - now + G_USEC_PER_SEC - 1)
                 / G_USEC_PER_SEC);
}

/* One timer per session for every deadline and the idle chore, armed for
 * the next one rather than re-armed by every request. With nothing
 * pending it still wakes once per deadline: a line or output that starts
 * waiting meanwhile cannot expire before that. */
static void
arm_timer (PcSession *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 last_active = pc_line_channel_get_last_active (self->channel);
  gint64 line_started = pc_line_channel_get_line_started (self->channel);
  gint64 stalled = stalled_since (self);
  gint64 next = G_MAXINT64;

  if (self->timer != NULL || self->closed)
    return;
  if (self->config.send_timeout > 0)
    next = until (now, stalled != 0 ? stalled : now, self->config.send_timeout);
  /* A closing session only waits for its output to leave. */
  if (!self->closing)
    {
      if (self->config.request_timeout > 0)
        next = MIN (next, until (now, line_started != 0 ? line_started : now,
                                 self->config.request_timeout));
      if (self->config.idle_timeout > 0)
        next = MIN (next, until (now, last_active, self->config.idle_timeout));
      if (self->evaluator != NULL && !self->trimmed)
        next = MIN (next, until (now, last_active, TRIM_SECONDS));
    }
  if (next == G_MAXINT64)
    return;
  self->timer = g_timeout_source_new_seconds ((guint) MAX (1, next));
  attach (self, self->timer, timer_cb);
}

static gboolean
timer_cb (gpointer user_data)
{
  PcSession *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 last_active = pc_line_channel_get_last_active (self->channel);
  gint64 line_started = pc_line_channel_get_line_started (self->channel);
  gint64 stalled = stalled_since (self);
  gint64 idle = (now - last_active) / G_USEC_PER_SEC;

  g_clear_pointer (&self->timer, g_source_unref);
  if (self->config.send_timeout > 0 && stalled != 0
      && now - stalled >= (gint64) self->config.send_timeout * G_USEC_PER_SEC)
    {
      /* Its slot, its memory and its descriptor go back now: waiting
       * longer only helps a client that holds them on purpose. */
      log_limited (self, "session %" G_GUINT64_FORMAT ": %" G_GSIZE_FORMAT
                   " bytes of replies not read for %u s, dropping the session",
                   self->serial, pc_line_channel_get_unsent (self->channel),
                   self->config.send_timeout);
      close_now (self);
      return G_SOURCE_REMOVE;
    }
  if (self->closing)
    {
      arm_timer (self);
      return G_SOURCE_REMOVE;
    }
  if (self->config.request_timeout > 0 && line_started != 0
      && now - line_started >= (gint64) self->config.request_timeout * G_USEC_PER_SEC)
    {
      log_limited (self, "session %" G_GUINT64_FORMAT ": request not finished "
                   "%u s after it began, closing", self->serial,
                   self->config.request_timeout);
      close_when_flushed (self);
      return G_SOURCE_REMOVE;
    }
  if (self->config.idle_timeout > 0 && idle >= self->config.idle_timeout)
    {
      log_limited (self, "session %" G_GUINT64_FORMAT ": idle for %u s, closing",
                   self->serial, self->config.idle_timeout);
      close_when_flushed (self);
      /* Idle and not reading either: its replies get a grace period,
       * then the session is dropped and its slot freed. */
      if (pc_line_channel_get_unsent (self->channel) > 0)
        start_grace (self);
      return G_SOURCE_REMOVE;
    }
  if (self->evaluator != NULL && !self->trimmed && idle >= TRIM_SECONDS)
    {
      pc_evaluator_trim (self->evaluator);
      self->trimmed = TRUE;
    }
  arm_timer (self);
  return G_SOURCE_REMOVE;
}

static gboolean
grace_cb (gpointer user_data)
{
  PcSession *self = user_data;

  g_clear_pointer (&self->grace_source, g_source_unref);
  log_limited (self, "session %" G_GUINT64_FORMAT ": replies not taken in %d s, closing",
               self->serial, CLOSE_GRACE_SECONDS);
  close_now (self);
  return G_SOURCE_REMOVE;
}

static void
start_grace (PcSession *self)
{
  if (self->grace_source != NULL || self->closed)
    return;
  self->grace_source = g_timeout_source_new_seconds (CLOSE_GRACE_SECONDS);
  attach (self, self->grace_source, grace_cb);
}

static void
plain_cb (gpointer    user_data,
          const char *expr,
          GString    *out)
{
  PcSession *self = user_data;

  pc_methods_plain (self->evaluator, expr, out);
}

static json_t *
call_cb (gpointer    user_data,
         const char *method,
         json_t     *params,
         PcRpcError *error)
{
  PcSession *self = user_data;
  const PcMethodsServer server = {
    .transport = self->config.transport,
    .max_line = self->config.max_line,
    .max_clients = self->config.max_clients,
    .idle_timeout = self->config.idle_timeout,
    .max_batch = self->config.max_batch,
    .max_variables = self->config.max_variables,
  };

  return pc_methods_call (self->evaluator, &server, method, params, error);
}

static void
eval_cb (gpointer    user_data,
         const char *expr,
         GString    *out)
{
  PcSession *self = user_data;

  pc_methods_eval_json (self->evaluator, expr, out);
}

/* Between two calls of a batch: stop when the output is at the mark or
 * the turn is used up; the rest waits for the next turn. */
static gboolean
must_yield_cb (gpointer user_data)
{
  PcSession *self = user_data;

  return pc_line_channel_must_yield (self->channel);
}

static PcResultStream *
stream_cb (gpointer    user_data,
           const char *method,
           json_t     *params,
           PcRpcError *error)
{
  PcSession *self = user_data;

  return pc_methods_stream (self->evaluator, method, params, error);
}

static const PcRequestHandler request_handler = {
  .plain = plain_cb,
  .call = call_cb,
  .eval = eval_cb,
  .must_yield = must_yield_cb,
  .stream = stream_cb,
};

/* ---- Authentication ---------------------------------------------------- */

static gboolean
auth_deadline_cb (gpointer user_data)
{
  PcSession *self = user_data;

  g_clear_pointer (&self->auth_source, g_source_unref);
  log_limited (self, "session %" G_GUINT64_FORMAT ": not authenticated within %u s, closing",
               self->serial, self->config.auth_timeout);
  close_now (self);
  return G_SOURCE_REMOVE;
}

static void
arm_auth_deadline (PcSession *self)
{
  if (self->authenticated || self->auth_source != NULL || self->config.auth_timeout == 0)
    return;
  self->auth_source = g_timeout_source_new_seconds (self->config.auth_timeout);
  attach (self, self->auth_source, auth_deadline_cb);
}

static gboolean
auth_failure_cb (gpointer user_data)
{
  PcSession *self = user_data;

  g_clear_pointer (&self->auth_source, g_source_unref);
  g_string_append_len (pc_line_channel_get_output (self->channel),
                       self->auth_refusal->str, (gssize) self->auth_refusal->len);
  pc_line_channel_flush (self->channel);
  close_when_flushed (self);
  start_grace (self);
  return G_SOURCE_REMOVE;
}

static const char not_authorized[] =
  "Not authorized: this server requires an access token; send the auth method first";

static void
auth_plain_cb (gpointer    user_data,
               const char *expr,
               GString    *out)
{
  g_string_append (out, "error: ");
  g_string_append (out, not_authorized);
}

static json_t *
auth_call_cb (gpointer    user_data,
              const char *method,
              json_t     *params,
              PcRpcError *error)
{
  PcSession *self = user_data;
  json_t *result;

  /* A batch may authenticate, then go on with ordinary calls. */
  if (self->authenticated)
    return call_cb (user_data, method, params, error);
  if (self->auth_refusal != NULL || !g_str_equal (method, "auth"))
    {
      pc_rpc_error_set (error, PC_RPC_UNAUTHORIZED, NULL, "%s", not_authorized);
      return NULL;
    }
  result = pc_methods_auth (self->config.auth_token, params, &self->authenticated, error);
  if (self->authenticated)
    {
      /* Calls after this one in the same batch need it. */
      if (self->evaluator == NULL)
        self->evaluator = pc_evaluator_new ();
      clear_source (&self->auth_source);
      g_info ("session %" G_GUINT64_FORMAT ": authenticated", self->serial);
    }
  else
    {
      /* Marks the failure; handle_unauthenticated() holds the reply. */
      self->auth_refusal = g_string_new (NULL);
      log_limited (self, "session %" G_GUINT64_FORMAT ": authentication failed, "
                   "closing in %d ms", self->serial, AUTH_FAILURE_DELAY_MS);
    }
  return result;
}

/* A batch that authenticated goes on as any session's does: the rest of
 * it is answered turn by turn, within the output mark (ready_cb). */
static gboolean
auth_must_yield_cb (gpointer user_data)
{
  PcSession *self = user_data;

  return self->authenticated;
}

/* Before `auth` succeeds nothing streams: auth_call_cb() refuses it. */
static PcResultStream *
auth_stream_cb (gpointer    user_data,
                const char *method,
                json_t     *params,
                PcRpcError *error)
{
  PcSession *self = user_data;

  if (!self->authenticated)
    return NULL;
  return stream_cb (user_data, method, params, error);
}

static const PcRequestHandler auth_handler = {
  .plain = auth_plain_cb,
  .call = auth_call_cb,
  .must_yield = auth_must_yield_cb,
  .stream = auth_stream_cb,
};

/* A line of a session that has not authenticated yet: only `auth` is
 * served, anything else gets error 1003 (plain lines "error: Not
 * authorized…"). After a failed attempt nothing more is read: the
 * refusal leaves after a delay, from a timer, then the session closes,
 * so guessing costs a connection and a second per try, and the worker
 * thread is never held up. */
static void
handle_unauthenticated (PcSession  *self,
                        const char *line,
                        gsize       len,
                        GString    *output)
{
  gsize before = output->len;

  if (self->auth_refusal != NULL)
    return;
  self->request = pc_protocol_answer_line (line, len, self->config.max_batch,
                                           &auth_handler, self, output);
  if (self->request != NULL)
    {
      pc_line_channel_pause (self->channel);
      return;
    }
  if (self->auth_refusal == NULL)
    return;

  g_string_append_len (self->auth_refusal, output->str + before,
                       (gssize) (output->len - before));
  g_string_truncate (output, before);
  pc_line_channel_stop_reading (self->channel);
  clear_source (&self->timer);
  clear_source (&self->auth_source);
  self->auth_source = g_timeout_source_new (AUTH_FAILURE_DELAY_MS);
  attach (self, self->auth_source, auth_failure_cb);
}

static void
log_reply (PcSession *self,
           GString   *output,
           gsize      before)
{
  if (self->config.verbose && output->len > before)
    {
      g_autofree char *quoted = pc_log_escape (output->str + before,
                                               (gssize) (output->len - before - 1), 200);

      g_debug ("session %" G_GUINT64_FORMAT ": ← %s", self->serial, quoted);
    }
}

static void
handle_line (PcSession  *self,
             const char *line,
             gsize       len)
{
  GString *output = pc_line_channel_get_output (self->channel);
  gsize before = output->len;

  self->n_requests++;
  /* Before authentication a line may hold the token: never logged. */
  if (self->config.verbose && !self->authenticated)
    g_debug ("session %" G_GUINT64_FORMAT ": → (%" G_GSIZE_FORMAT " bytes before "
             "authentication, not logged)", self->serial, len);
  else if (self->config.verbose)
    {
      g_autofree char *quoted = pc_log_escape (line, (gssize) len, 200);

      g_debug ("session %" G_GUINT64_FORMAT ": → %s", self->serial, quoted);
    }

  if (self->refuse_limit != NULL && !take_free_slot (self))
    {
      g_autoptr(json_t) data = json_object ();
      g_autofree char *message = g_strdup_printf ("server busy: limit %s reached",
                                                  self->refuse_limit);

      json_object_set_new (data, "limit", pc_json_string (self->refuse_limit));
      pc_protocol_append_error (line, len, PC_RPC_BUSY, message, data, output);
    }
  else if (!self->authenticated)
    handle_unauthenticated (self, line, len, output);
  else
    {
      if (self->evaluator == NULL)
        {
          self->evaluator = pc_evaluator_new ();
          pc_evaluator_set_max_variables (self->evaluator, self->config.max_variables);
        }
      self->trimmed = FALSE;
      if (self->timer == NULL)
        arm_timer (self);
      /* A batch is answered as far as the turn allows; the channel hands
       * out no more lines until the rest is done (ready_cb). */
      self->request = pc_protocol_answer_line (line, len, self->config.max_batch,
                                               &request_handler, self, output);
      if (self->request != NULL)
        pc_line_channel_pause (self->channel);
    }

  log_reply (self, output, before);
}

/* The session's turn again with a batch half answered: some more of it. */
static void
ready_cb (PcLineChannel *channel,
          gpointer       user_data)
{
  PcSession *self = user_data;
  GString *output = pc_line_channel_get_output (channel);
  gsize before = output->len;

  if (self->request == NULL)
    {
      pc_line_channel_resume (channel);
      return;
    }
  if (pc_request_resume (self->request, &request_handler, self, output))
    {
      g_clear_pointer (&self->request, pc_request_free);
      pc_line_channel_resume (channel);
    }
  log_reply (self, output, before);
}

/* ---- What the channel reports ---------------------------------------------- */

/* The connection is complete: the server stops counting it among the
 * incomplete ones (and may no longer evict it). */
static void
mark_established (PcSession *self)
{
  if (self->established)
    return;
  self->established = TRUE;
  g_signal_emit (self, signals[SIGNAL_ESTABLISHED], 0);
}

static void
line_cb (PcLineChannel *channel,
         const char    *line,
         gsize          len,
         gpointer       user_data)
{
  PcSession *self = user_data;

  handle_line (self, line, len);
  /* Until it has authenticated, a connection stays among the incomplete
   * ones: junk connections without the token are bounded per user. */
  if (self->authenticated)
    mark_established (self);
  /* A refused connection answers one request, then goes. */
  if (self->refuse_limit != NULL)
    close_when_flushed (self);
}

static void
line_too_long_cb (PcLineChannel *channel,
                  gboolean       looks_json,
                  gpointer       user_data)
{
  PcSession *self = user_data;

  self->n_requests++;
  log_limited (self, "session %" G_GUINT64_FORMAT ": request longer than %"
               G_GSIZE_FORMAT " bytes refused", self->serial, self->config.max_line);
  pc_protocol_append_too_large (looks_json, self->config.max_line,
                                pc_line_channel_get_output (channel));
}

static void
end_of_input_cb (PcLineChannel *channel,
                 gboolean       mid_line,
                 gpointer       user_data)
{
  PcSession *self = user_data;

  /* The client closed its side; the end of a last line without \n is
   * dropped like any half-written request. */
  if (mid_line)
    log_limited (self, "session %" G_GUINT64_FORMAT ": disconnected in the middle "
                 "of a request", self->serial);
  /* A failed auth closes after its delayed reply, whatever the client
   * does: closing earlier would tell it the answer sooner. */
  if (self->auth_refusal != NULL)
    return;
  close_when_flushed (self);
}

static void
failed_cb (PcLineChannel   *channel,
           PcLineChannelOp  op,
           const GError    *error,
           gpointer         user_data)
{
  PcSession *self = user_data;

  log_limited (self, "session %" G_GUINT64_FORMAT ": %s failed: %s", self->serial,
               op == PC_LINE_CHANNEL_READ ? "read" : "write", error->message);
  close_now (self);
}

static void
closed_cb (PcLineChannel *channel,
           gpointer       user_data)
{
  g_autoptr(PcSession) self = g_object_ref (user_data);

  /* The channel closes by itself once a closing session's replies left. */
  self->closed = TRUE;
  release_slot (self);
  clear_source (&self->timer);
  clear_source (&self->grace_source);
  clear_source (&self->auth_source);
  log_limited (self, "session %" G_GUINT64_FORMAT ": closed (%s, %" G_GUINT64_FORMAT
               " requests)", self->serial, self->peer, self->n_requests);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static const PcLineChannelCallbacks channel_callbacks = {
  .line = line_cb,
  .line_too_long = line_too_long_cb,
  .end_of_input = end_of_input_cb,
  .failed = failed_cb,
  .closed = closed_cb,
  .ready = ready_cb,
};

void
pc_session_start (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  self->context = g_main_context_ref_thread_default ();
  self->holds_slot = TRUE;
  log_limited (self, "session %" G_GUINT64_FORMAT ": connected over %s (%s)",
               self->serial, self->transport, self->peer);
  pc_line_channel_start (self->channel);
  arm_timer (self);
  arm_auth_deadline (self);
}

void
pc_session_refuse (PcSession  *self,
                   const char *limit)
{
  g_return_if_fail (PC_IS_SESSION (self));

  self->context = g_main_context_ref_thread_default ();
  log_limited (self, "session %" G_GUINT64_FORMAT ": refused (%s), limit %s reached",
               self->serial, self->peer, limit);
  self->refuse_limit = g_strdup (limit);
  start_grace (self);
  arm_auth_deadline (self);
  pc_line_channel_start (self->channel);
}

void
pc_session_shutdown (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  if (self->closed)
    return;
  /* Nothing more is read; the lines already read are answered (within the
   * mark, turn by turn) and sent, within the grace period. */
  if (!self->closing)
    pc_line_channel_finish (self->channel);
  close_when_flushed (self);
  start_grace (self);
}

void
pc_session_evict (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  if (self->closed || self->established)
    return;
  log_limited (self, "session %" G_GUINT64_FORMAT ": closed before its first request "
               "(%s): too many incomplete connections", self->serial, self->peer);
  close_now (self);
}
