/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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


/* ---- Exact digits ------------------------------------------------------ */

static char *
exact (double value)
{
  GString *out = g_string_new (NULL);

  pc_format_append_exact (out, value);
  return g_string_free (out, FALSE);
}

static void
test_exact (void)
{
  const struct
  {
    double      value;
    const char *digits;
  } cases[] = {
    { 0, "0" },
    { -0.0, "0" },
    { 1, "1" },
    { -42, "-42" },
    { 9007199254740991.0, "9007199254740991" },
    { 9007199254740992.0, "9007199254740992" },
    { -9007199254740994.0, "-9007199254740994" },
    { 18446744073709551616.0, "18446744073709551616" },
    { 1267650600228229401496703205376.0, "1267650600228229401496703205376" },
    { 1e22, "10000000000000000000000" },
    { 1e23, "99999999999999991611392" },
    { -1e300,
      "-100000000000000005250476025520442024870446858110815915491585411551180"
      "2457988908195786371375080447864043704443832883878176942523235360430575"
      "6447921847867069828483872009265758037378302337947880900593689532349707"
      "9994508111903896764088007465274278014249457925878882005684283811566947"
      "2196386865459400540160" },
    { G_MAXDOUBLE,
      "1797693134862315708145274237317043567980705675258449965989174768031572"
      "6078002853876058955863276687817154045895351438246423432132688946418276"
      "8467546703537516986049910576551282076245490090389328944075868508455133"
      "9423045832369032229481658085593321233482747978262041447231687381771809"
      "19299881250404026184124858368" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = exact (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].digits);
      g_assert_cmpuint (strlen (text), <, PC_FORMAT_EXACT_MAX);
    }

  /* Every power of two, against printf's exact "%.0f" (glibc's is). */
  for (int e = 0; e < 1024; e++)
    {
      double value = ldexp (e % 2 ? -1 : 1, e);
      g_autofree char *text = exact (value);
      g_autofree char *printed = g_strdup_printf ("%.0f", value);

      g_assert_cmpstr (text, ==, printed);
    }
  g_assert_true (pc_format_is_integer (-0.0));
  g_assert_true (pc_format_is_integer (G_MAXDOUBLE));
  g_assert_false (pc_format_is_integer (0.5));
  g_assert_false (pc_format_is_integer (INFINITY));
  g_assert_false (pc_format_is_integer (NAN));
}

/* ---- Styles ------------------------------------------------------------ */

typedef struct
{
  PcNumberStyle  style;
  int            precision;  /* digits, or decimals in fixed */
  double         value;
  const char    *text;
  PcFormatNote   note;
} StyleCase;

static void
check_style_cases (const StyleCase *cases,
                   gsize            n_cases,
                   gboolean         use_locale)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      PcNumberFormat format;
      PcFormatNote note = -1;
      g_autofree char *text = NULL;

      pc_number_format_init (&format);
      if (use_locale)
        pc_number_format_use_locale (&format);
      format.style = cases[i].style;
      if (cases[i].style == PC_NUMBER_FIXED)
        format.decimals = cases[i].precision;
      else if (cases[i].precision > 0)
        format.digits = cases[i].precision;
      text = pc_format_number_as (cases[i].value, &format, &note);
      g_test_message ("%s %d %.17g → %s", pc_number_style_to_string (cases[i].style),
                      cases[i].precision, cases[i].value, text);
      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpint (note, ==, cases[i].note);
    }
}

