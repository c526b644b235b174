/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "pc-line-channel.h"
#include "pc-session.h"

/* Every test body runs over each kind of stream the channel meets: a
 * socket (the unix and tcp transports), a pair of pipe-like descriptor
 * streams (the fifo transport), and a stream that cannot poll (what
 * Windows named pipes are), which takes the channel's async path. The
 * test's end of the connection is a plain non-blocking socket. */

typedef enum
{
  KIND_SOCKET,
  KIND_FD_PAIR,
  KIND_NO_POLL,
} StreamKind;

/* ---- A stream that refuses to poll -------------------------------------- */

/* Filter streams that implement no GPollable interface: GIO runs their
 * async calls as blocking calls on its worker threads, as for a named pipe. */
#define TEST_TYPE_NO_POLL_INPUT (test_no_poll_input_get_type ())
G_DECLARE_FINAL_TYPE (TestNoPollInput, test_no_poll_input, TEST, NO_POLL_INPUT, GFilterInputStream)
struct _TestNoPollInput { GFilterInputStream parent_instance; };
G_DEFINE_FINAL_TYPE (TestNoPollInput, test_no_poll_input, G_TYPE_FILTER_INPUT_STREAM)
static void test_no_poll_input_class_init (TestNoPollInputClass *klass) {}
static void test_no_poll_input_init (TestNoPollInput *self) {}

#define TEST_TYPE_NO_POLL_OUTPUT (test_no_poll_output_get_type ())
G_DECLARE_FINAL_TYPE (TestNoPollOutput, test_no_poll_output, TEST, NO_POLL_OUTPUT, GFilterOutputStream)
struct _TestNoPollOutput { GFilterOutputStream parent_instance; };
G_DEFINE_FINAL_TYPE (TestNoPollOutput, test_no_poll_output, G_TYPE_FILTER_OUTPUT_STREAM)
static void test_no_poll_output_class_init (TestNoPollOutputClass *klass) {}
static void test_no_poll_output_init (TestNoPollOutput *self) {}

/* A connected pair: the stream of @kind for the channel, and the test's
 * own end, non-blocking. */
static GIOStream *
make_stream (StreamKind  kind,
             int        *peer)
{
  int sv[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, sv));
  g_assert_no_errno (fcntl (sv[1], F_SETFL, O_NONBLOCK));
  *peer = sv[1];

  if (kind == KIND_SOCKET)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_new_from_fd (sv[0], &error);

      g_assert_no_error (error);
      return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
    }
  else
    {
      g_autoptr(GInputStream) in = NULL;
      g_autoptr(GOutputStream) out = NULL;

      /* The fifo transport opens every descriptor O_NONBLOCK: a pollable
       * descriptor stream writes with a plain write() once poll says it
       * may, which on a blocking descriptor waits for all of it. A stream
       * that cannot poll is read and written in blocking calls. */
      if (kind == KIND_FD_PAIR)
        g_assert_no_errno (fcntl (sv[0], F_SETFL, O_NONBLOCK));
      in = g_unix_input_stream_new (sv[0], TRUE);
      out = g_unix_output_stream_new (dup (sv[0]), TRUE);

      if (kind == KIND_NO_POLL)
        {
          g_autoptr(GInputStream) base_in = g_steal_pointer (&in);
          g_autoptr(GOutputStream) base_out = g_steal_pointer (&out);

          in = g_object_new (TEST_TYPE_NO_POLL_INPUT, "base-stream", base_in, NULL);
          out = g_object_new (TEST_TYPE_NO_POLL_OUTPUT, "base-stream", base_out, NULL);
          g_assert_false (G_IS_POLLABLE_INPUT_STREAM (in));
        }
      return g_simple_io_stream_new (in, out);
    }
}

/* ---- The fixture: a channel, its owner's record, and the peer ------------- */

