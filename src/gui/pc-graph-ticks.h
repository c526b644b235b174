/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

#include "pc-format.h"

G_BEGIN_DECLS

/* The grid of one axis: ticks at whole multiples of @step, a round
 * number (1, 2 or 5 times a power of ten), from @first to the end of the
 * range. Plain value, no GTK: tests/test-graph.c runs it without a
 * display. */
typedef struct
{
  double step;
  double first;   /* the first tick at or after the range's start */
  guint  count;   /* ticks inside the range; at most PC_GRAPH_TICKS_MAX */
  int    exponent; /* step = mantissa * 10^exponent */
  int    mantissa; /* 1, 2 or 5 */
} PcGraphTicks;

#define PC_GRAPH_TICKS_MAX 200

/* The smallest round step at least @min_step (> 0, finite). %FALSE when
 * there is none a double can hold. */
gboolean pc_graph_ticks_round_step (double  min_step,
                                    double *step,
                                    int    *mantissa,
                                    int    *exponent);

/* Ticks for [@from, @to] at least @min_step apart (the space a label
 * needs, in the axis's units). %FALSE for an empty, reversed or
 * non-finite range, or one too narrow for doubles to tell its ticks apart. */
gboolean pc_graph_ticks_compute    (double        from,
                                    double        to,
                                    double        min_step,
                                    PcGraphTicks *ticks);

/* The value of tick @i (first + i * step, with a tick that should be 0
 * written as 0, not 1e-17). */
double   pc_graph_ticks_value      (const PcGraphTicks *ticks,
                                    guint               i);

/* A tick's label: as few digits as the step needs (0.25 is not written
 * 0.250000000001), in @format's decimal point; scientific (2e+06, 5e-07)
 * when the numbers are very large or small. "−" (U+2212) for a minus. */
char    *pc_graph_ticks_label      (const PcGraphTicks   *ticks,
                                    double                value,
                                    const PcNumberFormat *format);

G_END_DECLS
