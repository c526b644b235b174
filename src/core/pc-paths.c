/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "pc-paths.h"
#include "pc-paths-private.h"

GStrv
pc_paths_transport_dirs (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *env = g_getenv ("PIPECALC_TRANSPORT_PATH");

  if (env != NULL && env[0] != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          g_strv_builder_add (builder, parts[i]);
    }
  if (pc_paths_in_build_tree ())
    g_strv_builder_add (builder, PC_BUILD_TRANSPORTDIR);
  else
    pc_paths_add_installed_transport_dirs (builder);
  return g_strv_builder_end (builder);
}

char *
pc_paths_server (void)
{
  const char *env = g_getenv ("PIPECALC_SERVER");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (pc_paths_in_build_tree ())
    return g_strdup (PC_BUILD_SERVER);
  return pc_paths_installed_server ();
}

const char *
pc_paths_locale_dir (void)
{
  static char *installed;

  if (pc_paths_in_build_tree ())
    return PC_BUILD_LOCALEDIR;
  /* Computed once and kept for the life of the process. */
  if (g_once_init_enter (&installed))
    g_once_init_leave (&installed, pc_paths_installed_locale_dir ());
  return installed;
}

void
pc_paths_init_build_tree (void)
{
  /* A window run from the build tree finds the schema compiled there. */
  if (pc_paths_in_build_tree () && g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", PC_BUILD_ROOT "/data", FALSE);
}

void
pc_paths_init_i18n (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, pc_paths_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
