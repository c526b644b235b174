/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-accessible.h"
#include "pc-function-help.h"
#include "pc-side-panel.h"

struct _PcSidePanel
{
  GtkBox          parent_instance;

  GtkStack       *stack;
  GtkListBox     *variables_list;
  GtkWidget      *variables_empty;
  GListModel     *definitions;
  GtkSearchEntry *functions_search;
  GtkListBox     *functions_list;
  GtkSearchEntry *history_search;
  GtkListBox     *history_list;

  PcHistory      *history;
  gulong          history_handler;
  char           *functions_key;  /* casefolded search text, or NULL */
  gboolean        history_stale;  /* changed while the page was not shown */
  char           *history_key;
};

enum { SIGNAL_INSERT, SIGNAL_REUSE, SIGNAL_DELETE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcSidePanel, pc_side_panel, GTK_TYPE_BOX)

/* ---- Rows ------------------------------------------------------------- */

/* A row of two lines: @title in monospace, @subtitle dim and wrapped.
 * Read out as one sentence, "@title: @subtitle". */
static GtkListBoxRow *
two_line_row (const char *title,
              const char *subtitle,
              GtkWidget  *extra)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (title);
  g_autofree char *spoken = subtitle != NULL && subtitle[0] != '\0'
                            ? g_strdup_printf ("%s: %s", title, subtitle)
                            : g_strdup (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_style_context_add_class (gtk_widget_get_style_context (label), "expression");
  gtk_container_add (GTK_CONTAINER (text), label);
  if (subtitle != NULL && subtitle[0] != '\0')
    {
      GtkWidget *sub = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_line_wrap (GTK_LABEL (sub), TRUE);
      gtk_label_set_line_wrap_mode (GTK_LABEL (sub), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (sub), 30);
      gtk_style_context_add_class (gtk_widget_get_style_context (sub), "dim-label");
      gtk_container_add (GTK_CONTAINER (text), sub);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_container_add (GTK_CONTAINER (box), text);
  if (extra != NULL)
    gtk_container_add (GTK_CONTAINER (box), extra);
  g_object_set (box, "margin-start", 12, "margin-end", 6, "margin-top", 6, "margin-bottom", 6,
                NULL);
  gtk_container_add (GTK_CONTAINER (row), box);
  atk_object_set_name (gtk_widget_get_accessible (row), spoken);
  gtk_widget_show_all (row);
  return GTK_LIST_BOX_ROW (row);
}

static void
clear_list (GtkListBox *list)
{
  GList *rows = gtk_container_get_children (GTK_CONTAINER (list));

  for (GList *l = rows; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (rows);
}

/* Case-insensitive, in any language: both sides casefolded. */
static gboolean
matches (GtkListBoxRow *row,
         const char    *key)
{
  const char *haystack = g_object_get_data (G_OBJECT (row), "search");

  return key == NULL || key[0] == '\0' || (haystack != NULL && strstr (haystack, key) != NULL);
}

/* The text a row is found by: its parts, casefolded. */
static char *
fold_join (const char *a,
           const char *b,
           const char *c)
{
  g_autofree char *joined = g_strjoin (" ", a, b ? b : "", c ? c : "", NULL);

  return g_utf8_casefold (joined, -1);
}

static char *
search_key (GtkSearchEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));

  return text[0] == '\0' ? NULL : g_utf8_casefold (text, -1);
}

/* ---- Functions page --------------------------------------------------- */

static const char *
group_title (PcCatalogKind kind)
{
  switch (kind)
    {
    case PC_CATALOG_OPERATOR:
      return _("Operators");
    case PC_CATALOG_CONSTANT:
      return _("Constants");
    case PC_CATALOG_USER:
      return _("Your functions");
    case PC_CATALOG_FUNCTION:
    default:
      return _("Functions");
    }
}

static void
group_header_cb (GtkListBoxRow *row,
                 GtkListBoxRow *before,
                 gpointer       user_data)
{
  int kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "kind"));
  GtkWidget *header;

  if (before != NULL && GPOINTER_TO_INT (g_object_get_data (G_OBJECT (before), "kind")) == kind)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  if (gtk_list_box_row_get_header (row) != NULL)
    return;
  header = gtk_label_new (group_title (kind));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  g_object_set (header, "margin-start", 12, "margin-top", 12, "margin-bottom", 3, NULL);
  gtk_style_context_add_class (gtk_widget_get_style_context (header), "dim-label");
  gtk_widget_show (header);
  gtk_list_box_row_set_header (row, header);
}

static gboolean
functions_filter_cb (GtkListBoxRow *row,
                     gpointer       user_data)
{
  return matches (row, PC_SIDE_PANEL (user_data)->functions_key);
}

static void
functions_search_changed_cb (PcSidePanel *self)
{
  g_free (self->functions_key);
  self->functions_key = search_key (self->functions_search);
  gtk_list_box_invalidate_filter (self->functions_list);
}

