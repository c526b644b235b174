/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */

/* Issue 12, findings 3, 5, 7 and 9, against a real pipecalcd: per-user
 * limits (a second uid is served while the first holds its maximum),
 * a connect/write/reset flood, request and send deadlines, escaped and
 * rate-limited log lines, and what every terminating signal does. The
 * FIFO directory rule (finding 8) is in test-fifo.c. */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pc-log-text.h"
#include "pc-test-util.h"

#define NOBODY_UID 65534

/* ---- A pipecalcd whose log we keep -------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char        *dir;      /* private: sockets, FIFOs, the log */
  char        *address;
  char        *log;      /* the server's stderr */
  PcAddress   *parsed;
} Server;

static Server *
server_start (const char         *scheme,
              const char * const *extra_args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  PcTransports *transports = pc_test_transports ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  Server *server = g_new0 (Server, 1);

  server->dir = g_dir_make_tmp ("pipecalc-admission-XXXXXX", &error);
  g_assert_no_error (error);
  server->address = pc_test_address (scheme, server->dir);
  server->parsed = pc_transports_parse_address (transports, server->address, &error);
  g_assert_no_error (error);
  server->log = g_build_filename (server->dir, "log", NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", server->dir, TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, server->log);
  g_subprocess_launcher_set_child_setup (launcher, pc_test_die_with_parent, NULL, NULL);
  g_strv_builder_add_many (builder, pc_test_server_path (), "--listen", server->address, NULL);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_strv_builder_add (builder, extra_args[i]);
  argv = g_strv_builder_end (builder);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);

  pc_test_wait_accepting (server->address, server->process);
  return server;
}

/* Waits up to @seconds for the server to exit; TRUE if it did. */
static gboolean
server_wait (Server *server,
             double  seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_subprocess_get_identifier (server->process) != NULL)
    {
      GMainContext *context = g_main_context_default ();

      if (g_get_monotonic_time () > deadline)
        return FALSE;
      while (g_main_context_iteration (context, FALSE))
        ;
      g_usleep (10000);
    }
  return TRUE;
}

static void
server_signal (Server *server,
               int     signum)
{
  g_subprocess_send_signal (server->process, signum);
}

/* SIGTERM; asserts a clean exit (a sanitizer report exits 66). */
static void
server_stop (Server *server)
{
  g_autoptr(GError) error = NULL;

  if (g_subprocess_get_identifier (server->process) != NULL)
    server_signal (server, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
}

static char *
server_log (Server *server)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (server->log, &text, NULL, NULL));
  return text;
}

static void
server_free (Server *server)
{
  if (g_subprocess_get_identifier (server->process) != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_object_unref (server->process);
  pc_test_remove_tree (server->dir);
  pc_address_free (server->parsed);
  g_free (server->dir);
  g_free (server->address);
  g_free (server->log);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

/* What a rate-limited log may hold after @seconds: the burst, the rate,
 * a few lines of the server's own, at most @line_bytes each. Without the
 * limit a flood writes one or two lines per connection or announcement
 * (finding 7: 21.6 MB in 3 s). */
static gsize
log_allowance (double seconds,
               gsize  line_bytes)
{
  return (gsize) ((100 + 20 * seconds + 30) * line_bytes);
}

/* ---- Raw connections: plain sockets, cheap enough to flood with ---------- */

/* A blocking socket connected to @server (unix or tcp), or -1. Only
 * async-signal-safe calls: a forked child uses it too. */
static int
raw_connect (const PcAddress *address)
{
  int fd;

  if (address->path != NULL)
    {
      struct sockaddr_un sun = { .sun_family = AF_UNIX };

      strncpy (sun.sun_path, address->path, sizeof sun.sun_path - 1);
      fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd >= 0 && connect (fd, (struct sockaddr *) &sun, sizeof sun) != 0)
        {
          close (fd);
          return -1;
        }
    }
  else
    {
      struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons (address->port),
        .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
      };

      fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd >= 0 && connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0)
        {
          close (fd);
          return -1;
        }
    }
  return fd;
}

