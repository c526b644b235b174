/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include "pc-evaluator.h"
#include "pc-line-reader.h"
#include "pc-methods.h"
#include "pc-protocol.h"
#include "pc-session.h"

#ifdef G_OS_UNIX
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#endif

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
  GInputStream    *in;         /* unowned: the stream's */
  GOutputStream   *out;        /* unowned: the stream's */
  /* Both ends pollable (sockets, FIFOs): read and write without blocking
   * straight from readiness callbacks. Otherwise GIO's async calls. */
  gboolean         pollable;
  GMainContext    *context;    /* where the session runs; set at start */
  char            *peer;
  guint64          serial;
  PcSessionConfig  config;
  char            *transport;  /* owns config.transport */

  PcEvaluator     *evaluator;
  PcLineReader    *reader;
  GCancellable    *cancellable;       /* async writes; cancelled on close */
  GCancellable    *read_cancellable;  /* async reads; cancelled on shutdown too */
  GSource         *read_source;       /* pollable: waiting to read */
  GSource         *write_source;      /* pollable: waiting to write */

  GString         *output;     /* replies waiting to be written */
  gsize            output_sent; /* pollable: bytes of output already written */
  GString         *writing;    /* async: replies being written now */
  gboolean         reading;    /* async: a read is in flight */
  gboolean         read_done;  /* EOF, error, or shut down: read no more */
  gboolean         closing;
  gboolean         closed;
  gboolean         close_started;
  char            *refuse_limit; /* answer everything with 1002 */
  gboolean         holds_slot;   /* counted in config.active */

  GSource         *timer;      /* idle timeout and cache trimming */
  gint64           last_request;  /* monotonic µs of the last read */
  gboolean         trimmed;    /* the parse cache was dropped since */
  GSource         *grace_source;
  guint64          n_requests;
};

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcSession, pc_session, G_TYPE_OBJECT)

static void update (PcSession *self);

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
  clear_source (&self->read_source);
  clear_source (&self->write_source);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->context, g_main_context_unref);
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
  self->in = g_io_stream_get_input_stream (stream);
  self->out = g_io_stream_get_output_stream (stream);
  self->pollable = G_IS_POLLABLE_INPUT_STREAM (self->in)
                   && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->in))
                   && G_IS_POLLABLE_OUTPUT_STREAM (self->out)
                   && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->out));
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

/* Replies computed and not yet handed to the kernel. */
static gsize
unsent (PcSession *self)
{
  return self->output->len - self->output_sent + self->writing->len;
}

static void
attach (PcSession   *self,
        GSource     *source,
        GSourceFunc  func)
{
  g_source_set_callback (source, func, self, NULL);
  /* GLib blocks a source while it dispatches, taking its descriptors out
   * of the poll set and putting them back afterwards, which wakes the
   * context through its eventfd each time. Nothing here runs a nested
   * main loop, so no callback can be re-entered and no blocking is
   * needed. */
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, self->context);
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
  if (self->config.active == NULL)
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
  g_info ("session %" G_GUINT64_FORMAT ": admitted, a client has left", self->serial);
  return TRUE;
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
  release_slot (self);
  clear_source (&self->timer);
  clear_source (&self->grace_source);
  clear_source (&self->read_source);
  clear_source (&self->write_source);
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
  if (unsent (self) == 0)
    close_now (self);
}

/* Idle sessions give back the parsers they keep after this long. */
#define TRIM_SECONDS 30

static gboolean timer_cb (gpointer user_data);

/* One timer per session for both idle chores, armed for the next deadline
 * counted from the last read rather than re-armed by every request. */
static void
arm_timer (PcSession *self)
{
  gint64 idle = (g_get_monotonic_time () - self->last_request) / G_USEC_PER_SEC;
  gint64 next = G_MAXINT64;

  if (self->timer != NULL || self->closed || self->closing)
    return;
  if (self->config.idle_timeout > 0)
    next = self->config.idle_timeout - idle;
  if (self->evaluator != NULL && !self->trimmed)
    next = MIN (next, TRIM_SECONDS - idle);
  if (next == G_MAXINT64)
    return;
  self->timer = g_timeout_source_new_seconds (MAX (1, next));
  attach (self, self->timer, timer_cb);
}

