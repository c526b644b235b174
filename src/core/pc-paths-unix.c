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

void
pc_paths_add_installed_transport_dirs (GStrvBuilder *builder)
{
  g_strv_builder_add (builder, PC_TRANSPORTDIR);
}

char *
pc_paths_installed_server (void)
{
  return g_build_filename (PC_BINDIR, PC_SERVER_NAME, NULL);
}

char *
pc_paths_installed_locale_dir (void)
{
  return g_strdup (PC_LOCALEDIR);
}
