/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a program finds its parts. A program run from the build tree uses
 * the build's transports, server and translations, so nothing needs
 * installing to try it; an installed one uses the install paths. */
gboolean  pc_paths_in_build_tree  (void);
/* Transport module folders, in search order: $PIPECALC_TRANSPORT_PATH
 * (a G_SEARCHPATH_SEPARATOR list), then the build tree's or the install
 * folder. */
GStrv     pc_paths_transport_dirs (void);
/* The pipecalcd to start as a private server: $PIPECALC_SERVER, the build
 * tree's, or the installed one. */
char     *pc_paths_server         (void);
const char *pc_paths_locale_dir   (void);
/* Points GSettings at the build tree's compiled schema when run there. */
void      pc_paths_init_build_tree (void);
/* Binds the gettext domain to the right folder (see above). */
void      pc_paths_init_i18n      (void);

G_END_DECLS
