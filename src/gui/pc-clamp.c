/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include "pc-clamp.h"

#define DEFAULT_MAXIMUM_SIZE 800

struct _PcClamp
{
  GtkBin parent_instance;

  int    maximum_size;
};

enum { PROP_0, PROP_MAXIMUM_SIZE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PcClamp, pc_clamp, GTK_TYPE_BIN)

/* The width the child gets out of @width: the maximum, or what it needs
 * if that is more, or all of @width if that is less. */
static int
child_width (PcClamp *self,
             int      width)
{
  GtkWidget *child = gtk_bin_get_child (GTK_BIN (self));
  int minimum = 0;

  gtk_widget_get_preferred_width (child, &minimum, NULL);
  return MIN (width, MAX (self->maximum_size, minimum));
}

static GtkSizeRequestMode
pc_clamp_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
pc_clamp_get_preferred_height_for_width (GtkWidget *widget,
                                         int        width,
                                         int       *minimum,
                                         int       *natural)
{
  GtkWidget *child = gtk_bin_get_child (GTK_BIN (widget));

  *minimum = *natural = 0;
  if (child != NULL && gtk_widget_get_visible (child))
    gtk_widget_get_preferred_height_for_width (child, child_width (PC_CLAMP (widget), width),
                                               minimum, natural);
}

static void
pc_clamp_size_allocate (GtkWidget     *widget,
                        GtkAllocation *allocation)
{
  GtkWidget *child = gtk_bin_get_child (GTK_BIN (widget));
  GtkAllocation inner = *allocation;

  gtk_widget_set_allocation (widget, allocation);
  if (child == NULL || !gtk_widget_get_visible (child))
    return;
  inner.width = child_width (PC_CLAMP (widget), allocation->width);
  inner.x = allocation->x + (allocation->width - inner.width) / 2;
  gtk_widget_size_allocate (child, &inner);
}

static void
pc_clamp_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_MAXIMUM_SIZE:
      g_value_set_int (value, PC_CLAMP (object)->maximum_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pc_clamp_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_MAXIMUM_SIZE:
      pc_clamp_set_maximum_size (PC_CLAMP (object), g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pc_clamp_class_init (PcClampClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = pc_clamp_get_property;
  object_class->set_property = pc_clamp_set_property;
  widget_class->get_request_mode = pc_clamp_get_request_mode;
  /* The width and height without a width are GtkBin's: the child's. */
  widget_class->get_preferred_height_for_width = pc_clamp_get_preferred_height_for_width;
  widget_class->size_allocate = pc_clamp_size_allocate;

  properties[PROP_MAXIMUM_SIZE] =
    g_param_spec_int ("maximum-size", NULL, NULL, 0, G_MAXINT, DEFAULT_MAXIMUM_SIZE,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "clamp");
}

static void
pc_clamp_init (PcClamp *self)
{
  gtk_widget_set_has_window (GTK_WIDGET (self), FALSE);
  self->maximum_size = DEFAULT_MAXIMUM_SIZE;
}

GtkWidget *
pc_clamp_new (void)
{
  return g_object_new (PC_TYPE_CLAMP, NULL);
}

void
pc_clamp_set_maximum_size (PcClamp *self,
                           int      maximum_size)
{
  g_return_if_fail (PC_IS_CLAMP (self));
  g_return_if_fail (maximum_size >= 0);

  if (self->maximum_size == maximum_size)
    return;
  self->maximum_size = maximum_size;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAXIMUM_SIZE]);
}

int
pc_clamp_get_maximum_size (PcClamp *self)
{
  g_return_val_if_fail (PC_IS_CLAMP (self), 0);

  return self->maximum_size;
}
