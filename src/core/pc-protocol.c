/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-json.h"
#include "pc-line-reader.h"
#include "pc-protocol.h"

G_DEFINE_QUARK (pc-protocol-error-quark, pc_protocol_error)


void
pc_rpc_error_set (PcRpcError *error,
                  int         code,
                  json_t     *data,
                  const char *format,
                  ...)
{
  va_list args;

  pc_rpc_error_clear (error);
  error->code = code;
  error->data = data;
  va_start (args, format);
  error->message = g_strdup_vprintf (format, args);
  va_end (args);
}

void
pc_rpc_error_clear (PcRpcError *error)
{
  g_clear_pointer (&error->message, g_free);
  g_clear_pointer (&error->data, json_decref);
  error->code = 0;
}

/* @id and @data stay the caller's. */
static json_t *
error_response (json_t     *id,
                int         code,
                const char *message,
                json_t     *data)
{
  json_t *response = json_object ();
  json_t *error = json_object ();

  json_object_set_new (response, "jsonrpc", json_string ("2.0"));
  json_object_set (response, "id", id != NULL ? id : json_null ());
  json_object_set_new (error, "code", json_integer (code));
  json_object_set_new (error, "message", pc_json_string (message));
  if (data != NULL)
    json_object_set (error, "data", data);
  json_object_set_new (response, "error", error);
  return response;
}

/* Takes @result; @id stays the caller's. */
static json_t *
result_response (json_t *id,
                 json_t *result)
{
  json_t *response = json_object ();

  json_object_set_new (response, "jsonrpc", json_string ("2.0"));
  json_object_set (response, "id", id);
  json_object_set_new (response, "result", result);
  return response;
}

/* An id is a string, a number or null (JSON-RPC 2.0, section 4); jansson
 * never holds a real that is not finite. */
static gboolean
id_is_valid (json_t *id)
{
  return json_is_null (id) || json_is_string (id) || json_is_number (id);
}

/* Handles one request object of a single call or a batch. Returns the
 * response, or %NULL for a notification. */