static gboolean
timer_cb (gpointer user_data)
{
  PcSession *self = user_data;
  gint64 idle = (g_get_monotonic_time () - self->last_request) / G_USEC_PER_SEC;

  g_clear_pointer (&self->timer, g_source_unref);
  if (self->config.idle_timeout > 0 && idle >= self->config.idle_timeout)
    {
      g_info ("session %" G_GUINT64_FORMAT ": idle for %u s, closing",
              self->serial, self->config.idle_timeout);
      close_when_flushed (self);
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
  g_info ("session %" G_GUINT64_FORMAT ": replies not taken in %d s, closing",
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

static JsonNode *
call_cb (gpointer    user_data,
         const char *method,
         JsonNode   *params,
         PcRpcError *error)
{
  PcSession *self = user_data;

  return pc_methods_call (self->evaluator, &self->config, method, params, error);
}

static void
eval_cb (gpointer    user_data,
         const char *expr,
         GString    *out)
{
  PcSession *self = user_data;

  pc_methods_eval_json (self->evaluator, expr, out);
}

static const PcRequestHandler request_handler = {
  .plain = plain_cb,
  .call = call_cb,
  .eval = eval_cb,
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

  if (self->refuse_limit != NULL && !take_free_slot (self))
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
      self->trimmed = FALSE;
      if (self->timer == NULL)
        arm_timer (self);
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

/* ---- I/O on pollable streams ------------------------------------------ */

static gboolean readable_cb (gpointer user_data);
static gboolean writable_cb (gpointer user_data);
static GSource *io_source   (PcSession *self,
                             gboolean   out);
static void start_async_read (PcSession *self);
static void async_write (PcSession *self);

/* Readiness sources call back with the signature of their kind; each
 * wrapper passes on the session only. */
static gboolean
socket_in_cb (GSocket      *socket,
              GIOCondition  condition,
              gpointer      user_data)
{
  return readable_cb (user_data);
}

static gboolean
socket_out_cb (GSocket      *socket,
               GIOCondition  condition,
               gpointer      user_data)
{
  return writable_cb (user_data);
}

static gboolean
pollable_in_cb (GObject  *stream,
                gpointer  user_data)
{
  return readable_cb (user_data);
}

static gboolean
pollable_out_cb (GObject  *stream,
                 gpointer  user_data)
{
  return writable_cb (user_data);
}

#ifdef G_OS_UNIX
static gboolean
fd_in_cb (gint          fd,
          GIOCondition  condition,
          gpointer      user_data)
{
  return readable_cb (user_data);
}

static gboolean
fd_out_cb (gint          fd,
           GIOCondition  condition,
           gpointer      user_data)
{
  return writable_cb (user_data);
}
#endif

/* A source for the stream becoming readable (or writable, @out), attached
 * to the session's context. A pollable stream's own source wraps the
 * descriptor's source as a child, which GLib takes out of and puts back
 * into the poll set around every dispatch, waking the context through
 * its eventfd each time (three more system calls per request, measured):
 * so sockets and pipe ends, the streams of every transport here, are
 * watched through a plain source of their own kind. Any other pollable
 * stream still works through the generic source. */
static GSource *
io_source (PcSession *self,
           gboolean   out)
{
  GSource *source;
  GSourceFunc func;

  if (G_IS_SOCKET_CONNECTION (self->stream))
    {
      source = g_socket_create_source (
        g_socket_connection_get_socket (G_SOCKET_CONNECTION (self->stream)),
        out ? G_IO_OUT : G_IO_IN, NULL);
      func = (GSourceFunc) (void (*) (void)) (out ? socket_out_cb : socket_in_cb);
    }
#ifdef G_OS_UNIX
  else if (!out && G_IS_UNIX_INPUT_STREAM (self->in))
    {
      source = g_unix_fd_source_new (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (self->in)),
                                     G_IO_IN);
      func = (GSourceFunc) (void (*) (void)) fd_in_cb;
    }
  else if (out && G_IS_UNIX_OUTPUT_STREAM (self->out))
    {
      source = g_unix_fd_source_new (g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (self->out)),
                                     G_IO_OUT);
      func = (GSourceFunc) (void (*) (void)) fd_out_cb;
    }
#endif
  else if (out)
    {
      source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->out), NULL);
      func = (GSourceFunc) (void (*) (void)) pollable_out_cb;
    }
  else
    {
      source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->in), NULL);
      func = (GSourceFunc) (void (*) (void)) pollable_in_cb;
    }
  attach (self, source, func);
  return source;
}

/* Hands the kernel what it takes now; waits for room for the rest. */
static void
flush_pollable (PcSession *self)
{
  while (self->output_sent < self->output->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (
        G_POLLABLE_OUTPUT_STREAM (self->out), self->output->str + self->output_sent,
        self->output->len - self->output_sent, NULL, &error);

      if (n > 0)
        {
          self->output_sent += n;
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->write_source == NULL)
            {
              self->write_source = io_source (self, TRUE);
            }
          return;
        }
      g_info ("session %" G_GUINT64_FORMAT ": write failed: %s", self->serial,
              error != NULL ? error->message : "no progress");
      close_now (self);
      return;
    }
  g_string_truncate (self->output, 0);
  self->output_sent = 0;
  clear_source (&self->write_source);
}

static gboolean
writable_cb (gpointer user_data)
{
  PcSession *self = user_data;
  g_autoptr(PcSession) hold = g_object_ref (self);

  update (self);
  return G_SOURCE_CONTINUE;
}

static void process_lines (PcSession *self);

