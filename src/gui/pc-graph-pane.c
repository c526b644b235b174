/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <math.h>
#include <string.h>
#include <cairo.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>

#include "pc-accessible.h"
#include "pc-error-text.h"
#include "pc-graph-pane.h"
#include "pc-graph-view.h"

/* The pause after the last pan or zoom before the server is asked: a drag
 * sends a request a frame or so after it stops, not one per motion. */
#define RESAMPLE_DELAY_MS 60
/* Curves one pane plots at most: the palette's colours, then again. */
#define MAX_CURVES 16

typedef struct
{
  guint         id;           /* the view's */
  char         *expression;
  guint         colour;
  GCancellable *cancellable;  /* the request in flight, if any */
  GtkWidget    *item;         /* its legend entry */
  GtkLabel     *error_label;
  gboolean      failed;       /* the server refused it: no values */
} Curve;

struct _PcGraphPane
{
  GtkBox          parent_instance;

  GtkFlowBox     *legend;
  PcGraphView    *view;
  GtkLabel       *status;

  PcConnection   *connection;
  gulong          connected_handler;
  GPtrArray      *curves;       /* Curve* */
  guint           next_colour;
  guint           resample_source;
  PcNumberFormat  format;       /* the window's decimal sign, 6 digits */
  char           *hint;         /* the status line when the pointer is away */
};

G_DEFINE_FINAL_TYPE (PcGraphPane, pc_graph_pane, GTK_TYPE_BOX)

enum { SIGNAL_REFUSED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  PcGraphPane *pane;  /* a strong reference while the request runs */
  guint        id;
  double       from, to;
  guint        points;
} Request;

static void
curve_free (Curve *curve)
{
  if (curve->cancellable != NULL)
    g_cancellable_cancel (curve->cancellable);
  g_clear_object (&curve->cancellable);
  g_free (curve->expression);
  g_free (curve);
}

static Curve *
find_curve (PcGraphPane *self,
            guint        id)
{
  for (guint i = 0; i < self->curves->len; i++)
    {
      Curve *curve = self->curves->pdata[i];

      if (curve->id == id)
        return curve;
    }
  return NULL;
}

gboolean
pc_graph_expression_assigns (const char *expression)
{
  for (const char *p = expression; p != NULL && *p != '\0'; p++)
    if (*p == '=')
      {
        char before = p > expression ? p[-1] : '\0';

        if (p[1] == '=')
          {
            p++;   /* == */
            continue;
          }
        if (before != '<' && before != '>' && before != '!' && before != '=')
          return TRUE;
      }
  return FALSE;
}

/* ---- Sampling --------------------------------------------------------- */

/* The legend's item, a Tab stop, reads as its expression, and as the
 * result rows read when the server refuses it. */
static void
name_curve_item (Curve      *curve,
                 const char *message)
{
  GtkWidget *child = gtk_widget_get_parent (curve->item);
  g_autofree char *name = NULL;

  if (child == NULL)
    return;
  name = message != NULL ? pc_accessible_error_name (curve->expression, message)
                         : g_strdup (curve->expression);
  atk_object_set_name (gtk_widget_get_accessible (child), name);
}

static void
set_curve_error (PcGraphPane *self,
                 Curve       *curve,
                 const char  *message)
{
  gtk_label_set_text (curve->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (curve->error_label), message != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (curve->error_label), message);
  name_curve_item (curve, message);
}

