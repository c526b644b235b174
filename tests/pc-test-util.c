/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <glib/gstdio.h>

#include "pc-test-util.h"
#include "pc-wait.h"

/* Loaded once per test program and kept: modules are never unloaded. */
PcTransports *
pc_test_transports (void)
{
  static PcTransports *transports;

  if (g_once_init_enter (&transports))
    {
      g_autoptr(GError) error = NULL;
      PcTransports *loaded = pc_transports_load (&error);

      g_assert_no_error (error);
      g_once_init_leave (&transports, loaded);
    }
  return transports;
}

const char *
pc_test_server_path (void)
{
  const char *path = g_getenv ("PIPECALCD");

  g_assert_nonnull (path);
  return path;
}

const char *
pc_test_cli_path (void)
{
  const char *path = g_getenv ("PIPECALC_CLI");

  g_assert_nonnull (path);
  return path;
}

char *
pc_test_address (const char *scheme,
                 const char *dir)
{
  g_autoptr(GError) error = NULL;
  const PcTransportOps *ops = pc_transports_lookup (pc_test_transports (), scheme, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ops->private_address);
  return ops->private_address (dir);
}

GIOStream *
pc_test_connect (const char  *address_text,
                 GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(PcAddress) address = pc_transports_parse_address (pc_test_transports (), address_text,
                                                              error);
  const PcTransportOps *ops;
  g_auto(PcWait) wait = PC_WAIT_INIT;
  GIOStream *stream;

  if (address == NULL)
    return NULL;
  ops = pc_transports_lookup (pc_test_transports (), address->scheme, error);
  if (ops == NULL)
    return NULL;
  g_main_context_push_thread_default (context);
  ops->connect_async (address, NULL, NULL, pc_wait_cb, &wait);
  stream = ops->connect_finish (pc_wait_run (&wait, context, 0), error);
  g_main_context_pop_thread_default (context);
  return stream;
}

void
pc_test_send (GIOStream  *stream,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text,
                             strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

char *
pc_test_read_line (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* Byte by byte: slow, but the tests that need speed read in bulk. */
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char c;
      gssize n = g_input_stream_read (in, &c, 1, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        return NULL;
      if (c == '\n')
        break;
      g_string_append_c (line, c);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

char *
pc_test_ask (GIOStream  *stream,
             const char *line)
{
  g_autofree char *with_nl = g_strconcat (line, "\n", NULL);

  pc_test_send (stream, with_nl);
  return pc_test_read_line (stream);
}

void
pc_test_die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

PcTestServer *
pc_test_server_start (const char         *address,
                      const char * const *extra_args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  PcTestServer *server = g_new0 (PcTestServer, 1);

  server->runtime_dir = g_dir_make_tmp ("pipecalc-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", server->runtime_dir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, pc_test_die_with_parent, NULL, NULL);
  if (g_getenv ("PIPECALC_TEST_SERVER_LOG") != NULL)
    g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_NONE);

  g_strv_builder_add_many (builder, pc_test_server_path (), "--listen", address, NULL);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_strv_builder_add (builder, extra_args[i]);
  argv = g_strv_builder_end (builder);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv,
                                                  &error);
  g_assert_no_error (error);
  server->address = g_strdup (address);

  pc_test_wait_accepting (address, server->process);
  return server;
}

void
pc_test_wait_accepting (const char  *address,
                        GSubprocess *process)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GIOStream) stream = pc_test_connect (address, NULL);

      if (stream != NULL)
        {
          g_io_stream_close (stream, NULL, NULL);
          return;
        }
      g_assert_nonnull (g_subprocess_get_identifier (process));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
}

int
pc_test_server_stop (PcTestServer *server)
{
  g_autoptr(GError) error = NULL;

  if (g_subprocess_get_identifier (server->process) != NULL)
    g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (server->process)
         ? g_subprocess_get_exit_status (server->process) : -1;
}

void
pc_test_remove_contents (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pc_test_remove_tree (child);
      else
        g_unlink (child);
    }
}

void
pc_test_remove_tree (const char *path)
{
  pc_test_remove_contents (path);
  g_rmdir (path);
}

void
pc_test_server_free (PcTestServer *server)
{
  if (server == NULL)
    return;
  if (g_subprocess_get_identifier (server->process) != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_object_unref (server->process);
  pc_test_remove_tree (server->runtime_dir);
  g_free (server->runtime_dir);
  g_free (server->address);
  g_free (server);
}

gint64
pc_test_server_status_kb (PcTestServer *server,
                          const char   *field)
{
  const char *pid = g_subprocess_get_identifier (server->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_nonnull (pid);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, field);
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

int
pc_test_run (const char * const *argv,
             const char * const *env_overrides,
             const char         *input,
             char              **out,
             char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE
                               | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; env_overrides != NULL && env_overrides[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env_overrides[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  /* A sanitizer report (test.sh makes it exit 66) fails the caller's
   * status check before it would print the report: show it first. */
  if (g_subprocess_get_exit_status (process) == 66 && err != NULL && *err != NULL)
    g_printerr ("%s exited 66, its standard error:\n%s", argv[0], *err);
  return g_subprocess_get_exit_status (process);
}
