/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-connection.h"
#include "pc-format.h"

G_BEGIN_DECLS

#define PC_TYPE_GRAPH_PANE (pc_graph_pane_get_type ())
G_DECLARE_FINAL_TYPE (PcGraphPane, pc_graph_pane, PC, GRAPH_PANE, GtkBox)

/* The window's graph pane: the curves' legend (each with its colour, its
 * error if the server refused it, and a button that removes it), the
 * drawing (PcGraphView), the value under the pointer, Reset and Export.
 * Each curve is sampled by the server, one sample per device pixel,
 * again after every pan or zoom: after a short pause, with the stale
 * request cancelled. The Add button activates "win.graph-add": the window
 * decides what is added (the entry's expression). Signal "refused" (const
 * char *message): the server refused a curve; @message is the window's
 * words for it, as the legend shows them (the log uses them too). */
void     pc_graph_pane_set_connection    (PcGraphPane          *self,
                                          PcConnection         *connection);
/* Plots @expression (in x) unless it is plotted already; %TRUE when it
 * was added. */
gboolean pc_graph_pane_add               (PcGraphPane          *self,
                                          const char           *expression);
/* Samples every curve again: the session's variables changed. */
void     pc_graph_pane_refresh           (PcGraphPane          *self);
void     pc_graph_pane_set_number_format (PcGraphPane          *self,
                                          const PcNumberFormat *format);
guint    pc_graph_pane_get_n_curves      (PcGraphPane          *self);

/* Whether evaluating @expression may have changed the session's
 * variables or functions: it assigns (a = 3, f(x) = x^2), as opposed to
 * comparing (==, <=, >=, !=). */
gboolean pc_graph_expression_assigns     (const char           *expression);

G_END_DECLS