/* Reads what has arrived (many lines per wakeup), answers every complete
 * line, and writes the replies at once. */
static gboolean
readable_cb (gpointer user_data)
{
  PcSession *self = user_data;
  g_autoptr(PcSession) hold = g_object_ref (self);

  /* A few chunks at most, so one flooding client cannot starve others. */
  for (int round = 0; round < 4 && !self->read_done && unsent (self) < OUTPUT_HIGH_WATER;
       round++)
    {
      g_autoptr(GError) error = NULL;
      guint8 *buf = pc_line_reader_prepare (self->reader, READ_CHUNK);
      gssize n = g_pollable_input_stream_read_nonblocking (
        G_POLLABLE_INPUT_STREAM (self->in), buf, READ_CHUNK, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n < 0)
        {
          g_info ("session %" G_GUINT64_FORMAT ": read failed: %s",
                  self->serial, error->message);
          close_now (self);
          return G_SOURCE_CONTINUE;
        }
      if (n == 0)
        {
          /* The client closed its side; the end of a last line without \n
           * is dropped like any half-written request. */
          if (pc_line_reader_pending (self->reader) > 0)
            g_info ("session %" G_GUINT64_FORMAT ": disconnected in the middle of a request",
                    self->serial);
          close_when_flushed (self);
          break;
        }
      pc_line_reader_commit (self->reader, n);
      self->last_request = g_get_monotonic_time ();
      process_lines (self);
      /* A short read drained the socket: wait for the next readiness
       * rather than pay for a read that would block. */
      if (n < READ_CHUNK)
        break;
    }
  update (self);
  return G_SOURCE_CONTINUE;
}

/* ---- I/O through GIO's async calls (streams that cannot poll) ------------ */

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
  update (self);
}

static void
async_write (PcSession *self)
{
  GString *swap;

  if (self->writing->len > 0 || self->output->len == 0 || self->closed)
    return;
  /* Double buffering: replies computed while this write is in flight
   * collect in output and leave in one write next time. */
  swap = self->writing;
  self->writing = self->output;
  self->output = swap;
  g_output_stream_write_all_async (self->out, self->writing->str, self->writing->len,
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   write_cb, g_object_ref (self));
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
      if (pc_line_reader_pending (self->reader) > 0)
        g_info ("session %" G_GUINT64_FORMAT ": disconnected in the middle of a request",
                self->serial);
      close_when_flushed (self);
      return;
    }
  pc_line_reader_commit (self->reader, n);
  self->last_request = g_get_monotonic_time ();
  process_lines (self);
  update (self);
}

static void
start_async_read (PcSession *self)
{
  guint8 *buf;

  self->reading = TRUE;
  buf = pc_line_reader_prepare (self->reader, READ_CHUNK);
  g_input_stream_read_async (self->in, buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             self->read_cancellable, read_cb, g_object_ref (self));
}

/* ---- The state machine ---------------------------------------------------- */

/* After anything happened: write what is ready, close when the session is
 * done and everything went out, and read while there is room. */
static void
update (PcSession *self)
{
  gboolean want_read;

  if (self->closed)
    return;
  if (self->pollable)
    flush_pollable (self);
  else
    async_write (self);
  if (self->closed)
    return;

  /* Never watch a stream that is done: at EOF it stays readable, and the
   * source would fire on every iteration while the replies drain. */
  want_read = !self->read_done && !self->closing && unsent (self) < OUTPUT_HIGH_WATER;
  if (self->pollable)
    {
      if (want_read && self->read_source == NULL)
        self->read_source = io_source (self, FALSE);
      else if (!want_read)
        clear_source (&self->read_source);
    }
  else if (want_read && !self->reading)
    start_async_read (self);

  if (self->closing && unsent (self) == 0)
    close_now (self);
}

void
pc_session_start (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  self->context = g_main_context_ref_thread_default ();
  self->last_request = g_get_monotonic_time ();
  self->holds_slot = TRUE;
  g_info ("session %" G_GUINT64_FORMAT ": connected over %s (%s)",
          self->serial, self->transport, self->peer);
  arm_timer (self);
  update (self);
}

void
pc_session_refuse (PcSession  *self,
                   const char *limit)
{
  g_return_if_fail (PC_IS_SESSION (self));

  self->context = g_main_context_ref_thread_default ();
  g_info ("session %" G_GUINT64_FORMAT ": refused (%s), limit %s reached",
          self->serial, self->peer, limit);
  self->refuse_limit = g_strdup (limit);
  start_grace (self);
  update (self);
}

void
pc_session_shutdown (PcSession *self)
{
  g_return_if_fail (PC_IS_SESSION (self));

  if (self->closed)
    return;
  /* A read in flight is cancelled; the lines already read were answered. */
  self->read_done = TRUE;
  clear_source (&self->read_source);
  g_cancellable_cancel (self->read_cancellable);
  close_when_flushed (self);
  if (!self->closed)
    start_grace (self);
}
