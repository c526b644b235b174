/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

#include "pc-json.h"
#include "pc-rpc-codes.h"

G_BEGIN_DECLS

/* The wire protocol (docs/protocol.md): one codec for both sides. */

#define PC_PROTOCOL_VERSION 1
#define PC_PROTOCOL_DEFAULT_MAX_LINE 65536

/* Nesting deeper than this is refused with -32700 (docs/protocol.md). */
#define PC_PROTOCOL_MAX_DEPTH 128

/* Client side: a reply that is not what the protocol promises. */
#define PC_PROTOCOL_ERROR (pc_protocol_error_quark ())

typedef enum
{
  PC_PROTOCOL_ERROR_MALFORMED_REPLY,
  PC_PROTOCOL_ERROR_LINE_TOO_LONG,
} PcProtocolError;

GQuark pc_protocol_error_quark (void);

/* A JSON-RPC error object: code, English message, optional data. */
typedef struct
{
  int     code;
  char   *message;
  json_t *data;
} PcRpcError;

/* Takes @data (may be %NULL). */
void pc_rpc_error_set   (PcRpcError *error,
                         int         code,
                         json_t     *data,
                         const char *format,
                         ...) G_GNUC_PRINTF (4, 5);
void pc_rpc_error_clear (PcRpcError *error);

/* ---- Server side ------------------------------------------------------ */

/* A result written in pieces, so that a large one (a `sample` of a million
 * points) is never held whole: @write appends the next piece of the
 * result's JSON text to @out, a bounded amount, and returns %TRUE once it
 * has written the last; @free releases it, finished or not (a session
 * that closes mid-way). */
typedef struct _PcResultStream PcResultStream;
struct _PcResultStream
{
  gboolean (*write) (PcResultStream *stream,
                     GString        *out);
  void     (*free)  (PcResultStream *stream);
};

typedef struct
{
  /* A plain-mode expression (valid UTF-8, no NUL): append the reply text,
   * without newline, to @out: the values or "error: MESSAGE". */
  void      (*plain) (gpointer    user_data,
                      const char *expr,
                      GString    *out);
  /* A JSON-RPC call (notifications too): return the result, transfer full,
   * or %NULL with @error filled. @params may be %NULL. */
  json_t   *(*call)  (gpointer    user_data,
                      const char *method,
                      json_t     *params,
                      PcRpcError *error);
  /* Optional, a fast path: an "eval" call with an id, whose params hold
   * only the expression (NUL-terminated, as jansson would have decoded
   * it). Append the response's second half, the "result":... or
   * "error":... member, exactly the bytes pc_json_append() writes for
   * @call's result or error. Calls of any other shape always go to @call. */
  void      (*eval)  (gpointer    user_data,
                      const char *expr,
                      GString    *out);
  /* Optional: asked between two calls of a batch; %TRUE stops the work
   * there (see pc_protocol_answer_line()). %NULL: never stop. */
  gboolean  (*must_yield) (gpointer user_data);
  /* Optional: a call whose result is written in pieces, asked before
   * @call. Returns %NULL with @error untouched for a method it does not
   * stream (@call answers it), %NULL with @error set when the call fails,
   * or the stream: the response is then written piece by piece between
   * must_yield() checks, as a batch's calls are. A notification's stream
   * is freed unwritten. */
  PcResultStream *(*stream) (gpointer    user_data,
                             const char *method,
                             json_t     *params,
                             PcRpcError *error);
} PcRequestHandler;

/* Calls a JSON-RPC batch may hold unless the server says otherwise
 * (pipecalcd --max-batch); a larger one is refused whole with 1002. */
#define PC_PROTOCOL_DEFAULT_MAX_BATCH 1000

/* A request line whose answer is not finished: a batch stopped between
 * two calls. It holds a copy of what it still needs of the line. */
typedef struct _PcRequest PcRequest;

/* Answers one complete request line, appending the reply to @out, as
 * pc_protocol_handle_line() does, with two differences: a batch of more
 * than @max_batch calls is refused whole (error 1002, data {"limit":
 * "batch"}), and a batch is answered call by call, its reply written as it
 * goes ("[", each response, ",", ..., "]\n"): when @handler->must_yield
 * says so between two calls, the work stops there and the rest is returned
 * as a PcRequest, to be finished with pc_request_resume(). %NULL: the
 * line is answered. */
PcRequest *pc_protocol_answer_line (const char             *line,
                                    gsize                   len,
                                    gsize                   max_batch,
                                    const PcRequestHandler *handler,
                                    gpointer                user_data,
                                    GString                *out);
/* Answers at least one more call of @request, then more until the handler
 * must yield. Returns %TRUE when the request is answered (its reply
 * complete in @out): then free it. */
gboolean   pc_request_resume      (PcRequest              *request,
                                   const PcRequestHandler *handler,
                                   gpointer                user_data,
                                   GString                *out);
void       pc_request_free        (PcRequest              *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcRequest, pc_request_free)

/* Handles one complete request line and appends the reply lines, each
 * ending in \n, to @out (nothing for blank lines and notifications),
 * whatever the batch's size and without stopping. */
void pc_protocol_handle_line     (const char             *line,
                                  gsize                   len,
                                  const PcRequestHandler *handler,
                                  gpointer                user_data,
                                  GString                *out);
/* The reply to a line that was longer than @limit bytes. */
void pc_protocol_append_too_large (gboolean  looks_json,
                                   gsize     limit,
                                   GString  *out);
/* A reply to a line that could not be served at all (busy, unauthorized),
 * in the mode of @line. @data stays the caller's. */
void pc_protocol_append_error    (const char *line,
                                  gsize       len,
                                  int         code,
                                  const char *message,
                                  json_t     *data,
                                  GString    *out);


/* ---- Client side ------------------------------------------------------ */

/* Appends {"jsonrpc":"2.0","id":ID,"method":M,"params":P}\n to @out.
 * Takes @params (may be %NULL). */
void     pc_protocol_append_request (GString    *out,
                                     gint64      id,
                                     const char *method,
                                     json_t     *params);

/* Parses a reply line to a request sent with an integer id. Returns %FALSE
 * with @error set when the line is not a JSON-RPC response. Otherwise sets
 * @id (-1 for a null id), and either @result (transfer full) or
 * @rpc_error. */
gboolean pc_protocol_parse_response (const char  *line,
                                     gsize        len,
                                     gint64      *id,
                                     json_t     **result,
                                     PcRpcError  *rpc_error,
                                     GError     **error);

G_END_DECLS