static void
sample_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  PcGraphPane *self = request->pane;
  g_autoptr(GError) error = NULL;
  g_autoptr(PcSampleOutcome) outcome = pc_connection_sample_finish (PC_CONNECTION (source),
                                                                     result, &error);
  Curve *curve = find_curve (self, request->id);

  if (curve == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  g_clear_object (&curve->cancellable);
  if (outcome == NULL)
    {
      g_autofree char *message = pc_error_text_for_error (error);

      /* Not connected: kept as they are, sampled again on connecting. */
      set_curve_error (self, curve, message);
    }
  else if (outcome->error_code != 0)
    {
      /* The window's words for the server's error, as in the results. */
      PcEvalOutcome as_eval = {
        .expression = outcome->expression,
        .error_code = outcome->error_code,
        .reason = outcome->reason,
        .message = outcome->message,
        .error_pos = outcome->error_pos,
        .error_token = outcome->error_token,
      };
      g_autofree char *message = pc_error_text_for_outcome (&as_eval);

      curve->failed = TRUE;
      pc_graph_view_set_samples (self->view, curve->id, 0, 0, NULL, 0);
      set_curve_error (self, curve, message);
      g_signal_emit (self, signals[SIGNAL_REFUSED], 0, message);
    }
  else if (outcome->n_values != request->points)
    {
      /* Not what was asked: drawn, it would be in the wrong places (or,
       * millions of values, slow to draw at every frame). */
      pc_graph_view_set_samples (self->view, curve->id, 0, 0, NULL, 0);
      set_curve_error (self, curve, _("The server answered with the wrong number of values"));
    }
  else
    {
      curve->failed = FALSE;
      set_curve_error (self, curve, NULL);
      pc_graph_view_set_samples (self->view, curve->id, request->from, request->to,
                                 outcome->values, outcome->n_values);
    }
out:
  g_object_unref (request->pane);
  g_free (request);
}

static void
sample_curve (PcGraphPane *self,
              Curve       *curve)
{
  double x_from, x_to, y_from, y_to;
  Request *request;

  /* Hidden or not laid out yet, it has no pixels to sample for: mapping
   * and allocating it ask again. */
  if (self->connection == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self->view))
      || gtk_widget_get_allocated_width (GTK_WIDGET (self->view)) <= 1)
    return;
  if (curve->cancellable != NULL)
    g_cancellable_cancel (curve->cancellable);
  g_clear_object (&curve->cancellable);
  pc_graph_view_get_range (self->view, &x_from, &x_to, &y_from, &y_to);
  if (!isfinite (x_from) || !isfinite (x_to) || !(x_to > x_from))
    return;
  curve->cancellable = g_cancellable_new ();
  request = g_new0 (Request, 1);
  request->pane = g_object_ref (self);
  request->id = curve->id;
  request->from = x_from;
  request->to = x_to;
  request->points = pc_graph_view_get_points (self->view);
  pc_connection_sample_async (self->connection, curve->expression, x_from, x_to,
                              request->points, curve->cancellable, sample_cb, request);
}

static gboolean
resample_cb (gpointer user_data)
{
  PcGraphPane *self = user_data;

  self->resample_source = 0;
  for (guint i = 0; i < self->curves->len; i++)
    sample_curve (self, self->curves->pdata[i]);
  return G_SOURCE_REMOVE;
}

static void
schedule_resample (PcGraphPane *self)
{
  /* Cancel what is in flight now: its answer is for a view gone by. */
  for (guint i = 0; i < self->curves->len; i++)
    {
      Curve *curve = self->curves->pdata[i];

      if (curve->cancellable != NULL)
        g_cancellable_cancel (curve->cancellable);
      g_clear_object (&curve->cancellable);
    }
  g_clear_handle_id (&self->resample_source, g_source_remove);
  if (self->curves->len > 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->resample_source = g_timeout_add (RESAMPLE_DELAY_MS, resample_cb, self);
}

void
pc_graph_pane_refresh (PcGraphPane *self)
{
  schedule_resample (self);
}

static void
view_changed_cb (PcGraphPane *self)
{
  schedule_resample (self);
}

static void
connected_cb (PcConnection *connection,
              const char   *info,
              PcGraphPane  *self)
{
  schedule_resample (self);
}

/* ---- The value under the pointer -------------------------------------- */

static void
append_number (PcGraphPane *self,
               GString     *out,
               double       value)
{
  g_autofree char *text = NULL;

  if (isnan (value))
    {
      /* TRANSLATORS: no value of a curve under the pointer */
      g_string_append (out, C_("graph value", "none"));
      return;
    }
  text = pc_format_number_as (value, &self->format, NULL);
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '-')
      g_string_append (out, "\u2212");
    else
      g_string_append_c (out, *p);
}

