/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-evaluator.h"
#include "pc-eval-catalog.h"

#include <string.h>

/* What the `functions` method answers: muparser 2.3.3's built-in
 * functions and operators, and the constants pipecalc defines. */

static const PcCatalogFunction functions[] = {
  { "sin", "sine (radians)", 1 },
  { "cos", "cosine (radians)", 1 },
  { "tan", "tangent (radians)", 1 },
  { "asin", "arc sine, in radians", 1 },
  { "acos", "arc cosine, in radians", 1 },
  { "atan", "arc tangent, in radians", 1 },
  { "atan2", "arc tangent of y/x, atan2(y, x), in radians", 2 },
  { "sinh", "hyperbolic sine", 1 },
  { "cosh", "hyperbolic cosine", 1 },
  { "tanh", "hyperbolic tangent", 1 },
  { "asinh", "inverse hyperbolic sine", 1 },
  { "acosh", "inverse hyperbolic cosine", 1 },
  { "atanh", "inverse hyperbolic tangent", 1 },
  { "log2", "logarithm to base 2", 1 },
  { "log10", "logarithm to base 10", 1 },
  { "log", "log(x): natural logarithm (base e); log(x, b): logarithm to base b", -1 },
  { "ln", "natural logarithm (base e)", 1 },
  { "exp", "e raised to the power x", 1 },
  { "sqrt", "square root", 1 },
  { "sign", "sign: -1, 0 or 1", 1 },
  { "rint", "round to the nearest integer", 1 },
  { "abs", "absolute value", 1 },
  { "sum", "sum of the arguments", -1 },
  { "avg", "mean of the arguments", -1 },
  { "min", "smallest argument", -1 },
  { "max", "largest argument", -1 },
  { "floor", "largest integer not greater than x", 1 },
  { "ceil", "smallest integer not less than x", 1 },
  { "round", "nearest integer, halves away from zero", 1 },
  { "trunc", "integer part, rounded towards zero", 1 },
  { "mod", "mod(a, b): remainder of a / b with the sign of b (same as a % b)", 2 },
  { "gamma", "gamma function; gamma(n) = (n - 1)! for whole n > 0", 1 },
  { "nCr", "nCr(n, k): combinations of k among n (whole n, k >= 0)", 2 },
  { "nPr", "nPr(n, k): permutations of k among n (whole n, k >= 0)", 2 },
  { "cbrt", "cube root", 1 },
  { "hypot", "hypot(x, y): sqrt(x^2 + y^2) without overflow", 2 },
  { "deg", "radians to degrees", 1 },
  { "rad", "degrees to radians", 1 },
};

static const char *const operators[] = {
  "+", "-", "*", "/", "%", "^", "!", "==", "!=", "<", ">", "<=", ">=",
  "&&", "||", "?:", "=", NULL,
};

/* muparser only knows _pi and _e, and Debian's build defines _pi with 13
 * digits (a speed hack for GCC in muParserTemplateMagic.h); defining the
 * constants again replaces them with the nearest doubles. */
static const PcCatalogConstant constants[] = {
  { "pi", "ratio of a circle's circumference to its diameter", G_PI },
  { "e", "Euler's number, the base of the natural logarithm", G_E },
  { "_pi", "same as pi (muparser's name)", G_PI },
  { "_e", "same as e (muparser's name)", G_E },
};

