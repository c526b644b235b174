/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-format.h"

G_BEGIN_DECLS

#define PC_TYPE_GRAPH_VIEW (pc_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (PcGraphView, pc_graph_view, PC, GRAPH_VIEW, GtkDrawingArea)

/* The drawing of the graph pane: axes, grid and round tick labels, the
 * curves it is given as samples, drag to pan, scroll or pinch to zoom
 * around the pointer, keys (+, −, arrows, Ctrl+0) when it has the focus.
 * It samples nothing itself: "view-changed" says the visible range
 * changed (pan, zoom, resize), and the pane asks the server for new
 * samples; until they come, the old ones are drawn where they belong in
 * the new view. "pointer-moved" (double x, or NAN when the pointer left)
 * tells where the pointer is, in x. */
PcGraphView *pc_graph_view_new          (void);

/* A curve with its colour (the palette's @colour index); returns its id. */
guint        pc_graph_view_add_curve    (PcGraphView          *self,
                                         const char           *expression,
                                         guint                 colour);
void         pc_graph_view_remove_curve (PcGraphView          *self,
                                         guint                 id);
/* @n samples evenly spaced from @from to @to (copied; NAN where not
 * finite); n = 0 forgets the curve's samples. */
void         pc_graph_view_set_samples  (PcGraphView          *self,
                                         guint                 id,
                                         double                from,
                                         double                to,
                                         const double         *values,
                                         gsize                 n);
/* y of curve @id at @x from its samples; NAN where it has none. */
double       pc_graph_view_value_at     (PcGraphView          *self,
                                         guint                 id,
                                         double                x);

/* The visible range, and how many samples give one per device pixel. */
void         pc_graph_view_get_range    (PcGraphView          *self,
                                         double               *x_from,
                                         double               *x_to,
                                         double               *y_from,
                                         double               *y_to);
guint        pc_graph_view_get_points   (PcGraphView          *self);
/* x from −10 to 10, the same scale on y, centred on 0. */
void         pc_graph_view_reset        (PcGraphView          *self);
/* Zooms around the centre: @factor > 1 shows more. */
void         pc_graph_view_zoom         (PcGraphView          *self,
                                         double                factor);
void         pc_graph_view_set_number_format (PcGraphView          *self,
                                              const PcNumberFormat *format);

/* The palette's colour @index, readable on light and dark backgrounds. */
void         pc_graph_view_palette      (guint                 index,
                                         GdkRGBA              *colour);

/* Draws the graph as on screen into @cr, @width × @height (for export). */
void         pc_graph_view_render       (PcGraphView          *self,
                                         cairo_t              *cr,
                                         int                   width,
                                         int                   height);

G_END_DECLS
