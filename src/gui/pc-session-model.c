/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-format.h"
#include "pc-function-help.h"
#include "pc-session-model.h"
#include "pc-session-store.h"

/* Variables read from a session at most (the server's default bound). */
#define MAX_VARIABLES 10000
/* Variables whose value `vars` cannot say (not finite) asked for one by
 * one, at most, per reading. */
#define MAX_RESOLVED 16
/* Assignments per replayed request, at most: the server's time for one
 * request grows faster than its number of assignments (3000 variables:
 * 0.3 s in requests of 25, 1.6 s in requests of 380, measured on a debug
 * build). */
#define MAX_ASSIGNMENTS 32
/* Changes are written this long after the last one. */
#define SAVE_DELAY_MS 300

/* ---- PcDefinition ------------------------------------------------------ */

struct _PcDefinition
{
  GObject   parent_instance;
  char     *name;
  gboolean  is_function;
  double    value;
  char     *text;
};

enum { DEF_PROP_0, DEF_PROP_NAME, DEF_PROP_IS_FUNCTION, DEF_PROP_VALUE, DEF_PROP_TEXT,
       DEF_N_PROPS };
static GParamSpec *definition_properties[DEF_N_PROPS];

G_DEFINE_FINAL_TYPE (PcDefinition, pc_definition, G_TYPE_OBJECT)

static void
pc_definition_finalize (GObject *object)
{
  PcDefinition *self = PC_DEFINITION (object);

  g_free (self->name);
  g_free (self->text);
  G_OBJECT_CLASS (pc_definition_parent_class)->finalize (object);
}

static void
pc_definition_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PcDefinition *self = PC_DEFINITION (object);

  switch (prop_id)
    {
    case DEF_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case DEF_PROP_IS_FUNCTION:
      g_value_set_boolean (value, self->is_function);
      break;
    case DEF_PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case DEF_PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pc_definition_class_init (PcDefinitionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pc_definition_finalize;
  object_class->get_property = pc_definition_get_property;
  definition_properties[DEF_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  definition_properties[DEF_PROP_IS_FUNCTION] =
    g_param_spec_boolean ("is-function", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  definition_properties[DEF_PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  definition_properties[DEF_PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, DEF_N_PROPS, definition_properties);
}

static void
pc_definition_init (PcDefinition *self)
{
}

PcDefinition *
pc_definition_new_variable (const char *name,
                            double      value)
{
  PcDefinition *self = g_object_new (PC_TYPE_DEFINITION, NULL);
  g_autofree char *number = pc_format_number (value);

  self->name = g_strdup (name);
  self->value = value;
  /* As the server writes values: 15 digits, inf, -inf, nan. */
  self->text = g_strdup_printf ("%s = %s", name, number);
  return self;
}

PcDefinition *
pc_definition_new_function (const char *name,
                            const char *text)
{
  PcDefinition *self = g_object_new (PC_TYPE_DEFINITION, NULL);

  self->name = g_strdup (name);
  self->is_function = TRUE;
  self->value = NAN;
  self->text = g_strdup (text);
  return self;
}

const char *
pc_definition_get_name (PcDefinition *self)
{
  return self->name;
}

gboolean
pc_definition_is_function (PcDefinition *self)
{
  return self->is_function;
}

double
pc_definition_get_value (PcDefinition *self)
{
  return self->value;
}

const char *
pc_definition_get_text (PcDefinition *self)
{
  return self->text;
}

static gboolean
definition_equal (PcDefinition *a,
                  PcDefinition *b)
{
  return a->is_function == b->is_function && g_str_equal (a->name, b->name)
         && g_str_equal (a->text, b->text)
         && (a->is_function || memcmp (&a->value, &b->value, sizeof a->value) == 0
             || (isnan (a->value) && isnan (b->value)));
}

/* ---- The replay, as expressions --------------------------------------- */

/* The exact value in a form the server reads back to the same double. */
static gboolean
write_value (GString *out,
             double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "0/0");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "1/0" : "-1/0");
  else
    g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
  return TRUE;
}

GPtrArray *
pc_session_replay_plan (GListModel *definitions,
                        gsize       max_bytes,
                        guint      *n_variable_requests,
                        GPtrArray  *skipped)
{
  g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) request = g_string_new (NULL);
  guint n = g_list_model_get_n_items (definitions);
  guint in_request = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PcDefinition) definition = g_list_model_get_item (definitions, i);
      g_autoptr(GString) one = NULL;

      if (definition->is_function || !pc_session_store_is_name (definition->name))
        continue;
      one = g_string_new (NULL);
      g_string_append_printf (one, "%s = ", definition->name);
      write_value (one, definition->value);
      if (one->len > max_bytes)
        {
          if (skipped != NULL)
            g_ptr_array_add (skipped, g_strdup (definition->name));
          continue;
        }
      if (request->len > 0
          && (request->len + 2 + one->len > max_bytes || in_request == MAX_ASSIGNMENTS))
        {
          g_ptr_array_add (plan, g_strdup (request->str));
          g_string_truncate (request, 0);
          in_request = 0;
        }
      in_request++;
      if (request->len > 0)
        g_string_append (request, ", ");
      g_string_append_len (request, one->str, one->len);
    }
  if (request->len > 0)
    g_ptr_array_add (plan, g_strdup (request->str));
  if (n_variable_requests != NULL)
    *n_variable_requests = plan->len;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PcDefinition) definition = g_list_model_get_item (definitions, i);

      if (!definition->is_function)
        continue;
      if (strlen (definition->text) > max_bytes)
        {
          if (skipped != NULL)
            g_ptr_array_add (skipped, g_strdup (definition->name));
          continue;
        }
      g_ptr_array_add (plan, g_strdup (definition->text));
    }
  return g_steal_pointer (&plan);
}

