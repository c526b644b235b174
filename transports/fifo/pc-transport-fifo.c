/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-fifo"

/* The classic two-FIFO design. The server owns one well-known request FIFO;
 * a client makes a private directory holding two FIFOs (c2s: client to
 * server, s2c: server to client) and announces it with one line,
 * "HELLO <dir>\n". Both sides then hold an ordinary pair of pipe ends,
 * handed out as a GSimpleIOStream. docs/transports.md tells the why of
 * every step; the comments here say where each one happens. This file
 * holds the ops table and the server; pc-fifo-client.c the client's
 * handshake; pc-fifo-dir.c what is checked and removed on disk.
 *
 * The handshake, in the only order that neither blocks nor reads a
 * spurious EOF on either side:
 *
 *   client                                  server
 *   mkdtemp + mkfifo c2s, s2c
 *   open s2c O_RDONLY        (never waits)
 *   open c2s O_WRONLY        (a reader held for an instant makes it possible)
 *   write "HELLO <dir>\n" to the request FIFO
 *                                           checks <dir>, then
 *                                           open s2c O_WRONLY (the client reads)
 *                                           open c2s O_RDONLY (the client writes)
 *   open c2s O_WRONLY again, every few ms,
 *   until it no longer fails with ENXIO:
 *   the server is reading, so connected;
 *   unlink c2s, s2c, rmdir
 *
 * Every open is O_NONBLOCK, so nothing ever waits for the other side inside
 * a syscall: the server's accept path is a few non-blocking syscalls in a
 * main-loop callback, and the client's wait is a timer on its main context
 * with a deadline. (A thread doing a blocking open() instead would need
 * the other side to open its end to be woken when the peer never comes;
 * polling a few times per handshake is simpler and has no such case.) */

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gmodule.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc-fifo-private.h"
#include "pc-log-text.h"
#include "pc-runtime-dir.h"
#include "pc-transport.h"

/* How much of the request FIFO one wake-up reads: many announcements. */
#define REQUEST_READ_CHUNK 16384

/* How much of a bad announcement the log quotes. */
#define LOG_EXCERPT 80

struct _PcTransportListener
{
  /* One reference for the owner, dropped by close_listener(), and one
   * while announcements are being handled, whose @incoming may close the
   * listener. */
  grefcount ref_count;
  gboolean closed;

  char *address_text;
  char *path;
  PcFileId id; /* the request FIFO we made, so we never remove another */

  /* The request FIFO, opened twice: to read announcements, and to write,
   * never used, so that it always has a writer and read() never returns
   * EOF when the last client closes it (which would make the fd readable
   * forever and the main loop spin). */
  int read_fd;
  int keep_fd;
  GSource *source;

  GString *line;       /* the announcement being received */
  gboolean discarding; /* inside an over-long line, skipping to its \n */

  /* Bad announcements and refusals cost a client one write each: the log
   * says a few a second at most. */
  PcLogLimit log_limit;

  PcTransportIncomingFunc incoming;
  gpointer user_data;
};

G_MODULE_EXPORT const PcTransportOps *pc_transport_module_get_ops (void);

gboolean
pc_fifo_check_address (const PcAddress  *address,
                       GError          **error)
{
  if (address->path == NULL || !g_path_is_absolute (address->path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Address %s has no absolute FIFO path"), address->text);
      return FALSE;
    }

  /* A client's announcement names a directory next to the request FIFO
   * and must fit in one atomic write. */
  if (strlen (PC_FIFO_HELLO) + strlen (address->path)
      + strlen (PC_FIFO_CLIENT_DIR_SUFFIX) + 1 > PIPE_BUF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   _("FIFO path %s is too long: a client's announcement "
                     "naming a directory next to it must fit in %d bytes"),
                   address->path, PIPE_BUF);
      return FALSE;
    }
  return TRUE;
}

#define FIFO_EXAMPLE "fifo:/run/user/1000/pipecalc/fifo"

static gboolean
fifo_parse_address (PcAddress   *address,
                    const char  *text,
                    const char  *rest,
                    GError     **error)
{
  return pc_address_parse_path (address, text, rest, FIFO_EXAMPLE, error);
}

