/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PC_TYPE_SESSION_DIVIDER (pc_session_divider_get_type ())
G_DECLARE_FINAL_TYPE (PcSessionDivider, pc_session_divider, PC, SESSION_DIVIDER, GtkListBoxRow)

/* A row of the results list that marks where a new session began: the
 * results above it were computed with definitions the server has since
 * forgotten (or replayed). Neither selectable nor activatable; read out
 * as its text. */
GtkWidget *pc_session_divider_new      (void);
/* Whether the last session's definitions were replayed into this one. */
void       pc_session_divider_set_restored (PcSessionDivider *self,
                                            gboolean          restored);

G_END_DECLS
