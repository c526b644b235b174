/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pc-clamp.h"
#include "pc-error-text.h"
#include "pc-function-help.h"
#include "pc-graph-pane.h"
#include "pc-keypad.h"
#include "pc-result-row.h"
#include "pc-session-divider.h"
#include "pc-session-model.h"
#include "pc-session-store.h"
#include "pc-side-panel.h"
#include "pc-toast.h"
#include "pc-window.h"

/* The banner's button. */
#define BANNER_RESPONSE_RECONNECT 1

/* The log keeps this many lines; older ones are dropped. */
#define LOG_MAX_LINES 5000

struct _PcWindow
{
  GtkApplicationWindow parent_instance;

  /* Template children */
  GtkHeaderBar    *header_bar;
  GtkLabel        *title_label;
  GtkLabel        *subtitle_label;
  GtkMenuButton   *menu_button;
  GtkMenuButton   *format_button;
  GtkLabel        *format_label;
  GtkComboBoxText *expression_combo;
  GtkEntry        *expression_entry;
  GtkButton       *evaluate_button;
  GtkSpinner      *spinner;
  GtkButton       *cancel_button;
  GtkListBox      *results_list;
  GtkScrolledWindow *results_scroll;
  GtkBox          *log_box;
  GtkTextView     *log_view;
  PcGraphPane     *graph_pane;
  PcSidePanel     *side_panel;
  PcKeypad        *keypad;
  PcToast         *toast;
  GtkInfoBar      *banner;
  GtkLabel        *banner_label;

  GSettings       *settings;
  PcConnection    *connection;
  PcHistory       *history;
  GtkListStore    *completion_store;

  GCancellable    *cancellable;   /* every request in flight */
  guint            in_flight;
  int              history_index; /* -1: not walking the history */
  char            *draft;         /* what was typed before walking it */
  gboolean         setting_text;  /* the entry changes because of us */
  gboolean         completion_quiet; /* ...and completion offers nothing */
  gboolean         follow_results;
  int              saved_width;   /* the size to remember, saved on close */
  int              saved_height;
  gulong           handlers[3];
  guint            popup_idle;    /* selects the entry's item in the drop-down */
  gboolean         popup_open;
  gboolean         disposed;      /* answers that come now are dropped */
  char            *error_reply;   /* an error reply's log line, see connection_log_cb */
  guint            error_reply_idle;
  PcNumberFormat   format;        /* how results are shown (settings) */
  char            *cleared_history; /* what Undo brings back, while the toast shows */
  PcSessionModel  *session_model;
  GtkWidget       *last_divider;  /* weak: the newest session's divider */
  guint            divider_session;
  gboolean         narrow;        /* too narrow for the title and the state */
  guint            narrow_idle;
};

/* Below this width the connection state is said in short (the banner
 * says the rest), the detail in its tooltip. */
#define NARROW_WIDTH 520

G_DEFINE_FINAL_TYPE (PcWindow, pc_window, GTK_TYPE_APPLICATION_WINDOW)

typedef struct
{
  PcWindow     *window;  /* a strong reference while the request runs */
  PcResultRow  *row;
  GCancellable *cancellable;  /* this request's, cancelled with the window's */
  GCancellable *parent;       /* the window's when it was sent */
  gulong        parent_handler;
  gboolean      dropped;      /* its row was deleted: nothing to show */
} Request;

/* ---- Log -------------------------------------------------------------- */

/* A line of the server's own log without its "pipecalcd: HH:MM:SS.mmm "
 * prefix (the panel stamps every line), or %NULL if @text is not one. */
static const char *
server_line_text (const char *text)
{
  const char *rest;

  if (!g_str_has_prefix (text, "pipecalcd: "))
    return NULL;
  rest = strchr (text + strlen ("pipecalcd: "), ' ');
  return rest != NULL ? rest + 1 : text + strlen ("pipecalcd: ");
}

/* Appends @text, stamped, to the log. The lines after its first are
 * indented under it; those that are the server's own (the last lines of
 * a server that exited, in an error message) are marked as the server's,
 * as its own log lines are. */
static void
append_log (PcWindow   *self,
            const char *prefix,
            const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");
  g_auto(GStrv) parts = g_strsplit (text, "\n", -1);
  g_autoptr(GString) line = g_string_new (NULL);
  GtkTextIter end;
  int lines;

  g_string_append_printf (line, "%s %s%s\n", stamp, prefix, parts[0] != NULL ? parts[0] : "");
  for (guint i = 1; parts[0] != NULL && parts[i] != NULL; i++)
    {
      const char *server = server_line_text (parts[i]);

      if (parts[i][0] == '\0' && parts[i + 1] == NULL)
        break;
      g_string_append_printf (line, "%*s %s%s\n", (int) strlen (stamp), "",
                              /* TRANSLATORS: prefix of log lines written by the private server */
                              server != NULL ? _("[server] ") : "",
                              server != NULL ? server : parts[i]);
    }

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, line->str, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);

  lines = gtk_text_buffer_get_line_count (buffer);
  if (lines > LOG_MAX_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, lines - LOG_MAX_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
  /* A mark, not an iter: the new line's height is only known after the
   * view revalidates, and scrolling to a mark waits for that. */
  gtk_text_view_scroll_to_mark (self->log_view,
                                gtk_text_buffer_get_insert (buffer), 0.0, TRUE, 0.0, 1.0);
}

/* The connection logs an error reply in the server's English words, its
 * positions counted from 0. For an evaluation the window writes the
 * row's own message instead (in the window's language, counted from 1),
 * right after, and so does the graph pane for a curve it refused: the
 * line waits for that, and goes in as it is otherwise. */
/* Whether @text is the connection's "← error %d: %s" line, in the
 * window's language: its words up to the code, then the code. */
static gboolean
is_error_reply (const char *text)
{
  const char *format = _("← error %d: %s");
  const char *code = strstr (format, "%d");
  gsize n = code != NULL ? (gsize) (code - format) : 0;

  return n > 0 && strncmp (text, format, n) == 0
         && (g_ascii_isdigit (text[n]) || (text[n] == '-' && g_ascii_isdigit (text[n + 1])));
}

static gboolean
flush_error_reply_cb (gpointer user_data)
{
  PcWindow *self = user_data;
  g_autofree char *line = g_steal_pointer (&self->error_reply);

  self->error_reply_idle = 0;
  if (line != NULL)
    append_log (self, "", line);
  return G_SOURCE_REMOVE;
}

static void
log_eval_error (PcWindow   *self,
                const char *message)
{
  g_clear_pointer (&self->error_reply, g_free);
  g_clear_handle_id (&self->error_reply_idle, g_source_remove);
  append_log (self, "← ", message);
}