/* ---- PcSessionModel ---------------------------------------------------- */

typedef struct _Refresh Refresh;
typedef struct _Replay Replay;

struct _PcSessionModel
{
  GObject       parent_instance;

  PcConnection *connection;
  GListStore   *definitions;
  GCancellable *cancellable;
  gulong        handlers[2];
  gboolean      restore;
  guint         session;        /* the one the model follows */

  Refresh      *refresh;        /* the reading in progress, or NULL */
  gboolean      refresh_wanted;
  Replay       *replay;         /* the replay in progress, or NULL */

  char         *store_path;
  guint         save_source;

  PcCatalog    *catalog;        /* the last one read, or NULL */
  char         *catalog_key;    /* what it holds, in a string */
};

enum { SIGNAL_SESSION_STARTED, SIGNAL_RESTORED, SIGNAL_LOG, SIGNAL_CATALOG_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcSessionModel, pc_session_model, G_TYPE_OBJECT)

static void maybe_refresh (PcSessionModel *self);

static void
log_line (PcSessionModel *self,
          gboolean        is_error,
          const char     *format,
          ...) G_GNUC_PRINTF (3, 4);

static void
log_line (PcSessionModel *self,
          gboolean        is_error,
          const char     *format,
          ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_signal_emit (self, signals[SIGNAL_LOG], 0, is_error, text);
}

/* ---- Saving ---- */

static void
save_now (PcSessionModel *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->store_path == NULL)
    return;
  if (!pc_session_store_save (self->store_path, G_LIST_MODEL (self->definitions), &error))
    log_line (self, TRUE, "%s", error->message);
}

static gboolean
save_cb (gpointer user_data)
{
  PcSessionModel *self = user_data;

  self->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (PcSessionModel *self)
{
  if (self->store_path != NULL && self->save_source == 0)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_cb, self);
}

/* Replaces the list by @items where they differ, so a view keeps what
 * did not change. */
static void
set_definitions (PcSessionModel *self,
                 GPtrArray      *items)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->definitions));
  gboolean same = n_old == items->len;

  for (guint i = 0; same && i < n_old; i++)
    {
      g_autoptr(PcDefinition) old = g_list_model_get_item (G_LIST_MODEL (self->definitions), i);

      same = definition_equal (old, g_ptr_array_index (items, i));
    }
  if (same)
    return;
  g_list_store_splice (self->definitions, 0, n_old, items->pdata, items->len);
  schedule_save (self);
}

