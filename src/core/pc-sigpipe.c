/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-sigpipe.h"

#ifndef G_OS_WIN32
#include <signal.h>
#endif

void
pc_ignore_sigpipe (void)
{
#ifndef G_OS_WIN32
  static gsize done;

  /* Pipes have nothing like MSG_NOSIGNAL, and GSocket ignores SIGPIPE
   * process-wide for the same reason only once a socket exists. */
  if (g_once_init_enter (&done))
    {
      struct sigaction old;

      if (sigaction (SIGPIPE, NULL, &old) == 0
          && (old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_DFL)
        signal (SIGPIPE, SIG_IGN);
      g_once_init_leave (&done, 1);
    }
#endif
}
