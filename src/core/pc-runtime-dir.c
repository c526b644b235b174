/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-runtime-dir.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "pc-runtime-dir-private.h"

/* When the directory to create sits directly in $XDG_RUNTIME_DIR, a failure
 * is almost always a broken session (the variable points at a directory
 * that does not exist or is not ours), so say so instead of only quoting
 * errno about a path the user never typed. */
static gboolean
parent_is_runtime_dir (const char *path)
{
  const char *runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *parent = NULL;
  g_autofree char *canonical = NULL;

  if (runtime_dir == NULL || runtime_dir[0] == '\0'
      || !g_path_is_absolute (runtime_dir))
    return FALSE;

  parent = g_path_get_dirname (path);
  canonical = g_canonicalize_filename (runtime_dir, NULL);
  return g_strcmp0 (parent, canonical) == 0
         || g_strcmp0 (parent, runtime_dir) == 0;
}

static gboolean
create_dir (const char  *path,
            GError     **error)
{
  int errsv;

  if (g_mkdir (path, 0700) == 0)
    return TRUE;

  errsv = errno;
  if (errsv == EEXIST)
    return TRUE;

  if (parent_is_runtime_dir (path)
      && (errsv == ENOENT || errsv == ENOTDIR))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot create directory %s: XDG_RUNTIME_DIR is set to "
                     "%s, which does not exist"),
                   path, g_getenv ("XDG_RUNTIME_DIR"));
      return FALSE;
    }
  if (parent_is_runtime_dir (path)
      && (errsv == EACCES || errsv == EPERM || errsv == EROFS))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot create directory %s: XDG_RUNTIME_DIR is set to "
                     "%s, which is not writable by you"),
                   path, g_getenv ("XDG_RUNTIME_DIR"));
      return FALSE;
    }

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Cannot create directory %s: %s"), path, g_strerror (errsv));
  return FALSE;
}

/* lstat, not stat: a symlink planted by someone else in a shared /tmp
 * must not redirect our sockets into a directory they control. Fills
 * @st for a real directory; @not_dir_code is the error for anything else.
 * With @missing, a path that does not exist is no error: *@missing says
 * so. */
static gboolean
lstat_real_dir (const char    *path,
                GStatBuf      *st,
                GIOErrorEnum   not_dir_code,
                gboolean      *missing,
                GError       **error)
{
  if (g_lstat (path, st) != 0)
    {
      int errsv = errno;

      if (missing != NULL && errsv == ENOENT)
        {
          *missing = TRUE;
          return TRUE;
        }
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot inspect directory %s: %s"),
                   path, g_strerror (errsv));
      return FALSE;
    }

#ifdef S_ISLNK
  if (S_ISLNK (st->st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s is a symbolic link, not a directory; refusing to "
                     "use it"), path);
      return FALSE;
    }
#endif

  if (!S_ISDIR (st->st_mode))
    {
      g_set_error (error, G_IO_ERROR, not_dir_code,
                   _("%s exists but is not a directory; refusing to use it"),
                   path);
      return FALSE;
    }
  return TRUE;
}

gboolean
pc_ensure_private_dir (const char  *path,
                       GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL && path[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!create_dir (path, error))
    return FALSE;

  if (!lstat_real_dir (path, &st, G_IO_ERROR_NOT_DIRECTORY, NULL, error))
    return FALSE;

  /* Whoever owns the directory or can write to it can replace our socket
   * with their own and read every expression the user types. */
  return pc_private_dir_check_owner (path, &st, error);
}

gboolean
pc_ensure_runtime_parent (const char  *path,
                          gboolean    *in_runtime_dir,
                          GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *runtime_dir = pc_runtime_dir_path ();

  *in_runtime_dir = g_strcmp0 (parent, runtime_dir) == 0;
  if (!*in_runtime_dir)
    return TRUE;
  return pc_ensure_private_dir (parent, error);
}

gboolean
pc_check_runtime_parent (const char  *path,
                         GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *runtime_dir = pc_runtime_dir_path ();
  GStatBuf st;
  gboolean missing = FALSE;

  if (g_strcmp0 (parent, runtime_dir) != 0)
    return TRUE;

  /* The client's refusals are all PERMISSION_DENIED: a folder it must
   * not trust, whatever is wrong with it. */
  if (!lstat_real_dir (parent, &st, G_IO_ERROR_PERMISSION_DENIED, &missing, error))
    return FALSE;
  if (missing)
    return TRUE;

  /* Someone who owns the folder, or may write to it, may have put a
   * server of theirs at our address: it would read every expression. */
  return pc_private_dir_check_owner (parent, &st, error)
         && pc_private_dir_check_open (parent, &st, error);
}
