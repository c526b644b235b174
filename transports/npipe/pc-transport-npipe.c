/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc-transport-npipe"

/* The GIO half of the named-pipe transport: addresses, the ops table, and
 * the main-loop glue over the Win32 core (pc-npipe-win32.c). Pipe handles
 * become GWin32 streams, which cannot poll: the line channel reads and
 * writes them through GIO's async calls. */

#include "pc-npipe-win32.h"

#include <gio/gio.h>
#include <gio/gwin32inputstream.h>
#include <gio/gwin32outputstream.h>
#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <string.h>

#include "pc-transport.h"

G_MODULE_EXPORT const PcTransportOps *pc_transport_module_get_ops (void);

#define NPIPE_EXAMPLE "npipe://./pipecalc"
#define NPIPE_DEFAULT_NAME "pipecalc"

/* How long a client waits while every instance is busy. A server makes a
 * new instance as soon as it accepts, so this is only reached when the
 * server is stuck or the pipe is not a pipecalc server's. */
#define NPIPE_CONNECT_TIMEOUT_MS 10000

/* How long the listener waits before trying again after a failed accept. */
#define NPIPE_ACCEPT_RETRY_MS 100

struct _PcTransportListener
{
  PcNpipeServer           *server;
  GMainContext            *context;
  GSource                 *source;   /* the server's event, or the retry timer */
  char                    *address;  /* for messages */
  PcTransportIncomingFunc  incoming;
  gpointer                 user_data;
  gboolean                 failing;  /* the last accept failed */
};

/* ---- Addresses ---------------------------------------------------------- */

/* npipe://HOST/NAME = \\HOST\pipe\NAME; HOST "." is this computer. */
static gboolean
npipe_parse_address (PcAddress   *address,
                     const char  *text,
                     const char  *rest,
                     GError     **error)
{
  const char *authority;
  const char *slash;
  g_autofree char *host = NULL;
  const char *name;
  PcNpipeError problem;

  if (!g_str_has_prefix (rest, "//"))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("“npipe:” must be followed by “//”"), NPIPE_EXAMPLE);
  authority = rest + 2;
  slash = strchr (authority, '/');
  if (slash == NULL || slash == authority)
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("give a host (“.” for this computer) and a pipe name"),
                            NPIPE_EXAMPLE);
  host = g_strndup (authority, slash - authority);
  name = slash + 1;
  if (!g_str_equal (host, ".") && !pc_address_is_host_name (host))
    return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text,
                            _("the host name contains characters that are not allowed"),
                            NPIPE_EXAMPLE);
  if (!pc_npipe_check_name (name, &problem))
    {
      const char *why;

      switch (problem.failure)
        {
        case PC_NPIPE_FAIL_NAME_EMPTY:
          why = _("the pipe name is missing");
          break;
        case PC_NPIPE_FAIL_NAME_TOO_LONG:
          why = _("a pipe name has at most 256 characters and no slashes");
          break;
        case PC_NPIPE_FAIL_NAME_CHARACTER:
          why = strpbrk (name, "/\\") != NULL
            ? _("a pipe name has at most 256 characters and no slashes")
            : _("the pipe name contains characters that are not allowed");
          break;
        default:
          why = _("the pipe name contains characters that are not allowed");
          break;
        }
      return pc_address_fail (error, PC_ADDRESS_ERROR_INVALID, text, why, NPIPE_EXAMPLE);
    }

  address->text = g_strdup_printf ("npipe://%s/%s", host, name);
  address->path = g_strdup (name);
  address->host = g_steal_pointer (&host);
  return TRUE;
}

static gboolean
npipe_is_loopback (const PcAddress *address)
{
  return g_strcmp0 (address->host, ".") == 0;
}

static char *
npipe_compose_address (const char *host,
                       guint       port,
                       const char *name,
                       gboolean    tls)
{
  return g_strdup_printf ("npipe://%s/%s", host != NULL && host[0] != '\0' ? host : ".",
                          name != NULL ? name : "");
}

/* Pipe names live in one namespace per machine, with no directory: the pid
 * and a counter make them unique. */
