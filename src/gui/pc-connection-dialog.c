/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#define G_LOG_DOMAIN "pipecalc"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pc-accessible.h"
#include "pc-client.h"
#include "pc-connection-dialog.h"
#include "pc-secret.h"
#include "pc-target.h"
#include "pc-token.h"

struct _PcConnectionDialog
{
  GtkDialog parent_instance;

  /* Template children */
  GtkToggleButton *local_radio;
  GtkToggleButton *remote_radio;
  GtkWidget       *local_grid;
  GtkWidget       *remote_grid;
  GtkComboBoxText *local_transport_combo;
  GtkWidget       *local_port_label;
  GtkSpinButton   *local_port_spin;
  GtkToggleButton *private_check;
  GtkEntry        *host_entry;
  GtkComboBoxText *remote_transport_combo;
  GtkWidget       *remote_port_label;
  GtkSpinButton   *remote_port_spin;
  GtkWidget       *pipe_label;      /* the name field's: the transport's name_label */
  GtkEntry        *pipe_entry;
  GtkEntry        *token_entry;
  GtkToggleButton *tls_check;
  GtkWidget       *ca_label;
  GtkFileChooser  *ca_button;
  GtkWidget       *ca_clear_button;
  GtkButton       *test_button;
  GtkSpinner      *test_spinner;
  GtkLabel        *test_label;
  GtkWidget       *error_box;
  GtkLabel        *error_label;

  GSettings       *settings;
  PcTransports    *transports;      /* the application's; outlives us */
  char            *private_tooltip; /* the template's, restored when it applies */

  /* The test in progress, if any: all set together, all cleared by
   * stop_test(). */
  PcClient        *test_client;
  GCancellable    *test_cancellable;
  guint            test_timeout_id;
  gboolean         test_local_default; /* local: nobody there may be fine */

  /* Looking up the stored token to show it (pc-secret.h). */
  GCancellable    *token_cancellable;
};

G_DEFINE_FINAL_TYPE (PcConnectionDialog, pc_connection_dialog, GTK_TYPE_DIALOG)

/* ---- Reading the choices ---------------------------------------------- */

static gboolean
is_remote (PcConnectionDialog *self)
{
  return gtk_toggle_button_get_active (self->remote_radio);
}

static const char *
combo_scheme (GtkComboBoxText *combo)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (combo));

  return id != NULL ? id : "";
}

/* The module of the transport a combo box has chosen, or %NULL. */
static const PcTransportOps *
combo_ops (PcConnectionDialog *self,
           GtkComboBoxText    *combo)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (combo));

  if (id == NULL || self->transports == NULL)
    return NULL;
  return pc_transports_lookup (self->transports, id, NULL);
}

/* The target the widgets describe, validated as the settings would be. */
static PcTarget *
build_target (PcConnectionDialog  *self,
              const char          *host_override,
              GError             **error)
{
  gboolean remote = is_remote (self);
  GtkComboBoxText *combo = remote ? self->remote_transport_combo : self->local_transport_combo;

  /* An empty combo box means the build has no transport for this mode;
   * pc_target_new() would only say the empty name cannot be used. */
  if (gtk_combo_box_get_active_id (GTK_COMBO_BOX (combo)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           remote ? _("This build has no transport that reaches a remote server")
                                  : _("This build has no transport that reaches a local server"));
      return NULL;
    }

  return pc_target_new (self->transports, remote,
                        combo_scheme (self->local_transport_combo),
                        (guint) gtk_spin_button_get_value_as_int (self->local_port_spin),
                        gtk_toggle_button_get_active (self->private_check),
                        host_override != NULL ? host_override
                                              : gtk_entry_get_text (self->host_entry),
                        combo_scheme (self->remote_transport_combo),
                        (guint) gtk_spin_button_get_value_as_int (self->remote_port_spin),
                        gtk_entry_get_text (self->pipe_entry),
                        gtk_toggle_button_get_active (self->tls_check),
                        error);
}

