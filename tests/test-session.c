/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "pc-connection.h"
#include "pc-session-model.h"
#include "pc-session-store.h"
#include "pc-test-util.h"

/* Issue 16: the window's session model and its file, without a display:
 * what is saved is read back exactly, a bad file is never a crash, and a
 * new session (a restarted pipecalcd) gets the last one's definitions
 * before anything typed meanwhile runs. */

#define STEP_MS 10000

/* ---- Helpers ---------------------------------------------------------- */

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Predicate) (gpointer data);

static void
wait_for (Predicate    predicate,
          gpointer     data,
          const char  *what)
{
  gboolean passed = FALSE;
  guint deadline = g_timeout_add (STEP_MS, deadline_cb, &passed);

  while (!predicate (data) && !passed)
    g_main_context_iteration (NULL, TRUE);
  if (!predicate (data))
    g_error ("not within %d ms: %s", STEP_MS, what);
  g_source_remove (deadline);
}

static PcDefinition *
find_definition (GListModel *list,
                 const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(PcDefinition) definition = g_list_model_get_item (list, i);

      if (g_str_equal (pc_definition_get_name (definition), name))
        return g_steal_pointer (&definition);
    }
  return NULL;
}

static gboolean
same_double (double a,
             double b)
{
  return memcmp (&a, &b, sizeof a) == 0 || (isnan (a) && isnan (b));
}

/* ---- The file --------------------------------------------------------- */

static void
test_store_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pc-session-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "session.ini", NULL);
  g_autoptr(GListStore) store = g_list_store_new (PC_TYPE_DEFINITION);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const double values[] = { 0.1 + 0.2, 1e300, -0.0, INFINITY, -INFINITY, NAN, 5e-324, -7 };
  const char *names[] = { "a", "big", "c_0", "d", "e", "f", "tiny", "z" };
  GStatBuf st;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(PcDefinition) definition = pc_definition_new_variable (names[i], values[i]);

      g_list_store_append (store, definition);
    }
  {
    g_autoptr(PcDefinition) f = pc_definition_new_function ("sq", "sq(x) = x^2 # \"quoted\"\\");

    g_list_store_append (store, f);
  }
  g_assert_true (pc_session_store_save (path, G_LIST_MODEL (store), &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = pc_session_store_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, G_N_ELEMENTS (values) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      PcDefinition *definition = g_ptr_array_index (loaded, i);

      g_assert_cmpstr (pc_definition_get_name (definition), ==, names[i]);
      g_assert_false (pc_definition_is_function (definition));
      g_assert_true (same_double (pc_definition_get_value (definition), values[i]));
    }
  g_assert_true (pc_definition_is_function (g_ptr_array_index (loaded, G_N_ELEMENTS (values))));
  g_assert_cmpstr (pc_definition_get_text (g_ptr_array_index (loaded, G_N_ELEMENTS (values))),
                   ==, "sq(x) = x^2 # \"quoted\"\\");
  pc_test_remove_tree (dir);
}

static void
test_store_bad_content (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pc-session-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "session.ini", NULL);
  g_autoptr(GPtrArray) complaints = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = NULL;

  /* Entries that make no sense are left out, one complaint each. */
  g_assert_true (g_file_set_contents (path,
                                      "[variables]\n"
                                      "ok=2.5\n"
                                      "1x=2\n"
                                      "ans=4\n"
                                      "bad=not a number\n"
                                      "blank=\n"
                                      "trail=3 4\n"
                                      "[functions]\n"
                                      "g=rm -rf /\n"
                                      "h=g(x) = x\n"
                                      "k=k(x) = x+1\n", -1, NULL));
  loaded = pc_session_store_load (path, complaints, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (pc_definition_get_name (g_ptr_array_index (loaded, 0)), ==, "ok");
  g_assert_cmpstr (pc_definition_get_name (g_ptr_array_index (loaded, 1)), ==, "k");
  g_assert_cmpuint (complaints->len, ==, 7);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* Not a key file at all, binary junk, too large: an error, no crash. */
  g_assert_true (g_file_set_contents (path, "\x01\x02\xff\xfe[[[=\n\0junk", 13, NULL));
  loaded = pc_session_store_load (path, NULL, &error);
  g_assert_null (loaded);
  g_assert_nonnull (error);
  g_clear_error (&error);
  huge = g_strnfill (PC_SESSION_STORE_MAX_BYTES + 1, '#');
  g_assert_true (g_file_set_contents (path, huge, -1, NULL));
  loaded = pc_session_store_load (path, NULL, &error);
  g_assert_null (loaded);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A missing file is an empty session. */
  g_assert_cmpint (g_remove (path), ==, 0);
  loaded = pc_session_store_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 0);
  pc_test_remove_tree (dir);
}

