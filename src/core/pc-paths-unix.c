/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pc-paths.h"
#include "pc-paths-private.h"

gboolean
pc_paths_in_build_tree (void)
{
  /* The running executable lies under the build root: compare real paths,
   * so a symlinked build folder still counts. */
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = realpath (PC_BUILD_ROOT, NULL);
  gsize root_len;

  if (exe == NULL || root == NULL)
    return FALSE;
  root_len = strlen (root);
  return strncmp (exe, root, root_len) == 0 && exe[root_len] == G_DIR_SEPARATOR;
}

/* The root of the installation the running program belongs to: its own
 * folder less bindir ("/usr" for /usr/bin/pipecalc-cli,
 * "/tmp/dest/usr/local" for a DESTDIR install), or %NULL when the program
 * lies in no folder named like bindir (copied somewhere by hand). The
 * kernel resolves /proc/self/exe through every symlink, so a link to the
 * program elsewhere still finds the real installation. */
static char *
install_root (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  const char *rel = PC_REL_BINDIR;
  gsize dir_len, rel_len = strlen (rel);

  if (exe == NULL || g_path_is_absolute (rel))
    return NULL;
  dir = g_path_get_dirname (exe);
  dir_len = strlen (dir);
  if (dir_len <= rel_len || !g_str_has_suffix (dir, rel)
      || dir[dir_len - rel_len - 1] != G_DIR_SEPARATOR)
    return NULL;
  /* "/bin" less "bin" is the root folder, not an empty string. */
  if (dir_len - rel_len - 1 == 0)
    return g_strdup ("/");
  return g_strndup (dir, dir_len - rel_len - 1);
}

/* REL under the running installation's root when that folder exists and
 * is not the configured one, else %NULL: the caller uses ABSOLUTE. */
static char *
relocated (const char *rel,
           const char *absolute)
{
  g_autofree char *root = install_root ();
  g_autofree char *path = NULL;

  if (root == NULL || g_path_is_absolute (rel))
    return NULL;
  path = g_build_filename (root, rel, NULL);
  if (strcmp (path, absolute) == 0 || !g_file_test (path, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_steal_pointer (&path);
}

void
pc_paths_add_installed_transport_dirs (GStrvBuilder *builder)
{
  g_autofree char *here = relocated (PC_REL_TRANSPORTDIR, PC_TRANSPORTDIR);

  /* The installation the program runs from first; the configured folder
   * after it, as before, for a program copied out of its installation. */
  if (here != NULL)
    g_strv_builder_add (builder, here);
  g_strv_builder_add (builder, PC_TRANSPORTDIR);
}

char *
pc_paths_installed_server (void)
{
  g_autofree char *bindir = relocated (PC_REL_BINDIR, PC_BINDIR);
  g_autofree char *here = NULL;

  /* The pipecalcd of the same installation, if it has one. */
  if (bindir != NULL)
    {
      here = g_build_filename (bindir, PC_SERVER_NAME, NULL);
      if (g_file_test (here, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&here);
    }
  return g_build_filename (PC_BINDIR, PC_SERVER_NAME, NULL);
}

char *
pc_paths_installed_locale_dir (void)
{
  char *here = relocated (PC_REL_LOCALEDIR, PC_LOCALEDIR);

  return here != NULL ? here : g_strdup (PC_LOCALEDIR);
}
