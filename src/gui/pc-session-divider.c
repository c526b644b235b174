/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-session-divider.h"

struct _PcSessionDivider
{
  GtkListBoxRow parent_instance;

  GtkLabel *label;
};

G_DEFINE_FINAL_TYPE (PcSessionDivider, pc_session_divider, GTK_TYPE_LIST_BOX_ROW)

static void
pc_session_divider_class_init (PcSessionDividerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-session-divider.ui");
  gtk_widget_class_bind_template_child (widget_class, PcSessionDivider, label);
}

static void
pc_session_divider_init (PcSessionDivider *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pc_session_divider_set_restored (self, FALSE);
}

GtkWidget *
pc_session_divider_new (void)
{
  return g_object_new (PC_TYPE_SESSION_DIVIDER, NULL);
}

void
pc_session_divider_set_restored (PcSessionDivider *self,
                                 gboolean          restored)
{
  const char *text = restored ? _("New session — variables restored") : _("New session");

  gtk_label_set_text (self->label, text);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), text);
}
