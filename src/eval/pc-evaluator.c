/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-evaluator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <muParserDLL.h>

#include "pc-eval-catalog.h"
#include "pc-eval-failure.h"
#include "pc-eval-math.h"
#include "pc-eval-scan.h"
#include "pc-eval-user.h"
#include "pc-evaluator-private.h"

/* muparser's C API is used with care here:
 *
 * - mupGetErrorMsg, mupGetErrorToken, mupGetExpr, mupGetVersion,
 *   mupGetVar and mupGetExprVar copy into static buffers: a long token
 *   overflows them (the process aborts) and concurrent evaluators on other
 *   threads would overwrite each other. Only mupError, mupGetErrorCode and
 *   mupGetErrorPos are called; messages and tokens are pipecalc's own, taken
 *   from our copy of the expression.
 * - After a failed mupSetExpr, mupEval returns the previous result, and
 *   mupError clears the flag it reports, so it is read once after each call.
 * - The variable factory silently creates any unknown name (a typo would
 *   read 0), so every name it created is checked afterwards.
 *
 * The messages are English on purpose: they travel over the wire and
 * clients translate by error code (see PROTOCOL.md). */

/* clang-format off */
G_DEFINE_QUARK (pc-eval-error-quark, pc_eval_error)
/* clang-format on */

/* A NaN with a payload of our own, stored in the variables the factory
 * creates. One still holding it after evaluation was never assigned, e.g.
 * "0 ? (a = 1) : 2, a". Assignments store computed values, never these bits. */
static const guint64 unassigned_bits = G_GUINT64_CONSTANT (0x7ff8c0ffee15bad0);

/* The parse cache. muparser keeps the bytecode of the last expression a
 * parser was given, and evaluating it again costs nanoseconds where parsing
 * costs microseconds. So an expression that succeeded twice keeps its own
 * parser, up to PC_EVAL_CACHE_SIZE of them (least recently used first out),
 * and from then on is evaluated without parsing.
 *
 * Every parser of a session sees the same storage: they all share one
 * variable factory, which hands out the session's existing double for a
 * name the parser has not met yet, so a variable defined through one parser
 * is the same variable in all of them. A parser only ever holds addresses of
 * live variables: a failed request removes the names it created from the one
 * parser that created them, and unset/reset drop the cached parsers. */
typedef struct
{
  char             *expr;
  muParserHandle_t  parser;
  GList             link;  /* in lru; data points back to this entry */
  /* The storage of every variable the expression names: all it can
   * write, saved before each evaluation (the undo log of a cached
   * request). Unset and reset drop the cache, so these stay valid. */
  GPtrArray        *touched;
  /* Whether it calls a function or uses "!" or "%": only then can a
   * callback fault, and only then is the fault record armed (a
   * thread-local write that "1+1" need not pay for). */
  gboolean          calls;
} CacheEntry;

/* Only short expressions are kept: the shape of plotting and spreadsheets,
 * and a bound on the bytecode a session can pin. */
#define CACHE_MAX_EXPRESSION 512
/* And a bound on what the cache holds in all, since it is the session's
 * memory: a parser costs about 7 KB and its bytecode about 65 bytes per
 * byte of expression (measured with muparser 2.3.3), so 64 expressions
 * of up to 8 KiB of text in all hold about 1 MB at most. */
#define CACHE_MAX_BYTES 8192


typedef struct
{
  double *value;
  double  saved;
} SavedValue;

static void define_names (muParserHandle_t parser,
                          gpointer         data);

