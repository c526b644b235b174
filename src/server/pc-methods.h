/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include "pc-evaluator.h"
#include "pc-protocol.h"

G_BEGIN_DECLS

/* What the `info` method tells of the server; borrowed for one call. */
typedef struct
{
  const char *transport;     /* scheme the session came in on */
  gsize       max_line;      /* bytes */
  int         max_clients;
  guint       idle_timeout;  /* seconds; 0: never */
  gsize       max_batch;     /* calls per JSON-RPC batch */
  guint       max_variables; /* per session; 0: no limit */
} PcMethodsServer;

/* `vars` answers at most this many variables per reply: a larger session
 * is read in pages ({"limit": N, "after": NAME}). */
#define PC_VARS_PAGE_MAX 1000

/* The protocol's methods, run against one session's evaluator
 * (PcRequestHandler.call): the result, transfer full, or %NULL with
 * @error filled. @params may be %NULL. */
json_t   *pc_methods_call  (PcEvaluator           *evaluator,
                            const PcMethodsServer *server,
                            const char            *method,
                            json_t                *params,
                            PcRpcError            *error);
/* The `auth` method of a server that requires @expected (an access
 * token): sets @accepted when @params hold the same token, compared in
 * constant time, and returns %TRUE; otherwise returns %NULL with @error
 * filled (1003 for a wrong token, -32602 for params of the wrong
 * shape) and @accepted %FALSE. */
json_t   *pc_methods_auth  (const char            *expected,
                            json_t                *params,
                            gboolean              *accepted,
                            PcRpcError            *error);

/* Plain mode: the values, or "error: MESSAGE". */
void      pc_methods_plain (PcEvaluator           *evaluator,
                            const char            *expr,
                            GString               *out);

/* JSON-RPC eval, written without values: the "result" or "error" member
 * of the response (PcRequestHandler.eval), byte for byte what
 * pc_json_append() writes for pc_methods_call()'s answer. */
void      pc_methods_eval_json (PcEvaluator          *evaluator,
                                const char           *expr,
                                GString              *out);

/* `sample` (PcRequestHandler.stream): for any other @method %NULL with
 * @error untouched; for bad params or an expression that fails, %NULL
 * with @error filled (-32602 with data.reason, or 1000 as for eval);
 * else the stream writing {"from":F,"to":T,"step":S,"values":[...]} a
 * chunk of points per write, each within about PC_METHODS_SAMPLE_BUDGET_USEC.
 * The evaluator must not change until the stream is freed. */
#define PC_METHODS_SAMPLE_BUDGET_USEC 250
PcResultStream *pc_methods_stream (PcEvaluator *evaluator,
                                   const char  *method,
                                   json_t      *params,
                                   PcRpcError  *error);

G_END_DECLS
