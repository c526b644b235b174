/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Plain functions with no GType and no state, so transport modules may link
 * them too. */

/* The per-user directory for sockets and FIFOs: $XDG_RUNTIME_DIR/pipecalc,
 * or <tmp>/pipecalc-<uid> when XDG_RUNTIME_DIR is unset. Creates nothing. */
char     *pc_runtime_dir_path   (void);

/* Creates @path with mode 0700 if missing, then checks that it is a real
 * directory owned by the current user with no group/other access. Errors in
 * G_IO_ERROR, messages name the directory. */
gboolean  pc_ensure_private_dir (const char  *path,
                                 GError     **error);

G_END_DECLS
