/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-eval-scan.h"

#include <string.h>

gboolean
pc_eval_is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

gboolean
pc_eval_is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
pc_eval_name_length (const char *s)
{
  int i = 0;

  while (pc_eval_is_name_char (s[i]))
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

  while (pc_eval_is_name_char (s[i]) || s[i] == '.'
         || ((s[i] == '+' || s[i] == '-') && i > 0
             && (s[i - 1] == 'e' || s[i - 1] == 'E')))
    i++;
  return i;
}

/* Splits the expression the way muparser's token reader does, as far as
 * pipecalc needs: where names are, which names are assigned, and which
 * token an error position points at. */
GArray *
pc_tokenize (const char *expr)
{
  /* Room for a typical expression from the start: no regrowth. */
  GArray *tokens = g_array_sized_new (FALSE, FALSE, sizeof (PcToken), 32);
  int i = 0;

  while (expr[i] != '\0')
    {
      const char *p = expr + i;
      PcToken t = { PC_TOKEN_OTHER, i, 1 };

      if (pc_eval_is_blank (*p))
        {
          i++;
          continue;
        }

      if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
        {
          t.kind = PC_TOKEN_NUMBER;
          t.len = number_length (p);
          if (t.len < 0)
            {
              t.kind = PC_TOKEN_BAD_NUMBER;
              t.len = bad_number_length (p);
            }
        }
      else if (pc_eval_is_name_char (*p))
        {
          t.kind = PC_TOKEN_NAME;
          t.len = pc_eval_name_length (p);
        }
      else if (*p == '(' || *p == ')' || *p == ',')
        {
          t.kind = *p == '(' ? PC_TOKEN_OPEN : *p == ')' ? PC_TOKEN_CLOSE : PC_TOKEN_COMMA;
        }
      else if (strchr ("+-*/%^<>=?:!&|", *p) != NULL)
        {
          t.kind = PC_TOKEN_OPERATOR;
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

gboolean
pc_token_is (const char  *expr,
          const PcToken *t,
          const char  *text)
{
  return strncmp (expr + t->start, text, t->len) == 0 && text[t->len] == '\0';
}

char *
pc_token_text (const char  *expr,
            const PcToken *t)
{
  return g_strndup (expr + t->start, t->len);
}

/* The last token starting before byte @pos, or -1. */
int
pc_tokens_before (GArray *tokens,
              int     pos)
{
  int i = tokens->len - 1;

  while (i >= 0 && PC_TOKEN (tokens, i)->start >= pos)
    i--;
  return i;
}

/* The token covering byte @pos, or -1 (a blank, or the end). */
int
pc_tokens_at (GArray *tokens,
          int     pos)
{
  int i = pc_tokens_before (tokens, pos + 1);

  return i >= 0 && pos < PC_TOKEN (tokens, i)->start + PC_TOKEN (tokens, i)->len ? i : -1;
}

/* Walking back from token @i, the first "(" not closed before it, or -1. */
int
pc_tokens_unclosed_paren (GArray *tokens,
                int     i)
{
  for (int depth = 0; i >= 0; i--)
    {
      if (PC_TOKEN (tokens, i)->kind == PC_TOKEN_CLOSE)
        depth++;
      else if (PC_TOKEN (tokens, i)->kind == PC_TOKEN_OPEN && depth-- == 0)
        return i;
    }
  return -1;
}

/* The "(" matching the last ")" at or before byte @pos, or -1. muparser
 * reports argument errors at or just after the closing parenthesis. */
int
pc_tokens_open_paren_before (GArray *tokens,
                   int     pos)
{
  int i = pc_tokens_before (tokens, pos + 1);

  while (i >= 0 && PC_TOKEN (tokens, i)->kind != PC_TOKEN_CLOSE)
    i--;
  return i < 0 ? -1 : pc_tokens_unclosed_paren (tokens, i - 1);
}

/* muparser reports "a+b=3" or "a=b=3" without a position; the culprit is
 * the first "=" that does not follow a lone name. */
int
pc_tokens_misplaced_assignment (const char *expr,
                      GArray     *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    {
      if (PC_TOKEN (tokens, i)->kind != PC_TOKEN_OPERATOR
          || !pc_token_is (expr, PC_TOKEN (tokens, i), "="))
        continue;
      if (i == 0 || PC_TOKEN (tokens, i - 1)->kind != PC_TOKEN_NAME
          || (i >= 2 && PC_TOKEN (tokens, i - 2)->kind != PC_TOKEN_OPEN
              && PC_TOKEN (tokens, i - 2)->kind != PC_TOKEN_COMMA))
        return i;
    }
  return -1;
}
