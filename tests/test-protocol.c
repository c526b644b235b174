/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-line-reader.h"
#include "pc-protocol.h"

/* ---- A fake request handler ------------------------------------------- */

/* Implements the methods the JSON-RPC 2.0 specification's examples call,
 * plus a few that return awkward values, and records what it was asked. */
typedef struct
{
  GPtrArray *calls;    /* method names, notifications included */
  guint      n_plain;  /* plain expressions seen */
} Fake;

static Fake *
fake_new (void)
{
  Fake *fake = g_new0 (Fake, 1);

  fake->calls = g_ptr_array_new_with_free_func (g_free);
  return fake;
}

static void
fake_free (Fake *fake)
{
  g_ptr_array_unref (fake->calls);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

static gboolean
fake_called (Fake       *fake,
             const char *method)
{
  for (guint i = 0; i < fake->calls->len; i++)
    if (g_str_equal (g_ptr_array_index (fake->calls, i), method))
      return TRUE;
  return FALSE;
}

static gboolean
get_int (JsonNode *node,
         gint64   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonNode *
invalid_params (PcRpcError *error)
{
  pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL, "Invalid params");
  return NULL;
}

static JsonNode *
fake_call (gpointer    user_data,
           const char *method,
           JsonNode   *params,
           PcRpcError *error)
{
  Fake *fake = user_data;

  g_ptr_array_add (fake->calls, g_strdup (method));

  if (g_str_equal (method, "subtract"))
    {
      gint64 a, b;

      if (params != NULL && JSON_NODE_HOLDS_ARRAY (params))
        {
          JsonArray *array = json_node_get_array (params);

          if (json_array_get_length (array) != 2
              || !get_int (json_array_get_element (array, 0), &a)
              || !get_int (json_array_get_element (array, 1), &b))
            return invalid_params (error);
        }
      else if (params != NULL && JSON_NODE_HOLDS_OBJECT (params))
        {
          JsonObject *object = json_node_get_object (params);

          if (!get_int (json_object_get_member (object, "minuend"), &a)
              || !get_int (json_object_get_member (object, "subtrahend"), &b))
            return invalid_params (error);
        }
      else
        return invalid_params (error);
      return json_node_init_int (json_node_alloc (), a - b);
    }

  if (g_str_equal (method, "sum"))
    {
      gint64 total = 0;
      JsonArray *array;

      if (params == NULL || !JSON_NODE_HOLDS_ARRAY (params))
        return invalid_params (error);
      array = json_node_get_array (params);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          gint64 term;

          if (!get_int (json_array_get_element (array, i), &term))
            return invalid_params (error);
          total += term;
        }
      return json_node_init_int (json_node_alloc (), total);
    }

  if (g_str_equal (method, "update") || g_str_equal (method, "notify_hello")
      || g_str_equal (method, "notify_sum"))
    return json_node_init_null (json_node_alloc ());

  if (g_str_equal (method, "get_data"))
    {
      JsonArray *array = json_array_new ();
      JsonNode *node;

      json_array_add_string_element (array, "hello");
      json_array_add_int_element (array, 5);
      node = json_node_init_array (json_node_alloc (), array);
      json_array_unref (array);
      return node;
    }

  /* [x] → pc_json_number (x): how results travel. */
  if (g_str_equal (method, "number") || g_str_equal (method, "double"))
    {
      JsonNode *x;

      if (params == NULL || !JSON_NODE_HOLDS_ARRAY (params)
          || json_array_get_length (json_node_get_array (params)) != 1)
        return invalid_params (error);
      x = json_array_get_element (json_node_get_array (params), 0);
      if (g_str_equal (method, "number"))
        return pc_json_number (json_node_get_double (x));
      return json_node_init_double (json_node_alloc (), json_node_get_double (x));
    }

  /* Values JSON cannot hold, and a string that needs escaping. */
  if (g_str_equal (method, "inf"))
    return json_node_init_double (json_node_alloc (), INFINITY);
  if (g_str_equal (method, "text"))
    return json_node_init_string (json_node_alloc (), "q\"b\\s/n\nt\tc\x01 é \xff end");
  if (g_str_equal (method, "fail_with_data"))
    {
      JsonObject *data = json_object_new ();

      json_object_set_int_member (data, "pos", 2);
      json_object_set_string_member (data, "token", "*");
      pc_rpc_error_set (error, PC_RPC_EXPRESSION_ERROR,
                        json_node_init_object (json_node_alloc (), data),
                        "Unexpected operator \"%s\" found at position %d", "*", 2);
      json_object_unref (data);
      return NULL;
    }

  /* A careless method that fails without saying why. */
  if (g_str_equal (method, "fail_silently"))
    {
      return NULL;
    }

  pc_rpc_error_set (error, PC_RPC_METHOD_NOT_FOUND, NULL, "Method not found");
  return NULL;
}

static void
fake_plain (gpointer    user_data,
            const char *expr,
            GString    *out)
{
  Fake *fake = user_data;

  fake->n_plain++;
  g_string_append_printf (out, "plain:%s", expr);
}

static const PcRequestHandler fake_handler = {
  .plain = fake_plain,
  .call = fake_call,
};

/* ---- Helpers ----------------------------------------------------------- */

/* Hands the codec a line in a buffer of exactly @len bytes with no NUL
 * after it, as the line reader does, so reading past the end is caught by
 * the address sanitizer. */
static char *
handle (Fake       *fake,
        const char *line,
        gssize      len)
{
  GString *out = g_string_new (NULL);
  gsize n = len < 0 ? strlen (line) : (gsize) len;
  g_autofree char *exact = n > 0 ? g_memdup2 (line, n) : NULL;

  pc_protocol_handle_line (exact ? exact : "", n, &fake_handler, fake, out);
  return g_string_free (out, FALSE);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_node_copy (json_parser_get_root (parser));
}