static void
pointer_moved_cb (PcGraphPane *self,
                  double       x)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (isnan (x) || self->curves->len == 0)
    {
      gtk_label_set_text (self->status, self->hint);
      return;
    }
  g_string_append (text, "x = ");
  append_number (self, text, x);
  for (guint i = 0; i < self->curves->len; i++)
    {
      Curve *curve = self->curves->pdata[i];

      g_string_append_printf (text, "   %s = ", curve->expression);
      append_number (self, text, pc_graph_view_value_at (self->view, curve->id, x));
    }
  gtk_label_set_text (self->status, text->str);
}

/* ---- Curves ----------------------------------------------------------- */

static void
remove_clicked_cb (GtkButton   *button,
                   PcGraphPane *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "pc-curve-id"));
  Curve *curve = find_curve (self, id);

  if (curve == NULL)
    return;
  gtk_widget_destroy (gtk_widget_get_parent (curve->item));
  pc_graph_view_remove_curve (self->view, id);
  g_ptr_array_remove (self->curves, curve);
}

static GtkWidget *
legend_item (PcGraphPane *self,
             Curve       *curve)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *swatch, *label, *error, *remove;
  GdkRGBA colour;
  g_autofree char *colour_text = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *remove_name = NULL;

  pc_graph_view_palette (curve->colour, &colour);
  colour_text = g_strdup_printf ("#%02x%02x%02x", (int) (colour.red * 255),
                                 (int) (colour.green * 255), (int) (colour.blue * 255));
  markup = g_markup_printf_escaped ("<span foreground=\"%s\" weight=\"bold\">━━</span>", colour_text);
  swatch = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (swatch), markup);
  /* The colour is not read out; the expression is. */
  atk_object_set_role (gtk_widget_get_accessible (swatch), ATK_ROLE_REDUNDANT_OBJECT);

  label = gtk_label_new (curve->expression);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_style_context_add_class (gtk_widget_get_style_context (label), "expression");

  error = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (error), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (error), 40);
  gtk_style_context_add_class (gtk_widget_get_style_context (error), "error");
  gtk_widget_set_no_show_all (error, TRUE);

  remove = gtk_button_new_from_icon_name ("window-close-symbolic", GTK_ICON_SIZE_MENU);
  gtk_button_set_relief (GTK_BUTTON (remove), GTK_RELIEF_NONE);
  /* TRANSLATORS: %s is an expression on the graph */
  remove_name = g_strdup_printf (_("Remove %s"), curve->expression);
  gtk_widget_set_tooltip_text (remove, remove_name);
  atk_object_set_name (gtk_widget_get_accessible (remove), remove_name);
  g_object_set_data (G_OBJECT (remove), "pc-curve-id", GUINT_TO_POINTER (curve->id));
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);

  gtk_container_add (GTK_CONTAINER (box), swatch);
  gtk_container_add (GTK_CONTAINER (box), label);
  gtk_container_add (GTK_CONTAINER (box), error);
  gtk_container_add (GTK_CONTAINER (box), remove);
  gtk_widget_show_all (box);
  curve->error_label = GTK_LABEL (error);
  return box;
}

