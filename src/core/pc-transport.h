/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-address.h"
#include "pc-sigpipe.h"

G_BEGIN_DECLS

/* Bumped whenever PcTransportOps, PcAddress, PcListenOptions or
 * PcConnectOptions change shape. The loader refuses a module built against
 * another version.
 * 2: modules parse their own addresses and say how to build them.
 * 3: listeners say who the peer is (PcPeer) for per-user limits;
 *    connect_async() takes PcConnectOptions (whom the client trusts);
 *    PcListenOptions carries the TLS certificate; PcAddress.tls,
 *    compose_address()'s @tls and PC_TRANSPORT_FLAG_TLS.
 * 4: adopt() serves on a listening socket made by someone else (systemd's
 *    socket activation); n_pending() counts connections not handed over
 *    yet (pipecalcd --exit-idle). */
#define PC_TRANSPORT_ABI_VERSION 4

/* The one symbol every transport module exports. */
#define PC_TRANSPORT_ENTRY_POINT "pc_transport_module_get_ops"

typedef enum
{
  PC_TRANSPORT_FLAG_LOCAL  = 1 << 0, /* can reach a server on this machine */
  PC_TRANSPORT_FLAG_REMOTE = 1 << 1, /* can reach a server on another machine */
  /* The platform's default local transport: the default server address
   * is its default_address(), a private server gets its private_address()
   * (unix sockets on POSIX, named pipes on Windows). One module per platform sets it. */
  PC_TRANSPORT_FLAG_DEFAULT_LOCAL = 1 << 2,
  /* Its addresses may ask for TLS (PcAddress.tls, compose_address()'s
   * @tls): the connection dialog offers its TLS switch. */
  PC_TRANSPORT_FLAG_TLS = 1 << 3,
} PcTransportFlags;

typedef struct
{
  /* Accept peers from other machines (tcp on a non-loopback host, Windows
   * named pipes without PIPE_REJECT_REMOTE_CLIENTS). */
  gboolean allow_remote;
  /* The server's certificate and key, for transports that speak TLS
   * (tcp://host:port?tls=1); %NULL otherwise. Borrowed: the listener takes its own
   * reference. A TLS transport refuses to listen without it. */
  GTlsCertificate *tls_certificate;
} PcListenOptions;

/* Whom a client trusts; connect_async() borrows it for the call only. */
typedef struct
{
  /* A local server must run as the client's own user; a server run by
   * this uid is accepted as well (-1: nobody else, root included).
   * Transports that can tell (SO_PEERCRED on a socket, the owner of a
   * file they open) refuse any other. */
  gint64 allowed_server_uid;
  /* TLS transports: a PEM file of the certificate authorities the server's
   * certificate must chain to; %NULL: the system's trust store. */
  const char *tls_ca_file;
} PcConnectOptions;

/* The options of a client that trusts only its own user's servers. */
#define PC_CONNECT_OPTIONS_INIT { .allowed_server_uid = -1, .tls_ca_file = NULL }

/* Opaque: each plugin defines its own struct _PcTransportListener. */
typedef struct _PcTransportListener PcTransportListener;

/* Who is at the other end of an accepted connection. */
typedef struct
{
  /* A short description for logs ("127.0.0.1:53122", "pid 4242 (uid
   * 1000)"). Never %NULL. */
  const char *description;
  /* Whom the server counts the connection against for its per-user
   * limits: "uid:1000" (the peer's credentials on a local socket, or the
   * owner of the files a client made for the connection), "ip:192.0.2.7"
   * (TCP: the remote address, without the port), "sid:S-1-5-21-…"
   * (Windows: the user of the client process); docs/transports.md has
   * each module's.
   * Peers with the same account share one set of limits. Never %NULL:
   * "unknown" when the transport cannot tell, which puts every such peer
   * in one set. */
  const char *account;
} PcPeer;

/* Called on the listener's main context for every accepted connection.
 * @stream is a new reference that the callee takes over; @peer and its
 * strings are valid during the call only. */
typedef void (*PcTransportIncomingFunc) (GIOStream    *stream,
                                         const PcPeer *peer,
                                         gpointer      user_data);

