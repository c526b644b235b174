/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a sampled curve may be drawn as one line and where it must be
 * broken. Plain code, no GTK: tests/test-graph.c runs it without a
 * display.
 *
 * The rule, for neighbours i and i+1 (dy = y[i+1] - y[i]):
 *  - a non-finite value breaks the curve on both sides of it;
 *  - an asymptote (tan(x), 1/x): |dy| more than the view's height, and
 *    dy going the other way from both neighbouring steps (those that
 *    exist and are not flat): the curve runs off one edge and comes back
 *    from the other, it does not cross the view;
 *  - a jump (floor(x), a step): |dy| more than @min_jump (a few pixels'
 *    worth) and more than JUMP_RATIO times the neighbouring steps
 *    together: a smooth curve, however steep, changes its steps
 *    gradually between neighbouring pixels. With one neighbour only,
 *    the jump rule needs that neighbour flat: exp(x) at the last pixel
 *    grows as fast as a jump.
 * A curve sampled more coarsely than it oscillates (sin(x) with less
 * than a handful of samples per period) is noise to any such rule: it
 * may be broken there. One sample per pixel keeps that to curves that
 * are a band of noise on screen anyway.
 * A step with no neighbour on either side (a curve of two points) is
 * never broken by the last two rules. */
#define PC_GRAPH_JUMP_RATIO 4.0

/* Whether the line from sample @i to @i+1 of @y (@n values) is drawn.
 * @view_height: the height of the view in y units; @min_jump: the
 * smallest jump that counts as one, in y units. */
gboolean pc_graph_curve_connects (const double *y,
                                  gsize         n,
                                  gsize         i,
                                  double        view_height,
                                  double        min_jump);

/* Calls @segment for each run of samples drawn as one line: [start,
 * end], inclusive; a lone finite sample is a run of one (drawn as a dot). */
typedef void (*PcGraphSegmentFunc) (gsize    start,
                                    gsize    end,
                                    gpointer user_data);

void     pc_graph_curve_segments (const double       *y,
                                  gsize               n,
                                  double              view_height,
                                  double              min_jump,
                                  PcGraphSegmentFunc  segment,
                                  gpointer            user_data);

/* y at @x by linear interpolation of @n samples evenly spaced from
 * @from to @to; NAN outside, at a non-finite sample, or across a break. */
double   pc_graph_curve_value_at (const double *y,
                                  gsize         n,
                                  double        from,
                                  double        to,
                                  double        x,
                                  double        view_height,
                                  double        min_jump);

G_END_DECLS