static void
connection_log_cb (PcConnection        *connection,
                   PcConnectionLogKind  kind,
                   const char          *text,
                   PcWindow            *self)
{
  if (kind == PC_CONNECTION_LOG_RECEIVED && self->error_reply == NULL && is_error_reply (text))
    {
      self->error_reply = g_strdup (text);
      self->error_reply_idle = g_idle_add_full (G_PRIORITY_LOW, flush_error_reply_cb, self, NULL);
      return;
    }
  if (self->error_reply != NULL)
    flush_error_reply_cb (self);
  switch (kind)
    {
    case PC_CONNECTION_LOG_ERROR:
      append_log (self, "! ", text);
      break;
    case PC_CONNECTION_LOG_SERVER:
      {
        const char *own = server_line_text (text);

        /* TRANSLATORS: prefix of log lines written by the private server */
        append_log (self, _("[server] "), own != NULL ? own : text);
      }
      break;
    default:
      append_log (self, "", text);
    }
}

static void
clear_log_clicked_cb (PcWindow *self)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), "", -1);
}

static void
log_saved_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PcWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                  GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                  _("The log could not be saved"));

      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
      g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
save_log_response_cb (GtkNativeDialog *chooser,
                      int              response,
                      PcWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
      GtkTextIter start, end;
      char *text;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      /* Written in the background, so a slow disk never freezes the window. */
      g_file_replace_contents_bytes_async (file, g_bytes_new_take (text, strlen (text)),
                                           NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                           log_saved_cb, g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
save_log_clicked_cb (PcWindow *self)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Save Log"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));

  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "pipecalc.log");
  g_signal_connect (chooser, "response", G_CALLBACK (save_log_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Connection state in the header bar ------------------------------- */

static void
update_subtitle (PcWindow *self)
{
  g_autofree char *subtitle = NULL;
  const char *address = pc_connection_get_address (self->connection);

  switch (pc_connection_get_state (self->connection))
    {
    case PC_CONNECTION_CONNECTED:
      if (address == NULL || pc_connection_is_private (self->connection)
          || pc_connection_is_local_only (self->connection))
        /* TRANSLATORS: %s is a transport's scheme: unix, tcp */
        subtitle = g_strdup_printf (_("Local server · %s"),
                                    pc_connection_get_transport (self->connection));
      else
        subtitle = g_strdup (address);
      break;
    case PC_CONNECTION_CONNECTING:
      subtitle = g_strdup (_("Connecting…"));
      break;
    case PC_CONNECTION_WAITING:
      subtitle = g_strdup_printf (ngettext ("Disconnected — retrying in %u s",
                                            "Disconnected — retrying in %u s",
                                            pc_connection_get_retry_in (self->connection)),
                                  pc_connection_get_retry_in (self->connection));
      if (self->narrow)
        {
          /* The banner says what waits; the countdown is in the tooltip. */
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), subtitle);
          gtk_label_set_text (self->subtitle_label, _("Disconnected"));
          return;
        }
      break;
    case PC_CONNECTION_DISCONNECTED:
    default:
      subtitle = g_strdup (_("Disconnected"));
    }
  gtk_label_set_text (self->subtitle_label, subtitle);
  /* An address cut short is read whole in the tooltip. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), subtitle);
}

/* ---- Issue 16, item 4: the banner, rows that wait ------------------- */

static void
update_banner (PcWindow *self)
{
  PcConnectionState state = pc_connection_get_state (self->connection);
  guint n = pc_connection_get_n_waiting (self->connection);
  gboolean show = state == PC_CONNECTION_WAITING
                  || (state == PC_CONNECTION_CONNECTING
                      && gtk_widget_get_visible (GTK_WIDGET (self->banner)));
  g_autofree char *text = NULL;

  if (show)
    {
      if (n == 0)
        text = g_strdup (_("Disconnected"));
      else
        text = g_strdup_printf (ngettext ("Disconnected — %u expression waiting",
                                          "Disconnected — %u expressions waiting", n), n);
      gtk_label_set_text (self->banner_label, text);
      atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self->banner)), text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->banner), show);
}

static void
update_waiting_rows (PcWindow *self)
{
  gboolean waiting = pc_connection_get_state (self->connection) != PC_CONNECTION_CONNECTED;
  GList *rows = gtk_container_get_children (GTK_CONTAINER (self->results_list));

  for (GList *l = rows; l != NULL; l = l->next)
    if (PC_IS_RESULT_ROW (l->data) && pc_result_row_is_pending (l->data))
      pc_result_row_set_waiting (l->data, waiting);
  g_list_free (rows);
}

static void
banner_response_cb (PcWindow *self,
                    int       response)
{
  if (response == BANNER_RESPONSE_RECONNECT)
    pc_connection_reconnect_now (self->connection);
}

static void
connection_notify_cb (PcConnection *connection,
                      GParamSpec   *pspec,
                      PcWindow     *self)
{
  update_subtitle (self);
  update_banner (self);
  if (g_str_equal (pspec->name, "state"))
    update_waiting_rows (self);
}

/* ---- Sessions: the divider, the model's log ---------------------------- */

/* Where the new session's results begin: before the first row still
 * waiting (it runs in the new session), else at the end. */
static int
first_pending_index (PcWindow *self)
{
  GList *rows = gtk_container_get_children (GTK_CONTAINER (self->results_list));
  int index = -1;

  for (GList *l = rows; l != NULL && index < 0; l = l->next)
    if (PC_IS_RESULT_ROW (l->data) && pc_result_row_is_pending (l->data))
      index = gtk_list_box_row_get_index (l->data);
  g_list_free (rows);
  return index;
}

static void
add_divider (PcWindow *self,
             guint     session)
{
  GtkWidget *divider = pc_session_divider_new ();

  if (self->last_divider != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->last_divider), (gpointer *) &self->last_divider);
  gtk_list_box_insert (self->results_list, divider, first_pending_index (self));
  self->last_divider = divider;
  g_object_add_weak_pointer (G_OBJECT (divider), (gpointer *) &self->last_divider);
  self->divider_session = session;
}

static void
session_started_cb (PcSessionModel *model,
                    guint           session,
                    PcWindow       *self)
{
  /* The first session of the window is no news, unless it got the last
   * run's definitions (said when the replay is over). */
  if (session > 1)
    add_divider (self, session);
}