/* @out must be exactly one line, ending in \n, of valid UTF-8 JSON. */
static JsonNode *
reply_json (const char *out)
{
  gsize len = strlen (out);

  g_assert_cmpuint (len, >, 1);
  g_assert_cmpint (out[len - 1], ==, '\n');
  g_assert_true (strchr (out, '\n') == out + len - 1);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  for (const char *p = out; *p != '\n'; p++)
    g_assert_cmpuint ((guchar) *p, >=, 0x20);
  /* json-glib refuses what its 1.6 generator wrote wrongly ("inf.0",
   * "1e+22.0"), so re-parsing proves the line is JSON. */
  return parse_json (out);
}

/* Structural equality. Numbers compare by value; an error's "message"
 * need only start with the one expected, since the specification's
 * messages ("Parse error") are examples and pipecalc adds the detail. */
static void
assert_json_matches (JsonNode   *expected,
                     JsonNode   *actual,
                     const char *key,
                     const char *parent_key)
{
  g_autofree char *expected_text = json_to_string (expected, FALSE);
  g_autofree char *actual_text = json_to_string (actual, FALSE);

  if (JSON_NODE_TYPE (expected) != JSON_NODE_TYPE (actual))
    g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);

  switch (JSON_NODE_TYPE (expected))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *e = json_node_get_object (expected);
        JsonObject *a = json_node_get_object (actual);
        g_autoptr(GList) members = json_object_get_members (e);

        if (json_object_get_size (e) != json_object_get_size (a))
          g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);
        for (GList *l = members; l != NULL; l = l->next)
          {
            JsonNode *member = json_object_get_member (a, l->data);

            if (member == NULL)
              g_error ("at %s: member “%s” missing in %s", key, (char *) l->data,
                       actual_text);
            assert_json_matches (json_object_get_member (e, l->data), member,
                                 l->data, key);
          }
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *e = json_node_get_array (expected);
        JsonArray *a = json_node_get_array (actual);

        if (json_array_get_length (e) != json_array_get_length (a))
          g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);
        for (guint i = 0; i < json_array_get_length (e); i++)
          assert_json_matches (json_array_get_element (e, i),
                               json_array_get_element (a, i), key, parent_key);
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType e = json_node_get_value_type (expected);
        GType a = json_node_get_value_type (actual);
        gboolean e_number = e == G_TYPE_INT64 || e == G_TYPE_DOUBLE;
        gboolean a_number = a == G_TYPE_INT64 || a == G_TYPE_DOUBLE;
        gboolean same;

        if (e_number && a_number)
          same = e == G_TYPE_INT64 && a == G_TYPE_INT64
            ? json_node_get_int (expected) == json_node_get_int (actual)
            : json_node_get_double (expected) == json_node_get_double (actual);
        else if (e != a)
          same = FALSE;
        else if (e == G_TYPE_STRING && g_strcmp0 (key, "message") == 0
                 && g_strcmp0 (parent_key, "error") == 0)
          same = g_str_has_prefix (json_node_get_string (actual),
                                   json_node_get_string (expected));
        else
          same = json_node_equal (expected, actual);
        if (!same)
          g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);
      }
      break;

    case JSON_NODE_NULL:
      break;
    }
}

/* Sends @request and checks the reply against @expected (JSON text), or
 * that there is no reply at all when @expected is %NULL. */
static void
check_exchange (Fake       *fake,
                const char *request,
                const char *expected)
{
  g_autofree char *out = handle (fake, request, -1);

  g_test_message ("-> %s", request);
  g_test_message ("<- %.*s", (int) strcspn (out, "\n"), out);
  if (expected == NULL)
    {
      g_assert_cmpstr (out, ==, "");
      return;
    }
  {
    g_autoptr(JsonNode) actual = reply_json (out);
    g_autoptr(JsonNode) wanted = parse_json (expected);

    assert_json_matches (wanted, actual, "reply", NULL);
  }
}

/* The error code of a single JSON error reply, after checking its shape. */
static int
error_code (const char *out,
            JsonNode  **id_out)
{
  g_autoptr(JsonNode) reply = reply_json (out);
  JsonObject *object;
  JsonObject *error;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "jsonrpc"), ==, "2.0");
  g_assert_true (json_object_has_member (object, "id"));
  g_assert_false (json_object_has_member (object, "result"));
  error = json_object_get_object_member (object, "error");
  g_assert_nonnull (error);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  if (id_out != NULL)
    *id_out = json_node_copy (json_object_get_member (object, "id"));
  return (int) json_object_get_int_member (error, "code");
}

/* ---- The examples of the JSON-RPC 2.0 specification, section 7 -------- */

typedef struct
{
  const char *name;
  const char *request;
  const char *reply;     /* %NULL: no reply at all */
  const char *effect;    /* a method that must have been carried out */
} SpecExample;

