/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalcd"
#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "pc-activation.h"
#include "pc-evaluator.h"
#include "pc-log.h"
#include "pc-paths.h"
#include "pc-protocol.h"
#include "pc-quit-signal.h"
#include "pc-runtime-dir.h"
#include "pc-server.h"
#include "pc-token.h"
#include "pc-transport.h"

typedef struct
{
  GMainLoop *loop;
  PcServer  *server;
  int        signals_seen;
  guint      exit_idle;     /* seconds; 0: never */
  GSource   *idle_timer;
} App;

static gboolean
signal_cb (gpointer user_data)
{
  App *app = user_data;

  /* A second signal means "now": do not wait for slow clients. */
  if (++app->signals_seen > 1)
    {
      g_message ("second signal: exiting without waiting for clients");
      g_main_loop_quit (app->loop);
      return G_SOURCE_CONTINUE;
    }
  g_message ("signal received: finishing replies in flight, then exiting");
  pc_server_shutdown (app->server);
  return G_SOURCE_CONTINUE;
}

static void
finished_cb (PcServer *server,
             App      *app)
{
  g_main_loop_quit (app->loop);
}

static void arm_idle_timer (App *app);

static gboolean
idle_timer_cb (gpointer user_data)
{
  App *app = user_data;

  g_clear_pointer (&app->idle_timer, g_source_unref);
  /* A client came meanwhile: its leaving arms the timer again. */
  if (!pc_server_is_idle (app->server))
    return G_SOURCE_REMOVE;
  /* One is on its way in (a TLS handshake): count again, since it may
   * yet fail without ever being a session that could re-arm us. */
  if (pc_server_get_n_pending (app->server) > 0)
    {
      arm_idle_timer (app);
      return G_SOURCE_REMOVE;
    }
  /* A client connecting now is not lost: it waits in the queue of the
   * socket, which systemd keeps listening on, and starts the next
   * server. Only our copies of the descriptors close. */
  g_message ("no client for %u s: exiting; systemd keeps the sockets and "
             "starts pipecalcd again for the next client", app->exit_idle);
  pc_server_shutdown (app->server);
  return G_SOURCE_REMOVE;
}

/* (Re)starts the count of --exit-idle seconds. */
static void
arm_idle_timer (App *app)
{
  if (app->idle_timer != NULL)
    {
      g_source_destroy (app->idle_timer);
      g_clear_pointer (&app->idle_timer, g_source_unref);
    }
  /* Not _seconds(): its wake-ups are coalesced, up to a second late. */
  app->idle_timer = g_timeout_source_new (app->exit_idle * 1000);
  g_source_set_callback (app->idle_timer, idle_timer_cb, app, NULL);
  g_source_set_static_name (app->idle_timer, "[pipecalc] exit-idle");
  g_source_attach (app->idle_timer, NULL);
}

static void
idle_cb (PcServer *server,
         App      *app)
{
  arm_idle_timer (app);
}

/* Serves on the sockets systemd passed, each with the transport of its
 * kind; the log says which, by descriptor and name. */
static gboolean
adopt_passed_sockets (PcServer   *server,
                      GPtrArray  *passed,
                      GPtrArray  *addresses,
                      GError    **error)
{
  for (guint i = 0; i < passed->len; i++)
    {
      PcPassedSocket *one = g_ptr_array_index (passed, i);
      g_autofree char *address = pc_activation_socket_address (one, error);
      g_autofree char *origin = NULL;

      if (address == NULL)
        return FALSE;
      origin = g_strdup_printf ("from systemd (fd %d, name \"%s\")", one->fd, one->name);
      if (!pc_server_adopt (server, address, one->socket, origin, error))
        {
          g_prefix_error (error, _("Socket activation: descriptor %d (“%s”): "),
                          one->fd, one->name);
          return FALSE;
        }
      g_ptr_array_add (addresses, g_steal_pointer (&address));
    }
  return TRUE;
}

