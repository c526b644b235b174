/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include "pc-keypad.h"

struct _PcKeypad
{
  GtkGrid parent_instance;
};

enum { SIGNAL_INSERT, SIGNAL_BACKSPACE, SIGNAL_CLEAR, SIGNAL_EVALUATE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcKeypad, pc_keypad, GTK_TYPE_GRID)

/* The buttons name their text in their action target ('sin()'): one
 * action for all of them, and the .ui file says what each types. */
static void
insert_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  const char *text = g_variant_get_string (parameter, NULL);

  g_signal_emit (user_data, signals[SIGNAL_INSERT], 0, text,
                 g_str_has_suffix (text, "()") ? 1 : 0);
}

static void
backspace_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_BACKSPACE], 0);
}

static void
clear_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CLEAR], 0);
}

static void
evaluate_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_EVALUATE], 0);
}

static const GActionEntry keypad_actions[] = {
  { .name = "insert", .activate = insert_activated, .parameter_type = "s" },
  { .name = "backspace", .activate = backspace_activated },
  { .name = "clear", .activate = clear_activated },
  { .name = "evaluate", .activate = evaluate_activated },
};

static void
pc_keypad_class_init (PcKeypadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_INSERT] = g_signal_new ("insert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_STRING, G_TYPE_INT);
  signals[SIGNAL_BACKSPACE] = g_signal_new ("backspace", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
  signals[SIGNAL_CLEAR] = g_signal_new ("clear", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_EVALUATE] = g_signal_new ("evaluate", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-keypad.ui");
}

static void
pc_keypad_init (PcKeypad *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (group), keypad_actions,
                                   G_N_ELEMENTS (keypad_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "keypad", G_ACTION_GROUP (group));
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pc_keypad_new (void)
{
  return g_object_new (PC_TYPE_KEYPAD, NULL);
}