static void
add_catalog_row (PcCatalogKind  kind,
                 const char    *name,
                 const char    *description,
                 gpointer       user_data)
{
  PcSidePanel *self = user_data;
  const char *english = kind == PC_CATALOG_USER ? NULL : pc_function_help_english (name);
  g_autofree char *title = NULL;
  g_autofree char *insert = NULL;
  GtkListBoxRow *row;
  int back = 0;

  if (name == NULL || name[0] == '\0' || !g_utf8_validate (name, -1, NULL)
      || (description != NULL && !g_utf8_validate (description, -1, NULL)))
    return;
  switch (kind)
    {
    case PC_CATALOG_FUNCTION:
    case PC_CATALOG_USER:
      title = g_strdup_printf ("%s()", name);
      insert = g_strdup_printf ("%s()", name);
      back = 1;
      break;
    case PC_CATALOG_OPERATOR:
      title = g_strdup (name);
      /* c ? a : b is typed with a space around each part. */
      insert = g_strdup (g_str_equal (name, "?:") ? " ? : " : name);
      back = g_str_equal (name, "?:") ? 3 : 0;
      break;
    case PC_CATALOG_CONSTANT:
    default:
      title = g_strdup (name);
      insert = g_strdup (name);
    }
  row = two_line_row (title, description, NULL);
  g_object_set_data (G_OBJECT (row), "kind", GINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (row), "insert", g_steal_pointer (&insert), g_free);
  g_object_set_data (G_OBJECT (row), "back", GINT_TO_POINTER (back));
  g_object_set_data_full (G_OBJECT (row), "search", fold_join (name, description, english), g_free);
  gtk_container_add (GTK_CONTAINER (self->functions_list), GTK_WIDGET (row));
}

void
pc_side_panel_set_catalog (PcSidePanel     *self,
                           const PcCatalog *catalog)
{
  g_return_if_fail (PC_IS_SIDE_PANEL (self));

  /* Called when the catalogue changed (PcSessionModel's
   * "catalog-changed"): every row is made again. */
  clear_list (self->functions_list);
  pc_function_help_foreach (catalog, add_catalog_row, self);
  gtk_list_box_invalidate_headers (self->functions_list);
}

static void
function_activated_cb (PcSidePanel   *self,
                       GtkListBoxRow *row)
{
  g_signal_emit (self, signals[SIGNAL_INSERT], 0,
                 g_object_get_data (G_OBJECT (row), "insert"),
                 GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "back")));
}

/* ---- History page ----------------------------------------------------- */

static gboolean
history_filter_cb (GtkListBoxRow *row,
                   gpointer       user_data)
{
  return matches (row, PC_SIDE_PANEL (user_data)->history_key);
}

static void
history_search_changed_cb (PcSidePanel *self)
{
  g_free (self->history_key);
  self->history_key = search_key (self->history_search);
  gtk_list_box_invalidate_filter (self->history_list);
}

static void
history_changed_cb (PcHistory   *history,
                    PcSidePanel *self)
{
  const char * const *items = pc_history_get_items (history);

  /* Made again when shown: each evaluation changes the history twice
   * (the expression, then its result). */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->history_list)))
    {
      self->history_stale = TRUE;
      return;
    }
  self->history_stale = FALSE;
  clear_list (self->history_list);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *result = pc_history_get_result (history, i);
      g_autofree char *shown = result != NULL ? g_strdup_printf ("= %s", result) : NULL;
      GtkListBoxRow *row = two_line_row (items[i], shown, NULL);

      g_object_set_data_full (G_OBJECT (row), "expression", g_strdup (items[i]), g_free);
      g_object_set_data_full (G_OBJECT (row), "search", fold_join (items[i], result, NULL), g_free);
      gtk_container_add (GTK_CONTAINER (self->history_list), GTK_WIDGET (row));
    }
}

static void
history_activated_cb (PcSidePanel   *self,
                      GtkListBoxRow *row)
{
  g_signal_emit (self, signals[SIGNAL_REUSE], 0, g_object_get_data (G_OBJECT (row), "expression"));
}

static void
history_list_map_cb (PcSidePanel *self)
{
  if (self->history_stale && self->history != NULL)
    history_changed_cb (self->history, self);
}

void
pc_side_panel_set_history (PcSidePanel *self,
                           PcHistory   *history)
{
  g_return_if_fail (PC_IS_SIDE_PANEL (self));

  if (self->history != NULL)
    g_clear_signal_handler (&self->history_handler, self->history);
  g_set_object (&self->history, history);
  clear_list (self->history_list);
  self->history_stale = TRUE;
  if (history != NULL)
    {
      self->history_handler = g_signal_connect (history, "changed",
                                                G_CALLBACK (history_changed_cb), self);
      history_changed_cb (history, self);
    }
}

/* ---- Variables page --------------------------------------------------- */

static void
delete_clicked_cb (GtkButton   *button,
                   PcSidePanel *self)
{
  g_signal_emit (self, signals[SIGNAL_DELETE], 0, g_object_get_data (G_OBJECT (button), "name"));
}

