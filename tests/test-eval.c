/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "pc-evaluator.h"

static GArray *
eval_ok (PcEvaluator *ev,
         const char  *expr)
{
  g_autoptr(GError) error = NULL;
  GArray *values = pc_evaluator_eval (ev, expr, NULL, &error);

  if (error != NULL)
    g_test_message ("\"%s\" failed: %s", expr, error->message);
  g_assert_no_error (error);
  g_assert_nonnull (values);
  return values;
}

/* The last (or only) result of @expr. */
static double
eval_one (PcEvaluator *ev,
          const char  *expr)
{
  g_autoptr(GArray) values = eval_ok (ev, expr);

  g_assert_cmpuint (values->len, >=, 1);
  return g_array_index (values, double, values->len - 1);
}

/* Evaluates @expr, expects it to fail with @code at @pos with @token, and
 * returns the message. */
static char *
eval_fails (PcEvaluator     *ev,
            const char      *expr,
            PcEvalErrorCode  code,
            int              pos,
            const char      *token)
{
  g_autoptr(GError) error = NULL;
  PcEvalErrorDetail detail = { 42, NULL };
  GArray *values = pc_evaluator_eval (ev, expr, &detail, &error);
  g_autofree char *start = g_strndup (expr, 60);
  g_autofree char *shown_expr = g_strescape (start, NULL);
  g_autofree char *shown_token = NULL;

  g_assert_null (values);
  g_assert_nonnull (error);
  g_assert_nonnull (detail.token);
  /* Escaped, so that a control character cannot break the TAP output. */
  shown_token = g_strescape (detail.token, NULL);
  g_test_message ("%s -> %d \"%s\" pos %d token \"%s\"", shown_expr, error->code,
                  error->message, detail.pos, shown_token);
  g_assert_error (error, PC_EVAL_ERROR, (int) code);
  g_assert_cmpint (detail.pos, ==, pos);
  if (token != NULL)
    g_assert_cmpstr (detail.token, ==, token);
  g_assert_cmpuint (g_utf8_strlen (detail.token, -1), <=, PC_EVAL_MAX_TOKEN);
  pc_eval_error_detail_clear (&detail);
  g_assert_null (detail.token);

  return g_strdup (error->message);
}

static void
assert_fails (PcEvaluator     *ev,
              const char      *expr,
              PcEvalErrorCode  code,
              int              pos,
              const char      *token,
              const char      *message)
{
  g_autofree char *got = eval_fails (ev, expr, code, pos, token);

  if (message != NULL)
    g_assert_cmpstr (got, ==, message);
}

static void
collect_cb (const char *name,
            double      value,
            gpointer    user_data)
{
  g_string_append_printf (user_data, "%s=%.17g;", name, value);
}

static char *
variables (PcEvaluator *ev)
{
  GString *s = g_string_new ("");

  pc_evaluator_foreach_variable (ev, collect_cb, s);
  return g_string_free (s, FALSE);
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *s = g_string_new ("");

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static void
test_basic (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_cmpfloat (eval_one (ev, "1+2"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "2^10"), ==, 1024);
  g_assert_cmpfloat (eval_one (ev, "2+3*4"), ==, 14);
  g_assert_cmpfloat (eval_one (ev, "-2^2"), ==, -4);
  g_assert_cmpfloat (eval_one (ev, "(1 + 2) * 3"), ==, 9);
  g_assert_cmpfloat (eval_one (ev, "\t1 +\t2 "), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "0.1+0.2"), ==, 0.1 + 0.2);
  g_assert_cmpfloat (eval_one (ev, "sin(pi/2)"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "sum(1,2,3) + min(4,5) + max(6,7) + avg(2,4)"),
                     ==, 6 + 4 + 7 + 3);
  g_assert_cmpfloat (eval_one (ev, "atan2(1, 1)"), ==, atan2 (1, 1));
  g_assert_cmpfloat (eval_one (ev, "1 < 2 ? 10 : 20"), ==, 10);
  g_assert_cmpfloat (eval_one (ev, "1 == 1 && 2 != 3"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, ".5 + 5."), ==, 5.5);
}

static void
test_constants (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  /* Exact comparisons: the constants must be the nearest doubles. */
  g_assert_true (eval_one (ev, "pi") == G_PI);
  g_assert_true (eval_one (ev, "e") == G_E);
  g_assert_true (eval_one (ev, "_pi") == G_PI);
  g_assert_true (eval_one (ev, "_e") == G_E);
  g_assert_true (eval_one (ev, "2*e") == 2 * G_E);
  g_assert_true (eval_one (ev, "2e3") == 2000);
  g_assert_true (eval_one (ev, "1.5E-7") == 1.5E-7);
  g_assert_true (eval_one (ev, "2E+2") == 200);

  assert_fails (ev, "pi = 3", PC_EVAL_ERROR_ASSIGN_TO_CONSTANT, 0, "pi",
                "Cannot assign to constant \"pi\" at position 0");
  assert_fails (ev, "1, e=2", PC_EVAL_ERROR_ASSIGN_TO_CONSTANT, 3, "e", NULL);
  assert_fails (ev, "_pi=1", PC_EVAL_ERROR_ASSIGN_TO_CONSTANT, 0, "_pi", NULL);
  g_assert_true (eval_one (ev, "pi") == G_PI);
}

static void
test_ans (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 0);
  g_assert_cmpfloat (eval_one (ev, "1+2"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "ans*2"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "10, 20"), ==, 20);
  g_assert_cmpfloat (eval_one (ev, "ans + 1"), ==, 21);
  /* Assigning ans is allowed; the result then becomes ans anyway. */
  g_assert_cmpfloat (eval_one (ev, "ans = 5, ans * 3"), ==, 15);
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 15);
}

static void
test_assign (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GArray) values = NULL;

  g_assert_cmpfloat (eval_one (ev, "a = 3"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "a * 2"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "a = a + 1"), ==, 4);
  g_assert_cmpfloat (eval_one (ev, "b = a * 10"), ==, 40);
  g_assert_cmpfloat (eval_one (ev, "a + b"), ==, 44);
  g_assert_cmpfloat (eval_one (ev, "x_1 = 2, y2 = x_1 ^ 3, y2"), ==, 8);
  g_assert_cmpfloat (eval_one (ev, "1 + (c = 3) + c"), ==, 7);
  g_assert_cmpfloat (eval_one (ev, "1 ? (d = 2) : 3, d"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "a == 4"), ==, 1);

  values = eval_ok (ev, "f = 3, f * 2");
  g_assert_cmpuint (values->len, ==, 2);
  g_assert_cmpfloat (g_array_index (values, double, 0), ==, 3);
  g_assert_cmpfloat (g_array_index (values, double, 1), ==, 6);
}

static void
test_multi (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GArray) values = eval_ok (ev, "1, 2+3, sin(0), 4");

  g_assert_cmpuint (values->len, ==, 4);
  g_assert_cmpfloat (g_array_index (values, double, 0), ==, 1);
  g_assert_cmpfloat (g_array_index (values, double, 1), ==, 5);
  g_assert_cmpfloat (g_array_index (values, double, 2), ==, 0);
  g_assert_cmpfloat (g_array_index (values, double, 3), ==, 4);
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 4);
}

static void
test_special_values (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  double v;

  v = eval_one (ev, "1/0");
  g_assert_true (isinf (v) && v > 0);
  v = eval_one (ev, "-1/0");
  g_assert_true (isinf (v) && v < 0);
  g_assert_true (isnan (eval_one (ev, "sqrt(-1)")));
  g_assert_true (isnan (eval_one (ev, "ans")));
  v = eval_one (ev, "ln(0)");
  g_assert_true (isinf (v) && v < 0);
  g_assert_cmpfloat (eval_one (ev, "1e-400"), ==, 0);
}

