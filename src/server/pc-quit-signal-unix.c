/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "pc-quit-signal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Every signal whose default action ends the process either stops the
 * server cleanly, removing the files its listeners made, or is ignored:
 * none may kill it and leave a socket file behind that the next start
 * has to clear. g_unix_signal_add() knows only a few of them, so one
 * sigaction() handler writes the signal number into a self-pipe that the
 * main context watches (write() is async-signal-safe; the handler runs
 * on whatever thread the kernel picks, workers included).
 *
 * SIGHUP is ignored with a log line: the server logs to stderr or the
 * journal and has no log file to reopen, and a closed terminal must not
 * stop a server. SIGUSR1 and SIGUSR2 are ignored with a log line too: a
 * stray `kill -USR1` is no reason to drop every client. SIGXFSZ is
 * ignored silently, so a write past a file size limit fails with EFBIG
 * instead of killing the server. SIGPIPE is ignored elsewhere
 * (pc_ignore_sigpipe()). */

static const int quit_signals[] = {
  SIGTERM, SIGINT, SIGQUIT, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
};
static const int logged_signals[] = { SIGHUP, SIGUSR1, SIGUSR2 };

/* Process-wide facts, like the handlers themselves: the pipe the
 * handler writes to, and what the main context calls. */
static int signal_pipe[2] = { -1, -1 };
static GSourceFunc quit_func;
static gpointer quit_data;

static void
handler (int signum)
{
  int saved = errno;
  unsigned char byte = (unsigned char) signum;

  /* A full pipe already holds enough wake-ups. */
  if (write (signal_pipe[1], &byte, 1) < 0)
    {
    }
  errno = saved;
}

static gboolean
is_quit_signal (int signum)
{
  for (guint i = 0; i < G_N_ELEMENTS (quit_signals); i++)
    if (quit_signals[i] == signum)
      return TRUE;
  return FALSE;
}

static gboolean
readable_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  unsigned char bytes[64];
  gssize n = read (fd, bytes, sizeof bytes);

  for (gssize i = 0; i < n; i++)
    {
      int signum = bytes[i];

      if (!is_quit_signal (signum))
        {
          g_message ("SIG%s ignored: pipecalcd stops on SIGTERM or SIGINT, "
                     "and has no log file to reopen",
                     sigabbrev_np (signum) ? sigabbrev_np (signum) : "?");
          continue;
        }
      g_message ("SIG%s received", sigabbrev_np (signum) ? sigabbrev_np (signum) : "?");
      if (quit_func != NULL && quit_func (quit_data) == G_SOURCE_REMOVE)
        quit_func = NULL;
    }
  return G_SOURCE_CONTINUE;
}

static void
catch (int signum)
{
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  sigfillset (&action.sa_mask);
  sigaction (signum, &action, NULL);
}

void
pc_quit_signal_add (GSourceFunc func,
                    gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  struct sigaction ignore;

  g_return_if_fail (quit_func == NULL);

  quit_func = func;
  quit_data = user_data;
  if (!g_unix_open_pipe (signal_pipe, FD_CLOEXEC, &error)
      || !g_unix_set_fd_nonblocking (signal_pipe[0], TRUE, &error)
      || !g_unix_set_fd_nonblocking (signal_pipe[1], TRUE, &error))
    g_error ("cannot create the signal pipe: %s", error->message);
  g_unix_fd_add (signal_pipe[0], G_IO_IN, readable_cb, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (quit_signals); i++)
    catch (quit_signals[i]);
  for (guint i = 0; i < G_N_ELEMENTS (logged_signals); i++)
    catch (logged_signals[i]);

  memset (&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigaction (SIGXFSZ, &ignore, NULL);
}