static GtkWidget *
create_definition_row (gpointer item,
                       gpointer user_data)
{
  PcSidePanel *self = user_data;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *spoken = NULL;
  gboolean is_function = FALSE;
  double value = 0;
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic", GTK_ICON_SIZE_BUTTON);
  GtkListBoxRow *row;

  g_object_get (item, "name", &name, "is-function", &is_function, "value", &value,
                "text", &text, NULL);
  if (name == NULL)
    name = g_strdup ("");
  if (is_function || text != NULL)
    title = g_strdup (text != NULL ? text : name);
  else
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      title = g_strdup_printf ("%s = %s", name, g_ascii_formatd (number, sizeof number, "%.15g", value));
    }
  /* TRANSLATORS: the accessible name of a variable's delete button; %s is
   * its name */
  spoken = g_strdup_printf (is_function ? _("Delete function %s") : _("Delete variable %s"), name);
  gtk_widget_set_tooltip_text (button, spoken);
  atk_object_set_name (gtk_widget_get_accessible (button), spoken);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "flat");
  g_object_set_data_full (G_OBJECT (button), "name", g_strdup (name), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);

  row = two_line_row (title, NULL, button);
  g_object_set_data_full (G_OBJECT (row), "insert",
                          is_function ? g_strdup_printf ("%s()", name) : g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "back", GINT_TO_POINTER (is_function ? 1 : 0));
  return GTK_WIDGET (row);
}

static void
variable_activated_cb (PcSidePanel   *self,
                       GtkListBoxRow *row)
{
  function_activated_cb (self, row);
}

static void
definitions_changed_cb (GListModel  *definitions,
                        guint        position,
                        guint        removed,
                        guint        added,
                        PcSidePanel *self)
{
  gtk_widget_set_visible (self->variables_empty, g_list_model_get_n_items (definitions) == 0);
}

void
pc_side_panel_set_definitions (PcSidePanel *self,
                               GListModel  *definitions)
{
  g_return_if_fail (PC_IS_SIDE_PANEL (self));

  if (self->definitions != NULL)
    g_signal_handlers_disconnect_by_func (self->definitions, definitions_changed_cb, self);
  g_set_object (&self->definitions, definitions);
  gtk_list_box_bind_model (self->variables_list, definitions, create_definition_row, self, NULL);
  if (definitions != NULL)
    {
      g_signal_connect_object (definitions, "items-changed",
                               G_CALLBACK (definitions_changed_cb), self, 0);
      definitions_changed_cb (definitions, 0, 0, 0, self);
    }
}

void
pc_side_panel_show_page (PcSidePanel *self,
                         const char  *page)
{
  gtk_stack_set_visible_child_name (self->stack, page);
}

/* ---- Life cycle ------------------------------------------------------- */

static void
pc_side_panel_dispose (GObject *object)
{
  PcSidePanel *self = PC_SIDE_PANEL (object);

  if (self->history != NULL)
    g_clear_signal_handler (&self->history_handler, self->history);
  g_clear_object (&self->history);
  if (self->definitions != NULL)
    g_signal_handlers_disconnect_by_func (self->definitions, definitions_changed_cb, self);
  g_clear_object (&self->definitions);
  g_clear_pointer (&self->functions_key, g_free);
  g_clear_pointer (&self->history_key, g_free);
  G_OBJECT_CLASS (pc_side_panel_parent_class)->dispose (object);
}

static void
pc_side_panel_class_init (PcSidePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pc_side_panel_dispose;
  signals[SIGNAL_INSERT] = g_signal_new ("insert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_STRING, G_TYPE_INT);
  signals[SIGNAL_REUSE] = g_signal_new ("reuse", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-side-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, stack);
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, variables_list);
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, variables_empty);
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, functions_search);
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, functions_list);
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, history_search);
  gtk_widget_class_bind_template_child (widget_class, PcSidePanel, history_list);
  gtk_widget_class_bind_template_callback (widget_class, variable_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, function_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, functions_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_search_changed_cb);
}

static void
pc_side_panel_init (PcSidePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  atk_object_set_role (gtk_widget_get_accessible (GTK_WIDGET (self)), ATK_ROLE_PANEL);
  gtk_list_box_set_header_func (self->functions_list, group_header_cb, NULL, NULL);
  gtk_list_box_set_filter_func (self->functions_list, functions_filter_cb, self, NULL);
  gtk_list_box_set_filter_func (self->history_list, history_filter_cb, self, NULL);
  g_signal_connect_object (self->history_list, "map", G_CALLBACK (history_list_map_cb), self,
                           G_CONNECT_SWAPPED);
  /* The search entries' magnifier would be read as "edit-find-symbolic". */
  pc_accessible_name_entry_icon (GTK_ENTRY (self->functions_search), GTK_ENTRY_ICON_PRIMARY,
                                 _("Search"));
  pc_accessible_name_entry_icon (GTK_ENTRY (self->history_search), GTK_ENTRY_ICON_PRIMARY,
                                 _("Search"));
}

PcSidePanel *
pc_side_panel_new (void)
{
  return g_object_new (PC_TYPE_SIDE_PANEL, NULL);
}
