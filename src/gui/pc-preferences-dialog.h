/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PC_TYPE_PREFERENCES_DIALOG (pc_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PcPreferencesDialog, pc_preferences_dialog, PC, PREFERENCES_DIALOG, GtkDialog)

/* History size, keep history after closing, request timeout: bound to
 * the settings, applied as they change. */
GtkWidget *pc_preferences_dialog_new (GtkWindow *parent,
                                      GSettings *settings);

G_END_DECLS
