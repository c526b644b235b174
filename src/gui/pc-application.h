/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-connection.h"
#include "pc-history.h"

G_BEGIN_DECLS

#define PC_APPLICATION_ID "io.github.pipecalc.PipeCalc"

#define PC_TYPE_APPLICATION (pc_application_get_type ())
G_DECLARE_FINAL_TYPE (PcApplication, pc_application, PC, APPLICATION, GtkApplication)

/* The single-instance application: owns the settings, the transports, the
 * connection to the server and the history, which its one window shows. */
PcApplication *pc_application_new             (void);
GSettings     *pc_application_get_settings    (PcApplication *self);
PcTransports  *pc_application_get_transports  (PcApplication *self);
PcConnection  *pc_application_get_connection  (PcApplication *self);
PcHistory     *pc_application_get_history     (PcApplication *self);
/* Re-reads the connection settings and connects accordingly. */
void           pc_application_apply_connection (PcApplication *self);

G_END_DECLS
