/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-child.h"
#include "pc-paths.h"
#include "pc-private-server.h"
#include "pc-runtime-dir.h"

/* How long a private server gets to exit when asked before it is killed. */
#define STOP_TIMEOUT_MS 5000
/* The last lines of the server's log, quoted when it fails to start. */
#define KEEP_LINES 5

struct _PcPrivateServer
{
  PcChild                *process;
  char                   *pid;
  GDataInputStream       *log;
  GCancellable           *cancellable;
  PcPrivateServerLogFunc  log_func;
  gpointer                user_data;
  GQueue                  last_lines;
};

static void read_log_line (PcPrivateServer *self);

/* Reference-counted (GRcBox): a log read in flight holds a reference, so
 * its callback never sees freed state, even after stop. */
static void
private_server_clear (gpointer data)
{
  PcPrivateServer *self = data;

  g_clear_object (&self->log);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->process, pc_child_free);
  g_clear_pointer (&self->pid, g_free);
  g_queue_clear_full (&self->last_lines, g_free);
}

static void
log_line_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PcPrivateServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                    result, &len, &error);
  if (line == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      /* EOF, cancelled on stop, or not UTF-8: the log is over. */
      g_rc_box_release_full (self, private_server_clear);
      return;
    }

  g_queue_push_tail (&self->last_lines, g_strdup (line));
  if (g_queue_get_length (&self->last_lines) > KEEP_LINES)
    g_free (g_queue_pop_head (&self->last_lines));
  if (self->log_func != NULL)
    self->log_func (line, self->user_data);
  g_data_input_stream_read_line_async (self->log, G_PRIORITY_DEFAULT,
                                       self->cancellable, log_line_cb, self);
}

static void
read_log_line (PcPrivateServer *self)
{
  g_data_input_stream_read_line_async (self->log, G_PRIORITY_DEFAULT,
                                       self->cancellable, log_line_cb,
                                       g_rc_box_acquire (self));
}

char *
pc_private_server_address (PcTransports  *transports,
                           GError       **error)
{
  const PcTransportOps *ops = pc_transports_default_local (transports);
  g_autofree char *dir = pc_runtime_dir_path ();

  if (ops == NULL)
    {
      g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_NOT_FOUND,
                   _("No local transport is available; give an address"));
      return NULL;
    }
  /* The platform's default local transport, in the per-user directory
   * where the default address lives too. */
  if (!pc_ensure_private_dir (dir, error))
    return NULL;
  return ops->private_address (dir);
}

PcPrivateServer *
pc_private_server_start (const char              *address,
                         PcPrivateServerLogFunc   log_func,
                         gpointer                 user_data,
                         GError                 **error)
{
  g_autofree char *server_path = pc_paths_server ();
  g_autofree char *dir = pc_runtime_dir_path ();
  const char *argv[] = { server_path, "--listen", address, NULL };
  PcPrivateServer *self;
  PcChild *process;

  if (!pc_ensure_private_dir (dir, error))
    return NULL;

  /* The private server belongs to its client and dies with it. */
  process = pc_child_spawn (argv, error);
  if (process == NULL)
    {
      g_prefix_error (error, _("Cannot start the server %s: "), server_path);
      return NULL;
    }

  self = g_rc_box_new0 (PcPrivateServer);
  self->process = process;
  self->pid = pc_child_get_pid (process);
  self->log_func = log_func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->last_lines);
  /* Always drained, even with no one to show it to: a server blocked on a
   * full stderr pipe would stop answering. */
  self->log = g_data_input_stream_new (pc_child_get_stderr (process));
  read_log_line (self);
  return self;
}

gboolean
pc_private_server_check (PcPrivateServer  *self,
                         GError          **error)
{
  g_autoptr(GString) tail = NULL;

  if (pc_child_is_running (self->process))
    return TRUE;

  tail = g_string_new (NULL);
  for (GList *l = self->last_lines.head; l != NULL; l = l->next)
    g_string_append_printf (tail, "%s%s", tail->len ? "\n" : "", (const char *) l->data);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* TRANSLATORS: %s is the last lines the server logged */
               _("The private server exited at once:\n%s"), tail->str);
  return FALSE;
}

const char *
pc_private_server_get_pid (PcPrivateServer *self)
{
  return self->pid;
}

char *
pc_private_server_describe_end (PcPrivateServer *self)
{
  return pc_child_describe_end (self->process);
}

void
pc_private_server_stop (PcPrivateServer *self)
{
  if (self == NULL)
    return;

  if (pc_child_is_running (self->process))
    pc_child_request_stop (self->process);
  /* Waits here, on purpose: the client is going away and the server must
   * be gone (its socket file removed) before it does. */
  pc_child_wait_or_kill (self->process, STOP_TIMEOUT_MS);

  self->log_func = NULL;
  g_cancellable_cancel (self->cancellable);
  g_rc_box_release_full (self, private_server_clear);
}