static void
raw_send (int         fd,
          const char *text)
{
  g_assert_cmpint (write (fd, text, strlen (text)), ==, (gssize) strlen (text));
}

/* One reply line (without \n) within @timeout_ms, or NULL on EOF,
 * error or timeout. Async-signal-safe but for the g_strndup at the end,
 * which a child does not reach (it compares @buf itself). */
static gssize
raw_read_line_into (int   fd,
                    char *buf,
                    gsize size,
                    int   timeout_ms)
{
  gsize got = 0;

  while (got < size - 1)
    {
      struct pollfd in = { .fd = fd, .events = POLLIN };
      gssize n;

      if (poll (&in, 1, timeout_ms) != 1)
        return -1;
      n = read (fd, buf + got, 1);
      if (n <= 0)
        return -1;
      if (buf[got] == '\n')
        {
          buf[got] = '\0';
          return (gssize) got;
        }
      got++;
    }
  return -1;
}

static char *
raw_ask (int         fd,
         const char *line,
         int         timeout_ms)
{
  char buf[512];

  raw_send (fd, line);
  if (raw_read_line_into (fd, buf, sizeof buf, timeout_ms) < 0)
    return NULL;
  return g_strdup (buf);
}

/* Whether the server closed @fd within @timeout_ms, seen without reading
 * (a client that stopped reading must not start again to find out): the
 * peer's close shows as POLLRDHUP, or POLLHUP, even with replies left
 * unread. */
static gboolean
raw_closed_within (int fd,
                   int timeout_ms)
{
  struct pollfd hup = { .fd = fd, .events = POLLRDHUP };

  return poll (&hup, 1, timeout_ms) == 1
         && (hup.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/* ---- Finding 3: per-user limits ---------------------------------------- */

/* In a child: becomes @uid, connects and asks "2+3"; exits 0 when the
 * answer is 5. */
static pid_t
ask_as (uid_t            uid,
        const PcAddress *address)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      char buf[256];
      int fd;

      if (setgroups (0, NULL) != 0 || setresgid (uid, uid, uid) != 0
          || setresuid (uid, uid, uid) != 0)
        _exit (2);
      fd = raw_connect (address);
      if (fd < 0)
        _exit (3);
      if (write (fd, "2+3\n", 4) != 4)
        _exit (4);
      if (raw_read_line_into (fd, buf, sizeof buf, 5000) < 0)
        _exit (5);
      _exit (strcmp (buf, "5") == 0 ? 0 : 6);
    }
  return pid;
}

static int
wait_child (pid_t pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 100 + WTERMSIG (status);
}

static void
test_second_uid (void)
{
  const char *args[] = {
    "--max-clients-per-user", "4", "--max-incomplete-per-user", "2",
    "--max-incomplete", "2", "--max-clients", "100", NULL
  };
  g_autoptr(Server) server = NULL;
  int held[5];
  g_autofree char *refused = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("Connecting as a second uid needs root (setresuid in a child)");
      return;
    }

  /* Loopback TCP: any local user can reach it, and the server tells them
   * apart by the uid of the client's socket. */
  server = server_start ("tcp", args);

  /* Two complete connections and two incomplete ones: the first user's
   * maximum of both. */
  for (int i = 0; i < 4; i++)
    {
      held[i] = raw_connect (server->parsed);
      g_assert_cmpint (held[i], >=, 0);
      if (i < 2)
        {
          g_autofree char *reply = raw_ask (held[i], "1+1\n", 5000);

          g_assert_cmpstr (reply, ==, "2");
        }
    }
  /* A fifth connection of the same user is refused, saying why. */
  held[4] = raw_connect (server->parsed);
  g_assert_cmpint (held[4], >=, 0);
  refused = raw_ask (held[4], "1+1\n", 5000);
  g_assert_cmpstr (refused, ==, "error: server busy: limit max-clients-per-user reached");

  /* Another user is served all the same, though the incomplete
   * connections of the whole server were at their maximum too: once
   * they have had their grace (a second), the first user's oldest
   * incomplete one makes room. */
  g_usleep (1200 * 1000);
  g_assert_cmpint (wait_child (ask_as (NOBODY_UID, server->parsed)), ==, 0);
  g_assert_true (raw_closed_within (held[2], 5000));
  g_assert_cmpint (wait_child (ask_as (NOBODY_UID, server->parsed)), ==, 0);

  /* The first user's complete connections were not touched. */
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *reply = raw_ask (held[i], "2*3\n", 5000);

      g_assert_cmpstr (reply, ==, "6");
    }
  for (int i = 0; i < 5; i++)
    close (held[i]);
  server_stop (server);
}

