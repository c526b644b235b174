/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-evaluator.h"

#include <math.h>
#include <string.h>

#include "pc-eval-catalog.h"
#include "pc-evaluator-private.h"

/* ---- Sampling ------------------------------------------------------------
 *
 * muparser's bulk mode (mupEvalBulk) evaluates one bytecode over arrays:
 * point i reads every variable of the expression at its address + i
 * (muparser 2.3.3, ParserBase::ParseCmdCodeBulk), not only the one being
 * sampled. So every variable the sampling parser knows is an array of
 * SAMPLE_CHUNK doubles: the sampled one, a copy of each session variable
 * the expression names (the session's own storage is a single double, and
 * is never lent to this parser), and whatever the variable factory makes.
 * An expression naming more than SAMPLE_BULK_VARIABLES session variables is
 * evaluated point by point instead (mupEval), its variables single
 * doubles, so that copies never cost more than a few hundred KB.
 *
 * Debian's libmuparser 2.3.3 is built with OpenMP: its bulk loop is an
 * "omp parallel for" over min(omp_get_max_threads(), 16) threads. Our
 * callbacks are not made for that (a user function evaluates its body with
 * a parser of its own; faults go to a thread-local record; a session
 * would take every core), so the thread that samples sets its OpenMP
 * thread count to one before each bulk call: the loop then runs on that
 * thread alone. */

#ifdef _OPENMP
#include <omp.h>
#endif

/* Points per bulk call at most, and the length of the variables' arrays. */
#define SAMPLE_CHUNK 4096
/* Points per bulk call at least, without user functions, for an
 * expression of up to 64 characters (fewer for longer ones). */
#define MIN_BULK_CHUNK 256
/* User function calls one sample may make in all: a hundred eval
 * requests' worth (a few seconds at most), where a million points of
 * PC_EVAL_MAX_CALLS each could take hours. */
#define SAMPLE_MAX_CALLS (100 * (guint64) PC_EVAL_MAX_CALLS)
/* Session variables a sampled expression may name and still go in bulk. */
#define SAMPLE_BULK_VARIABLES 16

struct _PcSampler
{
  PcEvaluator      *evaluator;
  muParserHandle_t  parser;
  double            from;
  double            to;
  double            step;
  guint             points;
  guint             done;      /* points already given */
  guint             chunk;     /* points per call, adapted to the budget */
  /* The fewest: 1 when a user function can make one point cost
   * milliseconds; else enough that muparser's parse at each bulk call
   * (2.3.3's Eval() builds the bytecode again) stays a small part. */
  guint             min_chunk;
  gboolean          bulk;
  gboolean          calls;     /* a callback may fault: the record is armed */
  guint             length;    /* of every array: SAMPLE_CHUNK in bulk, else 1 */
  double           *x;
  double           *y;         /* SAMPLE_CHUNK */
  GPtrArray        *arrays;    /* copies of session variables, factory storage */
  char             *unknown;   /* the first name the factory met */
  /* User function calls made so far, and whether they reached
   * SAMPLE_MAX_CALLS: the points after that are NaN. */
  guint64           n_calls;
  gboolean          calls_spent;
};

void
pc_sampler_free (PcSampler *sampler)
{
  if (sampler == NULL)
    return;
  if (sampler->parser != NULL)
    mupRelease (sampler->parser);
  g_free (sampler->x);
  g_free (sampler->y);
  g_ptr_array_unref (sampler->arrays);
  g_free (sampler->unknown);
  g_free (sampler);
}

/* A name that is neither the sampled variable nor the session's: the
 * request fails, but muparser still gets storage it may read in bulk. */
static double *
sample_variable_cb (const char *name,
                    void       *user_data)
{
  PcSampler *sampler = user_data;

  /* Nothing is evaluated after this: one array serves every such name,
   * however many the expression holds. */
  if (sampler->unknown == NULL)
    {
      sampler->unknown = g_strdup (name);
      g_ptr_array_add (sampler->arrays, g_new0 (double, sampler->length));
    }
  return g_ptr_array_index (sampler->arrays, sampler->arrays->len - 1);
}