static char *
npipe_private_address (const char *dir)
{
  static gint counter;

  return g_strdup_printf ("npipe://./pipecalc-private-%lu-%d",
                          (unsigned long) GetCurrentProcessId (),
                          g_atomic_int_add (&counter, 1));
}

static char *
npipe_default_address (void)
{
  return g_strdup ("npipe://./" NPIPE_DEFAULT_NAME);
}

/* ---- Errors ------------------------------------------------------------- */

/* The G_IO_ERROR code for a failure of the core. */
static int
io_error_code (const PcNpipeError *problem)
{
  switch (problem->failure)
    {
    case PC_NPIPE_FAIL_NAME_EMPTY:
    case PC_NPIPE_FAIL_NAME_TOO_LONG:
    case PC_NPIPE_FAIL_NAME_CHARACTER:
    case PC_NPIPE_FAIL_NAME_ENCODING:
    case PC_NPIPE_FAIL_HOST:
      return G_IO_ERROR_INVALID_ARGUMENT;
    case PC_NPIPE_FAIL_IN_USE:
      return G_IO_ERROR_ADDRESS_IN_USE;
    case PC_NPIPE_FAIL_NOT_FOUND:
      return G_IO_ERROR_NOT_FOUND;
    case PC_NPIPE_FAIL_HOST_UNREACHABLE:
      return G_IO_ERROR_HOST_UNREACHABLE;
    case PC_NPIPE_FAIL_ACCESS_DENIED:
      return G_IO_ERROR_PERMISSION_DENIED;
    case PC_NPIPE_FAIL_TIMED_OUT:
      return G_IO_ERROR_TIMED_OUT;
    case PC_NPIPE_FAIL_CANCELLED:
      return G_IO_ERROR_CANCELLED;
    case PC_NPIPE_FAIL_CLOSED:
      return G_IO_ERROR_BROKEN_PIPE;
    default:
      return problem->code != 0 ? g_io_error_from_win32_error ((gint) problem->code)
                                : G_IO_ERROR_FAILED;
    }
}

/* The system's message, or the core's English one when the failure is not
 * the system's (a bad name). */
static const char *
reason (const PcNpipeError *problem)
{
  return problem->system[0] != '\0' ? problem->system : problem->message;
}

static void
set_connect_error (GError             **error,
                   const PcNpipeError  *problem,
                   const char          *address)
{
  int code = io_error_code (problem);

  switch (problem->failure)
    {
    case PC_NPIPE_FAIL_NOT_FOUND:
      g_set_error (error, G_IO_ERROR, code,
                   _("Nobody is listening at %s (no such pipe)"), address);
      break;
    case PC_NPIPE_FAIL_TIMED_OUT:
      g_set_error (error, G_IO_ERROR, code,
                   _("Cannot connect to %s: every instance of the pipe stayed busy "
                     "for %u seconds"), address, NPIPE_CONNECT_TIMEOUT_MS / 1000);
      break;
    case PC_NPIPE_FAIL_CANCELLED:
      /* GIO's own wording, as GCancellable gives it. */
      g_set_error_literal (error, G_IO_ERROR, code,
                           g_dgettext ("glib20", "Operation was cancelled"));
      break;
    default:
      g_set_error (error, G_IO_ERROR, code, _("Cannot connect to %s: %s"),
                   address, reason (problem));
      break;
    }
}

/* ---- Streams ------------------------------------------------------------ */

/* A GIOStream over @pipe, which it takes over. Each stream gets a handle of
 * its own (DuplicateHandle), so that each closes its own: the pipe
 * instance ends when both are closed. */
static GIOStream *
stream_for_pipe (HANDLE   pipe,
                 GError **error)
{
  HANDLE second = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = NULL;

  if (!DuplicateHandle (GetCurrentProcess (), pipe, GetCurrentProcess (), &second,
                        0, FALSE, DUPLICATE_SAME_ACCESS))
    {
      DWORD code = GetLastError ();
      g_autofree char *message = g_win32_error_message ((gint) code);

      CloseHandle (pipe);
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_win32_error ((gint) code),
                           message);
      return NULL;
    }
  in = g_win32_input_stream_new (pipe, TRUE);
  out = g_win32_output_stream_new (second, TRUE);
  return g_simple_io_stream_new (in, out);
}