static const SpecExample spec_examples[] = {
  { "positional-1",
    "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}",
    "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}", NULL },
  { "positional-2",
    "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}",
    "{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}", NULL },
  { "named-1",
    "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}",
    "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}", NULL },
  { "named-2",
    "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}",
    "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}", NULL },
  { "notification-1",
    "{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}",
    NULL, "update" },
  { "notification-2",
    "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}",
    NULL, "foobar" },
  { "method-not-found",
    "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}",
    "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}",
    NULL },
  { "invalid-json",
    "{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]",
    "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}",
    NULL },
  { "invalid-request",
    "{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}",
    "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}",
    NULL },
  { "batch-invalid-json",
    "[ {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},"
    " {\"jsonrpc\": \"2.0\", \"method\" ]",
    "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}",
    NULL },
  { "batch-empty",
    "[]",
    "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}",
    NULL },
  { "batch-invalid-not-empty",
    "[1]",
    "[ {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null} ]",
    NULL },
  { "batch-invalid",
    "[1,2,3]",
    "[ {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
    "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
    "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null} ]",
    NULL },
  { "batch",
    "[ {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},"
    "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]},"
    "  {\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42,23], \"id\": \"2\"},"
    "  {\"foo\": \"boo\"},"
    "  {\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},"
    "  {\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"9\"} ]",
    "[ {\"jsonrpc\": \"2.0\", \"result\": 7, \"id\": \"1\"},"
    "  {\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": \"2\"},"
    "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
    "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"5\"},"
    "  {\"jsonrpc\": \"2.0\", \"result\": [\"hello\", 5], \"id\": \"9\"} ]",
    "notify_hello" },
  { "batch-all-notifications",
    "[ {\"jsonrpc\": \"2.0\", \"method\": \"notify_sum\", \"params\": [1,2,4]},"
    "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]} ]",
    NULL, "notify_sum" },
};

static void
test_spec_example (gconstpointer data)
{
  const SpecExample *example = data;
  g_autoptr(Fake) fake = fake_new ();

  check_exchange (fake, example->request, example->reply);
  if (example->effect != NULL)
    g_assert_true (fake_called (fake, example->effect));
  g_assert_cmpuint (fake->n_plain, ==, 0);
}

/* ---- Framing ------------------------------------------------------------ */

static void
test_blank_lines (void)
{
  const char *blanks[] = { "", " ", "\t", "  \t  ", "\r", " \r" };
  g_autoptr(Fake) fake = fake_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (blanks); i++)
    {
      g_autofree char *out = handle (fake, blanks[i], -1);

      g_assert_cmpstr (out, ==, "");
    }
  g_assert_cmpuint (fake->n_plain, ==, 0);
  g_assert_cmpuint (fake->calls->len, ==, 0);
}

static void
test_plain_line (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autofree char *out = handle (fake, "sin(pi/2) + 2^10", -1);
  g_autofree char *spaced = handle (fake, "  1+2", -1);
  g_autoptr(GString) both = g_string_new (NULL);

  g_assert_cmpstr (out, ==, "plain:sin(pi/2) + 2^10\n");
  g_assert_cmpstr (spaced, ==, "plain:  1+2\n");
  g_assert_cmpuint (fake->n_plain, ==, 2);

  /* Replies append to what is already queued, in order. */
  pc_protocol_handle_line ("a", 1, &fake_handler, fake, both);
  pc_protocol_handle_line ("b", 1, &fake_handler, fake, both);
  g_assert_cmpstr (both->str, ==, "plain:a\nplain:b\n");
}

static void
test_json_detection (void)
{
  g_autoptr(Fake) fake = fake_new ();

  /* Leading blanks do not hide JSON. */
  check_exchange (fake, " \t{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[5,3],\"id\":1}",
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":2}");
  check_exchange (fake, "  [{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1}]",
                  "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}]");
  g_assert_cmpuint (fake->n_plain, ==, 0);
}

static void
test_reply_member_order (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autofree char *out = handle (fake,
                                 "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[1,1],\"id\":7}",
                                 -1);

  g_assert_cmpstr (out, ==, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":0}\n");
}

typedef struct
{
  const char *name;
  const char *line;
  gsize       len;
  gboolean    json;
} BadLine;

/* A literal and its length, NUL bytes included. */
#define BYTES(s) s, sizeof (s) - 1

static const BadLine bad_lines[] = {
  { "nul/plain", BYTES ("1+\0" "2"), FALSE },
  { "nul/first", BYTES ("\0" "1"), FALSE },
  { "nul/json", BYTES ("{\"jsonrpc\":\"2.0\",\0\"method\":\"get_data\",\"id\":1}"), TRUE },
  { "utf8/plain", BYTES ("1+\xff"), FALSE },
  { "utf8/plain-truncated", BYTES ("2*\xc3"), FALSE },
  { "utf8/plain-overlong", BYTES ("\xc0\xaf"), FALSE },
  { "utf8/plain-surrogate", BYTES ("\xed\xa0\x80"), FALSE },
  { "utf8/json", BYTES ("{\"jsonrpc\":\"2.0\",\"method\":\"get_data\",\"id\":\"\xff\"}"), TRUE },
  { "utf8/json-truncated", BYTES ("[\xc3]"), TRUE },
};

static void
test_bad_line (gconstpointer data)
{
  const BadLine *bad = data;
  g_autoptr(Fake) fake = fake_new ();
  g_autofree char *out = handle (fake, bad->line, bad->len);

  g_test_message ("<- %.*s", (int) strcspn (out, "\n"), out);
  /* Never handed to the evaluator. */
  g_assert_cmpuint (fake->n_plain, ==, 0);
  g_assert_cmpuint (fake->calls->len, ==, 0);
  if (bad->json)
    {
      g_autoptr(JsonNode) id = NULL;

      g_assert_cmpint (error_code (out, &id), ==, PC_RPC_PARSE_ERROR);
      g_assert_true (JSON_NODE_HOLDS_NULL (id));
    }
  else
    {
      g_assert_true (g_str_has_prefix (out, "error: "));
      g_assert_true (g_str_has_suffix (out, "\n"));
      g_assert_true (strchr (out, '\n') == out + strlen (out) - 1);
      g_assert_true (g_utf8_validate (out, -1, NULL));
    }
}

