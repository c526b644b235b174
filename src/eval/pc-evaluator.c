/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-evaluator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <muParserDLL.h>

#include "pc-eval-catalog.h"
#include "pc-eval-math.h"
#include "pc-eval-scan.h"

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
/* An expression is kept the second time it is seen: a session that only
 * ever sends new expressions then parses them all with one parser, warm in
 * the processor's caches, instead of cycling through 64 cold ones. The
 * last SEEN_SLOTS first sightings are remembered by hash in a ring (a
 * scan of it costs nanoseconds, next to a parse's microseconds; two
 * expressions of the same hash merely admit each other early). */
#define SEEN_SLOTS 128

struct _PcEvaluator
{
  /* Parses expressions the cache does not hold; NULL until needed. */
  muParserHandle_t parser;
  /* Session variables, ans included: name -> double*, both owned. muparser
   * keeps the addresses, so each double is allocated on its own. */
  GHashTable *variables;
  /* The same names in order (keys shared with @variables), for `vars`
   * and its pages without sorting the whole session each time. */
  GTree      *names;
  double     *ans;
  /* Variables a session may hold, ans not counted; 0: no limit. */
  guint       max_variables;
  /* Names the factory created during the current request. */
  GPtrArray  *created;

  GHashTable *cache;    /* expr -> CacheEntry*, entries owned by lru */
  gsize       cache_bytes;       /* text of the cached expressions */
  GQueue      lru;      /* most recently used first */
  guint32     seen[SEEN_SLOTS];  /* g_str_hash of expressions seen once */
  guint       seen_next;         /* where the next one goes */
  /* The undo log: the values of the variables the current request
   * names, saved before it runs, so that a failure costs what the
   * request touched and not the size of the session. */
  GArray     *saved;    /* SavedValue, reused by every request */
  GArray     *results;  /* double: the values of the last success */

  /* User functions: name -> UserFunction*, the key owned by the value. */
  GTree      *functions;
  /* What the callbacks of the current evaluation recorded. */
  PcEvalFault fault;
  int         depth;    /* user function calls in progress */
  /* Names a function body's parser asked for that are not session
   * variables: unknown names, refused. */
  GPtrArray  *unknown;
  double      dummy;    /* what they read meanwhile */
  char       *definition;  /* the text the last request defined */
  gsize       function_bytes;  /* text of all definitions */
};

/* A user function, "name(params) = body". Its body has a parser of its
 * own (built when first needed, dropped whenever any function or variable
 * goes away), reading the parameters from @args and session variables
 * from their storage, so at the time of the call. A body never assigns,
 * so a call changes nothing in the session. */
typedef struct
{
  char             *name;
  char             *text;
  char             *body;
  guint             n_params;
  char             *params[PC_EVAL_MAX_PARAMS];
  double            args[PC_EVAL_MAX_PARAMS];
  muParserHandle_t  parser;
  GPtrArray        *calls;  /* names of the user functions the body calls */
  PcEvaluator      *owner;
} UserFunction;

/* Why a request failed, before it becomes a message. @pos is a byte
 * offset or -1. */
typedef struct
{
  PcEvalErrorCode code;
  int             pos;
  char           *token;
} Failure;

typedef struct
{
  double *value;
  double  saved;
} SavedValue;

static void define_constants      (PcEvaluator      *self,
                                   muParserHandle_t  parser);
static void define_user_functions (PcEvaluator      *self,
                                   muParserHandle_t  parser);
static void drop_function_parsers (PcEvaluator      *self);

static gboolean
set_failure (Failure         *failure,
             PcEvalErrorCode  code,
             int              pos,
             char            *token)
{
  failure->code = code;
  failure->pos = pos;
  g_free (failure->token);
  failure->token = token;
  return TRUE;
}

static void
set_failure_at (Failure         *failure,
                PcEvalErrorCode  code,
                const char      *expr,
                GArray          *tokens,
                int              index)
{
  if (index < 0)
    set_failure (failure, code, -1, NULL);
  else
    set_failure (failure, code, PC_TOKEN (tokens, index)->start,
                 pc_token_text (expr, PC_TOKEN (tokens, index)));
}