/* ---- Reading the session ---- */

struct _Refresh
{
  PcSessionModel *self;       /* a strong reference */
  guint           session;
  GPtrArray      *variables;  /* PcDefinition* */
  GArray         *unknown;    /* guint: variables whose value to ask for */
  guint           resolved;
};

static void
refresh_free (Refresh *refresh)
{
  if (refresh->self->refresh == refresh)
    refresh->self->refresh = NULL;
  g_object_unref (refresh->self);
  g_ptr_array_unref (refresh->variables);
  g_array_unref (refresh->unknown);
  g_free (refresh);
}

/* Whether @refresh is still the one that counts; if not, frees it. */
static gboolean
refresh_current (Refresh *refresh)
{
  if (refresh->self->refresh == refresh && refresh->session == refresh->self->session)
    return TRUE;
  refresh_free (refresh);
  return FALSE;
}

static void
refresh_done (Refresh *refresh)
{
  /* The reading may hold the last reference to the model. */
  g_autoptr(PcSessionModel) self = g_object_ref (refresh->self);

  refresh_free (refresh);
  maybe_refresh (self);
}

static int
compare_definitions (gconstpointer a,
                     gconstpointer b)
{
  return strcmp ((*(PcDefinition * const *) a)->name, (*(PcDefinition * const *) b)->name);
}

static void
add_to_key (PcCatalogKind  kind,
            const char    *name,
            const char    *description,
            gpointer       user_data)
{
  g_string_append_printf (user_data, "%d\x1f%s\x1f%s\x1e", kind, name ? name : "",
                          description ? description : "");
}

/* What a catalogue shows (pc_function_help_foreach(), as the panel and
 * completion list it), in one string: the same string, nothing changed
 * for them (a screen reader hears every row of the panel replaced). */
static char *
catalog_key (const PcCatalog *catalog)
{
  GString *key = g_string_new (NULL);

  pc_function_help_foreach (catalog, add_to_key, key);
  return g_string_free (key, FALSE);
}

/* Keeps @catalog (taken) as the last one read; "catalog-changed" when
 * it differs from the one before. */
static void
set_catalog (PcSessionModel *self,
             PcCatalog      *catalog)
{
  g_autofree char *key = catalog_key (catalog);

  if (g_strcmp0 (key, self->catalog_key) == 0)
    {
      pc_catalog_free (catalog);
      return;
    }
  g_clear_pointer (&self->catalog, pc_catalog_free);
  self->catalog = catalog;
  g_free (self->catalog_key);
  self->catalog_key = g_steal_pointer (&key);
  g_signal_emit (self, signals[SIGNAL_CATALOG_CHANGED], 0);
}

static void
catalog_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(PcCatalog) catalog = pc_connection_catalog_finish (PC_CONNECTION (source), result,
                                                                NULL);
  g_autoptr(GPtrArray) functions = NULL;

  if (!refresh_current (refresh))
    return;
  if (catalog == NULL)
    {
      refresh_done (refresh);
      return;
    }
  functions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < catalog->user->len; i++)
    {
      PcFunctionInfo *info = g_ptr_array_index (catalog->user, i);

      /* What a server calls a definition is replayed elsewhere: only one
       * that reads as a definition of its own name. */
      if (pc_session_store_is_name (info->name)
          && pc_session_store_is_definition (info->text, info->name))
        g_ptr_array_add (functions, pc_definition_new_function (info->name, info->text));
    }
  g_ptr_array_sort (functions, compare_definitions);
  g_ptr_array_extend_and_steal (refresh->variables, g_steal_pointer (&functions));
  set_definitions (refresh->self, refresh->variables);
  set_catalog (refresh->self, g_steal_pointer (&catalog));
  refresh_done (refresh);
}

static void resolve_next (Refresh *refresh);

/* `vars` writes null for inf, -inf and nan alike; "NAME, ans" tells which
 * and leaves `ans` as it was (the last value of a request is ans). */
