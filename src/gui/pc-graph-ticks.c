/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-graph-ticks.h"

gboolean
pc_graph_ticks_round_step (double  min_step,
                           double *step,
                           int    *mantissa,
                           int    *exponent)
{
  static const int mantissas[] = { 1, 2, 5, 10 };
  int e;

  if (!isfinite (min_step) || min_step <= 0)
    return FALSE;
  e = (int) floor (log10 (min_step));
  /* log10 may be one off near powers of ten: start one below. */
  for (int k = e - 1; k <= e + 1; k++)
    for (guint m = 0; m < G_N_ELEMENTS (mantissas); m++)
      {
        double candidate = mantissas[m] * pow (10.0, k);

        if (!isfinite (candidate))
          return FALSE;
        if (candidate >= min_step * (1 - 1e-12))
          {
            *step = candidate;
            *mantissa = mantissas[m] == 10 ? 1 : mantissas[m];
            *exponent = mantissas[m] == 10 ? k + 1 : k;
            return TRUE;
          }
      }
  return FALSE;
}

gboolean
pc_graph_ticks_compute (double        from,
                        double        to,
                        double        min_step,
                        PcGraphTicks *ticks)
{
  double span = to - from;
  double count;

  memset (ticks, 0, sizeof *ticks);
  if (!isfinite (from) || !isfinite (to) || !isfinite (span) || span <= 0)
    return FALSE;
  /* Never more than PC_GRAPH_TICKS_MAX ticks, whatever was asked. */
  min_step = MAX (min_step, span / PC_GRAPH_TICKS_MAX);
  if (!pc_graph_ticks_round_step (min_step, &ticks->step, &ticks->mantissa, &ticks->exponent))
    return FALSE;
  ticks->first = ceil (from / ticks->step) * ticks->step;
  /* A step below the doubles' resolution at this place would give the
   * same tick again and again. */
  if (ticks->first + ticks->step == ticks->first
      || ticks->step < fabs (ticks->first) * 1e-13)
    return FALSE;
  count = floor ((to - ticks->first) / ticks->step * (1 + 1e-12)) + 1;
  ticks->count = count < 0 ? 0 : (guint) MIN (count, PC_GRAPH_TICKS_MAX + 1);
  return TRUE;
}

double
pc_graph_ticks_value (const PcGraphTicks *ticks,
                      guint               i)
{
  double value = ticks->first + i * ticks->step;

  if (fabs (value) < ticks->step * 1e-6)
    return 0.0;
  return value;
}

/* Replaces the C decimal point by @point and "-" by "−". */
static char *
localise (const char *text,
          const char *point)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '.' && point != NULL && point[0] != '\0')
        g_string_append (out, point);
      else if (*p == '-')
        g_string_append (out, "\u2212");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
pc_graph_ticks_label (const PcGraphTicks   *ticks,
                      double                value,
                      const PcNumberFormat *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *point = format != NULL ? format->decimal_point : NULL;

  if (value == 0.0)
    return g_strdup ("0");
  if (ticks->exponent >= 6 || ticks->exponent <= -5)
    {
      /* 2e+06, 2.5e+06: the mantissa's digits the step needs at this
       * value's magnitude. */
      int magnitude = (int) floor (log10 (fabs (value)) + 1e-9);
      int digits = CLAMP (magnitude - ticks->exponent, 0, 15);
      char fmt[16];

      g_snprintf (fmt, sizeof fmt, "%%.%de", digits);
      g_ascii_formatd (buffer, sizeof buffer, fmt, value);
    }
  else
    {
      int decimals = ticks->exponent < 0 ? -ticks->exponent : 0;
      char fmt[16];

      g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
      g_ascii_formatd (buffer, sizeof buffer, fmt, value);
    }
  return localise (buffer, point);
}
