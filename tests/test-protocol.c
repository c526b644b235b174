/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-line-reader.h"
#include "pc-methods.h"
#include "pc-protocol.h"

/* ---- A fake request handler ------------------------------------------- */

/* Implements the methods the JSON-RPC 2.0 specification's examples call,
 * plus a few that return awkward values, and records what it was asked. */
typedef struct
{
  GPtrArray *calls;    /* method names, notifications included */
  guint      n_plain;  /* plain expressions seen */
  guint      n_fast;   /* eval calls answered by the fast path */
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
get_int (json_t *value,
         gint64 *out)
{
  if (!json_is_integer (value))
    return FALSE;
  *out = json_integer_value (value);
  return TRUE;
}

static json_t *
invalid_params (PcRpcError *error)
{
  pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL, "Invalid params");
  return NULL;
}

/* What the fake's "eval" answers, built as values here and written
 * directly by fake_eval() below: the two must give the same bytes. An
 * expression starting with "!" fails with the rest as the message. */
static json_t *
fake_eval_value (const char *expr,
                 PcRpcError *error)
{
  json_t *result;

  if (expr[0] == '!')
    {
      json_t *data = json_object ();

      json_object_set_new (data, "pos", json_integer ((json_int_t) strlen (expr)));
      json_object_set_new (data, "token", pc_json_string (expr + 1));
      pc_rpc_error_set (error, PC_RPC_EXPRESSION_ERROR, data, "%s", expr + 1);
      return NULL;
    }
  result = json_object ();
  json_object_set_new (result, "expr", pc_json_string (expr));
  json_object_set_new (result, "value", pc_json_number (g_ascii_strtod (expr, NULL)));
  return result;
}

