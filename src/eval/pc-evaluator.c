/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-evaluator.h"

#include <stdlib.h>
#include <string.h>

#include <muParserDLL.h>

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
  { "log", "natural logarithm (base e)", 1 },
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
};

static const char *const operators[] = {
  "+", "-", "*", "/", "^", "==", "!=", "<", ">", "<=", ">=",
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

/* A NaN with a payload of our own, stored in the variables the factory
 * creates. One still holding it after evaluation was never assigned, e.g.
 * "0 ? (a = 1) : 2, a". Assignments store computed values, never these bits. */
static const guint64 unassigned_bits = G_GUINT64_CONSTANT (0x7ff8c0ffee15bad0);

struct _PcEvaluator
{
  muParserHandle_t parser;
  /* Session variables, ans included: name -> double*, both owned. muparser
   * keeps the addresses, so each double is allocated on its own. */
  GHashTable *variables;
  double     *ans;
  /* Names the factory created during the current request. */
  GPtrArray  *created;
};

typedef enum
{
  TOKEN_NAME,
  TOKEN_NUMBER,
  TOKEN_BAD_NUMBER,
  TOKEN_OPERATOR,
  TOKEN_OPEN,
  TOKEN_CLOSE,
  TOKEN_COMMA,
  TOKEN_OTHER,
} TokenKind;

/* A token of our own scan; offsets are bytes into the expression. */
typedef struct
{
  TokenKind kind;
  int       start;
  int       len;
} Token;

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

#define TOK(tokens, i) (&g_array_index ((tokens), Token, (i)))

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
name_length (const char *s)
{
  int i = 0;

  while (is_name_char (s[i]))
    i++;
  return i;
}

/* Length of the number at @s as muparser reads it (digits, an optional
 * point and fraction, an optional exponent), or -1 when an exponent is
 * malformed: muparser then reads "1e" as a variable name, and "1e+x" as
 * something else again, so such text is refused before it gets there. */
static int
number_length (const char *s)
{
  int i = 0;

  while (g_ascii_isdigit (s[i]))
    i++;
  if (s[i] == '.')
    for (i++; g_ascii_isdigit (s[i]); i++)
      ;
  if (s[i] == 'e' || s[i] == 'E')
    {
      i++;
      if (s[i] == '+' || s[i] == '-')
        i++;
      if (!g_ascii_isdigit (s[i]))
        return -1;
      while (g_ascii_isdigit (s[i]))
        i++;
    }
  return i;
}

/* How far a mistyped number reaches, to show all of it ("1.5e+x"). */
static int
bad_number_length (const char *s)
{
  int i = 0;

  while (is_name_char (s[i]) || s[i] == '.'
         || ((s[i] == '+' || s[i] == '-') && i > 0
             && (s[i - 1] == 'e' || s[i - 1] == 'E')))
    i++;
  return i;
}

/* Splits the expression the way muparser's token reader does, as far as
 * pipecalc needs: where names are, which names are assigned, and which
 * token an error position points at. */
static GArray *
tokenize (const char *expr)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  int i = 0;

  while (expr[i] != '\0')
    {
      const char *p = expr + i;
      Token t = { TOKEN_OTHER, i, 1 };

      if (is_blank (*p))
        {
          i++;
          continue;
        }

      if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
        {
          t.kind = TOKEN_NUMBER;
          t.len = number_length (p);
          if (t.len < 0)
            {
              t.kind = TOKEN_BAD_NUMBER;
              t.len = bad_number_length (p);
            }
        }
      else if (is_name_char (*p))
        {
          t.kind = TOKEN_NAME;
          t.len = name_length (p);
        }
      else if (*p == '(' || *p == ')' || *p == ',')
        {
          t.kind = *p == '(' ? TOKEN_OPEN : *p == ')' ? TOKEN_CLOSE : TOKEN_COMMA;
        }
      else if (strchr ("+-*/^<>=?:!&|", *p) != NULL)
        {
          t.kind = TOKEN_OPERATOR;
          /* "&&", "||", "<=", ">=", "!=", "==" */
          if ((strchr ("&|", *p) != NULL && p[1] == *p)
              || (strchr ("<>!=", *p) != NULL && p[1] == '='))
            t.len = 2;
        }

      g_array_append_val (tokens, t);
      i += t.len;
    }

  return tokens;
}

static gboolean
token_is (const char  *expr,
          const Token *t,
          const char  *text)
{
  return strncmp (expr + t->start, text, t->len) == 0 && text[t->len] == '\0';
}

