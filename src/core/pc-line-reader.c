/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>

#include "pc-line-reader.h"

/* One growable buffer per connection. Bytes are read straight into it
 * (prepare/commit), lines are handed out as pointers into it, and consumed
 * bytes are dropped by moving the unconsumed tail to the front before the
 * next read, so a connection costs one buffer, not one allocation per line. */
struct _PcLineReader
{
  guint8  *buf;
  gsize    cap;
  gsize    start;  /* first byte not yet handed out */
  gsize    end;    /* one past the last byte read */
  gsize    scan;   /* bytes before this offset hold no \n */
  gsize    max_line;
  gboolean discarding;  /* inside an over-long line, skipping to its \n */
};

PcLineReader *
pc_line_reader_new (gsize max_line)
{
  PcLineReader *self = g_new0 (PcLineReader, 1);

  self->max_line = max_line;
  return self;
}

void
pc_line_reader_free (PcLineReader *self)
{
  if (self == NULL)
    return;
  g_free (self->buf);
  g_free (self);
}

gsize
pc_line_reader_max_line (PcLineReader *self)
{
  return self->max_line;
}

gsize
pc_line_reader_pending (PcLineReader *self)
{
  return self->end - self->start;
}

guint8 *
pc_line_reader_prepare (PcLineReader *self,
                        gsize         want)
{
  if (self->start > 0)
    {
      memmove (self->buf, self->buf + self->start, self->end - self->start);
      self->end -= self->start;
      self->scan -= self->start;
      self->start = 0;
    }
  if (self->cap - self->end < want)
    {
      gsize cap = MAX (self->cap, 256);

      while (cap - self->end < want)
        cap *= 2;
      self->buf = g_realloc (self->buf, cap);
      self->cap = cap;
    }
  return self->buf + self->end;
}

void
pc_line_reader_commit (PcLineReader *self,
                       gsize         n_read)
{
  g_return_if_fail (n_read <= self->cap - self->end);
  self->end += n_read;
}

static gboolean
starts_like_json (const guint8 *p,
                  gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')
        continue;
      return p[i] == '{' || p[i] == '[';
    }
  return FALSE;
}

PcLineStatus
pc_line_reader_next (PcLineReader  *self,
                     const char   **line,
                     gsize         *len,
                     gboolean      *looks_json)
{
  for (;;)
    {
      /* Before the first read buf is NULL, which memchr must not see. */
      guint8 *nl = self->scan < self->end
        ? memchr (self->buf + self->scan, '\n', self->end - self->scan)
        : NULL;
      gsize line_len;

      if (nl == NULL)
        {
          self->scan = self->end;
          if (self->discarding)
            {
              /* Keep nothing of a line already reported as too long. */
              self->start = self->scan = self->end;
              return PC_LINE_NONE;
            }
          /* +1: the line may still end in \r, which is not part of it. */
          if (self->end - self->start > self->max_line + 1)
            {
              *looks_json = starts_like_json (self->buf + self->start,
                                              self->end - self->start);
              self->discarding = TRUE;
              self->start = self->scan = self->end;
              return PC_LINE_TOO_LONG;
            }
          return PC_LINE_NONE;
        }

      line_len = nl - (self->buf + self->start);
      *line = (const char *) self->buf + self->start;
      self->start = self->scan = nl - self->buf + 1;

      if (self->discarding)
        {
          self->discarding = FALSE;
          continue;
        }
      if (line_len > 0 && (*line)[line_len - 1] == '\r')
        line_len--;
      if (line_len > self->max_line)
        {
          *looks_json = starts_like_json ((const guint8 *) *line, line_len);
          return PC_LINE_TOO_LONG;
        }
      *len = line_len;
      return PC_LINE_OK;
    }
}

gboolean
pc_line_is_blank (const char *line,
                  gssize      len)
{
  for (gsize i = 0; len < 0 ? line[i] != '\0' : i < (gsize) len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
      return FALSE;
  return TRUE;
}

gboolean
pc_line_reader_in_line (PcLineReader *self)
{
  return self->end > self->start || self->discarding;
}