gboolean
pc_graph_pane_add (PcGraphPane *self,
                   const char  *expression)
{
  g_autofree char *text = g_strstrip (g_strdup (expression != NULL ? expression : ""));
  Curve *curve;

  if (text[0] == '\0')
    return FALSE;
  for (guint i = 0; i < self->curves->len; i++)
    if (g_str_equal (((Curve *) self->curves->pdata[i])->expression, text))
      return FALSE;
  if (self->curves->len >= MAX_CURVES)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  curve = g_new0 (Curve, 1);
  curve->expression = g_steal_pointer (&text);
  curve->colour = self->next_colour++;
  curve->id = pc_graph_view_add_curve (self->view, curve->expression, curve->colour);
  curve->item = legend_item (self, curve);
  gtk_container_add (GTK_CONTAINER (self->legend), curve->item);
  name_curve_item (curve, NULL);
  g_ptr_array_add (self->curves, curve);
  g_free (self->hint);
  self->hint = g_strdup (_("Drag to move, scroll to zoom; the values under the pointer show here"));
  gtk_label_set_text (self->status, self->hint);
  /* At once: nothing to wait for after an Add. */
  sample_curve (self, curve);
  return TRUE;
}

guint
pc_graph_pane_get_n_curves (PcGraphPane *self)
{
  return self->curves->len;
}

void
pc_graph_pane_set_number_format (PcGraphPane          *self,
                                 const PcNumberFormat *format)
{
  /* Numbers on a graph are read, not copied: six digits, the window's
   * decimal sign, no grouping. */
  pc_number_format_init (&self->format);
  self->format.digits = 6;
  g_strlcpy (self->format.decimal_point, format->decimal_point, sizeof self->format.decimal_point);
  pc_graph_view_set_number_format (self->view, &self->format);
}

void
pc_graph_pane_set_connection (PcGraphPane  *self,
                              PcConnection *connection)
{
  if (self->connection != NULL)
    g_clear_signal_handler (&self->connected_handler, self->connection);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    self->connected_handler = g_signal_connect (connection, "connected",
                                                G_CALLBACK (connected_cb), self);
}

/* ---- Export ----------------------------------------------------------- */

/* A file name from the first curve's expression: sin(x)/x → sin_x_x. */
static char *
default_name (PcGraphPane *self,
              const char  *extension)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const char *expression = self->curves->len > 0
                           ? ((Curve *) self->curves->pdata[0])->expression : "";

  for (const char *p = expression; *p != '\0' && name->len < 40; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '.')
        g_string_append_c (name, *p);
      else if (name->len > 0 && name->str[name->len - 1] != '_')
        g_string_append_c (name, '_');
    }
  while (name->len > 0 && (name->str[name->len - 1] == '_' || name->str[name->len - 1] == '.'))
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    g_string_append (name, "graph");
  g_string_append (name, extension);
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
show_export_error (PcGraphPane *self,
                   const char  *detail)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              _("The graph could not be saved"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PcGraphPane) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    show_export_error (self, error->message);
}

/* The drawing as PNG or SVG bytes, made in memory: only the writing
 * goes to the background. */
static GBytes *
render_bytes (PcGraphPane *self,
              gboolean     svg,
              GError     **error)
{
  int width = MAX (gtk_widget_get_allocated_width (GTK_WIDGET (self->view)), 1);
  int height = MAX (gtk_widget_get_allocated_height (GTK_WIDGET (self->view)), 1);
  int scale = MAX (gtk_widget_get_scale_factor (GTK_WIDGET (self->view)), 1);
  GByteArray *bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (svg)
    {
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      /* Pixels, as on screen (cairo's default is points: 4/3 larger). */
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
    }
  else
    {
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
      cairo_surface_set_device_scale (surface, scale, scale);
    }
  cr = cairo_create (surface);
  pc_graph_view_render (self->view, cr, width, height);
  cairo_destroy (cr);
  if (!svg)
    cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", cairo_status_to_string (status));
      g_byte_array_unref (bytes);
      return NULL;
    }
  return g_byte_array_free_to_bytes (bytes);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    PcGraphPane     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *name = g_file_get_basename (file);
      gboolean svg = g_str_has_suffix (name, ".svg") || g_str_has_suffix (name, ".SVG");
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      /* PNG unless the name says SVG, or the SVG filter is chosen and the
       * name says nothing. */
      if (!svg && strchr (name, '.') == NULL)
        {
          GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *named = NULL;

          svg = filter != NULL && g_strcmp0 (gtk_file_filter_get_name (filter), "SVG") == 0;
          named = g_strconcat (name, svg ? ".svg" : ".png", NULL);
          g_object_unref (file);
          file = g_file_get_child (parent, named);
        }
      bytes = render_bytes (self, svg, &error);
      if (bytes == NULL)
        show_export_error (self, error->message);
      else
        g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                             exported_cb, g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
