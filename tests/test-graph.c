/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
/* The graph pane's plain parts, without a display: round ticks and
 * labels at any zoom, and where a sampled curve is broken. */
#include "config.h"

#include <math.h>
#include <glib.h>

#include "pc-graph-curve.h"
#include "pc-graph-ticks.h"

static gboolean
is_round (double step)
{
  double mantissa = step / pow (10.0, floor (log10 (step) + 1e-9));

  return fabs (mantissa - 1) < 1e-9 || fabs (mantissa - 2) < 1e-9 || fabs (mantissa - 5) < 1e-9;
}

static void
test_round_steps (void)
{
  static const struct { double min, step; } cases[] = {
    { 1, 1 }, { 1.1, 2 }, { 2, 2 }, { 2.01, 5 }, { 4.9, 5 }, { 5.1, 10 },
    { 0.3, 0.5 }, { 0.00013, 0.0002 }, { 7e12, 1e13 }, { 1e-300, 1e-300 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double step;
      int mantissa, exponent;

      g_assert_true (pc_graph_ticks_round_step (cases[i].min, &step, &mantissa, &exponent));
      g_assert_cmpfloat_with_epsilon (step, cases[i].step, cases[i].step * 1e-9);
      g_assert_cmpfloat_with_epsilon (mantissa * pow (10.0, exponent), step, step * 1e-9);
    }
  {
    double step;
    int mantissa, exponent;

    g_assert_false (pc_graph_ticks_round_step (0, &step, &mantissa, &exponent));
    g_assert_false (pc_graph_ticks_round_step (-1, &step, &mantissa, &exponent));
    g_assert_false (pc_graph_ticks_round_step (NAN, &step, &mantissa, &exponent));
    g_assert_false (pc_graph_ticks_round_step (1e308 * 10, &step, &mantissa, &exponent));
  }
}

/* At every zoom from 1e-12 to 1e12 wide, anywhere: round steps, ticks
 * inside the range, at least the asked-for distance apart, and labels
 * that all differ (no two ticks read the same). */
static void
test_ticks_any_zoom (void)
{
  PcNumberFormat format;

  pc_number_format_init (&format);
  for (int e = -12; e <= 12; e++)
    for (double centre = -3e5; centre <= 3e5; centre += 1.5e5)
      {
        double width = 1.37 * pow (10.0, e);
        double from = centre * pow (10.0, MIN (e, 0)) - width / 2, to = from + width;
        double min_step = width / 7.3;
        PcGraphTicks ticks;
        g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

        if (!pc_graph_ticks_compute (from, to, min_step, &ticks))
          {
            /* Only when doubles cannot tell the ticks apart there. */
            g_assert_cmpfloat (width, <, fabs (from) * 1e-12);
            continue;
          }
        g_assert_true (is_round (ticks.step));
        g_assert_cmpfloat (ticks.step, >=, min_step * (1 - 1e-9));
        g_assert_cmpfloat (ticks.step, <, min_step * 5.01);
        g_assert_cmpuint (ticks.count, >=, 1);
        g_assert_cmpuint (ticks.count, <=, 8);
        for (guint i = 0; i < ticks.count; i++)
          {
            double value = pc_graph_ticks_value (&ticks, i);
            char *label = pc_graph_ticks_label (&ticks, value, &format);

            g_assert_cmpfloat (value, >=, from - width * 1e-9);
            g_assert_cmpfloat (value, <=, to + width * 1e-9);
            for (guint j = 0; j < labels->len; j++)
              if (g_str_equal (labels->pdata[j], label))
                g_error ("two ticks labelled %s in [%g, %g] (step %g)", label, from, to, ticks.step);
            g_ptr_array_add (labels, label);
          }
      }
}

static void
test_tick_labels (void)
{
  PcNumberFormat format;
  PcGraphTicks ticks;
  char *label;

  pc_number_format_init (&format);
  g_assert_true (pc_graph_ticks_compute (-1, 1, 0.2, &ticks));
  g_assert_cmpfloat (ticks.step, ==, 0.2);
  /* -1 + 5 * 0.2 is 1.1e-16 in doubles: written 0. */
  g_assert_cmpfloat (pc_graph_ticks_value (&ticks, 5), ==, 0.0);
  label = pc_graph_ticks_label (&ticks, pc_graph_ticks_value (&ticks, 5), &format);
  g_assert_cmpstr (label, ==, "0");
  g_free (label);
  label = pc_graph_ticks_label (&ticks, pc_graph_ticks_value (&ticks, 2), &format);
  g_assert_cmpstr (label, ==, "\u22120.6");
  g_free (label);

  g_assert_true (pc_graph_ticks_compute (0, 10, 2.5, &ticks));
  g_assert_cmpfloat (ticks.step, ==, 5);
  label = pc_graph_ticks_label (&ticks, 10, &format);
  g_assert_cmpstr (label, ==, "10");
  g_free (label);

  g_assert_true (pc_graph_ticks_compute (0, 1e7, 2e6, &ticks));
  label = pc_graph_ticks_label (&ticks, 4e6, &format);
  g_assert_cmpstr (label, ==, "4e+06");
  g_free (label);
  g_assert_true (pc_graph_ticks_compute (0, 1e-5, 2e-6, &ticks));
  label = pc_graph_ticks_label (&ticks, 4e-6, &format);
  g_assert_cmpstr (label, ==, "4e\u221206");
  g_free (label);

  /* The window's decimal sign when it writes numbers the language's way. */
  g_strlcpy (format.decimal_point, ",", sizeof format.decimal_point);
  g_assert_true (pc_graph_ticks_compute (0, 1, 0.25, &ticks));
  label = pc_graph_ticks_label (&ticks, 0.5, &format);
  g_assert_cmpstr (label, ==, "0,5");
  g_free (label);

  /* Nothing to tick. */
  g_assert_false (pc_graph_ticks_compute (1, 1, 0.1, &ticks));
  g_assert_false (pc_graph_ticks_compute (2, 1, 0.1, &ticks));
  g_assert_false (pc_graph_ticks_compute (NAN, 1, 0.1, &ticks));
  g_assert_false (pc_graph_ticks_compute (-INFINITY, 1, 0.1, &ticks));
  g_assert_false (pc_graph_ticks_compute (-1e308, 1e308, 1, &ticks));
  g_assert_false (pc_graph_ticks_compute (1e15, 1e15 + 0.125, 0.01, &ticks));
  /* A tiny minimum over a huge range: capped, not millions of ticks. */
  g_assert_true (pc_graph_ticks_compute (0, 1e6, 1e-9, &ticks));
  g_assert_cmpuint (ticks.count, <=, PC_GRAPH_TICKS_MAX + 1);
}

typedef struct
{
  double  *y;
  gsize    n;
  double   from, to;
  GArray  *runs;  /* pairs of gsize */
} Curve;

static void
collect_run (gsize    start,
             gsize    end,
             gpointer user_data)
{
  GArray *runs = user_data;

  g_array_append_val (runs, start);
  g_array_append_val (runs, end);
}

/* @f sampled at @n points over [from, to], split as the view of height
 * @view_height with a min jump of 3 pixels of 300 would split it. */
static Curve *
sample (double (*f) (double),
        double from,
        double to,
        gsize  n,
        double view_height)
{
  Curve *curve = g_new0 (Curve, 1);

  curve->n = n;
  curve->from = from;
  curve->to = to;
  curve->y = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    curve->y[i] = f (from + (to - from) * (double) i / (double) (n - 1));
  curve->runs = g_array_new (FALSE, FALSE, sizeof (gsize));
  pc_graph_curve_segments (curve->y, n, view_height, view_height / 100,
                           collect_run, curve->runs);
  return curve;
}

static void
curve_free (Curve *curve)
{
  g_free (curve->y);
  g_array_free (curve->runs, TRUE);
  g_free (curve);
}

/* Whether a drawn line joins a sample left of @x to one right of it. */
static gboolean
line_across (Curve  *curve,
             double  x)
{
  for (guint r = 0; r < curve->runs->len; r += 2)
    {
      gsize start = g_array_index (curve->runs, gsize, r);
      gsize end = g_array_index (curve->runs, gsize, r + 1);
      double x0 = curve->from + (curve->to - curve->from) * (double) start / (double) (curve->n - 1);
      double x1 = curve->from + (curve->to - curve->from) * (double) end / (double) (curve->n - 1);

      if (x0 < x && x1 > x)
        return TRUE;
    }
  return FALSE;
}

static double f_tan (double x) { return tan (x); }
static double f_inverse (double x) { return 1 / x; }
static double f_floor (double x) { return floor (x); }
static double f_sin (double x) { return sin (x); }
static double f_cube (double x) { return x * x * x; }
static double f_exp (double x) { return exp (x); }
static double f_cbrt (double x) { return cbrt (x); }
static double f_sqrt (double x) { return sqrt (x); }
static double f_sinc (double x) { return sin (x) / x; }
static double f_saw (double x) { return x - floor (x); }
static double f_inverse_square (double x) { return 1 / (x * x); }

static void
test_curve_asymptotes (void)
{
  /* At many widths (pixel counts) and offsets, so a sample falls at
   * every distance from the asymptote. */
  for (gsize n = 200; n <= 2000; n += 37)
    for (double shift = 0; shift < 0.05; shift += 0.0123)
      {
        Curve *curve = sample (f_tan, -10 + shift, 10 + shift, n, 8);

        for (int k = -3; k <= 2; k++)
          g_assert_false (line_across (curve, G_PI / 2 + k * G_PI));
        /* But not broken where tan is smooth. */
        g_assert_true (line_across (curve, 0.1));
        g_assert_true (line_across (curve, G_PI + 0.3));
        curve_free (curve);

        curve = sample (f_inverse, -5 + shift, 5 + shift, n, 6);
        g_assert_false (line_across (curve, 0));
        g_assert_true (line_across (curve, 2));
        g_assert_true (line_across (curve, -0.5));
        curve_free (curve);
      }
}

static void
test_curve_jumps (void)
{
  for (gsize n = 300; n <= 1500; n += 301)
    {
      Curve *curve = sample (f_floor, -5.01, 5.02, n, 12);

      for (int k = -5; k <= 5; k++)
        g_assert_false (line_across (curve, k));
      curve_free (curve);

      curve = sample (f_saw, -3.51, 3.52, n, 3);
      for (int k = -3; k <= 3; k++)
        g_assert_false (line_across (curve, k));
      g_assert_true (line_across (curve, 0.5));
      curve_free (curve);
    }
}

/* Smooth curves are one line, however steep, at any view height. */
static void
test_curve_smooth (void)
{
  static const struct { double (*f) (double); double from, to, height; } cases[] = {
    { f_sin, -10, 10, 7 },
    { f_sin, -100, 100, 3 },
    { f_cube, -10, 10, 2 },
    { f_exp, -5, 50, 1 },
    { f_exp, -500, 500, 10 },
    { f_cbrt, -1, 1, 0.1 },
    { f_sinc, -30, 30.1, 2 },
    { f_inverse_square, 0.001, 3, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize n = 400; n <= 3000; n += 290)
      {
        Curve *curve = sample (cases[i].f, cases[i].from, cases[i].to, n, cases[i].height);

        if (curve->runs->len != 2)
          g_error ("case %" G_GSIZE_FORMAT " at %" G_GSIZE_FORMAT " points: %u runs",
                   i, n, curve->runs->len / 2);
        curve_free (curve);
      }
}

static void
test_curve_non_finite (void)
{
  double y[] = { NAN, 1, 2, NAN, 3, 4, 5, INFINITY, -INFINITY, 6, NAN };
  Curve *curve = sample (f_sqrt, -1, 1, 101, 2);
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (gsize));
  static const gsize expected[] = { 1, 2, 4, 6, 9, 9 };

  /* sqrt: nothing left of 0, one line right of it. */
  g_assert_cmpuint (curve->runs->len, ==, 2);
  g_assert_cmpuint (g_array_index (curve->runs, gsize, 0), ==, 50);
  g_assert_cmpuint (g_array_index (curve->runs, gsize, 1), ==, 100);
  curve_free (curve);

  pc_graph_curve_segments (y, G_N_ELEMENTS (y), 10, 0.1, collect_run, runs);
  g_assert_cmpuint (runs->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < runs->len; i++)
    g_assert_cmpuint (g_array_index (runs, gsize, i), ==, expected[i]);
  g_array_free (runs, TRUE);

  /* Extremes do not overflow into a line. */
  {
    double big[] = { 1, -1e308, 1e308, 2 };

    g_assert_false (pc_graph_curve_connects (big, 4, 1, 10, 0.1));
    pc_graph_curve_segments (big, 0, 10, 0.1, collect_run, NULL);
    g_assert_false (pc_graph_curve_connects (big, 4, 3, 10, 0.1));
  }
}

static void
test_value_at (void)
{
  double y[] = { 0, 1, 2, 3, -100, -99 };

  g_assert_cmpfloat_with_epsilon (pc_graph_curve_value_at (y, 6, 0, 5, 1.5, 10, 0.1), 1.5, 1e-12);
  g_assert_cmpfloat (pc_graph_curve_value_at (y, 6, 0, 5, 5, 10, 0.1), ==, -99);
  g_assert_true (isnan (pc_graph_curve_value_at (y, 6, 0, 5, 3.5, 10, 0.1)));
  g_assert_true (isnan (pc_graph_curve_value_at (y, 6, 0, 5, -0.1, 10, 0.1)));
  g_assert_true (isnan (pc_graph_curve_value_at (y, 6, 0, 5, NAN, 10, 0.1)));
  g_assert_true (isnan (pc_graph_curve_value_at (y, 1, 0, 5, 0, 10, 0.1)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/ticks/round-steps", test_round_steps);
  g_test_add_func ("/graph/ticks/any-zoom", test_ticks_any_zoom);
  g_test_add_func ("/graph/ticks/labels", test_tick_labels);
  g_test_add_func ("/graph/curve/asymptotes", test_curve_asymptotes);
  g_test_add_func ("/graph/curve/jumps", test_curve_jumps);
  g_test_add_func ("/graph/curve/smooth", test_curve_smooth);
  g_test_add_func ("/graph/curve/non-finite", test_curve_non_finite);
  g_test_add_func ("/graph/curve/value-at", test_value_at);
  return g_test_run ();
}
