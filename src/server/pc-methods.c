/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pc-format.h"
#include "pc-methods.h"
#include "pc-token.h"

/* Server replies are protocol text: English, never translated (clients
 * translate by error code). Every member below goes in with
 * json_object_set_new() from a constructor that never returns NULL for
 * these values (pc_json_string() repairs invalid UTF-8). */

/* The errors of an expression that are not about the expression: the
 * session holds as many variables or functions as it may. A limit, so
 * 1002, and the name of the limit. */
static const char *
limit_name (const GError *eval_error)
{
  if (g_error_matches (eval_error, PC_EVAL_ERROR, PC_EVAL_ERROR_TOO_MANY_VARIABLES))
    return "variables";
  if (g_error_matches (eval_error, PC_EVAL_ERROR, PC_EVAL_ERROR_TOO_MANY_FUNCTIONS))
    return "functions";
  return NULL;
}

static gboolean
is_limit_error (const GError *eval_error)
{
  return limit_name (eval_error) != NULL;
}

static json_t *
limit_data (const char *limit)
{
  json_t *data = json_object ();

  json_object_set_new (data, "limit", json_string (limit));
  return data;
}

static json_t *
expression_error (PcRpcError        *error,
                  const GError      *eval_error,
                  PcEvalErrorDetail *detail)
{
  json_t *data;

  if (is_limit_error (eval_error))
    {
      pc_rpc_error_set (error, PC_RPC_BUSY, limit_data (limit_name (eval_error)), "%s",
                        eval_error->message);
      return NULL;
    }
  data = json_object ();

  json_object_set_new (data, "pos", json_integer (detail->pos));
  json_object_set_new (data, "token", pc_json_string (detail->token ? detail->token : ""));
  json_object_set_new (data, "reason", json_string (pc_eval_error_reason (eval_error->code)));
  pc_rpc_error_set (error, PC_RPC_EXPRESSION_ERROR, data, "%s", eval_error->message);
  return NULL;
}

/* The one string of @params, {"NAME": STRING} or [STRING], or %NULL. */
static const char *
string_param (json_t     *params,
              const char *name)
{
  json_t *value = NULL;

  if (json_is_object (params) && json_object_size (params) == 1)
    value = json_object_get (params, name);
  else if (json_is_array (params) && json_array_size (params) == 1)
    value = json_array_get (params, 0);
  return json_string_value (value);
}

static json_t *
method_eval (PcEvaluator *evaluator,
             json_t      *params,
             PcRpcError  *error)
{
  const char *expr = string_param (params, "expr");
  g_autoptr(GError) eval_error = NULL;
  g_autoptr(GString) text = NULL;
  const double *values;
  guint n = 0;
  PcEvalErrorDetail detail = { -1, NULL };
  json_t *result;
  json_t *list;

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

  result = json_object ();
  /* A function definition has no value: its text is the answer. */
  if (n == 0)
    {
      json_object_set_new (result, "value", json_null ());
      json_object_set_new (result, "values", json_array ());
      json_object_set_new (result, "text",
                           pc_json_string (pc_evaluator_definition (evaluator)));
      return result;
    }
  list = json_array ();
  for (guint i = 0; i < n; i++)
    json_array_append_new (list, pc_json_number (values[i]));
  json_object_set_new (result, "value", pc_json_number (values[n - 1]));
  json_object_set_new (result, "values", list);
  text = g_string_new (NULL);
  pc_format_append_values (text, values, n);
  json_object_set_new (result, "text", json_string (text->str));
  /* What "value" cannot say by itself (docs/protocol.md, "Values"). */
  if (pc_format_is_integer (values[n - 1]))
    {
      g_string_truncate (text, 0);
      pc_format_append_exact (text, values[n - 1]);
      json_object_set_new (result, "exact", json_string (text->str));
    }
  else if (!isfinite (values[n - 1]))
    json_object_set_new (result, "kind",
                         json_string (isnan (values[n - 1]) ? "undefined" : "infinity"));
  return result;
}

static void
add_variable (const char *name,
              double      value,
              gpointer    user_data)
{
  json_object_set_new (user_data, name, pc_json_number (value));
}

typedef struct
{
  json_t     *vars;
  const char *last;
} Page;