/* ---- Request objects ----------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *request;
  const char *reply;
} Exchange;

static const Exchange exchanges[] = {
  /* Ids: strings and numbers are echoed as sent; null is not a notification. */
  { "id/string",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":\"abc-1\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"abc-1\",\"result\":1}" },
  { "id/string-escaped",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\\\\c\\n\xc3\xa9\xf0\x9f\x98\x80\",\"result\":1}" },
  { "id/number",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":42}",
    "{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":1}" },
  { "id/negative",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":-3}",
    "{\"jsonrpc\":\"2.0\",\"id\":-3,\"result\":1}" },
  { "id/max-int64",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":9223372036854775807}",
    "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"result\":1}" },
  { "id/min-int64",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":-9223372036854775808}",
    "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"result\":1}" },
  { "id/fraction",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1.5}",
    "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}" },
  { "id/exponent",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1e22}",
    "{\"jsonrpc\":\"2.0\",\"id\":1e22,\"result\":1}" },
  { "id/null",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":null}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}" },
  { "id/true",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":true}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "id/object",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":{}}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "id/array",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":[1]}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  /* json-glib reads 1e400 as inf, which JSON cannot hold. */
  { "id/overflow-double",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1e400}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  /* json-glib wraps integers past 64 bits; echoing -1 for 2^64 would be wrong. */
  { "id/overflow-int",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":18446744073709551616}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "id/overflow-int64",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":9223372036854775808}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },

  /* The request object itself. */
  { "jsonrpc/1.0",
    "{\"jsonrpc\":\"1.0\",\"method\":\"sum\",\"params\":[1],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "jsonrpc/missing",
    "{\"method\":\"sum\",\"params\":[1],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "jsonrpc/number",
    "{\"jsonrpc\":2.0,\"method\":\"sum\",\"params\":[1],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "method/missing",
    "{\"jsonrpc\":\"2.0\",\"params\":[1],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "method/null",
    "{\"jsonrpc\":\"2.0\",\"method\":null,\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "method/escaped",
    "{\"jsonrpc\":\"2.0\",\"method\":\"\\u0073um\",\"params\":[2],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":2}" },
  /* json-glib would cut "sum\u0000x" to "sum" and call it. */
  { "method/escaped-nul",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\\u0000x\",\"params\":[2],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "params/string",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":\"bar\",\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "params/number",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":3,\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "params/null",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":null,\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}" },
  { "params/invalid",
    "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[1],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"Invalid params\"}}" },
  { "error/data",
    "{\"jsonrpc\":\"2.0\",\"method\":\"fail_with_data\",\"id\":2}",
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":1000,"
    "\"message\":\"Unexpected operator \\\"*\\\" found at position 2\","
    "\"data\":{\"pos\":2,\"token\":\"*\"}}}" },
  { "error/no-message",
    "{\"jsonrpc\":\"2.0\",\"method\":\"fail_silently\",\"id\":2}",
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}" },
  { "batch/nested",
    "[[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1}]]",
    "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}]" },
  { "whitespace",
    " { \"jsonrpc\" :\t\"2.0\" , \"method\" : \"subtract\" , \"params\" : [ 42 , 23 ] , \"id\" : 1 } \t",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":19}" },
  { "numbers",
    "{\"jsonrpc\":\"2.0\",\"method\":\"get_data\",\"params\":[0,-0,1E5,1e+5,1e-5,-0.5e-2,12.25],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"hello\",5]}" },

  /* What json-glib 1.6 accepts but JSON does not. */
  { "not-json/two-values",
    "{\"a\":1}{\"b\":2}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/two-requests",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1}"
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[2],\"id\":2}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/two-batches",
    "[1][2]",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/trailing",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1} x",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/var",
    "{\"a\":1} var x = [2];",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/comment",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1} /* c */",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/single-quotes",
    "{'jsonrpc':'2.0','method':'sum','params':[1],'id':1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/hex",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[0x10],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/leading-zero",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[01],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/bare-fraction",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[.5],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/trailing-point",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1.],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/trailing-comma",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/control-in-string",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":\"a\tb\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  /* json-glib decodes an unpaired surrogate into invalid UTF-8. */
  { "not-json/lone-surrogate",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":\"\\ud800x\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/lone-low-surrogate",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":\"\\udc00\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/unclosed",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\"",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/bare-word",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[nul],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  { "not-json/big-int-param",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[18446744073709551615],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },

  /* Results travel as valid JSON, whatever the value. */
  { "result/int", "{\"jsonrpc\":\"2.0\",\"method\":\"number\",\"params\":[1024],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1024}" },
  { "result/fraction", "{\"jsonrpc\":\"2.0\",\"method\":\"number\",\"params\":[0.1],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":0.1}" },
  /* json-glib 1.6 writes these as 1e+17.0, 1e+22.0, 1e-300.0: not JSON. */
  { "result/1e17", "{\"jsonrpc\":\"2.0\",\"method\":\"number\",\"params\":[1e17],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1e17}" },
  { "result/1e22", "{\"jsonrpc\":\"2.0\",\"method\":\"number\",\"params\":[1e22],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1e22}" },
  { "result/1e-300", "{\"jsonrpc\":\"2.0\",\"method\":\"number\",\"params\":[1e-300],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1e-300}" },
  { "result/1e301", "{\"jsonrpc\":\"2.0\",\"method\":\"number\",\"params\":[1e301],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1e301}" },
  { "result/double-int", "{\"jsonrpc\":\"2.0\",\"method\":\"double\",\"params\":[2],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":2.0}" },
  { "result/minus-zero", "{\"jsonrpc\":\"2.0\",\"method\":\"double\",\"params\":[-0.0],\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":0}" },
  { "result/inf", "{\"jsonrpc\":\"2.0\",\"method\":\"inf\",\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}" },
  { "result/text", "{\"jsonrpc\":\"2.0\",\"method\":\"text\",\"id\":1}",
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"q\\\"b\\\\s/n\\nt\\tc\\u0001 \xc3\xa9 \xef\xbf\xbd end\"}" },
};

