/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-transport.h"

G_BEGIN_DECLS

/* Glue shared by the transports whose connections are GSocketConnections
 * (unix, tcp). Plain functions with no GType, so modules may link them. */

/* Enough for a burst of clients (the load generator opens many at once)
 * without the kernel refusing some before the main loop gets to accept. */
#define PC_SOCKET_LISTEN_BACKLOG 128

typedef struct _PcSocketAcceptor PcSocketAcceptor;

/* Returns a new GSocketListener with the backlog above. */
GSocketListener  *pc_socket_listener_new            (void);

/* Returns a new GSocketListener (see above) accepting on @socket, a stream
 * socket of @family (IPv4 and IPv6 count as one) that is already bound
 * and listening (adopt() of the transport ops), or %NULL with @error in
 * G_IO_ERROR when it is not. The message names @address_text. */
GSocketListener  *pc_socket_listener_adopt          (GSocket                 *socket,
                                                     GSocketFamily            family,
                                                     const char              *address_text,
                                                     GError                 **error);

/* Starts accepting on every socket of @listener on the caller's
 * thread-default main context. Each accepted connection gets TCP_NODELAY
 * when it is TCP and is handed to @incoming with a description of the peer
 * (see pc_socket_connection_describe_peer()). A failed accept (say, out of
 * file descriptors) is logged and retried a little later; it never stops
 * the loop. Takes a reference on @listener. */
PcSocketAcceptor *pc_socket_acceptor_start          (GSocketListener         *listener,
                                                     PcTransportIncomingFunc  incoming,
                                                     gpointer                 user_data);

/* Stops accepting, closes the listener's sockets and frees the acceptor.
 * @incoming is never called again after this returns. Never blocks. Must
 * be called on the main context the acceptor was started on. An accept
 * still pending finishes (cancelled) on a later iteration of that context
 * and only then releases the last references. */
void              pc_socket_acceptor_stop           (PcSocketAcceptor        *acceptor);

/* A short description of the other end for logs: "127.0.0.1:53122",
 * "[::1]:53122", "pid 4242 (uid 1000)" or "local". Newly allocated. */
char             *pc_socket_connection_describe_peer (GSocketConnection      *connection);

/* Whom to count @connection against for per-user limits (PcPeer.account):
 * "ip:ADDRESS" over TCP, except from a loopback address on Linux, where
 * the kernel names the uid of the client's socket (sock_diag): "uid:N",
 * as from the peer's credentials on a unix socket; "unknown" when
 * neither can be had. Newly allocated. */
char             *pc_socket_connection_peer_account (GSocketConnection     *connection);

/* Disables Nagle's algorithm when @connection is TCP; does nothing for other
 * sockets. A calculator exchanges one short line each way, so waiting to
 * coalesce writes would only add latency. */
void              pc_socket_connection_set_nodelay  (GSocketConnection       *connection);

/* The G_IO_ERROR code closest to @error, which may be in another domain
 * (G_RESOLVER_ERROR from a failed lookup), so that transports report every
 * failure in G_IO_ERROR as the ops contract requires. */
int               pc_socket_io_error_code           (const GError            *error);

/* Connects to @connectable with a GSocketClient. @address_text (the
 * canonical address, copied) names the server in error messages. The
 * callback runs on the caller's thread-default main context. */
void              pc_socket_connect_async           (GSocketConnectable      *connectable,
                                                     const char              *address_text,
                                                     GCancellable            *cancellable,
                                                     GAsyncReadyCallback      callback,
                                                     gpointer                 user_data);

/* Returns the GSocketConnection (TCP_NODELAY set when TCP) as a new
 * GIOStream reference, or %NULL with @error in G_IO_ERROR, its message
 * naming the address. */
GIOStream        *pc_socket_connect_finish          (GAsyncResult            *result,
                                                     GError                 **error);

G_END_DECLS
