/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-token.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#ifdef G_OS_UNIX
#include <unistd.h>
#else
#include <io.h>
#endif

/* Flags one platform has and the other does not. */
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

/* Checks that the file open as @fd is a regular file only its owner may
 * use: a token others can read is no secret. Windows has no such modes:
 * the profile's ACLs protect it there. */
static gboolean
check_private_file (int          fd,
                    const char  *path,
                    GError     **error)
{
#ifdef G_OS_UNIX
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot read the token file %s: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The token file %s is not a regular file"), path);
      return FALSE;
    }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The token file %s may be used by other users (mode %04o); "
                     "refusing to use it. Make it private: chmod 600 %s"),
                   path, (unsigned int) (st.st_mode & 07777), path);
      return FALSE;
    }
#endif
  return TRUE;
}

char *
pc_token_read_file (const char  *path,
                    GError     **error)
{
  char buffer[PC_TOKEN_MAX_LENGTH + 2];
  gsize len = 0;
  char *start;
  char *end;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_NOCTTY | O_BINARY, 0);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot read the token file %s: %s"), path, g_strerror (errsv));
      return NULL;
    }
  if (!check_private_file (fd, path, error))
    {
      close (fd);
      return NULL;
    }
  /* One token line at most, and a little to tell "too long". */
  while (len < sizeof buffer - 1)
    {
      gssize n = read (fd, buffer + len, sizeof buffer - 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          close (fd);
          memset (buffer, 0, sizeof buffer);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Cannot read the token file %s: %s"), path, g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  close (fd);
  buffer[len] = '\0';

  /* The first line, without the blanks around it. */
  end = memchr (buffer, '\n', len);
  if (end == NULL && len > PC_TOKEN_MAX_LENGTH)
    {
      memset (buffer, 0, sizeof buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The token in %s is longer than %d bytes"), path, PC_TOKEN_MAX_LENGTH);
      return NULL;
    }
  if (end != NULL)
    *end = '\0';
  start = g_strstrip (buffer);

  if (start[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The token file %s is empty"), path);
      return NULL;
    }
  if (!g_utf8_validate (start, -1, NULL))
    {
      memset (buffer, 0, sizeof buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The token in %s is not valid UTF-8"), path);
      return NULL;
    }
  for (const char *p = start; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        memset (buffer, 0, sizeof buffer);
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("The token in %s contains control characters"), path);
        return NULL;
      }

  start = g_strdup (start);
  memset (buffer, 0, sizeof buffer);
  return start;
}

gboolean
pc_token_equal (const char *expected,
                const char *presented)
{
  gsize expected_len = strlen (expected);
  gsize presented_len = strlen (presented);
  guchar diff = expected_len != presented_len;

  /* Every byte presented is compared, against the expected token's bytes
   * cycled (never past its end), so the time says nothing of the length
   * or the content of the expected token. */
  for (gsize i = 0; i < presented_len; i++)
    diff |= (guchar) presented[i] ^ (guchar) expected[expected_len ? i % expected_len : 0];
  return diff == 0 && expected_len > 0;
}

void
pc_token_free (char *token)
{
  if (token == NULL)
    return;
  memset (token, 0, strlen (token));
  g_free (token);
}