static void
add_to_page (const char *name,
             double      value,
             gpointer    user_data)
{
  Page *page = user_data;

  json_object_set_new (page->vars, name, pc_json_number (value));
  page->last = name;
}

/* `vars` answers in one reply only a session of at most PC_VARS_PAGE_MAX
 * variables, so that no reply grows with the session; larger ones are
 * read in pages: {"limit": N, "after": NAME}, both optional. */
static json_t *
method_vars (PcEvaluator *evaluator,
             json_t      *params,
             PcRpcError  *error)
{
  json_t *limit_value;
  json_t *after_value;
  json_int_t limit = PC_VARS_PAGE_MAX;
  Page page = { NULL, NULL };
  json_t *result;
  gboolean more;

  if (params == NULL || (json_is_object (params) && json_object_size (params) == 0)
      || (json_is_array (params) && json_array_size (params) == 0))
    {
      guint n = pc_evaluator_n_variables (evaluator);
      json_t *vars;

      if (n > PC_VARS_PAGE_MAX)
        {
          pc_rpc_error_set (error, PC_RPC_BUSY, limit_data ("vars"),
                            "too many variables for one reply: %u (limit %d); "
                            "ask for pages with {\"limit\": N, \"after\": NAME}",
                            n, PC_VARS_PAGE_MAX);
          return NULL;
        }
      vars = json_object ();
      pc_evaluator_foreach_variable (evaluator, add_variable, vars);
      return vars;
    }

  limit_value = json_object_get (params, "limit");
  after_value = json_object_get (params, "after");
  if (!json_is_object (params)
      || json_object_size (params) != (gsize) ((limit_value != NULL) + (after_value != NULL))
      || (limit_value != NULL && !json_is_integer (limit_value))
      || (after_value != NULL && !json_is_string (after_value)))
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                        "Invalid params: vars takes no parameters, or "
                        "{\"limit\": N, \"after\": NAME}");
      return NULL;
    }
  if (limit_value != NULL)
    limit = json_integer_value (limit_value);
  if (limit < 1 || limit > PC_VARS_PAGE_MAX)
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                        "Invalid params: \"limit\" must be from 1 to %d",
                        PC_VARS_PAGE_MAX);
      return NULL;
    }

  page.vars = json_object ();
  more = pc_evaluator_list_variables (evaluator, json_string_value (after_value),
                                      (guint) limit, add_to_page, &page);
  result = json_object ();
  json_object_set_new (result, "vars", page.vars);
  json_object_set_new (result, "next",
                       more && page.last != NULL ? pc_json_string (page.last) : json_null ());
  return result;
}

static json_t *
method_unset (PcEvaluator *evaluator,
              json_t      *params,
              PcRpcError  *error)
{
  g_autoptr(GError) eval_error = NULL;
  const char *name = NULL;

  /* {"name": ...} may carry other members; [NAME] holds only the name. */
  if (json_is_object (params))
    name = json_string_value (json_object_get (params, "name"));
  else if (json_is_array (params) && json_array_size (params) == 1)
    name = json_string_value (json_array_get (params, 0));
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
  return json_true ();
}

static void
add_user_function (const char *name,
                   guint       n_params,
                   const char *text,
                   gpointer    user_data)
{
  json_t *one = json_object ();

  json_object_set_new (one, "name", pc_json_string (name));
  json_object_set_new (one, "args", json_integer (n_params));
  json_object_set_new (one, "text", pc_json_string (text));
  json_array_append_new (user_data, one);
}

/* The catalogue, and this session's own functions in "user". */
static json_t *
method_functions (PcEvaluator *evaluator)
{
  json_t *result = json_object ();
  json_t *functions = json_array ();
  json_t *operators = json_array ();
  json_t *constants = json_object ();
  const PcCatalogFunction *fun;
  const PcCatalogConstant *constant;
  const char * const *oprt;
  json_t *user;
  guint n;

  fun = pc_evaluator_functions (&n);
  for (guint i = 0; i < n; i++)
    {
      json_t *one = json_object ();

      json_object_set_new (one, "name", pc_json_string (fun[i].name));
      json_object_set_new (one, "args", json_integer (fun[i].n_args));
      json_object_set_new (one, "description", pc_json_string (fun[i].description));
      json_array_append_new (functions, one);
    }
  oprt = pc_evaluator_operators (&n);
  for (guint i = 0; i < n; i++)
    json_array_append_new (operators, pc_json_string (oprt[i]));
  constant = pc_evaluator_constants (&n);
  for (guint i = 0; i < n; i++)
    json_object_set_new (constants, constant[i].name, pc_json_number (constant[i].value));

  json_object_set_new (result, "functions", functions);
  json_object_set_new (result, "operators", operators);
  json_object_set_new (result, "constants", constants);
  user = json_array ();
  pc_evaluator_foreach_function (evaluator, add_user_function, user);
  json_object_set_new (result, "user", user);
  return result;
}