/* pc_target_new() says what is wrong but not where; find the entry to
 * mark. Ports come from spin buttons and transports from combo boxes, so
 * only the host and the name (of transports that have one) can be wrong. */
static GtkEntry *
offending_entry (PcConnectionDialog *self)
{
  g_autofree char *host = NULL;
  g_autoptr(PcTarget) with_good_host = NULL;
  const PcTransportOps *remote_ops;

  if (!is_remote (self))
    return NULL;
  host = g_strstrip (g_strdup (gtk_entry_get_text (self->host_entry)));
  if (host[0] == '\0')
    return self->host_entry;
  remote_ops = combo_ops (self, self->remote_transport_combo);
  if (remote_ops == NULL || remote_ops->name_label == NULL)
    return self->host_entry;

  /* With a host known to be fine, a remaining error is the pipe name's. */
  with_good_host = build_target (self, "localhost", NULL);
  return with_good_host == NULL ? self->pipe_entry : self->host_entry;
}

/* Shows why the choices cannot be used, or hides the message; Connect
 * and Test are only offered for choices that make an address. */
static gboolean
validate (PcConnectionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcTarget) target = build_target (self, NULL, &error);
  GtkEntry *entries[] = { self->host_entry, self->pipe_entry };
  GtkEntry *bad = target == NULL ? offending_entry (self) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (entries[i]));

      if (entries[i] == bad)
        gtk_style_context_add_class (style, "error");
      else
        gtk_style_context_remove_class (style, "error");
    }

  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (self->error_box, target == NULL);
  gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_OK, target != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button),
                            target != NULL || self->test_client != NULL);
  return target != NULL;
}

/* ---- Test ------------------------------------------------------------- */

/* Releases what the test holds, leaving the widgets alone: safe from
 * dispose. Returns whether a test was running. */
static gboolean
stop_test (PcConnectionDialog *self)
{
  if (self->test_client == NULL)
    return FALSE;

  /* Cancelling first makes the pending callbacks see a client that is no
   * longer ours and return without touching anything. */
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_handle_id (&self->test_timeout_id, g_source_remove);
  pc_client_close (self->test_client);
  g_clear_object (&self->test_client);
  return TRUE;
}

static void
show_test_status (PcConnectionDialog *self,
                  const char         *text,
                  gboolean            is_error)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->test_label));

  gtk_label_set_text (self->test_label, text);
  if (is_error)
    gtk_style_context_add_class (style, "error");
  else
    gtk_style_context_remove_class (style, "error");
}

static void
show_test_running (PcConnectionDialog *self,
                   gboolean            running)
{
  gtk_widget_set_child_visible (GTK_WIDGET (self->test_spinner), running);
  if (running)
    gtk_spinner_start (self->test_spinner);
  else
    gtk_spinner_stop (self->test_spinner);
  /* The same mnemonic stops what it started. */
  gtk_button_set_label (self->test_button, running ? _("Stop T_est") : _("T_est"));
  validate (self);
}

static void
finish_test (PcConnectionDialog *self,
             const char         *text,
             gboolean            is_error)
{
  stop_test (self);
  show_test_running (self, FALSE);
  show_test_status (self, text, is_error);
}

static gboolean
test_timeout_cb (gpointer user_data)
{
  PcConnectionDialog *self = user_data;
  guint seconds = g_settings_get_uint (self->settings, "request-timeout");
  g_autoptr(GError) timed_out = pc_client_timeout_error_new (seconds);

  /* stop_test() must not remove the source that is running. */
  self->test_timeout_id = 0;
  finish_test (self, timed_out->message, TRUE);
  return G_SOURCE_REMOVE;
}