static void
test_replay_plan (void)
{
  g_autoptr(GListStore) store = g_list_store_new (PC_TYPE_DEFINITION);
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plan = NULL;
  guint n_variable_requests = 0;
  const char *items[][2] = {
    { "a", NULL }, { "b", NULL }, { "c", NULL }, { "f", "f(x) = g(x)" }, { "g", "g(x) = x" },
  };
  const double values[] = { 0.1 + 0.2, INFINITY, -INFINITY };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(PcDefinition) definition =
        items[i][1] == NULL ? pc_definition_new_variable (items[i][0], values[i])
                            : pc_definition_new_function (items[i][0], items[i][1]);

      g_list_store_append (store, definition);
    }
  plan = pc_session_replay_plan (G_LIST_MODEL (store), 1000, &n_variable_requests, skipped);
  g_assert_cmpuint (n_variable_requests, ==, 1);
  g_assert_cmpuint (plan->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (plan, 0), ==, "a = 0.30000000000000004, b = 1/0, c = -1/0");
  g_assert_cmpstr (g_ptr_array_index (plan, 1), ==, "f(x) = g(x)");
  g_assert_cmpuint (skipped->len, ==, 0);
  g_clear_pointer (&plan, g_ptr_array_unref);

  /* Requests never exceed the bound; what cannot fit is named. */
  plan = pc_session_replay_plan (G_LIST_MODEL (store), 11, &n_variable_requests, skipped);
  g_assert_cmpuint (n_variable_requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (plan, 0), ==, "b = 1/0");
  g_assert_cmpstr (g_ptr_array_index (plan, 1), ==, "c = -1/0");
  g_assert_cmpstr (g_ptr_array_index (plan, 2), ==, "f(x) = g(x)");
  g_assert_cmpstr (g_ptr_array_index (plan, 3), ==, "g(x) = x");
  g_assert_cmpuint (skipped->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (skipped, 0), ==, "a");
}

/* ---- The model against a real server ---------------------------------- */

typedef struct
{
  PcConnection   *connection;
  PcSessionModel *model;
  guint           restored;
  guint           restored_variables;
  guint           restored_functions;
  guint           started;
  gint64          started_at;
  gint64          restored_at;
  PcEvalOutcome  *outcome;
  gboolean        done;
  guint           catalogs;  /* "catalog-changed" signals */
  char           *dir;       /* the test's folder: the server's address in it */
  char           *address;
  PcTestServer   *server;
} World;

/* A pipecalcd on a unix address in a fresh folder, a connection (no
 * target yet: a test connects its signals first) and its model. */
static void
world_start (World *world)
{
  world->dir = g_dir_make_tmp ("pc-session-XXXXXX", NULL);
  world->address = pc_test_address ("unix", world->dir);
  world->server = pc_test_server_start (world->address, NULL);
  world->connection = pc_connection_new (pc_test_transports ());
  world->model = pc_session_model_new (world->connection);
}

/* The model goes first (it writes its file when it goes), then the
 * connection and the server, which must exit cleanly. */
static void
world_finish (World *world)
{
  g_clear_object (&world->model);
  if (world->connection != NULL)
    pc_connection_stop (world->connection);
  g_clear_object (&world->connection);
  if (world->server != NULL)
    g_assert_cmpint (pc_test_server_stop (world->server), ==, 0);
  g_clear_pointer (&world->server, pc_test_server_free);
  pc_test_remove_tree (world->dir);
  g_clear_pointer (&world->dir, g_free);
  g_clear_pointer (&world->address, g_free);
}