static void
test_styles (void)
{
  volatile double tenth = 0.1;
  volatile double one = 1;
  volatile double zero = 0;
  const double third = one / 3;
  const StyleCase cases[] = {
    /* Automatic at 15 digits is today's text; fewer digits round. */
    { PC_NUMBER_AUTO, 0, tenth + 0.2, "0.3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_AUTO, 17, tenth + 0.2, "0.30000000000000004", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_AUTO, 3, 2.0 / 3, "0.667", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_AUTO, 1, 2.6e-7, "3e-07", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_AUTO, 5, -123456, "-1.2346e+05", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_AUTO, 0, -zero, "0", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_AUTO, 0, 1 / zero, "inf", PC_FORMAT_NOTE_INFINITY },
    { PC_NUMBER_AUTO, 0, -1 / zero, "-inf", PC_FORMAT_NOTE_INFINITY },
    { PC_NUMBER_AUTO, 0, zero / zero, "nan", PC_FORMAT_NOTE_UNDEFINED },
    /* Fixed: N decimals, rounded; all of a large whole number's digits. */
    { PC_NUMBER_FIXED, 2, 3.14159, "3.14", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 2, 2.675, "2.67", PC_FORMAT_NOTE_NONE },  /* 2.67499999... */
    { PC_NUMBER_FIXED, 0, 2.5, "2", PC_FORMAT_NOTE_NONE },       /* to even */
    { PC_NUMBER_FIXED, 0, 0.75, "1", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 3, -1.0005, "-1.000", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 2, -0.001, "0.00", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 4, 1e-9, "0.0000", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 0, 18446744073709551616.0, "18446744073709551616", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 2, -18446744073709551616.0, "-18446744073709551616.00", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 20, third, "0.33333333333333331483", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FIXED, 2, 1 / zero, "inf", PC_FORMAT_NOTE_INFINITY },
    /* Scientific: significant digits, trailing zeros dropped. */
    { PC_NUMBER_SCIENTIFIC, 0, 1234.5, "1.2345e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 3, 1234.5, "1.23e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 3, 9999, "1e4", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 0, -0.00012, "-1.2e-4", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 0, 1, "1e0", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 0, 0, "0", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 17, G_MAXDOUBLE, "1.7976931348623157e308", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_SCIENTIFIC, 0, 4.9406564584124654e-324, "4.94065645841247e-324", PC_FORMAT_NOTE_NONE },
    /* Engineering: exponents in threes. */
    { PC_NUMBER_ENGINEERING, 0, 1234.5, "1.2345e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 0, 12345, "12.345e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 0, 123456, "123.456e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 0, 0.00012, "120e-6", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 1, 12345, "10e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 2, 999.6, "1e3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 0, -47e-12, "-47e-12", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_ENGINEERING, 0, 5, "5e0", PC_FORMAT_NOTE_NONE },
    /* Fractions: simple rationals, or automatic with a note. */
    { PC_NUMBER_FRACTION, 0, 0.75, "3/4", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, third, "1/3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, -2.0 / 3, "-2/3", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, tenth + 0.2, "3/10", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, 7, "7", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, -zero, "0", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, 1.0 / 999983, "1/999983", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_FRACTION, 0, 1.0 / 1000003, "9.99997000009e-07", PC_FORMAT_NOTE_NO_FRACTION },
    { PC_NUMBER_FRACTION, 0, G_PI, "3.14159265358979", PC_FORMAT_NOTE_NO_FRACTION },
    { PC_NUMBER_FRACTION, 0, 1e300, "1e+300", PC_FORMAT_NOTE_NO_FRACTION },
    { PC_NUMBER_FRACTION, 0, 1e-300, "1e-300", PC_FORMAT_NOTE_NO_FRACTION },
    { PC_NUMBER_FRACTION, 0, zero / zero, "nan", PC_FORMAT_NOTE_UNDEFINED },
    /* Hexadecimal, octal, binary: whole numbers, exactly. */
    { PC_NUMBER_HEX, 0, 255, "0xFF", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_HEX, 0, -255, "-0xFF", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_HEX, 0, 0, "0x0", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_HEX, 0, 18446744073709551616.0, "0x10000000000000000", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_HEX, 0, 9007199254740991.0 * 2, "0x3FFFFFFFFFFFFE", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_HEX, 0, 2.5, "2.5", PC_FORMAT_NOTE_NOT_INTEGER },
    { PC_NUMBER_OCTAL, 0, 8, "0o10", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_OCTAL, 0, 18446744073709551616.0, "0o2000000000000000000000", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_BINARY, 0, 5, "0b101", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_BINARY, 0, -1, "-0b1", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_BINARY, 0, 1099511627776.0, "0b10000000000000000000000000000000000000000", PC_FORMAT_NOTE_NONE },
    { PC_NUMBER_BINARY, 0, third, "0.333333333333333", PC_FORMAT_NOTE_NOT_INTEGER },
    { PC_NUMBER_BINARY, 0, -1 / zero, "-inf", PC_FORMAT_NOTE_INFINITY },
  };

  check_style_cases (cases, G_N_ELEMENTS (cases), FALSE);
}

/* A huge whole number in binary: its 1024 digits, exactly. */
static void
test_radix_huge (void)
{
  PcNumberFormat format;
  g_autofree char *text = NULL;

  pc_number_format_init (&format);
  format.style = PC_NUMBER_BINARY;
  text = pc_format_number_as (G_MAXDOUBLE, &format, NULL);
  g_assert_cmpuint (strlen (text), ==, 2 + 1024);
  g_assert_true (g_str_has_prefix (text, "0b11111111111111111111111111111111111111111111111111111"
                                         "0"));
  g_assert_cmpuint (strspn (text + 2 + 53, "0"), ==, 1024 - 53);
}

static void
test_style_names (void)
{
  PcNumberStyle style;

  for (int i = PC_NUMBER_AUTO; i <= PC_NUMBER_BINARY; i++)
    {
      g_assert_true (pc_number_style_from_string (pc_number_style_to_string (i), &style));
      g_assert_cmpint (style, ==, i);
    }
  g_assert_true (pc_number_style_from_string ("frac", &style));
  g_assert_cmpint (style, ==, PC_NUMBER_FRACTION);
  g_assert_false (pc_number_style_from_string ("decimal", &style));
  g_assert_false (pc_number_style_from_string ("", &style));
  g_assert_false (pc_number_style_from_string (NULL, &style));
}

static void
test_values_as (void)
{
  const double values[] = { 0.5, 1.0 / 0.0, 0.25 };
  PcNumberFormat format;
  PcFormatNote note;
  g_autofree char *text = NULL;
  g_autofree char *comma = NULL;

  pc_number_format_init (&format);
  format.style = PC_NUMBER_FRACTION;
  text = pc_format_values_as (values, G_N_ELEMENTS (values), &format, &note);
  g_assert_cmpstr (text, ==, "1/2, inf, 1/4");
  g_assert_cmpint (note, ==, PC_FORMAT_NOTE_INFINITY);

  /* A decimal comma: the values are parted with a semicolon. */
  format.style = PC_NUMBER_AUTO;
  strcpy (format.decimal_point, ",");
  comma = pc_format_values_as (values, G_N_ELEMENTS (values), &format, &note);
  g_assert_cmpstr (comma, ==, "0,5; inf; 0,25");
}

/* Digit grouping and the decimal comma of ru_RU, only when asked. */
static void
test_grouping_ru (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  const struct lconv *conv;
  g_autofree char *sep = NULL;
  PcNumberFormat format;
  g_autofree char *plain = NULL;

  if (setlocale (LC_ALL, "ru_RU.UTF-8") == NULL)
    {
      g_test_skip ("ru_RU.UTF-8 locale not installed: run "
                   "`sed -i 's/^# *ru_RU.UTF-8/ru_RU.UTF-8/' /etc/locale.gen; "
                   "locale-gen` to test grouping under a comma locale");
      return;
    }
  conv = localeconv ();
  /* A no-break space of some width, never a plain one or nothing. */
  sep = g_strdup (conv->thousands_sep);
  g_assert_true (g_str_equal (sep, "\u00a0") || g_str_equal (sep, "\u202f"));

  /* Without the option: the C separators, whatever the locale. */
  pc_number_format_init (&format);
  plain = pc_format_number_as (1234567.5, &format, NULL);
  g_assert_cmpstr (plain, ==, "1234567.5");

  {
#define S "%s"
    struct { PcNumberStyle style; int precision; double value; const char *pattern; } cases[] = {
      { PC_NUMBER_AUTO, 0, 1234567.5, "1" S "234" S "567,5" },
      { PC_NUMBER_AUTO, 0, -1234, "-1" S "234" },
      { PC_NUMBER_AUTO, 0, 123, "123" },
      { PC_NUMBER_AUTO, 0, 0.25, "0,25" },
      { PC_NUMBER_AUTO, 0, 1e20, "1e+20" },
      { PC_NUMBER_FIXED, 2, 1234567.891, "1" S "234" S "567,89" },
      { PC_NUMBER_FIXED, 0, 18446744073709551616.0, "18" S "446" S "744" S "073" S "709" S "551" S "616" },
      { PC_NUMBER_FIXED, 2, -999.999, "-1" S "000,00" },
      { PC_NUMBER_SCIENTIFIC, 0, 1234.5, "1,2345e3" },
      { PC_NUMBER_ENGINEERING, 0, 123456, "123,456e3" },
      { PC_NUMBER_FRACTION, 0, 0.75, "3/4" },
      { PC_NUMBER_HEX, 0, 65535, "0xFFFF" },
    };
#undef S
    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *text = NULL;
        g_auto(GStrv) parts = g_strsplit (cases[i].pattern, "%s", -1);
        g_autofree char *expected = g_strjoinv (sep, parts);

        pc_number_format_init (&format);
        pc_number_format_use_locale (&format);
        format.style = cases[i].style;
        if (cases[i].style == PC_NUMBER_FIXED)
          format.decimals = cases[i].precision;
        text = pc_format_number_as (cases[i].value, &format, NULL);
        g_assert_cmpstr (text, ==, expected);
      }
  }
  setlocale (LC_ALL, saved);

  /* The C locale has no group separator: nothing to group. */
  pc_number_format_use_locale (&format);
  format.style = PC_NUMBER_AUTO;
  g_free (plain);
  plain = pc_format_number_as (1234567.5, &format, NULL);
  g_assert_cmpstr (plain, ==, "1234567.5");
}

/* Out-of-range settings are brought into range, never a crash. */
static void
test_bad_settings (void)
{
  PcNumberFormat format;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *fixed = NULL;
  g_autofree char *odd = NULL;

  pc_number_format_init (&format);
  format.digits = -5;
  low = pc_format_number_as (G_PI, &format, NULL);
  g_assert_cmpstr (low, ==, "3");
  format.digits = 1000;
  high = pc_format_number_as (G_PI, &format, NULL);
  g_assert_cmpstr (high, ==, "3.1415926535897931");
  format.style = PC_NUMBER_FIXED;
  format.decimals = 1000;
  fixed = pc_format_number_as (-G_MAXDOUBLE, &format, NULL);
  g_assert_cmpuint (strlen (fixed), ==, 1 + 309 + 1 + PC_FORMAT_DECIMALS_MAX);
  format.style = (PcNumberStyle) 99;
  odd = pc_format_number_as (0.5, &format, NULL);
  g_assert_cmpstr (odd, ==, "0.5");
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
  g_test_add_func ("/format/exact", test_exact);
  g_test_add_func ("/format/styles", test_styles);
  g_test_add_func ("/format/styles/radix-huge", test_radix_huge);
  g_test_add_func ("/format/styles/names", test_style_names);
  g_test_add_func ("/format/styles/values", test_values_as);
  g_test_add_func ("/format/styles/grouping-ru_RU", test_grouping_ru);
  g_test_add_func ("/format/styles/bad-settings", test_bad_settings);

  status = g_test_run ();
  g_free (format_cases);
  return status;
}