static json_t *
method_info (const PcMethodsServer *server)
{
  json_t *result = json_object ();
  json_t *limits = json_object ();

  json_object_set_new (result, "server", json_string (PC_SERVER_NAME));
  json_object_set_new (result, "version", json_string (PACKAGE_VERSION));
  json_object_set_new (result, "protocol", json_integer (PC_PROTOCOL_VERSION));
  json_object_set_new (result, "muparser", pc_json_string (PC_MUPARSER_VERSION));
  json_object_set_new (result, "transport",
                       pc_json_string (server->transport ? server->transport : ""));
  json_object_set_new (limits, "max_line", json_integer ((json_int_t) server->max_line));
  json_object_set_new (limits, "max_clients", json_integer (server->max_clients));
  json_object_set_new (limits, "idle_timeout", json_integer (server->idle_timeout));
  json_object_set_new (limits, "max_expression", json_integer (PC_EVAL_MAX_EXPRESSION));
  json_object_set_new (limits, "max_batch", json_integer ((json_int_t) server->max_batch));
  json_object_set_new (limits, "max_variables", json_integer (server->max_variables));
  json_object_set_new (limits, "vars_page", json_integer (PC_VARS_PAGE_MAX));
  json_object_set_new (limits, "sample_points", json_integer (PC_EVAL_SAMPLE_MAX_POINTS));
  json_object_set_new (result, "limits", limits);
  return result;
}

static gboolean
params_empty (json_t *params)
{
  if (params == NULL)
    return TRUE;
  if (json_is_object (params))
    return json_object_size (params) == 0;
  return json_array_size (params) == 0;
}

json_t *
pc_methods_call (PcEvaluator           *evaluator,
                 const PcMethodsServer *server,
                 const char            *method,
                 json_t                *params,
                 PcRpcError            *error)
{
  if (g_str_equal (method, "eval"))
    return method_eval (evaluator, params, error);
  if (g_str_equal (method, "unset"))
    return method_unset (evaluator, params, error);
  if (g_str_equal (method, "vars"))
    return method_vars (evaluator, params, error);

  if (g_str_equal (method, "reset")
      || g_str_equal (method, "functions") || g_str_equal (method, "info")
      || g_str_equal (method, "ping"))
    {
      if (!params_empty (params))
        {
          pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                            "Invalid params: %s takes no parameters", method);
          return NULL;
        }
      if (g_str_equal (method, "reset"))
        {
          pc_evaluator_reset (evaluator);
          return json_true ();
        }
      if (g_str_equal (method, "functions"))
        return method_functions (evaluator);
      if (g_str_equal (method, "info"))
        return method_info (server);
      return json_string ("pong");
    }
  if (g_str_equal (method, "auth"))
    {
      /* This server requires no token: any auth succeeds. */
      return json_true ();
    }
  /* Its result can be tens of megabytes: only ever written in pieces. */
  if (g_str_equal (method, "sample"))
    {
      pc_rpc_error_set (error, PC_RPC_INTERNAL_ERROR, NULL,
                        "Internal error: sample is only answered as a stream");
      return NULL;
    }

  pc_rpc_error_set (error, PC_RPC_METHOD_NOT_FOUND, NULL,
                    "Method not found: %s", method);
  return NULL;
}

