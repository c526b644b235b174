/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <muParserDLL.h>

#include "pc-evaluator.h"
#include "pc-eval-scan.h"

G_BEGIN_DECLS

/* Why a request failed, and how that reads: shared by the evaluator and
 * the user functions, whose definitions fail the same way. Internal to
 * src/eval. */

/* Why a request failed, before it becomes a message. @pos is a byte
 * offset or -1; @token is owned, or NULL. */
typedef struct
{
  PcEvalErrorCode code;
  int             pos;
  char           *token;
} PcEvalFailure;

/* Takes @token. Returns TRUE, for the callers that return it. */
gboolean pc_eval_failure_set         (PcEvalFailure     *failure,
                                      PcEvalErrorCode    code,
                                      int                pos,
                                      char              *token);
/* At the token @index of @tokens, or without a position if @index < 0. */
void     pc_eval_failure_set_at      (PcEvalFailure     *failure,
                                      PcEvalErrorCode    code,
                                      const char        *expr,
                                      GArray            *tokens,
                                      int                index);
/* muparser's last error on @parser, which had @expr (scanned into
 * @tokens), pointing at a token of our own scan. */
void     pc_eval_failure_from_parser (PcEvalFailure     *failure,
                                      muParserHandle_t   parser,
                                      const char        *expr,
                                      GArray            *tokens);
/* The English message; @pos is in characters or -1. */
char    *pc_eval_failure_message     (PcEvalErrorCode    code,
                                      int                pos,
                                      const char        *token);
/* Sets @error (and @detail, if not NULL) from @failure in @expr. */
void     pc_eval_failure_report      (const PcEvalFailure *failure,
                                      const char          *expr,
                                      PcEvalErrorDetail   *detail,
                                      GError             **error);

G_END_DECLS
