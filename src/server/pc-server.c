/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-log-text.h"
#include "pc-server.h"
#include "pc-session.h"

/* Connections beyond max-clients still get a polite error 1002 reply,
 * but only this many at once; past that they are closed unanswered. */
#define MAX_REFUSING 64
/* More threads than this would only contend: sessions are short calls. */
#define MAX_WORKERS 64
/* A peer at its --max-clients-per-user still gets a polite error 1002
 * on this many more connections at once; past that they are closed
 * unanswered. */
#define PEER_MAX_REFUSING 8
/* An incomplete connection younger than this is never closed to make
 * room: a burst of honest clients (a load generator, a script starting
 * many at once) has not sent its first lines yet, while junk that makes
 * room necessary has been sitting there. Until then the limits may be
 * passed, by as many connections as a user opens in this time. */
#define INCOMPLETE_GRACE_US (1 * G_USEC_PER_SEC)

/* Threads and ownership (docs/architecture.md, "Concurrency"):
 *
 * The server's own thread runs the listeners and owns the session tables,
 * so --max-clients counts every session of every worker. Each accepted
 * stream becomes a PcSession handed to the least busy worker: a thread
 * running its own GMainContext, thread-default there, on which the
 * session does all its I/O until it closes. A session is only ever touched
 * by its worker, except before it starts and after the workers stopped.
 * What crosses threads goes through g_main_context_invoke: start, refuse
 * and shutdown towards the worker, "closed" back to the server's context.
 *
 * With no worker threads (workers = 0) the "worker" is the server's own
 * context and every invoke runs at once: the single-loop server. */

typedef struct
{
  GThread      *thread;   /* NULL: the server's own context */
  GMainContext *context;
  gint          quit;     /* atomic */
  guint         n_sessions;  /* server thread only */
} Worker;

/* One peer account (PcPeer.account) with connections open: what the
 * per-user limits count. Server thread only. */
typedef struct
{
  char   *account;
  guint   connections;  /* working and refused sessions */
  GQueue  incomplete;   /* Admitted*, no complete request yet, oldest first */
} Peer;

/* What the server keeps of each session it handed to a worker. */
typedef struct
{
  Worker    *worker;
  Peer      *peer;
  PcSession *session;     /* unowned: the table's key */
  GList     *incomplete;  /* its link in peer->incomplete, or NULL */
  gint64     accepted;    /* monotonic µs */
} Admitted;

typedef struct
{
  PcServer             *server;  /* unowned: the server outlives its listeners */
  const PcTransportOps *ops;
  PcTransportListener  *listener;
  PcAddress            *address;
} Listener;

struct _PcServer
{
  GObject parent_instance;

  PcTransports   *transports;  /* unowned, outlives the server */
  PcServerConfig  config;
  GMainContext   *context;     /* the server's own */
  Worker         *workers;
  guint           n_workers;
  GPtrArray      *listeners;   /* Listener* */
  GHashTable     *sessions;    /* PcSession* -> Admitted*, owning; working sessions */
  GHashTable     *refusing;    /* PcSession* -> Admitted*, owning; over-limit ones */
  GHashTable     *peers;       /* account -> Peer*, owning; peers with connections */
  guint           n_incomplete;  /* of every peer */
  PcLogLimit      log_limit;   /* shared with the sessions (thread-safe) */
  gint            active;      /* atomic; see PcSessionConfig.active */
  guint64         next_serial;
  gboolean        shutting_down;
};

enum { SIGNAL_FINISHED, SIGNAL_IDLE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PcServer, pc_server, G_TYPE_OBJECT)

static void
listener_free (Listener *listener)
{
  if (listener->listener != NULL)
    listener->ops->close_listener (listener->listener);
  pc_address_free (listener->address);
  g_free (listener);
}

static void
close_listeners (PcServer *self)
{
  g_ptr_array_set_size (self->listeners, 0);
}

static void
stop_workers (PcServer *self)
{
  for (guint i = 0; i < self->n_workers; i++)
    {
      Worker *worker = &self->workers[i];

      if (worker->thread != NULL)
        {
          /* A flag, not g_main_loop_quit(): a quit that comes before the
           * thread entered its loop would be lost. */
          g_atomic_int_set (&worker->quit, 1);
          g_main_context_wakeup (worker->context);
          g_thread_join (g_steal_pointer (&worker->thread));
        }
    }
}