static char *
fifo_private_address (const char *dir)
{
  static gint counter;

  /* The pid keeps processes apart, the counter the calls of one. */
  return g_strdup_printf ("fifo:%s" G_DIR_SEPARATOR_S "fifo-%d-%d", dir,
                          (int) getpid (), g_atomic_int_add (&counter, 1));
}

static char *
fifo_default_address (void)
{
  g_autofree char *dir = pc_runtime_dir_path ();

  return g_strconcat ("fifo:", dir, G_DIR_SEPARATOR_S, "fifo", NULL);
}

GIOStream *
pc_fifo_stream_new (int read_fd,
                    int write_fd)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (read_fd, TRUE);
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (write_fd, TRUE);

  return g_simple_io_stream_new (in, out);
}

/* The default address lives in the per-user runtime directory, created
 * here so that a fresh session works out of the box. Any other directory is
 * the user's choice: it must exist, and be as private as that one. */
static gboolean
ensure_parent_dir (const PcAddress  *address,
                   GError          **error)
{
  g_autofree char *parent = g_path_get_dirname (address->path);
  gboolean in_runtime_dir;

  if (!pc_ensure_runtime_parent (address->path, &in_runtime_dir, error))
    return FALSE;
  return in_runtime_dir || pc_fifo_check_parent_dir (address->text, parent, error);
}

/* Decides what to do about a file already at the request path. Returns TRUE
 * when the path is free (nothing there, or a stale FIFO that has been
 * removed). A FIFO some process reads is a live server; one nobody reads
 * was left by a server that died. */
static gboolean
clear_stale_fifo (const PcAddress  *address,
                  GError          **error)
{
  struct stat before;
  PcFileId id;
  int errsv;
  int fd;

  if (g_lstat (address->path, &before) != 0)
    {
      errsv = errno;
      if (errsv == ENOENT)
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot listen at %s: %s"),
                   address->text, g_strerror (errsv));
      return FALSE;
    }

  if (!S_ISFIFO (before.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Cannot listen at %s: %s exists and is not a FIFO; "
                     "refusing to replace it"),
                   address->text, address->path);
      return FALSE;
    }

  /* Opening for writing without blocking succeeds exactly when a reader
   * has the FIFO open. It writes nothing, so a live server is unharmed. */
  fd = open (address->path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY
             | O_CLOEXEC);
  if (fd >= 0)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   _("Another pipecalcd is already listening at %s"),
                   address->text);
      return FALSE;
    }
  errsv = errno;
  if (errsv == ENOENT)
    return TRUE; /* Removed by its owner meanwhile. */
  if (errsv != ENXIO)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot listen at %s: a FIFO exists there and checking "
                     "whether a server reads it failed: %s"),
                   address->text, g_strerror (errsv));
      return FALSE;
    }

  /* Make sure it is still the FIFO we probed before removing it. */
  id = (PcFileId) { .dev = before.st_dev, .ino = before.st_ino };
  if (!pc_file_remove_if_same (address->path, &id))
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot remove the stale FIFO %s: %s"),
                   address->path, g_strerror (errsv));
      return FALSE;
    }

  g_debug ("Removed stale FIFO %s", address->path);
  return TRUE;
}

/* Makes the request FIFO and opens both its ends. It is made under a
 * temporary name and link()ed into place, so that it never exists at the
 * real path without a reader: a server starting at the same moment would
 * otherwise see it "stale" in between and remove it. link() also never
 * replaces anything, so of two servers racing, one gets EEXIST. */