/* Checks that need no parser: characters, emptiness, lengths. */
static gboolean
check_text (const char *expr,
            GArray    **tokens_out,
            Failure    *failure)
{
  gsize len = strlen (expr);
  const char *p;

  if (len > PC_EVAL_MAX_EXPRESSION)
    return set_failure (failure, PC_EVAL_ERROR_EXPRESSION_TOO_LONG,
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
          return set_failure (failure, PC_EVAL_ERROR_INVALID_CHARACTERS,
                              p - expr, g_strdup (buf));
        }
      /* No function takes a string, so muparser could only refuse it. */
      if (c == '"')
        return set_failure (failure, PC_EVAL_ERROR_UNEXPECTED_STR,
                            p - expr, g_strdup ("\""));
    }

  for (p = expr; pc_eval_is_blank (*p); p++)
    ;
  if (*p == '\0')
    return set_failure (failure, PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, NULL);

  *tokens_out = pc_tokenize (expr);
  for (guint i = 0; i < (*tokens_out)->len; i++)
    {
      const PcToken *t = PC_TOKEN (*tokens_out, i);

      if (t->kind == PC_TOKEN_NAME && t->len > PC_EVAL_MAX_IDENTIFIER)
        return set_failure (failure, PC_EVAL_ERROR_IDENTIFIER_TOO_LONG,
                            t->start, pc_token_text (expr, t));
      if (t->kind == PC_TOKEN_BAD_NUMBER)
        return set_failure (failure, PC_EVAL_ERROR_INVALID_NUMBER,
                            t->start, pc_token_text (expr, t));
    }

  return FALSE;
}

/* The operator token muparser's UNEXPECTED_OPERATOR means, or -1. */
static int
operator_culprit (const char *expr,
                  GArray     *tokens,
                  int         pos)
{
  int i, before;

  /* muparser reports "a+b=3" or "a=b=3" without a position. */
  if (pos < 0)
    return pc_tokens_misplaced_assignment (expr, tokens);

  /* For a misplaced unary sign ("--1") it points after the sign. */
  i = pc_tokens_at (tokens, pos);
  before = pc_tokens_before (tokens, pos);
  if ((i < 0 || PC_TOKEN (tokens, i)->kind != PC_TOKEN_OPERATOR)
      && before >= 0 && PC_TOKEN (tokens, before)->kind == PC_TOKEN_OPERATOR)
    return before;
  return i;
}

/* Turns muparser's last error (a code and a byte position, no text) into
 * a failure pointing at a token of our own scan. */
