/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-transport.h"

G_BEGIN_DECLS

typedef struct
{
  gsize    max_line;      /* bytes */
  int      max_clients;   /* sessions at once; more get error 1002 */
  guint    idle_timeout;  /* seconds; 0: never */
  gboolean verbose;       /* log the traffic */
  gboolean allow_remote;  /* listen where other machines can connect */
  int      workers;       /* threads serving sessions: -1 one per core,
                           * 0 none (sessions run on the server's context) */
  gsize    max_batch;     /* calls per JSON-RPC batch; 0: the default */
  guint    max_variables; /* per session; 0: the default */
  /* Admission (docs/architecture.md, "Admission"): peers are counted by
   * their PcPeer.account (uid, remote address, user SID). */
  int      max_clients_per_user;     /* connections of one peer; more get 1002 */
  int      max_incomplete;           /* connections with no complete request yet */
  int      max_incomplete_per_user;  /* the same, of one peer */
  guint    request_timeout;  /* seconds for a started request line to end; 0: never */
  guint    send_timeout;     /* seconds replies may wait unread; 0: for ever */
  /* Access control and TLS (docs/protocol.md, `auth`). Borrowed: they
   * must outlive the server. */
  const char      *auth_token;      /* %NULL: no token required */
  guint            auth_timeout;    /* seconds to authenticate; 0: no limit */
  GTlsCertificate *tls_certificate; /* for ?tls=1 listeners; %NULL: none */
} PcServerConfig;

#define PC_TYPE_SERVER (pc_server_get_type ())
G_DECLARE_FINAL_TYPE (PcServer, pc_server, PC, SERVER, GObject)

/* Listeners on the thread-default main context; sessions spread over
 * worker threads, each running its own main context, one session staying on
 * one worker for its life. Emits "finished" (on the server's context) after
 * pc_server_shutdown() once every session has closed. */
PcServer *pc_server_new      (PcTransports         *transports,
                              const PcServerConfig *config);
gboolean  pc_server_listen   (PcServer             *self,
                              const char           *address,
                              GError              **error);
/* Serves on @socket, bound and listening, made by another program
 * (systemd's socket activation), at @address_text (what the transport
 * calls it, see pc_activation_socket_address()); @origin says where it
 * came from in the log ("from systemd, fd 3 “unix”"). Closing it never
 * removes a socket file. */
gboolean  pc_server_adopt    (PcServer             *self,
                              const char           *address_text,
                              GSocket              *socket,
                              const char           *origin,
                              GError              **error);
/* No connection is open: the server emits "idle" (on its context) each
 * time this becomes true again, until pc_server_shutdown(). */
gboolean  pc_server_is_idle  (PcServer             *self);
/* Connections the listeners accepted but have not made sessions of yet
 * (TLS clients on their way in): they count as clients too. */
guint     pc_server_get_n_pending  (PcServer       *self);
guint     pc_server_get_n_sessions (PcServer       *self);
guint     pc_server_get_n_workers  (PcServer       *self);
void      pc_server_shutdown (PcServer             *self);

G_END_DECLS
