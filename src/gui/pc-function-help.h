/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The window's own, translatable descriptions of the server's functions,
 * operators and constants (the server describes them in English only).
 * Returns the description of @name in the UI language, or @server_text
 * (which may be %NULL) for a name the window does not know. */
const char *pc_function_help_describe (const char *name,
                                       const char *server_text);
/* The English description of @name, or %NULL: searching finds a function
 * by its description in either language. */
const char *pc_function_help_english  (const char *name);

G_END_DECLS
