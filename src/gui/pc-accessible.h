/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Names for screen readers. GTK 3 relates a field to its mnemonic label
 * (labelled-by) but leaves the field's own accessible name empty, which
 * some readers and every name-based tool then announce as nothing. */

/* Gives each control under root that a label is the mnemonic label of,
 * and that has no accessible name yet, the label's text (translated,
 * without the underline). */
void pc_accessible_name_from_labels (GtkWidget *root);

/* Names an entry's icon by its purpose ("Show the token"); GTK names it
 * by its icon file ("view-reveal-symbolic") and again each time the
 * icon changes, so call this after every change of the icon. */
void pc_accessible_name_entry_icon  (GtkEntry             *entry,
                                     GtkEntryIconPosition  position,
                                     const char           *name);

/* The name a screen reader reads for an expression that failed:
 * "1+*2, error: Unexpected operator “*” at character 3". */
char *pc_accessible_error_name      (const char *expression,
                                     const char *message);

G_END_DECLS
