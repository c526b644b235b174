/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-protocol.h"
#include "pc-transport.h"

G_BEGIN_DECLS

#define PC_CLIENT_ERROR (pc_client_error_quark ())

typedef enum
{
  PC_CLIENT_ERROR_NOT_CONNECTED,   /* no connection, or it was lost */
  PC_CLIENT_ERROR_NO_SERVER,       /* nobody answers at the address */
  PC_CLIENT_ERROR_SERVER_FAILED,   /* the private server would not start */
} PcClientError;

GQuark pc_client_error_quark (void);

/* One reply to one call: either a result or an error from the server.
 * @raw is the reply line as received (without newline). */
typedef struct
{
  JsonNode   *result;
  PcRpcError  error;
  char       *raw;
} PcClientReply;

void pc_client_reply_free (PcClientReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcClientReply, pc_client_reply_free)

#define PC_TYPE_CLIENT (pc_client_get_type ())
G_DECLARE_FINAL_TYPE (PcClient, pc_client, PC, CLIENT, GObject)

/* An asynchronous connection to a pipecalcd, used by the CLI and the GUI.
 * Calls may be issued before earlier ones are answered (pipelining);
 * replies are matched by id. Signals:
 *   "disconnected" (const char *reason): the connection was lost; pending
 *     calls fail with PC_CLIENT_ERROR_NOT_CONNECTED.
 *   "log" (const char *line): a line the embedded server wrote. */
PcClient   *pc_client_new            (PcTransports         *transports);
/* Seconds a call may wait for its reply; 0 waits for ever. */
void        pc_client_set_timeout    (PcClient             *self,
                                      guint                 seconds);

/* Connects to @address, or with %NULL to the default local address. When
 * nobody answers and @start_private is set, starts a private pipecalcd
 * (stopped when the client is closed) and connects to it: for the default
 * address on an address of its own, for another address on this machine
 * (another transport's, tcp on loopback) on that address; never for a
 * remote one. */
void        pc_client_connect_async  (PcClient             *self,
                                      const char           *address,
                                      gboolean              start_private,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean    pc_client_connect_finish (PcClient             *self,
                                      GAsyncResult         *result,
                                      GError              **error);
/* The address connected to, and whether it is the private server's. */
const char *pc_client_get_address    (PcClient             *self);
gboolean    pc_client_is_private     (PcClient             *self);
gboolean    pc_client_is_connected   (PcClient             *self);

/* Sends one JSON-RPC call. Takes @params (may be %NULL). */
void           pc_client_call_async  (PcClient             *self,
                                      const char           *method,
                                      JsonNode             *params,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
PcClientReply *pc_client_call_finish (PcClient             *self,
                                      GAsyncResult         *result,
                                      GError              **error);

/* Closes the connection and stops the private server, if any. */
void        pc_client_close          (PcClient             *self);

G_END_DECLS