gboolean
pc_evaluator_check_sample_variable (PcEvaluator  *self,
                                    const char   *name,
                                    GError      **error)
{
  gsize len = strlen (name);

  if (len == 0 || len > PC_EVAL_MAX_IDENTIFIER || g_ascii_isdigit (name[0])
      || (gsize) pc_eval_name_length (name) != len)
    {
      g_set_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_INVALID_PARAMETER,
                   "\"var\" must be a name: letters, digits and \"_\", not starting "
                   "with a digit, at most %d characters", PC_EVAL_MAX_IDENTIFIER);
      return FALSE;
    }
  if (pc_eval_is_function (name) || pc_eval_user_contains (self->functions, name))
    {
      g_set_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_INVALID_PARAMETER,
                   "\"var\" cannot be \"%s\": it is the name of a function", name);
      return FALSE;
    }
  if (pc_eval_is_constant (name))
    {
      g_set_error (error, PC_EVAL_ERROR, PC_EVAL_ERROR_INVALID_PARAMETER,
                   "\"var\" cannot be \"%s\": it is the name of a constant", name);
      return FALSE;
    }
  return TRUE;
}

/* What a sample refuses that an eval would take: an assignment or a
 * definition (the session would change), several results. */
static gboolean
check_sample_shape (const char    *expr,
                    GArray        *tokens,
                    PcEvalFailure *failure)
{
  int depth = 0;

  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      if (t->kind == PC_TOKEN_OPERATOR && pc_token_is (expr, t, "="))
        {
          pc_eval_failure_set_at (failure, PC_EVAL_ERROR_ASSIGNMENT, expr, tokens, i);
          return TRUE;
        }
    }
  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      if (t->kind == PC_TOKEN_OPEN)
        depth++;
      else if (t->kind == PC_TOKEN_CLOSE)
        depth--;
      else if (t->kind == PC_TOKEN_COMMA && depth <= 0)
        {
          pc_eval_failure_set_at (failure, PC_EVAL_ERROR_SEVERAL_RESULTS, expr, tokens, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* Gives each session variable @expr names (not followed by "(") a copy
 * of its value in an array of its own; returns how many there are, or
 * only counts them when @define is FALSE. */
static guint
define_sample_variables (PcSampler  *sampler,
                         const char *expr,
                         GArray     *tokens,
                         const char *variable,
                         gboolean    define)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  PcEvaluator *self = sampler->evaluator;

  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);
      char *name;
      double *value;

      if (t->kind != PC_TOKEN_NAME
          || (i + 1 < tokens->len && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN))
        continue;
      name = pc_token_text (expr, t);
      value = g_hash_table_lookup (self->variables, name);
      if (value == NULL || g_str_equal (name, variable) || g_hash_table_contains (seen, name))
        {
          g_free (name);
          continue;
        }
      if (define)
        {
          double *copy = g_new (double, sampler->length);

          for (guint k = 0; k < sampler->length; k++)
            copy[k] = *value;
          g_ptr_array_add (sampler->arrays, copy);
          mupDefineVar (sampler->parser, name, copy);
        }
      g_hash_table_add (seen, name);
    }
  return g_hash_table_size (seen);
}

/* Whether the expression calls a function or uses "!" or "%": only then
 * may a callback record a fault. */
static gboolean
expression_calls (const char *expr,
                  GArray     *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      if (t->kind == PC_TOKEN_OPEN && i > 0 && PC_TOKEN (tokens, i - 1)->kind == PC_TOKEN_NAME)
        return TRUE;
      if (t->kind == PC_TOKEN_OPERATOR
          && (pc_token_is (expr, t, "!") || pc_token_is (expr, t, "%")))
        return TRUE;
    }
  return FALSE;
}

