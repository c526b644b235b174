/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-runtime-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc-runtime-dir-private.h"

char *
pc_runtime_dir_path (void)
{
  const char *runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *name = NULL;

  /* Not g_get_user_runtime_dir(): when XDG_RUNTIME_DIR is unset it falls
   * back to the cache directory, which may live on NFS where sockets do not
   * work. Both client and server must compute the same path without talking
   * to each other, so the fallback depends only on the uid. */
  if (runtime_dir != NULL && runtime_dir[0] != '\0'
      && g_path_is_absolute (runtime_dir))
    return g_build_filename (runtime_dir, "pipecalc", NULL);

  /* The XDG Base Directory specification: a relative path in an XDG
   * variable is invalid and must be ignored. Used as it is, it would put
   * our sockets wherever the program happens to be started. */
  if (runtime_dir != NULL && runtime_dir[0] != '\0')
    {
      static gsize warned;

      if (g_once_init_enter (&warned))
        {
          g_warning (_("XDG_RUNTIME_DIR is set to the relative path “%s”, "
                       "which the XDG specification says to ignore; using "
                       "%s instead"), runtime_dir, g_get_tmp_dir ());
          g_once_init_leave (&warned, 1);
        }
    }

  name = g_strdup_printf ("pipecalc-%lu", (unsigned long) getuid ());
  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

gboolean
pc_private_dir_check_owner (const char      *path,
                            const GStatBuf  *st,
                            GError         **error)
{
  if (st->st_uid != getuid ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Directory %s belongs to another user (uid %lu); "
                     "refusing to use it"),
                   path, (unsigned long) st->st_uid);
      return FALSE;
    }

  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   (st->st_mode & S_IWOTH) != 0
                   ? _("Directory %s is writable by others; refusing to use "
                       "it (its mode must be 0700)")
                   : _("Directory %s is writable by its group; refusing to "
                       "use it (its mode must be 0700)"),
                   path);
      return FALSE;
    }

  if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Directory %s is accessible by other users (mode %04o); "
                     "refusing to use it (its mode must be 0700)"),
                   path, (unsigned int) (st->st_mode & 07777));
      return FALSE;
    }

  return TRUE;
}

gboolean
pc_private_dir_check_open (const char      *path,
                           const GStatBuf  *st,
                           GError         **error)
{
  struct stat opened;
  int fd;
  int errsv;

  /* O_NOFOLLOW and O_DIRECTORY: whatever replaced the folder since the
   * lstat() (a symlink, a file) fails here rather than being followed. */
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR,
                   errsv == ELOOP || errsv == ENOTDIR
                   ? G_IO_ERROR_PERMISSION_DENIED : g_io_error_from_errno (errsv),
                   _("Cannot inspect directory %s: %s"),
                   path, g_strerror (errsv));
      return FALSE;
    }
  if (fstat (fd, &opened) != 0)
    {
      errsv = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot inspect directory %s: %s"),
                   path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  if (opened.st_dev != st->st_dev || opened.st_ino != st->st_ino)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Directory %s was replaced while it was being checked; "
                     "refusing to use it"), path);
      return FALSE;
    }
  return pc_private_dir_check_owner (path, &opened, error);
}

gboolean
pc_file_id_get (const char *path,
                PcFileId   *id)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return FALSE;
  *id = (PcFileId) { .dev = st.st_dev, .ino = st.st_ino };
  return TRUE;
}

gboolean
pc_file_remove_if_same (const char     *path,
                        const PcFileId *id)
{
  PcFileId now;

  if (!pc_file_id_get (path, &now)
      || now.dev != id->dev || now.ino != id->ino)
    return TRUE;
  return g_unlink (path) == 0 || errno == ENOENT;
}