static void
test_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PcConnectionDialog) self = user_data;
  PcClient *client = PC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(PcServerInfo) info = pc_client_info_finish (client, result, &error);
  g_autofree char *text = NULL;

  /* Stopped, or the dialog is gone: nothing to report to. */
  if (client != self->test_client)
    return;
  if (info == NULL)
    {
      if (g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_REFUSED)
          || g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_BAD_REPLY))
        {
          /* TRANSLATORS: %s is the server's own (English) error message */
          text = g_strdup_printf (_("The server answered, but not to “info”: %s"),
                                  error->message);
          finish_test (self, text, TRUE);
        }
      else
        finish_test (self, error->message, TRUE);
      return;
    }

  /* TRANSLATORS: server name, its version, the muparser version, the
   * transport scheme, e.g. "Connected: pipecalcd 0.1.0, muparser 2.3.4,
   * transport unix" */
  text = g_strdup_printf (_("Connected: %s %s, muparser %s, transport %s"),
                          info->server ? info->server : "?",
                          info->version ? info->version : "?",
                          info->muparser ? info->muparser : "?",
                          info->transport ? info->transport : "?");
  finish_test (self, text, FALSE);
}

static void
test_call_info (PcConnectionDialog *self)
{
  /* Connected but not done: a server that never answers shows here. */
  show_test_status (self, _("Connected; waiting for the server to describe itself…"), FALSE);
  pc_client_info_async (self->test_client, self->test_cancellable,
                        test_info_cb, g_object_ref (self));
}

static void
test_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PcConnectionDialog) self = user_data;
  PcClient *client = PC_CLIENT (source);
  g_autoptr(GError) error = NULL;

  if (!pc_client_connect_finish (client, result, &error))
    {
      if (client != self->test_client)
        return;
      /* Nobody at the default local address is what Connect handles by
       * starting a private server; Test never starts one, so say so. */
      if (self->test_local_default
          && g_error_matches (error, PC_CLIENT_ERROR, PC_CLIENT_ERROR_NO_SERVER)
          && gtk_toggle_button_get_active (self->private_check))
        finish_test (self, _("Nobody answers at the local address yet: a private server will be started for this window when you press Connect."),
                     FALSE);
      else
        finish_test (self, error->message, TRUE);
      return;
    }
  if (client != self->test_client)
    return;
  test_call_info (self);
}

static void
start_test (PcConnectionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcTarget) target = NULL;
  g_autofree char *text = NULL;
  const char *token = gtk_entry_get_text (self->token_entry);
  guint seconds = g_settings_get_uint (self->settings, "request-timeout");

  gtk_spin_button_update (self->local_port_spin);
  gtk_spin_button_update (self->remote_port_spin);
  target = build_target (self, NULL, &error);
  if (target == NULL)
    {
      validate (self);
      return;
    }

  self->test_cancellable = g_cancellable_new ();
  self->test_client = pc_client_new (self->transports);
  pc_client_set_timeout (self->test_client, seconds);
  self->test_local_default = !target->remote;
  /* The client presents the token as it connects (a refusal is a failed
   * connect, PC_CLIENT_ERROR_AUTH_FAILED, worded there). */
  if (target->remote)
    {
      g_autofree char *ca_file = gtk_file_chooser_get_filename (self->ca_button);

      pc_client_set_token (self->test_client, token[0] != '\0' ? token : NULL);
      if (gtk_toggle_button_get_active (self->tls_check))
        pc_client_set_tls_ca_file (self->test_client, ca_file);
    }
  /* The request timeout bounds the whole test, the connect included: a
   * host that drops packets would otherwise keep it going for minutes. */
  self->test_timeout_id = g_timeout_add_seconds (seconds, test_timeout_cb, self);

  if (target->address != NULL)
    text = g_strdup_printf (_("Connecting to %s…"), target->address);
  show_test_status (self, text != NULL ? text : _("Connecting to the local server…"), FALSE);
  show_test_running (self, TRUE);

  /* Never a private server from Test: it would outlive nothing and prove
   * nothing about what is running. */
  pc_client_connect_async (self->test_client, target->address, FALSE,
                           self->test_cancellable, test_connected_cb,
                           g_object_ref (self));
}