static void
read_parser_error (muParserHandle_t  parser,
                   const char       *expr,
                   GArray           *tokens,
                   Failure          *failure)
{
  int code = mupGetErrorCode (parser);
  int pos = mupGetErrorPos (parser);
  int len = strlen (expr);
  int i;

  /* muparser appends a blank to the expression, so the end can be len+1. */
  pos = pos < 0 ? -1 : MIN (pos, len);
  i = pos < 0 ? -1 : pc_tokens_at (tokens, pos);

  switch (code)
    {
    case PC_EVAL_ERROR_UNEXPECTED_OPERATOR:
      i = operator_culprit (expr, tokens, pos);
      if (i > 0 && pc_token_is (expr, PC_TOKEN (tokens, i), "=")
          && PC_TOKEN (tokens, i - 1)->kind == PC_TOKEN_NAME)
        {
          g_autofree char *name = pc_token_text (expr, PC_TOKEN (tokens, i - 1));

          if (pc_eval_is_constant (name))
            {
              code = PC_EVAL_ERROR_ASSIGN_TO_CONSTANT;
              i--;
            }
        }
      break;

    case PC_EVAL_ERROR_TOO_MANY_PARAMS:
    case PC_EVAL_ERROR_TOO_FEW_PARAMS:
      /* Reported at or after the ")"; the useful token is the function. */
      i = pc_tokens_open_paren_before (tokens, pos);
      i = i >= 1 && PC_TOKEN (tokens, i - 1)->kind == PC_TOKEN_NAME ? i - 1 : -1;
      break;

    case PC_EVAL_ERROR_UNEXPECTED_ARG:
      i = pc_tokens_open_paren_before (tokens, pos);
      break;

    case PC_EVAL_ERROR_MISSING_PARENS:
      i = pc_tokens_unclosed_paren (tokens, tokens->len - 1);
      break;

    case PC_EVAL_ERROR_UNEXPECTED_EOF:
      pos = len;
      i = -1;
      break;

    case PC_EVAL_ERROR_MISPLACED_COLON:
      /* Reported after the colon. */
      for (i = pc_tokens_before (tokens, pos + 1); i >= 0; i--)
        if (pc_token_is (expr, PC_TOKEN (tokens, i), ":"))
          break;
      break;

    case PC_EVAL_ERROR_INTERNAL:
      /* muparser 2.3.3 accepts a sign with nothing after it ("1*-") or
       * before a "?" ("-?1"), then fails while building its bytecode. */
      i = pos < 0 ? -1 : pc_tokens_before (tokens, pos);
      if (i < 0 || PC_TOKEN (tokens, i)->kind != PC_TOKEN_OPERATOR)
        pos = i = -1;
      else if (i == (int) tokens->len - 1)
        {
          code = PC_EVAL_ERROR_UNEXPECTED_EOF;
          pos = len;
          i = -1;
        }
      else
        code = PC_EVAL_ERROR_UNEXPECTED_OPERATOR;
      break;

    default:
      /* Codes 18-24, 27 and 31 are about defining names, operators and
       * separators, which requests never do. */
      if (code < 0 || code > PC_EVAL_ERROR_INTERNAL
          || (code >= 18 && code <= 24) || code == 27 || code == 31)
        {
          code = PC_EVAL_ERROR_INTERNAL;
          pos = i = -1;
        }
      break;
    }

  if (i >= 0)
    set_failure_at (failure, code, expr, tokens, i);
  else
    set_failure (failure, code, pos, NULL);
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
check_created_names (PcEvaluator *self,
                     const char  *expr,
                     GArray      *tokens,
                     gboolean     evaluated,
                     Failure     *failure)
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
            failed = set_failure (failure, code, -1, g_strdup (name));
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
          set_failure_at (failure, code, expr, tokens, culprit);
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

/* Before a parse: the variables the expression names (the only ones it
 * can assign), looked up by our own scan of it. */
static GArray *
save_named (PcEvaluator *self,
            const char  *expr,
            GArray      *tokens)
{
  GArray *saved = self->saved;

  g_array_set_size (saved, 0);
  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);
      char name[PC_EVAL_MAX_IDENTIFIER + 1];
      double *value;

      /* Longer names were refused before the parse. */
      if (t->kind != PC_TOKEN_NAME || t->len > PC_EVAL_MAX_IDENTIFIER)
        continue;
      memcpy (name, expr + t->start, t->len);
      name[t->len] = '\0';
      value = g_hash_table_lookup (self->variables, name);
      if (value != NULL)
        save_value (saved, value);
    }
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

  for (guint i = 0; i < tokens->len; i++)
    {
      const PcToken *t = PC_TOKEN (tokens, i);
      char name[PC_EVAL_MAX_IDENTIFIER + 1];
      double *value;

      if (t->kind != PC_TOKEN_NAME || t->len > PC_EVAL_MAX_IDENTIFIER)
        continue;
      memcpy (name, expr + t->start, t->len);
      name[t->len] = '\0';
      value = g_hash_table_lookup (self->variables, name);
      if (value != NULL && !g_ptr_array_find (touched, value, NULL))
        g_ptr_array_add (touched, value);
    }
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
    drop_function_parsers (self);
  g_ptr_array_set_size (self->created, 0);

  /* Backwards: a variable named twice gets its first saved value. */
  for (guint i = saved->len; i-- > 0;)
    {
      SavedValue *s = &g_array_index (saved, SavedValue, i);

      *s->value = s->saved;
    }
}

/* How each error reads: the text, then the token in quotes if @quoted,
 * then @tail, then the position. Codes muparser cannot raise for a request
 * here (string types, name definitions, unused ones) read "Invalid
 * expression". */