static void
test_exchange (gconstpointer data)
{
  const Exchange *exchange = data;
  g_autoptr(Fake) fake = fake_new ();

  check_exchange (fake, exchange->request, exchange->reply);
}

static void
test_not_json_not_called (void)
{
  /* A line that is not JSON is refused whole: nothing in it is carried out. */
  g_autoptr(Fake) fake = fake_new ();
  g_autofree char *out =
    handle (fake, "{\"jsonrpc\":\"2.0\",\"method\":\"update\"}{\"jsonrpc\":\"2.0\",\"method\":\"update\"}", -1);

  g_assert_cmpint (error_code (out, NULL), ==, PC_RPC_PARSE_ERROR);
  g_assert_cmpuint (fake->calls->len, ==, 0);
}

static void
test_notification_errors_silent (void)
{
  /* A notification that fails is still never answered. */
  g_autoptr(Fake) fake = fake_new ();

  check_exchange (fake, "{\"jsonrpc\":\"2.0\",\"method\":\"fail_with_data\"}", NULL);
  check_exchange (fake, "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":\"x\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}");
  g_assert_true (fake_called (fake, "fail_with_data"));
}

static void
test_deep_nesting (void)
{
  g_autoptr(Fake) fake = fake_new ();

  /* json-glib recurses once per level; this must not overflow the stack,
   * whatever --max-line allows. */
  for (gsize depth = 64; depth <= 1000000; depth *= 10)
    {
      g_autofree char *opening = g_strnfill (depth, '[');
      g_autofree char *out = handle (fake, opening, -1);

      g_assert_cmpint (error_code (out, NULL), ==, PC_RPC_PARSE_ERROR);
    }
  {
    GString *line = g_string_new (NULL);
    g_autofree char *out = NULL;

    for (int i = 0; i < 200000; i++)
      g_string_append (line, "{\"a\":");
    out = handle (fake, line->str, line->len);
    g_string_free (line, TRUE);
    g_assert_cmpint (error_code (out, NULL), ==, PC_RPC_PARSE_ERROR);
  }

  /* Reasonable nesting is fine: a batch holding one nested array. */
  {
    g_autofree char *opening = g_strnfill (100, '[');
    g_autofree char *closing = g_strnfill (100, ']');
    g_autofree char *line = g_strconcat (opening, closing, NULL);
    g_autofree char *out = handle (fake, line, -1);
    g_autoptr(JsonNode) reply = reply_json (out);

    g_assert_true (JSON_NODE_HOLDS_ARRAY (reply));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (reply)), ==, 1);
  }
  g_assert_cmpuint (fake->calls->len, ==, 0);
}

static void
test_json_number (void)
{
  struct { double value; GType type; } cases[] = {
    { 1024, G_TYPE_INT64 },
    { -7, G_TYPE_INT64 },
    { -0.0, G_TYPE_INT64 },
    { 0.5, G_TYPE_DOUBLE },
    { 9007199254740991.0, G_TYPE_INT64 },
    { 9007199254740992.0, G_TYPE_DOUBLE },
    { 1e300, G_TYPE_DOUBLE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = pc_json_number (cases[i].value);

      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      g_assert_true (json_node_get_value_type (node) == cases[i].type);
      g_assert_cmpfloat (json_node_get_double (node), ==, cases[i].value);
    }
  {
    g_autoptr(JsonNode) inf = pc_json_number (INFINITY);
    g_autoptr(JsonNode) minus_inf = pc_json_number (-INFINITY);
    g_autoptr(JsonNode) nan_node = pc_json_number (NAN);

    g_assert_true (JSON_NODE_HOLDS_NULL (inf));
    g_assert_true (JSON_NODE_HOLDS_NULL (minus_inf));
    g_assert_true (JSON_NODE_HOLDS_NULL (nan_node));
  }
}

/* ---- Replies made without a handler --------------------------------------- */

static void
test_too_large_plain (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  pc_protocol_append_too_large (FALSE, 65536, out);
  g_assert_true (g_str_has_prefix (out->str, "error: "));
  g_assert_nonnull (strstr (out->str, "65536"));
  g_assert_true (strchr (out->str, '\n') == out->str + out->len - 1);
}

static void
test_too_large_json (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) id = NULL;
  JsonObject *error;
  JsonObject *data;

  pc_protocol_append_too_large (TRUE, 65536, out);
  g_assert_cmpint (error_code (out->str, &id), ==, PC_RPC_TOO_LARGE);
  g_assert_true (JSON_NODE_HOLDS_NULL (id));
  reply = reply_json (out->str);
  error = json_object_get_object_member (json_node_get_object (reply), "error");
  data = json_object_get_object_member (error, "data");
  g_assert_nonnull (data);
  g_assert_cmpint (json_object_get_int_member (data, "limit"), ==, 65536);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "65536"));
}

static void
test_append_error (void)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(JsonNode) data = json_node_init_string (json_node_alloc (), "clients");
  g_autoptr(JsonNode) reply = NULL;
  const char *json_line = "{\"jsonrpc\":\"2.0\",\"method\":\"eval\",\"id\":3}";
  JsonObject *error;

  pc_protocol_append_error ("1+1", 3, PC_RPC_BUSY, "server busy", data, plain);
  g_assert_cmpstr (plain->str, ==, "error: server busy\n");

  pc_protocol_append_error (json_line, strlen (json_line), PC_RPC_BUSY,
                            "server busy", data, json);
  g_assert_cmpint (error_code (json->str, NULL), ==, PC_RPC_BUSY);
  reply = reply_json (json->str);
  error = json_object_get_object_member (json_node_get_object (reply), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, "server busy");
  g_assert_cmpstr (json_object_get_string_member (error, "data"), ==, "clients");
  /* @data still belongs to the caller (freed by g_autoptr above). */
  g_assert_cmpstr (json_node_get_string (data), ==, "clients");
}

