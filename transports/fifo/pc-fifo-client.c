/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-fifo"

/* The client's side of the handshake (the order is drawn at the top of
 * pc-transport-fifo.c): every step a non-blocking syscall, and the wait
 * for the server a timer on the caller's main context, with a deadline. */

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc-fifo-private.h"

/* The client polls for the server's read end, starting fast (a server
 * usually answers in well under a millisecond) and backing off. */
#define PROBE_FIRST_MS 1
#define PROBE_MAX_MS 16

typedef struct
{
  char *address_text;
  gint64 allowed_uid; /* another user whose server we trust, or -1 */
  char *dir;      /* our private directory; NULL once removed */
  PcFileId dir_id;
  char *c2s_path;
  char *hello;
  gboolean hello_sent;

  int request_fd; /* the server's request FIFO, for writing */
  int read_fd;    /* s2c */
  int write_fd;   /* c2s */

  guint interval_ms;
  gint64 deadline;
  GSource *timer;
  GSource *cancel_source;
} Connect;

static void
clear_sources (Connect *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
}

/* The cleanup of every attempt that ends, failed or not: whatever is
 * still open or on disk goes. */
static void
connect_clear (Connect *self)
{
  clear_sources (self);
  if (self->request_fd >= 0)
    close (self->request_fd);
  if (self->read_fd >= 0)
    close (self->read_fd);
  if (self->write_fd >= 0)
    close (self->write_fd);
  self->request_fd = self->read_fd = self->write_fd = -1;
  if (self->dir != NULL)
    pc_fifo_remove_client_dir (self->dir, &self->dir_id);
  g_clear_pointer (&self->dir, g_free);
}

static void
connect_free (gpointer data)
{
  Connect *self = data;

  connect_clear (self);
  g_free (self->c2s_path);
  g_free (self->hello);
  g_free (self->address_text);
  g_free (self);
}

/* Ends the attempt, at once, whenever the caller lets go of the result,
 * and drops the reference the attempt held on @task. Takes @stream or
 * @error. */
static void
connect_complete (GTask     *task,
                  GIOStream *stream,
                  GError    *error)
{
  connect_clear (g_task_get_task_data (task));
  if (stream != NULL)
    g_task_return_pointer (task, stream, g_object_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

/* Opens the server's request FIFO for writing, without waiting. The
 * errors are what tells "nobody listens" (so that a client may start a
 * private server) from a real problem. */
static gboolean
open_request_fifo (Connect     *self,
                   const char  *path,
                   GError     **error)
{
  struct stat st;
  int errsv;

  self->request_fd = open (path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (self->request_fd < 0)
    {
      errsv = errno;
      if (errsv == ENOENT)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("Nobody is listening at %s (no such FIFO)"),
                     self->address_text);
      /* ENXIO: no reader. A socket file gives the same, so look. */
      else if (errsv == ENXIO && stat (path, &st) == 0 && S_ISFIFO (st.st_mode))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                     _("Nobody is listening at %s (no server reads the "
                       "FIFO)"), self->address_text);
      else if (errsv == ENXIO)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _("Cannot connect to %s: %s is not a FIFO"),
                     self->address_text, path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _("Cannot connect to %s: %s"),
                     self->address_text, g_strerror (errsv));
      return FALSE;
    }

  if (fstat (self->request_fd, &st) != 0 || !S_ISFIFO (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot connect to %s: %s is not a FIFO"),
                   self->address_text, path);
      return FALSE;
    }
  /* Someone else's FIFO, in a directory others may write to, would learn
   * where our private directory is; our own server makes it ours. The
   * owner of the FIFO is who made it: the server, or who planted it. */
  if (st.st_uid != geteuid ()
      && !(self->allowed_uid >= 0 && (gint64) st.st_uid == self->allowed_uid))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Cannot connect to %s: the FIFO belongs to another user "
                     "(uid %lu)"),
                   self->address_text, (unsigned long) st.st_uid);
      return FALSE;
    }
  return TRUE;
}

/* The folder of the request FIFO decides who could have put a FIFO
 * there, or will replace it: it must be a real folder of ours (or of the
 * user we were told to trust) that nobody else may write to. The default
 * folder is checked as strictly as the server checks it (mode 0700). */