static void
session_restored_cb (PcSessionModel *model,
                     guint           n_variables,
                     guint           n_functions,
                     PcWindow       *self)
{
  guint session = pc_connection_get_session (self->connection);

  if (n_variables + n_functions == 0)
    return;
  if (self->last_divider == NULL || self->divider_session != session)
    add_divider (self, session);
  pc_session_divider_set_restored (PC_SESSION_DIVIDER (self->last_divider), TRUE);
}

static void
session_log_cb (PcSessionModel *model,
                gboolean        is_error,
                const char     *text,
                PcWindow       *self)
{
  append_log (self, is_error ? "! " : "", text);
}

static void
restore_session_changed_cb (GSettings  *settings,
                            const char *key,
                            PcWindow   *self)
{
  pc_session_model_set_restore (self->session_model, g_settings_get_boolean (settings, key));
}

PcSessionModel *
pc_window_get_session_model (PcWindow *self)
{
  return self->session_model;
}

/* ---- History and completion ------------------------------------------- */

/* The completion's columns: the name shown and matched, its description,
 * what choosing it types, and how far back the cursor goes then. */
enum { COMPLETION_NAME, COMPLETION_DESCRIPTION, COMPLETION_INSERT, COMPLETION_BACK };

/* Names only (functions, constants, the session's functions, names typed
 * into the history such as a variable): completion finishes the word at
 * the cursor; whole expressions are the history's (Up, the side panel). */
static void
refill_completion (PcWindow *self)
{
  /* No catalogue before the session model has read one. */
  const PcCatalog *catalog = self->session_model != NULL
                             ? pc_session_model_get_catalog (self->session_model) : NULL;
  g_autoptr(GPtrArray) completions =
    pc_function_help_completions (catalog, pc_history_get_items (self->history));

  gtk_list_store_clear (self->completion_store);
  for (guint i = 0; i < completions->len; i++)
    {
      const PcCompletion *one = g_ptr_array_index (completions, i);

      gtk_list_store_insert_with_values (self->completion_store, NULL, -1,
                                         COMPLETION_NAME, one->name,
                                         COMPLETION_DESCRIPTION, one->description,
                                         COMPLETION_INSERT, one->insert,
                                         COMPLETION_BACK, one->back, -1);
    }
}

/* The name being typed: from the start of the word before the cursor to
 * the cursor; %NULL when the cursor follows no name character. */
static char *
word_at_cursor (PcWindow *self,
                int      *start)
{
  const char *text = gtk_entry_get_text (self->expression_entry);
  int cursor = gtk_editable_get_position (GTK_EDITABLE (self->expression_entry));
  const char *end = g_utf8_offset_to_pointer (text, cursor);
  const char *begin = end;

  while (begin > text && (g_ascii_isalnum (begin[-1]) || begin[-1] == '_'))
    begin--;
  if (begin == end)
    return NULL;
  if (start != NULL)
    *start = (int) g_utf8_pointer_to_offset (text, begin);
  return g_strndup (begin, end - begin);
}

static gboolean
completion_match_cb (GtkEntryCompletion *completion,
                     const char         *key,
                     GtkTreeIter        *iter,
                     gpointer            user_data)
{
  PcWindow *self = user_data;
  g_autofree char *word = NULL;
  g_autofree char *name = NULL;

  /* Text the window put there (a history walk) asks for nothing. */
  if (self->completion_quiet || (word = word_at_cursor (self, NULL)) == NULL)
    return FALSE;
  gtk_tree_model_get (GTK_TREE_MODEL (self->completion_store), iter, COMPLETION_NAME, &name, -1);
  return name != NULL && g_str_has_prefix (name, word);
}

static void insert_at_cursor (PcWindow   *self,
                              const char *text,
                              int         back);

static gboolean
completion_selected_cb (GtkEntryCompletion *completion,
                        GtkTreeModel       *model,
                        GtkTreeIter        *iter,
                        PcWindow           *self)
{
  g_autofree char *insert = NULL;
  g_autofree char *word = NULL;
  int back = 0, start = 0;

  gtk_tree_model_get (model, iter, COMPLETION_INSERT, &insert, COMPLETION_BACK, &back, -1);
  if ((word = word_at_cursor (self, &start)) != NULL)
    gtk_editable_delete_text (GTK_EDITABLE (self->expression_entry), start,
                              start + g_utf8_strlen (word, -1));
  insert_at_cursor (self, insert, back);
  return TRUE;
}

static void
history_changed_cb (PcHistory *history,
                    PcWindow  *self)
{
  const char * const *items = pc_history_get_items (history);

  /* Oldest first, newest at the bottom, as in the results list: Up in
   * the open list goes to older expressions, as Up in the entry does.
   * The entry text stays. */
  self->setting_text = TRUE;
  gtk_combo_box_text_remove_all (self->expression_combo);
  for (guint i = 0; items[i] != NULL; i++)
    gtk_combo_box_text_prepend_text (self->expression_combo, items[i]);
  self->setting_text = FALSE;
  refill_completion (self);
}

/* The session model read a new catalogue: in a new session, or after a
 * definition (the session's own functions are in it). */
static void
catalog_changed_cb (PcWindow *self)
{
  pc_side_panel_set_catalog (self->side_panel, pc_session_model_get_catalog (self->session_model));
  refill_completion (self);
}

static void
set_entry_text (PcWindow   *self,
                const char *text)
{
  self->setting_text = TRUE;
  self->completion_quiet = TRUE;
  gtk_entry_set_text (self->expression_entry, text);
  gtk_editable_set_position (GTK_EDITABLE (self->expression_entry), -1);
  self->setting_text = FALSE;
}

/* The keyboard back to the entry, the cursor at the end (focusing an
 * entry selects its text). */
static void
focus_entry_at_end (PcWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->expression_entry));
  gtk_editable_set_position (GTK_EDITABLE (self->expression_entry), -1);
}

/* A row's expression back in the entry, to edit and send again. */
static void
edit_row (PcWindow    *self,
          PcResultRow *row)
{
  set_entry_text (self, pc_result_row_get_expression (row));
  focus_entry_at_end (self);
}

/* Types @text at the entry's cursor as the keyboard would: over the
 * selection if there is one; then the cursor goes @back characters back
 * (inside the parentheses of "sin()"). The entry gets the focus back
 * without selecting everything. */
static void
insert_at_cursor (PcWindow   *self,
                  const char *text,
                  int         back)
{
  GtkEditable *editable = GTK_EDITABLE (self->expression_entry);
  int start, end, position;

  if (text == NULL)
    return;
  if (!gtk_widget_has_focus (GTK_WIDGET (self->expression_entry)))
    gtk_entry_grab_focus_without_selecting (self->expression_entry);
  if (gtk_editable_get_selection_bounds (editable, &start, &end))
    gtk_editable_delete_text (editable, start, end);
  position = gtk_editable_get_position (editable);
  gtk_editable_insert_text (editable, text, -1, &position);
  gtk_editable_set_position (editable, MAX (position - back, 0));
}