static json_t *
fake_call (gpointer    user_data,
           const char *method,
           json_t     *params,
           PcRpcError *error)
{
  Fake *fake = user_data;

  g_ptr_array_add (fake->calls, g_strdup (method));

  if (g_str_equal (method, "subtract"))
    {
      gint64 a, b;

      if (json_is_array (params))
        {
          if (json_array_size (params) != 2
              || !get_int (json_array_get (params, 0), &a)
              || !get_int (json_array_get (params, 1), &b))
            return invalid_params (error);
        }
      else if (json_is_object (params))
        {
          if (!get_int (json_object_get (params, "minuend"), &a)
              || !get_int (json_object_get (params, "subtrahend"), &b))
            return invalid_params (error);
        }
      else
        return invalid_params (error);
      return json_integer (a - b);
    }

  if (g_str_equal (method, "sum"))
    {
      gint64 total = 0;

      if (!json_is_array (params))
        return invalid_params (error);
      for (gsize i = 0; i < json_array_size (params); i++)
        {
          gint64 term;

          if (!get_int (json_array_get (params, i), &term))
            return invalid_params (error);
          total += term;
        }
      return json_integer (total);
    }

  if (g_str_equal (method, "update") || g_str_equal (method, "notify_hello")
      || g_str_equal (method, "notify_sum"))
    return json_null ();

  if (g_str_equal (method, "get_data"))
    {
      json_t *array = json_array ();

      json_array_append_new (array, json_string ("hello"));
      json_array_append_new (array, json_integer (5));
      return array;
    }

  /* [x] → pc_json_number (x): how results travel; "double" keeps a real. */
  if (g_str_equal (method, "number") || g_str_equal (method, "double"))
    {
      json_t *x;

      if (!json_is_array (params) || json_array_size (params) != 1
          || !json_is_number (x = json_array_get (params, 0)))
        return invalid_params (error);
      if (g_str_equal (method, "number"))
        return pc_json_number (json_number_value (x));
      return json_real (json_number_value (x));
    }

  if (g_str_equal (method, "eval"))
    {
      const char *expr = NULL;

      if (json_is_object (params))
        expr = json_string_value (json_object_get (params, "expr"));
      else if (json_is_array (params))
        expr = json_string_value (json_array_get (params, 0));
      if (expr == NULL)
        return invalid_params (error);
      return fake_eval_value (expr, error);
    }

  /* Values JSON cannot hold, and a string that needs escaping and
   * repairing. */
  if (g_str_equal (method, "inf"))
    return pc_json_number (INFINITY);
  if (g_str_equal (method, "text"))
    return pc_json_string ("q\"b\\s/n\nt\tc\x01 é \xff end");
  if (g_str_equal (method, "fail_with_data"))
    {
      json_t *data = json_object ();

      json_object_set_new (data, "pos", json_integer (2));
      json_object_set_new (data, "token", json_string ("*"));
      pc_rpc_error_set (error, PC_RPC_EXPRESSION_ERROR, data,
                        "Unexpected operator \"%s\" found at position %d", "*", 2);
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

/* The fast path's half of the fake "eval": fake_eval_value() written
 * without values, as pc_methods_eval_json() does for the real one. */
static void
fake_eval (gpointer    user_data,
           const char *expr,
           GString    *out)
{
  Fake *fake = user_data;

  fake->n_fast++;
  if (expr[0] == '!')
    {
      g_string_append_printf (out, "\"error\":{\"code\":%d,\"message\":",
                              PC_RPC_EXPRESSION_ERROR);
      pc_json_append_string (out, expr + 1);
      g_string_append_printf (out, ",\"data\":{\"pos\":%" G_GSIZE_FORMAT ",\"token\":",
                              strlen (expr));
      pc_json_append_string (out, expr + 1);
      g_string_append (out, "}}");
      return;
    }
  g_string_append (out, "\"result\":{\"expr\":");
  pc_json_append_string (out, expr);
  g_string_append (out, ",\"value\":");
  pc_json_append_number (out, g_ascii_strtod (expr, NULL));
  g_string_append_c (out, '}');
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

/* The same, with the fast path for eval calls. */
static const PcRequestHandler fake_fast_handler = {
  .plain = fake_plain,
  .call = fake_call,
  .eval = fake_eval,
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

static json_t *
parse_json (const char *text)
{
  json_error_t error;
  json_t *value = json_loads (text, JSON_DECODE_ANY, &error);

  if (value == NULL)
    g_error ("not JSON (%s): %s", error.text, text);
  return value;
}

/* @out must be exactly one line, ending in \n, of valid UTF-8 JSON. */
static json_t *
reply_json (const char *out)
{
  gsize len = strlen (out);

  g_assert_cmpuint (len, >, 1);
  g_assert_cmpint (out[len - 1], ==, '\n');
  g_assert_true (strchr (out, '\n') == out + len - 1);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  for (const char *p = out; *p != '\n'; p++)
    g_assert_cmpuint ((guchar) *p, >=, 0x20);
  /* Re-parsing with a strict parser proves the line is JSON (no "inf",
   * no "1e+22.0"). */
  return parse_json (out);
}

static char *
to_text (json_t *value)
{
  return json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Structural equality. Numbers compare by value; an error's "message"
 * need only start with the one expected, since the specification's
 * messages ("Parse error") are examples and pipecalc adds the detail. */
static void
assert_json_matches (json_t     *expected,
                     json_t     *actual,
                     const char *key,
                     const char *parent_key)
{
  g_autofree char *expected_text = to_text (expected);
  g_autofree char *actual_text = to_text (actual);
  gboolean same;

  if (json_is_number (expected) && json_is_number (actual))
    same = json_is_integer (expected) && json_is_integer (actual)
      ? json_integer_value (expected) == json_integer_value (actual)
      : json_number_value (expected) == json_number_value (actual);
  else if (json_typeof (expected) != json_typeof (actual))
    same = FALSE;
  else if (json_is_object (expected))
    {
      const char *name;
      json_t *member;

      if (json_object_size (expected) != json_object_size (actual))
        g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);
      json_object_foreach (expected, name, member)
        {
          json_t *other = json_object_get (actual, name);

          if (other == NULL)
            g_error ("at %s: member “%s” missing in %s", key, name, actual_text);
          assert_json_matches (member, other, name, key);
        }
      same = TRUE;
    }
  else if (json_is_array (expected))
    {
      if (json_array_size (expected) != json_array_size (actual))
        g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);
      for (gsize i = 0; i < json_array_size (expected); i++)
        assert_json_matches (json_array_get (expected, i), json_array_get (actual, i),
                             key, parent_key);
      same = TRUE;
    }
  else if (json_is_string (expected) && g_strcmp0 (key, "message") == 0
           && g_strcmp0 (parent_key, "error") == 0)
    same = g_str_has_prefix (json_string_value (actual), json_string_value (expected));
  else
    same = json_equal (expected, actual);
  if (!same)
    g_error ("at %s: expected %s, got %s", key, expected_text, actual_text);
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
    g_autoptr(json_t) actual = reply_json (out);
    g_autoptr(json_t) wanted = parse_json (expected);

    assert_json_matches (wanted, actual, "reply", NULL);
  }
}

/* The error code of a single JSON error reply, after checking its shape;
 * its id and message too when asked for. */
static int
error_code_message (const char  *out,
                    json_t     **id_out,
                    char       **message_out)
{
  g_autoptr(json_t) reply = reply_json (out);
  json_t *error;

  g_assert_true (json_is_object (reply));
  g_assert_cmpuint (json_object_size (reply), ==, 3);
  g_assert_cmpstr (json_string_value (json_object_get (reply, "jsonrpc")), ==, "2.0");
  g_assert_nonnull (json_object_get (reply, "id"));
  g_assert_null (json_object_get (reply, "result"));
  error = json_object_get (reply, "error");
  g_assert_true (json_is_object (error));
  g_assert_true (json_is_string (json_object_get (error, "message")));
  g_assert_true (json_is_integer (json_object_get (error, "code")));
  if (id_out != NULL)
    *id_out = json_incref (json_object_get (reply, "id"));
  if (message_out != NULL)
    *message_out = g_strdup (json_string_value (json_object_get (error, "message")));
  return (int) json_integer_value (json_object_get (error, "code"));
}

static int
error_code (const char  *out,
            json_t     **id_out)
{
  return error_code_message (out, id_out, NULL);
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
      g_autoptr(json_t) id = NULL;

      g_assert_cmpint (error_code (out, &id), ==, PC_RPC_PARSE_ERROR);
      g_assert_true (json_is_null (id));
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
  /* Past the range of a double: refused whole, like an integer past 64
   * bits (json-glib read it as inf and answered -32600). */
  { "id/overflow-double",
    "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1],\"id\":1e400}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}" },
  /* Echoing a wrapped integer (-1 for 2^64) would be wrong. */
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
  /* A parser that cuts "sum\u0000x" at the NUL (json-glib did) would call "sum". */
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

  /* Not JSON, though lax parsers (json-glib 1.6, the former one) accept it. */
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
  /* An unpaired surrogate (json-glib decoded it into invalid UTF-8). */
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
  /* json-glib 1.6 wrote these as 1e+17.0, 1e+22.0, 1e-300.0: not JSON. */
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

  /* jansson recurses once per level (up to 2048); the 128-level limit is
   * checked first, so this never gets near the stack, whatever --max-line
   * allows. */
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
    g_autoptr(json_t) reply = reply_json (out);

    g_assert_true (json_is_array (reply));
    g_assert_cmpuint (json_array_size (reply), ==, 1);
  }
  g_assert_cmpuint (fake->calls->len, ==, 0);
}

static void
test_json_number (void)
{
  struct { double value; gboolean integer; } cases[] = {
    { 1024, TRUE },
    { -7, TRUE },
    { -0.0, TRUE },
    { 0.5, FALSE },
    { 9007199254740991.0, TRUE },
    { 9007199254740992.0, FALSE },
    { 1e300, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(json_t) value = pc_json_number (cases[i].value);

      g_assert_true (json_is_number (value));
      g_assert_cmpint (json_is_integer (value), ==, cases[i].integer);
      g_assert_cmpfloat (json_number_value (value), ==, cases[i].value);
    }
  {
    g_autoptr(json_t) inf = pc_json_number (INFINITY);
    g_autoptr(json_t) minus_inf = pc_json_number (-INFINITY);
    g_autoptr(json_t) nan_value = pc_json_number (NAN);

    g_assert_true (json_is_null (inf));
    g_assert_true (json_is_null (minus_inf));
    g_assert_true (json_is_null (nan_value));
  }
}

/* ---- The eval fast path ------------------------------------------------ */

static char *
handle_fast (Fake       *fake,
             const char *line,
             gsize       len)
{
  GString *out = g_string_new (NULL);
  g_autofree char *exact = len > 0 ? g_memdup2 (line, len) : NULL;

  pc_protocol_handle_line (exact ? exact : "", len, &fake_fast_handler, fake, out);
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *line;
  guint       fast;   /* calls the fast path must have answered */
} FastCase;

/* Each line is answered with and without the fast path: the bytes must
 * be the same, and the fast path must take exactly the calls it can
 * answer on its own; anything outside its strict subset goes to jansson. */
static const FastCase fast_cases[] = {
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"2+2\"}}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"0.1\"]}", 1 },
  { " {\"params\" : [ \"1e22\" ] , \"method\":\"eval\" ,\"id\":\"x/y\",\"jsonrpc\":\"2.0\"}\t", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"-0\"]}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"method\":\"eval\",\"params\":[\"1e400\"]}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"method\":\"eval\",\"params\":[\"123456789.125\"]}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eval\",\"params\":[\"1.0000000000000001e-5\"]}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eval\",\"params\":[\"9007199254740993\"]}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eval\",\"params\":[\"!bad \xc3\xa9 / \x7f\"]}", 1 },
  { "{\"jsonrpc\":\"2.0\",\"id\":\"\xf0\x9f\x98\x80\",\"method\":\"eval\",\"params\":[\"\"]}", 1 },
  { "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]},"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eval\",\"params\":{\"expr\":\"!e\"}}]", 2 },
  /* Outside the subset: escapes, control characters, odd numbers... */
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"!a\\tb\\u0001\\\"\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"!a\tb\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":\"a\x01\",\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":-01,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":-,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1e2,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775808,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"],\"x\":0}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\",\"2\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]} x", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]}{}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"],}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]", 0 },
  { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\\u0000\"]}", 0 },
  { "{\"jsonrpc\":\"2.0\",\"method\":\"eval\",\"params\":[\"1\"]}", 0 },
  { "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]},1]", 0 },
  { "[]", 0 },
};