static void
test_syntax_errors (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  assert_fails (ev, "1+*2", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 2, "*",
                "Unexpected operator \"*\" found at position 2");
  assert_fails (ev, "--1", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 1, "-", NULL);
  assert_fails (ev, "2 * - - 3", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 6, "-", NULL);
  assert_fails (ev, "sin(", PC_EVAL_ERROR_UNEXPECTED_EOF, 4, "",
                "Unexpected end of expression at position 4");
  assert_fails (ev, "1+", PC_EVAL_ERROR_UNEXPECTED_EOF, 2, "", NULL);
  assert_fails (ev, "1,", PC_EVAL_ERROR_UNEXPECTED_EOF, 2, "", NULL);
  assert_fails (ev, "(1+2", PC_EVAL_ERROR_MISSING_PARENS, 0, "(",
                "Missing closing parenthesis");
  assert_fails (ev, "((1) + (2", PC_EVAL_ERROR_MISSING_PARENS, 7, "(", NULL);
  assert_fails (ev, "1+2)", PC_EVAL_ERROR_UNEXPECTED_PARENS, 3, ")",
                "Unexpected parenthesis \")\" at position 3");
  assert_fails (ev, "()", PC_EVAL_ERROR_UNEXPECTED_PARENS, 1, ")", NULL);
  assert_fails (ev, "2(3)", PC_EVAL_ERROR_UNEXPECTED_PARENS, 1, "(", NULL);
  assert_fails (ev, "sin(1,2)", PC_EVAL_ERROR_TOO_MANY_PARAMS, 0, "sin",
                "Too many parameters for function \"sin\" at position 0");
  assert_fails (ev, "1 + atan2(1)", PC_EVAL_ERROR_TOO_FEW_PARAMS, 4, "atan2", NULL);
  assert_fails (ev, "sin()", PC_EVAL_ERROR_TOO_FEW_PARAMS, 0, "sin", NULL);
  assert_fails (ev, "2*sum()", PC_EVAL_ERROR_TOO_FEW_PARAMS, 2, "sum", NULL);
  assert_fails (ev, "sin(8)cos(9)", PC_EVAL_ERROR_UNEXPECTED_FUN, 6, "cos", NULL);
  assert_fails (ev, "sum(1,,2)", PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, 6, ",", NULL);
  assert_fails (ev, ",", PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, 0, ",", NULL);
  assert_fails (ev, "(1,2)", PC_EVAL_ERROR_UNEXPECTED_ARG, 0, "(", NULL);
  assert_fails (ev, "1 2", PC_EVAL_ERROR_UNEXPECTED_VAL, 2, "2",
                "Unexpected value \"2\" found at position 2");
  assert_fails (ev, "3a", PC_EVAL_ERROR_UNEXPECTED_VAR, 1, "a", NULL);
  assert_fails (ev, "1+$", PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, 2, "$",
                "Unexpected token \"$\" found at position 2");
  assert_fails (ev, "5#2", PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, 1, "#", NULL);
  assert_fails (ev, "1:2", PC_EVAL_ERROR_MISPLACED_COLON, 1, ":", NULL);
  /* muparser calls these internal errors; they are syntax errors. */
  assert_fails (ev, "1*-", PC_EVAL_ERROR_UNEXPECTED_EOF, 3, "", NULL);
  assert_fails (ev, "+ ", PC_EVAL_ERROR_UNEXPECTED_EOF, 2, "", NULL);
  assert_fails (ev, "-?1", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 1, "?", NULL);
  assert_fails (ev, "1 ? 2", PC_EVAL_ERROR_MISSING_ELSE_CLAUSE, -1, "", NULL);
  assert_fails (ev, "1, \"abc\"", PC_EVAL_ERROR_UNEXPECTED_STR, 3, "\"",
                "Strings are not supported at position 3");
  assert_fails (ev, "sin(\"abc\")", PC_EVAL_ERROR_UNEXPECTED_STR, 4, "\"", NULL);
  assert_fails (ev, "1 + \"abc", PC_EVAL_ERROR_UNEXPECTED_STR, 4, "\"", NULL);
}

static void
test_assignment_errors (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  assert_fails (ev, "a=", PC_EVAL_ERROR_UNEXPECTED_EOF, 2, "", NULL);
  assert_fails (ev, "a = 3 = 4", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 6, "=", NULL);
  assert_fails (ev, "3 = 4", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 2, "=", NULL);
  g_assert_cmpfloat (eval_one (ev, "a = 1, b = 2"), ==, 2);
  /* muparser reports these without a position; pipecalc finds the "=". */
  assert_fails (ev, "a+b=3", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 3, "=", NULL);
  assert_fails (ev, "-a = 3", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 3, "=", NULL);
  assert_fails (ev, "a=b=3", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 3, "=", NULL);
}

static void
test_unknown_variable (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *vars = NULL;

  assert_fails (ev, "foo*2", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "foo",
                "Unknown variable \"foo\" at position 0");
  assert_fails (ev, "2*foo", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 2, "foo", NULL);
  assert_fails (ev, "x", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "x", NULL);
  assert_fails (ev, "x == 3", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "x", NULL);
  assert_fails (ev, "1, 2 + x = 3", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 9, "=", NULL);
  /* The first mistake in the text wins over a later syntax error. */
  assert_fails (ev, "x y", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "x", NULL);
  assert_fails (ev, "foo + ", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "foo", NULL);
  assert_fails (ev, "1+*2, foo", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 2, "*", NULL);
  /* A new name may not read itself while being defined... */
  assert_fails (ev, "n = n + 1", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 4, "n", NULL);
  assert_fails (ev, "m = (1, m)", PC_EVAL_ERROR_UNEXPECTED_ARG, 4, "(", NULL);
  /* ...nor be defined only in a branch that did not run. */
  assert_fails (ev, "0 ? (a = 1) : 2, a", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 5, "a", NULL);
  assert_fails (ev, "1 ? 2 : (a = 3)", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 9, "a", NULL);
  /* Numbers are not names: "e3" is, "2e3" is not. */
  assert_fails (ev, "e3", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "e3", NULL);
  assert_fails (ev, "1 + inf", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 4, "inf", NULL);
  /* Function names are not variables. */
  assert_fails (ev, "sin * 2", PC_EVAL_ERROR_UNEXPECTED_FUN, 0, "sin", NULL);
  assert_fails (ev, "sin = 2", PC_EVAL_ERROR_UNEXPECTED_FUN, 0, "sin", NULL);
  assert_fails (ev, "sin (1)", PC_EVAL_ERROR_UNEXPECTED_FUN, 0, "sin", NULL);
  assert_fails (ev, "2 * foo(2)", PC_EVAL_ERROR_UNKNOWN_FUNCTION, 4, "foo",
                "Unknown function \"foo\" at position 4");
  assert_fails (ev, "foo (2)", PC_EVAL_ERROR_UNKNOWN_FUNCTION, 0, "foo", NULL);

  vars = variables (ev);
  g_assert_cmpstr (vars, ==, "ans=0;");
}

static void
test_invalid_numbers (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *digits = repeat ("9", 3000);
  g_autofree char *vars = NULL;

  assert_fails (ev, "1e", PC_EVAL_ERROR_INVALID_NUMBER, 0, "1e",
                "Invalid number \"1e\" at position 0");
  assert_fails (ev, "2 * 1e+x", PC_EVAL_ERROR_INVALID_NUMBER, 4, "1e+x", NULL);
  assert_fails (ev, "1.5e", PC_EVAL_ERROR_INVALID_NUMBER, 0, "1.5e", NULL);
  assert_fails (ev, "1 + 1e999", PC_EVAL_ERROR_INVALID_NUMBER, 4, "1e999", NULL);
  assert_fails (ev, digits, PC_EVAL_ERROR_INVALID_NUMBER, 0, NULL, NULL);
  assert_fails (ev, "0x10", PC_EVAL_ERROR_UNEXPECTED_VAR, 1, "x10", NULL);

  vars = variables (ev);
  g_assert_cmpstr (vars, ==, "ans=0;");
}

static void
test_empty (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  assert_fails (ev, "", PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, "", "Empty expression");
  assert_fails (ev, "   ", PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, "", NULL);
  assert_fails (ev, " \t\r\n", PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, "", NULL);
}

static void
test_invalid_characters (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  assert_fails (ev, "1 + é", PC_EVAL_ERROR_INVALID_CHARACTERS, 4, "é",
                "Invalid character \"é\" at position 4");
  assert_fails (ev, "2 × 3", PC_EVAL_ERROR_INVALID_CHARACTERS, 2, "×", NULL);
  assert_fails (ev, "1+\x01", PC_EVAL_ERROR_INVALID_CHARACTERS, 2, "\x01",
                "Invalid control character U+0001 at position 2");
  assert_fails (ev, "1\x0b+2", PC_EVAL_ERROR_INVALID_CHARACTERS, 1, NULL, NULL);
  assert_fails (ev, "1+\x1f", PC_EVAL_ERROR_INVALID_CHARACTERS, 2, NULL, NULL);
  assert_fails (ev, "1+\x7f", PC_EVAL_ERROR_INVALID_CHARACTERS, 2, NULL, NULL);
}

static void
test_transaction (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpfloat (eval_one (ev, "a = 1"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "40 + 2"), ==, 42);
  before = variables (ev);
  g_assert_cmpstr (before, ==, "a=1;ans=42;");

  /* A syntax error after an assignment: nothing is defined. */
  assert_fails (ev, "b=5, 1+*2", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 7, "*", NULL);
  assert_fails (ev, "a=5, 1+*2", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 7, "*", NULL);
  /* These parse and run, so the assignments happen, and are undone. */
  assert_fails (ev, "a = 7, b = 8, zz", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 14, "zz", NULL);
  assert_fails (ev, "ans = 3, c = 1, 0 ? (d = 1) : 0",
                PC_EVAL_ERROR_UNKNOWN_VARIABLE, 21, "d", NULL);
  assert_fails (ev, "a = 9, 1 + 1e999", PC_EVAL_ERROR_INVALID_NUMBER, 11, "1e999", NULL);

  after = variables (ev);
  g_assert_cmpstr (after, ==, before);
  assert_fails (ev, "b", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "b", NULL);
  g_assert_cmpfloat (eval_one (ev, "a + ans"), ==, 43);
}

