/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-client"
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "pc-client-json.h"
#include "pc-format.h"

/* The typed calls of pc-client.h: each builds its request and decodes its
 * reply here, once, so the GUI and the CLI never see JSON. */

void
pc_eval_outcome_free (PcEvalOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->expression);
  g_free (outcome->values);
  g_free (outcome->text);
  g_free (outcome->exact);
  g_free (outcome->reason);
  g_free (outcome->message);
  g_free (outcome->error_token);
  g_free (outcome->raw);
  g_free (outcome);
}

void
pc_server_info_free (PcServerInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->server);
  g_free (info->version);
  g_free (info->muparser);
  g_free (info->transport);
  g_free (info);
}

static GError *
bad_reply (const char *method)
{
  /* TRANSLATORS: %s is a protocol method name such as "info" */
  return g_error_new (PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY,
                      _("The server’s answer to “%s” is not what the protocol promises"),
                      method);
}

/* The reply of a call whose server error is a failure (all but eval). */
static PcClientReply *
finish_call (PcClient      *client,
             GAsyncResult  *result,
             GError       **error)
{
  g_autoptr(PcClientReply) reply = pc_client_call_finish (client, result, error);

  if (reply == NULL)
    return NULL;
  if (reply->result == NULL)
    {
      g_set_error (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_REFUSED, "%s",
                   reply->error.message != NULL ? reply->error.message : "");
      return NULL;
    }
  return g_steal_pointer (&reply);
}

static char *
dup_member (json_t     *object,
            const char *name)
{
  return g_strdup (json_string_value (json_object_get (object, name)));
}

static gint64
int_member (json_t     *object,
            const char *name,
            gint64      absent)
{
  json_t *value = json_object_get (object, name);

  return json_is_integer (value) ? json_integer_value (value) : absent;
}

/* ---- eval --------------------------------------------------------------- */

/* JSON has no inf or nan: the server sends null for them in "values" and
 * their names in "text", whose parts are the values in order. */
static void
decode_values (PcEvalOutcome *outcome,
               json_t        *values)
{
  g_auto(GStrv) parts = g_strsplit (outcome->text, ", ", -1);
  gboolean parts_match = g_strv_length (parts) == json_array_size (values);

  outcome->n_values = json_array_size (values);
  outcome->values = g_new0 (double, MAX (outcome->n_values, 1));
  for (guint i = 0; i < outcome->n_values; i++)
    {
      json_t *value = json_array_get (values, i);

      if (json_is_number (value))
        outcome->values[i] = json_number_value (value);
      else
        outcome->values[i] = parts_match ? g_ascii_strtod (parts[i], NULL) : NAN;
    }
}

/* "exact" and "kind" say what the last value is. A server that sends
 * neither (before protocol 1 had them) or sends them garbled is answered
 * from the value itself: the client computes the same digits. */
static void
decode_last_value (PcEvalOutcome *outcome,
                   json_t        *result)
{
  const char *exact = json_string_value (json_object_get (result, "exact"));
  double last;

  if (outcome->n_values == 0)
    return;
  last = outcome->values[outcome->n_values - 1];
  if (isnan (last))
    outcome->kind = PC_VALUE_UNDEFINED;
  else if (isinf (last))
    outcome->kind = PC_VALUE_INFINITY;
  else
    outcome->kind = PC_VALUE_NUMBER;
  if (pc_format_is_integer (last))
    {
      GString *digits = g_string_new (NULL);

      pc_format_append_exact (digits, last);
      if (exact != NULL && !g_str_equal (exact, digits->str))
        g_debug ("eval: the server's exact digits %s are not %s's", exact, digits->str);
      outcome->exact = g_string_free (digits, FALSE);
    }
}

static PcEvalOutcome *
outcome_from_reply (const char     *expression,
                    PcClientReply  *reply,
                    GError        **error)
{
  g_autoptr(PcEvalOutcome) outcome = g_new0 (PcEvalOutcome, 1);
  json_t *data;
  gint64 pos;

  outcome->expression = g_strdup (expression);
  outcome->error_pos = -1;
  outcome->raw = g_strdup (reply->raw);
  if (reply->result != NULL)
    {
      json_t *values = json_object_get (reply->result, "values");

      outcome->text = dup_member (reply->result, "text");
      if (outcome->text == NULL)
        {
          g_propagate_error (error, bad_reply ("eval"));
          return NULL;
        }
      if (json_is_array (values))
        decode_values (outcome, values);
      decode_last_value (outcome, reply->result);
      return g_steal_pointer (&outcome);
    }

  outcome->error_code = reply->error.code;
  outcome->message = g_strdup (reply->error.message);
  data = reply->error.data;
  pos = int_member (data, "pos", -1);
  outcome->error_pos = pos >= 0 && pos <= G_MAXINT ? (int) pos : -1;
  outcome->error_token = dup_member (data, "token");
  outcome->reason = dup_member (data, outcome->error_code == PC_RPC_BUSY ? "limit" : "reason");
  return g_steal_pointer (&outcome);
}

