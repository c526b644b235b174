/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-json.h"
#include "pc-protocol.h"

G_DEFINE_QUARK (pc-protocol-error-quark, pc_protocol_error)


void
pc_rpc_error_set (PcRpcError *error,
                  int         code,
                  JsonNode   *data,
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
  g_clear_pointer (&error->data, json_node_unref);
  error->code = 0;
}

static JsonNode *
error_response (JsonNode   *id,
                int         code,
                const char *message,
                JsonNode   *data)
{
  JsonObject *response = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (response, "jsonrpc", "2.0");
  json_object_set_member (response, "id",
                          id ? json_node_copy (id) : json_node_new (JSON_NODE_NULL));
  json_object_set_int_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  if (data != NULL)
    json_object_set_member (error, "data", json_node_ref (data));
  json_object_set_object_member (response, "error", error);
  return pc_json_take_object (response);
}

static JsonNode *
result_response (JsonNode *id,
                 JsonNode *result)
{
  JsonObject *response = json_object_new ();

  json_object_set_string_member (response, "jsonrpc", "2.0");
  json_object_set_member (response, "id", json_node_copy (id));
  json_object_set_member (response, "result", result);
  return pc_json_take_object (response);
}

/* An id is a string, a finite number or null (JSON-RPC 2.0, section 4). */
static gboolean
id_is_valid (JsonNode *id)
{
  GType type;

  if (JSON_NODE_HOLDS_NULL (id))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (id))
    return FALSE;
  type = json_node_get_value_type (id);
  if (type == G_TYPE_STRING || type == G_TYPE_INT64)
    return TRUE;
  return type == G_TYPE_DOUBLE && isfinite (json_node_get_double (id));
}

/* Handles one request object of a single call or a batch. Returns the
 * response, or %NULL for a notification. */
static JsonNode *
handle_call (JsonNode               *node,
             const PcRequestHandler *handler,
             gpointer                user_data)
{
  JsonObject *request;
  JsonNode *id = NULL;
  JsonNode *jsonrpc;
  JsonNode *method;
  JsonNode *params;
  JsonNode *result;
  PcRpcError error = { 0, };

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return error_response (NULL, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: not an object", NULL);
  request = json_node_get_object (node);
  if (json_object_has_member (request, "id"))
    {
      id = json_object_get_member (request, "id");
      if (!id_is_valid (id))
        return error_response (NULL, PC_RPC_INVALID_REQUEST,
                               "Invalid Request: \"id\" must be a string, a number or null",
                               NULL);
    }

  jsonrpc = json_object_get_member (request, "jsonrpc");
  if (jsonrpc == NULL || !JSON_NODE_HOLDS_VALUE (jsonrpc)
      || json_node_get_value_type (jsonrpc) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (jsonrpc), "2.0") != 0)
    return error_response (id, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"jsonrpc\" must be \"2.0\"", NULL);

  method = json_object_get_member (request, "method");
  if (method == NULL || !JSON_NODE_HOLDS_VALUE (method)
      || json_node_get_value_type (method) != G_TYPE_STRING)
    return error_response (id, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"method\" must be a string", NULL);

  params = json_object_get_member (request, "params");
  if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params)
      && !JSON_NODE_HOLDS_ARRAY (params))
    return error_response (id, PC_RPC_INVALID_REQUEST,
                           "Invalid Request: \"params\" must be an object or an array",
                           NULL);

  result = handler->call (user_data, json_node_get_string (method), params, &error);

  /* A notification is carried out, never answered, even when it fails. */
  if (id == NULL)
    {
      g_clear_pointer (&result, json_node_unref);
      pc_rpc_error_clear (&error);
      return NULL;
    }
  if (result != NULL)
    return result_response (id, result);

  /* A method that failed without saying why still gets a valid error. */
  node = error_response (id, error.code != 0 ? error.code : PC_RPC_INTERNAL_ERROR,
                         error.message != NULL ? error.message : "Internal error",
                         error.data);
  pc_rpc_error_clear (&error);
  return node;
}

/* ---- The common call, without json-glib ----------------------------------
 *
 * Nearly every request a client sends is {"jsonrpc":"2.0","id":N,
 * "method":"eval","params":{"expr":"..."}} (or params ["..."]). Building a
 * JsonParser, a node tree and a reply tree for it costs several times the
 * evaluation, so that one shape is recognised here, after pc_json_check()
 * has accepted the line, and answered directly. Anything else, down to an
 * escape in a string, a duplicate member or an id that is not a plain
 * integer or string, takes the general path below: the fast path only
 * ever answers what the general one would answer the same way. A batch
 * whose every call has that shape is answered the same way, call by call;
 * one call of another shape sends the whole batch the general way. */

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