static gboolean
create_request_fifo (PcTransportListener  *self,
                     const PcAddress      *address,
                     GError              **error)
{
  /* No live process but us has our pid, so a file by this name is left
   * from a dead one. */
  g_autofree char *temp = g_strdup_printf ("%s.%lu.new", address->path,
                                           (unsigned long) getpid ());
  struct stat st;
  int errsv;

  if (g_lstat (temp, &st) == 0 && S_ISFIFO (st.st_mode))
    g_unlink (temp);
  if (mkfifo (temp, 0600) != 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot listen at %s: cannot create FIFO %s: %s"),
                   address->text, temp, g_strerror (errsv));
      return FALSE;
    }

  /* The reader first: a non-blocking writer can only open a FIFO that has
   * one. */
  self->read_fd = open (temp, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (self->read_fd >= 0)
    self->keep_fd = open (temp, O_WRONLY | O_NONBLOCK | O_NOFOLLOW
                          | O_CLOEXEC);
  if (self->read_fd < 0 || self->keep_fd < 0 || fstat (self->read_fd, &st) != 0)
    {
      errsv = errno;
      g_unlink (temp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot listen at %s: cannot open FIFO %s: %s"),
                   address->text, temp, g_strerror (errsv));
      return FALSE;
    }
  self->id = (PcFileId) { .dev = st.st_dev, .ino = st.st_ino };

  for (int attempt = 0;; attempt++)
    {
      if (link (temp, address->path) == 0)
        break;
      errsv = errno;
      if (errsv == EEXIST && attempt == 0)
        {
          if (clear_stale_fifo (address, error))
            continue;
        }
      else if (errsv == EEXIST)
        /* Lost a race with another server starting at the same moment. */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Another pipecalcd is already listening at %s"),
                     address->text);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _("Cannot listen at %s: %s"),
                     address->text, g_strerror (errsv));
      g_unlink (temp);
      return FALSE;
    }
  g_unlink (temp);
  return TRUE;
}

static PcTransportListener *
listener_ref (PcTransportListener *self)
{
  g_ref_count_inc (&self->ref_count);
  return self;
}

static void
listener_unref (PcTransportListener *self)
{
  if (!g_ref_count_dec (&self->ref_count))
    return;

  if (self->read_fd >= 0)
    close (self->read_fd);
  if (self->keep_fd >= 0)
    close (self->keep_fd);
  g_string_free (self->line, TRUE);
  pc_log_limit_clear (&self->log_limit);
  g_free (self->path);
  g_free (self->address_text);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcTransportListener, listener_unref)

typedef struct
{
  char *dir;
  PcFileId id;
} ClientDir;

/* Runs when the server's last reference to a client's stream goes, which
 * is after the session saw EOF (or an error, or shut down): by then the
 * client has removed its directory itself, unless it died during the
 * handshake; then it is removed here, if still the one that was checked. */
static void
client_dir_free (gpointer data)
{
  ClientDir *client_dir = data;

  pc_fifo_remove_client_dir (client_dir->dir, &client_dir->id);
  g_free (client_dir->dir);
  g_free (client_dir);
}

static void
handle_announcement (PcTransportListener *self,
                     const char          *line,
                     gsize                len)
{
  g_autofree char *reason = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *account = NULL;
  g_autoptr(GIOStream) stream = NULL;
  ClientDir *client_dir;
  const char *dir;
  gboolean gone;
  PcFileId id;
  PcPeer peer;
  int read_fd;
  int write_fd;

  if (len <= strlen (PC_FIFO_HELLO)
      || memcmp (line, PC_FIFO_HELLO, strlen (PC_FIFO_HELLO)) != 0
      || memchr (line, '\0', len) != NULL)
    {
      quoted = pc_log_escape (line, (gssize) len, LOG_EXCERPT);
      pc_log_limited (&self->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                      _("Ignored an announcement on %s: not “HELLO <directory>” "
                        "but “%s”"), self->address_text, quoted);
      return;
    }

  dir = line + strlen (PC_FIFO_HELLO);
  quoted = pc_log_escape (dir, -1, LOG_EXCERPT);
  if (!pc_fifo_open_client_dir (self->path, dir, &id, &read_fd, &write_fd, &gone,
                                &reason))
    {
      g_autofree char *quoted_reason = pc_log_escape (reason, -1, 0);

      /* A client that died after announcing itself is no attack. */
      if (gone)
        pc_log_limited (&self->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                        _("The client at %s went away before it was served"), quoted);
      else
        pc_log_limited (&self->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                        _("Refused a client on %s: %s"), self->address_text,
                        quoted_reason);
      return;
    }

  stream = pc_fifo_stream_new (read_fd, write_fd);
  client_dir = g_new0 (ClientDir, 1);
  client_dir->dir = g_strdup (dir);
  client_dir->id = id;
  g_object_set_data_full (G_OBJECT (stream), "pc-fifo-client-dir", client_dir,
                          client_dir_free);
  /* Only a directory of our own user gets this far, in our own private
   * directory: the client is one of our user's processes. */
  account = g_strdup_printf ("uid:%lu", (unsigned long) geteuid ());
  peer = (PcPeer) { .description = quoted, .account = account };
  self->incoming (g_steal_pointer (&stream), &peer, self->user_data);
}