static void
eval_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = pc_client_call_finish (PC_CLIENT (source), result, &error);
  PcEvalOutcome *outcome;

  if (reply == NULL
      || (outcome = outcome_from_reply (g_task_get_task_data (task), reply, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, outcome, (GDestroyNotify) pc_eval_outcome_free);
}

void
pc_client_eval_async (PcClient            *self,
                      const char          *expression,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  json_t *params = json_object ();

  g_task_set_source_tag (task, pc_client_eval_async);
  g_task_set_task_data (task, g_strdup (expression), g_free);
  json_object_set_new (params, "expr", pc_json_string (expression));
  pc_client_call_async (self, "eval", params, cancellable, eval_reply_cb, task);
}

PcEvalOutcome *
pc_client_eval_finish (PcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- info --------------------------------------------------------------- */

static void
info_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = finish_call (PC_CLIENT (source), result, &error);
  PcServerInfo *info;
  json_t *limits;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!json_is_object (reply->result))
    {
      g_task_return_error (task, bad_reply ("info"));
      return;
    }
  info = g_new0 (PcServerInfo, 1);
  info->server = dup_member (reply->result, "server");
  info->version = dup_member (reply->result, "version");
  info->protocol = int_member (reply->result, "protocol", -1);
  info->muparser = dup_member (reply->result, "muparser");
  info->transport = dup_member (reply->result, "transport");
  limits = json_object_get (reply->result, "limits");
  info->limits.max_line = int_member (limits, "max_line", -1);
  info->limits.max_clients = int_member (limits, "max_clients", -1);
  info->limits.idle_timeout = int_member (limits, "idle_timeout", -1);
  info->limits.max_expression = int_member (limits, "max_expression", -1);
  info->limits.max_batch = int_member (limits, "max_batch", -1);
  info->limits.max_variables = int_member (limits, "max_variables", -1);
  info->limits.vars_page = int_member (limits, "vars_page", -1);
  g_task_return_pointer (task, info, (GDestroyNotify) pc_server_info_free);
}

void
pc_client_info_async (PcClient            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_client_info_async);
  pc_client_call_async (self, "info", NULL, cancellable, info_reply_cb, task);
}