static void
restored_cb (PcSessionModel *model,
             guint           n_variables,
             guint           n_functions,
             World          *world)
{
  world->restored++;
  world->restored_at = g_get_monotonic_time ();
  world->restored_variables = n_variables;
  world->restored_functions = n_functions;
}

static void
started_cb (PcSessionModel *model,
            guint           session,
            World          *world)
{
  world->started++;
  world->started_at = g_get_monotonic_time ();
}

static gboolean
restored_at_least (gpointer data)
{
  World *world = ((gpointer *) data)[0];

  return world->restored >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
wait_restored (World *world,
               guint  count)
{
  gpointer data[2] = { world, GUINT_TO_POINTER (count) };

  wait_for (restored_at_least, data, "the model to say the session was restored");
}

static gboolean
has_items (gpointer data)
{
  World *world = ((gpointer *) data)[0];

  return g_list_model_get_n_items (pc_session_model_get_definitions (world->model))
         == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
wait_items (World *world,
            guint  count)
{
  gpointer data[2] = { world, GUINT_TO_POINTER (count) };

  wait_for (has_items, data, "the model to list the session's definitions");
}

static void
eval_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  World *world = user_data;

  world->outcome = pc_connection_eval_finish (PC_CONNECTION (source), result, NULL);
  world->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((World *) data)->done;
}

static PcEvalOutcome *
evaluate (World      *world,
          const char *expression)
{
  world->done = FALSE;
  world->outcome = NULL;
  pc_connection_eval_async (world->connection, expression, NULL, eval_cb, world);
  wait_for (is_done, world, expression);
  g_assert_nonnull (world->outcome);
  return world->outcome;
}

static void
test_model_restores (gconstpointer user_data)
{
  gboolean restore = GPOINTER_TO_INT (user_data);
  g_autoptr(PcEvalOutcome) outcome = NULL;
  g_autoptr(PcDefinition) a = NULL;
  g_autoptr(PcDefinition) b = NULL;
  World world = { 0 };

  world_start (&world);
  pc_session_model_set_restore (world.model, restore);
  g_signal_connect (world.model, "restored", G_CALLBACK (restored_cb), &world);
  g_signal_connect (world.model, "session-started", G_CALLBACK (started_cb), &world);
  pc_connection_set_target (world.connection, world.address, FALSE);
  wait_restored (&world, 1);
  g_assert_cmpuint (world.restored_variables + world.restored_functions, ==, 0);

  /* h after g in name order, so g's first replay fails: it uses h. */
  pc_eval_outcome_free (evaluate (&world, "a = 0.1 + 0.2, b = 1/0"));
  pc_eval_outcome_free (evaluate (&world, "h(x) = x*2"));
  pc_eval_outcome_free (evaluate (&world, "g(x) = h(x) + a"));
  wait_items (&world, 4);
  a = find_definition (pc_session_model_get_definitions (world.model), "a");
  b = find_definition (pc_session_model_get_definitions (world.model), "b");
  g_assert_nonnull (a);
  g_assert_true (same_double (pc_definition_get_value (a), 0.1 + 0.2));
  g_assert_cmpstr (pc_definition_get_text (a), ==, "a = 0.3");
  /* vars says null for inf: the model asked which. */
  g_assert_nonnull (b);
  g_assert_true (isinf (pc_definition_get_value (b)) && pc_definition_get_value (b) > 0);

  /* The server goes; what is typed meanwhile waits for the replay. */
  g_assert_cmpint (pc_test_server_stop (world.server), ==, 0);
  g_clear_pointer (&world.server, pc_test_server_free);
  world.done = FALSE;
  pc_connection_eval_async (world.connection, "a*10", NULL, eval_cb, &world);
  world.server = pc_test_server_start (world.address, NULL);
  pc_connection_reconnect_now (world.connection);
  wait_restored (&world, 2);
  g_assert_cmpuint (world.started, ==, 2);
  wait_for (is_done, &world, "a*10 typed while disconnected");
  g_assert_nonnull (world.outcome);
  outcome = world.outcome;
  if (restore)
    {
      g_assert_cmpuint (world.restored_variables, ==, 2);
      g_assert_cmpuint (world.restored_functions, ==, 2);
      g_assert_cmpint (outcome->error_code, ==, 0);
      g_assert_true (same_double (outcome->values[0], (0.1 + 0.2) * 10));
      g_clear_pointer (&outcome, pc_eval_outcome_free);
      outcome = evaluate (&world, "g(3), b");
      g_assert_cmpint (outcome->error_code, ==, 0);
      g_assert_true (same_double (outcome->values[0], 6 + 0.1 + 0.2));
      g_assert_true (isinf (outcome->values[1]));
    }
  else
    {
      g_assert_cmpuint (world.restored_variables + world.restored_functions, ==, 0);
      g_assert_cmpint (outcome->error_code, !=, 0);
      wait_items (&world, 0);
    }

  world_finish (&world);
}

static void
unset_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  World *world = user_data;

  world->done = pc_session_model_unset_finish (PC_SESSION_MODEL (source), result, NULL);
}