typedef struct
{
  StreamKind     kind;
  GMainContext  *context;   /* private, thread-default during the test */
  int            peer;
  GIOStream     *stream;
  PcLineChannel *channel;

  /* The owner: what the channel reported, and how it answers. */
  GPtrArray     *lines;
  guint          n_too_long;
  guint          n_too_long_json;
  gboolean       eof;
  gboolean       mid_line;
  gboolean       failed;
  PcLineChannelOp failed_op;
  GError        *error;
  gboolean       closed;
  gsize          reply_size;   /* echo each line padded to this size; 0: no echo */
  gboolean       close_on_eof;
  const char    *bye;          /* a line that makes the owner close after flush */
  gsize          bye_size;     /* bytes of output queued before that close */

  const char    *pause_on;     /* a line that pauses the channel */
  guint          ready_left;   /* turns of own work before resuming */

  /* The peer. */
  GString       *received;
  gboolean       peer_eof;
} Fixture;

static void
line_cb (PcLineChannel *channel,
         const char    *line,
         gsize          len,
         gpointer       user_data)
{
  Fixture *f = user_data;
  GString *out = pc_line_channel_get_output (channel);
  gsize unsent = pc_line_channel_get_unsent (channel);

  /* Callbacks run on the context of whoever started the channel. */
  g_assert_true (g_main_context_is_owner (f->context));
  g_ptr_array_add (f->lines, g_strndup (line, len));
  if (f->bye != NULL && len == strlen (f->bye) && memcmp (line, f->bye, len) == 0)
    {
      for (gsize i = 0; i < f->bye_size; i++)
        g_string_append_c (out, 'a' + i % 26);
      g_string_append_c (out, '\n');
      pc_line_channel_close_when_flushed (channel);
      return;
    }
  if (f->pause_on != NULL && len == strlen (f->pause_on) && memcmp (line, f->pause_on, len) == 0)
    {
      g_string_append (out, "paused\n");
      pc_line_channel_pause (channel);
      f->ready_left = 3;
      return;
    }
  if (f->reply_size > 0)
    {
      gsize before = out->len;

      g_string_append_printf (out, "re:%.*s", (int) len, line);
      while (out->len - before < f->reply_size - 1)
        g_string_append_c (out, '.');
      g_string_append_c (out, '\n');
      /* Coalescing: inside a callback a flush writes nothing; the replies
       * of every line of this read leave together afterwards. */
      pc_line_channel_flush (channel);
      g_assert_cmpuint (pc_line_channel_get_unsent (channel), ==,
                        unsent + (out->len - before));
    }
}

static void
line_too_long_cb (PcLineChannel *channel,
                  gboolean       looks_json,
                  gpointer       user_data)
{
  Fixture *f = user_data;

  f->n_too_long++;
  if (looks_json)
    f->n_too_long_json++;
  g_ptr_array_add (f->lines, g_strdup (looks_json ? "<too long json>" : "<too long>"));
}

static void
end_of_input_cb (PcLineChannel *channel,
                 gboolean       mid_line,
                 gpointer       user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->eof);
  f->eof = TRUE;
  f->mid_line = mid_line;
  if (f->close_on_eof)
    pc_line_channel_close_when_flushed (channel);
}

static void
failed_cb (PcLineChannel   *channel,
           PcLineChannelOp  op,
           const GError    *error,
           gpointer         user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->failed);
  f->failed = TRUE;
  f->failed_op = op;
  f->error = g_error_copy (error);
}

static void
closed_cb (PcLineChannel *channel,
           gpointer       user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->closed);
  f->closed = TRUE;
}

/* The owner's own work while paused: a line per turn, then it resumes. */
static void
ready_cb (PcLineChannel *channel,
          gpointer       user_data)
{
  Fixture *f = user_data;

  g_assert_cmpuint (f->ready_left, >, 0);
  g_string_append (pc_line_channel_get_output (channel), "tick\n");
  if (--f->ready_left == 0)
    pc_line_channel_resume (channel);
}

static const PcLineChannelCallbacks callbacks = {
  .ready = ready_cb,
  .line = line_cb,
  .line_too_long = line_too_long_cb,
  .end_of_input = end_of_input_cb,
  .failed = failed_cb,
  .closed = closed_cb,
};

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->kind = GPOINTER_TO_INT (data);
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->stream = make_stream (f->kind, &f->peer);
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->received = g_string_new (NULL);
  f->close_on_eof = TRUE;
}

