/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>
#include <windows.h>

#include "pc-paths.h"
#include "pc-paths-private.h"

/* A Windows installation may live in any folder (an unpacked zip, Program
 * Files), so every installed path is found from the running program, never
 * from the prefix it was configured with. */

static char *
exe_path (void)
{
  wchar_t buffer[MAX_PATH * 2];
  DWORD len = GetModuleFileNameW (NULL, buffer, G_N_ELEMENTS (buffer));

  if (len == 0 || len >= G_N_ELEMENTS (buffer))
    return NULL;
  return g_utf16_to_utf8 (buffer, len, NULL, NULL, NULL);
}

/* Lower case, forward slashes, no drive letter: the build root of a cross
 * build is a Linux path, which wine shows as Z:\work\..., so only the part
 * after the drive can be compared. */
static char *
comparable (const char *path)
{
  char *copy;

  if (g_ascii_isalpha (path[0]) && path[1] == ':')
    path += 2;
  copy = g_ascii_strdown (path, -1);
  g_strdelimit (copy, "\\", '/');
  return copy;
}

gboolean
pc_paths_in_build_tree (void)
{
  g_autofree char *exe = exe_path ();
  g_autofree char *exe_c = NULL;
  g_autofree char *root_c = comparable (PC_BUILD_ROOT);
  gsize root_len = strlen (root_c);

  if (exe == NULL)
    return FALSE;
  exe_c = comparable (exe);
  return strncmp (exe_c, root_c, root_len) == 0 && exe_c[root_len] == '/';
}

/* The folder the program runs from, and its parent when that folder is
 * called bin (GLib's rule for an installation's root). */
static char *
exe_dir (void)
{
  g_autofree char *exe = exe_path ();

  return exe != NULL ? g_path_get_dirname (exe) : g_strdup (".");
}

static char *
install_dir (void)
{
  return g_win32_get_package_installation_directory_of_module (NULL);
}

void
pc_paths_add_installed_transport_dirs (GStrvBuilder *builder)
{
  g_autofree char *here = exe_dir ();
  g_autofree char *root = install_dir ();
  g_autofree char *lib = g_build_filename (root, "lib", "pipecalc", "transports", NULL);

  /* Next to the programs (the zip's flat layout), then the installed
   * tree's lib\pipecalc\transports. */
  g_strv_builder_add (builder, here);
  g_strv_builder_add (builder, lib);
}

char *
pc_paths_installed_server (void)
{
  g_autofree char *here = exe_dir ();

  return g_build_filename (here, PC_SERVER_NAME ".exe", NULL);
}

char *
pc_paths_installed_locale_dir (void)
{
  g_autofree char *root = install_dir ();

  return g_build_filename (root, "share", "locale", NULL);
}
