/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-accessible.h"

static gboolean
has_name (GtkWidget *widget)
{
  const char *name = atk_object_get_name (gtk_widget_get_accessible (widget));

  return name != NULL && name[0] != '\0';
}

static void
name_from_label (GtkWidget *widget,
                 gpointer   data G_GNUC_UNUSED)
{
  if (GTK_IS_LABEL (widget))
    {
      GtkWidget *target = gtk_label_get_mnemonic_widget (GTK_LABEL (widget));
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (target != NULL && text[0] != '\0' && !has_name (target))
        atk_object_set_name (gtk_widget_get_accessible (target), text);
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_foreach (GTK_CONTAINER (widget), name_from_label, NULL);
}

void
pc_accessible_name_from_labels (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  name_from_label (root, NULL);
}

void
pc_accessible_name_entry_icon (GtkEntry             *entry,
                               GtkEntryIconPosition  position,
                               const char           *name)
{
  AtkObject *accessible;
  int n, index;

  g_return_if_fail (GTK_IS_ENTRY (entry));

  /* The entry's accessible children are its icons, the primary first. */
  accessible = gtk_widget_get_accessible (GTK_WIDGET (entry));
  n = atk_object_get_n_accessible_children (accessible);
  index = position == GTK_ENTRY_ICON_SECONDARY ? n - 1 : 0;
  if (position == GTK_ENTRY_ICON_PRIMARY
      && gtk_entry_get_icon_storage_type (entry, GTK_ENTRY_ICON_PRIMARY) == GTK_IMAGE_EMPTY)
    return;
  if (index >= 0 && index < n)
    {
      g_autoptr(AtkObject) icon = atk_object_ref_accessible_child (accessible, index);

      if (icon != NULL && atk_object_get_role (icon) == ATK_ROLE_ICON)
        atk_object_set_name (icon, name);
    }
}

char *
pc_accessible_error_name (const char *expression,
                          const char *message)
{
  /* TRANSLATORS: how a screen reader reads an expression that failed:
   * the expression, then the error message */
  return g_strdup_printf (_("%s, error: %s"), expression, message);
}
