/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-eval-user.h"

#include <math.h>
#include <string.h>

#include "pc-eval-catalog.h"
#include "pc-eval-scan.h"

struct _PcEvalUser
{
  /* name -> PcEvalUserFunction*, the key owned by the value. */
  GTree                 *functions;
  gsize                  function_bytes;  /* text of all definitions */
  /* The session's, not owned. */
  GHashTable            *variables;
  PcEvalFault           *fault;
  PcEvalUserPrepareFunc  prepare;
  gpointer               prepare_data;
  int                    depth;    /* user function calls in progress */
  /* Names a function body's parser asked for that are not session
   * variables: unknown names, refused. */
  GPtrArray             *unknown;
  double                 dummy;    /* what they read meanwhile */
};

/* A user function, "name(params) = body". Its body has a parser of its
 * own (built when first needed, dropped whenever any function or variable
 * goes away), reading the parameters from @args and session variables
 * from their storage, so at the time of the call. A body never assigns,
 * so a call changes nothing in the session. */
struct _PcEvalUserFunction
{
  char             *name;
  char             *text;
  char             *body;
  guint             n_params;
  char             *params[PC_EVAL_MAX_PARAMS];
  double            args[PC_EVAL_MAX_PARAMS];
  muParserHandle_t  parser;
  GPtrArray        *calls;  /* names of the user functions the body calls */
  PcEvalUser       *owner;
};

static double call_user (PcEvalUserFunction *fn,
                         const double       *args);

static double
user0 (void *fn)
{
  return call_user (fn, NULL);
}

static double
user1 (void *fn, double a)
{
  double v[] = { a };
  return call_user (fn, v);
}

static double
user2 (void *fn, double a, double b)
{
  double v[] = { a, b };
  return call_user (fn, v);
}

static double
user3 (void *fn, double a, double b, double c)
{
  double v[] = { a, b, c };
  return call_user (fn, v);
}

static double
user4 (void *fn, double a, double b, double c, double d)
{
  double v[] = { a, b, c, d };
  return call_user (fn, v);
}

static double
user5 (void *fn, double a, double b, double c, double d, double e)
{
  double v[] = { a, b, c, d, e };
  return call_user (fn, v);
}

static double
user6 (void *fn, double a, double b, double c, double d, double e, double f)
{
  double v[] = { a, b, c, d, e, f };
  return call_user (fn, v);
}

static double
user7 (void *fn, double a, double b, double c, double d, double e, double f,
       double g)
{
  double v[] = { a, b, c, d, e, f, g };
  return call_user (fn, v);
}

static double
user8 (void *fn, double a, double b, double c, double d, double e, double f,
       double g, double h)
{
  double v[] = { a, b, c, d, e, f, g, h };
  return call_user (fn, v);
}

static double
user9 (void *fn, double a, double b, double c, double d, double e, double f,
       double g, double h, double i)
{
  double v[] = { a, b, c, d, e, f, g, h, i };
  return call_user (fn, v);
}

static double
user10 (void *fn, double a, double b, double c, double d, double e, double f,
        double g, double h, double i, double j)
{
  double v[] = { a, b, c, d, e, f, g, h, i, j };
  return call_user (fn, v);
}

/* Never folded while parsing: a function's body can change. */
static void
define_user_function (muParserHandle_t    parser,
                      PcEvalUserFunction *fn)
{
  switch (fn->n_params)
    {
    case 0: mupDefineFunUserData0 (parser, fn->name, user0, fn, FALSE); break;
    case 1: mupDefineFunUserData1 (parser, fn->name, user1, fn, FALSE); break;
    case 2: mupDefineFunUserData2 (parser, fn->name, user2, fn, FALSE); break;
    case 3: mupDefineFunUserData3 (parser, fn->name, user3, fn, FALSE); break;
    case 4: mupDefineFunUserData4 (parser, fn->name, user4, fn, FALSE); break;
    case 5: mupDefineFunUserData5 (parser, fn->name, user5, fn, FALSE); break;
    case 6: mupDefineFunUserData6 (parser, fn->name, user6, fn, FALSE); break;
    case 7: mupDefineFunUserData7 (parser, fn->name, user7, fn, FALSE); break;
    case 8: mupDefineFunUserData8 (parser, fn->name, user8, fn, FALSE); break;
    case 9: mupDefineFunUserData9 (parser, fn->name, user9, fn, FALSE); break;
    default: mupDefineFunUserData10 (parser, fn->name, user10, fn, FALSE); break;
    }
}

