/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "pc-session-model.h"
#include "pc-session-store.h"

#define GROUP_VARIABLES "variables"
#define GROUP_FUNCTIONS "functions"
/* The server's own bound on a name. */
#define MAX_NAME 256
/* And on all definitions of a session together. */
#define MAX_DEFINITION 16384

char *
pc_session_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "pipecalc", "session.ini", NULL);
}

gboolean
pc_session_store_is_name (const char *name)
{
  gsize len = name != NULL ? strlen (name) : 0;

  if (len == 0 || len > MAX_NAME || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_isalnum (name[i]) || name[i] == '_'))
      return FALSE;
  return !g_str_equal (name, "ans");
}

static gboolean
parse_value (const char *text,
             double     *value)
{
  char *end = NULL;

  if (text == NULL || text[0] == '\0' || g_ascii_isspace (text[0]))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && end != text;
}

gboolean
pc_session_store_is_definition (const char *text,
                                const char *name)
{
  gsize len = strlen (name);

  if (text == NULL || strlen (text) > MAX_DEFINITION || !g_utf8_validate (text, -1, NULL)
      || strncmp (text, name, len) != 0)
    return FALSE;
  text += len;
  while (*text == ' ')
    text++;
  return *text == '(' && strchr (text, '=') != NULL && strchr (text, '\n') == NULL;
}

static void
complain (GPtrArray  *complaints,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
complain (GPtrArray  *complaints,
          const char *format,
          ...)
{
  va_list args;

  if (complaints == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (complaints, g_strdup_vprintf (format, args));
  va_end (args);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
pc_session_store_load (const char  *path,
                       GPtrArray   *complaints,
                       GError     **error)
{
  g_autoptr(GPtrArray) definitions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) names = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0 && errno == ENOENT)
    return g_steal_pointer (&definitions);
  if (g_stat (path, &st) == 0 && st.st_size > PC_SESSION_STORE_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The saved session %s is larger than %d bytes; it was not read"),
                   path, PC_SESSION_STORE_MAX_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length > PC_SESSION_STORE_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The saved session %s is larger than %d bytes; it was not read"),
                   path, PC_SESSION_STORE_MAX_BYTES);
      return NULL;
    }
  if (!g_key_file_load_from_data (file, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The saved session %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  names = g_key_file_get_keys (file, GROUP_VARIABLES, &length, NULL);
  if (names != NULL)
    qsort (names, length, sizeof (char *), compare_strings);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *text = g_key_file_get_value (file, GROUP_VARIABLES, names[i], NULL);
      double value;

      if (definitions->len >= PC_SESSION_STORE_MAX_VARIABLES)
        {
          complain (complaints, _("The saved session holds more than %d variables; the rest were left out"),
                    PC_SESSION_STORE_MAX_VARIABLES);
          break;
        }
      if (!pc_session_store_is_name (names[i]))
        complain (complaints, _("Left out of the saved session: “%s” is not a variable name"),
                  names[i]);
      else if (!parse_value (text, &value))
        complain (complaints, _("Left out of the saved session: the value of %s is not a number"),
                  names[i]);
      else
        g_ptr_array_add (definitions, pc_definition_new_variable (names[i], value));
    }
  g_clear_pointer (&names, g_strfreev);

  names = g_key_file_get_keys (file, GROUP_FUNCTIONS, &length, NULL);
  if (names != NULL)
    qsort (names, length, sizeof (char *), compare_strings);
  for (guint i = 0, n = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *text = g_key_file_get_string (file, GROUP_FUNCTIONS, names[i], NULL);

      if (n >= PC_SESSION_STORE_MAX_FUNCTIONS)
        {
          complain (complaints, _("The saved session holds more than %d functions; the rest were left out"),
                    PC_SESSION_STORE_MAX_FUNCTIONS);
          break;
        }
      if (!pc_session_store_is_name (names[i])
          || !pc_session_store_is_definition (text, names[i]))
        complain (complaints, _("Left out of the saved session: “%s” is not a function definition"),
                  names[i]);
      else
        {
          g_ptr_array_add (definitions, pc_definition_new_function (names[i], text));
          n++;
        }
    }
  return g_steal_pointer (&definitions);
}

gboolean
pc_session_store_save (const char  *path,
                       GListModel  *definitions,
                       GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  guint n_variables = 0, n_functions = 0;
  gsize length;

  g_key_file_set_comment (file, NULL, NULL,
                          " The definitions of pipecalc's last session, replayed in the next one.",
                          NULL);
  for (guint i = 0; i < g_list_model_get_n_items (definitions); i++)
    {
      g_autoptr(PcDefinition) definition = g_list_model_get_item (definitions, i);
      const char *name = pc_definition_get_name (definition);

      if (!pc_session_store_is_name (name))
        continue;
      if (pc_definition_is_function (definition))
        {
          if (n_functions++ < PC_SESSION_STORE_MAX_FUNCTIONS
              && pc_session_store_is_definition (pc_definition_get_text (definition), name))
            g_key_file_set_string (file, GROUP_FUNCTIONS, name, pc_definition_get_text (definition));
        }
      else if (n_variables++ < PC_SESSION_STORE_MAX_VARIABLES)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];
          double value = pc_definition_get_value (definition);

          if (isnan (value))
            g_strlcpy (buffer, "nan", sizeof buffer);
          else if (isinf (value))
            g_strlcpy (buffer, value > 0 ? "inf" : "-inf", sizeof buffer);
          else
            g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
          g_key_file_set_value (file, GROUP_VARIABLES, name, buffer);
        }
    }
  data = g_key_file_to_data (file, &length, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot save the session in %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* A temporary file, synced and renamed over the old one: a crash
   * leaves the old session or the new one, never half of one. */
  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, error))
    {
      g_prefix_error (error, _("Cannot save the session: "));
      return FALSE;
    }
  return TRUE;
}