/* ---- Listening ---------------------------------------------------------- */

typedef struct
{
  GSource  source;
  GPollFD  poll;
} EventSource;

static gboolean
event_source_check (GSource *source)
{
  return (((EventSource *) source)->poll.revents & G_IO_IN) != 0;
}

static gboolean
event_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs event_source_funcs = {
  .check = event_source_check,
  .dispatch = event_source_dispatch,
};

/* A source that dispatches while @event is signalled: GLib's poll on
 * Windows waits on handles as well as on sockets. */
static GSource *
event_source_new (HANDLE event)
{
  GSource *source = g_source_new (&event_source_funcs, sizeof (EventSource));
  EventSource *self = (EventSource *) source;

  self->poll.fd = (gintptr) event;
  self->poll.events = G_IO_IN;
  g_source_add_poll (source, &self->poll);
  g_source_set_static_name (source, "pipecalc npipe accept");
  return source;
}

static gboolean accept_cb (gpointer user_data);

/* Makes @source the one the listener runs, in place of the current one
 * (which may be the one dispatching now: GLib keeps it alive until its
 * callback returns). */
static void
replace_source (PcTransportListener *self,
                GSource             *source,
                GSourceFunc          func)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_source_unref (self->source);
    }
  self->source = source;
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
}

/* After a failed accept the core leaves its event signalled, so watching
 * it again retries at once. */
static gboolean
retry_cb (gpointer user_data)
{
  PcTransportListener *self = user_data;

  replace_source (self, event_source_new (pc_npipe_server_get_event (self->server)),
                  accept_cb);
  return G_SOURCE_REMOVE;
}

/* The waiting instance's event fired: hand its client over, with a new
 * instance already waiting in its place. */
static gboolean
accept_cb (gpointer user_data)
{
  PcTransportListener *self = user_data;
  PcNpipeError problem;
  HANDLE pipe = INVALID_HANDLE_VALUE;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  char description[128];
  char account[192];
  PcPeer peer;

  switch (pc_npipe_server_accept (self->server, &pipe, &problem))
    {
    case PC_NPIPE_ACCEPT_NONE:
      return G_SOURCE_CONTINUE;
    case PC_NPIPE_ACCEPT_FAILED:
      /* Out of resources, say: the server goes on, a little later. */
      if (!self->failing)
        g_message (_("Accepting a connection failed: %s; retrying"), reason (&problem));
      else
        g_debug ("Accepting a connection failed again: %s", problem.message);
      self->failing = TRUE;
      replace_source (self, g_timeout_source_new (NPIPE_ACCEPT_RETRY_MS), retry_cb);
      return G_SOURCE_REMOVE;
    case PC_NPIPE_ACCEPT_CLIENT:
      break;
    }

  self->failing = FALSE;
  pc_npipe_describe_client (pipe, description, sizeof description);
  pc_npipe_client_account (pipe, account, sizeof account);
  peer = (PcPeer) { .description = description, .account = account };
  stream = stream_for_pipe (pipe, &error);
  if (stream == NULL)
    {
      g_message (_("Accepting a connection failed: %s; retrying"), error->message);
      return G_SOURCE_CONTINUE;
    }
  /* The callee may close the listener: nothing of it is touched after. */
  self->incoming (g_steal_pointer (&stream), &peer, self->user_data);
  return G_SOURCE_CONTINUE;
}

static PcTransportListener *
npipe_listen (const PcAddress         *address,
              const PcListenOptions   *options,
              PcTransportIncomingFunc  incoming,
              gpointer                 user_data,
              GError                 **error)
{
  PcNpipeServerOptions server_options = { FALSE };
  PcNpipeServer *server;
  PcNpipeError problem;
  PcTransportListener *self;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A server always listens on its own machine: \\.\pipe\NAME. */
  if (!npipe_is_loopback (address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot listen at %s: a server makes pipes on this computer only "
                     "(npipe://./NAME); clients on other machines reach it with "
                     "--allow-remote"), address->text);
      return NULL;
    }
  server_options.allow_remote = options != NULL && options->allow_remote;
  server = pc_npipe_server_new (address->path, &server_options, &problem);
  if (server == NULL)
    {
      if (problem.failure == PC_NPIPE_FAIL_IN_USE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Another program is already listening at %s"), address->text);
      else
        g_set_error (error, G_IO_ERROR, io_error_code (&problem),
                     _("Cannot listen at %s: %s"), address->text, reason (&problem));
      return NULL;
    }

  self = g_new0 (PcTransportListener, 1);
  self->server = server;
  self->context = g_main_context_ref_thread_default ();
  self->address = g_strdup (address->text);
  self->incoming = incoming;
  self->user_data = user_data;
  replace_source (self, event_source_new (pc_npipe_server_get_event (server)), accept_cb);
  return self;
}