static void
test_limits (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *name = repeat ("x", 3000);
  g_autofree char *expr = g_strconcat ("1+", name, NULL);
  g_autofree char *long_name = repeat ("v", PC_EVAL_MAX_IDENTIFIER);
  g_autofree char *assign = g_strconcat (long_name, " = 2", NULL);
  g_autofree char *too_long_name = g_strconcat (long_name, "w = 2", NULL);
  g_autofree char *huge = repeat ("1+", 35000);
  g_autofree char *open = repeat ("(", 20000);
  g_autofree char *close = repeat (")", 20000);
  g_autofree char *deep = g_strconcat (open, "1", close, NULL);
  g_autofree char *open4k = repeat ("(", 4000);
  g_autofree char *close4k = repeat (")", 4000);
  g_autofree char *deep4k = g_strconcat (open4k, "1", close4k, NULL);
  g_autofree char *sum = repeat ("1+", PC_EVAL_MAX_EXPRESSION / 2 - 1);
  g_autofree char *at_limit = g_strconcat (sum, "11", NULL);
  g_autofree char *dollars = repeat ("$", 5000);
  g_autofree char *first64 = g_strndup (name, PC_EVAL_MAX_TOKEN);
  g_autofree char *message = NULL;

  message = eval_fails (ev, expr, PC_EVAL_ERROR_IDENTIFIER_TOO_LONG, 2, first64);
  g_assert_null (strstr (message, name));
  assert_fails (ev, too_long_name, PC_EVAL_ERROR_IDENTIFIER_TOO_LONG, 0, NULL, NULL);
  g_assert_cmpfloat (eval_one (ev, assign), ==, 2);
  g_assert_cmpfloat (eval_one (ev, long_name), ==, 2);

  g_assert_cmpuint (strlen (huge), ==, 70000);
  assert_fails (ev, huge, PC_EVAL_ERROR_EXPRESSION_TOO_LONG, PC_EVAL_MAX_EXPRESSION, "",
                "Expression longer than 10000 bytes");
  assert_fails (ev, deep, PC_EVAL_ERROR_EXPRESSION_TOO_LONG,
                PC_EVAL_MAX_EXPRESSION, "", NULL);

  /* 4000 nested parentheses fit in the limit and muparser, which keeps
   * its own stacks rather than recursing, evaluates them. */
  g_assert_cmpuint (strlen (deep4k), <=, PC_EVAL_MAX_EXPRESSION);
  g_assert_cmpfloat (eval_one (ev, deep4k), ==, 1);

  g_assert_cmpuint (strlen (at_limit), ==, PC_EVAL_MAX_EXPRESSION);
  g_assert_cmpfloat (eval_one (ev, at_limit), ==, PC_EVAL_MAX_EXPRESSION / 2 - 1 + 11);

  /* muparser would copy the whole rest of the text as the token. */
  assert_fails (ev, dollars, PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, 0, "$", NULL);
}

static void
test_unset_reset_foreach (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *vars1 = NULL;
  g_autofree char *vars2 = NULL;
  g_autofree char *vars3 = NULL;
  g_autofree char *vars4 = NULL;

  vars1 = variables (ev);
  g_assert_cmpstr (vars1, ==, "ans=0;");

  eval_one (ev, "zeta = 1, alpha = 2, Beta = 3, m2 = 4");
  vars2 = variables (ev);
  g_assert_cmpstr (vars2, ==, "Beta=3;alpha=2;ans=4;m2=4;zeta=1;");

  g_assert_true (pc_evaluator_unset (ev, "alpha", &error));
  g_assert_no_error (error);
  assert_fails (ev, "alpha", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "alpha", NULL);
  g_assert_cmpfloat (eval_one (ev, "alpha = 7"), ==, 7);

  g_assert_false (pc_evaluator_unset (ev, "nope", &error));
  g_assert_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_NOT_A_VARIABLE);
  g_assert_cmpstr (error->message, ==, "No variable or function named \"nope\"");
  g_clear_error (&error);
  g_assert_false (pc_evaluator_unset (ev, "pi", &error));
  g_assert_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_NOT_A_VARIABLE);
  g_clear_error (&error);

  /* ans stays defined: unsetting it sets it to 0. */
  g_assert_true (pc_evaluator_unset (ev, "ans", &error));
  g_assert_no_error (error);
  vars3 = variables (ev);
  g_assert_cmpstr (vars3, ==, "Beta=3;alpha=7;ans=0;m2=4;zeta=1;");

  eval_one (ev, "99");
  pc_evaluator_reset (ev);
  vars4 = variables (ev);
  g_assert_cmpstr (vars4, ==, "ans=0;");
  assert_fails (ev, "zeta", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "zeta", NULL);
  g_assert_cmpfloat (eval_one (ev, "zeta = 5, zeta + ans"), ==, 5);
  g_assert_true (eval_one (ev, "pi") == G_PI);
}

static void
test_catalogue (void)
{
  guint n_functions = 0, n_operators = 0, n_constants = 0;
  const PcCatalogFunction *functions = pc_evaluator_functions (&n_functions);
  const char * const *operators = pc_evaluator_operators (&n_operators);
  const PcCatalogConstant *constants = pc_evaluator_constants (&n_constants);
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  gboolean have_sin = FALSE, have_sum = FALSE;

  g_assert_cmpuint (n_functions, >=, 26);
  for (guint i = 0; i < n_functions; i++)
    {
      g_autofree char *call = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) values = NULL;

      g_assert_nonnull (functions[i].description);
      g_assert_cmpstr (functions[i].description, !=, "");
      if (strcmp (functions[i].name, "sin") == 0)
        have_sin = functions[i].n_args == 1;
      if (strcmp (functions[i].name, "sum") == 0)
        have_sum = functions[i].n_args == -1;

      /* Every catalogued function exists in muparser with that arity. */
      call = g_strdup_printf ("%s(%s)", functions[i].name,
                              functions[i].n_args == 2 ? "2, 1" : "0.5");
      values = pc_evaluator_eval (ev, call, NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_true (have_sin);
  g_assert_true (have_sum);

  g_assert_cmpuint (n_operators, >=, 15);
  g_assert_null (operators[n_operators]);
  g_assert_true (g_strv_contains ((const char * const *) operators, "?:"));
  g_assert_true (g_strv_contains ((const char * const *) operators, "&&"));

  g_assert_cmpuint (n_constants, ==, 4);
  for (guint i = 0; i < n_constants; i++)
    g_assert_true (eval_one (ev, constants[i].name) == constants[i].value);
}

static void
test_no_detail (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_null (pc_evaluator_eval (ev, "1+*2", NULL, NULL));
  g_assert_null (pc_evaluator_eval (ev, "q", NULL, NULL));
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 0);
}

static void
test_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autoptr(PcEvaluator) ev = NULL;
  g_autoptr(GArray) values = NULL;

  if (setlocale (LC_ALL, "ru_RU.UTF-8") == NULL)
    {
      g_test_skip ("the ru_RU.UTF-8 locale is not installed (locale -a)");
      return;
    }
  /* Check the locale really uses a decimal comma, or the test proves nothing. */
  g_assert_cmpstr (localeconv ()->decimal_point, ==, ",");

  ev = pc_evaluator_new ();
  g_assert_cmpfloat (eval_one (ev, "0.5+0.25"), ==, 0.75);
  g_assert_cmpfloat (eval_one (ev, "1.5e1"), ==, 15);
  values = eval_ok (ev, "1,5");
  g_assert_cmpuint (values->len, ==, 2);

  setlocale (LC_ALL, saved);
}

/* Random expressions from pieces that trip muparser up: every one either
 * succeeds or fails cleanly, with a position inside the text and the
 * session untouched. */