static gboolean
check_fifo_dir (Connect     *self,
                const char  *path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  GError *local_error = NULL;
  struct stat st;
  const char *problem = NULL;

  if (!pc_check_runtime_parent (path, &local_error))
    {
      g_set_error (error, G_IO_ERROR, local_error->code,
                   _("Cannot connect to %s: %s"),
                   self->address_text, local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  /* A missing folder means a missing FIFO: opening it says so. */
  if (g_lstat (dir, &st) != 0)
    return TRUE;

  if (S_ISLNK (st.st_mode))
    problem = _("it is a symbolic link");
  else if (!S_ISDIR (st.st_mode))
    problem = _("it is not a directory");
  else if (st.st_uid != geteuid ()
           && !(self->allowed_uid >= 0 && (gint64) st.st_uid == self->allowed_uid))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("Cannot connect to %s: directory %s belongs to another "
                     "user (uid %lu)"),
                   self->address_text, dir, (unsigned long) st.st_uid);
      return FALSE;
    }
  else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    problem = _("other users may write to it");
  if (problem == NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
               /* TRANSLATORS: the last %s says what is wrong with the folder */
               _("Cannot connect to %s: directory %s cannot be trusted: %s"),
               self->address_text, dir, problem);
  return FALSE;
}

/* Opens our ends of the two FIFOs before announcing them, so that the
 * server's opens succeed at once and it never reads a spurious EOF. */
static gboolean
open_own_ends (Connect  *self,
               GError  **error)
{
  g_autofree char *s2c_path = g_build_filename (self->dir, PC_FIFO_S2C, NULL);
  int holder;
  int errsv;

  self->c2s_path = g_build_filename (self->dir, PC_FIFO_C2S, NULL);

  /* A non-blocking reader never waits for a writer. */
  self->read_fd = open (s2c_path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW
                        | O_CLOEXEC);
  if (self->read_fd < 0)
    goto failed;

  /* A non-blocking writer needs a reader (else ENXIO): hold one for an
   * instant, so that our write end is open before the server opens its
   * read end, and the server sees EOF only when we are really gone. */
  holder = open (self->c2s_path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW
                 | O_CLOEXEC);
  if (holder < 0)
    goto failed;
  self->write_fd = open (self->c2s_path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW
                         | O_CLOEXEC);
  errsv = errno;
  close (holder);
  errno = errsv;
  if (self->write_fd < 0)
    goto failed;
  return TRUE;

failed:
  errsv = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Cannot connect to %s: cannot open FIFO in %s: %s"),
               self->address_text, self->dir, g_strerror (errsv));
  return FALSE;
}

typedef enum
{
  STEP_WAIT,
  STEP_DONE,
} Step;

/* One attempt to move the handshake on; never blocks. Returns STEP_DONE
 * with @stream or @error set once it is over either way. */
static Step
connect_step (Connect    *self,
              GIOStream **stream,
              GError    **error)
{
  struct pollfd request = { .fd = self->request_fd, .events = POLLOUT };
  int errsv;
  int probe;

  if (!self->hello_sent)
    {
      gsize len = strlen (self->hello);

      /* At most PIPE_BUF bytes: written whole or not at all (EAGAIN when
       * the FIFO is full of other announcements), never interleaved. */
      if (write (self->request_fd, self->hello, len) == (gssize) len)
        self->hello_sent = TRUE;
      else if (errno == EPIPE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                       _("Nobody is listening at %s (the server went away)"),
                       self->address_text);
          return STEP_DONE;
        }
      else if (errno != EAGAIN && errno != EINTR)
        {
          errsv = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Cannot connect to %s: %s"),
                       self->address_text, g_strerror (errsv));
          return STEP_DONE;
        }
    }

  if (self->hello_sent)
    {
      /* The server opens our c2s for reading last; once it has, opening
       * it for writing stops failing with ENXIO. */
      probe = open (self->c2s_path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW
                    | O_CLOEXEC);
      if (probe >= 0)
        {
          close (probe);
          /* Both sides hold their ends: the names have served their
           * purpose, and removing them now leaves nothing behind whatever
           * happens to either process later. */
          pc_fifo_remove_client_dir (self->dir, &self->dir_id);
          g_clear_pointer (&self->dir, g_free);
          *stream = pc_fifo_stream_new (self->read_fd, self->write_fd);
          self->read_fd = self->write_fd = -1;
          return STEP_DONE;
        }
      if (errno != ENXIO)
        {
          errsv = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Cannot connect to %s: %s"),
                       self->address_text, g_strerror (errsv));
          return STEP_DONE;
        }
    }

  /* The request FIFO has lost its reader: the server is gone, and our
   * announcement with it. */
  if (poll (&request, 1, 0) == 1 && (request.revents & POLLERR) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                   _("Nobody is listening at %s (the server went away)"),
                   self->address_text);
      return STEP_DONE;
    }
  if (g_get_monotonic_time () >= self->deadline)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   ngettext ("The server at %s did not answer within %d "
                             "second",
                             "The server at %s did not answer within %d "
                             "seconds", PC_FIFO_CONNECT_TIMEOUT_S),
                   self->address_text, PC_FIFO_CONNECT_TIMEOUT_S);
      return STEP_DONE;
    }
  return STEP_WAIT;
}

