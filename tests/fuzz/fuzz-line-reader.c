/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <string.h>

#include "pc-fuzz.h"
#include "pc-line-reader.h"

/* The line reader against a model. The first two bytes choose the line
 * limit (0…511) and the rest is cut into reads whose sizes come from the
 * data itself. Whatever the cuts, the reader must report exactly what
 * the model says, one event per line:
 *   - a complete line (one \r before its \n dropped) of at most the limit:
 *     PC_LINE_OK with exactly its bytes;
 *   - a longer complete line: PC_LINE_TOO_LONG;
 *   - an unfinished last line: PC_LINE_TOO_LONG once it holds more than
 *     limit + 1 bytes, nothing otherwise. */

typedef struct
{
  gboolean    too_long;
  const char *bytes;
  gsize       len;
} Expected;

static GArray *
model (const char *data,
       gsize       size,
       gsize       max_line)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Expected));
  gsize start = 0;

  while (start < size)
    {
      const char *nl = memchr (data + start, '\n', size - start);
      Expected e = { FALSE, data + start, 0 };

      if (nl == NULL)
        {
          if (size - start > max_line + 1)
            {
              e.too_long = TRUE;
              e.len = size - start;
              g_array_append_val (lines, e);
            }
          break;
        }
      e.len = nl - (data + start);
      if (e.len > 0 && e.bytes[e.len - 1] == '\r')
        e.len--;
      e.too_long = e.len > max_line;
      g_array_append_val (lines, e);
      start = nl - data + 1;
    }
  return lines;
}

static void
check_event (GArray       *expected,
             guint        *next,
             PcLineStatus  status,
             const char   *line,
             gsize         len,
             gboolean      looks_json)
{
  const Expected *e;

  if (*next >= expected->len)
    g_error ("line reader: an event (%d) beyond the %u lines of the input",
             status, expected->len);
  e = &g_array_index (expected, Expected, *next);
  (*next)++;
  if (e->too_long != (status == PC_LINE_TOO_LONG))
    g_error ("line reader: line %u reported %s, the model says %s", *next,
             status == PC_LINE_TOO_LONG ? "too long" : "ok",
             e->too_long ? "too long" : "ok");
  if (status == PC_LINE_OK && (len != e->len || memcmp (line, e->bytes, len) != 0))
    g_error ("line reader: line %u has %" G_GSIZE_FORMAT " bytes, the model %"
             G_GSIZE_FORMAT, *next, len, e->len);
  if (status == PC_LINE_TOO_LONG && looks_json)
    {
      gsize i = 0;

      /* "Looks like JSON" is judged on what was buffered, so only the
       * direction that must always hold is checked. */
      while (i < e->len && (e->bytes[i] == ' ' || e->bytes[i] == '\t' || e->bytes[i] == '\r'))
        i++;
      if (i == e->len || (e->bytes[i] != '{' && e->bytes[i] != '['))
        g_error ("line reader: line %u said to look like JSON", *next);
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  pc_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PcLineReader) reader = NULL;
  g_autoptr(GArray) expected = NULL;
  const char *text;
  gsize max_line, pos = 0, text_len;
  guint next = 0, cut = 0;

  if (size < 2)
    return 0;
  max_line = ((data[0] << 8) | data[1]) % 512;
  text = (const char *) data + 2;
  text_len = size - 2;
  reader = pc_line_reader_new (max_line);
  expected = model (text, text_len, max_line);

  while (pos < text_len)
    {
      /* Read sizes from 1 to 64 bytes, taken from the data: the cuts
       * land inside \r\n pairs, at the limit and around it. */
      gsize want = 1 + (guint8) text[(cut * 7) % text_len] % 64;
      gsize n = MIN (want, text_len - pos);
      guint8 *room = pc_line_reader_prepare (reader, want);
      PcLineStatus status;
      const char *line = NULL;
      gsize len = 0;
      gboolean looks_json = FALSE;

      cut++;
      memcpy (room, text + pos, n);
      pc_line_reader_commit (reader, n);
      pos += n;
      while ((status = pc_line_reader_next (reader, &line, &len, &looks_json)) != PC_LINE_NONE)
        {
          check_event (expected, &next, status, line, len, looks_json);
          if (status == PC_LINE_OK && memchr (line, '\n', len) != NULL)
            g_error ("line reader: a line holds a newline");
        }
      /* All that may stay buffered is an unfinished line within the limit. */
      if (pc_line_reader_pending (reader) > max_line + 1)
        g_error ("line reader: %" G_GSIZE_FORMAT " bytes kept with a limit of %"
                 G_GSIZE_FORMAT, pc_line_reader_pending (reader), max_line);
    }
  if (next != expected->len)
    g_error ("line reader: %u events for %u lines", next, expected->len);
  return 0;
}
