/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes a write to a pipe or socket nobody reads any more fail with EPIPE
 * (G_IO_ERROR_BROKEN_PIPE) instead of killing the process with SIGPIPE,
 * by ignoring the signal process-wide, unless the program installed a
 * handler of its own, which is left alone. Idempotent and thread-safe;
 * does nothing where there is no SIGPIPE. Every program calls it before
 * its first connection, and transports whose streams have no
 * MSG_NOSIGNAL call it too, so a program that forgot is safe all the
 * same. */
void pc_ignore_sigpipe (void);

G_END_DECLS