static gboolean connect_tick_cb (gpointer user_data);

static void
schedule_tick (GTask *task)
{
  Connect *self = g_task_get_task_data (task);

  self->timer = g_timeout_source_new (self->interval_ms);
  self->interval_ms = MIN (self->interval_ms * 2, PROBE_MAX_MS);
  g_source_set_callback (self->timer, connect_tick_cb, task, NULL);
  g_source_set_static_name (self->timer, "[pipecalc] fifo connect");
  g_source_attach (self->timer, g_task_get_context (task));
}

static gboolean
connect_tick_cb (gpointer user_data)
{
  GTask *task = user_data;
  Connect *self = g_task_get_task_data (task);
  GIOStream *stream = NULL;
  GError *error = NULL;

  g_clear_pointer (&self->timer, g_source_unref);
  if (connect_step (self, &stream, &error) == STEP_WAIT)
    schedule_tick (task);
  else
    connect_complete (task, stream, error);
  return G_SOURCE_REMOVE;
}

static gboolean
connect_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Connect *self = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  g_cancellable_set_error_if_cancelled (cancellable, &error);
  connect_complete (task, NULL, error);
  return G_SOURCE_REMOVE;
}

void
pc_fifo_connect_async (const PcAddress        *address,
                       const PcConnectOptions *options,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  Connect *self;
  GIOStream *stream = NULL;
  GError *error = NULL;

  g_return_if_fail (address != NULL);

  pc_ignore_sigpipe ();

  /* The attempt holds this reference until connect_complete(). */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pc_fifo_connect_async);
  self = g_new0 (Connect, 1);
  self->address_text = g_strdup (address->text);
  self->allowed_uid = options != NULL ? options->allowed_server_uid : -1;
  self->request_fd = self->read_fd = self->write_fd = -1;
  self->interval_ms = PROBE_FIRST_MS;
  self->deadline = g_get_monotonic_time ()
                   + PC_FIFO_CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
  g_task_set_task_data (task, self, connect_free);

  /* The request FIFO first: when nobody listens, say so before creating
   * anything. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !pc_fifo_check_address (address, &error)
      || !check_fifo_dir (self, address->path, &error)
      || !open_request_fifo (self, address->path, &error))
    {
      connect_complete (task, NULL, error);
      return;
    }

  self->dir = pc_fifo_make_client_dir (address->path, &self->dir_id, &error);
  if (self->dir == NULL || !open_own_ends (self, &error))
    {
      connect_complete (task, NULL, error);
      return;
    }
  self->hello = g_strconcat (PC_FIFO_HELLO, self->dir, "\n", NULL);

  if (connect_step (self, &stream, &error) == STEP_DONE)
    {
      connect_complete (task, stream, error);
      return;
    }
  schedule_tick (task);
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source,
                             G_SOURCE_FUNC (connect_cancelled_cb), task, NULL);
      g_source_attach (self->cancel_source, g_task_get_context (task));
    }
}

GIOStream *
pc_fifo_connect_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == pc_fifo_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