/* ---- Template callbacks ----------------------------------------------- */

static void
update_widgets (PcConnectionDialog *self)
{
  gboolean remote = is_remote (self);
  const PcTransportOps *local_ops = combo_ops (self, self->local_transport_combo);
  const PcTransportOps *remote_ops = combo_ops (self, self->remote_transport_combo);
  /* What the fields are follows the modules: a port for transports that
   * have ports (a local one only when the address is made from it), a
   * name, under the module's own label, for those that have one. */
  gboolean local_port = local_ops != NULL && local_ops->default_port != 0
                        && local_ops->compose_address != NULL
                        && !(local_ops->flags & PC_TRANSPORT_FLAG_DEFAULT_LOCAL);
  gboolean remote_name = remote_ops != NULL && remote_ops->name_label != NULL;
  gboolean remote_port = remote_ops == NULL || remote_ops->default_port != 0;
  gboolean remote_tls = remote_ops != NULL && (remote_ops->flags & PC_TRANSPORT_FLAG_TLS);
  gboolean tls_on = gtk_toggle_button_get_active (self->tls_check);

  gtk_widget_set_sensitive (self->local_grid, !remote);
  gtk_widget_set_sensitive (self->remote_grid, remote);

  gtk_widget_set_visible (self->local_port_label, local_port);
  gtk_widget_set_visible (GTK_WIDGET (self->local_port_spin), local_port);

  /* Every local transport can start a private server: the default one on
   * an address of its own, the others on the address chosen here. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->private_check), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->private_check), self->private_tooltip);

  gtk_widget_set_visible (self->remote_port_label, remote_port);
  gtk_widget_set_visible (GTK_WIDGET (self->remote_port_spin), remote_port);
  if (remote_name)
    gtk_label_set_text_with_mnemonic (GTK_LABEL (self->pipe_label),
                                      pc_transport_name_label (remote_ops));
  gtk_widget_set_visible (self->pipe_label, remote_name);
  gtk_widget_set_visible (GTK_WIDGET (self->pipe_entry), remote_name);

  /* TLS where the transport offers it; the CA file only with TLS on. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->tls_check), remote_tls);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tls_check),
                               remote_tls ? _("Encrypt the connection and check the server’s certificate")
                                          : _("The transport does not offer TLS"));
  gtk_widget_set_sensitive (self->ca_label, remote_tls && tls_on);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ca_button), remote_tls && tls_on);
  gtk_widget_set_sensitive (self->ca_clear_button, remote_tls && tls_on);
}

static void
changed_cb (PcConnectionDialog *self)
{
  /* A result, or a test still running, would describe other choices. */
  if (stop_test (self))
    show_test_running (self, FALSE);
  show_test_status (self, "", FALSE);
  update_widgets (self);
  validate (self);
}

static void
mode_toggled_cb (PcConnectionDialog *self,
                 GtkToggleButton    *button)
{
  /* Both buttons of the group toggle; react to the one that turned on. */
  if (gtk_toggle_button_get_active (button))
    changed_cb (self);
}

static void
transport_changed_cb (PcConnectionDialog *self)
{
  changed_cb (self);
}

static void
test_clicked_cb (PcConnectionDialog *self)
{
  /* A second click stops the test. */
  if (self->test_client != NULL)
    {
      finish_test (self, _("Test stopped"), FALSE);
      return;
    }
  start_test (self);
}

static void
ca_clear_clicked_cb (PcConnectionDialog *self)
{
  gtk_file_chooser_unselect_all (self->ca_button);
  changed_cb (self);
}

static void
token_icon_press_cb (PcConnectionDialog   *self,
                     GtkEntryIconPosition  position,
                     GdkEvent             *event,
                     GtkEntry             *entry)
{
  gboolean visible = !gtk_entry_get_visibility (entry);

  gtk_entry_set_visibility (entry, visible);
  gtk_entry_set_icon_from_icon_name (entry, position,
                                     visible ? "view-conceal-symbolic" : "view-reveal-symbolic");
  gtk_entry_set_icon_tooltip_text (entry, position,
                                   visible ? _("Hide the token") : _("Show the token"));
  pc_accessible_name_entry_icon (entry, position,
                                 visible ? _("Hide the token") : _("Show the token"));
}