static void
test_random (void)
{
  static const char * const pieces[] = {
    "a", "b", "x", "ans", "pi", "e", "_pi", "sin", "sum", "foo", "(", ")",
    ",", "=", "==", "+", "-", "*", "/", "^", "?", ":", "&&", "1", "2.5",
    "1e", "2e3", ".", " ", "\"", "$", "1e999", "!", "<=", "\xc3\xa9", "\t",
  };
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  for (int n = 0; n < 20000; n++)
    {
      g_autoptr(GString) expr = g_string_new ("");
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) values = NULL;
      g_autofree char *before = variables (ev);
      PcEvalErrorDetail detail = { 0, NULL };

      for (int i = g_test_rand_int_range (0, 12); i > 0; i--)
        g_string_append (expr, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);

      values = pc_evaluator_eval (ev, expr->str, &detail, &error);
      if (values == NULL)
        {
          g_autofree char *after = variables (ev);

          g_assert_nonnull (error);
          g_assert_cmpstr (after, ==, before);
          g_assert_cmpint (detail.pos, >=, -1);
          g_assert_cmpint (detail.pos, <=, g_utf8_strlen (expr->str, -1));
          g_assert_cmpuint (g_utf8_strlen (detail.token, -1), <=, PC_EVAL_MAX_TOKEN);
          pc_eval_error_detail_clear (&detail);
        }
      if (n % 1000 == 0)
        pc_evaluator_reset (ev);
    }
}

static gpointer
thread_func (gpointer data)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  int id = GPOINTER_TO_INT (data);

  for (int i = 0; i < 300; i++)
    {
      g_autofree char *assign = g_strdup_printf ("v%d = %d", id, i);
      g_autofree char *hostile = g_strdup_printf ("1+%0*d$$$", 3000, i);
      g_autoptr(GArray) values = NULL;

      g_assert_cmpfloat (eval_one (ev, assign), ==, i);
      g_assert_null (pc_evaluator_eval (ev, hostile, NULL, NULL));
      g_assert_null (pc_evaluator_eval (ev, "1+*2", NULL, NULL));
      g_assert_null (pc_evaluator_eval (ev, "unknown_name", NULL, NULL));
      values = eval_ok (ev, "ans * 2, pi");
      g_assert_cmpfloat (g_array_index (values, double, 0), ==, 2 * i);
    }
  return NULL;
}

/* Evaluators on several threads at once share nothing. */
static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("eval", thread_func, GINT_TO_POINTER (i));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

/* Evaluates @expr twice, expecting @value both times: an expression is
 * kept in the parse cache from its second success on. */
static void
eval_twice (PcEvaluator *ev,
            const char  *expr,
            double       value)
{
  g_assert_cmpfloat (eval_one (ev, expr), ==, value);
  g_assert_cmpfloat (eval_one (ev, expr), ==, value);
  g_assert_true (pc_evaluator_is_cached (ev, expr));
}

/* The parse cache: an expression seen before is evaluated from its kept
 * bytecode, and still reads the variables' current values. */
static void
test_cache_reuse (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *vars = NULL;

  g_assert_cmpfloat (eval_one (ev, "x = 2"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "x^2 + 1"), ==, 5);
  g_assert_false (pc_evaluator_is_cached (ev, "x^2 + 1"));
  g_assert_cmpfloat (eval_one (ev, "x = 3"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "x^2 + 1"), ==, 10);
  g_assert_true (pc_evaluator_is_cached (ev, "x^2 + 1"));
  g_assert_cmpfloat (eval_one (ev, "x = 4"), ==, 4);
  g_assert_cmpfloat (eval_one (ev, "x^2 + 1"), ==, 17);
  g_assert_cmpfloat (eval_one (ev, "ans + 1"), ==, 18);
  g_assert_cmpfloat (eval_one (ev, "ans + 1"), ==, 19);
  g_assert_cmpfloat (eval_one (ev, "ans + 1"), ==, 20);
  g_assert_true (pc_evaluator_is_cached (ev, "ans + 1"));

  /* A cached assignment assigns every time. */
  g_assert_cmpfloat (eval_one (ev, "x = x + 1, x"), ==, 5);
  g_assert_cmpfloat (eval_one (ev, "x = x + 1, x"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "x = x + 1, x"), ==, 7);
  g_assert_true (pc_evaluator_is_cached (ev, "x = x + 1, x"));

  /* Variables defined after an expression was cached, through other
   * parsers, are the same variables everywhere. */
  g_assert_cmpfloat (eval_one (ev, "y = 10"), ==, 10);
  g_assert_cmpfloat (eval_one (ev, "x + y"), ==, 17);
  g_assert_cmpfloat (eval_one (ev, "y = 20"), ==, 20);
  g_assert_cmpfloat (eval_one (ev, "x + y"), ==, 27);
  g_assert_true (pc_evaluator_is_cached (ev, "x + y"));
  g_assert_cmpfloat (eval_one (ev, "x = x + 1, x"), ==, 8);
  g_assert_cmpfloat (eval_one (ev, "x + y"), ==, 28);
  g_assert_cmpfloat (eval_one (ev, "z = 0.5"), ==, 0.5);
  g_assert_cmpfloat (eval_one (ev, "x + y"), ==, 28);
  g_assert_cmpfloat (eval_one (ev, "x + y + z"), ==, 28.5);
  vars = variables (ev);
  g_assert_cmpstr (vars, ==, "ans=28.5;x=8;y=20;z=0.5;");
}

/* A failure after a cached success changes nothing: not ans, not a
 * variable; and the failing request reads as it would uncached. */
static void
test_cache_failure (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *vars1 = NULL;
  g_autofree char *vars2 = NULL;

  eval_one (ev, "x = 3");
  eval_twice (ev, "x * 2", 6);
  g_assert_cmpfloat (eval_one (ev, "x * 2"), ==, 6);
  vars1 = variables (ev);
  g_assert_cmpstr (vars1, ==, "ans=6;x=3;");

  assert_fails (ev, "x = 100, x * 2 + q", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 17, "q",
                "Unknown variable \"q\" at position 17");
  assert_fails (ev, "x * 2 +* 1", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 7, "*", NULL);
  assert_fails (ev, "x * 2 +* 1", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 7, "*", NULL);
  g_assert_false (pc_evaluator_is_cached (ev, "x * 2 +* 1"));
  vars2 = variables (ev);
  g_assert_cmpstr (vars2, ==, "ans=6;x=3;");
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 6);
  assert_fails (ev, "q", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "q", NULL);
  /* The same failing text fails the same way every time. */
  for (int i = 0; i < 3; i++)
    assert_fails (ev, "0 ? (z = 1) : 2, z", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 5, "z", NULL);
  g_assert_cmpfloat (eval_one (ev, "x * 2"), ==, 6);
}

/* unset and reset reach cached expressions too. */
static void
test_cache_unset_reset (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GError) error = NULL;

  eval_one (ev, "a = 4");
  eval_twice (ev, "a * 2", 8);
  g_assert_true (pc_evaluator_unset (ev, "a", &error));
  g_assert_no_error (error);
  assert_fails (ev, "a * 2", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "a",
                "Unknown variable \"a\" at position 0");
  g_assert_cmpfloat (eval_one (ev, "a = 5"), ==, 5);
  eval_twice (ev, "a * 2", 10);

  pc_evaluator_reset (ev);
  assert_fails (ev, "a * 2", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 0, "a", NULL);
  g_assert_cmpfloat (eval_one (ev, "ans + 1"), ==, 1);

  /* Trimming drops the parsers, never the variables. */
  eval_one (ev, "b = 7");
  eval_twice (ev, "b + 1", 8);
  pc_evaluator_trim (ev);
  g_assert_false (pc_evaluator_is_cached (ev, "b + 1"));
  g_assert_cmpfloat (eval_one (ev, "b + 1"), ==, 8);
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, 8);
}

/* The cache holds PC_EVAL_CACHE_SIZE expressions, least recently used out
 * first, and an evicted one is simply parsed again. */
static void
test_cache_eviction (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *long_expr = NULL;

  eval_one (ev, "k = 1");
  eval_twice (ev, "k + 1000", 1001);
  eval_twice (ev, "k + 2000", 2001);
  for (int i = 0; i < PC_EVAL_CACHE_SIZE - 1; i++)
    {
      g_autofree char *expr = g_strdup_printf ("k + %d", i);

      eval_twice (ev, expr, i + 1);
      /* Kept in use, so it is never the least recently used. */
      g_assert_cmpfloat (eval_one (ev, "k + 2000"), ==, 2001);
    }
  g_assert_false (pc_evaluator_is_cached (ev, "k + 1000"));
  g_assert_true (pc_evaluator_is_cached (ev, "k + 2000"));
  g_assert_true (pc_evaluator_is_cached (ev, "k + 0"));
  eval_one (ev, "k = 2");
  eval_twice (ev, "k + 1000", 1002);
  g_assert_false (pc_evaluator_is_cached (ev, "k + 0"));
  g_assert_true (pc_evaluator_is_cached (ev, "k + 1"));
  g_assert_cmpfloat (eval_one (ev, "k + 1"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "k + 2000"), ==, 2002);

  /* Long expressions are evaluated, not kept. */
  long_expr = g_strnfill (1000, ' ');
  long_expr[0] = 'k';
  g_assert_cmpfloat (eval_one (ev, long_expr), ==, 2);
  g_assert_cmpfloat (eval_one (ev, long_expr), ==, 2);
  g_assert_false (pc_evaluator_is_cached (ev, long_expr));
}

