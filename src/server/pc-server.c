/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-server.h"
#include "pc-session.h"

/* Connections beyond max-clients still get a polite error 1002 reply,
 * but only this many at once; past that they are closed unanswered. */
#define MAX_REFUSING 64

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
  GPtrArray      *listeners;   /* Listener* */
  GHashTable     *sessions;    /* PcSession* set, owning; working sessions */
  GHashTable     *refusing;    /* PcSession* set, owning; over-limit ones */
  guint64         next_serial;
  gboolean        shutting_down;
};

enum { SIGNAL_FINISHED, N_SIGNALS };
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
pc_server_dispose (GObject *object)
{
  PcServer *self = PC_SERVER (object);

  if (self->listeners != NULL)
    close_listeners (self);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->refusing, g_hash_table_unref);
  G_OBJECT_CLASS (pc_server_parent_class)->dispose (object);
}

static void
pc_server_class_init (PcServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pc_server_dispose;

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 0);
}

static void session_closed_cb (PcSession *session,
                               PcServer  *self);

static void
disconnect_and_unref (gpointer data)
{
  g_signal_handlers_disconnect_matched (data, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        session_closed_cb, NULL);
  g_object_unref (data);
}

static void
pc_server_init (PcServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  self->sessions = g_hash_table_new_full (NULL, NULL, disconnect_and_unref, NULL);
  self->refusing = g_hash_table_new_full (NULL, NULL, disconnect_and_unref, NULL);
}

PcServer *
pc_server_new (PcTransports         *transports,
               const PcServerConfig *config)
{
  PcServer *self = g_object_new (PC_TYPE_SERVER, NULL);

  self->transports = transports;
  self->config = *config;
  return self;
}

static void
check_finished (PcServer *self)
{
  if (self->shutting_down && g_hash_table_size (self->sessions) == 0
      && g_hash_table_size (self->refusing) == 0)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
session_closed_cb (PcSession *session,
                   PcServer  *self)
{
  /* The emitter holds its own reference, so dropping the table's is safe. */
  if (!g_hash_table_remove (self->sessions, session))
    g_hash_table_remove (self->refusing, session);
  check_finished (self);
}

static void
incoming_cb (GIOStream  *stream,
             const char *peer,
             gpointer    user_data)
{
  Listener *listener = user_data;
  PcServer *self = listener->server;
  PcSessionConfig session_config = {
    .max_line = self->config.max_line,
    .idle_timeout = self->config.idle_timeout,
    .verbose = self->config.verbose,
    .max_clients = self->config.max_clients,
    .transport = listener->ops->scheme,
  };
  g_autoptr(GIOStream) owned = stream;
  g_autoptr(PcSession) session = NULL;

  if (self->shutting_down)
    {
      g_io_stream_close (owned, NULL, NULL);
      return;
    }

  session = pc_session_new (owned, peer, ++self->next_serial, &session_config);
  g_signal_connect (session, "closed", G_CALLBACK (session_closed_cb), self);

  if (g_hash_table_size (self->sessions) >= (guint) self->config.max_clients)
    {
      if (g_hash_table_size (self->refusing) >= MAX_REFUSING)
        {
          g_info ("connection from %s closed: %d clients connected", peer,
                  self->config.max_clients);
          g_signal_handlers_disconnect_by_func (session, session_closed_cb, self);
          g_io_stream_close (owned, NULL, NULL);
          return;
        }
      g_hash_table_add (self->refusing, g_object_ref (session));
      pc_session_refuse (session, "max-clients");
      return;
    }
  g_hash_table_add (self->sessions, g_object_ref (session));
  pc_session_start (session);
}

gboolean
pc_server_listen (PcServer    *self,
                  const char  *address_text,
                  GError     **error)
{
  g_autoptr(PcAddress) address = pc_address_parse (address_text, error);
  PcListenOptions options = { .allow_remote = self->config.allow_remote };
  const PcTransportOps *ops;
  Listener *listener;

  if (address == NULL)
    return FALSE;
  ops = pc_transports_lookup (self->transports, address->scheme, error);
  if (ops == NULL)
    return FALSE;

  listener = g_new0 (Listener, 1);
  listener->server = self;
  listener->ops = ops;
  listener->address = g_steal_pointer (&address);
  listener->listener = ops->listen (listener->address, &options, incoming_cb,
                                    listener, error);
  if (listener->listener == NULL)
    {
      listener_free (listener);
      return FALSE;
    }
  g_info ("listening on %s (%s)", listener->address->text,
          pc_transport_display_name (ops));
  g_ptr_array_add (self->listeners, listener);
  return TRUE;
}

guint
pc_server_get_n_sessions (PcServer *self)
{
  return g_hash_table_size (self->sessions);
}

void
pc_server_shutdown (PcServer *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer session;

  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;
  g_info ("shutting down: %u sessions to finish", g_hash_table_size (self->sessions));
  /* Stop accepting first, and remove the socket files, so no client
   * connects to a server that is going away. */
  close_listeners (self);

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &session, NULL))
    g_ptr_array_add (all, g_object_ref (session));
  g_hash_table_iter_init (&iter, self->refusing);
  while (g_hash_table_iter_next (&iter, &session, NULL))
    g_ptr_array_add (all, g_object_ref (session));
  for (guint i = 0; i < all->len; i++)
    pc_session_shutdown (g_ptr_array_index (all, i));
  check_finished (self);
}