/* Checks that need no parser: characters, emptiness, lengths. */
gboolean
pc_evaluator_check_text (const char     *expr,
            GArray        **tokens_out,
            PcEvalFailure  *failure)
{
  gsize len = strlen (expr);
  const char *p;

  if (len > PC_EVAL_MAX_EXPRESSION)
    return pc_eval_failure_set (failure, PC_EVAL_ERROR_EXPRESSION_TOO_LONG,
                                PC_EVAL_MAX_EXPRESSION, NULL);

  for (p = expr; *p != '\0'; p++)
    {
      guchar c = *p;

      if ((c < 0x20 && !pc_eval_is_blank (c)) || c >= 0x7f)
        {
          char buf[7] = { 0 };
          gunichar uc = g_utf8_get_char_validated (p, -1);

          /* Only the caller's promise makes this valid UTF-8; keep the
           * message valid even when it was broken. */
          g_unichar_to_utf8 (uc < 0x110000 ? uc : 0xfffd, buf);
          return pc_eval_failure_set (failure, PC_EVAL_ERROR_INVALID_CHARACTERS,
                                      p - expr, g_strdup (buf));
        }
      /* No function takes a string, so muparser could only refuse it. */
      if (c == '"')
        return pc_eval_failure_set (failure, PC_EVAL_ERROR_UNEXPECTED_STR,
                                    p - expr, g_strdup ("\""));
    }

  for (p = expr; pc_eval_is_blank (*p); p++)
    ;
  if (*p == '\0')
    return pc_eval_failure_set (failure, PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, NULL);

  *tokens_out = pc_tokenize (expr);
  for (guint i = 0; i < (*tokens_out)->len; i++)
    {
      const PcToken *t = PC_TOKEN (*tokens_out, i);

      if (t->kind == PC_TOKEN_NAME && t->len > PC_EVAL_MAX_IDENTIFIER)
        return pc_eval_failure_set (failure, PC_EVAL_ERROR_IDENTIFIER_TOO_LONG,
                                    t->start, pc_token_text (expr, t));
      if (t->kind == PC_TOKEN_BAD_NUMBER)
        return pc_eval_failure_set (failure, PC_EVAL_ERROR_INVALID_NUMBER,
                                    t->start, pc_token_text (expr, t));
    }

  return FALSE;
}

/* Where the right-hand side of "name = ..." (the token after @first)
 * reads the name itself, as in "a = a + 1", or -1. */
static int
self_reference (const char *expr,
                GArray     *tokens,
                guint       first,
                const char *name)
{
  int depth = 0;

  for (guint i = first + 2; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      if (t->kind == PC_TOKEN_OPEN)
        depth++;
      else if ((t->kind == PC_TOKEN_CLOSE && depth-- == 0)
               || (t->kind == PC_TOKEN_COMMA && depth == 0))
        return -1;
      else if (t->kind == PC_TOKEN_NAME && pc_token_is (expr, t, name))
        return i;
    }
  return -1;
}

/* A created name is legal only where the request defines it: its first
 * occurrence is "name =", its own right-hand side does not read it, and
 * (once evaluated) the assignment really ran. The offence with the lowest
 * position goes into @failure. */
static gboolean
check_created_names (PcEvaluator   *self,
                     const char    *expr,
                     GArray        *tokens,
                     gboolean       evaluated,
                     PcEvalFailure *failure)
{
  gboolean failed = FALSE;

  for (guint n = 0; n < self->created->len; n++)
    {
      const char *name = g_ptr_array_index (self->created, n);
      PcEvalErrorCode code = PC_EVAL_ERROR_UNKNOWN_VARIABLE;
      guint first;
      int culprit;

      for (first = 0; first < tokens->len; first++)
        if ((PC_TOKEN (tokens, first)->kind == PC_TOKEN_NAME
             || PC_TOKEN (tokens, first)->kind == PC_TOKEN_NUMBER)
            && pc_token_is (expr, PC_TOKEN (tokens, first), name))
          break;

      if (first == tokens->len)
        {
          /* Our scan disagrees with muparser's; still refuse the name. */
          if (!failed)
            failed = pc_eval_failure_set (failure, code, -1, g_strdup (name));
          continue;
        }

      culprit = first;
      if (g_ascii_isdigit (name[0]))
        code = PC_EVAL_ERROR_INVALID_NUMBER;  /* out of range: "1e999" */
      else if (pc_eval_is_function (name))
        code = PC_EVAL_ERROR_UNEXPECTED_FUN;  /* "sin * 2" */
      else if (first + 1 < tokens->len && PC_TOKEN (tokens, first + 1)->kind == PC_TOKEN_OPEN)
        code = PC_EVAL_ERROR_UNKNOWN_FUNCTION;
      else if (first + 1 < tokens->len && pc_token_is (expr, PC_TOKEN (tokens, first + 1), "="))
        {
          culprit = self_reference (expr, tokens, first, name);
          if (culprit < 0)
            {
              double *value = g_hash_table_lookup (self->variables, name);

              if (!evaluated
                  || memcmp (value, &unassigned_bits, sizeof *value) != 0)
                continue;
              culprit = first;
            }
        }

      if (!failed || failure->pos < 0 || PC_TOKEN (tokens, culprit)->start < failure->pos)
        {
          pc_eval_failure_set_at (failure, code, expr, tokens, culprit);
          failed = TRUE;
        }
    }

  return failed;
}

