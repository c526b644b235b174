/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PC_APPLICATION_ID "io.github.pipecalc.PipeCalc"

#define PC_TYPE_APPLICATION (pc_application_get_type ())
G_DECLARE_FINAL_TYPE (PcApplication, pc_application, PC, APPLICATION, GtkApplication)

/* The single-instance application: owns the settings, the transports, the
 * connection to the server and the history, which its one window shows. */
PcApplication *pc_application_new             (void);
/* Re-reads the connection settings and connects accordingly. */
void           pc_application_apply_connection (PcApplication *self);

G_END_DECLS
