/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PC_TYPE_KEYPAD (pc_keypad_get_type ())
G_DECLARE_FINAL_TYPE (PcKeypad, pc_keypad, PC, KEYPAD, GtkGrid)

/* The keypad: digits, the decimal point, operators, parentheses, common
 * functions, pi, e, ans, backspace, clear and evaluate, for the mouse and
 * touch. Its buttons never take the keyboard focus. It edits nothing
 * itself; signals: "insert" (const char *text, int cursor_back: put @text
 * at the entry's cursor, replacing a selection, then move the cursor
 * @cursor_back characters back, inside "sin()"), "backspace", "clear",
 * "evaluate". */
GtkWidget *pc_keypad_new (void);

G_END_DECLS
