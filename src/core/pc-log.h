/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Installs a structured-log writer: the journal when stderr is connected
 * to it, otherwise one line per message on stderr,
 * "PROGRAM: HH:MM:SS.mmm message". Info messages are shown; debug ones
 * (the traffic) only with @verbose or G_MESSAGES_DEBUG. */
void pc_log_init (const char *program,
                  gboolean    verbose);

G_END_DECLS
