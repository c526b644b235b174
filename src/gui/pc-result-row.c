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
  GtkButton  *copy_button;
  GMenuModel *value_menu;
  GMenuModel *error_menu;
  GMenuModel *pending_menu;

  GSimpleActionGroup *actions;
  GtkWidget  *popover;     /* the row's menu, made when first shown */
  GtkGesture *right_click;
  GtkGesture *long_press;
  guint       menu_signal; /* what the menu asked for, once it is closed */
  guint       menu_idle;
  char       *tooltip;     /* the template's, for a row with a value */

  char       *expression;
  char       *value;
  char       *error_message;
  gboolean    pending;
  double     *values;    /* set by pc_result_row_set_values() */
  guint       n_values;
  char       *exact;
};

enum { SIGNAL_EDIT, SIGNAL_DELETE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcResultRow, pc_result_row, GTK_TYPE_LIST_BOX_ROW)

static void
pc_result_row_dispose (GObject *object)
{
  PcResultRow *self = PC_RESULT_ROW (object);

  g_clear_handle_id (&self->menu_idle, g_source_remove);
  g_clear_pointer (&self->popover, gtk_widget_destroy);
  g_clear_object (&self->right_click);
  g_clear_object (&self->long_press);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (pc_result_row_parent_class)->dispose (object);
}

static void
pc_result_row_finalize (GObject *object)
{
  PcResultRow *self = PC_RESULT_ROW (object);

  g_free (self->expression);
  g_free (self->value);
  g_free (self->error_message);
  g_free (self->tooltip);
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

/* ---- Copying ---------------------------------------------------------- */

static void
copy_text (PcResultRow *self,
           const char  *text)
{
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD),
                          text, -1);
}

gboolean
pc_result_row_copy_value (PcResultRow *self)
{
  g_return_val_if_fail (PC_IS_RESULT_ROW (self), FALSE);

  if (self->value == NULL)
    return FALSE;
  copy_text (self, self->value);
  return TRUE;
}

/* Ctrl+C in a label of the row. The value label copies the whole value
 * (its selection is the whole value or nothing, see below); another label
 * copies its selection if it shows one, and the value otherwise, so that
 * Ctrl+C after a click anywhere in the row copies what the row shows. */
static void
label_copy_cb (GtkLabel    *label,
               PcResultRow *self)
{
  int start, end;

  if (label != self->value_label && gtk_label_get_selection_bounds (label, &start, &end))
    return;
  g_signal_stop_emission_by_name (label, "copy-clipboard");
  if (!pc_result_row_copy_value (self))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

/* The value is selected whole or not at all: a double-click on
 * 1.84467440737096e+19 would otherwise select 1.84467440737096e (a word
 * ends at the "+"), and Ctrl+C would copy a wrong number. */
static void
value_selection_cb (GtkLabel    *label,
                    GParamSpec  *pspec,
                    PcResultRow *self)
{
  int start, end;
  int length = (int) g_utf8_strlen (gtk_label_get_text (label), -1);

  if (gtk_label_get_selection_bounds (label, &start, &end)
      && (MIN (start, end) != 0 || MAX (start, end) != length))
    gtk_label_select_region (label, 0, -1);
}

static gboolean
row_key_press (GtkWidget   *widget,
               GdkEventKey *event)
{
  PcResultRow *self = PC_RESULT_ROW (widget);
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();

  if (mods == GDK_CONTROL_MASK && (event->keyval == GDK_KEY_c || event->keyval == GDK_KEY_C
                                   || event->keyval == GDK_KEY_Insert))
    {
      if (!pc_result_row_copy_value (self))
        gtk_widget_error_bell (widget);
      return GDK_EVENT_STOP;
    }
  return GTK_WIDGET_CLASS (pc_result_row_parent_class)->key_press_event (widget, event);
}

/* ---- The row's menu --------------------------------------------------- */

/* Edit and Delete run once the menu is gone (unmapped): the closing
 * menu gives the keyboard back to where it was, which would undo Edit's
 * move to the entry, and Delete destroys the row the menu points at. */
static gboolean
menu_signal_idle_cb (gpointer user_data)
{
  PcResultRow *self = user_data;
  guint signal = self->menu_signal;

  self->menu_idle = 0;
  if (self->popover != NULL && gtk_widget_get_mapped (self->popover))
    return G_SOURCE_REMOVE;  /* again on "unmap" */
  self->menu_signal = N_SIGNALS;
  if (signal < N_SIGNALS)
    g_signal_emit (self, signals[signal], 0);
  return G_SOURCE_REMOVE;
}

static void
schedule_menu_signal (PcResultRow *self)
{
  if (self->menu_signal < N_SIGNALS && self->menu_idle == 0)
    self->menu_idle = g_idle_add_full (G_PRIORITY_LOW, menu_signal_idle_cb, self, NULL);
}

static void
popover_unmap_cb (GtkWidget   *popover,
                  PcResultRow *self)
{
  schedule_menu_signal (self);
}

static void
request (PcResultRow *self,
         guint        signal)
{
  self->menu_signal = signal;
  schedule_menu_signal (self);
}

static void
copy_value_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  pc_result_row_copy_value (user_data);
}