static void
test_fast_path (gconstpointer data)
{
  const FastCase *c = data;
  g_autoptr(Fake) general_fake = fake_new ();
  g_autoptr(Fake) fast_fake = fake_new ();
  g_autofree char *general = handle (general_fake, c->line, -1);
  g_autofree char *fast = handle_fast (fast_fake, c->line, strlen (c->line));

  g_test_message ("-> %s", c->line);
  g_test_message ("<- %s", general);
  g_assert_cmpstr (fast, ==, general);
  g_assert_cmpuint (fast_fake->n_fast, ==, c->fast);
  g_assert_cmpuint (general_fake->n_fast, ==, 0);
  if (c->fast > 0)
    g_assert_cmpuint (fast_fake->calls->len, ==, 0);
  /* A reply, when there is one, is JSON whichever path wrote it. */
  if (general[0] != '\0')
    {
      g_autoptr(json_t) reply = reply_json (general);

      g_assert_nonnull (reply);
    }
}

/* The fast path's writers give jansson's bytes for every value. */
static void
test_writers_match_jansson (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2014);
  const double numbers[] = {
    0, -0.0, 1, -1, 0.1, 0.30000000000000004, 1.0 / 3, 2.5, 1e15, 1e16, 1e17, 1e21,
    1e22, 1e100, 1e300, 1e-5, 1e-7, 1e-300, 5e-324, G_MAXDOUBLE, -G_MAXDOUBLE,
    9007199254740991.0, 9007199254740992.0, -9007199254740992.0, 123456789.125,
    INFINITY, -INFINITY, NAN,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (numbers) + 20000; i++)
    {
      double value;
      g_autoptr(GString) direct = g_string_new (NULL);
      g_autoptr(GString) via = g_string_new (NULL);
      g_autoptr(json_t) number = NULL;

      if (i < G_N_ELEMENTS (numbers))
        value = numbers[i];
      else
        {
          /* Any bit pattern: every exponent, subnormals, inf and nan. */
          guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

          memcpy (&value, &bits, sizeof value);
        }
      number = pc_json_number (value);
      pc_json_append_number (direct, value);
      pc_json_append (via, number);
      g_assert_cmpstr (direct->str, ==, via->str);
    }

  /* Every ASCII character, UTF-8, and bytes that are not UTF-8. */
  for (int c = 1; c < 0x80; c++)
    {
      char text[] = { 'a', (char) c, 'z', '\0' };
      g_autoptr(GString) direct = g_string_new (NULL);
      g_autoptr(GString) via = g_string_new (NULL);
      g_autoptr(json_t) string = pc_json_string (text);

      pc_json_append_string (direct, text);
      pc_json_append (via, string);
      g_assert_cmpstr (direct->str, ==, via->str);
    }
  {
    const char *texts[] = { "", "é ü 日本 \xf0\x9f\x98\x80", "\xff", "a\xc3", "\xed\xa0\x80", "\u2028" };

    for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autoptr(GString) direct = g_string_new (NULL);
        g_autoptr(GString) via = g_string_new (NULL);
        g_autoptr(json_t) string = pc_json_string (texts[i]);

        g_assert_nonnull (string);
        pc_json_append_string (direct, texts[i]);
        pc_json_append (via, string);
        g_assert_cmpstr (direct->str, ==, via->str);
        g_assert_true (g_utf8_validate (direct->str, -1, NULL));
      }
  }
}

/* ---- Hostile JSON --------------------------------------------------------- */

/* After each hostile line, the same handler still answers a plain call. */
static void
assert_still_serves (Fake *fake)
{
  g_autofree char *out = handle (fake, "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[2,3],\"id\":5}", -1);

  g_assert_cmpstr (out, ==, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":5}\n");
}