static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(PcEvalOutcome) outcome = pc_connection_eval_now_finish (PC_CONNECTION (source),
                                                                     result, NULL);
  guint index;

  if (!refresh_current (refresh))
    return;
  index = g_array_index (refresh->unknown, guint, refresh->resolved);
  if (outcome != NULL && outcome->error_code == 0 && outcome->n_values == 2)
    {
      PcDefinition *old = g_ptr_array_index (refresh->variables, index);

      g_ptr_array_index (refresh->variables, index) =
        pc_definition_new_variable (old->name, outcome->values[0]);
      g_object_unref (old);
    }
  refresh->resolved++;
  resolve_next (refresh);
}

static void
resolve_next (Refresh *refresh)
{
  PcSessionModel *self = refresh->self;

  if (refresh->resolved < refresh->unknown->len)
    {
      PcDefinition *definition =
        g_ptr_array_index (refresh->variables,
                           g_array_index (refresh->unknown, guint, refresh->resolved));
      g_autofree char *expression = g_strdup_printf ("%s, ans", definition->name);

      pc_connection_eval_now_async (self->connection, refresh->session, expression,
                                    self->cancellable, resolved_cb, refresh);
      return;
    }
  pc_connection_catalog_async (self->connection, self->cancellable, catalog_cb, refresh);
}

static void
vars_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(PcVarsPage) page = pc_connection_vars_finish (PC_CONNECTION (source), result, NULL);
  const PcServerLimits *limits;

  if (!refresh_current (refresh))
    return;
  if (page == NULL)
    {
      refresh_done (refresh);
      return;
    }
  for (guint i = 0; i < page->n_variables; i++)
    {
      if (!pc_session_store_is_name (page->names[i]))
        continue;
      if (isnan (page->values[i]) && refresh->unknown->len < MAX_RESOLVED)
        g_array_append_val (refresh->unknown, refresh->variables->len);
      g_ptr_array_add (refresh->variables,
                       pc_definition_new_variable (page->names[i], page->values[i]));
    }
  limits = pc_connection_get_limits (refresh->self->connection);
  if (page->next != NULL && refresh->variables->len < MAX_VARIABLES)
    pc_connection_vars_async (refresh->self->connection, page->next,
                              limits != NULL && limits->vars_page > 0 ? limits->vars_page : 1000,
                              refresh->self->cancellable, vars_cb, refresh);
  else
    resolve_next (refresh);
}

static void
maybe_refresh (PcSessionModel *self)
{
  const PcServerLimits *limits;
  Refresh *refresh;

  /* Once per batch: when every evaluation asked for is answered. */
  if (!self->refresh_wanted || self->refresh != NULL || self->replay != NULL
      || self->session == 0 || pc_connection_get_session (self->connection) != self->session
      || pc_connection_get_state (self->connection) != PC_CONNECTION_CONNECTED
      || pc_connection_get_n_pending (self->connection) > 0)
    return;
  self->refresh_wanted = FALSE;
  refresh = g_new0 (Refresh, 1);
  refresh->self = g_object_ref (self);
  refresh->session = self->session;
  refresh->variables = g_ptr_array_new_with_free_func (g_object_unref);
  refresh->unknown = g_array_new (FALSE, FALSE, sizeof (guint));
  self->refresh = refresh;
  limits = pc_connection_get_limits (self->connection);
  pc_connection_vars_async (self->connection, NULL,
                            limits != NULL && limits->vars_page > 0 ? limits->vars_page : 1000,
                            self->cancellable, vars_cb, refresh);
}

static void
want_refresh (PcSessionModel *self)
{
  self->refresh_wanted = TRUE;
  maybe_refresh (self);
}

static void
evaluated_cb (PcConnection   *connection,
              gboolean        succeeded,
              PcSessionModel *self)
{
  /* Only a successful evaluation changes the session. */
  if (succeeded)
    self->refresh_wanted = TRUE;
  maybe_refresh (self);
}

/* ---- Replaying into a new session ---- */

