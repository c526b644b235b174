/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "pc-log-text.h"

#include <stdarg.h>
#include <string.h>

char *
pc_log_escape (const char *text,
               gssize      len,
               gsize       max_chars)
{
  GString *out;
  const char *p;
  const char *end;
  gsize chars = 0;

  if (text == NULL)
    return g_strdup ("(null)");
  if (len < 0)
    len = (gssize) strlen (text);
  out = g_string_sized_new ((gsize) len + 8);
  p = text;
  end = text + len;
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      guchar byte = (guchar) *p;

      if (max_chars > 0 && chars == max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      chars++;
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8 (or cut short): the byte itself, visibly. */
          g_string_append_printf (out, "\\x%02x", byte);
          p++;
        }
      else if (c < 0x20 || c == 0x7f || c == '\\')
        {
          g_string_append_printf (out, "\\x%02x", (guint) c);
          p++;
        }
      else if (c >= 0x80 && c < 0xa0)
        {
          /* C1 controls: CSI (U+009B) alone starts a terminal escape. */
          g_string_append_printf (out, "\\u%04x", (guint) c);
          p = g_utf8_next_char (p);
        }
      else
        {
          const char *next = g_utf8_next_char (p);

          g_string_append_len (out, p, next - p);
          p = next;
        }
    }
  return g_string_free (out, FALSE);
}

void
pc_log_limit_clear (PcLogLimit *limit)
{
  g_mutex_clear (&limit->lock);
}

/* Takes a token if there is one; returns how many messages were dropped
 * before this one, or -1 when this one must be dropped too. */
static gint64
take_token (PcLogLimit *limit)
{
  gint64 now = g_get_monotonic_time ();
  double burst = limit->burst > 0 ? limit->burst : PC_LOG_LIMIT_BURST;
  double rate = limit->per_second > 0 ? limit->per_second : PC_LOG_LIMIT_PER_SECOND;
  gint64 result = -1;

  g_mutex_lock (&limit->lock);
  if (limit->last == 0)
    limit->tokens = burst;
  else
    limit->tokens = MIN (burst, limit->tokens + rate * (double) (now - limit->last)
                                                / G_USEC_PER_SEC);
  limit->last = now;
  if (limit->tokens >= 1.0)
    {
      limit->tokens -= 1.0;
      result = limit->suppressed;
      limit->suppressed = 0;
    }
  else
    limit->suppressed++;
  g_mutex_unlock (&limit->lock);
  return result;
}

void
pc_log_limited (PcLogLimit     *limit,
                const char     *domain,
                GLogLevelFlags  level,
                const char     *format,
                ...)
{
  g_autofree char *message = NULL;
  gint64 dropped = 0;
  va_list args;

  if (limit != NULL)
    {
      dropped = take_token (limit);
      if (dropped < 0)
        return;
    }
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (dropped > 0)
    g_log (domain, level, "%s [and %" G_GINT64_FORMAT " similar messages suppressed: "
           "more than %u a second]", message, dropped,
           limit->per_second > 0 ? limit->per_second : PC_LOG_LIMIT_PER_SECOND);
  else
    g_log (domain, level, "%s", message);
}