static void
assert_parse_error (Fake       *fake,
                    const char *line,
                    gssize      len,
                    const char *in_message)
{
  gsize n = len < 0 ? strlen (line) : (gsize) len;
  g_autofree char *out = handle (fake, line, n);
  g_autofree char *fast = handle_fast (fake, line, n);
  g_autofree char *message = NULL;
  g_autoptr(json_t) id = NULL;

  g_assert_cmpint (error_code_message (out, &id, &message), ==, PC_RPC_PARSE_ERROR);
  g_test_message ("%s", message);
  g_assert_true (json_is_null (id));
  g_assert_true (g_str_has_prefix (message, "Parse error: "));
  if (in_message != NULL)
    g_assert_nonnull (strstr (message, in_message));
  g_assert_cmpstr (fast, ==, out);
  assert_still_serves (fake);
}

static void
test_hostile_duplicate_keys (void)
{
  g_autoptr(Fake) fake = fake_new ();

  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"sum\",\"params\":[1]}",
                      -1, "the key \"id\" appears twice");
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":{\"expr\":\"1\",\"expr\":\"2\"}}",
                      -1, "the key \"expr\" appears twice");
  /* Escapes in the key, a quote among them: named as decoded. */
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"a\\\"\\u0062\":1,\"a\\\"b\":2,\"method\":\"sum\",\"id\":1}",
                      -1, "the key \"a\"b\" appears twice");
  /* In a batch the whole line is refused: nothing is carried out. */
  assert_parse_error (fake, "[{\"jsonrpc\":\"2.0\",\"method\":\"update\"},"
                      "{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"method\":\"x\"}]", -1, "twice");
  g_assert_false (fake_called (fake, "update"));
}

static void
test_hostile_nul_escape (void)
{
  g_autoptr(Fake) fake = fake_new ();

  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\\u0000+1\"]}",
                      -1, "NUL");
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":\"\\u0000\",\"method\":\"sum\",\"params\":[1]}",
                      -1, "NUL");
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sum\",\"params\":{\"a\\u0000\":1}}",
                      -1, "NUL");
  /* Only assert_still_serves()'s three sums were carried out. */
  g_assert_cmpuint (fake->calls->len, ==, 3);
  g_assert_false (fake_called (fake, "eval"));
}

static void
test_hostile_deep (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autofree char *opening = g_strnfill (10000, '[');
  g_autofree char *closing = g_strnfill (10000, ']');
  g_autofree char *deep = g_strconcat (opening, closing, NULL);
  g_autofree char *at_limit = NULL;
  g_autofree char *past_limit = NULL;

  assert_parse_error (fake, deep, -1, "nested more than 128 levels");
  /* Brackets inside strings do not count. */
  {
    g_autofree char *quoted = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"method\":\"eval\",\"id\":1,"
                                               "\"params\":[\"%s\\\"%s\"]}", opening, closing);
    g_autofree char *out = handle (fake, quoted, -1);
    g_autoptr(json_t) reply = reply_json (out);

    g_assert_nonnull (json_object_get (reply, "result"));
  }
  /* 128 levels are served (an invalid request inside a batch), 129 are not. */
  {
    g_autofree char *o = g_strnfill (127, '[');
    g_autofree char *c = g_strnfill (127, ']');

    at_limit = g_strconcat ("[", o, c, "]", NULL);
    past_limit = g_strconcat ("[[", o, c, "]]", NULL);
  }
  {
    g_autofree char *out = handle (fake, at_limit, -1);

    g_assert_true (g_str_has_prefix (out, "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600"));
  }
  assert_parse_error (fake, past_limit, -1, "nested");
}

static void
test_hostile_numbers (void)
{
  g_autoptr(Fake) fake = fake_new ();

  /* Past a double, as a parameter and as an id. */
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"number\",\"params\":[1e400]}",
                      -1, "range of a double");
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"eval\",\"params\":[\"1\"]}",
                      -1, "range of a double");
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":-1e400,\"method\":\"sum\",\"params\":[1]}",
                      -1, "range of a double");
  /* 2^63 as an id, either path. */
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775808,\"method\":\"eval\",\"params\":[\"1\"]}",
                      -1, "64-bit");
  assert_parse_error (fake, "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775809,\"method\":\"sum\",\"params\":[1]}",
                      -1, "64-bit");
  /* -0 as a number is 0; as an id it goes back as it came, -0, on
   * either path, in a batch too (a client matching ids by their text must
   * find its own). */
  {
    g_autofree char *out = handle (fake, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"subtract\",\"params\":[-0,1]}", -1);
    g_autofree char *real = handle (fake, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"number\",\"params\":[-0.0]}", -1);
    g_autofree char *fast = handle_fast (fake, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"-0\"]}",
                                         strlen ("{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"-0\"]}"));
    g_autofree char *batch = handle (fake, "[{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"subtract\",\"params\":[1,1]},"
                                     "{\"jsonrpc\":\"2.0\",\"id\": -0 ,\"method\":\"nope\"},"
                                     "{\"jsonrpc\":\"2.0\",\"id\":-0.0,\"method\":\"subtract\",\"params\":[1,1]}]", -1);
    const char *fast_batch_line = "[{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"eval\",\"params\":[\"1\"]},"
                                  "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"eval\",\"params\":[\"2\"]}]";
    g_autofree char *fast_batch = handle_fast (fake, fast_batch_line, strlen (fast_batch_line));

    g_assert_cmpstr (out, ==, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":-1}\n");
    g_assert_cmpstr (real, ==, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":0}\n");
    g_assert_cmpstr (fast, ==, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":{\"expr\":\"-0\",\"value\":0}}\n");
    g_assert_cmpstr (batch, ==, "[{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":0},"
                     "{\"jsonrpc\":\"2.0\",\"id\":-0,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}},"
                     "{\"jsonrpc\":\"2.0\",\"id\":-0.0,\"result\":0}]\n");
    g_assert_cmpstr (fast_batch, ==, "[{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":{\"expr\":\"1\",\"value\":1}},"
                     "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"expr\":\"2\",\"value\":2}}]\n");
  }
  assert_still_serves (fake);
}

