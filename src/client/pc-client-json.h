/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include "pc-client.h"
#include "pc-protocol.h"

G_BEGIN_DECLS

/* The generic JSON-RPC call under the typed ones of pc-client.h, for
 * src/client and the tests. The GUI and the CLI use only the typed calls
 * and see no JSON (tests/check-no-json.sh). */

/* One reply to one call: either a result or an error from the server.
 * @raw is the reply line as received (without newline). */
typedef struct
{
  json_t     *result;
  PcRpcError  error;
  char       *raw;
} PcClientReply;

void pc_client_reply_free (PcClientReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcClientReply, pc_client_reply_free)

/* Sends one JSON-RPC call. Takes @params (may be %NULL). */
void           pc_client_call_async  (PcClient             *self,
                                      const char           *method,
                                      json_t               *params,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
PcClientReply *pc_client_call_finish (PcClient             *self,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
