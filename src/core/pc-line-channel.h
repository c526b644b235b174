/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One connection's line I/O, the same for the server's sessions and the
 * client: lines read through a PcLineReader (with its length limit), and
 * output collected in a buffer that leaves in as few writes as possible.
 *
 * A stream whose two ends can poll (sockets, pipe ends) is read and written
 * with non-blocking calls straight from readiness sources; any other stream
 * (Windows named pipes, a stream that refuses to poll) goes through GIO's
 * async calls, one read and one write in flight at most, with the output
 * double-buffered so replies computed meanwhile leave together. Sources and
 * async calls belong to the thread-default main context of the thread that
 * called pc_line_channel_start(); every function and callback runs there.
 *
 * While the unsent output is at or above the high-water mark, the channel
 * stops reading and stops handing out the lines it has read, so a peer
 * that never reads costs bounded memory, whatever one line asks for.
 *
 * Turns: each wakeup hands out lines until the output reaches the mark or
 * the budget (pc_line_channel_set_budget()) is used; lines left wait in
 * the reader, nothing more is read, and the next turn comes from an idle
 * source at default priority, after the other connections of the same
 * context had theirs. An owner with work of its own (a batch answered
 * call by call) pauses the channel and is called back (@ready) each turn
 * until it resumes. */

typedef enum
{
  PC_LINE_CHANNEL_READ,
  PC_LINE_CHANNEL_WRITE,
} PcLineChannelOp;

#define PC_TYPE_LINE_CHANNEL (pc_line_channel_get_type ())
G_DECLARE_FINAL_TYPE (PcLineChannel, pc_line_channel, PC, LINE_CHANNEL, GObject)

/* What the channel tells its owner. Every member may be %NULL. They are
 * called on the channel's context from its own sources and async
 * callbacks, with one exception: @failed, when the write that
 * pc_line_channel_flush() or pc_line_channel_close_when_flushed() starts
 * fails at once. The channel holds a reference on itself meanwhile: a
 * callback may call any function here, drop its reference, or detach. */
typedef struct
{
  /* A complete line, without its \n or \r\n. @line points into the
   * channel's buffer: valid during the call only, not NUL-terminated.
   * Output appended during the call leaves after the last line of the
   * same read, in one write. */
  void (*line)          (PcLineChannel  *channel,
                         const char     *line,
                         gsize           len,
                         gpointer        user_data);
  /* A line longer than the limit; it is skipped up to its \n and reading
   * goes on. @looks_json: it started like JSON ({ or [). */
  void (*line_too_long) (PcLineChannel  *channel,
                         gboolean        looks_json,
                         gpointer        user_data);
  /* The peer closed its side. Reading has stopped; output still leaves.
   * @mid_line: an unfinished last line was dropped. */
  void (*end_of_input)  (PcLineChannel  *channel,
                         gboolean        mid_line,
                         gpointer        user_data);
  /* A read or write failed (never for cancellation by the channel
   * itself). The channel has already closed, dropping unsent output; only
   * @closed follows. */
  void (*failed)        (PcLineChannel  *channel,
                         PcLineChannelOp op,
                         const GError   *error,
                         gpointer        user_data);
  /* The stream is closed: the last callback, once per channel. */
  void (*closed)        (PcLineChannel  *channel,
                         gpointer        user_data);
  /* The owner paused (pc_line_channel_pause()) and its turn has come:
   * its unsent output is below the mark and every other source of the
   * context had its turn. It does some of its work (until
   * pc_line_channel_must_yield()), and calls pc_line_channel_resume()
   * once done; while it stays paused, @ready comes again next turn. */
  void (*ready)         (PcLineChannel  *channel,
                         gpointer        user_data);
} PcLineChannelCallbacks;

/* A channel over @stream (referenced). Lines longer than @max_line bytes
 * (without \r\n) are refused; reading pauses while @high_water bytes or
 * more of output are unsent (0: never). @callbacks must outlive the
 * channel; @user_data is not referenced (see pc_line_channel_detach()). */
PcLineChannel *pc_line_channel_new       (GIOStream                    *stream,
                                          gsize                         max_line,
                                          gsize                         high_water,
                                          const PcLineChannelCallbacks *callbacks,
                                          gpointer                      user_data);
/* Starts reading, on the calling thread's thread-default context. */
void           pc_line_channel_start     (PcLineChannel *self);
/* TRUE when both ends poll: the non-blocking path; FALSE: GIO's async calls. */
gboolean       pc_line_channel_is_pollable (PcLineChannel *self);

/* Where output is collected: append whole lines. The string may change
 * after pc_line_channel_flush() or a return to the main loop, so fetch it
 * each time. */
GString       *pc_line_channel_get_output (PcLineChannel *self);
/* Starts writing what was appended. Inside a callback it only marks the
 * output: it leaves once the callbacks of that read are done. */
void           pc_line_channel_flush     (PcLineChannel *self);
/* Bytes of output appended and not yet taken by the stream. */
gsize          pc_line_channel_get_unsent (PcLineChannel *self);
/* At most @max_lines lines and @max_usec µs per turn (0: no limit). */
void           pc_line_channel_set_budget (PcLineChannel *self,
                                           guint          max_lines,
                                           gint64         max_usec);
/* Inside a callback: whether the owner has used its turn (output at the
 * mark, or the budget spent) and should stop until its next one. */
gboolean       pc_line_channel_must_yield (PcLineChannel *self);
/* No line is handed out, and nothing read, until resume; @ready is
 * called each turn meanwhile. Lines already read wait. */
void           pc_line_channel_pause     (PcLineChannel *self);
void           pc_line_channel_resume    (PcLineChannel *self);
/* Monotonic time (µs) of the last read that brought bytes, or of start. */
gint64         pc_line_channel_get_last_read (PcLineChannel *self);
/* The later of the last read and the last turn in which the owner got
 * lines or was resumed: lines waiting for their turn are not idleness. */
gint64         pc_line_channel_get_last_active (PcLineChannel *self);

/* Reads no more: a read in flight is cancelled, bytes not yet handed out
 * as lines are dropped. Output still leaves. */
void           pc_line_channel_stop_reading (PcLineChannel *self);
/* Reads nothing more from the stream, but hands out the complete lines
 * already read (in turns, as always) and waits for a paused owner to
 * resume; then closes once every byte of output has left. */
void           pc_line_channel_finish    (PcLineChannel *self);
/* Stops reading and closes once every byte of output has left. */
void           pc_line_channel_close_when_flushed (PcLineChannel *self);
/* Closes now: unsent output is dropped, I/O in flight cancelled, the
 * stream closed once nothing is in flight; then @closed is called. No
 * other callback is called after this returns. */
void           pc_line_channel_close     (PcLineChannel *self);
/* For an owner that goes away: no callback is ever called again. I/O in
 * flight is cancelled; the stream is not closed gracefully but released
 * with the channel's last reference. */
void           pc_line_channel_detach    (PcLineChannel *self);

/* Monotonic time (µs) of the last write that the stream took bytes of,
 * or of start: with output unsent, how long the peer has not been
 * reading. */
gint64         pc_line_channel_get_last_write (PcLineChannel *self);
/* Monotonic time (µs) of the read that brought the first byte of the line
 * not finished yet (an over-long one being skipped included); 0 when
 * every byte read so far belonged to finished lines. */
gint64         pc_line_channel_get_line_started (PcLineChannel *self);

G_END_DECLS