static gboolean
define_one_cb (gpointer key,
               gpointer value,
               gpointer data)
{
  define_user_function (data, value);
  return FALSE;
}

void
pc_eval_user_define_all (PcEvalUser       *self,
                         muParserHandle_t  parser)
{
  g_tree_foreach (self->functions, define_one_cb, parser);
}

static void
user_function_free (PcEvalUserFunction *fn)
{
  if (fn->parser != NULL)
    mupRelease (fn->parser);
  for (guint i = 0; i < fn->n_params; i++)
    g_free (fn->params[i]);
  g_clear_pointer (&fn->calls, g_ptr_array_unref);
  g_free (fn->name);
  g_free (fn->text);
  g_free (fn->body);
  g_free (fn);
}

static double *
body_variable_cb (const char *name,
                  void       *user_data)
{
  PcEvalUser *self = user_data;
  double *value = g_hash_table_lookup (self->variables, name);

  if (value != NULL)
    return value;
  g_ptr_array_add (self->unknown, g_strdup (name));
  return &self->dummy;
}

void
pc_eval_define_named_variables (muParserHandle_t  parser,
                                GHashTable       *variables,
                                const char       *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = p;
      char name[PC_EVAL_MAX_IDENTIFIER + 1];
      double *value;

      if (!pc_eval_is_name_char (*p))
        {
          p++;
          continue;
        }
      while (pc_eval_is_name_char (*p))
        p++;
      /* A run that starts with a digit is a number ("2e3"), and longer
       * names are refused before any parse. */
      if (g_ascii_isdigit (*start) || p - start > PC_EVAL_MAX_IDENTIFIER)
        continue;
      memcpy (name, start, (gsize) (p - start));
      name[p - start] = '\0';
      value = g_hash_table_lookup (variables, name);
      if (value != NULL)
        mupDefineVar (parser, name, value);
    }
}

/* A parser for @fn's body, parsed (not evaluated): NULL if it failed,
 * with the reason in muparser's error state of *@failed_parser (to be
 * released by the caller) or in self->unknown. */
static muParserHandle_t
body_parser (PcEvalUser         *self,
             PcEvalUserFunction *fn,
             muParserHandle_t   *failed_parser)
{
  muParserHandle_t parser = mupCreate (muBASETYPE_FLOAT);

  *failed_parser = NULL;
  mupSetVarFactory (parser, body_variable_cb, self);
  self->prepare (parser, self->prepare_data);
  /* The parameters come after: they hide session variables of their names. */
  pc_eval_define_named_variables (parser, self->variables, fn->body);
  for (guint i = 0; i < fn->n_params; i++)
    mupDefineVar (parser, fn->params[i], &fn->args[i]);
  g_ptr_array_set_size (self->unknown, 0);
  mupSetExpr (parser, fn->body);
  /* Parses without evaluating, calling the factory for every name. */
  mupGetExprVarNum (parser);
  if (mupError (parser) || self->unknown->len > 0)
    {
      *failed_parser = parser;
      return NULL;
    }
  return parser;
}

static double
call_user (PcEvalUserFunction *fn,
           const double       *args)
{
  PcEvalUser *self = fn->owner;
  PcEvalFault *fault = self->fault;
  double value = NAN;

  if (fault->name != NULL)
    return NAN;  /* failed already: no more work */
  if (++fault->calls > PC_EVAL_MAX_CALLS)
    {
      fault->code = PC_EVAL_ERROR_TOO_MANY_COMPUTATIONS;
      fault->name = fn->name;
    }
  else
    {
      if (fn->parser == NULL)
        {
          muParserHandle_t failed = NULL;

          /* What the body names was unset or redefined since. */
          fn->parser = body_parser (self, fn, &failed);
          g_clear_pointer (&failed, mupRelease);
          if (fn->parser == NULL)
            {
              fault->code = PC_EVAL_ERROR_BROKEN_FUNCTION;
              fault->name = fn->name;
            }
        }
      if (fn->parser != NULL)
        {
          for (guint i = 0; i < fn->n_params; i++)
            fn->args[i] = args[i];
          self->depth++;
          value = mupEval (fn->parser);
          if (mupError (fn->parser) && fault->name == NULL)
            {
              fault->code = PC_EVAL_ERROR_BROKEN_FUNCTION;
              fault->name = fn->name;
            }
          self->depth--;
        }
    }
  /* The request's text shows the outermost call. */
  if (fault->name != NULL)
    {
      if (self->depth == 0 && fault->user == NULL)
        fault->user = fn->name;
      return NAN;
    }
  return value;
}