static char *
token_text (const char  *expr,
            const Token *t)
{
  return g_strndup (expr + t->start, t->len);
}

/* The last token starting before byte @pos, or -1. */
static int
token_before (GArray *tokens,
              int     pos)
{
  int i = tokens->len - 1;

  while (i >= 0 && TOK (tokens, i)->start >= pos)
    i--;
  return i;
}

/* The token covering byte @pos, or -1 (a blank, or the end). */
static int
token_at (GArray *tokens,
          int     pos)
{
  int i = token_before (tokens, pos + 1);

  return i >= 0 && pos < TOK (tokens, i)->start + TOK (tokens, i)->len ? i : -1;
}

/* Walking back from token @i, the first "(" not closed before it, or -1. */
static int
unclosed_paren (GArray *tokens,
                int     i)
{
  for (int depth = 0; i >= 0; i--)
    {
      if (TOK (tokens, i)->kind == TOKEN_CLOSE)
        depth++;
      else if (TOK (tokens, i)->kind == TOKEN_OPEN && depth-- == 0)
        return i;
    }
  return -1;
}

/* The "(" matching the last ")" at or before byte @pos, or -1. muparser
 * reports argument errors at or just after the closing parenthesis. */
static int
open_paren_before (GArray *tokens,
                   int     pos)
{
  int i = token_before (tokens, pos + 1);

  while (i >= 0 && TOK (tokens, i)->kind != TOKEN_CLOSE)
    i--;
  return i < 0 ? -1 : unclosed_paren (tokens, i - 1);
}

/* muparser reports "a+b=3" or "a=b=3" without a position; the culprit is
 * the first "=" that does not follow a lone name. */
static int
misplaced_assignment (const char *expr,
                      GArray     *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    {
      if (TOK (tokens, i)->kind != TOKEN_OPERATOR
          || !token_is (expr, TOK (tokens, i), "="))
        continue;
      if (i == 0 || TOK (tokens, i - 1)->kind != TOKEN_NAME
          || (i >= 2 && TOK (tokens, i - 2)->kind != TOKEN_OPEN
              && TOK (tokens, i - 2)->kind != TOKEN_COMMA))
        return i;
    }
  return -1;
}

