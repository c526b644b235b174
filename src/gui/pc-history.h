/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PC_TYPE_HISTORY (pc_history_get_type ())
G_DECLARE_FINAL_TYPE (PcHistory, pc_history, PC, HISTORY, GObject)

/* The expressions a person typed, newest first, without duplicates, at
 * most max-size of them. When persistent, every change is written to @path
 * at once, atomically (a temporary file renamed over the old one), so
 * nothing is lost when the program is killed. Emits "changed". */
PcHistory          *pc_history_new            (const char  *path,
                                               guint        max_size,
                                               gboolean     persistent);
/* Reads the file; a missing file is an empty history. */
gboolean            pc_history_load           (PcHistory   *self,
                                               GError     **error);
gboolean            pc_history_add            (PcHistory   *self,
                                               const char  *expression,
                                               GError     **error);
gboolean            pc_history_clear          (PcHistory   *self,
                                               GError     **error);
void                pc_history_set_max_size   (PcHistory   *self,
                                               guint        max_size);
/* Turning persistence off removes the file; on writes it. */
gboolean            pc_history_set_persistent (PcHistory   *self,
                                               gboolean     persistent,
                                               GError     **error);
/* Newest first; %NULL-terminated, owned by the history. */
const char * const *pc_history_get_items      (PcHistory   *self);
guint               pc_history_get_length     (PcHistory   *self);
/* $XDG_DATA_HOME/pipecalc/history */
char               *pc_history_default_path   (void);

G_END_DECLS
