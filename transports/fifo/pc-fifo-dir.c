/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-fifo"

#include "pc-fifo-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A client directory or temporary FIFO younger than this may belong to a
 * process that is setting it up right now (a client between mkdtemp() and
 * opening its read end), so the sweep leaves it alone. Much longer than a
 * client waits for the server (PC_FIFO_CONNECT_TIMEOUT_S). */
#define STALE_AGE_S 60

static gboolean
same_file (const struct stat *st,
           const PcFileId    *id)
{
  return st->st_dev == id->dev && st->st_ino == id->ino;
}

static PcFileId
file_id (const struct stat *st)
{
  return (PcFileId) { .dev = st->st_dev, .ino = st->st_ino };
}

/* What is wrong with @dir as a private directory, or %NULL. @st comes from
 * lstat(). Whoever may write to a directory can replace the FIFOs in it
 * with their own, or a symlink, and read or answer every expression. */
static char *
private_dir_problem (const char        *dir,
                     const struct stat *st)
{
  if (S_ISLNK (st->st_mode))
    return g_strdup_printf (_("%s is a symbolic link"), dir);
  if (!S_ISDIR (st->st_mode))
    return g_strdup_printf (_("%s is not a directory"), dir);
  if (st->st_uid != geteuid ())
    return g_strdup_printf (_("%s belongs to uid %lu, not to uid %lu"), dir,
                            (unsigned long) st->st_uid,
                            (unsigned long) geteuid ());
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return g_strdup_printf (_("%s is writable by other users (mode %04o)"),
                            dir, (unsigned int) (st->st_mode & 07777));
  return NULL;
}

gboolean
pc_fifo_check_parent_dir (const char  *address_text,
                          const char  *dir,
                          GError     **error)
{
  g_autofree char *problem = NULL;
  struct stat st;

  if (g_lstat (dir, &st) != 0)
    {
      int errsv = errno;

      if (errsv == ENOENT)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("Cannot listen at %s: directory %s does not exist"),
                     address_text, dir);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _("Cannot listen at %s: cannot inspect %s: %s"),
                     address_text, dir, g_strerror (errsv));
      return FALSE;
    }

  problem = private_dir_problem (dir, &st);
  if (problem != NULL)
    {
      g_set_error (error, G_IO_ERROR,
                   S_ISDIR (st.st_mode) || S_ISLNK (st.st_mode)
                   ? G_IO_ERROR_PERMISSION_DENIED : G_IO_ERROR_NOT_DIRECTORY,
                   _("Cannot listen at %s: %s; the FIFO must be in a "
                     "directory that only you can write to"),
                   address_text, problem);
      return FALSE;
    }
  return TRUE;
}

char *
pc_fifo_make_client_dir (const char  *request_path,
                         PcFileId    *id,
                         GError     **error)
{
  g_autofree char *dir = g_strconcat (request_path, PC_FIFO_CLIENT_DIR_SUFFIX,
                                      NULL);
  const char *names[] = { PC_FIFO_C2S, PC_FIFO_S2C };
  struct stat st;
  int errsv;

  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot create a private directory next to %s: %s"),
                   request_path, g_strerror (errsv));
      return NULL;
    }
  if (g_lstat (dir, &st) != 0)
    {
      errsv = errno;
      g_rmdir (dir);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot inspect directory %s: %s"),
                   dir, g_strerror (errsv));
      return NULL;
    }
  *id = file_id (&st);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      if (mkfifo (path, 0600) != 0)
        {
          errsv = errno;
          pc_fifo_remove_client_dir (dir, id);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Cannot create FIFO %s: %s"),
                       path, g_strerror (errsv));
          return NULL;
        }
    }
  return g_steal_pointer (&dir);
}

/* Checks one entry of an announced directory before anything opens it:
 * the server must never open a device, a regular file or whatever a
 * symlink points to on a client's word. */
