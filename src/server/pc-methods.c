/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-format.h"
#include "pc-methods.h"

/* Server replies are protocol text: English, never translated (clients
 * translate by error code). */

/* pc_format_append_values(), with the common case of a whole number below
 * 10^15 written without printf: the same text "%.15g" gives (all of its
 * digits, no exponent), at a tenth of the cost, which shows in the
 * per-request profile. */
static void
append_values (GString      *out,
               const double *values,
               guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      double v = values[i];

      if (i > 0)
        g_string_append_len (out, ", ", 2);
      if (v > -1e15 && v < 1e15 && v != 0 && v == (double) (gint64) v)
        {
          char digits[24];
          char *p = digits + sizeof digits;
          guint64 m = v < 0 ? (guint64) -(gint64) v : (guint64) v;

          do
            *--p = '0' + m % 10;
          while ((m /= 10) > 0);
          if (v < 0)
            *--p = '-';
          g_string_append_len (out, p, digits + sizeof digits - p);
        }
      else
        pc_format_append_values (out, &v, 1);
    }
}

static JsonNode *
expression_error (PcRpcError        *error,
                  const GError      *eval_error,
                  PcEvalErrorDetail *detail)
{
  JsonObject *data = json_object_new ();

  json_object_set_int_member (data, "pos", detail->pos);
  json_object_set_string_member (data, "token", detail->token ? detail->token : "");
  json_object_set_string_member (data, "reason", pc_eval_error_reason (eval_error->code));
  pc_rpc_error_set (error, PC_RPC_EXPRESSION_ERROR,
                    pc_json_take_object (data),
                    "%s", eval_error->message);
  return NULL;
}

static const char *
expr_param (JsonNode *params)
{
  JsonNode *expr = NULL;

  if (params == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (params))
    {
      JsonObject *object = json_node_get_object (params);

      if (json_object_get_size (object) == 1)
        expr = json_object_get_member (object, "expr");
    }
  else if (JSON_NODE_HOLDS_ARRAY (params))
    {
      JsonArray *array = json_node_get_array (params);

      if (json_array_get_length (array) == 1)
        expr = json_array_get_element (array, 0);
    }
  if (expr == NULL || !JSON_NODE_HOLDS_VALUE (expr)
      || json_node_get_value_type (expr) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (expr);
}

static JsonNode *
method_eval (PcEvaluator *evaluator,
             JsonNode    *params,
             PcRpcError  *error)
{
  const char *expr = expr_param (params);
  g_autoptr(GError) eval_error = NULL;
  const double *values;
  guint n = 0;
  PcEvalErrorDetail detail = { -1, NULL };
  JsonObject *result;
  JsonArray *list;
  GString *text;

  if (expr == NULL)
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                        "Invalid params: eval takes {\"expr\": STRING} or [STRING]");
      return NULL;
    }

  values = pc_evaluator_eval_values (evaluator, expr, &n, &detail, &eval_error);
  if (values == NULL)
    {
      expression_error (error, eval_error, &detail);
      pc_eval_error_detail_clear (&detail);
      return NULL;
    }

  result = json_object_new ();
  list = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (list, pc_json_number (values[i]));
  json_object_set_member (result, "value", pc_json_number (values[n - 1]));
  json_object_set_array_member (result, "values", list);
  text = g_string_new (NULL);
  append_values (text, values, n);
  json_object_set_string_member (result, "text", text->str);
  g_string_free (text, TRUE);
  return pc_json_take_object (result);
}

static void
add_variable (const char *name,
              double      value,
              gpointer    user_data)
{
  json_object_set_member (user_data, name, pc_json_number (value));
}

static JsonNode *
method_vars (PcEvaluator *evaluator)
{
  JsonObject *vars = json_object_new ();
  JsonNode *node;

  pc_evaluator_foreach_variable (evaluator, add_variable, vars);
  node = pc_json_take_object (vars);
  return node;
}

static JsonNode *
method_unset (PcEvaluator *evaluator,
              JsonNode    *params,
              PcRpcError  *error)
{
  g_autoptr(GError) eval_error = NULL;
  const char *name = NULL;

  if (params != NULL && JSON_NODE_HOLDS_OBJECT (params))
    name = json_object_get_string_member_with_default (json_node_get_object (params),
                                                       "name", NULL);
  else if (params != NULL && JSON_NODE_HOLDS_ARRAY (params)
           && json_array_get_length (json_node_get_array (params)) == 1)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (params), 0);

      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
        name = json_node_get_string (first);
    }
  if (name == NULL)
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                        "Invalid params: unset takes {\"name\": STRING}");
      return NULL;
    }
  if (!pc_evaluator_unset (evaluator, name, &eval_error))
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                        "Invalid params: %s", eval_error->message);
      return NULL;
    }
  return json_node_init_boolean (json_node_alloc (), TRUE);
}