static gboolean
drop_parser_cb (gpointer key,
                gpointer value,
                gpointer data)
{
  PcEvalUserFunction *fn = value;

  g_clear_pointer (&fn->parser, mupRelease);
  return FALSE;
}

void
pc_eval_user_drop_parsers (PcEvalUser *self)
{
  g_tree_foreach (self->functions, drop_parser_cb, NULL);
}

/* Whether @from's body calls @target, directly or through others. */
static gboolean
reaches (PcEvalUser         *self,
         PcEvalUserFunction *from,
         const char         *target,
         GHashTable         *visited)
{
  if (!g_hash_table_add (visited, from->name))
    return FALSE;
  for (guint i = 0; i < from->calls->len; i++)
    {
      const char *name = g_ptr_array_index (from->calls, i);
      PcEvalUserFunction *next;

      if (strcmp (name, target) == 0)
        return TRUE;
      next = g_tree_lookup (self->functions, name);
      if (next != NULL && reaches (self, next, target, visited))
        return TRUE;
    }
  return FALSE;
}

int
pc_eval_user_definition_close (const char *expr,
                               GArray     *tokens)
{
  guint i;

  if (tokens->len < 4 || PC_TOKEN (tokens, 0)->kind != PC_TOKEN_NAME
      || PC_TOKEN (tokens, 1)->kind != PC_TOKEN_OPEN)
    return -1;
  for (i = 2; i < tokens->len && PC_TOKEN (tokens, i)->kind != PC_TOKEN_CLOSE; i++)
    if (PC_TOKEN (tokens, i)->kind == PC_TOKEN_OPEN)
      return -1;
  if (i + 1 >= tokens->len || !pc_token_is (expr, PC_TOKEN (tokens, i + 1), "="))
    return -1;
  return i;
}

typedef struct
{
  const char *name;
  gboolean    found;
} ParamSearch;

static gboolean
find_parameter_cb (gpointer key,
                   gpointer value,
                   gpointer data)
{
  PcEvalUserFunction *fn = value;
  ParamSearch *search = data;

  for (guint i = 0; i < fn->n_params; i++)
    if (strcmp (fn->params[i], search->name) == 0)
      search->found = TRUE;
  return search->found;
}

/* Whether @name is a parameter of a function: it would then become a
 * function inside that body, which muparser reads as a misplaced call. */
static gboolean
is_parameter (PcEvalUser *self,
              const char *name)
{
  ParamSearch search = { name, FALSE };

  g_tree_foreach (self->functions, find_parameter_cb, &search);
  return search.found;
}

static gboolean
is_taken (PcEvalUser *self,
          const char *name)
{
  return pc_eval_is_function (name) || pc_eval_is_constant (name)
         || strcmp (name, "ans") == 0;
}

/* The parameters, tokens 2 .. @close - 1. */
static gboolean
read_params (PcEvalUser         *self,
             const char         *expr,
             GArray             *tokens,
             guint               close,
             PcEvalUserFunction *fn,
             PcEvalFailure      *failure)
{
  /* An even index at the ")" follows a comma: "f(x,) = 1". */
  for (guint i = 2; i < close || (i == close && i > 2 && i % 2 == 0); i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);
      g_autofree char *name = NULL;

      if ((i % 2) == 1)
        {
          if (t->kind != PC_TOKEN_COMMA)
            {
              pc_eval_failure_set_at (failure, PC_EVAL_ERROR_INVALID_PARAMETER, expr, tokens, i);
              return FALSE;
            }
          continue;
        }
      name = pc_token_text (expr, t);
      if (t->kind != PC_TOKEN_NAME || is_taken (self, name)
          || strcmp (name, fn->name) == 0
          || g_tree_lookup (self->functions, name) != NULL)
        {
          pc_eval_failure_set_at (failure, PC_EVAL_ERROR_INVALID_PARAMETER, expr, tokens, i);
          return FALSE;
        }
      for (guint j = 0; j < fn->n_params; j++)
        if (strcmp (fn->params[j], name) == 0)
          {
            pc_eval_failure_set_at (failure, PC_EVAL_ERROR_INVALID_PARAMETER, expr, tokens, i);
            return FALSE;
          }
      if (fn->n_params == PC_EVAL_MAX_PARAMS)
        {
          pc_eval_failure_set (failure, PC_EVAL_ERROR_TOO_MANY_PARAMS, t->start,
                               g_strdup (fn->name));
          return FALSE;
        }
      fn->params[fn->n_params++] = g_steal_pointer (&name);
    }
  return TRUE;
}