static const struct
{
  PcEvalErrorCode code;
  const char     *text;
  gboolean        quoted;
  const char     *tail;
} messages[] = {
  { PC_EVAL_ERROR_UNEXPECTED_OPERATOR, "Unexpected operator", TRUE, " found" },
  { PC_EVAL_ERROR_UNASSIGNABLE_TOKEN, "Unexpected token", TRUE, " found" },
  { PC_EVAL_ERROR_UNEXPECTED_EOF, "Unexpected end of expression", FALSE, "" },
  { PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, "Unexpected argument separator \",\"", FALSE, "" },
  { PC_EVAL_ERROR_UNEXPECTED_ARG,
    "Several arguments in parentheses without a function", FALSE, "" },
  { PC_EVAL_ERROR_UNEXPECTED_VAL, "Unexpected value", TRUE, " found" },
  { PC_EVAL_ERROR_UNEXPECTED_VAR, "Unexpected variable", TRUE, " found" },
  { PC_EVAL_ERROR_UNEXPECTED_PARENS, "Unexpected parenthesis", TRUE, "" },
  { PC_EVAL_ERROR_UNEXPECTED_STR, "Strings are not supported", FALSE, "" },
  { PC_EVAL_ERROR_UNEXPECTED_FUN, "Unexpected function", TRUE, "" },
  { PC_EVAL_ERROR_TOO_MANY_PARAMS, "Too many parameters for function", TRUE, "" },
  { PC_EVAL_ERROR_TOO_FEW_PARAMS, "Too few parameters for function", TRUE, "" },
  { PC_EVAL_ERROR_UNEXPECTED_CONDITIONAL, "Unexpected conditional", TRUE, "" },
  { PC_EVAL_ERROR_MISSING_ELSE_CLAUSE,
    "The \"?\" operator is missing its \":\" part", FALSE, "" },
  { PC_EVAL_ERROR_MISPLACED_COLON, "Misplaced colon", FALSE, "" },
  { PC_EVAL_ERROR_IDENTIFIER_TOO_LONG,
    "Name longer than " G_STRINGIFY (PC_EVAL_MAX_IDENTIFIER) " characters", FALSE, "" },
  { PC_EVAL_ERROR_INVALID_CHARACTERS, "Invalid character", TRUE, "" },
  { PC_EVAL_ERROR_UNKNOWN_VARIABLE, "Unknown variable", TRUE, "" },
  { PC_EVAL_ERROR_UNKNOWN_FUNCTION, "Unknown function", TRUE, "" },
  { PC_EVAL_ERROR_ASSIGN_TO_CONSTANT, "Cannot assign to constant", TRUE, "" },
  { PC_EVAL_ERROR_INVALID_NUMBER, "Invalid number", TRUE, "" },
  { PC_EVAL_ERROR_NOT_A_VARIABLE, "No variable or function named", TRUE, "" },
  { PC_EVAL_ERROR_DOMAIN, "Argument outside the domain of", TRUE, "" },
  { PC_EVAL_ERROR_DIV_BY_ZERO, "Division by zero in", TRUE, "" },
  { PC_EVAL_ERROR_NAME_CONFLICT, "Name already taken by a function, constant or variable:",
    TRUE, "" },
  { PC_EVAL_ERROR_RECURSION, "A function cannot call itself, directly or through others:",
    TRUE, "" },
  { PC_EVAL_ERROR_INVALID_PARAMETER, "Invalid parameter", TRUE, "" },
  { PC_EVAL_ERROR_BROKEN_FUNCTION, "Function", TRUE,
    " names a variable or function that no longer exists" },
};