static void
test_hostile_huge_string (void)
{
  /* The codec itself has no line limit (the line reader has, see
   * /protocol/line-reader/too-long): a 1 MiB expression reaches the
   * method whole, on either path, and the answer is the same. */
  g_autoptr(Fake) fake = fake_new ();
  g_autofree char *big = g_strnfill (1024 * 1024, '7');
  g_autofree char *line = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"!%s\"]}", big);
  g_autofree char *general = handle (fake, line, -1);
  g_autofree char *fast = handle_fast (fake, line, strlen (line));

  g_assert_cmpint (error_code (general, NULL), ==, PC_RPC_EXPRESSION_ERROR);
  g_assert_nonnull (strstr (general, big));
  g_assert_cmpstr (fast, ==, general);
  g_assert_cmpuint (fake->n_fast, ==, 1);
  assert_still_serves (fake);
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
  g_autoptr(json_t) reply = NULL;
  g_autoptr(json_t) id = NULL;
  json_t *error;
  json_t *data;

  pc_protocol_append_too_large (TRUE, 65536, out);
  g_assert_cmpint (error_code (out->str, &id), ==, PC_RPC_TOO_LARGE);
  g_assert_true (json_is_null (id));
  reply = reply_json (out->str);
  error = json_object_get (reply, "error");
  data = json_object_get (error, "data");
  g_assert_true (json_is_object (data));
  g_assert_cmpint (json_integer_value (json_object_get (data, "limit")), ==, 65536);
  g_assert_nonnull (strstr (json_string_value (json_object_get (error, "message")), "65536"));
}

static void
test_append_error (void)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(json_t) data = json_string ("clients");
  g_autoptr(json_t) reply = NULL;
  const char *json_line = "{\"jsonrpc\":\"2.0\",\"method\":\"eval\",\"id\":3}";
  json_t *error;

  pc_protocol_append_error ("1+1", 3, PC_RPC_BUSY, "server busy", data, plain);
  g_assert_cmpstr (plain->str, ==, "error: server busy\n");

  pc_protocol_append_error (json_line, strlen (json_line), PC_RPC_BUSY,
                            "server busy", data, json);
  g_assert_cmpint (error_code (json->str, NULL), ==, PC_RPC_BUSY);
  reply = reply_json (json->str);
  error = json_object_get (reply, "error");
  g_assert_cmpstr (json_string_value (json_object_get (error, "message")), ==, "server busy");
  g_assert_cmpstr (json_string_value (json_object_get (error, "data")), ==, "clients");
  /* @data still belongs to the caller (freed by g_autoptr above). */
  g_assert_cmpstr (json_string_value (data), ==, "clients");
  g_assert_cmpuint (data->refcount, ==, 1);
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
  g_autoptr(json_t) request = NULL;
  json_t *params = json_object ();

  json_object_set_new (params, "expr", json_string ("1+\"2\"\n"));
  pc_protocol_append_request (out, 42, "eval", params);
  pc_protocol_append_request (out, 43, "ping", NULL);

  g_assert_true (g_str_has_suffix (out->str, "\n"));
  {
    g_auto(GStrv) lines = g_strsplit (out->str, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_cmpstr (lines[2], ==, "");

    request = parse_json (lines[0]);
    g_assert_cmpstr (json_string_value (json_object_get (request, "jsonrpc")), ==, "2.0");
    g_assert_cmpint (json_integer_value (json_object_get (request, "id")), ==, 42);
    g_assert_cmpstr (json_string_value (json_object_get (request, "method")), ==, "eval");
    g_assert_cmpstr (json_string_value (json_object_get (json_object_get (request, "params"),
                                                         "expr")), ==, "1+\"2\"\n");
    g_clear_pointer (&request, json_decref);

    request = parse_json (lines[1]);
    g_assert_cmpint (json_integer_value (json_object_get (request, "id")), ==, 43);
    g_assert_cmpstr (json_string_value (json_object_get (request, "method")), ==, "ping");
    g_assert_null (json_object_get (request, "params"));
  }
}

static void
test_round_trip (void)
{
  /* A request the client writes, served by the server side, read back. */
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_t) result = NULL;
  g_autofree char *reply = NULL;
  json_t *params = json_array ();
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  json_array_append_new (params, json_integer (50));
  json_array_append_new (params, json_integer (8));
  pc_protocol_append_request (request, 7, "subtract", params);

  reply = handle (fake, request->str, request->len - 1);
  g_assert_true (pc_protocol_parse_response (reply, strlen (reply) - 1, &id, &result,
                                             &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 7);
  g_assert_cmpint (json_integer_value (result), ==, 42);
  g_assert_cmpint (rpc_error.code, ==, 0);
}

static gboolean
parse_response (const char  *line,
                gint64      *id,
                json_t     **result,
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
  g_autoptr(json_t) result = NULL;
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  g_assert_true (parse_response ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                                 "{\"value\":6,\"values\":[3,6],\"text\":\"3, 6\"}}",
                                 &id, &result, &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 1);
  g_assert_true (json_is_object (result));
  g_assert_cmpstr (json_string_value (json_object_get (result, "text")), ==, "3, 6");
  g_assert_cmpint (rpc_error.code, ==, 0);
  g_assert_null (rpc_error.message);
  g_clear_pointer (&result, json_decref);

  /* null is a result too. */
  g_assert_true (parse_response ("{\"result\":null,\"id\":9,\"jsonrpc\":\"2.0\"}",
                                 &id, &result, &rpc_error, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 9);
  g_assert_nonnull (result);
  g_assert_true (json_is_null (result));
}

static void
test_parse_error_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_t) result = NULL;
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
  g_assert_cmpint (json_integer_value (json_object_get (rpc_error.data, "pos")), ==, 2);
  g_assert_cmpstr (json_string_value (json_object_get (rpc_error.data, "token")), ==, "*");
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
      g_autoptr(json_t) result = NULL;
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
  g_autoptr(json_t) result = NULL;
  PcRpcError rpc_error = { 0, };
  gint64 id = 0;

  g_assert_false (parse_response (line, &id, &result, &rpc_error, &error));
  g_assert_error (error, PC_PROTOCOL_ERROR, PC_PROTOCOL_ERROR_MALFORMED_REPLY);
}

/* ---------------------------------------------------------------------------- */

/* ---- Limits and batches answered in pieces ----------------------------- */

/* A handler that must yield after every call: a batch is answered one
 * call per turn. */
static gboolean
always_yield (gpointer user_data)
{
  return TRUE;
}

static const PcRequestHandler fake_yield_handler = {
  .plain = fake_plain,
  .call = fake_call,
  .must_yield = always_yield,
};

