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

/* A server may answer anything: past this many of a kind, the rest are
 * left out, so a hostile catalogue cannot make the window build rows for
 * minutes (pipecalcd has 38 functions, 17 operators, 4 constants, and at
 * most 100 functions per session). */
#define MAX_PER_KIND 1000

void
pc_function_help_foreach (const PcCatalog *catalog,
                          PcCatalogFunc    func,
                          gpointer         user_data)
{
  if (catalog == NULL)
    return;
  for (guint i = 0; catalog->functions != NULL && i < MIN (catalog->functions->len, MAX_PER_KIND); i++)
    {
      const PcFunctionInfo *info = g_ptr_array_index (catalog->functions, i);

      func (PC_CATALOG_FUNCTION, info->name,
            pc_function_help_describe (info->name, info->description), user_data);
    }
  for (guint i = 0; catalog->operators != NULL && i < MIN (catalog->operators->len, MAX_PER_KIND); i++)
    {
      const char *name = g_ptr_array_index (catalog->operators, i);

      func (PC_CATALOG_OPERATOR, name, pc_function_help_describe (name, NULL), user_data);
    }
  for (guint i = 0; catalog->constant_names != NULL
                    && i < MIN (catalog->constant_names->len, MAX_PER_KIND); i++)
    {
      const char *name = g_ptr_array_index (catalog->constant_names, i);

      func (PC_CATALOG_CONSTANT, name, pc_function_help_describe (name, NULL), user_data);
    }
  for (guint i = 0; catalog->user != NULL && i < MIN (catalog->user->len, MAX_PER_KIND); i++)
    {
      const PcFunctionInfo *info = g_ptr_array_index (catalog->user, i);

      func (PC_CATALOG_USER, info->name, info->text, user_data);
    }
}

void
pc_completion_free (PcCompletion *completion)
{
  if (completion == NULL)
    return;
  g_free (completion->name);
  g_free (completion->description);
  g_free (completion->insert);
  g_free (completion);
}

static gboolean
is_name (const char *text)
{
  if (!g_ascii_isalpha (text[0]) && text[0] != '_')
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return FALSE;
  return TRUE;
}

typedef struct
{
  GPtrArray  *completions;
  GHashTable *seen;
} Collect;

static void
add_completion (Collect    *collect,
                const char *name,
                const char *description,
                gboolean    is_function)
{
  PcCompletion *completion;

  /* Each name once: sin the function, not also sin( from a history of
   * failed attempts. */
  if (name == NULL || !is_name (name) || !g_hash_table_add (collect->seen, g_strdup (name)))
    return;
  completion = g_new0 (PcCompletion, 1);
  completion->name = g_strdup (name);
  completion->description = g_strdup (description != NULL
                                      && g_utf8_validate (description, -1, NULL) ? description : "");
  completion->insert = is_function ? g_strdup_printf ("%s()", name) : g_strdup (name);
  completion->back = is_function ? 1 : 0;
  g_ptr_array_add (collect->completions, completion);
}

static void
add_catalog_completion (PcCatalogKind  kind,
                        const char    *name,
                        const char    *description,
                        gpointer       user_data)
{
  if (kind != PC_CATALOG_OPERATOR)
    add_completion (user_data, name, description,
                    kind == PC_CATALOG_FUNCTION || kind == PC_CATALOG_USER);
}

GPtrArray *
pc_function_help_completions (const PcCatalog    *catalog,
                              const char * const *history)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Collect collect = {
    .completions = g_ptr_array_new_with_free_func ((GDestroyNotify) pc_completion_free),
    .seen = seen,
  };

  pc_function_help_foreach (catalog, add_catalog_completion, &collect);
  for (guint i = 0; history != NULL && history[i] != NULL; i++)
    add_completion (&collect, history[i], NULL, FALSE);
  return collect.completions;
}