typedef struct
{
  /* Must equal PC_TRANSPORT_ABI_VERSION; checked before anything else. */
  guint32 abi_version;

  /* URI scheme this module handles ("unix"), lower case; matched against
   * the scheme of an address. Required. */
  const char *scheme;

  /* Human name marked with N_() in the module; translated by the caller in
   * the "pipecalc" gettext domain (pc_transport_display_name()). */
  const char *display_name;

  PcTransportFlags flags;

  /* A valid address of this transport, shown in error messages as the
   * example to copy ("unix:/run/user/1000/pipecalc/socket"). Must parse.
   * Required. */
  const char *example;

  /* The port an address without one gets (7878), and the one the
   * connection dialog offers; 0 when addresses of this transport have no
   * port, which hides the dialog's port fields. */
  guint16 default_port;

  /* When a remote address is a host and a name rather than a host and a
   * port (a named pipe), the label of the name's field in the connection
   * dialog, marked with N_() and translated by the caller in the
   * "pipecalc" domain (pc_transport_name_label()): N_("Pipe name").
   * %NULL otherwise. */
  const char *name_label;

  /* Parses and validates an address of this scheme. @text is the whole
   * address as the user gave it, @rest what follows "scheme:";
   * @address->scheme is already set (lower case). Fills @address->text
   * with the canonical form, which must parse back to the same address,
   * and whichever of path, host and port the transport uses. On error
   * returns %FALSE with PC_ADDRESS_ERROR_INVALID, worded with
   * pc_address_fail(): what is wrong, and a valid example. Pure: never
   * blocks, resolves nothing, touches no file. Required. */
  gboolean (*parse_address) (PcAddress   *address,
                             const char  *text,
                             const char  *rest,
                             GError     **error);

  /* Whether only this machine can reach @address (a parsed address of
   * this transport): "tcp://localhost", a named pipe on ".". Never blocks,
   * resolves nothing. Required with PC_TRANSPORT_FLAG_REMOTE; a transport
   * without it is local by nature and may leave it %NULL. */
  gboolean (*is_loopback) (const PcAddress *address);

  /* Builds the text of an address from the parts the connection dialog
   * asks for: @host (%NULL: this computer), @port (meaningful when
   * default_port is not 0), @name (when name_label is not %NULL) and
   * @tls (with PC_TRANSPORT_FLAG_TLS; ignored otherwise).
   * Returns a new string that the caller still parses, so the parser
   * words any problem with the parts; never fails. Required with
   * PC_TRANSPORT_FLAG_REMOTE. Optional otherwise: without it, the one
   * local address the dialog offers is default_address(). */
  char *(*compose_address) (const char *host,
                            guint       port,
                            const char *name,
                            gboolean    tls);

  /* Returns a new address, newly allocated, on this machine that no
   * server uses yet, for a private server or a test server: files it
   * needs go in @dir, an existing directory private to the caller
   * (mode 0700); a transport without files may ignore it. Successive
   * calls, in this process or another, return different addresses (names
   * carry the pid and a counter; a TCP port is one the system just handed
   * out). Never blocks for long, creates nothing, or only what it
   * releases before returning. Required with PC_TRANSPORT_FLAG_LOCAL. */
  char *(*private_address) (const char *dir);

  /* Returns the address a local server listens on by default, newly
   * allocated ("unix:/run/user/1000/pipecalc/socket"), or %NULL when this
   * transport has no default. Never blocks, creates nothing. Optional. */
  char *(*default_address) (void);

  /* Starts listening on @address and accepting connections on the
   * thread-default main context of the caller, calling @incoming for each.
   * May block briefly (bind, a connect test to detect a live server).
   * Errors are in G_IO_ERROR: G_IO_ERROR_ADDRESS_IN_USE when another server
   * answers there (the message names the address), others as the OS says.
   * Returns a listener that close_listener() must release. Required. */
  PcTransportListener *(*listen) (const PcAddress         *address,
                                  const PcListenOptions   *options,
                                  PcTransportIncomingFunc  incoming,
                                  gpointer                 user_data,
                                  GError                 **error);

  /* Stops accepting, removes any file the listener created (socket, pipe)
   * and frees it. Connections already handed out are not affected. Never
   * blocks. Required. */
  void (*close_listener) (PcTransportListener *listener);

  /* Connects to @address without blocking the caller's main context.
   * @options (%NULL: PC_CONNECT_OPTIONS_INIT) says whom to trust: a
   * transport that can learn who runs the server checks it, and the
   * files on the way (the default runtime folder, the folder of a file
   * it opens), before a byte is sent; a refusal is G_IO_ERROR_PERMISSION_DENIED
   * naming the folder or the uid. A TLS transport verifies the
   * server's certificate (G_IO_ERROR_PERMISSION_DENIED too when it does
   * not hold). @callback runs on the thread-default main context of the
   * caller. Required. */
  void (*connect_async) (const PcAddress        *address,
                         const PcConnectOptions *options,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data);

  /* Returns the connected stream (a new reference) or %NULL with @error set
   * in G_IO_ERROR (G_IO_ERROR_CONNECTION_REFUSED or G_IO_ERROR_NOT_FOUND
   * when nobody listens, G_IO_ERROR_CANCELLED). Required. */
  GIOStream *(*connect_finish) (GAsyncResult  *result,
                                GError       **error);

  /* Serves on @socket, a socket already bound and listening that another
   * program made and handed over (systemd's socket activation), like
   * listen() does on one it made: @incoming for each connection, on the
   * caller's thread-default main context. @address is the address the
   * caller made of the socket's local address (a path, a host and port;
   * ?tls=1 when it wants TLS, with options->tls_certificate). Takes its own
   * reference on @socket; close_listener() closes the listener's copy of
   * the descriptor and never removes a file: the socket belongs to its
   * maker. Refuses (G_IO_ERROR) a socket of another family, and what
   * listen() would refuse for @address (a non-loopback address without
   * options->allow_remote). Never blocks. Optional: %NULL for transports
   * whose listeners are not sockets. */
  PcTransportListener *(*adopt) (const PcAddress         *address,
                                 GSocket                 *socket,
                                 const PcListenOptions   *options,
                                 PcTransportIncomingFunc  incoming,
                                 gpointer                 user_data,
                                 GError                 **error);

  /* How many connections @listener has accepted but not handed to its
   * @incoming yet (a TLS client that has not spoken, or whose TLS
   * connection is being set up): clients all the same, so a server does
   * not exit for being idle (--exit-idle) while one is on its way. On the
   * listener's main context; never blocks. Optional: %NULL when every
   * connection is handed over as soon as it is accepted. */
  guint (*n_pending) (PcTransportListener *listener);
} PcTransportOps;