/* ---- Settings --------------------------------------------------------- */

/* Sorts the platform's default local transport first; the others keep
 * the loader's order. */
static int
compare_default_first (gconstpointer a,
                       gconstpointer b)
{
  const PcTransportOps *ops_a = *(const PcTransportOps * const *) a;
  const PcTransportOps *ops_b = *(const PcTransportOps * const *) b;

  return (int) !(ops_a->flags & PC_TRANSPORT_FLAG_DEFAULT_LOCAL)
         - (int) !(ops_b->flags & PC_TRANSPORT_FLAG_DEFAULT_LOCAL);
}

/* Lists the loaded transports that can reach a server of the combo box's
 * kind (@local: on this computer), the platform's default first. */
static void
fill_transports (PcConnectionDialog *self,
                 GtkComboBoxText    *combo,
                 gboolean            local)
{
  g_autoptr(GPtrArray) list = NULL;

  if (self->transports == NULL)
    return;
  list = pc_transports_list (self->transports);
  /* g_ptr_array_sort is a stable merge sort. */
  g_ptr_array_sort (list, compare_default_first);
  for (guint i = 0; i < list->len; i++)
    {
      const PcTransportOps *ops = g_ptr_array_index (list, i);
      g_autofree char *label = NULL;

      if (!(ops->flags & (local ? PC_TRANSPORT_FLAG_LOCAL : PC_TRANSPORT_FLAG_REMOTE)))
        continue;
      if (local && (ops->flags & PC_TRANSPORT_FLAG_REMOTE))
        /* TRANSLATORS: a transport's name and its scheme: "TCP on this computer (tcp)" */
        label = g_strdup_printf (_("%s on this computer (%s)"),
                                 pc_transport_display_name (ops), ops->scheme);
      else
        /* TRANSLATORS: a transport's name and its scheme: "Unix domain socket (unix)" */
        label = g_strdup_printf (_("%s (%s)"), pc_transport_display_name (ops), ops->scheme);
      gtk_combo_box_text_append (combo, ops->scheme, label);
    }
}

static void
select_transport (GtkComboBoxText *combo,
                  const char      *scheme)
{
  /* The saved transport may be one this build lacks (settings shared with
   * another build, or a module that failed to load): offer the first
   * one it has rather than nothing. */
  if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), scheme))
    gtk_combo_box_set_active (GTK_COMBO_BOX (combo), 0);
}

static void
token_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *token = pc_secret_lookup_finish (result, &error);
  PcConnectionDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_clear_object (&self->token_cancellable);
  if (error != NULL)
    show_test_status (self, error->message, TRUE);
  /* Something typed meanwhile wins. */
  if (token != NULL && gtk_entry_get_text (self->token_entry)[0] == '\0')
    gtk_entry_set_text (self->token_entry, token);
  pc_token_free (token);
}