struct _Replay
{
  PcSessionModel *self;       /* a strong reference */
  guint           session;
  GQueue          variables;  /* char*: requests of assignments */
  GQueue          functions;  /* char*: definitions still to make */
  GPtrArray      *failed;     /* char*: functions that failed this round */
  GPtrArray      *reasons;    /* char*: why, as many */
  gboolean        progress;   /* a function was defined this round */
  guint           n_variables;
  guint           n_functions;
  guint           outstanding; /* requests sent, not answered yet */
  gboolean        aborted;     /* the session was lost meanwhile */
};

static void
replay_free (Replay *replay)
{
  if (replay->self->replay == replay)
    replay->self->replay = NULL;
  g_object_unref (replay->self);
  g_queue_clear_full (&replay->variables, g_free);
  g_queue_clear_full (&replay->functions, g_free);
  g_ptr_array_unref (replay->failed);
  g_ptr_array_unref (replay->reasons);
  g_free (replay);
}

/* How many assignments a request of them holds. */
static guint
count_assignments (const char *request)
{
  guint n = 1;

  for (const char *p = request; *p != '\0'; p++)
    n += *p == ',';
  return n;
}

static void
log_restored (Replay *replay)
{
  PcSessionModel *self = replay->self;
  g_autofree char *variables = NULL;
  g_autofree char *functions = NULL;

  if (replay->n_variables == 0 && replay->n_functions == 0)
    return;
  variables = g_strdup_printf (ngettext ("%u variable", "%u variables", replay->n_variables),
                               replay->n_variables);
  functions = g_strdup_printf (ngettext ("%u function", "%u functions", replay->n_functions),
                               replay->n_functions);
  if (replay->n_functions == 0)
    /* TRANSLATORS: %s is "3 variables" */
    log_line (self, FALSE, _("Restored %s in the new session"), variables);
  else if (replay->n_variables == 0)
    /* TRANSLATORS: %s is "1 function" */
    log_line (self, FALSE, _("Restored %s in the new session"), functions);
  else
    /* TRANSLATORS: "Restored 3 variables and 1 function in the new session" */
    log_line (self, FALSE, _("Restored %s and %s in the new session"), variables, functions);
}

static void
replay_finish (Replay   *replay,
               gboolean  completed)
{
  PcSessionModel *self = g_object_ref (replay->self);
  guint n_variables = replay->n_variables;
  guint n_functions = replay->n_functions;

  if (completed)
    log_restored (replay);
  replay_free (replay);
  pc_connection_release (self->connection);
  if (completed)
    g_signal_emit (self, signals[SIGNAL_RESTORED], 0, n_variables, n_functions);
  want_refresh (self);
  g_object_unref (self);
}

static void replay_next (Replay *replay);

typedef struct
{
  Replay   *replay;
  char     *request;
  gboolean  is_function;
} ReplayCall;

static void
replayed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ReplayCall *call = user_data;
  Replay *replay = call->replay;
  PcSessionModel *self = replay->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = pc_connection_eval_now_finish (PC_CONNECTION (source),
                                                                     result, &error);
  g_autofree char *request = g_steal_pointer (&call->request);
  gboolean is_function = call->is_function;

  g_free (call);
  replay->outstanding--;
  /* Lost with its session: the next session replays it all again. */
  if (outcome == NULL || replay->session != self->session)
    {
      if (!replay->aborted && outcome == NULL
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        log_line (self, TRUE, _("Restoring the session was interrupted: %s"), error->message);
      replay->aborted = TRUE;
    }
  else if (!is_function)
    {
      if (outcome->error_code == 0)
        replay->n_variables += count_assignments (request);
      else if (strchr (request, ',') != NULL)
        {
          /* One bad assignment spoils its request: try them one by one. */
          g_auto(GStrv) parts = g_strsplit (request, ", ", -1);

          for (guint i = 0; parts[i] != NULL; i++)
            g_queue_push_tail (&replay->variables, g_strdup (parts[i]));
        }
      else
        log_line (self, TRUE, _("Could not restore “%s”: %s"), request,
                  outcome->message != NULL ? outcome->message : "");
    }
  else if (outcome->error_code == 0)
    {
      replay->n_functions++;
      replay->progress = TRUE;
    }
  else
    {
      g_ptr_array_add (replay->failed, g_strdup (request));
      g_ptr_array_add (replay->reasons, g_strdup (outcome->message != NULL ? outcome->message : ""));
    }
  if (replay->outstanding > 0)
    return;
  if (replay->aborted)
    replay_finish (replay, FALSE);
  else
    replay_next (replay);
}

