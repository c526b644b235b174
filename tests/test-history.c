/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pc-function-help.h"
#include "pc-history.h"
#include "pc-target.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("pipecalc-history-XXXXXX", NULL);
  fixture->path = g_build_filename (fixture->dir, "sub", "history", NULL);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *sub = g_path_get_dirname (fixture->path);

  g_unlink (fixture->path);
  g_rmdir (sub);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
assert_items (PcHistory   *history,
              const char **expected)
{
  const char * const *items = pc_history_get_items (history);

  g_assert_cmpstrv (items, expected);
}

static void
test_order_and_duplicates (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "1+1", "2^10", "sin(pi)", NULL };

  g_assert_true (pc_history_add (history, "1+1", &error));
  g_assert_true (pc_history_add (history, "sin(pi)", &error));
  g_assert_true (pc_history_add (history, "2^10", &error));
  /* Entered again: it moves to the top, once. Blank text is not kept. */
  g_assert_true (pc_history_add (history, "  1+1 ", &error));
  g_assert_true (pc_history_add (history, "   ", &error));
  g_assert_no_error (error);
  assert_items (history, expected);
}

static void
test_persisted (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(PcHistory) first = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(PcHistory) second = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "b", "a", NULL };
  GStatBuf st;

  pc_history_add (first, "a", &error);
  pc_history_add (first, "b", &error);
  g_assert_no_error (error);
  /* Written at once: a second program (or a restart after a crash)
   * reads it back without the first one closing anything. */
  g_assert_true (pc_history_load (second, &error));
  g_assert_no_error (error);
  assert_items (second, expected);
  /* Private to the user. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_max_size (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 3, TRUE);
  g_autoptr(PcHistory) reread = pc_history_new (fixture->path, 3, TRUE);
  const char *expected[] = { "5", "4", "3", NULL };
  const char *smaller[] = { "5", "4", NULL };

  for (int i = 1; i <= 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("%d", i);

      pc_history_add (history, text, NULL);
    }
  assert_items (history, expected);
  pc_history_load (reread, NULL);
  assert_items (reread, expected);
  pc_history_set_max_size (history, 2);
  assert_items (history, smaller);
}

static void
test_not_persistent_and_clear (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;
  const char *empty[] = { NULL };

  pc_history_add (history, "kept", NULL);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  /* "Keep history after closing" off: the file goes, and stays gone. */
  g_assert_true (pc_history_set_persistent (history, FALSE, &error));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  pc_history_add (history, "not kept", NULL);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (pc_history_get_length (history), ==, 2);

  g_assert_true (pc_history_set_persistent (history, TRUE, &error));
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_true (pc_history_clear (history, &error));
  g_assert_no_error (error);
  assert_items (history, empty);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_damaged_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  const char *expected[] = { "1+1", "2*3", NULL };

  /* Invalid UTF-8, blank lines and duplicates never reach the entry. */
  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, "1+1\n\n\xff\xfe\n2*3\n1+1\n", -1, NULL);
  g_assert_true (pc_history_load (history, &error));
  g_assert_no_error (error);
  assert_items (history, expected);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (pc_history_load (history, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pc_history_get_length (history), ==, 0);
}

/* Results are kept beside their expressions and come back after a
 * restart; entering an expression again forgets its old result. */
static void
test_results (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(PcHistory) reread = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *long_result = g_strnfill (PC_HISTORY_MAX_RESULT + 100, '7');
  const char *expected[] = { "1/0", "big", "a = 3", "2+2", NULL };

  pc_history_add (history, "2+2", &error);
  g_assert_true (pc_history_set_result (history, "2+2", "4", &error));
  pc_history_add (history, "a = 3", &error);
  /* Tabs and newlines in a result cannot break the file's lines. */
  g_assert_true (pc_history_set_result (history, "a = 3", "3\t\n", &error));
  pc_history_add (history, "big", &error);
  g_assert_true (pc_history_set_result (history, "big", long_result, &error));
  pc_history_add (history, "1/0", &error);
  /* Not in the history: nothing changes. */
  g_assert_true (pc_history_set_result (history, "nowhere", "1", &error));
  g_assert_no_error (error);

  g_assert_true (pc_history_load (reread, &error));
  g_assert_no_error (error);
  assert_items (reread, expected);
  g_assert_null (pc_history_get_result (reread, 0));
  g_assert_cmpuint (strlen (pc_history_get_result (reread, 1)), ==, PC_HISTORY_MAX_RESULT);
  g_assert_cmpstr (pc_history_get_result (reread, 2), ==, "3");
  g_assert_cmpstr (pc_history_get_result (reread, 3), ==, "4");
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "\n2+2\t4\n"));

  pc_history_add (history, "2+2", &error);
  g_assert_null (pc_history_get_result (history, 0));
}

