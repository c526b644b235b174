/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <muParserDLL.h>

#include "pc-evaluator.h"

G_BEGIN_DECLS

/* The functions and operators pipecalc adds to muparser's. Internal to
 * src/eval. */

/* A domain error raised by a callback: muparser's C API gives callbacks no
 * way to fail, so they record it here and return NaN, and the evaluator
 * turns it into an error once the evaluation returns. @name is the
 * function or operator as written ("!", "nCr"), a static string. */
typedef struct
{
  PcEvalErrorCode code;
  const char     *name;
  /* The outermost user function being evaluated when it happened, or
   * NULL: its call is what the request's text shows. */
  const char     *user;
  guint           calls;  /* user function calls in this request */
} PcEvalFault;

/* Where the callbacks of this thread record a fault, or NULL outside an
 * evaluation. Postfix and binary operators get no user data in muparser's
 * C API, so this one pointer per thread is how they reach the evaluator
 * that runs them. */
void          pc_eval_math_set_fault (PcEvalFault     *fault);
PcEvalFault  *pc_eval_math_fault     (void);

/* Defines the functions, operators and the postfix "!" on @parser. */
void          pc_eval_math_define    (muParserHandle_t parser);

G_END_DECLS
