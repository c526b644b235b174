/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-result-row.h"

struct _PcResultRow
{
  GtkListBoxRow parent_instance;

  GtkLabel   *expression_label;
  GtkLabel   *value_label;
  GtkLabel   *error_label;
  GtkLabel   *equals_label;
  GtkSpinner *spinner;

  char       *expression;
  char       *value;
  gboolean    pending;
};

G_DEFINE_FINAL_TYPE (PcResultRow, pc_result_row, GTK_TYPE_LIST_BOX_ROW)

static void
pc_result_row_finalize (GObject *object)
{
  PcResultRow *self = PC_RESULT_ROW (object);

  g_free (self->expression);
  g_free (self->value);
  G_OBJECT_CLASS (pc_result_row_parent_class)->finalize (object);
}

static void
pc_result_row_class_init (PcResultRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pc_result_row_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-result-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, expression_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, equals_label);
}

static void
pc_result_row_init (PcResultRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_accessible_name (PcResultRow *self,
                     const char  *outcome)
{
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (self));
  /* TRANSLATORS: how a screen reader reads a result row: expression = value */
  g_autofree char *name = g_strdup_printf (_("%s = %s"), self->expression, outcome);

  atk_object_set_name (accessible, name);
}

PcResultRow *
pc_result_row_new (const char *expression)
{
  PcResultRow *self = g_object_new (PC_TYPE_RESULT_ROW, NULL);

  self->expression = g_strdup (expression);
  self->pending = TRUE;
  gtk_label_set_text (self->expression_label, expression);
  gtk_spinner_start (self->spinner);
  set_accessible_name (self, "…");
  return self;
}

void
pc_result_row_set_value (PcResultRow *self,
                         const char  *value)
{
  self->pending = FALSE;
  g_free (self->value);
  self->value = g_strdup (value);
  gtk_spinner_stop (self->spinner);
  gtk_widget_hide (GTK_WIDGET (self->spinner));
  gtk_label_set_text (self->value_label, value);
  gtk_widget_show (GTK_WIDGET (self->value_label));
  set_accessible_name (self, value);
}

void
pc_result_row_set_error (PcResultRow *self,
                         const char  *message,
                         int          pos)
{
  glong length = g_utf8_strlen (self->expression, -1);

  self->pending = FALSE;
  gtk_spinner_stop (self->spinner);
  gtk_widget_hide (GTK_WIDGET (self->spinner));
  gtk_widget_hide (GTK_WIDGET (self->equals_label));
  gtk_label_set_text (self->error_label, message);
  gtk_widget_show (GTK_WIDGET (self->error_label));
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self)), "error-row");

  /* Marks the failing character; a position just past the end (the
   * expression stops too early) gets a marked blank. */
  if (pos >= 0 && pos <= length)
    {
      const char *start = g_utf8_offset_to_pointer (self->expression, pos);
      const char *end = pos < length ? g_utf8_next_char (start) : start;
      g_autofree char *before = g_markup_escape_text (self->expression, start - self->expression);
      g_autofree char *marked = g_markup_escape_text (start, end - start);
      g_autofree char *after = g_markup_escape_text (end, -1);
      g_autofree char *markup =
        g_strdup_printf ("%s<span underline=\"error\" background=\"#f8d7da\" foreground=\"#a51d2d\" weight=\"bold\">%s</span>%s",
                         before, marked[0] != '\0' ? marked : " ", after);

      gtk_label_set_markup (self->expression_label, markup);
    }
  set_accessible_name (self, message);
}

const char *
pc_result_row_get_expression (PcResultRow *self)
{
  return self->expression;
}

const char *
pc_result_row_get_value (PcResultRow *self)
{
  return self->value;
}

gboolean
pc_result_row_is_pending (PcResultRow *self)
{
  return self->pending;
}
