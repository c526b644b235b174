/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* pipecalc's own scan of an expression, the way muparser's token reader
 * splits it, as far as the evaluator needs: where names are, which are
 * assigned, and which token an error position points at. Internal to
 * src/eval. */

typedef enum
{
  PC_TOKEN_NAME,
  PC_TOKEN_NUMBER,
  PC_TOKEN_BAD_NUMBER,
  PC_TOKEN_OPERATOR,
  PC_TOKEN_OPEN,
  PC_TOKEN_CLOSE,
  PC_TOKEN_COMMA,
  PC_TOKEN_OTHER,
} PcTokenKind;

/* A token of our own scan; offsets are bytes into the expression. */
typedef struct
{
  PcTokenKind kind;
  int       start;
  int       len;
} PcToken;

#define PC_TOKEN(tokens, i) (&g_array_index ((tokens), PcToken, (i)))

gboolean pc_eval_is_name_char (char c);
gboolean pc_eval_is_blank     (char c);
int      pc_eval_name_length  (const char *s);

/* Returns: (transfer full): a GArray of PcToken. */
GArray  *pc_tokenize          (const char    *expr);
gboolean pc_token_is          (const char    *expr,
                               const PcToken *t,
                               const char    *text);
char    *pc_token_text        (const char    *expr,
                               const PcToken *t);
int      pc_tokens_before     (GArray        *tokens,
                               int            pos);
int      pc_tokens_at         (GArray        *tokens,
                               int            pos);
int      pc_tokens_unclosed_paren    (GArray *tokens,
                                      int     i);
int      pc_tokens_open_paren_before (GArray *tokens,
                                      int     pos);
int      pc_tokens_misplaced_assignment (const char *expr,
                                         GArray     *tokens);

G_END_DECLS