static void
clear_error_mark (PcWindow *self)
{
  gtk_entry_set_attributes (self->expression_entry, NULL);
  gtk_style_context_remove_class (gtk_widget_get_style_context (GTK_WIDGET (self->expression_entry)),
                                  "error");
}

static void
mark_error_in_entry (PcWindow *self,
                     int       pos)
{
  const char *text = gtk_entry_get_text (self->expression_entry);
  glong length = g_utf8_strlen (text, -1);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
  PangoAttribute *weight = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

  if (pos < 0 || pos >= length)
    pos = MAX (length - 1, 0);
  /* Underline and weight, no colour: the text stays readable when the
   * selection colours it. */
  underline->start_index = weight->start_index =
    g_utf8_offset_to_pointer (text, pos) - text;
  underline->end_index = weight->end_index =
    g_utf8_next_char (g_utf8_offset_to_pointer (text, pos)) - text;
  pango_attr_list_insert (attrs, underline);
  pango_attr_list_insert (attrs, weight);
  gtk_entry_set_attributes (self->expression_entry, attrs);
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->expression_entry)),
                               "error");
  /* Selected, so typing a new expression replaces it, while the arrow
   * keys start editing the old one. */
  gtk_editable_select_region (GTK_EDITABLE (self->expression_entry), 0, -1);
}

static void
entry_changed_cb (PcWindow *self)
{
  clear_error_mark (self);
  if (!self->setting_text)
    {
      self->completion_quiet = FALSE;
      /* Typing ends a walk through the history. */
      self->history_index = -1;
      g_clear_pointer (&self->draft, g_free);
    }
}

static void
walk_history (PcWindow *self,
              int       step)
{
  guint length = pc_history_get_length (self->history);
  const char * const *items = pc_history_get_items (self->history);
  int index = self->history_index + step;

  if (length == 0 || index < -1 || index >= (int) length)
    {
      gtk_widget_error_bell (GTK_WIDGET (self->expression_entry));
      return;
    }
  if (self->history_index == -1)
    {
      g_free (self->draft);
      self->draft = g_strdup (gtk_entry_get_text (self->expression_entry));
    }
  self->history_index = index;
  set_entry_text (self, index == -1 ? (self->draft ? self->draft : "") : items[index]);
}

/* The history drop-down opens on the expression the entry walked to, or
 * on the newest one, so that Up goes to older ones from there. */
static gboolean
select_in_popup_cb (gpointer user_data)
{
  PcWindow *self = user_data;
  AtkObject *accessible = gtk_combo_box_get_popup_accessible (GTK_COMBO_BOX (self->expression_combo));
  GtkWidget *menu = accessible != NULL ? gtk_accessible_get_widget (GTK_ACCESSIBLE (accessible)) : NULL;
  guint length = pc_history_get_length (self->history);
  int index = self->history_index >= 0 ? self->history_index : 0;
  GList *items;
  GtkWidget *item;

  self->popup_idle = 0;
  if (!GTK_IS_MENU_SHELL (menu) || length == 0)
    return G_SOURCE_REMOVE;
  items = gtk_container_get_children (GTK_CONTAINER (menu));
  item = g_list_nth_data (items, length - 1 - MIN ((guint) index, length - 1));
  if (item != NULL)
    gtk_menu_shell_select_item (GTK_MENU_SHELL (menu), item);
  g_list_free (items);
  return G_SOURCE_REMOVE;
}

/* An expression picked from the drop-down: the keyboard goes back to
 * the entry, cursor at the end, so Enter evaluates it; Up and Down in
 * the entry go on from it. */
static void
combo_changed_cb (PcWindow *self)
{
  int active = gtk_combo_box_get_active (GTK_COMBO_BOX (self->expression_combo));
  guint length = pc_history_get_length (self->history);

  if (self->setting_text || active < 0 || (guint) active >= length)
    return;
  self->history_index = (int) length - 1 - active;
  g_clear_pointer (&self->draft, g_free);
  if (!self->popup_open)
    focus_entry_at_end (self);
}

static void
combo_popup_shown_cb (PcWindow *self)
{
  gboolean shown = FALSE;

  g_object_get (self->expression_combo, "popup-shown", &shown, NULL);
  self->popup_open = shown;
  if (shown)
    {
      if (self->popup_idle == 0)
        self->popup_idle = g_idle_add (select_in_popup_cb, self);
      return;
    }
  /* Closed, picked or not (Escape): back to the entry, not the arrow. */
  focus_entry_at_end (self);
}

/* ---- Evaluating ------------------------------------------------------- */

static void
update_busy (PcWindow *self)
{
  gboolean busy = self->in_flight > 0;

  /* Still visible, so their room stays; only not drawn nor shown to
   * screen readers when idle. */
  gtk_widget_set_child_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_child_visible (GTK_WIDGET (self->cancel_button), busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
}

/* The results list follows its newest row while the person has not
 * scrolled up. The new row's height is only known once it is allocated,
 * which changes the adjustment's upper bound: follow that change. */
static void
results_adjustment_changed_cb (GtkAdjustment *adjustment,
                               PcWindow      *self)
{
  if (self->follow_results)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                          - gtk_adjustment_get_page_size (adjustment));
}

static void
results_value_changed_cb (GtkAdjustment *adjustment,
                          PcWindow      *self)
{
  self->follow_results = gtk_adjustment_get_value (adjustment)
                         >= gtk_adjustment_get_upper (adjustment)
                            - gtk_adjustment_get_page_size (adjustment) - 1.0;
}

static void
scroll_to_row (PcWindow      *self,
               GtkListBoxRow *row)
{
  self->follow_results = TRUE;
  results_adjustment_changed_cb (gtk_scrolled_window_get_vadjustment (self->results_scroll),
                                 self);
}

/* The history keeps the result as the row shows it. */
static void
remember_result (PcWindow    *self,
                 PcResultRow *row)
{
  g_autoptr(GError) error = NULL;

  if (!pc_history_set_result (self->history, pc_result_row_get_expression (row),
                              pc_result_row_get_value (row), &error))
    append_log (self, "! ", error->message);
}

static void
request_free (Request *request)
{
  g_object_unref (request->row);
  g_object_unref (request->window);
  g_object_unref (request->cancellable);
  g_object_unref (request->parent);
  g_free (request);
}