/* A user's incomplete connections beyond the limit cost that user its
 * oldest ones, never the complete ones. Needs no second uid. */
static void
test_incomplete_per_user (void)
{
  const char *args[] = { "--max-incomplete-per-user", "3", NULL };
  g_autoptr(Server) server = server_start ("unix", args);
  int complete = raw_connect (server->parsed);
  g_autofree char *reply = raw_ask (complete, "1+1\n", 5000);
  int junk[6];

  g_assert_cmpstr (reply, ==, "2");
  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    {
      /* The first three have had their grace (a second) when the next
       * come: a burst younger than that is never cut. */
      if (i == 3)
        g_usleep (1200 * 1000);
      junk[i] = raw_connect (server->parsed);
      g_assert_cmpint (junk[i], >=, 0);
    }
  /* The three oldest were closed to make room. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (raw_closed_within (junk[i], 5000));
  for (guint i = 3; i < G_N_ELEMENTS (junk); i++)
    {
      g_autofree char *answer = raw_ask (junk[i], "3+4\n", 5000);

      g_assert_cmpstr (answer, ==, "7");
    }
  g_clear_pointer (&reply, g_free);
  reply = raw_ask (complete, "2+2\n", 5000);
  g_assert_cmpstr (reply, ==, "4");
  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    close (junk[i]);
  close (complete);
  server_stop (server);
}

/* ---- Finding 3: a connect/write/reset flood ----------------------------- */

typedef struct
{
  const PcAddress *address;
  gint             stop;   /* atomic */
  gint             count;  /* atomic: connections made */
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;

  while (!g_atomic_int_get (&flood->stop))
    {
      int fd = raw_connect (flood->address);
      struct linger reset = { .l_onoff = 1, .l_linger = 0 };

      if (fd < 0)
        {
          g_usleep (1000);
          continue;
        }
      /* Half a request, then a reset rather than a goodbye. */
      if (write (fd, "1+", 2) < 0)
        {
        }
      setsockopt (fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      close (fd);
      g_atomic_int_inc (&flood->count);
    }
  return NULL;
}

static void
test_flood (void)
{
  g_autoptr(Server) server = server_start ("tcp", NULL);
  Flood flood = { .address = server->parsed };
  GThread *threads[3];
  g_autofree char *log = NULL;
  int answered = 0;
  int asked = 0;
  gint64 start;
  gint64 stop_time;
  gint64 began = g_get_monotonic_time ();

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("flood", flood_thread, &flood);

  /* A legitimate client: a new connection per ping, as pipecalc-cli. */
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 3 * G_USEC_PER_SEC)
    {
      int fd = raw_connect (server->parsed);

      asked++;
      if (fd >= 0)
        {
          g_autofree char *reply = raw_ask (fd, "20+22\n", 1000);

          if (g_strcmp0 (reply, "42") == 0)
            answered++;
          close (fd);
        }
      g_usleep (100000);
    }

  /* SIGTERM in the middle of the flood is honoured promptly. */
  stop_time = g_get_monotonic_time ();
  server_signal (server, SIGTERM);
  g_assert_true (server_wait (server, 2.0));
  stop_time = g_get_monotonic_time () - stop_time;
  g_atomic_int_set (&flood.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  log = server_log (server);
  g_test_message ("%d connections in the flood; %d of %d pings answered; "
                  "stopped in %" G_GINT64_FORMAT " ms; %" G_GSIZE_FORMAT " bytes of log",
                  g_atomic_int_get (&flood.count), answered, asked,
                  stop_time / 1000, strlen (log));
  g_assert_cmpint (g_atomic_int_get (&flood.count), >, 200);
  g_assert_cmpint (answered * 10, >=, asked * 9);
  /* Finding 7: a flood writes a few lines a second, not megabytes. */
  g_assert_cmpuint (strlen (log), <,
                    log_allowance ((g_get_monotonic_time () - began) / 1e6, 200));
  g_assert_nonnull (strstr (log, "similar messages suppressed"));
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
}

/* ---- Finding 5: deadlines ----------------------------------------------- */

static void
test_slowloris (void)
{
  const char *args[] = { "--request-timeout", "2", NULL };
  g_autoptr(Server) server = server_start ("unix", args);
  int idle = raw_connect (server->parsed);
  int slow = raw_connect (server->parsed);
  g_autofree char *reply = NULL;
  g_autofree char *log = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean closed = FALSE;

  /* One byte every 300 ms, never a newline. */
  while (g_get_monotonic_time () - start < 6 * G_USEC_PER_SEC)
    {
      struct pollfd in = { .fd = slow, .events = POLLIN };

      if (write (slow, "1", 1) != 1 || (poll (&in, 1, 300) == 1 && (in.revents & POLLHUP)))
        {
          closed = TRUE;
          break;
        }
    }
  g_assert_true (closed);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 100000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC + 500000);

  /* Idle between requests is no request in progress: still served. */
  reply = raw_ask (idle, "1+1\n", 5000);
  g_assert_cmpstr (reply, ==, "2");
  close (idle);
  close (slow);
  server_stop (server);
  log = server_log (server);
  g_assert_nonnull (strstr (log, "request not finished 2 s after it began"));
}

/* Fills the server's output for @fd, cheaply even for a server under the
 * sanitizers: 100 variables, then 400 `vars` calls (1.5 KB of reply
 * for 40 bytes of request: 600 KB in all, more than the socket holds),
 * never reading a reply. */
static void
stop_reading (int fd)
{
  g_autoptr(GString) define = g_string_new (NULL);
  g_autoptr(GString) requests = g_string_new (NULL);
  char buf[256];

  for (int i = 0; i < 100; i++)
    g_string_append_printf (define, "variable%d=%d\n", i, i);
  raw_send (fd, define->str);
  for (int i = 0; i < 100; i++)
    g_assert_cmpint (raw_read_line_into (fd, buf, sizeof buf, 10000), >=, 0);

  for (int i = 0; i < 400; i++)
    g_string_append (requests, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"vars\"}\n");
  raw_send (fd, requests->str);
}

/* A connection that holds a slot: with --max-clients 1, the probe that
 * saw the server start may still hold it for a moment, and a connection
 * made meanwhile is refused. */
static int
raw_connect_admitted (Server *server)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      int fd = raw_connect (server->parsed);
      g_autofree char *reply = fd >= 0 ? raw_ask (fd, "0\n", 5000) : NULL;

      if (g_strcmp0 (reply, "0") == 0)
        return fd;
      if (fd >= 0)
        close (fd);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
}