static int
list_transports (PcTransports *transports)
{
  g_autoptr(GPtrArray) list = pc_transports_list (transports);
  const char * const *warnings = pc_transports_warnings (transports);

  for (guint i = 0; i < list->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (list, i);
      g_autofree char *address = ops->default_address ? ops->default_address () : NULL;

      const char *name = pc_transport_display_name (ops);
      g_autoptr(GString) reach = g_string_new (NULL);
      /* printf pads by bytes; translated names need padding by characters. */
      int pad = MAX (0, 26 - (int) g_utf8_strlen (name, -1));

      if (ops->flags & PC_TRANSPORT_FLAG_LOCAL)
        /* TRANSLATORS: in --list-transports: the transport reaches servers on this machine */
        g_string_append (reach, C_("reach", "local"));
      if (ops->flags & PC_TRANSPORT_FLAG_REMOTE)
        g_string_append_printf (reach, "%s%s", reach->len ? "," : "",
                                /* TRANSLATORS: in --list-transports: it reaches other machines */
                                C_("reach", "remote"));
      printf ("%-6s %s%*s %s%*s %s\n", ops->scheme, name, pad, "", reach->str,
              MAX (1, 20 - (int) g_utf8_strlen (reach->str, -1)), "",
              address ? address : "");
    }
  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr ("%s\n", warnings[i]);
  return 0;
}

/* With no --listen: the default address of the platform's default local
 * transport (the one whose module says so). */
static char *
default_listen_address (PcTransports  *transports,
                        GError       **error)
{
  const PcTransportOps *ops = pc_transports_default_local (transports);
  g_autofree char *dir = pc_runtime_dir_path ();

  if (!pc_ensure_private_dir (dir, error))
    return NULL;
  if (ops != NULL && ops->default_address != NULL)
    return ops->default_address ();
  g_set_error (error, PC_TRANSPORT_ERROR, PC_TRANSPORT_ERROR_NOT_FOUND,
               _("No local transport is available; give an address with --listen"));
  return NULL;
}

/* The options of access control and TLS, kept apart from the limits. */
typedef struct
{
  char            *token_file;
  int              auth_timeout;
  char            *tls_cert;
  char            *tls_key;
  char            *token;       /* read from token_file */
  GTlsCertificate *certificate; /* from tls_cert and tls_key */
} Security;

static void
security_clear (Security *security)
{
  g_clear_pointer (&security->token_file, g_free);
  g_clear_pointer (&security->tls_cert, g_free);
  g_clear_pointer (&security->tls_key, g_free);
  g_clear_pointer (&security->token, pc_token_free);
  g_clear_object (&security->certificate);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Security, security_clear)

static gboolean
security_load (Security  *security,
               GError   **error)
{
  if (security->auth_timeout < 0 || security->auth_timeout > 3600)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--auth-timeout must be between 0 and 3600 seconds"));
      return FALSE;
    }
  if (security->token_file != NULL)
    {
      security->token = pc_token_read_file (security->token_file, error);
      if (security->token == NULL)
        return FALSE;
    }
  if ((security->tls_cert == NULL) != (security->tls_key == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--tls-cert and --tls-key go together"));
      return FALSE;
    }
  if (security->tls_cert != NULL)
    {
      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("TLS is not available: GLib has no TLS backend "
                         "(install glib-networking)"));
          return FALSE;
        }
      security->certificate = g_tls_certificate_new_from_files (security->tls_cert,
                                                                security->tls_key,
                                                                error);
      if (security->certificate == NULL)
        {
          g_prefix_error (error, _("Cannot load the TLS certificate %s: "),
                          security->tls_cert);
          return FALSE;
        }
    }
  return TRUE;
}

/* A certificate that no listener presents would only look like TLS. */
static gboolean
check_tls_used (PcTransports        *transports,
                const char * const  *listen,
                GPtrArray           *passed,
                const Security      *security,
                GError             **error)
{
  if (security->certificate == NULL)
    return TRUE;
  /* A TCP socket systemd passes under the name "tls" speaks TLS. */
  for (guint i = 0; i < passed->len; i++)
    if (g_strcmp0 (((PcPassedSocket *) g_ptr_array_index (passed, i))->name, "tls") == 0)
      return TRUE;
  for (guint i = 0; listen != NULL && listen[i] != NULL; i++)
    {
      g_autoptr(PcAddress) address = pc_transports_parse_address (transports, listen[i], NULL);

      if (address != NULL && address->tls)
        return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--tls-cert is given but no listener uses TLS; listen on an "
                 "address that asks for it, such as --listen "
                 "“tcp://0.0.0.0:7878?tls=1”, or pass a socket named "
                 "“tls” (FileDescriptorName=tls)"));
  return FALSE;
}

