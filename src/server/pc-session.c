/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include "pc-evaluator.h"
#include "pc-methods.h"
#include "pc-protocol.h"
#include "pc-session.h"

/* Bytes asked of the stream per read: many pipelined lines per wakeup. */
#define READ_CHUNK 16384
/* Above this much unsent output, stop reading: a client that never reads
 * its replies costs bounded memory and never delays anyone else. */
#define OUTPUT_HIGH_WATER (1024 * 1024)
/* A refused or shutting-down connection gets this long to take its replies. */
#define CLOSE_GRACE_SECONDS 5

struct _PcSession
{
  GObject parent_instance;

  GIOStream       *stream;
  char            *peer;
  guint64          serial;
  PcSessionConfig  config;
  char            *transport;  /* owns config.transport */

  PcEvaluator     *evaluator;
  PcLineReader    *reader;
  GCancellable    *cancellable;       /* writes; cancelled on close */
  GCancellable    *read_cancellable;  /* reads; cancelled on shutdown too */

  GString         *output;     /* replies waiting to be written */
  GString         *writing;    /* replies being written now */
  gboolean         reading;    /* a read is in flight */
  gboolean         read_done;  /* EOF, error, or shut down: read no more */
  gboolean         closing;
  gboolean         closed;
  gboolean         close_started;
  char            *refuse_limit; /* answer everything with 1002 */

  guint            idle_source;
  guint            grace_source;
  guint64          n_requests;
};

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcSession, pc_session, G_TYPE_OBJECT)

static void start_read (PcSession *self);
static void maybe_write (PcSession *self);

static void
pc_session_dispose (GObject *object)
{
  PcSession *self = PC_SESSION (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->grace_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (pc_session_parent_class)->dispose (object);
}

static void
pc_session_finalize (GObject *object)
{
  PcSession *self = PC_SESSION (object);

  g_clear_pointer (&self->evaluator, pc_evaluator_free);
  g_clear_pointer (&self->reader, pc_line_reader_free);
  if (self->output != NULL)
    g_string_free (self->output, TRUE);
  if (self->writing != NULL)
    g_string_free (self->writing, TRUE);
  g_free (self->peer);
  g_free (self->transport);
  g_free (self->refuse_limit);
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
}

static void
pc_session_init (PcSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->read_cancellable = g_cancellable_new ();
  self->output = g_string_sized_new (256);
  self->writing = g_string_sized_new (256);
}

PcSession *
pc_session_new (GIOStream             *stream,
                const char            *peer,
                guint64                serial,
                const PcSessionConfig *config)
{
  PcSession *self = g_object_new (PC_TYPE_SESSION, NULL);

  self->stream = g_object_ref (stream);
  self->peer = g_strdup (peer);
  self->serial = serial;
  self->config = *config;
  self->transport = g_strdup (config->transport);
  self->config.transport = self->transport;
  self->reader = pc_line_reader_new (config->max_line);
  return self;
}

const char *
pc_session_get_peer (PcSession *self)
{
  return self->peer;
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PcSession) self = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  g_info ("session %" G_GUINT64_FORMAT ": closed (%s, %" G_GUINT64_FORMAT " requests)",
          self->serial, self->peer, self->n_requests);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

/* A stream is closed only when no read or write is in flight on it; the
 * callbacks of cancelled operations call this again. */
static void
finish_close (PcSession *self)
{
  if (!self->closed || self->close_started || self->reading || self->writing->len > 0)
    return;
  self->close_started = TRUE;
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                           close_cb, g_object_ref (self));
}

/* Closes once. Pending reads are cancelled; replies not yet written are
 * dropped, so callers flush first when the replies matter. */
static void
close_now (PcSession *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  self->read_done = TRUE;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->grace_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->read_cancellable);
  finish_close (self);
}

/* Closes once everything computed has been sent. */
static void
close_when_flushed (PcSession *self)
{
  self->closing = TRUE;
  self->read_done = TRUE;
  if (self->writing->len == 0 && self->output->len == 0)
    close_now (self);
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  PcSession *self = user_data;

  self->idle_source = 0;
  g_info ("session %" G_GUINT64_FORMAT ": idle for %u s, closing",
          self->serial, self->config.idle_timeout);
  close_when_flushed (self);
  return G_SOURCE_REMOVE;
}

static void
rearm_idle_timeout (PcSession *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->config.idle_timeout > 0 && !self->closing)
    self->idle_source = g_timeout_add_seconds (self->config.idle_timeout,
                                               idle_timeout_cb, self);
}

static gboolean
grace_cb (gpointer user_data)
{
  PcSession *self = user_data;

  self->grace_source = 0;
  g_info ("session %" G_GUINT64_FORMAT ": replies not taken in %d s, closing",
          self->serial, CLOSE_GRACE_SECONDS);
  close_now (self);
  return G_SOURCE_REMOVE;
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PcSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_info ("session %" G_GUINT64_FORMAT ": write failed: %s",
                self->serial, error->message);
      g_string_truncate (self->writing, 0);
      close_now (self);
      finish_close (self);
      return;
    }
  g_string_truncate (self->writing, 0);
  if (self->closed)
    {
      finish_close (self);
      return;
    }
  maybe_write (self);
  if (self->closing && self->writing->len == 0)
    close_now (self);
  else if (!self->reading && !self->read_done && self->output->len < OUTPUT_HIGH_WATER)
    start_read (self);
}