static gboolean
check_fifo_entry (int          dir_fd,
                  const char  *dir,
                  const char  *name,
                  struct stat *st,
                  char       **reason)
{
  if (fstatat (dir_fd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
    {
      int errsv = errno;

      *reason = g_strdup_printf (_("cannot inspect %s/%s: %s"),
                                 dir, name, g_strerror (errsv));
      return FALSE;
    }
  if (S_ISLNK (st->st_mode))
    *reason = g_strdup_printf (_("%s/%s is a symbolic link"), dir, name);
  else if (!S_ISFIFO (st->st_mode))
    *reason = g_strdup_printf (_("%s/%s is not a FIFO"), dir, name);
  else if (st->st_uid != geteuid ())
    *reason = g_strdup_printf (_("%s/%s belongs to uid %lu, not to uid %lu"),
                               dir, name, (unsigned long) st->st_uid,
                               (unsigned long) geteuid ());
  /* Even in a directory nobody else can write to, a FIFO others may open
   * (through a directory they may search) would let them read replies or
   * inject requests. */
  else if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
    *reason = g_strdup_printf (_("%s/%s is accessible by other users "
                                 "(mode %04o)"),
                               dir, name, (unsigned int) (st->st_mode & 07777));
  else
    return TRUE;
  return FALSE;
}

/* Opens a checked entry without blocking and without following a symlink
 * put there since the check, then makes sure it is still the very FIFO
 * that was checked. Returns -1 with @reason set and the open's errno in
 * @open_errno (0 when the open worked but the file had changed). */
static int
open_checked (int                dir_fd,
              const char        *dir,
              const char        *name,
              int                flags,
              const struct stat *checked,
              int               *open_errno,
              char             **reason)
{
  struct stat st;
  int fd;

  fd = openat (dir_fd, name,
               flags | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      *open_errno = errno;
      *reason = g_strdup_printf (_("cannot open %s/%s: %s"),
                                 dir, name, g_strerror (*open_errno));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISFIFO (st.st_mode)
      || st.st_dev != checked->st_dev || st.st_ino != checked->st_ino
      || st.st_uid != geteuid ())
    {
      close (fd);
      *open_errno = 0;
      *reason = g_strdup_printf (_("%s/%s changed while it was being "
                                   "checked"), dir, name);
      return -1;
    }
  return fd;
}

/* Whether @base is what pc_fifo_make_client_dir() names a client's
 * directory next to the request FIFO @request_base: "<request_base>." and
 * the six letters or digits mkdtemp() puts in place of XXXXXX. */
static gboolean
is_client_dir_name (const char *base,
                    const char *request_base)
{
  gsize prefix_len = strlen (request_base);
  gsize suffix_len = strlen (PC_FIFO_CLIENT_DIR_SUFFIX);

  if (strlen (base) != prefix_len + suffix_len
      || strncmp (base, request_base, prefix_len) != 0
      || base[prefix_len] != '.')
    return FALSE;
  for (gsize i = prefix_len + 1; i < prefix_len + suffix_len; i++)
    if (!g_ascii_isalnum (base[i]))
      return FALSE;
  return TRUE;
}

gboolean
pc_fifo_open_client_dir (const char  *request_path,
                         const char  *dir,
                         PcFileId    *id,
                         int         *read_fd,
                         int         *write_fd,
                         gboolean    *client_gone,
                         char       **reason)
{
  g_autofree char *request_parent = g_path_get_dirname (request_path);
  g_autofree char *request_base = g_path_get_basename (request_path);
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  struct stat st, dir_st, c2s_st, s2c_st, parent_st, request_parent_st;
  int parent_fd = -1;
  int dir_fd = -1;
  int s2c_fd = -1;
  int c2s_fd = -1;
  int open_errno = 0;

  *client_gone = FALSE;
  *reason = NULL;

  /* Everything about the directory is checked before anything in it is
   * opened, with lstat() so that a symlink is seen as one. */
  if (!g_path_is_absolute (dir))
    {
      *reason = g_strdup_printf (_("“%s” is not an absolute path"), dir);
      return FALSE;
    }

  /* Only a client directory beside our request FIFO, named the way
   * clients name theirs: an announcement must never make the server open,
   * empty or remove any other directory of its user. The parent is held
   * open and compared with ours, so a symlink swapped in its path later
   * leads nowhere; the rest goes through that descriptor. */
  parent = g_path_get_dirname (dir);
  base = g_path_get_basename (dir);
  if (!is_client_dir_name (base, request_base))
    {
      *reason = g_strdup_printf (_("%s is not named like a client directory "
                                   "of %s (%s%s)"), dir, request_path,
                                 request_path, PC_FIFO_CLIENT_DIR_SUFFIX);
      return FALSE;
    }
  parent_fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0 || fstat (parent_fd, &parent_st) != 0
      || g_stat (request_parent, &request_parent_st) != 0
      || parent_st.st_dev != request_parent_st.st_dev
      || parent_st.st_ino != request_parent_st.st_ino)
    {
      *reason = g_strdup_printf (_("%s is not in %s, the directory of %s"),
                                 dir, request_parent, request_path);
      goto out;
    }

  if (fstatat (parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
    {
      int errsv = errno;

      *reason = g_strdup_printf (_("cannot inspect %s: %s"),
                                 dir, g_strerror (errsv));
      goto out;
    }
  *reason = private_dir_problem (dir, &st);
  if (*reason != NULL)
    goto out;

  /* From here on the directory is used through a descriptor, so that
   * renaming it or replacing it with a symlink after the check changes
   * nothing; the descriptor must be the directory lstat() saw. */
  dir_fd = openat (parent_fd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0)
    {
      int errsv = errno;

      *reason = g_strdup_printf (_("cannot open %s: %s"),
                                 dir, g_strerror (errsv));
      goto out;
    }
  close (parent_fd);
  parent_fd = -1;
  if (fstat (dir_fd, &dir_st) != 0 || dir_st.st_dev != st.st_dev
      || dir_st.st_ino != st.st_ino)
    {
      *reason = g_strdup_printf (_("%s changed while it was being checked"),
                                 dir);
      goto out;
    }
  *id = file_id (&st);

  if (!check_fifo_entry (dir_fd, dir, PC_FIFO_S2C, &s2c_st, reason)
      || !check_fifo_entry (dir_fd, dir, PC_FIFO_C2S, &c2s_st, reason))
    goto out;

  /* Server→client first. The client opened its read end before it
   * announced itself, so this succeeds at once; ENXIO means nobody reads
   * it any more: the client died after announcing itself. */
  s2c_fd = open_checked (dir_fd, dir, PC_FIFO_S2C, O_WRONLY, &s2c_st,
                         &open_errno, reason);
  if (s2c_fd < 0)
    {
      if (open_errno == ENXIO)
        {
          *client_gone = TRUE;
          close (dir_fd);
          dir_fd = -1;
          pc_fifo_remove_client_dir (dir, id);
        }
      goto out;
    }

  /* Client→server last: a reader appearing on it is how the client learns
   * that the server has both ends, so it must come after everything else.
   * The client's write end is already open, so the first read never sees
   * a spurious EOF. */
  c2s_fd = open_checked (dir_fd, dir, PC_FIFO_C2S, O_RDONLY, &c2s_st,
                         &open_errno, reason);
  if (c2s_fd < 0)
    goto out;

  *read_fd = c2s_fd;
  *write_fd = s2c_fd;
  close (dir_fd);
  return TRUE;

out:
  if (s2c_fd >= 0)
    close (s2c_fd);
  if (parent_fd >= 0)
    close (parent_fd);
  if (dir_fd >= 0)
    close (dir_fd);
  return FALSE;
}

void
pc_fifo_remove_client_dir (const char     *dir,
                           const PcFileId *id)
{
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autofree char *base = g_path_get_basename (dir);
  const char *names[] = { PC_FIFO_C2S, PC_FIFO_S2C };
  struct stat st;
  int parent_fd;
  int dir_fd;

  /* Everything relative to descriptors whose identity was checked, so
   * that a name swapped for a symlink or another directory at any moment
   * leads nowhere. */
  parent_fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0)
    return;
  dir_fd = openat (parent_fd, base,
                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0)
    {
      /* Usually ENOENT: the client removed it itself. */
      close (parent_fd);
      return;
    }
  if (fstat (dir_fd, &st) == 0 && same_file (&st, id))
    {
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (fstatat (dir_fd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISFIFO (st.st_mode))
          unlinkat (dir_fd, names[i], 0);
      /* Fails (ENOTEMPTY) if anything else was put there, which then
       * stays. */
      if (fstatat (parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0
          && same_file (&st, id))
        unlinkat (parent_fd, base, AT_REMOVEDIR);
    }
  close (dir_fd);
  close (parent_fd);
}

/* Whether some process has the FIFO at @path open for reading. Only
 * ENXIO ("no reader") and ENOENT count as "nobody": when in doubt, keep. */
static gboolean
fifo_has_reader (const char *path)
{
  int fd = open (path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY
                 | O_CLOEXEC);

  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }
  return errno != ENXIO && errno != ENOENT;
}

static gboolean
is_temp_request_name (const char *name,
                      const char *prefix)
{
  const char *p = name + strlen (prefix);

  /* <base>.<pid>.new, see pc_transport_fifo's create_request_fifo(). */
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return g_str_equal (p, ".new");
}

void
pc_fifo_sweep_stale (const char *request_path)
{
  g_autofree char *parent = g_path_get_dirname (request_path);
  g_autofree char *base = g_path_get_basename (request_path);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  g_autoptr(GDir) listing = g_dir_open (parent, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize dir_name_len = strlen (prefix) + strlen (PC_FIFO_CLIENT_DIR_SUFFIX) - 1;
  const char *name;

  if (listing == NULL)
    return;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;
      PcFileId id;

      if (!g_str_has_prefix (name, prefix))
        continue;
      path = g_build_filename (parent, name, NULL);
      if (g_lstat (path, &st) != 0 || st.st_uid != geteuid ()
          || now - (gint64) st.st_mtime < STALE_AGE_S)
        continue;
      id = file_id (&st);

      if (S_ISDIR (st.st_mode) && strlen (name) == dir_name_len)
        {
          g_autofree char *s2c = g_build_filename (path, PC_FIFO_S2C, NULL);

          /* A live client holds the read end of its server→client FIFO
           * from before it announces itself until it removes the
           * directory; nobody reading it means nobody will. */
          if (fifo_has_reader (s2c))
            continue;
          pc_fifo_remove_client_dir (path, &id);
          g_info (_("Removed %s, left by a client that died"), path);
        }
      else if (S_ISFIFO (st.st_mode) && is_temp_request_name (name, prefix))
        {
          if (fifo_has_reader (path))
            continue;
          if (g_lstat (path, &st) == 0 && same_file (&st, &id)
              && g_unlink (path) == 0)
            g_info (_("Removed %s, left by a server that died while "
                      "starting"), path);
        }
    }
}
