/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
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

/* ---- Exact digits ----------------------------------------------------- */

#define TWO_53 9007199254740992.0

gboolean
pc_format_is_integer (double value)
{
  return isfinite (value) && value == floor (value);
}

/* Base 10^9 limbs, least significant first: 2^1024 needs 35. */
#define LIMB_BASE 1000000000u
#define N_LIMBS 40

void
pc_format_append_exact (GString *out,
                        double   value)
{
  guint32 limbs[N_LIMBS];
  guint n_limbs = 0;
  guint64 mantissa;
  int exponent;
  double magnitude;
  char buf[16];

  g_return_if_fail (pc_format_is_integer (value));

  magnitude = fabs (value);
  if (magnitude < TWO_53)
    {
      char digits[24];
      char *p = digits + sizeof digits;
      guint64 m = (guint64) magnitude;

      do
        *--p = '0' + m % 10;
      while ((m /= 10) > 0);
      if (value < 0)
        *--p = '-';
      g_string_append_len (out, p, digits + sizeof digits - p);
      return;
    }

  /* magnitude = mantissa * 2^exponent, the mantissa a 53-bit integer. */
  mantissa = (guint64) ldexp (frexp (magnitude, &exponent), 53);
  exponent -= 53;
  g_assert (exponent > 0);
  limbs[n_limbs++] = (guint32) (mantissa % LIMB_BASE);
  limbs[n_limbs++] = (guint32) (mantissa / LIMB_BASE % LIMB_BASE);
  if (mantissa / LIMB_BASE / LIMB_BASE > 0)
    limbs[n_limbs++] = (guint32) (mantissa / LIMB_BASE / LIMB_BASE);
  while (exponent > 0)
    {
      /* A limb is below 2^30: times 2^32, plus a carry, fits 64 bits. */
      int shift = MIN (exponent, 32);
      guint64 carry = 0;

      for (guint i = 0; i < n_limbs; i++)
        {
          guint64 x = ((guint64) limbs[i] << shift) + carry;

          limbs[i] = (guint32) (x % LIMB_BASE);
          carry = x / LIMB_BASE;
        }
      while (carry > 0)
        {
          g_assert (n_limbs < N_LIMBS);
          limbs[n_limbs++] = (guint32) (carry % LIMB_BASE);
          carry /= LIMB_BASE;
        }
      exponent -= shift;
    }
  while (n_limbs > 1 && limbs[n_limbs - 1] == 0)
    n_limbs--;
  if (value < 0)
    g_string_append_c (out, '-');
  g_snprintf (buf, sizeof buf, "%u", limbs[n_limbs - 1]);
  g_string_append (out, buf);
  for (guint i = n_limbs - 1; i-- > 0;)
    {
      guint32 limb = limbs[i];

      /* Nine digits, leading zeros kept, without printf. */
      for (int d = 8; d >= 0; d--)
        {
          buf[d] = (char) ('0' + limb % 10);
          limb /= 10;
        }
      g_string_append_len (out, buf, 9);
    }
}

/* ---- Formats ---------------------------------------------------------- */

static const char * const style_names[] = {
  "auto", "fixed", "sci", "eng", "frac", "hex", "oct", "bin",
};

const char *
pc_number_style_to_string (PcNumberStyle style)
{
  if ((guint) style >= G_N_ELEMENTS (style_names))
    return "auto";
  return style_names[style];
}

gboolean
pc_number_style_from_string (const char    *name,
                             PcNumberStyle *style)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (style_names); i++)
    if (g_str_equal (name, style_names[i]))
      {
        *style = (PcNumberStyle) i;
        return TRUE;
      }
  return FALSE;
}

void
pc_number_format_init (PcNumberFormat *format)
{
  memset (format, 0, sizeof *format);
  format->style = PC_NUMBER_AUTO;
  format->digits = PC_FORMAT_DIGITS_DEFAULT;
  format->decimals = PC_FORMAT_DECIMALS_DEFAULT;
}

void
pc_number_format_use_locale (PcNumberFormat *format)
{
  const struct lconv *conv = localeconv ();
  const char *point = conv->decimal_point;
  const char *sep = conv->thousands_sep;
  const char *grouping = conv->grouping;

  /* A separator longer than the room is a locale this code does not know:
   * then the C one. */
  if (point != NULL && *point != '\0' && strlen (point) < sizeof format->decimal_point)
    g_strlcpy (format->decimal_point, point, sizeof format->decimal_point);
  else
    format->decimal_point[0] = '\0';
  format->group_separator[0] = '\0';
  format->group_size = 0;
  if (sep != NULL && *sep != '\0' && strlen (sep) < sizeof format->group_separator
      && grouping != NULL && grouping[0] > 0 && grouping[0] < CHAR_MAX)
    {
      g_strlcpy (format->group_separator, sep, sizeof format->group_separator);
      format->group_size = grouping[0];
    }
}

static int
clamp_digits (const PcNumberFormat *format)
{
  return CLAMP (format->digits, PC_FORMAT_DIGITS_MIN, PC_FORMAT_DIGITS_MAX);
}