/* Defines @n variables v0 .. v(n-1), many per request. */
static void
define_many (PcEvaluator *ev,
             guint        n)
{
  g_autoptr(GString) expr = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (expr, "%sv%u=%u", expr->len > 0 ? "," : "", i, i);
      if (expr->len > 9000 || i + 1 == n)
        {
          eval_one (ev, expr->str);
          g_string_truncate (expr, 0);
        }
    }
}

/* The undo log: a failed request leaves every variable as it was, with
 * many variables, on the parsing and the cached path, whatever it wrote. */
static void
test_undo_log (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  define_many (ev, 5000);
  g_assert_cmpfloat (eval_one (ev, "7"), ==, 7);
  before = variables (ev);
  /* Writes, twice to one name, then fails. */
  assert_fails (ev, "v1 = 100, v1 = v1 + 1, v4999 = -1, ans = 5, new = 3, zz",
                PC_EVAL_ERROR_UNKNOWN_VARIABLE, 53, "zz", NULL);
  /* Assignments that run inside a condition, then a failure. */
  assert_fails (ev, "1 ? (v2 = 9) : (v3 = 9), v2 + 1e999",
                PC_EVAL_ERROR_INVALID_NUMBER, 30, "1e999", NULL);
  after = variables (ev);
  g_assert_cmpstr (after, ==, before);

  /* Cached twice, then the same text fails its cached run: it wrote v5
   * before failing to find a name unset meanwhile. */
  g_assert_cmpfloat (eval_one (ev, "v5 = v5 + 1, v6"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "v5 = v5 + 1, v6"), ==, 6);
  g_assert_true (pc_evaluator_is_cached (ev, "v5 = v5 + 1, v6"));
  g_assert_true (pc_evaluator_unset (ev, "v6", NULL));
  assert_fails (ev, "v5 = v5 + 1, v6", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 13, "v6", NULL);
  g_assert_cmpfloat (eval_one (ev, "v5"), ==, 7);
}

/* A request costs what it names: `1+1` beside 10 000 variables costs
 * about what it costs in an empty session (it used to copy and restore
 * every variable: 30 times slower and more). */
static void
test_undo_log_cost (void)
{
  g_autoptr(PcEvaluator) empty = pc_evaluator_new ();
  g_autoptr(PcEvaluator) full = pc_evaluator_new ();
  const char *exprs[] = { "1+1", "a = 2, a * 3" };
  const guint rounds = 2000;

  define_many (full, 10000);
  for (gsize e = 0; e < G_N_ELEMENTS (exprs); e++)
    {
      gint64 cost[2];
      PcEvaluator *evs[2] = { empty, full };

      for (int k = 0; k < 2; k++)
        {
          /* The best of three runs, against the machine's noise. */
          cost[k] = G_MAXINT64;
          for (int run = 0; run < 3; run++)
            {
              gint64 start = g_get_monotonic_time ();

              for (guint i = 0; i < rounds; i++)
                {
                  guint n = 0;
                  g_autoptr(GError) error = NULL;

                  g_assert_nonnull (pc_evaluator_eval_values (evs[k], exprs[e], &n, NULL, &error));
                }
              cost[k] = MIN (cost[k], g_get_monotonic_time () - start);
            }
        }
      g_test_message ("\"%s\" x %u: %" G_GINT64_FORMAT " us empty, %" G_GINT64_FORMAT
                      " us beside 10000 variables (%.2f times)", exprs[e], rounds,
                      cost[0], cost[1], (double) cost[1] / MAX (cost[0], 1));
      g_assert_cmpint (cost[1], <, 3 * cost[0] + 2000);
    }
}

/* The variable limit: past it the request fails and changes nothing;
 * assigning existing variables at the limit works. */
static void
test_variable_limit (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *message = NULL;

  pc_evaluator_set_max_variables (ev, 100);
  define_many (ev, 100);
  before = variables (ev);
  message = eval_fails (ev, "v0 = 5, w = 1", PC_EVAL_ERROR_TOO_MANY_VARIABLES, -1, NULL);
  g_assert_nonnull (strstr (message, "at most 100"));
  after = variables (ev);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (pc_eval_error_reason (PC_EVAL_ERROR_TOO_MANY_VARIABLES), ==,
                   "too-many-variables");
  g_assert_cmpfloat (eval_one (ev, "v0 = 5, v99 = v0 * 2"), ==, 10);
  g_assert_cmpfloat (eval_one (ev, "ans = 3"), ==, 3);
  /* Room again after an unset. */
  g_assert_true (pc_evaluator_unset (ev, "v1", NULL));
  g_assert_cmpfloat (eval_one (ev, "w = 1"), ==, 1);
  g_assert_cmpuint (pc_evaluator_n_variables (ev), ==, 101);
}

/* Pages of variables in name order, each name once. */
static void
test_list_pages (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GString) all = g_string_new ("");
  g_autoptr(GString) paged = g_string_new ("");
  g_autofree char *after = NULL;
  gboolean more;

  define_many (ev, 250);
  pc_evaluator_foreach_variable (ev, collect_cb, all);
  do
    {
      gsize start = paged->len;
      const char *last;

      more = pc_evaluator_list_variables (ev, after, 100, collect_cb, paged);
      /* The last name of the page: the text after its ';' before last. */
      g_string_truncate (paged, paged->len - 1);
      last = strrchr (paged->str + start, ';');
      last = last != NULL ? last + 1 : paged->str + start;
      g_free (after);
      after = g_strndup (last, strchr (last, '=') - last);
      g_string_append_c (paged, ';');
    }
  while (more);
  g_assert_cmpstr (paged->str, ==, all->str);
  g_assert_false (pc_evaluator_list_variables (ev, "zzz", 10, collect_cb, paged));
}


/* The cache is bounded in bytes too: long expressions push out the least
 * recently used, so the parsers a session keeps stay near 1 MB. */
static void
test_cache_bytes (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  guint cached = 0;

  eval_one (ev, "k = 1");
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *pad = g_strnfill (480, ' ');
      g_autofree char *expr = g_strdup_printf ("k + %d%s", i, pad);

      eval_twice (ev, expr, i + 1);
    }
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *pad = g_strnfill (480, ' ');
      g_autofree char *expr = g_strdup_printf ("k + %d%s", i, pad);

      cached += pc_evaluator_is_cached (ev, expr);
      if (i == 39)
        g_assert_true (pc_evaluator_is_cached (ev, expr));
    }
  g_test_message ("%u of 40 expressions of ~485 bytes cached", cached);
  g_assert_cmpuint (cached, >=, 1);
  g_assert_cmpuint (cached * 485, <=, 8192);
}


/* Issue 15: the functions and operators people expect. */

static void
test_rounding_functions (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_cmpfloat (eval_one (ev, "floor(2.7)"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "floor(-2.2)"), ==, -3);
  g_assert_cmpfloat (eval_one (ev, "ceil(2.2)"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "ceil(-2.7)"), ==, -2);
  g_assert_cmpfloat (eval_one (ev, "round(2.5)"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "round(-2.5)"), ==, -3);
  g_assert_cmpfloat (eval_one (ev, "round(2.4)"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "trunc(-2.7)"), ==, -2);
  g_assert_cmpfloat (eval_one (ev, "trunc(2.7)"), ==, 2);
  g_assert_cmpfloat_with_epsilon (eval_one (ev, "cbrt(-27)"), -3, 1e-15);
  g_assert_cmpfloat (eval_one (ev, "hypot(3, 4)"), ==, 5);
  g_assert_cmpfloat (eval_one (ev, "hypot(1e200, 1e200)"), ==, hypot (1e200, 1e200));
  g_assert_cmpfloat (eval_one (ev, "deg(pi)"), ==, 180);
  g_assert_cmpfloat (eval_one (ev, "rad(180)"), ==, G_PI);
  g_assert_cmpfloat (eval_one (ev, "atan2(1, 1)"), ==, G_PI / 4);
  /* log: muparser's one-argument natural logarithm stays, a second
   * argument is the base. */
  g_assert_cmpfloat (eval_one (ev, "log(e)"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "log(8, 2)"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "log(1000, 10)"), ==, log (1000) / log (10));
  g_assert_cmpfloat (eval_one (ev, "ln(e)"), ==, 1);
  assert_fails (ev, "1 + log(8, 2, 3)", PC_EVAL_ERROR_TOO_MANY_PARAMS, 4, "log", NULL);
}

