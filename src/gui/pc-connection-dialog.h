/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

#include "pc-transport.h"

G_BEGIN_DECLS

#define PC_TYPE_CONNECTION_DIALOG (pc_connection_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PcConnectionDialog, pc_connection_dialog, PC, CONNECTION_DIALOG, GtkDialog)

/* Local or remote server, transport, host, port or pipe name, token, TLS;
 * a Test button. Validates before saving; on Connect it writes the
 * settings and emits "response" with GTK_RESPONSE_APPLY, then closes. */
GtkWidget *pc_connection_dialog_new (GtkWindow    *parent,
                                     GSettings    *settings,
                                     PcTransports *transports);

/* The access token as typed; the dialog stores it in the keyring (or
 * its file) on Connect, and whoever hears GTK_RESPONSE_APPLY takes it from
 * here rather than waiting for the store. */
const char *pc_connection_dialog_get_token (PcConnectionDialog *self);

G_END_DECLS
