/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-line-channel.h"
#include "pc-line-reader.h"

#ifdef G_OS_UNIX
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#endif

/* Bytes asked of the stream per read: many pipelined lines per wakeup. */
#define READ_CHUNK 16384
/* Reads per readiness wakeup at most, so one flooding peer cannot starve
 * the other connections of its main context. */
#define READ_ROUNDS 4

struct _PcLineChannel
{
  GObject parent_instance;

  GIOStream     *stream;
  GInputStream  *in;          /* unowned: the stream's */
  GOutputStream *out;         /* unowned: the stream's */
  /* Both ends pollable (sockets, pipe ends): read and write without
   * blocking straight from readiness callbacks. Otherwise GIO's async
   * calls. */
  gboolean       pollable;
  GMainContext  *context;     /* where the channel runs; set at start */

  const PcLineChannelCallbacks *callbacks;  /* NULL once detached */
  gpointer       user_data;

  PcLineReader  *reader;
  gsize          high_water;
  GCancellable  *cancellable;       /* async writes; cancelled on close */
  GCancellable  *read_cancellable;  /* async reads; cancelled on stop too */
  GSource       *read_source;       /* pollable: waiting to read */
  GSource       *write_source;      /* pollable: waiting to write */
  /* The owner's next turn: lines left over from the last one, or work of
   * its own (paused). An idle source at default priority, so that every
   * other connection of the context gets its turn first. */
  GSource       *turn_source;

  GString       *output;       /* output waiting to be written */
  gsize          output_sent;  /* pollable: bytes of output already written */
  GString       *writing;      /* async: output being written now */
  gint64         last_read;
  gint64         last_active;  /* the last turn that handed out lines or resumed the owner */
  gint64         last_write;   /* the last write that took bytes, or start */
  gint64         line_started; /* first byte of the unfinished line; 0: none */
  guint64        n_lines;      /* lines handed out, too long ones included */

  /* A turn: what one wakeup may hand out before yielding. */
  guint          max_lines;    /* 0: no limit */
  gint64         max_usec;     /* 0: no limit */
  guint          turn_lines;
  gint64         turn_start;

  gboolean       started;
  gboolean       dispatching;  /* handing out lines: flush at the end */
  gboolean       paused;       /* the owner works on something of its own */
  gboolean       more_lines;   /* lines read may wait in the reader */
  gboolean       reading;      /* async: a read is in flight */
  gboolean       read_done;    /* EOF, error, or stopped: read no more */
  gboolean       finishing;    /* read no more, but hand out what was read */
  gboolean       closing;      /* close once everything has left */
  gboolean       closed;
  gboolean       close_started;
};

G_DEFINE_FINAL_TYPE (PcLineChannel, pc_line_channel, G_TYPE_OBJECT)

static void update (PcLineChannel *self);

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
pc_line_channel_dispose (GObject *object)
{
  PcLineChannel *self = PC_LINE_CHANNEL (object);

  clear_source (&self->read_source);
  clear_source (&self->write_source);
  clear_source (&self->turn_source);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (pc_line_channel_parent_class)->dispose (object);
}

static void
pc_line_channel_finalize (GObject *object)
{
  PcLineChannel *self = PC_LINE_CHANNEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_pointer (&self->reader, pc_line_reader_free);
  g_string_free (self->output, TRUE);
  g_string_free (self->writing, TRUE);
  G_OBJECT_CLASS (pc_line_channel_parent_class)->finalize (object);
}

static void
pc_line_channel_class_init (PcLineChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pc_line_channel_dispose;
  object_class->finalize = pc_line_channel_finalize;
}

static void
pc_line_channel_init (PcLineChannel *self)
{
  self->cancellable = g_cancellable_new ();
  self->read_cancellable = g_cancellable_new ();
  self->output = g_string_sized_new (256);
  self->writing = g_string_sized_new (256);
}

