/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Calls @func(@user_data) on the default main context each time the user
 * or the system asks the server to stop: SIGTERM, SIGINT, SIGQUIT,
 * SIGALRM, SIGVTALRM, SIGPROF and SIGXCPU on POSIX, where SIGHUP, SIGUSR1
 * and SIGUSR2 are logged and ignored, SIGXFSZ ignored
 * (pc-quit-signal-unix.c), Ctrl+C, Ctrl+Break and closing the console on
 * Windows (pc-quit-signal-win32.c). @func returns G_SOURCE_CONTINUE to
 * hear the next request too. Call once, from the main thread. */
void pc_quit_signal_add (GSourceFunc func,
                         gpointer    user_data);

G_END_DECLS
