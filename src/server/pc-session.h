/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <gio/gio.h>

#include "pc-log-text.h"

G_BEGIN_DECLS

/* What a session needs to know of its server; copied, never shared. */
typedef struct
{
  gsize       max_line;      /* bytes; longer requests get error 1001 */
  guint       idle_timeout;  /* seconds without a request before closing; 0: never */
  gboolean    verbose;       /* log every request and reply */
  int         max_clients;   /* reported by `info` */
  const char *transport;     /* scheme the session came in on, for `info` and logs */
  /* Working sessions of the whole server, shared by every worker thread
   * (atomic): a working session gives its slot back when it starts closing,
   * and a refused one takes a slot that has come free by the time its
   * first request arrives. %NULL: no sharing. */
  gint       *active;
  gsize       max_batch;     /* calls per JSON-RPC batch; 0: the default */
  guint       max_variables; /* per session; 0: the default */
  /* Deadlines (seconds; 0: none): a request line must end this long
   * after its first byte arrived (slowloris); output the client leaves
   * unread this long gets the session dropped. */
  guint       request_timeout;
  guint       send_timeout;
  /* Shared by every session of the server (thread-safe): what clients
   * cause at will (connections, disconnects, refusals) is logged at a
   * bounded rate. %NULL: no limit. */
  PcLogLimit *log_limit;
  /* The access token every session must present with `auth` before any
   * other request (docs/protocol.md, error 1003); %NULL: none required.
   * Borrowed: the server's, which outlives its sessions. */
  const char *auth_token;
  /* Seconds an unauthenticated session may stay connected. */
  guint       auth_timeout;
} PcSessionConfig;

#define PC_TYPE_SESSION (pc_session_get_type ())
G_DECLARE_FINAL_TYPE (PcSession, pc_session, PC, SESSION, GObject)

/* One connection: reads request lines, evaluates them in the session's
 * own evaluator and writes replies in order. Emits "closed" once, when the
 * stream is closed for whatever reason, and "established" once, on its
 * worker, when the connection stops being incomplete (its first complete
 * request line arrived), before that request is answered. */
PcSession  *pc_session_new      (GIOStream             *stream,
                                 const char            *peer,
                                 guint64                serial,
                                 const PcSessionConfig *config);
void        pc_session_start    (PcSession             *self);
/* For connections beyond --max-clients: answers a line with error 1002
 * (@limit names the limit) and closes, unless a slot came free by then
 * (config->active below max_clients): then it serves like any session. */
void        pc_session_refuse   (PcSession             *self,
                                 const char            *limit);
/* Stops reading, sends the replies already computed, then closes. */
void        pc_session_shutdown (PcSession             *self);
const char *pc_session_get_peer (PcSession             *self);
/* For an incomplete connection the server must make room for: closes it
 * at once (logged), unless it has become established meanwhile. */
void        pc_session_evict    (PcSession             *self);

G_END_DECLS
