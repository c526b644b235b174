/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-accessible.h"
#include "pc-preferences-dialog.h"

struct _PcPreferencesDialog
{
  GtkDialog parent_instance;

  /* Template children */
  GtkSpinButton *history_size_spin;
  GtkSwitch     *keep_history_switch;
  GtkSpinButton *timeout_spin;
  GtkComboBoxText *number_style_combo;
  GtkSpinButton *digits_spin;
  GtkSpinButton *decimals_spin;
  GtkSwitch     *grouping_switch;
  GtkSwitch     *restore_session_switch;
};

G_DEFINE_FINAL_TYPE (PcPreferencesDialog, pc_preferences_dialog, GTK_TYPE_DIALOG)

static void
pc_preferences_dialog_response (GtkDialog *dialog,
                                int        response)
{
  PcPreferencesDialog *self = PC_PREFERENCES_DIALOG (dialog);

  /* A number typed but not yet confirmed with Enter or Tab still counts:
   * committing it updates the bound setting before the bindings go. */
  gtk_spin_button_update (self->history_size_spin);
  gtk_spin_button_update (self->timeout_spin);
  gtk_spin_button_update (self->digits_spin);
  gtk_spin_button_update (self->decimals_spin);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
pc_preferences_dialog_class_init (PcPreferencesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  GTK_DIALOG_CLASS (klass)->response = pc_preferences_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, history_size_spin);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, keep_history_switch);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, number_style_combo);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, digits_spin);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, decimals_spin);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, grouping_switch);
  gtk_widget_class_bind_template_child (widget_class, PcPreferencesDialog, restore_session_switch);
}

static void
pc_preferences_dialog_init (PcPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pc_accessible_name_from_labels (GTK_WIDGET (self));
}

GtkWidget *
pc_preferences_dialog_new (GtkWindow *parent,
                           GSettings *settings)
{
  PcPreferencesDialog *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  /* use-header-bar is construct-only, so it cannot come from the template. */
  self = g_object_new (PC_TYPE_PREFERENCES_DIALOG,
                       "use-header-bar", TRUE,
                       "transient-for", parent,
                       NULL);

  /* Bound both ways, so a change applies at once and the application,
   * watching the same keys, follows it; the bindings end with the
   * widgets. */
  g_settings_bind (settings, "history-size", self->history_size_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "keep-history", self->keep_history_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "request-timeout", self->timeout_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  /* An enum key binds to a string property by its nicks: the combo's ids. */
  g_settings_bind (settings, "number-style", self->number_style_combo, "active-id",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "significant-digits", self->digits_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "decimals", self->decimals_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "digit-grouping", self->grouping_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "restore-session", self->restore_session_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
