/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* What pc-runtime-dir.c asks of the platform, defined in
 * pc-runtime-dir-unix.c and pc-runtime-dir-win32.c. */

/* Checks that @path, a real directory whose lstat() is @st, is private to
 * the current user: on POSIX, owned by them with mode 0700. */
gboolean pc_private_dir_check_owner (const char      *path,
                                     const GStatBuf  *st,
                                     GError         **error);

/* Opens @path, whose lstat() is @st, as a directory without following a
 * symlink, and checks that what was opened is the same directory and
 * passes pc_private_dir_check_owner(): a folder swapped between the
 * lstat() and now is refused. Nothing on Windows. */
gboolean pc_private_dir_check_open  (const char      *path,
                                     const GStatBuf  *st,
                                     GError         **error);

G_END_DECLS