static void
start (Fixture *f,
       gsize    max_line,
       gsize    high_water)
{
  f->channel = pc_line_channel_new (f->stream, max_line, high_water, &callbacks, f);
  g_assert_cmpint (pc_line_channel_is_pollable (f->channel), ==, f->kind != KIND_NO_POLL);
  pc_line_channel_start (f->channel);
}

/* One step of the loop: the channel's context, then the peer's reads. */
static void
step (Fixture  *f,
      gboolean  peer_reads)
{
  gboolean busy = g_main_context_iteration (f->context, FALSE);

  while (peer_reads && !f->peer_eof)
    {
      char buf[65536];
      ssize_t n = read (f->peer, buf, sizeof buf);

      if (n > 0)
        {
          g_string_append_len (f->received, buf, n);
          busy = TRUE;
          continue;
        }
      if (n == 0)
        f->peer_eof = TRUE;
      else
        g_assert_true (errno == EAGAIN || errno == ECONNRESET);
      break;
    }
  if (!busy)
    {
      struct pollfd pfd = { .fd = f->peer, .events = peer_reads ? POLLIN : 0 };

      poll (&pfd, 1, 1);
    }
}

#define RUN_UNTIL(f, peer_reads, cond)                                  \
  G_STMT_START {                                                        \
    gint64 deadline_ = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;   \
    while (!(cond))                                                     \
      {                                                                 \
        g_assert_cmpint (g_get_monotonic_time (), <, deadline_);        \
        step ((f), (peer_reads));                                       \
      }                                                                 \
  } G_STMT_END

/* Writes everything, running the channel while the socket is full. */
static void
peer_write (Fixture    *f,
            const char *data,
            gssize      len)
{
  gsize done = 0;

  if (len < 0)
    len = strlen (data);
  while (done < (gsize) len)
    {
      ssize_t n = write (f->peer, data + done, len - done);

      if (n > 0)
        done += n;
      else
        {
          g_assert_cmpint (errno, ==, EAGAIN);
          step (f, TRUE);
        }
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->channel != NULL)
    {
      pc_line_channel_close (f->channel);
      RUN_UNTIL (f, FALSE, f->closed);
      g_clear_object (&f->channel);
    }
  g_clear_object (&f->stream);
  /* The async path's worker threads hand back their last results. */
  while (g_main_context_iteration (f->context, FALSE))
    ;
  close (f->peer);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
  g_ptr_array_unref (f->lines);
  g_string_free (f->received, TRUE);
  g_clear_error (&f->error);
}

static void
assert_lines (Fixture    *f,
              const char *expected[])
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (f->lines->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (f->lines, i), ==, expected[i]);
}

/* ---- The tests ------------------------------------------------------------ */

/* Lines split across reads and CRLF endings arrive whole and in order. */
static void
test_split_lines (Fixture       *f,
                  gconstpointer  data)
{
  const char *expected[] = { "1+2", "3", "a", "", "b c", NULL };

  f->reply_size = 8;
  start (f, 64, 0);
  peer_write (f, "1+", -1);
  for (int i = 0; i < 20; i++)
    step (f, TRUE);
  g_assert_cmpuint (f->lines->len, ==, 0);
  peer_write (f, "2\n3", -1);
  RUN_UNTIL (f, TRUE, f->lines->len == 1);
  peer_write (f, "\na\r", -1);
  RUN_UNTIL (f, TRUE, f->lines->len == 2);
  peer_write (f, "\n\r\nb c\r\n", -1);
  RUN_UNTIL (f, TRUE, f->received->len == 5 * 8);
  assert_lines (f, expected);
  g_assert_cmpstr (f->received->str, ==,
                   "re:1+2.\nre:3...\nre:a...\nre:....\nre:b c.\n");
}

/* Many lines in one read: every one handed out, the replies in order, and
 * output appended outside the channel's context still leaves from it. */