export_clicked_cb (PcGraphPane *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Export the Graph"),
                                 GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
#ifdef G_OS_WIN32
  /* Windows' dialog adds the chosen type's extension to the name (GTK
   * asks it to), so a suggested "sin_x.png" would be saved as
   * "sin_x.png.svg" once SVG is chosen: the type alone decides there. */
  g_autofree char *name = default_name (self, "");
#else
  g_autofree char *name = default_name (self, ".png");
#endif
  GtkFileFilter *png = gtk_file_filter_new ();
  GtkFileFilter *svg = gtk_file_filter_new ();

  gtk_file_filter_set_name (png, "PNG");
  gtk_file_filter_add_pattern (png, "*.png");
  gtk_file_filter_set_name (svg, "SVG");
  gtk_file_filter_add_pattern (svg, "*.svg");
#ifndef G_OS_WIN32
  /* On Windows a MIME type filter makes GTK fall back from Windows' own
   * file dialog to its own: patterns only there. */
  gtk_file_filter_add_mime_type (png, "image/png");
  gtk_file_filter_add_mime_type (svg, "image/svg+xml");
#endif
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), png);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), svg);
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
#ifndef G_OS_WIN32
  {
    /* Pictures if it exists (a user-dirs file may name one that does
     * not), else home: not wherever the program was started from.
     * Windows' dialog picks a folder itself (the last one used). */
    const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);

    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser),
                                         pictures != NULL && g_file_test (pictures, G_FILE_TEST_IS_DIR)
                                         ? pictures : g_get_home_dir ());
  }
#endif
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
reset_clicked_cb (PcGraphPane *self)
{
  pc_graph_view_reset (self->view);
}

/* ---- Life cycle ------------------------------------------------------- */

static void
pc_graph_pane_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pc_graph_pane_parent_class)->map (widget);
  /* Hidden, it asked for nothing: catch up with the view now. */
  schedule_resample (PC_GRAPH_PANE (widget));
}

static void
pc_graph_pane_dispose (GObject *object)
{
  PcGraphPane *self = PC_GRAPH_PANE (object);

  g_clear_handle_id (&self->resample_source, g_source_remove);
  if (self->curves != NULL)
    g_ptr_array_set_size (self->curves, 0);
  pc_graph_pane_set_connection (self, NULL);
  G_OBJECT_CLASS (pc_graph_pane_parent_class)->dispose (object);
}

static void
pc_graph_pane_finalize (GObject *object)
{
  PcGraphPane *self = PC_GRAPH_PANE (object);

  g_ptr_array_unref (self->curves);
  g_free (self->hint);
  G_OBJECT_CLASS (pc_graph_pane_parent_class)->finalize (object);
}

static void
pc_graph_pane_class_init (PcGraphPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pc_graph_pane_dispose;
  object_class->finalize = pc_graph_pane_finalize;
  widget_class->map = pc_graph_pane_map;

  signals[SIGNAL_REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (PC_TYPE_GRAPH_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-graph-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, PcGraphPane, legend);
  gtk_widget_class_bind_template_child (widget_class, PcGraphPane, view);
  gtk_widget_class_bind_template_child (widget_class, PcGraphPane, status);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pointer_moved_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
}

static void
pc_graph_pane_init (PcGraphPane *self)
{
  PcNumberFormat format;

  self->curves = g_ptr_array_new_with_free_func ((GDestroyNotify) curve_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->hint = g_strdup (gtk_label_get_text (self->status));
  pc_number_format_init (&format);
  pc_graph_pane_set_number_format (self, &format);
}