static char *
describe (PcEvalErrorCode  code,
          int              pos,
          const char      *token)
{
  GString *message;
  gsize i;

  /* These read better without a position. */
  if (code == PC_EVAL_ERROR_MISSING_PARENS)
    return g_strdup ("Missing closing parenthesis");
  if (code == PC_EVAL_ERROR_EMPTY_EXPRESSION)
    return g_strdup ("Empty expression");
  if (code == PC_EVAL_ERROR_EXPRESSION_TOO_LONG)
    return g_strdup ("Expression longer than "
                     G_STRINGIFY (PC_EVAL_MAX_EXPRESSION) " bytes");
  if (code == PC_EVAL_ERROR_DOMAIN && strcmp (token, "!") == 0)
    return pos >= 0 ? g_strdup_printf ("Factorial of a negative integer at position %d", pos)
                    : g_strdup ("Factorial of a negative integer");
  if (code == PC_EVAL_ERROR_TOO_MANY_COMPUTATIONS)
    return pos >= 0 ? g_strdup_printf ("Too many function calls (at most %d in a request) "
                                       "at position %d", PC_EVAL_MAX_CALLS, pos)
                    : g_strdup_printf ("Too many function calls (at most %d in a request)",
                                       PC_EVAL_MAX_CALLS);
  /* The limit itself travels as the token. */
  if (code == PC_EVAL_ERROR_TOO_MANY_FUNCTIONS)
    return g_strdup ("Too many functions: a session holds at most "
                     G_STRINGIFY (PC_EVAL_MAX_FUNCTIONS) ", and "
                     G_STRINGIFY (PC_EVAL_MAX_FUNCTION_BYTES) " bytes of definitions "
                     "(limit \"functions\")");
  if (code == PC_EVAL_ERROR_TOO_MANY_VARIABLES)
    return g_strdup_printf ("Too many variables: a session holds at most %s "
                            "(limit \"variables\")", token);

  message = g_string_new (NULL);
  for (i = 0; i < G_N_ELEMENTS (messages) && messages[i].code != code; i++)
    ;
  if (i == G_N_ELEMENTS (messages))
    g_string_append (message, "Invalid expression");
  else if (code == PC_EVAL_ERROR_INVALID_CHARACTERS
           && ((guchar) token[0] < 0x20 || token[0] == 0x7f))
    g_string_append_printf (message, "Invalid control character U+%04X",
                            (guchar) token[0]);
  else
    {
      g_string_append (message, messages[i].text);
      if (messages[i].quoted && token[0] != '\0')
        g_string_append_printf (message, " \"%s\"", token);
      g_string_append (message, messages[i].tail);
    }
  if (pos >= 0)
    g_string_append_printf (message, " at position %d", pos);
  return g_string_free (message, FALSE);
}

static void
report (const char        *expr,
        const Failure     *failure,
        PcEvalErrorDetail *detail,
        GError           **error)
{
  const char *token = failure->token != NULL ? failure->token : "";
  const char *end = token;
  g_autofree char *cut = NULL;
  g_autofree char *message = NULL;
  int pos = -1;

  if (failure->pos >= 0)
    pos = g_utf8_pointer_to_offset (expr, expr + failure->pos);
  for (int n = 0; n < PC_EVAL_MAX_TOKEN && *end != '\0'; n++)
    end = g_utf8_next_char (end);
  cut = g_strndup (token, end - token);

  message = describe (failure->code, pos, cut);
  g_set_error_literal (error, PC_EVAL_ERROR, failure->code, message);
  if (detail != NULL)
    {
      detail->pos = pos;
      detail->token = g_steal_pointer (&cut);
    }
}


static muParserHandle_t
new_parser (PcEvaluator *self)
{
  muParserHandle_t parser = mupCreate (muBASETYPE_FLOAT);

  mupSetVarFactory (parser, create_variable_cb, self);
  define_constants (self, parser);
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

/* User functions. */

static double call_user (UserFunction *fn,
                         const double *args);

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
define_user_function (muParserHandle_t  parser,
                      UserFunction     *fn)
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

static void
define_user_functions (PcEvaluator      *self,
                       muParserHandle_t  parser)
{
  g_tree_foreach (self->functions, define_one_cb, parser);
}

static void
user_function_free (UserFunction *fn)
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
  PcEvaluator *self = user_data;
  double *value = g_hash_table_lookup (self->variables, name);

  if (value != NULL)
    return value;
  g_ptr_array_add (self->unknown, g_strdup (name));
  return &self->dummy;
}

/* A parser for @fn's body, parsed (not evaluated): NULL if it failed,
 * with the reason in muparser's error state of *@failed_parser (to be
 * released by the caller) or in self->unknown. */
