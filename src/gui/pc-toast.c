/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include "pc-toast.h"

struct _PcToast
{
  GtkRevealer parent_instance;

  GtkWidget  *box;
  GtkLabel   *label;
  guint       timeout;
  gboolean    pending;  /* shown, neither undone nor dismissed yet */
};

enum { SIGNAL_UNDO, SIGNAL_DISMISSED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcToast, pc_toast, GTK_TYPE_REVEALER)

static void
finish (PcToast *self,
        guint    signal)
{
  g_clear_handle_id (&self->timeout, g_source_remove);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self), FALSE);
  if (self->pending)
    {
      self->pending = FALSE;
      g_signal_emit (self, signals[signal], 0);
    }
}

static gboolean
timeout_cb (gpointer user_data)
{
  PcToast *self = user_data;

  self->timeout = 0;
  finish (self, SIGNAL_DISMISSED);
  return G_SOURCE_REMOVE;
}

static void
undo_clicked_cb (PcToast *self)
{
  finish (self, SIGNAL_UNDO);
}

static void
close_clicked_cb (PcToast *self)
{
  finish (self, SIGNAL_DISMISSED);
}

/* Hidden, it must not catch clicks meant for what is below it. */
static void
child_revealed_cb (PcToast *self)
{
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (self)))
    gtk_widget_hide (GTK_WIDGET (self));
}

void
pc_toast_show (PcToast    *self,
               const char *message,
               guint       seconds)
{
  g_return_if_fail (PC_IS_TOAST (self));

  finish (self, SIGNAL_DISMISSED);
  gtk_label_set_text (self->label, message);
  atk_object_set_name (gtk_widget_get_accessible (self->box), message);
  gtk_widget_show (GTK_WIDGET (self));
  gtk_revealer_set_reveal_child (GTK_REVEALER (self), TRUE);
  self->pending = TRUE;
  self->timeout = g_timeout_add_seconds (MAX (seconds, 1), timeout_cb, self);
}

void
pc_toast_dismiss (PcToast *self)
{
  g_return_if_fail (PC_IS_TOAST (self));
  finish (self, SIGNAL_DISMISSED);
}

static void
pc_toast_dispose (GObject *object)
{
  PcToast *self = PC_TOAST (object);

  /* Closed during the toast: what it offered to undo stays done. */
  g_clear_handle_id (&self->timeout, g_source_remove);
  if (self->pending)
    {
      self->pending = FALSE;
      g_signal_emit (self, signals[SIGNAL_DISMISSED], 0);
    }
  G_OBJECT_CLASS (pc_toast_parent_class)->dispose (object);
}

static void
pc_toast_class_init (PcToastClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pc_toast_dispose;
  signals[SIGNAL_UNDO] = g_signal_new ("undo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISMISSED] = g_signal_new ("dismissed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-toast.ui");
  gtk_widget_class_bind_template_child (widget_class, PcToast, box);
  gtk_widget_class_bind_template_child (widget_class, PcToast, label);
  gtk_widget_class_bind_template_callback (widget_class, undo_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, child_revealed_cb);
}

static void
pc_toast_init (PcToast *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Screen readers announce it when it appears. */
  atk_object_set_role (gtk_widget_get_accessible (self->box), ATK_ROLE_NOTIFICATION);
}