static void
cancel_request_cb (GCancellable *parent,
                   GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
row_edit_cb (PcResultRow *row,
             PcWindow    *self)
{
  edit_row (self, row);
}

/* Deletes a row; one still waiting for the server is cancelled (a
 * queued one is then never sent). The keyboard moves to the next row,
 * or to the entry when none is left. */
static void
row_delete_cb (PcResultRow *row,
               PcWindow    *self)
{
  Request *request = g_object_get_data (G_OBJECT (row), "pc-request");
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  GtkListBoxRow *next;

  if (request != NULL && !request->dropped)
    {
      request->dropped = TRUE;
      g_cancellable_cancel (request->cancellable);
      self->in_flight--;
      update_busy (self);
    }
  gtk_widget_destroy (GTK_WIDGET (row));
  next = gtk_list_box_get_row_at_index (self->results_list, index);
  if (next == NULL && index > 0)
    next = gtk_list_box_get_row_at_index (self->results_list, index - 1);
  if (next != NULL)
    {
      gtk_list_box_select_row (self->results_list, next);
      gtk_widget_grab_focus (GTK_WIDGET (next));
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->expression_entry));
}

static void
eval_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *request = user_data;
  PcWindow *self = request->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcEvalOutcome) outcome = pc_connection_eval_finish (PC_CONNECTION (source),
                                                                 result, &error);

  g_object_set_data (G_OBJECT (request->row), "pc-request", NULL);
  g_cancellable_disconnect (request->parent, request->parent_handler);
  /* A deleted row, or a window closed meanwhile: nothing to show. */
  if (request->dropped || self->disposed)
    {
      request_free (request);
      return;
    }
  self->in_flight--;
  update_busy (self);
  pc_result_row_set_waiting (request->row, FALSE);

  if (outcome == NULL)
    {
      g_autofree char *message =
        pc_error_text_for_error (error);

      pc_result_row_set_error (request->row, message, -1);
    }
  else if (outcome->error_code == 0 && outcome->n_values > 0)
    {
      pc_result_row_set_values (request->row, outcome->values, outcome->n_values,
                                outcome->exact, &self->format);
      remember_result (self, request->row);
      /* a = 3 changes what a*sin(x) looks like. */
      if (pc_graph_expression_assigns (outcome->expression))
        pc_graph_pane_refresh (self->graph_pane);
    }
  else if (outcome->error_code == 0)
    {
      pc_result_row_set_value (request->row, outcome->text);
      remember_result (self, request->row);
    }
  else
    {
      g_autofree char *message = pc_error_text_for_outcome (outcome);
      const char *now = gtk_entry_get_text (self->expression_entry);

      log_eval_error (self, message);
      pc_result_row_set_error (request->row, message, outcome->error_pos);
      /* Give the expression back to fix, unless something new is typed. */
      if (now[0] == '\0' || g_str_equal (now, outcome->expression))
        {
          set_entry_text (self, outcome->expression);
          mark_error_in_entry (self, outcome->error_pos);
        }
    }
  request_free (request);
}

static void
evaluate (PcWindow *self)
{
  g_autofree char *expression = g_strstrip (g_strdup (gtk_entry_get_text (self->expression_entry)));
  g_autoptr(GError) error = NULL;
  Request *request;

  if (expression[0] == '\0')
    return;
  if (!pc_history_add (self->history, expression, &error))
    append_log (self, "! ", error->message);

  request = g_new0 (Request, 1);
  request->window = g_object_ref (self);
  request->row = g_object_ref_sink (pc_result_row_new (expression));
  request->cancellable = g_cancellable_new ();
  request->parent = g_object_ref (self->cancellable);
  request->parent_handler = g_cancellable_connect (request->parent, G_CALLBACK (cancel_request_cb),
                                                   request->cancellable, NULL);
  g_object_set_data (G_OBJECT (request->row), "pc-request", request);
  g_signal_connect_object (request->row, "edit", G_CALLBACK (row_edit_cb), self, 0);
  g_signal_connect_object (request->row, "delete", G_CALLBACK (row_delete_cb), self, 0);
  gtk_list_box_insert (self->results_list, GTK_WIDGET (request->row), -1);
  scroll_to_row (self, GTK_LIST_BOX_ROW (request->row));

  set_entry_text (self, "");
  self->history_index = -1;
  self->in_flight++;
  update_busy (self);
  if (pc_connection_get_state (self->connection) != PC_CONNECTION_CONNECTED)
    pc_result_row_set_waiting (request->row, TRUE);
  pc_connection_eval_async (self->connection, expression, request->cancellable, eval_cb, request);
}

static void
entry_activate_cb (PcWindow *self)
{
  evaluate (self);
}

static void
evaluate_clicked_cb (PcWindow *self)
{
  evaluate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->expression_entry));
}

static void
cancel_clicked_cb (PcWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static gboolean
entry_key_press_cb (PcWindow    *self,
                    GdkEventKey *event)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();

  if (mods != 0)
    return GDK_EVENT_PROPAGATE;
  switch (event->keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      walk_history (self, +1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      walk_history (self, -1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Escape:
      set_entry_text (self, "");
      self->history_index = -1;
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
row_activated_cb (PcWindow      *self,
                  GtkListBoxRow *row)
{
  edit_row (self, PC_RESULT_ROW (row));
}

static gboolean
results_key_press_cb (PcWindow    *self,
                      GdkEventKey *event)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  GtkListBoxRow *row;
  const char *value;

  if (mods != GDK_CONTROL_MASK || (event->keyval != GDK_KEY_c && event->keyval != GDK_KEY_C))
    return GDK_EVENT_PROPAGATE;
  row = gtk_list_box_get_selected_row (self->results_list);
  if (row == NULL || (value = pc_result_row_get_value (PC_RESULT_ROW (row))) == NULL)
    return GDK_EVENT_PROPAGATE;
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD),
                          value, -1);
  return GDK_EVENT_STOP;
}

/* ---- Number format ---------------------------------------------------- */

/* The quick switch's label: the style in a word. */
static const char *
style_label (PcNumberStyle style)
{
  switch (style)
    {
    case PC_NUMBER_FIXED:
      /* TRANSLATORS: the number format button, short: fixed decimals */
      return C_("number format", "Fixed");
    case PC_NUMBER_SCIENTIFIC:
      /* TRANSLATORS: the number format button, short: scientific */
      return C_("number format", "Sci");
    case PC_NUMBER_ENGINEERING:
      /* TRANSLATORS: the number format button, short: engineering */
      return C_("number format", "Eng");
    case PC_NUMBER_FRACTION:
      return C_("number format", "Fraction");
    case PC_NUMBER_HEX:
      return C_("number format", "Hex");
    case PC_NUMBER_OCTAL:
      return C_("number format", "Oct");
    case PC_NUMBER_BINARY:
      return C_("number format", "Bin");
    case PC_NUMBER_AUTO:
    default:
      return C_("number format", "Auto");
    }
}

/* Reads the number format from the settings and shows every result in
 * it again. */
static void
apply_number_format (PcWindow *self)
{
  GList *rows;

  pc_number_format_init (&self->format);
  self->format.style = (PcNumberStyle) g_settings_get_enum (self->settings, "number-style");
  self->format.digits = g_settings_get_int (self->settings, "significant-digits");
  self->format.decimals = g_settings_get_int (self->settings, "decimals");
  if (g_settings_get_boolean (self->settings, "digit-grouping"))
    pc_number_format_use_locale (&self->format);
  gtk_label_set_text (self->format_label, style_label (self->format.style));
  pc_graph_pane_set_number_format (self->graph_pane, &self->format);
  /* The button's label is not read out: its description says the style. */
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self->format_button)),
                              style_label (self->format.style));

  rows = gtk_container_get_children (GTK_CONTAINER (self->results_list));
  for (GList *l = rows; l != NULL; l = l->next)
    if (PC_IS_RESULT_ROW (l->data))
      pc_result_row_set_format (l->data, &self->format);
  g_list_free (rows);
}