PcLineChannel *
pc_line_channel_new (GIOStream                    *stream,
                     gsize                         max_line,
                     gsize                         high_water,
                     const PcLineChannelCallbacks *callbacks,
                     gpointer                      user_data)
{
  PcLineChannel *self;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);

  self = g_object_new (PC_TYPE_LINE_CHANNEL, NULL);
  self->stream = g_object_ref (stream);
  self->in = g_io_stream_get_input_stream (stream);
  self->out = g_io_stream_get_output_stream (stream);
  self->pollable = G_IS_POLLABLE_INPUT_STREAM (self->in)
                   && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->in))
                   && G_IS_POLLABLE_OUTPUT_STREAM (self->out)
                   && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->out));
  self->reader = pc_line_reader_new (max_line);
  self->high_water = high_water > 0 ? high_water : G_MAXSIZE;
  self->callbacks = callbacks;
  self->user_data = user_data;
  return self;
}

gboolean
pc_line_channel_is_pollable (PcLineChannel *self)
{
  g_return_val_if_fail (PC_IS_LINE_CHANNEL (self), FALSE);
  return self->pollable;
}

GString *
pc_line_channel_get_output (PcLineChannel *self)
{
  return self->output;
}

gsize
pc_line_channel_get_unsent (PcLineChannel *self)
{
  return self->output->len - self->output_sent + self->writing->len;
}

gint64
pc_line_channel_get_last_read (PcLineChannel *self)
{
  return self->last_read;
}

gint64
pc_line_channel_get_last_active (PcLineChannel *self)
{
  return MAX (self->last_read, self->last_active);
}

/* GIO's async calls dispatch their callbacks to the thread-default context
 * of the moment they are made: make it the channel's, whoever calls. */
static gboolean
enter_context (PcLineChannel *self)
{
  GMainContext *current = g_main_context_get_thread_default ();

  if (self->context == NULL
      || self->context == (current != NULL ? current : g_main_context_default ()))
    return FALSE;
  g_main_context_push_thread_default (self->context);
  return TRUE;
}

static void
leave_context (PcLineChannel *self,
               gboolean       entered)
{
  if (entered)
    g_main_context_pop_thread_default (self->context);
}

/* ---- Closing ---------------------------------------------------------- */

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PcLineChannel) self = user_data;
  const PcLineChannelCallbacks *callbacks = self->callbacks;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  /* The owner may be released on another thread once told (a server's
   * session): nothing here touches the channel after the call. */
  self->callbacks = NULL;
  if (callbacks != NULL && callbacks->closed != NULL)
    callbacks->closed (self, self->user_data);
}

/* A stream is closed only when no read or write is in flight on it (GIO
 * refuses to close a stream with a pending operation); the callbacks of
 * cancelled operations call this again. */
static void
finish_close (PcLineChannel *self)
{
  gboolean entered;

  if (!self->closed || self->close_started || self->reading || self->writing->len > 0)
    return;
  self->close_started = TRUE;
  entered = enter_context (self);
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL,
                           close_cb, g_object_ref (self));
  leave_context (self, entered);
}

/* Closes once: reads and writes in flight are cancelled, output not yet
 * written is dropped. */
static void
close_now (PcLineChannel *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  self->closing = TRUE;
  self->read_done = TRUE;
  clear_source (&self->read_source);
  clear_source (&self->write_source);
  clear_source (&self->turn_source);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->read_cancellable);
  finish_close (self);
}

static void
fail (PcLineChannel   *self,
      PcLineChannelOp  op,
      const GError    *error)
{
  close_now (self);
  if (self->callbacks != NULL && self->callbacks->failed != NULL)
    self->callbacks->failed (self, op, error, self->user_data);
}

void
pc_line_channel_close (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));
  close_now (self);
}

void
pc_line_channel_detach (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  self->callbacks = NULL;
  if (self->closed)
    return;
  /* No graceful close: the owner may be going away with its main loop. */
  self->close_started = TRUE;
  close_now (self);
}

void
pc_line_channel_close_when_flushed (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  /* Already closing once the lines read are answered. */
  if (self->finishing)
    return;
  self->closing = TRUE;
  pc_line_channel_stop_reading (self);
}

void
pc_line_channel_stop_reading (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  if (self->closed)
    return;
  self->read_done = TRUE;
  clear_source (&self->read_source);
  g_cancellable_cancel (self->read_cancellable);
  if (!self->dispatching)
    update (self);
}