static void
free_workers (PcServer *self)
{
  for (guint i = 0; i < self->n_workers; i++)
    {
      g_clear_pointer (&self->workers[i].context, g_main_context_unref);
    }
  g_clear_pointer (&self->workers, g_free);
  self->n_workers = 0;
}

static void
pc_server_dispose (GObject *object)
{
  PcServer *self = PC_SERVER (object);

  if (self->listeners != NULL)
    close_listeners (self);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  /* Sessions left (after a second signal) are dropped once no worker
   * runs them any more; their sources go with the workers' contexts. */
  stop_workers (self);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->refusing, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  free_workers (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (pc_server_parent_class)->dispose (object);
}

static void
pc_server_finalize (GObject *object)
{
  PcServer *self = PC_SERVER (object);

  pc_log_limit_clear (&self->log_limit);
  G_OBJECT_CLASS (pc_server_parent_class)->finalize (object);
}

static void
pc_server_class_init (PcServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pc_server_dispose;
  G_OBJECT_CLASS (klass)->finalize = pc_server_finalize;

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 0);
  /* The last connection (session or refused one) has closed. */
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 0);
}

static void session_closed_cb (PcSession *session,
                               PcServer  *self);
static void session_established_cb (PcSession *session,
                                    PcServer  *self);

static void
disconnect_and_unref (gpointer data)
{
  g_signal_handlers_disconnect_matched (data, G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                        NULL, g_object_get_data (data, "pc-server"));
  g_object_unref (data);
}

static void
peer_free (gpointer data)
{
  Peer *peer = data;

  g_queue_clear (&peer->incomplete);
  g_free (peer->account);
  g_free (peer);
}

static void
pc_server_init (PcServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  self->sessions = g_hash_table_new_full (NULL, NULL, disconnect_and_unref, g_free);
  self->refusing = g_hash_table_new_full (NULL, NULL, disconnect_and_unref, g_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, peer_free);
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;

  g_main_context_push_thread_default (worker->context);
  while (!g_atomic_int_get (&worker->quit))
    g_main_context_iteration (worker->context, TRUE);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

PcServer *
pc_server_new (PcTransports         *transports,
               const PcServerConfig *config)
{
  PcServer *self = g_object_new (PC_TYPE_SERVER, NULL);
  int n = config->workers;

  self->transports = transports;
  self->config = *config;
  self->context = g_main_context_ref_thread_default ();

  if (n < 0)
    n = (int) g_get_num_processors ();
  n = CLAMP (n, 0, MAX_WORKERS);
  self->n_workers = MAX (n, 1);
  self->workers = g_new0 (Worker, self->n_workers);
  if (n == 0)
    self->workers[0].context = g_main_context_ref (self->context);
  for (int i = 0; i < n; i++)
    {
      Worker *worker = &self->workers[i];
      g_autofree char *name = g_strdup_printf ("pc-worker-%d", i);

      worker->context = g_main_context_new ();
      worker->thread = g_thread_new (name, worker_main, worker);
    }
  return self;
}

guint
pc_server_get_n_workers (PcServer *self)
{
  return self->workers[0].thread != NULL ? self->n_workers : 0;
}

static void
check_finished (PcServer *self)
{
  if (self->shutting_down && g_hash_table_size (self->sessions) == 0
      && g_hash_table_size (self->refusing) == 0)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

/* A session's "closed", carried from its worker to the server's thread. */
typedef struct
{
  PcServer  *server;
  PcSession *session;
} Closed;

static void
closed_free (gpointer data)
{
  Closed *closed = data;

  g_object_unref (closed->session);
  g_object_unref (closed->server);
  g_free (closed);
}

static Admitted *
lookup_admitted (PcServer  *self,
                 PcSession *session)
{
  Admitted *admitted = g_hash_table_lookup (self->sessions, session);

  return admitted != NULL ? admitted : g_hash_table_lookup (self->refusing, session);
}

/* The session has sent a complete request, or is going: it no longer
 * counts among the incomplete connections. */
static void
forget_incomplete (PcServer *self,
                   Admitted *admitted)
{
  if (admitted->incomplete == NULL)
    return;
  g_queue_delete_link (&admitted->peer->incomplete, admitted->incomplete);
  admitted->incomplete = NULL;
  self->n_incomplete--;
}

static gboolean
closed_in_server_cb (gpointer data)
{
  Closed *closed = data;
  PcServer *self = closed->server;
  Admitted *admitted = lookup_admitted (self, closed->session);

  if (admitted != NULL)
    {
      Peer *peer = admitted->peer;

      admitted->worker->n_sessions--;
      forget_incomplete (self, admitted);
      if (--peer->connections == 0)
        g_hash_table_remove (self->peers, peer->account);
    }
  /* The message holds its own reference, so dropping the table's is safe. */
  if (!g_hash_table_remove (self->sessions, closed->session))
    g_hash_table_remove (self->refusing, closed->session);
  if (!self->shutting_down && pc_server_is_idle (self))
    g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  check_finished (self);
  return G_SOURCE_REMOVE;
}

/* Runs on the session's worker. */
static void
session_closed_cb (PcSession *session,
                   PcServer  *self)
{
  Closed *closed = g_new (Closed, 1);

  closed->server = g_object_ref (self);
  closed->session = g_object_ref (session);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              closed_in_server_cb, closed, closed_free);
}

static gboolean
established_in_server_cb (gpointer data)
{
  Closed *established = data;
  Admitted *admitted = lookup_admitted (established->server, established->session);

  /* NULL when it closed first: "closed" came before. */
  if (admitted != NULL)
    forget_incomplete (established->server, admitted);
  return G_SOURCE_REMOVE;
}

/* Runs on the session's worker. */
static void
session_established_cb (PcSession *session,
                        PcServer  *self)
{
  Closed *established = g_new (Closed, 1);

  established->server = g_object_ref (self);
  established->session = g_object_ref (session);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              established_in_server_cb, established, closed_free);
}