typedef const PcTransportOps *(*PcTransportEntryFunc) (void);

/* The loader: a plain table of the modules found, scheme -> ops. */
typedef struct _PcTransports PcTransports;

#define PC_TRANSPORT_ERROR (pc_transport_error_quark ())

typedef enum
{
  PC_TRANSPORT_ERROR_NOT_FOUND,     /* no module for this scheme */
  PC_TRANSPORT_ERROR_BAD_MODULE,    /* a module failed the checks */
  PC_TRANSPORT_ERROR_NONE_LOADED,   /* no module at all in the search path */
} PcTransportError;

GQuark                pc_transport_error_quark (void);

PcTransports         *pc_transports_load       (GError            **error);
PcTransports         *pc_transports_load_from  (const char * const *dirs,
                                                GError            **error);
void                  pc_transports_free       (PcTransports       *self);
const PcTransportOps *pc_transports_lookup     (PcTransports       *self,
                                                const char         *scheme,
                                                GError            **error);
GPtrArray            *pc_transports_list       (PcTransports       *self);
const char * const   *pc_transports_warnings   (PcTransports       *self);
const char           *pc_transport_display_name (const PcTransportOps *ops);
const char           *pc_transport_name_label   (const PcTransportOps *ops);
gboolean              pc_transport_is_loopback  (const PcTransportOps *ops,
                                                 const PcAddress      *address);

PcAddress            *pc_transports_parse_address  (PcTransports  *self,
                                                    const char    *text,
                                                    GError       **error);
const PcTransportOps *pc_transports_default_local  (PcTransports  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcTransports, pc_transports_free)

G_END_DECLS