static void
test_modulo (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_cmpfloat (eval_one (ev, "7 % 4"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "mod(7, 4)"), ==, 3);
  /* The sign of the divisor, as the mathematical modulo. */
  g_assert_cmpfloat (eval_one (ev, "-7 % 3"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "mod(-7, 3)"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "7 % -3"), ==, -2);
  g_assert_cmpfloat (eval_one (ev, "5.5 % 2"), ==, 1.5);
  g_assert_cmpfloat (eval_one (ev, "6 % 3"), ==, 0);
  /* The precedence of "*" and "/", left to right. */
  g_assert_cmpfloat (eval_one (ev, "7 % 4 * 2"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "2 * 7 % 4"), ==, 2);
  g_assert_cmpfloat (eval_one (ev, "12 / 4 % 2"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "1 + 7 % 4"), ==, 4);
  g_assert_cmpfloat (eval_one (ev, "2 ^ 3 % 5"), ==, 3);
  assert_fails (ev, "1 + 7 % 0", PC_EVAL_ERROR_DIV_BY_ZERO, 6, "%",
                "Division by zero in \"%\" at position 6");
  assert_fails (ev, "mod(1, 0)", PC_EVAL_ERROR_DIV_BY_ZERO, 0, "mod", NULL);
  assert_fails (ev, "7 %", PC_EVAL_ERROR_UNEXPECTED_EOF, 3, NULL, NULL);
}

static void
test_factorial (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  double f = 1;

  g_assert_cmpfloat (eval_one (ev, "0!"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "5!"), ==, 120);
  g_assert_cmpfloat (eval_one (ev, "10!"), ==, 3628800);
  g_assert_cmpfloat (eval_one (ev, "20!"), ==, 2432902008176640000.0);
  /* The double nearest 170!, whose digits begin 7257415615307998967. */
  g_assert_cmpfloat (eval_one (ev, "170!"), ==, 7.257415615307999e306);
  g_assert_cmpfloat (eval_one (ev, "171!"), ==, HUGE_VAL);
  /* 22! is the last a running product of doubles gets exactly. */
  for (int n = 1; n <= 22; n++)
    {
      g_autofree char *expr = g_strdup_printf ("%d!", n);

      f *= n;
      g_assert_cmpfloat (eval_one (ev, expr), ==, f);
    }
  g_assert_cmpfloat (eval_one (ev, "25!"), ==, 15511210043330985984000000.0);
  /* Other real arguments through gamma. */
  g_assert_cmpfloat_with_epsilon (eval_one (ev, "0.5!"), sqrt (G_PI) / 2, 1e-15);
  g_assert_cmpfloat_with_epsilon (eval_one (ev, "(-0.5)!"), sqrt (G_PI), 1e-15);
  /* Binds tighter than the sign and the binary operators. */
  g_assert_cmpfloat (eval_one (ev, "-3!"), ==, -6);
  g_assert_cmpfloat (eval_one (ev, "2 * 3!"), ==, 12);
  g_assert_cmpfloat (eval_one (ev, "3! - 1"), ==, 5);
  g_assert_cmpfloat (eval_one (ev, "3!-1"), ==, 5);
  g_assert_cmpfloat (eval_one (ev, "(2 + 1)!"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "5! % 7"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "2^3!"), ==, 64);
  g_assert_cmpfloat (eval_one (ev, "2^3^2"), ==, 512);
  g_assert_cmpfloat (eval_one (ev, "-2^2"), ==, -4);
  g_assert_cmpfloat (eval_one (ev, "-7 % 3 + 1 < 4 == 1"), ==, 1);
  /* No double factorial, and no chained "!": "(3!)!" it is. */
  assert_fails (ev, "3!!", PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, 2, "!", NULL);
  g_assert_cmpfloat (eval_one (ev, "(3!)!"), ==, 720);
  /* "!=" is still inequality, next to "!". */
  g_assert_cmpfloat (eval_one (ev, "3 != 6"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "3!=6"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "3! != 6"), ==, 0);
  g_assert_cmpfloat (eval_one (ev, "3! == 6"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "a = 4, a != 4"), ==, 0);

  assert_fails (ev, "(-3)!", PC_EVAL_ERROR_DOMAIN, 4, "!",
                "Factorial of a negative integer at position 4");
  assert_fails (ev, "1 + (0 - 1)!", PC_EVAL_ERROR_DOMAIN, 11, "!", NULL);
  assert_fails (ev, "!3", PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, 0, "!", NULL);
  /* An untaken branch does not fail. */
  g_assert_cmpfloat (eval_one (ev, "1 ? 2 : (-1)!"), ==, 2);
  /* A failure changes nothing. */
  g_assert_cmpfloat (eval_one (ev, "a"), ==, 4);
  g_free (eval_fails (ev, "a = 9, (-a)!", PC_EVAL_ERROR_DOMAIN, 11, "!"));
  g_assert_cmpfloat (eval_one (ev, "a"), ==, 4);
}

static void
test_gamma_combinations (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_cmpfloat_with_epsilon (eval_one (ev, "gamma(0.5)"), sqrt (G_PI), 1e-15);
  g_assert_cmpfloat_with_epsilon (eval_one (ev, "gamma(1.5)"), sqrt (G_PI) / 2, 1e-15);
  g_assert_cmpfloat (eval_one (ev, "gamma(5)"), ==, 24);
  g_assert_cmpfloat (eval_one (ev, "gamma(171)"), ==, 7.257415615307999e306);
  assert_fails (ev, "gamma(0)", PC_EVAL_ERROR_DOMAIN, 0, "gamma", NULL);
  assert_fails (ev, "2 * gamma(-2)", PC_EVAL_ERROR_DOMAIN, 4, "gamma", NULL);

  g_assert_cmpfloat (eval_one (ev, "nCr(5, 2)"), ==, 10);
  g_assert_cmpfloat (eval_one (ev, "nCr(5, 0)"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "nCr(3, 5)"), ==, 0);
  g_assert_cmpfloat (eval_one (ev, "nCr(52, 5)"), ==, 2598960);
  /* Exact where a product of doubles drifts: C(62, 31) and C(66, 33). */
  g_assert_cmpfloat (eval_one (ev, "nCr(62, 31)"), ==, 465428353255261088.0);
  g_assert_cmpfloat (eval_one (ev, "nCr(66, 33)"), ==, 7219428434016265740.0);
  g_assert_cmpfloat_with_epsilon (eval_one (ev, "nCr(1000, 500)") / 2.702882409454365e299,
                                  1, 1e-12);
  g_assert_cmpfloat (eval_one (ev, "nPr(5, 2)"), ==, 20);
  g_assert_cmpfloat (eval_one (ev, "nPr(5, 0)"), ==, 1);
  g_assert_cmpfloat (eval_one (ev, "nPr(20, 20)"), ==, 2432902008176640000.0);
  g_assert_cmpfloat (eval_one (ev, "nPr(3, 5)"), ==, 0);
  assert_fails (ev, "nCr(-1, 2)", PC_EVAL_ERROR_DOMAIN, 0, "nCr",
                "Argument outside the domain of \"nCr\" at position 0");
  assert_fails (ev, "1 + nCr(5, 1.5)", PC_EVAL_ERROR_DOMAIN, 4, "nCr", NULL);
  assert_fails (ev, "nPr(5, -1)", PC_EVAL_ERROR_DOMAIN, 0, "nPr", NULL);
  assert_fails (ev, "nCr(5)", PC_EVAL_ERROR_TOO_FEW_PARAMS, 0, "nCr", NULL);
}

/* Faults found through the parse cache report as on the first time. */
static void
test_faults_cached (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  g_assert_cmpfloat (eval_one (ev, "n = 3"), ==, 3);
  g_assert_cmpfloat (eval_one (ev, "n!"), ==, 6);
  g_assert_cmpfloat (eval_one (ev, "n!"), ==, 6);
  g_assert_true (pc_evaluator_is_cached (ev, "n!"));
  g_assert_cmpfloat (eval_one (ev, "n = -3"), ==, -3);
  assert_fails (ev, "n!", PC_EVAL_ERROR_DOMAIN, 1, "!", NULL);
  g_assert_cmpfloat (eval_one (ev, "ans"), ==, -3);
}

static void
collect_function_cb (const char *name,
                     guint       n_params,
                     const char *text,
                     gpointer    user_data)
{
  g_string_append_printf (user_data, "%s/%u:%s;", name, n_params, text);
}

static char *
functions (PcEvaluator *ev)
{
  GString *s = g_string_new ("");

  pc_evaluator_foreach_function (ev, collect_function_cb, s);
  return g_string_free (s, FALSE);
}

static char *
both (PcEvaluator *ev)
{
  g_autofree char *f = functions (ev);
  g_autofree char *v = variables (ev);

  return g_strconcat (f, v, NULL);
}

static void
define_ok (PcEvaluator *ev,
           const char  *expr)
{
  g_autoptr(GArray) values = eval_ok (ev, expr);
  g_autofree char *trimmed = g_strstrip (g_strdup (expr));

  g_assert_cmpuint (values->len, ==, 0);
  g_assert_cmpstr (pc_evaluator_definition (ev), ==, trimmed);
}