/* A string without escapes: its bytes are what json-glib would decode. */
static gboolean
scan_plain_string (Scan        *s,
                   const char **start,
                   gsize       *len)
{
  const char *close;

  scan_blank (s);
  if (s->p == s->end || *s->p != '"')
    return FALSE;
  close = memchr (s->p + 1, '"', s->end - s->p - 1);
  if (close == NULL || memchr (s->p + 1, '\\', close - s->p - 1) != NULL)
    return FALSE;
  *start = s->p + 1;
  *len = close - *start;
  s->p = close + 1;
  return TRUE;
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
  const char *id;        /* the id as it goes back */
  gsize       id_len;
  gboolean    id_string;
  gint64      id_number;
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
          scan_blank (&s);
          if (s.p < s.end && *s.p == '"')
            {
              if (!scan_plain_string (&s, &call->id, &call->id_len))
                return FALSE;
              call->id_string = TRUE;
            }
          else
            {
              char digits[24];
              const char *start = s.p;

              /* An integer, as pc_json_check() has vetted; a fraction or
               * an exponent makes a double, left to json-glib. */
              if (s.p < s.end && *s.p == '-')
                s.p++;
              while (s.p < s.end && g_ascii_isdigit (*s.p))
                s.p++;
              if (s.p == start || (gsize) (s.p - start) >= sizeof digits
                  || (s.p < s.end && (*s.p == '.' || *s.p == 'e' || *s.p == 'E')))
                return FALSE;
              memcpy (digits, start, s.p - start);
              digits[s.p - start] = '\0';
              if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64,
                                             &call->id_number, NULL))
                return FALSE;
              call->id_string = FALSE;
            }
          seen |= ID;
        }
      else if (scan_is (key, key_len, "params") && !(seen & PARAMS))
        {
          scan_blank (&s);
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
          if (calls->len == MAX_SIMPLE_BATCH || !scan_simple_call (&s, &call))
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
  if (call->id_string)
    {
      g_string_append_c (out, '"');
      g_string_append_len (out, call->id, call->id_len);
      g_string_append_c (out, '"');
    }
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, call->id_number);
  g_string_append_c (out, ',');
  handler->eval (user_data, expr, out);
  g_string_append_c (out, '}');
}

static gboolean
handle_simple_eval (const char             *line,
                    gsize                   len,
                    const PcRequestHandler *handler,
                    gpointer                user_data,
                    GString                *out)
{
  g_autoptr(GArray) calls = NULL;
  gboolean is_batch = FALSE;

  if (handler->eval == NULL)
    return FALSE;
  calls = g_array_sized_new (FALSE, FALSE, sizeof (SimpleEval), 8);
  if (!scan_simple_eval (line, len, calls, &is_batch))
    return FALSE;
  if (is_batch)
    g_string_append_c (out, '[');
  for (guint i = 0; i < calls->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      answer_simple_call (&g_array_index (calls, SimpleEval, i), handler, user_data, out);
    }
  if (is_batch)
    g_string_append_c (out, ']');
  g_string_append_c (out, '\n');
  return TRUE;
}

static void
handle_json (const char             *line,
             gsize                   len,
             const PcRequestHandler *handler,
             gpointer                user_data,
             GString                *out)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonNode) response = NULL;
  JsonNode *root;

  const char *problem = pc_json_check (line, len);

  if (problem == NULL && handle_simple_eval (line, len, handler, user_data, out))
    return;
  parser = json_parser_new_immutable ();
  if (problem != NULL
      || !json_parser_load_from_data (parser, line, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("Parse error: %s",
                         problem ? problem : "the request is not valid JSON");

      response = error_response (NULL, PC_RPC_PARSE_ERROR, message, NULL);
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *batch = json_node_get_array (root);
      guint n = json_array_get_length (batch);
      JsonArray *responses;

      if (n == 0)
        {
          response = error_response (NULL, PC_RPC_INVALID_REQUEST,
                                     "Invalid Request: empty batch", NULL);
        }
      else
        {
          responses = json_array_sized_new (n);
          for (guint i = 0; i < n; i++)
            {
              JsonNode *one = handle_call (json_array_get_element (batch, i),
                                           handler, user_data);
              if (one != NULL)
                json_array_add_element (responses, one);
            }
          /* A batch of notifications only gets no reply at all. */
          if (json_array_get_length (responses) == 0)
            json_array_unref (responses);
          else
            {
              response = pc_json_take_array (responses);
            }
        }
    }
  else
    {
      response = handle_call (root, handler, user_data);
    }

  if (response != NULL)
    {
      pc_json_append (out, response);
      g_string_append_c (out, '\n');
    }
}