static JsonNode *
method_functions (void)
{
  JsonObject *result = json_object_new ();
  JsonArray *functions = json_array_new ();
  JsonArray *operators = json_array_new ();
  JsonObject *constants = json_object_new ();
  const PcCatalogFunction *fun;
  const PcCatalogConstant *constant;
  const char * const *oprt;
  guint n;

  fun = pc_evaluator_functions (&n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *one = json_object_new ();

      json_object_set_string_member (one, "name", fun[i].name);
      json_object_set_int_member (one, "args", fun[i].n_args);
      json_object_set_string_member (one, "description", fun[i].description);
      json_array_add_object_element (functions, one);
    }
  oprt = pc_evaluator_operators (&n);
  for (guint i = 0; i < n; i++)
    json_array_add_string_element (operators, oprt[i]);
  constant = pc_evaluator_constants (&n);
  for (guint i = 0; i < n; i++)
    json_object_set_member (constants, constant[i].name, pc_json_number (constant[i].value));

  json_object_set_array_member (result, "functions", functions);
  json_object_set_array_member (result, "operators", operators);
  json_object_set_object_member (result, "constants", constants);
  return pc_json_take_object (result);
}

static JsonNode *
method_info (const PcSessionConfig *config)
{
  JsonObject *result = json_object_new ();
  JsonObject *limits = json_object_new ();

  json_object_set_string_member (result, "server", "pipecalcd");
  json_object_set_string_member (result, "version", PACKAGE_VERSION);
  json_object_set_int_member (result, "protocol", PC_PROTOCOL_VERSION);
  json_object_set_string_member (result, "muparser", PC_MUPARSER_VERSION);
  json_object_set_string_member (result, "transport", config->transport);
  json_object_set_int_member (limits, "max_line", (gint64) config->max_line);
  json_object_set_int_member (limits, "max_clients", config->max_clients);
  json_object_set_int_member (limits, "idle_timeout", config->idle_timeout);
  json_object_set_int_member (limits, "max_expression", PC_EVAL_MAX_EXPRESSION);
  json_object_set_object_member (result, "limits", limits);
  return pc_json_take_object (result);
}

static gboolean
params_empty (JsonNode *params)
{
  if (params == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (params))
    return json_object_get_size (json_node_get_object (params)) == 0;
  return json_array_get_length (json_node_get_array (params)) == 0;
}

JsonNode *
pc_methods_call (PcEvaluator           *evaluator,
                 const PcSessionConfig *config,
                 const char            *method,
                 JsonNode              *params,
                 PcRpcError            *error)
{
  if (g_str_equal (method, "eval"))
    return method_eval (evaluator, params, error);
  if (g_str_equal (method, "unset"))
    return method_unset (evaluator, params, error);

  if (g_str_equal (method, "vars") || g_str_equal (method, "reset")
      || g_str_equal (method, "functions") || g_str_equal (method, "info")
      || g_str_equal (method, "ping"))
    {
      if (!params_empty (params))
        {
          pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                            "Invalid params: %s takes no parameters", method);
          return NULL;
        }
      if (g_str_equal (method, "vars"))
        return method_vars (evaluator);
      if (g_str_equal (method, "reset"))
        {
          pc_evaluator_reset (evaluator);
          return json_node_init_boolean (json_node_alloc (), TRUE);
        }
      if (g_str_equal (method, "functions"))
        return method_functions ();
      if (g_str_equal (method, "info"))
        return method_info (config);
      return json_node_init_string (json_node_alloc (), "pong");
    }
  if (g_str_equal (method, "auth"))
    {
      /* This server requires no token: any auth succeeds. */
      return json_node_init_boolean (json_node_alloc (), TRUE);
    }

  pc_rpc_error_set (error, PC_RPC_METHOD_NOT_FOUND, NULL,
                    "Method not found: %s", method);
  return NULL;
}

void
pc_methods_plain (PcEvaluator *evaluator,
                  const char  *expr,
                  GString     *out)
{
  g_autoptr(GError) eval_error = NULL;
  guint n = 0;
  const double *values = pc_evaluator_eval_values (evaluator, expr, &n, NULL, &eval_error);

  if (values == NULL)
    {
      g_string_append (out, "error: ");
      g_string_append (out, eval_error->message);
      return;
    }
  append_values (out, values, n);
}

void
pc_methods_eval_json (PcEvaluator *evaluator,
                      const char  *expr,
                      GString     *out)
{
  g_autoptr(GError) eval_error = NULL;
  PcEvalErrorDetail detail = { -1, NULL };
  guint n = 0;
  const double *values = pc_evaluator_eval_values (evaluator, expr, &n, &detail, &eval_error);

  /* The text method_eval()'s result, or expression_error()'s error,
   * makes through the protocol's reply writer; member for member. */
  if (values == NULL)
    {
      g_string_append (out, "\"error\":{\"code\":");
      g_string_append_printf (out, "%d", PC_RPC_EXPRESSION_ERROR);
      g_string_append (out, ",\"message\":");
      pc_json_append_string (out, eval_error->message);
      g_string_append_printf (out, ",\"data\":{\"pos\":%d,\"token\":", detail.pos);
      pc_json_append_string (out, detail.token ? detail.token : "");
      g_string_append (out, ",\"reason\":");
      pc_json_append_string (out, pc_eval_error_reason (eval_error->code));
      g_string_append (out, "}}");
      pc_eval_error_detail_clear (&detail);
      return;
    }
  g_string_append (out, "\"result\":{\"value\":");
  pc_json_append_number (out, values[n - 1]);
  g_string_append (out, ",\"values\":[");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      pc_json_append_number (out, values[i]);
    }
  g_string_append (out, "],\"text\":\"");
  /* Digits, signs, points, "inf", "nan" and ", ": nothing to escape. */
  append_values (out, values, n);
  g_string_append (out, "\"}");
}
