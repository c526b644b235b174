/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-eval-failure.h"

#include <string.h>

#include "pc-eval-catalog.h"

gboolean
pc_eval_failure_set (PcEvalFailure   *failure,
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

void
pc_eval_failure_set_at (PcEvalFailure   *failure,
                        PcEvalErrorCode  code,
                        const char      *expr,
                        GArray          *tokens,
                        int              index)
{
  if (index < 0)
    pc_eval_failure_set (failure, code, -1, NULL);
  else
    pc_eval_failure_set (failure, code, PC_TOKEN (tokens, index)->start,
                         pc_token_text (expr, PC_TOKEN (tokens, index)));
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
void
pc_eval_failure_from_parser (PcEvalFailure    *failure,
                             muParserHandle_t  parser,
                             const char       *expr,
                             GArray           *tokens)
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
    pc_eval_failure_set_at (failure, code, expr, tokens, i);
  else
    pc_eval_failure_set (failure, code, pos, NULL);
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
  { PC_EVAL_ERROR_SEVERAL_RESULTS,
    "A sample takes one expression with one value; found a comma", FALSE, "" },
  { PC_EVAL_ERROR_ASSIGNMENT,
    "A sample cannot assign or define: it never changes the session; found", TRUE, "" },
};

char *
pc_eval_failure_message (PcEvalErrorCode  code,
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

void
pc_eval_failure_report (const PcEvalFailure  *failure,
                        const char           *expr,
                        PcEvalErrorDetail    *detail,
                        GError              **error)
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

  message = pc_eval_failure_message (failure->code, pos, cut);
  g_set_error_literal (error, PC_EVAL_ERROR, failure->code, message);
  if (detail != NULL)
    {
      detail->pos = pos;
      detail->token = g_steal_pointer (&cut);
    }
}

