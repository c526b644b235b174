/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PC_TYPE_TOAST (pc_toast_get_type ())
G_DECLARE_FINAL_TYPE (PcToast, pc_toast, PC, TOAST, GtkRevealer)

/* An in-window notification with an Undo button (GNOME's "toast"), meant
 * for a GtkOverlay: slides in, stays @seconds, slides out. Signals:
 * "undo" (the button was pressed), "dismissed" (it went away without
 * Undo: the time ran out, it was closed, or another message replaced it).
 * Exactly one of the two follows every pc_toast_show(). */
void pc_toast_show    (PcToast    *self,
                       const char *message,
                       guint       seconds);
/* Goes away at once, as if the time ran out ("dismissed"). */
void pc_toast_dismiss (PcToast    *self);

G_END_DECLS