/* ---- Reading ---------------------------------------------------------- */

/* A new turn of the owner: the budget counts from here. */
static void
begin_turn (PcLineChannel *self)
{
  self->dispatching = TRUE;
  self->turn_lines = 0;
  self->turn_start = self->max_usec > 0 ? g_get_monotonic_time () : 0;
}

/* Whether the owner has had its share: output at the mark, or the turn's
 * lines or time used up. */
static gboolean
turn_over (PcLineChannel *self,
           gboolean       read_clock)
{
  return pc_line_channel_get_unsent (self) >= self->high_water
         || (self->max_lines > 0 && self->turn_lines >= self->max_lines)
         || (read_clock && self->max_usec > 0
             && g_get_monotonic_time () - self->turn_start >= self->max_usec);
}

/* Lines between two readings of the clock: a trivial line costs less than
 * a hundred nanoseconds, a reading of the clock twenty. */
#define CLOCK_EVERY 16

gboolean
pc_line_channel_must_yield (PcLineChannel *self)
{
  g_return_val_if_fail (PC_IS_LINE_CHANNEL (self), TRUE);
  return turn_over (self, TRUE);
}

/* Hands out the complete lines read so far, until the owner pauses or
 * stops or the turn is over; the rest waits in the reader for the next
 * turn, and nothing more is read meanwhile. */
static void
deliver_lines (PcLineChannel *self)
{
  const char *line = NULL;
  gsize len = 0;
  gboolean looks_json = FALSE;
  PcLineStatus status;
  guint64 lines_before = self->n_lines;

  self->more_lines = TRUE;
  while (!self->read_done)
    {
      if (self->paused || turn_over (self, self->turn_lines % CLOCK_EVERY == 0))
        {
          if (self->n_lines != lines_before)
            self->last_active = g_get_monotonic_time ();
          /* Complete lines wait for the session's next turn: no request
           * of the client is unfinished meanwhile. */
          self->line_started = 0;
          return;
        }
      status = pc_line_reader_next (self->reader, &line, &len, &looks_json);
      if (status == PC_LINE_NONE)
        break;
      self->turn_lines++;
      self->n_lines++;
      if (self->callbacks == NULL)
        continue;
      if (status == PC_LINE_TOO_LONG)
        {
          if (self->callbacks->line_too_long != NULL)
            self->callbacks->line_too_long (self, looks_json, self->user_data);
        }
      else if (self->callbacks->line != NULL)
        self->callbacks->line (self, line, len, self->user_data);
    }
  self->more_lines = FALSE;
  if (self->n_lines != lines_before)
    self->last_active = g_get_monotonic_time ();
  /* When the line now unfinished began: at the last read if it is new (no
   * line was, or a line ended since), else earlier. */
  if (!pc_line_reader_in_line (self->reader))
    self->line_started = 0;
  else if (self->line_started == 0 || self->n_lines != lines_before)
    self->line_started = self->last_read;
}

/* Bytes arrived: hand out the lines they complete. */
static void
got_bytes (PcLineChannel *self,
           gsize          n)
{
  pc_line_reader_commit (self->reader, n);
  self->last_read = g_get_monotonic_time ();
  deliver_lines (self);
}

static void
end_of_input (PcLineChannel *self)
{
  /* The end of a last line without \n is dropped like any half-written
   * line; the owner is told so. */
  gboolean mid_line = pc_line_reader_pending (self->reader) > 0;

  self->read_done = TRUE;
  clear_source (&self->read_source);
  if (self->callbacks != NULL && self->callbacks->end_of_input != NULL)
    self->callbacks->end_of_input (self, mid_line, self->user_data);
}

/* ---- I/O on pollable streams ------------------------------------------ */

static gboolean readable_cb (gpointer user_data);
static gboolean writable_cb (gpointer user_data);