/* Rewrites a C-locale decimal text in @format's separators: groups the
 * integer digits, and the point. A "-" left before nothing but zeros is a
 * rounding artefact (-0.001 in fixed 2): dropped. */
static void
append_localised (GString              *out,
                  const char           *text,
                  const PcNumberFormat *format)
{
  const char *p = text;
  const char *digits;
  gsize n_digits;
  gboolean zero = TRUE;

  for (const char *q = text; *q != '\0' && *q != 'e'; q++)
    if (*q >= '1' && *q <= '9')
      zero = FALSE;
  if (*p == '-')
    {
      if (!zero)
        g_string_append_c (out, '-');
      p++;
    }
  digits = p;
  while (*p >= '0' && *p <= '9')
    p++;
  n_digits = (gsize) (p - digits);
  if (format->group_size > 0 && format->group_separator[0] != '\0')
    {
      gsize size = (gsize) format->group_size;

      for (gsize i = 0; i < n_digits; i++)
        {
          if (i > 0 && (n_digits - i) % size == 0)
            g_string_append (out, format->group_separator);
          g_string_append_c (out, digits[i]);
        }
    }
  else
    g_string_append_len (out, digits, (gssize) n_digits);
  if (*p == '.')
    {
      g_string_append (out, format->decimal_point[0] != '\0' ? format->decimal_point : ".");
      p++;
    }
  g_string_append (out, p);
}

static void
append_auto (GString              *out,
             double                value,
             const PcNumberFormat *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char spec[8];

  if (value == 0.0)
    value = 0.0;  /* -0: a sign artefact */
  g_snprintf (spec, sizeof spec, "%%.%dg", clamp_digits (format));
  append_localised (out, g_ascii_formatd (buf, sizeof buf, spec, value), format);
}

static void
append_fixed (GString              *out,
              double                value,
              const PcNumberFormat *format)
{
  int decimals = CLAMP (format->decimals, 0, PC_FORMAT_DECIMALS_MAX);
  g_autoptr(GString) text = g_string_sized_new (64);

  if (pc_format_is_integer (value) && fabs (value) >= TWO_53)
    {
      /* printf's digits of a large double are exact on glibc, not on
       * every C library: the exact expansion is. */
      pc_format_append_exact (text, value);
      if (decimals > 0)
        {
          g_string_append_c (text, '.');
          for (int i = 0; i < decimals; i++)
            g_string_append_c (text, '0');
        }
    }
  else
    {
      char spec[8];
      char buf[PC_FORMAT_EXACT_MAX + PC_FORMAT_DECIMALS_MAX + 8];

      g_snprintf (spec, sizeof spec, "%%.%df", decimals);
      g_string_append (text, g_ascii_formatd (buf, sizeof buf, spec, value));
    }
  append_localised (out, text->str, format);
}

/* The significant digits and the decimal exponent of @value (not 0, finite)
 * rounded to @digits digits: 1234.5 at 3 → "123", 3. */
static void
decimal_digits (double  value,
                int     digits,
                char   *mantissa,
                int    *exponent)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char spec[8];
  char *p;
  char *m = mantissa;

  g_snprintf (spec, sizeof spec, "%%.%de", digits - 1);
  g_ascii_formatd (buf, sizeof buf, spec, fabs (value));
  for (p = buf; *p != 'e'; p++)
    if (*p >= '0' && *p <= '9')
      *m++ = *p;
  *m = '\0';
  *exponent = atoi (p + 1);
  /* Trailing zeros say nothing. */
  while (m > mantissa + 1 && m[-1] == '0')
    *--m = '\0';
}

static void
append_exponent_form (GString              *out,
                      double                value,
                      gboolean              engineering,
                      const PcNumberFormat *format)
{
  char mantissa[PC_FORMAT_DIGITS_MAX + 4];
  int exponent;
  int shift = 0;
  gsize n;
  g_autoptr(GString) text = g_string_new (NULL);

  if (value == 0.0)
    {
      g_string_append (out, "0");
      return;
    }
  decimal_digits (value, clamp_digits (format), mantissa, &exponent);
  if (engineering)
    {
      shift = ((exponent % 3) + 3) % 3;
      exponent -= shift;
    }
  n = strlen (mantissa);
  while (n < (gsize) shift + 1)
    mantissa[n++] = '0';
  mantissa[n] = '\0';
  if (value < 0)
    g_string_append_c (text, '-');
  g_string_append_len (text, mantissa, shift + 1);
  if (n > (gsize) shift + 1)
    {
      g_string_append_c (text, '.');
      g_string_append (text, mantissa + shift + 1);
    }
  g_string_append_printf (text, "e%d", exponent);
  append_localised (out, text->str, format);
}

