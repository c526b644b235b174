/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-application.h"

G_BEGIN_DECLS

#define PC_TYPE_WINDOW (pc_window_get_type ())
G_DECLARE_FINAL_TYPE (PcWindow, pc_window, PC, WINDOW, GtkApplicationWindow)

/* The calculator window: the expression combo box with its history, the
 * results list and the log panel; everything asynchronous. */
PcWindow *pc_window_new (PcApplication *application);

G_END_DECLS