static void
copy_expression_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PcResultRow *self = user_data;

  copy_text (self, self->expression);
}

static void
copy_error_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PcResultRow *self = user_data;

  if (self->error_message != NULL)
    copy_text (self, self->error_message);
}

static void
edit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  request (user_data, SIGNAL_EDIT);
}

static void
delete_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  request (user_data, SIGNAL_DELETE);
}

static const GActionEntry row_actions[] = {
  { .name = "copy-value", .activate = copy_value_activated },
  { .name = "copy-expression", .activate = copy_expression_activated },
  { .name = "copy-error", .activate = copy_error_activated },
  { .name = "edit", .activate = edit_activated },
  { .name = "delete", .activate = delete_activated },
};

static void
enable_action (PcResultRow *self,
               const char  *name,
               gboolean     enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* What the row offers in its state: only a row with a value copies one. */
static void
update_actions (PcResultRow *self)
{
  if (self->actions == NULL)
    return;  /* disposed */
  enable_action (self, "copy-value", self->value != NULL);
  enable_action (self, "copy-error", self->error_message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), self->value != NULL);
}

/* Shows the row's menu, pointing at @where (row coordinates), or at the
 * row's start when %NULL (from the keyboard). */
static void
popup_menu_at (PcResultRow        *self,
               const GdkRectangle *where)
{
  GMenuModel *model = self->pending ? self->pending_menu
                      : self->error_message != NULL ? self->error_menu : self->value_menu;
  GdkRectangle rect = { 12, 0, 1, gtk_widget_get_allocated_height (GTK_WIDGET (self)) };

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_new (GTK_WIDGET (self));
      gtk_popover_set_position (GTK_POPOVER (self->popover), GTK_POS_BOTTOM);
      g_signal_connect_after (self->popover, "unmap", G_CALLBACK (popover_unmap_cb), self);
    }
  gtk_popover_bind_model (GTK_POPOVER (self->popover), model, NULL);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), where != NULL ? where : &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static gboolean
row_popup_menu (GtkWidget *widget)
{
  popup_menu_at (PC_RESULT_ROW (widget), NULL);
  return TRUE;
}

/* Menu or Shift+F10 with a label of the row focused: the row's menu, not
 * the label's own (Select All, Copy of a part). */
static gboolean
label_popup_menu_cb (GtkWidget   *label,
                     PcResultRow *self)
{
  popup_menu_at (self, NULL);
  return TRUE;
}

/* A right click or a long press opens the row's menu. Claimed in the
 * capture phase, the press never reaches a label, whose own menu (Copy
 * of a part, Select All) would open instead. */
static void
press_at (PcResultRow *self,
          GtkGesture  *gesture,
          double       x,
          double       y)
{
  GdkRectangle where = { (int) x, (int) y, 1, 1 };

  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  popup_menu_at (self, &where);
}

static void
right_click_pressed_cb (GtkGestureMultiPress *gesture,
                        int                   n_press,
                        double                x,
                        double                y,
                        PcResultRow          *self)
{
  press_at (self, GTK_GESTURE (gesture), x, y);
}

static void
long_pressed_cb (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 PcResultRow         *self)
{
  press_at (self, GTK_GESTURE (gesture), x, y);
}

static void
pc_result_row_class_init (PcResultRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pc_result_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = pc_result_row_finalize;
  widget_class->focus = pc_result_row_focus;
  widget_class->key_press_event = row_key_press;
  widget_class->popup_menu = row_popup_menu;

  /* Edit: the expression goes back to the entry. Delete: the row goes
   * from the list (and its request, if it waits, is cancelled). Both are
   * for the window to do. */
  signals[SIGNAL_EDIT] =
    g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DELETE] =
    g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-result-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, expression_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, equals_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, value_menu);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, error_menu);
  gtk_widget_class_bind_template_child (widget_class, PcResultRow, pending_menu);
}