static void
test_many_lines (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GMainContext) other = g_main_context_new ();

  f->reply_size = 16;
  start (f, 64, 0);
  for (guint i = 0; i < 5000; i++)
    {
      gsize before = expected->len;

      g_string_append_printf (input, "%u\n", i);
      g_string_append_printf (expected, "re:%u", i);
      while (expected->len - before < 15)
        g_string_append_c (expected, '.');
      g_string_append_c (expected, '\n');
    }
  peer_write (f, input->str, input->len);
  RUN_UNTIL (f, TRUE, f->received->len == expected->len);
  g_assert_cmpuint (f->lines->len, ==, 5000);
  g_assert_cmpstr (g_ptr_array_index (f->lines, 4999), ==, "4999");
  g_assert_true (g_str_equal (f->received->str, expected->str));

  /* As the client does: a request written from wherever, any thread-default. */
  g_main_context_push_thread_default (other);
  g_string_append (pc_line_channel_get_output (f->channel), "late\n");
  pc_line_channel_flush (f->channel);
  g_main_context_pop_thread_default (other);
  RUN_UNTIL (f, TRUE, g_str_has_suffix (f->received->str, "late\n"));
  g_assert_false (g_main_context_pending (other));
}

/* Over-long lines are reported once each, in order with the others, in
 * one read or across many, and skipped up to their \n. */