static void
load_settings (PcConnectionDialog *self)
{
  g_autofree char *local_transport = g_settings_get_string (self->settings, "local-transport");
  g_autofree char *remote_transport = g_settings_get_string (self->settings, "remote-transport");
  g_autofree char *host = g_settings_get_string (self->settings, "remote-host");
  g_autofree char *pipe = g_settings_get_string (self->settings, "remote-pipe");
  g_autofree char *ca_file = g_settings_get_string (self->settings, "tls-ca-file");

  fill_transports (self, self->local_transport_combo, TRUE);
  fill_transports (self, self->remote_transport_combo, FALSE);
  select_transport (self->local_transport_combo, local_transport);
  select_transport (self->remote_transport_combo, remote_transport);

  gtk_spin_button_set_value (self->local_port_spin,
                             g_settings_get_int (self->settings, "local-port"));
  gtk_spin_button_set_value (self->remote_port_spin,
                             g_settings_get_int (self->settings, "remote-port"));
  gtk_toggle_button_set_active (self->private_check,
                                g_settings_get_boolean (self->settings, "start-private-server"));
  gtk_entry_set_text (self->host_entry, host);
  gtk_entry_set_text (self->pipe_entry, pipe);
  if (ca_file[0] != '\0')
    gtk_file_chooser_set_filename (self->ca_button, ca_file);
  /* The token comes from the keyring (or its file), asynchronously. */
  self->token_cancellable = g_cancellable_new ();
  pc_secret_lookup_async (self->token_cancellable, token_loaded_cb, self);
  gtk_toggle_button_set_active (self->tls_check,
                                g_settings_get_boolean (self->settings, "use-tls"));
  gtk_toggle_button_set_active (g_settings_get_enum (self->settings, "mode") == 1
                                ? self->remote_radio : self->local_radio, TRUE);

  update_widgets (self);
  validate (self);
  show_test_status (self, "", FALSE);
}

/* A GSettings of our own for the same schema, path and backend: delaying
 * the application's object would hold back every later change it makes
 * (g_settings_delay() cannot be undone). */
static GSettings *
new_batch_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GObject) backend = NULL;
  g_autofree char *path = NULL;

  g_object_get (settings, "settings-schema", &schema, "backend", &backend,
                "path", &path, NULL);
  return g_settings_new_full (schema, (GSettingsBackend *) backend, path);
}

static gboolean
save_settings (PcConnectionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcTarget) target = NULL;
  g_autoptr(GSettings) batch = NULL;
  g_autofree char *host = NULL;
  GtkEntry *bad;

  /* A port typed but not yet committed counts. */
  gtk_spin_button_update (self->local_port_spin);
  gtk_spin_button_update (self->remote_port_spin);
  target = build_target (self, NULL, &error);
  if (target == NULL)
    {
      validate (self);
      bad = offending_entry (self);
      if (bad != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (bad));
      return FALSE;
    }

  /* One change: whoever watches the settings never sees, say, the new
   * host with the old port. */
  batch = new_batch_settings (self->settings);
  g_settings_delay (batch);
  g_settings_set_enum (batch, "mode", target->remote ? 1 : 0);
  g_settings_set_string (batch, "local-transport", combo_scheme (self->local_transport_combo));
  g_settings_set_int (batch, "local-port", gtk_spin_button_get_value_as_int (self->local_port_spin));
  g_settings_set_boolean (batch, "start-private-server",
                          gtk_toggle_button_get_active (self->private_check));
  /* Stored as pc_target_new() reads it: without stray spaces. */
  host = g_strstrip (g_strdup (gtk_entry_get_text (self->host_entry)));
  g_settings_set_string (batch, "remote-host", host);
  g_settings_set_string (batch, "remote-transport", combo_scheme (self->remote_transport_combo));
  g_settings_set_int (batch, "remote-port", gtk_spin_button_get_value_as_int (self->remote_port_spin));
  g_settings_set_string (batch, "remote-pipe", gtk_entry_get_text (self->pipe_entry));
  g_settings_set_boolean (batch, "use-tls", gtk_toggle_button_get_active (self->tls_check));
  {
    g_autofree char *ca_file = gtk_file_chooser_get_filename (self->ca_button);

    g_settings_set_string (batch, "tls-ca-file", ca_file != NULL ? ca_file : "");
  }
  g_settings_apply (batch);
  /* The token goes to the keyring, never to the settings. */
  pc_secret_store_async (target->address, gtk_entry_get_text (self->token_entry), NULL,
                         NULL, NULL);
  return TRUE;
}

/* ---- GObject ---------------------------------------------------------- */

