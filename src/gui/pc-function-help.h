/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

#include "pc-client.h"

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

/* What the window shows of the server's catalogue, kind by kind. */
typedef enum
{
  PC_CATALOG_FUNCTION,
  PC_CATALOG_OPERATOR,
  PC_CATALOG_CONSTANT,
  PC_CATALOG_USER,       /* a function the session defined */
} PcCatalogKind;

/* @description: translated (pc_function_help_describe()), or the text of a
 * user function's definition; may be %NULL. */
typedef void (*PcCatalogFunc) (PcCatalogKind  kind,
                               const char    *name,
                               const char    *description,
                               gpointer       user_data);

/* Calls @func on every entry of @catalog, grouped: functions, operators,
 * constants, then the session's functions, in the server's order within
 * each group; at most 1000 of each kind. */
void        pc_function_help_foreach  (const PcCatalog *catalog,
                                       PcCatalogFunc    func,
                                       gpointer         user_data);

/* One name completion offers: @name as matched and shown, its
 * @description (translated; may be ""), what choosing it types (@insert:
 * "sin()" for a function) and how far back the cursor goes then (@back). */
typedef struct
{
  char *name;
  char *description;
  char *insert;
  int   back;
} PcCompletion;

void pc_completion_free (PcCompletion *completion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcCompletion, pc_completion_free)

/* What completion offers: the catalogue's functions, constants and the
 * session's functions, then the names among @history (a variable typed
 * alone), each name once; operators and whole expressions ("sin(",
 * "2+2") never. A GPtrArray of PcCompletion, which it frees. */
GPtrArray  *pc_function_help_completions (const PcCatalog    *catalog,
                                          const char * const *history);

G_END_DECLS