/* Sends every request of @queue at once: the server answers them in
 * order, so a phase costs one round trip, not one per request. */
static void
replay_send_all (Replay   *replay,
                 GQueue   *queue,
                 gboolean  is_function)
{
  PcSessionModel *self = replay->self;
  char *request;

  while ((request = g_queue_pop_head (queue)) != NULL)
    {
      ReplayCall *call = g_new0 (ReplayCall, 1);

      call->replay = replay;
      call->request = request;
      call->is_function = is_function;
      replay->outstanding++;
      pc_connection_eval_now_async (self->connection, replay->session, call->request,
                                    self->cancellable, replayed_cb, call);
    }
}

/* The phases, each once the last is answered: the variables, those of a
 * refused request one by one, then the functions in rounds. */
static void
replay_next (Replay *replay)
{
  if (!g_queue_is_empty (&replay->variables))
    {
      replay_send_all (replay, &replay->variables, FALSE);
      return;
    }
  if (!g_queue_is_empty (&replay->functions))
    {
      replay_send_all (replay, &replay->functions, TRUE);
      return;
    }
  /* A function that uses one defined after it failed: again, while a
   * round defines something. */
  if (replay->failed->len > 0 && replay->progress)
    {
      replay->progress = FALSE;
      for (guint i = 0; i < replay->failed->len; i++)
        g_queue_push_tail (&replay->functions, g_strdup (g_ptr_array_index (replay->failed, i)));
      g_ptr_array_set_size (replay->failed, 0);
      g_ptr_array_set_size (replay->reasons, 0);
      replay_next (replay);
      return;
    }
  for (guint i = 0; i < replay->failed->len; i++)
    log_line (replay->self, TRUE, _("Could not restore “%s”: %s"),
              (const char *) g_ptr_array_index (replay->failed, i),
              (const char *) g_ptr_array_index (replay->reasons, i));
  replay_finish (replay, TRUE);
}

static void
start_replay (PcSessionModel *self)
{
  const PcServerLimits *limits = pc_connection_get_limits (self->connection);
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plan = NULL;
  gsize max_bytes = 1000;
  guint n_variable_requests = 0;
  Replay *replay;

  /* Within what one request may hold: the expression's bound, and the
   * line's with room for the JSON around it (quoting may double it). */
  if (limits != NULL && limits->max_expression > 0)
    max_bytes = (gsize) limits->max_expression;
  if (limits != NULL && limits->max_line > 0)
    max_bytes = MIN (max_bytes, (gsize) MAX (limits->max_line - 128, 64) / 2);
  plan = pc_session_replay_plan (G_LIST_MODEL (self->definitions), max_bytes,
                                 &n_variable_requests, skipped);
  for (guint i = 0; i < skipped->len; i++)
    log_line (self, TRUE, _("Could not restore %s: its definition is longer than the server takes"),
              (const char *) g_ptr_array_index (skipped, i));

  replay = g_new0 (Replay, 1);
  replay->self = g_object_ref (self);
  replay->session = self->session;
  replay->failed = g_ptr_array_new_with_free_func (g_free);
  replay->reasons = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < plan->len; i++)
    g_queue_push_tail (i < n_variable_requests ? &replay->variables : &replay->functions,
                       g_strdup (g_ptr_array_index (plan, i)));
  self->replay = replay;
  /* What was typed meanwhile waits for the definitions it may use. */
  pc_connection_hold (self->connection);
  replay_next (replay);
}

static void
session_started_cb (PcConnection   *connection,
                    guint           session,
                    PcSessionModel *self)
{
  self->session = session;
  /* Readings and replays of the last session end by themselves. */
  self->refresh = NULL;
  self->replay = NULL;
  g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0, session);
  if (self->restore && g_list_model_get_n_items (G_LIST_MODEL (self->definitions)) > 0)
    {
      start_replay (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_RESTORED], 0, 0u, 0u);
  want_refresh (self);
}