/* Readiness sources call back with the signature of their kind; each
 * wrapper passes on the channel only. */
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
 * to the channel's context. A pollable stream's own source wraps the
 * descriptor's source as a child, which GLib takes out of and puts back
 * into the poll set around every dispatch, waking the context through
 * its eventfd each time (three more system calls per request, measured):
 * so sockets and pipe ends, the streams of every transport here, are
 * watched through a plain source of their own kind. Any other pollable
 * stream still works through the generic source. */
static GSource *
io_source (PcLineChannel *self,
           gboolean       out)
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
  g_source_set_callback (source, func, self, NULL);
  /* GLib blocks a source while it dispatches, taking its descriptors out
   * of the poll set and putting them back afterwards, which wakes the
   * context through its eventfd each time. Nothing here runs a nested
   * main loop, so no callback can be re-entered and no blocking is
   * needed. */
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, self->context);
  return source;
}

/* Hands the stream what it takes now; waits for room for the rest. */
static void
flush_pollable (PcLineChannel *self)
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
          self->last_write = g_get_monotonic_time ();
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->write_source == NULL)
            self->write_source = io_source (self, TRUE);
          return;
        }
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "no progress");
      fail (self, PC_LINE_CHANNEL_WRITE, error);
      return;
    }
  g_string_truncate (self->output, 0);
  self->output_sent = 0;
  clear_source (&self->write_source);
}

static gboolean
writable_cb (gpointer user_data)
{
  g_autoptr(PcLineChannel) self = g_object_ref (user_data);

  update (self);
  return G_SOURCE_CONTINUE;
}

/* Reads what has arrived (many lines per wakeup), hands out every
 * complete line, and writes the output of all of them at once. */
static gboolean
readable_cb (gpointer user_data)
{
  g_autoptr(PcLineChannel) self = g_object_ref (user_data);

  begin_turn (self);
  for (int round = 0;
       round < READ_ROUNDS && !self->read_done && !self->paused && !self->more_lines
       && !turn_over (self, TRUE);
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
          self->dispatching = FALSE;
          fail (self, PC_LINE_CHANNEL_READ, error);
          return G_SOURCE_CONTINUE;
        }
      if (n == 0)
        {
          end_of_input (self);
          break;
        }
      got_bytes (self, n);
      /* A short read drained the stream: wait for the next readiness
       * rather than pay for a read that would block. */
      if (n < READ_CHUNK)
        break;
    }
  self->dispatching = FALSE;
  update (self);
  return G_SOURCE_CONTINUE;
}

/* ---- I/O through GIO's async calls (streams that cannot poll) ---------- */

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PcLineChannel) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result,
                                                  NULL, &error);

  g_string_truncate (self->writing, 0);
  if (self->closed)
    {
      finish_close (self);
      return;
    }
  if (!ok)
    {
      fail (self, PC_LINE_CHANNEL_WRITE, error);
      return;
    }
  self->last_write = g_get_monotonic_time ();
  update (self);
}

static void
async_write (PcLineChannel *self)
{
  GString *swap;
  gboolean entered;

  if (self->writing->len > 0 || self->output->len == 0 || self->closed)
    return;
  /* Double buffering: output appended while this write is in flight
   * collects in the other buffer and leaves in one write next time. */
  swap = self->writing;
  self->writing = self->output;
  self->output = swap;
  entered = enter_context (self);
  g_output_stream_write_all_async (self->out, self->writing->str, self->writing->len,
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   write_cb, g_object_ref (self));
  leave_context (self, entered);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PcLineChannel) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  self->reading = FALSE;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (self->closed)
    {
      finish_close (self);
      return;
    }
  /* Stopped meanwhile: what the read brought (or its cancellation) is
   * dropped. */
  if (self->read_done)
    return;
  if (self->finishing)
    {
      update (self);
      return;
    }
  if (n < 0)
    {
      fail (self, PC_LINE_CHANNEL_READ, error);
      return;
    }
  if (n == 0)
    end_of_input (self);
  else
    {
      begin_turn (self);
      got_bytes (self, n);
      self->dispatching = FALSE;
    }
  update (self);
}

