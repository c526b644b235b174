/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Access tokens (the `auth` method): read from a private file on both
 * sides, and compared without leaking where they differ. */

/* The longest token accepted, in bytes. */
#define PC_TOKEN_MAX_LENGTH 4096

/* Reads the token in @path: a regular file that nobody but its owner may
 * read or write (POSIX: no group or other bits in its mode), holding the
 * token on its first line, blanks around it dropped. Refuses an empty
 * token, one longer than PC_TOKEN_MAX_LENGTH, or one with control
 * characters or invalid UTF-8. Errors in G_IO_ERROR, translated, naming
 * the file (G_IO_ERROR_PERMISSION_DENIED for a file open to others). */
char     *pc_token_read_file (const char  *path,
                              GError     **error);

/* Whether @a and @b hold the same bytes, in a time that depends on the
 * length of @b (the one presented) only, never on where they differ. */
gboolean  pc_token_equal     (const char  *expected,
                              const char  *presented);

/* Overwrites and frees a token. */
void      pc_token_free      (char        *token);

G_END_DECLS