static muParserHandle_t
body_parser (PcEvaluator      *self,
             UserFunction     *fn,
             muParserHandle_t *failed_parser)
{
  muParserHandle_t parser = mupCreate (muBASETYPE_FLOAT);

  *failed_parser = NULL;
  mupSetVarFactory (parser, body_variable_cb, self);
  define_constants (self, parser);
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
call_user (UserFunction *fn,
           const double *args)
{
  PcEvaluator *self = fn->owner;
  PcEvalFault *fault = &self->fault;
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
  UserFunction *fn = value;

  g_clear_pointer (&fn->parser, mupRelease);
  return FALSE;
}

/* After a variable went away: bodies may hold its storage. */
static void
drop_function_parsers (PcEvaluator *self)
{
  g_tree_foreach (self->functions, drop_parser_cb, NULL);
}

/* After the set of functions changed: every parser knows the old set. */
static void
drop_all_parsers (PcEvaluator *self)
{
  cache_clear (self);
  g_clear_pointer (&self->parser, mupRelease);
  drop_function_parsers (self);
}

/* Whether @from's body calls @target, directly or through others. */
static gboolean
reaches (PcEvaluator  *self,
         UserFunction *from,
         const char   *target,
         GHashTable   *visited)
{
  if (!g_hash_table_add (visited, from->name))
    return FALSE;
  for (guint i = 0; i < from->calls->len; i++)
    {
      const char *name = g_ptr_array_index (from->calls, i);
      UserFunction *next;

      if (strcmp (name, target) == 0)
        return TRUE;
      next = g_tree_lookup (self->functions, name);
      if (next != NULL && reaches (self, next, target, visited))
        return TRUE;
    }
  return FALSE;
}

/* "name(a, b) =": the index of the ")" when @tokens start so, else -1. */
static int
definition_close (const char *expr,
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
  UserFunction *fn = value;
  ParamSearch *search = data;

  for (guint i = 0; i < fn->n_params; i++)
    if (strcmp (fn->params[i], search->name) == 0)
      search->found = TRUE;
  return search->found;
}

/* Whether @name is a parameter of a function: it would then become a
 * function inside that body, which muparser reads as a misplaced call. */
static gboolean
is_parameter (PcEvaluator *self,
              const char  *name)
{
  ParamSearch search = { name, FALSE };

  g_tree_foreach (self->functions, find_parameter_cb, &search);
  return search.found;
}

static gboolean
is_taken (PcEvaluator *self,
          const char  *name)
{
  return pc_eval_is_function (name) || pc_eval_is_constant (name)
         || strcmp (name, "ans") == 0;
}

/* The parameters, tokens 2 .. @close - 1. */
static gboolean
read_params (PcEvaluator  *self,
             const char   *expr,
             GArray       *tokens,
             guint         close,
             UserFunction *fn,
             Failure      *failure)
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
              set_failure_at (failure, PC_EVAL_ERROR_INVALID_PARAMETER, expr, tokens, i);
              return FALSE;
            }
          continue;
        }
      name = pc_token_text (expr, t);
      if (t->kind != PC_TOKEN_NAME || is_taken (self, name)
          || strcmp (name, fn->name) == 0
          || g_tree_lookup (self->functions, name) != NULL)
        {
          set_failure_at (failure, PC_EVAL_ERROR_INVALID_PARAMETER, expr, tokens, i);
          return FALSE;
        }
      for (guint j = 0; j < fn->n_params; j++)
        if (strcmp (fn->params[j], name) == 0)
          {
            set_failure_at (failure, PC_EVAL_ERROR_INVALID_PARAMETER, expr, tokens, i);
            return FALSE;
          }
      if (fn->n_params == PC_EVAL_MAX_PARAMS)
        {
          set_failure (failure, PC_EVAL_ERROR_TOO_MANY_PARAMS, t->start,
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
scan_body (PcEvaluator  *self,
           const char   *expr,
           GArray       *tokens,
           guint         first,
           UserFunction *fn,
           Failure      *failure)
{
  int depth = 0;

  if (first >= tokens->len)
    {
      set_failure (failure, PC_EVAL_ERROR_UNEXPECTED_EOF, strlen (expr), NULL);
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
          set_failure_at (failure, PC_EVAL_ERROR_UNEXPECTED_ARG_SEP, expr, tokens, i);
          return FALSE;
        }
      else if (t->kind == PC_TOKEN_OPERATOR && pc_token_is (expr, t, "="))
        {
          set_failure_at (failure, PC_EVAL_ERROR_UNEXPECTED_OPERATOR, expr, tokens, i);
          return FALSE;
        }
      else if (t->kind == PC_TOKEN_NAME && i + 1 < tokens->len
               && PC_TOKEN (tokens, i + 1)->kind == PC_TOKEN_OPEN)
        {
          g_autofree char *name = pc_token_text (expr, t);
          UserFunction *callee = g_tree_lookup (self->functions, name);
          gboolean recursive = strcmp (name, fn->name) == 0;

          if (!recursive && callee != NULL)
            {
              g_autoptr(GHashTable) visited = g_hash_table_new (g_str_hash, g_str_equal);

              recursive = reaches (self, callee, fn->name, visited);
            }
          if (recursive)
            {
              set_failure_at (failure, PC_EVAL_ERROR_RECURSION, expr, tokens, i);
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
body_failure (PcEvaluator      *self,
              const char       *expr,
              int               offset,
              UserFunction     *fn,
              muParserHandle_t  parser,
              Failure          *failure)
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

          set_failure (failure, call ? PC_EVAL_ERROR_UNKNOWN_FUNCTION
                                     : PC_EVAL_ERROR_UNKNOWN_VARIABLE,
                       offset + t->start, g_steal_pointer (&name));
          return;
        }
    }
  read_parser_error (parser, fn->body, tokens, failure);
  if (failure->pos >= 0)
    failure->pos += offset;
}

/* Defines the function of "name(params) = body" (@close: the ")"). */
static gboolean
define_function (PcEvaluator *self,
                 const char  *expr,
                 GArray      *tokens,
                 guint        close,
                 Failure     *failure)
{
  UserFunction *fn = g_new0 (UserFunction, 1);
  UserFunction *old;
  muParserHandle_t failed = NULL;
  int offset;

  fn->owner = self;
  fn->name = pc_token_text (expr, PC_TOKEN (tokens, 0));
  fn->calls = g_ptr_array_new_with_free_func (g_free);
  old = g_tree_lookup (self->functions, fn->name);
  if (is_taken (self, fn->name) || g_hash_table_contains (self->variables, fn->name)
      || is_parameter (self, fn->name))
    set_failure_at (failure, PC_EVAL_ERROR_NAME_CONFLICT, expr, tokens, 0);
  else if ((old == NULL && (guint) g_tree_nnodes (self->functions) >= PC_EVAL_MAX_FUNCTIONS)
           || self->function_bytes - (old != NULL ? strlen (old->text) : 0) + strlen (expr)
              > PC_EVAL_MAX_FUNCTION_BYTES)
    set_failure (failure, PC_EVAL_ERROR_TOO_MANY_FUNCTIONS, -1, NULL);
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
      return FALSE;
    }

  /* Every parser knows the old set of functions, and the old function's
   * address: all go before it does. */
  fn->text = g_strstrip (g_strdup (expr));
  g_clear_pointer (&fn->parser, mupRelease);
  drop_all_parsers (self);
  if (old != NULL)
    self->function_bytes -= strlen (old->text);
  self->function_bytes += strlen (fn->text);
  g_tree_replace (self->functions, fn->name, fn);
  g_free (self->definition);
  self->definition = g_strdup (fn->text);
  return TRUE;
}

/* The fault a callback recorded, at the token of the request that shows
 * it: the operator, the function, or the outermost user function call. */
static void
fault_failure (PcEvaluator *self,
               const char  *expr,
               GArray      *tokens,
               Failure     *failure)
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
          set_failure_at (failure, self->fault.code, expr, tokens, i);
          return;
        }
    }
  set_failure (failure, self->fault.code, -1, g_strdup (name));
}