static void
test_too_long (Fixture       *f,
               gconstpointer  data)
{
  const char *expected[] = {
    "short", "<too long>", "<too long json>", "exactly-sixteen!", "<too long>", "after", NULL
  };

  start (f, 16, 0);
  peer_write (f, "short\n", -1);
  peer_write (f, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", -1);
  peer_write (f, "  {\"jsonrpc\":\"2.0\",\"method\":\"eval\",\"params\":[1]}\n", -1);
  peer_write (f, "exactly-sixteen!\r\n", -1);
  RUN_UNTIL (f, TRUE, f->lines->len == 4);
  /* Longer than a whole read, arriving in pieces. */
  for (int i = 0; i < 8; i++)
    {
      char chunk[10000];

      memset (chunk, 'y', sizeof chunk);
      peer_write (f, chunk, sizeof chunk);
      for (int j = 0; j < 5; j++)
        step (f, TRUE);
    }
  peer_write (f, "\nafter\n", -1);
  RUN_UNTIL (f, TRUE, f->lines->len == 6);
  assert_lines (f, expected);
  g_assert_cmpuint (f->n_too_long, ==, 3);
  g_assert_cmpuint (f->n_too_long_json, ==, 1);
}

/* A peer that sends and never reads: the unsent output stays bounded, the
 * channel stops reading, and it catches up once the peer reads. */
static void
test_backpressure (Fixture       *f,
                   gconstpointer  data)
{
  const gsize high_water = 64 * 1024;
  const guint n_lines = 20000;
  char line[101];
  gsize written = 0;
  guint seen = 0;
  gint64 still_since = 0;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  memset (line, 'q', sizeof line - 1);
  line[sizeof line - 2] = '\n';
  line[sizeof line - 1] = '\0';
  f->reply_size = 200;
  start (f, 1024, high_water);

  /* Write while the kernel takes it, until the channel has stood still
   * for a while: it stopped reading. */
  for (;;)
    {
      gsize unsent = pc_line_channel_get_unsent (f->channel);

      /* One wakeup's replies at most on top of the mark: four 16 KiB
       * reads whose lines are each answered with twice their size. */
      g_assert_cmpuint (unsent, <=, high_water + 4 * (2 * 16384 + 200));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (written < n_lines * 100)
        {
          ssize_t n = write (f->peer, line + written % 100, 100 - written % 100);

          if (n > 0)
            written += n;
          else
            g_assert_cmpint (errno, ==, EAGAIN);
        }
      step (f, FALSE);
      if (f->lines->len != seen)
        {
          seen = f->lines->len;
          still_since = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - still_since > G_USEC_PER_SEC / 2 && seen > 0)
        break;
    }
  g_assert_cmpuint (pc_line_channel_get_unsent (f->channel), >=, high_water);
  /* Paused with lines still waiting: it was the channel that stopped. */
  g_assert_cmpuint (seen * 100, <, written);

  /* The peer reads: the channel resumes and answers every line. */
  while (written < n_lines * 100)
    {
      ssize_t n = write (f->peer, line + written % 100, 100 - written % 100);

      if (n > 0)
        written += n;
      step (f, TRUE);
    }
  /* The async path learns its last write is done after the peer has it. */
  RUN_UNTIL (f, TRUE, f->received->len == (gsize) n_lines * 200
                      && pc_line_channel_get_unsent (f->channel) == 0);
  g_assert_cmpuint (f->lines->len, ==, n_lines);
  g_assert_true (g_str_has_prefix (f->received->str, "re:qqq"));
}

/* close_when_flushed: everything queued leaves, then the peer sees the end;
 * lines after the closing one are not handed out. */
static void
test_close_after_flush (Fixture       *f,
                        gconstpointer  data)
{
  const char *expected[] = { "one", "bye", NULL };

  f->bye = "bye";
  f->bye_size = 3 * 1024 * 1024;
  start (f, 64, 1024);
  peer_write (f, "one\nbye\nafter\n", -1);
  RUN_UNTIL (f, TRUE, f->peer_eof && f->closed);
  assert_lines (f, expected);
  g_assert_cmpuint (f->received->len, ==, f->bye_size + 1);
  g_assert_false (f->failed);
  g_assert_false (f->eof);
}

/* The peer goes in the middle of a line: the lines before it are answered,
 * the half line is dropped and reported, and the owner's close follows. */
static void
test_peer_closes_mid_line (Fixture       *f,
                           gconstpointer  data)
{
  const char *expected[] = { "1", NULL };

  f->reply_size = 4;
  start (f, 64, 0);
  peer_write (f, "1\n2", -1);
  g_assert_no_errno (shutdown (f->peer, SHUT_WR));
  RUN_UNTIL (f, TRUE, f->peer_eof && f->closed);
  assert_lines (f, expected);
  g_assert_true (f->eof);
  g_assert_true (f->mid_line);
  g_assert_cmpstr (f->received->str, ==, "re:1\n");
}

static void
test_peer_closes_cleanly (Fixture       *f,
                          gconstpointer  data)
{
  start (f, 64, 0);
  peer_write (f, "1\n", -1);
  g_assert_no_errno (shutdown (f->peer, SHUT_WR));
  RUN_UNTIL (f, TRUE, f->peer_eof && f->closed);
  g_assert_true (f->eof);
  g_assert_false (f->mid_line);
  g_assert_false (f->failed);
}

/* A write to a peer that is gone fails: reported once, then closed. */
static void
test_write_error (Fixture       *f,
                  gconstpointer  data)
{
  f->reply_size = 1024 * 1024;
  f->close_on_eof = FALSE;
  start (f, 64, 0);
  peer_write (f, "x\n", -1);
  close (f->peer);
  f->peer = -1;
  RUN_UNTIL (f, FALSE, f->closed);
  g_assert_true (f->failed);
  g_assert_cmpint (f->failed_op, ==, PC_LINE_CHANNEL_WRITE);
  g_assert_true (f->error->domain == G_IO_ERROR);
  g_assert_false (g_error_matches (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
}

/* Closing cancels what is in flight, a read blocked in a worker thread
 * included; stop_reading hands out nothing more but output still leaves. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  const char *expected[] = { "before", NULL };

  f->reply_size = 8;
  start (f, 64, 0);
  peer_write (f, "before\n", -1);
  RUN_UNTIL (f, TRUE, f->received->len == 10);
  g_assert_cmpstr (f->received->str, ==, "re:before\n");
  pc_line_channel_stop_reading (f->channel);
  peer_write (f, "ignored\n", -1);
  g_string_append (pc_line_channel_get_output (f->channel), "still\n");
  pc_line_channel_flush (f->channel);
  RUN_UNTIL (f, TRUE, f->received->len == 16);
  g_assert_cmpstr (f->received->str, ==, "re:before\nstill\n");
  assert_lines (f, expected);

  pc_line_channel_close (f->channel);
  RUN_UNTIL (f, TRUE, f->closed && f->peer_eof);
  g_assert_false (f->failed);
  g_assert_false (f->eof);
}

/* ---- A real session over each kind of stream -------------------------------- */

static void
session_closed_cb (PcSession *session,
                   gpointer   user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* pipecalcd's own session code behind the channel: requests in both modes,
 * an over-long one, then the client's end, then the session's. */
static void
test_session (Fixture       *f,
              gconstpointer  data)
{
  PcSessionConfig config = {
    .max_line = 4096,
    .max_clients = 4,
    .transport = "test",
  };
  g_autoptr(PcSession) session = pc_session_new (f->stream, "peer", 1, &config);
  g_autofree char *too_long = g_strnfill (5000, '7');
  gboolean closed = FALSE;
  const char *expected =
    "4\n"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"value\":9,\"values\":[9],\"text\":\"9\",\"exact\":\"9\"}}\n"
    "error: request too large (limit 4096 bytes)\n"
    "6\n";

  g_signal_connect (session, "closed", G_CALLBACK (session_closed_cb), &closed);
  pc_session_start (session);
  peer_write (f, "2+2\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"3*3\"}}\n", -1);
  peer_write (f, too_long, -1);
  peer_write (f, "\n1+5\n", -1);
  RUN_UNTIL (f, TRUE, f->received->len >= strlen (expected));
  g_assert_cmpstr (f->received->str, ==, expected);

  /* Variables live as long as the connection; then the client goes. */
  peer_write (f, "a=2, a*4\n", -1);
  RUN_UNTIL (f, TRUE, g_str_has_suffix (f->received->str, "2, 8\n"));
  g_assert_no_errno (shutdown (f->peer, SHUT_WR));
  RUN_UNTIL (f, TRUE, closed && f->peer_eof);
}

static void
test_session_shutdown (Fixture       *f,
                       gconstpointer  data)
{
  PcSessionConfig config = { .max_line = 4096, .max_clients = 4, .transport = "test" };
  g_autoptr(PcSession) session = pc_session_new (f->stream, "peer", 2, &config);
  gboolean closed = FALSE;

  g_signal_connect (session, "closed", G_CALLBACK (session_closed_cb), &closed);
  pc_session_start (session);
  peer_write (f, "2*21\n", -1);
  RUN_UNTIL (f, TRUE, f->received->len == 3);
  g_assert_cmpstr (f->received->str, ==, "42\n");
  /* The server stops while the session waits for its next request. */
  pc_session_shutdown (session);
  RUN_UNTIL (f, TRUE, closed && f->peer_eof);
}

/* The mark holds inside one read: lines whose replies are large stop
 * being handed out once the unsent output reaches it, not after the last
 * line read, and go on in order once the peer reads. */
static void
test_mark_mid_read (Fixture       *f,
                    gconstpointer  data)
{
  const gsize high_water = 64 * 1024;
  g_autoptr(GString) input = g_string_new (NULL);

  f->reply_size = 16 * 1024;
  start (f, 64, high_water);
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (input, "%u\n", i);
  peer_write (f, input->str, input->len);
  for (int i = 0; i < 200; i++)
    {
      step (f, FALSE);
      g_assert_cmpuint (pc_line_channel_get_unsent (f->channel), <=, high_water + f->reply_size);
    }
  g_assert_cmpuint (f->lines->len, <, 200);
  g_test_message ("%u of 200 lines handed out while the peer does not read",
                  f->lines->len);
  RUN_UNTIL (f, TRUE, f->received->len == 200 * f->reply_size);
  g_assert_cmpstr (g_ptr_array_index (f->lines, 199), ==, "199");
  g_assert_true (g_str_has_prefix (f->received->str + 199 * f->reply_size, "re:199."));
}

/* A turn hands out at most its budget; the rest waits for later turns
 * rather than for more reads. A paused owner gets its own turns (ready)
 * and the lines after the pausing one wait for it to resume. */
static void
test_turns (Fixture       *f,
            gconstpointer  data)
{
  f->reply_size = 8;
  f->pause_on = "wait";
  start (f, 64, 0);
  pc_line_channel_set_budget (f->channel, 1, 0);
  peer_write (f, "a\nb\nwait\nc\n", -1);
  RUN_UNTIL (f, TRUE, f->lines->len >= 1);
  g_assert_cmpuint (f->lines->len, ==, 1);
  RUN_UNTIL (f, TRUE, f->lines->len == 4);
  RUN_UNTIL (f, TRUE, g_str_has_suffix (f->received->str, "re:c...\n"));
  g_assert_cmpstr (f->received->str, ==,
                   "re:a...\nre:b...\npaused\ntick\ntick\ntick\nre:c...\n");
  /* Half-closed after: the lines waiting are still answered, then EOF. */
  peer_write (f, "d\ne\nwait\nf\n", -1);
  g_assert_no_errno (shutdown (f->peer, SHUT_WR));
  RUN_UNTIL (f, TRUE, f->closed && f->peer_eof);
  g_assert_true (g_str_has_suffix (f->received->str,
                                   "re:d...\nre:e...\npaused\ntick\ntick\ntick\nre:f...\n"));
}


/* The server stops while lines already read wait for their turn: they
 * are all answered before the session closes; nothing more is read. */
static void
test_session_shutdown_pending (Fixture       *f,
                               gconstpointer  data)
{
  PcSessionConfig config = { .max_line = 4096, .max_clients = 4, .transport = "test" };
  g_autoptr(PcSession) session = pc_session_new (f->stream, "peer", 3, &config);
  g_autoptr(GString) lines = g_string_new (NULL);
  gboolean closed = FALSE;

  g_signal_connect (session, "closed", G_CALLBACK (session_closed_cb), &closed);
  pc_session_start (session);
  for (guint i = 0; i < 5000; i++)
    g_string_append (lines, "1\n");
  peer_write (f, lines->str, lines->len);
  RUN_UNTIL (f, TRUE, f->received->len > 0);
  g_test_message ("%" G_GSIZE_FORMAT " of 5000 replies received at shutdown",
                  f->received->len / 2);
  pc_session_shutdown (session);
  RUN_UNTIL (f, TRUE, closed && f->peer_eof);
  g_assert_cmpuint (f->received->len, ==, lines->len);
  g_assert_cmpstr (f->received->str, ==, lines->str);
}


int
main (int    argc,
      char **argv)
{
  static const struct { const char *name; StreamKind kind; } kinds[] = {
    { "socket", KIND_SOCKET },
    { "fd-pair", KIND_FD_PAIR },
    { "no-poll", KIND_NO_POLL },
  };
  static const struct { const char *name; void (*func) (Fixture *, gconstpointer); } tests[] = {
    { "split-lines", test_split_lines },
    { "many-lines", test_many_lines },
    { "too-long", test_too_long },
    { "backpressure", test_backpressure },
    { "close-after-flush", test_close_after_flush },
    { "peer-closes-mid-line", test_peer_closes_mid_line },
    { "peer-closes-cleanly", test_peer_closes_cleanly },
    { "write-error", test_write_error },
    { "cancel", test_cancel },
    { "session", test_session },
    { "session-shutdown", test_session_shutdown },
    { "session-shutdown-pending", test_session_shutdown_pending },
    { "mark-mid-read", test_mark_mid_read },
    { "turns", test_turns },
  };

  g_test_init (&argc, &argv, NULL);
  /* A write to a closed socket must fail, not kill the test. */
  signal (SIGPIPE, SIG_IGN);

  for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        g_autofree char *path = g_strdup_printf ("/line-channel/%s/%s", tests[t].name,
                                                 kinds[k].name);

        g_test_add (path, Fixture, GINT_TO_POINTER (kinds[k].kind),
                    fixture_set_up, tests[t].func, fixture_tear_down);
      }
  return g_test_run ();
}