/* Named pipes leave no file: the name goes with the last instance. */
static void
npipe_close_listener (PcTransportListener *self)
{
  g_return_if_fail (self != NULL);

  g_source_destroy (self->source);
  g_source_unref (self->source);
  pc_npipe_server_free (self->server);
  g_main_context_unref (self->context);
  g_free (self->address);
  g_free (self);
}

/* ---- Connecting --------------------------------------------------------- */

typedef struct
{
  char *host;
  char *name;
  char *text;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->host);
  g_free (data->name);
  g_free (data->text);
  g_free (data);
}

static int
cancelled_cb (void *cancellable)
{
  return g_cancellable_is_cancelled (cancellable);
}

/* CreateFileW and WaitNamedPipeW block (a remote host for as long as SMB
 * takes to give up), so they run on a worker thread; a cancellation
 * returns at once and whatever the thread gets later is closed. */
static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ConnectData *data = task_data;
  PcNpipeError problem;
  GError *error = NULL;
  GIOStream *stream;
  HANDLE pipe;

  pipe = pc_npipe_connect (data->host, data->name, NPIPE_CONNECT_TIMEOUT_MS,
                           cancellable != NULL ? cancelled_cb : NULL, cancellable,
                           &problem);
  if (!g_task_set_return_on_cancel (task, FALSE))
    {
      if (pipe != INVALID_HANDLE_VALUE)
        CloseHandle (pipe);
      return;
    }
  if (pipe == INVALID_HANDLE_VALUE)
    {
      set_connect_error (&error, &problem, data->text);
      g_task_return_error (task, error);
      return;
    }
  stream = stream_for_pipe (pipe, &error);
  if (stream == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, error->code, _("Cannot connect to %s: %s"),
                               data->text, error->message);
      g_error_free (error);
      return;
    }
  g_task_return_pointer (task, stream, g_object_unref);
}

/* @options is ignored: named pipes have no TLS, and allowed_server_uid is
 * a POSIX uid. */
static void
npipe_connect_async (const PcAddress        *address,
                     const PcConnectOptions *options,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConnectData *data;

  g_return_if_fail (address != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, npipe_connect_async);
  g_task_set_name (task, "pipecalc npipe connect");
  if (address->host == NULL || address->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Address %s has no host"), address->text);
      return;
    }
  data = g_new0 (ConnectData, 1);
  data->host = g_strdup (address->host);
  data->name = g_strdup (address->path);
  data->text = g_strdup (address->text);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, connect_thread);
}

static GIOStream *
npipe_connect_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const PcTransportOps npipe_ops = {
  .abi_version = PC_TRANSPORT_ABI_VERSION,
  .scheme = "npipe",
  .display_name = N_("Named pipe"),
  /* Windows' own local transport, and a remote one through SMB. */
  .flags = PC_TRANSPORT_FLAG_LOCAL | PC_TRANSPORT_FLAG_REMOTE
           | PC_TRANSPORT_FLAG_DEFAULT_LOCAL,
  .example = NPIPE_EXAMPLE,
  .default_port = 0,
  .name_label = N_("Pipe na_me"),
  .parse_address = npipe_parse_address,
  .is_loopback = npipe_is_loopback,
  .compose_address = npipe_compose_address,
  .private_address = npipe_private_address,
  .default_address = npipe_default_address,
  .listen = npipe_listen,
  .close_listener = npipe_close_listener,
  .connect_async = npipe_connect_async,
  .connect_finish = npipe_connect_finish,
};

const PcTransportOps *
pc_transport_module_get_ops (void)
{
  return &npipe_ops;
}
