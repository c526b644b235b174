/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "pc-graph-curve.h"
#include "pc-graph-ticks.h"
#include "pc-graph-view.h"

/* The reset view: x from −10 to 10. */
#define RESET_HALF_WIDTH 10.0
/* How far a zoom may go: doubles keep ~15 digits, ticks need a few. */
#define MIN_SCALE 1e-12
#define MAX_SCALE 1e12
/* One scroll click or key press zooms by this much. */
#define ZOOM_STEP 1.25
/* Pixels: far enough for a y value (curves beyond it are clipped). */
#define FAR_PIXELS 1e5
#define LABEL_GAP 12.0

typedef struct
{
  guint   id;
  char   *expression;
  guint   colour;
  double  from, to;
  double *values;
  gsize   n;
} Curve;

struct _PcGraphView
{
  GtkDrawingArea parent_instance;

  GPtrArray      *curves;       /* Curve* */
  guint           next_id;
  /* The view: its centre and units per (logical) pixel on each axis. */
  double          cx, cy, sx, sy;
  gboolean        reset_pending;
  int             last_width, last_height;
  double          pointer_x, pointer_y;  /* pixels; NAN: not over the view */
  PcNumberFormat  format;

  GtkGesture     *drag;
  GtkGesture     *zoom;
  double          drag_cx, drag_cy;
  double          zoom_sx, zoom_sy;
  guint           describe_source;
};

enum { SIGNAL_VIEW_CHANGED, SIGNAL_POINTER_MOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcGraphView, pc_graph_view, GTK_TYPE_DRAWING_AREA)

static void
curve_free (Curve *curve)
{
  g_free (curve->expression);
  g_free (curve->values);
  g_free (curve);
}

static Curve *
find_curve (PcGraphView *self,
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

void
pc_graph_view_palette (guint    index,
                       GdkRGBA *colour)
{
  /* GNOME's palette at its middle shades: dark enough on white, light
   * enough on the dark theme's grey. */
  static const char *palette[] = {
    "#3584e4", "#e01b24", "#2ec27e", "#ff7800", "#9141ac", "#c88800", "#1ba6c4", "#e5488d",
  };

  gdk_rgba_parse (colour, palette[index % G_N_ELEMENTS (palette)]);
}

/* ---- The view --------------------------------------------------------- */

static void
describe (PcGraphView *self)
{
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (self));
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *description = NULL;
  char x0[G_ASCII_DTOSTR_BUF_SIZE], x1[G_ASCII_DTOSTR_BUF_SIZE];
  char y0[G_ASCII_DTOSTR_BUF_SIZE], y1[G_ASCII_DTOSTR_BUF_SIZE];
  double x_from, x_to, y_from, y_to;

  pc_graph_view_get_range (self, &x_from, &x_to, &y_from, &y_to);
  /* Full precision: the GUI tests map pixels back to values with it. */
  g_ascii_formatd (x0, sizeof x0, "%.17g", x_from);
  g_ascii_formatd (x1, sizeof x1, "%.17g", x_to);
  g_ascii_formatd (y0, sizeof y0, "%.17g", y_from);
  g_ascii_formatd (y1, sizeof y1, "%.17g", y_to);
  for (guint i = 0; i < self->curves->len; i++)
    {
      Curve *curve = self->curves->pdata[i];

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, curve->expression);
    }
  if (names->len == 0)
    /* TRANSLATORS: the graph's accessible description; %s: numbers */
    description = g_strdup_printf (_("No curves; x from %s to %s, y from %s to %s"),
                                   x0, x1, y0, y1);
  else
    /* TRANSLATORS: the graph's accessible description: the first %s is
     * the expressions, the others numbers */
    description = g_strdup_printf (_("Graph of %s; x from %s to %s, y from %s to %s"),
                                   names->str, x0, x1, y0, y1);
  atk_object_set_description (accessible, description);
}

static gboolean
describe_cb (gpointer user_data)
{
  PcGraphView *self = user_data;

  self->describe_source = 0;
  describe (self);
  return G_SOURCE_REMOVE;
}