static json_t *
handle_call (json_t                 *request,
             const PcRequestHandler *handler,
             gpointer                user_data,
             PcResultStream        **stream)
{
  json_t *id;
  json_t *jsonrpc;
  json_t *method;
  json_t *params;
  json_t *result;
  json_t *response;
  PcRpcError error = { 0, };

  if (!json_is_object (request))
    return error_response (NULL, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: not an object", NULL);
  id = json_object_get (request, "id");
  if (id != NULL && !id_is_valid (id))
    return error_response (NULL, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"id\" must be a string, a number or null",
                           NULL);

  jsonrpc = json_object_get (request, "jsonrpc");
  if (!json_is_string (jsonrpc) || g_strcmp0 (json_string_value (jsonrpc), "2.0") != 0)
    return error_response (id, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"jsonrpc\" must be \"2.0\"", NULL);

  method = json_object_get (request, "method");
  if (!json_is_string (method))
    return error_response (id, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"method\" must be a string", NULL);

  params = json_object_get (request, "params");
  if (params != NULL && !json_is_object (params) && !json_is_array (params))
    return error_response (id, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"params\" must be an object or an array",
                           NULL);

  /* A streamed result: the caller writes the response around it. */
  if (handler->stream != NULL)
    {
      PcResultStream *opened = handler->stream (user_data, json_string_value (method),
                                                params, &error);

      if (opened != NULL && id == NULL)
        {
          opened->free (opened);
          return NULL;
        }
      if (opened != NULL)
        {
          *stream = opened;
          return NULL;
        }
    }
  result = error.code != 0 ? NULL
                           : handler->call (user_data, json_string_value (method), params,
                                            &error);

  /* A notification is carried out, never answered, even when it fails. */
  if (id == NULL)
    {
      g_clear_pointer (&result, json_decref);
      pc_rpc_error_clear (&error);
      return NULL;
    }
  if (result != NULL)
    return result_response (id, result);

  /* A method that failed without saying why still gets a valid error. */
  response = error_response (id, error.code != 0 ? error.code : PC_RPC_INTERNAL_ERROR,
                             error.message != NULL ? error.message : "Internal error",
                             error.data);
  pc_rpc_error_clear (&error);
  return response;
}

/* ---- The common call, without building values ---------------------------
 *
 * Nearly every request a client sends is {"jsonrpc":"2.0","id":N,
 * "method":"eval","params":{"expr":"..."}} (or params ["..."]). That one
 * shape is recognised here and answered directly, without a jansson tree
 * for the request or the reply. It pays: pipelined over a unix socket
 * (bench/pipecalc-bench pipeline, release build, 2 shared cores, median of
 * three runs), with the fast path against jansson for every call:
 * json-trivial 0.95 M against 0.20 M calls/s, json-func 1.08 M against
 * 0.20 M, batches of 100 calls 1.27 M against 0.20 M; four to six times.
 *
 * The scanner accepts only a strict subset of JSON on its own, since
 * nothing has checked the line before it: strings without escapes and
 * without control characters, integer ids without leading zeros, fraction
 * or exponent and within 64 bits, each of the four members exactly once
 * and no other. Anything else, down to an escape in a string, takes the
 * general path below: the fast path only ever answers what the general one
 * would answer, byte for byte (tests/test-protocol.c and
 * tests/test-integration.c compare the two). A batch whose every call has
 * that shape is answered the same way, call by call; one call of another
 * shape sends the whole batch the general way. */

typedef struct
{
  const char *p;
  const char *end;
} Scan;

static void
scan_blank (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_char (Scan *s,
           char  c)
{
  scan_blank (s);
  if (s->p == s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

/* A string whose bytes are its value: no escapes, no control characters
 * (which JSON forbids raw). The line is valid UTF-8 without NUL already. */
static gboolean
scan_plain_string (Scan        *s,
                   const char **start,
                   gsize       *len)
{
  const char *p;

  scan_blank (s);
  if (s->p == s->end || *s->p != '"')
    return FALSE;
  for (p = s->p + 1; p < s->end && *p != '"'; p++)
    if (*p == '\\' || (guchar) *p < 0x20)
      return FALSE;
  if (p == s->end)
    return FALSE;
  *start = s->p + 1;
  *len = p - *start;
  s->p = p + 1;
  return TRUE;
}

/* An integer as JSON writes it (-?(0|[1-9][0-9]*)) that fits in 64 bits;
 * a fraction or an exponent makes a real, left to jansson. */
static gboolean
scan_integer (Scan   *s,
              gint64 *value)
{
  char digits[24];
  const char *start;
  const char *first;

  scan_blank (s);
  start = s->p;
  if (s->p < s->end && *s->p == '-')
    s->p++;
  first = s->p;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  if (s->p == first || (*first == '0' && s->p - first > 1)
      || (gsize) (s->p - start) >= sizeof digits
      || (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E')))
    return FALSE;
  memcpy (digits, start, s->p - start);
  digits[s->p - start] = '\0';
  return g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, value, NULL);
}

static gboolean
scan_is (const char *text,
         gsize       len,
         const char *word)
{
  return len == strlen (word) && memcmp (text, word, len) == 0;
}

typedef struct
{
  /* The id as it goes back, byte for byte as the client wrote it: a
   * string without its quotes, or an integer's digits ("-0" stays "-0"). */
  const char *id;
  gsize       id_len;
  gboolean    id_string;
  const char *expr;
  gsize       expr_len;
} SimpleEval;

/* One call object at @s; leaves @s after it. */
static gboolean
scan_simple_call (Scan       *sp,
                  SimpleEval *call)
{
  Scan s = *sp;
  guint seen = 0;
  enum { JSONRPC = 1, ID = 2, METHOD = 4, PARAMS = 8 };

  if (!scan_char (&s, '{'))
    return FALSE;
  do
    {
      const char *key, *value;
      gsize key_len, value_len;

      if (!scan_plain_string (&s, &key, &key_len) || !scan_char (&s, ':'))
        return FALSE;
      if (scan_is (key, key_len, "jsonrpc") && !(seen & JSONRPC))
        {
          if (!scan_plain_string (&s, &value, &value_len) || !scan_is (value, value_len, "2.0"))
            return FALSE;
          seen |= JSONRPC;
        }
      else if (scan_is (key, key_len, "method") && !(seen & METHOD))
        {
          if (!scan_plain_string (&s, &value, &value_len) || !scan_is (value, value_len, "eval"))
            return FALSE;
          seen |= METHOD;
        }
      else if (scan_is (key, key_len, "id") && !(seen & ID))
        {
          gint64 number;

          scan_blank (&s);
          call->id_string = s.p < s.end && *s.p == '"';
          if (call->id_string)
            {
              if (!scan_plain_string (&s, &call->id, &call->id_len))
                return FALSE;
            }
          else
            {
              call->id = s.p;
              if (!scan_integer (&s, &number))
                return FALSE;
              call->id_len = s.p - call->id;
            }
          seen |= ID;
        }
      else if (scan_is (key, key_len, "params") && !(seen & PARAMS))
        {
          if (scan_char (&s, '['))
            {
              if (!scan_plain_string (&s, &call->expr, &call->expr_len) || !scan_char (&s, ']'))
                return FALSE;
            }
          else if (scan_char (&s, '{'))
            {
              if (!scan_plain_string (&s, &key, &key_len) || !scan_is (key, key_len, "expr")
                  || !scan_char (&s, ':')
                  || !scan_plain_string (&s, &call->expr, &call->expr_len)
                  || !scan_char (&s, '}'))
                return FALSE;
            }
          else
            return FALSE;
          seen |= PARAMS;
        }
      else
        return FALSE;
    }
  while (scan_char (&s, ','));
  if (!scan_char (&s, '}') || seen != (JSONRPC | ID | METHOD | PARAMS))
    return FALSE;
  *sp = s;
  return TRUE;
}

/* Batches of simple calls are answered the same way, up to this many. */
#define MAX_SIMPLE_BATCH 1024

/* The whole line: one call, or a batch of calls (@is_batch), all simple.
 * Nothing is evaluated before every call has been recognised. */
static gboolean
scan_simple_eval (const char *line,
                  gsize       len,
                  gsize       max_batch,
                  GArray     *calls,
                  gboolean   *is_batch)
{
  Scan s = { line, line + len };
  SimpleEval call = { 0, };

  scan_blank (&s);
  *is_batch = s.p < s.end && *s.p == '[';
  if (*is_batch)
    {
      s.p++;
      do
        {
          /* A batch over the limit is refused the general way. */
          if (calls->len == MIN (MAX_SIMPLE_BATCH, max_batch)
              || !scan_simple_call (&s, &call))
            return FALSE;
          g_array_append_val (calls, call);
        }
      while (scan_char (&s, ','));
      if (!scan_char (&s, ']'))
        return FALSE;
    }
  else
    {
      if (!scan_simple_call (&s, &call))
        return FALSE;
      g_array_append_val (calls, call);
    }
  /* One value per line, as jansson insists on the general path. */
  scan_blank (&s);
  return s.p == s.end;
}

static void
answer_simple_call (const SimpleEval       *call,
                    const PcRequestHandler *handler,
                    gpointer                user_data,
                    GString                *out)
{
  char small[256];
  g_autofree char *large = NULL;
  char *expr = small;

  if (call->expr_len < sizeof small)
    {
      memcpy (small, call->expr, call->expr_len);
      small[call->expr_len] = '\0';
    }
  else
    expr = large = g_strndup (call->expr, call->expr_len);

  g_string_append (out, "{\"jsonrpc\":\"2.0\",\"id\":");
  /* A plain string's bytes need no escape in jansson's writer either, and
   * an integer goes back as it came (see append_response() for -0). */
  if (call->id_string)
    g_string_append_c (out, '"');
  g_string_append_len (out, call->id, call->id_len);
  if (call->id_string)
    g_string_append_c (out, '"');
  g_string_append_c (out, ',');
  handler->eval (user_data, expr, out);
  g_string_append_c (out, '}');
}

/* ---- Requests answered in pieces ----------------------------------------
 *
 * A batch is answered call by call, its reply written as it is produced
 * ("[", each response, ",", "]"): between two calls the handler's
 * must_yield() may stop the work (unsent output above the session's mark,
 * or its turn used up), and the PcRequest keeps what is left for later. So
 * a batch of expensive calls never builds more than one response at a
 * time, whatever its size. */

struct _PcRequest
{
  /* Fast path: the calls, pointing into @text, a copy of the line. */
  char      *text;
  GArray    *calls;
  /* General path: the parsed batch, and which ids were written -0. */
  json_t    *root;
  guint8    *negative_zero;
  gsize      next;     /* the next call to answer */
  gsize      n;
  gboolean   opened;   /* "[" written */
  /* A result being written in pieces, its response opened in the output;
   * @single: the line's only call, not in a batch. */
  PcResultStream *stream;
  gboolean   single;
};

void
pc_request_free (PcRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->text);
  g_clear_pointer (&request->calls, g_array_unref);
  g_clear_pointer (&request->root, json_decref);
  g_free (request->negative_zero);
  if (request->stream != NULL)
    request->stream->free (request->stream);
  g_free (request);
}

/* jansson reads the id -0 as the integer 0, and writes it back as 0, but an
 * id goes back as the client wrote it. Only for ids that read 0, the line
 * is read again with integers as reals, where -0 keeps its sign. @flags
 * gets one byte per call (or one for a single call). */
static gboolean
find_negative_zero_ids (const char *line,
                        gsize       len,
                        json_t     *root,
                        guint8    **flags)
{
  g_autoptr(json_t) reals = NULL;
  gsize n = json_is_array (root) ? json_array_size (root) : 1;
  gboolean any = FALSE;

  for (gsize i = 0; i < n && !any; i++)
    {
      json_t *call = json_is_array (root) ? json_array_get (root, i) : root;
      json_t *id = json_object_get (call, "id");

      any = json_is_integer (id) && json_integer_value (id) == 0;
    }
  if (!any)
    return FALSE;
  /* The line has parsed once already: the same text, other number types. */
  reals = json_loadb (line, len, JSON_DECODE_INT_AS_REAL, NULL);
  if (reals == NULL)
    return FALSE;
  *flags = g_new0 (guint8, n);
  for (gsize i = 0; i < n; i++)
    {
      json_t *call = json_is_array (reals) ? json_array_get (reals, i) : reals;
      json_t *id = json_object_get (call, "id");

      (*flags)[i] = json_is_real (id) && json_real_value (id) == 0
                    && signbit (json_real_value (id));
    }
  return TRUE;
}

/* Every response here starts {"jsonrpc":"2.0","id":ID (built in that
 * order; jansson keeps the order of insertion). */
#define RESPONSE_ID_OFFSET (sizeof "{\"jsonrpc\":\"2.0\",\"id\":" - 1)

static void
append_response (GString *out,
                 json_t  *response,
                 gboolean negative_zero_id)
{
  gsize start = out->len;

  pc_json_append (out, response);
  if (negative_zero_id && out->len > start + RESPONSE_ID_OFFSET
      && out->str[start + RESPONSE_ID_OFFSET] == '0')
    g_string_insert_c (out, start + RESPONSE_ID_OFFSET, '-');
}

/* The response's first part, up to its result: the bytes append_response()
 * writes before the "result" value. */
static void
open_stream_response (GString *out,
                      json_t  *id,
                      gboolean negative_zero_id)
{
  g_string_append (out, "{\"jsonrpc\":\"2.0\",\"id\":");
  if (negative_zero_id && json_is_integer (id) && json_integer_value (id) == 0)
    g_string_append (out, "-0");
  else
    pc_json_append (out, id);
  g_string_append (out, ",\"result\":");
}

/* Some more of the stream; at its end, the response is closed. */
static void
continue_stream (PcRequest *request,
                 GString   *out)
{
  PcResultStream *stream = request->stream;

  if (!stream->write (stream, out))
    return;
  request->stream = NULL;
  stream->free (stream);
  g_string_append_c (out, '}');
  if (request->single)
    g_string_append_c (out, '\n');
}

static void
answer_next (PcRequest              *request,
             const PcRequestHandler *handler,
             gpointer                user_data,
             GString                *out)
{
  gsize i = request->next++;

  if (request->calls != NULL)
    {
      g_string_append_c (out, request->opened ? ',' : '[');
      request->opened = TRUE;
      answer_simple_call (&g_array_index (request->calls, SimpleEval, i),
                          handler, user_data, out);
    }
  else
    {
      json_t *call = json_array_get (request->root, i);
      PcResultStream *stream = NULL;
      g_autoptr(json_t) response = handle_call (call, handler, user_data, &stream);
      gboolean negative_zero = request->negative_zero != NULL && request->negative_zero[i];

      /* Notifications get no response; a batch of them only, no reply. */
      if (response == NULL && stream == NULL)
        return;
      g_string_append_c (out, request->opened ? ',' : '[');
      request->opened = TRUE;
      if (stream != NULL)
        {
          open_stream_response (out, json_object_get (call, "id"), negative_zero);
          request->stream = stream;
          return;
        }
      append_response (out, response, negative_zero);
    }
}

gboolean
pc_request_resume (PcRequest              *request,
                   const PcRequestHandler *handler,
                   gpointer                user_data,
                   GString                *out)
{
  g_return_val_if_fail (request != NULL, TRUE);

  /* At least one step per turn (a call, or a piece of a streamed result),
   * so a request always moves on. */
  do
    {
      if (request->stream != NULL)
        continue_stream (request, out);
      else
        answer_next (request, handler, user_data, out);
    }
  while ((request->stream != NULL || request->next < request->n)
         && (handler->must_yield == NULL || !handler->must_yield (user_data)));
  if (request->stream != NULL || request->next < request->n)
    return FALSE;
  if (request->opened)
    g_string_append (out, "]\n");
  return TRUE;
}

/* A single call or an error is answered here at once (returns %NULL); a
 * batch becomes a PcRequest, answered by pc_request_resume(). */
static PcRequest *
start_json (const char             *line,
            gsize                   len,
            gsize                   max_batch,
            const PcRequestHandler *handler,
            gpointer                user_data,
            GString                *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_t) root = NULL;
  g_autoptr(json_t) response = NULL;
  g_autofree guint8 *negative_zero = NULL;
  PcRequest *request;

  if (handler->eval != NULL)
    {
      g_autoptr(GArray) calls = g_array_sized_new (FALSE, FALSE, sizeof (SimpleEval), 8);
      gboolean is_batch = FALSE;

      if (scan_simple_eval (line, len, max_batch, calls, &is_batch))
        {
          if (!is_batch)
            {
              answer_simple_call (&g_array_index (calls, SimpleEval, 0), handler,
                                  user_data, out);
              g_string_append_c (out, '\n');
              return NULL;
            }
          /* The calls outlive the line: point them into a copy. */
          request = g_new0 (PcRequest, 1);
          request->text = g_memdup2 (line, len);
          for (guint i = 0; i < calls->len; i++)
            {
              SimpleEval *call = &g_array_index (calls, SimpleEval, i);

              call->id = request->text + (call->id - line);
              call->expr = request->text + (call->expr - line);
            }
          request->n = calls->len;
          request->calls = g_steal_pointer (&calls);
          return request;
        }
    }

  root = pc_json_load (line, len, PC_PROTOCOL_MAX_DEPTH, &error);
  if (root == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Parse error: %s", error->message);

      response = error_response (NULL, PC_RPC_PARSE_ERROR, message, NULL);
    }
  else if (json_is_array (root) && json_array_size (root) == 0)
    response = error_response (NULL, PC_RPC_INVALID_REQUEST,
                               "Invalid Request: empty batch", NULL);
  else if (json_is_array (root) && json_array_size (root) > max_batch)
    {
      g_autoptr(json_t) data = json_object ();
      g_autofree char *message =
        g_strdup_printf ("batch too large: %" G_GSIZE_FORMAT " calls (limit %"
                         G_GSIZE_FORMAT " calls per batch)",
                         json_array_size (root), max_batch);

      json_object_set_new (data, "limit", json_string ("batch"));
      response = error_response (NULL, PC_RPC_BUSY, message, data);
    }
  else
    {
      find_negative_zero_ids (line, len, root, &negative_zero);
      if (json_is_array (root))
        {
          request = g_new0 (PcRequest, 1);
          request->n = json_array_size (root);
          request->root = g_steal_pointer (&root);
          request->negative_zero = g_steal_pointer (&negative_zero);
          return request;
        }
      PcResultStream *stream = NULL;

      response = handle_call (root, handler, user_data, &stream);
      if (stream != NULL)
        {
          open_stream_response (out, json_object_get (root, "id"),
                                negative_zero != NULL && negative_zero[0]);
          request = g_new0 (PcRequest, 1);
          request->stream = stream;
          request->single = TRUE;
          return request;
        }
    }

  if (response != NULL)
    {
      append_response (out, response, negative_zero != NULL && negative_zero[0]);
      g_string_append_c (out, '\n');
    }
  return NULL;
}

/* JSON's own blanks before the first { or [ (RFC 8259: space, tab, CR;
 * a line holds no LF): the line reader, the fast path and jansson skip
 * the same ones. */
static gboolean
line_is_json (const char *line,
              gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')
        continue;
      return line[i] == '{' || line[i] == '[';
    }
  return FALSE;
}

void
pc_protocol_append_error (const char *line,
                          gsize       len,
                          int         code,
                          const char *message,
                          json_t     *data,
                          GString    *out)
{
  if (line_is_json (line, len))
    {
      g_autoptr(json_t) response = error_response (NULL, code, message, data);

      pc_json_append (out, response);
    }
  else
    {
      g_string_append (out, "error: ");
      g_string_append (out, message);
    }
  g_string_append_c (out, '\n');
}

PcRequest *
pc_protocol_answer_line (const char             *line,
                         gsize                   len,
                         gsize                   max_batch,
                         const PcRequestHandler *handler,
                         gpointer                user_data,
                         GString                *out)
{
  PcRequest *request;

  if (pc_line_is_blank (line, (gssize) len))
    return NULL;

  if (memchr (line, '\0', len) != NULL)
    {
      pc_protocol_append_error (line, len,
                                line_is_json (line, len) ? PC_RPC_PARSE_ERROR
                                                         : PC_RPC_EXPRESSION_ERROR,
                                "the request contains a NUL byte", NULL, out);
      return NULL;
    }
  if (!g_utf8_validate_len (line, len, NULL))
    {
      pc_protocol_append_error (line, len,
                                line_is_json (line, len) ? PC_RPC_PARSE_ERROR
                                                         : PC_RPC_EXPRESSION_ERROR,
                                "the request is not valid UTF-8", NULL, out);
      return NULL;
    }

  if (!line_is_json (line, len))
    {
      /* Most expressions are short: no allocation for them. */
      char small[256];
      g_autofree char *large = NULL;
      char *expr = small;

      if (len < sizeof small)
        {
          memcpy (small, line, len);
          small[len] = '\0';
        }
      else
        expr = large = g_strndup (line, len);
      handler->plain (user_data, expr, out);
      g_string_append_c (out, '\n');
      return NULL;
    }

  request = start_json (line, len, max_batch, handler, user_data, out);
  if (request != NULL && pc_request_resume (request, handler, user_data, out))
    g_clear_pointer (&request, pc_request_free);
  return request;
}

void
pc_protocol_handle_line (const char             *line,
                         gsize                   len,
                         const PcRequestHandler *handler,
                         gpointer                user_data,
                         GString                *out)
{
  PcRequest *request = pc_protocol_answer_line (line, len, G_MAXSIZE, handler,
                                                user_data, out);

  while (request != NULL && !pc_request_resume (request, handler, user_data, out))
    ;
  g_clear_pointer (&request, pc_request_free);
}

void
pc_protocol_append_too_large (gboolean  looks_json,
                              gsize     limit,
                              GString  *out)
{
  g_autofree char *message =
    g_strdup_printf ("request too large (limit %" G_GSIZE_FORMAT " bytes)", limit);

  if (looks_json)
    {
      g_autoptr(json_t) data = json_object ();
      g_autoptr(json_t) response = NULL;

      json_object_set_new (data, "limit", json_integer ((json_int_t) limit));
      response = error_response (NULL, PC_RPC_TOO_LARGE, message, data);
      pc_json_append (out, response);
      g_string_append_c (out, '\n');
    }
  else
    {
      g_string_append_printf (out, "error: %s\n", message);
    }
}

void
pc_protocol_append_request (GString    *out,
                            gint64      id,
                            const char *method,
                            json_t     *params)
{
  g_autoptr(json_t) request = json_object ();

  json_object_set_new (request, "jsonrpc", json_string ("2.0"));
  json_object_set_new (request, "id", json_integer (id));
  json_object_set_new (request, "method", pc_json_string (method));
  if (params != NULL)
    json_object_set_new (request, "params", params);
  pc_json_append (out, request);
  g_string_append_c (out, '\n');
}

static gboolean
malformed (GError    **error,
           const char *what)
{
  g_set_error (error, PC_PROTOCOL_ERROR, PC_PROTOCOL_ERROR_MALFORMED_REPLY,
               "The server sent a malformed reply: %s", what);
  return FALSE;
}

gboolean
pc_protocol_parse_response (const char  *line,
                            gsize        len,
                            gint64      *id,
                            json_t     **result,
                            PcRpcError  *rpc_error,
                            GError     **error)
{
  g_autoptr(json_t) response = NULL;
  g_autoptr(GError) problem = NULL;
  json_t *id_value;
  json_t *result_value;
  json_t *error_value;
  json_t *code;
  json_t *message;
  json_t *data;

  *result = NULL;
  if (!g_utf8_validate_len (line, len, NULL))
    return malformed (error, "not UTF-8");
  if (memchr (line, '\0', len) != NULL)
    return malformed (error, "a NUL byte");
  response = pc_json_load (line, len, PC_PROTOCOL_MAX_DEPTH, &problem);
  if (response == NULL)
    return malformed (error, "not JSON");
  if (!json_is_object (response))
    return malformed (error, "not an object");
  if (g_strcmp0 (json_string_value (json_object_get (response, "jsonrpc")), "2.0") != 0)
    return malformed (error, "no \"jsonrpc\": \"2.0\"");

  id_value = json_object_get (response, "id");
  if (id_value == NULL)
    return malformed (error, "no id");
  if (json_is_null (id_value))
    *id = -1;
  else if (json_is_integer (id_value))
    *id = json_integer_value (id_value);
  else
    return malformed (error, "an id that was never sent");

  result_value = json_object_get (response, "result");
  error_value = json_object_get (response, "error");
  if ((result_value == NULL) == (error_value == NULL))
    return malformed (error, "neither a result nor an error");
  if (result_value != NULL)
    {
      *result = json_incref (result_value);
      return TRUE;
    }
  if (!json_is_object (error_value))
    return malformed (error, "an error that is not an object");
  code = json_object_get (error_value, "code");
  message = json_object_get (error_value, "message");
  data = json_object_get (error_value, "data");
  if (!json_is_integer (code) || !json_is_string (message)
      || json_integer_value (code) < G_MININT || json_integer_value (code) > G_MAXINT)
    return malformed (error, "an error without code or message");
  pc_rpc_error_set (rpc_error, (int) json_integer_value (code),
                    data != NULL ? json_incref (data) : NULL,
                    "%s", json_string_value (message));
  return TRUE;
}
