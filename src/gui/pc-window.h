/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-connection.h"
#include "pc-history.h"
#include "pc-session-model.h"

G_BEGIN_DECLS

#define PC_TYPE_WINDOW (pc_window_get_type ())
G_DECLARE_FINAL_TYPE (PcWindow, pc_window, PC, WINDOW, GtkApplicationWindow)

/* The calculator window: the expression combo box with its history, the
 * results list and the log panel; everything asynchronous. It is given
 * what it shows and knows nothing of the application that owns them. */
PcWindow *pc_window_new (GtkApplication *app,
                         GSettings      *settings,
                         PcConnection   *connection,
                         PcHistory      *history);
/* The session's variables and functions (owned by the window). */
PcSessionModel *pc_window_get_session_model (PcWindow *self);

G_END_DECLS