/* Splits what was read into announcements. Each is at most PIPE_BUF bytes
 * with its newline, so it arrived whole and unmixed with others; a longer
 * line cannot be an honest announcement (and may hold pieces of others),
 * so it is dropped up to its newline. */
static void
feed (PcTransportListener *self,
      const char          *data,
      gsize                len)
{
  while (len > 0 && !self->closed)
    {
      const char *newline = memchr (data, '\n', len);
      gsize take = newline != NULL ? (gsize) (newline - data) : len;

      if (!self->discarding)
        {
          if (self->line->len + take >= PIPE_BUF)
            {
              pc_log_limited (&self->log_limit, G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                              _("Ignored an announcement on %s longer than %d "
                                "bytes"), self->address_text, PIPE_BUF);
              g_string_truncate (self->line, 0);
              self->discarding = TRUE;
            }
          else
            g_string_append_len (self->line, data, take);
        }
      if (newline == NULL)
        return;

      if (!self->discarding)
        handle_announcement (self, self->line->str, self->line->len);
      g_string_truncate (self->line, 0);
      self->discarding = FALSE;
      data += take + 1;
      len -= take + 1;
    }
}

static gboolean
request_readable_cb (int          fd,
                     GIOCondition condition,
                     gpointer     user_data)
{
  g_autoptr(PcTransportListener) self = listener_ref (user_data);
  char buf[REQUEST_READ_CHUNK];
  gssize n;

  n = read (fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* Nothing a client does causes an error here, and EOF cannot happen
       * while keep_fd is open; either would leave the fd readable for
       * ever, so stop rather than spin. */
      g_warning (_("Stopped reading the FIFO of %s: %s"), self->address_text,
                 n < 0 ? g_strerror (errno) : "EOF");
      g_clear_pointer (&self->source, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  feed (self, buf, (gsize) n);
  return self->closed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static PcTransportListener *
fifo_listen (const PcAddress         *address,
             const PcListenOptions   *options,
             PcTransportIncomingFunc  incoming,
             gpointer                 user_data,
             GError                 **error)
{
  g_autoptr(PcTransportListener) self = NULL;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pc_ignore_sigpipe ();
  if (!pc_fifo_check_address (address, error) || !ensure_parent_dir (address, error))
    return NULL;

  self = g_new0 (PcTransportListener, 1);
  g_ref_count_init (&self->ref_count);
  self->address_text = g_strdup (address->text);
  self->path = g_strdup (address->path);
  self->read_fd = -1;
  self->keep_fd = -1;
  self->line = g_string_sized_new (256);
  self->incoming = incoming;
  self->user_data = user_data;

  if (!clear_stale_fifo (address, error)
      || !create_request_fifo (self, address, error))
    return NULL;
  pc_fifo_sweep_stale (address->path);

  self->source = g_unix_fd_source_new (self->read_fd, G_IO_IN);
  g_source_set_callback (self->source, G_SOURCE_FUNC (request_readable_cb),
                         self, NULL);
  g_source_set_static_name (self->source, "[pipecalc] fifo announcements");
  g_source_attach (self->source, g_main_context_get_thread_default ());
  return g_steal_pointer (&self);
}

static void
fifo_close_listener (PcTransportListener *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->closed);

  /* Remove the file first: a server starting now finds the path free, and
   * a client now gets "not found" instead of writing into a FIFO about to
   * lose its reader. */
  pc_file_remove_if_same (self->path, &self->id);

  /* Announcements still in the pipe are dropped with it; those clients
   * see the server go (POLLERR on their end) and give up. */
  self->closed = TRUE;
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  listener_unref (self);
}

static const PcTransportOps fifo_ops = {
  .abi_version = PC_TRANSPORT_ABI_VERSION,
  .scheme = "fifo",
  .display_name = N_("FIFO (named pipes)"),
  .flags = PC_TRANSPORT_FLAG_LOCAL,
  .example = FIFO_EXAMPLE,
  .parse_address = fifo_parse_address,
  .private_address = fifo_private_address,
  .default_address = fifo_default_address,
  .listen = fifo_listen,
  .close_listener = fifo_close_listener,
  .connect_async = pc_fifo_connect_async,
  .connect_finish = pc_fifo_connect_finish,
};

const PcTransportOps *
pc_transport_module_get_ops (void)
{
  return &fifo_ops;
}