static gboolean
start_in_worker_cb (gpointer data)
{
  pc_session_start (data);
  return G_SOURCE_REMOVE;
}

static gboolean
refuse_in_worker_cb (gpointer data)
{
  pc_session_refuse (data, "max-clients");
  return G_SOURCE_REMOVE;
}

static gboolean
refuse_per_user_in_worker_cb (gpointer data)
{
  pc_session_refuse (data, "max-clients-per-user");
  return G_SOURCE_REMOVE;
}

static gboolean
evict_in_worker_cb (gpointer data)
{
  pc_session_evict (data);
  return G_SOURCE_REMOVE;
}

static gboolean
shutdown_in_worker_cb (gpointer data)
{
  pc_session_shutdown (data);
  return G_SOURCE_REMOVE;
}

static void
run_in_worker (Worker      *worker,
               GSourceFunc  func,
               PcSession   *session)
{
  g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, func,
                              g_object_ref (session), g_object_unref);
}

static Worker *
least_busy_worker (PcServer *self)
{
  Worker *best = &self->workers[0];

  for (guint i = 1; i < self->n_workers; i++)
    if (self->workers[i].n_sessions < best->n_sessions)
      best = &self->workers[i];
  return best;
}

static Peer *
find_peer (PcServer   *self,
           const char *account)
{
  Peer *peer = g_hash_table_lookup (self->peers, account);

  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->account = g_strdup (account);
      g_queue_init (&peer->incomplete);
      g_hash_table_insert (self->peers, peer->account, peer);
    }
  return peer;
}

/* The peer with the most incomplete connections: when there are too many
 * in all, room is made at the expense of whoever holds the most, so that
 * one user's junk never costs another user a connection. */
static Peer *
greediest_peer (PcServer *self)
{
  GHashTableIter iter;
  gpointer value;
  Peer *best = NULL;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *peer = value;

      if (best == NULL || peer->incomplete.length > best->incomplete.length)
        best = peer;
    }
  return best;
}

/* Closes @peer's oldest incomplete connection (dbus-daemon does the
 * same) if it has had its grace: it stops counting at once, and its
 * worker closes it unless it has sent its first request meanwhile.
 * Returns FALSE when there is none old enough. */
