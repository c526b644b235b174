/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>

#include "pc-graph-curve.h"

/* -1, 0 or +1; 0 also for a step that does not exist or is not finite. */
static int
step_sign (const double *y,
           gsize         n,
           gssize        i,
           double       *size)
{
  double d;

  *size = 0.0;
  if (i < 0 || (gsize) i + 1 >= n || !isfinite (y[i]) || !isfinite (y[i + 1]))
    return 0;
  d = y[i + 1] - y[i];
  if (!isfinite (d))
    return 0;
  *size = fabs (d);
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

gboolean
pc_graph_curve_connects (const double *y,
                         gsize         n,
                         gsize         i,
                         double        view_height,
                         double        min_jump)
{
  double dy, left = 0.0, right = 0.0;
  int sign, left_sign, right_sign;
  gboolean has_left, has_right;

  if (i + 1 >= n || !isfinite (y[i]) || !isfinite (y[i + 1]))
    return FALSE;
  dy = y[i + 1] - y[i];
  if (!isfinite (dy))
    return FALSE;   /* from -1e308 to 1e308: across everything */
  sign = dy > 0 ? 1 : dy < 0 ? -1 : 0;
  has_left = i > 0 && isfinite (y[i - 1]);
  has_right = i + 2 < n && isfinite (y[i + 2]);
  if (!has_left && !has_right)
    return TRUE;
  left_sign = step_sign (y, n, (gssize) i - 1, &left);
  right_sign = step_sign (y, n, (gssize) i + 1, &right);

  /* An asymptote: across more than the view, against the curve's way on
   * both sides (a flat or missing neighbour does not disagree). */
  if (fabs (dy) > view_height
      && (left_sign == 0 || left_sign == -sign)
      && (right_sign == 0 || right_sign == -sign))
    return FALSE;

  /* A jump: much larger than the neighbouring steps together. With one
   * neighbour only (at an end of the samples or beside a gap), a fast
   * growing curve (exp) looks the same as a jump: only a flat neighbour
   * tells. */
  if (fabs (dy) > min_jump && fabs (dy) > PC_GRAPH_JUMP_RATIO * (left + right)
      && ((has_left && has_right) || left + right <= min_jump / PC_GRAPH_JUMP_RATIO))
    return FALSE;
  return TRUE;
}

void
pc_graph_curve_segments (const double       *y,
                         gsize               n,
                         double              view_height,
                         double              min_jump,
                         PcGraphSegmentFunc  segment,
                         gpointer            user_data)
{
  gsize i = 0;

  while (i < n)
    {
      gsize start;

      while (i < n && !isfinite (y[i]))
        i++;
      if (i >= n)
        break;
      start = i;
      while (i + 1 < n && pc_graph_curve_connects (y, n, i, view_height, min_jump))
        i++;
      segment (start, i, user_data);
      i++;
    }
}

double
pc_graph_curve_value_at (const double *y,
                         gsize         n,
                         double        from,
                         double        to,
                         double        x,
                         double        view_height,
                         double        min_jump)
{
  double position, t;
  gsize i;

  if (n < 2 || !(to > from) || !isfinite (x) || x < from || x > to)
    return NAN;
  position = (x - from) / (to - from) * (double) (n - 1);
  i = (gsize) floor (position);
  if (i >= n - 1)
    return y[n - 1];
  t = position - (double) i;
  if (t == 0.0)
    return y[i];
  if (!pc_graph_curve_connects (y, n, i, view_height, min_jump))
    return NAN;
  return y[i] + t * (y[i + 1] - y[i]);
}
