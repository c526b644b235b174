/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "pc-history.h"

struct _PcHistory
{
  GObject    parent_instance;

  char      *path;
  guint      max_size;
  gboolean   persistent;
  GPtrArray *items;  /* char*, newest first, NULL-terminated */
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcHistory, pc_history, G_TYPE_OBJECT)

static void
pc_history_finalize (GObject *object)
{
  PcHistory *self = PC_HISTORY (object);

  g_free (self->path);
  g_ptr_array_unref (self->items);
  G_OBJECT_CLASS (pc_history_parent_class)->finalize (object);
}

static void
pc_history_class_init (PcHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pc_history_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 0);
}

static void
pc_history_init (PcHistory *self)
{
  self->items = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->items, NULL);
}

char *
pc_history_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "pipecalc", "history", NULL);
}

PcHistory *
pc_history_new (const char *path,
                guint       max_size,
                gboolean    persistent)
{
  PcHistory *self = g_object_new (PC_TYPE_HISTORY, NULL);

  self->path = g_strdup (path);
  self->max_size = MAX (max_size, 1);
  self->persistent = persistent;
  return self;
}

static guint
length (PcHistory *self)
{
  return self->items->len - 1;
}

static void
remove_at (PcHistory *self,
           guint      index)
{
  g_ptr_array_remove_index (self->items, index);
}

static void
trim (PcHistory *self)
{
  while (length (self) > self->max_size)
    remove_at (self, length (self) - 1);
}

/* One expression per line, newest first. Expressions never hold a
 * newline (the entry is one line), so no escaping is needed. */
static gboolean
save (PcHistory  *self,
      GError    **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *dir = NULL;

  if (!self->persistent)
    return TRUE;
  for (guint i = 0; i < length (self); i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (self->items, i));
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* g_file_set_contents writes a temporary file, syncs it and renames it
   * over the old one: a crash leaves the old history or the new one. */
  if (!g_file_set_contents_full (self->path, text->str, text->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      g_prefix_error (error, _("Cannot save the history: "));
      return FALSE;
    }
  return TRUE;
}

gboolean
pc_history_load (PcHistory  *self,
                 GError    **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (self->path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot read the history: "));
      return FALSE;
    }

  g_ptr_array_set_size (self->items, 0);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean seen = FALSE;

      /* A damaged file must not bring damaged text into the entry. */
      if (lines[i][0] == '\0' || !g_utf8_validate (lines[i], -1, NULL))
        continue;
      for (guint j = 0; j < self->items->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (self->items, j), lines[i]);
      if (!seen)
        g_ptr_array_add (self->items, g_strdup (lines[i]));
    }
  g_ptr_array_add (self->items, NULL);
  trim (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
pc_history_add (PcHistory   *self,
                const char  *expression,
                GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (expression));

  if (text[0] == '\0' || strchr (text, '\n') != NULL)
    return TRUE;
  for (guint i = 0; i < length (self); i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), text))
      {
        remove_at (self, i);
        break;
      }
  g_ptr_array_insert (self->items, 0, g_steal_pointer (&text));
  trim (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return save (self, error);
}

gboolean
pc_history_clear (PcHistory  *self,
                  GError    **error)
{
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_add (self->items, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  if (g_unlink (self->path) < 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot remove %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

void
pc_history_set_max_size (PcHistory *self,
                         guint      max_size)
{
  self->max_size = MAX (max_size, 1);
  if (length (self) > self->max_size)
    {
      trim (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      save (self, NULL);
    }
}

gboolean
pc_history_set_persistent (PcHistory  *self,
                           gboolean    persistent,
                           GError    **error)
{
  self->persistent = persistent;
  if (persistent)
    return save (self, error);
  if (g_unlink (self->path) < 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot remove %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

const char * const *
pc_history_get_items (PcHistory *self)
{
  return (const char * const *) self->items->pdata;
}

guint
pc_history_get_length (PcHistory *self)
{
  return length (self);
}
