/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-child.h"

#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

void
pc_child_launcher_setup (GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
}

void
pc_child_tie (GSubprocess *process)
{
  /* Done in the child, before exec: see pc_child_launcher_setup(). */
}

void
pc_child_request_stop (GSubprocess *process)
{
  g_subprocess_send_signal (process, SIGTERM);
}
