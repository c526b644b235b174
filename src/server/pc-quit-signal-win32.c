/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-quit-signal.h"

#include <windows.h>

/* Windows runs a console control handler on a thread of its own, so the
 * handler only forwards the request to the main context, like
 * g_unix_signal_add does for a POSIX signal. The one handler a process
 * installs is a process-wide fact, hence the single static slot. */
static GSourceFunc quit_func;
static gpointer quit_data;

static gboolean
quit_cb (gpointer user_data)
{
  if (quit_func (quit_data) == G_SOURCE_REMOVE)
    quit_func = NULL;
  return G_SOURCE_REMOVE;
}

static BOOL WINAPI
console_ctrl_cb (DWORD type)
{
  switch (type)
    {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      if (quit_func == NULL)
        return FALSE;
      g_main_context_invoke (NULL, quit_cb, NULL);
      /* Handled: Windows does not end the process; the main loop does. */
      return TRUE;
    default:
      return FALSE;
    }
}

void
pc_quit_signal_add (GSourceFunc func,
                    gpointer    user_data)
{
  g_return_if_fail (quit_func == NULL);

  quit_func = func;
  quit_data = user_data;
  SetConsoleCtrlHandler (console_ctrl_cb, TRUE);
}
