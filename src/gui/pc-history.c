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
  GPtrArray *items;    /* char*, newest first, NULL-terminated */
  GPtrArray *results;  /* char* or NULL, one per item */
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
  g_ptr_array_unref (self->results);
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
  self->results = g_ptr_array_new_with_free_func (g_free);
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
  g_ptr_array_remove_index (self->results, index);
}

static void
remove_all (PcHistory *self)
{
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_add (self->items, NULL);
  g_ptr_array_set_size (self->results, 0);
}

static int
find (PcHistory  *self,
      const char *expression)
{
  for (guint i = 0; i < length (self); i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), expression))
      return (int) i;
  return -1;
}

/* Tabs and newlines would break the file's lines: spaces instead (to
 * muparser they are the same). */
static char *
one_line (const char *text,
          gsize       max)
{
  char *line = g_strdup (text);

  for (char *c = line; *c != '\0'; c++)
    if (*c == '\t' || *c == '\n' || *c == '\r')
      *c = ' ';
  if (strlen (line) > max)
    {
      const char *end = line + max;

      /* Cut on a character boundary. */
      g_utf8_validate (line, max, &end);
      line[end - line] = '\0';
    }
  return line;
}

/* Appends a line of the file format as the oldest item, unless damaged
 * or already there. */
static void
append_line (PcHistory  *self,
             const char *line)
{
  const char *tab;
  g_autofree char *expression = NULL;
  g_autofree char *result = NULL;

  /* A damaged file must not bring damaged text into the entry. */
  if (line[0] == '\0' || strlen (line) > PC_HISTORY_MAX_LINE
      || !g_utf8_validate (line, -1, NULL))
    return;
  tab = strchr (line, '\t');
  expression = g_strndup (line, tab ? (gsize) (tab - line) : strlen (line));
  g_strstrip (expression);
  if (expression[0] == '\0' || find (self, expression) >= 0)
    return;
  if (tab != NULL && tab[1] != '\0')
    result = g_strstrip (one_line (tab + 1, PC_HISTORY_MAX_RESULT));
  g_ptr_array_insert (self->items, length (self), g_steal_pointer (&expression));
  g_ptr_array_add (self->results, g_steal_pointer (&result));
}

static void
trim (PcHistory *self)
{
  while (length (self) > self->max_size)
    remove_at (self, length (self) - 1);
}

/* One expression per line, newest first, then a tab and its result if
 * it has one. Neither holds a tab or a newline (one_line()), so no
 * escaping is needed. */
char *
pc_history_serialize (PcHistory *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < length (self); i++)
    {
      const char *result = g_ptr_array_index (self->results, i);

      g_string_append (text, g_ptr_array_index (self->items, i));
      if (result != NULL)
        g_string_append_printf (text, "\t%s", result);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

static gboolean
save (PcHistory  *self,
      GError    **error)
{
  g_autofree char *text = NULL;
  g_autofree char *dir = NULL;

  if (!self->persistent)
    return TRUE;
  text = pc_history_serialize (self);
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
  if (!g_file_set_contents_full (self->path, text, strlen (text),
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

  remove_all (self);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && length (self) < self->max_size; i++)
    append_line (self, lines[i]);
  trim (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
pc_history_add (PcHistory   *self,
                const char  *expression,
                GError     **error)
{
  g_autofree char *text = g_strstrip (one_line (expression, PC_HISTORY_MAX_LINE));
  int old;

  if (text[0] == '\0' || strchr (expression, '\n') != NULL)
    return TRUE;
  /* Entered again: it moves to the top, without its old result (the
   * variables it reads may have changed). */
  if ((old = find (self, text)) >= 0)
    remove_at (self, old);
  g_ptr_array_insert (self->items, 0, g_steal_pointer (&text));
  g_ptr_array_insert (self->results, 0, NULL);
  trim (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return save (self, error);
}

gboolean
pc_history_clear (PcHistory  *self,
                  GError    **error)
{
  remove_all (self);
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

const char *
pc_history_get_result (PcHistory *self,
                       guint      index)
{
  g_return_val_if_fail (index < length (self), NULL);
  return g_ptr_array_index (self->results, index);
}

gboolean
pc_history_set_result (PcHistory   *self,
                       const char  *expression,
                       const char  *result,
                       GError     **error)
{
  g_autofree char *text = g_strstrip (one_line (expression, PC_HISTORY_MAX_LINE));
  int index = find (self, text);
  char *line;

  if (index < 0)
    return TRUE;
  line = result != NULL ? g_strstrip (one_line (result, PC_HISTORY_MAX_RESULT)) : NULL;
  if (line != NULL && line[0] == '\0')
    g_clear_pointer (&line, g_free);
  if (g_strcmp0 (line, g_ptr_array_index (self->results, index)) == 0)
    {
      g_free (line);
      return TRUE;
    }
  g_free (g_ptr_array_index (self->results, index));
  g_ptr_array_index (self->results, index) = line;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return save (self, error);
}

gboolean
pc_history_restore (PcHistory   *self,
                    const char  *text,
                    GError     **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL && length (self) < self->max_size; i++)
    append_line (self, lines[i]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return save (self, error);
}
