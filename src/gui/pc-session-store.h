/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The session's definitions on disk, between runs of the program: a key
 * file next to the history, [variables] NAME=VALUE (%.17g, or inf, -inf,
 * nan) and [functions] NAME=DEFINITION. Bounded: at most
 * PC_SESSION_STORE_MAX_BYTES of file, PC_SESSION_STORE_MAX_VARIABLES
 * variables and PC_SESSION_STORE_MAX_FUNCTIONS functions are read or
 * written. */
#define PC_SESSION_STORE_MAX_BYTES     (1024 * 1024)
#define PC_SESSION_STORE_MAX_VARIABLES 10000
#define PC_SESSION_STORE_MAX_FUNCTIONS 100

/* $XDG_DATA_HOME/pipecalc/session.ini */
char      *pc_session_store_default_path (void);

/* The definitions in @path (PcDefinition*, variables then functions, each
 * in name order). A missing file is none. An entry that makes no sense (a
 * name that is not one, a value that is not a number, a definition that
 * is not one of its name) is left out, with a sentence in @complaints
 * (char*; may be %NULL). %NULL with @error only when the file cannot be
 * read or is not a key file at all, or too large. */
GPtrArray *pc_session_store_load         (const char  *path,
                                          GPtrArray   *complaints,
                                          GError     **error);
/* Writes @definitions (PcDefinition items) atomically, readable only by
 * the user; those over the bounds are left out. */
gboolean   pc_session_store_save         (const char  *path,
                                          GListModel  *definitions,
                                          GError     **error);
/* Whether @text reads as a definition of the function @name
 * ("f(x) = ..."), on one line, within the server's bound. */
gboolean   pc_session_store_is_definition (const char *text,
                                           const char *name);
/* Whether @name could be a variable's or a function's name. */
gboolean   pc_session_store_is_name      (const char  *name);

G_END_DECLS