gboolean
pc_format_fraction (double  value,
                    gint64  max_den,
                    gint64 *numerator,
                    gint64 *denominator)
{
  double x = fabs (value);
  double h0 = 0, h1 = 1, k0 = 1, k1 = 0;
  double tolerance = 8 * DBL_EPSILON * fabs (value);

  if (!isfinite (value) || x >= TWO_53 || max_den < 1)
    return FALSE;
  /* Continued fractions: the convergents h/k are the best approximations;
   * the first within a few units in the last place is the fraction. */
  for (int i = 0; i < 64; i++)
    {
      double a = floor (x);
      double h2 = a * h1 + h0;
      double k2 = a * k1 + k0;

      if (k2 > (double) max_den || h2 >= TWO_53)
        return FALSE;
      h0 = h1, h1 = h2, k0 = k1, k1 = k2;
      if (fabs (fabs (value) - h1 / k1) <= tolerance)
        {
          *numerator = (gint64) (value < 0 ? -h1 : h1);
          *denominator = (gint64) k1;
          if (*numerator == 0)
            *denominator = 1;
          return TRUE;
        }
      if (x - a <= 0)
        return FALSE;
      x = 1 / (x - a);
    }
  return FALSE;
}

static const char radix_digits[] = "0123456789ABCDEF";

/* A whole number in base 2^@bits: its mantissa's digits, then zeros for
 * its power of two, exact for every double. */
static void
append_radix (GString *out,
              double   value,
              int      bits)
{
  const char *prefix = bits == 4 ? "0x" : bits == 3 ? "0o" : "0b";
  double magnitude = fabs (value);
  guint64 m;
  int zeros = 0;
  char digits[72];
  char *p = digits + sizeof digits;

  if (magnitude < TWO_53)
    m = (guint64) magnitude;
  else
    {
      int exponent;

      m = (guint64) ldexp (frexp (magnitude, &exponent), 53);
      exponent -= 53;
      /* m < 2^53, shifted by less than 4 bits: it fits. */
      m <<= exponent % bits;
      zeros = exponent / bits;
    }
  do
    *--p = radix_digits[m & ((1u << bits) - 1)];
  while ((m >>= bits) > 0);
  if (value < 0)
    g_string_append_c (out, '-');
  g_string_append (out, prefix);
  g_string_append_len (out, p, digits + sizeof digits - p);
  for (int i = 0; i < zeros; i++)
    g_string_append_c (out, '0');
}

static PcFormatNote
append_as (GString              *out,
           double                value,
           const PcNumberFormat *format)
{
  if (isnan (value))
    {
      g_string_append (out, "nan");
      return PC_FORMAT_NOTE_UNDEFINED;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "inf" : "-inf");
      return PC_FORMAT_NOTE_INFINITY;
    }
  switch (format->style)
    {
    case PC_NUMBER_FIXED:
      append_fixed (out, value, format);
      return PC_FORMAT_NOTE_NONE;
    case PC_NUMBER_SCIENTIFIC:
    case PC_NUMBER_ENGINEERING:
      append_exponent_form (out, value, format->style == PC_NUMBER_ENGINEERING, format);
      return PC_FORMAT_NOTE_NONE;
    case PC_NUMBER_FRACTION:
      {
        gint64 p, q;

        if (!pc_format_fraction (value, PC_FORMAT_FRACTION_MAX_DEN, &p, &q))
          {
            append_auto (out, value, format);
            return PC_FORMAT_NOTE_NO_FRACTION;
          }
        g_string_append_printf (out, "%" G_GINT64_FORMAT, p);
        if (q != 1)
          g_string_append_printf (out, "/%" G_GINT64_FORMAT, q);
        return PC_FORMAT_NOTE_NONE;
      }
    case PC_NUMBER_HEX:
    case PC_NUMBER_OCTAL:
    case PC_NUMBER_BINARY:
      if (!pc_format_is_integer (value))
        {
          append_auto (out, value, format);
          return PC_FORMAT_NOTE_NOT_INTEGER;
        }
      append_radix (out, value,
                    format->style == PC_NUMBER_HEX ? 4 : format->style == PC_NUMBER_OCTAL ? 3 : 1);
      return PC_FORMAT_NOTE_NONE;
    case PC_NUMBER_AUTO:
    default:
      append_auto (out, value, format);
      return PC_FORMAT_NOTE_NONE;
    }
}

char *
pc_format_number_as (double                value,
                     const PcNumberFormat *format,
                     PcFormatNote         *note)
{
  GString *out = g_string_sized_new (32);
  PcFormatNote n = append_as (out, value, format);

  if (note != NULL)
    *note = n;
  return g_string_free (out, FALSE);
}

char *
pc_format_values_as (const double         *values,
                     gsize                 n_values,
                     const PcNumberFormat *format,
                     PcFormatNote         *note)
{
  GString *out = g_string_sized_new (32 * n_values + 1);
  const char *sep = g_str_equal (format->decimal_point, ",") ? "; " : ", ";
  PcFormatNote first = PC_FORMAT_NOTE_NONE;

  for (gsize i = 0; i < n_values; i++)
    {
      PcFormatNote n;

      if (i > 0)
        g_string_append (out, sep);
      n = append_as (out, values[i], format);
      if (first == PC_FORMAT_NOTE_NONE)
        first = n;
    }
  if (note != NULL)
    *note = first;
  return g_string_free (out, FALSE);
}