static void
number_format_changed_cb (GSettings  *settings,
                          const char *key,
                          PcWindow   *self)
{
  apply_number_format (self);
}

/* ---- Actions ---------------------------------------------------------- */

/* Clear History asks nothing: it clears at once, file included, and the
 * toast offers Undo for a few seconds, which writes it all back. Cleared
 * at once rather than when the toast goes: a window closed or killed
 * during the toast then leaves what the person asked for, an empty
 * history, and never an old one they thought was gone. */
#define CLEAR_HISTORY_UNDO_SECONDS 5

static void
clear_history_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PcWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = pc_history_serialize (self->history);

  if (pc_history_get_length (self->history) == 0)
    return;
  if (!pc_history_clear (self->history, &error))
    append_log (self, "! ", error->message);
  self->history_index = -1;
  /* A second clear during the toast: its Undo brings back both. */
  if (self->cleared_history != NULL)
    {
      char *both = g_strconcat (saved, self->cleared_history, NULL);

      g_free (self->cleared_history);
      self->cleared_history = both;
    }
  else
    self->cleared_history = g_steal_pointer (&saved);
  pc_toast_show (self->toast, _("History cleared"), CLEAR_HISTORY_UNDO_SECONDS);
}

static void
toast_undo_cb (PcWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_steal_pointer (&self->cleared_history);

  if (saved != NULL && !pc_history_restore (self->history, saved, &error))
    append_log (self, "! ", error->message);
  gtk_entry_grab_focus_without_selecting (self->expression_entry);
}

static void
toast_dismissed_cb (PcWindow *self)
{
  g_clear_pointer (&self->cleared_history, g_free);
}

/* ---- Side panel and keypad -------------------------------------------- */

/* A toggle's new state: the action, the widget and the setting. */
static void
show_part (PcWindow      *self,
           GSimpleAction *action,
           GVariant      *state,
           GtkWidget     *part,
           const char    *key)
{
  gboolean show = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  gtk_widget_set_visible (part, show);
  if (show != g_settings_get_boolean (self->settings, key))
    g_settings_set_boolean (self->settings, key, show);
}

static void
show_panel_changed (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       user_data)
{
  PcWindow *self = user_data;

  show_part (self, action, state, GTK_WIDGET (self->side_panel), "show-panel");
}

static void
show_keypad_changed (GSimpleAction *action,
                     GVariant      *state,
                     gpointer       user_data)
{
  PcWindow *self = user_data;

  show_part (self, action, state, GTK_WIDGET (self->keypad), "show-keypad");
}

static void
panel_insert_cb (PcSidePanel *panel,
                 const char  *text,
                 int          back,
                 PcWindow    *self)
{
  insert_at_cursor (self, text, back);
}

static void
panel_reuse_cb (PcSidePanel *panel,
                const char  *expression,
                PcWindow    *self)
{
  set_entry_text (self, expression);
  self->history_index = -1;
  gtk_entry_grab_focus_without_selecting (self->expression_entry);
}

static void
unset_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PcWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pc_session_model_unset_finish (PC_SESSION_MODEL (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    append_log (self, "! ", error->message);
}

/* The Variables page's delete button: the server forgets @name; the
 * model then reads the session again and the row goes. */
static void
panel_delete_cb (PcSidePanel *panel,
                 const char  *name,
                 PcWindow    *self)
{
  pc_session_model_unset_async (self->session_model, name, self->cancellable, unset_cb,
                                g_object_ref (self));
  gtk_entry_grab_focus_without_selecting (self->expression_entry);
}

static void
keypad_backspace_cb (PcWindow *self)
{
  GtkEditable *editable = GTK_EDITABLE (self->expression_entry);
  int start, end;

  if (gtk_editable_get_selection_bounds (editable, &start, &end))
    gtk_editable_delete_text (editable, start, end);
  else if ((start = gtk_editable_get_position (editable)) > 0)
    gtk_editable_delete_text (editable, start - 1, start);
}

static void
keypad_clear_cb (PcWindow *self)
{
  set_entry_text (self, "");
  self->history_index = -1;
}

static void
keypad_evaluate_cb (PcWindow *self)
{
  evaluate (self);
}

static void
show_log_changed (GSimpleAction *action,
                  GVariant      *state,
                  gpointer       user_data)
{
  PcWindow *self = user_data;

  g_simple_action_set_state (action, state);
  gtk_widget_set_visible (GTK_WIDGET (self->log_box), g_variant_get_boolean (state));
  g_settings_set_boolean (self->settings, "show-log", g_variant_get_boolean (state));
}

/* Plots the entry's expression, if any, and empties the entry as Enter
 * does; the expression goes to the history as an evaluated one. */
static gboolean
plot_entry (PcWindow *self)
{
  g_autofree char *expression = g_strstrip (g_strdup (gtk_entry_get_text (self->expression_entry)));

  if (expression[0] == '\0')
    return FALSE;
  pc_graph_pane_add (self->graph_pane, expression);
  pc_history_add (self->history, expression, NULL);
  set_entry_text (self, "");
  self->history_index = -1;
  return TRUE;
}

/* Shows or hides the graph; shown, it plots the entry's expression, so
 * typing sin(x) and pressing Ctrl+G draws it. */
static void
show_graph_changed (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       user_data)
{
  PcWindow *self = user_data;

  show_part (self, action, state, GTK_WIDGET (self->graph_pane), "show-graph");
  if (g_variant_get_boolean (state) && gtk_widget_get_realized (GTK_WIDGET (self)))
    plot_entry (self);
}

/* Ctrl+Enter or the pane's Add: plots the entry's expression, showing the
 * pane if it is hidden. Enter keeps evaluating, graph or not: what Enter
 * does never depends on which panes are open. */
static void
graph_add_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PcWindow *self = user_data;

  if (gtk_entry_get_text (self->expression_entry)[0] == '\0')
    {
      gtk_widget_error_bell (GTK_WIDGET (self->expression_entry));
      return;
    }
  if (!gtk_widget_get_visible (GTK_WIDGET (self->graph_pane)))
    g_action_group_change_action_state (G_ACTION_GROUP (self), "show-graph",
                                        g_variant_new_boolean (TRUE));
  plot_entry (self);
}

