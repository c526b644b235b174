/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include "pc-evaluator.h"
#include "pc-protocol.h"
#include "pc-session.h"

G_BEGIN_DECLS

/* The protocol's methods, run against one session's evaluator. */
JsonNode *pc_methods_call  (PcEvaluator           *evaluator,
                            const PcSessionConfig *config,
                            const char            *method,
                            JsonNode              *params,
                            PcRpcError            *error);
/* Plain mode: the values, or "error: MESSAGE". */
void      pc_methods_plain (PcEvaluator           *evaluator,
                            const char            *expr,
                            GString               *out);

/* JSON-RPC eval, written without nodes: the "result" or "error" member of
 * the response (PcRequestHandler.eval). */
void      pc_methods_eval_json (PcEvaluator          *evaluator,
                                const char           *expr,
                                GString              *out);

G_END_DECLS
