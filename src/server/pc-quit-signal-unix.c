/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-quit-signal.h"

#include <glib-unix.h>
#include <signal.h>

void
pc_quit_signal_add (GSourceFunc func,
                    gpointer    user_data)
{
  g_unix_signal_add (SIGINT, func, user_data);
  g_unix_signal_add (SIGTERM, func, user_data);
}