static void
start_fault (PcEvaluator *self)
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
    start_fault (self);
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
  Failure failure = { 0, -1, NULL };
  Failure misuse = { 0, -1, NULL };
  gboolean parser_failed = FALSE;
  gboolean evaluated = FALSE;
  gboolean misused;
  int close;

  if (check_text (expr, &tokens, &failure))
    {
      report (expr, &failure, detail, error);
      g_free (failure.token);
      return FALSE;
    }

  close = definition_close (expr, tokens);
  if (close >= 0)
    {
      if (define_function (self, expr, tokens, close, &failure))
        {
          g_array_set_size (self->results, 0);
          return TRUE;
        }
      report (expr, &failure, detail, error);
      g_free (failure.token);
      return FALSE;
    }

  if (self->parser == NULL)
    self->parser = new_parser (self);
  save_named (self, expr, tokens);
  g_ptr_array_set_size (self->created, 0);

  mupSetExpr (self->parser, expr);
  parser_failed = mupError (self->parser);
  if (!parser_failed)
    {
      int n = 0;
      double *values;

      start_fault (self);
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
        set_failure (&failure, PC_EVAL_ERROR_INTERNAL, -1, NULL);
    }
  if (parser_failed)
    read_parser_error (self->parser, expr, tokens, &failure);

  misused = check_created_names (self, expr, tokens, evaluated, &misuse);
  /* A request that would take the session past its limit changes
   * nothing, like any other failure. */
  if (evaluated && !misused && self->created->len > 0 && self->max_variables > 0
      && g_hash_table_size (self->variables) - 1 > self->max_variables)
    {
      evaluated = FALSE;
      set_failure (&failure, PC_EVAL_ERROR_TOO_MANY_VARIABLES, -1,
                   g_strdup_printf ("%u", self->max_variables));
    }

  if (!evaluated || misused)
    {
      /* Whichever mistake comes first in the text is the one to show; a
       * misused name also comes first when muparser gave no position. */
      const Failure *shown = &failure;

      if (misused && (evaluated || failure.pos < 0
                      || misuse.pos < failure.pos))
        shown = &misuse;
      roll_back (self, self->parser, self->saved);
      report (expr, shown, detail, error);
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

  cache_clear (self);
  g_clear_pointer (&self->parser, mupRelease);
  drop_function_parsers (self);
}