static void
test_user_functions (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *listed = NULL;

  define_ok (ev, "f(x) = x^2 + 1");
  g_assert_cmpfloat (eval_one (ev, "f(3)"), ==, 10);
  g_assert_null (pc_evaluator_definition (ev));
  g_assert_cmpfloat (eval_one (ev, "f(3)!"), ==, 3628800);
  define_ok (ev, "  g(a, b) = a*b + f(a)  ");
  g_assert_cmpfloat (eval_one (ev, "g(2, 5)"), ==, 15);
  g_assert_cmpfloat (eval_one (ev, "g(f(1), 1) + f(f(1))"), ==, 2 + 5 + 5);
  define_ok (ev, "one() = 1");
  g_assert_cmpfloat (eval_one (ev, "one() + 1"), ==, 2);
  define_ok (ev, "s(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) = a1 + a2*a10");
  g_assert_cmpfloat (eval_one (ev, "s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"), ==, 21);
  assert_fails (ev, "s(1, 2)", PC_EVAL_ERROR_TOO_FEW_PARAMS, 0, "s", NULL);
  assert_fails (ev, "f(1, 2)", PC_EVAL_ERROR_TOO_MANY_PARAMS, 0, "f", NULL);

  /* Session variables are read when the function is called. */
  g_assert_cmpfloat (eval_one (ev, "k = 2"), ==, 2);
  define_ok (ev, "h(x) = k * x");
  g_assert_cmpfloat (eval_one (ev, "h(5)"), ==, 10);
  g_assert_cmpfloat (eval_one (ev, "k = 3, h(5)"), ==, 15);
  /* A parameter hides a session variable of its name. */
  define_ok (ev, "p(k) = k + 1");
  g_assert_cmpfloat (eval_one (ev, "p(10)"), ==, 11);
  /* A call changes no variable, and ans is the request's result. */
  g_assert_cmpfloat (eval_one (ev, "k"), ==, 3);

  listed = functions (ev);
  g_assert_cmpstr (listed, ==,
                   "f/1:f(x) = x^2 + 1;g/2:g(a, b) = a*b + f(a);h/1:h(x) = k * x;"
                   "one/0:one() = 1;p/1:p(k) = k + 1;"
                   "s/10:s(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) = a1 + a2*a10;");
  g_assert_cmpuint (pc_evaluator_n_functions (ev), ==, 6);
  /* Functions are not variables. */
  g_free (listed);
  listed = variables (ev);
  g_assert_cmpstr (listed, ==, "ans=3;k=3;");
}

static void
test_user_function_errors (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  eval_one (ev, "v = 1");
  define_ok (ev, "f(x) = x + v");
  before = functions (ev);

  assert_fails (ev, "g(x) = x + y", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 11, "y",
                "Unknown variable \"y\" at position 11");
  assert_fails (ev, "g(x) = foo(x)", PC_EVAL_ERROR_UNKNOWN_FUNCTION, 7, "foo", NULL);
  assert_fails (ev, "g(x) = x +* 2", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 10, "*", NULL);
  assert_fails (ev, "g(x) = ", PC_EVAL_ERROR_UNEXPECTED_EOF, 7, NULL, NULL);
  assert_fails (ev, "g(x) = (x", PC_EVAL_ERROR_MISSING_PARENS, 7, "(", NULL);
  assert_fails (ev, "g(x) = x, 2", PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, 8, ",", NULL);
  assert_fails (ev, "g(x) = (v = x)", PC_EVAL_ERROR_UNEXPECTED_OPERATOR, 10, "=", NULL);
  assert_fails (ev, "g(x, x) = x", PC_EVAL_ERROR_INVALID_PARAMETER, 5, "x",
                "Invalid parameter \"x\" at position 5");
  assert_fails (ev, "g(1) = 2", PC_EVAL_ERROR_INVALID_PARAMETER, 2, "1", NULL);
  assert_fails (ev, "g(pi) = 2", PC_EVAL_ERROR_INVALID_PARAMETER, 2, "pi", NULL);
  assert_fails (ev, "g(f) = 2", PC_EVAL_ERROR_INVALID_PARAMETER, 2, "f", NULL);
  assert_fails (ev, "g(x,) = 2", PC_EVAL_ERROR_INVALID_PARAMETER, 4, ")", NULL);
  assert_fails (ev, "g(x y) = 2", PC_EVAL_ERROR_INVALID_PARAMETER, 4, "y", NULL);
  assert_fails (ev, "g(a,b,c,d,e1,f1,g1,h,i,j,k) = 1", PC_EVAL_ERROR_TOO_MANY_PARAMS,
                25, "g", NULL);
  assert_fails (ev, "sin(x) = 2", PC_EVAL_ERROR_NAME_CONFLICT, 0, "sin", NULL);
  assert_fails (ev, "pi(x) = 2", PC_EVAL_ERROR_NAME_CONFLICT, 0, "pi", NULL);
  assert_fails (ev, "v(x) = 2", PC_EVAL_ERROR_NAME_CONFLICT, 0, "v", NULL);
  assert_fails (ev, "ans(x) = 2", PC_EVAL_ERROR_NAME_CONFLICT, 0, "ans", NULL);
  /* A parameter's name would turn into a function inside its body. */
  define_ok (ev, "p(k) = k + 1");
  assert_fails (ev, "k(x) = 2", PC_EVAL_ERROR_NAME_CONFLICT, 0, "k", NULL);
  g_assert_true (pc_evaluator_unset (ev, "p", NULL));
  /* Recursion is refused when defined, directly or through others. */
  assert_fails (ev, "r(x) = x * r(x - 1)", PC_EVAL_ERROR_RECURSION, 11, "r", NULL);
  define_ok (ev, "g(x) = f(x) * 2");
  assert_fails (ev, "f(x) = g(x) + 1", PC_EVAL_ERROR_RECURSION, 7, "g", NULL);
  assert_fails (ev, "f(x) = f(x)", PC_EVAL_ERROR_RECURSION, 7, "f", NULL);
  g_assert_cmpfloat (eval_one (ev, "g(1)"), ==, 4);

  /* Nothing changed. */
  after = functions (ev);
  g_assert_cmpstr (after, ==, "f/1:f(x) = x + v;g/1:g(x) = f(x) * 2;");
  g_clear_pointer (&before, g_free);
  before = variables (ev);
  g_assert_cmpstr (before, ==, "ans=4;v=1;");

  /* A domain error inside a function shows at its call. */
  define_ok (ev, "fact(n) = n!");
  assert_fails (ev, "1 + fact(-2)", PC_EVAL_ERROR_DOMAIN, 4, "fact", NULL);
  define_ok (ev, "twice(n) = 2 * fact(n)");
  assert_fails (ev, "twice(2) + twice(-1)", PC_EVAL_ERROR_DOMAIN, 0, "twice", NULL);
}

static void
test_user_function_redefine (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();

  define_ok (ev, "f(x) = x + 1");
  define_ok (ev, "g(x) = f(x) * 10");
  g_assert_cmpfloat (eval_one (ev, "f(1) + g(1)"), ==, 22);
  g_assert_cmpfloat (eval_one (ev, "f(1) + g(1)"), ==, 22);
  g_assert_true (pc_evaluator_is_cached (ev, "f(1) + g(1)"));
  /* Redefining replaces, for cached expressions and other functions. */
  define_ok (ev, "f(x) = x + 2");
  g_assert_cmpfloat (eval_one (ev, "f(1) + g(1)"), ==, 33);
  g_assert_cmpfloat (eval_one (ev, "f(1) + g(1)"), ==, 33);
  g_assert_cmpfloat (eval_one (ev, "f(1) + g(1)"), ==, 33);
  /* With other parameters: g's call of f no longer fits. */
  define_ok (ev, "f(x, y) = x + y");
  g_assert_cmpfloat (eval_one (ev, "f(1, 2)"), ==, 3);
  assert_fails (ev, "1 + g(1)", PC_EVAL_ERROR_BROKEN_FUNCTION, 4, "g", NULL);
  define_ok (ev, "f(x) = x");
  g_assert_cmpfloat (eval_one (ev, "g(4)"), ==, 40);
}