/* The body, tokens from @first: one expression, no assignment, no call
 * that comes back to the function. */
static gboolean
scan_body (PcEvalUser         *self,
           const char         *expr,
           GArray             *tokens,
           guint               first,
           PcEvalUserFunction *fn,
           PcEvalFailure      *failure)
{
  int depth = 0;

  if (first >= tokens->len)
    {
      pc_eval_failure_set (failure, PC_EVAL_ERROR_UNEXPECTED_EOF, strlen (expr), NULL);
      return FALSE;
    }
  for (guint i = first; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      if (t->kind == PC_TOKEN_OPEN)
        depth++;
      else if (t->kind == PC_TOKEN_CLOSE)
        depth--;
      else if (t->kind == PC_TOKEN_COMMA && depth == 0)
        {
          pc_eval_failure_set_at (failure, PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, expr, tokens, i);
          return FALSE;
        }
      else if (t->kind == PC_TOKEN_OPERATOR && pc_token_is (expr, t, "="))
        {
          pc_eval_failure_set_at (failure, PC_EVAL_ERROR_UNEXPECTED_OPERATOR, expr, tokens, i);
          return FALSE;
        }
      else if (t->kind == PC_TOKEN_NAME && i + 1 < tokens->len
               && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN)
        {
          g_autofree char *name = pc_token_text (expr, t);
          PcEvalUserFunction *callee = g_tree_lookup (self->functions, name);
          gboolean recursive = strcmp (name, fn->name) == 0;

          if (!recursive && callee != NULL)
            {
              g_autoptr(GHashTable) visited = g_hash_table_new (g_str_hash, g_str_equal);

              recursive = reaches (self, callee, fn->name, visited);
            }
          if (recursive)
            {
              pc_eval_failure_set_at (failure, PC_EVAL_ERROR_RECURSION, expr, tokens, i);
              return FALSE;
            }
          if (callee != NULL && !g_ptr_array_find_with_equal_func (fn->calls, name,
                                                                   g_str_equal, NULL))
            g_ptr_array_add (fn->calls, g_steal_pointer (&name));
        }
    }
  return TRUE;
}

/* Why the body's parse failed, positioned in the whole definition. */
static void
body_failure (PcEvalUser         *self,
              const char         *expr,
              int                 offset,
              PcEvalUserFunction *fn,
              muParserHandle_t    parser,
              PcEvalFailure      *failure)
{
  g_autoptr(GArray) tokens = pc_tokenize (fn->body);

  failure->pos = -1;
  /* An unknown name first: muparser's own error may only follow from it. */
  for (guint i = 0; i < tokens->len && self->unknown->len > 0; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);
      g_autofree char *name = NULL;

      if (t->kind != PC_TOKEN_NAME)
        continue;
      name = pc_token_text (fn->body, t);
      if (g_ptr_array_find_with_equal_func (self->unknown, name, g_str_equal, NULL))
        {
          gboolean call = i + 1 < tokens->len && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN;

          pc_eval_failure_set (failure, call ? PC_EVAL_ERROR_UNKNOWN_FUNCTION
                                             : PC_EVAL_ERROR_UNKNOWN_VARIABLE,
                               offset + t->start, g_steal_pointer (&name));
          return;
        }
    }
  pc_eval_failure_from_parser (failure, parser, fn->body, tokens);
  if (failure->pos >= 0)
    failure->pos += offset;
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (a, b);
}

