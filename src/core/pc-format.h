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

G_END_DECLS