json_t *
pc_methods_auth (const char *expected,
                 json_t     *params,
                 gboolean   *accepted,
                 PcRpcError *error)
{
  json_t *token = NULL;

  *accepted = FALSE;
  if (json_is_object (params) && json_object_size (params) == 1)
    token = json_object_get (params, "token");
  else if (json_is_array (params) && json_array_size (params) == 1)
    token = json_array_get (params, 0);
  if (!json_is_string (token))
    {
      pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, NULL,
                        "Invalid params: auth takes {\"token\": STRING}");
      return NULL;
    }
  /* json_string_value() stops at a NUL, which the protocol refuses in
   * strings anyway. */
  if (!pc_token_equal (expected, json_string_value (token)))
    {
      pc_rpc_error_set (error, PC_RPC_UNAUTHORIZED, NULL,
                        "Not authorized: the token is wrong");
      return NULL;
    }
  *accepted = TRUE;
  return json_true ();
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
  if (n == 0)
    {
      g_string_append (out, pc_evaluator_definition (evaluator));
      return;
    }
  pc_format_append_values (out, values, n);
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

  /* The bytes method_eval()'s result, or expression_error()'s error, make
   * through pc_json_append(); member for member, in the same order. */
  if (values == NULL && is_limit_error (eval_error))
    {
      g_string_append_printf (out, "\"error\":{\"code\":%d,\"message\":", PC_RPC_BUSY);
      pc_json_append_string (out, eval_error->message);
      g_string_append_printf (out, ",\"data\":{\"limit\":\"%s\"}}",
                              limit_name (eval_error));
      pc_eval_error_detail_clear (&detail);
      return;
    }
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
  if (n == 0)
    {
      g_string_append (out, "\"result\":{\"value\":null,\"values\":[],\"text\":");
      pc_json_append_string (out, pc_evaluator_definition (evaluator));
      g_string_append_c (out, '}');
      return;
    }
  /* The common answer, one whole number below 2^53: its digits are the
   * same in "value", "values", "exact" and (below 10^15) "text", so they
   * are written once and copied, without printf. */
  if (n == 1 && pc_format_is_integer (values[0]) && fabs (values[0]) < 1e15)
    {
      char digits[24];
      gsize start;
      gsize len;

      g_string_append (out, "\"result\":{\"value\":");
      start = out->len;
      pc_format_append_exact (out, values[0]);
      len = out->len - start;
      memcpy (digits, out->str + start, len);
      g_string_append_len (out, ",\"values\":[", 11);
      g_string_append_len (out, digits, (gssize) len);
      g_string_append_len (out, "],\"text\":\"", 10);
      g_string_append_len (out, digits, (gssize) len);
      g_string_append_len (out, "\",\"exact\":\"", 11);
      g_string_append_len (out, digits, (gssize) len);
      g_string_append_len (out, "\"}", 2);
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
  pc_format_append_values (out, values, n);
  if (pc_format_is_integer (values[n - 1]))
    {
      g_string_append (out, "\",\"exact\":\"");
      pc_format_append_exact (out, values[n - 1]);
      g_string_append (out, "\"}");
    }
  else if (isnan (values[n - 1]))
    g_string_append (out, "\",\"kind\":\"undefined\"}");
  else if (isinf (values[n - 1]))
    g_string_append (out, "\",\"kind\":\"infinity\"}");
  else
    g_string_append (out, "\"}");
}

/* ---- sample --------------------------------------------------------------- */

typedef struct
{
  PcResultStream  parent;
  PcSampler      *sampler;
  double          from;
  double          to;
  gboolean        started;
  guint           written;
} SampleStream;

static void
sample_stream_free (PcResultStream *stream)
{
  SampleStream *self = (SampleStream *) stream;

  pc_sampler_free (self->sampler);
  g_free (self);
}

/* One chunk of points per call: never more than a few thousand values
 * (some 100 KB of text) past the session's output mark. */
static gboolean
sample_stream_write (PcResultStream *stream,
                     GString        *out)
{
  SampleStream *self = (SampleStream *) stream;
  const double *values = NULL;
  guint n;

  if (!self->started)
    {
      self->started = TRUE;
      g_string_append (out, "{\"from\":");
      pc_json_append_number (out, self->from);
      g_string_append (out, ",\"to\":");
      pc_json_append_number (out, self->to);
      g_string_append (out, ",\"step\":");
      pc_json_append_number (out, pc_sampler_get_step (self->sampler));
      g_string_append (out, ",\"values\":[");
    }
  n = pc_sampler_next (self->sampler, PC_METHODS_SAMPLE_BUDGET_USEC, &values);
  for (guint i = 0; i < n; i++)
    {
      if (self->written + i > 0)
        g_string_append_c (out, ',');
      pc_json_append_number (out, values[i]);
    }
  self->written += n;
  if (n > 0)
    return FALSE;
  g_string_append (out, "]}");
  return TRUE;
}

