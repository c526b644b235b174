/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-connection.h"

G_BEGIN_DECLS

/* One definition of the session: a variable with its value, or a user
 * function with the text of its definition. Read-only properties: "name",
 * "is-function", "value" (variables; NAN when not known), "text" ("a = 3",
 * or "f(x) = x^2"). */
#define PC_TYPE_DEFINITION (pc_definition_get_type ())
G_DECLARE_FINAL_TYPE (PcDefinition, pc_definition, PC, DEFINITION, GObject)

PcDefinition *pc_definition_new_variable (const char   *name,
                                          double        value);
PcDefinition *pc_definition_new_function (const char   *name,
                                          const char   *text);
const char   *pc_definition_get_name     (PcDefinition *self);
gboolean      pc_definition_is_function  (PcDefinition *self);
double        pc_definition_get_value    (PcDefinition *self);
const char   *pc_definition_get_text     (PcDefinition *self);

#define PC_TYPE_SESSION_MODEL (pc_session_model_get_type ())
G_DECLARE_FINAL_TYPE (PcSessionModel, pc_session_model, PC, SESSION_MODEL, GObject)

/* What the session of a PcConnection has defined: its variables (not
 * `ans`) in name order, then its user functions in name order. Read again
 * (one `vars`, paged, and one `functions`) once the evaluations in flight
 * are all answered, after an unset, and in each new session; the list
 * changes only where the session did.
 *
 * When restoring (pc_session_model_set_restore(), on by default), a new
 * session first gets the definitions of the last one replayed: variables
 * (exact values), then functions (those that need one defined later are
 * tried again until nothing more can be defined), before anything typed
 * meanwhile is evaluated. What could not be replayed is logged.
 *
 * Signals:
 *   "session-started" (guint session): a new session began (a reconnect,
 *     another server, a restart), before its replay;
 *   "restored" (guint n_variables, guint n_functions): the replay into the
 *     new session is over, with how many definitions it made (0, 0 when
 *     there was nothing to replay or restoring is off);
 *   "log" (gboolean is_error, const char *text): a line for the log;
 *   "catalog-changed": pc_session_model_get_catalog() has changed. */
PcSessionModel *pc_session_model_new             (PcConnection        *connection);
GListModel     *pc_session_model_get_definitions (PcSessionModel      *self);
/* The server's `functions` catalogue as last read, with the session's own
 * functions (%NULL until the first reading): read in the same reading as
 * the definitions, so once per batch, never more. It stays when the
 * connection is lost, until a new session's catalogue replaces it. */
const PcCatalog *pc_session_model_get_catalog    (PcSessionModel      *self);
void            pc_session_model_set_restore     (PcSessionModel      *self,
                                                  gboolean             restore);
gboolean        pc_session_model_get_restore     (PcSessionModel      *self);
/* Where the definitions are kept between runs of the program (%NULL: not
 * kept). Reads the file now: what it holds is what the next session gets
 * replayed; entries that make no sense are left out, each with a "log"
 * line. From then on every change is written there (atomically, soon
 * after it happens, and when the model goes). */
void            pc_session_model_set_store_path  (PcSessionModel      *self,
                                                  const char          *path);

/* Writes a change not written yet, now (the window is closing). */
void            pc_session_model_save_now        (PcSessionModel      *self);

/* Removes the variable or function @name from the session. */
void            pc_session_model_unset_async     (PcSessionModel      *self,
                                                  const char          *name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        pc_session_model_unset_finish    (PcSessionModel      *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* The replay as expressions, for the tests: variables joined as
 * "a = 3, b = -1/0" in requests of at most @max_bytes and 32 assignments
 * each, then one
 * request per function. Values that cannot be written are left out and
 * named in @skipped (may be %NULL). */
GPtrArray      *pc_session_replay_plan           (GListModel          *definitions,
                                                  gsize                max_bytes,
                                                  guint               *n_variable_requests,
                                                  GPtrArray           *skipped);

G_END_DECLS