static void
start_async_read (PcLineChannel *self)
{
  guint8 *buf;
  gboolean entered;

  self->reading = TRUE;
  buf = pc_line_reader_prepare (self->reader, READ_CHUNK);
  entered = enter_context (self);
  g_input_stream_read_async (self->in, buf, READ_CHUNK, G_PRIORITY_DEFAULT,
                             self->read_cancellable, read_cb, g_object_ref (self));
  leave_context (self, entered);
}

/* ---- The state machine -------------------------------------------------- */

/* The owner's next turn: its own work first (@ready, while paused), then
 * the lines that waited. */
static gboolean
turn_cb (gpointer user_data)
{
  g_autoptr(PcLineChannel) self = g_object_ref (user_data);

  g_clear_pointer (&self->turn_source, g_source_unref);
  begin_turn (self);
  if (self->paused && self->callbacks != NULL && self->callbacks->ready != NULL)
    {
      self->last_active = g_get_monotonic_time ();
      self->callbacks->ready (self, self->user_data);
    }
  if (!self->paused && self->more_lines && !self->closed)
    deliver_lines (self);
  self->dispatching = FALSE;
  update (self);
  return G_SOURCE_REMOVE;
}

/* After anything happened: write what is ready, close when the channel is
 * done and everything went out, and read while there is room. */
static void
update (PcLineChannel *self)
{
  gboolean want_read;

  if (self->closed || !self->started)
    return;
  if (self->pollable)
    flush_pollable (self);
  else
    async_write (self);
  if (self->closed)
    return;

  /* Finishing, the lines read and the owner's work come first. */
  if (self->closing && pc_line_channel_get_unsent (self) == 0
      && (self->read_done || (!self->more_lines && !self->paused)))
    {
      close_now (self);
      return;
    }

  /* The owner's turn comes again once its output is below the mark, after
   * every other ready source of the context had its turn. */
  if ((self->paused || self->more_lines) && !self->read_done && self->turn_source == NULL
      && pc_line_channel_get_unsent (self) < self->high_water)
    {
      self->turn_source = g_idle_source_new ();
      g_source_set_priority (self->turn_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->turn_source, turn_cb, self, NULL);
      g_source_attach (self->turn_source, self->context);
    }

  /* Never watch a stream that is done: at EOF it stays readable, and the
   * source would fire on every iteration while the output drains. Lines
   * still waiting, or an owner at work, come before reading more. */
  want_read = !self->read_done && !self->finishing && !self->paused && !self->more_lines
              && pc_line_channel_get_unsent (self) < self->high_water;
  if (self->pollable)
    {
      if (want_read && self->read_source == NULL)
        self->read_source = io_source (self, FALSE);
      else if (!want_read)
        clear_source (&self->read_source);
    }
  else if (want_read && !self->reading)
    start_async_read (self);
}

void
pc_line_channel_start (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));
  g_return_if_fail (!self->started);

  self->context = g_main_context_ref_thread_default ();
  self->started = TRUE;
  self->last_read = g_get_monotonic_time ();
  self->last_write = self->last_read;
  update (self);
}

void
pc_line_channel_flush (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  if (!self->dispatching)
    update (self);
}

void
pc_line_channel_set_budget (PcLineChannel *self,
                            guint          max_lines,
                            gint64         max_usec)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  self->max_lines = max_lines;
  self->max_usec = max_usec;
}

void
pc_line_channel_pause (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  self->paused = TRUE;
  if (!self->dispatching)
    update (self);
}

void
pc_line_channel_resume (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  self->paused = FALSE;
  if (!self->dispatching)
    update (self);
}

void
pc_line_channel_finish (PcLineChannel *self)
{
  g_return_if_fail (PC_IS_LINE_CHANNEL (self));

  if (self->closed || self->read_done)
    {
      pc_line_channel_close_when_flushed (self);
      return;
    }
  self->closing = TRUE;
  self->finishing = TRUE;
  clear_source (&self->read_source);
  /* An async read in flight brings nothing more: its bytes are dropped. */
  g_cancellable_cancel (self->read_cancellable);
  if (!self->dispatching)
    update (self);
}

gint64
pc_line_channel_get_last_write (PcLineChannel *self)
{
  return self->last_write;
}

gint64
pc_line_channel_get_line_started (PcLineChannel *self)
{
  return self->line_started;
}
