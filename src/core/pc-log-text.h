/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a server logs about its clients, made safe to log: plain functions
 * and plain structs with no GType, so that transport modules link them
 * too (libpctransport-support). */

/* Returns @text (@len bytes, or up to its NUL when -1) as printable
 * UTF-8 for a log line: control characters (C0, DEL, C1), a backslash and
 * bytes that are not valid UTF-8 become "\xNN" (C1 code points "\u0085"),
 * so nothing a client sends can move the cursor, ring, recolour a
 * terminal or start a line of its own that looks like the server's. At
 * most @max_chars characters of @text are kept (0: all), then "…". Newly
 * allocated. */
char    *pc_log_escape          (const char *text,
                                 gssize      len,
                                 gsize       max_chars);

/* A token bucket for messages a client can cause at will (connections,
 * refusals, bad announcements, disconnects): at most @burst at once, then
 * @per_second, so a flood costs a few lines a second instead of
 * megabytes. Thread-safe; zero-initialised fields are set on first use.
 * Static or embedded; pc_log_limit_clear() releases it. */
typedef struct
{
  GMutex  lock;
  double  tokens;
  gint64  last;        /* monotonic µs of the last refill; 0: never used */
  guint   suppressed;  /* dropped since the last message let through */
  guint   burst;       /* 0: PC_LOG_LIMIT_BURST */
  guint   per_second;  /* 0: PC_LOG_LIMIT_PER_SECOND */
} PcLogLimit;

#define PC_LOG_LIMIT_BURST      100
#define PC_LOG_LIMIT_PER_SECOND 20

void     pc_log_limit_clear     (PcLogLimit     *limit);
/* Logs like g_log() in @domain at @level, unless @limit is exhausted;
 * the first message let through after some were dropped ends with
 * "[and N similar messages suppressed: …]". @limit %NULL: no limit. */
void     pc_log_limited         (PcLogLimit     *limit,
                                 const char     *domain,
                                 GLogLevelFlags  level,
                                 const char     *format,
                                 ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS
