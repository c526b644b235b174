/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>

#include "pc-evaluator.h"
#include "pc-fuzz.h"

/* The evaluator's front end with arbitrary text: each line of the input is
 * one expression, evaluated in order on one session, so assignments,
 * reads and the parse cache (an expression kept after its second success)
 * all play. Lines alternate between pc_evaluator_eval() and
 * pc_evaluator_eval_values(), and each is evaluated twice so the second
 * run can come from the cache; both runs must agree.
 *
 * muparser 2.3.3 aborts on a token longer than its 2048-byte buffer and
 * has limits of its own: the front end must refuse such text before
 * muparser sees it, so a crash here is a bug of pipecalc. */

static void
check_failure (const char        *expr,
               GError            *error,
               PcEvalErrorDetail *detail)
{
  glong n_chars = g_utf8_validate (expr, -1, NULL) ? g_utf8_strlen (expr, -1) : (glong) strlen (expr);

  if (error == NULL || error->domain != PC_EVAL_ERROR)
    g_error ("eval: a failure without a PC_EVAL_ERROR for “%.200s”", expr);
  if (!g_utf8_validate (error->message, -1, NULL) || error->message[0] == '\0')
    g_error ("eval: a bad message for “%.200s”", expr);
  if (detail->pos < -1 || detail->pos > n_chars)
    g_error ("eval: position %d outside “%.200s” (%ld characters)", detail->pos, expr, n_chars);
  if (detail->token == NULL || !g_utf8_validate (detail->token, -1, NULL)
      || g_utf8_strlen (detail->token, -1) > PC_EVAL_MAX_TOKEN)
    g_error ("eval: a bad token for “%.200s”", expr);
  if (pc_eval_error_reason (error->code) == NULL)
    g_error ("eval: no reason for code %d", error->code);
}

static gboolean
evaluate (PcEvaluator *evaluator,
          const char  *expr,
          gboolean     copy,
          GArray     **values,
          int         *code)
{
  g_autoptr(GError) error = NULL;
  PcEvalErrorDetail detail = { -1, NULL };

  if (copy)
    {
      *values = pc_evaluator_eval (evaluator, expr, &detail, &error);
    }
  else
    {
      guint n = 0;
      const double *v = pc_evaluator_eval_values (evaluator, expr, &n, &detail, &error);

      *values = NULL;
      if (v != NULL)
        {
          /* Only a function definition succeeds without values. */
          if (n == 0 && pc_evaluator_definition (evaluator) == NULL)
            g_error ("eval: success without values for “%.200s”", expr);
          *values = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
          g_array_append_vals (*values, v, n);
        }
    }
  if (*values == NULL)
    {
      check_failure (expr, error, &detail);
      *code = error->code;
      pc_eval_error_detail_clear (&detail);
      return FALSE;
    }
  if ((*values)->len == 0 && pc_evaluator_definition (evaluator) == NULL)
    g_error ("eval: success without values for “%.200s”", expr);
  return TRUE;
}

static gboolean
same_values (GArray *a,
             GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      double x = g_array_index (a, double, i), y = g_array_index (b, double, i);

      /* NaN is not equal to itself; two NaNs agree. */
      if (!(x == y || (x != x && y != y)))
        return FALSE;
    }
  return TRUE;
}

static void
count_variable_cb (const char *name,
                   double      value,
                   gpointer    user_data)
{
  guint *n = user_data;

  if (name == NULL || name[0] == '\0' || strlen (name) > PC_EVAL_MAX_IDENTIFIER)
    g_error ("eval: a session variable with a bad name");
  (*n)++;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  pc_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PcEvaluator) evaluator = pc_evaluator_new ();
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 64);
  guint n_vars = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *expr = lines[i];
      g_autoptr(GArray) first = NULL;
      g_autoptr(GArray) second = NULL;
      int first_code = -1, second_code = -1;
      gboolean ok_first = evaluate (evaluator, expr, i % 2 == 0, &first, &first_code);
      gboolean ok_second;

      /* An expression that assigns changes what its second run reads
       * ("a = a + 1"), and rand() differs: compare only when it reads
       * no variable it may have written. */
      ok_second = evaluate (evaluator, expr, i % 2 == 1, &second, &second_code);
      if (strchr (expr, '=') == NULL && strstr (expr, "rnd") == NULL
          && strstr (expr, "ans") == NULL)
        {
          if (ok_first != ok_second)
            g_error ("eval: “%.200s” succeeded once and failed once", expr);
          if (ok_first && !same_values (first, second))
            g_error ("eval: “%.200s” gave two different results", expr);
          if (!ok_first && first_code != second_code)
            g_error ("eval: “%.200s” failed with %d then %d", expr, first_code, second_code);
        }
    }

  pc_evaluator_foreach_variable (evaluator, count_variable_cb, &n_vars);
  if (n_vars == 0)
    g_error ("eval: ans is missing from the session variables");
  pc_evaluator_trim (evaluator);
  pc_evaluator_reset (evaluator);
  return 0;
}
