/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <muParserDLL.h>

#include "pc-eval-failure.h"
#include "pc-eval-math.h"
#include "pc-evaluator.h"

G_BEGIN_DECLS

/* The user functions of a session ("f(x) = x^2 + 1"): their definitions,
 * checked when made, and the muparser callbacks that evaluate their
 * bodies. Internal to src/eval.
 *
 * The evaluator owns the parsers that call these functions: they hold
 * each function's address as callback data, so before the set changes
 * (pc_eval_user_add, pc_eval_user_remove, pc_eval_user_clear) every one
 * of them must be gone, and after a variable goes away the bodies'
 * parsers must go (pc_eval_user_drop_parsers). */

typedef struct _PcEvalUser PcEvalUser;
/* A checked definition, not yet in the set. */
typedef struct _PcEvalUserFunction PcEvalUserFunction;

/* Defines on @parser every name a session's parser knows: the built-in
 * functions, the user functions, the constants and ans. */
typedef void (*PcEvalUserPrepareFunc) (muParserHandle_t parser,
                                       gpointer         user_data);

/* @variables: the session's variables (name -> double*), read by bodies
 * at call time; @fault: the record callbacks fail into; @prepare: how a
 * body's parser is given the session's names. All outlive the set. */
PcEvalUser         *pc_eval_user_new              (GHashTable            *variables,
                                                   PcEvalFault           *fault,
                                                   PcEvalUserPrepareFunc  prepare,
                                                   gpointer               prepare_data);
void                pc_eval_user_free             (PcEvalUser            *self);

/* "name(a, b) = ...": the index of the ")" when @tokens start so, else -1. */
int                 pc_eval_user_definition_close (const char            *expr,
                                                   GArray                *tokens);
/* Checks the definition @expr (@close: its ")"): the name, the
 * parameters, the limits, the body (parsed, not evaluated; recursion
 * through any chain of functions refused). Returns the function, or
 * NULL with @failure set. */
PcEvalUserFunction *pc_eval_user_parse            (PcEvalUser            *self,
                                                   const char            *expr,
                                                   GArray                *tokens,
                                                   guint                  close,
                                                   PcEvalFailure         *failure);
/* Takes @fn into the set, in place of a function of the same name.
 * Returns the definition's text, owned by the set. */
const char         *pc_eval_user_add              (PcEvalUser            *self,
                                                   PcEvalUserFunction    *fn);
gboolean            pc_eval_user_contains         (PcEvalUser            *self,
                                                   const char            *name);
void                pc_eval_user_remove           (PcEvalUser            *self,
                                                   const char            *name);
void                pc_eval_user_clear            (PcEvalUser            *self);

/* Defines on @parser, before it parses @text, every session variable
 * (@variables: name -> double*) that @text names. muparser 2.3.3 reads a
 * name its variable factory supplies as an *undefined* variable, after
 * which it allows no postfix operator: "a!" failed with "Unexpected
 * token" in a parser that had not met a yet. */
void                pc_eval_define_named_variables (muParserHandle_t  parser,
                                                    GHashTable       *variables,
                                                    const char       *text);

/* Defines every user function on @parser (never folded at parse time). */
void                pc_eval_user_define_all       (PcEvalUser            *self,
                                                   muParserHandle_t       parser);
/* Drops the bodies' parsers, rebuilt at their next call. */
void                pc_eval_user_drop_parsers     (PcEvalUser            *self);

void                pc_eval_user_foreach          (PcEvalUser            *self,
                                                   PcEvaluatorFunFunc     func,
                                                   gpointer               user_data);
guint               pc_eval_user_count            (PcEvalUser            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcEvalUser, pc_eval_user_free)

G_END_DECLS
