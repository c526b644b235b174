/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>

#include "pc-format.h"

typedef struct
{
  const char *name;
  double      value;
  const char *text;
} FormatCase;

/* Built at run time: inf and nan are not constant expressions everywhere,
 * and 0.1 + 0.2 must really be computed to show the rounding artefact. */
static FormatCase *format_cases;
static gsize n_format_cases;

static void
build_cases (void)
{
  volatile double tenth = 0.1;
  volatile double one = 1.0;
  volatile double big = 1e300;
  volatile double zero = 0.0;
  const FormatCase cases[] = {
    { "sum-0.1-0.2", tenth + 0.2, "0.3" },
    { "third", one / 3, "0.333333333333333" },
    { "1e301", big * 10, "1e+301" },
    { "1024", 1024, "1024" },
    { "negative", -2.5, "-2.5" },
    { "small", 1e-7, "1e-07" },
    { "large-int", 123456789012345678.0, "1.23456789012346e+17" },
    { "inf", INFINITY, "inf" },
    { "minus-inf", -INFINITY, "-inf" },
    { "nan", zero / zero, "nan" },
    { "minus-zero", -zero, "0" },
    { "zero", zero, "0" },
    { "tenth", tenth, "0.1" },
    { "max", G_MAXDOUBLE, "1.79769313486232e+308" },
    { "min-negative", -G_MAXDOUBLE, "-1.79769313486232e+308" },
    { "denormal", -4.9406564584124654e-324, "-4.94065645841247e-324" },
  };

  n_format_cases = G_N_ELEMENTS (cases);
  format_cases = g_memdup2 (cases, sizeof cases);
}

static void
check_case (const FormatCase *c)
{
  char buf[PC_FORMAT_NUMBER_MAX];
  g_autofree char *text = pc_format_number (c->value);

  g_assert_cmpstr (text, ==, c->text);
  g_assert_true (pc_format_number_buf (c->value, buf) == buf);
  g_assert_cmpstr (buf, ==, c->text);
}

static void
test_number (gconstpointer data)
{
  check_case (data);
}

static void
test_values (void)
{
  const double values[] = { 3, 6, 0.5, -INFINITY };
  g_autofree char *none = pc_format_values (values, 0);
  g_autofree char *one = pc_format_values (values, 1);
  g_autofree char *all = pc_format_values (values, G_N_ELEMENTS (values));
  g_autoptr(GString) out = g_string_new ("= ");

  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (one, ==, "3");
  g_assert_cmpstr (all, ==, "3, 6, 0.5, -inf");

  /* Appending keeps what the string already holds. */
  pc_format_append_values (out, values, 2);
  g_assert_cmpstr (out->str, ==, "= 3, 6");
}

/* pc_format_append_values() writes whole numbers below 10^15 without
 * printf; the text must be exactly what "%.15g" gives, at every edge of
 * that shortcut and on either side of it. */
static void
test_values_integers (void)
{
  const double edges[] = {
    1, -1, 9, 10, 99, 100, 1024, -1024, 65536, 2147483647, 2147483648.0,
    -2147483649.0, 4294967296.0, 123456789012345, -123456789012345,
    999999999999999, -999999999999999, 1e15, -1e15, 1e15 + 2, 1e16,
    9007199254740993.0, 1e300, 0.5, -0.5, 1e14 + 0.5, 0, -0.0,
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260);
  guint checked = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (edges) + 20000; i++)
    {
      double value;
      char buf[PC_FORMAT_NUMBER_MAX];
      g_autoptr(GString) out = g_string_new (NULL);

      if (i < G_N_ELEMENTS (edges))
        value = edges[i];
      else
        {
          /* Whole numbers of every length up to 16 digits, both signs. */
          double scale = pow (10, g_rand_int_range (rand, 0, 17));

          value = floor (g_rand_double (rand) * scale);
          if (g_rand_boolean (rand))
            value = -value;
        }
      pc_format_append_values (out, &value, 1);
      if (value != 0)
        g_assert_cmpstr (out->str, ==, g_ascii_formatd (buf, sizeof buf, "%.15g", value));
      else
        g_assert_cmpstr (out->str, ==, "0");
      checked++;
    }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (edges) + 20000);
}

static void
test_comma_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  char printed[16];

  if (setlocale (LC_ALL, "ru_RU.UTF-8") == NULL)
    {
      g_test_skip ("ru_RU.UTF-8 locale not installed: run "
                   "`sed -i 's/^# *ru_RU.UTF-8/ru_RU.UTF-8/' /etc/locale.gen; "
                   "locale-gen` to test formatting under a comma locale");
      return;
    }

  /* Proves the comma locale is really in effect for printf. */
  g_snprintf (printed, sizeof printed, "%g", 0.5);
  g_assert_cmpstr (printed, ==, "0,5");
  snprintf (printed, sizeof printed, "%g", 0.5);
  g_assert_cmpstr (printed, ==, "0,5");

  for (gsize i = 0; i < n_format_cases; i++)
    {
      g_test_message ("%s", format_cases[i].name);
      check_case (&format_cases[i]);
    }
  {
    const double values[] = { 0.5, 1.25 };
    g_autofree char *text = pc_format_values (values, G_N_ELEMENTS (values));

    g_assert_cmpstr (text, ==, "0.5, 1.25");
  }

  setlocale (LC_ALL, saved);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  build_cases ();

  for (gsize i = 0; i < n_format_cases; i++)
    {
      g_autofree char *path = g_strdup_printf ("/format/number/%s",
                                               format_cases[i].name);

      g_test_add_data_func (path, &format_cases[i], test_number);
    }
  g_test_add_func ("/format/values", test_values);
  g_test_add_func ("/format/values/integers", test_values_integers);
  g_test_add_func ("/format/locale/ru_RU", test_comma_locale);

  status = g_test_run ();
  g_free (format_cases);
  return status;
}
