/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* JSON-RPC 2.0 error codes, and pipecalc's application codes
 * (docs/protocol.md). A header of their own, so clients that only read a
 * code (the GUI words errors by it) need no JSON at all. */
typedef enum
{
  PC_RPC_PARSE_ERROR = -32700,
  PC_RPC_INVALID_REQUEST = -32600,
  PC_RPC_METHOD_NOT_FOUND = -32601,
  PC_RPC_INVALID_PARAMS = -32602,
  PC_RPC_INTERNAL_ERROR = -32603,
  PC_RPC_EXPRESSION_ERROR = 1000,
  PC_RPC_TOO_LARGE = 1001,
  PC_RPC_BUSY = 1002,
  PC_RPC_UNAUTHORIZED = 1003,
} PcRpcErrorCode;

G_END_DECLS
