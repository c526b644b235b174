/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What pc-paths.c asks of the platform, defined once in pc-paths-unix.c
 * and once in pc-paths-win32.c. Both are relocatable: Windows programs
 * look beside themselves; POSIX ones look in the installation their own
 * folder belongs to (the configured bindir's parent) and then in the
 * configured absolute paths. */

/* Appends the installed transport folders, in search order. */
void  pc_paths_add_installed_transport_dirs (GStrvBuilder *builder);
/* The installed pipecalcd. */
char *pc_paths_installed_server             (void);
/* The installed translations folder. */
char *pc_paths_installed_locale_dir         (void);

G_END_DECLS