static void
show_menu_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PcWindow *self = user_data;

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->menu_button), TRUE);
}

static const GActionEntry win_actions[] = {
  { .name = "show-menu", .activate = show_menu_activated },
  { .name = "clear-history", .activate = clear_history_activated },
  { .name = "show-log", .state = "false", .change_state = show_log_changed },
  { .name = "show-graph", .state = "false", .change_state = show_graph_changed },
  { .name = "graph-add", .activate = graph_add_activated },
  { .name = "show-panel", .state = "false", .change_state = show_panel_changed },
  { .name = "show-keypad", .state = "false", .change_state = show_keypad_changed },
};

/* ---- Life cycle ------------------------------------------------------- */

static void
pc_window_dispose (GObject *object)
{
  PcWindow *self = PC_WINDOW (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->narrow_idle, g_source_remove);
  g_clear_handle_id (&self->popup_idle, g_source_remove);
  g_clear_handle_id (&self->error_reply_idle, g_source_remove);
  g_clear_pointer (&self->error_reply, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    {
      gpointer instance = i < 2 ? (gpointer) self->connection : (gpointer) self->history;

      if (self->handlers[i] != 0 && instance != NULL)
        g_clear_signal_handler (&self->handlers[i], instance);
    }
  if (self->last_divider != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->last_divider), (gpointer *) &self->last_divider);
  self->last_divider = NULL;
  if (self->session_model != NULL)
    {
      /* A reading in flight may keep the model past the window. */
      pc_session_model_save_now (self->session_model);
      g_signal_handlers_disconnect_by_data (self->session_model, self);
    }
  g_clear_object (&self->session_model);
  g_clear_object (&self->connection);
  g_clear_object (&self->history);
  g_clear_object (&self->settings);
  g_clear_object (&self->completion_store);
  g_clear_pointer (&self->cleared_history, g_free);
  g_clear_pointer (&self->draft, g_free);
  G_OBJECT_CLASS (pc_window_parent_class)->dispose (object);
}

static gboolean
narrow_changed_cb (gpointer user_data)
{
  PcWindow *self = user_data;

  self->narrow_idle = 0;
  update_subtitle (self);
  return G_SOURCE_REMOVE;
}

static void
pc_window_size_allocate (GtkWidget     *widget,
                         GtkAllocation *allocation)
{
  PcWindow *self = PC_WINDOW (widget);
  gboolean narrow = allocation->width < NARROW_WIDTH;

  /* Not during the allocation: changing the title asks for a new one. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->narrow_idle == 0)
        self->narrow_idle = g_idle_add (narrow_changed_cb, self);
    }

  GTK_WIDGET_CLASS (pc_window_parent_class)->size_allocate (widget, allocation);
  /* Only remembered here: writing settings on every relayout would mean a
   * disk or D-Bus write per frame. Saved once, on close. */
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    gtk_window_get_size (GTK_WINDOW (self), &self->saved_width, &self->saved_height);
}

static void
pc_window_unrealize (GtkWidget *widget)
{
  PcWindow *self = PC_WINDOW (widget);

  if (self->settings != NULL && self->saved_width > 0 && self->saved_height > 0)
    {
      g_settings_set_int (self->settings, "window-width", self->saved_width);
      g_settings_set_int (self->settings, "window-height", self->saved_height);
    }
  GTK_WIDGET_CLASS (pc_window_parent_class)->unrealize (widget);
}

static void
pc_window_class_init (PcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pc_window_dispose;
  widget_class->size_allocate = pc_window_size_allocate;
  widget_class->unrealize = pc_window_unrealize;

  g_type_ensure (PC_TYPE_GRAPH_PANE);
  g_type_ensure (PC_TYPE_SIDE_PANEL);
  g_type_ensure (PC_TYPE_KEYPAD);
  g_type_ensure (PC_TYPE_TOAST);
  g_type_ensure (PC_TYPE_CLAMP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PcWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, format_button);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, format_label);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, expression_combo);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, expression_entry);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, evaluate_button);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, results_list);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, results_scroll);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, log_box);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, graph_pane);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, keypad);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, toast);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, PcWindow, banner_label);
  gtk_widget_class_bind_template_callback (widget_class, banner_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, combo_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, combo_popup_shown_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_key_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, evaluate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, results_key_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_log_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_log_clicked_cb);
}

static void
pc_window_init (PcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->history_index = -1;
  self->cancellable = g_cancellable_new ();
}