static gboolean
evict_oldest (PcServer *self,
              Peer     *peer,
              gint64    now)
{
  Admitted *oldest = peer != NULL ? g_queue_peek_head (&peer->incomplete) : NULL;

  if (oldest == NULL || now - oldest->accepted < INCOMPLETE_GRACE_US)
    return FALSE;
  forget_incomplete (self, oldest);
  run_in_worker (oldest->worker, evict_in_worker_cb, oldest->session);
  return TRUE;
}

static void
admit (PcServer    *self,
       PcSession   *session,
       Peer        *peer,
       GHashTable  *table,
       GSourceFunc  func)
{
  Admitted *admitted = g_new0 (Admitted, 1);

  admitted->worker = least_busy_worker (self);
  admitted->peer = peer;
  admitted->session = session;
  admitted->accepted = g_get_monotonic_time ();
  peer->connections++;
  g_object_set_data (G_OBJECT (session), "pc-server", self);
  g_signal_connect (session, "closed", G_CALLBACK (session_closed_cb), self);
  g_hash_table_insert (table, g_object_ref (session), admitted);
  admitted->worker->n_sessions++;
  if (table == self->sessions)
    {
      g_signal_connect (session, "established", G_CALLBACK (session_established_cb), self);
      g_queue_push_tail (&peer->incomplete, admitted);
      admitted->incomplete = g_queue_peek_tail_link (&peer->incomplete);
      self->n_incomplete++;
      while (peer->incomplete.length > (guint) self->config.max_incomplete_per_user
             && evict_oldest (self, peer, admitted->accepted))
        ;
      while (self->n_incomplete > (guint) self->config.max_incomplete
             && evict_oldest (self, greediest_peer (self), admitted->accepted))
        ;
    }
  run_in_worker (admitted->worker, func, session);
}

static void
incoming_cb (GIOStream    *stream,
             const PcPeer *from,
             gpointer      user_data)
{
  Listener *listener = user_data;
  PcServer *self = listener->server;
  PcSessionConfig session_config = {
    .max_line = self->config.max_line,
    .idle_timeout = self->config.idle_timeout,
    .verbose = self->config.verbose,
    .max_clients = self->config.max_clients,
    .transport = listener->ops->scheme,
    .active = &self->active,
    .max_batch = self->config.max_batch,
    .max_variables = self->config.max_variables,
    .request_timeout = self->config.request_timeout,
    .send_timeout = self->config.send_timeout,
    .log_limit = &self->log_limit,
    .auth_token = self->config.auth_token,
    .auth_timeout = self->config.auth_timeout,
  };
  g_autoptr(GIOStream) owned = stream;
  g_autoptr(PcSession) session = NULL;
  Peer *peer;

  if (self->shutting_down)
    {
      g_io_stream_close (owned, NULL, NULL);
      return;
    }

  peer = find_peer (self, from->account);
  session = pc_session_new (owned, from->description, ++self->next_serial, &session_config);

  /* One peer's connections first: a user at its limit is refused (a
   * few politely, the rest closed) while others are still served. */
  if (peer->connections >= (guint) self->config.max_clients_per_user)
    {
      if (peer->connections >= (guint) self->config.max_clients_per_user + PEER_MAX_REFUSING
          || g_hash_table_size (self->refusing) >= MAX_REFUSING)
        {
          pc_log_limited (&self->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                          "connection from %s closed: %s has %d connections",
                          from->description, from->account,
                          self->config.max_clients_per_user);
          g_io_stream_close (owned, NULL, NULL);
          if (peer->connections == 0)
            g_hash_table_remove (self->peers, peer->account);
          return;
        }
      admit (self, session, peer, self->refusing, refuse_per_user_in_worker_cb);
      return;
    }

  /* Counted across workers, and without waiting for the "closed" of a
   * session that already gave its slot back. */
  if (g_atomic_int_get (&self->active) >= self->config.max_clients)
    {
      if (g_hash_table_size (self->refusing) >= MAX_REFUSING)
        {
          pc_log_limited (&self->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                          "connection from %s closed: %d clients connected",
                          from->description, self->config.max_clients);
          g_io_stream_close (owned, NULL, NULL);
          if (peer->connections == 0)
            g_hash_table_remove (self->peers, peer->account);
          return;
        }
      admit (self, session, peer, self->refusing, refuse_in_worker_cb);
      return;
    }
  g_atomic_int_inc (&self->active);
  admit (self, session, peer, self->sessions, start_in_worker_cb);
}