PcServerInfo *
pc_client_info_finish (PcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- auth --------------------------------------------------------------- */

static void
auth_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = finish_call (PC_CLIENT (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!json_is_true (reply->result))
    g_task_return_error (task, bad_reply ("auth"));
  else
    g_task_return_boolean (task, TRUE);
}

void
pc_client_auth_async (PcClient            *self,
                      const char          *token,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  json_t *params = json_object ();

  g_task_set_source_tag (task, pc_client_auth_async);
  json_object_set_new (params, "token", pc_json_string (token));
  pc_client_call_async (self, "auth", params, cancellable, auth_reply_cb, task);
}

gboolean
pc_client_auth_finish (PcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- functions ---------------------------------------------------------- */

/* ---- vars (paged) ------------------------------------------------------ */

void
pc_vars_page_free (PcVarsPage *page)
{
  if (page == NULL)
    return;
  g_strfreev (page->names);
  g_free (page->values);
  g_free (page->next);
  g_free (page);
}

static void
vars_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = finish_call (PC_CLIENT (source), result, &error);
  g_autoptr(PcVarsPage) page = NULL;
  json_t *vars;
  json_t *next;
  json_t *value;
  const char *name;
  guint i = 0;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  vars = json_object_get (reply->result, "vars");
  next = json_object_get (reply->result, "next");
  if (!json_is_object (vars) || !(json_is_null (next) || json_is_string (next)))
    {
      g_task_return_error (task, bad_reply ("vars"));
      return;
    }
  page = g_new0 (PcVarsPage, 1);
  page->names = g_new0 (char *, json_object_size (vars) + 1);
  page->values = g_new0 (double, MAX (json_object_size (vars), 1));
  json_object_foreach (vars, name, value)
    {
      if (!json_is_number (value) && !json_is_null (value))
        {
          g_task_return_error (task, bad_reply ("vars"));
          return;
        }
      page->names[i] = g_strdup (name);
      page->values[i] = json_is_number (value) ? json_number_value (value) : NAN;
      i++;
    }
  page->n_variables = i;
  page->next = g_strdup (json_string_value (next));
  g_task_return_pointer (task, g_steal_pointer (&page), (GDestroyNotify) pc_vars_page_free);
}

void
pc_client_vars_async (PcClient            *self,
                      const char          *after,
                      guint                limit,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  json_t *params = json_object ();

  g_task_set_source_tag (task, pc_client_vars_async);
  json_object_set_new (params, "limit", json_integer (CLAMP (limit, 1, G_MAXINT)));
  if (after != NULL)
    json_object_set_new (params, "after", pc_json_string (after));
  pc_client_call_async (self, "vars", params, cancellable, vars_reply_cb, task);
}

PcVarsPage *
pc_client_vars_finish (PcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- functions, the whole catalogue --------------------------------------- */

void
pc_function_info_free (PcFunctionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->text);
  g_free (info);
}

void
pc_catalog_free (PcCatalog *catalog)
{
  if (catalog == NULL)
    return;
  g_clear_pointer (&catalog->functions, g_ptr_array_unref);
  g_clear_pointer (&catalog->user, g_ptr_array_unref);
  g_clear_pointer (&catalog->operators, g_ptr_array_unref);
  g_clear_pointer (&catalog->constant_names, g_ptr_array_unref);
  g_clear_pointer (&catalog->constant_values, g_array_unref);
  g_free (catalog);
}

static void
add_function_infos (GPtrArray *infos,
                    json_t    *array)
{
  json_t *one;
  gsize i;

  json_array_foreach (array, i, one)
    {
      const char *name = json_string_value (json_object_get (one, "name"));
      PcFunctionInfo *info;
      gint64 args;

      if (name == NULL)
        continue;
      args = int_member (one, "args", -1);
      info = g_new0 (PcFunctionInfo, 1);
      info->name = g_strdup (name);
      info->args = args >= -1 && args <= G_MAXINT ? (int) args : -1;
      info->description = dup_member (one, "description");
      info->text = dup_member (one, "text");
      g_ptr_array_add (infos, info);
    }
}

static void
catalog_reply_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = finish_call (PC_CLIENT (source), result, &error);
  g_autoptr(PcCatalog) catalog = NULL;
  json_t *functions, *user, *operators, *constants, *one;
  const char *name;
  gsize i;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  functions = json_object_get (reply->result, "functions");
  user = json_object_get (reply->result, "user");
  operators = json_object_get (reply->result, "operators");
  constants = json_object_get (reply->result, "constants");
  /* "user" came with user functions; an older server has none. */
  if (!json_is_array (functions) || (user != NULL && !json_is_array (user)))
    {
      g_task_return_error (task, bad_reply ("functions"));
      return;
    }
  catalog = g_new0 (PcCatalog, 1);
  catalog->functions = g_ptr_array_new_with_free_func ((GDestroyNotify) pc_function_info_free);
  catalog->user = g_ptr_array_new_with_free_func ((GDestroyNotify) pc_function_info_free);
  catalog->operators = g_ptr_array_new_with_free_func (g_free);
  catalog->constant_names = g_ptr_array_new_with_free_func (g_free);
  catalog->constant_values = g_array_new (FALSE, FALSE, sizeof (double));
  add_function_infos (catalog->functions, functions);
  add_function_infos (catalog->user, user);
  json_array_foreach (operators, i, one)
    if (json_is_string (one))
      g_ptr_array_add (catalog->operators, g_strdup (json_string_value (one)));
  json_object_foreach (constants, name, one)
    {
      double value = json_is_number (one) ? json_number_value (one) : NAN;

      g_ptr_array_add (catalog->constant_names, g_strdup (name));
      g_array_append_val (catalog->constant_values, value);
    }
  g_task_return_pointer (task, g_steal_pointer (&catalog), (GDestroyNotify) pc_catalog_free);
}

void
pc_client_catalog_async (PcClient            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_client_catalog_async);
  pc_client_call_async (self, "functions", NULL, cancellable, catalog_reply_cb, task);
}