static void
view_changed (PcGraphView *self)
{
  /* Once the view rests: a screen reader is not told of every pixel of
   * a drag. */
  if (self->describe_source == 0)
    self->describe_source = g_timeout_add (100, describe_cb, self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

static void
set_scale (PcGraphView *self,
           double       sx,
           double       sy)
{
  self->sx = CLAMP (sx, MIN_SCALE, MAX_SCALE);
  self->sy = CLAMP (sy, MIN_SCALE, MAX_SCALE);
}

/* Keeps the view's centre inside what doubles can tell apart at this
 * scale, and finite. */
static void
clamp_centre (PcGraphView *self)
{
  double limit = 1e15;

  if (!isfinite (self->cx))
    self->cx = 0;
  if (!isfinite (self->cy))
    self->cy = 0;
  self->cx = CLAMP (self->cx, -limit, limit);
  self->cy = CLAMP (self->cy, -limit, limit);
}

void
pc_graph_view_get_range (PcGraphView *self,
                         double      *x_from,
                         double      *x_to,
                         double      *y_from,
                         double      *y_to)
{
  double width = MAX (gtk_widget_get_allocated_width (GTK_WIDGET (self)), 1);
  double height = MAX (gtk_widget_get_allocated_height (GTK_WIDGET (self)), 1);

  *x_from = self->cx - width / 2 * self->sx;
  *x_to = self->cx + width / 2 * self->sx;
  *y_from = self->cy - height / 2 * self->sy;
  *y_to = self->cy + height / 2 * self->sy;
}

guint
pc_graph_view_get_points (PcGraphView *self)
{
  int width = gtk_widget_get_allocated_width (GTK_WIDGET (self));
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  return (guint) CLAMP (width * MAX (scale, 1), 2, 1000000);
}

static void
apply_reset (PcGraphView *self)
{
  int width = gtk_widget_get_allocated_width (GTK_WIDGET (self));

  self->cx = self->cy = 0;
  set_scale (self, 2 * RESET_HALF_WIDTH / MAX (width, 1), 2 * RESET_HALF_WIDTH / MAX (width, 1));
  self->reset_pending = width <= 1;
}

void
pc_graph_view_reset (PcGraphView *self)
{
  apply_reset (self);
  view_changed (self);
}

/* Zooms by @factor (> 1: out) keeping the point at pixel (@px, @py) where it is. */
static void
zoom_at (PcGraphView *self,
         double       factor,
         double       px,
         double       py)
{
  double width = gtk_widget_get_allocated_width (GTK_WIDGET (self));
  double height = gtk_widget_get_allocated_height (GTK_WIDGET (self));
  double x = self->cx + (px - width / 2) * self->sx;
  double y = self->cy - (py - height / 2) * self->sy;

  set_scale (self, self->sx * factor, self->sy * factor);
  self->cx = x - (px - width / 2) * self->sx;
  self->cy = y + (py - height / 2) * self->sy;
  clamp_centre (self);
  view_changed (self);
}

void
pc_graph_view_zoom (PcGraphView *self,
                    double       factor)
{
  zoom_at (self, factor, gtk_widget_get_allocated_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_allocated_height (GTK_WIDGET (self)) / 2.0);
}

static void
pan_by (PcGraphView *self,
        double       dx_pixels,
        double       dy_pixels)
{
  self->cx += dx_pixels * self->sx;
  self->cy -= dy_pixels * self->sy;
  clamp_centre (self);
  view_changed (self);
}

void
pc_graph_view_set_number_format (PcGraphView          *self,
                                 const PcNumberFormat *format)
{
  self->format = *format;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- Curves ----------------------------------------------------------- */

guint
pc_graph_view_add_curve (PcGraphView *self,
                         const char  *expression,
                         guint        colour)
{
  Curve *curve = g_new0 (Curve, 1);

  curve->id = ++self->next_id;
  curve->expression = g_strdup (expression);
  curve->colour = colour;
  g_ptr_array_add (self->curves, curve);
  describe (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return curve->id;
}

void
pc_graph_view_remove_curve (PcGraphView *self,
                            guint        id)
{
  Curve *curve = find_curve (self, id);

  if (curve != NULL)
    g_ptr_array_remove (self->curves, curve);
  describe (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pc_graph_view_set_samples (PcGraphView  *self,
                           guint         id,
                           double        from,
                           double        to,
                           const double *values,
                           gsize         n)
{
  Curve *curve = find_curve (self, id);

  if (curve == NULL)
    return;
  g_clear_pointer (&curve->values, g_free);
  curve->n = 0;
  if (n >= 2 && isfinite (from) && isfinite (to) && to > from)
    {
      curve->values = g_memdup2 (values, n * sizeof (double));
      curve->n = n;
      curve->from = from;
      curve->to = to;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
pc_graph_view_value_at (PcGraphView *self,
                        guint        id,
                        double       x)
{
  Curve *curve = find_curve (self, id);
  double height = MAX (gtk_widget_get_allocated_height (GTK_WIDGET (self)), 1);

  if (curve == NULL || curve->n < 2)
    return NAN;
  return pc_graph_curve_value_at (curve->values, curve->n, curve->from, curve->to, x,
                                  height * self->sy, 3 * self->sy);
}

/* ---- Drawing ---------------------------------------------------------- */

typedef struct
{
  cairo_t *cr;
  Curve   *curve;
  double   x_from, y_to, x_scale, y_scale;  /* value to pixel */
} DrawCtx;

static double
to_pixel_y (const DrawCtx *ctx,
            double         y)
{
  return CLAMP ((ctx->y_to - y) * ctx->y_scale, -FAR_PIXELS, FAR_PIXELS);
}

static double
to_pixel_x (const DrawCtx *ctx,
            gsize          i)
{
  const Curve *curve = ctx->curve;
  double x = curve->from + (curve->to - curve->from) * (double) i / (double) (curve->n - 1);

  return CLAMP ((x - ctx->x_from) * ctx->x_scale, -FAR_PIXELS, FAR_PIXELS);
}

static void
draw_segment (gsize    start,
              gsize    end,
              gpointer user_data)
{
  DrawCtx *ctx = user_data;
  const double *y = ctx->curve->values;

  if (start == end)
    {
      /* A lone value between gaps: a dot, so it is not lost. */
      cairo_new_sub_path (ctx->cr);
      cairo_arc (ctx->cr, to_pixel_x (ctx, start), to_pixel_y (ctx, y[start]), 1.0, 0, 2 * G_PI);
      return;
    }
  cairo_move_to (ctx->cr, to_pixel_x (ctx, start), to_pixel_y (ctx, y[start]));
  for (gsize i = start + 1; i <= end; i++)
    cairo_line_to (ctx->cr, to_pixel_x (ctx, i), to_pixel_y (ctx, y[i]));
}

static void
mix (const GdkRGBA *a,
     const GdkRGBA *b,
     double         t,
     GdkRGBA       *out)
{
  out->red = a->red + (b->red - a->red) * t;
  out->green = a->green + (b->green - a->green) * t;
  out->blue = a->blue + (b->blue - a->blue) * t;
  out->alpha = 1.0;
}

/* The theme's text and base colours. */
static void
theme_colours (PcGraphView *self,
               GdkRGBA     *fg,
               GdkRGBA     *bg)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (style, gtk_style_context_get_state (style), fg);
  fg->alpha = 1.0;
  if (!gtk_style_context_lookup_color (style, "theme_base_color", bg))
    {
      double light = 0.3 * fg->red + 0.59 * fg->green + 0.11 * fg->blue;

      gdk_rgba_parse (bg, light > 0.5 ? "#242424" : "#ffffff");
    }
  bg->alpha = 1.0;
}

static PangoLayout *
label_layout (PcGraphView *self,
              const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_copy (
    pango_context_get_font_description (pango_layout_get_context (layout)));

  /* Tabular figures at a smaller size. */
  pango_font_description_set_size (font, pango_font_description_get_size (font) * 0.85);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

/* Ticks whose labels fit between them: measured, widened until they do. */
static gboolean
fit_ticks (PcGraphView  *self,
           double        from,
           double        to,
           double        pixels,
           gboolean      horizontal,
           PcGraphTicks *ticks)
{
  double units_per_pixel = (to - from) / MAX (pixels, 1);
  double need = horizontal ? 60 : 28;

  for (int attempt = 0; attempt < 4; attempt++)
    {
      double widest = 0;

      if (!pc_graph_ticks_compute (from, to, need * units_per_pixel, ticks))
        return FALSE;
      if (!horizontal)
        return TRUE;
      for (guint i = 0; i < ticks->count; i++)
        {
          g_autofree char *text = pc_graph_ticks_label (ticks, pc_graph_ticks_value (ticks, i),
                                                        &self->format);
          g_autoptr(PangoLayout) layout = label_layout (self, text);
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          widest = MAX (widest, w);
        }
      if (widest + LABEL_GAP <= ticks->step / units_per_pixel)
        return TRUE;
      need = widest + LABEL_GAP;
    }
  return TRUE;
}

static void
draw_label (cairo_t       *cr,
            PangoLayout   *layout,
            double         x,
            double         y,
            const GdkRGBA *fg,
            const GdkRGBA *bg)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgba (cr, bg->red, bg->green, bg->blue, 0.8);
  cairo_rectangle (cr, x - 2, y, w + 4, h);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

void
pc_graph_view_render (PcGraphView *self,
                      cairo_t     *cr,
                      int          width,
                      int          height)
{
  GdkRGBA fg, bg, grid, axis, text;
  double x_from, x_to, y_from, y_to, x_scale, y_scale;
  PcGraphTicks xt, yt;
  gboolean have_xt, have_yt;
  double label_h = 0, y_label_w = 0;

  theme_colours (self, &fg, &bg);
  mix (&bg, &fg, 0.12, &grid);
  mix (&bg, &fg, 0.45, &axis);
  mix (&bg, &fg, 0.80, &text);
  pc_graph_view_get_range (self, &x_from, &x_to, &y_from, &y_to);
  x_scale = width / (x_to - x_from);
  y_scale = height / (y_to - y_from);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, &bg);
  cairo_paint (cr);

  have_xt = fit_ticks (self, x_from, x_to, width, TRUE, &xt);
  have_yt = fit_ticks (self, y_from, y_to, height, FALSE, &yt);

  /* The grid, on whole pixels so it is crisp. */
  cairo_set_line_width (cr, 1.0);
  gdk_cairo_set_source_rgba (cr, &grid);
  for (guint i = 0; have_xt && i < xt.count; i++)
    {
      double px = round ((pc_graph_ticks_value (&xt, i) - x_from) * x_scale) + 0.5;

      cairo_move_to (cr, px, 0);
      cairo_line_to (cr, px, height);
    }
  for (guint i = 0; have_yt && i < yt.count; i++)
    {
      double py = round ((y_to - pc_graph_ticks_value (&yt, i)) * y_scale) + 0.5;

      cairo_move_to (cr, 0, py);
      cairo_line_to (cr, width, py);
    }
  cairo_stroke (cr);

  /* The axes where they are in view. */
  gdk_cairo_set_source_rgba (cr, &axis);
  if (x_from < 0 && x_to > 0)
    {
      double px = round (-x_from * x_scale) + 0.5;

      cairo_move_to (cr, px, 0);
      cairo_line_to (cr, px, height);
    }
  if (y_from < 0 && y_to > 0)
    {
      double py = round (y_to * y_scale) + 0.5;

      cairo_move_to (cr, 0, py);
      cairo_line_to (cr, width, py);
    }
  cairo_stroke (cr);

  /* The curves. */
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint c = 0; c < self->curves->len; c++)
    {
      Curve *curve = self->curves->pdata[c];
      DrawCtx ctx = { cr, curve, x_from, y_to, x_scale, y_scale };
      GdkRGBA colour;

      if (curve->n < 2)
        continue;
      pc_graph_view_palette (curve->colour, &colour);
      gdk_cairo_set_source_rgba (cr, &colour);
      pc_graph_curve_segments (curve->values, curve->n, y_to - y_from, 3 / y_scale,
                               draw_segment, &ctx);
      cairo_stroke (cr);
    }

  /* The labels over everything, y along the left edge, x along the
   * bottom; an x label that would run into the y labels' column is left
   * out, and so is a y label in the x labels' row. */
  if (have_yt)
    {
      for (guint i = 0; i < yt.count; i++)
        {
          double value = pc_graph_ticks_value (&yt, i);
          g_autofree char *label = pc_graph_ticks_label (&yt, value, &self->format);
          g_autoptr(PangoLayout) layout = label_layout (self, label);
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          label_h = MAX (label_h, h);
          y_label_w = MAX (y_label_w, w);
        }
    }
  if (have_xt && label_h == 0)
    {
      g_autoptr(PangoLayout) layout = label_layout (self, "0");
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      label_h = h;
    }
  if (have_yt)
    for (guint i = 0; i < yt.count; i++)
      {
        double value = pc_graph_ticks_value (&yt, i);
        double py = (y_to - value) * y_scale;
        g_autofree char *label = pc_graph_ticks_label (&yt, value, &self->format);
        g_autoptr(PangoLayout) layout = label_layout (self, label);
        int w, h;

        pango_layout_get_pixel_size (layout, &w, &h);
        if (py - h / 2.0 < 0 || py + h / 2.0 > height - label_h - 4)
          continue;
        draw_label (cr, layout, 4, py - h / 2.0, &text, &bg);
      }
  if (have_xt)
    for (guint i = 0; i < xt.count; i++)
      {
        double value = pc_graph_ticks_value (&xt, i);
        double px = (value - x_from) * x_scale;
        g_autofree char *label = pc_graph_ticks_label (&xt, value, &self->format);
        g_autoptr(PangoLayout) layout = label_layout (self, label);
        int w, h;

        pango_layout_get_pixel_size (layout, &w, &h);
        if (px - w / 2.0 < y_label_w + 10 || px + w / 2.0 > width - 2)
          continue;
        draw_label (cr, layout, px - w / 2.0, height - h - 2, &text, &bg);
      }
  cairo_restore (cr);
}

static gboolean
pc_graph_view_draw (GtkWidget *widget,
                    cairo_t   *cr)
{
  PcGraphView *self = PC_GRAPH_VIEW (widget);
  int width = gtk_widget_get_allocated_width (widget);
  int height = gtk_widget_get_allocated_height (widget);

  pc_graph_view_render (self, cr, width, height);
  if (isfinite (self->pointer_x))
    {
      GdkRGBA fg, bg;

      theme_colours (self, &fg, &bg);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, round (self->pointer_x) + 0.5, 0);
      cairo_line_to (cr, round (self->pointer_x) + 0.5, height);
      cairo_stroke (cr);
      /* A dot where each curve is under the pointer. */
      for (guint i = 0; i < self->curves->len; i++)
        {
          Curve *curve = self->curves->pdata[i];
          double x = self->cx + (self->pointer_x - width / 2.0) * self->sx;
          double y = pc_graph_view_value_at (self, curve->id, x);
          double py = height / 2.0 - (y - self->cy) / self->sy;
          GdkRGBA colour;

          if (!isfinite (py) || py < -10 || py > height + 10)
            continue;
          pc_graph_view_palette (curve->colour, &colour);
          gdk_cairo_set_source_rgba (cr, &colour);
          cairo_arc (cr, self->pointer_x, py, 4.0, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  if (gtk_widget_has_visible_focus (widget))
    gtk_render_focus (gtk_widget_get_style_context (widget), cr, 1, 1, width - 2, height - 2);
  return GDK_EVENT_PROPAGATE;
}

/* ---- Input ------------------------------------------------------------ */

static void
pointer_at (PcGraphView *self,
            double       px,
            double       py)
{
  double width = gtk_widget_get_allocated_width (GTK_WIDGET (self));

  self->pointer_x = px;
  self->pointer_y = py;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_POINTER_MOVED], 0,
                 isfinite (px) ? self->cx + (px - width / 2) * self->sx : NAN);
}

/* The handlers below chain up: GtkWidget's own run the gestures (drag,
 * pinch), which are in the bubble phase. Not every one exists (leave has
 * none): each is checked. */
static gboolean
pc_graph_view_motion_notify (GtkWidget      *widget,
                             GdkEventMotion *event)
{
  pointer_at (PC_GRAPH_VIEW (widget), event->x, event->y);
  if (GTK_WIDGET_CLASS (pc_graph_view_parent_class)->motion_notify_event == NULL)
    return GDK_EVENT_PROPAGATE;
  return GTK_WIDGET_CLASS (pc_graph_view_parent_class)->motion_notify_event (widget, event);
}

static gboolean
pc_graph_view_leave_notify (GtkWidget        *widget,
                            GdkEventCrossing *event)
{
  pointer_at (PC_GRAPH_VIEW (widget), NAN, NAN);
  /* GtkWidget has no handler of its own here (NULL): nothing to chain to. */
  if (GTK_WIDGET_CLASS (pc_graph_view_parent_class)->leave_notify_event == NULL)
    return GDK_EVENT_PROPAGATE;
  return GTK_WIDGET_CLASS (pc_graph_view_parent_class)->leave_notify_event (widget, event);
}

static gboolean
pc_graph_view_scroll (GtkWidget      *widget,
                      GdkEventScroll *event)
{
  PcGraphView *self = PC_GRAPH_VIEW (widget);
  double dx, dy;

  switch (event->direction)
    {
    case GDK_SCROLL_UP:
      zoom_at (self, 1 / ZOOM_STEP, event->x, event->y);
      break;
    case GDK_SCROLL_DOWN:
      zoom_at (self, ZOOM_STEP, event->x, event->y);
      break;
    case GDK_SCROLL_SMOOTH:
      if (gdk_event_get_scroll_deltas ((GdkEvent *) event, &dx, &dy) && dy != 0 && isfinite (dy))
        zoom_at (self, pow (ZOOM_STEP, CLAMP (dy, -10, 10)), event->x, event->y);
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }
  return GDK_EVENT_STOP;
}

static gboolean
pc_graph_view_button_press (GtkWidget      *widget,
                            GdkEventButton *event)
{
  gtk_widget_grab_focus (widget);
  if (GTK_WIDGET_CLASS (pc_graph_view_parent_class)->button_press_event == NULL)
    return GDK_EVENT_PROPAGATE;
  return GTK_WIDGET_CLASS (pc_graph_view_parent_class)->button_press_event (widget, event);
}

static gboolean
chain_key_press (GtkWidget   *widget,
                 GdkEventKey *event)
{
  if (GTK_WIDGET_CLASS (pc_graph_view_parent_class)->key_press_event == NULL)
    return GDK_EVENT_PROPAGATE;
  return GTK_WIDGET_CLASS (pc_graph_view_parent_class)->key_press_event (widget, event);
}

static gboolean
pc_graph_view_key_press (GtkWidget   *widget,
                         GdkEventKey *event)
{
  PcGraphView *self = PC_GRAPH_VIEW (widget);
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  double width = gtk_widget_get_allocated_width (widget);
  double height = gtk_widget_get_allocated_height (widget);

  if (mods == GDK_CONTROL_MASK && (event->keyval == GDK_KEY_0 || event->keyval == GDK_KEY_KP_0))
    {
      pc_graph_view_reset (self);
      return GDK_EVENT_STOP;
    }
  if ((mods & ~GDK_SHIFT_MASK) != 0)
    return chain_key_press (widget, event);
  switch (event->keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      pc_graph_view_zoom (self, 1 / ZOOM_STEP);
      return GDK_EVENT_STOP;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      pc_graph_view_zoom (self, ZOOM_STEP);
      return GDK_EVENT_STOP;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      pan_by (self, -width / 10, 0);
      return GDK_EVENT_STOP;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      pan_by (self, width / 10, 0);
      return GDK_EVENT_STOP;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      pan_by (self, 0, -height / 10);
      return GDK_EVENT_STOP;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      pan_by (self, 0, height / 10);
      return GDK_EVENT_STOP;
    default:
      return chain_key_press (widget, event);
    }
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PcGraphView    *self)
{
  self->drag_cx = self->cx;
  self->drag_cy = self->cy;
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                PcGraphView    *self)
{
  self->cx = self->drag_cx - dx * self->sx;
  self->cy = self->drag_cy + dy * self->sy;
  clamp_centre (self);
  view_changed (self);
}

static void
zoom_begin_cb (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               PcGraphView      *self)
{
  self->zoom_sx = self->sx;
  self->zoom_sy = self->sy;
  /* A pinch is not a drag. */
  gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag));
}

static void
zoom_scale_changed_cb (GtkGestureZoom *gesture,
                       double          scale,
                       PcGraphView    *self)
{
  double x, y;

  if (!(scale > 0) || !isfinite (scale)
      || !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  zoom_at (self, self->zoom_sx / scale / self->sx, x, y);
}

static void
pc_graph_view_size_allocate (GtkWidget     *widget,
                             GtkAllocation *allocation)
{
  PcGraphView *self = PC_GRAPH_VIEW (widget);

  GTK_WIDGET_CLASS (pc_graph_view_parent_class)->size_allocate (widget, allocation);
  if (self->reset_pending)
    apply_reset (self);
  if (allocation->width != self->last_width || allocation->height != self->last_height)
    {
      self->last_width = allocation->width;
      self->last_height = allocation->height;
      view_changed (self);
    }
}

static void
pc_graph_view_dispose (GObject *object)
{
  PcGraphView *self = PC_GRAPH_VIEW (object);

  g_clear_handle_id (&self->describe_source, g_source_remove);
  g_clear_object (&self->drag);
  g_clear_object (&self->zoom);
  G_OBJECT_CLASS (pc_graph_view_parent_class)->dispose (object);
}

static void
pc_graph_view_finalize (GObject *object)
{
  PcGraphView *self = PC_GRAPH_VIEW (object);

  g_ptr_array_unref (self->curves);
  G_OBJECT_CLASS (pc_graph_view_parent_class)->finalize (object);
}

static void
pc_graph_view_class_init (PcGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pc_graph_view_dispose;
  object_class->finalize = pc_graph_view_finalize;
  widget_class->draw = pc_graph_view_draw;
  widget_class->size_allocate = pc_graph_view_size_allocate;
  widget_class->motion_notify_event = pc_graph_view_motion_notify;
  widget_class->leave_notify_event = pc_graph_view_leave_notify;
  widget_class->scroll_event = pc_graph_view_scroll;
  widget_class->key_press_event = pc_graph_view_key_press;
  widget_class->button_press_event = pc_graph_view_button_press;

  signals[SIGNAL_VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_POINTER_MOVED] =
    g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  gtk_widget_class_set_css_name (widget_class, "graph");
}

static void
pc_graph_view_init (PcGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->curves = g_ptr_array_new_with_free_func ((GDestroyNotify) curve_free);
  self->pointer_x = self->pointer_y = NAN;
  self->reset_pending = TRUE;
  self->sx = self->sy = 2 * RESET_HALF_WIDTH / 400;
  pc_number_format_init (&self->format);
  gtk_widget_set_can_focus (widget, TRUE);
  gtk_widget_add_events (widget, GDK_POINTER_MOTION_MASK | GDK_LEAVE_NOTIFY_MASK
                                 | GDK_SCROLL_MASK | GDK_SMOOTH_SCROLL_MASK
                                 | GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK
                                 | GDK_TOUCH_MASK | GDK_KEY_PRESS_MASK);
  gtk_widget_set_size_request (widget, 200, 140);

  self->drag = gtk_gesture_drag_new (widget);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  self->zoom = gtk_gesture_zoom_new (widget);
  g_signal_connect (self->zoom, "begin", G_CALLBACK (zoom_begin_cb), self);
  g_signal_connect (self->zoom, "scale-changed", G_CALLBACK (zoom_scale_changed_cb), self);

  atk_object_set_name (gtk_widget_get_accessible (widget), _("Graph"));
  describe (self);
}

PcGraphView *
pc_graph_view_new (void)
{
  return g_object_new (PC_TYPE_GRAPH_VIEW, NULL);
}