static void
invalid_sample (PcRpcError *error,
                const char *reason,
                const char *message)
{
  json_t *data = json_object ();

  json_object_set_new (data, "reason", json_string (reason));
  pc_rpc_error_set (error, PC_RPC_INVALID_PARAMS, data, "Invalid params: %s", message);
}

static const char sample_shape[] =
  "sample takes {\"expr\": STRING, \"from\": NUMBER, \"to\": NUMBER, "
  "\"points\": INTEGER, \"var\": NAME (optional, \"x\")}";

static PcResultStream *
method_sample (PcEvaluator *evaluator,
               json_t      *params,
               PcRpcError  *error)
{
  g_autoptr(GError) eval_error = NULL;
  g_autofree char *points_message = NULL;
  PcEvalErrorDetail detail = { -1, NULL };
  json_t *expr, *var, *from, *to, *points;
  const char *key;
  json_t *value;
  double from_value, to_value;
  PcSampler *sampler;
  SampleStream *stream;

  if (!json_is_object (params))
    {
      invalid_sample (error, "params", sample_shape);
      return NULL;
    }
  json_object_foreach (params, key, value)
    if (!g_str_equal (key, "expr") && !g_str_equal (key, "var") && !g_str_equal (key, "from")
        && !g_str_equal (key, "to") && !g_str_equal (key, "points"))
      {
        invalid_sample (error, "params", sample_shape);
        return NULL;
      }
  expr = json_object_get (params, "expr");
  var = json_object_get (params, "var");
  from = json_object_get (params, "from");
  to = json_object_get (params, "to");
  points = json_object_get (params, "points");
  if (!json_is_string (expr) || (var != NULL && !json_is_string (var)))
    {
      invalid_sample (error, "params", sample_shape);
      return NULL;
    }
  if (!json_is_integer (points) || json_integer_value (points) < PC_EVAL_SAMPLE_MIN_POINTS
      || json_integer_value (points) > PC_EVAL_SAMPLE_MAX_POINTS)
    {
      points_message = g_strdup_printf ("\"points\" must be a whole number from %d to %d",
                                        PC_EVAL_SAMPLE_MIN_POINTS, PC_EVAL_SAMPLE_MAX_POINTS);
      invalid_sample (error, "points", points_message);
      return NULL;
    }
  /* JSON has no inf or nan: null, a string or nothing is what is not finite. */
  if (!json_is_number (from) || !json_is_number (to))
    {
      invalid_sample (error, "range", "\"from\" and \"to\" must be finite numbers");
      return NULL;
    }
  from_value = json_number_value (from);
  to_value = json_number_value (to);
  if (from_value == to_value)
    {
      invalid_sample (error, "empty-range", "\"from\" and \"to\" must differ");
      return NULL;
    }
  if (!isfinite (to_value - from_value))
    {
      invalid_sample (error, "range",
                      "\"from\" and \"to\" are too far apart: their difference is not finite");
      return NULL;
    }
  if (!pc_evaluator_check_sample_variable (evaluator, var != NULL ? json_string_value (var) : "x",
                                           &eval_error))
    {
      invalid_sample (error, "var", eval_error->message);
      return NULL;
    }

  sampler = pc_evaluator_sample (evaluator, json_string_value (expr),
                                 var != NULL ? json_string_value (var) : "x",
                                 from_value, to_value, (guint) json_integer_value (points),
                                 &detail, &eval_error);
  if (sampler == NULL)
    {
      expression_error (error, eval_error, &detail);
      pc_eval_error_detail_clear (&detail);
      return NULL;
    }
  stream = g_new0 (SampleStream, 1);
  stream->parent.write = sample_stream_write;
  stream->parent.free = sample_stream_free;
  stream->sampler = sampler;
  stream->from = from_value;
  stream->to = to_value;
  return &stream->parent;
}

PcResultStream *
pc_methods_stream (PcEvaluator *evaluator,
                   const char  *method,
                   json_t      *params,
                   PcRpcError  *error)
{
  if (g_str_equal (method, "sample"))
    return method_sample (evaluator, params, error);
  return NULL;
}