static gboolean
line_is_json (const char *line,
              gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == ' ' || line[i] == '\t')
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
                          JsonNode   *data,
                          GString    *out)
{
  if (line_is_json (line, len))
    {
      g_autoptr(JsonNode) response = error_response (NULL, code, message, data);

      pc_json_append (out, response);
    }
  else
    {
      g_string_append (out, "error: ");
      g_string_append (out, message);
    }
  g_string_append_c (out, '\n');
}

void
pc_protocol_handle_line (const char             *line,
                         gsize                   len,
                         const PcRequestHandler *handler,
                         gpointer                user_data,
                         GString                *out)
{
  gboolean blank = TRUE;

  for (gsize i = 0; i < len && blank; i++)
    blank = line[i] == ' ' || line[i] == '\t' || line[i] == '\r';
  if (blank)
    return;

  if (memchr (line, '\0', len) != NULL)
    {
      pc_protocol_append_error (line, len,
                                line_is_json (line, len) ? PC_RPC_PARSE_ERROR
                                                         : PC_RPC_EXPRESSION_ERROR,
                                "the request contains a NUL byte", NULL, out);
      return;
    }
  if (!g_utf8_validate_len (line, len, NULL))
    {
      pc_protocol_append_error (line, len,
                                line_is_json (line, len) ? PC_RPC_PARSE_ERROR
                                                         : PC_RPC_EXPRESSION_ERROR,
                                "the request is not valid UTF-8", NULL, out);
      return;
    }

  if (line_is_json (line, len))
    {
      handle_json (line, len, handler, user_data, out);
    }
  else
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
    }
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
      JsonObject *data = json_object_new ();
      g_autoptr(JsonNode) data_node = NULL;
      g_autoptr(JsonNode) response = NULL;

      json_object_set_int_member (data, "limit", (gint64) limit);
      data_node = pc_json_take_object (data);
      response = error_response (NULL, PC_RPC_TOO_LARGE, message, data_node);
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
                            JsonNode   *params)
{
  JsonObject *request = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (request, "jsonrpc", "2.0");
  json_object_set_int_member (request, "id", id);
  json_object_set_string_member (request, "method", method);
  if (params != NULL)
    json_object_set_member (request, "params", params);
  node = pc_json_take_object (request);
  pc_json_append (out, node);
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
                            JsonNode   **result,
                            PcRpcError  *rpc_error,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *response;
  JsonNode *root;
  JsonNode *id_node;
  JsonNode *result_node;
  JsonNode *error_node;

  *result = NULL;
  if (!g_utf8_validate_len (line, len, NULL))
    return malformed (error, "not UTF-8");
  if (pc_json_check (line, len) != NULL
      || !json_parser_load_from_data (parser, line, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL)
    return malformed (error, "not JSON");
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, "not an object");
  response = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (response, "jsonrpc", NULL),
                 "2.0") != 0)
    return malformed (error, "no \"jsonrpc\": \"2.0\"");

  id_node = json_object_get_member (response, "id");
  if (id_node == NULL)
    return malformed (error, "no id");
  if (JSON_NODE_HOLDS_NULL (id_node))
    *id = -1;
  else if (JSON_NODE_HOLDS_VALUE (id_node)
           && json_node_get_value_type (id_node) == G_TYPE_INT64)
    *id = json_node_get_int (id_node);
  else
    return malformed (error, "an id that was never sent");

  result_node = json_object_get_member (response, "result");
  error_node = json_object_get_member (response, "error");
  if ((result_node == NULL) == (error_node == NULL))
    return malformed (error, "neither a result nor an error");
  if (result_node != NULL)
    {
      *result = json_node_copy (result_node);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (error_node))
    return malformed (error, "an error that is not an object");
  {
    JsonObject *err = json_node_get_object (error_node);
    JsonNode *code = json_object_get_member (err, "code");
    JsonNode *message = json_object_get_member (err, "message");
    JsonNode *data = json_object_get_member (err, "data");

    if (code == NULL || !JSON_NODE_HOLDS_VALUE (code)
        || json_node_get_value_type (code) != G_TYPE_INT64
        || message == NULL || !JSON_NODE_HOLDS_VALUE (message)
        || json_node_get_value_type (message) != G_TYPE_STRING)
      return malformed (error, "an error without code or message");
    pc_rpc_error_set (rpc_error, (int) json_node_get_int (code),
                      data ? json_node_copy (data) : NULL,
                      "%s", json_node_get_string (message));
  }
  return TRUE;
}
