/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-accessible.h"
#include "pc-result-row.h"

struct _PcResultRow
{
  GtkListBoxRow parent_instance;

  GtkLabel   *expression_label;
  GtkLabel   *value_label;
  GtkLabel   *error_label;
  GtkLabel   *equals_label;
  GtkLabel   *note_label;
  GtkSpinner *spinner;

  char       *expression;
  char       *value;
  gboolean    pending;
  double     *values;    /* set by pc_result_row_set_values() */
  guint       n_values;
  char       *exact;
};

G_DEFINE_FINAL_TYPE (PcResultRow, pc_result_row, GTK_TYPE_LIST_BOX_ROW)

static void
pc_result_row_finalize (GObject *object)
{
  PcResultRow *self = PC_RESULT_ROW (object);

  g_free (self->expression);
  g_free (self->value);
  g_free (self->values);
  g_free (self->exact);
  G_OBJECT_CLASS (pc_result_row_parent_class)->finalize (object);
}

/* One Tab stop per row: Tab enters the row itself, never its labels,
 * and the next Tab moves on. The labels stay selectable and focusable
 * by the pointer (a click, then Ctrl+C, copies what is selected), and a
 * Tab from a label so focused leaves the row too. */
static gboolean
pc_result_row_focus (GtkWidget        *widget,
                     GtkDirectionType  direction)
{
  if (gtk_widget_has_focus (widget))
    return FALSE;
  if (gtk_container_get_focus_child (GTK_CONTAINER (widget)) != NULL)
    {
      if (direction == GTK_DIR_TAB_BACKWARD || direction == GTK_DIR_LEFT)
        {
          gtk_widget_grab_focus (widget);
          return TRUE;
        }
      return FALSE;
    }
  /* Entering the row: the row, not a label inside it (the list box's
   * own code, which also moves its cursor). */
  return GTK_WIDGET_CLASS (pc_result_row_parent_class)->focus (widget, GTK_DIR_DOWN);
}

static void
pc_result_row_class_init (PcResultRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pc_result_row_finalize;
  widget_class->focus = pc_result_row_focus;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-result-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, expression_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, equals_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, note_label);
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

/* The theme's colour of error text (style.css: label.error), as Pango
 * markup writes a colour: the failing character is marked in it. */
static char *
error_colour (PcResultRow *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->error_label));
  GdkRGBA colour;

  gtk_style_context_get_color (context, gtk_style_context_get_state (context), &colour);
  return g_strdup_printf ("#%02x%02x%02x", (int) (colour.red * 255 + 0.5),
                          (int) (colour.green * 255 + 0.5), (int) (colour.blue * 255 + 0.5));
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
      g_autofree char *colour = error_colour (self);
      g_autofree char *markup =
        g_strdup_printf ("%s<span underline=\"error\" background=\"%s\" bgalpha=\"20%%\" "
                         "foreground=\"%s\" weight=\"bold\">%s</span>%s",
                         before, colour, colour, marked[0] != '\0' ? marked : " ", after);

      gtk_label_set_markup (self->expression_label, markup);
    }
  {
    g_autofree char *name = pc_accessible_error_name (self->expression, message);

    atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), name);
  }
}

/* Longest exact digits written under the value; longer ones are in the
 * value's tooltip only. */
#define EXACT_NOTE_MAX 40

static const char *
note_text (PcFormatNote note)
{
  switch (note)
    {
    case PC_FORMAT_NOTE_INFINITY:
      return _("Infinity: a division by zero, or a result too large for a number");
    case PC_FORMAT_NOTE_UNDEFINED:
      return _("Not a real number, such as the square root of a negative number or 0/0");
    case PC_FORMAT_NOTE_NOT_INTEGER:
      return _("Not a whole number: shown in decimal");
    case PC_FORMAT_NOTE_NO_FRACTION:
      return _("No simple fraction (denominator up to a million): shown in decimal");
    case PC_FORMAT_NOTE_NONE:
    default:
      return NULL;
    }
}

/* One value as the row shows it: inf and nan as symbols, the words in
 * the note. */