/* Said once at start, for every listener other machines may reach. */
static void
warn_if_exposed (PcTransports    *transports,
                 const char      *address_text,
                 const Security  *security)
{
  g_autoptr(PcAddress) address = pc_transports_parse_address (transports, address_text, NULL);
  const PcTransportOps *ops = address != NULL
    ? pc_transports_lookup (transports, address->scheme, NULL) : NULL;

  if (ops == NULL || pc_transport_is_loopback (ops, address))
    return;
  if (!address->tls)
    g_warning ("%s is reachable from other machines without TLS: expressions, "
               "results and any token cross the network in clear; listen on "
               "tcp://HOST:PORT?tls=1 with --tls-cert and --tls-key", address->text);
  if (security->token == NULL)
    g_warning ("%s is reachable from other machines without a token: anyone who "
               "can reach it may use it; require one with --auth-token-file",
               address->text);
}

/* Sessions are spread over one worker thread per core unless
 * PIPECALC_WORKERS says how many (0: every session on the main loop).
 * A tuning knob for benchmarks and tests, not an everyday option. */
static int
worker_threads (void)
{
  const char *text = g_getenv ("PIPECALC_WORKERS");
  gint64 n = -1;

  if (text != NULL && *text != '\0'
      && !g_ascii_string_to_signed (text, 10, 0, 64, &n, NULL))
    {
      g_warning ("PIPECALC_WORKERS=%s is not a number from 0 to 64; "
                 "using one worker per core", text);
      n = -1;
    }
  return (int) n;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) listen = NULL;
  int max_clients = 512;
  int max_line = 65536;
  int idle_timeout = 0;
  int max_batch = PC_PROTOCOL_DEFAULT_MAX_BATCH;
  int max_variables = PC_EVAL_DEFAULT_MAX_VARIABLES;
  gboolean verbose = FALSE;
  gboolean allow_remote = FALSE;
  gboolean show_list = FALSE;
  gboolean show_version = FALSE;
  /* Admission: per-user limits and deadlines (docs/architecture.md). */
  int max_clients_per_user = 256;
  int max_incomplete = 128;
  int max_incomplete_per_user = 64;
  int request_timeout = 30;
  int send_timeout = 60;
  int exit_idle = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(PcTransports) transports = NULL;
  g_auto(Security) security = { .auth_timeout = 30 };
  g_autoptr(PcServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) passed = NULL;
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  PcServerConfig config;
  App app = { 0, };
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &listen,
      N_("Listen on ADDRESS (repeatable); default: the local socket"), N_("ADDRESS") },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &max_clients,
      N_("Serve at most N clients at once (default 512)"), "N" },
    { "max-line", 0, 0, G_OPTION_ARG_INT, &max_line,
      N_("Refuse requests longer than BYTES (default 65536)"), N_("BYTES") },
    { "max-batch", 0, 0, G_OPTION_ARG_INT, &max_batch,
      N_("Refuse JSON-RPC batches of more than N calls (default 1000)"), "N" },
    { "max-variables", 0, 0, G_OPTION_ARG_INT, &max_variables,
      N_("Let a session define at most N variables (default 10000)"), "N" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Close connections idle for S seconds, and drop those that leave "
         "their replies unread 5 s after that (default 0: never; sessions "
         "keep their variables)"), "S" },
    { "max-clients-per-user", 0, 0, G_OPTION_ARG_INT, &max_clients_per_user,
      N_("Serve at most N clients of one user (uid, or address on tcp) at "
         "once (default 256)"), "N" },
    { "max-incomplete", 0, 0, G_OPTION_ARG_INT, &max_incomplete,
      N_("Keep at most N connections that have not sent a complete request "
         "yet; past that the oldest of the user holding most is closed "
         "(default 128)"), "N" },
    { "max-incomplete-per-user", 0, 0, G_OPTION_ARG_INT, &max_incomplete_per_user,
      N_("The same for one user: past N, that user's oldest is closed "
         "(default 64)"), "N" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &request_timeout,
      N_("Close a connection whose request line has not ended S seconds "
         "after it began (default 30, on: clients send whole lines; 0: never)"),
      "S" },
    { "send-timeout", 0, 0, G_OPTION_ARG_INT, &send_timeout,
      N_("Drop a connection that leaves its replies unread for S seconds "
         "(default 60, on: its slot and memory go back; 0: never)"), "S" },
    { "allow-remote", 0, 0, G_OPTION_ARG_NONE, &allow_remote,
      N_("Accept clients from other machines (tcp on a non-loopback address)"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Log every request and reply"), NULL },
    /* Access control and TLS. */
    { "auth-token-file", 0, 0, G_OPTION_ARG_FILENAME, &security.token_file,
      N_("Require clients to present the access token in FILE (readable by its owner only)"),
      N_("FILE") },
    { "auth-timeout", 0, 0, G_OPTION_ARG_INT, &security.auth_timeout,
      N_("Close connections not authenticated within S seconds (default 30)"), "S" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &security.tls_cert,
      N_("The certificate (PEM) that listeners asking for TLS (tcp://HOST:PORT?tls=1) present"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &security.tls_key,
      N_("The private key (PEM) of --tls-cert"), N_("FILE") },
    { "exit-idle", 0, 0, G_OPTION_ARG_INT, &exit_idle,
      N_("With sockets passed by systemd (socket activation): exit after S "
         "seconds with no client; systemd starts the server again for the "
         "next one (default 0: never)"), "S" },
    { "list-transports", 0, 0, G_OPTION_ARG_NONE, &show_list,
      N_("List the transports found and exit"), NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &show_version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  pc_paths_init_i18n ();
  g_set_prgname ("pipecalcd");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("The pipecalc server: evaluates expressions sent over unix sockets, TCP and the other transports."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pipecalcd: %s\n", error->message);
      return 1;
    }
  if (argc > 1)
    {
      g_printerr (_("pipecalcd: unexpected argument “%s”; addresses are given with --listen\n"),
                  argv[1]);
      return 1;
    }
  if (show_version)
    {
      printf ("pipecalcd %s (muparser %s)\n", PACKAGE_VERSION, PC_MUPARSER_VERSION);
      return 0;
    }
  if (max_clients < 1 || max_clients > 100000)
    {
      g_printerr (_("pipecalcd: --max-clients must be between 1 and 100000\n"));
      return 1;
    }
  if (max_line < 64 || max_line > 16 * 1024 * 1024)
    {
      g_printerr (_("pipecalcd: --max-line must be between 64 and 16777216 bytes\n"));
      return 1;
    }
  if (idle_timeout < 0 || idle_timeout > 7 * 24 * 3600)
    {
      g_printerr (_("pipecalcd: --idle-timeout must be between 0 and 604800 seconds\n"));
      return 1;
    }

  if (max_batch < 1 || max_batch > 1000000)
    {
      g_printerr (_("pipecalcd: --max-batch must be between 1 and 1000000\n"));
      return 1;
    }
  if (max_variables < 1 || max_variables > 10000000)
    {
      g_printerr (_("pipecalcd: --max-variables must be between 1 and 10000000\n"));
      return 1;
    }
  if (max_clients_per_user < 1 || max_clients_per_user > 100000
      || max_incomplete < 1 || max_incomplete > 100000
      || max_incomplete_per_user < 1 || max_incomplete_per_user > 100000)
    {
      g_printerr (_("pipecalcd: --max-clients-per-user, --max-incomplete and "
                    "--max-incomplete-per-user must be between 1 and 100000\n"));
      return 1;
    }
  if (request_timeout < 0 || request_timeout > 7 * 24 * 3600
      || send_timeout < 0 || send_timeout > 7 * 24 * 3600)
    {
      g_printerr (_("pipecalcd: --request-timeout and --send-timeout must be "
                    "between 0 and 604800 seconds\n"));
      return 1;
    }
  if (exit_idle < 0 || exit_idle > 7 * 24 * 3600)
    {
      g_printerr (_("pipecalcd: --exit-idle must be between 0 and 604800 seconds\n"));
      return 1;
    }

  if (!security_load (&security, &error))
    {
      g_printerr ("pipecalcd: %s\n", error->message);
      return 1;
    }

  pc_log_init ("pipecalcd", verbose);
  /* A client that goes away mid-reply must cost an EPIPE, not the server. */
  pc_ignore_sigpipe ();

  transports = pc_transports_load (&error);
  if (transports == NULL)
    {
      g_printerr ("pipecalcd: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; pc_transports_warnings (transports)[i] != NULL; i++)
    g_warning ("%s", pc_transports_warnings (transports)[i]);
  if (show_list)
    return list_transports (transports);

  /* systemd's socket activation: listening sockets passed as fd 3, 4, … */
  passed = pc_activation_take_sockets (&error);
  if (passed == NULL)
    {
      g_printerr ("pipecalcd: %s\n", error->message);
      return 1;
    }

  if (!check_tls_used (transports, (const char * const *) listen, passed, &security, &error))
    {
      g_printerr ("pipecalcd: %s\n", error->message);
      return 1;
    }

  config = (PcServerConfig) {
    .max_line = (gsize) max_line,
    .max_clients = max_clients,
    .idle_timeout = (guint) idle_timeout,
    .verbose = verbose,
    .allow_remote = allow_remote,
    .workers = worker_threads (),
    .max_batch = (gsize) max_batch,
    .max_variables = (guint) max_variables,
    .max_clients_per_user = max_clients_per_user,
    .max_incomplete = max_incomplete,
    .max_incomplete_per_user = max_incomplete_per_user,
    .request_timeout = (guint) request_timeout,
    .send_timeout = (guint) send_timeout,
    .auth_token = security.token,
    .auth_timeout = (guint) security.auth_timeout,
    .tls_certificate = security.certificate,
  };
  server = pc_server_new (transports, &config);
  /* Before the first socket file exists: from then on no signal may kill
   * the server and leave it behind. */
  app.server = server;
  pc_quit_signal_add (signal_cb, &app);
  g_info ("serving sessions on %u worker threads", pc_server_get_n_workers (server));

  if (!adopt_passed_sockets (server, passed, addresses, &error))
    {
      g_printerr ("pipecalcd: %s\n", error->message);
      return 1;
    }
  /* Activated with no --listen: the passed sockets only. */
  if ((listen == NULL || listen[0] == NULL) && passed->len == 0)
    {
      g_autofree char *address = default_listen_address (transports, &error);

      if (address == NULL || !pc_server_listen (server, address, &error))
        {
          g_printerr ("pipecalcd: %s\n", error->message);
          return 1;
        }
    }
  for (guint i = 0; listen != NULL && listen[i] != NULL; i++)
    if (!pc_server_listen (server, listen[i], &error))
      {
        g_printerr ("pipecalcd: %s\n", error->message);
        return 1;
      }
  for (guint i = 0; listen != NULL && listen[i] != NULL; i++)
    warn_if_exposed (transports, listen[i], &security);
  for (guint i = 0; i < addresses->len; i++)
    warn_if_exposed (transports, g_ptr_array_index (addresses, i), &security);

  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  g_signal_connect (server, "finished", G_CALLBACK (finished_cb), &app);
  /* Exiting when idle is for a server systemd starts again on demand; one
   * started by hand would just be gone. */
  if (exit_idle > 0 && passed->len == 0)
    g_message ("--exit-idle applies only to sockets passed by systemd; "
               "without them the server stays");
  else if (exit_idle > 0)
    {
      app.exit_idle = (guint) exit_idle;
      g_signal_connect (server, "idle", G_CALLBACK (idle_cb), &app);
      arm_idle_timer (&app);
    }
  g_message ("pipecalcd %s ready", PACKAGE_VERSION);
  g_main_loop_run (loop);

  if (app.idle_timer != NULL)
    {
      g_source_destroy (app.idle_timer);
      g_clear_pointer (&app.idle_timer, g_source_unref);
    }
  /* Closes any listener left (after a second signal) and removes its files. */
  pc_server_shutdown (server);
  g_clear_object (&server);
  g_message ("stopped");
  return 0;
}