gboolean
pc_eval_is_function (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (functions); i++)
    if (strcmp (functions[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

gboolean
pc_eval_is_constant (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (constants); i++)
    if (strcmp (constants[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

const PcCatalogFunction *
pc_evaluator_functions (guint *n_functions)
{
  if (n_functions != NULL)
    *n_functions = G_N_ELEMENTS (functions);
  return functions;
}

const char * const *
pc_evaluator_operators (guint *n_operators)
{
  if (n_operators != NULL)
    *n_operators = G_N_ELEMENTS (operators) - 1;
  return operators;
}

const PcCatalogConstant *
pc_evaluator_constants (guint *n_constants)
{
  if (n_constants != NULL)
    *n_constants = G_N_ELEMENTS (constants);
  return constants;
}

const char *
pc_eval_error_reason (int code)
{
  static const struct
  {
    int         code;
    const char *reason;
  } reasons[] = {
    { PC_EVAL_ERROR_UNEXPECTED_OPERATOR, "unexpected-operator" },
    { PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, "unassignable-token" },
    { PC_EVAL_ERROR_UNEXPECTED_EOF, "unexpected-eof" },
    { PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, "unexpected-arg-sep" },
    { PC_EVAL_ERROR_UNEXPECTED_ARG, "unexpected-arg" },
    { PC_EVAL_ERROR_UNEXPECTED_VAL, "unexpected-val" },
    { PC_EVAL_ERROR_UNEXPECTED_VAR, "unexpected-var" },
    { PC_EVAL_ERROR_UNEXPECTED_PARENS, "unexpected-parens" },
    { PC_EVAL_ERROR_UNEXPECTED_STR, "unexpected-str" },
    { PC_EVAL_ERROR_STRING_EXPECTED, "string-expected" },
    { PC_EVAL_ERROR_VAL_EXPECTED, "val-expected" },
    { PC_EVAL_ERROR_MISSING_PARENS, "missing-parens" },
    { PC_EVAL_ERROR_UNEXPECTED_FUN, "unexpected-fun" },
    { PC_EVAL_ERROR_UNTERMINATED_STRING, "unterminated-string" },
    { PC_EVAL_ERROR_TOO_MANY_PARAMS, "too-many-params" },
    { PC_EVAL_ERROR_TOO_FEW_PARAMS, "too-few-params" },
    { PC_EVAL_ERROR_OPRT_TYPE_CONFLICT, "oprt-type-conflict" },
    { PC_EVAL_ERROR_STR_RESULT, "str-result" },
    { PC_EVAL_ERROR_EMPTY_EXPRESSION, "empty-expression" },
    { PC_EVAL_ERROR_NAME_CONFLICT, "name-conflict" },
    { PC_EVAL_ERROR_DOMAIN, "domain" },
    { PC_EVAL_ERROR_DIV_BY_ZERO, "div-by-zero" },
    { PC_EVAL_ERROR_GENERIC, "generic" },
    { PC_EVAL_ERROR_UNEXPECTED_CONDITIONAL, "unexpected-conditional" },
    { PC_EVAL_ERROR_MISSING_ELSE_CLAUSE, "missing-else-clause" },
    { PC_EVAL_ERROR_MISPLACED_COLON, "misplaced-colon" },
    { PC_EVAL_ERROR_TOO_MANY_COMPUTATIONS, "too-many-computations" },
    { PC_EVAL_ERROR_IDENTIFIER_TOO_LONG, "identifier-too-long" },
    { PC_EVAL_ERROR_EXPRESSION_TOO_LONG, "expression-too-long" },
    { PC_EVAL_ERROR_INVALID_CHARACTERS, "invalid-characters" },
    { PC_EVAL_ERROR_INTERNAL, "internal" },
    { PC_EVAL_ERROR_UNKNOWN_VARIABLE, "unknown-variable" },
    { PC_EVAL_ERROR_ASSIGN_TO_CONSTANT, "assign-to-constant" },
    { PC_EVAL_ERROR_NOT_A_VARIABLE, "not-a-variable" },
    { PC_EVAL_ERROR_INVALID_NUMBER, "invalid-number" },
    { PC_EVAL_ERROR_UNKNOWN_FUNCTION, "unknown-function" },
    { PC_EVAL_ERROR_TOO_MANY_VARIABLES, "too-many-variables" },
    { PC_EVAL_ERROR_RECURSION, "recursion" },
    { PC_EVAL_ERROR_INVALID_PARAMETER, "invalid-parameter" },
    { PC_EVAL_ERROR_SEVERAL_RESULTS, "several-results" },
    { PC_EVAL_ERROR_ASSIGNMENT, "assignment" },
    { PC_EVAL_ERROR_BROKEN_FUNCTION, "broken-function" },
    { PC_EVAL_ERROR_TOO_MANY_FUNCTIONS, "too-many-functions" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].code == code)
      return reasons[i].reason;
  return "invalid-expression";
}