/* ---- Life cycle ---- */

static void
pc_session_model_dispose (GObject *object)
{
  PcSessionModel *self = PC_SESSION_MODEL (object);

  pc_session_model_save_now (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    if (self->connection != NULL)
      g_clear_signal_handler (&self->handlers[i], self->connection);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (pc_session_model_parent_class)->dispose (object);
}

static void
pc_session_model_finalize (GObject *object)
{
  PcSessionModel *self = PC_SESSION_MODEL (object);

  g_clear_object (&self->definitions);
  g_free (self->store_path);
  g_clear_pointer (&self->catalog, pc_catalog_free);
  g_free (self->catalog_key);
  G_OBJECT_CLASS (pc_session_model_parent_class)->finalize (object);
}

static void
pc_session_model_class_init (PcSessionModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pc_session_model_dispose;
  object_class->finalize = pc_session_model_finalize;

  signals[SIGNAL_SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_RESTORED] =
    g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
  signals[SIGNAL_CATALOG_CHANGED] =
    g_signal_new ("catalog-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pc_session_model_init (PcSessionModel *self)
{
  self->definitions = g_list_store_new (PC_TYPE_DEFINITION);
  self->cancellable = g_cancellable_new ();
  self->restore = TRUE;
}

PcSessionModel *
pc_session_model_new (PcConnection *connection)
{
  PcSessionModel *self = g_object_new (PC_TYPE_SESSION_MODEL, NULL);

  self->connection = g_object_ref (connection);
  self->handlers[0] = g_signal_connect (connection, "session-started",
                                        G_CALLBACK (session_started_cb), self);
  self->handlers[1] = g_signal_connect (connection, "evaluated",
                                        G_CALLBACK (evaluated_cb), self);
  /* Made on a connection already in a session: that one is read now. */
  if (pc_connection_get_state (connection) == PC_CONNECTION_CONNECTED
      && pc_connection_get_session (connection) != 0)
    {
      self->session = pc_connection_get_session (connection);
      want_refresh (self);
    }
  return self;
}

GListModel *
pc_session_model_get_definitions (PcSessionModel *self)
{
  return G_LIST_MODEL (self->definitions);
}

const PcCatalog *
pc_session_model_get_catalog (PcSessionModel *self)
{
  return self->catalog;
}

void
pc_session_model_set_restore (PcSessionModel *self,
                              gboolean        restore)
{
  self->restore = restore;
}

gboolean
pc_session_model_get_restore (PcSessionModel *self)
{
  return self->restore;
}

void
pc_session_model_set_store_path (PcSessionModel *self,
                                 const char     *path)
{
  g_autoptr(GPtrArray) complaints = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;

  if (self->save_source != 0)
    save_now (self);
  g_free (self->store_path);
  self->store_path = g_strdup (path);
  if (path == NULL)
    return;
  loaded = pc_session_store_load (path, complaints, &error);
  if (loaded == NULL)
    log_line (self, TRUE, "%s", error->message);
  for (guint i = 0; i < complaints->len; i++)
    log_line (self, TRUE, "%s", (const char *) g_ptr_array_index (complaints, i));
  /* What the file holds is the last session's, until a session is read. */
  if (loaded != NULL && self->session == 0)
    set_definitions (self, loaded);
  g_clear_handle_id (&self->save_source, g_source_remove);
}

void
pc_session_model_save_now (PcSessionModel *self)
{
  if (self->save_source != 0)
    save_now (self);
}

static void
unset_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PcSessionModel *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pc_connection_unset_finish (PC_CONNECTION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  want_refresh (self);
  g_task_return_boolean (task, TRUE);
}

void
pc_session_model_unset_async (PcSessionModel      *self,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_session_model_unset_async);
  pc_connection_unset_async (self->connection, name, cancellable, unset_cb, task);
}

gboolean
pc_session_model_unset_finish (PcSessionModel  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
