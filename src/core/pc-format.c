/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-format.h"

char *
pc_format_number_buf (double  value,
                      char   *buf)
{
  if (isnan (value))
    return strcpy (buf, "nan");
  if (isinf (value))
    return strcpy (buf, value > 0 ? "inf" : "-inf");
  /* -0 is a sign artefact (e.g. -1*0); a calculator shows 0. */
  if (value == 0.0)
    return strcpy (buf, "0");

  /* printf's %g honours LC_NUMERIC (a comma in ru_RU); the protocol always
   * uses a point, so format in the C locale. %.15g already drops trailing
   * zeros: 15 digits is what a double holds exactly, so 0.1+0.2 shows 0.3. */
  return g_ascii_formatd (buf, PC_FORMAT_NUMBER_MAX, "%.15g", value);
}

char *
pc_format_number (double value)
{
  char buf[PC_FORMAT_NUMBER_MAX];

  return g_strdup (pc_format_number_buf (value, buf));
}

/* A whole number below 10^15 in magnitude, other than 0, is written
 * without printf: the same text "%.15g" gives (all of its digits, no
 * exponent), at a tenth of the cost, which shows in the server's
 * per-request profile. tests/test-format.c holds it to "%.15g". */
static gboolean
append_small_integer (GString *out,
                      double   value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 m;

  if (!(value > -1e15 && value < 1e15 && value != 0 && value == (double) (gint64) value))
    return FALSE;
  m = value < 0 ? (guint64) -(gint64) value : (guint64) value;
  do
    *--p = '0' + m % 10;
  while ((m /= 10) > 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, digits + sizeof digits - p);
  return TRUE;
}

void
pc_format_append_values (GString      *out,
                         const double *values,
                         gsize         n_values)
{
  char buf[PC_FORMAT_NUMBER_MAX];

  for (gsize i = 0; i < n_values; i++)
    {
      if (i > 0)
        g_string_append_len (out, ", ", 2);
      if (!append_small_integer (out, values[i]))
        g_string_append (out, pc_format_number_buf (values[i], buf));
    }
}

char *
pc_format_values (const double *values,
                  gsize         n_values)
{
  GString *out = g_string_sized_new (24 * n_values + 1);

  pc_format_append_values (out, values, n_values);
  return g_string_free (out, FALSE);
}
