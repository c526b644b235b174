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
 * "connected" (const char *server_info_text), "functions" (GStrv: the
 * names the server knows, for completion). */
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

/* The server's catalogue (pc_client_catalog_async()), asked in the
 * connection's session; fails at once with PC_CLIENT_ERROR_NOT_CONNECTED
 * when not connected. The "functions" signal says when it is worth
 * asking again. */
void             pc_connection_catalog_async  (PcConnection        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
PcCatalog       *pc_connection_catalog_finish (PcConnection        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