/* ---- The line reader ------------------------------------------------------- */

static void
feed (PcLineReader *reader,
      const char   *data,
      gsize         len)
{
  guint8 *buf = pc_line_reader_prepare (reader, len);

  memcpy (buf, data, len);
  pc_line_reader_commit (reader, len);
}

/* Drains the reader: "OK:line" or "TOO_LONG:json"/"TOO_LONG:plain" each. */
static void
drain (PcLineReader *reader,
       GPtrArray    *events)
{
  PcLineStatus status;
  const char *line = NULL;
  gsize len = 0;
  gboolean looks_json = FALSE;

  while ((status = pc_line_reader_next (reader, &line, &len, &looks_json)) != PC_LINE_NONE)
    {
      if (status == PC_LINE_OK)
        {
          g_autofree char *text = g_strndup (line, len);

          g_assert_cmpuint (strlen (text), ==, len);
          g_assert_cmpuint (len, <=, pc_line_reader_max_line (reader));
          g_ptr_array_add (events, g_strconcat ("OK:", text, NULL));
        }
      else
        {
          g_assert_cmpint (status, ==, PC_LINE_TOO_LONG);
          g_ptr_array_add (events, g_strdup (looks_json ? "TOO_LONG:json"
                                                        : "TOO_LONG:plain"));
        }
    }
}

static void assert_events (GPtrArray  *events,
                           const char *first,
                           ...) G_GNUC_NULL_TERMINATED;

static void
assert_events (GPtrArray  *events,
               const char *first,
               ...)
{
  va_list args;
  guint i = 0;

  va_start (args, first);
  for (const char *want = first; want != NULL; want = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, events->len);
      g_assert_cmpstr (g_ptr_array_index (events, i), ==, want);
    }
  va_end (args);
  g_assert_cmpuint (events->len, ==, i);
}

static void
test_reader_empty (void)
{
  g_autoptr(PcLineReader) reader = pc_line_reader_new (16);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (pc_line_reader_max_line (reader), ==, 16);
  g_assert_cmpuint (pc_line_reader_pending (reader), ==, 0);
  drain (reader, events);
  g_assert_cmpuint (events->len, ==, 0);
}

static void
test_reader_split (void)
{
  g_autoptr(PcLineReader) reader = pc_line_reader_new (64);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);

  feed (reader, "1+", 2);
  drain (reader, events);
  g_assert_cmpuint (events->len, ==, 0);
  g_assert_cmpuint (pc_line_reader_pending (reader), ==, 2);
  feed (reader, "2", 1);
  drain (reader, events);
  g_assert_cmpuint (events->len, ==, 0);
  feed (reader, "\n3", 2);
  drain (reader, events);
  assert_events (events, "OK:1+2", NULL);
  g_assert_cmpuint (pc_line_reader_pending (reader), ==, 1);
  feed (reader, "*4\n", 3);
  drain (reader, events);
  assert_events (events, "OK:1+2", "OK:3*4", NULL);
  g_assert_cmpuint (pc_line_reader_pending (reader), ==, 0);
}

static void
test_reader_crlf (void)
{
  g_autoptr(PcLineReader) reader = pc_line_reader_new (64);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);

  feed (reader, "a\r\nb\r", 5);
  drain (reader, events);
  feed (reader, "\nc\rd\n\r\n\n", 8);
  drain (reader, events);
  /* Only the \r before \n goes; one inside a line stays. */
  assert_events (events, "OK:a", "OK:b", "OK:c\rd", "OK:", "OK:", NULL);
}

static void
test_reader_many (void)
{
  g_autoptr(PcLineReader) reader = pc_line_reader_new (64);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  const char *data = "one\ntwo\n{\"three\":3}\nfour";

  feed (reader, data, strlen (data));
  drain (reader, events);
  assert_events (events, "OK:one", "OK:two", "OK:{\"three\":3}", NULL);
  g_assert_cmpuint (pc_line_reader_pending (reader), ==, 4);
}

static void
test_reader_pipelined (void)
{
  /* Many lines through a small limit, fed in odd-sized chunks, so that the
   * buffer is compacted and grown between lines. */
  g_autoptr(PcLineReader) reader = pc_line_reader_new (32);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) data = g_string_new (NULL);

  for (int i = 0; i < 1000; i++)
    g_string_append_printf (data, "line %d%s\n", i, i % 3 == 0 ? "\r" : "");
  for (gsize off = 0; off < data->len; off += 7)
    {
      feed (reader, data->str + off, MIN (7, data->len - off));
      drain (reader, events);
    }
  g_assert_cmpuint (events->len, ==, 1000);
  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *want = g_strdup_printf ("OK:line %u", i);

      g_assert_cmpstr (g_ptr_array_index (events, i), ==, want);
    }
}