/* Takes @name and @value. */
static void
add_variable (PcEvaluator *self,
              char        *name,
              double      *value)
{
  g_hash_table_insert (self->variables, name, value);
  g_tree_insert (self->names, name, value);
}

static double *
create_variable_cb (const char *name,
                    void       *user_data)
{
  PcEvaluator *self = user_data;
  double *value = g_hash_table_lookup (self->variables, name);

  /* A session variable this parser has not met yet (it was defined
   * through another parser of the session): the same storage. */
  if (value != NULL)
    return value;
  value = g_new (double, 1);
  memcpy (value, &unassigned_bits, sizeof *value);
  add_variable (self, g_strdup (name), value);
  g_ptr_array_add (self->created, g_strdup (name));
  return value;
}

static void
save_value (GArray *saved,
            double *value)
{
  SavedValue s = { value, *value };

  g_array_append_val (saved, s);
}

/* The storage of the next session variable @expr names, from the token
 * *@i on, or NULL past the last; *@i moves past its token. Only a named
 * variable can be assigned, so these are all a request can write: the
 * undo log of a request and of a cached expression both come from here. */
static double *
next_named (PcEvaluator *self,
            const char  *expr,
            GArray      *tokens,
            guint       *i)
{
  while (*i < tokens->len)
    {
      const PcToken *t = PC_TOKEN (tokens, (*i)++);
      char name[PC_EVAL_MAX_IDENTIFIER + 1];
      double *value;

      /* Longer names were refused before the parse. */
      if (t->kind != PC_TOKEN_NAME || t->len > PC_EVAL_MAX_IDENTIFIER)
        continue;
      memcpy (name, expr + t->start, t->len);
      name[t->len] = '\0';
      value = g_hash_table_lookup (self->variables, name);
      if (value != NULL)
        return value;
    }
  return NULL;
}

/* Before a parse: the variables the expression names, found by our own
 * scan of it. */
static GArray *
save_named (PcEvaluator *self,
            const char  *expr,
            GArray      *tokens)
{
  GArray *saved = self->saved;
  double *value;

  g_array_set_size (saved, 0);
  for (guint i = 0; (value = next_named (self, expr, tokens, &i)) != NULL;)
    save_value (saved, value);
  return saved;
}

/* The storage of the variables @expr names, now that it parsed: what a
 * cached evaluation of it saves. */
static GPtrArray *
named_storage (PcEvaluator *self,
               const char  *expr,
               GArray      *tokens)
{
  GPtrArray *touched = g_ptr_array_new ();
  double *value;

  for (guint i = 0; (value = next_named (self, expr, tokens, &i)) != NULL;)
    if (!g_ptr_array_find (touched, value, NULL))
      g_ptr_array_add (touched, value);
  return touched;
}

static void
remove_variable (PcEvaluator *self,
                 const char  *name)
{
  /* The index shares the table's keys: out of it first. */
  g_tree_remove (self->names, name);
  g_hash_table_remove (self->variables, name);
}

/* Undoes a failed request: the parser forgets the created names before
 * their storage is freed, then the other variables get their values back. */
static void
roll_back (PcEvaluator      *self,
           muParserHandle_t  parser,
           GArray           *saved)
{
  for (guint i = 0; i < self->created->len; i++)
    {
      const char *name = g_ptr_array_index (self->created, i);

      mupRemoveVar (parser, name);
      remove_variable (self, name);
    }
  /* A body parsed during the request may hold a created name's storage. */
  if (self->created->len > 0)
    pc_eval_user_drop_parsers (self->functions);
  g_ptr_array_set_size (self->created, 0);

  /* Backwards: a variable named twice gets its first saved value. */
  for (guint i = saved->len; i-- > 0;)
    {
      SavedValue *s = &g_array_index (saved, SavedValue, i);

      *s->value = s->saved;
    }
}