/* A file written before results were kept (one expression a line) loads. */
static void
test_old_format (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 100, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autofree char *huge = g_strnfill (PC_HISTORY_MAX_LINE + 1, '1');
  g_autofree char *text = g_strdup_printf ("sin(\n3*7\n%s\n\t5\n11+1\n", huge);
  const char *expected[] = { "sin(", "3*7", "11+1", NULL };

  g_mkdir_with_parents (sub, 0700);
  g_file_set_contents (fixture->path, text, -1, NULL);
  g_assert_true (pc_history_load (history, &error));
  g_assert_no_error (error);
  /* An overlong line and a result without an expression are damage. */
  assert_items (history, expected);
  for (guint i = 0; i < 3; i++)
    g_assert_null (pc_history_get_result (history, i));
}

/* Clear, then Undo: the whole history comes back, results and file
 * included, after whatever was entered in between. */
static void
test_clear_and_restore (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PcHistory) history = pc_history_new (fixture->path, 3, TRUE);
  g_autoptr(PcHistory) reread = pc_history_new (fixture->path, 3, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  const char *expected[] = { "new", "b", "a", NULL };

  pc_history_add (history, "x", NULL);
  pc_history_add (history, "a", NULL);
  pc_history_set_result (history, "a", "1", NULL);
  pc_history_add (history, "b", NULL);
  saved = pc_history_serialize (history);
  g_assert_true (pc_history_clear (history, &error));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  pc_history_add (history, "new", NULL);
  g_assert_true (pc_history_restore (history, saved, &error));
  g_assert_no_error (error);
  /* Within max-size: the oldest, x, stays out. */
  assert_items (history, expected);
  g_assert_true (pc_history_load (reread, &error));
  assert_items (reread, expected);
  g_assert_cmpstr (pc_history_get_result (reread, 2), ==, "1");
}

static PcFunctionInfo *
function_info (const char *name,
               const char *description,
               const char *text)
{
  PcFunctionInfo *info = g_new0 (PcFunctionInfo, 1);

  info->name = g_strdup (name);
  info->args = 1;
  info->description = g_strdup (description);
  info->text = g_strdup (text);
  return info;
}

/* Completion offers each name once, with its description: not sin( from
 * a failed attempt beside the function sin, nor whole expressions. */
static void
test_completions (void)
{
  g_autoptr(PcCatalog) catalog = g_new0 (PcCatalog, 1);
  const char *history[] = { "sin(", "a", "2+2", "sin", "pi", "zz top", NULL };
  const char *expected[] = { "sin", "frob", "pi", "f", "a", NULL };
  g_autoptr(GPtrArray) completions = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) got = NULL;
  double pi = G_PI;
  const PcCompletion *sin_one, *frob, *f, *a;

  catalog->functions = g_ptr_array_new_with_free_func ((GDestroyNotify) pc_function_info_free);
  catalog->user = g_ptr_array_new_with_free_func ((GDestroyNotify) pc_function_info_free);
  catalog->operators = g_ptr_array_new_with_free_func (g_free);
  catalog->constant_names = g_ptr_array_new_with_free_func (g_free);
  catalog->constant_values = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (catalog->functions, function_info ("sin", "the server's sine", NULL));
  /* A function the window has no words for: the server's. */
  g_ptr_array_add (catalog->functions, function_info ("frob", "frobnicate", NULL));
  g_ptr_array_add (catalog->functions, function_info ("sin", "again", NULL));
  g_ptr_array_add (catalog->operators, g_strdup ("+"));
  g_ptr_array_add (catalog->constant_names, g_strdup ("pi"));
  g_array_append_val (catalog->constant_values, pi);
  g_ptr_array_add (catalog->user, function_info ("f", NULL, "f(x) = x^2"));

  completions = pc_function_help_completions (catalog, history);
  for (guint i = 0; i < completions->len; i++)
    g_strv_builder_add (names, ((PcCompletion *) g_ptr_array_index (completions, i))->name);
  got = g_strv_builder_end (names);
  g_assert_cmpstrv (got, expected);
  sin_one = g_ptr_array_index (completions, 0);
  frob = g_ptr_array_index (completions, 1);
  f = g_ptr_array_index (completions, 3);
  a = g_ptr_array_index (completions, 4);
  /* The window's words (the test runs untranslated), not the server's. */
  g_assert_cmpstr (sin_one->description, ==, "sine (radians)");
  g_assert_cmpstr (sin_one->insert, ==, "sin()");
  g_assert_cmpint (sin_one->back, ==, 1);
  g_assert_cmpstr (frob->description, ==, "frobnicate");
  g_assert_cmpstr (f->description, ==, "f(x) = x^2");
  g_assert_cmpstr (f->insert, ==, "f()");
  g_assert_cmpstr (a->insert, ==, "a");
  g_assert_cmpint (a->back, ==, 0);
  g_assert_cmpstr (pc_function_help_describe ("sqrt", NULL), ==, "square root");

  /* A hostile server's endless catalogue is cut, not shown whole. */
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);

      g_ptr_array_add (catalog->functions, function_info (name, NULL, NULL));
    }
  g_clear_pointer (&completions, g_ptr_array_unref);
  completions = pc_function_help_completions (catalog, NULL);
  g_assert_cmpuint (completions->len, <=, 1000 + 3);
  g_assert_null (pc_function_help_describe ("nosuch", NULL));
}

