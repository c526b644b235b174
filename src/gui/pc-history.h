/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Bytes of a result kept; a line longer than PC_HISTORY_MAX_LINE in the
 * file is damage, skipped. */
#define PC_HISTORY_MAX_RESULT 1024
#define PC_HISTORY_MAX_LINE   65536

#define PC_TYPE_HISTORY (pc_history_get_type ())
G_DECLARE_FINAL_TYPE (PcHistory, pc_history, PC, HISTORY, GObject)

/* The expressions a person typed, newest first, without duplicates, at
 * most max-size of them, each with the result it last gave as the window
 * showed it (or none: pending, failed, plotted). When persistent, every
 * change is written to @path at once, atomically (a temporary file renamed
 * over the old one), so nothing is lost when the program is killed. The
 * file has one expression per line, newest first, its result after a tab;
 * a file of an older version (no tabs) loads as expressions without
 * results. Emits "changed". */
PcHistory          *pc_history_new            (const char  *path,
                                               guint        max_size,
                                               gboolean     persistent);
/* Reads the file; a missing file is an empty history. */
gboolean            pc_history_load           (PcHistory   *self,
                                               GError     **error);
gboolean            pc_history_add            (PcHistory   *self,
                                               const char  *expression,
                                               GError     **error);
/* Gives @expression, if in the history, the result @result (%NULL: none);
 * tabs and newlines in it become spaces, and a result longer than
 * PC_HISTORY_MAX_RESULT bytes is cut. */
gboolean            pc_history_set_result     (PcHistory   *self,
                                               const char  *expression,
                                               const char  *result,
                                               GError     **error);
gboolean            pc_history_clear          (PcHistory   *self,
                                               GError     **error);
/* The history in the file's format, for pc_history_restore(). */
char               *pc_history_serialize      (PcHistory   *self);
/* Undoes a clear: the items of @text (pc_history_serialize()'s) come back
 * after the ones added since, without duplicates, within max-size; saved. */
gboolean            pc_history_restore        (PcHistory   *self,
                                               const char  *text,
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
/* The result of item @index (0: newest), %NULL if it has none. */
const char         *pc_history_get_result     (PcHistory   *self,
                                               guint        index);
/* $XDG_DATA_HOME/pipecalc/history */
char               *pc_history_default_path   (void);

G_END_DECLS