static void
load_css (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/pipecalc/PipeCalc/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
                                             GTK_STYLE_PROVIDER (provider),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

PcWindow *
pc_window_new (GtkApplication *app,
               GSettings      *settings,
               PcConnection   *connection,
               PcHistory      *history)
{
  PcWindow *self = g_object_new (PC_TYPE_WINDOW, "application", app, NULL);
  const char *log_accels[] = { "<Control>l", NULL };
  const char *menu_accels[] = { "F10", NULL };
  const char *graph_accels[] = { "<Control>g", NULL };
  const char *graph_add_accels[] = { "<Control>Return", "<Control>KP_Enter", NULL };
  GtkEntryCompletion *completion;
  gboolean show_log;

  load_css ();
  self->settings = g_object_ref (settings);
  self->connection = g_object_ref (connection);
  self->history = g_object_ref (history);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  gtk_application_set_accels_for_action (app, "win.show-log", log_accels);
  gtk_application_set_accels_for_action (app, "win.show-menu", menu_accels);
  show_log = g_settings_get_boolean (self->settings, "show-log");
  g_action_group_change_action_state (G_ACTION_GROUP (self), "show-log",
                                      g_variant_new_boolean (show_log));
  gtk_widget_set_visible (GTK_WIDGET (self->log_box), show_log);
  pc_graph_pane_set_connection (self->graph_pane, self->connection);
  /* The log words a refused curve as the legend does, not in the
   * server's English. */
  g_signal_connect_swapped (self->graph_pane, "refused", G_CALLBACK (log_eval_error), self);
  gtk_application_set_accels_for_action (app, "win.show-graph", graph_accels);
  gtk_application_set_accels_for_action (app, "win.graph-add", graph_add_accels);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "show-graph",
                                      g_variant_new_boolean (g_settings_get_boolean (self->settings,
                                                                                     "show-graph")));

  /* The quick switch's items are the settings themselves. */
  {
    const char *keys[] = { "number-style", "digit-grouping" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_autoptr(GAction) action = g_settings_create_action (self->settings, keys[i]);

        g_action_map_add_action (G_ACTION_MAP (self), action);
      }
  }
  {
    const char *keys[] = { "number-style", "significant-digits", "decimals", "digit-grouping" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_autofree char *signal = g_strdup_printf ("changed::%s", keys[i]);

        g_signal_connect_object (self->settings, signal,
                                 G_CALLBACK (number_format_changed_cb), self, 0);
      }
  }
  apply_number_format (self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  self->completion_store = gtk_list_store_new (4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                               G_TYPE_INT);
  completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->completion_store));
  gtk_entry_completion_set_text_column (completion, COMPLETION_NAME);
  gtk_entry_completion_set_match_func (completion, completion_match_cb, self, NULL);
  gtk_entry_completion_set_inline_completion (completion, FALSE);
  gtk_entry_completion_set_popup_single_match (completion, TRUE);
  {
    GtkCellRenderer *renderer = gtk_cell_renderer_text_new ();

    /* The description, dim, beside the name. */
    g_object_set (renderer, "foreground-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 1.0 },
                  "ellipsize", PANGO_ELLIPSIZE_END, "width-chars", 30, NULL);
    gtk_cell_layout_pack_start (GTK_CELL_LAYOUT (completion), renderer, TRUE);
    gtk_cell_layout_add_attribute (GTK_CELL_LAYOUT (completion), renderer, "text",
                                   COMPLETION_DESCRIPTION);
  }
  g_signal_connect (completion, "match-selected", G_CALLBACK (completion_selected_cb), self);
  gtk_entry_set_completion (self->expression_entry, completion);
  g_object_unref (completion);

  self->handlers[0] = g_signal_connect (self->connection, "log",
                                        G_CALLBACK (connection_log_cb), self);
  self->handlers[1] = g_signal_connect (self->connection, "notify",
                                        G_CALLBACK (connection_notify_cb), self);
  self->handlers[2] = g_signal_connect (self->history, "changed",
                                        G_CALLBACK (history_changed_cb), self);
  self->follow_results = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->results_scroll), "changed",
                           G_CALLBACK (results_adjustment_changed_cb), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->results_scroll), "value-changed",
                           G_CALLBACK (results_value_changed_cb), self, 0);
  history_changed_cb (self->history, self);

  /* The session's definitions: kept, and replayed into a new session. */
  gtk_info_bar_add_button (self->banner, _("_Reconnect Now"), BANNER_RESPONSE_RECONNECT);
  self->session_model = pc_session_model_new (self->connection);
  g_signal_connect (self->session_model, "log", G_CALLBACK (session_log_cb), self);
  g_signal_connect (self->session_model, "session-started", G_CALLBACK (session_started_cb), self);
  g_signal_connect (self->session_model, "restored", G_CALLBACK (session_restored_cb), self);
  g_signal_connect_swapped (self->session_model, "catalog-changed",
                            G_CALLBACK (catalog_changed_cb), self);
  g_signal_connect_object (self->settings, "changed::restore-session",
                           G_CALLBACK (restore_session_changed_cb), self, 0);
  pc_session_model_set_restore (self->session_model,
                                g_settings_get_boolean (self->settings, "restore-session"));
  {
    g_autofree char *store_path = pc_session_store_default_path ();

    pc_session_model_set_store_path (self->session_model, store_path);
  }
  update_banner (self);
  /* The state's label is never narrower than its short forms in this
   * language, so the window's minimum width leaves them whole. */
  {
    g_autofree char *local = g_strdup_printf (_("Local server · %s"), "unix");
    const char *forms[] = { local, _("Disconnected"), _("Connecting…") };
    int chars = 0;

    for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
      chars = MAX (chars, (int) g_utf8_strlen (forms[i], -1));
    gtk_label_set_width_chars (self->subtitle_label, chars);
  }

  /* Issue 16: the side panel, the keypad and Clear History's toast. */
  {
    const char *panel_accels[] = { "F9", NULL };
    const char *keypad_accels[] = { "<Control>k", NULL };

    gtk_application_set_accels_for_action (app, "win.show-panel", panel_accels);
    gtk_application_set_accels_for_action (app, "win.show-keypad", keypad_accels);
    g_action_group_change_action_state (G_ACTION_GROUP (self), "show-panel",
                                        g_variant_new_boolean (g_settings_get_boolean (self->settings,
                                                                                       "show-panel")));
    g_action_group_change_action_state (G_ACTION_GROUP (self), "show-keypad",
                                        g_variant_new_boolean (g_settings_get_boolean (self->settings,
                                                                                       "show-keypad")));
    pc_side_panel_set_history (self->side_panel, self->history);
    /* The Variables page shows the session model's definitions. */
    pc_side_panel_set_definitions (self->side_panel,
                                   pc_session_model_get_definitions (self->session_model));
    g_signal_connect_object (self->side_panel, "delete", G_CALLBACK (panel_delete_cb), self, 0);
    g_signal_connect_object (self->side_panel, "insert", G_CALLBACK (panel_insert_cb), self, 0);
    g_signal_connect_object (self->side_panel, "reuse", G_CALLBACK (panel_reuse_cb), self, 0);
    g_signal_connect_object (self->keypad, "insert", G_CALLBACK (panel_insert_cb), self, 0);
    g_signal_connect_object (self->keypad, "backspace", G_CALLBACK (keypad_backspace_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->keypad, "clear", G_CALLBACK (keypad_clear_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->keypad, "evaluate", G_CALLBACK (keypad_evaluate_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->toast, "undo", G_CALLBACK (toast_undo_cb), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self,
                             G_CONNECT_SWAPPED);
  }
  update_subtitle (self);
  update_busy (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->expression_entry));
  return self;
}