PcEvalUser *
pc_eval_user_new (GHashTable            *variables,
                  PcEvalFault           *fault,
                  PcEvalUserPrepareFunc  prepare,
                  gpointer               prepare_data)
{
  PcEvalUser *self = g_new0 (PcEvalUser, 1);

  self->functions = g_tree_new_full (compare_names, NULL, NULL,
                                     (GDestroyNotify) user_function_free);
  self->variables = variables;
  self->fault = fault;
  self->prepare = prepare;
  self->prepare_data = prepare_data;
  self->unknown = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
pc_eval_user_free (PcEvalUser *self)
{
  if (self == NULL)
    return;

  g_tree_unref (self->functions);
  g_ptr_array_unref (self->unknown);
  g_free (self);
}

PcEvalUserFunction *
pc_eval_user_parse (PcEvalUser    *self,
                    const char    *expr,
                    GArray        *tokens,
                    guint          close,
                    PcEvalFailure *failure)
{
  PcEvalUserFunction *fn = g_new0 (PcEvalUserFunction, 1);
  PcEvalUserFunction *old;
  muParserHandle_t failed = NULL;
  int offset;

  fn->owner = self;
  fn->name = pc_token_text (expr, PC_TOKEN (tokens, 0));
  fn->calls = g_ptr_array_new_with_free_func (g_free);
  old = g_tree_lookup (self->functions, fn->name);
  if (is_taken (self, fn->name) || g_hash_table_contains (self->variables, fn->name)
      || is_parameter (self, fn->name))
    pc_eval_failure_set_at (failure, PC_EVAL_ERROR_NAME_CONFLICT, expr, tokens, 0);
  else if ((old == NULL && (guint) g_tree_nnodes (self->functions) >= PC_EVAL_MAX_FUNCTIONS)
           || self->function_bytes - (old != NULL ? strlen (old->text) : 0) + strlen (expr)
              > PC_EVAL_MAX_FUNCTION_BYTES)
    pc_eval_failure_set (failure, PC_EVAL_ERROR_TOO_MANY_FUNCTIONS, -1, NULL);
  else if (read_params (self, expr, tokens, close, fn, failure)
           && scan_body (self, expr, tokens, close + 2, fn, failure))
    {
      offset = PC_TOKEN (tokens, close + 2)->start;
      fn->body = g_strdup (expr + offset);
      fn->parser = body_parser (self, fn, &failed);
      if (fn->parser == NULL)
        body_failure (self, expr, offset, fn, failed, failure);
      g_clear_pointer (&failed, mupRelease);
    }
  g_ptr_array_set_size (self->unknown, 0);
  if (fn->parser == NULL)
    {
      user_function_free (fn);
      return NULL;
    }

  /* The body parsed: it is rebuilt at its first call, once the parsers
   * that know the old set of functions are gone. */
  fn->text = g_strstrip (g_strdup (expr));
  g_clear_pointer (&fn->parser, mupRelease);
  return fn;
}

const char *
pc_eval_user_add (PcEvalUser         *self,
                  PcEvalUserFunction *fn)
{
  PcEvalUserFunction *old = g_tree_lookup (self->functions, fn->name);

  if (old != NULL)
    self->function_bytes -= strlen (old->text);
  self->function_bytes += strlen (fn->text);
  g_tree_replace (self->functions, fn->name, fn);
  return fn->text;
}

gboolean
pc_eval_user_contains (PcEvalUser *self,
                       const char *name)
{
  return g_tree_lookup (self->functions, name) != NULL;
}

void
pc_eval_user_remove (PcEvalUser *self,
                     const char *name)
{
  PcEvalUserFunction *fn = g_tree_lookup (self->functions, name);

  if (fn == NULL)
    return;
  self->function_bytes -= strlen (fn->text);
  g_tree_remove (self->functions, name);
}

void
pc_eval_user_clear (PcEvalUser *self)
{
  g_tree_remove_all (self->functions);
  self->function_bytes = 0;
}

typedef struct
{
  PcEvaluatorFunFunc func;
  gpointer           user_data;
} ForeachFunction;

static gboolean
foreach_function_cb (gpointer key,
                     gpointer value,
                     gpointer data)
{
  ForeachFunction *each = data;
  PcEvalUserFunction *fn = value;

  each->func (fn->name, fn->n_params, fn->text, each->user_data);
  return FALSE;
}

void
pc_eval_user_foreach (PcEvalUser         *self,
                      PcEvaluatorFunFunc  func,
                      gpointer            user_data)
{
  ForeachFunction each = { func, user_data };

  g_tree_foreach (self->functions, foreach_function_cb, &each);
}

guint
pc_eval_user_count (PcEvalUser *self)
{
  return g_tree_nnodes (self->functions);
}