static void
test_reader_exact_limit (void)
{
  g_autofree char *line = g_strnfill (16, 'x');
  g_autofree char *want = g_strconcat ("OK:", line, NULL);

  /* In one piece, with \n or \r\n, and byte by byte. */
  for (int variant = 0; variant < 4; variant++)
    {
      g_autoptr(PcLineReader) reader = pc_line_reader_new (16);
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
      const char *end = variant % 2 == 0 ? "\n" : "\r\n";
      g_autofree char *data = g_strconcat (line, end, "ok\n", NULL);

      if (variant < 2)
        {
          feed (reader, data, strlen (data));
          drain (reader, events);
        }
      else
        for (const char *p = data; *p != '\0'; p++)
          {
            feed (reader, p, 1);
            drain (reader, events);
          }
      assert_events (events, want, "OK:ok", NULL);
    }
}

typedef struct
{
  const char *name;
  const char *prefix;   /* how the over-long line starts */
  gsize       length;   /* its length */
  gsize       chunk;    /* fed this many bytes at a time (0: all at once) */
  const char *event;
} LongLine;

static const LongLine long_lines[] = {
  { "plus-one", "x", 17, 0, "TOO_LONG:plain" },
  { "plus-one-crlf", "x", 17, 0, "TOO_LONG:plain" },
  { "plus-one-bytewise", "x", 17, 1, "TOO_LONG:plain" },
  { "plus-two-bytewise", "x", 18, 1, "TOO_LONG:plain" },
  { "chunks", "1+", 1000, 7, "TOO_LONG:plain" },
  { "chunks-json", "{\"jsonrpc\":", 1000, 7, "TOO_LONG:json" },
  { "chunks-json-blank", " \t[", 1000, 5, "TOO_LONG:json" },
  { "big-chunks-json", "{", 100000, 4096, "TOO_LONG:json" },
  { "one-piece-json", "[", 5000, 0, "TOO_LONG:json" },
};

static void
test_reader_too_long (gconstpointer data)
{
  const LongLine *test = data;
  g_autoptr(PcLineReader) reader = pc_line_reader_new (16);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) stream = g_string_new ("before\n");
  gsize chunk;

  g_string_append (stream, test->prefix);
  while (stream->len < strlen ("before\n") + test->length)
    g_string_append_c (stream, 'y');
  g_string_append (stream, g_str_has_suffix (test->name, "crlf") ? "\r\n" : "\n");
  g_string_append (stream, "{\"after\":1}\nlast\n");

  chunk = test->chunk == 0 ? stream->len : test->chunk;
  for (gsize off = 0; off < stream->len; off += chunk)
    {
      feed (reader, stream->str + off, MIN (chunk, stream->len - off));
      drain (reader, events);
      /* An over-long line is dropped as it comes, not buffered. */
      g_assert_cmpuint (pc_line_reader_pending (reader), <=, 16 + 2 + chunk);
    }
  /* Reported exactly once; the lines around it arrive intact. */
  assert_events (events, "OK:before", test->event, "OK:{\"after\":1}", "OK:last", NULL);
}

/* ---- The client side ------------------------------------------------------- */

static void
test_append_request (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) request = NULL;
  JsonObject *params = json_object_new ();
  JsonObject *object;

  json_object_set_string_member (params, "expr", "1+\"2\"\n");
  pc_protocol_append_request (out, 42, "eval",
                              json_node_init_object (json_node_alloc (), params));
  json_object_unref (params);
  pc_protocol_append_request (out, 43, "ping", NULL);

  g_assert_true (g_str_has_suffix (out->str, "\n"));
  {
    g_auto(GStrv) lines = g_strsplit (out->str, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_cmpstr (lines[2], ==, "");

    request = parse_json (lines[0]);
    object = json_node_get_object (request);
    g_assert_cmpstr (json_object_get_string_member (object, "jsonrpc"), ==, "2.0");
    g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 42);
    g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "eval");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "params"),
                                                    "expr"), ==, "1+\"2\"\n");
    g_clear_pointer (&request, json_node_unref);

    request = parse_json (lines[1]);
    object = json_node_get_object (request);
    g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 43);
    g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "ping");
    g_assert_false (json_object_has_member (object, "params"));
  }
}

static void
test_round_trip (void)
{
  /* A request the client writes, served by the server side, read back. */
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *reply = NULL;
  JsonArray *params = json_array_new ();
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  json_array_add_int_element (params, 50);
  json_array_add_int_element (params, 8);
  pc_protocol_append_request (request, 7, "subtract",
                              json_node_init_array (json_node_alloc (), params));
  json_array_unref (params);

  reply = handle (fake, request->str, request->len - 1);
  g_assert_true (pc_protocol_parse_response (reply, strlen (reply) - 1, &id, &result,
                                             &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 7);
  g_assert_cmpint (json_node_get_int (result), ==, 42);
  g_assert_cmpint (rpc_error.code, ==, 0);
}

static gboolean
parse_response (const char  *line,
                gint64      *id,
                JsonNode   **result,
                PcRpcError  *rpc_error,
                GError     **error)
{
  /* Exactly sized, no NUL after it, as the line reader hands it out. */
  gsize len = strlen (line);
  g_autofree char *exact = len > 0 ? g_memdup2 (line, len) : NULL;

  return pc_protocol_parse_response (exact ? exact : "", len, id, result, rpc_error, error);
}

static void
test_parse_result (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  g_assert_true (parse_response ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                                 "{\"value\":6,\"values\":[3,6],\"text\":\"3, 6\"}}",
                                 &id, &result, &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 1);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result), "text"),
                   ==, "3, 6");
  g_assert_cmpint (rpc_error.code, ==, 0);
  g_assert_null (rpc_error.message);
  g_clear_pointer (&result, json_node_unref);

  /* null is a result too. */
  g_assert_true (parse_response ("{\"result\":null,\"id\":9,\"jsonrpc\":\"2.0\"}",
                                 &id, &result, &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 9);
  g_assert_nonnull (result);
  g_assert_true (JSON_NODE_HOLDS_NULL (result));
}

