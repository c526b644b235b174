/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#endif

#include "pc-application.h"
#include "pc-connection.h"
#include "pc-connection-dialog.h"
#include "pc-font-override.h"
#include "pc-paths.h"
#include "pc-preferences-dialog.h"
#include "pc-secret.h"
#include "pc-target.h"
#include "pc-token.h"
#include "pc-window.h"

struct _PcApplication
{
  GtkApplication parent_instance;

  GSettings    *settings;
  PcTransports *transports;
  PcConnection *connection;
  PcHistory    *history;
  /* The remote server's access token, from the keyring or its file
   * (pc-secret.h); looked up once at start, then what the connection
   * dialog saved. */
  char         *token;
  gboolean      token_loaded;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (PcApplication, pc_application, GTK_TYPE_APPLICATION)

static void
pc_application_dispose (GObject *object)
{
  PcApplication *self = PC_APPLICATION (object);

  /* Stops the private server, if the window started one. */
  if (self->connection != NULL)
    pc_connection_stop (self->connection);
  g_clear_object (&self->connection);
  g_clear_object (&self->history);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->token, pc_token_free);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->transports, pc_transports_free);
  G_OBJECT_CLASS (pc_application_parent_class)->dispose (object);
}

static PcWindow *
get_window (PcApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return PC_IS_WINDOW (window) ? PC_WINDOW (window) : NULL;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  PcApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Destroying the windows lets each save its state on the way out. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_widget_destroy (windows->data);
      windows = next;
    }
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PcApplication *self = user_data;
  const char *authors[] = { _("The pipecalc developers"), NULL };

  gtk_show_about_dialog (GTK_WINDOW (get_window (self)),
                         "program-name", _("Pipe Calculator"),
                         "logo-icon-name", PC_APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("A calculator that evaluates on a server, on this computer or over the network."),
                         "authors", authors,
                         /* TRANSLATORS: your name and e-mail address, one per line */
                         "translator-credits", _("translator-credits"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/pipecalc/pipecalc",
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PcApplication *self = user_data;
  GtkWidget *dialog = pc_preferences_dialog_new (GTK_WINDOW (get_window (self)),
                                                 self->settings);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connection_response_cb (GtkDialog     *dialog,
                        int            response,
                        PcApplication *self)
{
  /* The dialog has validated and saved the choices, and is storing the
   * token; the connection takes it from here, not from the store. */
  if (response == GTK_RESPONSE_APPLY)
    {
      g_clear_pointer (&self->token, pc_token_free);
      self->token = g_strdup (pc_connection_dialog_get_token (PC_CONNECTION_DIALOG (dialog)));
      self->token_loaded = TRUE;
      pc_application_apply_connection (self);
    }
}

static void
connection_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PcApplication *self = user_data;
  GtkWidget *dialog = pc_connection_dialog_new (GTK_WINDOW (get_window (self)),
                                                self->settings, self->transports);

  g_signal_connect_object (dialog, "response", G_CALLBACK (connection_response_cb),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

#ifdef G_OS_UNIX
/* SIGINT and SIGTERM quit like Ctrl+Q: the history is saved as it goes,
 * and the private server must be stopped, not left behind. */
static gboolean
quit_signal_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}
#endif

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "connection", .activate = connection_activated },
};

void
pc_application_apply_connection (PcApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcTarget) target = pc_target_from_settings (self->settings, self->transports, &error);

  if (target == NULL)
    {
      /* Settings written by hand can be wrong; fall back to local. */
      g_warning ("%s", error->message);
      pc_connection_set_target (self->connection, NULL, TRUE);
      return;
    }
  pc_connection_set_timeout (self->connection,
                             g_settings_get_uint (self->settings, "request-timeout"));
  /* The token and the CA file are the remote server's. */
  if (target->remote)
    {
      g_autofree char *ca_file = g_settings_get_string (self->settings, "tls-ca-file");

      pc_connection_set_credentials (self->connection, self->token, ca_file);
    }
  else
    pc_connection_set_credentials (self->connection, NULL, NULL);
  pc_connection_set_target (self->connection, target->address, target->start_private);
}

static gboolean
is_remote_target (PcApplication *self)
{
  return g_settings_get_enum (self->settings, "mode") == 1;
}