static void
test_user_function_unset_reset (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GError) error = NULL;

  eval_one (ev, "v = 2");
  define_ok (ev, "f(x) = x * v");
  define_ok (ev, "g(x) = f(x) + 1");
  g_assert_cmpfloat (eval_one (ev, "g(3)"), ==, 7);
  g_assert_cmpfloat (eval_one (ev, "g(3)"), ==, 7);
  /* A variable a body reads goes away: the body no longer works. */
  g_assert_true (pc_evaluator_unset (ev, "v", &error));
  g_assert_no_error (error);
  assert_fails (ev, "g(3)", PC_EVAL_ERROR_BROKEN_FUNCTION, 0, "g",
                "Function \"g\" names a variable or function that no longer exists "
                "at position 0");
  /* Defined again, it works again; a failed request that defined it
   * leaves no storage behind in the bodies. */
  g_free (eval_fails (ev, "v = 5, g(1), 1 +", PC_EVAL_ERROR_UNEXPECTED_EOF, 16, NULL));
  assert_fails (ev, "g(3)", PC_EVAL_ERROR_BROKEN_FUNCTION, 0, "g", NULL);
  g_free (eval_fails (ev, "v = 5, g(1) + (-1)!", PC_EVAL_ERROR_DOMAIN, 18, "!"));
  assert_fails (ev, "g(3)", PC_EVAL_ERROR_BROKEN_FUNCTION, 0, "g", NULL);
  g_assert_cmpfloat (eval_one (ev, "v = 5, g(3)"), ==, 16);

  g_assert_true (pc_evaluator_unset (ev, "f", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pc_evaluator_n_functions (ev), ==, 1);
  assert_fails (ev, "f(3)", PC_EVAL_ERROR_UNKNOWN_FUNCTION, 0, "f", NULL);
  assert_fails (ev, "g(3)", PC_EVAL_ERROR_BROKEN_FUNCTION, 0, "g", NULL);
  g_assert_false (pc_evaluator_unset (ev, "f", &error));
  g_assert_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_NOT_A_VARIABLE);
  g_clear_error (&error);
  /* The name is free for a variable. */
  g_assert_cmpfloat (eval_one (ev, "f = 1"), ==, 1);

  pc_evaluator_reset (ev);
  g_assert_cmpuint (pc_evaluator_n_functions (ev), ==, 0);
  assert_fails (ev, "g(3)", PC_EVAL_ERROR_UNKNOWN_FUNCTION, 0, "g", NULL);
  define_ok (ev, "g(x) = x");
  g_assert_cmpfloat (eval_one (ev, "g(3)"), ==, 3);
}

static void
test_user_function_limits (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *message = NULL;
  GString *chain = g_string_new ("f0(x) = x + 1");

  for (int i = 0; i < PC_EVAL_MAX_FUNCTIONS; i++)
    {
      g_autofree char *def = g_strdup_printf ("f%d(x) = x + 1", i);

      define_ok (ev, def);
    }
  message = eval_fails (ev, "z(x) = 1", PC_EVAL_ERROR_TOO_MANY_FUNCTIONS, -1, NULL);
  g_assert_cmpstr (message, ==,
                   "Too many functions: a session holds at most 100, and 16384 bytes "
                   "of definitions (limit \"functions\")");
  /* Redefining one still works at the limit, and unset makes room. */
  define_ok (ev, "f5(x) = x + 5");
  g_assert_true (pc_evaluator_unset (ev, "f6", NULL));
  define_ok (ev, "z(x) = 1");
  g_string_free (chain, TRUE);

  /* Calls are bounded: each level doubles them. */
  pc_evaluator_reset (ev);
  define_ok (ev, "c0(x) = x + 1");
  for (int i = 1; i <= 30; i++)
    {
      g_autofree char *def = g_strdup_printf ("c%d(x) = c%d(x) + c%d(x)", i, i - 1, i - 1);

      define_ok (ev, def);
    }
  g_assert_cmpfloat (eval_one (ev, "c10(0)"), ==, 1024);
  assert_fails (ev, "1 + c30(0)", PC_EVAL_ERROR_TOO_MANY_COMPUTATIONS, 4, "c30", NULL);
  g_assert_cmpfloat (eval_one (ev, "c10(0)"), ==, 1024);

  /* A chain as deep as the limit allows. */
  pc_evaluator_reset (ev);
  define_ok (ev, "d0(x) = x + 1");
  for (int i = 1; i < PC_EVAL_MAX_FUNCTIONS; i++)
    {
      g_autofree char *def = g_strdup_printf ("d%d(x) = d%d(x) + 1", i, i - 1);

      define_ok (ev, def);
    }
  g_assert_cmpfloat (eval_one (ev, "d99(0)"), ==, 100);

  /* The text of the definitions is bounded too: bodies are bytecode. */
  pc_evaluator_reset (ev);
  {
    g_autofree char *ones = repeat ("+1", 4000);
    g_autofree char *big = g_strdup_printf ("b0(x) = x%s", ones);
    g_autofree char *big1 = g_strdup_printf ("b1(x) = x%s", ones);
    g_autofree char *big2 = g_strdup_printf ("b2(x) = x%s", ones);
    g_autofree char *big3 = g_strdup_printf ("b3(x) = x%s", ones);

    define_ok (ev, big);
    define_ok (ev, big1);
    g_free (eval_fails (ev, big2, PC_EVAL_ERROR_TOO_MANY_FUNCTIONS, -1, ""));
    /* Replacing one by one of the same size fits. */
    define_ok (ev, big);
    g_assert_true (pc_evaluator_unset (ev, "b1", NULL));
    define_ok (ev, big3);
    g_assert_cmpfloat (eval_one (ev, "b3(1)"), ==, 4001);
  }
}

/* A request that fails leaves the functions as they were. */
static void
test_user_function_transaction (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  define_ok (ev, "f(x) = x + 1");
  eval_one (ev, "a = 1");
  before = both (ev);
  g_free (eval_fails (ev, "a = f(2), b = 3, f(", PC_EVAL_ERROR_UNEXPECTED_EOF, 19, NULL));
  g_free (eval_fails (ev, "f(x) = x +", PC_EVAL_ERROR_UNEXPECTED_EOF, 10, NULL));
  g_free (eval_fails (ev, "f(x) = q", PC_EVAL_ERROR_UNKNOWN_VARIABLE, 7, "q"));
  after = both (ev);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpfloat (eval_one (ev, "f(a)"), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/eval/basic", test_basic);
  g_test_add_func ("/eval/constants", test_constants);
  g_test_add_func ("/eval/ans", test_ans);
  g_test_add_func ("/eval/assign", test_assign);
  g_test_add_func ("/eval/multi", test_multi);
  g_test_add_func ("/eval/special-values", test_special_values);
  g_test_add_func ("/eval/errors/syntax", test_syntax_errors);
  g_test_add_func ("/eval/errors/assignment", test_assignment_errors);
  g_test_add_func ("/eval/errors/unknown-variable", test_unknown_variable);
  g_test_add_func ("/eval/errors/invalid-number", test_invalid_numbers);
  g_test_add_func ("/eval/errors/empty", test_empty);
  g_test_add_func ("/eval/errors/invalid-characters", test_invalid_characters);
  g_test_add_func ("/eval/transaction", test_transaction);
  g_test_add_func ("/eval/undo-log", test_undo_log);
  g_test_add_func ("/eval/undo-log/cost", test_undo_log_cost);
  g_test_add_func ("/eval/variable-limit", test_variable_limit);
  g_test_add_func ("/eval/list-pages", test_list_pages);
  g_test_add_func ("/eval/limits", test_limits);
  g_test_add_func ("/eval/variables", test_unset_reset_foreach);
  g_test_add_func ("/eval/catalogue", test_catalogue);
  g_test_add_func ("/eval/no-detail", test_no_detail);
  g_test_add_func ("/eval/locale", test_locale);
  g_test_add_func ("/eval/random", test_random);
  g_test_add_func ("/eval/threads", test_threads);
  g_test_add_func ("/eval/cache/reuse", test_cache_reuse);
  g_test_add_func ("/eval/cache/failure", test_cache_failure);
  g_test_add_func ("/eval/cache/unset-reset", test_cache_unset_reset);
  g_test_add_func ("/eval/cache/eviction", test_cache_eviction);
  g_test_add_func ("/eval/cache/bytes", test_cache_bytes);
  g_test_add_func ("/eval/math/rounding", test_rounding_functions);
  g_test_add_func ("/eval/math/modulo", test_modulo);
  g_test_add_func ("/eval/math/factorial", test_factorial);
  g_test_add_func ("/eval/math/gamma-combinations", test_gamma_combinations);
  g_test_add_func ("/eval/math/faults-cached", test_faults_cached);
  g_test_add_func ("/eval/user-functions/basic", test_user_functions);
  g_test_add_func ("/eval/user-functions/errors", test_user_function_errors);
  g_test_add_func ("/eval/user-functions/redefine", test_user_function_redefine);
  g_test_add_func ("/eval/user-functions/unset-reset", test_user_function_unset_reset);
  g_test_add_func ("/eval/user-functions/limits", test_user_function_limits);
  g_test_add_func ("/eval/user-functions/transaction", test_user_function_transaction);

  return g_test_run ();
}