static void
test_parse_error_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  g_assert_true (parse_response ("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":1000,"
                                 "\"message\":\"Unexpected operator \\\"*\\\" found at position 2\","
                                 "\"data\":{\"pos\":2,\"token\":\"*\"}}}",
                                 &id, &result, &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_null (result);
  g_assert_cmpint (id, ==, 2);
  g_assert_cmpint (rpc_error.code, ==, PC_RPC_EXPRESSION_ERROR);
  g_assert_cmpstr (rpc_error.message, ==, "Unexpected operator \"*\" found at position 2");
  g_assert_nonnull (rpc_error.data);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (rpc_error.data), "pos"),
                   ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (rpc_error.data), "token"),
                   ==, "*");
  pc_rpc_error_clear (&rpc_error);

  /* An error with a null id (the server could not read the request). */
  g_assert_true (parse_response ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                                 "\"message\":\"Parse error\"}}",
                                 &id, &result, &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, -1);
  g_assert_cmpint (rpc_error.code, ==, PC_RPC_PARSE_ERROR);
  g_assert_cmpstr (rpc_error.message, ==, "Parse error");
  g_assert_null (rpc_error.data);
  pc_rpc_error_clear (&rpc_error);
  g_assert_null (rpc_error.message);
}

static const char * const malformed_replies[] = {
  "",
  "4",
  "error: division by zero",
  "not json",
  "[1]",
  "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}]",
  "{\"id\":1,\"result\":1}",
  "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":1}",
  "{\"jsonrpc\":2.0,\"id\":1,\"result\":1}",
  "{\"jsonrpc\":\"2.0\",\"id\":1}",
  "{\"jsonrpc\":\"2.0\",\"result\":1}",
  "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":1}",
  "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"x\"}}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"x\"}}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"1\",\"message\":\"x\"}}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":2}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1} // trailing",
  "{\"jsonrpc\":\"2.0\",\"id\":18446744073709551617,\"result\":1}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"\xff\"}",
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"\\ud800x\"}",
};

static void
test_parse_malformed (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (malformed_replies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) result = NULL;
      PcRpcError rpc_error = { 0, };
      gint64 id = 0;

      g_autofree char *shown = g_utf8_make_valid (malformed_replies[i], -1);

      g_test_message ("%s", shown);
      g_assert_false (parse_response (malformed_replies[i], &id, &result, &rpc_error, &error));
      g_assert_error (error, PC_PROTOCOL_ERROR, PC_PROTOCOL_ERROR_MALFORMED_REPLY);
      g_assert_null (result);
      g_assert_null (rpc_error.message);
      g_assert_null (rpc_error.data);
    }
}

static void
test_parse_deep_reply (void)
{
  /* A hostile server must not crash the client with deep nesting. */
  g_autofree char *opening = g_strnfill (1000000, '[');
  g_autofree char *line = g_strconcat ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":", opening, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  g_assert_false (parse_response (line, &id, &result, &rpc_error, &error));
  g_assert_error (error, PC_PROTOCOL_ERROR, PC_PROTOCOL_ERROR_MALFORMED_REPLY);
}

/* ---------------------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (spec_examples); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/jsonrpc/spec/%s",
                                               spec_examples[i].name);

      g_test_add_data_func (path, &spec_examples[i], test_spec_example);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (exchanges); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/jsonrpc/%s", exchanges[i].name);

      g_test_add_data_func (path, &exchanges[i], test_exchange);
    }
  g_test_add_func ("/protocol/jsonrpc/not-json/nothing-called", test_not_json_not_called);
  g_test_add_func ("/protocol/jsonrpc/notification/errors-silent",
                   test_notification_errors_silent);
  g_test_add_func ("/protocol/jsonrpc/deep-nesting", test_deep_nesting);
  g_test_add_func ("/protocol/jsonrpc/member-order", test_reply_member_order);
  g_test_add_func ("/protocol/json-number", test_json_number);

  g_test_add_func ("/protocol/framing/blank", test_blank_lines);
  g_test_add_func ("/protocol/framing/plain", test_plain_line);
  g_test_add_func ("/protocol/framing/json-detection", test_json_detection);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/framing/%s", bad_lines[i].name);

      g_test_add_data_func (path, &bad_lines[i], test_bad_line);
    }
  g_test_add_func ("/protocol/too-large/plain", test_too_large_plain);
  g_test_add_func ("/protocol/too-large/json", test_too_large_json);
  g_test_add_func ("/protocol/append-error", test_append_error);

  g_test_add_func ("/protocol/line-reader/empty", test_reader_empty);
  g_test_add_func ("/protocol/line-reader/split", test_reader_split);
  g_test_add_func ("/protocol/line-reader/crlf", test_reader_crlf);
  g_test_add_func ("/protocol/line-reader/many", test_reader_many);
  g_test_add_func ("/protocol/line-reader/pipelined", test_reader_pipelined);
  g_test_add_func ("/protocol/line-reader/exact-limit", test_reader_exact_limit);
  for (gsize i = 0; i < G_N_ELEMENTS (long_lines); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/line-reader/too-long/%s",
                                               long_lines[i].name);

      g_test_add_data_func (path, &long_lines[i], test_reader_too_long);
    }

  g_test_add_func ("/protocol/client/append-request", test_append_request);
  g_test_add_func ("/protocol/client/round-trip", test_round_trip);
  g_test_add_func ("/protocol/client/result", test_parse_result);
  g_test_add_func ("/protocol/client/error", test_parse_error_reply);
  g_test_add_func ("/protocol/client/malformed", test_parse_malformed);
  g_test_add_func ("/protocol/client/deep", test_parse_deep_reply);

  return g_test_run ();
}