static PcFormatNote
append_value (GString              *out,
              double                value,
              const PcNumberFormat *format)
{
  g_autofree char *text = NULL;
  PcFormatNote note;

  if (isnan (value))
    {
      /* TRANSLATORS: shown for a value that is not a real number (nan) */
      g_string_append (out, C_("value", "undefined"));
      return PC_FORMAT_NOTE_UNDEFINED;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "∞" : "−∞");
      return PC_FORMAT_NOTE_INFINITY;
    }
  text = pc_format_number_as (value, format, &note);
  g_string_append (out, text);
  return note;
}

void
pc_result_row_set_format (PcResultRow          *self,
                          const PcNumberFormat *format)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) note = g_string_new (NULL);
  g_autofree char *outcome = NULL;
  const char *sep = g_str_equal (format->decimal_point, ",") ? "; " : ", ";
  PcFormatNote first = PC_FORMAT_NOTE_NONE;

  if (self->pending || self->values == NULL)
    return;
  for (guint i = 0; i < self->n_values; i++)
    {
      PcFormatNote n;

      if (i > 0)
        g_string_append (text, sep);
      n = append_value (text, self->values[i], format);
      if (first == PC_FORMAT_NOTE_NONE)
        first = n;
    }
  if (note_text (first) != NULL)
    g_string_append (note, note_text (first));

  /* A whole number the text rounds: its exact digits too (2^64). */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->value_label), NULL);
  if (self->exact != NULL
      && (format->style == PC_NUMBER_AUTO || format->style == PC_NUMBER_SCIENTIFIC
          || format->style == PC_NUMBER_ENGINEERING)
      && strlen (self->exact) - (self->exact[0] == '-') > (gsize) CLAMP (format->digits, 1, 17))
    {
      /* TRANSLATORS: %s is all the digits of a whole number */
      g_autofree char *exactly = g_strdup_printf (_("Exactly %s"), self->exact);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->value_label), exactly);
      if (strlen (self->exact) <= EXACT_NOTE_MAX)
        {
          if (note->len > 0)
            g_string_append (note, "\n");
          g_string_append (note, exactly);
        }
    }

  g_free (self->value);
  self->value = g_strdup (text->str);
  gtk_label_set_text (self->value_label, text->str);
  gtk_label_set_text (self->note_label, note->str);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note->len > 0);
  outcome = note->len > 0 ? g_strdup_printf ("%s (%s)", text->str, note->str) : g_strdup (text->str);
  set_accessible_name (self, outcome);
}

void
pc_result_row_set_values (PcResultRow          *self,
                          const double         *values,
                          guint                 n_values,
                          const char           *exact,
                          const PcNumberFormat *format)
{
  g_return_if_fail (n_values > 0);

  self->pending = FALSE;
  g_free (self->values);
  self->values = g_memdup2 (values, n_values * sizeof *values);
  self->n_values = n_values;
  g_free (self->exact);
  self->exact = g_strdup (exact);
  gtk_spinner_stop (self->spinner);
  gtk_widget_hide (GTK_WIDGET (self->spinner));
  gtk_widget_show (GTK_WIDGET (self->value_label));
  pc_result_row_set_format (self, format);
}

const char *
pc_result_row_get_note (PcResultRow *self)
{
  return gtk_label_get_text (self->note_label);
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

/* Issue 16, item 4: a row kept while the server is away says so beside
 * its spinner, and to a screen reader. Nothing for a row that has its
 * outcome. */
void
pc_result_row_set_waiting (PcResultRow *self,
                           gboolean     waiting)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (self), "pc-waiting-label");

  if (!self->pending)
    waiting = FALSE;
  if (label == NULL && waiting)
    {
      label = gtk_label_new (_("waiting for the server"));
      gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");
      gtk_box_pack_start (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->spinner))), label,
                          FALSE, FALSE, 0);
      gtk_box_reorder_child (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->spinner))), label,
                             2);
      g_object_set_data (G_OBJECT (self), "pc-waiting-label", label);
    }
  if (label != NULL)
    gtk_widget_set_visible (label, waiting);
  /* The name stays "expression = …" while pending; a screen reader reads
   * why it waits as the row's description. */
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self)),
                              waiting ? _("waiting for the server") : "");
}
