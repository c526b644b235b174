/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PC_TYPE_CLAMP (pc_clamp_get_type ())
G_DECLARE_FINAL_TYPE (PcClamp, pc_clamp, PC, CLAMP, GtkBin)

/* A container of one child that gives it at most :maximum-size pixels of
 * width (never less than it needs), centred in whatever it gets: the
 * window's content keeps a comfortable width in a maximised window. */
GtkWidget *pc_clamp_new              (void);
void       pc_clamp_set_maximum_size (PcClamp *self,
                                      int      maximum_size);
int        pc_clamp_get_maximum_size (PcClamp *self);

G_END_DECLS