muParserHandle_t
pc_evaluator_new_parser (PcEvaluator *self)
{
  muParserHandle_t parser = mupCreate (muBASETYPE_FLOAT);

  mupSetVarFactory (parser, create_variable_cb, self);
  define_names (parser, self);
  return parser;
}

static void
cache_entry_free (CacheEntry *entry)
{
  if (entry->parser != NULL)
    mupRelease (entry->parser);
  g_clear_pointer (&entry->touched, g_ptr_array_unref);
  g_free (entry->expr);
  g_free (entry);
}

static void
cache_remove (PcEvaluator *self,
              CacheEntry  *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  g_hash_table_remove (self->cache, entry->expr);
  self->cache_bytes -= strlen (entry->expr);
  cache_entry_free (entry);
}

/* Keeps the scratch parser, which just parsed @expr successfully, as the
 * cache entry of @expr if @expr was seen before. When the cache is full,
 * the least recently used entry's parser becomes the next scratch parser,
 * so a full cache never pays for creating parsers. */
static void
cache_insert (PcEvaluator *self,
              const char  *expr,
              GArray      *tokens)
{
  CacheEntry *entry;
  guint32 hash = g_str_hash (expr);
  gboolean seen = FALSE;

  if (strlen (expr) > CACHE_MAX_EXPRESSION)
    return;
  /* 0 marks an empty slot. */
  hash = hash != 0 ? hash : 1;
  for (guint i = 0; i < SEEN_SLOTS && !seen; i++)
    seen = self->seen[i] == hash;
  if (!seen)
    {
      self->seen[self->seen_next] = hash;
      self->seen_next = (self->seen_next + 1) % SEEN_SLOTS;
      return;
    }
  /* Room in bytes first: the least recently used go. */
  while (self->lru.length > 0 && self->cache_bytes + strlen (expr) > CACHE_MAX_BYTES)
    cache_remove (self, g_queue_peek_tail (&self->lru));
  if (self->lru.length < PC_EVAL_CACHE_SIZE)
    {
      entry = g_new0 (CacheEntry, 1);
      entry->link.data = entry;
      entry->parser = g_steal_pointer (&self->parser);
    }
  else
    {
      muParserHandle_t oldest_parser;

      /* The least recently used entry makes room, and its parser parses
       * the next new expression. */
      entry = g_queue_peek_tail (&self->lru);
      g_queue_unlink (&self->lru, &entry->link);
      g_hash_table_remove (self->cache, entry->expr);
      self->cache_bytes -= strlen (entry->expr);
      g_free (entry->expr);
      g_clear_pointer (&entry->touched, g_ptr_array_unref);
      oldest_parser = entry->parser;
      entry->parser = self->parser;
      self->parser = oldest_parser;
    }
  entry->expr = g_strdup (expr);
  self->cache_bytes += strlen (expr);
  entry->touched = named_storage (self, expr, tokens);
  entry->calls = FALSE;
  for (guint i = 0; i < tokens->len && !entry->calls; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      entry->calls = (t->kind == PC_TOKEN_NAME && i + 1 < tokens->len
                      && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN)
                     || (t->kind == PC_TOKEN_OPERATOR
                         && (pc_token_is (expr, t, "!") || pc_token_is (expr, t, "%")));
    }
  g_queue_push_head_link (&self->lru, &entry->link);
  g_hash_table_insert (self->cache, entry->expr, entry);
}

static void
cache_clear (PcEvaluator *self)
{
  CacheEntry *entry;

  while ((entry = g_queue_peek_head (&self->lru)) != NULL)
    cache_remove (self, entry);
}

/* After the set of functions changed: every parser knows the old set. */
static void
drop_all_parsers (PcEvaluator *self)
{
  cache_clear (self);
  g_clear_pointer (&self->parser, mupRelease);
  pc_eval_user_drop_parsers (self->functions);
}

/* Defines the function of "name(params) = body" (@close: the ")"). */
static gboolean
define_function (PcEvaluator   *self,
                 const char    *expr,
                 GArray        *tokens,
                 guint          close,
                 PcEvalFailure *failure)
{
  PcEvalUserFunction *fn = pc_eval_user_parse (self->functions, expr, tokens, close,
                                               failure);

  if (fn == NULL)
    return FALSE;
  /* Every parser knows the old set of functions, and the old function's
   * address: all go before it does. */
  drop_all_parsers (self);
  g_free (self->definition);
  self->definition = g_strdup (pc_eval_user_add (self->functions, fn));
  return TRUE;
}