/* Listens on @address_text, or serves on @socket (made by someone else)
 * at that address when it is not %NULL. */
static gboolean
add_listener (PcServer    *self,
              const char  *address_text,
              GSocket     *socket,
              const char  *origin,
              GError     **error)
{
  g_autoptr(PcAddress) address = pc_transports_parse_address (self->transports, address_text,
                                                              error);
  PcListenOptions options = {
    .allow_remote = self->config.allow_remote,
    .tls_certificate = self->config.tls_certificate,
  };
  const PcTransportOps *ops;
  Listener *listener;

  if (address == NULL)
    return FALSE;
  ops = pc_transports_lookup (self->transports, address->scheme, error);
  if (ops == NULL)
    return FALSE;
  if (socket != NULL && ops->adopt == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The %s transport cannot serve on a socket it did not make (%s)"),
                   ops->scheme, address->text);
      return FALSE;
    }

  listener = g_new0 (Listener, 1);
  listener->server = self;
  listener->ops = ops;
  listener->address = g_steal_pointer (&address);
  if (socket != NULL)
    listener->listener = ops->adopt (listener->address, socket, &options, incoming_cb,
                                     listener, error);
  else
    listener->listener = ops->listen (listener->address, &options, incoming_cb,
                                      listener, error);
  if (listener->listener == NULL)
    {
      listener_free (listener);
      return FALSE;
    }
  g_info ("listening on %s (%s)%s", listener->address->text,
          pc_transport_display_name (ops), origin);
  g_ptr_array_add (self->listeners, listener);
  return TRUE;
}

gboolean
pc_server_listen (PcServer    *self,
                  const char  *address_text,
                  GError     **error)
{
  return add_listener (self, address_text, NULL, "", error);
}

gboolean
pc_server_adopt (PcServer    *self,
                 const char  *address_text,
                 GSocket     *socket,
                 const char  *origin,
                 GError     **error)
{
  g_autofree char *said = g_strdup_printf (", %s", origin);

  g_return_val_if_fail (G_IS_SOCKET (socket), FALSE);
  return add_listener (self, address_text, socket, said, error);
}

guint
pc_server_get_n_pending (PcServer *self)
{
  guint n = 0;

  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (self->listeners, i);

      if (listener->ops->n_pending != NULL)
        n += listener->ops->n_pending (listener->listener);
    }
  return n;
}

gboolean
pc_server_is_idle (PcServer *self)
{
  return g_hash_table_size (self->sessions) == 0 && g_hash_table_size (self->refusing) == 0;
}

guint
pc_server_get_n_sessions (PcServer *self)
{
  return g_hash_table_size (self->sessions);
}

static void
shutdown_table (GHashTable *table)
{
  GHashTableIter iter;
  gpointer session, worker;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &session, &worker))
    run_in_worker (worker, shutdown_in_worker_cb, session);
}

void
pc_server_shutdown (PcServer *self)
{
  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;
  g_info ("shutting down: %u %s to finish", g_hash_table_size (self->sessions),
          g_hash_table_size (self->sessions) == 1 ? "session" : "sessions");
  /* Stop accepting first, and remove the socket files, so no client
   * connects to a server that is going away. */
  close_listeners (self);

  /* With no worker threads the invokes run at once and a session may
   * close, and leave the tables, in the middle of the walk: walk copies
   * (of the workers: an Admitted goes with its session). */
  {
    g_autoptr(GHashTable) sessions = g_hash_table_new (NULL, NULL);
    g_autoptr(GHashTable) refusing = g_hash_table_new (NULL, NULL);
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, self->sessions);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_hash_table_insert (sessions, key, ((Admitted *) value)->worker);
        g_ptr_array_add (held, g_object_ref (key));
      }
    g_hash_table_iter_init (&iter, self->refusing);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_hash_table_insert (refusing, key, ((Admitted *) value)->worker);
        g_ptr_array_add (held, g_object_ref (key));
      }
    shutdown_table (sessions);
    shutdown_table (refusing);
  }
  check_finished (self);
}