static void
check_non_reading (const char * const *args,
                   int                  closed_within_ms)
{
  g_autoptr(Server) server = server_start ("unix", args);
  int greedy = raw_connect_admitted (server);
  int next;
  g_autofree char *reply = NULL;

  stop_reading (greedy);
  if (!raw_closed_within (greedy, closed_within_ms))
    {
      g_autofree char *log = server_log (server);

      g_error ("the client that stopped reading was not dropped; server log:\n%s", log);
    }

  /* Its slot is free: --max-clients 1 admits the next client. */
  next = raw_connect (server->parsed);
  reply = raw_ask (next, "1+1\n", 5000);
  g_assert_cmpstr (reply, ==, "2");
  close (next);
  close (greedy);
  server_stop (server);
}

static void
test_non_reading_send_timeout (void)
{
  const char *args[] = { "--max-clients", "1", "--send-timeout", "2", NULL };

  check_non_reading (args, 10000);
}

static void
test_non_reading_idle_timeout (void)
{
  const char *args[] = {
    "--max-clients", "1", "--idle-timeout", "1", "--send-timeout", "0", NULL
  };

  /* Idle after 1 s, then 5 s of grace for its replies. */
  check_non_reading (args, 15000);
}

/* A client that reads its replies slowly but steadily is not idle, even
 * while it sends nothing: the lines it sent wait for output room, and a
 * session answering them is working. 80 `vars` replies of about 30 KB
 * each (2.4 MB, more than the output mark and the socket's buffer) read
 * at about 400 KB/s, with --idle-timeout 1: every reply arrives. */