/* The fault a callback recorded, at the token of the request that shows
 * it: the operator, the function, or the outermost user function call. */
static void
fault_failure (PcEvaluator   *self,
               const char    *expr,
               GArray        *tokens,
               PcEvalFailure *failure)
{
  const char *name = self->fault.user != NULL ? self->fault.user : self->fault.name;
  gboolean oprt = !pc_eval_is_name_char (name[0]);

  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);

      if (oprt ? t->kind == PC_TOKEN_OPERATOR && pc_token_is (expr, t, name)
               : t->kind == PC_TOKEN_NAME && pc_token_is (expr, t, name)
                 && i + 1 < tokens->len && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN)
        {
          pc_eval_failure_set_at (failure, self->fault.code, expr, tokens, i);
          return;
        }
    }
  pc_eval_failure_set (failure, self->fault.code, -1, g_strdup (name));
}

void
pc_evaluator_start_fault (PcEvaluator *self)
{
  self->fault.name = NULL;
  self->fault.user = NULL;
  self->fault.calls = 0;
  pc_eval_math_set_fault (&self->fault);
}

/* Evaluates with the parser that already holds @expr's bytecode. Returns
 * FALSE, having changed nothing, when that did not simply succeed: the
 * caller then evaluates the expression the long way, which reports any
 * error exactly as a first evaluation would. */
static gboolean
eval_cached (PcEvaluator *self,
             CacheEntry  *entry)
{
  double *values;
  int n = 0;

  g_array_set_size (self->saved, 0);
  for (guint i = 0; i < entry->touched->len; i++)
    save_value (self->saved, g_ptr_array_index (entry->touched, i));
  g_ptr_array_set_size (self->created, 0);
  if (entry->calls)
    pc_evaluator_start_fault (self);
  values = mupEvalMulti (entry->parser, &n);
  if (entry->calls)
    pc_eval_math_set_fault (NULL);
  if (mupError (entry->parser) || values == NULL || n < 1 || self->created->len > 0
      || (entry->calls && self->fault.name != NULL))
    {
      roll_back (self, entry->parser, self->saved);
      cache_remove (self, entry);
      return FALSE;
    }
  g_array_set_size (self->results, 0);
  g_array_append_vals (self->results, values, n);
  *self->ans = values[n - 1];
  if (self->lru.head != &entry->link)
    {
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_head_link (&self->lru, &entry->link);
    }
  return TRUE;
}