static gboolean
is_function (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (functions); i++)
    if (strcmp (functions[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_constant (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (constants); i++)
    if (strcmp (constants[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

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
    set_failure (failure, code, TOK (tokens, index)->start,
                 token_text (expr, TOK (tokens, index)));
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

      if ((c < 0x20 && !is_blank (c)) || c >= 0x7f)
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

  for (p = expr; is_blank (*p); p++)
    ;
  if (*p == '\0')
    return set_failure (failure, PC_EVAL_ERROR_EMPTY_EXPRESSION, -1, NULL);

  *tokens_out = tokenize (expr);
  for (guint i = 0; i < (*tokens_out)->len; i++)
    {
      const Token *t = TOK (*tokens_out, i);

      if (t->kind == TOKEN_NAME && t->len > PC_EVAL_MAX_IDENTIFIER)
        return set_failure (failure, PC_EVAL_ERROR_IDENTIFIER_TOO_LONG,
                            t->start, token_text (expr, t));
      if (t->kind == TOKEN_BAD_NUMBER)
        return set_failure (failure, PC_EVAL_ERROR_INVALID_NUMBER,
                            t->start, token_text (expr, t));
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
    return misplaced_assignment (expr, tokens);

  /* For a misplaced unary sign ("--1") it points after the sign. */
  i = token_at (tokens, pos);
  before = token_before (tokens, pos);
  if ((i < 0 || TOK (tokens, i)->kind != TOKEN_OPERATOR)
      && before >= 0 && TOK (tokens, before)->kind == TOKEN_OPERATOR)
    return before;
  return i;
}

/* Turns muparser's last error (a code and a byte position, no text) into
 * a failure pointing at a token of our own scan. */
static void
read_parser_error (PcEvaluator *self,
                   const char  *expr,
                   GArray      *tokens,
                   Failure     *failure)
{
  int code = mupGetErrorCode (self->parser);
  int pos = mupGetErrorPos (self->parser);
  int len = strlen (expr);
  int i;

  /* muparser appends a blank to the expression, so the end can be len+1. */
  pos = pos < 0 ? -1 : MIN (pos, len);
  i = pos < 0 ? -1 : token_at (tokens, pos);

  switch (code)
    {
    case PC_EVAL_ERROR_UNEXPECTED_OPERATOR:
      i = operator_culprit (expr, tokens, pos);
      if (i > 0 && token_is (expr, TOK (tokens, i), "=")
          && TOK (tokens, i - 1)->kind == TOKEN_NAME)
        {
          g_autofree char *name = token_text (expr, TOK (tokens, i - 1));

          if (is_constant (name))
            {
              code = PC_EVAL_ERROR_ASSIGN_TO_CONSTANT;
              i--;
            }
        }
      break;

    case PC_EVAL_ERROR_TOO_MANY_PARAMS:
    case PC_EVAL_ERROR_TOO_FEW_PARAMS:
      /* Reported at or after the ")"; the useful token is the function. */
      i = open_paren_before (tokens, pos);
      i = i >= 1 && TOK (tokens, i - 1)->kind == TOKEN_NAME ? i - 1 : -1;
      break;

    case PC_EVAL_ERROR_UNEXPECTED_ARG:
      i = open_paren_before (tokens, pos);
      break;

    case PC_EVAL_ERROR_MISSING_PARENS:
      i = unclosed_paren (tokens, tokens->len - 1);
      break;

    case PC_EVAL_ERROR_UNEXPECTED_EOF:
      pos = len;
      i = -1;
      break;

    case PC_EVAL_ERROR_MISPLACED_COLON:
      /* Reported after the colon. */
      for (i = token_before (tokens, pos + 1); i >= 0; i--)
        if (token_is (expr, TOK (tokens, i), ":"))
          break;
      break;

    case PC_EVAL_ERROR_INTERNAL:
      /* muparser 2.3.3 accepts a sign with nothing after it ("1*-") or
       * before a "?" ("-?1"), then fails while building its bytecode. */
      i = pos < 0 ? -1 : token_before (tokens, pos);
      if (i < 0 || TOK (tokens, i)->kind != TOKEN_OPERATOR)
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
      const Token *t = TOK (tokens, i);

      if (t->kind == TOKEN_OPEN)
        depth++;
      else if ((t->kind == TOKEN_CLOSE && depth-- == 0)
               || (t->kind == TOKEN_COMMA && depth == 0))
        return -1;
      else if (t->kind == TOKEN_NAME && token_is (expr, t, name))
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
        if ((TOK (tokens, first)->kind == TOKEN_NAME
             || TOK (tokens, first)->kind == TOKEN_NUMBER)
            && token_is (expr, TOK (tokens, first), name))
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
      else if (is_function (name))
        code = PC_EVAL_ERROR_UNEXPECTED_FUN;  /* "sin * 2" */
      else if (first + 1 < tokens->len && TOK (tokens, first + 1)->kind == TOKEN_OPEN)
        code = PC_EVAL_ERROR_UNKNOWN_FUNCTION;
      else if (first + 1 < tokens->len && token_is (expr, TOK (tokens, first + 1), "="))
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

      if (!failed || failure->pos < 0 || TOK (tokens, culprit)->start < failure->pos)
        {
          set_failure_at (failure, code, expr, tokens, culprit);
          failed = TRUE;
        }
    }

  return failed;
}

static double *
create_variable_cb (const char *name,
                    void       *user_data)
{
  PcEvaluator *self = user_data;
  double *value = g_new (double, 1);

  memcpy (value, &unassigned_bits, sizeof *value);
  g_hash_table_insert (self->variables, g_strdup (name), value);
  g_ptr_array_add (self->created, g_strdup (name));
  return value;
}

static GArray *
save_values (PcEvaluator *self)
{
  GArray *saved = g_array_sized_new (FALSE, FALSE, sizeof (SavedValue),
                                     g_hash_table_size (self->variables));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->variables);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SavedValue s = { value, *(double *) value };

      g_array_append_val (saved, s);
    }
  return saved;
}

/* Undoes a failed request: the parser forgets the created names before
 * their storage is freed, then the other variables get their values back. */
static void
roll_back (PcEvaluator *self,
           GArray      *saved)
{
  for (guint i = 0; i < self->created->len; i++)
    {
      const char *name = g_ptr_array_index (self->created, i);

      mupRemoveVar (self->parser, name);
      g_hash_table_remove (self->variables, name);
    }
  g_ptr_array_set_size (self->created, 0);

  for (guint i = 0; i < saved->len; i++)
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
  { PC_EVAL_ERROR_NOT_A_VARIABLE, "No variable named", TRUE, "" },
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

GArray *
pc_evaluator_eval (PcEvaluator        *self,
                   const char         *expr,
                   PcEvalErrorDetail  *detail,
                   GError            **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GArray) saved = NULL;
  g_autoptr(GArray) results = NULL;
  Failure failure = { 0, -1, NULL };
  Failure misuse = { 0, -1, NULL };
  gboolean parser_failed = FALSE;
  gboolean misused;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (expr != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (check_text (expr, &tokens, &failure))
    {
      report (expr, &failure, detail, error);
      g_free (failure.token);
      return NULL;
    }

  saved = save_values (self);
  g_ptr_array_set_size (self->created, 0);

  mupSetExpr (self->parser, expr);
  parser_failed = mupError (self->parser);
  if (!parser_failed)
    {
      int n = 0;
      double *values = mupEvalMulti (self->parser, &n);

      parser_failed = mupError (self->parser);
      if (!parser_failed && values != NULL && n > 0)
        {
          results = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
          g_array_append_vals (results, values, n);
        }
      else if (!parser_failed)
        set_failure (&failure, PC_EVAL_ERROR_INTERNAL, -1, NULL);
    }
  if (parser_failed)
    read_parser_error (self, expr, tokens, &failure);

  misused = check_created_names (self, expr, tokens, results != NULL, &misuse);

  if (results == NULL || misused)
    {
      /* Whichever mistake comes first in the text is the one to show; a
       * misused name also comes first when muparser gave no position. */
      const Failure *shown = &failure;

      if (misused && (results != NULL || failure.pos < 0
                      || misuse.pos < failure.pos))
        shown = &misuse;
      roll_back (self, saved);
      report (expr, shown, detail, error);
      g_free (failure.token);
      g_free (misuse.token);
      return NULL;
    }

  g_ptr_array_set_size (self->created, 0);
  *self->ans = g_array_index (results, double, results->len - 1);
  return g_steal_pointer (&results);
}

static void
define_ans (PcEvaluator *self)
{
  self->ans = g_new0 (double, 1);
  g_hash_table_insert (self->variables, g_strdup ("ans"), self->ans);
  mupDefineVar (self->parser, "ans", self->ans);
}

PcEvaluator *
pc_evaluator_new (void)
{
  PcEvaluator *self = g_new0 (PcEvaluator, 1);

  self->parser = mupCreate (muBASETYPE_FLOAT);
  self->variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->created = g_ptr_array_new_with_free_func (g_free);

  mupSetVarFactory (self->parser, create_variable_cb, self);
  for (gsize i = 0; i < G_N_ELEMENTS (constants); i++)
    mupDefineConst (self->parser, constants[i].name, constants[i].value);
  define_ans (self);

  /* Fixed names and values: failing here is a muparser incompatibility. */
  if (mupError (self->parser))
    g_critical ("muparser refused pipecalc's constants (error %d)",
                (int) mupGetErrorCode (self->parser));

  return self;
}

void
pc_evaluator_free (PcEvaluator *self)
{
  if (self == NULL)
    return;

  mupRelease (self->parser);
  g_hash_table_unref (self->variables);
  g_ptr_array_unref (self->created);
  g_free (self);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

void
pc_evaluator_foreach_variable (PcEvaluator        *self,
                               PcEvaluatorVarFunc  func,
                               gpointer            user_data)
{
  g_autofree gpointer *names = NULL;
  guint n = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  names = g_hash_table_get_keys_as_array (self->variables, &n);
  qsort (names, n, sizeof (gpointer), compare_names);
  for (guint i = 0; i < n; i++)
    {
      double *value = g_hash_table_lookup (self->variables, names[i]);

      func (names[i], *value, user_data);
    }
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

  if (!g_hash_table_contains (self->variables, name))
    {
      g_autofree char *message = describe (PC_EVAL_ERROR_NOT_A_VARIABLE, -1, name);

      g_set_error_literal (error, PC_EVAL_ERROR, PC_EVAL_ERROR_NOT_A_VARIABLE,
                           message);
      return FALSE;
    }

  mupRemoveVar (self->parser, name);
  g_hash_table_remove (self->variables, name);
  return TRUE;
}

void
pc_evaluator_reset (PcEvaluator *self)
{
  g_return_if_fail (self != NULL);

  mupClearVar (self->parser);
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
