/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest text pc_format_number() writes, with its NUL. */
#define PC_FORMAT_NUMBER_MAX 32

/* Writes @value as a person reads it: up to 15 significant digits, trailing
 * zeros dropped, a decimal point whatever LC_NUMERIC says, and "inf",
 * "-inf", "nan" for the values JSON cannot hold. Returns @buf. */
char *pc_format_number_buf (double  value,
                            char   *buf);
char *pc_format_number     (double  value);

/* Several results joined with ", " as the plain protocol prints them. */
void  pc_format_append_values (GString      *out,
                               const double *values,
                               gsize         n_values);
char *pc_format_values        (const double *values,
                               gsize         n_values);

/* ---- Exact digits and numbers as the user chooses them ---------------- */

/* The longest text pc_format_append_exact() writes: 2^1024 has 309
 * digits, and a sign. */
#define PC_FORMAT_EXACT_MAX 311

/* %TRUE for a finite whole number (-0 included). */
gboolean pc_format_is_integer   (double   value);
/* Appends the exact decimal digits of a finite whole @value: all of the
 * double's digits, "18446744073709551616" for 2^64, "0" for -0. Below
 * 2^53 a plain integer conversion, above it the exact expansion of the
 * double's mantissa times its power of two. */
void     pc_format_append_exact (GString *out,
                                 double   value);

typedef enum
{
  PC_NUMBER_AUTO,         /* %.{digits}g: today's text at 15 digits */
  PC_NUMBER_FIXED,        /* {decimals} digits after the point */
  PC_NUMBER_SCIENTIFIC,   /* d.ddde±x, {digits} significant digits */
  PC_NUMBER_ENGINEERING,  /* exponent a multiple of 3, mantissa 1 to 999 */
  PC_NUMBER_FRACTION,     /* p/q, q at most PC_FORMAT_FRACTION_MAX_DEN */
  PC_NUMBER_HEX,          /* 0x1F, whole numbers only */
  PC_NUMBER_OCTAL,        /* 0o17 */
  PC_NUMBER_BINARY,       /* 0b101 */
} PcNumberStyle;

#define PC_FORMAT_DIGITS_MIN 1
#define PC_FORMAT_DIGITS_MAX 17
#define PC_FORMAT_DIGITS_DEFAULT 15
#define PC_FORMAT_DECIMALS_MAX 20
#define PC_FORMAT_DECIMALS_DEFAULT 2
#define PC_FORMAT_FRACTION_MAX_DEN 1000000

typedef struct
{
  PcNumberStyle style;
  int           digits;             /* significant digits, 1-17 */
  int           decimals;           /* fixed: 0-20 */
  char          decimal_point[8];   /* "" : "." */
  char          group_separator[8]; /* "" : no grouping */
  int           group_size;         /* digits per group; 0: no grouping */
} PcNumberFormat;

/* Automatic, 15 digits, 2 decimals, C separators: today's text. */
void pc_number_format_init       (PcNumberFormat *format);
/* Groups digits and writes the decimal point as LC_NUMERIC says (a comma
 * and a narrow no-break space in ru_RU). Nothing to group in the C locale. */
void pc_number_format_use_locale (PcNumberFormat *format);

/* The style's name: "auto", "fixed", "sci", "eng", "frac", "hex", "oct",
 * "bin" (the CLI's --format and the GSettings enum's nicks). */
const char *pc_number_style_to_string   (PcNumberStyle  style);
gboolean    pc_number_style_from_string (const char    *name,
                                         PcNumberStyle *style);

/* What a formatted text could not say by itself. */
typedef enum
{
  PC_FORMAT_NOTE_NONE,
  PC_FORMAT_NOTE_INFINITY,     /* +-inf: "inf", "-inf" */
  PC_FORMAT_NOTE_UNDEFINED,    /* nan: "nan" */
  PC_FORMAT_NOTE_NOT_INTEGER,  /* hex, octal, binary of a fraction: the
                                * value is written as in automatic */
  PC_FORMAT_NOTE_NO_FRACTION,  /* no p/q with q <= 10^6 is this value:
                                * written as in automatic */
} PcFormatNote;

/* Finds p/q == @value (within a few units in the last place) with
 * 1 <= q <= @max_den, by continued fractions. %FALSE when there is none. */
gboolean pc_format_fraction  (double  value,
                              gint64  max_den,
                              gint64 *numerator,
                              gint64 *denominator);

/* @value written in @format. @note (may be %NULL) says what the text does
 * not: a non-finite value, a style that could not apply. */
char    *pc_format_number_as (double                value,
                              const PcNumberFormat *format,
                              PcFormatNote         *note);
/* Several values, joined with ", " ("; " when the decimal point is a
 * comma). @note is the first value's note that is not NONE. */
char    *pc_format_values_as (const double         *values,
                              gsize                 n_values,
                              const PcNumberFormat *format,
                              PcFormatNote         *note);

G_END_DECLS