static void
token_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *token = pc_secret_lookup_finish (result, &error);
  PcApplication *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (error != NULL)
    g_warning ("%s", error->message);
  /* The dialog may have set one meanwhile: it is newer. */
  if (self->token_loaded)
    {
      pc_token_free (token);
      return;
    }
  self->token = token;
  self->token_loaded = TRUE;
  /* A remote target waited for its token (see activate). */
  if (get_window (self) != NULL && is_remote_target (self))
    pc_application_apply_connection (self);
}

/* Versions before 0.2 kept the token in GSettings, in clear: move it to
 * the keyring (or the private file) and empty the key. */
static void
migrate_token (PcApplication *self)
{
  g_autofree char *old = g_settings_get_string (self->settings, "access-token");
  g_autofree char *host = g_settings_get_string (self->settings, "remote-host");

  if (old[0] == '\0')
    return;
  self->token = g_strdup (old);
  self->token_loaded = TRUE;
  pc_secret_store_async (host, old, NULL, NULL, NULL);
  g_settings_reset (self->settings, "access-token");
  memset (old, 0, strlen (old));
}

static void
timeout_changed_cb (GSettings     *settings,
                    const char    *key,
                    PcApplication *self)
{
  pc_connection_set_timeout (self->connection, g_settings_get_uint (settings, key));
}

static void
history_settings_changed_cb (GSettings     *settings,
                             const char    *key,
                             PcApplication *self)
{
  g_autoptr(GError) error = NULL;

  pc_history_set_max_size (self->history, g_settings_get_uint (settings, "history-size"));
  if (!pc_history_set_persistent (self->history,
                                  g_settings_get_boolean (settings, "keep-history"), &error))
    g_warning ("%s", error->message);
}

static void
pc_application_startup (GApplication *application)
{
  PcApplication *self = PC_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *history_path = pc_history_default_path ();

  G_APPLICATION_CLASS (pc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  /* The application's icon names every window; run from the build tree,
   * it is found in the sources' hicolor tree. */
  if (pc_paths_in_build_tree ())
    gtk_icon_theme_append_search_path (gtk_icon_theme_get_default (), PC_SOURCE_ICONDIR);
  gtk_window_set_default_icon_name (PC_APPLICATION_ID);
  pc_font_override_apply ();

#ifdef G_OS_UNIX
  g_unix_signal_add (SIGINT, quit_signal_cb, self);
  g_unix_signal_add (SIGTERM, quit_signal_cb, self);
#endif
  self->settings = g_settings_new (PC_APPLICATION_ID);
  self->transports = pc_transports_load (&error);
  if (self->transports == NULL)
    g_critical ("%s", error->message);
  self->connection = pc_connection_new (self->transports);
  self->history = pc_history_new (history_path,
                                  g_settings_get_uint (self->settings, "history-size"),
                                  g_settings_get_boolean (self->settings, "keep-history"));
  if (!pc_history_load (self->history, &error))
    g_warning ("%s", error->message);

  self->cancellable = g_cancellable_new ();
  migrate_token (self);
  if (!self->token_loaded)
    pc_secret_lookup_async (self->cancellable, token_loaded_cb, self);

  g_signal_connect (self->settings, "changed::request-timeout",
                    G_CALLBACK (timeout_changed_cb), self);
  g_signal_connect (self->settings, "changed::history-size",
                    G_CALLBACK (history_settings_changed_cb), self);
  g_signal_connect (self->settings, "changed::keep-history",
                    G_CALLBACK (history_settings_changed_cb), self);
}

static void
pc_application_activate (GApplication *application)
{
  PcApplication *self = PC_APPLICATION (application);
  PcWindow *window = get_window (self);

  /* Single instance: a second launch presents the window that exists. */
  if (window == NULL)
    {
      window = pc_window_new (GTK_APPLICATION (self), self->settings,
                              self->connection, self->history);
      /* A remote server is not called before its token is known: it
       * would only answer error 1003. The lookup applies it then. */
      if (self->token_loaded || !is_remote_target (self))
        pc_application_apply_connection (self);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
pc_application_class_init (PcApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pc_application_dispose;
  G_APPLICATION_CLASS (klass)->startup = pc_application_startup;
  G_APPLICATION_CLASS (klass)->activate = pc_application_activate;
}

static void
pc_application_init (PcApplication *self)
{
}

PcApplication *
pc_application_new (void)
{
  return g_object_new (PC_TYPE_APPLICATION,
                       "application-id", PC_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/pipecalc/PipeCalc",
                       NULL);
}