static void
test_targets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcTransports) t = pc_transports_load (&error);
  g_autoptr(PcTarget) local = pc_target_new (t, FALSE, "unix", 7878, TRUE, NULL, "tcp", 7878, NULL, FALSE, &error);
  g_autoptr(PcTarget) local_tcp = pc_target_new (t, FALSE, "tcp", 9000, TRUE, NULL, "tcp", 7878, NULL, FALSE, &error);
  g_autoptr(PcTarget) local_fifo = pc_target_new (t, FALSE, "fifo", 9000, TRUE, NULL, "tcp", 7878, NULL, FALSE, &error);
  g_autoptr(PcTarget) remote = pc_target_new (t, TRUE, "unix", 7878, TRUE, " calc.example.org ", "tcp", 7979, NULL, FALSE, &error);
  g_autoptr(PcTarget) remote6 = pc_target_new (t, TRUE, "unix", 7878, TRUE, "::1", "tcp", 7878, NULL, FALSE, &error);
  g_autoptr(PcTarget) no_host = NULL;
  g_autoptr(PcTarget) bad_host = NULL;
  g_autoptr(PcTarget) not_remote = NULL;
  g_autoptr(PcTarget) missing = NULL;
  g_autofree char *fifo_default = NULL;

  g_assert_no_error (error);
  /* Local unix is the default address, where a private server may start. */
  g_assert_null (local->address);
  g_assert_true (local->start_private);
  g_assert_cmpstr (local_tcp->address, ==, "tcp://127.0.0.1:9000");
  /* A transport without ports: its module's default address. */
  fifo_default = pc_transports_lookup (t, "fifo", NULL)->default_address ();
  g_assert_cmpstr (local_fifo->address, ==, fifo_default);
  /* Any local server may be started privately, on the address chosen. */
  g_assert_true (local_tcp->start_private);
  g_assert_false (remote->start_private);
  g_assert_cmpstr (remote->address, ==, "tcp://calc.example.org:7979");
  g_assert_cmpstr (remote6->address, ==, "tcp://[::1]:7878");

  no_host = pc_target_new (t, TRUE, "unix", 7878, TRUE, "  ", "tcp", 7878, NULL, FALSE, &error);
  g_assert_null (no_host);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bad_host = pc_target_new (t, TRUE, "unix", 7878, TRUE, "bad host!", "tcp", 7878, NULL, FALSE, &error);
  g_assert_null (bad_host);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "tcp://"));
  g_clear_error (&error);
  /* A local-only transport cannot be asked for a remote server, and a
   * transport this build lacks (settings from another platform) is
   * refused with a message rather than guessed at. */
  not_remote = pc_target_new (t, TRUE, "unix", 7878, TRUE, "server", "unix", 7878, NULL, FALSE, &error);
  g_assert_null (not_remote);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  missing = pc_target_new (t, TRUE, "unix", 7878, TRUE, "server", "nosuch", 0, "pipecalc", FALSE, &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/history/order-and-duplicates", Fixture, NULL, set_up,
              test_order_and_duplicates, tear_down);
  g_test_add ("/history/persisted", Fixture, NULL, set_up, test_persisted, tear_down);
  g_test_add ("/history/max-size", Fixture, NULL, set_up, test_max_size, tear_down);
  g_test_add ("/history/not-persistent-and-clear", Fixture, NULL, set_up,
              test_not_persistent_and_clear, tear_down);
  g_test_add ("/history/damaged-file", Fixture, NULL, set_up, test_damaged_file, tear_down);
  g_test_add ("/history/missing-file", Fixture, NULL, set_up, test_missing_file, tear_down);
  g_test_add ("/history/results", Fixture, NULL, set_up, test_results, tear_down);
  g_test_add ("/history/old-format", Fixture, NULL, set_up, test_old_format, tear_down);
  g_test_add ("/history/clear-and-restore", Fixture, NULL, set_up,
              test_clear_and_restore, tear_down);
  g_test_add_func ("/gui/targets", test_targets);
  g_test_add_func ("/gui/completions", test_completions);
  return g_test_run ();
}