static void
test_model_unset (void)
{
  g_autoptr(GPtrArray) saved = NULL;
  World world = { 0 };
  g_autofree char *store = NULL;

  world_start (&world);
  store = g_build_filename (world.dir, "session.ini", NULL);
  pc_session_model_set_store_path (world.model, store);
  g_signal_connect (world.model, "restored", G_CALLBACK (restored_cb), &world);
  pc_connection_set_target (world.connection, world.address, FALSE);
  wait_restored (&world, 1);
  pc_eval_outcome_free (evaluate (&world, "x1 = 1, x2 = 2"));
  wait_items (&world, 2);
  world.done = FALSE;
  pc_session_model_unset_async (world.model, "x1", NULL, unset_cb, &world);
  wait_for (is_done, &world, "unset x1");
  wait_items (&world, 1);

  /* Written when the model goes, at the latest. */
  g_clear_object (&world.model);
  saved = pc_session_store_load (store, NULL, NULL);
  g_assert_nonnull (saved);
  g_assert_cmpuint (saved->len, ==, 1);
  g_assert_cmpstr (pc_definition_get_name (g_ptr_array_index (saved, 0)), ==, "x2");

  world_finish (&world);
}

/* The server's catalogue, read with the definitions: kept by the model
 * for the window (its Functions page and completion), announced only when
 * it changes, and with the session's own functions in it. */
static void
catalog_changed_cb (PcSessionModel *model,
                    World          *world)
{
  world->catalogs++;
}