static void
pc_result_row_init (PcResultRow *self)
{
  GtkLabel *labels[4];

  gtk_widget_init_template (GTK_WIDGET (self));
  self->menu_signal = N_SIGNALS;
  self->tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (self));
  labels[0] = self->expression_label;
  labels[1] = self->value_label;
  labels[2] = self->error_label;
  labels[3] = self->note_label;

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), row_actions,
                                   G_N_ELEMENTS (row_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "row", G_ACTION_GROUP (self->actions));

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_signal_connect (labels[i], "copy-clipboard", G_CALLBACK (label_copy_cb), self);
      g_signal_connect (labels[i], "popup-menu", G_CALLBACK (label_popup_menu_cb), self);
    }
  g_signal_connect (self->value_label, "notify::selection-bound",
                    G_CALLBACK (value_selection_cb), self);
  g_signal_connect (self->value_label, "notify::cursor-position",
                    G_CALLBACK (value_selection_cb), self);

  /* In the capture phase: a label under the pointer sees the press first
   * otherwise. */
  self->right_click = gtk_gesture_multi_press_new (GTK_WIDGET (self));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->right_click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->right_click),
                                              GTK_PHASE_CAPTURE);
  g_signal_connect (self->right_click, "pressed", G_CALLBACK (right_click_pressed_cb), self);
  self->long_press = gtk_gesture_long_press_new (GTK_WIDGET (self));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (self->long_press), TRUE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->long_press),
                                              GTK_PHASE_CAPTURE);
  g_signal_connect (self->long_press, "pressed", G_CALLBACK (long_pressed_cb), self);
  update_actions (self);
}

/* ---- Wrapping --------------------------------------------------------- */

/* Longest run of characters kept on one line; a longer one (a fixed
 * number of 300 digits) may still break, or it would widen the window. */
#define KEEP_TOGETHER_MAX 48

static gboolean
in_number_or_name (const char *text,
                   const char *p)
{
  gunichar c = g_utf8_get_char (p);

  if (g_unichar_isalnum (c) || c == '_' || c == '.')
    return TRUE;
  /* The sign of an exponent: 1.5e+19 */
  if ((c == '+' || c == '-') && p - text >= 2 && (p[-1] == 'e' || p[-1] == 'E')
      && (g_ascii_isdigit (p[-2]) || p[-2] == '.') && g_ascii_isdigit (p[1]))
    return TRUE;
  return FALSE;
}

static gboolean
in_value (const char *text,
          const char *p)
{
  return *p != ' ' && *p != '\n';
}

/* Lets @label wrap (by character, as the template says) anywhere but
 * inside a number or a name: a long sum breaks at its operators, never
 * in the middle of 1.84467440737096e+19. Pango's own word breaking does
 * not help here: by Unicode's rules "123+456" is one word. */
static void
keep_together (GtkLabel *label,
               gboolean (*inside) (const char *text, const char *p))
{
  const char *text = gtk_label_get_text (label);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = p;
      glong length = 0;

      while (*p != '\0' && inside (text, p))
        {
          p = g_utf8_next_char (p);
          length++;
        }
      if (length >= 2 && length <= KEEP_TOGETHER_MAX)
        {
          PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

          keep->start_index = start - text;
          keep->end_index = p - text;
          pango_attr_list_insert (attrs, keep);
        }
      if (p == start)
        p = g_utf8_next_char (p);
    }
  gtk_label_set_attributes (label, attrs);
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
  keep_together (self->expression_label, in_number_or_name);
  gtk_spinner_start (self->spinner);
  set_accessible_name (self, "…");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Waiting for the server: press Enter to edit this expression again; "
                                 "the Menu key or a right click can delete it"));
  return self;
}

/* The value the row shows and copies, and what a row with a value
 * offers. */
static void
show_value (PcResultRow *self,
            const char  *value)
{
  g_free (self->value);
  self->value = g_strdup (value);
  gtk_label_set_text (self->value_label, value);
  keep_together (self->value_label, in_value);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->tooltip);
  update_actions (self);
}

void
pc_result_row_set_value (PcResultRow *self,
                         const char  *value)
{
  self->pending = FALSE;
  gtk_spinner_stop (self->spinner);
  gtk_widget_hide (GTK_WIDGET (self->spinner));
  show_value (self, value);
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
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  gtk_spinner_stop (self->spinner);
  gtk_widget_hide (GTK_WIDGET (self->spinner));
  gtk_widget_hide (GTK_WIDGET (self->equals_label));
  gtk_label_set_text (self->error_label, message);
  /* No value to copy here: the tooltip says what there is. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Press Enter to edit this expression again; the Menu key or a right "
                                 "click copies the expression or the error message"));
  update_actions (self);
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

  show_value (self, text->str);
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
pc_result_row_get_error_message (PcResultRow *self)
{
  return self->error_message;
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