/* The long way: checks, parse, evaluate, check the names created. */
static gboolean
eval_parsing (PcEvaluator        *self,
              const char         *expr,
              PcEvalErrorDetail  *detail,
              GError            **error)
{
  g_autoptr(GArray) tokens = NULL;
  PcEvalFailure failure = { 0, -1, NULL };
  PcEvalFailure misuse = { 0, -1, NULL };
  gboolean parser_failed = FALSE;
  gboolean evaluated = FALSE;
  gboolean misused;
  int close;

  if (pc_evaluator_check_text (expr, &tokens, &failure))
    {
      pc_eval_failure_report (&failure, expr, detail, error);
      g_free (failure.token);
      return FALSE;
    }

  close = pc_eval_user_definition_close (expr, tokens);
  if (close >= 0)
    {
      if (define_function (self, expr, tokens, close, &failure))
        {
          g_array_set_size (self->results, 0);
          return TRUE;
        }
      pc_eval_failure_report (&failure, expr, detail, error);
      g_free (failure.token);
      return FALSE;
    }

  if (self->parser == NULL)
    self->parser = pc_evaluator_new_parser (self);
  save_named (self, expr, tokens);
  g_ptr_array_set_size (self->created, 0);

  pc_eval_define_named_variables (self->parser, self->variables, expr);
  mupSetExpr (self->parser, expr);
  parser_failed = mupError (self->parser);
  if (!parser_failed)
    {
      int n = 0;
      double *values;

      pc_evaluator_start_fault (self);
      values = mupEvalMulti (self->parser, &n);
      pc_eval_math_set_fault (NULL);
      parser_failed = mupError (self->parser);
      if (!parser_failed && self->fault.name != NULL)
        fault_failure (self, expr, tokens, &failure);
      else if (!parser_failed && values != NULL && n > 0)
        {
          g_array_set_size (self->results, 0);
          g_array_append_vals (self->results, values, n);
          evaluated = TRUE;
        }
      else if (!parser_failed)
        pc_eval_failure_set (&failure, PC_EVAL_ERROR_INTERNAL, -1, NULL);
    }
  if (parser_failed)
    pc_eval_failure_from_parser (&failure, self->parser, expr, tokens);

  misused = check_created_names (self, expr, tokens, evaluated, &misuse);
  /* A request that would take the session past its limit changes
   * nothing, like any other failure. */
  if (evaluated && !misused && self->created->len > 0 && self->max_variables > 0
      && g_hash_table_size (self->variables) - 1 > self->max_variables)
    {
      evaluated = FALSE;
      pc_eval_failure_set (&failure, PC_EVAL_ERROR_TOO_MANY_VARIABLES, -1,
                           g_strdup_printf ("%u", self->max_variables));
    }

  if (!evaluated || misused)
    {
      /* Whichever mistake comes first in the text is the one to show; a
       * misused name also comes first when muparser gave no position. */
      const PcEvalFailure *shown = &failure;

      if (misused && (evaluated || failure.pos < 0
                      || misuse.pos < failure.pos))
        shown = &misuse;
      roll_back (self, self->parser, self->saved);
      pc_eval_failure_report (shown, expr, detail, error);
      g_free (failure.token);
      g_free (misuse.token);
      return FALSE;
    }

  g_ptr_array_set_size (self->created, 0);
  *self->ans = g_array_index (self->results, double, self->results->len - 1);
  cache_insert (self, expr, tokens);
  return TRUE;
}

const double *
pc_evaluator_eval_values (PcEvaluator        *self,
                          const char         *expr,
                          guint              *n_values,
                          PcEvalErrorDetail  *detail,
                          GError            **error)
{
  CacheEntry *entry;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (expr != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *n_values = 0;
  if (G_UNLIKELY (self->definition != NULL))
    g_clear_pointer (&self->definition, g_free);
  entry = g_hash_table_lookup (self->cache, expr);
  if ((entry != NULL && eval_cached (self, entry))
      || eval_parsing (self, expr, detail, error))
    {
      *n_values = self->results->len;
      return (const double *) (void *) self->results->data;
    }
  return NULL;
}

GArray *
pc_evaluator_eval (PcEvaluator        *self,
                   const char         *expr,
                   PcEvalErrorDetail  *detail,
                   GError            **error)
{
  const double *values;
  GArray *copy;
  guint n = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (expr != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  values = pc_evaluator_eval_values (self, expr, &n, detail, error);
  if (values == NULL)
    return NULL;
  copy = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  g_array_append_vals (copy, values, n);
  return copy;
}

gboolean
pc_evaluator_is_cached (PcEvaluator *self,
                        const char  *expr)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (expr != NULL, FALSE);

  return g_hash_table_contains (self->cache, expr);
}

void
pc_evaluator_trim (PcEvaluator *self)
{
  g_return_if_fail (self != NULL);

  drop_all_parsers (self);
}

/* Every name a parser of the session knows, a body's parser included. */
static void
define_names (muParserHandle_t parser,
              gpointer         data)
{
  PcEvaluator *self = data;
  const PcCatalogConstant *constants;
  guint n_constants;

  pc_eval_math_define (parser);
  pc_eval_user_define_all (self->functions, parser);
  constants = pc_evaluator_constants (&n_constants);
  for (guint i = 0; i < n_constants; i++)
    mupDefineConst (parser, constants[i].name, constants[i].value);
  mupDefineVar (parser, "ans", self->ans);

  /* Fixed names and values: failing here is a muparser incompatibility. */
  if (mupError (parser))
    g_critical ("muparser refused pipecalc's constants (error %d)",
                (int) mupGetErrorCode (parser));
}

static void
define_ans (PcEvaluator *self)
{
  self->ans = g_new0 (double, 1);
  add_variable (self, g_strdup ("ans"), self->ans);
}

PcEvaluator *
pc_evaluator_new (void)
{
  PcEvaluator *self = g_new0 (PcEvaluator, 1);

  self->variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->names = g_tree_new ((GCompareFunc) strcmp);
  self->created = g_ptr_array_new_with_free_func (g_free);
  self->cache = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->lru);
  self->saved = g_array_new (FALSE, FALSE, sizeof (SavedValue));
  /* Allocated from the start: a definition answers its empty data. */
  self->results = g_array_sized_new (FALSE, FALSE, sizeof (double), 4);
  self->functions = pc_eval_user_new (self->variables, &self->fault, define_names, self);
  define_ans (self);
  /* One parser from the start: the first request needs it anyway. */
  self->parser = pc_evaluator_new_parser (self);
  return self;
}