static void
test_steady_reader_not_idle (void)
{
  const char *args[] = { "--idle-timeout", "1", NULL };
  g_autoptr(Server) server = server_start ("unix", args);
  g_autoptr(GString) define = g_string_new (NULL);
  g_autoptr(GString) requests = g_string_new (NULL);
  int fd = raw_connect (server->parsed);
  char buf[4096];
  int replies = 0;
  int defined = 0;

  g_assert_cmpint (fd, >=, 0);
  for (int i = 0; i < 900; i++)
    g_string_append_printf (define, "variable_with_a_long_name_%d=%d\n", i, i);
  raw_send (fd, define->str);
  while (defined < 900)
    {
      g_assert_cmpint (raw_read_line_into (fd, buf, sizeof buf, 10000), >=, 0);
      defined++;
    }

  for (int i = 0; i < 80; i++)
    g_string_append (requests, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"vars\"}\n");
  raw_send (fd, requests->str);
  while (replies < 80)
    {
      struct pollfd in = { .fd = fd, .events = POLLIN };
      gssize n;

      if (poll (&in, 1, 10000) != 1)
        break;
      n = read (fd, buf, sizeof buf);
      if (n <= 0)
        break;
      for (gssize i = 0; i < n; i++)
        replies += buf[i] == '\n';
      g_usleep (10000);  /* 4 KB per 10 ms */
    }
  g_assert_cmpint (replies, ==, 80);
  close (fd);
  server_stop (server);
}

/* ---- Finding 7: the log -------------------------------------------------- */

static void
assert_no_control (const char *log)
{
  for (const char *p = log; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\n')
        {
          /* Every line is the server's: it starts with its name. */
          g_assert_true (p[1] == '\0' || g_str_has_prefix (p + 1, "pipecalcd: "));
          continue;
        }
      if (c < 0x20 || c == 0x7f)
        g_error ("control byte 0x%02x in the log: %s", c, log);
    }
}

static void
test_log_escape_verbose (void)
{
  const char *args[] = { "--verbose", NULL };
  g_autoptr(Server) server = server_start ("unix", args);
  int fd = raw_connect (server->parsed);
  g_autofree char *reply = NULL;
  g_autofree char *log = NULL;

  reply = raw_ask (fd, "\x1b[31mred\x07\rsession 99: connected\xff\xc2\x9b\n", 5000);
  g_assert_nonnull (reply);
  close (fd);
  server_stop (server);
  log = server_log (server);
  assert_no_control (log);
  g_assert_nonnull (strstr (log, "\\x1b[31mred\\x07\\x0dsession 99: connected\\xff\\u009b"));
}