PcCatalog *
pc_client_catalog_finish (PcClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- unset, reset --------------------------------------------------------- */

static void
true_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = finish_call (PC_CLIENT (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!json_is_true (reply->result))
    g_task_return_error (task, bad_reply (g_task_get_task_data (task)));
  else
    g_task_return_boolean (task, TRUE);
}

void
pc_client_unset_async (PcClient            *self,
                       const char          *name,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  json_t *params = json_object ();

  g_task_set_source_tag (task, pc_client_unset_async);
  g_task_set_task_data (task, (gpointer) "unset", NULL);
  json_object_set_new (params, "name", pc_json_string (name));
  pc_client_call_async (self, "unset", params, cancellable, true_reply_cb, task);
}

gboolean
pc_client_unset_finish (PcClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pc_client_reset_async (PcClient            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_client_reset_async);
  g_task_set_task_data (task, (gpointer) "reset", NULL);
  pc_client_call_async (self, "reset", NULL, cancellable, true_reply_cb, task);
}

gboolean
pc_client_reset_finish (PcClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- sample ------------------------------------------------------------- */

void
pc_sample_outcome_free (PcSampleOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->expression);
  g_free (outcome->variable);
  g_free (outcome->values);
  g_free (outcome->reason);
  g_free (outcome->message);
  g_free (outcome->error_token);
  g_free (outcome);
}

typedef struct
{
  char  *expression;
  char  *variable;
  guint  points;
} SampleRequest;

static void
sample_request_free (SampleRequest *request)
{
  g_free (request->expression);
  g_free (request->variable);
  g_free (request);
}

/* The values as the server sent them: numbers, null for a value that is
 * not finite. Exactly as many as asked for, or the reply is not one. */
static gboolean
decode_samples (PcSampleOutcome *outcome,
                json_t          *result,
                guint            points)
{
  json_t *values = json_object_get (result, "values");
  json_t *from = json_object_get (result, "from");
  json_t *to = json_object_get (result, "to");
  json_t *step = json_object_get (result, "step");

  if (!json_is_array (values) || json_array_size (values) != points
      || !json_is_number (from) || !json_is_number (to) || !json_is_number (step))
    return FALSE;
  outcome->from = json_number_value (from);
  outcome->to = json_number_value (to);
  outcome->step = json_number_value (step);
  outcome->n_values = points;
  outcome->values = g_new (double, MAX (points, 1));
  for (guint i = 0; i < points; i++)
    {
      json_t *value = json_array_get (values, i);

      if (json_is_number (value))
        outcome->values[i] = json_number_value (value);
      else if (json_is_null (value))
        outcome->values[i] = NAN;
      else
        return FALSE;
    }
  return TRUE;
}

static void
sample_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcClientReply) reply = pc_client_call_finish (PC_CLIENT (source), result, &error);
  SampleRequest *request = g_task_get_task_data (task);
  g_autoptr(PcSampleOutcome) outcome = NULL;
  json_t *data;
  gint64 pos;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  outcome = g_new0 (PcSampleOutcome, 1);
  outcome->expression = g_strdup (request->expression);
  outcome->variable = g_strdup (request->variable);
  outcome->error_pos = -1;
  if (reply->result != NULL)
    {
      if (!decode_samples (outcome, reply->result, request->points))
        {
          g_task_return_error (task, bad_reply ("sample"));
          return;
        }
      g_task_return_pointer (task, g_steal_pointer (&outcome),
                             (GDestroyNotify) pc_sample_outcome_free);
      return;
    }
  /* What is wrong with the expression (1000) or the session (1002) is an
   * outcome, as for eval; any other error is about the call itself. */
  if (reply->error.code != PC_RPC_EXPRESSION_ERROR && reply->error.code != PC_RPC_BUSY)
    {
      g_task_return_new_error (task, PC_CLIENT_ERROR, PC_CLIENT_ERROR_REFUSED, "%s",
                               reply->error.message != NULL ? reply->error.message : "");
      return;
    }
  outcome->error_code = reply->error.code;
  outcome->message = g_strdup (reply->error.message);
  data = reply->error.data;
  pos = int_member (data, "pos", -1);
  outcome->error_pos = pos >= 0 && pos <= G_MAXINT ? (int) pos : -1;
  outcome->error_token = dup_member (data, "token");
  outcome->reason = dup_member (data, outcome->error_code == PC_RPC_BUSY ? "limit" : "reason");
  g_task_return_pointer (task, g_steal_pointer (&outcome),
                         (GDestroyNotify) pc_sample_outcome_free);
}

void
pc_client_sample_async (PcClient            *self,
                        const char          *expression,
                        const char          *variable,
                        double               from,
                        double               to,
                        guint                points,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SampleRequest *request = g_new0 (SampleRequest, 1);
  json_t *params = json_object ();

  g_task_set_source_tag (task, pc_client_sample_async);
  request->expression = g_strdup (expression);
  request->variable = g_strdup (variable != NULL ? variable : "x");
  request->points = points;
  g_task_set_task_data (task, request, (GDestroyNotify) sample_request_free);
  json_object_set_new (params, "expr", pc_json_string (expression));
  json_object_set_new (params, "var", pc_json_string (request->variable));
  /* Not finite is the server's to refuse: JSON cannot say it, so null. */
  json_object_set_new (params, "from", pc_json_number (from));
  json_object_set_new (params, "to", pc_json_number (to));
  json_object_set_new (params, "points", json_integer (points));
  pc_client_call_async (self, "sample", params, cancellable, sample_reply_cb, task);
}

PcSampleOutcome *
pc_client_sample_finish (PcClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
