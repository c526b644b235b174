/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-runtime-dir.h"

#include "pc-runtime-dir-private.h"

char *
pc_runtime_dir_path (void)
{
  /* The user's own local application data folder: per-user already, with
   * an ACL for that user, and nothing else listens in it. */
  return g_build_filename (g_get_user_runtime_dir (), "pipecalc", NULL);
}

gboolean
pc_private_dir_check_owner (const char      *path,
                            const GStatBuf  *st,
                            GError         **error)
{
  /* POSIX modes mean nothing here: the folder inherits the ACL of the
   * user's profile, which only that user (and administrators) may enter. */
  return TRUE;
}

gboolean
pc_private_dir_check_open (const char      *path,
                           const GStatBuf  *st,
                           GError         **error)
{
  /* Folders in the profile cannot be planted by another user. */
  return TRUE;
}