static const PcRequestHandler fake_fast_yield_handler = {
  .plain = fake_plain,
  .call = fake_call,
  .eval = fake_eval,
  .must_yield = always_yield,
};

/* Answers @line one call per turn; returns the reply and the turns. */
static char *
answer_in_turns (Fake                   *fake,
                 const PcRequestHandler *handler,
                 const char             *line,
                 gsize                   max_batch,
                 guint                  *turns)
{
  GString *out = g_string_new (NULL);
  g_autofree char *exact = g_memdup2 (line, strlen (line));
  PcRequest *request = pc_protocol_answer_line (exact, strlen (line), max_batch,
                                                handler, fake, out);

  /* The line is gone once its turn is over: the request keeps its own. */
  memset (exact, 'x', strlen (line));
  *turns = 1;
  while (request != NULL)
    {
      (*turns)++;
      if (pc_request_resume (request, handler, fake, out))
        g_clear_pointer (&request, pc_request_free);
    }
  return g_string_free (out, FALSE);
}

static void
test_batch_in_turns (void)
{
  g_autoptr(Fake) fake = fake_new ();
  const char *general =
    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subtract\",\"params\":[5,2]},"
    "{\"jsonrpc\":\"2.0\",\"method\":\"notify\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"nope\"},"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"subtract\",\"params\":[1,1]}]";
  const char *fast =
    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]},"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eval\",\"params\":[\"!bad\"]},"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eval\",\"params\":[\"3\"]}]";
  const char *notifications =
    "[{\"jsonrpc\":\"2.0\",\"method\":\"notify\"},{\"jsonrpc\":\"2.0\",\"method\":\"notify\"}]";
  g_autofree char *whole = handle (fake, general, -1);
  g_autofree char *whole_fast = handle_fast (fake, fast, strlen (fast));
  guint turns = 0;
  g_autofree char *pieces = answer_in_turns (fake, &fake_yield_handler, general, 1000, &turns);
  g_autofree char *pieces_fast = NULL;
  g_autofree char *silent = NULL;

  /* The same bytes, one call per turn: the reply is one array on one line. */
  g_assert_cmpstr (pieces, ==, whole);
  g_assert_cmpuint (turns, ==, 4);
  pieces_fast = answer_in_turns (fake, &fake_fast_yield_handler, fast, 1000, &turns);
  g_assert_cmpstr (pieces_fast, ==, whole_fast);
  g_assert_cmpuint (turns, ==, 3);
  /* Notifications only: no reply at all, in turns too. */
  silent = answer_in_turns (fake, &fake_yield_handler, notifications, 1000, &turns);
  g_assert_cmpstr (silent, ==, "");
}

/* ---- Results written in pieces (PcResultStream, for `sample`) ---------- */

/* "count" with params [N] streams the array [0,1,...,N-1], one number
 * per write; [-1] is refused with -32602. Frees are counted. */
typedef struct
{
  PcResultStream parent;
  gint64         n;
  gint64         next;
  guint         *freed;
} CountStream;

static gboolean
count_write (PcResultStream *stream,
             GString        *out)
{
  CountStream *self = (CountStream *) stream;

  if (self->next == self->n)
    {
      g_string_append_c (out, ']');
      return TRUE;
    }
  g_string_append_printf (out, "%s%" G_GINT64_FORMAT, self->next == 0 ? "[" : ",", self->next);
  self->next++;
  return FALSE;
}

static void
count_free (PcResultStream *stream)
{
  CountStream *self = (CountStream *) stream;

  (*self->freed)++;
  g_free (self);
}

static guint count_streams_freed;

static PcResultStream *
count_stream (gpointer    user_data,
              const char *method,
              json_t     *params,
              PcRpcError *error)
{
  CountStream *stream;
  gint64 n;

  if (!g_str_equal (method, "count"))
    return NULL;
  n = json_integer_value (json_array_get (params, 0));
  if (n < 1)
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL, "count takes [N], N >= 1");
      return NULL;
    }
  stream = g_new0 (CountStream, 1);
  stream->parent.write = count_write;
  stream->parent.free = count_free;
  stream->n = n;
  stream->freed = &count_streams_freed;
  return &stream->parent;
}

static char *
handle_with (Fake                   *fake,
             const PcRequestHandler *handler,
             const char             *line)
{
  GString *out = g_string_new (NULL);
  g_autofree char *exact = g_memdup2 (line, strlen (line));

  pc_protocol_handle_line (exact, strlen (line), handler, fake, out);
  return g_string_free (out, FALSE);
}

static const PcRequestHandler stream_handler = {
  .plain = fake_plain,
  .call = fake_call,
  .stream = count_stream,
};

static const PcRequestHandler stream_yield_handler = {
  .plain = fake_plain,
  .call = fake_call,
  .must_yield = always_yield,
  .stream = count_stream,
};

static void
test_stream (void)
{
  g_autoptr(Fake) fake = fake_new ();
  const char *single = "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"count\",\"params\":[3]}";
  const char *batch =
    "[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"count\",\"params\":[2]},"
    "{\"jsonrpc\":\"2.0\",\"method\":\"count\",\"params\":[50]},"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subtract\",\"params\":[5,2]},"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"count\",\"params\":[-1]},"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"count\",\"params\":[1]}]";
  g_autofree char *whole = handle_with (fake, &stream_handler, single);
  g_autofree char *pieces = NULL;
  g_autofree char *batch_whole = handle_with (fake, &stream_handler, batch);
  g_autofree char *batch_pieces = NULL;
  guint turns = 0;

  /* The response around the pieces, the id as the client wrote it. */
  g_assert_cmpstr (whole, ==, "{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":[0,1,2]}\n");
  /* One piece per turn when the handler must yield: the same bytes. */
  pieces = answer_in_turns (fake, &stream_yield_handler, single, 1000, &turns);
  g_assert_cmpstr (pieces, ==, whole);
  g_assert_cmpuint (turns, ==, 4);

  /* In a batch: a notification's stream is freed unwritten, an error is
   * an error response, the other calls are answered in between. */
  g_assert_cmpstr (batch_whole, ==,
                   "[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":[0,1]},"
                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":3},"
                   "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,"
                   "\"message\":\"count takes [N], N >= 1\"}},"
                   "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[0]}]\n");
  batch_pieces = answer_in_turns (fake, &stream_yield_handler, batch, 1000, &turns);
  g_assert_cmpstr (batch_pieces, ==, batch_whole);
  /* Streams opened so far, every one freed: the single call twice, and
   * three per batch (the refused one never opened) twice. */
  g_assert_cmpuint (count_streams_freed, ==, 8);
}

