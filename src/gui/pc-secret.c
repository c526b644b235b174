/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include "pc-secret.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "pc-token.h"

char *
pc_secret_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "pipecalc", "access-token", NULL);
}

/* ---- The file, for builds and sessions without a keyring --------------- */

static void
file_lookup_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autofree char *path = pc_secret_file_path ();
  GError *error = NULL;
  char *token;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  /* The same checks as the programs' --token-file: a file others may
   * read is refused, not trusted. */
  token = pc_token_read_file (path, &error);
  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) pc_token_free);
}

static void
file_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *token = task_data;
  g_autofree char *path = pc_secret_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *content = NULL;
  GError *error = NULL;

  if (token == NULL || token[0] == '\0')
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int errsv = errno;

          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                                   _("Cannot remove %s: %s"), path, g_strerror (errsv));
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Cannot create directory %s: %s"), dir, g_strerror (errsv));
      return;
    }
  content = g_strconcat (token, "\n", NULL);
  /* Written to a temporary file made 0600 and renamed: the token is
   * never readable by others, not even for an instant. */
  if (!g_file_set_contents_full (path, content, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    {
      memset (content, 0, strlen (content));
      g_task_return_error (task, error);
      return;
    }
  memset (content, 0, strlen (content));
  g_task_return_boolean (task, TRUE);
}

static void
file_lookup (GTask *task)
{
  g_task_run_in_thread (task, file_lookup_thread);
}

static void
file_store (GTask      *task,
            const char *token)
{
  g_task_set_task_data (task, g_strdup (token), (GDestroyNotify) pc_token_free);
  g_task_run_in_thread (task, file_store_thread);
}

/* ---- The keyring -------------------------------------------------------- */

#ifdef HAVE_LIBSECRET
static const SecretSchema token_schema = {
  .name = "io.github.pipecalc.PipeCalc.AccessToken",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* The window has one remote server, so one token. */
#define SERVER_ATTRIBUTE "remote"

static gboolean
use_keyring (void)
{
  /* For tests, and for a session whose keyring must not be touched. */
  return g_strcmp0 (g_getenv ("PIPECALC_TOKEN_STORE"), "file") != 0;
}

static void
keyring_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *token = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    {
      /* No keyring in this session: the file is the store. */
      g_debug ("No keyring (%s); using %s", error->message, "the token file");
      file_lookup (g_steal_pointer (&task));
      return;
    }
  if (token == NULL)
    {
      /* Nothing in the keyring: a token stored before there was one. */
      file_lookup (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_strdup (token), (GDestroyNotify) pc_token_free);
  secret_password_free (token);
}

static void
keyring_store_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  const char *token = g_task_get_task_data (task);
  gboolean cleared = token == NULL || token[0] == '\0';

  if (cleared)
    secret_password_clear_finish (result, &error);
  else
    secret_password_store_finish (result, &error);
  if (error != NULL)
    {
      g_debug ("No keyring (%s); using %s", error->message, "the token file");
      file_store (g_steal_pointer (&task), token);
      return;
    }
  /* In the keyring now: no copy left in a file. */
  file_store (g_steal_pointer (&task), NULL);
}
#endif

void
pc_secret_lookup_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pc_secret_lookup_async);
#ifdef HAVE_LIBSECRET
  if (use_keyring ())
    {
      secret_password_lookup (&token_schema, cancellable, keyring_lookup_cb, task,
                              "server", SERVER_ATTRIBUTE, NULL);
      return;
    }
#endif
  file_lookup (task);
}

char *
pc_secret_lookup_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Nobody waits for the result: a failure goes to the log. */
static void
log_store_failure_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pc_secret_store_finish (result, &error))
    g_warning ("%s", error->message);
}

void
pc_secret_store_async (const char          *address,
                       const char          *token,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable,
                            callback != NULL ? callback : log_store_failure_cb, user_data);

  g_task_set_source_tag (task, pc_secret_store_async);
#ifdef HAVE_LIBSECRET
  if (use_keyring ())
    {
      g_autofree char *label = NULL;

      g_task_set_task_data (task, g_strdup (token), (GDestroyNotify) pc_token_free);
      if (token == NULL || token[0] == '\0')
        {
          secret_password_clear (&token_schema, cancellable, keyring_store_cb, task,
                                 "server", SERVER_ATTRIBUTE, NULL);
          return;
        }
      /* TRANSLATORS: the label of the token in the keyring; %s is the
       * server's address */
      label = g_strdup_printf (_("pipecalc access token for %s"), address ? address : "");
      secret_password_store (&token_schema, SECRET_COLLECTION_DEFAULT, label, token,
                             cancellable, keyring_store_cb, task,
                             "server", SERVER_ATTRIBUTE, NULL);
      return;
    }
#endif
  file_store (task, token);
}

gboolean
pc_secret_store_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
