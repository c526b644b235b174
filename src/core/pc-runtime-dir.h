/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#ifndef G_OS_WIN32
#include <sys/types.h>
#endif

G_BEGIN_DECLS

/* Plain functions with no GType and no state, so transport modules may link
 * them too. */

/* The per-user directory for sockets and pipes: $XDG_RUNTIME_DIR/pipecalc,
 * or <tmp>/pipecalc-<uid> when XDG_RUNTIME_DIR is unset. Creates nothing. */
char     *pc_runtime_dir_path   (void);

/* Creates @path with mode 0700 if missing, then checks that it is a real
 * directory owned by the current user with no group/other access. Errors in
 * G_IO_ERROR, messages name the directory. */
gboolean  pc_ensure_private_dir (const char  *path,
                                 GError     **error);

/* When @path lies directly in the per-user runtime directory (where the
 * default addresses are), creates and checks that directory as
 * pc_ensure_private_dir() does, so that a fresh session works out of the
 * box, and sets @in_runtime_dir. Any other directory is the user's choice:
 * nothing is done, and @in_runtime_dir is set to %FALSE. */
gboolean  pc_ensure_runtime_parent (const char  *path,
                                    gboolean    *in_runtime_dir,
                                    GError     **error);

/* The client's side of pc_ensure_runtime_parent(): when @path lies
 * directly in the per-user runtime directory and that directory exists,
 * checks it as pc_ensure_private_dir() does (a real directory, not a
 * symlink, owned by the current user, mode 0700), so that a client never
 * talks to whatever another user planted in a folder named like ours.
 * A missing directory is fine: nobody listens there, and a private server
 * will create it. Creates nothing. Errors in G_IO_ERROR
 * (G_IO_ERROR_PERMISSION_DENIED for a folder we must not trust). */
gboolean  pc_check_runtime_parent  (const char  *path,
                                    GError     **error);

#ifndef G_OS_WIN32
/* A file named once and identified from then on by what its name pointed
 * to, so that a name replaced in the meantime is never acted upon (a
 * listener removes only the socket or pipe it made, never the one of a
 * server that replaced it). */
typedef struct
{
  dev_t dev;
  ino_t ino;
} PcFileId;

/* Fills @id from lstat(@path); %FALSE with errno set when that fails. */
gboolean  pc_file_id_get           (const char     *path,
                                    PcFileId       *id);

/* Removes @path if it is still the file @id identifies (never following
 * a symlink). Returns %FALSE with errno set only when unlinking it
 * failed; a file gone or replaced meanwhile is left alone, and counts as
 * done. */
gboolean  pc_file_remove_if_same   (const char     *path,
                                    const PcFileId *id);
#endif

G_END_DECLS
