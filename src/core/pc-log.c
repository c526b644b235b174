/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pc-log.h"

typedef struct
{
  char    *program;
  gboolean verbose;
  gboolean journald;
} LogConfig;

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "error: ";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "critical: ";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning: ";
  return "";
}

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  LogConfig *config = user_data;
  const char *message = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  if ((level & G_LOG_LEVEL_DEBUG) && !config->verbose)
    return g_log_writer_default (level, fields, n_fields, NULL);
  if (config->journald)
    return g_log_writer_journald (level, fields, n_fields, NULL);

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  if (message == NULL)
    return G_LOG_WRITER_UNHANDLED;

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%H:%M:%S.%f");
  /* %f gives microseconds; milliseconds are enough to read a log. */
  if (stamp != NULL && strlen (stamp) > 12)
    stamp[12] = '\0';
  fprintf (stderr, "%s: %s %s%s\n", config->program, stamp ? stamp : "",
           level_name (level), message);
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

void
pc_log_init (const char *program,
             gboolean    verbose)
{
  LogConfig *config = g_new0 (LogConfig, 1);

  config->program = g_strdup (program);
  config->verbose = verbose;
  config->journald = g_log_writer_is_journald (fileno (stderr));
  /* The writer lives as long as the process, like GLib's own. */
  g_log_set_writer_func (writer, config, NULL);
}