/* The first token naming @name, or -1. */
static int
find_name_token (const char *expr,
                 GArray     *tokens,
                 const char *name)
{
  for (guint i = 0; i < tokens->len; i++)
    if (PC_TOKEN (tokens, i)->kind == PC_TOKEN_NAME
        && pc_token_is (expr, PC_TOKEN (tokens, i), name))
      return (int) i;
  return -1;
}

PcSampler *
pc_evaluator_sample (PcEvaluator        *self,
                     const char         *expr,
                     const char         *variable,
                     double              from,
                     double              to,
                     guint               points,
                     PcEvalErrorDetail  *detail,
                     GError            **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(PcSampler) sampler = NULL;
  PcEvalFailure failure = { 0, -1, NULL };
  gboolean parse_failed;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (expr != NULL && variable != NULL, NULL);
  g_return_val_if_fail (points >= PC_EVAL_SAMPLE_MIN_POINTS
                        && points <= PC_EVAL_SAMPLE_MAX_POINTS, NULL);
  g_return_val_if_fail (isfinite (from) && isfinite (to) && isfinite (to - from)
                        && from != to, NULL);

  if (pc_evaluator_check_text (expr, &tokens, &failure) || check_sample_shape (expr, tokens, &failure))
    goto failed;

  sampler = g_new0 (PcSampler, 1);
  sampler->evaluator = self;
  sampler->from = from;
  sampler->to = to;
  sampler->points = points;
  sampler->step = (to - from) / (points - 1);
  sampler->arrays = g_ptr_array_new_with_free_func (g_free);
  sampler->bulk = define_sample_variables (sampler, expr, tokens, variable, FALSE)
                  <= SAMPLE_BULK_VARIABLES;
  sampler->length = sampler->bulk ? SAMPLE_CHUNK : 1;
  sampler->calls = expression_calls (expr, tokens);
  /* The parse grows with the text as the evaluation of a point does: a
   * long expression gets a smaller floor, so that a chunk stays short. */
  sampler->min_chunk = sampler->bulk && pc_eval_user_count (self->functions) == 0
                       ? CLAMP (MIN_BULK_CHUNK * 64 / (strlen (expr) + 1), 1, MIN_BULK_CHUNK)
                       : 1;
  sampler->chunk = MAX (64, sampler->min_chunk);
  sampler->x = g_new0 (double, sampler->length);
  sampler->y = g_new0 (double, SAMPLE_CHUNK);

  /* A parser of its own, which knows the session's functions; its
   * variables are the sampler's arrays, the sampled one defined last so
   * that it hides a session variable of its name (ans included). */
  sampler->parser = pc_evaluator_new_parser (self);
  mupSetVarFactory (sampler->parser, sample_variable_cb, sampler);
  define_sample_variables (sampler, expr, tokens, variable, TRUE);
  mupDefineVar (sampler->parser, variable, sampler->x);
  mupSetExpr (sampler->parser, expr);
  /* Parses without evaluating, calling the factory for every unknown name. */
  mupGetExprVarNum (sampler->parser);
  parse_failed = mupError (sampler->parser);
  if (parse_failed)
    pc_eval_failure_from_parser (&failure, sampler->parser, expr, tokens);
  /* An unknown name ("nope(x)" reads as a variable, then "(" does not
   * parse) is the mistake to show when it comes first, as for eval. */
  if (sampler->unknown != NULL)
    {
      int i = find_name_token (expr, tokens, sampler->unknown);
      PcEvalErrorCode code = PC_EVAL_ERROR_UNKNOWN_VARIABLE;

      if (pc_eval_is_function (sampler->unknown))
        code = PC_EVAL_ERROR_UNEXPECTED_FUN;
      else if (i >= 0 && (guint) i + 1 < tokens->len
               && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN)
        code = PC_EVAL_ERROR_UNKNOWN_FUNCTION;
      if (!parse_failed || failure.pos < 0
          || (i >= 0 && (int) PC_TOKEN (tokens, i)->start < failure.pos))
        {
          if (i >= 0)
            pc_eval_failure_set_at (&failure, code, expr, tokens, i);
          else
            pc_eval_failure_set (&failure, code, -1, g_strdup (sampler->unknown));
        }
      goto failed;
    }
  if (parse_failed)
    goto failed;
  return g_steal_pointer (&sampler);

failed:
  pc_eval_failure_report (&failure, expr, detail, error);
  g_free (failure.token);
  return NULL;
}

double
pc_sampler_get_step (PcSampler *sampler)
{
  return sampler->step;
}

double
pc_sampler_x (PcSampler *sampler,
              guint      i)
{
  if (i + 1 >= sampler->points)
    return sampler->to;
  return sampler->from + i * sampler->step;
}

/* Whether the sample has made as many user function calls as it may in
 * all, counting those of the evaluation that just ended. */
static gboolean
calls_spent (PcSampler *sampler)
{
  sampler->n_calls += sampler->evaluator->fault.calls;
  sampler->evaluator->fault.calls = 0;
  return sampler->n_calls >= SAMPLE_MAX_CALLS;
}

/* Point by point: a fault, or an error, makes that one point NaN. */
static void
sample_points (PcSampler *sampler,
               guint      n)
{
  PcEvaluator *self = sampler->evaluator;

  for (guint i = 0; i < n; i++)
    {
      double y = NAN;

      sampler->x[0] = pc_sampler_x (sampler, sampler->done + i);
      if (!sampler->calls_spent)
        {
          if (sampler->calls)
            pc_evaluator_start_fault (self);
          y = mupEval (sampler->parser);
          if (sampler->calls)
            pc_eval_math_set_fault (NULL);
          if (mupError (sampler->parser) || (sampler->calls && self->fault.name != NULL))
            y = NAN;
          if (sampler->calls)
            sampler->calls_spent = calls_spent (sampler);
        }
      sampler->y[i] = y;
    }
}

guint
pc_sampler_next (PcSampler     *sampler,
                 guint          budget_usec,
                 const double **values)
{
  PcEvaluator *self = sampler->evaluator;
  guint n = MIN (sampler->chunk, sampler->points - sampler->done);
  gint64 start;
  gint64 elapsed;

  *values = sampler->y;
  if (n == 0)
    return 0;
  start = g_get_monotonic_time ();
  if (sampler->bulk && !sampler->calls_spent)
    {
      gboolean failed;

      for (guint i = 0; i < n; i++)
        sampler->x[i] = pc_sampler_x (sampler, sampler->done + i);
      if (sampler->calls)
        pc_evaluator_start_fault (self);
#ifdef _OPENMP
      omp_set_num_threads (1);
#endif
      mupEvalBulk (sampler->parser, sampler->y, (int) n);
      if (sampler->calls)
        pc_eval_math_set_fault (NULL);
      failed = mupError (sampler->parser) || (sampler->calls && self->fault.name != NULL);
      if (sampler->calls)
        sampler->calls_spent = calls_spent (sampler);
      /* Which points failed, the chunk again says point by point. */
      if (failed)
        sample_points (sampler, n);
    }
  else
    sample_points (sampler, n);
  elapsed = g_get_monotonic_time () - start;

  /* The next call takes about the budget: twice as many points while
   * well under it, fewer when over (user functions can make one point
   * cost milliseconds). */
  if (elapsed * 2 < budget_usec && sampler->chunk < SAMPLE_CHUNK)
    sampler->chunk = MIN (sampler->chunk * 2, SAMPLE_CHUNK);
  else if (elapsed > budget_usec && sampler->chunk > sampler->min_chunk)
    sampler->chunk = MAX (sampler->min_chunk,
                          (guint) (sampler->chunk * (double) budget_usec / elapsed));
  sampler->done += n;
  return n;
}