static void
announce (const char *fifo,
          const char *text)
{
  int fd = open (fifo, O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  raw_send (fd, text);
  close (fd);
}

static void
test_log_escape_fifo (void)
{
  g_autoptr(Server) server = server_start ("fifo", NULL);
  g_autofree char *log = NULL;
  g_autofree char *line = g_strdup_printf ("HELLO %s.\x1b]0;x\x07\r\n", server->parsed->path);

  announce (server->parsed->path, line);
  announce (server->parsed->path, "HELLO /nonexistent/\x1b[2J\x07/fifo.Abcdef\n");
  /* Served still, so both were read. */
  g_assert_null (pc_test_connect ("fifo:/nonexistent/fifo", NULL));
  {
    g_autoptr(GIOStream) stream = pc_test_connect (server->address, NULL);
    g_autofree char *reply = pc_test_ask (stream, "1+1");

    g_assert_cmpstr (reply, ==, "2");
  }
  server_stop (server);
  log = server_log (server);
  assert_no_control (log);
  g_assert_nonnull (strstr (log, "Refused a client"));
  g_assert_nonnull (strstr (log, "\\x1b[2J\\x07"));
}

/* 20 000 bad announcements in one burst: the log says a few hundred
 * lines and how many it left out. */
static void
test_log_rate (void)
{
  gint64 began = g_get_monotonic_time ();
  g_autoptr(Server) server = server_start ("fifo", NULL);
  g_autoptr(GString) burst = g_string_new (NULL);
  g_autofree char *log = NULL;

  for (int i = 0; i < 100; i++)
    g_string_append (burst, "HELLO /tmp/not-a-client-directory\n");
  for (int i = 0; i < 200; i++)
    announce (server->parsed->path, burst->str);
  {
    g_autoptr(GIOStream) stream = pc_test_connect (server->address, NULL);
    g_autofree char *reply = pc_test_ask (stream, "1+1");

    g_assert_cmpstr (reply, ==, "2");
  }
  server_stop (server);
  log = server_log (server);
  g_test_message ("%" G_GSIZE_FORMAT " bytes of log for 20000 bad announcements "
                  "in %.1f s", strlen (log), (g_get_monotonic_time () - began) / 1e6);
  g_assert_cmpuint (strlen (log), <,
                    log_allowance ((g_get_monotonic_time () - began) / 1e6, 300));
  g_assert_nonnull (strstr (log, "similar messages suppressed"));
}

/* The helpers themselves: what is escaped, what is kept, and the bucket. */
static void
test_log_escape_unit (void)
{
  const struct
  {
    const char *in;
    gssize      len;
    gsize       max;
    const char *out;
  } cases[] = {
    { "plain 1+1", -1, 0, "plain 1+1" },
    { "\x1b[2J\x07\r\n\t\x7f", -1, 0, "\\x1b[2J\\x07\\x0d\\x0a\\x09\\x7f" },
    { "a\\b", -1, 0, "a\\x5cb" },
    { "\xc2\x9b" "31m \xc2\x85", -1, 0, "\\u009b31m \\u0085" },
    { "bad \xff\xc3( ok", -1, 0, "bad \\xff\\xc3( ok" },
    { "cut \xe2\x82", -1, 0, "cut \\xe2\\x82" },
    { "NUL\0inside!", 10, 0, "NUL\\x00inside" },
    { "переменная π", -1, 0, "переменная π" },
    { "abcdef", -1, 3, "abc…" },
  };
  PcLogLimit limit = { .burst = 3, .per_second = 1 };
  g_autofree char *null_text = pc_log_escape (NULL, -1, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = pc_log_escape (cases[i].in, cases[i].len, cases[i].max);

      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_true (g_utf8_validate (out, -1, NULL));
    }
  g_assert_cmpstr (null_text, ==, "(null)");

  /* Three at once, then the rest of the burst is dropped and counted on
   * the next line let through. */
  g_test_expect_message ("test", G_LOG_LEVEL_MESSAGE, "line 0");
  g_test_expect_message ("test", G_LOG_LEVEL_MESSAGE, "line 1");
  g_test_expect_message ("test", G_LOG_LEVEL_MESSAGE, "line 2");
  for (int i = 0; i < 10; i++)
    pc_log_limited (&limit, "test", G_LOG_LEVEL_MESSAGE, "line %d", i);
  g_test_assert_expected_messages ();
  g_usleep (1100 * 1000);
  g_test_expect_message ("test", G_LOG_LEVEL_MESSAGE,
                         "late [and 7 similar messages suppressed: more than 1 a second]");
  pc_log_limited (&limit, "test", G_LOG_LEVEL_MESSAGE, "late");
  g_test_assert_expected_messages ();
  pc_log_limit_clear (&limit);
}

/* ---- Finding 9: signals -------------------------------------------------- */

typedef struct
{
  int      signum;
  gboolean stops;  /* else ignored */
} SignalCase;

static const SignalCase signal_cases[] = {
  { SIGTERM, TRUE }, { SIGINT, TRUE }, { SIGQUIT, TRUE }, { SIGALRM, TRUE },
  { SIGVTALRM, TRUE }, { SIGPROF, TRUE }, { SIGXCPU, TRUE },
  { SIGHUP, FALSE }, { SIGUSR1, FALSE }, { SIGUSR2, FALSE }, { SIGXFSZ, FALSE },
  { SIGPIPE, FALSE },
};

static void
test_signal (gconstpointer data)
{
  const SignalCase *c = data;
  g_autoptr(Server) server = server_start ("unix", NULL);

  server_signal (server, c->signum);
  if (c->stops)
    {
      g_assert_true (server_wait (server, 5.0));
      /* A clean exit, having removed its socket. */
      g_assert_true (g_subprocess_get_if_exited (server->process));
      g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
      g_assert_false (g_file_test (server->parsed->path, G_FILE_TEST_EXISTS));
    }
  else
    {
      g_autoptr(GIOStream) stream = NULL;
      g_autofree char *reply = NULL;

      g_assert_false (server_wait (server, 0.5));
      stream = pc_test_connect (server->address, NULL);
      g_assert_nonnull (stream);
      reply = pc_test_ask (stream, "1+1");
      g_assert_cmpstr (reply, ==, "2");
      server_stop (server);
      g_assert_false (g_file_test (server->parsed->path, G_FILE_TEST_EXISTS));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Replies to a closed client must cost an EPIPE here too. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/admission/per-user/second-uid", test_second_uid);
  g_test_add_func ("/admission/per-user/incomplete", test_incomplete_per_user);
  g_test_add_func ("/admission/flood", test_flood);
  g_test_add_func ("/admission/deadline/slowloris", test_slowloris);
  g_test_add_func ("/admission/deadline/non-reading-send-timeout",
                   test_non_reading_send_timeout);
  g_test_add_func ("/admission/deadline/non-reading-idle-timeout",
                   test_non_reading_idle_timeout);
  g_test_add_func ("/admission/deadline/steady-reader-not-idle",
                   test_steady_reader_not_idle);
  g_test_add_func ("/admission/log/escape-verbose", test_log_escape_verbose);
  g_test_add_func ("/admission/log/escape-fifo", test_log_escape_fifo);
  g_test_add_func ("/admission/log/rate", test_log_rate);
  g_test_add_func ("/admission/log/escape-unit", test_log_escape_unit);
  for (guint i = 0; i < G_N_ELEMENTS (signal_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/admission/signal/SIG%s",
                                               sigabbrev_np (signal_cases[i].signum));

      g_test_add_data_func (path, &signal_cases[i], test_signal);
    }
  return g_test_run ();
}
