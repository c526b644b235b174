/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include "pc-client.h"

G_BEGIN_DECLS

typedef enum
{
  PC_CONNECTION_DISCONNECTED,  /* not started, or stopped */
  PC_CONNECTION_CONNECTING,
  PC_CONNECTION_CONNECTED,
  PC_CONNECTION_WAITING,       /* lost or refused: retrying after a delay */
} PcConnectionState;

typedef enum
{
  PC_CONNECTION_LOG_EVENT,     /* connecting, connected, lost... */
  PC_CONNECTION_LOG_SENT,      /* a request */
  PC_CONNECTION_LOG_RECEIVED,  /* a reply */
  PC_CONNECTION_LOG_ERROR,
  PC_CONNECTION_LOG_SERVER,    /* a line the private server logged */
} PcConnectionLogKind;

#define PC_TYPE_CONNECTION (pc_connection_get_type ())
G_DECLARE_FINAL_TYPE (PcConnection, pc_connection, PC, CONNECTION, GObject)

/* A connection that stays up: connects to its target, reconnects with
 * backoff (1, 2, 4... up to 30 s) when the server goes away, and keeps
 * evaluations asked for while disconnected until it is back. Properties:
 * "state" (PcConnectionState), "retry-in" (seconds until the next attempt
 * while WAITING). Signals: "log" (PcConnectionLogKind, const char *text),
 * "connected" (const char *server_info_text). */
PcConnection *pc_connection_new          (PcTransports        *transports);
/* @address %NULL means the default local address, where a private server
 * is started when @start_private and nobody answers. Reconnects. */
void          pc_connection_set_target   (PcConnection        *self,
                                          const char          *address,
                                          gboolean             start_private);
/* The access token presented on every (re)connection, and the CA file a
 * TLS server is verified against (%NULL or empty: none, the system's).
 * Used from the next connection on: call before set_target(). */
void          pc_connection_set_credentials (PcConnection     *self,
                                             const char       *token,
                                             const char       *tls_ca_file);
void          pc_connection_set_timeout  (PcConnection        *self,
                                          guint                seconds);
void          pc_connection_retry_now    (PcConnection        *self);
/* Reconnect now: while waiting to retry (or connecting), tries at once
 * and starts the back-off again from 1 s. */
void          pc_connection_reconnect_now (PcConnection       *self);
void          pc_connection_stop         (PcConnection        *self);

PcConnectionState pc_connection_get_state   (PcConnection     *self);
guint             pc_connection_get_retry_in (PcConnection    *self);
/* The address in use (the private server's when one was started). */
const char   *pc_connection_get_address  (PcConnection        *self);
const char   *pc_connection_get_transport (PcConnection       *self);
gboolean      pc_connection_is_local_only (PcConnection       *self);
gboolean      pc_connection_is_private   (PcConnection        *self);

/* Evaluates @expression in the connection's session. Fails only when
 * cancelled, timed out, or the connection is lost while it was in flight
 * (a server error is an outcome with error_code set, not a failure). */
void           pc_connection_eval_async  (PcConnection        *self,
                                          const char          *expression,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
PcEvalOutcome *pc_connection_eval_finish (PcConnection        *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Samples @expression in x at @points values from @from to @to, in the
 * connection's session (its variables visible, left unchanged). Unlike
 * eval, never kept for later: a graph wants the current view or nothing,
 * so it fails at once with PC_CLIENT_ERROR_NOT_CONNECTED when not
 * connected. The log gets one short line each way, never the values. */
void             pc_connection_sample_async  (PcConnection        *self,
                                              const char          *expression,
                                              double               from,
                                              double               to,
                                              guint                points,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
PcSampleOutcome *pc_connection_sample_finish (PcConnection        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* ---- Sessions ----------------------------------------------------------
 *
 * A session is a connection: every successful (re)connection starts a new
 * one, which knows no variable or function of the last. Signals:
 *   "session-started" (guint session): a new session is up and the server
 *     has said what it is (pc_connection_get_limits()); emitted before the
 *     evaluations kept while disconnected are sent, so a handler may
 *     pc_connection_hold() them while it prepares the session;
 *   "evaluated" (gboolean succeeded): an evaluation asked for with
 *     pc_connection_eval_async() was answered (the session may have
 *     changed).
 * Properties: "session" (guint, 0 before the first), "n-waiting" (guint:
 * evaluations kept for when connected). */
guint         pc_connection_get_session   (PcConnection       *self);
guint         pc_connection_get_n_waiting (PcConnection       *self);
/* Evaluations sent and not answered yet, plus those waiting. */
guint         pc_connection_get_n_pending (PcConnection       *self);
/* The limits the current session's server announced, or %NULL before it
 * has (or when it would not say). */
const PcServerLimits *pc_connection_get_limits (PcConnection  *self);
/* While held, evaluations wait even when connected; release sends them.
 * Holds count; each hold is released once. */
void          pc_connection_hold          (PcConnection       *self);
void          pc_connection_release       (PcConnection       *self);

/* Evaluates @expression at once in the session @session, ahead of the
 * evaluations waiting: for preparing a session. Never kept for later:
 * fails with PC_CLIENT_ERROR_NOT_CONNECTED when not connected or the
 * session is another. Emits no "evaluated". */
void           pc_connection_eval_now_async (PcConnection        *self,
                                             guint                session,
                                             const char          *expression,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
PcEvalOutcome *pc_connection_eval_now_finish (PcConnection       *self,
                                              GAsyncResult       *result,
                                              GError            **error);

/* The calls below are made in the current session, never kept for later:
 * not connected, they fail at once with PC_CLIENT_ERROR_NOT_CONNECTED. */
void           pc_connection_vars_async     (PcConnection        *self,
                                             const char          *after,
                                             guint                limit,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
PcVarsPage    *pc_connection_vars_finish    (PcConnection        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           pc_connection_catalog_async  (PcConnection        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
PcCatalog     *pc_connection_catalog_finish (PcConnection        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           pc_connection_unset_async    (PcConnection        *self,
                                             const char          *name,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       pc_connection_unset_finish   (PcConnection        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           pc_connection_reset_async    (PcConnection        *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       pc_connection_reset_finish   (PcConnection        *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