void
pc_evaluator_free (PcEvaluator *self)
{
  if (self == NULL)
    return;

  pc_evaluator_trim (self);
  pc_eval_user_free (self->functions);
  g_free (self->definition);
  g_hash_table_unref (self->cache);
  g_tree_unref (self->names);
  g_hash_table_unref (self->variables);
  g_ptr_array_unref (self->created);
  g_array_unref (self->saved);
  g_array_unref (self->results);
  g_free (self);
}

void
pc_evaluator_foreach_variable (PcEvaluator        *self,
                               PcEvaluatorVarFunc  func,
                               gpointer            user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  pc_evaluator_list_variables (self, NULL, G_MAXUINT, func, user_data);
}

gboolean
pc_evaluator_list_variables (PcEvaluator        *self,
                             const char         *after,
                             guint               limit,
                             PcEvaluatorVarFunc  func,
                             gpointer            user_data)
{
  GTreeNode *node;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  node = after != NULL ? g_tree_upper_bound (self->names, after)
                       : g_tree_node_first (self->names);
  for (guint n = 0; node != NULL && n < limit; n++)
    {
      func (g_tree_node_key (node), *(double *) g_tree_node_value (node), user_data);
      node = g_tree_node_next (node);
    }
  return node != NULL;
}

guint
pc_evaluator_n_variables (PcEvaluator *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->variables);
}

void
pc_evaluator_set_max_variables (PcEvaluator *self,
                                guint        max_variables)
{
  g_return_if_fail (self != NULL);
  self->max_variables = max_variables;
}

gboolean
pc_evaluator_unset (PcEvaluator  *self,
                    const char   *name,
                    GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (strcmp (name, "ans") == 0)
    {
      *self->ans = 0;
      return TRUE;
    }

  if (pc_eval_user_contains (self->functions, name))
    {
      /* Every parser knows the function and its address. */
      drop_all_parsers (self);
      pc_eval_user_remove (self->functions, name);
      return TRUE;
    }

  if (!g_hash_table_contains (self->variables, name))
    {
      g_autofree char *message = pc_eval_failure_message (PC_EVAL_ERROR_NOT_A_VARIABLE, -1,
                                                          name);

      g_set_error_literal (error, PC_EVAL_ERROR, PC_EVAL_ERROR_NOT_A_VARIABLE,
                           message);
      return FALSE;
    }

  /* Cached parsers hold the variable's address in their bytecode, and
   * so may function bodies. */
  cache_clear (self);
  pc_eval_user_drop_parsers (self->functions);
  if (self->parser != NULL)
    mupRemoveVar (self->parser, name);
  remove_variable (self, name);
  return TRUE;
}

void
pc_evaluator_reset (PcEvaluator *self)
{
  g_return_if_fail (self != NULL);

  pc_evaluator_trim (self);
  pc_eval_user_clear (self->functions);
  g_tree_remove_all (self->names);
  g_hash_table_remove_all (self->variables);
  define_ans (self);
}

void
pc_eval_error_detail_clear (PcEvalErrorDetail *detail)
{
  g_return_if_fail (detail != NULL);

  g_clear_pointer (&detail->token, g_free);
  detail->pos = -1;
}

const char *
pc_evaluator_definition (PcEvaluator *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->definition;
}

void
pc_evaluator_foreach_function (PcEvaluator        *self,
                               PcEvaluatorFunFunc  func,
                               gpointer            user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);
  pc_eval_user_foreach (self->functions, func, user_data);
}

guint
pc_evaluator_n_functions (PcEvaluator *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return pc_eval_user_count (self->functions);
}
