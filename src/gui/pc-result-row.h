/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-format.h"

G_BEGIN_DECLS

#define PC_TYPE_RESULT_ROW (pc_result_row_get_type ())
G_DECLARE_FINAL_TYPE (PcResultRow, pc_result_row, PC, RESULT_ROW, GtkListBoxRow)

/* One evaluation in the results list: the expression and, once the
 * server answered, its value, or what is wrong with the failing position
 * marked in the expression. */
PcResultRow *pc_result_row_new            (const char  *expression);
void         pc_result_row_set_value      (PcResultRow *self,
                                           const char  *value);
/* The values of a successful evaluation, shown in @format; @exact is the
 * last value's exact digits (a whole number), or %NULL. */
void         pc_result_row_set_values     (PcResultRow          *self,
                                           const double         *values,
                                           guint                 n_values,
                                           const char           *exact,
                                           const PcNumberFormat *format);
/* Shows the values again in @format (nothing for a pending or failed row). */
void         pc_result_row_set_format     (PcResultRow          *self,
                                           const PcNumberFormat *format);
/* What the row says besides the value: a non-finite value in words, a
 * style that could not apply, the exact digits; "" for nothing. */
const char  *pc_result_row_get_note       (PcResultRow *self);
/* @pos is a character position in the expression, -1 for none. */
void         pc_result_row_set_error      (PcResultRow *self,
                                           const char  *message,
                                           int          pos);
const char  *pc_result_row_get_expression (PcResultRow *self);
/* The value as shown (what Ctrl+C copies), %NULL while pending or after
 * an error. */
const char  *pc_result_row_get_value      (PcResultRow *self);
gboolean     pc_result_row_is_pending     (PcResultRow *self);
/* The error message shown, %NULL unless the evaluation failed. */
const char  *pc_result_row_get_error_message (PcResultRow *self);
/* Puts the value as shown on the clipboard; FALSE if there is none. */
gboolean     pc_result_row_copy_value     (PcResultRow *self);

/* Signals: "edit" (the person asked to edit the expression again) and
 * "delete" (to remove the row), both from the row's menu, emitted once
 * the menu is closed. */

/* Whether the row's expression waits for the server to come back. */
void         pc_result_row_set_waiting  (PcResultRow          *self,
                                         gboolean              waiting);

G_END_DECLS