static void
pc_connection_dialog_response (GtkDialog *dialog,
                               int        response)
{
  PcConnectionDialog *self = PC_CONNECTION_DIALOG (dialog);

  switch (response)
    {
    case GTK_RESPONSE_OK:
      /* Connect: the caller hears GTK_RESPONSE_APPLY only once the
       * choices are valid and saved; otherwise the dialog stays open
       * with the message showing. */
      if (!save_settings (self))
        return;
      gtk_dialog_response (dialog, GTK_RESPONSE_APPLY);
      gtk_widget_destroy (GTK_WIDGET (dialog));
      break;

    case GTK_RESPONSE_APPLY:
      /* Emitted just above, for the caller. */
      break;

    default:
      /* Cancel, Escape, the window closed: nothing is saved. */
      gtk_widget_destroy (GTK_WIDGET (dialog));
      break;
    }
}

static void
pc_connection_dialog_dispose (GObject *object)
{
  PcConnectionDialog *self = PC_CONNECTION_DIALOG (object);

  /* Closing the dialog cancels the test and closes its connection. */
  stop_test (self);
  if (self->token_cancellable != NULL)
    g_cancellable_cancel (self->token_cancellable);
  g_clear_object (&self->token_cancellable);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (pc_connection_dialog_parent_class)->dispose (object);
}

static void
pc_connection_dialog_finalize (GObject *object)
{
  PcConnectionDialog *self = PC_CONNECTION_DIALOG (object);

  g_free (self->private_tooltip);
  G_OBJECT_CLASS (pc_connection_dialog_parent_class)->finalize (object);
}

static void
pc_connection_dialog_class_init (PcConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pc_connection_dialog_dispose;
  object_class->finalize = pc_connection_dialog_finalize;
  GTK_DIALOG_CLASS (klass)->response = pc_connection_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pipecalc/PipeCalc/pc-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, local_radio);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, remote_radio);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, local_grid);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, remote_grid);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, local_transport_combo);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, local_port_label);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, local_port_spin);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, private_check);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, host_entry);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, remote_transport_combo);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, remote_port_label);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, remote_port_spin);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, pipe_label);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, pipe_entry);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, token_entry);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, tls_check);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, ca_label);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, ca_button);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, test_label);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, error_box);
  gtk_widget_class_bind_template_child (widget_class, PcConnectionDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, transport_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_icon_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_clear_clicked_cb);
}

static void
pc_connection_dialog_init (PcConnectionDialog *self)
{
  int width = 0;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Test becomes Stop Test while it runs: as wide from the start, so the
   * status beside it keeps its width. */
  gtk_button_set_label (self->test_button, _("Stop T_est"));
  gtk_widget_get_preferred_width (GTK_WIDGET (self->test_button), NULL, &width);
  gtk_widget_set_size_request (GTK_WIDGET (self->test_button), width, -1);
  gtk_button_set_label (self->test_button, _("T_est"));
  gtk_widget_set_child_visible (GTK_WIDGET (self->test_spinner), FALSE);
  pc_accessible_name_from_labels (GTK_WIDGET (self));
  pc_accessible_name_entry_icon (self->token_entry, GTK_ENTRY_ICON_SECONDARY, _("Show the token"));
}

GtkWidget *
pc_connection_dialog_new (GtkWindow    *parent,
                          GSettings    *settings,
                          PcTransports *transports)
{
  PcConnectionDialog *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  /* use-header-bar is construct-only, so it cannot come from the template. */
  self = g_object_new (PC_TYPE_CONNECTION_DIALOG,
                       "use-header-bar", TRUE,
                       "transient-for", parent,
                       NULL);
  self->settings = g_object_ref (settings);
  self->transports = transports;
  self->private_tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (self->private_check));
  load_settings (self);
  return GTK_WIDGET (self);
}

const char *
pc_connection_dialog_get_token (PcConnectionDialog *self)
{
  g_return_val_if_fail (PC_IS_CONNECTION_DIALOG (self), NULL);

  return gtk_entry_get_text (self->token_entry);
}