static void
maybe_write (PcSession *self)
{
  GString *swap;

  if (self->writing->len > 0 || self->output->len == 0 || self->closed)
    return;
  /* Double buffering: replies computed while this write is in flight
   * collect in output and leave in one write next time. */
  swap = self->writing;
  self->writing = self->output;
  self->output = swap;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   self->writing->str, self->writing->len,
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   write_cb, g_object_ref (self));
}

static void
plain_cb (gpointer    user_data,
          const char *expr,
          GString    *out)
{
  PcSession *self = user_data;

  pc_methods_plain (self->evaluator, expr, out);
}

static JsonNode *
call_cb (gpointer    user_data,
         const char *method,
         JsonNode   *params,
         PcRpcError *error)
{
  PcSession *self = user_data;

  return pc_methods_call (self->evaluator, &self->config, method, params, error);
}

static const PcRequestHandler request_handler = {
  .plain = plain_cb,
  .call = call_cb,
};

static void
handle_line (PcSession  *self,
             const char *line,
             gsize       len)
{
  gsize before = self->output->len;

  self->n_requests++;
  if (self->config.verbose)
    g_debug ("session %" G_GUINT64_FORMAT ": → %.*s", self->serial,
             (int) MIN (len, 200), line);

  if (self->refuse_limit != NULL)
    {
      JsonObject *data = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *message = g_strdup_printf ("server busy: limit %s reached",
                                                  self->refuse_limit);

      json_object_set_string_member (data, "limit", self->refuse_limit);
      node = pc_json_take_object (data);
      pc_protocol_append_error (line, len, PC_RPC_BUSY, message, node, self->output);
    }
  else
    {
      if (self->evaluator == NULL)
        self->evaluator = pc_evaluator_new ();
      pc_protocol_handle_line (line, len, &request_handler, self, self->output);
    }

  if (self->config.verbose && self->output->len > before)
    g_debug ("session %" G_GUINT64_FORMAT ": ← %.*s", self->serial,
             (int) MIN (self->output->len - before - 1, 200),
             self->output->str + before);
}

static void
process_lines (PcSession *self)
{
  const char *line = NULL;
  gsize len = 0;
  gboolean looks_json = FALSE;
  PcLineStatus status;

  while (!self->closing
         && (status = pc_line_reader_next (self->reader, &line, &len, &looks_json))
            != PC_LINE_NONE)
    {
      if (status == PC_LINE_TOO_LONG)
        {
          self->n_requests++;
          g_info ("session %" G_GUINT64_FORMAT ": request longer than %" G_GSIZE_FORMAT
                  " bytes refused", self->serial, self->config.max_line);
          pc_protocol_append_too_large (looks_json, self->config.max_line, self->output);
          continue;
        }
      handle_line (self, line, len);
      /* A refused connection answers one request, then goes. */
      if (self->refuse_limit != NULL)
        close_when_flushed (self);
    }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PcSession) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  self->reading = FALSE;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (self->closed)
    {
      finish_close (self);
      return;
    }
  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_info ("session %" G_GUINT64_FORMAT ": read failed: %s",
              self->serial, error->message);
      close_now (self);
      return;
    }
  if (self->read_done)
    return;
  if (n == 0)
    {
      /* The client closed its side; the end of a last line without \n is
       * dropped like any half-written request. */
      if (pc_line_reader_pending (self->reader) > 0)
        g_info ("session %" G_GUINT64_FORMAT ": disconnected in the middle of a request",
                self->serial);
      close_when_flushed (self);
      return;
    }

  pc_line_reader_commit (self->reader, n);
  rearm_idle_timeout (self);
  process_lines (self);
  maybe_write (self);
  if (self->closing)
    {
      if (self->writing->len == 0 && self->output->len == 0)
        close_now (self);
      return;
    }
  if (self->output->len < OUTPUT_HIGH_WATER)
    start_read (self);
}

static void
start_read (PcSession *self)
{
  guint8 *buf;

  if (self->reading || self->read_done)
    return;
  self->reading = TRUE;
  buf = pc_line_reader_prepare (self->reader, READ_CHUNK);
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream),
                             buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             self->read_cancellable, read_cb, g_object_ref (self));
}

void
pc_session_start (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  g_info ("session %" G_GUINT64_FORMAT ": connected over %s (%s)",
          self->serial, self->transport, self->peer);
  rearm_idle_timeout (self);
  start_read (self);
}

void
pc_session_refuse (PcSession  *self,
                   const char *limit)
{
  g_return_if_fail (PC_IS_SESSION (self));

  g_info ("session %" G_GUINT64_FORMAT ": refused (%s), limit %s reached",
          self->serial, self->peer, limit);
  self->refuse_limit = g_strdup (limit);
  self->grace_source = g_timeout_add_seconds (CLOSE_GRACE_SECONDS, grace_cb, self);
  start_read (self);
}

void
pc_session_shutdown (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  if (self->closed)
    return;
  /* A read in flight is cancelled; the lines already read were answered. */
  self->read_done = TRUE;
  g_cancellable_cancel (self->read_cancellable);
  close_when_flushed (self);
  if (!self->closed && self->grace_source == 0)
    self->grace_source = g_timeout_add_seconds (CLOSE_GRACE_SECONDS, grace_cb, self);
}
