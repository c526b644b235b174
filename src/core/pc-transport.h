/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-address.h"

G_BEGIN_DECLS

/* Bumped whenever PcTransportOps, PcAddress or PcListenOptions change shape.
 * The loader refuses a module built against another version. */
#define PC_TRANSPORT_ABI_VERSION 1

/* The one symbol every transport module exports. */
#define PC_TRANSPORT_ENTRY_POINT "pc_transport_module_get_ops"

typedef enum
{
  PC_TRANSPORT_FLAG_LOCAL  = 1 << 0, /* can reach a server on this machine */
  PC_TRANSPORT_FLAG_REMOTE = 1 << 1, /* can reach a server on another machine */
} PcTransportFlags;

typedef struct
{
  /* Accept peers from other machines (tcp on a non-loopback host, npipe
   * without PIPE_REJECT_REMOTE_CLIENTS). */
  gboolean allow_remote;
} PcListenOptions;

/* Opaque: each plugin defines its own struct _PcTransportListener. */
typedef struct _PcTransportListener PcTransportListener;

/* Called on the listener's main context for every accepted connection.
 * @stream is a new reference that the callee takes over; @peer is a short
 * description for logs ("127.0.0.1:53122", "pid 4242"), valid during the
 * call only. */
typedef void (*PcTransportIncomingFunc) (GIOStream  *stream,
                                         const char *peer,
                                         gpointer    user_data);

typedef struct
{
  /* Must equal PC_TRANSPORT_ABI_VERSION; checked before anything else. */
  guint32 abi_version;

  /* URI scheme this module handles ("unix"); matched against PcAddress.scheme. */
  const char *scheme;

  /* Human name marked with N_() in the module; translated by the caller in
   * the "pipecalc" gettext domain (pc_transport_display_name()). */
  const char *display_name;

  PcTransportFlags flags;

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

  /* Stops accepting, removes any file the listener created (socket, FIFO)
   * and frees it. Connections already handed out are not affected. Never
   * blocks. Required. */
  void (*close_listener) (PcTransportListener *listener);

  /* Connects to @address without blocking the caller's main context.
   * @callback runs on the thread-default main context of the caller.
   * Required. */
  void (*connect_async) (const PcAddress     *address,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data);

  /* Returns the connected stream (a new reference) or %NULL with @error set
   * in G_IO_ERROR (G_IO_ERROR_CONNECTION_REFUSED or G_IO_ERROR_NOT_FOUND
   * when nobody listens, G_IO_ERROR_CANCELLED). Required. */
  GIOStream *(*connect_finish) (GAsyncResult  *result,
                                GError       **error);
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcTransports, pc_transports_free)

G_END_DECLS
