/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-application.h"
#include "pc-paths.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PcApplication) app = NULL;

  pc_paths_init_i18n ();
  pc_paths_init_build_tree ();
  app = pc_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
