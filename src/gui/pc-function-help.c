/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-function-help.h"

/* Keyed by the names src/eval/pc-eval-catalog.c gives; a name added there
 * and not here shows the server's English text until it is added. */
static const struct
{
  const char *name;
  const char *description;
} help[] = {
  { "sin", N_("sine (radians)") },
  { "cos", N_("cosine (radians)") },
  { "tan", N_("tangent (radians)") },
  { "asin", N_("arc sine, in radians") },
  { "acos", N_("arc cosine, in radians") },
  { "atan", N_("arc tangent, in radians") },
  { "atan2", N_("arc tangent of y/x, atan2(y, x), in radians") },
  { "sinh", N_("hyperbolic sine") },
  { "cosh", N_("hyperbolic cosine") },
  { "tanh", N_("hyperbolic tangent") },
  { "asinh", N_("inverse hyperbolic sine") },
  { "acosh", N_("inverse hyperbolic cosine") },
  { "atanh", N_("inverse hyperbolic tangent") },
  { "log2", N_("logarithm to base 2") },
  { "log10", N_("logarithm to base 10") },
  { "log", N_("log(x): natural logarithm (base e); log(x, b): logarithm to base b") },
  { "ln", N_("natural logarithm (base e)") },
  { "exp", N_("e raised to the power x") },
  { "sqrt", N_("square root") },
  { "sign", N_("sign: -1, 0 or 1") },
  { "rint", N_("round to the nearest integer") },
  { "abs", N_("absolute value") },
  { "sum", N_("sum of the arguments") },
  { "avg", N_("mean of the arguments") },
  { "min", N_("smallest argument") },
  { "max", N_("largest argument") },
  { "floor", N_("largest integer not greater than x") },
  { "ceil", N_("smallest integer not less than x") },
  { "round", N_("nearest integer, halves away from zero") },
  { "trunc", N_("integer part, rounded towards zero") },
  { "mod", N_("mod(a, b): remainder of a / b with the sign of b (same as a % b)") },
  { "gamma", N_("gamma function; gamma(n) = (n - 1)! for whole n > 0") },
  { "nCr", N_("nCr(n, k): combinations of k among n (whole n, k >= 0)") },
  { "nPr", N_("nPr(n, k): permutations of k among n (whole n, k >= 0)") },
  { "cbrt", N_("cube root") },
  { "hypot", N_("hypot(x, y): sqrt(x^2 + y^2) without overflow") },
  { "deg", N_("radians to degrees") },
  { "rad", N_("degrees to radians") },
  { "+", N_("addition") },
  { "-", N_("subtraction, or a negative sign") },
  { "*", N_("multiplication") },
  { "/", N_("division") },
  { "%", N_("modulo, with the sign of the divisor") },
  { "^", N_("power") },
  { "!", N_("factorial (after a number)") },
  { "==", N_("equal: 1 or 0") },
  { "!=", N_("not equal: 1 or 0") },
  { "<", N_("less than: 1 or 0") },
  { ">", N_("greater than: 1 or 0") },
  { "<=", N_("less than or equal: 1 or 0") },
  { ">=", N_("greater than or equal: 1 or 0") },
  { "&&", N_("logical and") },
  { "||", N_("logical or") },
  { "?:", N_("condition: c ? a : b") },
  { "=", N_("assignment: name = value, or f(x) = definition") },
  { "pi", N_("ratio of a circle's circumference to its diameter") },
  { "e", N_("Euler's number, the base of the natural logarithm") },
  { "_pi", N_("same as pi (muparser's name)") },
  { "_e", N_("same as e (muparser's name)") },
};

const char *
pc_function_help_english (const char *name)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (help); i++)
    if (strcmp (help[i].name, name) == 0)
      return help[i].description;
  return NULL;
}

const char *
pc_function_help_describe (const char *name,
                           const char *server_text)
{
  const char *english = pc_function_help_english (name);

  return english != NULL ? _(english) : server_text;
}