/* A request given up on mid-stream (the session closed) frees its stream. */
static void
test_stream_abandoned (void)
{
  g_autoptr(Fake) fake = fake_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  const char *line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\",\"params\":[100]}";
  guint before = count_streams_freed;
  PcRequest *request = pc_protocol_answer_line (line, strlen (line), 1000,
                                                &stream_yield_handler, fake, out);

  g_assert_nonnull (request);
  g_assert_false (pc_request_resume (request, &stream_yield_handler, fake, out));
  g_assert_cmpstr (out->str, ==, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[0,1");
  pc_request_free (request);
  g_assert_cmpuint (count_streams_freed, ==, before + 1);
}

static void
test_batch_limit (void)
{
  g_autoptr(Fake) fake = fake_new ();
  const char *call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"1\"]}";
  g_autoptr(GString) line = g_string_new ("[");
  g_autofree char *fast_over = NULL;
  g_autofree char *general_over = NULL;
  g_autofree char *at_limit = NULL;
  g_autoptr(json_t) reply = NULL;
  guint turns = 0;

  for (int i = 0; i < 5; i++)
    g_string_append_printf (line, "%s%s", i > 0 ? "," : "", call);
  g_string_append_c (line, ']');

  /* Five calls where four are allowed: refused whole, nothing is run, on
   * either path. */
  fake->n_fast = 0;
  fast_over = answer_in_turns (fake, &fake_fast_yield_handler, line->str, 4, &turns);
  general_over = answer_in_turns (fake, &fake_yield_handler, line->str, 4, &turns);
  g_assert_cmpstr (fast_over, ==, general_over);
  g_assert_cmpuint (fake->n_fast, ==, 0);
  g_assert_cmpuint (fake->calls->len, ==, 0);
  reply = parse_json (fast_over);
  g_assert_true (json_is_object (reply));
  g_assert_true (json_is_null (json_object_get (reply, "id")));
  g_assert_cmpint (json_integer_value (json_object_get (json_object_get (reply, "error"), "code")),
                   ==, PC_RPC_BUSY);
  g_assert_cmpstr (json_string_value (json_object_get (json_object_get (json_object_get (reply, "error"),
                                                                        "data"), "limit")),
                   ==, "batch");
  g_assert_nonnull (strstr (json_string_value (json_object_get (json_object_get (reply, "error"),
                                                                "message")), "limit 4"));
  /* Five where five are allowed: answered. */
  at_limit = answer_in_turns (fake, &fake_fast_yield_handler, line->str, 5, &turns);
  g_assert_cmpuint (fake->n_fast, ==, 5);
  g_assert_true (g_str_has_prefix (at_limit, "[{"));
}

/* JSON's blanks before the first { or [ (space, tab, CR) make a JSON-RPC
 * line, on the fast and the general path, and the line reader's mode for
 * an over-long line agrees. */
static void
test_leading_blanks (void)
{
  g_autoptr(Fake) fake = fake_new ();
  const char *lines[] = {
    "\r{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"2\"]}",
    " \t\r {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"2\"]}",
    "\r[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eval\",\"params\":[\"2\"]}]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *general = handle (fake, lines[i], -1);
      g_autofree char *fast = handle_fast (fake, lines[i], strlen (lines[i]));

      g_assert_cmpstr (general, ==, fast);
      g_assert_nonnull (strstr (general, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"));
    }
  g_assert_cmpuint (fake->n_plain, ==, 0);
  {
    g_autofree char *error = handle (fake, "\r{\"jsonrpc\"", -1);

    g_assert_cmpint (error_code (error, NULL), ==, PC_RPC_PARSE_ERROR);
  }
  {
    g_autoptr(PcLineReader) reader = pc_line_reader_new (8);
    const char *text = "\r{\"jsonrpc\":\"2.0\"}\n";
    const char *line = NULL;
    gsize len = 0;
    gboolean looks_json = FALSE;
    guint8 *buf = pc_line_reader_prepare (reader, strlen (text));

    memcpy (buf, text, strlen (text));
    pc_line_reader_commit (reader, strlen (text));
    g_assert_cmpint (pc_line_reader_next (reader, &line, &len, &looks_json), ==, PC_LINE_TOO_LONG);
    g_assert_true (looks_json);
  }
}

/* ---- The session's methods on a real evaluator ------------------------- */

/* The result of @method, or "error CODE LIMIT", as compact JSON text. */
static char *
call_method (PcEvaluator *ev,
             const char  *method,
             const char  *params)
{
  PcMethodsServer server = { "unix", 1 << 20, 8, 0, 1000, 10000 };
  PcRpcError error = { 0, NULL, NULL };
  g_autoptr(GString) out = g_string_new (NULL);
  json_t *parsed = params != NULL ? parse_json (params) : NULL;
  json_t *result = pc_methods_call (ev, &server, method, parsed, &error);

  json_decref (parsed);
  if (result == NULL)
    {
      json_t *limit = json_object_get (error.data, "limit");
      char *text = g_strdup_printf ("error %d %s", error.code,
                                    limit != NULL ? json_string_value (limit) : "");

      pc_rpc_error_clear (&error);
      return text;
    }
  pc_json_append (out, result);
  json_decref (result);
  return g_strdup (out->str);
}

static char *
plain (PcEvaluator *ev,
       const char  *expr)
{
  GString *out = g_string_new (NULL);

  pc_methods_plain (ev, expr, out);
  return g_string_free (out, FALSE);
}

/* The eval call both ways (general and fast path): the same bytes. */
static char *
eval_both (PcEvaluator *ev,
           const char  *expr)
{
  g_autofree char *params = g_strdup_printf ("[\"%s\"]", expr);
  g_autofree char *general = NULL;
  g_autoptr(GString) fast = g_string_new (NULL);

  pc_methods_eval_json (ev, expr, fast);
  general = call_method (ev, "eval", params);
  if (g_str_has_prefix (fast->str, "\"result\":"))
    g_assert_cmpstr (fast->str + strlen ("\"result\":"), ==, general);
  return g_steal_pointer (&general);
}

static void
assert_call (PcEvaluator *ev,
             const char  *method,
             const char  *params,
             const char  *expected)
{
  g_autofree char *got = call_method (ev, method, params);

  g_test_message ("%s %s → %s", method, params ? params : "", got);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_methods_user_functions (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autofree char *defined = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *text = NULL;
  g_autofree char *catalogue = NULL;

  /* A definition answers its text, in plain mode and in JSON-RPC. */
  text = plain (ev, "f(x) = x^2 + 1");
  g_assert_cmpstr (text, ==, "f(x) = x^2 + 1");
  g_clear_pointer (&text, g_free);
  text = plain (ev, "f(3)!");
  g_assert_cmpstr (text, ==, "3628800");
  defined = eval_both (ev, "g(a, b) = a*b + f(a)");
  g_assert_cmpstr (defined, ==,
                   "{\"value\":null,\"values\":[],\"text\":\"g(a, b) = a*b + f(a)\"}");
  reply = eval_both (ev, "g(2, 5)");
  g_assert_cmpstr (reply, ==, "{\"value\":15,\"values\":[15],\"text\":\"15\",\"exact\":\"15\"}");
  g_clear_pointer (&text, g_free);
  text = plain (ev, "g(x) = y");
  g_assert_cmpstr (text, ==, "error: Unknown variable \"y\" at position 7");

  /* vars keeps its shape: variables only. */
  assert_call (ev, "vars", NULL, "{\"ans\":15}");
  /* functions lists them, in name order, with their text. */
  catalogue = call_method (ev, "functions", NULL);
  g_assert_nonnull (strstr (catalogue, "{\"name\":\"nCr\",\"args\":2,"));
  g_assert_nonnull (strstr (catalogue, "\"%\""));
  g_assert_true (g_str_has_suffix (catalogue,
                                   ",\"user\":[{\"name\":\"f\",\"args\":1,\"text\":\"f(x) = x^2 + 1\"},"
                                   "{\"name\":\"g\",\"args\":2,\"text\":\"g(a, b) = a*b + f(a)\"}]}"));

  assert_call (ev, "unset", "{\"name\":\"g\"}", "true");
  assert_call (ev, "unset", "[\"g\"]", "error -32602 ");
  g_clear_pointer (&catalogue, g_free);
  catalogue = call_method (ev, "functions", NULL);
  g_assert_true (g_str_has_suffix (catalogue,
                                   ",\"user\":[{\"name\":\"f\",\"args\":1,\"text\":\"f(x) = x^2 + 1\"}]}"));
  assert_call (ev, "reset", NULL, "true");
  g_clear_pointer (&catalogue, g_free);
  catalogue = call_method (ev, "functions", NULL);
  g_assert_true (g_str_has_suffix (catalogue, ",\"user\":[]}"));
  g_clear_pointer (&text, g_free);
  text = plain (ev, "f(3)");
  g_assert_cmpstr (text, ==, "error: Unknown function \"f\" at position 0");
}

/* The function limit is error 1002 like the variable limit, both ways. */
static void
test_methods_function_limit (void)
{
  g_autoptr(PcEvaluator) ev = pc_evaluator_new ();
  g_autoptr(GString) fast = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (int i = 0; i < PC_EVAL_MAX_FUNCTIONS; i++)
    {
      g_autofree char *def = g_strdup_printf ("f%d(x) = x", i);
      g_autofree char *got = plain (ev, def);

      g_assert_cmpstr (got, ==, def);
    }
  assert_call (ev, "eval", "[\"z(x) = 1\"]", "error 1002 functions");
  pc_methods_eval_json (ev, "z(x) = 1", fast);
  g_assert_cmpstr (fast->str, ==,
                   "\"error\":{\"code\":1002,\"message\":\"Too many functions: a session holds "
                   "at most 100, and 16384 bytes of definitions (limit \\\"functions\\\")\",\"data\":{\"limit\":\"functions\"}}");
  text = plain (ev, "z(x) = 1");
  g_assert_cmpstr (text, ==,
                   "error: Too many functions: a session holds at most 100, and 16384 "
                   "bytes of definitions (limit \"functions\")");
}

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
  g_test_add_func ("/protocol/json-writers", test_writers_match_jansson);
  for (gsize i = 0; i < G_N_ELEMENTS (fast_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/jsonrpc/fast-path/%02" G_GSIZE_FORMAT, i);

      g_test_add_data_func (path, &fast_cases[i], test_fast_path);
    }
  g_test_add_func ("/protocol/jsonrpc/hostile/duplicate-keys", test_hostile_duplicate_keys);
  g_test_add_func ("/protocol/jsonrpc/hostile/nul-escape", test_hostile_nul_escape);
  g_test_add_func ("/protocol/jsonrpc/hostile/deep", test_hostile_deep);
  g_test_add_func ("/protocol/jsonrpc/hostile/numbers", test_hostile_numbers);
  g_test_add_func ("/protocol/jsonrpc/hostile/huge-string", test_hostile_huge_string);

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
  g_test_add_func ("/protocol/batch/in-turns", test_batch_in_turns);
  g_test_add_func ("/protocol/batch/limit", test_batch_limit);
  g_test_add_func ("/protocol/stream/pieces", test_stream);
  g_test_add_func ("/protocol/stream/abandoned", test_stream_abandoned);
  g_test_add_func ("/protocol/leading-blanks", test_leading_blanks);
  g_test_add_func ("/protocol/client/round-trip", test_round_trip);
  g_test_add_func ("/protocol/client/result", test_parse_result);
  g_test_add_func ("/protocol/client/error", test_parse_error_reply);
  g_test_add_func ("/protocol/client/malformed", test_parse_malformed);
  g_test_add_func ("/protocol/methods/user-functions", test_methods_user_functions);
  g_test_add_func ("/protocol/methods/function-limit", test_methods_function_limit);
  g_test_add_func ("/protocol/client/deep", test_parse_deep_reply);

  return g_test_run ();
}