static gboolean
catalogs_at_least (gpointer data)
{
  World *world = ((gpointer *) data)[0];

  return world->catalogs >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static const PcFunctionInfo *
find_function (GPtrArray  *infos,
               const char *name)
{
  for (guint i = 0; i < infos->len; i++)
    if (g_str_equal (((PcFunctionInfo *) g_ptr_array_index (infos, i))->name, name))
      return g_ptr_array_index (infos, i);
  return NULL;
}

static void
test_model_catalog (void)
{
  World world = { 0 };
  gpointer one[2] = { &world, GUINT_TO_POINTER (1) };
  const PcCatalog *catalog;
  const PcFunctionInfo *f;

  world_start (&world);
  g_signal_connect (world.model, "catalog-changed", G_CALLBACK (catalog_changed_cb), &world);
  g_assert_null (pc_session_model_get_catalog (world.model));
  pc_connection_set_target (world.connection, world.address, FALSE);
  wait_for (catalogs_at_least, one, "the first catalogue");
  catalog = pc_session_model_get_catalog (world.model);
  g_assert_nonnull (catalog);
  g_assert_nonnull (find_function (catalog->functions, "sin"));
  g_assert_cmpuint (catalog->user->len, ==, 0);

  /* A variable is read again (the definitions change), the catalogue is
   * the same: no signal. The definitions and the catalogue are read in
   * one go, so once the list shows v the catalogue was read too. */
  pc_eval_outcome_free (evaluate (&world, "v = 2"));
  wait_items (&world, 1);
  g_assert_cmpuint (world.catalogs, ==, 1);

  /* A function is in the next catalogue, with its definition. */
  pc_eval_outcome_free (evaluate (&world, "f(x) = x^2 + v"));
  wait_items (&world, 2);
  g_assert_cmpuint (world.catalogs, ==, 2);
  catalog = pc_session_model_get_catalog (world.model);
  f = find_function (catalog->user, "f");
  g_assert_nonnull (f);
  g_assert_cmpstr (f->text, ==, "f(x) = x^2 + v");
  g_assert_nonnull (find_function (catalog->functions, "sin"));

  /* A model made on a connection already in a session reads it at once. */
  {
    g_autoptr(PcSessionModel) late = pc_session_model_new (world.connection);
    World other = { .connection = world.connection, .model = late };
    gpointer first[2] = { &other, GUINT_TO_POINTER (1) };

    g_signal_connect (late, "catalog-changed", G_CALLBACK (catalog_changed_cb), &other);
    wait_for (catalogs_at_least, first, "the catalogue of a model made late");
    g_assert_nonnull (find_function (pc_session_model_get_catalog (late)->user, "f"));
    g_assert_cmpuint (g_list_model_get_n_items (pc_session_model_get_definitions (late)), ==, 2);
  }

  world_finish (&world);
}

/* A session of many variables (the server's vars pages, the replay's
 * requests within max_expression): all of them come back, exactly. */
#define MANY 3000

static void
test_model_many (void)
{
  g_autoptr(PcEvalOutcome) outcome = NULL;
  World world = { 0 };

  world_start (&world);
  g_signal_connect (world.model, "restored", G_CALLBACK (restored_cb), &world);
  g_signal_connect (world.model, "session-started", G_CALLBACK (started_cb), &world);
  pc_connection_set_target (world.connection, world.address, FALSE);
  wait_restored (&world, 1);
  for (guint i = 0; i < MANY; i += 300)
    {
      g_autoptr(GString) request = g_string_new (NULL);

      for (guint j = i; j < i + 300; j++)
        g_string_append_printf (request, "%sv%04u = %u/7", j > i ? ", " : "", j, j);
      pc_connection_eval_async (world.connection, request->str, NULL, NULL, NULL);
    }
  wait_items (&world, MANY);

  g_assert_cmpint (pc_test_server_stop (world.server), ==, 0);
  g_clear_pointer (&world.server, pc_test_server_free);
  world.server = pc_test_server_start (world.address, NULL);
  pc_connection_reconnect_now (world.connection);
  wait_restored (&world, 2);
  g_test_message ("%u variables replayed in %.0f ms", world.restored_variables,
                  (world.restored_at - world.started_at) / 1000.0);
  g_assert_cmpuint (world.restored_variables, ==, MANY);
  outcome = evaluate (&world, "v2999, v0001");
  g_assert_cmpint (outcome->error_code, ==, 0);
  g_assert_true (same_double (outcome->values[0], 2999.0 / 7));
  g_assert_true (same_double (outcome->values[1], 1.0 / 7));

  world_finish (&world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/store/round-trip", test_store_round_trip);
  g_test_add_func ("/session/store/bad-content", test_store_bad_content);
  g_test_add_func ("/session/replay-plan", test_replay_plan);
  g_test_add_data_func ("/session/model/restores", GINT_TO_POINTER (TRUE), test_model_restores);
  g_test_add_data_func ("/session/model/restore-off", GINT_TO_POINTER (FALSE),
                        test_model_restores);
  g_test_add_func ("/session/model/unset", test_model_unset);
  g_test_add_func ("/session/model/catalog", test_model_catalog);
  g_test_add_func ("/session/model/many", test_model_many);
  return g_test_run ();
}
