/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-client.h"
#include "pc-history.h"

G_BEGIN_DECLS

#define PC_TYPE_SIDE_PANEL (pc_side_panel_get_type ())
G_DECLARE_FINAL_TYPE (PcSidePanel, pc_side_panel, PC, SIDE_PANEL, GtkBox)

/* The window's side panel: three pages behind a stack switcher.
 * Variables: the session's definitions (a GListModel of objects with the
 * properties "name", "is-function", "value", "text"), each with a delete
 * button. Functions: the server's catalogue, grouped (functions,
 * operators, constants, the session's own functions), with translated
 * descriptions, searchable by name and description in English and in the
 * UI language. History: expressions with their results, searchable.
 *
 * The panel never touches the entry or the server itself. Signals:
 * "insert" (const char *text, int cursor_back): put @text at the entry's
 * cursor, then move the cursor @cursor_back characters back (between the
 * parentheses of "sin()"); "reuse" (const char *expression): put
 * @expression in the entry; "delete" (const char *name): remove the
 * session's variable or function @name. */
PcSidePanel *pc_side_panel_new             (void);
void         pc_side_panel_set_catalog     (PcSidePanel     *self,
                                            const PcCatalog *catalog);
void         pc_side_panel_set_history     (PcSidePanel     *self,
                                            PcHistory       *history);
void         pc_side_panel_set_definitions (PcSidePanel     *self,
                                            GListModel      *definitions);
/* "variables", "functions" or "history". */
void         pc_side_panel_show_page       (PcSidePanel     *self,
                                            const char      *page);

G_END_DECLS