static void
define_constants (PcEvaluator      *self,
                  muParserHandle_t  parser)
{
  const PcCatalogConstant *constants;
  guint n_constants;

  pc_eval_math_define (parser);
  define_user_functions (self, parser);
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

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (a, b);
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
  self->functions = g_tree_new_full (compare_names, NULL, NULL,
                                     (GDestroyNotify) user_function_free);
  self->unknown = g_ptr_array_new_with_free_func (g_free);
  define_ans (self);
  /* One parser from the start: the first request needs it anyway. */
  self->parser = new_parser (self);
  return self;
}

void
pc_evaluator_free (PcEvaluator *self)
{
  if (self == NULL)
    return;

  pc_evaluator_trim (self);
  g_tree_unref (self->functions);
  g_ptr_array_unref (self->unknown);
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

  if (g_tree_lookup (self->functions, name) != NULL)
    {
      /* Every parser knows the function and its address. */
      drop_all_parsers (self);
      self->function_bytes -= strlen (((UserFunction *) g_tree_lookup (self->functions,
                                                                       name))->text);
      g_tree_remove (self->functions, name);
      return TRUE;
    }

  if (!g_hash_table_contains (self->variables, name))
    {
      g_autofree char *message = describe (PC_EVAL_ERROR_NOT_A_VARIABLE, -1, name);

      g_set_error_literal (error, PC_EVAL_ERROR, PC_EVAL_ERROR_NOT_A_VARIABLE,
                           message);
      return FALSE;
    }

  /* Cached parsers hold the variable's address in their bytecode, and
   * so may function bodies. */
  cache_clear (self);
  drop_function_parsers (self);
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
  g_tree_remove_all (self->functions);
  self->function_bytes = 0;
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
  UserFunction *fn = value;

  each->func (fn->name, fn->n_params, fn->text, each->user_data);
  return FALSE;
}

void
pc_evaluator_foreach_function (PcEvaluator        *self,
                               PcEvaluatorFunFunc  func,
                               gpointer            user_data)
{
  ForeachFunction each = { func, user_data };

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);
  g_tree_foreach (self->functions, foreach_function_cb, &each);
}

guint
pc_evaluator_n_functions (PcEvaluator *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_tree_nnodes (self->functions);
}
