/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-protocol.h"

G_DEFINE_QUARK (pc-protocol-error-quark, pc_protocol_error)

/* Doubles with an exact integer value below 2^53 are written as integers,
 * so 2^10 travels as 1024, not 1024.0. */
#define EXACT_INT_LIMIT 9007199254740992.0

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

JsonNode *
pc_json_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
pc_json_take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

JsonNode *
pc_json_number (double value)
{
  JsonNode *node = json_node_alloc ();

  if (!isfinite (value))
    return json_node_init_null (node);
  if (value == floor (value) && fabs (value) < EXACT_INT_LIMIT)
    return json_node_init_int (node, (gint64) value);
  return json_node_init_double (node, value);
}

/* JSON text is written here rather than by JsonGenerator: json-glib 1.6
 * appends ".0" to every double printed without a point, so 1e22 comes out
 * as the invalid "1e+22.0" and inf as "inf.0". A reply must always parse. */
static void
append_string (GString    *out,
               const char *text)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON cannot hold inf and nan; null is what pc_json_number() uses. */
  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value));
  /* Like json-glib, keep a double recognisable as one, but never append
   * to an exponent. */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        GList *members = json_object_get_members (object);

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            if (l != members)
              g_string_append_c (out, ',');
            append_string (out, l->data);
            g_string_append_c (out, ':');
            append_node (out, json_object_get_member (object, l->data));
          }
        g_string_append_c (out, '}');
        g_list_free (members);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          if (json_node_get_string (node) != NULL)
            append_string (out, json_node_get_string (node));
          else
            g_string_append (out, "null");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/* json-glib 1.6 parses more than JSON and not always safely: it accepts two
 * top-level values ({"a":1}{"b":2}), comments, single quotes, hex and
 * leading zeros; it wraps integers beyond 64 bits (2^64 reads as -1); it
 * turns an unpaired \ud800 into invalid UTF-8; it cuts a string at \u0000;
 * and it recurses once per nesting level, so a long line of "[" overflows
 * the stack. So a text is first checked against RFC 8259 here, without
 * recursion, and whatever json-glib would misread is refused.
 * Returns %NULL when @text is fine, else what is wrong with it. */
#define JSON_MAX_DEPTH 128

static gboolean
skip_hex4 (const char **p,
           const char  *end,
           guint       *value)
{
  *value = 0;
  if (end - *p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value ((*p)[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + (guint) digit;
    }
  *p += 4;
  return TRUE;
}

static const char *
skip_string (const char **pp,
             const char  *end)
{
  const char *p = *pp + 1;  /* past the opening quote */

  for (;;)
    {
      guint unit;

      if (p == end)
        return "the request is not valid JSON";
      if (*p == '"')
        break;
      if ((guchar) *p < 0x20)
        return "the request is not valid JSON";
      if (*p != '\\')
        {
          p++;
          continue;
        }
      if (++p == end)
        return "the request is not valid JSON";
      if (*p != '\0' && strchr ("\"\\/bfnrt", *p) != NULL)
        {
          p++;
          continue;
        }
      if (*p != 'u')
        return "the request is not valid JSON";
      p++;
      if (!skip_hex4 (&p, end, &unit))
        return "the request is not valid JSON";
      if (unit == 0)
        return "the request contains a NUL character";
      if (unit >= 0xdc00 && unit <= 0xdfff)
        return "the request is not valid JSON";
      if (unit >= 0xd800 && unit <= 0xdbff)
        {
          guint low;

          if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
            return "the request is not valid JSON";
          p += 2;
          if (!skip_hex4 (&p, end, &low) || low < 0xdc00 || low > 0xdfff)
            return "the request is not valid JSON";
        }
    }
  *pp = p + 1;
  return NULL;
}

static const char *
skip_number (const char **pp,
             const char  *end)
{
  const char *start = *pp;
  const char *p = start;
  gboolean integer = TRUE;

  if (p < end && *p == '-')
    p++;
  if (p == end || !g_ascii_isdigit (*p))
    return "the request is not valid JSON";
  if (*p == '0')
    p++;
  else
    while (p < end && g_ascii_isdigit (*p))
      p++;
  if (p < end && *p == '.')
    {
      integer = FALSE;
      if (++p == end || !g_ascii_isdigit (*p))
        return "the request is not valid JSON";
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !g_ascii_isdigit (*p))
        return "the request is not valid JSON";
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (integer)
    {
      char digits[24];

      if ((gsize) (p - start) >= sizeof digits)
        return "an integer is outside the 64-bit range";
      memcpy (digits, start, p - start);
      digits[p - start] = '\0';
      if (!g_ascii_string_to_signed (digits, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        return "an integer is outside the 64-bit range";
    }
  *pp = p;
  return NULL;
}

static const char *
check_json (const char *text,
            gsize       len)
{
  const char *p = text;
  const char *end = text + len;
  char stack[JSON_MAX_DEPTH];  /* '{' or '[' for each open container */
  int depth = 0;
  enum { VALUE, MEMBER, AFTER } state = VALUE;

  for (;;)
    {
      const char *problem = NULL;

      while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;

      if (state == VALUE)
        {
          if (p == end)
            return "the request is not valid JSON";
          switch (*p)
            {
            case '{':
            case '[':
              if (depth == JSON_MAX_DEPTH)
                return "the request is nested too deeply";
              stack[depth++] = *p++;
              while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++;
              if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']'))
                {
                  p++;
                  depth--;
                  state = AFTER;
                }
              else
                state = stack[depth - 1] == '{' ? MEMBER : VALUE;
              continue;
            case '"':
              problem = skip_string (&p, end);
              break;
            case 't':
            case 'f':
            case 'n':
              {
                const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
                gsize n = strlen (word);

                if ((gsize) (end - p) < n || memcmp (p, word, n) != 0)
                  return "the request is not valid JSON";
                p += n;
              }
              break;
            default:
              problem = skip_number (&p, end);
              break;
            }
          if (problem != NULL)
            return problem;
          state = AFTER;
        }
      else if (state == MEMBER)
        {
          if (p == end || *p != '"')
            return "the request is not valid JSON";
          if ((problem = skip_string (&p, end)) != NULL)
            return problem;
          while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
          if (p == end || *p != ':')
            return "the request is not valid JSON";
          p++;
          state = VALUE;
        }
      else if (depth == 0)
        {
          /* One value per line: anything after it is an error. */
          return p == end ? NULL : "the request is not valid JSON";
        }
      else if (p < end && *p == ',')
        {
          p++;
          state = stack[depth - 1] == '{' ? MEMBER : VALUE;
        }
      else if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']'))
        {
          p++;
          depth--;
        }
      else
        return "the request is not valid JSON";
    }
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

static void
handle_json (const char             *line,
             gsize                   len,
             const PcRequestHandler *handler,
             gpointer                user_data,
             GString                *out)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonNode) response = NULL;
  JsonNode *root;

  const char *problem = check_json (line, len);

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
      append_node (out, response);
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

      append_node (out, response);
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
      g_autofree char *expr = g_strndup (line, len);

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
      data_node = json_node_init_object (json_node_alloc (), data);
      json_object_unref (data);
      response = error_response (NULL, PC_RPC_TOO_LARGE, message, data_node);
      append_node (out, response);
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
  node = json_node_init_object (json_node_alloc (), request);
  json_object_unref (request);
  append_node (out, node);
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
  if (check_json (line, len) != NULL
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
